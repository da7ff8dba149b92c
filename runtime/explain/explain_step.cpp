// Describing one recorded step and a finding's "why not" (explain_step.h).
#include "runtime/explain/explain_step.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/builtins.h"
#include "runtime/pack/debug_tables.h"
#include "runtime/terminology/terminology.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {

const char* AccumulatorWord(Op op) {
  switch (op) {
    case Op::AccAny:
      return "any";
    case Op::AccAll:
      return "all";
    case Op::AccCount:
      return "count";
    case Op::AccSum:
      return "sum";
    case Op::AccMin:
      return "min";
    case Op::AccMax:
      return "max";
    case Op::AccLatest:
      return "latest";
    case Op::AccEarliest:
      return "earliest";
    default:
      return "";
  }
}

// Whether a quantifier step changed anything worth showing: an element that matched (for
// `all`, one that did not).
bool Decisive(const TraceEvent& e) {
  if (e.input_count == 0)
    return true;
  return e.op == Op::AccAll ? !e.inputs[0].is_true() : !e.inputs[0].is_false();
}

const char* OperatorText(Op op) {
  switch (op) {
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::Mul:
      return "*";
    case Op::Div:
      return "/";
    case Op::InCodeset:
    case Op::InList:
    case Op::HasKey:
    case Op::HasMapKey:
      return "in";
    case Op::IsNone:
      return "is none";
    case Op::IsKnown:
      return "is known";
    case Op::Within:
      return "within";
    case Op::Lookup:
    case Op::MapGet:
      return "[]";
    case Op::Column:
      return ".";
    default:
      return "";
  }
}

void SetStep(TraceEvent& e, uint32_t pc, Op op, std::span<const Value> inputs,
             const Value& result) {
  e.kind = TraceEvent::Kind::Step;
  e.pc = pc;
  e.op = op;
  e.input_count = static_cast<uint8_t>(std::min<size_t>(inputs.size(), 3));
  for (size_t i = 0; i < e.input_count; ++i)
    e.inputs[i] = inputs[i];
  e.result = result;
}

bool EndsLet(const Program& program, uint32_t pc) {
  const StatementDebug* statement = StatementAt(program, pc);
  return statement && statement->kind == StatementKind::Let;
}

int LoopDepth::Step(const Program& program, uint32_t pc, Op op) {
  while (!loops_.empty() && (pc < loops_.back().begin || pc >= loops_.back().end))
    loops_.pop_back();
  if (op == Op::IterNext && (loops_.empty() || loops_.back().begin != pc)) {
    std::optional<Instruction> ins = DecodeAt(program.code, pc);
    uint32_t end =
        ins ? static_cast<uint32_t>(static_cast<int64_t>(pc) + ins->size + ins->b) : pc + 1;
    loops_.push_back(Loop{pc, std::max(end, pc + 1)});
  }
  return static_cast<int>(loops_.size());
}

namespace {

// The member of `set` that holds `code`, as the source would write it: the code itself, the
// shortest prefix (`E11.*`) whose codes all lie in the matching interval, or the interval.
std::string DescribeMatch(const Codeset& set, uint64_t code) {
  auto intervals = set.intervals();
  auto it = std::upper_bound(intervals.begin(), intervals.end(), code,
                             [](uint64_t c, const CodeInterval& iv) { return c < iv.lo; });
  if (it == intervals.begin())
    return "";
  const CodeInterval iv = *(it - 1);
  if (code > iv.hi)
    return "";
  std::optional<CodeText> text = Unpack(code);
  std::optional<CodeSystem> system = SystemOf(code);
  if (!text || !system)
    return "";
  if (iv.lo == iv.hi)
    return text->str();
  std::string plain;
  for (char c : text->view()) {
    if (c != '.')
      plain += c;
  }
  for (size_t n = 1; n < plain.size(); ++n) {
    std::string prefix = plain.substr(0, n);
    if (*system == CodeSystem::Icd10cm && n > 3)
      prefix.insert(3, ".");
    CodeResult<CodeInterval> r = PrefixInterval(*system, prefix);
    if (!r.ok() || r.value.lo < iv.lo || r.value.hi > iv.hi)
      continue;
    if (*system == CodeSystem::Icd10cm && n == 3)
      prefix += ".";
    return prefix + "*";
  }
  std::optional<CodeText> lo = Unpack(iv.lo), hi = Unpack(iv.hi);
  if (lo && hi)
    return fmt::format("{} .. {}", lo->view(), hi->view());
  return "";
}

// Whether the membership test at `pc` is written `x not in S`: it is compiled as the test then
// a `not` that the debug tables mark.
bool SpelledNotIn(const Program& p, uint32_t pc) {
  std::optional<Instruction> ins = DecodeAt(p.code, pc);
  return ins && SpellsNotIn(p, pc + ins->size);
}

}  // namespace

