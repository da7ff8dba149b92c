// Writing JSON string literals: the one escaping routine every JSON writer uses (decisions,
// error records, diagnostics, AST dumps), so all of them escape alike.
#pragma once

#include <string>
#include <string_view>

namespace warrant {

// Appends `text` as a JSON string literal, quotes included; control characters are escaped.
void AppendJsonString(std::string& out, std::string_view text);

// The same, returned.
inline std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

}  // namespace warrant
