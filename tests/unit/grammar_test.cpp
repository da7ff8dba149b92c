// Parsing: grammar/ (PEGTL rules, CST) and compiler/ast/parse_file (CST -> AST, diagnostics).
//
// Shapes are checked through the AST dump (compiler/ast/dump.h) or ExprText, errors by code and
// exact position, and hostile inputs (random bytes, NULs, 10,000-deep nesting) for a clean error.
#include <chrono>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include <tao/pegtl/contrib/analyze.hpp>

#include "compiler/ast/ast.h"
#include "compiler/ast/dump.h"
#include "compiler/ast/parse_file.h"
#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"
#include "grammar/parse.h"
#include "grammar/rules.h"
#include "grammar/token.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

struct Parsed {
  SourceManager sources;
  ast::Ast ast;
  diag::DiagSink sink;
  bool ok = false;

  const ast::File& file() const { return ast.files.at(0); }

  std::string Dump() const {
    std::ostringstream out;
    ast::DumpAst(ast, sources, out);
    return out.str();
  }
};

std::unique_ptr<Parsed> Parse(std::string text) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sources.Add("t.warrant", std::move(text));
  p->ok = ast::ParseFile(id, p->sources.Get(id), p->ast, p->sink);
  return p;
}

// The one diagnostic of a failed parse, as "E0103 1:35+4 expected `then`, found `else`"
// (code, line:column of the span start, span width in bytes, message).
std::string ErrorOf(const std::string& text) {
  auto p = Parse(text);
  if (p->ok)
    return "ok";
  if (p->sink.diagnostics().size() != 1)
    return "expected one diagnostic";
  const diag::Diagnostic& d = p->sink.diagnostics()[0];
  LineCol lc = p->sources.Get(0).Locate(d.span.begin);
  return std::string(diag::Info(d.code).code) + " " + std::to_string(lc.line) + ":" +
         std::to_string(lc.column) + "+" + std::to_string(d.span.size()) + " " + d.message;
}

// The first diagnostic a failed parse found, in ErrorOf's form.
std::string FirstErrorOf(const std::string& text) {
  auto p = Parse(text);
  if (p->ok)
    return "ok";
  const diag::Diagnostic& d = p->sink.diagnostics().at(0);
  LineCol lc = p->sources.Get(0).Locate(d.span.begin);
  return std::string(diag::Info(d.code).code) + " " + std::to_string(lc.line) + ":" +
         std::to_string(lc.column) + "+" + std::to_string(d.span.size()) + " " + d.message;
}

// The expression of `let x = <text>`, printed fully parenthesised.
std::string Expr(const std::string& text) {
  auto p = Parse("let x = " + text);
  if (!p->ok)
    return "error: " + p->sink.diagnostics().at(0).message;
  return ast::ExprText(p->ast, p->file().lets.at(0).value);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

std::string CodeOf(const std::string& text) {
  return ErrorOf(text).substr(0, 5);
}

constexpr const char* kGrammarFobt = R"(// examples/medicare/ncd_210_3_fobt.warrant
policy "NCD 210.3" version 2 "Screening fecal occult blood test"
  effective 2023-01-01                       // open-ended
  source "Medicare Benefit Policy Manual ch.15 §280.2.2"

codeset fobt: hcpcs = [82270, G0328]

rule attained_age "Beneficiary has attained age 45"
  applies to line where line.code in fobt
{
  require age >= 45 else deny age "FOBT screening requires age 45 or older"
}

rule frequency "Once every 12 months"
  applies to line where line.code in fobt
{
  let last = latest h in history where h.code in fobt and h.status == "paid"
  require last is none or service_date >= month_start(last.date) + 12 months
    else deny frequency "one screening FOBT per 12 months"
  when "TS" in line.modifiers {
    require any d in diagnoses where d in prediabetes_dx
      else pend documentation "modifier TS needs a documented pre-diabetes diagnosis"
  }
}

test "on the 45th birthday" {
  given { "patient": {"birth_date": "1979-03-15", "sex": "F"}, "service_date": "2024-03-15",
          "diagnoses": ["Z12.11"], "lines": [{"code": "G0328"}] }
  expect line 1 covered
}
)";

// ---- The grammar as a whole ------------------------------------------------------------------

TEST_CASE("grammar: PEGTL analysis finds no rule that can loop without consuming input",
          "[grammar]") {
  CHECK(tao::pegtl::analyze<grammar::peg::file>(-1) == 0);
}

TEST_CASE("grammar: keyword table", "[grammar]") {
  CHECK(grammar::IsKeyword("then"));
  CHECK(grammar::IsKeyword("not_applicable"));
  CHECK_FALSE(grammar::IsKeyword("line"));  // contextual: a name in expressions
  CHECK_FALSE(grammar::IsKeyword("linear"));
  CHECK_FALSE(grammar::IsKeyword("age"));
}

TEST_CASE("grammar: the CST of a small file", "[grammar]") {
  std::string text = "codeset a: icd10cm = [E11.*]  // note\n";
  grammar::ParseResult r = grammar::Parse(text);
  REQUIRE(r.ok());
  std::ostringstream out;
  grammar::DumpCst(r.cst, text, out);
  CHECK(out.str() ==
        "File [0,38)\n"
        "  Codeset [0,28)\n"
        "    Ident [8,9) a\n"
        "    Ident [11,18) icd10cm\n"
        "    CsList [21,28)\n"
        "      MemberPrefix [22,27) E11.*\n");
}

