// The value semantics of the VM: Kleene truth tables, exact decimals, calendar arithmetic,
// windows and comparisons with missing data.
#include "runtime/vm/vm_ops.h"

#include <random>
#include <string>

#include "runtime/core/decimal.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

Value T() {
  return Value::Bool(true);
}

Value F() {
  return Value::Bool(false);
}

Value U() {
  return Value::Unknown(7);
}

// 't', 'f' or 'u'.
char Truth(Value v) {
  return v.is_true() ? 't' : v.is_false() ? 'f' : (v.is_unknown() ? 'u' : '?');
}

Value On(int y, int m, int d) {
  return Value::Date(DaysFromCivil({y, m, d}));
}

}  // namespace

TEST_CASE("Kleene and/or/not truth tables", "[vm]") {
  Value values[] = {T(), F(), U()};
  const char* and_table[] = {"tfu", "fff", "ufu"};
  const char* or_table[] = {"ttt", "tfu", "tuu"};
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      INFO("a=" << a << " b=" << b);
      CHECK(Truth(KleeneAnd(values[a], values[b])) == and_table[a][b]);
      CHECK(Truth(KleeneOr(values[a], values[b])) == or_table[a][b]);
    }
  }
  CHECK(Truth(KleeneNot(T())) == 'f');
  CHECK(Truth(KleeneNot(F())) == 't');
  CHECK(Truth(KleeneNot(U())) == 'u');
}

TEST_CASE("unknown keeps the origin of the first missing value", "[vm]") {
  Value a = Value::Unknown(11);
  Value b = Value::Unknown(22);
  CHECK(KleeneAnd(a, b).aux == 11);
  CHECK(KleeneAnd(T(), b).aux == 22);
  CHECK(CompareOp(Op::Ge, Value::Int(1), a, 99).aux == 11);
  // none compared is unknown, attributed to the comparison
  CHECK(CompareOp(Op::Eq, Value::None(), Value::Int(1), 99).aux == 99);
}

TEST_CASE("decimals compare exactly as written", "[vm]") {
  int64_t a = 0, b = 0;
  REQUIRE(ParseDecimal("88.5", &a));
  REQUIRE(ParseDecimal("88.50", &b));
  CHECK(a == b);
  REQUIRE(ParseDecimal("7.0", &a));
  CHECK(CompareOp(Op::Eq, Value::Decimal(a), Value::Int(7), 0).is_true());
  REQUIRE(ParseDecimal("56", &a));
  REQUIRE(ParseDecimal("56.000001", &b));
  CHECK(CompareOp(Op::Gt, Value::Decimal(b), Value::Decimal(a), 0).is_true());
  CHECK(CompareOp(Op::Gt, Value::Decimal(a), Value::Int(56), 0).is_false());
  // 21 / 30 nights = 0.7 exactly; 20 / 30 rounds to 0.666667
  Value seventy = Arithmetic(Op::Div, Value::Int(21), Value::Int(30), 0);
  REQUIRE(seventy.tag == Tag::Decimal);
  CHECK(seventy.i == 700000);
  CHECK(Arithmetic(Op::Div, Value::Int(20), Value::Int(30), 0).i == 666667);
  CHECK(Arithmetic(Op::Div, Value::Int(1), Value::Int(0), 5).is_unknown());
  CHECK(FormatDecimal(88500000) == "88.5");
  CHECK(FormatDecimal(-250000) == "-0.25");
  REQUIRE(ParseDecimal("1e2", &a));
  CHECK(a == 100 * kDecimalScale);
  CHECK_FALSE(ParseDecimal("1.2.3", &a));
  CHECK_FALSE(ParseDecimal("", &a));
  CHECK_FALSE(ParseDecimal("-", &a));
}

TEST_CASE("decimals: the plain spelling's fast path agrees with the general parser", "[vm]") {
  // "Xe0" is the same number as "X" but always takes the general parser.
  std::mt19937 rng(11);
  const std::string chars = "0123456789.-";
  for (int n = 0; n < 50000; ++n) {
    std::string text;
    const size_t length = 1 + rng() % 22;
    for (size_t i = 0; i < length; ++i)
      text += chars[rng() % (i == 0 ? chars.size() : 11)];
    int64_t fast = 0, general = 0;
    const bool ok = ParseDecimal(text, &fast);
    INFO(text);
    CHECK(ok == ParseDecimal(text + "e0", &general));
    if (ok)
      CHECK(fast == general);
  }
  int64_t v = 0;
  REQUIRE(ParseDecimal("999999999999.999999", &v));
  CHECK(v == 999999999999999999);
  REQUIRE(ParseDecimal("-0.0000015", &v));  // seven places: the general parser rounds
  CHECK(v == -2);
  REQUIRE(ParseDecimal("-0", &v));
  CHECK(v == 0);
}

TEST_CASE("calendar arithmetic on dates", "[vm]") {
  // the month-count rule: month_start(2024-02-20) + 12 months = 2025-02-01
  Value start = On(2024, 2, 1);
  Value twelve = Value::Duration(12, DurationUnit::Months);
  CHECK(Arithmetic(Op::Add, start, twelve, 0).i == On(2025, 2, 1).i);
  // Jan 31 + 1 month clamps to the end of February
  CHECK(Arithmetic(Op::Add, On(2024, 1, 31), Value::Duration(1, DurationUnit::Months), 0).i ==
        On(2024, 2, 29).i);
  CHECK(Arithmetic(Op::Sub, On(2024, 3, 1), Value::Duration(1, DurationUnit::Days), 0).i ==
        On(2024, 2, 29).i);
  CHECK(Arithmetic(Op::Add, Value::Duration(2, DurationUnit::Weeks), On(2024, 1, 1), 0).i ==
        On(2024, 1, 15).i);
  // a date minus a date is not arithmetic the VM does (the checker refuses it)
  CHECK(Arithmetic(Op::Sub, On(2024, 1, 2), On(2024, 1, 1), 3).is_unknown());
}

TEST_CASE("within windows are half-open before, half-open after, closed for of", "[vm]") {
  Value ninety = Value::Duration(90, DurationUnit::Days);
  Value anchor = On(2025, 6, 1);
  Value first = On(2025, 3, 3);  // 2025-06-01 - 90 days
  CHECK(WithinOp(first, ninety, anchor, 0, 0).is_true());
  CHECK(WithinOp(On(2025, 3, 2), ninety, anchor, 0, 0).is_false());
  CHECK(WithinOp(anchor, ninety, anchor, 0, 0).is_false());
  CHECK(WithinOp(anchor, ninety, anchor, 1, 0).is_false());
  CHECK(WithinOp(On(2025, 8, 30), ninety, anchor, 1, 0).is_true());
  CHECK(WithinOp(anchor, ninety, anchor, 2, 0).is_true());
  CHECK(WithinOp(U(), ninety, anchor, 2, 0).is_unknown());
}

TEST_CASE("comparisons of unlike values", "[vm]") {
  CHECK(CompareOp(Op::Lt, Value::Int(44), Value::Int(45), 0).is_true());
  CHECK(CompareOp(Op::Eq, Value::String("paid"), Value::String("paid"), 0).is_true());
  CHECK(CompareOp(Op::Ne, Value::String("paid"), Value::String("denied"), 0).is_true());
  // ordering a string against a number is unknown, never a crash
  CHECK(CompareOp(Op::Lt, Value::String("a"), Value::Int(1), 4).is_unknown());
  CHECK(CompareOp(Op::Eq, Value::String("a"), Value::Int(1), 4).is_false());
  CHECK(Negate(Value::Int(INT64_MIN), 2).is_unknown());
}

}  // namespace warrant
