#include "runtime/pack/verify.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "runtime/pack/builtins.h"
#include "runtime/records/schema.h"

namespace warrant {
namespace {

std::string Hex(int64_t pc) {
  return pc < 0 ? fmt::format("-0x{:04x}", 0 - static_cast<uint64_t>(pc))
                : fmt::format("0x{:04x}", pc);
}

bool IsConstantTag(Tag tag) {
  switch (tag) {
    case Tag::None:
    case Tag::Bool:
    case Tag::Int:
    case Tag::Decimal:
    case Tag::String:
    case Tag::Date:
    case Tag::Duration:
    case Tag::Code:
    case Tag::List:
      return true;
    case Tag::Unknown:
    case Tag::Record:
      return false;
  }
  return false;  // a byte outside the enum
}

// A stretch of code the VM runs from its first byte to a `return`: a rule, or a reason's
// `group X when E` condition (which leaves its value on the stack and makes no findings).
struct Region {
  std::string what;  // "rule `frequency`", "reason `ga` condition"
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t slots = 0;
  uint32_t max_stack = 0;
  bool is_condition = false;
};

class Verifier {
 public:
  explicit Verifier(const Program& program) : p_(program) {}

  std::string Run() {
    // Tables first: the code checks below index them by size only, but messages about code are
    // clearer once the things it refers to are known to be sound.
    CheckConstants() && CheckTables() && CheckSpans() && CheckPolicies() && CheckRules() &&
        CheckOutcomes() && CheckCode();
    return error_;
  }

 private:
  bool Fail(std::string message) {
    if (error_.empty())
      error_ = std::move(message);
    return false;
  }

  bool InSource(uint32_t file, uint32_t begin, uint32_t end) const {
    return file < p_.sources.size() && begin <= end && end <= p_.sources[file].text.size();
  }

  bool CheckConstant(const std::string& what, const Constant& c) {
    if (!IsConstantTag(c.tag)) {
      return Fail(fmt::format("{}: tag {} is not a constant's", what, static_cast<int>(c.tag)));
    }
    if (c.tag == Tag::Bool && c.i != 0 && c.i != 1) {
      return Fail(fmt::format("{}: bool value {} is not 0 or 1", what, c.i));
    }
    if (c.tag == Tag::Duration && c.sub > static_cast<uint8_t>(DurationUnit::Years)) {
      return Fail(fmt::format("{}: duration unit {} does not exist", what, c.sub));
    }
    if (c.tag == Tag::Date && (c.i < kMinDay || c.i > kMaxDay)) {
      return Fail(fmt::format("{}: date {} is outside 0001-01-01 .. 9999-12-31", what, c.i));
    }
    if (c.tag != Tag::List)
      return true;
    for (uint32_t item : c.items) {
      // List literals hold scalars; refusing nested lists also rules out cycles.
      if (item >= p_.constants.size()) {
        return Fail(fmt::format("{}: list item {} is out of range ({} constants)", what, item,
                                p_.constants.size()));
      }
      if (p_.constants[item].tag == Tag::List) {
        return Fail(fmt::format("{}: list item {} is itself a list", what, item));
      }
    }
    return true;
  }

  bool CheckConstants() {
    for (size_t k = 0; k < p_.constants.size(); ++k) {
      if (!CheckConstant(fmt::format("constant {}", k), p_.constants[k]))
        return false;
    }
    if (p_.codeset_names.size() != p_.codesets.size()) {
      return Fail(fmt::format("{} codeset names for {} codesets", p_.codeset_names.size(),
                              p_.codesets.size()));
    }
    return true;
  }

