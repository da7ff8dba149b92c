// Explain through the library API: the values a trace records, the "why not" hints, and that
// tracing never changes a decision.
#include "runtime/explain/explain.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/explain_render.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCriteria = R"(policy "FOBT" version 2 "Screening FOBT"
  effective 2023-01-01
codeset fobt: hcpcs = [82270, G0328]
codeset lipid_dx: icd10cm = [E78.*, E11.*, I10]
codeset lipid_panel: hcpcs = [80061]
fact symptomatic: bool
rule age_rule "Age 45" applies to line where line.code in fobt {
  require age >= 45 else deny age "age 45 or older"
}
rule frequency "Once every 12 months" applies to line where line.code in fobt {
  let last = latest h in history where h.code in fobt and h.status == "paid"
  require last is none or service_date >= month_start(last.date) + 12 months
    else deny frequency "one per 12 months"
  require not facts.symptomatic else deny not_reasonable "diagnostic, not screening"
}
rule lipid_indication "A lipid diagnosis" applies to line where line.code in lipid_panel {
  require any d in diagnoses where d in lipid_dx
    else deny dx_not_covered "needs a lipid diagnosis"
}
)";

std::unique_ptr<Engine> MakeEngine() {
  static int counter = 0;
  fs::path root =
      fs::temp_directory_path() /
      ("warrant_explain_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::create_directories(root);
  std::ofstream(root / "criteria.warrant") << kCriteria;
  auto c = Compile({root.string()}, CompileOptions{});
  std::error_code ec;
  fs::remove_all(root, ec);
  REQUIRE(c->ok);
  std::string problem;
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  REQUIRE(engine);
  return engine;
}

struct Explained {
  Explanation x;
  std::vector<Decision> decisions;
};

Explained ExplainClaim(const Engine& engine, std::string_view json) {
  Session session(engine);
  TraceRecorder recorder;
  RecordError error;
  REQUIRE(session.Evaluate(json, error, &recorder));
  Explained out;
  for (const LineDecision& d : session.decision().lines)
    out.decisions.push_back(d.decision);
  out.x = Explain(Explainer(engine), session.claim(), session.decision(), recorder.events());
  return out;
}

const ExplainStatement* FindStatement(const ExplainLine& line, std::string_view rule,
                                      std::string_view kind) {
  for (const ExplainRule& r : line.rules) {
    if (r.name != rule)
      continue;
    for (const ExplainStatement& st : r.statements) {
      if (st.kind == kind)
        return &st;
    }
  }
  return nullptr;
}

constexpr const char* kC015 = R"({"id": "C01-5",
  "patient": {"birth_date": "1950-01-01", "sex": "F"}, "service_date": "2024-02-29",
  "diagnoses": ["Z12.11"], "lines": [{"code": "G0328"}],
  "history": [{"code": "82270", "date": "2023-03-01", "status": "paid"}],
  "facts": {"symptomatic": false}})";