TEST_CASE("parse: the FOBT example, dumped", "[parse]") {
  auto p = Parse(kGrammarFobt);
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        R"(file t.warrant
  policy "NCD 210.3" version 2 "Screening fecal occult blood test" @t.warrant:2:1
    effective 2023-01-01
    source "Medicare Benefit Policy Manual ch.15 §280.2.2"
  codeset fobt: hcpcs @t.warrant:6:1
    [82270, G0328]
  rule attained_age "Beneficiary has attained age 45" @t.warrant:8:1
    applies (line.code in fobt)
    require (age >= 45)
      else deny age "FOBT screening requires age 45 or older"
  rule frequency "Once every 12 months" @t.warrant:14:1
    applies (line.code in fobt)
    let last = (latest h in history where ((h.code in fobt) and (h.status == "paid")))
    require ((last is none) or (service_date >= (month_start(last.date) + 12 months)))
      else deny frequency "one screening FOBT per 12 months"
    when ("TS" in line.modifiers)
      require (any d in diagnoses where (d in prediabetes_dx))
        else pend documentation "modifier TS needs a documented pre-diabetes diagnosis"
  test "on the 45th birthday" @t.warrant:26:1
    given {
      "patient": {"birth_date": "1979-03-15", "sex": "F"},
      "service_date": "2024-03-15",
      "diagnoses": ["Z12.11"],
      "lines": [{"code": "G0328"}]
    }
    expect line 1 covered
)");
}

TEST_CASE("parse: spans and fields of the FOBT example", "[parse]") {
  auto p = Parse(kGrammarFobt);
  REQUIRE(p->ok);
  const ast::File& f = p->file();
  REQUIRE(f.policy);
  CHECK(f.policy->id.text == "NCD 210.3");
  CHECK(f.policy->version == 2);
  CHECK(f.policy->effective->from.year == 2023);
  CHECK_FALSE(f.policy->effective->until);
  REQUIRE(f.order.size() == 4);
  CHECK(f.order[0].kind == ast::DeclKind::Codeset);
  CHECK(f.order[3].kind == ast::DeclKind::Test);
  const ast::Rule& rule = f.rules.at(1);
  std::string_view text = p->sources.Get(0).text();
  CHECK(text.substr(rule.applies_span.begin, rule.applies_span.size()) ==
        "applies to line where line.code in fobt");
  CHECK(text.substr(rule.span.begin, 4) == "rule");
  CHECK(text[rule.span.end - 1] == '}');
  const ast::Stmt& let = p->ast.stmt(rule.body.at(0));
  CHECK(let.kind == ast::StmtKind::Let);
  const ast::Expr& quant = p->ast.expr(let.a);
  CHECK(quant.kind == ast::ExprKind::Quantifier);
  CHECK(quant.quant == ast::QuantKind::Latest);
  CHECK(quant.text == "h");
  CHECK(text.substr(quant.name_span.begin, quant.name_span.size()) == "h");
  CHECK(text.substr(quant.span.begin, quant.span.size()) ==
        R"(latest h in history where h.code in fobt and h.status == "paid")");
  const ast::Stmt& req = p->ast.stmt(rule.body.at(1));
  CHECK(req.outcome.kind == ast::OutcomeKind::Deny);
  CHECK(req.outcome.reason->text == "frequency");
  const ast::Test& test = f.tests.at(0);
  const ast::Json& given = p->ast.json.at(test.given);
  CHECK(given.kind == ast::JsonKind::Object);
  CHECK(given.keys.at(0).text == "patient");
  CHECK(test.expects.at(0).decision == ast::Decision::Covered);
}

TEST_CASE("parse: an empty file is an empty File", "[parse]") {
  for (const char* text : {"", "   \n\t", "// only a comment", "/* block */", "\xEF\xBB\xBF"}) {
    auto p = Parse(text);
    REQUIRE(p->ok);
    REQUIRE(p->ast.files.size() == 1);
    CHECK_FALSE(p->file().policy);
    CHECK(p->file().order.empty());
  }
}

// ---- Every construct -------------------------------------------------------------------------

TEST_CASE("parse: policy header, imports, lets", "[parse]") {
  auto p = Parse(
      "policy \"P\" version 3 \"T\" effective 2000-01-01 until 2022-12-31\n"
      "import \"common/diabetes.warrant\" as dm\n"
      "let adult = age >= 18\n");
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        "file t.warrant\n"
        "  policy \"P\" version 3 \"T\" @t.warrant:1:1\n"
        "    effective 2000-01-01 until 2022-12-31\n"
        "  import \"common/diabetes.warrant\" as dm @t.warrant:2:1\n"
        "  let adult = (age >= 18) @t.warrant:3:1\n");
  CHECK(p->file().policy->effective->until->day == 31);
  CHECK_FALSE(p->file().policy->source);
}

TEST_CASE("parse: codesets and code members", "[parse]") {
  auto p = Parse(
      "codeset a: icd10cm = [E08.*, Z86.01*, O24.01 .. O24.03, 4548-4, \"4548-4\", E11.9,]\n"
      "codeset b: icd10cm = load \"lipid.csv\" column \"code\"\n"
      "codeset c: icd10cm = dm.a + [Z13.1] - ([E11.9] + b)\n"
      "codeset d: hcpcs = []\n");
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        "file t.warrant\n"
        "  codeset a: icd10cm @t.warrant:1:1\n"
        "    [E08.*, Z86.01*, O24.01 .. O24.03, 4548-4, 4548-4, E11.9]\n"
        "  codeset b: icd10cm @t.warrant:2:1\n"
        "    load \"lipid.csv\" column \"code\"\n"
        "  codeset c: icd10cm @t.warrant:3:1\n"
        "    ((dm.a + [Z13.1]) - ([E11.9] + b))\n"
        "  codeset d: hcpcs @t.warrant:4:1\n"
        "    []\n");
  const auto& members = p->ast.codeset_exprs.at(p->file().codesets[0].body).members;
  REQUIRE(members.size() == 6);
  CHECK(members[0].kind == ast::MemberKind::Prefix);
  CHECK(members[0].text == "E08.");  // the prefix keeps its `.`: E08 itself is not a member
  CHECK(members[1].text == "Z86.01");
  CHECK(members[2].kind == ast::MemberKind::Range);
  CHECK(members[2].text == "O24.01");
  CHECK(members[2].high == "O24.03");
  CHECK(members[3].kind == ast::MemberKind::Exact);
  CHECK(members[3].text == "4548-4");
  CHECK(members[4].text == "4548-4");  // quoted
  std::string_view text = p->sources.Get(0).text();
  CHECK(text.substr(members[2].span.begin, members[2].span.size()) == "O24.01 .. O24.03");
  CHECK(text.substr(members[4].span.begin, members[4].span.size()) == "\"4548-4\"");
  const ast::CodesetExpr& c = p->ast.codeset_exprs.at(p->file().codesets[2].body);
  CHECK(c.kind == ast::CodesetExprKind::Difference);
  const ast::CodesetExpr& ref = p->ast.codeset_exprs.at(p->ast.codeset_exprs.at(c.a).a);
  REQUIRE(ref.ref.size() == 2);
  CHECK(ref.ref[0].text == "dm");
  CHECK(ref.ref[1].text == "a");
}

