// The VM: decides every line of one claim against a verified Program.
//
// For each line it picks, per policy, the version in force on the line's date of service, visits
// only the rules that can apply to the line's code (the code index), runs each rule's bytecode
// with Kleene three-valued logic, and records findings. The line's decision is the strongest
// finding (rejected > denied > bundled > pended > covered > not_applicable). A Vm holds scratch
// space reused across claims, so deciding a claim allocates nothing once warm; one Vm per thread,
// sharing the immutable Program. This module does not parse JSON or format output.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/core/decision.h"
#include "runtime/pack/program.h"
#include "runtime/records/record.h"
#include "runtime/vm/fused_loop.h"

namespace warrant {

class Terminology;
class TraceSink;

struct Finding {
  OutcomeKind kind = OutcomeKind::Deny;  // never AutoPend: that is reported as Pend
  uint32_t outcome = 0;                  // the statement (site) that produced it
  uint32_t reason = UINT32_MAX;
  uint32_t missing_pc = kNoPc;  // a pend for missing data: what was missing
  bool auto_message = false;    // the message names what was missing
  bool alt_group = false;       // the reason's computed group applies
  bool from_unknown = false;    // the `if unknown` outcome of a requirement
  // Why the value at missing_pc was unknown: missing data, or arithmetic out of range.
  UnknownCause cause = UnknownCause::Missing;
};

struct LineDecision {
  Decision decision = Decision::NotApplicable;
  uint32_t first_finding = 0;  // into ClaimDecision::findings, strongest first
  uint32_t finding_count = 0;
  uint32_t rules_applied = 0;
};

struct ClaimDecision {
  std::vector<LineDecision> lines;
  std::vector<Finding> findings;

  void Clear() {
    lines.clear();
    findings.clear();
  }
};

// Policy versions grouped by policy id, and the code index of rules; built once per Program.
struct RuleIndex {
  struct Group {
    uint32_t first_policy = 0, count = 0;  // versions, sorted by `from`
  };

  std::vector<Group> groups;
  std::vector<uint32_t> group_of_policy;  // policy -> group
  std::vector<uint64_t> bounds;           // segment starts, sorted
  std::vector<uint32_t> segment_rules;    // per segment: offset into `rule_lists`
  std::vector<uint32_t> rule_lists;       // rule ids, each list ends with UINT32_MAX
  std::vector<uint32_t> unindexed;        // rules that must be visited for every line

  static RuleIndex Build(const Program& program);
};

// The most instructions deciding one claim may execute. Verified code always ends (loops only
// walk lists), but work multiplies: every line runs its rules, rules walk lists, quantifiers
// nest. Every instruction counts (straight-line code too), plus one per policy group and per
// candidate rule of each line; a claim that would need more is refused (R0712) rather than left
// running. 2^30: about ten seconds of one core, 400,000 times what the largest example claim
// needs (docs/limits.md).
inline constexpr uint64_t kMaxClaimInstructions = uint64_t{1} << 30;

// The most findings deciding one claim may make. A real claim has a few per line (450 lines at
// most, institutionally); a pack of thousands of rules over a claim at the 10,000-line limit
// could make tens of millions, each 24 bytes here and ~250 in the output. A claim that would make
// more is refused (R0713). See docs/limits.md.
inline constexpr size_t kMaxClaimFindings = 100'000;

class Vm {
 public:
  Vm(const Program& program, const RuleIndex& index, const Terminology* terminology);

  // Decides every line of `claim` into `out` (cleared first). `trace` may be null.
  void Decide(const Claim& claim, ClaimDecision& out, TraceSink* trace = nullptr);

  // Runs rule `rule` on 0-based line `line` of `claim` again under `trace`, as Decide ran it
  // there, into scratch space: no decision is touched. For explaining a rule that made a finding
  // without deciding the whole claim again. The rule has a budget of its own.
  void TraceRule(const Claim& claim, uint32_t line, uint32_t rule, TraceSink& trace);

  // Restricts decisions to the versions of one policy (a test exercises its own policy only);
  // an empty id lifts the restriction. False if the pack has no such policy.
  bool SetPolicyFilter(std::string_view policy_id);

