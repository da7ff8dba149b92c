// Explain(): from the recorded events to an Explanation.
//
// Events come in execution order: RuleStart, then the rule's steps, each statement closed by
// its condition (or, for a `let`, by the store of its value), then RuleEnd. A step's depth is
// the number of loop bodies its pc lies in (LoopDepth, explain_step.h).
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "runtime/core/date.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_condition.h"
#include "runtime/explain/explain_step.h"
#include "runtime/pack/debug_tables.h"
#include "runtime/terminology/terminology.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {
namespace {

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
  std::string CodeDescription(uint64_t packed, Day dos) const;
  ExplainStep MakeStep(const TraceEvent& e, int depth, Day dos);
  void CloseStatement(const TraceEvent& e, ExplainRule& rule, uint32_t line);
  ExplainLine StartLine(uint32_t line) const;
  void AddFindings(ExplainLine& out, uint32_t line) const;
  void AddEvidence(const ExplainStatement& st, ExplainFinding& x) const;
  void ReadFired(const TraceEvent& e, ExplainStatement& st, Day dos);
  std::string GroupNote(const ReasonData& reason, bool alt) const;

  const Engine& engine_;
  const Program& p_;
  const Claim& claim_;
  const ClaimDecision& decision_;
  const ExplainOptions& options_;

  // The current statement's step events and their loop depths.
  struct Pending {
    std::vector<TraceEvent> raw;
    std::vector<int> depth;

    void Clear() {
      raw.clear();
      depth.clear();
    }
  };

  // A statement that ended in a condition at an outcome site: its raw step events, kept to
  // compute hints from values, not text.
  struct Closed {
    uint32_t site = 0;
    uint32_t pc = 0;  // its condition's
    std::vector<TraceEvent> raw;
    ExplainStatement statement;
  };

  // The statement that made a finding at outcome site `outcome` on 0-based `line`, or null.
  const Closed* FindStatement(uint32_t line, uint32_t outcome) const;

  Pending pending_;
  uint32_t rule_ = 0;  // the rule being traced
  LetValues lets_;     // its lets' values so far, by slot
  LoopDepth loops_;
  StepText step_;
  std::vector<std::vector<Closed>> closed_;  // per line
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

ExplainStep Builder::MakeStep(const TraceEvent& e, int depth, Day dos) {
  DescribeStep(engine_, claim_, e, depth, dos, step_);
  ExplainStep s;
  s.kind = step_.kind;
  s.expr = Source(e.pc);
  s.site = Site(e.pc);
  s.op = step_.op;
  s.operands.assign(step_.operands.begin(), step_.operands.begin() + step_.operand_count);
  s.value = step_.value;
  s.note = step_.note;
  s.depth = step_.depth;
  return s;
}

ExplainLine Builder::StartLine(uint32_t line) const {
  ExplainLine out;
  out.line = line + 1;
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

const Builder::Closed* Builder::FindStatement(uint32_t line, uint32_t outcome) const {
  const Closed* found = nullptr;
  if (line < closed_.size()) {
    for (const Closed& c : closed_[line]) {
      if (c.site == outcome)
        found = &c;
    }
  }
  return found;
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
    const Closed* closed = FindStatement(line, f.outcome);
    StatementEvents events;
    if (closed) {
      const ExplainStatement& st = closed->statement;
      x.statement = st.source;
      if (st.decisive.empty() || !options_.decisive_evidence) {
        AddEvidence(st, x);
      } else {
        for (const ExplainStep& s : st.decisive) {
          if (x.evidence.size() < kMaxEvidence)
            x.evidence.push_back(s);
        }
      }
      events = StatementEvents{closed->pc, closed->raw};
    }
    x.why_not = WhyNot(engine_, claim_, f, dos, closed ? &events : nullptr);
    if (f.missing_pc != kNoPc) {
      x.changes.push_back(x.why_not);  // what was missing
    } else if (closed && !closed->statement.changes.empty()) {
      x.changes = closed->statement.changes;
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
  st.source = Source(e.pc);
  if (const StatementDebug* debug = StatementAt(p_, e.pc)) {
    st.name = debug->name;  // "let last = latest h in history ..." names its value
    st.head = engine_.Excerpt(debug->file, debug->head);
    st.condition = engine_.Excerpt(debug->file, debug->condition);
  } else {
    st.head = st.source;  // a program built without debug tables
  }
  st.site = Site(e.pc);
  st.source_line = SourceLine(e.pc);
  st.value = Text(e.result);
  Day dos = claim_.lines[line].date;
  for (size_t i = 0; i < pending_.raw.size(); ++i) {
    const TraceEvent& step = pending_.raw[i];
    if (IsAccumulator(step.op) && !Decisive(step))
      continue;
    st.steps.push_back(MakeStep(step, pending_.depth[i], dos));
  }
  if (st.fired)
    ReadFired(e, st, dos);
  if (site != UINT32_MAX) {
    if (closed_.size() <= line)
      closed_.resize(line + 1);
    closed_[line].push_back(Closed{site, e.pc, std::move(pending_.raw), st});
  }
  pending_.Clear();
  rule.statements.push_back(std::move(st));
}

// What would change a fired statement and the values that decided it, from its condition's
// tree (explain_condition.h).
void Builder::ReadFired(const TraceEvent& e, ExplainStatement& st, Day dos) {
  if (rule_ >= p_.rules.size())
    return;
  ConditionReading reading = ReadCondition(engine_, claim_, p_.rules[rule_], e.pc,
                                           {pending_.raw, pending_.depth, lets_}, dos);
  st.changes = std::move(reading.changes);
  for (const auto& [let_name, value] : reading.lets) {
    const std::string& name = let_name;  // clang 14 cannot capture a structured binding
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
  closed_.assign(n, {});
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
        loops_.Clear();
        if (line >= n) {
          rule = nullptr;
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
        int depth = loops_.Step(p_, e.pc, e.op);
        if (e.op == Op::Store) {
          // Only a `let` ends a statement; quantifiers store their accumulator's start.
          if (EndsLet(p_, e.pc)) {
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
