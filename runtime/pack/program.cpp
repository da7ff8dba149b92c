#include "runtime/pack/program.h"

#include <algorithm>
#include <string_view>

namespace warrant {
namespace {

constexpr OpInfo kInfos[] = {
#define WARRANT_OP(Name, Mnemonic, Operands, StackDelta, Doc) \
  {Mnemonic, OperandFormat::Operands, StackDelta,             \
   static_cast<uint8_t>(1 + OperandBytes(OperandFormat::Operands)), Doc},
#include "runtime/pack/opcodes.def"
#undef WARRANT_OP
};
static_assert(sizeof(kInfos) / sizeof(kInfos[0]) == kOpCount);

constexpr OpInfo kNotAnOp = {"?", OperandFormat::None, 0, 1, ""};

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
    return notation;  // "pc += a": touches no values
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

// The doc column and the StackDelta column say the same thing twice; a row where they disagree
// would make the verifier's pop counts wrong, so it does not compile.
constexpr bool NotationsAgreeWithDeltas() {
  for (const OpInfo& info : kInfos) {
    const StackNotation notation = ParseNotation(info.doc);
    if (!notation.well_formed || notation.pushes - notation.pops != info.stack_delta) {
      return false;
    }
  }
  return true;
}

static_assert(NotationsAgreeWithDeltas(),
              "opcodes.def: a row's \"[.., x] -> [.., y]\" notation disagrees with its StackDelta");

constexpr int kPops[] = {
#define WARRANT_OP(Name, Mnemonic, Operands, StackDelta, Doc) ParseNotation(Doc).pops,
#include "runtime/pack/opcodes.def"
#undef WARRANT_OP
};

uint64_t ReadLe(std::span<const uint8_t> bytes, size_t at, size_t count) {
  uint64_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = (value << 8) | bytes[at + i];
  return value;
}

void AppendLe(std::vector<uint8_t>& out, uint64_t value, size_t count) {
  for (size_t i = 0; i < count; ++i)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

int64_t SignExtend32(uint64_t value) {
  return static_cast<int32_t>(static_cast<uint32_t>(value));
}

}  // namespace

const OpInfo& Info(Op op) {
  const auto index = static_cast<size_t>(op);
  return index < kOpCount ? kInfos[index] : kNotAnOp;
}

int StackPops(Op op) {
  const auto index = static_cast<size_t>(op);
  return index < kOpCount ? kPops[index] : 0;
}

Flow FlowOf(Op op) {
  switch (op) {
    case Op::Jump:
      return Flow::Jump;
    case Op::JumpIfFalse:
    case Op::JumpIfNotTrue:
    case Op::IterNext:
    case Op::When:
      return Flow::Branch;
    case Op::Return:
      return Flow::Return;
    case Op::PushConst:
    case Op::PushTrue:
    case Op::PushFalse:
    case Op::PushNone:
    case Op::PushInt:
    case Op::Load:
    case Op::Store:
    case Op::Pop:
    case Op::Dup:
    case Op::Scope:
    case Op::Field:
    case Op::Fact:
    case Op::Lookup:
    case Op::Column:
    case Op::HasKey:
    case Op::MapGet:
    case Op::InCodeset:
    case Op::InList:
    case Op::HasMapKey:
    case Op::Not:
    case Op::And:
    case Op::Or:
    case Op::IsNone:
    case Op::IsKnown:
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Neg:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Within:
    case Op::Call:
    case Op::Select:
    case Op::IterStart:
    case Op::AccAny:
    case Op::AccAll:
    case Op::AccCount:
    case Op::AccSum:
    case Op::AccMin:
    case Op::AccMax:
    case Op::AccLatest:
    case Op::AccEarliest:
    case Op::MakeList:
    case Op::Applies:
    case Op::Require:
    case Op::Emit:
      return Flow::Next;
  }
  return Flow::Next;
}

int64_t Instruction::Target(uint32_t pc) const {
  const int64_t offset = Info(op).format == OperandFormat::I32 ? a : b;
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
  const size_t at = pc + 1;
  switch (info.format) {
    case OperandFormat::None:
      break;
    case OperandFormat::U8:
      instruction.a = code[at];
      break;
    case OperandFormat::U16:
      instruction.a = static_cast<int64_t>(ReadLe(code, at, 2));
      break;
    case OperandFormat::I32:
      instruction.a = SignExtend32(ReadLe(code, at, 4));
      break;
    case OperandFormat::U16I32:
      instruction.a = static_cast<int64_t>(ReadLe(code, at, 2));
      instruction.b = SignExtend32(ReadLe(code, at + 2, 4));
      break;
    case OperandFormat::U8I32:
      instruction.a = code[at];
      instruction.b = SignExtend32(ReadLe(code, at + 1, 4));
      break;
  }
  return instruction;
}

void AppendInstruction(std::vector<uint8_t>& code, Op op, int64_t a, int64_t b) {
  code.push_back(static_cast<uint8_t>(op));
  const auto ua = static_cast<uint64_t>(a);
  const auto ub = static_cast<uint64_t>(b);
  switch (Info(op).format) {
    case OperandFormat::None:
      break;
    case OperandFormat::U8:
      AppendLe(code, ua, 1);
      break;
    case OperandFormat::U16:
      AppendLe(code, ua, 2);
      break;
    case OperandFormat::I32:
      AppendLe(code, ua, 4);
      break;
    case OperandFormat::U16I32:
      AppendLe(code, ua, 2);
      AppendLe(code, ub, 4);
      break;
    case OperandFormat::U8I32:
      AppendLe(code, ua, 1);
      AppendLe(code, ub, 4);
      break;
  }
}

std::string Program::HashText() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "sha256:";
  text.reserve(text.size() + 2 * hash.size());
  for (uint8_t byte : hash) {
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0xF]);
  }
  return text;
}

const SpanEntry* Program::SpanAt(uint32_t pc) const {
  // The first entry after `pc`; the one before it covers `pc`.
  auto after = std::upper_bound(spans.begin(), spans.end(), pc,
                                [](uint32_t at, const SpanEntry& entry) { return at < entry.pc; });
  return after == spans.begin() ? nullptr : &*(after - 1);
}

}  // namespace warrant
