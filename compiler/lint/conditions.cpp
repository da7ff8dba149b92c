// W0701 (a rule that can never apply) and W0702 (a condition that is never true, or never false).
//
// A small abstract evaluation: for a boolean expression, can it be true, and can it be false?
// Unknown is always possible and not tracked (a requirement that can only pend is still broken).
// The facts used are few and sound: an empty codeset has no members; codes of the `applies to`
// codesets are the only ones a rule's body sees on `line.code`; `x in A and x in B` needs a code
// in both; `E or not E` cannot be false; comparisons of one number or date with constants are
// intervals (intervals.h), intersected over `and` (`age < 18 and age > 65`), joined over `or`
// (`age < 18 or age >= 18`), within the subject's own range (`count ... >= 0`) and the ranges
// the `applies to` and enclosing `when`s establish; Kleene logic carries the rest through
// `not`, `and`, `or`, `any`, `all` and lets. Anything else is assumed to go either way.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lint/intervals.h"
#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

using ast::ExprId;
using ast::ExprKind;
using ast::Operator;
using diag::DiagCode;

struct Verdict {
  bool can_true = true;
  bool can_false = true;
  std::string why;  // when one of them is false: why, in the author's terms
};

// What the conditions around a statement establish: `line.code` is in `codes`, and each
// comparison in `bounds` holds, wherever the statement is evaluated.
struct Context {
  std::optional<Codeset> codes;
  std::string names;                                       // "`fobt`", "`a` and `b`"
  std::vector<std::pair<Comparison, std::string>> bounds;  // with its text
};

// A membership test `x in S` / `x not in S` with the `not`s around it folded into `negated`.
struct Member {
  ExprId subject = ast::kNone;
  check::Ref set;
  uint32_t file = 0;
  ExprId set_expr = ast::kNone;
  bool negated = false;
};

Codeset Intersect(const Codeset& a, const Codeset& b) {
  return Codeset::Difference(a, Codeset::Difference(a, b));
}

class ConditionLinter {
 public:
  explicit ConditionLinter(Linter& l) : l_(l) {}

  void Run() {
    for (uint32_t f = 0; f < l_.ast.files.size(); ++f) {
      for (const ast::Rule& rule : l_.ast.files[f].rules)
        LintRule(f, rule);
    }
  }

 private:
  void LintRule(uint32_t f, const ast::Rule& rule) {
    Verdict applies = Eval(f, rule.applies, Context{}, 0);
    if (!applies.can_true) {
      l_.Emit(DiagCode::RuleNeverApplies, f, l_.ast.expr(rule.applies).span, rule.name.text,
              applies.why);
      return;  // its body would only repeat the same finding
    }
    Context context;
    Narrow(f, rule.applies, context);
    LintStmts(f, rule.body, context);
  }