  bool CheckTables() {
    for (const TableData& t : p_.tables) {
      const std::string what = fmt::format("table `{}`", t.name);
      // Lookups binary-search the keys: strictly ascending, so each key has one row.
      const auto ascending = [&](const auto& keys) {
        for (size_t k = 1; k < keys.size(); ++k) {
          if (!(keys[k - 1] < keys[k])) {
            return Fail(
                fmt::format("{}: keys {} and {} are not in ascending order", what, k - 1, k));
          }
        }
        return true;
      };
      size_t rows = 0;
      if (t.key_tag == Tag::String) {
        if (!t.int_keys.empty())
          return Fail(what + ": string-keyed but has int keys");
        if (!ascending(t.string_keys))
          return false;
        rows = t.string_keys.size();
      } else if (t.key_tag == Tag::Int || t.key_tag == Tag::Code) {
        if (!t.string_keys.empty())
          return Fail(what + ": int-keyed but has string keys");
        if (!ascending(t.int_keys))
          return false;
        rows = t.int_keys.size();
      } else {
        return Fail(fmt::format("{}: key tag {} is not int, code or string", what,
                                static_cast<int>(t.key_tag)));
      }
      if (t.columns.empty())
        return Fail(what + ": has no columns");
      // Both factors fit in 32 bits (the pack format's counts), so the product fits in 64.
      if (uint64_t{rows} * t.columns.size() != t.cells.size()) {
        return Fail(fmt::format("{}: {} cells for {} rows x {} columns", what, t.cells.size(), rows,
                                t.columns.size()));
      }
      for (size_t k = 0; k < t.cells.size(); ++k) {
        if (!CheckConstant(fmt::format("{} cell {}", what, k), t.cells[k]))
          return false;
      }
      max_columns_ = std::max(max_columns_, t.columns.size());
    }
    return true;
  }

  bool CheckSpans() {
    for (size_t k = 0; k < p_.spans.size(); ++k) {
      const SpanEntry& s = p_.spans[k];
      if (s.pc >= p_.code.size()) {
        return Fail(fmt::format("span {}: pc {} is outside the code ({} bytes)", k, Hex(s.pc),
                                p_.code.size()));
      }
      if (k > 0 && s.pc < p_.spans[k - 1].pc) {
        return Fail(fmt::format("span {}: pc {} comes after pc {}; spans are sorted by pc", k,
                                Hex(s.pc), Hex(p_.spans[k - 1].pc)));
      }
      if (!InSource(s.file, s.begin, s.end)) {
        return Fail(fmt::format("span {}: bytes {}..{} of file {} are not in a source", k, s.begin,
                                s.end, s.file));
      }
    }
    return true;
  }

  bool CheckPolicies() {
    for (size_t k = 0; k < p_.policies.size(); ++k) {
      const PolicyData& policy = p_.policies[k];
      const std::string what = fmt::format("policy \"{}\" version {}", policy.id, policy.version);
      if (policy.from > policy.until || policy.from < kMinDay || policy.until > kMaxDay) {
        return Fail(what + ": its effective range is empty or outside the calendar");
      }
      if (policy.file >= p_.sources.size()) {
        return Fail(fmt::format("{}: file {} is not a source", what, policy.file));
      }
      if (uint64_t{policy.first_rule} + policy.rule_count > p_.rules.size()) {
        return Fail(fmt::format("{}: rules {}..{} are out of range ({} rules)", what,
                                policy.first_rule, uint64_t{policy.first_rule} + policy.rule_count,
                                p_.rules.size()));
      }
      for (uint32_t r = policy.first_rule; r < policy.first_rule + policy.rule_count; ++r) {
        if (p_.rules[r].policy != k) {
          return Fail(fmt::format("{}: its rule {} (`{}`) belongs to policy {}", what, r,
                                  p_.rules[r].name, p_.rules[r].policy));
        }
      }
      if (k > 0) {
        const PolicyData& before = p_.policies[k - 1];
        if (before.id > policy.id || (before.id == policy.id && before.from > policy.from)) {
          return Fail(what + ": policies are not sorted by id, then effective date");
        }
      }
    }
    return true;
  }

