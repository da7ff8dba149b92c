// Recognising fused loops in bytecode and running them. The recogniser reads the loop body as a
// stack of symbolic values (the element, invariants, conjunctions of tests) and gives up at the
// first instruction it has no symbolic form for; the runner computes each test exactly as the
// instruction it replaces would (the same vm_ops functions whenever a value is not the common
// known kind).
#include "runtime/vm/fused_loop.h"

#include <optional>

#include "runtime/pack/opcode.h"

namespace warrant {
namespace {

constexpr uint32_t kMaxInvariantBytes = 15;

// N values left unconstructed: the loop runner's scratch arrays are small but run for every
// loop, and filling them with default Values first would cost as much as the work. Values are
// trivially copyable, so assigning an element starts its life.
template <typename T, size_t N>
struct Scratch {
  union {
    T items[N];
  };

  Scratch() {}

  T& operator[](size_t k) { return items[k]; }
};

// A value on the recogniser's symbolic stack.
struct Item {
  enum class Kind : uint8_t { Element, Invariant, Tests };
  Kind kind = Kind::Invariant;
  // Element: the element, or one of its fields.
  bool has_field = false;
  uint16_t field = 0;
  uint32_t field_pc = 0;
  // Invariant: the code computing it.
  uint32_t begin = 0, end = 0;
  // Tests: a conjunction, tests [first, first + count) of the loop being read.
  uint32_t first = 0, count = 0;
};

class Recogniser {
 public:
  Recogniser(const Program& program, FusedLoops& out)
      : program_(program), code_(program.code), out_(out) {}

  // Tries the loop whose iter_start is at `p` (within a rule ending at `end`).
  std::optional<FusedLoop> Loop(uint32_t p, uint32_t end);

 private:
  bool Op1(uint32_t at, Op op, uint32_t next);
  // Registers invariant `item` as one of the loop's values; its index.
  std::optional<uint8_t> Invariant(const Item& item);
  // `item` as a conjunction of tests (an invariant becomes a Constant test).
  std::optional<Item> AsTests(const Item& item);
  // A conjunction of the one test `test`.
  Item OneTest(const FusedTest& test);

