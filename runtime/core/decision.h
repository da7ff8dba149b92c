// The decision for one claim line, strongest last: a line's decision is the strongest of its
// findings (rejected > denied > bundled > pended > covered > not_applicable).
#pragma once

#include <cstdint>

namespace warrant {

enum class Decision : uint8_t { NotApplicable, Covered, Pended, Bundled, Denied, Rejected };

// "not_applicable", "covered", "pended", "bundled", "denied", "rejected".
const char* DecisionName(Decision d);

}  // namespace warrant