void DescribeStep(const Engine& engine, const Claim& claim, const TraceEvent& e, int depth, Day dos,
                  StepText& s) {
  const Program& p = engine.program();
  const auto text = [&](const Value& v) { return ValueText(p, claim, v); };
  const auto description = [&](uint64_t code) -> std::string_view {
    const Terminology* t = engine.terminology();
    return t ? t->Description(code, dos) : std::string_view();
  };
  s.kind = {};
  s.depth = depth;
  s.op = OperatorText(e.op);
  s.value = text(e.result);
  s.note.clear();
  s.operand_count = 0;
  const auto add_operand = [&](std::string_view operand) {
    if (s.operand_count < s.operands.size())
      s.operands[s.operand_count++].assign(operand);
  };
  const auto operands = [&](size_t n) {
    for (size_t i = 0; i < n && i < e.input_count; ++i)
      add_operand(text(e.inputs[i]));
  };
  const uint8_t* code = p.code.data();
  switch (e.op) {
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      s.kind = "compare";
      operands(2);
      break;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
      s.kind = "arith";
      operands(2);
      break;
    case Op::InCodeset: {
      s.kind = "codeset";
      operands(1);
      uint16_t set = ReadU16(code, e.pc + 1);
      if (set < p.codeset_names.size())
        add_operand(p.codeset_names[set]);
      if (e.input_count == 1 && e.inputs[0].tag == Tag::Code) {
        uint64_t c = e.inputs[0].code();
        if (e.result.is_true() && set < p.codesets.size() && set < p.codeset_names.size()) {
          std::string match = WrittenMember(p, set, c);
          if (match.empty())
            match = DescribeMatch(p.codesets[set], c);
          if (!match.empty())
            s.note.append("matched ").append(match);
        } else if (e.result.is_false()) {
          s.note = "no member matches";
        }
        if (std::string_view about = description(c); !about.empty()) {
          s.note.append(s.note.empty() ? "" : "; ").append(text(e.inputs[0])).append(": ");
          s.note.append(about);
        }
      }
      break;
    }
    case Op::InList:
    case Op::HasKey:
    case Op::HasMapKey:
      s.kind = "list";
      operands(e.op == Op::HasKey ? 1 : 2);
      break;
    default:
      break;
  }
  // `x not in S` is the membership test then `not`: show the expression's own value.
  if ((e.op == Op::InCodeset || e.op == Op::InList || e.op == Op::HasKey ||
       e.op == Op::HasMapKey) &&
      SpelledNotIn(p, e.pc)) {
    s.op = "not in";
    if (e.result.is_true() || e.result.is_false())
      s.value = e.result.is_true() ? "false" : "true";
  }
  switch (e.op) {
    case Op::IsNone:
    case Op::IsKnown:
      s.kind = "test";
      operands(1);
      break;
    case Op::Within: {
      s.kind = "window";
      operands(3);
      if (e.input_count == 3 && e.inputs[1].tag == Tag::Duration && e.inputs[2].tag == Tag::Date) {
        uint8_t dir = code[e.pc + 1];
        Value lo = ShiftDate(e.inputs[2], e.inputs[1], -1, e.pc);
        Value hi = ShiftDate(e.inputs[2], e.inputs[1], 1, e.pc);
        Value anchor = e.inputs[2];
        if (dir == 0 && !lo.is_unknown()) {
          s.note = fmt::format("window {} up to (not including) {}", text(lo), text(anchor));
        } else if (dir == 1 && !hi.is_unknown()) {
          s.note = fmt::format("window after {} through {}", text(anchor), text(hi));
        } else if (!lo.is_unknown() && !hi.is_unknown()) {
          s.note = fmt::format("window {} through {}", text(lo), text(hi));
        }
      }
      break;
    }
    case Op::Call: {
      s.kind = "call";
      s.op = BuiltinName(static_cast<BuiltinId>(code[e.pc + 1]));
      operands(3);
      auto id = static_cast<BuiltinId>(code[e.pc + 1]);
      if ((id == BuiltinId::Billable || id == BuiltinId::Exists) && e.input_count >= 1 &&
          e.inputs[0].tag == Tag::Code) {
        if (std::string_view about = description(e.inputs[0].code()); !about.empty())
          s.note.append(text(e.inputs[0])).append(": ").append(about);
        if (const Terminology* t = engine.terminology()) {
          if (std::optional<CodeSystem> system = SystemOf(e.inputs[0].code())) {
            if (const CodeSystemVersion* v = t->VersionAt(*system, dos))
              s.note.append(s.note.empty() ? "" : "; ").append("per ").append(v->name);
          }
        }
      }
      break;
    }
    case Op::Fact:
      s.kind = "fact";
      if (e.result.is_unknown())
        s.note = engine.DescribeMissing(e.pc);
      break;
    case Op::Lookup:
    case Op::Column:
    case Op::MapGet:
      s.kind = "lookup";
      operands(e.op == Op::MapGet ? 2 : 1);
      if (e.result.is_unknown())
        s.note = engine.DescribeMissing(e.pc);
      break;
    case Op::IterNext:
      s.kind = "element";
      s.operand_count = 0;
      if (e.input_count == 2)
        add_operand(std::to_string(e.inputs[1].i + 1));
      break;
    case Op::AccAny:
    case Op::AccAll:
    case Op::AccCount:
    case Op::AccSum:
    case Op::AccMin:
    case Op::AccMax:
    case Op::AccLatest:
    case Op::AccEarliest:
      s.kind = "chosen";
      s.op = AccumulatorWord(e.op);
      if (e.input_count == 3)
        add_operand(text(e.inputs[1]));
      break;
    default:
      if (s.kind.empty())
        s.kind = "value";
      break;
  }
}