  bool CheckRules() {
    for (size_t k = 0; k < p_.rules.size(); ++k) {
      const RuleData& rule = p_.rules[k];
      const std::string what = fmt::format("rule `{}`", rule.name);
      if (rule.policy >= p_.policies.size()) {
        return Fail(fmt::format("{}: policy {} is out of range ({} policies)", what, rule.policy,
                                p_.policies.size()));
      }
      const PolicyData& policy = p_.policies[rule.policy];
      if (k < policy.first_rule || k - policy.first_rule >= policy.rule_count) {
        return Fail(fmt::format("{}: it is not in its policy's rule range", what));
      }
      if (rule.from > rule.until || rule.from < kMinDay || rule.until > kMaxDay) {
        return Fail(what + ": its effective range is empty or outside the calendar");
      }
      if (!InSource(rule.file, rule.begin, rule.end)) {
        return Fail(fmt::format("{}: bytes {}..{} of file {} are not in a source", what, rule.begin,
                                rule.end, rule.file));
      }
      if (rule.index_codeset != kNoIndex && rule.index_codeset >= p_.codesets.size()) {
        return Fail(fmt::format("{}: index codeset {} is out of range ({} codesets)", what,
                                rule.index_codeset, p_.codesets.size()));
      }
    }
    return true;
  }

  bool CheckOutcomes() {
    for (size_t k = 0; k < p_.outcomes.size(); ++k) {
      const OutcomeData& o = p_.outcomes[k];
      const std::string what = fmt::format("outcome {}", k);
      if (!IsOutcomeKind(o.kind) || !IsOutcomeKind(o.unknown_kind)) {
        return Fail(what + ": not an outcome kind");
      }
      for (uint32_t reason : {o.reason, o.unknown_reason}) {
        if (reason != kNoIndex && reason >= p_.reasons.size()) {
          return Fail(fmt::format("{}: reason {} is out of range ({} reasons)", what, reason,
                                  p_.reasons.size()));
        }
      }
      if (o.rule >= p_.rules.size()) {
        return Fail(
            fmt::format("{}: rule {} is out of range ({} rules)", what, o.rule, p_.rules.size()));
      }
      if (!InSource(o.file, o.begin, o.end)) {
        return Fail(fmt::format("{}: bytes {}..{} of file {} are not in a source", what, o.begin,
                                o.end, o.file));
      }
    }
    return true;
  }

  bool CheckCode() {
    for (const RuleData& rule : p_.rules) {
      Region region{fmt::format("rule `{}`", rule.name),
                    rule.applies_code,
                    rule.code_end,
                    rule.slots,
                    rule.max_stack,
                    false};
      if (!CheckRegion(region))
        return false;
    }
    for (const ReasonData& reason : p_.reasons) {
      if (reason.alt_code == kNoIndex)
        continue;
      Region region{fmt::format("reason `{}` condition", reason.name),
                    reason.alt_code,
                    reason.alt_code_end,
                    reason.alt_slots,
                    reason.alt_max_stack,
                    true};
      if (!CheckRegion(region))
        return false;
    }
    return true;
  }

  bool CheckIndex(const Region& region, uint32_t pc, const Instruction& ins, int64_t value,
                  OperandKind kind, size_t count) {
    if (static_cast<uint64_t>(value) < count)
      return true;
    return Fail(fmt::format("{}: `{}` at {} uses {} {}, but there are {}", region.what,
                            Info(ins.op).mnemonic, Hex(pc), Info(kind).noun, value, count));
  }

  // Slots a .. a + extra must exist: loops use a triple (list, index, element).
  bool CheckSlots(const Region& region, uint32_t pc, const Instruction& ins, int64_t a, int extra) {
    if (a + extra < region.slots)
      return true;
    const std::string slots =
        extra == 0 ? fmt::format("slot {}", a) : fmt::format("slots {}..{}", a, a + extra);
    return Fail(fmt::format("{}: `{}` at {} uses {}, but it has {} slots", region.what,
                            Info(ins.op).mnemonic, Hex(pc), slots, region.slots));
  }

