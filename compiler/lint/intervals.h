// Interval reasoning for the lints: which values of a number or a date make a comparison true.
//
// A comparison of a subject (any expression of type int, decimal or date: `age`, `line.units`,
// `count h in history where P`, `service_date`) with a constant (`18`, `88.5`, `2025-01-01`,
// `-1`) is read as the set of the subject's values for which it holds, as sorted, disjoint
// closed intervals: ints as themselves, decimals in millionths (their exact fixed point), dates
// as day numbers, so `x > 65` on an int is `[66, +inf]` and on a decimal `[65.000001, +inf]`.
// A few subjects have a known range (`count`, `length`, `age` and `abs` are never negative;
// `month` is 1 to 12). Unknown values are not modelled: a set says what holds when the subject
// has a value. Used by conditions.cpp (W0701, W0702), redundant.cpp (W0710) and conflicts.cpp
// (W0711: the boundary values of a witness claim).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/lint/linter.h"

namespace warrant::lint {

inline constexpr int64_t kLowest = INT64_MIN / 4;
inline constexpr int64_t kHighest = INT64_MAX / 4;

class ValueSet {
 public:
  static ValueSet All() { return Range(kLowest, kHighest); }

  static ValueSet None() { return ValueSet(); }

  static ValueSet Range(int64_t lo, int64_t hi);

  bool empty() const { return parts_.empty(); }

  ValueSet Intersect(const ValueSet& other) const;
  ValueSet Union(const ValueSet& other) const;
  ValueSet Complement() const;  // within All()

  bool Covers(const ValueSet& other) const { return other.Intersect(Complement()).empty(); }

  const std::vector<std::pair<int64_t, int64_t>>& parts() const { return parts_; }

  friend bool operator==(const ValueSet&, const ValueSet&) = default;

 private:
  std::vector<std::pair<int64_t, int64_t>> parts_;  // sorted, disjoint, not adjacent
};

// How a subject's values are numbered.
enum class Scale : uint8_t { Int, Micro, Day };

// `subject op constant` read as the set of subject values for which `expr` is true.
struct Comparison {
  ast::ExprId expr = ast::kNone;     // the comparison (under its `not`s)
  ast::ExprId subject = ast::kNone;  // the non-constant side
  Scale scale = Scale::Int;
  ValueSet holds;
  std::vector<int64_t> constants;  // the constant, in the subject's scale (for witnesses)
};

// `id` (through `not`s) as a comparison of a number or date with a constant, if it is one.
std::optional<Comparison> AsComparison(const Linter& l, ast::ExprId id);

// The values `subject` can have at all (its scale's whole range unless it is one of the few
// subjects with a known one), and a phrase for the author when that range is narrower.
ValueSet DomainOf(const Linter& l, ast::ExprId subject, std::string* phrase = nullptr);

// `value` in `scale` as the author writes it: `65`, `88.5`, `2025-01-01`.
std::string ValueText(Scale scale, int64_t value);

}  // namespace warrant::lint