namespace {

// `any x in L where A and B ...` that no element satisfied: the element that came nearest (fewest
// failed tests) and what it failed, or "" when that says no more than the plain comparison.
std::string NearestElement(const Engine& engine, const Claim& claim,
                           std::span<const TraceEvent> raw) {
  const auto text = [&](const Value& v) { return ValueText(engine.program(), claim, v); };
  const auto is_test = [](const TraceEvent& e) {
    return e.kind == TraceEvent::Kind::Step && e.op >= Op::Eq && e.op <= Op::Ge &&
           e.input_count == 2;
  };
  // The outer loop is the first iter_next; its events split the statement into elements.
  const auto first = std::find_if(raw.begin(), raw.end(), [](const TraceEvent& e) {
    return e.kind == TraceEvent::Kind::Step && e.op == Op::IterNext;
  });
  if (first == raw.end())
    return "";
  const uint32_t loop = first->pc;
  bool any = false;
  for (const TraceEvent& e : raw) {
    if (e.kind != TraceEvent::Kind::Step)
      continue;
    if (e.op == Op::AccAny)
      any = true;
    // Another quantifier's accumulator, or one that held: not a failed `any` over elements.
    if ((e.op == Op::AccAny && e.input_count >= 1 && e.inputs[0].is_true()) ||
        (e.op != Op::AccAny && e.op >= Op::AccAll && e.op <= Op::AccEarliest)) {
      return "";
    }
  }
  if (!any)
    return "";
  const TraceEvent* best_element = nullptr;
  const TraceEvent* best_failure = nullptr;
  size_t best_failures = 0;
  size_t tests = 0, most_tests = 0;
  const TraceEvent* element = nullptr;
  const TraceEvent* failure = nullptr;
  size_t failures = 0;
  const auto close = [&] {
    if (element && failure && (!best_element || failures < best_failures)) {
      best_element = element;
      best_failure = failure;
      best_failures = failures;
    }
    most_tests = std::max(most_tests, tests);
  };
  for (const TraceEvent& e : raw) {
    if (e.kind != TraceEvent::Kind::Step)
      continue;
    if (e.op == Op::IterNext && e.pc == loop) {
      close();
      element = &e;
      failure = nullptr;
      failures = tests = 0;
    } else if (element && is_test(e)) {
      ++tests;
      if (e.result.is_false() && failures++ == 0)
        failure = &e;
    }
  }
  close();
  // One test per element says nothing the plain comparison would not.
  if (!best_element || most_tests < 2 || best_element->result.tag != Tag::Record)
    return "";
  return fmt::format(
      "no element meets every condition; the nearest is {}, where `{}`: {} {} {} "
      "is false",
      text(best_element->result), engine.SpanText(best_failure->pc), text(best_failure->inputs[0]),
      OperatorText(best_failure->op), text(best_failure->inputs[1]));
}

}  // namespace