  // What an operand names exists. Targets are checked with the control flow (CheckRegion).
  bool CheckOperand(const Region& region, uint32_t pc, const Instruction& ins, OperandKind kind,
                    int64_t value) {
    switch (kind) {
      case OperandKind::None:
      case OperandKind::Int:
      case OperandKind::Target:
        return true;
      case OperandKind::Slot:
      case OperandKind::SlotOut:
      case OperandKind::LoopStart:
      case OperandKind::Loop:
      case OperandKind::Accumulator:
        return CheckSlots(region, pc, ins, value, Info(kind).slots_used);
      case OperandKind::Constant:
        return CheckIndex(region, pc, ins, value, kind, p_.constants.size());
      case OperandKind::List:
        if (!CheckIndex(region, pc, ins, value, kind, p_.constants.size()))
          return false;
        if (p_.constants[value].tag != Tag::List) {
          return Fail(fmt::format("{}: `{}` at {} uses constant {}, which is not a list",
                                  region.what, Info(ins.op).mnemonic, Hex(pc), value));
        }
        return true;
      case OperandKind::Window:
        return CheckIndex(region, pc, ins, value, kind, std::size(kWindowSideNames));
      case OperandKind::Scope:
        return CheckIndex(region, pc, ins, value, kind, static_cast<size_t>(ScopeId::kCount));
      case OperandKind::Field:
        return CheckIndex(region, pc, ins, value, kind, p_.schema.fields().size());
      case OperandKind::Fact:
        return CheckIndex(region, pc, ins, value, kind, p_.schema.facts().size());
      case OperandKind::Table:
        return CheckIndex(region, pc, ins, value, kind, p_.tables.size());
      case OperandKind::Column:
        // Which table the row comes from is known only at run time; the VM checks the column
        // against it. Here: some table has that column.
        return CheckIndex(region, pc, ins, value, kind, max_columns_);
      case OperandKind::Codeset:
        return CheckIndex(region, pc, ins, value, kind, p_.codesets.size());
      case OperandKind::Builtin:
        return CheckIndex(region, pc, ins, value, kind, static_cast<size_t>(BuiltinId::kCount));
      case OperandKind::Outcome:
        if (region.is_condition) {
          return Fail(fmt::format("{}: `{}` at {}: a condition cannot make findings", region.what,
                                  Info(ins.op).mnemonic, Hex(pc)));
        }
        return CheckIndex(region, pc, ins, value, kind, p_.outcomes.size());
    }
    return true;
  }

  bool CheckOperands(const Region& region, uint32_t pc, const Instruction& ins) {
    const OpInfo& info = Info(ins.op);
    return CheckOperand(region, pc, ins, info.operands[0].kind, ins.a) &&
           CheckOperand(region, pc, ins, info.operands[1].kind, ins.b);
  }

