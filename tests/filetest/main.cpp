// warrant_filetest: golden file tests for the `warrant` CLI, run in-process.
//
//   warrant_filetest [--autoupdate] [--default-args=ARGS] [--ignore-output] PATH...
//   warrant_filetest --diag-coverage
//
// Each PATH is a case file or a directory searched for *.warrant. The runner changes into the repo
// root first, so the driver sees paths like tests/cases/check/x.warrant and prints them that way.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/filetest/case_file.h"
#include "tests/filetest/diag_coverage.h"
#include "tests/filetest/run_case.h"
#include "tests/filetest/verdict.h"

namespace {

namespace fs = std::filesystem;
using warrant::filetest::CaseFile;
using warrant::filetest::RunResult;

constexpr const char* kUsage =
    "usage: warrant_filetest [options] PATH...   run golden cases (files or directories)\n"
    "       warrant_filetest --diag-coverage      check every diagnostic code has a case\n"
    "options:\n"
    "  --autoupdate          rewrite each case's CHECK lines from its actual output\n"
    "  --default-args=ARGS   ARGS for files without `// ARGS:` (default: \"check %s\")\n"
    "  --ignore-output       compare only the exit code (files without CHECK lines)\n"
    "  --root=DIR            repo root (default: the source tree this was built from)\n";

constexpr const char* kDefaultArgs = "check %s";

// Autoupdate reruns a case until its file stops changing: output pointing at the end of the
// file moves when the CHECK block grows or shrinks, and needs one more round to settle.
constexpr int kMaxAutoupdateRounds = 4;

struct Options {
  bool autoupdate = false;
  bool ignore_output = false;
  bool diag_coverage = false;
  std::string default_args = kDefaultArgs;
  std::string root = WARRANT_SOURCE_DIR;
  std::vector<std::string> paths;
};

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  text = buffer.str();
  return static_cast<bool>(stream);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << text;
  return static_cast<bool>(stream);
}

// `path` relative to `root` when it lies inside it, else absolute.
std::string RelativeToRoot(const fs::path& path, const fs::path& root) {
  fs::path relative = fs::weakly_canonical(path).lexically_relative(fs::weakly_canonical(root));
  if (relative.empty() || *relative.begin() == "..") {
    return fs::weakly_canonical(path).string();
  }
  return relative.string();
}

// Relative arguments are tried against the current directory first, then the repo root, so the
// printed autoupdate command works from the root whatever directory the runner was started in.
std::vector<std::string> CollectCases(const Options& options, const fs::path& root, bool& ok) {
  std::vector<std::string> cases;
  for (const std::string& argument : options.paths) {
    fs::path path = argument;
    if (path.is_relative() && !fs::exists(path)) {
      path = root / path;
    }
    if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const fs::directory_entry& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".warrant") {
          found.push_back(RelativeToRoot(entry.path(), root));
        }
      }
      if (found.empty()) {
        std::cerr << "warrant_filetest: no .warrant files under " << argument << "\n";
        ok = false;
      }
      std::sort(found.begin(), found.end());
      cases.insert(cases.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path)) {
      cases.push_back(RelativeToRoot(path, root));
    } else {
      std::cerr << "warrant_filetest: no such file or directory: " << argument << "\n";
      ok = false;
    }
  }
  return cases;
}

std::string AutoupdateCommand(const Options& options, const fs::path& root,
                              const std::string& path) {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  std::string command = error ? std::string("warrant_filetest") : RelativeToRoot(self, root);
  if (options.default_args != kDefaultArgs) {
    command += " '--default-args=" + options.default_args + "'";
  }
  return command + " --autoupdate " + path;
}

