#include "tests/filetest/verdict.h"

#include <vector>

#include "tests/filetest/line_diff.h"

namespace warrant::filetest {
namespace {

constexpr std::size_t kDiffContext = 3;

bool SameLines(const std::vector<ExpectedLine>& expected, const std::vector<std::string>& actual) {
  if (expected.size() != actual.size()) {
    return false;
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (!expected[i].Matches(actual[i])) {
      return false;
    }
  }
  return true;
}

std::string Dump(const std::string& title, const std::vector<std::string>& lines) {
  std::string text = "  " + title + (lines.empty() ? " (empty)\n" : ":\n");
  for (const std::string& line : lines) {
    text += "    " + line + "\n";
  }
  return text;
}

// Merges expected and actual through the diff: kept lines keep their expected spelling.
std::vector<std::string> MergedLines(const std::vector<ExpectedLine>& expected,
                                     const std::vector<std::string>& actual) {
  std::vector<std::string> merged;
  for (const DiffLine& row : DiffLines(expected, actual)) {
    switch (row.op) {
      case DiffOp::Keep:
        merged.push_back(expected[row.expected_index].text());
        break;
      case DiffOp::Remove:
        break;
      case DiffOp::Add:
        merged.push_back(ToExpectedText(actual[row.actual_index]));
        break;
    }
  }
  return merged;
}

void AppendChecks(std::string& text, const std::string& directive,
                  const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    // No trailing space on an empty expected line: editors and linters strip it.
    text += "// " + directive + (line.empty() ? "" : " " + line) + "\n";
  }
}

}  // namespace

Verdict Judge(const CaseFile& case_file, const RunResult& run, bool ignore_output,
              const std::string& autoupdate_command) {
  Verdict verdict;
  std::string problems;
  if (!case_file.errors.empty()) {
    for (const std::string& error : case_file.errors) {
      problems += "  format error: " + error + "\n";
    }
  }
  if (case_file.misplaced_check_line != 0) {
    problems += "  format error: line " + std::to_string(case_file.misplaced_check_line) +
                ": CHECK lines must all come after the source (autoupdate moves them)\n";
  }
  if (!problems.empty()) {
    verdict.report = problems;
    return verdict;
  }
  if (!run.error.empty()) {
    verdict.report = "  command: " + run.command + "\n  error: " + run.error + "\n";
    return verdict;
  }

  std::string report;
  int expected_exit = case_file.expected_exit.value_or(0);
  if (run.exit_code != expected_exit) {
    report += "  exit code: expected " + std::to_string(expected_exit) + ", actual " +
              std::to_string(run.exit_code) + "\n";
  }
  if (ignore_output) {
    if (!report.empty()) {
      report += Dump("stdout", run.stdout_lines) + Dump("stderr", run.stderr_lines);
    }
  } else {
    struct Stream {
      const char* name;
      const std::vector<ExpectedLine>& expected;
      const std::vector<std::string>& actual;
    };

    for (const Stream& stream : {Stream{"stdout", case_file.expected_stdout, run.stdout_lines},
                                 Stream{"stderr", case_file.expected_stderr, run.stderr_lines}}) {
      if (SameLines(stream.expected, stream.actual)) {
        continue;
      }
      report += "  " + std::string(stream.name) + " differs (- expected, + actual):\n";
      report += RenderDiff(DiffLines(stream.expected, stream.actual), stream.expected,
                           stream.actual, kDiffContext, "    ");
    }
    if (!report.empty()) {
      report += "  to accept the actual output, run from the repo root:\n    " +
                autoupdate_command + "\n";
    }
  }
  if (report.empty()) {
    verdict.passed = true;
    return verdict;
  }
  verdict.report = "  command: " + run.command + "\n" + report;
  return verdict;
}

std::string AutoupdatedText(const CaseFile& case_file, const RunResult& run) {
  std::string text;
  for (const std::string& line : case_file.body) {
    text += line + "\n";
  }
  if (!text.empty()) {
    text += "\n";
  }
  AppendChecks(text, "CHECK:STDOUT:", MergedLines(case_file.expected_stdout, run.stdout_lines));
  AppendChecks(text, "CHECK:STDERR:", MergedLines(case_file.expected_stderr, run.stderr_lines));
  text += "// CHECK:EXIT: " + std::to_string(run.exit_code) + "\n";
  return text;
}

}  // namespace warrant::filetest