  // Decodes the region front to back (every instruction, reachable or not, must decode and
  // have valid operands), then follows every path from its start tracking the stack depth.
  bool CheckRegion(const Region& region) {
    if (region.begin >= region.end || region.end > p_.code.size()) {
      return Fail(fmt::format("{}: its code {}..{} is empty or outside the code ({} bytes)",
                              region.what, Hex(region.begin), Hex(region.end), p_.code.size()));
    }
    // Decoding against the region's end means an instruction cannot straddle it.
    const std::span<const uint8_t> code = std::span<const uint8_t>(p_.code).first(region.end);
    const uint32_t length = region.end - region.begin;
    std::vector<uint8_t> is_start(length, 0);
    uint32_t last = region.begin;
    for (uint32_t pc = region.begin; pc < region.end;) {
      if (code[pc] >= kOpCount) {
        return Fail(fmt::format("{}: byte 0x{:02x} at {} is not an opcode", region.what, code[pc],
                                Hex(pc)));
      }
      const std::optional<Instruction> ins = DecodeAt(code, pc);
      if (!ins) {
        return Fail(fmt::format("{}: `{}` at {} runs past the end of its code ({})", region.what,
                                Info(static_cast<Op>(code[pc])).mnemonic, Hex(pc),
                                Hex(region.end)));
      }
      if (!CheckOperands(region, pc, *ins))
        return false;
      is_start[pc - region.begin] = 1;
      last = pc;
      pc += ins->size;
    }
    if (static_cast<Op>(code[last]) != Op::Return) {
      return Fail(fmt::format("{}: does not end in `return` (its last instruction, at {}, is `{}`)",
                              region.what, Hex(last), Info(static_cast<Op>(code[last])).mnemonic));
    }
    for (uint32_t pc = region.begin; pc < region.end; ++pc) {
      if (!is_start[pc - region.begin])
        continue;
      const Instruction ins = *DecodeAt(code, pc);
      const Flow flow = FlowOf(ins.op);
      if (flow != Flow::Jump && flow != Flow::Branch)
        continue;
      const int64_t target = ins.Target(pc);
      if (target < region.begin || target >= region.end) {
        return Fail(fmt::format("{}: jump at {} (`{}`) leaves its code (target {}, code {}..{})",
                                region.what, Hex(pc), Info(ins.op).mnemonic, Hex(target),
                                Hex(region.begin), Hex(region.end)));
      }
      if (!is_start[target - region.begin]) {
        return Fail(fmt::format("{}: jump at {} (`{}`) lands inside an instruction ({})",
                                region.what, Hex(pc), Info(ins.op).mnemonic, Hex(target)));
      }
    }
    return CheckLoops(region, code, is_start) && CheckStack(region, code);
  }

  // A loop as the code generator lowers a quantifier:
  //   iter_start s; head: iter_next s, exit; <body>; back: jump head; exit:
  struct Loop {
    uint32_t head = 0;  // the iter_next
    uint32_t back = 0;  // the jump that closes the loop
    uint8_t slot = 0;   // s: s holds the list, s + 1 the index, s + 2 the element
  };

  static bool IsAccumulate(Op op) {
    switch (op) {
      case Op::AccAny:
      case Op::AccAll:
      case Op::AccCount:
      case Op::AccSum:
      case Op::AccMin:
      case Op::AccMax:
      case Op::AccLatest:
      case Op::AccEarliest:
        return true;
      default:
        return false;
    }
  }

  // The slots an instruction writes, as [first, last]; none when last < first.
  static std::pair<int, int> WrittenSlots(const Instruction& ins) {
    const OpInfo& info = Info(ins.op);
    const int64_t values[] = {ins.a, ins.b};
    for (size_t k = 0; k < info.operands.size(); ++k) {
      const OperandKindInfo& kind = Info(info.operands[k].kind);
      if (kind.writes_from <= kind.writes_to) {
        const int a = static_cast<int>(values[k]);
        return {a + kind.writes_from, a + kind.writes_to};
      }
    }
    return {0, -1};
  }

