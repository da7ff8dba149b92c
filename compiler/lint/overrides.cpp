// W0713: a reason or fact declared in one file that changes the findings of another policy.
//
// Reasons and facts are scoped to their file and its importers (language.md §2), so reaching
// another policy is always the doing of an `import`; these are the cases where that is easy to
// miss. A reason that maps a standard reason to other codes, or that is declared in another
// policy's file, reaches each policy whose outcomes (or pends on missing data, for
// `documentation`) name it through an import: editing one policy then changes another's
// remittance codes. A fact is one per name in the pack, and a claim may carry any value one of
// its declarations allows: a declaration that allows a value another policy's declaration does
// not list hands that policy's rules a value they were not written for. Versions of one policy
// are one policy here.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

class OverrideFinder {
 public:
  explicit OverrideFinder(Linter& l) : l_(l) {}

  void Run() {
    for (uint32_t i = 0; i < l_.checked.reasons.size(); ++i) {
      if (!l_.checked.reasons[i].from_stdlib)
        Reason(i);
    }
    for (uint32_t f = 0; f < l_.ast.files.size(); ++f) {
      for (uint32_t i = 0; i < l_.ast.files[f].facts.size(); ++i)
        Fact(f, i);
    }
  }

 private:
  std::string PolicyOf(uint32_t file) const {
    const ast::File& f = l_.ast.files[file];
    return f.policy ? f.policy->id.text : std::string();
  }

  // Whether a rule of `file` names reason `name` in an outcome (a missing-data pend names
  // `documentation`, a bundle without reason `bundling`).
  bool Names(uint32_t file, const std::string& name) const {
    const ast::File& f = l_.ast.files[file];
    if (name == "documentation" && !f.rules.empty())
      return true;
    for (const ast::Rule& rule : f.rules) {
      if (Names(rule.body, name))
        return true;
    }
    return false;
  }

  bool Names(const std::vector<ast::StmtId>& body, const std::string& name) const {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      auto names = [&](const ast::Outcome& o) {
        if (o.reason)
          return o.reason->text == name;
        return o.kind == ast::OutcomeKind::Bundle && name == "bundling";
      };
      if ((s.kind == ast::StmtKind::Require || s.kind == ast::StmtKind::Direct) &&
          names(s.outcome)) {
        return true;
      }
      if (s.unknown_outcome && names(*s.unknown_outcome))
        return true;
      if (Names(s.body, name))
        return true;
    }
    return false;
  }

  void Reason(uint32_t index) {
    const check::ReasonDecl& r = l_.checked.reasons[index];
    std::string home = PolicyOf(r.file);
    const check::ReasonDecl* standard = nullptr;
    for (const check::ReasonDecl& s : l_.checked.reasons) {
      if (s.from_stdlib && s.name == r.name)
        standard = &s;
    }
    // A library's own reasons are meant to be shared; a standard one remapped, or one that lives
    // in a policy's file, is what reaches others unnoticed.
    if (!standard && home.empty())
      return;
    std::set<std::string> reached;
    for (uint32_t g = 0; g < l_.ast.files.size(); ++g) {
      std::string policy = PolicyOf(g);
      if (g == r.file || policy.empty() || policy == home)
        continue;
      auto seen = l_.checked.reason_scope[g].find(r.name);
      if (seen != l_.checked.reason_scope[g].end() && seen->second == index && Names(g, r.name))
        reached.insert(policy);
    }
    if (reached.empty())
      return;
    std::string policies;
    for (const std::string& p : reached)
      policies += fmt::format("{}`{}`", policies.empty() ? "" : ", ", p);
    const ast::Reason& decl = l_.ast.files[r.file].reasons[r.index];
    auto codes_of = [](const check::ReasonDecl& x, const ast::Reason* written) {
      std::string out = x.group + "-" + x.carc;
      for (size_t i = 0; i < x.rarcs.size(); ++i)
        out += (i ? ", " : " remark ") + x.rarcs[i];
      if (written && written->alt_group)
        out += fmt::format(" ({} when its `group ... when` holds)", written->alt_group->text);
      return out;
    };
    std::string codes = codes_of(r, &decl);
    if (standard) {
      auto& d = l_.Emit(diag::DiagCode::OverrideReachesOtherPolicies, r.file, decl.name.span,
                        "reason", r.name,
                        fmt::format("remaps a standard reason for {} as well, which import this "
                                    "file: their `{}` findings report {}, not the standard {}",
                                    policies, r.name, codes, codes_of(*standard, nullptr)));
      d.help = fmt::format(
          "if every importer means it, say so with `// warrant: allow W0713`; otherwise give "
          "this reason its own name (`{}_local`) and use it where it is meant",
          r.name);
      return;
    }
    auto& d = l_.Emit(
        diag::DiagCode::OverrideReachesOtherPolicies, r.file, decl.name.span, "reason", r.name,
        fmt::format("in policy `{}`'s file also gives the codes of {}'s `{}` findings, through "
                    "an import",
                    home, policies, r.name));
    d.help =
        "editing one policy's reason then changes another's remittance codes: move the reason "
        "to a library both import, or declare it in each policy's file";
  }

  void Fact(uint32_t f, uint32_t index) {
    const ast::Fact& decl = l_.ast.files[f].facts[index];
    std::string home = PolicyOf(f);
    std::vector<std::string> mine;
    for (const ast::Name& v : decl.one_of)
      mine.push_back(v.text);
    if (!decl.one_of.empty() || (decl.type && decl.type->name.text == "string")) {
      for (uint32_t g = 0; g < l_.ast.files.size(); ++g) {
        std::string policy = PolicyOf(g);
        if (g == f || policy.empty() || policy == home)
          continue;
        for (const ast::Fact& other : l_.ast.files[g].facts) {
          if (other.name.text != decl.name.text || other.one_of.empty())
            continue;
          std::vector<std::string> extra;
          for (const std::string& v : mine) {
            bool listed = std::any_of(other.one_of.begin(), other.one_of.end(),
                                      [&](const ast::Name& o) { return o.text == v; });
            if (!listed)
              extra.push_back(v);
          }
          std::string what;
          if (mine.empty()) {
            what = "any string";
          } else if (!extra.empty()) {
            for (const std::string& v : extra)
              what += fmt::format("{}\"{}\"", what.empty() ? "" : ", ", v);
          } else {
            continue;
          }
          auto& d =
              l_.Emit(diag::DiagCode::OverrideReachesOtherPolicies, f, decl.name.span, "fact",
                      decl.name.text,
                      fmt::format("lets a claim carry {}, which policy `{}` does not list for it",
                                  what, policy));
          d.notes.push_back({l_.Fid(g), other.name.span,
                             fmt::format("policy `{}` declares the fact here", policy)});
          d.help =
              "a claim carries one `facts` object, valid when any declaration allows its "
              "values, so that policy's rules may see a value they were not written for: list "
              "the same values in both, or give the facts different names";
          return;
        }
      }
    }
  }

  Linter& l_;
};

}  // namespace

void LintOverrides(Linter& l) {
  OverrideFinder(l).Run();
}

}  // namespace warrant::lint
