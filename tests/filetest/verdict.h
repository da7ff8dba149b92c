// Judging a case run against its expectations, and rewriting its expectations (autoupdate).
//
// Judge() compares exit code and every stdout/stderr line, in order, and renders a failure
// report: the command that ran, a unified-style diff per stream, and the exact command that
// autoupdates this one file. AutoupdatedText() builds the new file text: the source body
// untouched, then one blank line and the CHECK block (STDOUT, STDERR, EXIT).
#pragma once

#include <string>

#include "tests/filetest/case_file.h"
#include "tests/filetest/run_case.h"

namespace warrant::filetest {

struct Verdict {
  bool passed = false;
  std::string report;  // empty when passed
};

// `ignore_output` checks only the exit code (for files without CHECK lines, e.g. examples).
// `autoupdate_command` is printed in the report as the way to accept the actual output.
Verdict Judge(const CaseFile& case_file, const RunResult& run, bool ignore_output,
              const std::string& autoupdate_command);

// The case file rewritten so that it expects `run`'s output. Expected lines that still match
// (including `{{regex}}` ones) are kept as written; the rest is taken from the actual output.
std::string AutoupdatedText(const CaseFile& case_file, const RunResult& run);

}  // namespace warrant::filetest