  // Termination: the only backward jump allowed closes a loop of the shape above; loops nest
  // properly and are entered only through their `iter_start`; no jump enters or leaves a loop's
  // body except its `iter_next` exit; and nothing in the body writes the loop's list or index.
  // (Also here, though not for termination: each accumulator sits just below its loop's slots.)
  // So each pass through a loop's head consumes one element of a list that cannot change, and
  // every run of the region ends. (Branches are forward; a cycle needs a backward edge.)
  bool CheckLoops(const Region& region, std::span<const uint8_t> code,
                  const std::vector<uint8_t>& is_start) {
    std::vector<Loop> loops;
    uint32_t previous = kNoIndex;
    for (uint32_t pc = region.begin; pc < region.end; ++pc) {
      if (!is_start[pc - region.begin])
        continue;
      const Instruction ins = *DecodeAt(code, pc);
      const uint32_t before = previous;
      previous = pc;
      if (ins.op == Op::IterNext) {
        const Instruction start = before == kNoIndex ? Instruction{} : *DecodeAt(code, before);
        if (before == kNoIndex || start.op != Op::IterStart || start.a != ins.a) {
          return Fail(
              fmt::format("{}: `iter_next` at {} does not follow an `iter_start` of slot {}",
                          region.what, Hex(pc), ins.a));
        }
      }
      const Flow flow = FlowOf(ins.op);
      if ((flow != Flow::Jump && flow != Flow::Branch) || ins.Target(pc) > pc)
        continue;
      const auto head = static_cast<uint32_t>(ins.Target(pc));
      const Instruction next = *DecodeAt(code, head);
      if (ins.op != Op::Jump || next.op != Op::IterNext ||
          next.Target(head) != static_cast<int64_t>(pc) + ins.size) {
        return Fail(fmt::format(
            "{}: backward jump at {} (`{}`) to {} is not a loop's closing jump (a `jump` back to "
            "an `iter_next` that exits just after it)",
            region.what, Hex(pc), Info(ins.op).mnemonic, Hex(head)));
      }
      loops.push_back(Loop{head, pc, static_cast<uint8_t>(next.a)});
    }
    std::sort(loops.begin(), loops.end(),
              [](const Loop& x, const Loop& y) { return x.head < y.head; });

    // One sweep: the innermost loop around each instruction, and the slots the loops around it
    // protect. Loops found by their back jumps; each head has at most one (its exit is unique).
    constexpr uint32_t kOutside = kNoIndex;
    std::vector<uint32_t> innermost(region.end - region.begin, kOutside);
    std::vector<uint32_t> open;  // indexes into `loops`, outermost first
    std::array<uint32_t, 258> protect{};
    size_t next_loop = 0;
    for (uint32_t pc = region.begin; pc < region.end; ++pc) {
      if (!is_start[pc - region.begin])
        continue;
      while (!open.empty() && loops[open.back()].back < pc) {
        const Loop& done = loops[open.back()];
        --protect[done.slot];
        --protect[done.slot + 1];
        open.pop_back();
      }
      const Instruction ins = *DecodeAt(code, pc);
      const auto [first, last] = WrittenSlots(ins);
      for (int s = std::max(first, 0); s <= last; ++s) {
        if (protect[static_cast<size_t>(s)] != 0) {
          return Fail(
              fmt::format("{}: `{}` at {} writes slot {}, the list or index of a loop it "
                          "is inside",
                          region.what, Info(ins.op).mnemonic, Hex(pc), s));
        }
      }
      if (IsAccumulate(ins.op) && (open.empty() || loops[open.back()].slot != ins.a + 1)) {
        // The trace names the element an accumulator took from slots acc + 2 and acc + 3: they
        // must be the index and element of the loop it is in, set on this run of the rule.
        return Fail(fmt::format(
            "{}: `{}` at {} accumulates into slot {}, but {}; an accumulator sits in the slot "
            "just below its loop's",
            region.what, Info(ins.op).mnemonic, Hex(pc), ins.a,
            open.empty()
                ? std::string("it is not inside a loop")
                : fmt::format("the loop around it starts at slot {}", loops[open.back()].slot)));
      }
      if (next_loop < loops.size() && loops[next_loop].head == pc) {
        const Loop& loop = loops[next_loop];
        if (!open.empty() && loops[open.back()].back < loop.back) {
          return Fail(fmt::format("{}: the loops at {} and {} overlap without nesting", region.what,
                                  Hex(loops[open.back()].head), Hex(loop.head)));
        }
        ++protect[loop.slot];
        ++protect[loop.slot + 1];
        open.push_back(static_cast<uint32_t>(next_loop));
        ++next_loop;
      } else if (ins.op == Op::IterNext) {
        return Fail(fmt::format("{}: `iter_next` at {} has no closing jump", region.what, Hex(pc)));
      }
      innermost[pc - region.begin] = open.empty() ? kOutside : open.back();
    }

    // Forward jumps and branches stay in their own loop body (or outside all loops).
    for (uint32_t pc = region.begin; pc < region.end; ++pc) {
      if (!is_start[pc - region.begin])
        continue;
      const Instruction ins = *DecodeAt(code, pc);
      const Flow flow = FlowOf(ins.op);
      if ((flow != Flow::Jump && flow != Flow::Branch) || ins.op == Op::IterNext ||
          ins.Target(pc) <= pc) {
        continue;
      }
      const auto target = static_cast<uint32_t>(ins.Target(pc));
      const uint32_t from = innermost[pc - region.begin];
      if (from != innermost[target - region.begin] ||
          (from != kOutside && target == loops[from].head)) {
        return Fail(fmt::format("{}: jump at {} (`{}`) to {} crosses the boundary of a loop",
                                region.what, Hex(pc), Info(ins.op).mnemonic, Hex(target)));
      }
    }
    return true;
  }

