#include "compiler/lint/intervals.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/value.h"

namespace warrant::lint {
namespace {

using ast::ExprKind;
using Op = ast::Operator;

int64_t Clamp(int64_t v) {
  return std::clamp(v, kLowest, kHighest);
}

// Floor and ceiling of `micro` millionths, as a whole number.
int64_t FloorUnits(int64_t micro) {
  int64_t q = micro / kDecimalScale;
  return (micro % kDecimalScale != 0 && micro < 0) ? q - 1 : q;
}

int64_t CeilUnits(int64_t micro) {
  int64_t q = micro / kDecimalScale;
  return (micro % kDecimalScale != 0 && micro > 0) ? q + 1 : q;
}

// A literal constant in `scale`: an int, a decimal, a date, or a negated number.
std::optional<int64_t> Constant(const Linter& l, ast::ExprId id, Scale scale, bool* fractional) {
  const ast::Expr& e = l.ast.expr(id);
  *fractional = false;
  switch (e.kind) {
    case ExprKind::Int:
      if (scale == Scale::Micro) {
        if (e.ival > kHighest / kDecimalScale || e.ival < kLowest / kDecimalScale)
          return std::nullopt;
        return e.ival * kDecimalScale;
      }
      return scale == Scale::Int ? std::optional<int64_t>(Clamp(e.ival)) : std::nullopt;
    case ExprKind::Decimal: {
      int64_t micro = 0;
      if (scale == Scale::Day || !ParseDecimal(e.text, &micro))
        return std::nullopt;
      if (scale == Scale::Int)
        *fractional = true;  // the caller rounds by the operator
      return micro;
    }
    case ExprKind::DateLit:
      if (scale != Scale::Day)
        return std::nullopt;
      return DaysFromCivil({e.date.year, e.date.month, e.date.day});
    case ExprKind::Unary:
      if (e.op == Op::Neg) {
        std::optional<int64_t> v = Constant(l, e.a, scale, fractional);
        if (v)
          return -*v;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<Scale> ScaleOf(const Linter& l, ast::ExprId id) {
  switch (l.checked.types.Kind(l.checked.expr_types[id])) {
    case check::TypeKind::Int:
      return Scale::Int;
    case check::TypeKind::Decimal:
      return Scale::Micro;
    case check::TypeKind::Date:
      return Scale::Day;
    default:
      return std::nullopt;
  }
}

Op Flip(Op op) {
  switch (op) {
    case Op::Lt:
      return Op::Gt;
    case Op::Le:
      return Op::Ge;
    case Op::Gt:
      return Op::Lt;
    case Op::Ge:
      return Op::Le;
    default:
      return op;
  }
}

// The subject values for which `subject op c` holds; `c` in the subject's scale, or in
// millionths when `fractional` (an int subject against a decimal constant).
ValueSet Holds(Op op, int64_t c, bool fractional) {
  if (fractional) {
    switch (op) {
      case Op::Lt:
        return ValueSet::Range(kLowest, CeilUnits(c) - 1);
      case Op::Le:
        return ValueSet::Range(kLowest, FloorUnits(c));
      case Op::Gt:
        return ValueSet::Range(FloorUnits(c) + 1, kHighest);
      case Op::Ge:
        return ValueSet::Range(CeilUnits(c), kHighest);
      case Op::Eq:
        return c % kDecimalScale == 0 ? ValueSet::Range(c / kDecimalScale, c / kDecimalScale)
                                      : ValueSet::None();
      case Op::Ne:
        return c % kDecimalScale == 0
                   ? ValueSet::Range(c / kDecimalScale, c / kDecimalScale).Complement()
                   : ValueSet::All();
      default:
        return ValueSet::All();
    }
  }
  switch (op) {
    case Op::Lt:
      return ValueSet::Range(kLowest, c - 1);
    case Op::Le:
      return ValueSet::Range(kLowest, c);
    case Op::Gt:
      return ValueSet::Range(c + 1, kHighest);
    case Op::Ge:
      return ValueSet::Range(c, kHighest);
    case Op::Eq:
      return ValueSet::Range(c, c);
    case Op::Ne:
      return ValueSet::Range(c, c).Complement();
    default:
      return ValueSet::All();
  }
}

bool IsScopeName(const Linter& l, ast::ExprId id, std::string_view name) {
  const ast::Expr& e = l.ast.expr(id);
  return e.kind == ExprKind::NameRef && e.text == name &&
         l.checked.expr_refs[id].kind == check::RefKind::Scope;
}

}  // namespace

ValueSet ValueSet::Range(int64_t lo, int64_t hi) {
  ValueSet s;
  lo = Clamp(lo);
  hi = Clamp(hi);
  if (lo <= hi)
    s.parts_.push_back({lo, hi});
  return s;
}

ValueSet ValueSet::Intersect(const ValueSet& other) const {
  ValueSet out;
  size_t i = 0, j = 0;
  while (i < parts_.size() && j < other.parts_.size()) {
    int64_t lo = std::max(parts_[i].first, other.parts_[j].first);
    int64_t hi = std::min(parts_[i].second, other.parts_[j].second);
    if (lo <= hi)
      out.parts_.push_back({lo, hi});
    if (parts_[i].second < other.parts_[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

ValueSet ValueSet::Complement() const {
  ValueSet out;
  int64_t next = kLowest;
  for (const auto& [lo, hi] : parts_) {
    if (lo > next)
      out.parts_.push_back({next, lo - 1});
    next = hi + 1;
  }
  if (next <= kHighest)
    out.parts_.push_back({next, kHighest});
  return out;
}

ValueSet ValueSet::Union(const ValueSet& other) const {
  return Complement().Intersect(other.Complement()).Complement();
}

std::optional<Comparison> AsComparison(const Linter& l, ast::ExprId id) {
  bool negated = false;
  while (l.ast.expr(id).kind == ExprKind::Unary && l.ast.expr(id).op == Op::Not) {
    negated = !negated;
    id = l.ast.expr(id).a;
  }
  const ast::Expr& e = l.ast.expr(id);
  if (e.kind != ExprKind::Binary)
    return std::nullopt;
  if (e.op != Op::Lt && e.op != Op::Le && e.op != Op::Gt && e.op != Op::Ge && e.op != Op::Eq &&
      e.op != Op::Ne) {
    return std::nullopt;
  }
  for (int side = 0; side < 2; ++side) {
    ast::ExprId subject = side == 0 ? e.a : e.b;
    ast::ExprId other = side == 0 ? e.b : e.a;
    std::optional<Scale> scale = ScaleOf(l, subject);
    if (!scale)
      continue;
    bool fractional = false;
    std::optional<int64_t> c = Constant(l, other, *scale, &fractional);
    if (!c)
      continue;
    bool subject_constant = false;
    if (Constant(l, subject, *scale, &subject_constant))
      return std::nullopt;  // two constants: not about any subject
    Comparison out;
    out.expr = id;
    out.subject = subject;
    out.scale = *scale;
    Op op = side == 0 ? e.op : Flip(e.op);
    out.holds = Holds(op, *c, fractional);
    if (negated)
      out.holds = out.holds.Complement();
    if (fractional) {
      out.constants = {FloorUnits(*c), CeilUnits(*c)};
    } else {
      out.constants = {*c};
    }
    return out;
  }
  return std::nullopt;
}

ValueSet DomainOf(const Linter& l, ast::ExprId subject, std::string* phrase) {
  const ast::Expr& e = l.ast.expr(subject);
  auto never_negative = [&]() {
    if (phrase)
      *phrase = "is never negative";
    return ValueSet::Range(0, kHighest);
  };
  if (e.kind == ExprKind::Quantifier && e.quant == ast::QuantKind::Count)
    return never_negative();
  if (IsScopeName(l, subject, "age"))
    return never_negative();
  if (e.kind == ExprKind::Call && l.checked.expr_refs[subject].kind == check::RefKind::Builtin) {
    if (e.text == "length" || e.text == "abs")
      return never_negative();
    if (e.text == "month") {
      if (phrase)
        *phrase = "is a month from 1 to 12";
      return ValueSet::Range(1, 12);
    }
  }
  if (phrase)
    phrase->clear();
  return ValueSet::All();
}

std::string ValueText(Scale scale, int64_t value) {
  switch (scale) {
    case Scale::Int:
      return fmt::format("{}", value);
    case Scale::Micro: {
      std::string sign = value < 0 ? "-" : "";
      uint64_t v = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
      std::string text = fmt::format("{}{}", sign, v / kDecimalScale);
      uint64_t frac = v % kDecimalScale;
      if (frac) {
        std::string digits = fmt::format("{:06}", frac);
        while (digits.back() == '0')
          digits.pop_back();
        text += "." + digits;
      }
      return text;
    }
    case Scale::Day:
      if (value < kMinDay || value > kMaxDay)
        return fmt::format("day {}", value);
      return FormatDate(static_cast<Day>(value)).str();
  }
  return "?";
}

}  // namespace warrant::lint
