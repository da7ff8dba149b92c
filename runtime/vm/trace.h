// TraceSink: the VM's hook for explaining a decision, off (nullptr) by default.
//
// With a null sink the VM runs its untraced interpreter loop, which has no trace branches at all
// (the loop is instantiated twice, with and without tracing), so tracing off costs nothing.
// With a sink, the VM reports each rule it runs, each condition it consumes and what each
// instruction opcodes.def marks as traced reports (its Trace column): Step instructions their
// stack inputs and result (facts, lookups, membership tests, comparisons, arithmetic, windows,
// calls), Own instructions a step of their own (stored lets, loop elements, accumulators).
// Implementations record what they need (explain, coverage); this module only declares the
// events. Value operands that refer into the claim (lists,
// records, strings) stay valid until the next claim is decoded.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/core/value.h"
#include "runtime/pack/program.h"

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

  // The instruction at `pc` computed `result` from `inputs` (its stack operands, deepest first).
  // For `store`, `result` is the stored value; for `iter_next`, the element (inputs: the list
  // and the element's 0-based index as an Int); for accumulators, the accumulator after the
  // step (inputs: the predicate, the element or value, and for list elements its index).
  virtual void Step(uint32_t pc, Op op, std::span<const Value> inputs, const Value& result) {
    (void)pc, (void)op, (void)inputs, (void)result;
  }
};

}  // namespace warrant