TEST_CASE("parse: tables, facts, reasons", "[parse]") {
  auto p = Parse(
      "table kx: int -> decimal = {2024: 2330, 2025: 2410.5,}\n"
      "table mue: hcpcs -> (units: int, mai: int) = load \"mue.csv\" key \"code\"\n"
      "fact pack_years: decimal \"Pack-years\"\n"
      "fact status: one of [\"current\", \"former\", \"never\"]\n"
      "reason frequency = CO-119 remark N386, MA130 \"limit\" group PR when \"GA\" in "
      "line.modifiers\n"
      "reason simple = PR-B7\n");
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        "file t.warrant\n"
        "  table kx: int -> decimal @t.warrant:1:1\n"
        "    2024: 2330\n"
        "    2025: 2410.5\n"
        "  table mue: hcpcs -> (units: int, mai: int) @t.warrant:2:1\n"
        "    load \"mue.csv\" key \"code\"\n"
        "  fact pack_years: decimal \"Pack-years\" @t.warrant:3:1\n"
        "  fact status: one of [\"current\", \"former\", \"never\"] @t.warrant:4:1\n"
        "  reason frequency = CO-119 remark N386, MA130 \"limit\" @t.warrant:5:1\n"
        "    group PR when (\"GA\" in line.modifiers)\n"
        "  reason simple = PR-B7 @t.warrant:6:1\n");
  const ast::File& f = p->file();
  CHECK(f.tables[1].value_type.field_names.at(1).text == "mai");
  CHECK(f.facts[1].one_of.size() == 3);
  CHECK_FALSE(f.facts[1].type);
  CHECK(f.reasons[0].carc.text == "119");
  CHECK(f.reasons[0].rarcs.size() == 2);
  CHECK(f.reasons[1].carc.text == "B7");
  CHECK(f.reasons[1].alt_group_when == ast::kNone);
}

TEST_CASE("parse: statements and outcomes", "[parse]") {
  auto p = Parse(
      "rule r \"t\" effective 2023-01-01 applies to line where true {\n"
      "  let x = 1\n"
      "  require x > 0 else pend documentation if unknown deny missing \"m\"\n"
      "  when a { when b { flag \"f\" when c } }\n"
      "  deny frequency \"too often\" when d\n"
      "  bundle \"part\" when e\n"
      "  bundle ncci \"part\" when e\n"
      "  reject invalid when not billable(line.code)\n"
      "}\n");
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        "file t.warrant\n"
        "  rule r \"t\" @t.warrant:1:1\n"
        "    effective 2023-01-01\n"
        "    applies true\n"
        "    let x = 1\n"
        "    require (x > 0)\n"
        "      else pend documentation\n"
        "      if unknown deny missing \"m\"\n"
        "    when a\n"
        "      when b\n"
        "        flag \"f\" when c\n"
        "    deny frequency \"too often\" when d\n"
        "    bundle \"part\" when e\n"
        "    bundle ncci \"part\" when e\n"
        "    reject invalid when (not billable(line.code))\n");
  const ast::Stmt& bundle = p->ast.stmt(p->file().rules[0].body.at(4));
  CHECK(bundle.outcome.kind == ast::OutcomeKind::Bundle);
  CHECK_FALSE(bundle.outcome.reason);
  CHECK(bundle.outcome.message->text == "part");
}

