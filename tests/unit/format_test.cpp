// The formatter (compiler/format): round trip over every example and golden case; layout rules.
//
// Round trip: for every examples/**/*.warrant and tests/cases/**/*.warrant that parses, the
// formatted text parses to the same AST (the `--dump=ast` text with positions removed), keeps
// every token and comment in order, and formatting it again changes nothing. The exact layout of
// the `warrant fmt` command is pinned by the golden cases in tests/cases/fmt/.
#include "compiler/format/format.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ast/dump.h"
#include "compiler/ast/parse_file.h"
#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/driver.h"
#include "compiler/format/tokens.h"
#include "grammar/parse.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

// The AST dump of `text` without its `@file:line:col` positions; empty if it does not parse.
std::string AstWithoutPositions(const std::string& text) {
  SourceManager sources;
  FileId id = sources.Add("f.warrant", text);
  ast::Ast ast;
  diag::DiagSink sink;
  if (!ast::ParseFile(id, sources.Get(id), ast, sink))
    return "";
  std::ostringstream out;
  ast::DumpAst(ast, sources, out);
  // Drop every ` @f.warrant:LINE:COL`.
  const std::string dump = out.str(), marker = " @f.warrant:";
  std::string stripped;
  size_t pos = 0;
  for (size_t at; (at = dump.find(marker, pos)) != std::string::npos;) {
    stripped.append(dump, pos, at - pos);
    pos = at + marker.size();
    while (pos < dump.size() &&
           (std::isdigit(static_cast<unsigned char>(dump[pos])) || dump[pos] == ':')) {
      ++pos;
    }
  }
  stripped.append(dump, pos, std::string::npos);
  return stripped;
}

// Every token and comment of `text`, in order (comments without trailing blanks).
std::vector<std::string> TokenTexts(const std::string& text) {
  grammar::ParseResult parsed = grammar::Parse(text);
  std::vector<std::string> out;
  if (!parsed.ok())
    return out;
  for (const format::Token& t : format::BuildTokens(text, parsed.cst)) {
    std::string s(t.text);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.pop_back();
    out.push_back(s);
  }
  return out;
}

bool FormatText(const std::string& text, std::string& out) {
  SourceManager sources;
  FileId id = sources.Add("f.warrant", text);
  diag::DiagSink sink;
  return format::Format(id, sources.Get(id), out, sink);
}

std::string Formatted(const std::string& text) {
  std::string out;
  REQUIRE(FormatText(text, out));
  return out;
}

std::vector<fs::path> WarrantFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".warrant") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("fmt round trip: examples and golden cases keep their AST, tokens and comments",
          "[format]") {
  const fs::path root = WARRANT_SOURCE_DIR;
  std::vector<fs::path> files = WarrantFiles(root / "examples");
  const size_t examples = files.size();
  for (const fs::path& f : WarrantFiles(root / "tests/cases"))
    files.push_back(f);
  REQUIRE(examples >= 13);

  size_t formatted_files = 0;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(path.string());
    std::string once;
    if (!FormatText(text, once)) {
      CHECK(AstWithoutPositions(text).empty());  // refused only for files that do not parse
      continue;
    }
    ++formatted_files;
    CHECK(AstWithoutPositions(once) == AstWithoutPositions(text));
    CHECK(TokenTexts(once) == TokenTexts(text));
    std::string twice;
    REQUIRE(FormatText(once, twice));
    CHECK(twice == once);
    if (path.string().find("/examples/") != std::string::npos) {
      CHECK(once == text);  // the examples are kept formatted (`warrant fmt --check examples`)
    }
  }
  CHECK(formatted_files > examples);
}

TEST_CASE("fmt: statements, clauses and blocks", "[format]") {
  CHECK(Formatted("policy \"P\" version 1 \"t\" effective 2024-01-01 source \"s\"\n"
                  "rule r applies to line where true { require age>=45 else deny age \"m\" "
                  "if unknown pend documentation \"x\" }\n") ==
        "policy \"P\" version 1 \"t\"\n"
        "  effective 2024-01-01\n"
        "  source \"s\"\n"
        "rule r\n"
        "  applies to line where true\n"
        "{\n"
        "  require age >= 45\n"
        "    else deny age \"m\"\n"
        "    if unknown pend documentation \"x\"\n"
        "}\n");
  CHECK(Formatted("rule r applies to line where true {\n  when a {flag \"f\" when b}\n}\n") ==
        "rule r\n  applies to line where true\n{\n"
        "  when a {\n    flag \"f\"\n      when b\n  }\n}\n");
}

TEST_CASE("fmt: spacing around brackets, calls, fields and codes", "[format]") {
  CHECK(Formatted("reason r = CO - 119 remark N386 , MA130\n"
                  "codeset c : hcpcs = [ E11.* , 1 .. 2 ] + other . x\n"
                  "let x = year ( d ) + f [ 1 ] . y - - 2\n") ==
        "reason r = CO-119 remark N386, MA130\n"
        "codeset c: hcpcs = [E11.*, 1 .. 2] + other.x\n"
        "let x = year(d) + f[1].y - -2\n");
}

TEST_CASE("fmt: comments stay where they were", "[format]") {
  CHECK(Formatted("// head\n\n\n\nlet a = 1   // trailing\nlet bb = 2 // two\n"
                  "let c = /* inline */ 3\n"
                  "rule r applies to line where true {\n  // inside\n\n\n  let x = 1\n"
                  "  // before the brace\n}\n// end\n") ==
        "// head\n\n"
        "let a = 1   // trailing\nlet bb = 2  // two\n"
        "let c = /* inline */ 3\n"
        "rule r\n  applies to line where true\n{\n  // inside\n\n  let x = 1\n"
        "  // before the brace\n}\n// end\n");
}

