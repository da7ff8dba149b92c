// Coverage: which conditions the decided claims drove to true, false and unknown, and which
// declared outcomes fired.
//
// A CoverageSink is a TraceSink: pass it to Session::Decide (or Vm::Decide) for each claim, then
// call ClaimDone with the claim and its decision. Every condition the VM consumes has a site (an
// index into Program::outcomes): a rule's `applies to`, a `require`, a `when`, an `OUTCOME when`.
// A rule indexed by code (`applies to line where line.code in S ...`) is not run for a line whose
// code is outside S; ClaimDone counts that as its `applies to` being false. This module keeps
// counts by site and rule; mapping them to source lines and printing them is the caller's job.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/pack/program.h"
#include "runtime/vm/trace.h"
#include "runtime/vm/vm.h"

namespace warrant {

struct Claim;

// The statement a condition site belongs to.
enum class SiteKind : uint8_t { Applies, Require, When, Direct };

struct SiteCoverage {
  SiteKind kind = SiteKind::Require;
  uint32_t true_count = 0, false_count = 0, unknown_count = 0;
  uint32_t fired = 0;          // findings of the declared outcome (require's `else`, a direct one)
  uint32_t fired_unknown = 0;  // findings of a require's `if unknown` outcome
};

struct RuleCoverage {
  uint32_t applies_site = UINT32_MAX;
  uint32_t runs = 0;              // lines the rule ran for
  uint32_t skipped_by_index = 0;  // lines in force whose code the rule's codeset excludes
};

class CoverageSink : public TraceSink {
 public:
  explicit CoverageSink(const Program& program);

  void RuleStart(uint32_t rule, uint32_t line) override;
  void RuleEnd(uint32_t rule, bool applied) override;
  void Condition(uint32_t pc, const Value& value) override;

  // Call after each claim decided with this sink: records the findings' outcomes and the lines
  // that the code index kept from a rule in force. `policy_id` is the policy filter the claim was
  // decided under ("" for none).
  void ClaimDone(const Claim& claim, const ClaimDecision& decision, std::string_view policy_id);

  const std::vector<SiteCoverage>& sites() const { return sites_; }  // by outcome index

  const std::vector<RuleCoverage>& rules() const { return rules_; }

 private:
  const Program& program_;
  std::vector<SiteCoverage> sites_;
  std::vector<RuleCoverage> rules_;
  std::vector<uint64_t> started_;  // (rule << 32 | 1-based line) of the current claim
};

}  // namespace warrant
