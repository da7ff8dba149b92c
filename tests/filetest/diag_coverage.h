// The diagnostic coverage check: every code registered in compiler/diag/codes.def must appear
// as `[Ennnn]` / `[Wnnnn]` in an expected-output line (`// CHECK:STDOUT:` or `// CHECK:STDERR:`)
// of some case under tests/cases, unless tests/filetest/diag_coverage_allowlist.txt lists it
// with a reason. Reads the files at test time, so adding a row or a case needs no rebuild.
// Also fails on allow-list entries that lack a reason, name no registered code, or are covered.
#pragma once

#include <iosfwd>
#include <string>

namespace warrant::filetest {

// `root` is the repo root. Prints a report to `out`; returns 0 when complete, 1 otherwise.
int RunDiagCoverage(const std::string& root, std::ostream& out);

}  // namespace warrant::filetest
