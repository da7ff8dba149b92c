#include "runtime/core/decision.h"

namespace warrant {

const char* DecisionName(Decision d) {
  switch (d) {
    case Decision::NotApplicable:
      return "not_applicable";
    case Decision::Covered:
      return "covered";
    case Decision::Pended:
      return "pended";
    case Decision::Bundled:
      return "bundled";
    case Decision::Denied:
      return "denied";
    case Decision::Rejected:
      return "rejected";
  }
  return "not_applicable";
}

}  // namespace warrant
