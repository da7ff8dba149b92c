// Decisions and outcomes, from the one table runtime/core/outcomes.def: the decision for a claim
// line (its strongest finding's), the kinds of finding, their words and the decision each makes.
// Knows no rule, pack or claim.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace warrant {

// Weakest first: rejected > denied > bundled > pended > covered > not_applicable.
enum class Decision : uint8_t {
#define WARRANT_DECISION(Name, Spelling) Name,
#include "runtime/core/outcomes.def"
};

enum class OutcomeKind : uint8_t {
#define WARRANT_OUTCOME(Name, Word, Listing, Decision, InSource, NeedsReason) Name,
#include "runtime/core/outcomes.def"
};

inline constexpr size_t kOutcomeKindCount = 0
#define WARRANT_OUTCOME(Name, Word, Listing, Decision, InSource, NeedsReason) +1
#include "runtime/core/outcomes.def"
    ;

struct OutcomeInfo {
  const char* word;     // "deny": as source writes it and output reports it
  const char* listing;  // "auto_pend": as the disassembler names it
  Decision decision;    // the decision it makes, and its strength among findings
  bool in_source;
  bool needs_reason;
};

inline constexpr OutcomeInfo kOutcomeInfos[] = {
#define WARRANT_OUTCOME(Name, Word, Listing, Decision_, InSource, NeedsReason) \
  {Word, Listing, Decision::Decision_, InSource, NeedsReason},
#include "runtime/core/outcomes.def"
};

// "not_applicable", "covered", "pended", "bundled", "denied", "rejected".
const char* DecisionName(Decision d);
std::optional<Decision> DecisionFromName(std::string_view name);

// The row of `kind`; a byte outside the table (an unverified pack's) reads as Deny's row.
constexpr const OutcomeInfo& Info(OutcomeKind kind) {
  const auto index = static_cast<size_t>(kind);
  return kOutcomeInfos[index < kOutcomeKindCount ? index : 0];
}

constexpr bool IsOutcomeKind(OutcomeKind kind) {
  return static_cast<size_t>(kind) < kOutcomeKindCount;
}

// The decision a finding of `kind` makes (Flag: Covered, it never changes a decision).
constexpr Decision DecisionOf(OutcomeKind kind) {
  return Info(kind).decision;
}

// "deny", "pend" (AutoPend too), "bundle", "reject", "flag".
inline const char* OutcomeWord(OutcomeKind kind) {
  return Info(kind).word;
}

// The kind source writes as `word`, if source can write it.
std::optional<OutcomeKind> OutcomeFromWord(std::string_view word);

}  // namespace warrant
