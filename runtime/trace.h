// TraceSink: the VM's hook for explaining a decision, off (nullptr) by default.
//
// The VM calls a sink only through `if (trace)` branches, so a run without tracing pays one
// predictable branch per rule. Implementations record what they need (explain, coverage).
#pragma once

#include <cstdint>

#include "runtime/value.h"

namespace warrant {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // A rule is about to run for 1-based claim line `line`.
  virtual void RuleStart(uint32_t rule, uint32_t line) = 0;
  // The rule finished; `applied` says whether its `applies to` held (or was unknown).
  virtual void RuleEnd(uint32_t rule, bool applied) = 0;
  // A condition consumed at `pc` (applies, require, when, emit) had `value`.
  virtual void Condition(uint32_t pc, const Value& value) = 0;
};

}  // namespace warrant
