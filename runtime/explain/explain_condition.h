// Reading a requirement's condition for people: what would change the outcome and which values
// decided it.
//
// The condition's expression tree is rebuilt from the bytecode (each instruction's stack effect;
// a quantifier is its accumulator's start through the load of its result), and each node's value
// is read from the trace: a traced step's result, an operand its parent saw, or `and`/`or`/`not`
// of its children. A condition that did not hold is then read as a person would: every
// alternative of an `or` ("or the line carries modifier KX"), the conjuncts of an `and` that were
// false (an unknown beside a false one did not decide it), the date a date comparison needed, the
// limit a number missed, the codeset a code was not in with its nearest member. Source text is
// only quoted, never parsed. This module decides nothing and knows nothing of rendering.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/date.h"
#include "runtime/explain/explain.h"

namespace warrant {

struct ConditionReading {
  std::vector<std::string> changes;  // one per alternative; the second on start with "or "
  std::vector<bool> decisive;        // per event of `raw`: it belongs to a part that decided
  std::vector<std::pair<std::string, Value>> lets;  // the `let`s that decided it, by name
};

// The values of a rule's `let`s so far, by the slot each is stored in.
using LetValues = std::vector<std::pair<uint8_t, Value>>;

// What the trace says of one statement: its step events, their loop depths, and the values of
// the `let`s before it.
struct ConditionEvents {
  const std::vector<TraceEvent>& raw;
  const std::vector<int>& depth;
  const LetValues& lets;
};

// Reads the condition of the statement of `rule` that ends at `end` (its `require`, `when`,
// `emit` or `applies`) from its events. `dos` is the line's date of service.
ConditionReading ReadCondition(const Engine& engine, const Claim& claim, const RuleData& rule,
                               uint32_t end, const ConditionEvents& events, Day dos);

// The start of the code of the statement that ends at `pc` in `rule`: the end of the statement
// before it, or the rule's code.
uint32_t StatementBegin(const Program& program, const RuleData& rule, uint32_t pc);

}  // namespace warrant