TEST_CASE("parse: tests, expects and JSON", "[parse]") {
  auto p = Parse(
      "test \"t\" {\n"
      "  given {\"s\": \"a\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\", \"n\": [-1, 0, 1.5, 2e10, "
      "-3.25E-2],\n"
      "         \"t\": true, \"f\": false, \"z\": null, \"o\": {}, \"a\": []}\n"
      "  expect line 1 covered\n"
      "  expect line 2 denied frequency\n"
      "  expect line 3 not_applicable\n"
      "}\n");
  REQUIRE(p->ok);
  CHECK(p->Dump() ==
        "file t.warrant\n"
        "  test \"t\" @t.warrant:1:1\n"
        "    given {\n"
        "      \"s\": \"a\\\"\\\\/\\n\xC3\xA9\xF0\x9F\x98\x80\",\n"
        "      \"n\": [-1, 0, 1.5, 2e10, -3.25E-2],\n"
        "      \"t\": true,\n"
        "      \"f\": false,\n"
        "      \"z\": null,\n"
        "      \"o\": {},\n"
        "      \"a\": []\n"
        "    }\n"
        "    expect line 1 covered\n"
        "    expect line 2 denied frequency\n"
        "    expect line 3 not_applicable\n");
  const ast::Test& t = p->file().tests.at(0);
  const ast::Json& given = p->ast.json.at(t.given);
  CHECK(p->ast.json.at(given.items[0]).text == "a\"\\/\n\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(p->ast.json.at(given.items[1]).items.size() == 5);
  CHECK(p->ast.json.at(p->ast.json.at(given.items[1]).items[4]).text == "-3.25E-2");
  CHECK(p->ast.json.at(given.items[2]).boolean);
  CHECK(t.expects[1].reason->text == "frequency");
  CHECK(t.expects[2].decision == ast::Decision::NotApplicable);
}

TEST_CASE("parse: literals", "[parse]") {
  CHECK(Expr("\"a\\\"b\\\\c\\n\\t\"") == "\"a\\\"b\\\\c\\n\\t\"");
  CHECK(Expr("2024-02-29") == "2024-02-29");
  CHECK(Expr("7.0") == "7.0");
  CHECK(Expr("9223372036854775807") == "9223372036854775807");
  CHECK(Expr("99999999999999999999.5") == "99999999999999999999.5");  // decimals are text
  CHECK(Expr("90 days + 1 day + 6 weeks + 12 months + 10 years + 1 year") ==
        "(((((90 days + 1 days) + 6 weeks) + 12 months) + 10 years) + 1 years)");
  CHECK(Expr("[true, false, none, [],]") == "[true, false, none, []]");
  auto p = Parse("let x = 2024-02-29");
  const ast::Expr& date = p->ast.expr(p->file().lets[0].value);
  CHECK(date.kind == ast::ExprKind::DateLit);
  CHECK(date.date.month == 2);
  CHECK(date.date.day == 29);
}

// ---- Precedence --------------------------------------------------------------------------------

TEST_CASE("parse: precedence and associativity", "[parse]") {
  CHECK(Expr("a or b and c") == "(a or (b and c))");
  CHECK(Expr("a and b or c") == "((a and b) or c)");
  CHECK(Expr("not a in b") == "(not (a in b))");
  CHECK(Expr("not not a") == "(not (not a))");
  CHECK(Expr("-x.y") == "(-x.y)");
  CHECK(Expr("- -x[1].y") == "(-(-x[1].y))");
  CHECK(Expr("a - b - c") == "((a - b) - c)");
  CHECK(Expr("a + b * c - d / e") == "((a + (b * c)) - (d / e))");
  CHECK(Expr("a == b + 1 and c") == "((a == (b + 1)) and c)");
  CHECK(Expr("if a then b else c or d") == "(if a then b else (c or d))");
  CHECK(Expr("if a or b then if c then d else e else f") ==
        "(if (a or b) then (if c then d else e) else f)");
  CHECK(Expr("a not in b") == "(a not in b)");
  CHECK(Expr("a not /* x */ in b") == "(a not in b)");
  CHECK(Expr("x is none or x is known") == "((x is none) or (x is known))");
  CHECK(Expr("d within 90 days before service_date") == "(d within 90 days before service_date)");
  CHECK(Expr("d within 1 year of e + 1 day") == "(d within 1 years of (e + 1 days))");
  CHECK(Expr("d within 6 weeks after e and f") == "((d within 6 weeks after e) and f)");
  CHECK(Expr("(a or b) and c") == "((a or b) and c)");
}

TEST_CASE("parse: quantifiers and their where-extent", "[parse]") {
  CHECK(Expr("any d in diagnoses where d in x or y") ==
        "(any d in diagnoses where ((d in x) or y))");
  CHECK(Expr("(any d in diagnoses where d in x) or y") ==
        "((any d in diagnoses where (d in x)) or y)");
  CHECK(Expr("all x in a + b") == "(all x in (a + b))");
  CHECK(Expr("count h in history > 3") == "((count h in history) > 3)");
  CHECK(Expr("sum x.units for x in lines where x.code == c") ==
        "(sum x.units for x in lines where (x.code == c))");
  CHECK(Expr("(min o.value for o in obs) <= (max o.value for o in obs)") ==
        "((min o.value for o in obs) <= (max o.value for o in obs))");
  CHECK(Expr("(earliest h in history).date") == "(earliest h in history).date");
  auto p = Parse("let x = sum x.units for x in lines");
  const ast::Expr& q = p->ast.expr(p->file().lets[0].value);
  CHECK(q.quant == ast::QuantKind::Sum);
  CHECK(q.text == "x");
  CHECK(q.b == ast::kNone);
  CHECK(ast::ExprText(p->ast, q.c) == "x.units");
  CHECK(ast::ExprText(p->ast, q.a) == "lines");
}

TEST_CASE("parse: keywords as field names, `line` and unit words as names", "[parse]") {
  CHECK(Expr("h.date") == "h.date");
  CHECK(Expr("line.code") == "line.code");
  CHECK(Expr("x.line.count.none.then") == "x.line.count.none.then");
  CHECK(Expr("line") == "line");
  CHECK(Expr("year(service_date) + months_between(a, b,)") ==
        "(year(service_date) + months_between(a, b))");
  CHECK(Expr("f()") == "f()");
  CHECK(Expr("mue[line.code].units") == "mue[line.code].units");
  CHECK(Expr("linear") == "linear");
}

// ---- Syntax errors, each with its exact position -------------------------------------------

TEST_CASE("errors: expected tokens name what was found", "[errors]") {
  CHECK(ErrorOf("let x = if a else b") == "E0103 1:14+4 expected `then`, found `else`");
  CHECK(ErrorOf("let x = if a then b") == "E0103 1:20+0 expected `else`, found end of file");
  CHECK(ErrorOf("let x = (a") == "E0103 1:11+0 expected `)`, found end of file");
  CHECK(ErrorOf("let x = (a]") == "E0103 1:11+1 expected `)`, found `]`");
  CHECK(ErrorOf("let x = f(a b)") == "E0103 1:13+1 expected `,` or `)`, found `b`");
  CHECK(ErrorOf("let x = a is b") == "E0103 1:14+1 expected `none` or `known`, found `b`");
  CHECK(ErrorOf("let = 1") == "E0103 1:5+1 expected a name, found `=`");
  CHECK(ErrorOf("let x = a.5") == "E0103 1:11+1 expected a field name, found `5`");
  CHECK(ErrorOf("rule r applies to line when x { }") ==
        "E0103 1:24+4 expected `where`, found `when`");
  CHECK(ErrorOf("rule r { }") == "E0103 1:8+1 expected `applies to line where`, found `{`");
  CHECK(ErrorOf("rule r applies to line where a }") == "E0103 1:32+1 expected `{`, found `}`");
  CHECK(ErrorOf("rule r applies to line where a { x }") ==
        "E0103 1:34+1 expected a statement or `}`, found `x`");
  CHECK(ErrorOf("policy \"p\" version x") == "E0103 1:20+1 expected a number, found `x`");
  CHECK(ErrorOf("policy \"p\" version 1 \"t\" effective soon") ==
        "E0103 1:36+4 expected a date (YYYY-MM-DD), found `soon`");
  CHECK(ErrorOf("reason r = CO 119") == "E0103 1:15+3 expected `-`, found `119`");
  CHECK(ErrorOf("test \"t\" { expect line 1 covered }") ==
        "E0103 1:12+6 expected `given`, found `expect`");
  CHECK(ErrorOf("test \"t\" { given {} expect line 1 approved }") ==
        "E0103 1:35+8 expected a decision (`covered`, `pended`, `bundled`, `denied`, `rejected` "
        "or `not_applicable`), found `approved`");
  CHECK(ErrorOf("table t: int = {}") == "E0103 1:14+1 expected `->`, found `=`");
  CHECK(ErrorOf("fact f: one [\"a\"]") == "E0103 1:13+1 expected `of`, found `[`");
  CHECK(ErrorOf("codeset c: icd10cm = 5 +") ==
        "E0103 1:22+1 expected a codeset (a list `[...]`, `load` or a codeset name), found `5`");
}

TEST_CASE("errors: one code per kind of syntax error", "[errors]") {
  CHECK(ErrorOf("rule r applies to line where a { require b else deny x }\nfoo") ==
        "E0101 2:1+3 expected a declaration, found `foo`");
  CHECK(ErrorOf("require a else deny x") == "E0101 1:1+7 expected a declaration, found `require`");
  CHECK(ErrorOf("let a = 1\npolicy \"p\" version 1 \"t\"") ==
        "E0102 2:1+6 the `policy` header must come before every declaration");
  CHECK(ErrorOf("let x = ") == "E0104 1:9+0 expected an expression, found end of file");
  CHECK(ErrorOf("let x = a or )") == "E0104 1:14+1 expected an expression, found `)`");
  CHECK(ErrorOf("let x = \"abc\nlet y = 1") ==
        "E0105 1:9+1 the string is not closed before the end of the line");
  CHECK(ErrorOf("let x = \"abc\\") ==
        "E0105 1:9+1 the string is not closed before the end of the line");
  CHECK(ErrorOf("rule r applies to line where a {\n  require b else deny x\n") ==
        "E0106 1:32+1 the `{` opened here is never closed");
  CHECK(ErrorOf("rule r applies to line where a { when b { require c else deny x }\nrule s "
                "applies to line where a { }") ==
        "E0106 1:32+1 the `{` opened here is never closed");
  CHECK(ErrorOf("test \"t\" { given {}") == "E0106 1:10+1 the `{` opened here is never closed");
  CHECK(ErrorOf("table t: int -> int = {1: 2") ==
        "E0106 1:23+1 the `{` opened here is never closed");
  CHECK(ErrorOf("let x = \"a\\qb\"") == "E0107 1:11+2 unknown escape `\\q` in string");
  CHECK(ErrorOf("let x = \"a\\\xC3\xA9\"") == "E0107 1:11+3 unknown escape `\\\xC3\xA9` in string");
  CHECK(ErrorOf("let x = 2023-02-29") == "E0108 1:9+10 `2023-02-29` is not a calendar date");
  CHECK(ErrorOf("let x = 2024-13-01") == "E0108 1:9+10 `2024-13-01` is not a calendar date");
  CHECK(ErrorOf("policy \"p\" version 1 \"t\" effective 0000-01-01") ==
        "E0108 1:36+10 `0000-01-01` is not a calendar date");
  CHECK(ErrorOf("let x = 9223372036854775808") ==
        "E0109 1:9+19 the number `9223372036854775808` is too large");
  CHECK(ErrorOf("let x = 99999999999999999999 days") ==
        "E0109 1:9+20 the number `99999999999999999999` is too large");
  CHECK(ErrorOf("let x = a @ b") == "E0111 1:11+1 unexpected character `@`");
  CHECK(ErrorOf("let x = a \xC2\xA0 b") == "E0111 1:11+2 unexpected character `\xC2\xA0` (U+00A0)");
  CHECK(ErrorOf("let x = !a") == "E0111 1:9+1 unexpected character `!`");
  CHECK(ErrorOf("codeset c: icd10cm = [E11.9, , ]") == "E0112 1:30+1 expected a code, found `,`");
  CHECK(ErrorOf("codeset c: icd10cm = [A00 .. ]") == "E0112 1:30+1 expected a code, found `]`");
  CHECK(ErrorOf("rule r applies to line where a { require b else }") ==
        "E0113 1:49+1 expected an outcome after `else`, found `}`");
  CHECK(ErrorOf("rule r applies to line where a { require b else deny x if unknown y }") ==
        "E0113 1:67+1 expected an outcome after `unknown`, found `y`");
  CHECK(ErrorOf("let x = a < b < c") == "E0114 1:15+1 comparisons cannot be chained");
  CHECK(ErrorOf("let x = a == b not in c") == "E0114 1:16+3 comparisons cannot be chained");
  CHECK(ErrorOf("let x = a is none is known") == "E0114 1:19+2 comparisons cannot be chained");
  CHECK(ErrorOf("let x = 1 /* never closed") ==
        "E0115 1:11+2 the comment opened here is never closed");
}

TEST_CASE("errors: JSON in `given`", "[errors]") {
  auto json = [](const std::string& record) {
    return ErrorOf("test \"t\" {\ngiven " + record + "\n}");
  };
  CHECK(json("{\"a\": 1}") == "ok");
  CHECK(json("{\"a\": [1, 2,]}") ==
        "E0110 2:19+1 the `given` record is not valid JSON: expected "
        "a JSON value, found `]`");
  CHECK(json("{a: 1}") ==
        "E0110 2:8+1 the `given` record is not valid JSON: expected a member "
        "name in quotes or `}`, found `a`");
  CHECK(json("{\"a\" 1}") ==
        "E0110 2:12+1 the `given` record is not valid JSON: expected `:`, "
        "found `1`");
  CHECK(json("{\"a\": 1 \"b\": 2}") ==
        "E0110 2:15+3 the `given` record is not valid JSON: "
        "expected `,` or `}`, found `\"b\"`");
  CHECK(json("{\"a\": 'x'}") ==
        "E0110 2:13+1 the `given` record is not valid JSON: expected a "
        "JSON value, found `'`");
  CHECK(json("{\"a\": 1.}") ==
        "E0110 2:15+1 the `given` record is not valid JSON: expected a "
        "digit, found `}`");
  CHECK(json("{\"a\": \"\\x\"}") ==
        "E0110 2:14+2 the `given` record is not valid JSON: unknown "
        "escape `\\x` in a string");
  // The quote on the next line opens another string, which hides the test's `}`: the first
  // error is the one that counts.
  CHECK(FirstErrorOf("test \"t\" {\ngiven {\"a\": \"x\ny\"}\n}") ==
        "E0110 2:13+1 the `given` record is not valid JSON: the "
        "string is not closed before the end of the line");
  CHECK(json("{\"a\": \"\\ud800\"}") ==
        "E0110 2:14+6 the `given` record is not valid JSON: "
        "`\\ud800` is half of a UTF-16 surrogate pair without the "
        "other half");
  CHECK(json("[1]") ==
        "E0110 2:7+1 the `given` record is not valid JSON: expected an object "
        "`{...}`, found `[`");
  CHECK(json("{\"a\": 1} // c") == "ok");
  CHECK(json("{\"a\": // c\n 1}") ==
        "E0110 2:13+1 the `given` record is not valid JSON: "
        "expected a JSON value, found `/`");
}

TEST_CASE("errors: input checks before parsing", "[errors]") {
  CHECK(ErrorOf(std::string("let x = 1\0", 10)) == "E0004 1:10+1 the file contains a NUL byte");
  CHECK(ErrorOf("let x = \"\xFF\"") == "E0003 1:10+1 the file is not UTF-8 text (byte 0xFF)");
  CHECK(ErrorOf("let x = \"\xC3\"") == "E0003 1:11+1 the file is not UTF-8 text (byte 0x22)");
  CHECK(ErrorOf("\xED\xA0\x80") == "E0003 1:2+1 the file is not UTF-8 text (byte 0xA0)");
  CHECK(ErrorOf("\xC0\xAF") == "E0003 1:1+1 the file is not UTF-8 text (byte 0xC0)");
  std::string big(ast::kMaxFileSize + 1, ' ');
  CHECK(ErrorOf(big) == "E0502 1:1+0 the file is larger than the limit of 8388608 bytes");
  big.pop_back();
  CHECK(ErrorOf(big) == "ok");
}

TEST_CASE("errors: a failed parse leaves the AST unchanged", "[errors]") {
  SourceManager sources;
  ast::Ast ast;
  diag::DiagSink sink;
  FileId good = sources.Add("a.warrant", "let a = 1 + 2\n");
  FileId bad = sources.Add("b.warrant", "let b = [1, 2, (x and y)] + 2 +\n");
  REQUIRE(ast::ParseFile(good, sources.Get(good), ast, sink));
  size_t exprs = ast.exprs.size();
  CHECK_FALSE(ast::ParseFile(bad, sources.Get(bad), ast, sink));
  CHECK(ast.files.size() == 1);
  CHECK(ast.exprs.size() == exprs);
  CHECK(sink.error_count() == 1);
  CHECK(sink.diagnostics()[0].file == bad);
}

TEST_CASE("errors: helpful hints", "[errors]") {
  auto p = Parse("require a else deny x");
  CHECK(p->sink.diagnostics().at(0).help.find("inside a rule") != std::string::npos);
  p = Parse("let x = 'a'");
  CHECK(p->sink.diagnostics().at(0).help.find("double quotes") != std::string::npos);
}

// Every diagnostic of a parse as "E0103 4:21", in source order.
std::vector<std::string> ErrorsOf(const std::string& text) {
  auto p = Parse(text);
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : p->sink.Sorted()) {
    LineCol lc = p->sources.Get(0).Locate(d.span.begin);
    out.push_back(std::string(diag::Info(d.code).code) + " " + std::to_string(lc.line) + ":" +
                  std::to_string(lc.column));
  }
  return out;
}

