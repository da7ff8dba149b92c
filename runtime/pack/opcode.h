// The instruction set, generated from runtime/pack/opcodes.def: the Op enum, each opcode's row
// (operands and what they name, stack effect, control flow, tracing, size, spelling), decoding
// and assembling. Everything that needs an opcode fact reads it here; nothing restates one.
// Knows nothing of what instructions do (runtime/vm/) or whether a program is sound
// (runtime/pack/verify.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "runtime/pack/builtins.h"

namespace warrant {

enum class Op : uint8_t {
#define WARRANT_OP(Name, Mnemonic, AWidth, AKind, BWidth, BKind, Pops, Pushes, Flow, Trace, Doc) \
  Name,
#include "runtime/pack/opcodes.def"
};

inline constexpr size_t kOpCount = 0
#define WARRANT_OP(Name, Mnemonic, AWidth, AKind, BWidth, BKind, Pops, Pushes, Flow, Trace, Doc) +1
#include "runtime/pack/opcodes.def"
    ;
static_assert(kOpCount <= 256, "opcodes are one byte");

// An operand's bytes in the code, little-endian: I32 is signed, the others unsigned.
enum class Width : uint8_t { None, U8, U16, I32 };

constexpr uint8_t WidthBytes(Width width) {
  constexpr uint8_t kBytes[] = {0, 1, 2, 4};
  return kBytes[static_cast<size_t>(width)];
}

// What an operand names (the WARRANT_OPERAND rows of opcodes.def).
enum class OperandKind : uint8_t {
#define WARRANT_OPERAND(Kind, Noun, SlotsUsed, WritesFrom, WritesTo, Meaning) Kind,
#include "runtime/pack/opcodes.def"
};

struct OperandKindInfo {
  const char* name;   // "Codeset"
  const char* noun;   // "codeset", as messages count it
  int8_t slots_used;  // slot operands: slots a .. a + slots_used must exist; -1: not a slot
  int8_t writes_from;
  int8_t writes_to;  // slots a + writes_from .. a + writes_to are written (none if to < from)
  const char* meaning;
};

inline constexpr OperandKindInfo kOperandKindInfos[] = {
#define WARRANT_OPERAND(Kind, Noun, SlotsUsed, WritesFrom, WritesTo, Meaning) \
  {#Kind, Noun, SlotsUsed, WritesFrom, WritesTo, Meaning},
#include "runtime/pack/opcodes.def"
};

constexpr const OperandKindInfo& Info(OperandKind kind) {
  return kOperandKindInfos[static_cast<size_t>(kind)];
}

struct Operand {
  Width width = Width::None;
  OperandKind kind = OperandKind::None;
};

// How control leaves an instruction: Next falls through; Jump always goes to its target;
// Branch falls through or goes to its target; Return ends the code (Applies counts as Next: the
// rule goes on when it applies).
enum class Flow : uint8_t { Next, Jump, Branch, Return };

// What the traced VM reports for an instruction (runtime/vm/trace.h): its stack inputs and
// result (Step), a step it reports itself (Own), the condition it consumes (Condition), or
// nothing (No).
enum class TraceKind : uint8_t { No, Step, Own, Condition };

// The Pops of `call`: the arity of its builtin (runtime/pack/builtins.h).
inline constexpr int8_t kPopsArity = -1;

struct OpInfo {
  const char* mnemonic;
  std::array<Operand, 2> operands;  // in encoding order; unused ones are Width::None
  int8_t pops;                      // kPopsArity for Call
  int8_t pushes;
  Flow flow;
  TraceKind trace;
  uint8_t size;  // the opcode byte plus its operands
  const char* doc;
};

inline constexpr std::array<OpInfo, kOpCount> kOpInfos = [] {
  [[maybe_unused]] constexpr int8_t Arity = kPopsArity;  // the Pops column's word for Call
  return std::array<OpInfo, kOpCount>{{
#define WARRANT_OP(Name, Mnemonic, AW, AK, BW, BK, Pops, Pushes, F, T, Doc) \
  {Mnemonic,                                                                \
   {{{Width::AW, OperandKind::AK}, {Width::BW, OperandKind::BK}}},          \
   Pops,                                                                    \
   Pushes,                                                                  \
   Flow::F,                                                                 \
   TraceKind::T,                                                            \
   static_cast<uint8_t>(1 + WidthBytes(Width::AW) + WidthBytes(Width::BW)), \
   Doc},
#include "runtime/pack/opcodes.def"
  }};
}();

// The row of `op`. An `op` outside the table (a corrupt byte cast to Op) gets a row with
// mnemonic "?", no operands and size 1; DecodeAt rejects such bytes.
inline constexpr OpInfo kNotAnOp = {"?", {}, 0, 0, Flow::Next, TraceKind::No, 1, ""};

constexpr const OpInfo& Info(Op op) {
  const auto index = static_cast<size_t>(op);
  return index < kOpCount ? kOpInfos[index] : kNotAnOp;
}

// How many values `op` pops; `a` is its first operand, which for Call names the builtin whose
// arity it pops.
constexpr int StackPops(Op op, int64_t a = 0) {
  const int8_t pops = Info(op).pops;
  return pops == kPopsArity ? BuiltinArity(static_cast<BuiltinId>(a)) : pops;
}

constexpr int StackPushes(Op op) {
  return Info(op).pushes;
}

constexpr Flow FlowOf(Op op) {
  return Info(op).flow;
}

// The comparisons Eq..Ge (contiguous in opcodes.def), and what explanations and checks do with
// them: the opposite test (`!(a < b)` is `a >= b`; for the ordered ones only when both sides are
// known) and the same test with its sides swapped (`a < b` is `b > a`).
constexpr bool IsComparison(Op op) {
  return op >= Op::Eq && op <= Op::Ge;
}

constexpr Op NegatedComparison(Op op) {
  constexpr Op kNegated[] = {Op::Ne, Op::Eq, Op::Ge, Op::Gt, Op::Le, Op::Lt};
  return IsComparison(op) ? kNegated[static_cast<size_t>(op) - static_cast<size_t>(Op::Eq)] : op;
}

constexpr Op MirroredComparison(Op op) {
  constexpr Op kMirrored[] = {Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le};
  return IsComparison(op) ? kMirrored[static_cast<size_t>(op) - static_cast<size_t>(Op::Eq)] : op;
}

static_assert(static_cast<int>(Op::Ge) - static_cast<int>(Op::Eq) == 5 &&
                  NegatedComparison(Op::Lt) == Op::Ge && MirroredComparison(Op::Le) == Op::Ge,
              "the comparisons are Eq, Ne, Lt, Le, Gt, Ge in opcodes.def");

// One decoded instruction. `a` is the first operand, `b` the second (U8/U16 zero-extended, I32
// sign-extended). A Target operand is an offset relative to the end of the instruction.
struct Instruction {
  Op op = Op::Return;
  int64_t a = 0;
  int64_t b = 0;
  uint8_t size = 1;

  // The absolute target of a Jump/Branch at `pc` (may be out of the code: check it).
  int64_t Target(uint32_t pc) const;
};

// The instruction at `pc`, or nullopt when `pc` is past the end, the opcode byte is not in the
// table, or the operands run past the end of `code`. Never reads outside `code`.
std::optional<Instruction> DecodeAt(std::span<const uint8_t> code, size_t pc);

// Appends `op` and its operands, little-endian, each truncated to its width (the caller range-
// checks). `a` and `b` as in Instruction. The assembler of the code generator and the tests.
void AppendInstruction(std::vector<uint8_t>& code, Op op, int64_t a = 0, int64_t b = 0);

// Points the Target operand of the instruction at `at` (already appended) to `target`.
void SetTarget(std::vector<uint8_t>& code, size_t at, size_t target);

}  // namespace warrant
