// The interpreter loop and the per-line decision procedure. Value semantics (Kleene logic,
// comparisons, calendar arithmetic) are in vm_ops.h so this file reads as the control flow.
#include "runtime/vm/vm.h"

#include <algorithm>
#include <array>

#include "runtime/pack/builtins.h"
#include "runtime/terminology/terminology.h"
#include "runtime/vm/trace.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {

RuleIndex RuleIndex::Build(const Program& program) {
  RuleIndex index;
  index.group_of_policy.resize(program.policies.size());
  for (uint32_t p = 0; p < program.policies.size(); ++p) {
    if (index.groups.empty() ||
        program.policies[index.groups.back().first_policy].id != program.policies[p].id) {
      index.groups.push_back(Group{p, 0});
    }
    index.groups.back().count++;
    index.group_of_policy[p] = static_cast<uint32_t>(index.groups.size() - 1);
  }
  // Segment the code space at every interval boundary of every indexed rule's codeset; each
  // segment lists the rules whose codeset covers it, so a line's code finds its rules with one
  // binary search.
  std::vector<uint64_t> points;
  for (uint32_t r = 0; r < program.rules.size(); ++r) {
    uint32_t cs = program.rules[r].index_codeset;
    if (cs == UINT32_MAX) {
      index.unindexed.push_back(r);
      continue;
    }
    for (const CodeInterval& iv : program.codesets[cs].intervals()) {
      points.push_back(iv.lo);
      if (iv.hi != UINT64_MAX)
        points.push_back(iv.hi + 1);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<uint32_t> current;
  std::vector<uint32_t> previous = {UINT32_MAX - 1};
  for (uint64_t start : points) {
    current.clear();
    for (uint32_t r = 0; r < program.rules.size(); ++r) {
      uint32_t cs = program.rules[r].index_codeset;
      if (cs != UINT32_MAX && program.codesets[cs].Contains(start))
        current.push_back(r);
    }
    if (current == previous)
      continue;  // merge segments with the same rules
    index.bounds.push_back(start);
    index.segment_rules.push_back(static_cast<uint32_t>(index.rule_lists.size()));
    index.rule_lists.insert(index.rule_lists.end(), current.begin(), current.end());
    index.rule_lists.push_back(UINT32_MAX);
    previous = current;
  }
  return index;
}

struct Vm::LineContext {
  const Claim* claim = nullptr;
  uint32_t line = 0;  // 0-based
  Day dos = 0;
  uint32_t rule = 0;
  uint32_t first_finding = 0;
};

Vm::Vm(const Program& program, const RuleIndex& index, const Terminology* terminology)
    : program_(program), index_(index), terminology_(terminology) {
  for (const RuleData& r : program.rules) {
    max_slots_ = std::max<size_t>(max_slots_, r.slots);
    max_stack_ = std::max<size_t>(max_stack_, r.max_stack);
  }
  stack_.resize(max_stack_ + 4);
  slots_.resize(max_slots_ + 4);
  size_t snippet_stack = 4, snippet_slots = 4;
  for (const ReasonData& r : program.reasons) {
    snippet_stack = std::max<size_t>(snippet_stack, r.alt_max_stack + 4u);
    snippet_slots = std::max<size_t>(snippet_slots, r.alt_slots + 4u);
  }
  snippet_stack_.resize(snippet_stack);
  snippet_slots_.resize(snippet_slots);
  chosen_.resize(index.groups.size());
  // `applies to line.code in S` compiles to `scope line; field code; in_codeset S; applies`.
  indexed_body_.assign(program.rules.size(), UINT32_MAX);
  const std::vector<uint8_t>& code = program.code;
  for (uint32_t r = 0; r < program.rules.size(); ++r) {
    const RuleData& rule = program.rules[r];
    const uint32_t pc = rule.applies_code;
    constexpr uint32_t kLength = 10;
    if (rule.index_codeset == UINT32_MAX || rule.index_codeset > UINT16_MAX ||
        pc + kLength > code.size()) {
      continue;
    }
    if (code[pc] == static_cast<uint8_t>(Op::Scope) &&
        code[pc + 1] == static_cast<uint8_t>(ScopeId::line) &&
        code[pc + 2] == static_cast<uint8_t>(Op::Field) &&
        code[pc + 3] == static_cast<uint8_t>(FieldId::line_code) &&
        code[pc + 4] == static_cast<uint8_t>(Op::InCodeset) &&
        ReadU16(code.data(), pc + 5) == rule.index_codeset &&
        code[pc + 7] == static_cast<uint8_t>(Op::Applies)) {
      indexed_body_[r] = pc + kLength;
    }
  }
  fused_ = FusedLoops::Find(program);
}

bool Vm::SetPolicyFilter(std::string_view policy_id) {
  group_filter_ = UINT32_MAX;
  if (policy_id.empty())
    return true;
  for (uint32_t g = 0; g < index_.groups.size(); ++g) {
    if (program_.policies[index_.groups[g].first_policy].id == policy_id) {
      group_filter_ = g;
      return true;
    }
  }
  return false;
}

void Vm::Decide(const Claim& claim, ClaimDecision& out, TraceSink* trace) {
  out.Clear();
  over_budget_ = false;
  findings_full_ = false;
  over_budget_line_ = 0;
  budget_end_ = instructions_ + budget_;
  for (uint32_t line = 0; line < claim.lines.size() && !over_budget_; ++line) {
    DecideLine(claim, line, out, trace);
  }
}

bool Vm::OutOfBudget(uint32_t line) {
  if (instructions_ <= budget_end_)
    return false;
  if (!over_budget_ && !findings_full_)
    over_budget_line_ = line + 1;
  over_budget_ = true;
  return true;
}

void Vm::DecideLine(const Claim& claim, uint32_t line, ClaimDecision& out, TraceSink* trace) {
  LineContext ctx;
  ctx.claim = &claim;
  ctx.line = line;
  ctx.dos = claim.lines[line].date;
  ctx.first_finding = static_cast<uint32_t>(out.findings.size());

  // Candidate rules: the code segment's list merged with the unindexed rules, in pack order.
  candidates_.clear();
  const uint32_t* segment = nullptr;
  if (!index_.bounds.empty() && claim.lines[line].present.Has(FieldId::line_code)) {
    // The last segment starting at or before the code, by a binary search without a branch
    // per step (Codeset::Contains does the same).
    const uint64_t code = claim.lines[line].code;
    const uint64_t* base = index_.bounds.data();
    size_t n = index_.bounds.size();
    while (n > 1) {
      const size_t half = n / 2;
      base = base[half] <= code ? base + half : base;
      n -= half;
    }
    if (*base <= code)
      segment = &index_.rule_lists[index_.segment_rules[base - index_.bounds.data()]];
  }
  const uint32_t* list = nullptr;
  size_t count = 0;
  if (index_.unindexed.empty()) {
    // Every rule is indexed (the common pack): the segment's list is the candidates, as it is.
    list = segment;
    while (segment && segment[count] != UINT32_MAX)
      ++count;
  } else {
    size_t u = 0;
    while (true) {
      uint32_t a = segment && *segment != UINT32_MAX ? *segment : UINT32_MAX;
      uint32_t b = u < index_.unindexed.size() ? index_.unindexed[u] : UINT32_MAX;
      if (a == UINT32_MAX && b == UINT32_MAX)
        break;
      if (a < b) {
        candidates_.push_back(a);
        ++segment;
      } else {
        candidates_.push_back(b);
        ++u;
      }
    }
    list = candidates_.data();
    count = candidates_.size();
  }

  // Choosing versions and candidates is work too, whatever the rules then run: it counts against
  // the budget as one instruction per policy group and per candidate rule.
  instructions_ += 1 + index_.groups.size() + count;
  if (count == 0) {
    // No rule can apply (most lines of most claims): not applicable, without choosing versions.
    LineDecision none;
    none.first_finding = ctx.first_finding;
    out.lines.push_back(none);
    return;
  }

  // The version of each policy in force on the date of service (-1: none).
  for (size_t g = 0; g < index_.groups.size(); ++g) {
    const RuleIndex::Group& group = index_.groups[g];
    chosen_[g] = -1;
    for (uint32_t p = group.first_policy; p < group.first_policy + group.count; ++p) {
      const PolicyData& policy = program_.policies[p];
      if (policy.from <= ctx.dos && ctx.dos <= policy.until) {
        chosen_[g] = static_cast<int32_t>(p);
        break;
      }
    }
  }

  LineDecision decision;
  for (size_t k = 0; k < count; ++k) {
    const uint32_t r = list[k];
    // Checked before every rule as well as on every loop pass: a rule's straight-line code is
    // bounded by its length, so a claim overruns its budget by at most one rule's code.
    if (OutOfBudget(line))
      break;
    const RuleData& rule = program_.rules[r];
    uint32_t group = index_.group_of_policy[rule.policy];
    if (group_filter_ != UINT32_MAX && group != group_filter_)
      continue;
    if (chosen_[group] != static_cast<int32_t>(rule.policy))
      continue;
    if (ctx.dos < rule.from || ctx.dos > rule.until)
      continue;
    if (RunRule(r, ctx, out, trace))
      decision.rules_applied++;
  }

  SortFindings(out, ctx.first_finding);
  auto begin = out.findings.begin() + ctx.first_finding;
  decision.first_finding = ctx.first_finding;
  decision.finding_count = static_cast<uint32_t>(out.findings.size()) - ctx.first_finding;
  if (decision.rules_applied > 0)
    decision.decision = Decision::Covered;
  for (auto it = begin; it != out.findings.end(); ++it) {
    decision.decision = std::max(decision.decision, DecisionOf(it->kind));
  }
  out.lines.push_back(decision);
}

// Strongest first; ties keep pack order (the order findings were made). A line usually has a
// handful of findings, sorted in place by insertion; a line with many (thousands of requirements
// failing) is sorted by counting into a reused buffer, so the cost stays linear either way.
void Vm::SortFindings(ClaimDecision& out, uint32_t first) {
  const auto begin = out.findings.begin() + first;
  const auto count = static_cast<size_t>(out.findings.end() - begin);
  if (count <= 32) {
    for (auto it = begin; it != out.findings.end(); ++it) {
      Finding moving = *it;
      auto hole = it;
      while (hole != begin && DecisionOf((hole - 1)->kind) < DecisionOf(moving.kind)) {
        *hole = *(hole - 1);
        --hole;
      }
      *hole = moving;
    }
    return;
  }
  constexpr size_t kDecisions = static_cast<size_t>(Decision::Rejected) + 1;
  std::array<size_t, kDecisions + 1> start{};
  for (auto it = begin; it != out.findings.end(); ++it)
    ++start[kDecisions - static_cast<size_t>(DecisionOf(it->kind))];
  for (size_t d = 1; d <= kDecisions; ++d)
    start[d] += start[d - 1];
  sort_buffer_.resize(count);
  for (auto it = begin; it != out.findings.end(); ++it)
    sort_buffer_[start[kDecisions - 1 - static_cast<size_t>(DecisionOf(it->kind))]++] = *it;
  std::copy(sort_buffer_.begin(), sort_buffer_.end(), begin);
}

void Vm::TraceRule(const Claim& claim, uint32_t line, uint32_t rule, TraceSink& trace) {
  if (line >= claim.lines.size() || rule >= program_.rules.size())
    return;
  LineContext ctx;
  ctx.claim = &claim;
  ctx.line = line;
  ctx.dos = claim.lines[line].date;
  traced_.Clear();
  over_budget_ = false;
  findings_full_ = false;
  over_budget_line_ = 0;
  budget_end_ = instructions_ + budget_;
  RunRule(rule, ctx, traced_, &trace);
}

bool Vm::RunRule(uint32_t rule, const LineContext& line_ctx, ClaimDecision& out, TraceSink* trace) {
  LineContext ctx = line_ctx;
  ctx.rule = rule;
  if (trace)
    trace->RuleStart(rule, ctx.line + 1);
  bool applied = false;
  // The code generator stores before it loads, but the verifier does not prove it, and a slot
  // left over from another rule or claim may point into a record that is gone: start every run
  // from unknowns.
  std::fill_n(slots_.begin(), program_.rules[rule].slots, Value::Unknown(kNoPc));
  // A rule the code index selected (DecideLine) whose applies test is that index's own codeset
  // test already holds: start at its body. A trace still sees the test run.
  uint32_t start = program_.rules[rule].applies_code;
  if (!trace && indexed_body_[rule] != UINT32_MAX) {
    applied = true;
    start = indexed_body_[rule];
  }
  Execute(start, ctx, out, &applied, trace, stack_.data(), slots_.data());
  if (trace)
    trace->RuleEnd(rule, applied);
  return applied;
}

bool Vm::AddFinding(OutcomeKind kind, uint32_t outcome, uint32_t reason, uint32_t missing_pc,
                    bool auto_message, const LineContext& ctx, ClaimDecision& out,
                    UnknownCause cause) {
  if (out.findings.size() >= kMaxClaimFindings) {
    // Too many: stop the claim at the next budget check (the next rule or loop pass), as if its
    // instructions had run out, and keep no more.
    if (!findings_full_) {
      findings_full_ = true;
      over_budget_line_ = ctx.line + 1;
      budget_end_ = 0;
    }
    return false;
  }
  Finding f;
  f.kind = kind == OutcomeKind::AutoPend ? OutcomeKind::Pend : kind;
  f.outcome = outcome;
  f.reason = reason;
  f.missing_pc = missing_pc;
  f.auto_message = auto_message;
  f.cause = cause;
  if (reason != UINT32_MAX) {
    const ReasonData& r = program_.reasons[reason];
    if (r.alt_code != UINT32_MAX) {
      // The group code may depend on the line (GA shifts liability to the patient).
      std::fill_n(snippet_slots_.begin(), r.alt_slots, Value::Unknown(kNoPc));
      Value v = Execute(r.alt_code, ctx, out, nullptr, nullptr, snippet_stack_.data(),
                        snippet_slots_.data());
      f.alt_group = v.is_true();
    }
  }
  out.findings.push_back(f);
  return true;
}

Value Vm::Execute(uint32_t pc, const LineContext& ctx, ClaimDecision& out, bool* applied,
                  TraceSink* trace, Value* stack, Value* slots) {
  if (trace)
    return Interpret<true>(pc, ctx, out, applied, trace, stack, slots);
  return Interpret<false>(pc, ctx, out, applied, nullptr, stack, slots);
}

namespace {

// The instructions whose values an explanation shows: the ones that decide, not the plumbing
// (opcodes.def's Trace column). Generated as switches, not read from kOpInfos, so that in each
// case of the dispatch switch the compiler knows the answer and the traced loop pays nothing
// for asking.
constexpr bool IsTracedStep(Op op) {
  switch (op) {
#define WARRANT_OP(Name, Mnemonic, AW, AK, BW, BK, Pops, Pushes, F, Trace, Doc) \
  case Op::Name:                                                                \
    return TraceKind::Trace == TraceKind::Step;
#include "runtime/pack/opcodes.def"
  }
  return false;
}

// How many stack values a traced step consumed: its Pops, for Call its builtin's arity (the
// builtin is Call's u8 operand, just after the opcode).
inline size_t StepPops(Op op, const uint8_t* code, uint32_t at) {
  [[maybe_unused]] constexpr int Arity = kPopsArity;  // the Pops column's word for Call
  int pops = 0;
  switch (op) {
#define WARRANT_OP(Name, Mnemonic, AW, AK, BW, BK, Pops, Pushes, F, Trace, Doc) \
  case Op::Name:                                                                \
    pops = Pops;                                                                \
    break;
#include "runtime/pack/opcodes.def"
  }
  return static_cast<size_t>(pops == kPopsArity ? BuiltinArity(static_cast<BuiltinId>(code[at + 1]))
                                                : pops);
}

// A quantifier step: the accumulator sits in slot `acc`, the loop's list, index and element in
// the three slots above it (the code generator's layout), so the sink can name the element.
void TraceAccumulate(TraceSink* trace, uint32_t at, Op op, const Value* slots, uint8_t acc,
                     const Value& predicate, const Value* x) {
  // inputs: the predicate, the value taken (the element itself for any/all/count), its index
  Value in[3] = {predicate, x ? *x : slots[acc + 3], Value::Int(slots[acc + 2].i - 1)};
  trace->Step(at, op, in, slots[acc]);
}

}  // namespace

template <bool kTraced>
Value Vm::Interpret(uint32_t pc, const LineContext& ctx, ClaimDecision& out, bool* applied,
                    TraceSink* trace, Value* stack, Value* slots) {
  const uint8_t* code = program_.code.data();
  Value* sp = stack;  // the next free entry
  OpContext op_ctx{program_, *ctx.claim, ctx.line, ctx.dos, terminology_};
  Value result = Value::Unknown(kNoPc);

  // Every instruction counts. The count lives in a local (a register, not a store per
  // instruction) and joins instructions_ when this call returns; the budget is checked where
  // code repeats (each loop pass) and, by DecideLine, before every rule.
  struct Count {
    uint64_t& total;
    uint64_t here = 0;

    ~Count() { total += here; }
  } count{instructions_};

  for (;;) {
    ++count.here;
    uint32_t at = pc;
    Op op = static_cast<Op>(code[pc]);
    pc += 1;
    [[maybe_unused]] Value inputs[3];
    [[maybe_unused]] size_t input_count = 0;
    if constexpr (kTraced) {
      if (IsTracedStep(op)) {
        input_count = std::min<size_t>(3, static_cast<size_t>(sp - stack));
        for (size_t k = 0; k < input_count; ++k)
          inputs[k] = sp[-static_cast<ptrdiff_t>(input_count - k)];
      }
    }
    switch (op) {
      case Op::PushConst:
        *sp++ = ConstantValue(program_, ReadU16(code, pc));
        pc += 2;
        break;
      case Op::PushTrue:
        *sp++ = Value::Bool(true);
        break;
      case Op::PushFalse:
        *sp++ = Value::Bool(false);
        break;
      case Op::PushNone:
        *sp++ = Value::None();
        break;
      case Op::PushInt:
        *sp++ = Value::Int(ReadI32(code, pc));
        pc += 4;
        break;
      case Op::Load:
        *sp++ = slots[code[pc]];
        pc += 1;
        break;
      case Op::Store:
        slots[code[pc]] = *--sp;
        if constexpr (kTraced)
          trace->Step(at, op, {}, slots[code[pc]]);
        pc += 1;
        break;
      case Op::Pop:
        --sp;
        break;
      case Op::Dup:
        *sp = sp[-1];
        ++sp;
        break;
      case Op::Scope:
        *sp++ = ScopeValue(op_ctx, static_cast<ScopeId>(code[pc]), at);
        pc += 1;
        break;
      case Op::Field:
        sp[-1] = FieldValue(op_ctx, static_cast<FieldId>(code[pc]), sp[-1], at);
        pc += 1;
        break;
      case Op::Fact: {
        uint16_t fact = ReadU16(code, pc);
        pc += 2;
        Value v = fact < ctx.claim->facts.size() ? ctx.claim->facts[fact] : Value::Unknown(at);
        if (v.is_unknown())
          v.aux = at;
        *sp++ = v;
        break;
      }
      case Op::Lookup:
        sp[-1] = TableLookup(program_, ReadU16(code, pc), sp[-1], at);
        pc += 2;
        break;
      case Op::Column:
        sp[-1] = TableColumn(program_, ReadU16(code, pc), sp[-1], at);
        pc += 2;
        break;
      case Op::HasKey:
        sp[-1] = TableHasKey(program_, ReadU16(code, pc), sp[-1]);
        pc += 2;
        break;
      case Op::MapGet:
        sp[-2] = MapGet(op_ctx, sp[-2], sp[-1], at);
        --sp;
        break;
      case Op::InCodeset:
        // A code is the common operand: test it here rather than through the general routine.
        if (sp[-1].tag == Tag::Code) {
          sp[-1] = Value::Bool(program_.codesets[ReadU16(code, pc)].Contains(sp[-1].code()));
        } else {
          sp[-1] = InCodeset(program_.codesets[ReadU16(code, pc)], sp[-1]);
        }
        pc += 2;
        break;
      case Op::InList:
        sp[-2] = InList(op_ctx, sp[-2], sp[-1]);
        --sp;
        break;
      case Op::HasMapKey:
        sp[-2] = HasMapKey(op_ctx, sp[-2], sp[-1]);
        --sp;
        break;
      case Op::Not:
        sp[-1] = KleeneNot(sp[-1]);
        break;
      case Op::And:
        sp[-2] = KleeneAnd(sp[-2], sp[-1]);
        --sp;
        break;
      case Op::Or:
        sp[-2] = KleeneOr(sp[-2], sp[-1]);
        --sp;
        break;
      case Op::IsNone:
        sp[-1] = Value::Bool(sp[-1].tag == Tag::None || sp[-1].tag == Tag::Unknown);
        break;
      case Op::IsKnown:
        sp[-1] = Value::Bool(sp[-1].tag != Tag::None && sp[-1].tag != Tag::Unknown);
        break;
      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        // Two numbers or two dates of one kind compare as integers; everything else (unknowns,
        // mixed kinds, strings, durations) takes the general routine.
        if (sp[-2].tag == sp[-1].tag &&
            (sp[-1].tag == Tag::Int || sp[-1].tag == Tag::Date || sp[-1].tag == Tag::Decimal)) {
          sp[-2] = Value::Bool(CompareInts(op, sp[-2].i, sp[-1].i));
        } else {
          sp[-2] = CompareOp(op, sp[-2], sp[-1], at);
        }
        --sp;
        break;
      case Op::Neg:
        sp[-1] = Negate(sp[-1], at);
        break;
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
        sp[-2] = Arithmetic(op, sp[-2], sp[-1], at);
        --sp;
        break;
      case Op::Within:
        sp[-3] = WithinOp(sp[-3], sp[-2], sp[-1], code[pc], at);
        sp -= 2;
        pc += 1;
        break;
      case Op::Call: {
        auto id = static_cast<BuiltinId>(code[pc]);
        pc += 1;
        int arity = BuiltinArity(id);
        sp -= arity;
        *sp = CallBuiltin(op_ctx, id, sp, at);
        ++sp;
        break;
      }
      case Op::Jump:
        pc = static_cast<uint32_t>(static_cast<int64_t>(pc) + 4 + ReadI32(code, pc));
        break;
      case Op::JumpIfFalse: {
        Value c = *--sp;
        int32_t offset = ReadI32(code, pc);
        pc += 4;
        if (c.is_false())
          pc = static_cast<uint32_t>(static_cast<int64_t>(pc) + offset);
        break;
      }
      case Op::JumpIfNotTrue: {
        Value c = *--sp;
        int32_t offset = ReadI32(code, pc);
        pc += 4;
        if (!c.is_true())
          pc = static_cast<uint32_t>(static_cast<int64_t>(pc) + offset);
        break;
      }
      case Op::Select: {
        Value c = sp[-3];
        if (c.is_unknown()) {
          sp[-3] = c;
        } else {
          sp[-3] = c.is_true() ? sp[-2] : sp[-1];
        }
        sp -= 2;
        break;
      }
      case Op::IterStart: {
        uint8_t s = code[pc];
        pc += 1;
        Value list = *--sp;
        if (list.tag != Tag::List) {
          // Over a list that is missing (or `none`) the aggregate is unknown, not the value of an
          // empty list: the accumulator sits in the slot below the loop's (codegen's layout).
          if (s >= 1)
            slots[s - 1] = list.is_unknown() ? list : Value::Unknown(at);
          list = Value::List(ListKind::Empty, 0, 0);
        }
        slots[s] = list;
        slots[s + 1] = Value::Int(0);
        if constexpr (!kTraced) {
          if (fused_on_ && fused_.at[at] != UINT32_MAX) {
            // The whole loop at once, with the same result, slots and instruction count as
            // running its bytecode per element.
            const FusedLoop& f = fused_.loops[fused_.at[at]];
            RunFusedLoop(fused_, f, op_ctx, list, slots);
            count.here += uint64_t{f.per_element} * list.aux + 1;
            if (instructions_ + count.here > budget_end_) {
              if (!findings_full_)
                over_budget_line_ = ctx.line + 1;
              over_budget_ = true;
              return Value::Unknown(kNoPc);
            }
            pc = f.end;
          }
        }
        break;
      }
      case Op::IterNext: {
        uint8_t s = code[pc];
        int32_t offset = ReadI32(code, pc + 1);
        pc += 5;
        if (instructions_ + count.here > budget_end_) {
          if (!findings_full_)
            over_budget_line_ = ctx.line + 1;
          over_budget_ = true;
          return Value::Unknown(kNoPc);
        }
        const Value& list = slots[s];
        int64_t i = slots[s + 1].i;
        if (i < static_cast<int64_t>(list.aux)) {
          slots[s + 2] = ListElement(op_ctx, list, static_cast<uint32_t>(i));
          slots[s + 1].i = i + 1;
          if constexpr (kTraced) {
            Value in[2] = {list, Value::Int(i)};
            trace->Step(at, op, in, slots[s + 2]);
          }
        } else {
          pc = static_cast<uint32_t>(static_cast<int64_t>(pc) + offset);
        }
        break;
      }
      case Op::AccAny:
        slots[code[pc]] = KleeneOr(slots[code[pc]], *--sp);
        if constexpr (kTraced)
          TraceAccumulate(trace, at, op, slots, code[pc], sp[0], nullptr);
        pc += 1;
        break;
      case Op::AccAll:
        slots[code[pc]] = KleeneAnd(slots[code[pc]], *--sp);
        if constexpr (kTraced)
          TraceAccumulate(trace, at, op, slots, code[pc], sp[0], nullptr);
        pc += 1;
        break;
      case Op::AccCount: {
        Value& acc = slots[code[pc]];
        Value p = *--sp;
        pc += 1;
        if (!acc.is_unknown()) {
          if (p.is_unknown()) {
            acc = p;
          } else if (p.is_true()) {
            acc.i += 1;
          }
        }
        if constexpr (kTraced)
          TraceAccumulate(trace, at, op, slots, code[pc - 1], p, nullptr);
        break;
      }
      case Op::AccSum:
      case Op::AccMin:
      case Op::AccMax:
      case Op::AccLatest:
      case Op::AccEarliest: {
        Value x = *--sp;
        Value p = *--sp;
        Value& acc = slots[code[pc]];
        pc += 1;
        Accumulate(op_ctx, op, acc, p, x, at);
        if constexpr (kTraced)
          TraceAccumulate(trace, at, op, slots, code[pc - 1], p, &x);
        break;
      }
      case Op::MakeList:
        *sp++ = ConstantValue(program_, ReadU16(code, pc));
        pc += 2;
        break;
      case Op::Applies: {
        uint16_t site = ReadU16(code, pc);
        pc += 2;
        Value c = *--sp;
        if constexpr (kTraced)
          trace->Condition(at, c);
        if (c.is_true()) {
          *applied = true;
          break;
        }
        if (c.is_unknown()) {
          *applied = true;
          AddFinding(OutcomeKind::AutoPend, site, UINT32_MAX, c.aux, true, ctx, out,
                     c.unknown_cause());
        }
        return Value::Unknown(kNoPc);
      }
      case Op::Require: {
        uint16_t site = ReadU16(code, pc);
        pc += 2;
        Value c = *--sp;
        if constexpr (kTraced)
          trace->Condition(at, c);
        const OutcomeData& o = program_.outcomes[site];
        if (c.is_false() || (!c.is_true() && !c.is_unknown())) {
          AddFinding(o.kind, site, o.reason, kNoPc, false, ctx, out);
        } else if (c.is_unknown()) {
          if (o.unknown_kind == OutcomeKind::AutoPend) {
            AddFinding(OutcomeKind::AutoPend, site, UINT32_MAX, c.aux, true, ctx, out,
                       c.unknown_cause());
          } else {
            if (AddFinding(o.unknown_kind, site, o.unknown_reason, c.aux, false, ctx, out,
                           c.unknown_cause()))
              out.findings.back().from_unknown = true;
          }
        }
        break;
      }
      case Op::Emit: {
        uint16_t site = ReadU16(code, pc);
        pc += 2;
        Value c = *--sp;
        if constexpr (kTraced)
          trace->Condition(at, c);
        const OutcomeData& o = program_.outcomes[site];
        if (c.is_true()) {
          AddFinding(o.kind, site, o.reason, kNoPc, false, ctx, out);
        } else if (c.is_unknown() && o.kind != OutcomeKind::Flag) {
          AddFinding(OutcomeKind::AutoPend, site, UINT32_MAX, c.aux, true, ctx, out,
                     c.unknown_cause());
        }
        break;
      }
      case Op::When: {
        uint16_t site = ReadU16(code, pc);
        int32_t offset = ReadI32(code, pc + 2);
        pc += 6;
        Value c = *--sp;
        if constexpr (kTraced)
          trace->Condition(at, c);
        if (c.is_true())
          break;
        if (c.is_unknown()) {
          AddFinding(OutcomeKind::AutoPend, site, UINT32_MAX, c.aux, true, ctx, out,
                     c.unknown_cause());
        }
        pc = static_cast<uint32_t>(static_cast<int64_t>(pc) + offset);
        break;
      }
      case Op::Return:
        if (sp > stack)
          result = sp[-1];
        return result;
    }
    if constexpr (kTraced) {
      if (IsTracedStep(op)) {
        const size_t consumed = std::min(StepPops(op, code, at), input_count);
        trace->Step(at, op, std::span<const Value>(inputs + (input_count - consumed), consumed),
                    sp[-1]);
      }
    }
  }
}

template Value Vm::Interpret<true>(uint32_t, const LineContext&, ClaimDecision&, bool*, TraceSink*,
                                   Value*, Value*);
template Value Vm::Interpret<false>(uint32_t, const LineContext&, ClaimDecision&, bool*, TraceSink*,
                                    Value*, Value*);

}  // namespace warrant
