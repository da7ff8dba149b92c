// W0703: a gap between the effective ranges of one policy's versions.
//
// Overlaps are the checker's error E0401; a gap is legal (no version is in force, so the policy
// does not apply to lines dated in it) but is far more often a typo in an `until` or `effective`
// date than an intended lapse in coverage criteria.
#include <fmt/format.h>

#include "compiler/lint/linter.h"

namespace warrant::lint {

void LintVersions(Linter& l) {
  for (const check::Policy& policy : l.checked.policies) {
    for (size_t i = 1; i < policy.versions.size(); ++i) {
      const check::PolicyVersion& prev = policy.versions[i - 1];
      const check::PolicyVersion& cur = policy.versions[i];
      // Open ends are INT32_MIN / INT32_MAX; an open `until` followed by another version is an
      // overlap, reported by the checker.
      if (prev.until == INT32_MAX || cur.from == INT32_MIN || cur.from <= prev.until + 1)
        continue;
      std::string first = FormatDate(prev.until + 1).str();
      std::string last = FormatDate(cur.from - 1).str();
      const ast::PolicyHeader& header = *l.ast.files[cur.file].policy;
      const ast::PolicyHeader& before = *l.ast.files[prev.file].policy;
      Span at = header.effective ? header.effective->span : header.version_span;
      auto& d = l.Emit(diag::DiagCode::PolicyVersionGap, cur.file, at, policy.id, first, last);
      Span until = before.effective ? before.effective->span : before.version_span;
      d.notes.push_back(
          {l.Fid(prev.file), until,
           fmt::format("version {} ends on {}", prev.version, FormatDate(prev.until).str())});
      d.help = fmt::format(
          "lines dated in the gap get no decision from this policy; start version {} on {} or "
          "end version {} on {}, unless the policy really lapsed",
          cur.version, first, prev.version, last);
    }
  }
}

}  // namespace warrant::lint
