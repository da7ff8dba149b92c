// W0712: a field read from a value that may be `none` — the result of `latest` or `earliest`,
// `none` when no element qualifies — where nothing guards it.
//
// Unguarded, `last.date` is unknown for a line without a prior service, and the requirement it is
// in pends the line saying "`last.date` is missing from the claim" although nothing is missing:
// the first-time service is simply pended. A read is guarded where a Kleene operator makes its
// unknown harmless: `last is none or ...` and `last is known and ...` (on either side — with
// `none`, the other side decides), the branches of `if last is known then ... else ...`, and the
// statements inside `when last is known { ... }`. A previous `require last is known ...` is no
// guard: every requirement is evaluated. A flag's condition is not judged: unknown, the flag is
// simply not raised. Lets are followed to where they are used in a condition
// (a let's value matters only there), so `let due = last.date + 12 months` is judged where `due`
// is read.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

using ast::ExprId;
using ast::ExprKind;
using Op = ast::Operator;

// A let, as a key: rule lets by statement, file-level lets by file and index.
using Key = uint64_t;
using Keys = std::set<Key>;

Keys Union(Keys a, const Keys& b) {
  a.insert(b.begin(), b.end());
  return a;
}

Keys Common(const Keys& a, const Keys& b) {
  Keys out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.begin()));
  return out;
}

class NoneGuard {
 public:
  explicit NoneGuard(Linter& l) : l_(l) {}

  void Run() {
    for (uint32_t f = 0; f < l_.ast.files.size(); ++f) {
      for (const ast::Rule& rule : l_.ast.files[f].rules) {
        Walk(f, rule.applies, {}, 0, ast::kNone);
        Stmts(f, rule.body, {});
      }
    }
  }

