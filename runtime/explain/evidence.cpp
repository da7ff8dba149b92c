// EvidenceRecorder (evidence.h): the steps of the statements that made findings, and their
// evidence written from them.
#include "runtime/explain/evidence.h"

#include <algorithm>

#include "runtime/core/text.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {

EvidenceRecorder::EvidenceRecorder(const Explainer& explainer)
    : engine_(explainer.engine()), p_(engine_.program()) {}

void EvidenceRecorder::Record(Session& session) {
  const Claim& claim = session.claim();
  const ClaimDecision& decision = session.decision();
  claim_ = &claim;
  decision_ = &decision;
  const size_t lines = std::min(claim.lines.size(), decision.lines.size());
  fired_.clear();
  fired_at_.clear();
  for (size_t l = 0; l < lines; ++l) {
    fired_at_.push_back(static_cast<uint32_t>(fired_.size()));
    const LineDecision& d = decision.lines[l];
    for (uint32_t i = 0; i < d.finding_count; ++i) {
      const uint32_t site = decision.findings[d.first_finding + i].outcome;
      fired_.push_back(Fired{p_.outcomes[site].rule, site});
    }
  }
  fired_at_.push_back(static_cast<uint32_t>(fired_.size()));
  events_.clear();
  depth_.clear();
  statements_.clear();
  kept_ = 0;
  line_ = 0;
  loops_.Clear();
  // Each rule that made a finding, once per line (findings are in order of strength, not of
  // rules: which rule runs first does not matter, as each statement is found by its site).
  for (uint32_t l = 0; l + 1 < fired_at_.size(); ++l) {
    for (uint32_t i = fired_at_[l]; i < fired_at_[l + 1]; ++i) {
      const uint32_t rule = fired_[i].rule;
      if (std::none_of(fired_.begin() + fired_at_[l], fired_.begin() + i,
                       [&](const Fired& f) { return f.rule == rule; })) {
        session.TraceRule(l, rule, *this);
      }
    }
  }
}

bool EvidenceRecorder::FiredSite(uint32_t line, uint32_t site) const {
  if (line + 1 >= fired_at_.size())
    return false;
  return std::any_of(fired_.begin() + fired_at_[line], fired_.begin() + fired_at_[line + 1],
                     [&](const Fired& f) { return f.site == site; });
}

void EvidenceRecorder::RuleStart(uint32_t /*rule*/, uint32_t line) {
  line_ = line - 1;
  events_.resize(kept_);
  depth_.resize(kept_);
  loops_.Clear();
}

void EvidenceRecorder::RuleEnd(uint32_t /*rule*/, bool /*applied*/) {}

void EvidenceRecorder::Condition(uint32_t pc, const Value& /*value*/) {
  const Op op = static_cast<Op>(p_.code[pc]);
  if (op == Op::Applies || op == Op::Require || op == Op::Emit || op == Op::When) {
    const uint32_t site = ReadU16(p_.code.data(), pc + 1);
    if (FiredSite(line_, site)) {
      const auto end = static_cast<uint32_t>(events_.size());
      statements_.push_back(Statement{line_, site, pc, kept_, end});
      kept_ = end;
      return;
    }
  }
  // A statement that made no finding: nothing of it is shown.
  events_.resize(kept_);
  depth_.resize(kept_);
}

void EvidenceRecorder::Step(uint32_t pc, Op op, std::span<const Value> inputs,
                            const Value& result) {
  int depth = loops_.Step(p_, pc, op);
  if (op == Op::Store) {
    // Only a `let` ends a statement (one that makes no finding); quantifiers store their
    // accumulator's start.
    if (EndsLet(p_, pc)) {
      events_.resize(kept_);
      depth_.resize(kept_);
    }
    return;
  }
  if (IsAccumulator(op))
    depth = std::max(depth, 1);
  SetStep(events_.emplace_back(), pc, op, inputs, result);
  depth_.push_back(static_cast<uint8_t>(std::min(depth, 255)));
}

void EvidenceRecorder::AppendMembers(uint32_t line, uint32_t finding, std::string& out) const {
  if (line >= decision_->lines.size() || line + 1 >= fired_at_.size() ||
      finding >= decision_->lines[line].finding_count) {
    return;
  }
  const Finding& f = decision_->findings[decision_->lines[line].first_finding + finding];
  // The statement that made it: the last of its line at its site.
  const Statement* st = nullptr;
  auto it = std::lower_bound(statements_.begin(), statements_.end(), line,
                             [](const Statement& s, uint32_t l) { return s.line < l; });
  for (; it != statements_.end() && it->line == line; ++it) {
    if (it->site == f.outcome)
      st = &*it;
  }
  StatementEvents events;
  if (st)
    events = StatementEvents{st->pc, std::span(events_.data() + st->begin, st->end - st->begin)};
  const std::string why_not =
      WhyNot(engine_, *claim_, f, claim_->lines[line].date, st ? &events : nullptr);
  if (!why_not.empty()) {
    out += ",\"why_not\":";
    AppendJsonString(out, why_not);
  }
  out += ",\"evidence\":[";
  if (st)
    AppendEvidence(*st, out);
  out += ']';
}

// The statement's own values (depth 0); for a quantifier alone, those of its elements (depth 1:
// among the first 2 * kMaxEvidence of its steps there). Never the elements or the quantifier's
// choices themselves, and at most kMaxEvidence.
void EvidenceRecorder::AppendEvidence(const Statement& st, std::string& out) const {
  const Day dos = claim_->lines[st.line].date;
  size_t written = 0;
  for (int want = 0; want <= 1 && written == 0; ++want) {
    size_t inner = 0;
    for (uint32_t i = st.begin; i < st.end && written < kMaxEvidence; ++i) {
      const TraceEvent& e = events_[i];
      const int depth = depth_[i];
      if (IsAccumulator(e.op) && !Decisive(e))
        continue;
      if (depth > 1 || (depth == 1 && inner++ >= 2 * kMaxEvidence))
        continue;
      if (depth != want || e.op == Op::IterNext || IsAccumulator(e.op))
        continue;
      if (written++)
        out += ',';
      DescribeStep(engine_, *claim_, e, depth, dos, step_);
      AppendStepJson(step_.view(ExprAt(e.pc)), out);
    }
  }
}

std::string_view EvidenceRecorder::ExprAt(uint32_t pc) const {
  if (expr_at_.empty())
    expr_at_.resize(p_.spans.size() + 1);
  const SpanEntry* span = p_.SpanAt(pc);
  std::string& members =
      expr_at_[span ? static_cast<size_t>(span - p_.spans.data()) : p_.spans.size()];
  if (members.empty()) {
    members = ",\"expr\":";
    AppendJsonString(members, engine_.SpanText(pc));
    members += ",\"at\":";
    AppendJsonString(members, engine_.SpanSite(pc));
  }
  return members;
}

}  // namespace warrant
