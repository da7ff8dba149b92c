// Fused quantifier loops (runtime/vm/fused_loop.h) against the bytecode they replace: rules of
// every fused shape decide thousands of generated claims twice, fused loops on and off, and the
// decisions, every finding (with what was missing and why) and the instruction counts must be the
// same. The claims are built to reach the edges: missing codes, dates and values (unknown, not
// false), empty lists, dates on and either side of every window's bounds, windows that run off
// the calendar (an overflow, not missing data).
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include <fmt/core.h>

#include "compiler/compile.h"
#include "runtime/core/date.h"
#include "runtime/engine/engine.h"
#include "runtime/vm/vm.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

// One rule per shape the recogniser fuses (and a few it must leave alone), each turning its
// aggregate into findings that tell true, false and unknown (and which unknown) apart.
constexpr const char* kRules = R"(
policy "fused" version 1 "fused loops"

codeset tested: hcpcs = [G0328]
codeset screen: hcpcs = [82270, G0328]
codeset dx_set: icd10cm = [E11.*, I10]

rule count_before "count: code in a set and a window before"
  applies to line where line.code in tested
{
  let n = count h in history where h.code in screen and h.date within 365 days before service_date
  require n < 1 else deny frequency
  require n < 2 else deny frequency
  require n < 3 else deny frequency
}

rule windows "windows after and of, in weeks and months"
  applies to line where line.code in tested
{
  require (count h in history where h.date within 4 weeks after service_date) < 1 else deny frequency
  require (count h in history where h.date within 1 months of service_date) < 2 else deny frequency
  require not (any h in history where h.date within 10 days of service_date) else deny frequency
}

rule overflow "a window off the calendar"
  applies to line where line.code in tested
{
  require (count h in history where h.date within 9000 years before service_date) < 1
    else deny frequency
}

rule lab "any: code, window by comparisons, value"
  applies to line where line.code in tested
{
  let recent = any o in observations where o.code == "4548-4" and o.date >= service_date - 90 days and o.date <= service_date
  require recent else pend documentation "no result"
  require any o in observations where o.code == "4548-4" and service_date - 90 days <= o.date and o.date <= service_date and o.value > 6.4
    else deny not_reasonable
}

rule all_not "all, not in, string fields"
  applies to line where line.code in tested
{
  require all h in history where h.code in screen else deny frequency
  require not (any h in history where h.code not in screen) else deny frequency
  require (count h in history where h.status == "paid") < 2 else deny frequency
  require (count h in history where h.code != "99213") < 3 else deny frequency
}

rule aggregates "latest, earliest, sum, max, count of everything"
  applies to line where line.code in tested
{
  let last = latest h in history where h.code in screen and h.date <= service_date
  require last is none or last.date < service_date - 200 days else deny frequency
  let first = earliest o in observations where o.code == "4548-4"
  require first is none or first.value > 6.0 else deny not_reasonable
  require (sum h.units for h in history where h.code in screen) < 3 else deny mue
  require (max o.value for o in observations where o.code == "4548-4") > 6.0
    else deny not_reasonable
  require (count h in history) < 4 else deny frequency
}

rule invariants "values from lets and outer loops"
  applies to line where line.code in tested
{
  let cutoff = service_date - 30 days
  require not (any h in history where h.date >= cutoff and h.code in screen) else deny frequency
  require any d in diagnoses where d in dx_set else deny dx_not_covered
  require not (any h in history where any x in h.dx where x in dx_set) else deny not_reasonable
  require (count h in history where h.code in screen and (any d in diagnoses where d in dx_set)) < 2
    else deny frequency
}
)";

std::unique_ptr<Engine> CompileRules() {
  const std::string path = fmt::format("{}/warrant_fused_{}.warrant",
                                       std::filesystem::temp_directory_path().string(), ::getpid());
  std::ofstream(path) << kRules;
  auto c = Compile({path});
  std::filesystem::remove(path);
  REQUIRE(c->ok);
  std::string error;
  auto engine = Engine::FromProgram(std::move(c->program), &error);
  INFO(error);
  REQUIRE(engine);
  return engine;
}

