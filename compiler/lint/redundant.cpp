// W0710: a rule that another rule of the same policy version makes redundant — an exact
// duplicate, or a rule subsumed by another.
//
// Rule R is subsumed by rule S when S applies to every line R applies to (R's `applies to`
// implies S's), S is in force whenever R is, and every finding R can give, S gives on the same
// line: for each outcome of R (a require's `else`, an `OUTCOME when`, inside its `when`s) S has an
// outcome of the same kind and reason whose firing condition R's implies. A firing condition is
// a conjunction of literals — the `when`s around the statement, then the require's condition
// negated or the direct outcome's condition — read with De Morgan through `not`, `and` and `or`.
// One literal implies another when they are the same expression, when a codeset membership of
// one subject is narrower (`x in A` implies `x in B` when A is within B), or when the comparisons
// of one number or date are narrower (intervals.h): `require age >= 50 else deny age` is
// subsumed by `require age >= 65 else deny age`, since every line the first denies, the second
// denies too. Rules with an `if unknown` outcome are left alone (their unknowns are their own).
// Only what follows soundly is reported: anything not understood counts as not implied.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lint/intervals.h"
#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

using ast::ExprId;
using ast::ExprKind;
using Op = ast::Operator;

struct Literal {
  ExprId expr = ast::kNone;
  bool negated = false;
};

// One finding a rule can give, and when.
struct Firing {
  ast::OutcomeKind kind{};
  std::string reason;   // "" for none (a flag, a bundle without reason)
  std::string message;  // a flag's text: two flags are the same finding only with the same text
  std::vector<Literal> when;
};

Day DayOf(const ast::Date& d) {
  return DaysFromCivil({d.year, d.month, d.day});
}

class Redundancy {
 public:
  explicit Redundancy(Linter& l) : l_(l) {}

  void Run() {
    for (uint32_t f = 0; f < l_.ast.files.size(); ++f) {
      const ast::File& file = l_.ast.files[f];
      if (!file.policy)
        continue;
      std::vector<std::optional<std::vector<Firing>>> firings;
      for (const ast::Rule& rule : file.rules)
        firings.push_back(Firings(rule));
      for (size_t r = 0; r < file.rules.size(); ++r) {
        for (size_t s = 0; s < file.rules.size(); ++s) {
          if (r == s || !firings[r] || !firings[s] || firings[r]->empty())
            continue;
          if (!Subsumes(f, file.rules[s], *firings[s], file.rules[r], *firings[r]))
            continue;
          bool mutual = Subsumes(f, file.rules[r], *firings[r], file.rules[s], *firings[s]);
          if (mutual && r < s)
            continue;  // report the later of two equivalent rules once
          Report(f, file.rules[r], file.rules[s], mutual);
          break;
        }
      }
    }
  }

 private:
  // The findings a rule can give, or nullopt when it has an `if unknown` outcome.
  std::optional<std::vector<Firing>> Firings(const ast::Rule& rule) const {
    std::vector<Firing> out;
    if (!Collect(rule.body, {}, out))
      return std::nullopt;
    return out;
  }

