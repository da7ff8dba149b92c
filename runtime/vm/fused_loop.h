// Fused quantifier loops: `any`, `all`, `count`, `latest`, ... over a list whose `where` is a
// conjunction of simple tests of the element, found in a Program's code at load time and run by
// the untraced interpreter as one native loop.
//
// A test is the element (or one of its fields) checked against values that do not change while
// the loop runs: `h.code in S`, `o.code == "4548-4"`, `h.date within 365 days before
// service_date`, `o.date >= service_date - 90 days`, optionally negated (`not in`). Those values
// (constants, scopes, slots outside the loop, and arithmetic on them) are computed once per loop
// rather than once per element, and the tests run without dispatch, reading the element's fields
// directly. A fused loop leaves the same accumulator, the same loop slots and the same instruction
// count as the bytecode it replaces, and each test gives the same Value (unknowns with the same
// origin), so decisions cannot tell them apart. The traced interpreter never uses them: a trace
// still sees every element and every step.
//
// What is not matched (anything else in the body: calls, nested loops, `or`, a test whose two
// sides both depend on the element) simply runs as bytecode. This module only recognises and
// runs the loops; the interpreter decides when to call it (vm.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/pack/program.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {

// A range of code computing one value that stays the same for every element.
struct FusedInvariant {
  uint32_t begin = 0, end = 0;  // pcs
  // A lone constant (push_const, push_int, ...): its value, worked out once at load.
  bool is_constant = false;
  Value constant;
  bool is_service_date = false;  // a lone `scope service_date`: the line's date of service
};

// One test of the element, ANDed (left to right, Kleene) with the tests before it.
struct FusedTest {
  enum class Kind : uint8_t {
    InCodeset,  // element value in codesets[codeset]
    Compare,    // element value `op` invariant a (or a `op` element value)
    Within,     // element value within invariant a (duration) `dir` invariant b (anchor)
    Constant,   // invariant a itself (no element in it)
  };

  Kind kind = Kind::Constant;
  Op op = Op::Eq;
  uint8_t dir = 0;
  bool element_left = true;  // Compare: the element's value is the left operand
  bool negate = false;       // a `not` follows the test
  uint16_t field = 0;        // the element's field read (has_field), a global field number
  bool has_field = false;
  uint16_t codeset = 0;
  uint8_t a = 0, b = 0;   // invariants, by index into the loop's
  uint32_t field_pc = 0;  // the `field` instruction: its unknowns' origin
  uint32_t pc = 0;        // the test instruction
  uint32_t not_pc = 0;    // the `not` instruction (negate)
};

struct FusedLoop {
  // `any x in CODES where x in S` (or `not in S`): the most common loop of all (diagnosis
  // support), run by a loop of its own when the list is a list of codes.
  bool codes_any = false;
  Op acc_op = Op::AccAny;
  uint8_t acc = 0;                                    // the accumulator's slot
  uint8_t loop = 0;                                   // the loop's slots: list, index, element
  uint32_t acc_pc = 0;                                // the accumulator instruction
  uint32_t end = 0;                                   // the pc after the loop
  uint32_t per_element = 0;                           // instructions the bytecode runs per element
  uint32_t first_test = 0, test_count = 0;            // into FusedLoops::tests
  uint32_t first_invariant = 0, invariant_count = 0;  // into FusedLoops::invariants
  // The value two-operand accumulators take (sum, min, max, latest, earliest): the element or
  // one of its fields.
  bool value_has_field = false;
  uint16_t value_field = 0;
  uint32_t value_field_pc = 0;
};

// The most invariant values one fused loop computes, and the most tests it ANDs.
inline constexpr uint32_t kMaxFusedInvariants = 8;
inline constexpr uint32_t kMaxFusedTests = 8;

struct FusedLoops {
  std::vector<uint32_t> at;  // per pc: a loop starting (iter_start) there, or UINT32_MAX
  std::vector<FusedLoop> loops;
  std::vector<FusedTest> tests;
  std::vector<FusedInvariant> invariants;

  static FusedLoops Find(const Program& program);
};

// Runs fused loop `loop` over `list` (a List value; iter_start has set its slots): folds every
// element into the accumulator slot, and leaves the loop's index and element slots as the bytecode
// would. The caller counts the instructions (loop.per_element per element, plus one) and jumps
// to loop.end.
void RunFusedLoop(const FusedLoops& fused, const FusedLoop& loop, const OpContext& ctx,
                  const Value& list, Value* slots);

}  // namespace warrant
