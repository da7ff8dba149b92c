// ReadCondition(): a requirement's condition as an expression tree, read for "what would change
// it" and for the values that decided it (explain_condition.h).
#include "runtime/explain/explain_condition.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/opcode.h"
#include "runtime/records/schema.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {
namespace {

struct Node {
  uint32_t begin = 0;  // the sub-expression's first instruction
  uint32_t pc = 0;     // its root instruction (a quantifier: the load of its result)
  Op op = Op::Return;
  int64_t a = 0;
  uint32_t acc_pc = UINT32_MAX;  // a quantifier's accumulator instruction
  std::vector<int> kids;
};

enum class Truth : uint8_t { True, False, Unknown, Other };

Truth TruthOf(const Value& v) {
  if (v.is_true())
    return Truth::True;
  if (v.is_false())
    return Truth::False;
  if (v.is_unknown())
    return Truth::Unknown;
  return Truth::Other;
}

bool IsNumber(const Value& v) {
  return v.tag == Tag::Int || v.tag == Tag::Decimal;
}

class Reader {
 public:
  Reader(const Engine& engine, const Claim& claim, const ConditionEvents& events, Day dos,
         uint32_t rule_begin)
      : engine_(engine),
        p_(engine.program()),
        claim_(claim),
        raw_(events.raw),
        depth_(events.depth),
        lets_(events.lets),
        dos_(dos),
        rule_begin_(rule_begin) {}

  bool Build(uint32_t begin, uint32_t end);
  ConditionReading Read(bool want);

 private:
  std::string Text(const Value& v) const { return ValueText(p_, claim_, v); }

  std::string Src(int n) const;

  std::string Quoted(int n) const {
    std::string src = Src(n);
    return src.empty() ? "the value" : "`" + src + "`";
  }

  const TraceEvent* EventAt(uint32_t pc) const;
  void Evaluate(int n, std::optional<Value> seen);
  std::string Need(int n, bool want) const;
  std::string Missing(int n) const;
  std::string Compare(int n, bool want) const;
  std::string Membership(int n, bool want) const;
  std::string Quantifier(int n, bool want) const;
  std::string Every(int n) const;
  std::string Nearest(uint32_t set, uint64_t code) const;
  void Mark(int n, bool want, std::vector<std::pair<uint32_t, uint32_t>>& ranges,
            ConditionReading& out) const;
  void Alternatives(int n, Op op, std::vector<int>& out) const;

