// The pieces the run views share: reading decision records back, bounded tallies, percentages.
#include <string>

#include <catch2/catch.hpp>

#include "compiler/driver/decision_record.h"
#include "compiler/driver/report_data.h"
#include "compiler/driver/tally.h"

using namespace warrant;
using namespace warrant::driver;

TEST_CASE("a decision record reads back with its deciding finding", "[views]") {
  DecisionReader reader;
  const std::string text =
      R"({"claim":"C1","line":1,"code":"G0328","decision":"denied","findings":[)"
      R"({"outcome":"pend","reason":"documentation","carc":"CO-252","rarc":["M127"],"message":"m"},)"
      R"({"outcome":"deny","reason":"frequency","carc":"CO-119","rarc":["N386"],"message":"x",)"
      R"("policy":"NCD 210.3","version":2,"rule":"frequency"}],"pack":"sha256:0"})";
  const DecisionRecord& r = reader.Parse(text, false);
  REQUIRE(r.kind == DecisionRecord::Kind::Decision);
  CHECK(r.claim == "C1");
  CHECK(r.decision == Decision::Denied);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[1].version == 2);
  CHECK(r.findings[0].rarcs.size() == 1);
  CHECK(DecidingFinding(r) == &r.findings[1]);
  CHECK(Headline(r) == "denied frequency");
}

TEST_CASE("error records and malformed lines are told apart", "[views]") {
  DecisionReader reader;
  CHECK(
      reader.Parse(R"({"claim":null,"input_line":3,"error":{"code":"R0701","message":"m"}})", false)
          .kind == DecisionRecord::Kind::Error);
  CHECK(reader.Parse("{", false).kind == DecisionRecord::Kind::Malformed);
  CHECK(reader.Parse("[1]", false).problem == "not a JSON object");
  CHECK(reader.Parse(R"({"line":1,"decision":"maybe","findings":[]})", false).problem ==
        "unknown decision `maybe`");
  CHECK(reader.Parse(R"({"line":1,"decision":"covered","findings":[]})", false).kind ==
        DecisionRecord::Kind::Decision);
  CHECK(Headline(reader.Parse(R"({"line":1,"decision":"covered","findings":[]})", false)) ==
        "covered");
}

TEST_CASE("a tally keeps its first keys and counts the rest as (other)", "[views]") {
  Tally tally(2);
  tally.Add("b", Decision::Covered);
  tally.Add("a", Decision::Denied);
  tally.Add("b", Decision::Denied);
  tally.Add("c", Decision::Covered);  // a third key: (other)
  tally.Add("a", Decision::Covered);
  const std::vector<TallyRow> rows = tally.Rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].key == "a");  // 2 lines each: by key
  CHECK(rows[1].key == "b");
  CHECK(rows[1].by_decision[static_cast<size_t>(Decision::Denied)] == 1);
  CHECK(rows[2].key == "(other)");
  CHECK(rows[2].lines == 1);
  CHECK(tally.distinct() == 2);
}

TEST_CASE("percentages round half up to one decimal", "[views]") {
  CHECK(Percent(1, 3) == "33.3");
  CHECK(Percent(2, 3) == "66.7");
  CHECK(Percent(1, 8) == "12.5");
  CHECK(Percent(0, 0) == "0.0");
  CHECK(Percent(5, 5) == "100.0");
}
