// The value semantics of the VM's instructions: Kleene logic, comparisons, calendar arithmetic,
// field and table access, builtins and quantifier accumulators.
//
// Every function is total: a missing datum, a type the checker would have refused, an overflow
// or a division by zero gives Unknown (tagged with the instruction's pc), never a crash. vm.cpp
// is the control flow that calls these.
#pragma once

#include <cstdint>
#include <cstring>

#include "runtime/pack/builtins.h"
#include "runtime/pack/program.h"
#include "runtime/records/record.h"
#include "runtime/records/schema.h"

namespace warrant {

class Terminology;

// What an instruction can see besides its operands: the claim, the line being decided and its
// date of service.
struct OpContext {
  const Program& program;
  const Claim& claim;
  uint32_t line;  // 0-based
  Day dos;
  const Terminology* terminology;
};

inline uint16_t ReadU16(const uint8_t* code, uint32_t at) {
  return static_cast<uint16_t>(code[at] | (code[at + 1] << 8));
}

inline int32_t ReadI32(const uint8_t* code, uint32_t at) {
  uint32_t v = static_cast<uint32_t>(code[at]) | (static_cast<uint32_t>(code[at + 1]) << 8) |
               (static_cast<uint32_t>(code[at + 2]) << 16) |
               (static_cast<uint32_t>(code[at + 3]) << 24);
  int32_t out;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

// The Value of a pack constant (strings point into the Program, which outlives every run).
Value ConstantValue(const Program& program, uint32_t index);

inline Value KleeneNot(Value a) {
  if (a.tag != Tag::Bool)
    return a.is_unknown() ? a : Value::Unknown(kNoPc);
  return Value::Bool(a.i == 0);
}

// false and x = false; true and x = x; unknown otherwise (keeping the first unknown's origin).
inline Value KleeneAnd(Value a, Value b) {
  if (a.is_false() || b.is_false())
    return Value::Bool(false);
  if (a.is_true() && b.is_true())
    return a;
  if (!a.is_true())
    return a.is_unknown() ? a : Value::Unknown(kNoPc);
  return b.is_unknown() ? b : Value::Unknown(kNoPc);
}

inline Value KleeneOr(Value a, Value b) {
  if (a.is_true() || b.is_true())
    return Value::Bool(true);
  if (a.is_false() && b.is_false())
    return a;
  if (!a.is_false())
    return a.is_unknown() ? a : Value::Unknown(kNoPc);
  return b.is_unknown() ? b : Value::Unknown(kNoPc);
}

Value ScopeValue(const OpContext& ctx, ScopeId scope, uint32_t pc);
// `field` is a global field number (runtime/records/schema.h): a base FieldId or a pack's field.
Value FieldValue(const OpContext& ctx, FieldId field, Value record, uint32_t pc);
Value GenericField(const OpContext& ctx, uint16_t id, const Value& record, uint32_t pc);
Value ListElement(const OpContext& ctx, const Value& list, uint32_t index);
Value TableLookup(const Program& program, uint16_t table, Value key, uint32_t pc);
Value TableColumn(const Program& program, uint16_t column, Value row, uint32_t pc);
Value TableHasKey(const Program& program, uint16_t table, Value key);
Value MapGet(const OpContext& ctx, Value map, Value key, uint32_t pc);
Value HasMapKey(const OpContext& ctx, Value key, Value map);
Value InCodeset(const Codeset& codeset, Value code);
Value InList(const OpContext& ctx, Value x, Value list);
// Eq, Ne, Lt, Le, Gt, Ge.
Value CompareOp(Op op, Value a, Value b, uint32_t pc);

// The same for two values of one kind held as an int64 (ints, dates, decimals); callers check
// the tags.
inline bool CompareInts(Op op, int64_t a, int64_t b) {
  switch (op) {
    case Op::Eq:
      return a == b;
    case Op::Ne:
      return a != b;
    case Op::Lt:
      return a < b;
    case Op::Le:
      return a <= b;
    case Op::Gt:
      return a > b;
    default:
      return a >= b;
  }
}

Value Negate(Value a, uint32_t pc);
// Add, Sub, Mul, Div.
Value Arithmetic(Op op, Value a, Value b, uint32_t pc);
// dir: a WindowSide (runtime/core/value.h).
// `date` moved by `duration` times `sign` (calendar months and years clamp to the month's end).
Value ShiftDate(Value date, Value duration, int64_t sign, uint32_t pc);
Value WithinOp(Value d, Value duration, Value anchor, uint8_t dir, uint32_t pc);
// `args` points at the builtin's arity arguments.
Value CallBuiltin(const OpContext& ctx, BuiltinId id, const Value* args, uint32_t pc);
// AccSum, AccMin, AccMax, AccLatest, AccEarliest: fold element `x` into `acc` when `p` holds.
void Accumulate(const OpContext& ctx, Op op, Value& acc, Value p, Value x, uint32_t pc);

}  // namespace warrant