std::string DateText(Day d) {
  const Civil c = CivilFromDays(d);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// Days from the date of service: each window's bounds and a day either side of them.
constexpr int kOffsets[] = {-400, -366, -365, -364, -200, -199, -91, -90, -89, -31,
                            -30,  -29,  -28,  -11,  -10,  -9,   -1,  0,   1,   9,
                            10,   11,   27,   28,   29,   30,   31,  32};

// A claim with one G0328 line and random history, observations and diagnoses.
std::string RandomClaim(std::mt19937& rng, int n) {
  auto pick = [&](int below) { return static_cast<int>(rng() % static_cast<unsigned>(below)); };
  const Day dos = DaysFromCivil({2024, 1, 1}) + pick(366);
  auto offset = [&] { return DateText(dos + kOffsets[pick(std::size(kOffsets))]); };
  std::string json = fmt::format(
      R"({{"id":"F{}","patient":{{"birth_date":"1950-05-01","sex":"F"}},"service_date":"{}",)", n,
      DateText(dos));
  const char* dx[] = {"E11.9", "I10", "Z12.11", "M17.11"};
  json += R"("diagnoses":[)";
  for (int d = 0, count = pick(3); d < count; ++d)
    json += fmt::format("{}\"{}\"", d ? "," : "", dx[pick(4)]);
  json += R"(],"lines":[{"code":"G0328"}])";
  if (pick(8) != 0) {  // sometimes no history at all
    json += R"(,"history":[)";
    const char* codes[] = {"G0328", "82270", "99213"};
    const char* statuses[] = {"paid", "denied"};
    for (int h = 0, count = pick(6); h < count; ++h) {
      json += h ? ",{" : "{";
      std::string fields;
      auto add = [&](const std::string& f) { fields += (fields.empty() ? "" : ",") + f; };
      if (pick(10) != 0)
        add(fmt::format(R"("code":"{}")", codes[pick(3)]));
      if (pick(10) != 0)
        add(fmt::format(R"("date":"{}")", offset()));
      if (pick(3) != 0)
        add(fmt::format(R"("status":"{}")", statuses[pick(2)]));
      if (pick(2) != 0)
        add(fmt::format(R"("units":{})", 1 + pick(3)));
      if (pick(3) == 0)
        add(fmt::format(R"("dx":["{}"])", dx[pick(4)]));
      json += fields + "}";
    }
    json += "]";
  }
  if (pick(4) != 0) {
    json += R"(,"observations":[)";
    const char* loinc[] = {"4548-4", "2857-1"};
    const char* values[] = {"5.0", "6.4", "6.5", "7.2"};
    for (int o = 0, count = pick(4); o < count; ++o) {
      json += o ? ",{" : "{";
      std::string fields;
      auto add = [&](const std::string& f) { fields += (fields.empty() ? "" : ",") + f; };
      if (pick(8) != 0)
        add(fmt::format(R"("code":"{}")", loinc[pick(2)]));
      if (pick(8) != 0)
        add(fmt::format(R"("value":{})", values[pick(4)]));
      if (pick(8) != 0)
        add(fmt::format(R"("date":"{}")", offset()));
      json += fields + "}";
    }
    json += "]";
  }
  return json + "}";
}

void CheckSame(const ClaimDecision& a, const ClaimDecision& b) {
  REQUIRE(a.lines.size() == b.lines.size());
  for (size_t l = 0; l < a.lines.size(); ++l) {
    CHECK(a.lines[l].decision == b.lines[l].decision);
    CHECK(a.lines[l].first_finding == b.lines[l].first_finding);
    CHECK(a.lines[l].finding_count == b.lines[l].finding_count);
    CHECK(a.lines[l].rules_applied == b.lines[l].rules_applied);
  }
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t f = 0; f < a.findings.size(); ++f) {
    INFO("finding " << f);
    CHECK(a.findings[f].kind == b.findings[f].kind);
    CHECK(a.findings[f].outcome == b.findings[f].outcome);
    CHECK(a.findings[f].reason == b.findings[f].reason);
    CHECK(a.findings[f].missing_pc == b.findings[f].missing_pc);
    CHECK(a.findings[f].auto_message == b.findings[f].auto_message);
    CHECK(a.findings[f].from_unknown == b.findings[f].from_unknown);
    CHECK(a.findings[f].cause == b.findings[f].cause);
  }
}

}  // namespace

TEST_CASE("fused loops decide as the bytecode does, unknowns and window edges included",
          "[vm][fused]") {
  const auto engine = CompileRules();
  Session session(*engine);
  Vm fused(engine->program(), engine->index(), engine->terminology());
  Vm plain(engine->program(), engine->index(), engine->terminology());
  plain.set_fused_loops(false);
  // Every quantifier of the rules but the outer loop of the two nested pairs.
  CHECK(fused.fused_loop_count() == 20);

  std::mt19937 rng(20261207);
  ClaimDecision a, b;
  size_t unknown_findings = 0, overflows = 0, denied = 0;
  for (int n = 0; n < 4000; ++n) {
    const std::string json = RandomClaim(rng, n);
    INFO(json);
    RecordError error;
    REQUIRE(session.Evaluate(json, error));
    const uint64_t before_fused = fused.instructions();
    const uint64_t before_plain = plain.instructions();
    fused.Decide(session.claim(), a);
    plain.Decide(session.claim(), b);
    CheckSame(a, b);
    CHECK(fused.instructions() - before_fused == plain.instructions() - before_plain);
    for (const Finding& f : a.findings) {
      unknown_findings += f.missing_pc != kNoPc;
      overflows += f.cause == UnknownCause::Overflow;
      denied += f.kind == OutcomeKind::Deny;
    }
  }
  // The claims reached every outcome: the comparison above proves something.
  CHECK(unknown_findings > 1000);
  CHECK(overflows > 100);
  CHECK(denied > 1000);
}

TEST_CASE("a fused loop runs out of the instruction budget where the bytecode does",
          "[vm][fused]") {
  const auto engine = CompileRules();
  Session session(*engine);
  std::mt19937 rng(7);
  std::string json;
  do {
    json = RandomClaim(rng, 0);
    RecordError error;
    REQUIRE(session.Evaluate(json, error));
  } while (session.claim().history.size() < 4);
  // Budgets from nothing to past what the claim needs: each stops both in the same place.
  Vm full(engine->program(), engine->index(), engine->terminology());
  ClaimDecision a, b;
  full.Decide(session.claim(), a);
  const uint64_t needed = full.instructions();
  for (uint64_t budget = 0; budget <= needed + 1; ++budget) {
    Vm fused(engine->program(), engine->index(), engine->terminology());
    Vm plain(engine->program(), engine->index(), engine->terminology());
    plain.set_fused_loops(false);
    fused.set_instruction_budget(budget);
    plain.set_instruction_budget(budget);
    fused.Decide(session.claim(), a);
    plain.Decide(session.claim(), b);
    INFO("budget " << budget);
    REQUIRE(fused.over_budget() == plain.over_budget());
    CHECK(fused.over_budget_line() == plain.over_budget_line());
    CheckSame(a, b);
    if (budget == 0)
      CHECK(fused.over_budget());
    if (budget >= needed)
      CHECK(!fused.over_budget());
  }
}

}  // namespace warrant