// The fix of the one diagnostic of a failed parse, applied: the fixed text.
std::string Fixed(const std::string& text) {
  auto p = Parse(text);
  if (p->ok || p->sink.diagnostics().size() != 1)
    return "expected one diagnostic";
  const diag::Diagnostic& d = p->sink.diagnostics()[0];
  if (!d.fix)
    return "no fix";
  return text.substr(0, d.fix->span.begin) + d.fix->text + text.substr(d.fix->span.end);
}

TEST_CASE("recovery: each independent error is reported once", "[recovery]") {
  // A statement: the next statement and the rest of the file are still read (a `when` at the
  // end of a line starts a `when` statement, whose condition is missing).
  CHECK(ErrorsOf("rule r applies to line where true {\n"
                 "  require age >= 45 eles deny age \"young\"\n"
                 "  require age <= 85 else deny age \"old\" when\n"
                 "  let x = (1 +\n"
                 "}\n"
                 "let y = 1 +\n"
                 "codeset c: icd10cm = [E11.9]\n") ==
        std::vector<std::string>{"E0103 2:21", "E0104 4:3", "E0104 5:1", "E0104 7:1"});
  // A `when` whose condition is broken is skipped with its block.
  CHECK(ErrorsOf("rule r applies to line where true {\n"
                 "  when x = ( {\n"
                 "    flag \"a\"\n"
                 "  }\n"
                 "  flag \"b\" when x ==\n"
                 "}\n") == std::vector<std::string>{"E0116 2:10", "E0104 6:1"});
  // A broken `applies` clause: the body is still read.
  CHECK(ErrorsOf("rule r applies to line where a in in b {\n"
                 "  require x else deny y z\n"
                 "}\n") == std::vector<std::string>{"E0104 1:35", "E0103 2:25"});
  // Test clauses: a broken record, then a broken expectation.
  CHECK(ErrorsOf("test \"t\" {\n"
                 "  given {\"a\": [1, 2,], \"b\": {\"c\": 1}}\n"
                 "  expect line 1 aproved\n"
                 "  expect line x covered\n"
                 "}\n"
                 "test \"u\" {\n"
                 "  given {}\n"
                 "}\n") == std::vector<std::string>{"E0110 2:21", "E0103 3:17", "E0103 4:15"});
  // A declaration left open: the next declaration is read; a `}` missing from a rule is one error.
  CHECK(ErrorsOf("codeset a: icd10cm = [E11.9,\n"
                 "codeset b: icd10cm = [E10.9]\n"
                 "rule r applies to line where true {\n"
                 "  require x else deny y \"z\"\n"
                 "rule s applies to line where true {\n"
                 "  require x else deny y \"z\"\n"
                 "}\n") == std::vector<std::string>{"E0112 2:1", "E0106 3:35"});
  // Stray statements and a misplaced header at the top level.
  CHECK(ErrorsOf("require x else deny y\n"
                 "let a = 1\n"
                 "policy \"P\" version 1 \"t\"\n"
                 "let b = 2\n") == std::vector<std::string>{"E0101 1:1", "E0102 3:1"});
}