  // Instructions executed by this Vm since it was made: a measure of work for tests.
  uint64_t instructions() const { return instructions_; }

  // The last Decide stopped early: the claim needed more than its budget of instructions, or
  // made more than kMaxClaimFindings findings (findings_full()).
  bool over_budget() const { return over_budget_; }

  bool findings_full() const { return findings_full_; }

  // The 1-based line being decided when the budget ran out (0 if it did not).
  uint32_t over_budget_line() const { return over_budget_line_; }

  // Instructions one claim may use (kMaxClaimInstructions unless a test lowers it).
  void set_instruction_budget(uint64_t budget) { budget_ = budget; }

  uint64_t instruction_budget() const { return budget_; }

  // Fused loops on (the default) or off: off, every loop runs as bytecode, so tests can hold the
  // two to the same decisions, findings and instruction counts.
  void set_fused_loops(bool on) { fused_on_ = on; }

  // How many loops of the program run fused (tests check the shapes they expect were found).
  size_t fused_loop_count() const { return fused_.loops.size(); }

 private:
  struct LineContext;
  void DecideLine(const Claim& claim, uint32_t line, ClaimDecision& out, TraceSink* trace);
  // Runs one rule; returns whether it applied.
  bool RunRule(uint32_t rule, const LineContext& ctx, ClaimDecision& out, TraceSink* trace);
  // Runs code from `pc` to its Return on the given stack and slots. With `applied` it is a rule
  // (Applies may end it early); without, an expression snippet whose value is returned.
  Value Execute(uint32_t pc, const LineContext& ctx, ClaimDecision& out, bool* applied,
                TraceSink* trace, Value* stack, Value* slots);
  // The interpreter loop; the untraced instance has no trace branches.
  template <bool kTraced>
  Value Interpret(uint32_t pc, const LineContext& ctx, ClaimDecision& out, bool* applied,
                  TraceSink* trace, Value* stack, Value* slots);
  // Marks the claim over budget (on 0-based `line`) once instructions_ passed budget_end_.
  bool OutOfBudget(uint32_t line);
  void SortFindings(ClaimDecision& out, uint32_t first);
  // False when the claim has kMaxClaimFindings already (nothing is added).
  bool AddFinding(OutcomeKind kind, uint32_t outcome, uint32_t reason, uint32_t missing_pc,
                  bool auto_message, const LineContext& ctx, ClaimDecision& out,
                  UnknownCause cause = UnknownCause::Missing);

  const Program& program_;
  const RuleIndex& index_;
  const Terminology* terminology_;
  std::vector<Value> stack_;
  std::vector<Value> slots_;
  std::vector<Value> snippet_stack_;  // a reason's group condition runs mid-rule: its own space
  std::vector<Value> snippet_slots_;
  std::vector<int32_t> chosen_;  // per policy group: chosen version for the current line
  // Rules to visit for the current line, when some rules are unindexed (otherwise the code
  // index's own list is read in place).
  std::vector<uint32_t> candidates_;
  std::vector<Finding> sort_buffer_;  // SortFindings' scratch for lines with many findings
  ClaimDecision traced_;              // TraceRule's findings, thrown away
  // Per rule: where its body starts when its `applies to` is exactly `line.code in S` on the
  // codeset the index found it by (the index already proved it true), else UINT32_MAX.
  std::vector<uint32_t> indexed_body_;

  // Quantifier loops whose condition is a conjunction of simple tests of the element, run
  // natively by untraced runs (runtime/vm/fused_loop.h).
  FusedLoops fused_;
  bool fused_on_ = true;
  uint32_t group_filter_ = UINT32_MAX;
  size_t max_slots_ = 0;
  size_t max_stack_ = 0;
  uint64_t instructions_ = 0;
  uint64_t budget_ = kMaxClaimInstructions;
  uint64_t budget_end_ = 0;  // instructions_ at which the current claim is over budget
  bool over_budget_ = false;
  bool findings_full_ = false;
  uint32_t over_budget_line_ = 0;
};

}  // namespace warrant
