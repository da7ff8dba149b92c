// docs/diagnostics.md is generated: for every code in compiler/diag/codes.def, its message and
// help, and the smallest golden case under tests/cases whose expected output shows it (the source
// as the example, its expected diagnostics as the output). This test fails when the checked-in
// page differs from what the registry and the cases say now; regenerate it with
//   WARRANT_UPDATE_DOCS=1 <build>/tests/warrant_unit_tests '[diagnostics-doc]'
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "compiler/diag/diagnostic.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string path;                 // relative to the repo root
  std::vector<std::string> source;  // the case's own lines, without directives and checks
  std::vector<std::string> stderr_lines;
  size_t size = 0;
};

std::vector<Case> LoadCases(const fs::path& root) {
  std::vector<Case> cases;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests/cases")) {
    if (entry.is_regular_file() && entry.path().extension() == ".warrant")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    Case c;
    c.path = fs::relative(file, root).generic_string();
    std::string line;
    bool in_split = false;
    while (std::getline(in, line)) {
      if (line.rfind("// CHECK:STDERR: ", 0) == 0) {
        c.stderr_lines.push_back(line.substr(17));
      } else if (line.rfind("// CHECK:", 0) == 0 || line.rfind("// ARGS:", 0) == 0 ||
                 line.rfind("// AUTOUPDATE", 0) == 0 || line.rfind("// TIP:", 0) == 0) {
        continue;
      } else if (line.rfind("// --- ", 0) == 0) {
        in_split = true;  // split files (claims, other sources) are not the example
      } else if (line == "// ---" || line.rfind("//", 0) != 0) {
        in_split = false;  // a split ends at a bare `// ---` or at the first line of source
        if (line != "// ---")
          c.source.push_back(line);
      } else if (!in_split) {
        c.source.push_back(line);
      }
    }
    while (!c.source.empty() && c.source.back().empty())
      c.source.pop_back();
    for (const std::string& s : c.source)
      c.size += s.size() + 1;
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string Generate(const fs::path& root) {
  std::vector<Case> cases = LoadCases(root);
  std::ostringstream out;
  out << "# Diagnostics\n\n"
      << "Every diagnostic Warrant reports, by code. Codes are stable: a code is never renumbered\n"
      << "or reused. Ranges: E00xx input and driver, E01xx syntax, E02xx names, E03xx types and\n"
      << "code systems, E04xx rule and policy semantics, E05xx limits, W06xx warnings, W07xx\n"
      << "lints (`warrant lint`, see authoring.md). Record input errors (R07xx) are in\n"
      << "`runtime/records/record_errors.def` and appear in `warrant run` output, not here.\n\n"
      << "This page is generated from `compiler/diag/codes.def` and the golden cases in\n"
      << "`tests/cases` (`tests/unit/diag_doc_test.cpp`); each example is the smallest case that\n"
      << "shows the code, with the output `warrant` gives for it. `{}` in a message stands for\n"
      << "what the user wrote.\n\n";
  for (const diag::DiagInfo& info : diag::kDiagInfo) {
    const std::string tag = fmt::format("[{}]", info.code);
    out << "## " << info.code << " " << info.name << "\n\n";
    out << "Message: `` " << info.format << " ``";
    if (!info.help.empty())
      out << "  \nHelp: " << info.help;
    out << "\n\n";
    const Case* best = nullptr;
    for (const Case& c : cases) {
      bool shows =
          std::any_of(c.stderr_lines.begin(), c.stderr_lines.end(),
                      [&](const std::string& l) { return l.find(tag) != std::string::npos; });
      if (shows && !c.source.empty() && c.size < 1500 && (!best || c.size < best->size))
        best = &c;
    }
    if (!best) {
      out << "_No example: see the golden cases._\n\n";
      continue;
    }
    out << "Example (`" << best->path << "`):\n\n```\n";
    for (const std::string& s : best->source)
      out << s << '\n';
    out << "```\n\n```\n";
    for (const std::string& s : best->stderr_lines)
      out << s << '\n';
    out << "```\n\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE("docs/diagnostics.md is generated from the registry and the golden cases",
          "[diagnostics-doc]") {
  fs::path root = WARRANT_SOURCE_DIR;
  std::string generated = Generate(root);
  fs::path doc = root / "docs/diagnostics.md";
  if (std::getenv("WARRANT_UPDATE_DOCS")) {
    std::ofstream(doc) << generated;
  }
  std::ifstream in(doc);
  std::stringstream current;
  current << in.rdbuf();
  INFO("regenerate with: WARRANT_UPDATE_DOCS=1 warrant_unit_tests '[diagnostics-doc]'");
  CHECK(current.str() == generated);
}

}  // namespace warrant
