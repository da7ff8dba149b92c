// Explain through the library API: the values a trace records, the "why not" hints, that
// tracing never changes a decision, and `run --explain`'s evidence (runtime/explain/evidence.h):
// written from the recorded events it says what the full explanation says, a recorder reused from
// claim to claim writes what a fresh one writes, and a rule run again alone reports what deciding
// the claim reported.
#include "runtime/explain/explain.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/core/text.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/evidence.h"
#include "runtime/explain/explain_render.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExplainCriteria = R"(policy "FOBT" version 2 "Screening FOBT"
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

std::unique_ptr<Engine> MakeEngine(const std::string& criteria = kExplainCriteria) {
  static int counter = 0;
  fs::path root =
      fs::temp_directory_path() /
      ("warrant_explain_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::create_directories(root);
  std::ofstream(root / "criteria.warrant") << criteria;
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

// For run --explain, beside kExplainCriteria: rules whose findings carry the other kinds of
// evidence.
constexpr const char* kEvidenceRules = R"(
codeset therapy: hcpcs = [97110]
codeset excluded: icd10cm = [Z00.*]
rule lipid_screening "No screening code" applies to line where line.code in lipid_panel {
  require all d in diagnoses where d not in excluded else deny not_reasonable "a screening code"
  flag "male" when patient.sex == "M"
}
rule units "Units" applies to line where line.code in therapy {
  let last = latest h in history where h.code in therapy
  require line.units <= 4 else deny mue
  deny frequency "within a month" when last.date within 30 days before service_date
}
)";

// Claims with no finding, one, and several on several lines; a missing value; a quantifier over
// a few elements. None reaches the evidence bound (the golden case run_explain_evidence does).
const char* const kClaims[] = {
    R"({"id": "A", "patient": {"birth_date": "1950-01-01", "sex": "F"}, "service_date": "2024-02-29",
        "diagnoses": ["Z12.11"], "lines": [{"code": "G0328"}],
        "history": [{"code": "82270", "date": "2023-03-01", "status": "paid"}],
        "facts": {"symptomatic": false}})",
    R"({"id": "B", "patient": {"birth_date": "1990-01-01", "sex": "M"}, "service_date": "2024-02-29",
        "diagnoses": ["Z00.00", "J01.90", "E11.9"],
        "lines": [{"code": "82270"}, {"code": "80061"}, {"code": "99213"}, {"code": "97110", "units": 6}],
        "history": [{"code": "97110", "date": "2024-02-10"}], "facts": {"symptomatic": true}})",
    R"({"id": "C", "patient": {}, "service_date": "2024-02-29", "diagnoses": ["I10"],
        "lines": [{"code": "80061"}, {"code": "G0328"}, {"code": "97110"}]})",
    R"({"id": "D", "service_date": "2024-02-29", "lines": [{"code": "99213"}]})",
    R"({"id": "E", "patient": {"birth_date": "1950-01-01", "sex": "M"}, "service_date": "2024-02-29",
        "diagnoses": ["Z00.00", "J01.90", "K21.9", "Z00.01"],
        "lines": [{"code": "80061"}, {"code": "80061"}, {"code": "97110", "units": 5}]})",
};

// The decision records of `json` as `run --explain` writes them, through `recorder`.
std::string RunExplain(Session& session, EvidenceRecorder& recorder, std::string_view json) {
  RecordError error;
  REQUIRE(session.Evaluate(json, error));
  std::string out;
  if (session.decision().findings.empty()) {
    session.AppendDecisions(out);
    return out;
  }
  recorder.Record(session);
  session.AppendDecisions(out, &recorder);
  return out;
}

TEST_CASE("run --explain: a recorder reused from claim to claim writes what a fresh one does",
          "[explain]") {
  auto engine = MakeEngine(std::string(kExplainCriteria) + kEvidenceRules);
  const Explainer explainer(*engine);
  Session session(*engine);
  EvidenceRecorder reused(explainer);
  std::vector<std::string> fresh;
  for (const char* json : kClaims) {
    EvidenceRecorder once(explainer);
    fresh.push_back(RunExplain(session, once, json));
    const bool has_evidence = fresh.back().find("\"evidence\":") != std::string::npos;
    CHECK(has_evidence == !session.decision().findings.empty());
  }
  // Forwards, then backwards: what one claim left behind never shows in the next.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < std::size(kClaims); ++k) {
      const size_t i = pass == 0 ? k : std::size(kClaims) - 1 - k;
      CAPTURE(i);
      CHECK(RunExplain(session, reused, kClaims[i]) == fresh[i]);
    }
  }
}

