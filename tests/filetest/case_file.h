// A golden case file: Warrant source whose `//` comments carry the test's directives.
//
// ParseCaseFile() splits the text into the source body (what autoupdate keeps), the `// ARGS:`
// line, `// --- name` split files, and the trailing `// CHECK:STDOUT:` / `// CHECK:STDERR:` /
// `// CHECK:EXIT:` block. It only reads text: running the driver is run_case.h's job, comparing
// and rewriting is verdict.h's. The format is documented in docs/testing.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/filetest/expected_line.h"

namespace warrant::filetest {

// Name of the split file that is fed to the driver's standard input instead of being written.
inline constexpr std::string_view kStdinSplit = "STDIN";

struct SplitFile {
  std::string name;     // relative path inside the case's temporary directory, or "STDIN"
  std::string content;  // the block's lines with the leading "// " removed, '\n'-terminated
};

struct CaseFile {
  // The file without any CHECK lines and without trailing blank lines: autoupdate writes this
  // back unchanged and appends the new CHECK block after it.
  std::vector<std::string> body;
  std::optional<std::string> args;  // the `// ARGS:` value; the runner's default if absent
  std::vector<SplitFile> splits;
  std::vector<ExpectedLine> expected_stdout;
  std::vector<ExpectedLine> expected_stderr;
  std::optional<int> expected_exit;  // absent means 0
  // True if any CHECK:STDOUT/CHECK:STDERR line exists (examples have none).
  bool has_output_checks = false;
  // Line (1-based) of the first CHECK line that sits above source; 0 if the block is trailing.
  // Such a file fails, because moving those lines would shift every source line number.
  std::size_t misplaced_check_line = 0;
  // Format errors as "line N: message"; a case with errors fails without running.
  std::vector<std::string> errors;
};

CaseFile ParseCaseFile(std::string_view text);

// Splits on '\n'; a final newline does not produce an empty last line.
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace warrant::filetest