  const Program& program_;
  const std::vector<uint8_t>& code_;
  FusedLoops& out_;
  std::vector<Item> stack_;
  std::vector<FusedTest> tests_;            // the loop being read
  std::vector<FusedInvariant> invariants_;  // the loop being read
  uint8_t slot_ = 0, acc_ = 0;
};

bool Adjacent(const Item& a, const Item& b) {
  return a.kind == Item::Kind::Invariant && b.kind == Item::Kind::Invariant && a.end == b.begin;
}

std::optional<uint8_t> Recogniser::Invariant(const Item& item) {
  // Short code, so that EvalInvariant's fixed stack holds whatever it pushes (an instruction is
  // at least a byte and pushes at most one value).
  if (invariants_.size() >= kMaxFusedInvariants || item.end - item.begin > kMaxInvariantBytes)
    return std::nullopt;
  FusedInvariant inv;
  inv.begin = item.begin;
  inv.end = item.end;
  const auto op = static_cast<Op>(code_[item.begin]);
  if (item.begin + Info(op).size == item.end) {
    switch (op) {
      case Op::PushConst:
      case Op::MakeList:
        inv.is_constant = true;
        inv.constant = ConstantValue(program_, ReadU16(code_.data(), item.begin + 1));
        break;
      case Op::PushInt:
        inv.is_constant = true;
        inv.constant = Value::Int(ReadI32(code_.data(), item.begin + 1));
        break;
      case Op::PushTrue:
      case Op::PushFalse:
        inv.is_constant = true;
        inv.constant = Value::Bool(op == Op::PushTrue);
        break;
      case Op::PushNone:
        inv.is_constant = true;
        inv.constant = Value::None();
        break;
      case Op::Scope:
        inv.is_service_date = code_[item.begin + 1] == static_cast<uint8_t>(ScopeId::service_date);
        break;
      default:
        break;
    }
  }
  invariants_.push_back(inv);
  return static_cast<uint8_t>(invariants_.size() - 1);
}

Item Recogniser::OneTest(const FusedTest& test) {
  tests_.push_back(test);
  Item tests;
  tests.kind = Item::Kind::Tests;
  tests.first = static_cast<uint32_t>(tests_.size() - 1);
  tests.count = 1;
  return tests;
}

std::optional<Item> Recogniser::AsTests(const Item& item) {
  if (item.kind == Item::Kind::Tests)
    return item;
  if (item.kind != Item::Kind::Invariant)
    return std::nullopt;
  auto a = Invariant(item);
  if (!a)
    return std::nullopt;
  FusedTest t;
  t.kind = FusedTest::Kind::Constant;
  t.a = *a;
  return OneTest(t);
}

// One body instruction at `at` (the next one at `next`); false when it has no symbolic form.
bool Recogniser::Op1(uint32_t at, Op op, uint32_t next) {
  auto invariant = [&] {
    Item item;
    item.kind = Item::Kind::Invariant;
    item.begin = at;
    item.end = next;
    stack_.push_back(item);
    return true;
  };
  // An instruction over invariants only is one: it extends their code to include itself.
  auto fold = [&](size_t pops) {
    if (stack_.size() < pops)
      return false;
    const size_t base = stack_.size() - pops;
    for (size_t k = base; k < stack_.size(); ++k) {
      if (stack_[k].kind != Item::Kind::Invariant)
        return false;
      if (k > base && !Adjacent(stack_[k - 1], stack_[k]))
        return false;
    }
    if (stack_.back().end != at)
      return false;
    Item merged = stack_[base];
    merged.end = next;
    stack_.resize(base);
    stack_.push_back(merged);
    return true;
  };
  auto element_top = [&](size_t depth) {
    return stack_.size() > depth && stack_[stack_.size() - 1 - depth].kind == Item::Kind::Element;
  };
  switch (op) {
    case Op::PushConst:
    case Op::PushTrue:
    case Op::PushFalse:
    case Op::PushNone:
    case Op::PushInt:
    case Op::MakeList:
    case Op::Scope:
    case Op::Fact:
      return invariant();
    case Op::Load: {
      const uint8_t k = code_[at + 1];
      if (k == static_cast<uint8_t>(slot_ + 2)) {
        Item item;
        item.kind = Item::Kind::Element;
        stack_.push_back(item);
        return true;
      }
      if (k == slot_ || k == slot_ + 1 || k == acc_)
        return false;
      return invariant();
    }
    case Op::Field:
      if (element_top(0)) {
        Item& e = stack_.back();
        if (e.has_field)
          return false;
        e.has_field = true;
        e.field = code_[at + 1];
        e.field_pc = at;
        return true;
      }
      return fold(1);
    case Op::InCodeset: {
      if (!element_top(0))
        return fold(1);
      const uint16_t codeset = ReadU16(code_.data(), at + 1);
      if (codeset >= program_.codesets.size())
        return false;
      const Item e = stack_.back();
      stack_.pop_back();
      FusedTest t;
      t.kind = FusedTest::Kind::InCodeset;
      t.has_field = e.has_field;
      t.field = e.field;
      t.field_pc = e.field_pc;
      t.codeset = codeset;
      t.pc = at;
      stack_.push_back(OneTest(t));
      return true;
    }
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      if (stack_.size() < 2)
        return false;
      const Item left = stack_[stack_.size() - 2];
      const Item right = stack_.back();
      const bool element_left =
          left.kind == Item::Kind::Element && right.kind == Item::Kind::Invariant;
      const bool element_right =
          left.kind == Item::Kind::Invariant && right.kind == Item::Kind::Element;
      if (!element_left && !element_right)
        return fold(2);
      const Item& e = element_left ? left : right;
      auto a = Invariant(element_left ? right : left);
      if (!a)
        return false;
      FusedTest t;
      t.kind = FusedTest::Kind::Compare;
      t.op = op;
      t.element_left = element_left;
      t.has_field = e.has_field;
      t.field = e.field;
      t.field_pc = e.field_pc;
      t.a = *a;
      t.pc = at;
      stack_.resize(stack_.size() - 2);
      stack_.push_back(OneTest(t));
      return true;
    }
    case Op::Within: {
      if (stack_.size() < 3)
        return false;
      const Item d = stack_[stack_.size() - 3];
      const Item duration = stack_[stack_.size() - 2];
      const Item anchor = stack_.back();
      if (d.kind != Item::Kind::Element)
        return fold(3);
      if (duration.kind != Item::Kind::Invariant || anchor.kind != Item::Kind::Invariant)
        return false;
      auto a = Invariant(duration);
      auto b = a ? Invariant(anchor) : std::nullopt;
      if (!b)
        return false;
      FusedTest t;
      t.kind = FusedTest::Kind::Within;
      t.dir = code_[at + 1];
      t.has_field = d.has_field;
      t.field = d.field;
      t.field_pc = d.field_pc;
      t.a = *a;
      t.b = *b;
      t.pc = at;
      stack_.resize(stack_.size() - 3);
      stack_.push_back(OneTest(t));
      return true;
    }
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
      return fold(2);
    case Op::Neg:
      return fold(1);
    case Op::Not: {
      if (stack_.empty())
        return false;
      Item& top = stack_.back();
      if (top.kind == Item::Kind::Tests) {
        // Only a single test that the `not` directly follows (the last one made).
        FusedTest& t = tests_[top.first];
        if (top.count != 1 || t.negate || t.kind == FusedTest::Kind::Constant)
          return false;
        t.negate = true;
        t.not_pc = at;
        return true;
      }
      return fold(1);
    }
    case Op::And: {
      if (stack_.size() < 2)
        return false;
      const Item left = stack_[stack_.size() - 2];
      const Item right = stack_.back();
      if (left.kind == Item::Kind::Invariant && right.kind == Item::Kind::Invariant)
        return fold(2);
      // Only `(t1 and t2) and t3`: the right side is the one test made last, so the tests stay
      // in the order the bytecode ANDs them.
      if (left.kind != Item::Kind::Tests)
        return false;
      auto r = AsTests(right);
      if (!r || r->count != 1 || r->first != left.first + left.count)
        return false;
      stack_.resize(stack_.size() - 2);
      Item merged = left;
      merged.count += 1;
      stack_.push_back(merged);
      return true;
    }
    default:
      return false;
  }
}

std::optional<FusedLoop> Recogniser::Loop(uint32_t p, uint32_t end) {
  const uint8_t* code = code_.data();
  const auto op_at = [&](uint32_t pc) { return static_cast<Op>(code[pc]); };
  // p: iter_start s; p+2: iter_next s, ->done.
  if (p + 8 > end || op_at(p) != Op::IterStart || op_at(p + 2) != Op::IterNext)
    return std::nullopt;
  slot_ = code[p + 1];
  if (code[p + 3] != slot_ || slot_ < 1)
    return std::nullopt;
  const int64_t done = static_cast<int64_t>(p + 8) + ReadI32(code, p + 4);
  // The accumulator sits just below the loop's slots (the code generator's layout, which
  // iter_start's missing-list rule relies on too); the accumulator instruction must name it.
  acc_ = static_cast<uint8_t>(slot_ - 1);
  stack_.clear();
  tests_.clear();
  invariants_.clear();
  uint32_t pc = p + 8;
  uint32_t instructions = 1;  // iter_next
  while (pc < end) {
    const Op op = op_at(pc);
    if (static_cast<size_t>(op) >= kOpCount)
      return std::nullopt;
    const uint32_t next = pc + Info(op).size;
    if (next > end)
      return std::nullopt;
    if (op >= Op::AccAny && op <= Op::AccEarliest) {
      FusedLoop loop;
      loop.acc_op = op;
      loop.acc = code[pc + 1];
      loop.loop = slot_;
      loop.acc_pc = pc;
      if (loop.acc != acc_)
        return std::nullopt;
      const bool two = op != Op::AccAny && op != Op::AccAll && op != Op::AccCount;
      if (stack_.size() != (two ? 2u : 1u))
        return std::nullopt;
      if (two) {
        const Item& value = stack_.back();
        if (value.kind != Item::Kind::Element)
          return std::nullopt;
        loop.value_has_field = value.has_field;
        loop.value_field = value.field;
        loop.value_field_pc = value.field_pc;
        stack_.pop_back();
      }
      auto tests = AsTests(stack_.back());
      if (!tests || tests->first != 0 || tests->count != tests_.size() ||
          tests_.size() > kMaxFusedTests) {
        return std::nullopt;
      }
      // acc; jump back to iter_next; the loop ends right after the jump.
      const uint32_t jump = next;
      if (jump + 5 > end || op_at(jump) != Op::Jump)
        return std::nullopt;
      const int64_t back = static_cast<int64_t>(jump + 5) + ReadI32(code, jump + 1);
      if (back != p + 2 || done != jump + 5)
        return std::nullopt;
      loop.end = jump + 5;
      const FusedTest& first = tests_.front();
      loop.codes_any = op == Op::AccAny && tests_.size() == 1 &&
                       first.kind == FusedTest::Kind::InCodeset && !first.has_field;
      loop.per_element = instructions + 2;  // the body, the accumulator and the jump
      loop.first_test = static_cast<uint32_t>(out_.tests.size());
      loop.test_count = static_cast<uint32_t>(tests_.size());
      loop.first_invariant = static_cast<uint32_t>(out_.invariants.size());
      loop.invariant_count = static_cast<uint32_t>(invariants_.size());
      out_.tests.insert(out_.tests.end(), tests_.begin(), tests_.end());
      out_.invariants.insert(out_.invariants.end(), invariants_.begin(), invariants_.end());
      return loop;
    }
    if (!Op1(pc, op, next))
      return std::nullopt;
    ++instructions;
    pc = next;
  }
  return std::nullopt;
}

// The value one invariant's code computes, as the interpreter would compute it there (the
// recogniser admitted only these instructions, each pure given the line and the slots).
Value EvalInvariant(const FusedInvariant& inv, const OpContext& ctx, const Value* slots) {
  const uint8_t* code = ctx.program.code.data();
  Scratch<Value, kMaxInvariantBytes + 1> stack;
  size_t sp = 0;
  for (uint32_t pc = inv.begin; pc < inv.end;) {
    const auto op = static_cast<Op>(code[pc]);
    const uint32_t at = pc;
    pc += Info(op).size;
    switch (op) {
      case Op::PushConst:
      case Op::MakeList:
        stack[sp++] = ConstantValue(ctx.program, ReadU16(code, at + 1));
        break;
      case Op::PushTrue:
        stack[sp++] = Value::Bool(true);
        break;
      case Op::PushFalse:
        stack[sp++] = Value::Bool(false);
        break;
      case Op::PushNone:
        stack[sp++] = Value::None();
        break;
      case Op::PushInt:
        stack[sp++] = Value::Int(ReadI32(code, at + 1));
        break;
      case Op::Load:
        stack[sp++] = slots[code[at + 1]];
        break;
      case Op::Scope:
        stack[sp++] = ScopeValue(ctx, static_cast<ScopeId>(code[at + 1]), at);
        break;
      case Op::Fact: {
        const uint16_t fact = ReadU16(code, at + 1);
        Value v = fact < ctx.claim.facts.size() ? ctx.claim.facts[fact] : Value::Unknown(at);
        if (v.is_unknown())
          v.aux = at;
        stack[sp++] = v;
        break;
      }
      case Op::Field:
        stack[sp - 1] = FieldValue(ctx, static_cast<FieldId>(code[at + 1]), stack[sp - 1], at);
        break;
      case Op::InCodeset:
        stack[sp - 1] = InCodeset(ctx.program.codesets[ReadU16(code, at + 1)], stack[sp - 1]);
        break;
      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        stack[sp - 2] = CompareOp(op, stack[sp - 2], stack[sp - 1], at);
        --sp;
        break;
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
        stack[sp - 2] = Arithmetic(op, stack[sp - 2], stack[sp - 1], at);
        --sp;
        break;
      case Op::Neg:
        stack[sp - 1] = Negate(stack[sp - 1], at);
        break;
      case Op::Not:
        stack[sp - 1] = KleeneNot(stack[sp - 1]);
        break;
      case Op::And:
        stack[sp - 2] = KleeneAnd(stack[sp - 2], stack[sp - 1]);
        --sp;
        break;
      case Op::Within:
        stack[sp - 3] = WithinOp(stack[sp - 3], stack[sp - 2], stack[sp - 1], code[at + 1], at);
        sp -= 2;
        break;
      default:
        return Value::Unknown(at);  // not admitted by the recogniser
    }
  }
  return sp == 1 ? stack[0] : Value::Unknown(inv.begin);
}

// The element's value a test reads: the element itself or one of its fields. The fields rules
// test most are read here directly; the rest (and anything odd) through FieldValue.
inline Value ElementValue(const OpContext& ctx, const Value& element, bool has_field,
                          uint16_t field, uint32_t pc) {
  if (!has_field)
    return element;
  const auto f = static_cast<FieldId>(field);
  if (element.tag == Tag::Record && element.i >= 0) {
    const auto i = static_cast<size_t>(element.i);
    if (element.record_kind() == RecordKind::History && i < ctx.claim.history.size()) {
      const HistoryRecord& h = ctx.claim.history[i];
      if (f == FieldId::history_code)
        return h.present.Has(f) ? Value::Code(h.code) : Value::Unknown(pc);
      if (f == FieldId::history_date)
        return h.present.Has(f) ? Value::Date(h.date) : Value::Unknown(pc);
    } else if (element.record_kind() == RecordKind::Observation &&
               i < ctx.claim.observations.size()) {
      const ObservationRecord& o = ctx.claim.observations[i];
      if (f == FieldId::observation_code)
        return o.present.Has(f) ? Value::Code(o.code) : Value::Unknown(pc);
      if (f == FieldId::observation_date)
        return o.present.Has(f) ? Value::Date(o.date) : Value::Unknown(pc);
      if (f == FieldId::observation_value)
        return o.present.Has(f) ? Value::Decimal(o.value) : Value::Unknown(pc);
    }
  }
  return FieldValue(ctx, f, element, pc);
}

// ListElement, with the lists loops walk most taken here without a call.
inline Value ElementAt(const OpContext& ctx, const Value& list, uint32_t index) {
  const uint64_t at = static_cast<uint64_t>(list.i) + index;
  switch (list.list_kind()) {
    case ListKind::History:
      return Value::Record(RecordKind::History, static_cast<int64_t>(at));
    case ListKind::Observations:
      return Value::Record(RecordKind::Observation, static_cast<int64_t>(at));
    case ListKind::Codes:
      if (at < ctx.claim.codes.size())
        return Value::Code(ctx.claim.codes[at]);
      break;
    default:
      break;
  }
  return ListElement(ctx, list, index);
}

// A window test's bounds, worked out once per loop when its duration and anchor are known.
struct Window {
  bool ready = false;  // else WithinOp runs per element
  Value lo, hi;        // anchor - duration, anchor + duration (either may be an overflow)
  int64_t anchor = 0;
};

Window PrepareWindow(const Value& duration, const Value& anchor, uint32_t pc) {
  Window w;
  if (duration.tag != Tag::Duration || anchor.tag != Tag::Date)
    return w;
  w.ready = true;
  w.lo = ShiftDate(anchor, duration, -1, pc);
  w.hi = ShiftDate(anchor, duration, 1, pc);
  w.anchor = anchor.i;
  return w;
}

// WithinOp(d, duration, anchor) for the known duration and anchor `w` was prepared from.
inline Value InWindow(const Window& w, const Value& d, uint8_t dir, uint32_t pc) {
  if (d.is_unknown())
    return d;
  if (d.tag != Tag::Date)
    return Value::Unknown(pc);
  switch (static_cast<WindowSide>(dir)) {
    case WindowSide::Before:
      if (w.lo.is_unknown())
        return w.lo;
      return Value::Bool(w.lo.i <= d.i && d.i < w.anchor);
    case WindowSide::After:
      if (w.hi.is_unknown())
        return w.hi;
      return Value::Bool(w.anchor < d.i && d.i <= w.hi.i);
    default:
      if (w.lo.is_unknown())
        return w.lo;
      if (w.hi.is_unknown())
        return w.hi;
      return Value::Bool(w.lo.i <= d.i && d.i <= w.hi.i);
  }
}

}  // namespace

