// Runs one golden case through warrant::driver::Run in this process.
//
// Materialises the case's split files in a fresh temporary directory, expands `%s`, `%{name}`
// and `%{tmp}` in the ARGS line, feeds the `STDIN` split (or nothing) as standard input, and
// captures stdout, stderr and the exit code. The temporary directory's path is replaced by
// `%{tmp}` in the captured output so expectations are the same on every machine. The caller must
// have made the repo root the current directory; RunCase does not compare anything.
#pragma once

#include <string>
#include <vector>

#include "tests/filetest/case_file.h"

namespace warrant::filetest {

struct RunResult {
  std::string command;  // "warrant check tests/cases/...": what to paste into a shell
  std::vector<std::string> stdout_lines;
  std::vector<std::string> stderr_lines;
  int exit_code = 0;
  // Set when the case could not be run (bad ARGS, temp dir failure) or the driver threw; the
  // output above is then meaningless and the case fails.
  std::string error;
};

// `path` is the case file as the driver should see it (relative to the repo root);
// `default_args` applies when the case has no `// ARGS:` line.
RunResult RunCase(const std::string& path, const CaseFile& case_file,
                  const std::string& default_args);

}  // namespace warrant::filetest
