// Money amounts: exact cents, the plain form read in one pass and every other form by the general
// path, with the same answers.
#include "runtime/core/decimal.h"

#include <cstdint>
#include <string>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

constexpr int64_t kMax = int64_t{999'999'999'999'99} * 10'000;  // 999,999,999,999.99

MoneyProblem Money(const std::string& text, int64_t* scaled) {
  return ParseMoney(text, kMax, scaled);
}

}  // namespace

TEST_CASE("money: amounts are exact cents, scaled like decimals", "[decimal]") {
  const std::pair<const char*, int64_t> good[] = {
      {"0", 0},
      {"7", 7'000'000},
      {"0.5", 500'000},
      {"0.05", 50'000},
      {"12.3", 12'300'000},
      {"12.34", 12'340'000},
      {"1234.00", 1'234'000'000},
      {"12.340", 12'340'000},  // trailing zeros hold no more than cents: the general path
      {"-0", 0},               // zero is not negative
      {"999999999999.99", int64_t{999'999'999'999'99} * 10'000},
  };
  for (const auto& [text, want] : good) {
    INFO(text);
    int64_t got = -1;
    CHECK(Money(text, &got) == MoneyProblem::None);
    CHECK(got == want);
  }
  const std::pair<const char*, MoneyProblem> bad[] = {
      {"", MoneyProblem::Malformed},
      {".5", MoneyProblem::Malformed},
      {"5.", MoneyProblem::Malformed},
      {"012", MoneyProblem::Malformed},
      {"00.10", MoneyProblem::Malformed},
      {"1e2", MoneyProblem::Malformed},
      {"1.2.3", MoneyProblem::Malformed},
      {"12a", MoneyProblem::Malformed},
      {"+1", MoneyProblem::Malformed},
      {" 1", MoneyProblem::Malformed},
      {"12.345", MoneyProblem::TooPrecise},
      {"12.3a", MoneyProblem::Malformed},
      {"-1", MoneyProblem::Negative},
      {"-0.01", MoneyProblem::Negative},
      {"10000000000000", MoneyProblem::TooLarge},  // 14 digits: the general path
  };
  for (const auto& [text, want] : bad) {
    INFO(text);
    int64_t got = 0;
    CHECK(Money(text, &got) == want);
  }
}

TEST_CASE("money: the bound is checked on both paths", "[decimal]") {
  int64_t got = 0;
  CHECK(ParseMoney("100.00", 100'000'000, &got) == MoneyProblem::None);
  CHECK(got == 100'000'000);
  CHECK(ParseMoney("100.01", 100'000'000, &got) == MoneyProblem::TooLarge);
  CHECK(ParseMoney("100.010", 100'000'000, &got) == MoneyProblem::TooLarge);
  CHECK(ParseMoney("1000000000000", kMax, &got) == MoneyProblem::TooLarge);  // 13 digits
}

TEST_CASE("money: every plain amount agrees with the decimal it writes", "[decimal]") {
  // Whole parts of 1 to 12 digits, each with no, one and two places.
  int checked = 0;
  for (int digits = 1; digits <= 12; ++digits) {
    for (int lead = 1; lead <= 9; lead += 4) {
      std::string whole(static_cast<size_t>(digits), '0');
      whole[0] = static_cast<char>('0' + lead);
      for (const std::string& fraction : {std::string(), std::string(".7"), std::string(".09"),
                                          std::string(".90"), std::string(".00")}) {
        const std::string text = whole + fraction;
        INFO(text);
        int64_t money = 0, decimal = 0;
        REQUIRE(Money(text, &money) == MoneyProblem::None);
        REQUIRE(ParseDecimal(text, &decimal));
        CHECK(money == decimal);
        ++checked;
      }
    }
  }
  CHECK(checked == 12 * 3 * 5);
}

TEST_CASE("decimals: ParseExactDecimal is ParseDecimal and DecimalIsExact in one", "[decimal]") {
  // Both paths: the plain spelling (one pass) and every other form (the general parser).
  const char* texts[] = {"0",
                         "7",
                         "-0",
                         "88.5",
                         "-0.25",
                         "0.000001",
                         "0.0000001",
                         "1.1234567",
                         "1.1234560",
                         "123456789012",
                         "1e2",
                         "2.5E-1",
                         "1.5e-6",
                         "1.5e-7",
                         "+3",
                         "0.1e1",
                         "1234567890123.5",
                         "x",
                         "",
                         "1.",
                         "-",
                         "10000000000000",
                         "9.99999999e3"};
  for (const char* text : texts) {
    INFO(text);
    int64_t both = -1, alone = -1;
    const bool want = ParseDecimal(text, &alone) && DecimalIsExact(text);
    CHECK(ParseExactDecimal(text, &both) == want);
    if (want)
      CHECK(both == alone);
  }
  int64_t v = 0;
  CHECK(ParseExactDecimal("0.000001", &v));
  CHECK(v == 1);
  CHECK_FALSE(ParseExactDecimal("0.0000001", &v));  // a seventh place would be rounded
  CHECK(ParseExactDecimal("1.1234560", &v));        // a trailing zero holds nothing
  CHECK(v == 1'123'456);
}

}  // namespace warrant
