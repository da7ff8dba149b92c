// The pipeline end to end through the library API: compile sources, write a pack, load it back,
// decide claims. Pins determinism, refusal of corrupted packs, and the decision semantics that
// cross the compiler and the VM (versions by date, Kleene pends, strongest-first findings).
#include "runtime/engine/engine.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/pack/pack.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFobtV1 = R"(policy "FOBT" version 1 "Screening FOBT"
  effective 2000-01-01 until 2022-12-31
codeset fobt: hcpcs = [82270, G0328]
rule age_rule "Age 50" applies to line where line.code in fobt {
  require age >= 50 else deny age "age 50 or older"
}
)";

constexpr const char* kFobtV2 = R"(policy "FOBT" version 2 "Screening FOBT"
  effective 2023-01-01
codeset fobt: hcpcs = [82270, G0328]
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
)";

// A pack root with the two versions, made fresh for each test.
// The two FOBT versions, written to a directory of their own.
class PackDir : public test::ScratchDir {
 public:
  PackDir() : ScratchDir("engine_test") {
    Write("fobt_v1.warrant", kFobtV1);
    Write("fobt_v2.warrant", kFobtV2);
  }
};

std::vector<uint8_t> BuildPack(const std::string& dir) {
  auto c = Compile({dir});
  INFO("diagnostics: " << c->sink.diagnostics().size());
  REQUIRE(c->ok);
  return WritePack(c->program);
}

std::string Decide(const Engine& engine, const std::string& json) {
  Session session(engine);
  RecordError error;
  std::string out;
  if (!session.Evaluate(json, error)) {
    session.AppendError(error, 1, out);
  } else {
    session.AppendDecisions(out);
  }
  return out;
}

}  // namespace

TEST_CASE("building the same sources twice gives identical packs", "[engine]") {
  PackDir dir;
  std::vector<uint8_t> first = BuildPack(dir.path());
  std::vector<uint8_t> second = BuildPack(dir.path());
  CHECK(first == second);
  CHECK(first.size() > 100);
}

TEST_CASE("every single-byte corruption of a pack is refused", "[engine]") {
  PackDir dir;
  std::vector<uint8_t> pack = BuildPack(dir.path());
  std::string error;
  REQUIRE(Engine::FromPack(pack, &error) != nullptr);
  for (size_t i = 0; i < pack.size(); ++i) {
    std::vector<uint8_t> corrupt = pack;
    corrupt[i] ^= 0x5A;
    error.clear();
    auto engine = Engine::FromPack(corrupt, &error);
    INFO("byte " << i);
    CHECK(engine == nullptr);
    CHECK_FALSE(error.empty());
  }
  // and every truncation
  for (size_t n = 0; n < pack.size(); n += 7) {
    error.clear();
    CHECK(Engine::FromPack(std::span<const uint8_t>(pack.data(), n), &error) == nullptr);
  }
}