TEST_CASE("recovery: the declarations that parsed are kept on request", "[recovery]") {
  SourceManager sources;
  ast::Ast ast;
  diag::DiagSink sink;
  FileId id = sources.Add("a.warrant",
                          "codeset a: icd10cm = [E11.9]\n"
                          "codeset b: icd10cm = [\n"
                          "rule r applies to line where a b {\n"
                          "  let x = 1\n"
                          "  require x = 1 else deny y \"z\"\n"
                          "}\n"
                          "test \"t\" { given {\"a\": } expect line 1 covered }\n");
  CHECK_FALSE(ast::ParseFile(id, sources.Get(id), ast, sink, /*keep_partial=*/true));
  REQUIRE(ast.files.size() == 1);
  const ast::File& f = ast.files[0];
  CHECK(f.syntax_errors);
  CHECK(f.codesets.size() == 1);
  REQUIRE(f.rules.size() == 1);
  CHECK(f.rules[0].applies == ast::kNone);
  CHECK(f.rules[0].body.size() == 1);  // the `let`; the broken `require` is left out
  REQUIRE(f.tests.size() == 1);
  CHECK(f.tests[0].given == ast::kNone);
  CHECK(f.tests[0].expects.size() == 1);
  CHECK(sink.error_count() == 4);
}