TEST_CASE("explain: the FOBT frequency denial shows the history line and the eligibility date",
          "[explain]") {
  auto engine = MakeEngine();
  Explained e = ExplainClaim(*engine, kC015);
  REQUIRE(e.x.lines.size() == 1);
  const ExplainLine& line = e.x.lines[0];
  CHECK(e.x.claim_id == "C01-5");
  CHECK(line.decision == "denied");
  REQUIRE(line.policies.size() == 1);
  CHECK(line.policies[0].id == "FOBT");
  CHECK(line.policies[0].version == 2);
  CHECK(line.policies[0].from == "2023-01-01");

  const ExplainStatement* let = FindStatement(line, "frequency", "let");
  REQUIRE(let);
  CHECK(let->name == "last");
  CHECK(let->value == "history #1 (82270 on 2023-03-01, paid)");

  REQUIRE(line.findings.size() == 1);
  const ExplainFinding& f = line.findings[0];
  CHECK(f.reason == "frequency");
  CHECK(f.rule == "frequency");
  CHECK(f.why_not == "eligible from 2024-03-01");
  bool saw_comparison = false, saw_date = false;
  for (const ExplainStep& s : f.evidence) {
    if (s.kind == "compare" && s.op == ">=") {
      saw_comparison = true;
      CHECK(s.operands == std::vector<std::string>{"2024-02-29", "2024-03-01"});
      CHECK(s.value == "false");
    }
    if (s.kind == "arith" && s.value == "2024-03-01")
      saw_date = true;
  }
  CHECK(saw_comparison);
  CHECK(saw_date);

  std::string text;
  WriteExplainText(e.x, text);
  CHECK(text.find("a date of service on or after 2024-03-01") != std::string::npos);
  // The answer alone: the trace and its policy versions only when asked for.
  CHECK(text.find("policy FOBT version 2 in force on 2024-02-29") == std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  std::string traced;
  WriteExplainText(e.x, traced, {.trace = true});
  CHECK(traced.find("policy FOBT version 2 in force on 2024-02-29") != std::string::npos);
  CHECK(traced.starts_with(text.substr(0, text.find("\n"))));
  std::string colored;
  WriteExplainText(e.x, colored, {.color = true});
  CHECK(colored.find("\x1b[31mDENIED\x1b[0m") != std::string::npos);
}

TEST_CASE("explain: a missing fact is named", "[explain]") {
  auto engine = MakeEngine();
  Explained e = ExplainClaim(*engine, R"({"patient": {"birth_date": "1950-01-01"},
    "service_date": "2024-02-29", "lines": [{"code": "82270"}], "history": []})");
  REQUIRE(e.x.lines.size() == 1);
  CHECK(e.x.lines[0].decision == "pended");
  REQUIRE(e.x.lines[0].findings.size() == 1);
  CHECK(e.x.lines[0].findings[0].why_not == "fact `symptomatic` is not documented");
  const ExplainStatement* st = nullptr;
  for (const ExplainRule& r : e.x.lines[0].rules) {
    for (const ExplainStatement& s : r.statements) {
      if (s.kind == "require" && s.value == "unknown")
        st = &s;
    }
  }
  REQUIRE(st);
  CHECK(st->fired);
}

TEST_CASE("explain: a prefix match names the pattern; no match names the set and the codes",
          "[explain]") {
  auto engine = MakeEngine();
  Explained hit = ExplainClaim(*engine, R"({"patient": {"birth_date": "1950-01-01"},
    "service_date": "2024-02-29", "diagnoses": ["Z00.00", "E78.5"], "lines": [{"code": "80061"}]})");
  CHECK(hit.x.lines[0].decision == "covered");
  bool matched = false;
  for (const ExplainRule& r : hit.x.lines[0].rules) {
    for (const ExplainStatement& st : r.statements) {
      for (const ExplainStep& s : st.steps) {
        if (s.kind == "codeset" && s.value == "true" && s.note == "matched E78.*")
          matched = true;
      }
    }
  }
  CHECK(matched);

  Explained miss = ExplainClaim(*engine, R"({"patient": {"birth_date": "1950-01-01"},
    "service_date": "2024-02-29", "diagnoses": ["Z00.00"], "lines": [{"code": "80061"}]})");
  REQUIRE(miss.x.lines[0].findings.size() == 1);
  CHECK(miss.x.lines[0].findings[0].why_not ==
        "needs a diagnosis in `lipid_dx`; the claim has Z00.00");
}