TEST_CASE("decisions: version by date of service, month-count frequency, pends", "[engine]") {
  PackDir dir;
  std::vector<uint8_t> pack = BuildPack(dir.path());
  std::string error;
  auto engine = Engine::FromPack(pack, &error);
  REQUIRE(engine);
  // age 47 in 2022: version 1 requires 50
  std::string v1 = Decide(*engine, R"({"id":"A","patient":{"birth_date":"1975-06-15","sex":"M"},
      "service_date":"2022-12-15","lines":[{"code":"82270"}],"facts":{"symptomatic":false}})");
  CHECK(v1.find("\"decision\":\"denied\"") != std::string::npos);
  CHECK(v1.find("\"version\":1") != std::string::npos);
  CHECK(v1.find("\"carc\":\"CO-6\"") != std::string::npos);
  // 2025-02-01 after 2024-02-20: 11 full months passed
  std::string pay = Decide(*engine, R"({"id":"B","patient":{"birth_date":"1950-01-01"},
      "service_date":"2025-02-01","lines":[{"code":"82270"}],
      "history":[{"code":"G0328","date":"2024-02-20","status":"paid"}],"facts":{"symptomatic":false}})");
  CHECK(pay.find("\"decision\":\"covered\"") != std::string::npos);
  // exactly 365 days, 10 full months: denied, with eligibility in March
  std::string deny = Decide(*engine, R"({"id":"C","patient":{"birth_date":"1950-01-01"},
      "service_date":"2024-02-29","lines":[{"code":"G0328"}],
      "history":[{"code":"82270","date":"2023-03-01","status":"paid"}],"facts":{"symptomatic":false}})");
  CHECK(deny.find("\"reason\":\"frequency\"") != std::string::npos);
  // an undocumented fact pends, naming it
  std::string pend = Decide(*engine, R"({"id":"D","patient":{"birth_date":"1950-01-01"},
      "service_date":"2025-02-01","lines":[{"code":"82270"}]})");
  CHECK(pend.find("\"decision\":\"pended\"") != std::string::npos);
  CHECK(pend.find("fact `symptomatic` is not documented") != std::string::npos);
  // a line no rule applies to
  std::string na = Decide(*engine, R"({"id":"E","patient":{"birth_date":"1950-01-01"},
      "service_date":"2025-02-01","lines":[{"code":"99213"}]})");
  CHECK(na.find("\"decision\":\"not_applicable\"") != std::string::npos);
  // a malformed record gives an error record naming the claim
  std::string bad =
      Decide(*engine, R"({"id":"F","service_date":"2025-02-30","lines":[{"code":"82270"}]})");
  CHECK(bad.find("\"error\"") != std::string::npos);
  CHECK(bad.find("\"claim\":\"F\"") != std::string::npos);
}

TEST_CASE("findings are reported strongest first and every requirement is evaluated", "[engine]") {
  PackDir dir;
  auto c = Compile({dir.path()});
  REQUIRE(c->ok);
  std::string error;
  auto engine = Engine::FromProgram(std::move(c->program), &error);
  REQUIRE(engine);
  // too young, too soon and symptomatic: three denials on one line, all reported
  std::string out = Decide(*engine, R"({"id":"G","patient":{"birth_date":"1990-01-01"},
      "service_date":"2025-02-01","lines":[{"code":"82270"}],
      "history":[{"code":"82270","date":"2024-12-01","status":"paid"}],"facts":{"symptomatic":true}})");
  size_t age = out.find("\"reason\":\"age\"");
  size_t frequency = out.find("\"reason\":\"frequency\"");
  size_t reasonable = out.find("\"reason\":\"not_reasonable\"");
  CHECK(age != std::string::npos);
  CHECK(frequency != std::string::npos);
  CHECK(reasonable != std::string::npos);
  CHECK(age < frequency);  // same strength: pack order
  CHECK(frequency < reasonable);
}

