// Fixes: every diagnostic whose help names one replacement ("did you mean `x`?") carries it as
// its fix, so `warrant lsp` can offer it as a quick fix; and applying a fix removes the error.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Sources(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".warrant")
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("every \"did you mean\" in the golden cases carries its fix", "[fix]") {
  fs::path root(WARRANT_SOURCE_DIR);
  size_t suggestions = 0;
  for (const fs::path& file : Sources(root / "tests/cases")) {
    CompileOptions options;
    options.generate = false;
    auto c = Compile({file.string()}, options);
    for (const diag::Diagnostic& d : c->sink.diagnostics()) {
      size_t at = d.help.find("did you mean `");
      if (at == std::string::npos)
        continue;
      ++suggestions;
      INFO(file.string() << ": " << d.message << " / " << d.help);
      REQUIRE(d.fix);
      // The fix writes what the help suggests (a string literal keeps its quotes).
      std::string suggested = d.help.substr(at + 14, d.help.find('`', at + 14) - at - 14);
      CHECK(d.fix->text.find(suggested) != std::string::npos);
      const std::string& text = c->sources.files.Get(d.file).text();
      CHECK(d.fix->span.end <= text.size());
      CHECK(d.fix->span.begin <= d.fix->span.end);
    }
  }
  CHECK(suggestions >= 10);  // the cases show many; a collapse to none would mean a broken test
}

TEST_CASE("applying the fix of a slip removes its error", "[fix]") {
  const char* slips[] = {
      "require patient.sex = \"F\" else deny sex",
      "if age < 45 { flag \"young\" when true }",
      "Require age >= 45 else deny age",
      "require service_date >= patient.birth_date + 12 wks else deny age",
      "require \xE2\x80\x9C"
      "F\xE2\x80\x9D == patient.sex else deny sex",
      "require any d in diagnoses where d == G43.709 else deny dx_not_covered",
      "require line.code == G0328 else deny not_reasonable",
      "require line.code == 82270 else deny not_reasonable",
      "require patient.sex == \"F\" else deny sexx",
      "require line.cdoe == \"G0328\" else deny not_reasonable",
      "require service_date >= patient.birth_date + 84 else deny age",
  };
  fs::path dir = fs::temp_directory_path() / "warrant_fix_test";
  fs::create_directories(dir);
  for (const char* slip : slips) {
    std::string text =
        "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
        "rule r applies to line where true {\n  " +
        std::string(slip) + "\n}\n";
    INFO(slip);
    fs::path file = dir / "a.warrant";
    // Apply fixes until none is left (one slip may hide behind another); at most a few rounds.
    for (int round = 0; round < 4; ++round) {
      std::ofstream(file) << text;
      CompileOptions options;
      options.generate = false;
      auto c = Compile({file.string()}, options);
      const diag::Diagnostic* fixable = nullptr;
      for (const diag::Diagnostic& d : c->sink.diagnostics()) {
        if (d.fix && !fixable)
          fixable = &d;
      }
      if (!fixable) {
        CHECK_FALSE(c->sink.has_errors());
        break;
      }
      CHECK(round < 3);
      text = text.substr(0, fixable->fix->span.begin) + fixable->fix->text +
             text.substr(fixable->fix->span.end);
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace warrant
