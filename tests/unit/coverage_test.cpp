// CoverageSink (runtime/explain/coverage.h): condition counts per site, outcomes fired, and
// `applies to` counted false for the lines the code index keeps from a rule in force, by policy
// version.
#include "runtime/explain/coverage.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

constexpr const char* kV1 = R"(policy "FOBT" version 1 "v1" effective 2000-01-01 until 2022-12-31
codeset fobt: hcpcs = [82270, G0328]
rule age_rule applies to line where line.code in fobt {
  require age >= 50 else deny age
}
)";

constexpr const char* kV2 = R"(policy "FOBT" version 2 "v2" effective 2023-01-01
codeset fobt: hcpcs = [82270, G0328]
fact symptomatic: bool
rule age_rule applies to line where line.code in fobt {
  require age >= 45 else deny age
  require not facts.symptomatic else deny not_reasonable if unknown pend documentation
  flag "two units" when line.units > 1
}
)";

struct Fixture {
  Fixture() {
    static int counter = 0;
    root = fs::temp_directory_path() / ("warrant_coverage_test_" + std::to_string(::getpid()) +
                                        "_" + std::to_string(counter++));
    fs::create_directories(root);
    std::ofstream(root / "v1.warrant") << kV1;
    std::ofstream(root / "v2.warrant") << kV2;
    auto c = Compile({root.string()});
    REQUIRE(c->ok);
    std::string error;
    engine = Engine::FromProgram(std::move(c->program), &error);
    REQUIRE(engine);
  }

  ~Fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  // The site of the statement whose source text starts with `prefix` in the file named `file`.
  uint32_t Site(const std::string& file, const std::string& prefix) const {
    const Program& p = engine->program();
    for (uint32_t s = 0; s < p.outcomes.size(); ++s) {
      const SourceData& src = p.sources[p.outcomes[s].file];
      if (src.name == file && src.text.compare(p.outcomes[s].begin, prefix.size(), prefix) == 0) {
        return s;
      }
    }
    FAIL("no site " << prefix << " in " << file);
    return 0;
  }

  void Decide(Session& session, CoverageSink& sink, const std::string& json) {
    RecordError error;
    REQUIRE(session.Evaluate(json, error));
    session.Decide(session.claim(), &sink);
    sink.ClaimDone(session.claim(), session.decision(), "FOBT");
  }

  fs::path root;
  std::unique_ptr<Engine> engine;
};

TEST_CASE("coverage counts each condition's values and the outcomes that fired") {
  Fixture f;
  CoverageSink sink(f.engine->program());
  Session session(*f.engine);
  REQUIRE(session.SetPolicyFilter("FOBT"));
  // 2024: version 2. Line 1 is 46 and symptom-free with 2 units; line 2 is not an FOBT.
  f.Decide(session, sink,
           R"({"service_date": "2024-03-01", "patient": {"birth_date": "1978-01-01"},
               "lines": [{"code": "82270", "units": 2}, {"code": "45378"}],
               "facts": {"symptomatic": false}})");
  // Version 2 again: 44 and symptoms undocumented.
  f.Decide(session, sink,
           R"({"service_date": "2024-03-01", "patient": {"birth_date": "1980-01-01"},
               "lines": [{"code": "G0328"}]})");

  const auto& sites = sink.sites();
  const SiteCoverage& applies = sites[f.Site("v2.warrant", "applies")];
  CHECK(applies.kind == SiteKind::Applies);
  CHECK(applies.true_count == 2);
  CHECK(applies.false_count == 1);  // 45378: kept from the rule by the code index
  const SiteCoverage& age = sites[f.Site("v2.warrant", "require age")];
  CHECK(age.kind == SiteKind::Require);
  CHECK((age.true_count == 1 && age.false_count == 1 && age.unknown_count == 0));
  CHECK(age.fired == 1);
  const SiteCoverage& symptoms = sites[f.Site("v2.warrant", "require not")];
  CHECK((symptoms.true_count == 1 && symptoms.false_count == 0 && symptoms.unknown_count == 1));
  CHECK(symptoms.fired == 0);
  CHECK(symptoms.fired_unknown == 1);
  const SiteCoverage& flag = sites[f.Site("v2.warrant", "flag")];
  CHECK(flag.kind == SiteKind::Direct);
  CHECK((flag.true_count == 1 && flag.false_count == 1 && flag.fired == 1));

  // Version 1 was never in force on these dates: nothing of it counts, not even `applies` false.
  const SiteCoverage& v1_applies = sites[f.Site("v1.warrant", "applies")];
  CHECK((v1_applies.true_count == 0 && v1_applies.false_count == 0));
}

TEST_CASE("coverage by a 2022 line counts version 1 only") {
  Fixture f;
  CoverageSink sink(f.engine->program());
  Session session(*f.engine);
  REQUIRE(session.SetPolicyFilter("FOBT"));
  f.Decide(session, sink,
           R"({"service_date": "2022-06-01", "patient": {"birth_date": "1960-01-01"},
               "lines": [{"code": "99213"}, {"code": "82270"}]})");
  const auto& sites = sink.sites();
  const SiteCoverage& v1_applies = sites[f.Site("v1.warrant", "applies")];
  CHECK((v1_applies.true_count == 1 && v1_applies.false_count == 1));
  CHECK(sites[f.Site("v1.warrant", "require age")].true_count == 1);
  const SiteCoverage& v2_applies = sites[f.Site("v2.warrant", "applies")];
  CHECK((v2_applies.true_count == 0 && v2_applies.false_count == 0));
}

}  // namespace
}  // namespace warrant
