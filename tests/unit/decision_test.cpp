// Decisions and outcomes (runtime/core/outcomes.def): names round-trip, the strength order, and
// the words source may write.
#include "runtime/core/decision.h"

#include <iterator>
#include <string>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("decision: names round-trip in strength order", "[decision]") {
  const Decision all[] = {Decision::NotApplicable, Decision::Covered, Decision::Pended,
                          Decision::Bundled,       Decision::Denied,  Decision::Rejected};
  for (size_t d = 0; d < std::size(all); ++d) {
    CHECK(DecisionFromName(DecisionName(all[d])) == all[d]);
    if (d > 0)
      CHECK(all[d - 1] < all[d]);
  }
  CHECK(std::string(DecisionName(Decision::NotApplicable)) == "not_applicable");
  CHECK(std::string(DecisionName(Decision::Rejected)) == "rejected");
  CHECK_FALSE(DecisionFromName("deny").has_value());
}

TEST_CASE("decision: each outcome's word, decision and whether source writes it", "[decision]") {
  CHECK(OutcomeFromWord("deny") == OutcomeKind::Deny);
  CHECK(OutcomeFromWord("pend") == OutcomeKind::Pend);  // never AutoPend: source cannot write it
  CHECK(OutcomeFromWord("flag") == OutcomeKind::Flag);
  CHECK_FALSE(OutcomeFromWord("auto_pend").has_value());
  CHECK_FALSE(OutcomeFromWord("denied").has_value());

  CHECK(DecisionOf(OutcomeKind::Deny) == Decision::Denied);
  CHECK(DecisionOf(OutcomeKind::AutoPend) == Decision::Pended);
  CHECK(DecisionOf(OutcomeKind::Flag) == Decision::Covered);  // a note, never a decision
  CHECK(DecisionOf(OutcomeKind::Reject) > DecisionOf(OutcomeKind::Deny));
  CHECK(DecisionOf(OutcomeKind::Bundle) > DecisionOf(OutcomeKind::Pend));

  CHECK(std::string(OutcomeWord(OutcomeKind::AutoPend)) == "pend");
  CHECK(std::string(Info(OutcomeKind::AutoPend).listing) == "auto_pend");
  CHECK(Info(OutcomeKind::Deny).needs_reason);
  CHECK_FALSE(Info(OutcomeKind::Bundle).needs_reason);
  CHECK(IsOutcomeKind(OutcomeKind::AutoPend));
  CHECK_FALSE(IsOutcomeKind(static_cast<OutcomeKind>(kOutcomeKindCount)));
}

}  // namespace
}  // namespace warrant