FusedLoops FusedLoops::Find(const Program& program) {
  FusedLoops out;
  out.at.assign(program.code.size(), UINT32_MAX);
  Recogniser recogniser(program, out);
  for (const RuleData& rule : program.rules) {
    if (rule.code_end > program.code.size())
      continue;
    // Walk the rule's instructions (verified code: each starts where the last ended).
    for (uint32_t pc = rule.applies_code; pc < rule.code_end;) {
      const auto op = static_cast<Op>(program.code[pc]);
      if (static_cast<size_t>(op) >= kOpCount)
        break;
      if (op == Op::IterStart) {
        if (auto loop = recogniser.Loop(pc, rule.code_end)) {
          out.at[pc] = static_cast<uint32_t>(out.loops.size());
          out.loops.push_back(*loop);
        }
      }
      pc += Info(op).size;
    }
  }
  return out;
}

namespace {

// A codes_any loop over a list of codes: ListElement, InCodeset, KleeneNot and KleeneOr per
// element as the general runner would, without its per-test dispatch.
void RunCodesAny(const FusedTest& test, const FusedLoop& loop, const OpContext& ctx,
                 const Value& list, Value* slots) {
  const auto n = static_cast<uint32_t>(list.aux);
  const Codeset& set = ctx.program.codesets[test.codeset];
  const std::vector<uint64_t>& codes = ctx.claim.codes;
  const auto first = static_cast<uint64_t>(list.i);
  Value acc = slots[loop.acc];
  for (uint32_t i = 0; i < n && !acc.is_true(); ++i) {
    // An element past the pool is unknown (ListElement), and so is its test (InCodeset).
    const uint64_t at = first + i;
    Value r = at < codes.size() ? Value::Bool(set.Contains(codes[at])) : Value::Unknown(kNoPc);
    if (test.negate)
      r = KleeneNot(r);
    acc = KleeneOr(acc, r);
  }
  slots[loop.acc] = acc;
  slots[loop.loop + 1] = Value::Int(n);
  slots[loop.loop + 2] = ElementAt(ctx, list, n - 1);
}

// Everything else: invariants computed once, then each element's tests in order.
[[gnu::noinline]] void RunGeneral(const FusedLoops& fused, const FusedLoop& loop,
                                  const OpContext& ctx, const Value& list, Value* slots) {
  const auto n = static_cast<uint32_t>(list.aux);
  Value& acc_slot = slots[loop.acc];
  if (n == 0)
    return;
  Scratch<Value, kMaxFusedInvariants> inv;
  for (uint32_t k = 0; k < loop.invariant_count; ++k) {
    const FusedInvariant& invariant = fused.invariants[loop.first_invariant + k];
    inv[k] = invariant.is_constant       ? invariant.constant
             : invariant.is_service_date ? Value::Date(ctx.dos)  // ScopeValue's service_date
                                         : EvalInvariant(invariant, ctx, slots);
  }
  const FusedTest* tests = fused.tests.data() + loop.first_test;
  Scratch<Window, kMaxFusedTests> windows;
  for (uint32_t t = 0; t < loop.test_count; ++t) {
    if (tests[t].kind == FusedTest::Kind::Within)
      windows[t] = PrepareWindow(inv[tests[t].a], inv[tests[t].b], tests[t].pc);
  }
  const Codeset* codesets = ctx.program.codesets.data();
  Value acc = acc_slot;
  for (uint32_t i = 0; i < n; ++i) {
    // Once the accumulator can no longer change, the rest of the elements cannot matter: any
    // is true, all is false, an unknown count or aggregate stays unknown (an unknown `any` can
    // still become true, and an unknown `all` false).
    if (loop.acc_op == Op::AccAny   ? acc.is_true()
        : loop.acc_op == Op::AccAll ? acc.is_false()
                                    : acc.is_unknown()) {
      break;
    }
    const Value element = ElementAt(ctx, list, i);
    // The conjunction, left to right as the bytecode ANDs it; false can no longer change.
    Value p = Value::Bool(true);
    for (uint32_t t = 0; t < loop.test_count; ++t) {
      const FusedTest& test = tests[t];
      Value r;
      if (test.kind == FusedTest::Kind::Constant) {
        r = inv[test.a];
      } else {
        const Value x = ElementValue(ctx, element, test.has_field, test.field, test.field_pc);
        switch (test.kind) {
          case FusedTest::Kind::InCodeset:
            r = x.tag == Tag::Code ? Value::Bool(codesets[test.codeset].Contains(x.code()))
                                   : InCodeset(codesets[test.codeset], x);
            break;
          case FusedTest::Kind::Compare: {
            const Value& a = test.element_left ? x : inv[test.a];
            const Value& b = test.element_left ? inv[test.a] : x;
            if (a.tag == b.tag &&
                (a.tag == Tag::Int || a.tag == Tag::Date || a.tag == Tag::Decimal)) {
              r = Value::Bool(CompareInts(test.op, a.i, b.i));
            } else if (a.tag == Tag::Code && b.tag == Tag::Code &&
                       (test.op == Op::Eq || test.op == Op::Ne)) {
              r = Value::Bool((a.code() == b.code()) == (test.op == Op::Eq));
            } else {
              r = CompareOp(test.op, a, b, test.pc);
            }
            break;
          }
          case FusedTest::Kind::Within:
            r = windows[t].ready ? InWindow(windows[t], x, test.dir, test.pc)
                                 : WithinOp(x, inv[test.a], inv[test.b], test.dir, test.pc);
            break;
          case FusedTest::Kind::Constant:
            break;
        }
        if (test.negate)
          r = KleeneNot(r);
      }
      p = t == 0 ? r : KleeneAnd(p, r);
      if (p.is_false())
        break;
    }
    switch (loop.acc_op) {
      case Op::AccAny:
        acc = KleeneOr(acc, p);
        break;
      case Op::AccAll:
        acc = KleeneAnd(acc, p);
        break;
      case Op::AccCount:
        if (p.is_unknown()) {
          acc = p;
        } else if (p.is_true()) {
          acc.i += 1;
        }
        break;
      default:
        Accumulate(
            ctx, loop.acc_op, acc, p,
            ElementValue(ctx, element, loop.value_has_field, loop.value_field, loop.value_field_pc),
            loop.acc_pc);
        break;
    }
  }
  acc_slot = acc;
  slots[loop.loop + 1] = Value::Int(n);
  slots[loop.loop + 2] = ElementAt(ctx, list, n - 1);
}

}  // namespace

void RunFusedLoop(const FusedLoops& fused, const FusedLoop& loop, const OpContext& ctx,
                  const Value& list, Value* slots) {
  if (list.aux == 0)
    return;
  if (loop.codes_any && list.list_kind() == ListKind::Codes) {
    RunCodesAny(fused.tests[loop.first_test], loop, ctx, list, slots);
    return;
  }
  RunGeneral(fused, loop, ctx, list, slots);
}

}  // namespace warrant