TEST_CASE("fmt: long lines break before and/or and after commas", "[format]") {
  std::string long_and =
      "let x = aaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbb and "
      "cccccccccccccccccccccccccc and dddddddddddddddddddddddd\n";
  CHECK(Formatted(long_and) ==
        "let x = aaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbb and "
        "cccccccccccccccccccccccccc\n"
        "        and dddddddddddddddddddddddd\n");
  std::string list = "codeset c: hcpcs = [";
  for (int i = 0; i < 20; ++i)
    list += (i ? ", " : "") + std::to_string(10000 + i);
  list += "]\n";
  CHECK(Formatted(list) ==
        "codeset c: hcpcs = [10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, "
        "10009, 10010,\n"
        "                    10011, 10012, 10013, 10014, 10015, 10016, 10017, 10018, 10019]\n");
}

TEST_CASE("fmt round trip on mutated examples: comments, breaks and tokens in odd places",
          "[format]") {
  // Each mutant either fails to parse (and is refused) or formats to the same AST, keeping its
  // tokens and comments, and formats to itself again.
  const fs::path root = WARRANT_SOURCE_DIR;
  std::mt19937 rng(20261127);
  const std::vector<std::string> inserts = {
      "// c\n", "/* c */", "/* a\n   b */", "\n\n\n", " ", "\n", "(", ")",
      ",",      "-",       "not ",          " and x"};
  size_t formatted = 0;
  for (const fs::path& path : WarrantFiles(root / "examples")) {
    std::ifstream in(path, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    for (int round = 0; round < 16; ++round) {
      std::string text = original;
      for (int k = 0; k < 3; ++k) {
        size_t at = std::uniform_int_distribution<size_t>(0, text.size())(rng);
        // Mostly at a space, so the mutant usually still parses.
        size_t space = text.find_first_of(" \n", at);
        if (space != std::string::npos && rng() % 4 != 0)
          at = space;
        if (rng() % 5 == 0 && at < text.size()) {
          text.erase(at, 1);
        } else {
          // Mostly comments and whitespace (the first six): valid unless they split a token.
          size_t pick = rng() % 4 != 0 ? rng() % 6 : rng() % inserts.size();
          text.insert(at, inserts[pick]);
        }
      }
      std::string once;
      if (!FormatText(text, once))
        continue;
      ++formatted;
      INFO(path.string() << " mutant:\n" << text);
      CHECK(AstWithoutPositions(once) == AstWithoutPositions(text));
      CHECK(TokenTexts(once) == TokenTexts(text));
      std::string twice;
      REQUIRE(FormatText(once, twice));
      CHECK(twice == once);
    }
  }
  CHECK(formatted > 30);  // enough mutants still parse for the round trip to mean something
}

TEST_CASE("fmt on deep nesting and long chains", "[format]") {
  std::string text = "let x = " + std::string(250, '(') + "1" + std::string(250, ')') + "\n" +
                     "let y = " + std::string(200, '-') + "1\nlet z = a0";
  for (int i = 1; i < 250; ++i)
    text += " or a" + std::to_string(i);
  text += "\n";
  std::string once = Formatted(text);
  CHECK(AstWithoutPositions(once) == AstWithoutPositions(text));
  CHECK(Formatted(once) == once);
  std::istringstream lines(once);
  std::string line;
  while (std::getline(lines, line)) {
    // `x` and `y` have no place to break; the `or` chain of `z` is wrapped.
    if (line.rfind("let x", 0) != 0 && line.rfind("let y", 0) != 0) {
      CHECK(line.size() <= format::kWidth);
    }
  }
}

TEST_CASE("fmt refuses a file with a syntax error", "[format]") {
  std::string out = "x";
  CHECK_FALSE(FormatText("rule r applies to line where {\n", out));
  CHECK(out.empty());
  CHECK(Formatted("") == "");
}

}  // namespace warrant

namespace warrant {

TEST_CASE("warrant fmt rewrites changed files in place, leaves the rest and bad files alone",
          "[format]") {
  const fs::path dir = fs::temp_directory_path() / "warrant_fmt_test";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir / "sub");
  auto write = [](const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  };
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string messy = "let   a=1 // one\n", bad = "let b = (\n", clean = "let c = 3\n";
  write(dir / "messy.warrant", messy);
  write(dir / "sub/bad.warrant", bad);
  write(dir / "sub/clean.warrant", clean);
  write(dir / "notes.txt", messy);
  const auto clean_time = fs::last_write_time(dir / "sub/clean.warrant");

  std::istringstream in;
  std::ostringstream out, err;
  CHECK(driver::Run({"fmt", "--check", dir.string()}, in, out, err) == 1);
  CHECK(read(dir / "messy.warrant") == messy);  // --check rewrites nothing
  CHECK(out.str().find("+let a = 1  // one") != std::string::npos);

  out.str("");
  err.str("");
  CHECK(driver::Run({"fmt", dir.string()}, in, out, err) == 1);  // bad.warrant is an error
  CHECK(read(dir / "messy.warrant") == "let a = 1  // one\n");
  CHECK(read(dir / "sub/bad.warrant") == bad);
  CHECK(read(dir / "sub/clean.warrant") == clean);
  CHECK(fs::last_write_time(dir / "sub/clean.warrant") == clean_time);
  CHECK(read(dir / "notes.txt") == messy);  // only .warrant files
  CHECK(err.str().find("bad.warrant:2:1: error[E0104]") != std::string::npos);
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    left.push_back(e.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"bad.warrant", "clean.warrant", "messy.warrant",
                                         "notes.txt", "sub"});  // no temporary file left over
  fs::remove_all(dir, ec);
}

}  // namespace warrant
