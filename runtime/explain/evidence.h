// `run --explain`: each finding's why_not and evidence, written inside its decision record
// straight from the events recorded while the claim was decided again.
//
// A claim is first decided untraced; for one with findings, an EvidenceRecorder runs each rule
// that made a finding again, on that line, under the trace (Session::TraceRule: nothing else is
// decided again), and keeps only the steps of the statements that made one. Those steps stay in
// one buffer reused from claim to claim, and each finding's members are written from them into
// the output: no Explanation is built. The text is what the full explanation
// (explain.h) says about the same finding, from the same step descriptions (explain_step.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_step.h"
#include "runtime/vm/trace.h"

namespace warrant {

class EvidenceRecorder final : public TraceSink, public FindingNotes {
 public:
  explicit EvidenceRecorder(const Explainer& explainer);

  // Forgets the last claim's events and records the steps of the findings of the claim
  // `session` decided last, running each rule that made one again. Then write the decision
  // records with this recorder as their notes (Session::AppendDecisions), before the session
  // decides another claim.
  void Record(Session& session);

  void RuleStart(uint32_t rule, uint32_t line) override;
  void RuleEnd(uint32_t rule, bool applied) override;
  void Condition(uint32_t pc, const Value& value) override;
  void Step(uint32_t pc, Op op, std::span<const Value> inputs, const Value& result) override;

  // `,"why_not":...` (when there is one) and `,"evidence":[...]` for finding `finding` of line
  // `line` (both 0-based).
  void AppendMembers(uint32_t line, uint32_t finding, std::string& out) const override;

 private:
  // A statement that made a finding: its condition's pc and outcome site, and its step events,
  // events_[begin, end).
  struct Statement {
    uint32_t line = 0;  // 0-based
    uint32_t site = 0;
    uint32_t pc = 0;
    uint32_t begin = 0, end = 0;
  };

  // Whether a finding of 0-based `line` came from outcome site `site`.
  bool FiredSite(uint32_t line, uint32_t site) const;
  void AppendEvidence(const Statement& st, std::string& out) const;
  std::string_view ExprAt(uint32_t pc) const;

  const Engine& engine_;
  const Program& p_;
  const Claim* claim_ = nullptr;
  const ClaimDecision* decision_ = nullptr;

  // The rule and outcome site of each finding, by line: line l's are
  // fired_[fired_at_[l], fired_at_[l + 1]).
  struct Fired {
    uint32_t rule = 0, site = 0;
  };

  std::vector<Fired> fired_;
  std::vector<uint32_t> fired_at_;

  std::vector<TraceEvent> events_;     // the kept statements' steps, then the current one's
  std::vector<uint8_t> depth_;         // per event: the loop bodies it lies in (at most 255)
  std::vector<Statement> statements_;  // in line order
  uint32_t kept_ = 0;  // events_ before this are kept; after it, the current statement's steps
  uint32_t line_ = 0;  // the current rule's, 0-based
  LoopDepth loops_;
  mutable StepText step_;  // scratch for AppendMembers
  // Per span of the pack (Program::spans), its steps' `,"expr":...,"at":...` escaped once, when
  // first written; then the same for a pc without a span.
  mutable std::vector<std::string> expr_at_;
};

}  // namespace warrant