  const Engine& engine_;
  const Program& p_;
  const Claim& claim_;
  const std::vector<TraceEvent>& raw_;
  const std::vector<int>& depth_;
  const LetValues& lets_;
  Day dos_;
  uint32_t rule_begin_;
  std::vector<Node> nodes_;
  std::vector<std::optional<Value>> value_;
  std::vector<Truth> truth_;
  int root_ = -1;
};

bool Reader::Build(uint32_t begin, uint32_t end) {
  std::vector<int> stack;
  std::vector<int> absorbed;  // popped by an instruction that pushes nothing (loops, stores)
  std::vector<std::pair<int64_t, uint32_t>> acc_start, acc_pc;  // by accumulator slot
  std::optional<Instruction> prev;
  uint32_t prev_pc = 0;
  uint32_t pc = begin;
  while (pc < end) {
    std::optional<Instruction> ins = DecodeAt(p_.code, pc);
    if (!ins)
      return false;
    const int pops = StackPops(ins->op, ins->a);
    const int pushes = StackPushes(ins->op);
    if (pops < 0 || static_cast<size_t>(pops) > stack.size())
      return false;
    std::vector<int> popped(stack.end() - pops, stack.end());
    stack.resize(stack.size() - static_cast<size_t>(pops));
    if (ins->op >= Op::AccAny && ins->op <= Op::AccEarliest)
      acc_pc.emplace_back(ins->a, pc);
    if (pushes == 0) {
      if (ins->op == Op::Store)
        acc_start.emplace_back(ins->a, popped.empty() ? pc : nodes_[popped[0]].begin);
      absorbed.insert(absorbed.end(), popped.begin(), popped.end());
    } else {
      Node node;
      node.begin = popped.empty() ? pc : nodes_[popped[0]].begin;
      node.pc = pc;
      node.op = ins->op;
      node.a = ins->a;
      node.kids = popped;
      // A quantifier's result is loaded just after the jump that closes its loop: the
      // expression reaches back to its accumulator's start, its list and its body.
      if (ins->op == Op::Load && prev && FlowOf(prev->op) == Flow::Jump &&
          prev->Target(prev_pc) < prev_pc) {
        for (auto it = acc_start.rbegin(); it != acc_start.rend(); ++it) {
          if (it->first == ins->a) {
            node.begin = it->second;
            break;
          }
        }
        for (auto it = acc_pc.rbegin(); it != acc_pc.rend(); ++it) {
          if (it->first == ins->a && it->second >= node.begin) {
            node.acc_pc = it->second;
            break;
          }
        }
        for (int k : absorbed) {
          if (nodes_[k].begin >= node.begin)
            node.kids.push_back(k);
        }
        std::erase_if(absorbed, [&](int k) { return nodes_[k].begin >= node.begin; });
      }
      nodes_.push_back(std::move(node));
      for (int i = 0; i < pushes; ++i)
        stack.push_back(static_cast<int>(nodes_.size()) - 1);
    }
    prev = ins;
    prev_pc = pc;
    pc += ins->size;
  }
  if (stack.empty())
    return false;
  root_ = stack.back();
  value_.assign(nodes_.size(), std::nullopt);
  truth_.assign(nodes_.size(), Truth::Other);
  Evaluate(root_, std::nullopt);
  return true;
}

// The node's source text: its own span, or for a `let`'s value its name. An instruction without
// a span of its own maps to an enclosing one, which would misname it.
std::string Reader::Src(int n) const {
  const Node& node = nodes_[n];
  const uint32_t pc = node.acc_pc != UINT32_MAX ? node.acc_pc : node.pc;
  if (node.op == Op::Load && node.acc_pc == UINT32_MAX) {
    for (auto it = p_.debug.statements.rbegin(); it != p_.debug.statements.rend(); ++it) {
      if (it->pc >= node.pc || it->kind != StatementKind::Let)
        continue;
      if (it->pc < rule_begin_)
        break;
      std::optional<Instruction> store = DecodeAt(p_.code, it->pc);
      if (store && store->op == Op::Store && store->a == node.a)
        return it->name;
    }
    return "";
  }
  const SpanEntry* span = p_.SpanAt(pc);
  if (span && span->pc >= node.begin)
    return engine_.SpanText(pc);
  return "";
}

// The statement's own event at `pc` (outside loops; a quantifier's body is read separately).
const TraceEvent* Reader::EventAt(uint32_t pc) const {
  for (size_t i = raw_.size(); i-- > 0;) {
    if (raw_[i].pc == pc && depth_[i] == 0)
      return &raw_[i];
  }
  return nullptr;
}

void Reader::Evaluate(int n, std::optional<Value> seen) {
  const Node& node = nodes_[n];
  const TraceEvent* e = Info(node.op).trace == TraceKind::Step ? EventAt(node.pc) : nullptr;
  for (size_t i = 0; i < node.kids.size(); ++i) {
    std::optional<Value> operand;
    if (e && i < e->input_count && node.acc_pc == UINT32_MAX)
      operand = e->inputs[i];
    Evaluate(node.kids[i], operand);
  }
  Truth t = Truth::Other;
  if (node.acc_pc != UINT32_MAX) {
    const Op acc = static_cast<Op>(p_.code[node.acc_pc]);
    bool any_true = false, any_false = false, any_unknown = false;
    for (const TraceEvent& ev : raw_) {
      if (ev.pc != node.acc_pc || ev.input_count == 0)
        continue;
      any_true = any_true || ev.inputs[0].is_true();
      any_false = any_false || ev.inputs[0].is_false();
      any_unknown = any_unknown || ev.inputs[0].is_unknown();
    }
    if (acc == Op::AccAny)
      t = any_true ? Truth::True : any_unknown ? Truth::Unknown : Truth::False;
    else if (acc == Op::AccAll)
      t = any_false ? Truth::False : any_unknown ? Truth::Unknown : Truth::True;
    if (seen)
      value_[n] = seen;
  } else if (e) {
    value_[n] = e->result;
    t = TruthOf(e->result);
  } else if (node.op == Op::And || node.op == Op::Or) {
    bool any_true = false, any_false = false, any_unknown = false;
    for (int k : node.kids) {
      any_true = any_true || truth_[k] == Truth::True;
      any_false = any_false || truth_[k] == Truth::False;
      any_unknown = any_unknown || truth_[k] == Truth::Unknown || truth_[k] == Truth::Other;
    }
    if (node.op == Op::And)
      t = any_false ? Truth::False : any_unknown ? Truth::Unknown : Truth::True;
    else
      t = any_true ? Truth::True : any_unknown ? Truth::Unknown : Truth::False;
  } else if (node.op == Op::Not && node.kids.size() == 1) {
    const Truth k = truth_[node.kids[0]];
    t = k == Truth::True ? Truth::False : k == Truth::False ? Truth::True : k;
  } else if (seen) {
    value_[n] = seen;
    t = TruthOf(*seen);
  } else if (node.op == Op::Load) {
    // A `let`'s value: the last store to its slot before this statement.
    for (auto it = lets_.rbegin(); it != lets_.rend(); ++it) {
      if (it->first == node.a) {
        value_[n] = it->second;
        t = TruthOf(it->second);
        break;
      }
    }
  }
  if (seen && t == Truth::Other)
    t = TruthOf(*seen);
  truth_[n] = t;
}

// The operands of a chain `A or B or C` (or of `and`), in source order.
void Reader::Alternatives(int n, Op op, std::vector<int>& out) const {
  const Node& node = nodes_[n];
  if (node.op == op && node.acc_pc == UINT32_MAX) {
    for (int k : node.kids)
      Alternatives(k, op, out);
  } else {
    out.push_back(n);
  }
}

std::string Reader::Missing(int n) const {
  const Node& node = nodes_[n];
  for (size_t i = 0; i < raw_.size(); ++i) {
    const TraceEvent& e = raw_[i];
    if (e.pc < node.begin || e.pc > node.pc || !e.result.is_unknown())
      continue;
    if (e.op == Op::Fact || e.op == Op::Lookup || e.op == Op::Column || e.op == Op::MapGet) {
      std::string missing = engine_.DescribeMissing(e.pc);
      if (!missing.empty())
        return fmt::format("{}, which is unknown: {}", Quoted(n), missing);
    }
  }
  if (value_[n] && value_[n]->is_unknown() && value_[n]->aux != kNoPc) {
    std::string missing = engine_.DescribeMissing(value_[n]->aux);
    if (!missing.empty())
      return fmt::format("{}, which is unknown: {}", Quoted(n), missing);
  }
  return fmt::format("{} known (it is unknown)", Quoted(n));
}

std::string Reader::Compare(int n, bool want) const {
  const Node& node = nodes_[n];
  const TraceEvent* e = EventAt(node.pc);
  if (!e || e->input_count != 2 || node.kids.size() != 2)
    return "";
  const Value& a = e->inputs[0];
  const Value& b = e->inputs[1];
  Op op = want ? node.op : NegatedComparison(node.op);
  if (a.tag == Tag::Date && b.tag == Tag::Date && (a.i == dos_ || b.i == dos_)) {
    const bool dos_left = a.i == dos_;
    if (!dos_left)
      op = MirroredComparison(op);
    const Day d = static_cast<Day>(dos_left ? b.i : a.i);
    switch (op) {
      case Op::Ge:
        return fmt::format("a date of service on or after {}", FormatDate(d).view());
      case Op::Gt:
        return fmt::format("a date of service on or after {}", FormatDate(d + 1).view());
      case Op::Le:
        return fmt::format("a date of service on or before {}", FormatDate(d).view());
      case Op::Lt:
        return fmt::format("a date of service before {}", FormatDate(d).view());
      default:
        break;
    }
  }
  if (IsNumber(a) && IsNumber(b)) {
    const char* words = op == Op::Le   ? "at most"
                        : op == Op::Lt ? "below"
                        : op == Op::Ge ? "at least"
                        : op == Op::Gt ? "above"
                        : op == Op::Eq ? "equal to"
                                       : "other than";
    const Node& rhs = nodes_[node.kids[1]];
    const bool constant = rhs.op == Op::PushConst || rhs.op == Op::PushInt;
    const std::string lhs = Src(node.kids[0]), rhs_src = Src(node.kids[1]);
    return fmt::format(
        "{} {} {}{} (it is {})", lhs.empty() ? "the value" : "`" + lhs + "`", words, Text(b),
        constant || rhs_src.empty() ? "" : fmt::format(", the value of `{}`", rhs_src), Text(a));
  }
  return "";
}

// The member of codeset `set` nearest `code`: the interval just below or just above it, whichever
// shares the longer prefix with the code's text.
std::string Reader::Nearest(uint32_t set, uint64_t code) const {
  if (set >= p_.codesets.size())
    return "";
  auto intervals = p_.codesets[set].intervals();
  if (intervals.empty())
    return "";
  auto it = std::upper_bound(intervals.begin(), intervals.end(), code,
                             [](uint64_t c, const CodeInterval& iv) { return c < iv.lo; });
  std::optional<CodeText> text = Unpack(code);
  if (!text)
    return "";
  auto shared = [&](uint64_t other) {
    std::optional<CodeText> t = Unpack(other);
    if (!t)
      return size_t{0};
    const std::string_view x = text->view(), y = t->view();
    size_t i = 0;
    while (i < x.size() && i < y.size() && x[i] == y[i])
      ++i;
    return i;
  };
  uint64_t best = 0;
  bool found = false;
  if (it != intervals.begin()) {
    best = (it - 1)->hi;
    found = true;
  }
  if (it != intervals.end() && (!found || shared(it->lo) > shared(best))) {
    best = it->lo;
    found = true;
  }
  if (!found)
    return "";
  std::string written = WrittenMember(p_, set, best);
  if (!written.empty())
    return written;
  std::optional<CodeText> b = Unpack(best);
  return b ? std::string(b->view()) : "";
}

std::string Reader::Membership(int n, bool want) const {
  const Node& node = nodes_[n];
  const TraceEvent* e = EventAt(node.pc);
  if (!e || e->input_count == 0)
    return "";
  if (node.op == Op::InList && node.kids.size() == 2 && e->input_count == 2) {
    const Node& list = nodes_[node.kids[1]];
    if (list.op == Op::Field && list.a == static_cast<int64_t>(FieldId::line_modifiers)) {
      return fmt::format("the line {} modifier {}", want ? "carries" : "does not carry",
                         Text(e->inputs[0]));
    }
    return "";
  }
  if (node.op == Op::InCodeset && e->inputs[0].tag == Tag::Code) {
    const auto set = static_cast<uint32_t>(node.a);
    const std::string name = set < p_.codeset_names.size() ? p_.codeset_names[set] : "?";
    if (!want)
      return fmt::format("{} outside `{}`", Quoted(node.kids.empty() ? n : node.kids[0]), name);
    std::string nearest = Nearest(set, e->inputs[0].code());
    return fmt::format("{} in `{}` (it is {}{})", Quoted(node.kids.empty() ? n : node.kids[0]),
                       name, Text(e->inputs[0]),
                       nearest.empty() ? "" : "; the nearest member is " + nearest);
  }
  return "";
}

// `any x in L where x in S` that held for no element: the codeset, the codes tried and the
// member nearest the first of them.
std::string Reader::Quantifier(int n, bool want) const {
  const Node& node = nodes_[n];
  if (want && static_cast<Op>(p_.code[node.acc_pc]) == Op::AccAll)
    return Every(n);
  if (!want || static_cast<Op>(p_.code[node.acc_pc]) != Op::AccAny)
    return "";
  uint32_t set = UINT32_MAX;
  std::vector<uint64_t> codes;
  size_t tests = 0;
  for (const TraceEvent& e : raw_) {
    if (e.pc < node.begin || e.pc > node.pc || e.kind != TraceEvent::Kind::Step)
      continue;
    if (IsComparison(e.op) || e.op == Op::InList || e.op == Op::Call)
      ++tests;
    if (e.op != Op::InCodeset)
      continue;
    const uint32_t s = ReadU16(p_.code.data(), e.pc + 1);
    if (set != UINT32_MAX && s != set)
      return "";
    set = s;
    if (e.input_count && e.inputs[0].tag == Tag::Code &&
        std::find(codes.begin(), codes.end(), e.inputs[0].code()) == codes.end()) {
      codes.push_back(e.inputs[0].code());
    }
  }
  if (set == UINT32_MAX || tests != 0 || set >= p_.codeset_names.size())
    return "";
  const bool dx = !codes.empty() && SystemOf(codes[0]) == CodeSystem::Icd10cm;
  std::string list;
  for (uint64_t c : codes)
    list += (list.empty() ? "" : ", ") + Text(Value::Code(c));
  std::string nearest = codes.empty() ? "" : Nearest(set, codes[0]);
  return fmt::format("a {} in `{}` (the claim has {}{})", dx ? "diagnosis" : "code",
                     p_.codeset_names[set], list.empty() ? "none" : list,
                     nearest.empty() ? "" : "; the nearest member is " + nearest);
}

// `all x in L where P` that failed: P for every element, and the elements it failed for.
std::string Reader::Every(int n) const {
  const Node& node = nodes_[n];
  std::string failed, predicate;
  const TraceEvent* element = nullptr;
  const TraceEvent* last = nullptr;
  for (const TraceEvent& e : raw_) {
    if (e.pc < node.begin || e.pc > node.pc || e.kind != TraceEvent::Kind::Step)
      continue;
    if (e.op == Op::IterNext && e.input_count == 2)
      element = &e;
    if (e.pc == node.acc_pc && e.input_count >= 1) {
      if (last && predicate.empty())
        predicate = engine_.SpanText(last->pc);
      if (e.inputs[0].is_false() && element) {
        if (failed.size() < 200)
          failed += (failed.empty() ? "" : ", ") + Text(element->result);
      }
    } else if (e.op != Op::IterNext) {
      last = &e;
    }
  }
  if (failed.empty() || predicate.empty())
    return "";
  return fmt::format("`{}` for every element; it fails for {}", predicate, failed);
}

// What would make node `n` `want` (true for a requirement, false for a `when`), in words.
std::string Reader::Need(int n, bool want) const {
  const Node& node = nodes_[n];
  if ((node.op == Op::Or || node.op == Op::And) && node.acc_pc == UINT32_MAX) {
    // `A or B` made true, or `A and B` made false, needs one operand; the other way all of them.
    const bool one = (node.op == Op::Or) == want;
    std::vector<int> parts;
    Alternatives(n, node.op, parts);
    std::string out;
    for (int k : parts) {
      const Truth t = truth_[k];
      if (!one && (t == (want ? Truth::True : Truth::False) || t == Truth::Other))
        continue;  // already as needed
      out += (out.empty() ? "" : one ? " or " : " and ") + Need(k, want);
    }
    return out.empty() ? fmt::format("{} would have to {}", Quoted(n), want ? "hold" : "fail")
                       : out;
  }
  if (node.op == Op::Not && node.kids.size() == 1)
    return Need(node.kids[0], !want);
  if (truth_[n] == Truth::Unknown)
    return Missing(n);
  std::string words;
  if (node.acc_pc != UINT32_MAX)
    words = Quantifier(n, want);
  else if (IsComparison(node.op))
    words = Compare(n, want);
  else if (node.op == Op::InList || node.op == Op::InCodeset)
    words = Membership(n, want);
  else if (node.op == Op::IsNone && want) {
    const TraceEvent* e = EventAt(node.pc);
    if (e && e->input_count == 1 && !node.kids.empty())
      words = fmt::format("no {} (it is {})", Quoted(node.kids[0]), Text(e->inputs[0]));
  }
  if (!words.empty())
    return words;
  return fmt::format("{} would have to {}", Quoted(n), want ? "hold" : "fail");
}

// The parts of the condition that decided it: for a false `or` all of them, for a false `and`
// the false operands (an unknown one beside them did not decide it).
void Reader::Mark(int n, bool want, std::vector<std::pair<uint32_t, uint32_t>>& ranges,
                  ConditionReading& out) const {
  const Node& node = nodes_[n];
  if ((node.op == Op::Or || node.op == Op::And) && node.acc_pc == UINT32_MAX) {
    const Truth decided = want ? Truth::False : Truth::True;
    std::vector<int> parts;
    Alternatives(n, node.op, parts);
    // `or` not held: every operand failed; `and` not held: the operands that failed.
    const bool all = (node.op == Op::Or) == want;
    bool any = false;
    for (int k : parts) {
      if (!all && truth_[k] != decided)
        continue;
      Mark(k, want, ranges, out);
      any = true;
    }
    if (!any) {
      for (int k : parts)
        Mark(k, want, ranges, out);
    }
    return;
  }
  if (node.op == Op::Not && node.kids.size() == 1) {
    Mark(node.kids[0], !want, ranges, out);
    return;
  }
  ranges.emplace_back(node.begin, node.pc);
  // A `let`'s value has no step of its own: name it (the part itself, or an operand of it).
  std::vector<int> named{n};
  named.insert(named.end(), node.kids.begin(), node.kids.end());
  for (int k : named) {
    const Node& leaf = nodes_[k];
    if (leaf.op != Op::Load || leaf.acc_pc != UINT32_MAX || !value_[k])
      continue;
    if (std::string name = Src(k); !name.empty())
      out.lets.emplace_back(name, *value_[k]);
  }
}

ConditionReading Reader::Read(bool want) {
  ConditionReading out;
  std::vector<int> parts;
  const Node& root = nodes_[root_];
  if (root.op == (want ? Op::Or : Op::And) && root.acc_pc == UINT32_MAX)
    Alternatives(root_, root.op, parts);
  else
    parts.push_back(root_);
  for (int k : parts) {
    std::string words = Need(k, want);
    out.changes.push_back(out.changes.empty() ? words : "or " + words);
  }
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  Mark(root_, want, ranges, out);
  out.decisive.assign(raw_.size(), false);
  for (size_t i = 0; i < raw_.size(); ++i) {
    for (const auto& [lo, hi] : ranges) {
      if (raw_[i].pc >= lo && raw_[i].pc <= hi)
        out.decisive[i] = true;
    }
  }
  return out;
}

}  // namespace

uint32_t StatementBegin(const Program& program, const RuleData& rule, uint32_t pc) {
  uint32_t begin = rule.applies_code;
  for (const StatementDebug& s : program.debug.statements) {
    if (s.pc >= pc)
      break;
    if (s.pc < rule.applies_code)
      continue;
    if (std::optional<Instruction> ins = DecodeAt(program.code, s.pc))
      begin = s.pc + ins->size;
  }
  return begin;
}

ConditionReading ReadCondition(const Engine& engine, const Claim& claim, const RuleData& rule,
                               uint32_t end, const ConditionEvents& events, Day dos) {
  const uint32_t begin = StatementBegin(engine.program(), rule, end);
  Reader reader(engine, claim, events, dos, rule.applies_code);
  if (!reader.Build(begin, end))
    return {};
  const Op op = static_cast<Op>(engine.program().code[end]);
  // A requirement (or `applies to`) is read for what would make it hold; an outcome stated with
  // `when` or `emit` fired because its condition held.
  return reader.Read(op == Op::Require || op == Op::Applies);
}

}  // namespace warrant
