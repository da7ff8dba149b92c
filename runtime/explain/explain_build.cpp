// Explain(): from the recorded events to an Explanation, and the "why not" hints.
//
// Events come in execution order: RuleStart, then the rule's steps, each statement closed by
// its condition (or, for a `let`, by the store of its value), then RuleEnd. Loops are
// recognised by their `iter_next` instruction, whose exit target bounds the loop body, so a
// step's depth is the number of loop bodies its pc lies in.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_condition.h"
#include "runtime/pack/builtins.h"
#include "runtime/pack/debug_tables.h"
#include "runtime/terminology/terminology.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {
namespace {

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

// A quantifier's accumulator instruction (`acc_any` .. `acc_earliest`).
bool IsAccumulator(Op op) {
  return *AccumulatorWord(op) != '\0';
}

// Whether a quantifier step changed anything worth showing: an element that matched (for
// `all`, one that did not).
bool Decisive(const TraceEvent& e) {
  if (e.input_count == 0)
    return true;
  return e.op == Op::AccAll ? !e.inputs[0].is_true() : !e.inputs[0].is_false();
}

// Evidence is for a decision record: a handful of values, never a whole history.
constexpr size_t kMaxEvidence = 16;

struct Loop {
  uint32_t begin = 0, end = 0;  // [iter_next pc, exit target)
};

class Builder {
 public:
  Builder(const Explainer& explainer, const Claim& claim, const ClaimDecision& decision,
          const ExplainOptions& options)
      : engine_(explainer.engine()),
        p_(engine_.program()),
        claim_(claim),
        decision_(decision),
        options_(options) {}

  Explanation Run(const std::vector<TraceEvent>& events);

 private:
  std::string Text(const Value& v) const { return ValueText(p_, claim_, v); }

  std::string Source(uint32_t pc) const;
  std::string Site(uint32_t pc) const;
  std::string Site(uint32_t file, uint32_t offset) const;
  uint32_t SourceLine(uint32_t pc) const;
  bool IsLet(uint32_t pc) const;
  std::string CodeDescription(uint64_t packed, Day dos) const;
  std::string DescribeMatch(const Codeset& set, uint64_t code) const;
  bool SpelledNotIn(uint32_t pc) const;
  ExplainStep MakeStep(const TraceEvent& e, int depth, Day dos) const;
  void CloseStatement(const TraceEvent& e, ExplainRule& rule, uint32_t line);
  ExplainLine StartLine(uint32_t line) const;
  void AddFindings(ExplainLine& out, uint32_t line) const;
  void FindStatement(uint32_t line, uint32_t outcome, const ExplainStatement** st,
                     const std::vector<TraceEvent>** raw) const;
  void AddEvidence(const ExplainStatement& st, ExplainFinding& x) const;
  std::string WhyNot(const ExplainStatement* st, const std::vector<TraceEvent>* raw,
                     const Finding& f, Day dos) const;
  std::string NearestElement(const std::vector<TraceEvent>& raw) const;
  void ReadFired(const TraceEvent& e, ExplainStatement& st, Day dos) const;
  std::string GroupNote(const ReasonData& reason, bool alt) const;

  const Engine& engine_;
  const Program& p_;
  const Claim& claim_;
  const ClaimDecision& decision_;
  const ExplainOptions& options_;

  // Per line: the statements' raw step events, kept to compute hints from values, not text.
  // The current statement's step events and their loop depths; rendered only if shown.
  struct Pending {
    std::vector<TraceEvent> raw;
    std::vector<int> depth;

    void Clear() {
      raw.clear();
      depth.clear();
    }
  };