 private:
  void Stmts(uint32_t f, const std::vector<ast::StmtId>& body, const Keys& guarded) {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      if (s.kind == ast::StmtKind::Let)
        continue;  // judged where it is used
      // A flag whose condition is unknown is simply not raised: nothing pends.
      if (s.kind == ast::StmtKind::Direct && s.outcome.kind == ast::OutcomeKind::Flag)
        continue;
      Walk(f, s.a, guarded, 0, ast::kNone);
      if (s.kind == ast::StmtKind::When)
        Stmts(f, s.body, Union(guarded, PresentIfTrue(s.a, 0)));
    }
  }

  // The let `id` names, when its value is a `latest` or `earliest`: its key and that quantifier.
  std::optional<std::pair<Key, ExprId>> MaybeNone(ExprId id) const {
    const ast::Expr& e = l_.ast.expr(id);
    if (e.kind != ExprKind::NameRef)
      return std::nullopt;
    const check::Ref& ref = l_.checked.expr_refs[id];
    Key key = 0;
    ExprId value = ast::kNone;
    if (ref.kind == check::RefKind::RuleLet) {
      key = ref.index;
      value = l_.ast.stmt(ref.index).a;
    } else if (ref.kind == check::RefKind::GlobalLet) {
      key = (Key{1} << 63) | (Key{ref.file} << 32) | ref.index;
      value = l_.ast.files[ref.file].lets[ref.index].value;
    } else {
      return std::nullopt;
    }
    if (!IsLatest(value))
      return std::nullopt;
    return std::make_pair(key, value);
  }

  bool IsLatest(ExprId id) const {
    const ast::Expr& e = l_.ast.expr(id);
    return e.kind == ExprKind::Quantifier &&
           (e.quant == ast::QuantKind::Latest || e.quant == ast::QuantKind::Earliest);
  }

  // The lets known not to be `none` where `id` is true (resp. false).
  Keys PresentIfTrue(ExprId id, int depth) const { return Present(id, true, depth); }

  Keys PresentIfFalse(ExprId id, int depth) const { return Present(id, false, depth); }

  Keys Present(ExprId id, bool when_true, int depth) const {
    if (depth > 64)
      return {};
    const ast::Expr& e = l_.ast.expr(id);
    switch (e.kind) {
      case ExprKind::Unary: {
        if (e.op == Op::Not)
          return Present(e.a, !when_true, depth + 1);
        auto var = MaybeNone(e.a);
        if (var && ((e.op == Op::IsKnown && when_true) || (e.op == Op::IsNone && !when_true)))
          return {var->first};
        return {};
      }
      case ExprKind::Binary:
        if (e.op == Op::And) {
          // True: both are; false: one of them is, so only what both falsities give.
          Keys a = Present(e.a, when_true, depth + 1);
          Keys b = Present(e.b, when_true, depth + 1);
          return when_true ? Union(a, b) : Common(a, b);
        }
        if (e.op == Op::Or) {
          Keys a = Present(e.a, when_true, depth + 1);
          Keys b = Present(e.b, when_true, depth + 1);
          return when_true ? Common(a, b) : Union(a, b);
        }
        return {};
      case ExprKind::NameRef:
        if (auto let = l_.LetValue(id); let && !MaybeNone(id))
          return Present(let->second, when_true, depth + 1);
        return {};
      default:
        return {};
    }
  }

  void Flatten(ExprId id, Op op, std::vector<ExprId>& out) const {
    const ast::Expr& e = l_.ast.expr(id);
    if (e.kind == ExprKind::Binary && e.op == op) {
      Flatten(e.a, op, out);
      Flatten(e.b, op, out);
    } else {
      out.push_back(id);
    }
  }

  // `via`: the first name of a let this walk went through to reach `id` (where it is read), and
  // `via_file` its file.
  void Walk(uint32_t f, ExprId id, const Keys& guarded, int depth, ExprId via,
            uint32_t via_file = 0) {
    if (id == ast::kNone || depth > 256)
      return;
    const ast::Expr& e = l_.ast.expr(id);
    switch (e.kind) {
      case ExprKind::Field:
        if (auto var = MaybeNone(e.a); var && !guarded.count(var->first)) {
          Report(f, id, l_.ast.expr(e.a).text, var->second, via, via_file);
        } else if (IsLatest(e.a)) {
          Report(f, id, "", e.a, via, via_file);
        }
        Walk(f, e.a, guarded, depth + 1, via, via_file);
        return;
      case ExprKind::NameRef: {
        const check::Ref& ref = l_.checked.expr_refs[id];
        if ((ref.kind == check::RefKind::RuleLet || ref.kind == check::RefKind::GlobalLet) &&
            !MaybeNone(id)) {
          auto let = l_.LetValue(id);
          if (via == ast::kNone)
            Walk(let->first, let->second, guarded, depth + 1, id, f);
          else
            Walk(let->first, let->second, guarded, depth + 1, via, via_file);
        }
        return;
      }
      case ExprKind::Binary:
        if (e.op == Op::And || e.op == Op::Or) {
          // Kleene `and`/`or` do not depend on the order of their operands: each part is
          // guarded by what the others establish when they do not decide the whole.
          std::vector<ExprId> parts;
          Flatten(id, e.op, parts);
          for (size_t i = 0; i < parts.size(); ++i) {
            Keys g = guarded;
            for (size_t j = 0; j < parts.size(); ++j) {
              if (j != i) {
                g = Union(
                    g, e.op == Op::And ? PresentIfTrue(parts[j], 0) : PresentIfFalse(parts[j], 0));
              }
            }
            Walk(f, parts[i], g, depth + 1, via, via_file);
          }
          return;
        }
        break;
      case ExprKind::If:
        Walk(f, e.a, guarded, depth + 1, via, via_file);
        Walk(f, e.b, Union(guarded, PresentIfTrue(e.a, 0)), depth + 1, via, via_file);
        Walk(f, e.c, Union(guarded, PresentIfFalse(e.a, 0)), depth + 1, via, via_file);
        return;
      default:
        break;
    }
    Walk(f, e.a, guarded, depth + 1, via, via_file);
    Walk(f, e.b, guarded, depth + 1, via, via_file);
    Walk(f, e.c, guarded, depth + 1, via, via_file);
    for (ExprId item : e.list)
      Walk(f, item, guarded, depth + 1, via, via_file);
  }

  // `read` (a field of `name`, or of an unnamed `latest` when `name` is empty) may be unknown
  // because `quantifier` found nothing.
  void Report(uint32_t f, ExprId read, const std::string& name, ExprId quantifier, ExprId via,
              uint32_t via_file) {
    const ast::Expr& r = l_.ast.expr(read);
    if (!reported_.insert({f, r.span.begin}).second)
      return;
    auto note = [&](diag::Diagnostic& d) {
      if (via != ast::kNone) {
        d.notes.push_back({l_.Fid(via_file), l_.ast.expr(via).span,
                           fmt::format("read through `{}` here", l_.ast.expr(via).text)});
      }
    };
    const ast::Expr& q = l_.ast.expr(quantifier);
    std::string text = l_.Describe(f, read);
    std::string quant = ast::QuantName(q.quant);
    // The quantifier lives where its let is declared, maybe another file.
    uint32_t qfile = f;
    for (uint32_t g = 0; g < l_.ast.files.size(); ++g) {
      for (const ast::Let& let : l_.ast.files[g].lets) {
        if (let.value == quantifier)
          qfile = g;
      }
    }
    std::string list = l_.Describe(qfile, q.a);
    if (name.empty()) {
      auto& d = l_.Emit(diag::DiagCode::MaybeNone, f, r.span, text, fmt::format("a `{}`", quant),
                        fmt::format("no element of `{}` qualifies", list));
      d.help = fmt::format(
          "name it (`let last = {} ...`) and guard the read: `last is none or ...`, `last is "
          "known and ...`, or `when last is known {{ ... }}`",
          quant);
      note(d);
      return;
    }
    auto& d = l_.Emit(diag::DiagCode::MaybeNone, f, r.span, text, fmt::format("`{}`", name),
                      fmt::format("no element of `{}` qualifies", list));
    d.help = fmt::format(
        "guard it: `{0} is none or ...`, `{0} is known and ...`, or `when {0} is known {{ ... }}`; "
        "unguarded, a line without one pends saying `{1}` is missing from the claim",
        name, text);
    note(d);
  }

  Linter& l_;
  std::set<std::pair<uint32_t, uint32_t>> reported_;
};

}  // namespace

void LintNoneGuards(Linter& l) {
  NoneGuard(l).Run();
}

}  // namespace warrant::lint