TEST_CASE("run --explain: each finding's why_not and evidence are the full explanation's",
          "[explain]") {
  auto engine = MakeEngine(std::string(kExplainCriteria) + kEvidenceRules);
  const Explainer explainer(*engine);
  Session session(*engine);
  EvidenceRecorder recorder(explainer);
  size_t findings = 0, with_evidence = 0, with_why_not = 0;
  for (const char* json : kClaims) {
    CAPTURE(json);
    TraceRecorder full;
    RecordError error;
    REQUIRE(session.Evaluate(json, error, &full));
    ExplainOptions as_run;
    as_run.decisive_evidence = false;
    const Explanation x =
        Explain(explainer, session.claim(), session.decision(), full.events(), as_run);
    recorder.Record(session);
    REQUIRE(x.lines.size() == session.decision().lines.size());
    for (uint32_t l = 0; l < x.lines.size(); ++l) {
      for (uint32_t i = 0; i < x.lines[l].findings.size(); ++i) {
        const ExplainFinding& f = x.lines[l].findings[i];
        std::string expected;
        if (!f.why_not.empty())
          expected += ",\"why_not\":" + JsonString(f.why_not);
        expected += ",\"evidence\":";
        WriteEvidenceJson(f.evidence, expected);
        std::string written;
        recorder.AppendMembers(l, i, written);
        CHECK(written == expected);
        ++findings;
        with_evidence += f.evidence.empty() ? 0 : 1;
        with_why_not += f.why_not.empty() ? 0 : 1;
      }
    }
  }
  // The claims reach every kind of finding the comparison is about.
  CHECK(findings >= 10);
  CHECK(with_evidence >= 8);
  CHECK(with_why_not >= 6);
}

TEST_CASE("run --explain: a rule run again alone reports what deciding the claim reported",
          "[explain]") {
  auto engine = MakeEngine(std::string(kExplainCriteria) + kEvidenceRules);
  const Program& p = engine->program();
  uint32_t frequency = UINT32_MAX;
  for (uint32_t r = 0; r < p.rules.size(); ++r) {
    if (p.rules[r].name == "frequency")
      frequency = r;
  }
  REQUIRE(frequency != UINT32_MAX);
  Session session(*engine);
  TraceRecorder whole, alone;
  RecordError error;
  REQUIRE(session.Evaluate(kClaims[1], error, &whole));
  std::string before, after;
  session.AppendDecisions(before);
  session.TraceRule(0, frequency, alone);
  session.AppendDecisions(after);
  CHECK(before == after);  // the decision is left as it was
  // The events of `frequency` on line 1 among all of the claim's.
  const std::vector<TraceEvent>& all = whole.events();
  auto first = std::find_if(all.begin(), all.end(), [&](const TraceEvent& e) {
    return e.kind == TraceEvent::Kind::RuleStart && e.rule == frequency && e.line == 1;
  });
  REQUIRE(first != all.end());
  auto last = std::find_if(first, all.end(),
                           [](const TraceEvent& e) { return e.kind == TraceEvent::Kind::RuleEnd; });
  REQUIRE(last != all.end());
  const std::vector<TraceEvent>& one = alone.events();
  REQUIRE(one.size() == static_cast<size_t>(last - first + 1));
  for (size_t k = 0; k < one.size(); ++k) {
    const TraceEvent &a = first[static_cast<ptrdiff_t>(k)], &b = one[k];
    CAPTURE(k);
    CHECK(a.kind == b.kind);
    CHECK(a.op == b.op);
    CHECK(a.pc == b.pc);
    CHECK(a.input_count == b.input_count);
    CHECK(a.result.tag == b.result.tag);
    CHECK(a.result.i == b.result.i);
  }
  // Its applies test and its two requirements, at least.
  CHECK(std::count_if(one.begin(), one.end(), [](const TraceEvent& e) {
          return e.kind == TraceEvent::Kind::Condition;
        }) == 3);
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
