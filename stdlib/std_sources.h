// The standard library's criteria: .warrant files built into `warrant` (stdlib/criteria/), which
// a pack takes with `import "std/<name>.warrant" as alias`. Importing one makes its policy, rules
// and test blocks part of the pack like any other file; the pack records its text, so a pack
// does not depend on the `warrant` version that built it. The text is embedded at build time
// from stdlib/criteria/*.warrant (std_sources.cmake); this module only looks it up.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace warrant::stdlib {

struct StdSource {
  std::string_view path;  // "std/icd10cm_validity.warrant"
  std::string_view text;
};

// Every built-in criterion, sorted by path.
std::span<const StdSource> StdSources();

// The text of `path` ("std/<name>.warrant"), or nullopt.
std::optional<std::string_view> FindStdSource(std::string_view path);

}  // namespace warrant::stdlib