  Pending pending_;
  uint32_t rule_ = 0;  // the rule being traced
  LetValues lets_;     // its lets' values so far, by slot
  std::vector<Loop> loops_;
  // The raw events of each statement that ended in a condition, by outcome site, per line.
  std::vector<std::vector<std::pair<uint32_t, std::vector<TraceEvent>>>> raw_by_site_;
  std::vector<std::vector<std::pair<uint32_t, ExplainStatement>>> statement_by_site_;
};

std::string Builder::Source(uint32_t pc) const {
  return engine_.SpanText(pc);
}

std::string Builder::Site(uint32_t file, uint32_t offset) const {
  return engine_.Location(file, offset);
}

std::string Builder::Site(uint32_t pc) const {
  return engine_.SpanSite(pc);
}

bool Builder::IsLet(uint32_t pc) const {
  const StatementDebug* statement = StatementAt(p_, pc);
  return statement && statement->kind == StatementKind::Let;
}

uint32_t Builder::SourceLine(uint32_t pc) const {
  const SpanEntry* span = p_.SpanAt(pc);
  if (!span || span->file >= p_.sources.size())
    return 0;
  return engine_.LineNumber(span->file, span->begin);
}

std::string Builder::CodeDescription(uint64_t packed, Day dos) const {
  const Terminology* t = engine_.terminology();
  if (!t)
    return "";
  return std::string(t->Description(packed, dos));
}

// The member of `set` that holds `code`, as the source would write it: the code itself, the
// shortest prefix (`E11.*`) whose codes all lie in the matching interval, or the interval.
std::string Builder::DescribeMatch(const Codeset& set, uint64_t code) const {
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
bool Builder::SpelledNotIn(uint32_t pc) const {
  std::optional<Instruction> ins = DecodeAt(p_.code, pc);
  return ins && SpellsNotIn(p_, pc + ins->size);
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

ExplainStep Builder::MakeStep(const TraceEvent& e, int depth, Day dos) const {
  ExplainStep s;
  s.expr = Source(e.pc);
  s.site = Site(e.pc);
  s.depth = depth;
  s.op = OperatorText(e.op);
  s.value = Text(e.result);
  auto operands = [&](size_t n) {
    for (size_t i = 0; i < n && i < e.input_count; ++i)
      s.operands.push_back(Text(e.inputs[i]));
  };
  const uint8_t* code = p_.code.data();
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
      if (set < p_.codeset_names.size())
        s.operands.push_back(p_.codeset_names[set]);
      if (e.input_count == 1 && e.inputs[0].tag == Tag::Code) {
        uint64_t c = e.inputs[0].code();
        std::string description = CodeDescription(c, dos);
        if (e.result.is_true() && set < p_.codesets.size() && set < p_.codeset_names.size()) {
          std::string match = WrittenMember(p_, set, c);
          if (match.empty())
            match = DescribeMatch(p_.codesets[set], c);
          if (!match.empty())
            s.note = "matched " + match;
        } else if (e.result.is_false()) {
          s.note = "no member matches";
        }
        if (!description.empty()) {
          s.note += (s.note.empty() ? "" : "; ") + Text(e.inputs[0]) + ": " + description;
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
  if ((s.kind == "codeset" || s.kind == "list") && SpelledNotIn(e.pc)) {
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
          s.note = fmt::format("window {} up to (not including) {}", Text(lo), Text(anchor));
        } else if (dir == 1 && !hi.is_unknown()) {
          s.note = fmt::format("window after {} through {}", Text(anchor), Text(hi));
        } else if (!lo.is_unknown() && !hi.is_unknown()) {
          s.note = fmt::format("window {} through {}", Text(lo), Text(hi));
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
        std::string description = CodeDescription(e.inputs[0].code(), dos);
        if (!description.empty())
          s.note = Text(e.inputs[0]) + ": " + description;
        if (const Terminology* t = engine_.terminology()) {
          if (std::optional<CodeSystem> system = SystemOf(e.inputs[0].code())) {
            if (const CodeSystemVersion* v = t->VersionAt(*system, dos)) {
              s.note += (s.note.empty() ? "" : "; ") + std::string("per ") + v->name;
            }
          }
        }
      }
      break;
    }
    case Op::Fact:
      s.kind = "fact";
      if (e.result.is_unknown())
        s.note = engine_.DescribeMissing(e.pc);
      break;
    case Op::Lookup:
    case Op::Column:
    case Op::MapGet:
      s.kind = "lookup";
      operands(e.op == Op::MapGet ? 2 : 1);
      if (e.result.is_unknown())
        s.note = engine_.DescribeMissing(e.pc);
      break;
    case Op::IterNext:
      s.kind = "element";
      s.operands.clear();
      if (e.input_count == 2)
        s.operands.push_back(std::to_string(e.inputs[1].i + 1));
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
        s.operands.push_back(Text(e.inputs[1]));
      break;
    default:
      if (s.kind.empty())
        s.kind = "value";
      break;
  }
  return s;
}

ExplainLine Builder::StartLine(uint32_t line) const {
  ExplainLine out;
  out.line = line + 1;
  if (!options_.steps)
    return out;  // evidence only: the findings are all that is read
  const LineRecord& rec = claim_.lines[line];
  Day dos = rec.date;
  if (rec.present.Has(FieldId::line_code)) {
    out.code = ValueText(p_, claim_, Value::Code(rec.code));
    out.code_description = CodeDescription(rec.code, dos);
  }
  out.service_date = FormatDate(dos).str();
  out.decision = DecisionName(decision_.lines[line].decision);
  return out;
}

// The requirement's hint: what was missing, the date from which it holds, the codeset a
// diagnosis must be in, or the comparison that failed. Computed from values, never from text.
std::string Builder::WhyNot(const ExplainStatement* st, const std::vector<TraceEvent>* raw,
                            const Finding& f, Day dos) const {
  if (f.missing_pc != kNoPc)
    return engine_.DescribeUnknown(f);
  if (!raw || !st)
    return "";
  // An outcome stated with `when` fires because its condition held: nothing to satisfy.
  if (st->kind == "applies" || st->kind == "emit")
    return "";
  // A failed date comparison against the date of service: the date it would have needed.
  for (auto it = raw->rbegin(); it != raw->rend(); ++it) {
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
      op = op == Op::Lt   ? Op::Gt
           : op == Op::Le ? Op::Ge
           : op == Op::Gt ? Op::Lt
           : op == Op::Ge ? Op::Le
                          : op;
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
  for (const TraceEvent& e : *raw) {
    if (e.kind != TraceEvent::Kind::Step || e.op != Op::InCodeset)
      continue;
    uint16_t set = ReadU16(p_.code.data(), e.pc + 1);
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
    if (t.any_true || t.set >= p_.codeset_names.size())
      continue;
    std::string list;
    for (uint64_t c : t.codes)
      list += (list.empty() ? "" : ", ") + Text(Value::Code(c));
    return fmt::format("needs a {} in `{}`; the claim has {}", t.dx ? "diagnosis" : "code",
                       p_.codeset_names[t.set], list.empty() ? "none" : list);
  }
  // A diagnosis that is not billable on the date of service.
  for (const TraceEvent& e : *raw) {
    if (e.kind != TraceEvent::Kind::Step || e.op != Op::Call || !e.result.is_false() ||
        static_cast<BuiltinId>(p_.code[e.pc + 1]) != BuiltinId::Billable || e.input_count < 1) {
      continue;
    }
    std::string version;
    if (const Terminology* t = engine_.terminology()) {
      if (std::optional<CodeSystem> system = SystemOf(e.inputs[0].code())) {
        if (const CodeSystemVersion* v = t->VersionAt(*system, dos))
          version = " in " + v->name;
      }
    }
    return fmt::format(
        "{} is not a billable code{} (the date of service is {}): code it to its "
        "billable level",
        Text(e.inputs[0]), version, FormatDate(dos).view());
  }
  // `any x in L where A and B ...` that no element satisfied: the last element's first failure
  // says little. Name the element that came nearest (fewest failed tests) and what it failed.
  if (std::string nearest = NearestElement(*raw); !nearest.empty())
    return nearest;
  // A number compared: say which side fell short.
  for (auto it = raw->rbegin(); it != raw->rend(); ++it) {
    const TraceEvent& e = *it;
    if (e.kind != TraceEvent::Kind::Step || !e.result.is_false() || e.input_count != 2)
      continue;
    if (e.op < Op::Eq || e.op > Op::Ge)
      continue;
    return fmt::format("needs `{}`: {} {} {} is false", Source(e.pc), Text(e.inputs[0]),
                       OperatorText(e.op), Text(e.inputs[1]));
  }
  if (!st->condition.empty())
    return fmt::format("needs `{}` to hold", st->condition);
  return "";
}

std::string Builder::NearestElement(const std::vector<TraceEvent>& raw) const {
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
      Text(best_element->result), Source(best_failure->pc), Text(best_failure->inputs[0]),
      OperatorText(best_failure->op), Text(best_failure->inputs[1]));
}

void Builder::FindStatement(uint32_t line, uint32_t outcome, const ExplainStatement** st,
                            const std::vector<TraceEvent>** raw) const {
  if (line >= statement_by_site_.size())
    return;
  for (const auto& [site, s] : statement_by_site_[line]) {
    if (site == outcome)
      *st = &s;
  }
  for (const auto& [site, r] : raw_by_site_[line]) {
    if (site == outcome)
      *raw = &r;
  }
}

// The statement's own values; for a quantifier alone, those of its elements (bounded).
void Builder::AddEvidence(const ExplainStatement& st, ExplainFinding& x) const {
  for (int depth = 0; depth <= 1 && x.evidence.empty(); ++depth) {
    for (const ExplainStep& s : st.steps) {
      if (s.depth == depth && s.kind != "element" && s.kind != "chosen" &&
          x.evidence.size() < kMaxEvidence) {
        x.evidence.push_back(s);
      }
    }
  }
}

void Builder::AddFindings(ExplainLine& out, uint32_t line) const {
  const LineDecision& d = decision_.lines[line];
  Day dos = claim_.lines[line].date;
  for (uint32_t i = 0; i < d.finding_count; ++i) {
    const Finding& f = decision_.findings[d.first_finding + i];
    const OutcomeData& o = p_.outcomes[f.outcome];
    const RuleData& rule = p_.rules[o.rule];
    const PolicyData& policy = p_.policies[rule.policy];
    ExplainFinding x;
    if (!options_.steps) {  // evidence only: why not and the decisive values
      const ExplainStatement* st = nullptr;
      const std::vector<TraceEvent>* raw = nullptr;
      FindStatement(line, f.outcome, &st, &raw);
      if (st)
        AddEvidence(*st, x);
      x.why_not = WhyNot(st, raw, f, dos);
      out.findings.push_back(std::move(x));
      continue;
    }
    x.outcome = OutcomeWord(f.kind);
    x.decision = DecisionName(DecisionOf(f.kind));
    const uint32_t reason = engine_.ReasonOf(f);
    if (reason != UINT32_MAX) {
      const ReasonData& r = p_.reasons[reason];
      x.reason = r.name;
      x.carc = fmt::format("{}-{}", f.alt_group ? r.alt_group : r.group, r.carc);
      x.rarcs = r.rarcs;
      x.group_note = GroupNote(r, f.alt_group);
    }
    x.policy_title = policy.title;
    x.citation = policy.source;
    x.message = FindingMessage(engine_, f);
    x.policy = policy.id;
    x.version = policy.version;
    x.rule = rule.name;
    x.site = engine_.SiteLocation(f.outcome);
    const ExplainStatement* st = nullptr;
    const std::vector<TraceEvent>* raw = nullptr;
    FindStatement(line, f.outcome, &st, &raw);
    if (st) {
      x.statement = st->source;
      if (st->decisive.empty())
        AddEvidence(*st, x);
      for (const ExplainStep& s : st->decisive) {
        if (x.evidence.size() < kMaxEvidence)
          x.evidence.push_back(s);
      }
    }
    x.why_not = WhyNot(st, raw, f, dos);
    if (f.missing_pc != kNoPc) {
      x.changes.push_back(x.why_not);  // what was missing
    } else if (st && !st->changes.empty()) {
      x.changes = st->changes;
    } else if (!x.why_not.empty()) {
      x.changes.push_back(x.why_not);
    }
    out.findings.push_back(std::move(x));
  }
}

void Builder::CloseStatement(const TraceEvent& e, ExplainRule& rule, uint32_t line) {
  ExplainStatement st;
  Op op = static_cast<Op>(p_.code[e.pc]);
  uint32_t site = UINT32_MAX;
  switch (op) {
    case Op::Applies:
      st.kind = "applies";
      site = ReadU16(p_.code.data(), e.pc + 1);
      break;
    case Op::Require:
      st.kind = "require";
      site = ReadU16(p_.code.data(), e.pc + 1);
      break;
    case Op::Emit:
      st.kind = "emit";
      site = ReadU16(p_.code.data(), e.pc + 1);
      break;
    case Op::When:
      st.kind = "when";
      site = ReadU16(p_.code.data(), e.pc + 1);
      break;
    default:
      st.kind = "let";
      break;
  }
  if (site != UINT32_MAX) {
    const LineDecision& d = decision_.lines[line];
    for (uint32_t i = 0; i < d.finding_count; ++i) {
      if (decision_.findings[d.first_finding + i].outcome == site)
        st.fired = true;
    }
  }
  if (!options_.steps && !st.fired) {  // evidence only: nothing else is shown
    pending_.Clear();
    return;
  }
  st.source = Source(e.pc);
  if (const StatementDebug* debug = StatementAt(p_, e.pc)) {
    st.name = debug->name;  // "let last = latest h in history ..." names its value
    st.head = engine_.Excerpt(debug->file, debug->head);
    st.condition = engine_.Excerpt(debug->file, debug->condition);
  } else {
    st.head = st.source;  // a program built without debug tables
  }
  if (options_.steps) {  // evidence only reads the source and the steps
    st.site = Site(e.pc);
    st.source_line = SourceLine(e.pc);
    st.value = Text(e.result);
  }
  Day dos = claim_.lines[line].date;
  size_t inner = 0;
  for (size_t i = 0; i < pending_.raw.size(); ++i) {
    const TraceEvent& step = pending_.raw[i];
    int depth = pending_.depth[i];
    if (IsAccumulator(step.op) && !Decisive(step))
      continue;
    // Evidence only (run --explain) keeps the statement's values and a bounded few of its
    // quantifier's, for a requirement that is a quantifier alone.
    if (!options_.steps && depth > 1)
      continue;
    if (!options_.steps && depth == 1 && inner++ >= 2 * kMaxEvidence)
      continue;
    st.steps.push_back(MakeStep(step, depth, dos));
  }
  if (options_.steps && st.fired)
    ReadFired(e, st, dos);
  if (site != UINT32_MAX) {
    if (raw_by_site_.size() <= line)
      raw_by_site_.resize(line + 1);
    if (statement_by_site_.size() <= line)
      statement_by_site_.resize(line + 1);
    raw_by_site_[line].emplace_back(site, std::move(pending_.raw));
    if (options_.steps) {
      statement_by_site_[line].emplace_back(site, st);
    } else {
      statement_by_site_[line].emplace_back(site, std::move(st));
    }
  }
  pending_.Clear();
  if (options_.steps)
    rule.statements.push_back(std::move(st));
}

// What would change a fired statement and the values that decided it, from its condition's
// tree (explain_condition.h). Only a full explanation reads it.
void Builder::ReadFired(const TraceEvent& e, ExplainStatement& st, Day dos) const {
  if (rule_ >= p_.rules.size())
    return;
  ConditionReading reading = ReadCondition(engine_, claim_, p_.rules[rule_], e.pc,
                                           {pending_.raw, pending_.depth, lets_}, dos);
  st.changes = std::move(reading.changes);
  for (const auto& [name, value] : reading.lets) {
    ExplainStep let;
    let.kind = "value";
    let.expr = name;
    let.value = Text(value);
    if (std::none_of(st.decisive.begin(), st.decisive.end(),
                     [&](const ExplainStep& s) { return s.kind == "value" && s.expr == name; })) {
      st.decisive.push_back(std::move(let));
    }
  }
  for (size_t i = 0; i < reading.decisive.size() && st.decisive.size() < kMaxEvidence; ++i) {
    const TraceEvent& step = pending_.raw[i];
    if (!reading.decisive[i] || (IsAccumulator(step.op) && !Decisive(step)))
      continue;
    st.decisive.push_back(MakeStep(step, pending_.depth[i], dos));
  }
}

// Why the CARC has its group: `group PR when ...` held or did not, and who the group makes liable.
std::string Builder::GroupNote(const ReasonData& reason, bool alt) const {
  const std::string& group = alt ? reason.alt_group : reason.group;
  const char* who = group == "CO"   ? "contractual obligation: the provider is liable"
                    : group == "PR" ? "patient responsibility: the patient may be billed"
                    : group == "PI" ? "payer-initiated reduction"
                    : group == "OA" ? "other adjustment"
                                    : "";
  std::string note = fmt::format("group {}{}{}", group, *who ? ", " : "", who);
  if (reason.alt_code == UINT32_MAX || reason.alt_group.empty())
    return note;
  // The condition's text is the span of its last instruction before the `return`.
  uint32_t last = reason.alt_code;
  for (uint32_t pc = reason.alt_code; pc < reason.alt_code_end;) {
    std::optional<Instruction> ins = DecodeAt(p_.code, pc);
    if (!ins || ins->op == Op::Return)
      break;
    last = pc;
    pc += ins->size;
  }
  const std::string& condition = engine_.SpanText(last);
  if (condition.empty())
    return note;
  return alt ? fmt::format("{} (not {}): `{}` holds", note, reason.group, condition)
             : fmt::format("{} ({} only when `{}`)", note, reason.alt_group, condition);
}

Explanation Builder::Run(const std::vector<TraceEvent>& events) {
  Explanation x;
  if (claim_.present.Has(FieldId::claim_id))
    x.claim_id = std::string(claim_.Str(claim_.id));
  x.pack = engine_.pack_hash();
  size_t n = std::min(claim_.lines.size(), decision_.lines.size());
  raw_by_site_.assign(n, {});
  statement_by_site_.assign(n, {});
  std::vector<std::optional<ExplainLine>> lines(n);
  for (uint32_t l = 0; l < n; ++l) {
    if (options_.only_line == 0 || options_.only_line == l + 1)
      lines[l] = StartLine(l);
  }

  ExplainRule* rule = nullptr;
  ExplainRule scratch;
  uint32_t line = 0;
  for (const TraceEvent& e : events) {
    switch (e.kind) {
      case TraceEvent::Kind::RuleStart: {
        line = e.line - 1;
        rule_ = e.rule;
        lets_.clear();
        pending_.Clear();
        loops_.clear();
        if (line >= n) {
          rule = nullptr;
          break;
        }
        if (!options_.steps) {  // evidence only: the statements that fire are all it needs
          bool fires = false;
          const LineDecision& d = decision_.lines[line];
          for (uint32_t i = 0; i < d.finding_count && !fires; ++i) {
            fires = p_.outcomes[decision_.findings[d.first_finding + i].outcome].rule == e.rule;
          }
          rule = fires ? &scratch : nullptr;
          break;
        }
        const RuleData& r = p_.rules[e.rule];
        const PolicyData& policy = p_.policies[r.policy];
        ExplainRule er;
        er.name = r.name;
        er.title = r.title;
        er.policy = policy.id;
        er.version = policy.version;
        er.site = Site(r.file, r.begin);
        if (r.file < p_.sources.size()) {
          er.file = p_.sources[r.file].name;
          er.first_line = engine_.LineNumber(r.file, r.begin);
          for (std::string_view piece : engine_.Lines(r.file).Pieces(r.begin, r.end))
            er.source_lines.emplace_back(piece);
        }
        er.applied = "false";
        if (lines[line]) {
          lines[line]->rules.push_back(std::move(er));
          rule = &lines[line]->rules.back();
        } else {
          scratch = std::move(er);
          rule = &scratch;
        }
        break;
      }
      case TraceEvent::Kind::RuleEnd:
        if (rule) {
          if (e.applied)
            rule->applied = "true";
          for (const ExplainStatement& st : rule->statements) {
            if (st.kind == "applies" && st.value == "unknown")
              rule->applied = "unknown";
          }
        }
        rule = nullptr;
        break;
      case TraceEvent::Kind::Condition:
        if (rule)
          CloseStatement(e, *rule, line);
        break;
      case TraceEvent::Kind::Step: {
        if (!rule)
          break;
        while (!loops_.empty() && (e.pc < loops_.back().begin || e.pc >= loops_.back().end)) {
          loops_.pop_back();
        }
        if (e.op == Op::IterNext) {
          if (loops_.empty() || loops_.back().begin != e.pc) {
            std::optional<Instruction> ins = DecodeAt(p_.code, e.pc);
            uint32_t end =
                ins ? static_cast<uint32_t>(static_cast<int64_t>(e.pc) + ins->size + ins->b)
                    : e.pc + 1;
            loops_.push_back(Loop{e.pc, std::max(end, e.pc + 1)});
          }
        }
        int depth = static_cast<int>(loops_.size());
        if (e.op == Op::Store) {
          // Only a `let` ends a statement; quantifiers store their accumulator's start.
          if (IsLet(e.pc)) {
            lets_.emplace_back(p_.code[e.pc + 1], e.result);
            CloseStatement(e, *rule, line);
          }
          break;
        }
        if (IsAccumulator(e.op))
          depth = std::max(depth, 1);
        pending_.raw.push_back(e);
        pending_.depth.push_back(depth);
        break;
      }
    }
  }

  for (uint32_t l = 0; l < n; ++l) {
    if (!lines[l])
      continue;
    ExplainLine& out = *lines[l];
    // The rules of a policy none of whose rules applied to the line are noise to an auditor
    // (the code index led there, nothing more): only --all-policies keeps them.
    if (!options_.all_policies) {
      std::vector<std::string> applied;
      for (const ExplainRule& r : out.rules) {
        if (r.applied != "false")
          applied.push_back(r.policy);
      }
      std::erase_if(out.rules, [&](const ExplainRule& r) {
        return std::find(applied.begin(), applied.end(), r.policy) == applied.end();
      });
    }
    // The version of each policy in force on the date of service, for the policies whose rules
    // were considered (the code index decides which those are).
    Day dos = claim_.lines[l].date;
    std::vector<std::string> seen;
    for (const ExplainRule& r : out.rules) {
      if (std::find(seen.begin(), seen.end(), r.policy) != seen.end())
        continue;
      seen.push_back(r.policy);
      for (const PolicyData& policy : p_.policies) {
        if (policy.id != r.policy || policy.from > dos || dos > policy.until)
          continue;
        ExplainPolicy ep;
        ep.id = policy.id;
        ep.version = policy.version;
        ep.title = policy.title;
        ep.source = policy.source;
        if (policy.from != kMinDay)
          ep.from = FormatDate(policy.from).str();
        if (policy.until != kMaxDay)
          ep.until = FormatDate(policy.until).str();
        out.policies.push_back(std::move(ep));
      }
    }
    AddFindings(out, l);
    x.lines.push_back(std::move(out));
  }
  return x;
}

}  // namespace

Explanation Explain(const Explainer& explainer, const Claim& claim, const ClaimDecision& decision,
                    const std::vector<TraceEvent>& events, const ExplainOptions& options) {
  Builder builder(explainer, claim, decision, options);
  return builder.Run(events);
}

}  // namespace warrant
