#include "runtime/core/decision.h"

#include <iterator>

namespace warrant {
namespace {

constexpr const char* kDecisionNames[] = {
#define WARRANT_DECISION(Name, Spelling) Spelling,
#include "runtime/core/outcomes.def"
};

}  // namespace

const char* DecisionName(Decision d) {
  const auto index = static_cast<size_t>(d);
  return index < std::size(kDecisionNames) ? kDecisionNames[index] : kDecisionNames[0];
}

std::optional<Decision> DecisionFromName(std::string_view name) {
  for (size_t d = 0; d < std::size(kDecisionNames); ++d) {
    if (name == kDecisionNames[d])
      return static_cast<Decision>(d);
  }
  return std::nullopt;
}

std::optional<OutcomeKind> OutcomeFromWord(std::string_view word) {
  for (size_t k = 0; k < kOutcomeKindCount; ++k) {
    if (kOutcomeInfos[k].in_source && word == kOutcomeInfos[k].word)
      return static_cast<OutcomeKind>(k);
  }
  return std::nullopt;
}

}  // namespace warrant