  // Abstract interpretation over stack depths: every instruction is reached with one depth
  // whatever the path (so loops are balanced), pops no more than is there, and stays within
  // max_stack. Each instruction is visited once: its depth is fixed the first time it is seen.
  bool CheckStack(const Region& region, std::span<const uint8_t> code) {
    std::vector<int32_t> depth(region.end - region.begin, -1);
    std::vector<uint32_t> work = {region.begin};
    depth[0] = 0;
    while (!work.empty()) {
      const uint32_t pc = work.back();
      work.pop_back();
      const Instruction ins = *DecodeAt(code, pc);
      const OpInfo& info = Info(ins.op);
      const int32_t here = depth[pc - region.begin];
      const int32_t pops = StackPops(ins.op, ins.a);
      const int32_t pushes = StackPushes(ins.op);
      if (here < pops) {
        return Fail(fmt::format("{}: stack underflow at {}: `{}` pops {}, the stack holds {}",
                                region.what, Hex(pc), info.mnemonic, pops, here));
      }
      const int32_t after = here - pops + pushes;
      if (after > static_cast<int32_t>(region.max_stack)) {
        return Fail(fmt::format("{}: stack depth {} after `{}` at {} exceeds its max_stack {}",
                                region.what, after, info.mnemonic, Hex(pc), region.max_stack));
      }
      const Flow flow = FlowOf(ins.op);
      if (flow == Flow::Return) {
        if (region.is_condition && after < 1) {
          return Fail(
              fmt::format("{}: returns at {} with no value on the stack", region.what, Hex(pc)));
        }
        continue;
      }
      // The last instruction is a `return`, so a fall-through stays inside the region.
      if (flow == Flow::Next || flow == Flow::Branch) {
        if (!Reach(region, pc + ins.size, after, depth, work))
          return false;
      }
      if (flow == Flow::Jump || flow == Flow::Branch) {
        if (!Reach(region, static_cast<uint32_t>(ins.Target(pc)), after, depth, work)) {
          return false;
        }
      }
    }
    return true;
  }

  bool Reach(const Region& region, uint32_t pc, int32_t at_depth, std::vector<int32_t>& depth,
             std::vector<uint32_t>& work) {
    int32_t& known = depth[pc - region.begin];
    if (known < 0) {
      known = at_depth;
      work.push_back(pc);
      return true;
    }
    if (known == at_depth)
      return true;
    return Fail(fmt::format("{}: the stack holds {} values at {} on one path and {} on another",
                            region.what, known, Hex(pc), at_depth));
  }

  const Program& p_;
  std::string error_;
  size_t max_columns_ = 0;
};

}  // namespace

std::string Verify(const Program& program) {
  return Verifier(program).Run();
}

}  // namespace warrant
