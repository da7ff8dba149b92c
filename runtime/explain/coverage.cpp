#include "runtime/explain/coverage.h"

#include <algorithm>

#include "runtime/records/record.h"

namespace warrant {

CoverageSink::CoverageSink(const Program& program)
    : program_(program), sites_(program.outcomes.size()), rules_(program.rules.size()) {
  // Each condition instruction names its site; its opcode says what kind of statement it is.
  for (uint32_t r = 0; r < program.rules.size(); ++r) {
    const RuleData& rule = program.rules[r];
    for (uint32_t pc = rule.applies_code; pc < rule.code_end;) {
      std::optional<Instruction> in = DecodeAt(program.code, pc);
      if (!in)
        break;  // a verified program never gets here
      auto site = static_cast<uint32_t>(in->a);
      bool is_condition = true;
      SiteKind kind = SiteKind::Require;
      switch (in->op) {
        case Op::Applies:
          kind = SiteKind::Applies;
          if (rules_[r].applies_site == UINT32_MAX)
            rules_[r].applies_site = site;
          break;
        case Op::Require:
          kind = SiteKind::Require;
          break;
        case Op::When:
          kind = SiteKind::When;
          break;
        case Op::Emit:
          kind = SiteKind::Direct;
          break;
        default:
          is_condition = false;
          break;
      }
      if (is_condition && site < sites_.size())
        sites_[site].kind = kind;
      pc += in->size;
    }
  }
}

void CoverageSink::RuleStart(uint32_t rule, uint32_t line) {
  if (rule < rules_.size())
    rules_[rule].runs++;
  started_.push_back(static_cast<uint64_t>(rule) << 32 | line);
}

void CoverageSink::RuleEnd(uint32_t, bool) {}

void CoverageSink::Condition(uint32_t pc, const Value& value) {
  std::optional<Instruction> in = DecodeAt(program_.code, pc);
  if (!in || in->a < 0 || static_cast<uint64_t>(in->a) >= sites_.size())
    return;
  SiteCoverage& site = sites_[static_cast<size_t>(in->a)];
  if (value.is_true()) {
    site.true_count++;
  } else if (value.is_unknown()) {
    site.unknown_count++;
  } else {
    site.false_count++;  // false, or a non-boolean the VM treats as not true
  }
}

void CoverageSink::ClaimDone(const Claim& claim, const ClaimDecision& decision,
                             std::string_view policy_id) {
  for (const Finding& f : decision.findings) {
    if (f.outcome >= sites_.size() || f.auto_message)
      continue;  // automatic pends: unknowns
    if (f.from_unknown) {
      sites_[f.outcome].fired_unknown++;
    } else {
      sites_[f.outcome].fired++;
    }
  }
  // A rule in force on a line's date that did not run was excluded by the code index: the line's
  // code is outside the codeset its `applies to` starts with, so that condition was false.
  std::sort(started_.begin(), started_.end());
  for (uint32_t l = 0; l < claim.lines.size(); ++l) {
    Day dos = claim.lines[l].date;
    for (uint32_t r = 0; r < program_.rules.size(); ++r) {
      const RuleData& rule = program_.rules[r];
      if (rule.index_codeset == UINT32_MAX)
        continue;
      const PolicyData& policy = program_.policies[rule.policy];
      if (!policy_id.empty() && policy.id != policy_id)
        continue;
      if (dos < policy.from || dos > policy.until || dos < rule.from || dos > rule.until)
        continue;
      uint64_t key = static_cast<uint64_t>(r) << 32 | (l + 1);
      if (std::binary_search(started_.begin(), started_.end(), key))
        continue;
      rules_[r].skipped_by_index++;
      if (rules_[r].applies_site < sites_.size())
        sites_[rules_[r].applies_site].false_count++;
    }
  }
  started_.clear();
}

}  // namespace warrant