TEST_CASE("explain: tracing never changes a decision", "[explain]") {
  auto engine = MakeEngine();
  const char* claims[] = {
      kC015,
      R"({"patient": {"birth_date": "1990-01-01"}, "service_date": "2024-02-29",
          "lines": [{"code": "82270"}, {"code": "80061"}, {"code": "99213"}], "facts": {"symptomatic": true}})",
      R"({"patient": {}, "service_date": "2024-02-29", "diagnoses": ["I10"],
          "lines": [{"code": "80061"}, {"code": "G0328"}]})",
      // `any d in diagnoses where d in lipid_dx`, which untraced runs execute as one loop:
      // no diagnoses, a match first, last, nowhere, and through dx pointers.
      R"({"service_date": "2024-02-29", "lines": [{"code": "80061"}]})",
      R"({"service_date": "2024-02-29", "diagnoses": ["E78.5", "Z00.00", "J01.90"],
          "lines": [{"code": "80061"}]})",
      R"({"service_date": "2024-02-29", "diagnoses": ["Z00.00", "J01.90", "E11.9"],
          "lines": [{"code": "80061"}]})",
      R"({"service_date": "2024-02-29", "diagnoses": ["Z00.00", "J01.90", "E10.9"],
          "lines": [{"code": "80061"}]})",
      R"({"service_date": "2024-02-29", "diagnoses": ["I10", "J01.90"],
          "lines": [{"code": "80061", "dx_pointers": [2]}, {"code": "80061", "dx_pointers": [2, 1]}]})",
  };
  for (const char* json : claims) {
    Session plain(*engine);
    RecordError error;
    REQUIRE(plain.Evaluate(json, error));
    std::string a, b;
    plain.AppendDecisions(a);
    Session traced(*engine);
    TraceRecorder recorder;
    REQUIRE(traced.Evaluate(json, error, &recorder));
    traced.AppendDecisions(b);
    CHECK(a == b);
    CHECK(!recorder.events().empty());
  }
}

TEST_CASE("explain: --line keeps one line; JSON and HTML are written", "[explain]") {
  auto engine = MakeEngine();
  Session session(*engine);
  TraceRecorder recorder;
  RecordError error;
  REQUIRE(session.Evaluate(R"({"id": "two", "patient": {"birth_date": "1950-01-01"},
    "service_date": "2024-02-29", "diagnoses": ["Z00.00"],
    "lines": [{"code": "82270"}, {"code": "80061"}], "facts": {"symptomatic": false}})",
                           error, &recorder));
  ExplainOptions options;
  options.only_line = 2;
  Explainer explainer(*engine);
  Explanation x =
      Explain(explainer, session.claim(), session.decision(), recorder.events(), options);
  REQUIRE(x.lines.size() == 1);
  CHECK(x.lines[0].line == 2);
  CHECK(x.lines[0].decision == "denied");

  std::string json;
  WriteExplainJson(x, json);
  CHECK(json.starts_with(R"({"claim":"two","pack":"sha256:)"));
  CHECK(json.find(R"("why_not":"needs a diagnosis in `lipid_dx`; the claim has Z00.00")") !=
        std::string::npos);
  std::string html;
  WriteExplainHtml(x, R"({"id": "<two>"})", html);
  CHECK(html.find("&lt;two&gt;") != std::string::npos);  // the claim text is escaped
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("data-decision=\"denied\"") != std::string::npos);
}

TEST_CASE("explain: a loop shows the elements that decided it and counts the others", "[explain]") {
  auto step = [](const char* kind, int depth, const char* op = "") {
    ExplainStep s;
    s.kind = kind;
    s.depth = depth;
    s.op = op;
    return s;
  };
  // latest over four elements, the third chosen: the others are counted, not shown.
  std::vector<ExplainStep> latest = {
      step("compare", 0), step("element", 1), step("codeset", 1), step("element", 1),
      step("codeset", 1), step("element", 1), step("codeset", 1), step("chosen", 1, "latest"),
      step("element", 1), step("codeset", 1), step("compare", 0)};
  std::vector<size_t> hidden;
  std::vector<bool> shown = ShownSteps(latest, &hidden);
  CHECK(shown ==
        std::vector<bool>{true, false, false, false, false, true, true, true, false, false, true});
  CHECK(hidden[1] == 3);
  // A running total: each element that counted shows the total it made, not its tests.
  std::vector<ExplainStep> sum = {step("element", 1), step("codeset", 1), step("chosen", 1, "sum"),
                                  step("element", 1), step("codeset", 1)};
  shown = ShownSteps(sum, &hidden);
  CHECK(shown == std::vector<bool>{true, false, true, false, false});
  CHECK(hidden[3] == 1);
  // A loop no element changed, of three or fewer elements, is shown whole.
  std::vector<ExplainStep> none = {step("element", 1), step("compare", 1), step("element", 1),
                                   step("compare", 1)};
  shown = ShownSteps(none, &hidden);
  CHECK(shown == std::vector<bool>(4, true));
}

}  // namespace
}  // namespace warrant