// Checks one case; prints PASS or FAIL with the report. Returns true on pass.
bool CheckCase(const Options& options, const fs::path& root, const std::string& path) {
  std::string text;
  if (!ReadFile(path, text)) {
    std::cout << "FAIL " << path << "\n  cannot read the file\n";
    return false;
  }
  CaseFile case_file = warrant::filetest::ParseCaseFile(text);
  RunResult run = warrant::filetest::RunCase(path, case_file, options.default_args);
  warrant::filetest::Verdict verdict = warrant::filetest::Judge(
      case_file, run, options.ignore_output, AutoupdateCommand(options, root, path));
  std::cout << (verdict.passed ? "PASS " : "FAIL ") << path << "\n" << verdict.report;
  return verdict.passed;
}

// Rewrites one case's CHECK block. Returns false if the case could not be run.
bool AutoupdateCase(const Options& options, const std::string& path) {
  bool changed = false;
  for (int round = 0; round < kMaxAutoupdateRounds; ++round) {
    std::string text;
    if (!ReadFile(path, text)) {
      std::cout << "error " << path << ": cannot read the file\n";
      return false;
    }
    CaseFile case_file = warrant::filetest::ParseCaseFile(text);
    if (!case_file.errors.empty()) {
      std::cout << "error " << path << ": " << case_file.errors.front() << "\n";
      return false;
    }
    RunResult run = warrant::filetest::RunCase(path, case_file, options.default_args);
    if (!run.error.empty()) {
      std::cout << "error " << path << ": " << run.error << "\n";
      return false;
    }
    std::string updated = warrant::filetest::AutoupdatedText(case_file, run);
    if (updated == text) {
      std::cout << (changed ? "updated   " : "unchanged ") << path << "\n";
      return true;
    }
    if (!WriteFile(path, updated)) {
      std::cout << "error " << path << ": cannot write the file\n";
      return false;
    }
    changed = true;
  }
  std::cout
      << "error " << path << ": the output keeps changing with the file's own CHECK lines\n"
      << "  (a content hash, an unclosed comment, ...); put the source under test in a split\n"
      << "  file (`// --- x.warrant` + `// ARGS: check %{x.warrant}`) or match the volatile\n"
      << "  part with {{regex}}\n";
  return false;
}

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value_of = [&](const std::string& name, std::string& value) {
      if (arg.rfind(name + "=", 0) == 0) {
        value = arg.substr(name.size() + 1);
        return true;
      }
      if (arg == name && i + 1 < argc) {
        value = argv[++i];
        return true;
      }
      return false;
    };
    if (arg == "--autoupdate") {
      options.autoupdate = true;
    } else if (arg == "--ignore-output") {
      options.ignore_output = true;
    } else if (arg == "--diag-coverage") {
      options.diag_coverage = true;
    } else if (value_of("--default-args", options.default_args) ||
               value_of("--root", options.root)) {
      continue;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "warrant_filetest: unknown option " << arg << "\n" << kUsage;
      return false;
    } else {
      options.paths.push_back(arg);
    }
  }
  if (options.autoupdate && options.ignore_output) {
    std::cerr << "warrant_filetest: --autoupdate and --ignore-output exclude each other\n";
    return false;
  }
  if (options.diag_coverage != options.paths.empty()) {
    std::cerr << kUsage;
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) {
    return 2;
  }
  fs::path root = fs::absolute(options.root);
  if (options.diag_coverage) {
    return warrant::filetest::RunDiagCoverage(root.string(), std::cout);
  }
  bool ok = true;
  std::vector<std::string> cases = CollectCases(options, root, ok);
  // Relative case paths are relative to the root from here on; so are the driver's outputs.
  fs::current_path(root);

  int failed = 0;
  for (const std::string& path : cases) {
    bool passed =
        options.autoupdate ? AutoupdateCase(options, path) : CheckCase(options, root, path);
    failed += passed ? 0 : 1;
  }
  if (cases.size() > 1) {
    std::cout << cases.size() - static_cast<std::size_t>(failed) << " of " << cases.size()
              << (options.autoupdate ? " cases updated cleanly\n" : " cases passed\n");
  }
  return ok && failed == 0 ? 0 : 1;
}
