// The instruction table (runtime/pack/opcodes.def) and the assembler built on it: operand widths,
// stack effects, jump targets.
#include "runtime/pack/opcode.h"

#include <string>
#include <vector>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("opcode: sizes and stack effects come from the row", "[opcode]") {
  CHECK(Info(Op::PushConst).size == 3);
  CHECK(Info(Op::IterNext).size == 6);
  CHECK(Info(Op::When).size == 7);
  CHECK(Info(Op::When).operands[0].kind == OperandKind::Outcome);
  CHECK(Info(Op::When).operands[1].kind == OperandKind::Target);
  CHECK(Info(Op::InCodeset).operands[0].kind == OperandKind::Codeset);
  CHECK(StackPops(Op::Call, static_cast<int64_t>(BuiltinId::DaysBetween)) == 2);
  CHECK(StackPushes(Op::Call) == 1);
  CHECK(StackPops(Op::Within) == 3);
  CHECK(StackPushes(Op::Store) == 0);
  CHECK(Info(Op::Eq).trace == TraceKind::Step);
  CHECK(Info(Op::Store).trace == TraceKind::Own);
  CHECK(Info(Op::Require).trace == TraceKind::Condition);
  CHECK(Info(Op::Load).trace == TraceKind::No);
  CHECK(std::string(Info(static_cast<Op>(kOpCount)).mnemonic) == "?");
}

TEST_CASE("opcode: SetTarget points a jump's target operand, wherever it is", "[opcode]") {
  std::vector<uint8_t> code;
  AppendInstruction(code, Op::PushTrue);
  const size_t when = code.size();
  AppendInstruction(code, Op::When, 7);
  const size_t next = code.size();
  AppendInstruction(code, Op::IterNext, 2);
  const size_t jump = code.size();
  AppendInstruction(code, Op::Jump);
  AppendInstruction(code, Op::Return);
  SetTarget(code, when, code.size() - 1);
  SetTarget(code, next, code.size() - 1);
  SetTarget(code, jump, next);
  const auto at = [&](size_t pc) { return *DecodeAt(code, pc); };
  CHECK(at(when).a == 7);  // the outcome operand is untouched
  CHECK(at(when).Target(static_cast<uint32_t>(when)) == static_cast<int64_t>(code.size() - 1));
  CHECK(at(next).a == 2);
  CHECK(at(next).Target(static_cast<uint32_t>(next)) == static_cast<int64_t>(code.size() - 1));
  CHECK(at(jump).Target(static_cast<uint32_t>(jump)) == static_cast<int64_t>(next));
  // Not a jump: nothing to point, nothing written.
  const std::vector<uint8_t> before = code;
  SetTarget(code, 0, 5);
  CHECK(code == before);
}

}  // namespace
}  // namespace warrant
