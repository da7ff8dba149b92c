// What an explanation says about one recorded step, and a finding's "why not": shared by the full
// explanation (explain_build.cpp) and by the evidence `run --explain` writes (evidence.cpp), so
// both say the same about the same events. Internal to runtime/explain; it decides nothing.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/date.h"
#include "runtime/explain/explain.h"

namespace warrant {

// Evidence is for a decision record: a handful of values, never a whole history.
inline constexpr size_t kMaxEvidence = 16;

// A quantifier's word (`any` .. `earliest`) for its accumulator instruction, else "".
const char* AccumulatorWord(Op op);

// A quantifier's accumulator instruction (`acc_any` .. `acc_earliest`).
inline bool IsAccumulator(Op op) {
  return *AccumulatorWord(op) != '\0';
}

// Whether a quantifier step changed anything worth showing: an element that matched (for
// `all`, one that did not).
bool Decisive(const TraceEvent& e);

// The operator as written (">=", "in", "within", ...), "" when the instruction has none.
const char* OperatorText(Op op);

// Fills `e` as the Step event the VM reported (at most three inputs are kept).
void SetStep(TraceEvent& e, uint32_t pc, Op op, std::span<const Value> inputs, const Value& result);

// Whether the `store` at `pc` ends a `let` statement (quantifiers store their accumulator's
// start too).
bool EndsLet(const Program& program, uint32_t pc);

// The loop depth of a rule's steps, in execution order: a loop is recognised by its `iter_next`
// instruction, whose exit target bounds the loop body, so a step's depth is the number of loop
// bodies its pc lies in. Clear() at each rule; the capacity is kept.
class LoopDepth {
 public:
  void Clear() { loops_.clear(); }

  // The depth of the step at `pc` (instruction `op`), after the loops it left or entered.
  int Step(const Program& program, uint32_t pc, Op op);

 private:
  struct Loop {
    uint32_t begin = 0, end = 0;  // [iter_next pc, exit target)
  };

  std::vector<Loop> loops_;
};

// The members of one step in its JSON object (docs/explain.md), borrowed from an ExplainStep
// or a StepText.
struct StepView {
  std::string_view kind, expr, site, op;
  // `,"expr":...,"at":...` already escaped, written in place of expr and site; "" when they are
  // to be escaped here.
  std::string_view expr_at;
  std::span<const std::string> operands;
  std::string_view value, note;
  int depth = 0;
};

// Appends `s` as one JSON object.
void AppendStepJson(const StepView& s, std::string& out);

// One step's texts, as ExplainStep holds them, but for its expr and site: those are its span's
// (Engine::SpanText, SpanSite), which the caller writes as it needs them. Filled again for each
// step, so its strings keep their capacity from step to step.
struct StepText {
  std::string_view kind, op;  // the pack's or static, never owned
  std::array<std::string, 3> operands;
  size_t operand_count = 0;
  std::string value, note;
  int depth = 0;

  // With `expr_at`: the step's span's `,"expr":...,"at":...`, escaped.
  StepView view(std::string_view expr_at) const {
    return {kind,  {},   {},   op, expr_at, std::span(operands.data(), operand_count),
            value, note, depth};
  }
};

// Fills `s` with what step `e` (a Step event) computed, at loop depth `depth`, on a line whose
// date of service is `dos`.
void DescribeStep(const Engine& engine, const Claim& claim, const TraceEvent& e, int depth, Day dos,
                  StepText& s);

// The statement a finding came from, as "why not" reads it: the pc of the condition that closed
// it and the step events before that condition.
struct StatementEvents {
  uint32_t pc = 0;
  std::span<const TraceEvent> raw;
};

// What would have satisfied the statement that made finding `f` on a line whose date of service
// is `dos`: what was missing, the date from which it holds, the codeset a diagnosis must be in,
// or the comparison that failed. Computed from values, never from text; "" when there is nothing
// to say. `st` is null when the statement's events were not recorded.
std::string WhyNot(const Engine& engine, const Claim& claim, const Finding& f, Day dos,
                   const StatementEvents* st);

}  // namespace warrant