TEST_CASE("many findings on one line are sorted strongest first, stably, in linear time",
          "[engine]") {
  // More findings than the insertion sort handles (32): the counting sort takes over. Kinds
  // cycle through flag, pend, bundle, deny and reject so every rank is interleaved.
  const fs::path dir = fs::temp_directory_path() / ("warrant_many_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string source =
      "policy \"M\" version 1 \"many\" effective 2024-01-01\n"
      "reason r = CO-50 \"not covered\"\n"
      "codeset fobt: hcpcs = [82270]\n"
      "rule many applies to line where line.code in fobt {\n";
  const char* kinds[] = {"flag", "pend", "bundle", "deny", "reject"};
  for (int i = 0; i < 200; ++i) {
    const std::string kind = kinds[i % 5];
    source += kind == "flag" ? "  flag \"f\" when true\n"
                             : "  require age >= 200 else " + kind + " r \"" + kind + "\"\n";
  }
  source += "}\n";
  std::ofstream(dir / "many.warrant") << source;
  auto c = Compile({dir.string()});
  fs::remove_all(dir);
  REQUIRE(c->ok);
  std::string error;
  auto engine = Engine::FromProgram(std::move(c->program), &error);
  REQUIRE(engine);
  Session session(*engine);
  RecordError record_error;
  REQUIRE(session.Evaluate(
      R"({"id":"M","patient":{"birth_date":"1990-01-01"},"service_date":"2025-02-01","lines":[{"code":"82270"}]})",
      record_error));
  const ClaimDecision& d = session.decision();
  REQUIRE(d.lines.size() == 1);
  REQUIRE(d.lines[0].finding_count == 200);
  CHECK(d.lines[0].decision == Decision::Rejected);
  for (uint32_t i = 1; i < 200; ++i) {
    const Finding& a = d.findings[i - 1];
    const Finding& b = d.findings[i];
    INFO("findings " << i - 1 << " and " << i);
    CHECK(DecisionOf(a.kind) >= DecisionOf(b.kind));
    if (DecisionOf(a.kind) == DecisionOf(b.kind))
      CHECK(a.outcome < b.outcome);  // ties keep source order
  }
  CHECK(d.findings.front().kind == OutcomeKind::Reject);
  CHECK(d.findings.back().kind == OutcomeKind::Flag);
}

// A pack of `rules` rules over 82270, every `failing`th of which denies every line.
std::unique_ptr<Engine> ManyRules(int rules, int failing) {
  const fs::path dir = fs::temp_directory_path() / ("warrant_rules_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string source =
      "policy \"M\" version 1 \"many\" effective 2024-01-01\n"
      "reason r = CO-50 \"not covered\"\n"
      "codeset fobt: hcpcs = [82270]\n";
  for (int i = 0; i < rules; ++i) {
    source += "rule r" + std::to_string(i) + " applies to line where line.code in fobt {\n" +
              (i % failing == 0 ? "  require age >= 200" : "  require age >= 10") +
              " else deny r \"no\"\n}\n";
  }
  std::ofstream(dir / "many.warrant") << source;
  auto c = Compile({dir.string()});
  fs::remove_all(dir);
  REQUIRE(c->ok);
  std::string error;
  auto engine = Engine::FromProgram(std::move(c->program), &error);
  REQUIRE(engine);
  return engine;
}

std::string Lines(int count) {
  std::string json = R"({"id":"BIG","patient":{"birth_date":"1950-05-01"},)"
                     R"("service_date":"2025-03-10","lines":[)";
  for (int l = 0; l < count; ++l)
    json += std::string(l ? "," : "") + R"({"code":"82270"})";
  return json + "]}";
}

TEST_CASE("a claim that would make more than kMaxClaimFindings findings is refused (R0713)",
          "[engine][limits]") {
  // The reproduction scaled: every rule denies every line, 200 rules x 1,000 lines = 200,000.
  auto engine = ManyRules(200, 1);
  Session session(*engine);
  RecordError error;
  CHECK_FALSE(session.Evaluate(Lines(1'000), error));
  CHECK(error.code == RecordErrorCode::FindingLimit);
  CHECK(error.claim_id == "BIG");
  CHECK(error.message ==
        "deciding the claim makes more than 100000 findings, the limit for one "
        "claim: it reached it on line 501 of 1000; nothing was decided");
  CHECK(session.decision().lines.empty());
  CHECK(session.decision().findings.empty());
  // Just under the limit is decided in full.
  REQUIRE(session.Evaluate(Lines(500), error));
  CHECK(session.decision().findings.size() == 100'000);
}

TEST_CASE("decision records spill in pieces that add up to the whole", "[engine]") {
  auto engine = ManyRules(50, 7);  // 8 failing rules: 8 findings a line
  Session session(*engine);
  RecordError error;
  REQUIRE(session.Evaluate(Lines(300), error));
  std::string whole;
  session.AppendDecisions(whole);
  std::string pieces, out = "prefix-kept\n";
  size_t spills = 0;
  const Session::Spill spill = [&](std::string& text) {
    CHECK(text.size() > 4'096);
    pieces += text;
    text.clear();
    ++spills;
  };
  session.AppendDecisions(out, nullptr, &spill, 4'096);
  pieces += out;
  CHECK(pieces == "prefix-kept\n" + whole);
  CHECK(spills > 10);  // ~1.5 KB a line: a spill every three lines or so
}

}  // namespace warrant
