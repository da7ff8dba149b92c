#include "tests/filetest/diag_coverage.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <regex>
#include <sstream>
#include <vector>

#include "tests/filetest/case_file.h"

namespace warrant::filetest {
namespace {

namespace fs = std::filesystem;

struct Registered {
  std::string code;
  std::string name;
  std::string message;
};

std::string ReadFile(const fs::path& path, bool& ok) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  ok = static_cast<bool>(stream);
  return text.str();
}

// Rows are `WARRANT_DIAG(E0201, UnknownName, Error, "message", "help")` at the start of a line;
// the `#error` line mentioning WARRANT_DIAG and retired-code macros do not match.
std::vector<Registered> ReadRegistry(const fs::path& path, bool& ok) {
  static const std::regex kRow(
      R"re(^\s*WARRANT_DIAG\(\s*([A-Z][0-9]{4})\s*,\s*(\w+)\s*,\s*\w+\s*,\s*"((?:[^"\\]|\\.)*)")re");
  std::vector<Registered> rows;
  for (const std::string& line : SplitLines(ReadFile(path, ok))) {
    std::smatch match;
    if (std::regex_search(line, match, kRow)) {
      rows.push_back({match[1], match[2], match[3]});
    }
  }
  return rows;
}

// code -> first "path:line" whose expected output mentions `[code]`.
std::map<std::string, std::string> ReadCoveredCodes(const fs::path& root, const fs::path& cases) {
  static const std::regex kCheck(R"(^\s*// CHECK:STD(OUT|ERR):)");
  static const std::regex kCode(R"(\[([A-Z][0-9]{4})\])");
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(cases, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".warrant") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> covered;
  for (const fs::path& file : files) {
    bool ok = true;
    std::vector<std::string> lines = SplitLines(ReadFile(file, ok));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (!std::regex_search(lines[i], kCheck)) {
        continue;
      }
      for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), kCode), end; it != end; ++it) {
        covered.emplace((*it)[1], fs::relative(file, root).string() + ":" + std::to_string(i + 1));
      }
    }
  }
  return covered;
}

// Allow-list lines: `CODE  reason`; `#` starts a comment line. code -> reason ("" if missing).
std::map<std::string, std::string> ReadAllowList(const fs::path& path) {
  std::map<std::string, std::string> allowed;
  bool ok = true;
  for (const std::string& line : SplitLines(ReadFile(path, ok))) {
    std::istringstream words(line);
    std::string code;
    if (!(words >> code) || code.front() == '#') {
      continue;
    }
    std::string reason;
    std::getline(words >> std::ws, reason);
    allowed[code] = reason;
  }
  return allowed;
}

}  // namespace

int RunDiagCoverage(const std::string& root, std::ostream& out) {
  const fs::path registry_path = fs::path(root) / "compiler/diag/codes.def";
  const fs::path allow_path = fs::path(root) / "tests/filetest/diag_coverage_allowlist.txt";
  bool ok = true;
  std::vector<Registered> registry = ReadRegistry(registry_path, ok);
  if (!ok || registry.empty()) {
    out << "diag coverage: cannot read any WARRANT_DIAG row from " << registry_path.string()
        << "\n";
    return 1;
  }
  std::map<std::string, std::string> covered =
      ReadCoveredCodes(root, fs::path(root) / "tests/cases");
  std::map<std::string, std::string> allowed = ReadAllowList(allow_path);

  int failures = 0;
  std::map<std::string, int> seen;
  std::vector<const Registered*> missing;
  for (const Registered& row : registry) {
    if (++seen[row.code] == 2) {
      out << "  " << row.code << " is registered more than once in codes.def\n";
      ++failures;
    }
    if (seen[row.code] == 1 && covered.count(row.code) == 0 && allowed.count(row.code) == 0) {
      missing.push_back(&row);
    }
  }
  for (const auto& [code, reason] : allowed) {
    if (seen.count(code) == 0) {
      out << "  allow-list entry " << code << " names no code in codes.def; remove it\n";
      ++failures;
    } else if (reason.empty()) {
      out << "  allow-list entry " << code << " gives no reason; write one after the code\n";
      ++failures;
    } else if (covered.count(code) != 0) {
      out << "  allow-list entry " << code << " is covered now (" << covered[code]
          << "); remove it\n";
      ++failures;
    }
  }
  if (!missing.empty()) {
    out << missing.size() << " of " << seen.size()
        << " diagnostic codes appear in no expected-output line under tests/cases:\n";
    for (const Registered* row : missing) {
      out << "  " << row->code << "  " << row->name << "  \"" << row->message << "\"\n";
    }
    out << "add a case for each (see docs/testing.md), or list the code with a reason in\n"
        << "tests/filetest/diag_coverage_allowlist.txt\n";
    failures += static_cast<int>(missing.size());
  }
  // Informational only: codes in expectations that the registry does not know (a typo in a
  // hand-written CHECK line, or a renumbered row).
  for (const auto& [code, where] : covered) {
    if (seen.count(code) == 0) {
      out << "note: " << where << " expects [" << code << "], which codes.def does not register\n";
    }
  }
  out << "diag coverage: " << (seen.size() - missing.size()) << " of " << seen.size()
      << " codes covered or allow-listed\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace warrant::filetest