TEST_CASE("slips: the common mistakes get their own error and fix", "[recovery]") {
  const std::string rule = "rule r applies to line where true {\n  ";
  CHECK(CodeOf(rule + "require patient.sex = \"F\" else deny sex\n}") == "E0116");
  CHECK(Fixed(rule + "require patient.sex = \"F\" else deny sex\n}") ==
        rule + "require patient.sex == \"F\" else deny sex\n}");
  CHECK(CodeOf("let a = x = 1") == "E0116");
  CHECK(CodeOf("codeset c = [E11.9]") == "E0103");  // `:` was expected: not a comparison
  CHECK(ErrorOf(rule + "if age < 45 { deny age }\n}") ==
        "E0117 2:3+2 `if` does not start a statement");
  CHECK(Fixed(rule + "if age < 45 { deny age }\n}") == rule + "when age < 45 { deny age }\n}");
  CHECK(Fixed(rule + "if age < 45 deny age\n}") == "no fix");
  CHECK(ErrorOf(rule + "Require age > 1 else deny age\n}") ==
        "E0118 2:3+7 `Require` is not a keyword");
  CHECK(Fixed("Codeset c: icd10cm = [E11.9]") == "codeset c: icd10cm = [E11.9]");
  CHECK(ErrorOf("let a = d within 12 wks of x") ==
        "E0119 1:21+3 unknown duration unit `wks`; use days, weeks, months or years");
  CHECK(Fixed("let a = d within 12 wks of x") == "let a = d within 12 weeks of x");
  CHECK(Fixed("let a = d within 1 yr of x") == "let a = d within 1 year of x");
  CHECK(Fixed("let a = d within 3Days of x") == "let a = d within 3 days of x");
  CHECK(Fixed("let a = d within 3 hours of x") == "no fix");
  CHECK(CodeOf("let a = 12 apples") == "E0101");  // not a unit
  CHECK(ErrorOf("let a = \u201Cx\u201D") == "E0120 1:9+3 `\u201C` is a curly quote");
  CHECK(Fixed("let a = \u201Cx y\u201D") == "let a = \"x y\"");
  CHECK(Fixed("let a = \u2018x\u2019") == "let a = \"x\"");
  CHECK(CodeOf("let a = \"x\u201D") == "E0105");
  CHECK(Fixed("let a = \"x\u201D") == "let a = \"x\"");
  CHECK(ErrorOf("let a = d == G43.709") ==
        "E0121 1:14+7 write the code as a string: `\"G43.709\"`");
  CHECK(Fixed("let a = d in [E11.9, E11.65]") == "let a = d in [\"E11.9\", E11.65]");
  CHECK(Fixed("let a = line.code == 0591T") == "let a = line.code == \"0591T\"");
  CHECK(CodeOf("let a = line.1") == "E0103");  // `line` is no code
}

