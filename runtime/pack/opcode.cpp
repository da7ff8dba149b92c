#include "runtime/pack/opcode.h"

#include <string_view>

#include "runtime/core/bytes.h"

namespace warrant {
namespace {

// The stack notation that opens a row's doc: "[.., a, b] -> [.., a == b]" pops 2 and pushes 1.
// Items are counted by their commas; brackets nested in an item ("K[a]") are skipped.
struct StackNotation {
  int pops = 0;
  int pushes = 0;
  bool well_formed = true;
};

constexpr StackNotation ParseNotation(std::string_view doc) {
  StackNotation notation;
  if (doc.empty() || doc[0] != '[')
    return notation;  // "pc = target": touches no values
  size_t i = 1;
  for (; i < doc.size() && doc[i] != ']'; ++i) {
    if (doc[i] == ',')
      ++notation.pops;
  }
  const size_t arrow = doc.find("-> [", i);
  if (arrow == std::string_view::npos)
    return {0, 0, false};
  int depth = 0;
  for (size_t j = arrow + 3; j < doc.size(); ++j) {
    if (doc[j] == '[') {
      ++depth;
    } else if (doc[j] == ']') {
      if (--depth == 0)
        return notation;
    } else if (doc[j] == ',' && depth == 1) {
      ++notation.pushes;
    }
  }
  return {0, 0, false};
}

// The doc's notation is what readers of docs/bytecode.md see; a row where it disagrees with the
// Pops and Pushes columns does not compile. (Call's "[.., args]" stands for its arity.)
constexpr bool NotationsAgreeWithColumns() {
  for (const OpInfo& info : kOpInfos) {
    const StackNotation notation = ParseNotation(info.doc);
    if (!notation.well_formed || notation.pushes != info.pushes ||
        (info.pops != kPopsArity && notation.pops != info.pops)) {
      return false;
    }
  }
  return true;
}

static_assert(NotationsAgreeWithColumns(),
              "opcodes.def: a row's \"[.., x] -> [.., y]\" notation disagrees with Pops/Pushes");

// Operands are read and written by their widths alone; the only other rules are that a Target
// is I32 and an instruction has at most one.
constexpr bool OperandsWellFormed() {
  for (const OpInfo& info : kOpInfos) {
    int targets = 0;
    for (const Operand& operand : info.operands) {
      if ((operand.width == Width::None) != (operand.kind == OperandKind::None))
        return false;
      if (operand.kind == OperandKind::Target) {
        ++targets;
        if (operand.width != Width::I32)
          return false;
      }
    }
    const bool jumps = info.flow == Flow::Jump || info.flow == Flow::Branch;
    if (info.operands[0].width == Width::None && info.operands[1].width != Width::None)
      return false;
    if (targets != (jumps ? 1 : 0))
      return false;
  }
  return true;
}

static_assert(OperandsWellFormed(),
              "opcodes.def: an operand without a width (or kind), a Target that is not I32, or a "
              "jump without exactly one Target");

void WriteLe(uint8_t* out, uint64_t value, size_t count) {
  for (size_t i = 0; i < count; ++i)
    out[i] = static_cast<uint8_t>(value >> (8 * i));
}

// The byte offset of the Target operand of `info`'s instruction, from its opcode byte.
size_t TargetOffset(const OpInfo& info) {
  size_t offset = 1;
  for (const Operand& operand : info.operands) {
    if (operand.kind == OperandKind::Target)
      return offset;
    offset += WidthBytes(operand.width);
  }
  return 0;
}

}  // namespace

int64_t Instruction::Target(uint32_t pc) const {
  const OpInfo& info = Info(op);
  const int64_t offset = info.operands[0].kind == OperandKind::Target ? a : b;
  return int64_t{pc} + size + offset;
}

std::optional<Instruction> DecodeAt(std::span<const uint8_t> code, size_t pc) {
  if (pc >= code.size() || code[pc] >= kOpCount)
    return std::nullopt;
  Instruction instruction;
  instruction.op = static_cast<Op>(code[pc]);
  const OpInfo& info = Info(instruction.op);
  instruction.size = info.size;
  if (code.size() - pc < info.size)
    return std::nullopt;
  size_t at = pc + 1;
  int64_t* values[] = {&instruction.a, &instruction.b};
  for (size_t k = 0; k < info.operands.size(); ++k) {
    const Width width = info.operands[k].width;
    const uint64_t raw = ReadLe(code, at, WidthBytes(width));
    *values[k] = width == Width::I32 ? static_cast<int32_t>(static_cast<uint32_t>(raw))
                                     : static_cast<int64_t>(raw);
    at += WidthBytes(width);
  }
  return instruction;
}

void AppendInstruction(std::vector<uint8_t>& code, Op op, int64_t a, int64_t b) {
  const OpInfo& info = Info(op);
  const size_t at = code.size();
  code.resize(at + info.size);
  code[at] = static_cast<uint8_t>(op);
  const int64_t values[] = {a, b};
  size_t offset = at + 1;
  for (size_t k = 0; k < info.operands.size(); ++k) {
    const uint8_t bytes = WidthBytes(info.operands[k].width);
    WriteLe(code.data() + offset, static_cast<uint64_t>(values[k]), bytes);
    offset += bytes;
  }
}

void SetTarget(std::vector<uint8_t>& code, size_t at, size_t target) {
  const OpInfo& info = Info(static_cast<Op>(code[at]));
  const size_t operand_at = TargetOffset(info);
  if (operand_at == 0)
    return;  // not a jump
  const int64_t offset = static_cast<int64_t>(target) - static_cast<int64_t>(at + info.size);
  WriteLe(code.data() + at + operand_at, static_cast<uint64_t>(offset), 4);
}

}  // namespace warrant