  void LintStmts(uint32_t f, const std::vector<ast::StmtId>& body, const Context& context) {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      if (s.kind == ast::StmtKind::Let)
        continue;
      Verdict v = Eval(f, s.a, context, 0);
      Span at = l_.ast.expr(s.a).span;
      if (!v.can_true) {
        auto& d = l_.Emit(DiagCode::ConstantCondition, f, at, "true", v.why);
        switch (s.kind) {
          case ast::StmtKind::Require:
            d.help = "every line this rule applies to gets the `else` outcome; fix the condition";
            break;
          case ast::StmtKind::When:
            d.help =
                "the statements inside this `when` never run; fix the condition or remove them";
            break;
          default:
            d.help = "this outcome never happens; fix the condition or remove the statement";
            break;
        }
      } else if (!v.can_false && s.kind != ast::StmtKind::Direct) {
        // `OUTCOME when E` is the only way to write an unconditional outcome (`when true`, or
        // restating the `applies to` codeset), so a direct outcome that always happens is meant.
        auto& d = l_.Emit(DiagCode::ConstantCondition, f, at, "false", v.why);
        d.help =
            s.kind == ast::StmtKind::Require
                ? "the `else` outcome can never happen; fix the condition or remove the requirement"
                : "the `when` adds nothing: its statements run on every line the rule applies to";
      }
      if (s.kind == ast::StmtKind::When && v.can_true) {
        Context inner = context;
        Narrow(f, s.a, inner);
        LintStmts(f, s.body, inner);
      }
    }
  }

  // Adds to `context` the codesets a true `cond` puts `line.code` in (its top-level conjuncts).
  void Narrow(uint32_t f, ExprId cond, Context& context) {
    std::vector<ExprId> conjuncts;
    Flatten(cond, Operator::And, conjuncts);
    for (ExprId c : conjuncts) {
      if (std::optional<Comparison> cmp = ComparisonOf(c)) {
        context.bounds.emplace_back(*cmp, l_.Describe(f, c));
        continue;
      }
      std::optional<Member> m = AsMember(f, c);
      if (!m || m->negated || !IsLineCode(m->subject))
        continue;
      const Codeset& set = l_.CodesetOf(m->set);
      std::string name = fmt::format("`{}`", l_.Describe(m->file, m->set_expr));
      if (context.codes) {
        context.codes = Intersect(*context.codes, set);
        context.names += " and " + name;
      } else {
        context.codes = set;
        context.names = name;
      }
    }
  }

  bool IsLineCode(ExprId id) const {
    const ast::Expr& e = l_.ast.expr(id);
    if (e.kind != ExprKind::Field || e.text != "code")
      return false;
    const ast::Expr& base = l_.ast.expr(e.a);
    return base.kind == ExprKind::NameRef && base.text == "line" &&
           l_.checked.expr_refs[e.a].kind == check::RefKind::Scope;
  }

  void Flatten(ExprId id, Operator op, std::vector<ExprId>& out) const {
    const ast::Expr& e = l_.ast.expr(id);
    if (e.kind == ExprKind::Binary && e.op == op) {
      Flatten(e.a, op, out);
      Flatten(e.b, op, out);
    } else {
      out.push_back(id);
    }
  }

  std::optional<Member> AsMember(uint32_t f, ExprId id) const {
    bool negated = false;
    const ast::Expr* e = &l_.ast.expr(id);
    while (e->kind == ExprKind::Unary && e->op == Operator::Not) {
      negated = !negated;
      e = &l_.ast.expr(e->a);
    }
    if (e->kind != ExprKind::Binary || (e->op != Operator::In && e->op != Operator::NotIn))
      return std::nullopt;
    std::optional<check::Ref> set = l_.NamedCodeset(e->b);
    if (!set)
      return std::nullopt;
    return Member{e->a, *set, f, e->b, negated != (e->op == Operator::NotIn)};
  }

  // Strips `not`s: the expression under them and whether their count is odd.
  std::pair<ExprId, bool> Literal(ExprId id) const {
    bool negated = false;
    while (l_.ast.expr(id).kind == ExprKind::Unary && l_.ast.expr(id).op == Operator::Not) {
      negated = !negated;
      id = l_.ast.expr(id).a;
    }
    return {id, negated};
  }

  bool Same(ExprId x, ExprId y) const { return l_.Same(x, y); }

  Verdict Eval(uint32_t f, ExprId id, const Context& context, int depth) {
    if (depth > 256)
      return {};
    const ast::Expr& e = l_.ast.expr(id);
    switch (e.kind) {
      case ExprKind::Bool:
        return e.ival ? Verdict{true, false, "it is `true`"}
                      : Verdict{false, true, "it is `false`"};
      case ExprKind::NameRef:
        if (auto let = l_.LetValue(id)) {
          Verdict v = Eval(let->first, let->second, context, depth + 1);
          if (!v.can_true || !v.can_false) {
            v.why = fmt::format("`{}` is `{}`, and {}", e.text,
                                l_.Describe(let->first, let->second), v.why);
          }
          return v;
        }
        return {};
      case ExprKind::Unary:
        if (e.op == Operator::Not) {
          Verdict v = Eval(f, e.a, context, depth + 1);
          std::swap(v.can_true, v.can_false);
          return v;
        }
        return {};
      case ExprKind::Binary:
        if (e.op == Operator::And)
          return And(f, id, context, depth);
        if (e.op == Operator::Or)
          return Or(f, id, context, depth);
        if (e.op == Operator::In || e.op == Operator::NotIn)
          return Membership(f, id, context);
        return Compare(f, id, context);
      case ExprKind::Quantifier: {
        if (e.b == ast::kNone)
          return {};
        Verdict where = Eval(f, e.b, context, depth + 1);
        if (e.quant == ast::QuantKind::Any && !where.can_true) {
          return {false, true, fmt::format("no element can satisfy its `where`: {}", where.why)};
        }
        if (e.quant == ast::QuantKind::All && !where.can_false) {
          return {true, false, fmt::format("every element satisfies its `where`: {}", where.why)};
        }
        return {};
      }
      case ExprKind::If: {
        Verdict then = Eval(f, e.b, context, depth + 1);
        Verdict otherwise = Eval(f, e.c, context, depth + 1);
        Verdict v{then.can_true || otherwise.can_true, then.can_false || otherwise.can_false, ""};
        if (!v.can_true || !v.can_false) {
          v.why = fmt::format("in both branches: {}; {}", then.why, otherwise.why);
        }
        return v;
      }
      default:
        return {};
    }
  }

  // A comparison with a constant, also through a let that names one.
  std::optional<Comparison> ComparisonOf(ExprId id) const {
    for (int hops = 0; hops < 64; ++hops) {
      if (std::optional<Comparison> c = AsComparison(l_, id))
        return c;
      auto let = l_.LetValue(id);
      if (!let)
        return std::nullopt;
      id = let->second;
    }
    return std::nullopt;
  }

  // The values `subject` can have here: its own range, narrowed by the context's comparisons of
  // it; `where` names those comparisons ("`age < 18`"), `phrase` the range when that decides.
  ValueSet Range(ExprId subject, const Context& context, std::string* where,
                 std::string* phrase) const {
    ValueSet range = DomainOf(l_, subject, phrase);
    for (const auto& [bound, text] : context.bounds) {
      if (!Same(bound.subject, subject))
        continue;
      range = range.Intersect(bound.holds);
      *where += fmt::format("{}`{}`", where->empty() ? "" : " and ", text);
    }
    return range;
  }

  Verdict Compare(uint32_t f, ExprId id, const Context& context) {
    std::optional<Comparison> c = AsComparison(l_, id);
    if (!c)
      return {};
    std::string where, phrase;
    ValueSet own = DomainOf(l_, c->subject, &phrase);
    ValueSet range = Range(c->subject, context, &where, &phrase);
    bool can_true = !c->holds.Intersect(range).empty();
    bool can_false = !c->holds.Complement().Intersect(range).empty();
    if (can_true && can_false)
      return {};
    std::string subject = l_.Describe(f, c->subject);
    std::string verdict =
        fmt::format("`{}` {}", l_.Describe(f, id), can_true ? "always holds" : "cannot hold");
    // Say what decides it: the subject's own range, or the conditions around the statement.
    bool own_decides = own == range || (can_true ? own.Intersect(c->holds.Complement()).empty()
                                                 : own.Intersect(c->holds).empty());
    std::string why;
    if (own_decides && !phrase.empty()) {
      why = fmt::format("{}: `{}` {}", verdict, subject, phrase);
    } else {
      why = fmt::format("{}: the rule reaches it only where {}", verdict, where);
    }
    return {can_true, can_false, why};
  }

  Verdict Membership(uint32_t f, ExprId id, const Context& context) {
    const ast::Expr& e = l_.ast.expr(id);
    std::optional<check::Ref> ref = l_.NamedCodeset(e.b);
    if (!ref)
      return {};
    bool in = e.op == Operator::In;
    const Codeset& set = l_.CodesetOf(*ref);
    std::string name = l_.Describe(f, e.b);
    // never_true/never_false of `x in S`; `not in` swaps them.
    auto verdict = [&](bool can_true, bool can_false, std::string why) {
      return in ? Verdict{can_true, can_false, std::move(why)}
                : Verdict{can_false, can_true, std::move(why)};
    };
    if (set.empty())
      return verdict(false, true, fmt::format("`{}` is empty", name));
    const ast::Expr& subject = l_.ast.expr(e.a);
    if (subject.kind == ExprKind::String) {
      CodeSystem system = l_.checked.codeset_systems[ref->file][ref->index];
      std::optional<uint64_t> packed = Pack(system, subject.text);
      if (!packed)
        return {};
      bool member = set.Contains(*packed);
      return verdict(member, !member,
                     fmt::format("`{}` is {}in `{}`", subject.text, member ? "" : "not ", name));
    }
    if (IsLineCode(e.a) && context.codes) {
      if (Intersect(*context.codes, set).empty()) {
        return verdict(false, true,
                       fmt::format("the rule sees only codes in {}, and none of them is in `{}`",
                                   context.names, name));
      }
      if (Codeset::Difference(*context.codes, set).empty()) {
        return verdict(true, false,
                       fmt::format("the rule sees only codes in {}, and all of them are in `{}`",
                                   context.names, name));
      }
    }
    return {};
  }

  Verdict And(uint32_t f, ExprId id, const Context& context, int depth) {
    std::vector<ExprId> parts;
    Flatten(id, Operator::And, parts);
    Verdict v{true, false, ""};
    for (ExprId p : parts) {
      Verdict pv = Eval(f, p, context, depth + 1);
      if (!pv.can_true && v.can_true)
        v = {false, v.can_false, pv.why};
      if (pv.can_false)
        v.can_false = true;
    }
    if (!v.can_false && v.why.empty())
      v.why = "each part of it is always true";
    if (!v.can_true)
      return v;
    if (auto why = Contradiction(f, parts))
      return {false, true, *why};
    if (auto why = Disjoint(f, parts, context))
      return {false, true, *why};
    return v;
  }

  // Comparisons of one subject among `parts`, grouped: each group holds at least two.
  std::vector<std::vector<Comparison>> ComparisonGroups(const std::vector<ExprId>& parts) const {
    std::vector<std::vector<Comparison>> groups;
    for (ExprId p : parts) {
      std::optional<Comparison> c = ComparisonOf(p);
      if (!c)
        continue;
      c->expr = p;  // report the part as written (a let's name, not its value)
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return Same(g.front().subject, c->subject); });
      if (group == groups.end()) {
        groups.push_back({*c});
      } else {
        group->push_back(*c);
      }
    }
    groups.erase(
        std::remove_if(groups.begin(), groups.end(), [](const auto& g) { return g.size() < 2; }),
        groups.end());
    return groups;
  }

  std::string PartsText(uint32_t f, const std::vector<Comparison>& group, const char* word) {
    std::string out;
    for (size_t i = 0; i < group.size(); ++i) {
      out += fmt::format("{}`{}`",
                         i == 0                  ? ""
                         : i + 1 == group.size() ? word
                                                 : ", ",
                         l_.Describe(f, group[i].expr));
    }
    return out;
  }

  // `age < 18 and age > 65`: no value of the subject satisfies every comparison of it.
  std::optional<std::string> Disjoint(uint32_t f, const std::vector<ExprId>& parts,
                                      const Context& context) {
    for (const auto& group : ComparisonGroups(parts)) {
      std::string where, phrase;
      ValueSet left = Range(group.front().subject, context, &where, &phrase);
      for (const Comparison& c : group)
        left = left.Intersect(c.holds);
      if (left.empty())
        return fmt::format("{} cannot all hold", PartsText(f, group, " and "));
    }
    return std::nullopt;
  }

  // `age < 18 or age >= 18`: every value of the subject satisfies one of its comparisons.
  std::optional<std::string> Exhaustive(uint32_t f, const std::vector<ExprId>& parts,
                                        const Context& context) {
    for (const auto& group : ComparisonGroups(parts)) {
      std::string where, phrase;
      ValueSet range = Range(group.front().subject, context, &where, &phrase);
      ValueSet any = ValueSet::None();
      for (const Comparison& c : group)
        any = any.Union(c.holds);
      if (any.Covers(range)) {
        return fmt::format("{} holds for every value of `{}`", PartsText(f, group, " or "),
                           l_.Describe(f, group.front().subject));
      }
    }
    return std::nullopt;
  }

  Verdict Or(uint32_t f, ExprId id, const Context& context, int depth) {
    std::vector<ExprId> parts;
    Flatten(id, Operator::Or, parts);
    Verdict v{false, true, ""};
    for (ExprId p : parts) {
      Verdict pv = Eval(f, p, context, depth + 1);
      if (!pv.can_false && v.can_false)
        v = {v.can_true, false, pv.why};
      if (pv.can_true)
        v.can_true = true;
    }
    if (!v.can_true && v.why.empty())
      v.why = "no part of it can be true";
    if (!v.can_false)
      return v;
    if (auto why = Tautology(f, parts))
      return {true, false, *why};
    if (auto why = Exhaustive(f, parts, context))
      return {true, false, *why};
    return v;
  }

  // Why the conjunction of `parts` can never be true, if it is plainly so: `E and not E`, or
  // memberships of one subject that no code satisfies together.
  std::optional<std::string> Contradiction(uint32_t f, const std::vector<ExprId>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      for (size_t j = i + 1; j < parts.size(); ++j) {
        auto [a, na] = Literal(parts[i]);
        auto [b, nb] = Literal(parts[j]);
        if (na != nb && Same(a, b)) {
          return fmt::format("`{}` cannot hold together with its negation", l_.Describe(f, a));
        }
      }
    }
    std::vector<Member> members;
    for (ExprId p : parts) {
      if (auto m = AsMember(f, p))
        members.push_back(*m);
    }
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i].negated)
        continue;
      Codeset left = l_.CodesetOf(members[i].set);
      std::string names = fmt::format("in `{}`", l_.Describe(f, members[i].set_expr));
      bool combined = false;
      for (size_t j = 0; j < members.size(); ++j) {
        if (j == i || !Same(members[i].subject, members[j].subject))
          continue;
        if (members[j].negated) {
          left = Codeset::Difference(left, l_.CodesetOf(members[j].set));
          names += fmt::format(" but not in `{}`", l_.Describe(f, members[j].set_expr));
        } else if (j > i) {
          left = Intersect(left, l_.CodesetOf(members[j].set));
          names += fmt::format(" and in `{}`", l_.Describe(f, members[j].set_expr));
        } else {
          continue;
        }
        combined = true;
      }
      if (combined && left.empty())
        return fmt::format("no code is {}", names);
    }
    return std::nullopt;
  }

  // Why the disjunction of `parts` can never be false, if it is plainly so: `E or not E`, or
  // `x in A or x not in B` with every code of B in A.
  std::optional<std::string> Tautology(uint32_t f, const std::vector<ExprId>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      for (size_t j = i + 1; j < parts.size(); ++j) {
        auto [a, na] = Literal(parts[i]);
        auto [b, nb] = Literal(parts[j]);
        if (na != nb && Same(a, b)) {
          return fmt::format("either `{}` or its negation holds", l_.Describe(f, a));
        }
      }
    }
    std::vector<Member> members;
    for (ExprId p : parts) {
      if (auto m = AsMember(f, p))
        members.push_back(*m);
    }
    for (const Member& neg : members) {
      if (!neg.negated)
        continue;
      Codeset uncovered = l_.CodesetOf(neg.set);
      std::string names;
      for (const Member& pos : members) {
        if (pos.negated || !Same(pos.subject, neg.subject))
          continue;
        uncovered = Codeset::Difference(uncovered, l_.CodesetOf(pos.set));
        names += fmt::format("{}`{}`", names.empty() ? "" : " or ", l_.Describe(f, pos.set_expr));
      }
      if (!names.empty() && uncovered.empty()) {
        return fmt::format("every code of `{}` is in {}", l_.Describe(f, neg.set_expr), names);
      }
    }
    return std::nullopt;
  }

  Linter& l_;
};

}  // namespace

void LintConditions(Linter& l) {
  ConditionLinter(l).Run();
}

}  // namespace warrant::lint