std::string WhyNot(const Engine& engine, const Claim& claim, const Finding& f, Day dos,
                   const StatementEvents* st) {
  if (f.missing_pc != kNoPc)
    return engine.DescribeUnknown(f);
  if (!st)
    return "";
  const Program& p = engine.program();
  const std::span<const TraceEvent> raw = st->raw;
  // An outcome stated with `when` fires because its condition held: nothing to satisfy.
  if (static_cast<Op>(p.code[st->pc]) == Op::Applies || static_cast<Op>(p.code[st->pc]) == Op::Emit)
    return "";
  const auto text = [&](const Value& v) { return ValueText(p, claim, v); };
  // A failed date comparison against the date of service: the date it would have needed.
  for (auto it = raw.rbegin(); it != raw.rend(); ++it) {
    const TraceEvent& e = *it;
    if (e.kind != TraceEvent::Kind::Step || !e.result.is_false() || e.input_count != 2)
      continue;
    if (e.op < Op::Eq || e.op > Op::Ge)
      continue;
    const Value& a = e.inputs[0];
    const Value& b = e.inputs[1];
    if (a.tag != Tag::Date || b.tag != Tag::Date)
      continue;
    bool dos_left = a.i == dos, dos_right = b.i == dos;
    if (!dos_left && !dos_right)
      continue;
    Op op = e.op;
    Value other = dos_left ? b : a;
    if (dos_right) {  // X op dos  ==  dos op' X
      op = MirroredComparison(op);
    }
    Day d = static_cast<Day>(other.i);
    switch (op) {
      case Op::Ge:
        return fmt::format("eligible from {}", FormatDate(d).view());
      case Op::Gt:
        return fmt::format("eligible from {}", FormatDate(d + 1).view());
      case Op::Le:
        return fmt::format("only through {}", FormatDate(d).view());
      case Op::Lt:
        return fmt::format("only before {}", FormatDate(d).view());
      default:
        break;
    }
  }

  // Codes tested against a codeset and none matched: name the set and what the claim has.
  // One pass: the codesets in the order first tested, whether any test held, the codes tried.
  struct Tested {
    uint16_t set;
    bool any_true;
    bool dx;
    std::vector<uint64_t> codes;
  };

  std::vector<Tested> sets;
  for (const TraceEvent& e : raw) {
    if (e.kind != TraceEvent::Kind::Step || e.op != Op::InCodeset)
      continue;
    uint16_t set = ReadU16(p.code.data(), e.pc + 1);
    auto it = std::find_if(sets.begin(), sets.end(), [&](const Tested& t) { return t.set == set; });
    if (it == sets.end()) {
      bool dx = e.input_count && e.inputs[0].tag == Tag::Code &&
                SystemOf(e.inputs[0].code()) == CodeSystem::Icd10cm;
      it = sets.insert(sets.end(), Tested{set, false, dx, {}});
    }
    if (e.result.is_true())
      it->any_true = true;
    if (e.input_count && e.inputs[0].tag == Tag::Code &&
        std::find(it->codes.begin(), it->codes.end(), e.inputs[0].code()) == it->codes.end()) {
      it->codes.push_back(e.inputs[0].code());
    }
  }
  for (const Tested& t : sets) {
    if (t.any_true || t.set >= p.codeset_names.size())
      continue;
    std::string list;
    for (uint64_t c : t.codes)
      list += (list.empty() ? "" : ", ") + text(Value::Code(c));
    return fmt::format("needs a {} in `{}`; the claim has {}", t.dx ? "diagnosis" : "code",
                       p.codeset_names[t.set], list.empty() ? "none" : list);
  }
  // A diagnosis that is not billable on the date of service.
  for (const TraceEvent& e : raw) {
    if (e.kind != TraceEvent::Kind::Step || e.op != Op::Call || !e.result.is_false() ||
        static_cast<BuiltinId>(p.code[e.pc + 1]) != BuiltinId::Billable || e.input_count < 1) {
      continue;
    }
    std::string version;
    if (const Terminology* t = engine.terminology()) {
      if (std::optional<CodeSystem> system = SystemOf(e.inputs[0].code())) {
        if (const CodeSystemVersion* v = t->VersionAt(*system, dos))
          version = " in " + v->name;
      }
    }
    return fmt::format(
        "{} is not a billable code{} (the date of service is {}): code it to its "
        "billable level",
        text(e.inputs[0]), version, FormatDate(dos).view());
  }
  // `any x in L where A and B ...` that no element satisfied: the last element's first failure
  // says little. Name the element that came nearest (fewest failed tests) and what it failed.
  if (std::string nearest = NearestElement(engine, claim, raw); !nearest.empty())
    return nearest;
  // A number compared: say which side fell short.
  for (auto it = raw.rbegin(); it != raw.rend(); ++it) {
    const TraceEvent& e = *it;
    if (e.kind != TraceEvent::Kind::Step || !e.result.is_false() || e.input_count != 2)
      continue;
    if (e.op < Op::Eq || e.op > Op::Ge)
      continue;
    return fmt::format("needs `{}`: {} {} {} is false", engine.SpanText(e.pc), text(e.inputs[0]),
                       OperatorText(e.op), text(e.inputs[1]));
  }
  // Its condition as written, from the debug tables (none in a program built without them).
  const StatementDebug* debug = StatementAt(p, st->pc);
  const std::string condition = debug ? engine.Excerpt(debug->file, debug->condition) : "";
  if (!condition.empty())
    return fmt::format("needs `{}` to hold", condition);
  return "";
}

}  // namespace warrant