// ---- Nesting and hostile input ---------------------------------------------------------------

TEST_CASE("nesting: 256 levels parse, 257 is E0501 at the opening token", "[nesting]") {
  CHECK(ErrorOf("let x = " + Repeat("(", 256) + "a" + Repeat(")", 256)) == "ok");
  CHECK(ErrorOf("let x = " + Repeat("(", 257) + "a" + Repeat(")", 257)) ==
        "E0501 1:265+1 nesting is deeper than 256 levels");
  CHECK(ErrorOf("let x = " + Repeat("not ", 256) + "a") == "ok");
  CHECK(ErrorOf("let x = " + Repeat("not ", 257) + "a") ==
        "E0501 1:1033+3 nesting is deeper than 256 levels");
  CHECK(ErrorOf("let x = " + Repeat("[", 256) + Repeat("]", 256)) == "ok");
  // Braces count too: the rule's own `{` is level 1.
  CHECK(ErrorOf("rule r applies to line where a " + Repeat("{ when a ", 255) + "{ }" +
                Repeat("}", 255)) == "ok");
  CHECK(CodeOf("rule r applies to line where a " + Repeat("{ when a ", 256) + "{ }" +
               Repeat("}", 256)) == "E0501");
}

TEST_CASE("nesting: long operator chains are E0501 past 256 operators", "[nesting]") {
  CHECK(ErrorOf("let x = a" + Repeat(" or a", 256)) == "ok");
  CHECK(ErrorOf("let x = a" + Repeat(" or a", 257)) ==
        "E0501 1:1291+2 nesting is deeper than 256 levels");
  CHECK(ErrorOf("let x = 1" + Repeat(" + 1", 300)).substr(0, 5) == "E0501");
  CHECK(ErrorOf("let x = a" + Repeat(".b", 300)).substr(0, 5) == "E0501");
  CHECK(ErrorOf("codeset c: icd10cm = a" + Repeat(" + a", 300)).substr(0, 5) == "E0501");
  // A long flat list is not deep.
  CHECK(ErrorOf("let x = [1" + Repeat(", 1", 10000) + "]") == "ok");
}

TEST_CASE("nesting: 10,000 levels of every form fail fast with E0501", "[nesting]") {
  const int n = 10000;
  std::vector<std::string> inputs = {
      "require " + Repeat("(", n),
      "require " + Repeat("not ", n),
      "require " + Repeat("- ", n),
      "require " + Repeat("[", n),
      "require a" + Repeat("[a", n),
      "require " + Repeat("f(", n),
      "require " + Repeat("if a then ", n),
      "require " + Repeat("any x in y where ", n),
      "require " + Repeat("sum ", n),
      "let x = " + Repeat("(", n) + "a" + Repeat(")", n),
      "rule r applies to line where a " + Repeat("{ when a ", n),
      "codeset c: icd10cm = " + Repeat("(", n),
      "table t: " + Repeat("(a: ", n),
      "test \"t\" { given " + Repeat("{\"a\": ", n) + "1" + Repeat("}", n) + " }",
      "test \"t\" { given {\"a\": " + Repeat("[", n) + Repeat("]", n) + "} }",
      "given " + Repeat("[", n),
  };
  for (const std::string& input : inputs) {
    INFO(input.substr(0, 40));
    auto start = std::chrono::steady_clock::now();
    CHECK(CodeOf(input) == "E0501");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
}

TEST_CASE("hostile input never crashes the parser", "[nesting]") {
  std::mt19937 rng(12345);
  std::string random(200 * 1024, '\0');
  for (char& c : random)
    c = static_cast<char>(rng() & 0xFF);
  CHECK(CodeOf(random) != "ok");
  // The grammar alone, bypassing the UTF-8 and NUL checks.
  CHECK_FALSE(grammar::Parse(random).ok());
  CHECK(CodeOf(std::string(4096, '\0')) == "E0004");
  CHECK_FALSE(grammar::Parse(std::string(4096, '\0')).ok());

  // Random soup of Warrant tokens: valid UTF-8, so it reaches the grammar and the AST builder.
  const char* tokens[] = {"(",    ")",     "[",       "]",       "{",     "}",          ",",
                          ":",    "=",     "==",      "<",       "-",     "+",          ".",
                          "..",   "*",     "\"s\"",   "1",       "2.5",   "2024-01-01", "days",
                          "a",    "line",  "not",     "in",      "if",    "then",       "else",
                          "any",  "where", "rule",    "applies", "to",    "where",      "require",
                          "deny", "let",   "codeset", "test",    "given", "expect",     "E11.*",
                          "/*",   "*/",    "//",      "\n",      "@"};
  for (int round = 0; round < 300; ++round) {
    std::string soup;
    int length = static_cast<int>(rng() % 200);
    for (int i = 0; i < length; ++i) {
      soup += tokens[rng() % std::size(tokens)];
      soup += ' ';
    }
    auto p = Parse(soup);
    CHECK((p->ok ||
           (p->sink.error_count() >= 1 && p->sink.error_count() <= grammar::kMaxSyntaxErrors + 1)));
  }

  // Mutations of a real file: every prefix, and random single-byte damage.
  std::string fobt = kGrammarFobt;
  for (size_t cut = 0; cut < fobt.size(); cut += 7) {
    auto p = Parse(fobt.substr(0, cut));
    CHECK((p->ok ||
           (p->sink.error_count() >= 1 && p->sink.error_count() <= grammar::kMaxSyntaxErrors + 1)));
  }
  for (int round = 0; round < 500; ++round) {
    std::string damaged = fobt;
    size_t at = rng() % damaged.size();
    damaged[at] = "(){}[]\",.*-=<> \nax1"[rng() % 20];
    auto p = Parse(damaged);
    CHECK((p->ok ||
           (p->sink.error_count() >= 1 && p->sink.error_count() <= grammar::kMaxSyntaxErrors + 1)));
  }
}

}  // namespace
}  // namespace warrant