  bool Collect(const std::vector<ast::StmtId>& body, const std::vector<Literal>& guard,
               std::vector<Firing>& out) const {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      switch (s.kind) {
        case ast::StmtKind::Let:
          break;
        case ast::StmtKind::When: {
          std::vector<Literal> inner = guard;
          Expand({s.a, false}, inner);
          if (!Collect(s.body, inner, out))
            return false;
          break;
        }
        case ast::StmtKind::Require:
        case ast::StmtKind::Direct: {
          if (s.unknown_outcome)
            return false;
          Firing firing;
          firing.kind = s.outcome.kind;
          if (s.outcome.reason)
            firing.reason = s.outcome.reason->text;
          if (s.outcome.kind == ast::OutcomeKind::Flag && s.outcome.message)
            firing.message = s.outcome.message->text;
          firing.when = guard;
          Expand({s.a, s.kind == ast::StmtKind::Require}, firing.when);
          out.push_back(std::move(firing));
          break;
        }
      }
    }
    return true;
  }

  // Adds the conjuncts of `lit` (through `not`, and De Morgan over `and`/`or`).
  void Expand(Literal lit, std::vector<Literal>& out, int depth = 0) const {
    const ast::Expr& e = l_.ast.expr(lit.expr);
    if (depth < 64) {
      if (e.kind == ExprKind::Unary && e.op == Op::Not) {
        Expand({e.a, !lit.negated}, out, depth + 1);
        return;
      }
      if (e.kind == ExprKind::Binary && e.op == (lit.negated ? Op::Or : Op::And)) {
        Expand({e.a, lit.negated}, out, depth + 1);
        Expand({e.b, lit.negated}, out, depth + 1);
        return;
      }
    }
    out.push_back(lit);
  }

  std::vector<Literal> Conjuncts(ExprId cond) const {
    std::vector<Literal> out;
    Expand({cond, false}, out);
    return out;
  }

  // A membership test `x in S` of a named codeset: its subject, set and polarity.
  struct Member {
    ExprId subject;
    check::Ref set;
    bool in;
  };

  std::optional<Member> AsMember(const Literal& lit) const {
    const ast::Expr& e = l_.ast.expr(lit.expr);
    if (e.kind != ExprKind::Binary || (e.op != Op::In && e.op != Op::NotIn))
      return std::nullopt;
    std::optional<check::Ref> set = l_.NamedCodeset(e.b);
    if (!set)
      return std::nullopt;
    return Member{e.a, *set, (e.op == Op::In) != lit.negated};
  }

  // The values of `c`'s subject for which literal `lit` (a comparison) holds.
  std::optional<Comparison> AsInterval(const Literal& lit) const {
    std::optional<Comparison> c = AsComparison(l_, lit.expr);
    if (c && lit.negated)
      c->holds = c->holds.Complement();
    return c;
  }

  // Whether the conjunction `have` implies literal `want`.
  bool Implies(const std::vector<Literal>& have, const Literal& want) const {
    for (const Literal& h : have) {
      if (h.negated == want.negated && l_.Same(h.expr, want.expr))
        return true;
    }
    if (std::optional<Comparison> w = AsInterval(want)) {
      ValueSet range = DomainOf(l_, w->subject);
      bool any = false;
      for (const Literal& h : have) {
        std::optional<Comparison> c = AsInterval(h);
        if (c && l_.Same(c->subject, w->subject)) {
          range = range.Intersect(c->holds);
          any = true;
        }
      }
      if (any && w->holds.Covers(range))
        return true;
    }
    if (std::optional<Member> w = AsMember(want)) {
      const Codeset& target = l_.CodesetOf(w->set);
      for (const Literal& h : have) {
        std::optional<Member> m = AsMember(h);
        if (!m || !l_.Same(m->subject, w->subject))
          continue;
        const Codeset& set = l_.CodesetOf(m->set);
        if (w->in && m->in && Codeset::Difference(set, target).empty())
          return true;  // x in A, A within B: x in B
        if (!w->in && !m->in && Codeset::Difference(target, set).empty())
          return true;  // x not in A, B within A: x not in B
        if (!w->in && m->in && Codeset::Difference(set, Codeset::Difference(set, target)).empty())
          return true;  // x in A, A and B disjoint: x not in B
      }
    }
    return false;
  }

  // Whether the comparisons of one subject in `have` leave it no value (W0702's business: such a
  // finding never happens, and is not counted either way here).
  bool Impossible(const std::vector<Literal>& have) const {
    for (const Literal& h : have) {
      std::optional<Comparison> c = AsInterval(h);
      if (!c)
        continue;
      ValueSet range = DomainOf(l_, c->subject);
      for (const Literal& other : have) {
        std::optional<Comparison> o = AsInterval(other);
        if (o && l_.Same(o->subject, c->subject))
          range = range.Intersect(o->holds);
      }
      if (range.empty())
        return true;
    }
    return false;
  }

  bool AllImplied(const std::vector<Literal>& have, const std::vector<Literal>& want) const {
    return std::all_of(want.begin(), want.end(),
                       [&](const Literal& w) { return Implies(have, w); });
  }

  // Whether rule `s` gives every finding rule `r` gives, on every line `r` applies to.
  bool Subsumes(uint32_t f, const ast::Rule& s, const std::vector<Firing>& s_firings,
                const ast::Rule& r, const std::vector<Firing>& r_firings) const {
    const ast::PolicyHeader& policy = *l_.ast.files[f].policy;
    auto range = [&](const ast::Rule& rule) {
      Day from = INT32_MIN, until = INT32_MAX;
      if (policy.effective) {
        from = DayOf(policy.effective->from);
        if (policy.effective->until)
          until = DayOf(*policy.effective->until);
      }
      if (rule.effective) {
        from = DayOf(rule.effective->from);
        until = rule.effective->until ? DayOf(*rule.effective->until) : until;
      }
      return std::make_pair(from, until);
    };
    auto [r_from, r_until] = range(r);
    auto [s_from, s_until] = range(s);
    if (r_from < s_from || r_until > s_until)
      return false;
    std::vector<Literal> r_applies = Conjuncts(r.applies);
    if (!AllImplied(r_applies, Conjuncts(s.applies)))
      return false;
    size_t possible = 0;
    for (const Firing& rf : r_firings) {
      std::vector<Literal> have = r_applies;
      have.insert(have.end(), rf.when.begin(), rf.when.end());
      if (Impossible(have))
        continue;
      ++possible;
      bool matched = std::any_of(s_firings.begin(), s_firings.end(), [&](const Firing& sf) {
        return sf.kind == rf.kind && sf.reason == rf.reason && sf.message == rf.message &&
               AllImplied(have, sf.when);
      });
      if (!matched)
        return false;
    }
    return possible > 0;
  }

  void Report(uint32_t f, const ast::Rule& r, const ast::Rule& s, bool mutual) {
    auto& d =
        l_.Emit(diag::DiagCode::RedundantRule, f, r.name.span, r.name.text,
                fmt::format("{} rule `{}`", mutual ? "duplicates" : "is subsumed by", s.name.text));
    d.notes.push_back({l_.Fid(f), s.name.span, fmt::format("rule `{}` is here", s.name.text)});
    d.help = mutual ? std::string(
                          "both apply to the same lines and give the same findings, so each "
                          "finding comes twice: remove one of them")
                    : fmt::format(
                          "`{1}` applies to every line `{0}` applies to, and gives every "
                          "finding `{0}` gives there (same outcome and reason): remove `{0}`, or "
                          "fix the condition that was meant to differ",
                          r.name.text, s.name.text);
  }

  Linter& l_;
};

}  // namespace

void LintRedundantRules(Linter& l) {
  Redundancy(l).Run();
}

}  // namespace warrant::lint
