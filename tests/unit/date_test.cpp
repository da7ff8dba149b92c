// Calendar arithmetic: parsing, month ends, leap years, Feb 29 birthdays, the CMS month-count
// frequency rule and the age cases of shared/domain/criteria-examples.md.
#include "runtime/core/date.h"

#include <algorithm>
#include <string>

#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

namespace warrant {
namespace {

using test::D;

std::string Text(Day d) {
  return FormatDate(d).str();
}

std::string Text(std::optional<Day> d) {
  return d ? Text(*d) : std::string("none");
}

TEST_CASE("date: epoch and civil conversion", "[date]") {
  CHECK(D("1970-01-01") == 0);
  CHECK(D("1970-01-02") == 1);
  CHECK(D("1969-12-31") == -1);
  CHECK(D("2000-03-01") == 11017);
  CHECK(CivilFromDays(0) == Civil{1970, 1, 1});
  CHECK(CivilFromDays(D("2024-02-29")) == Civil{2024, 2, 29});
  CHECK(CivilFromDays(kMinDay) == Civil{1, 1, 1});
  CHECK(CivilFromDays(kMaxDay) == Civil{9999, 12, 31});
}

TEST_CASE("date: round trips over every day of 0001..9999", "[date]") {
  Civil expected{1, 1, 1};
  for (Day d = kMinDay; d <= kMaxDay; ++d) {
    const Civil c = CivilFromDays(d);
    if (!(c == expected)) {
      FAIL("day " << d << " -> " << c.year << "-" << c.month << "-" << c.day);
    }
    if (DaysFromCivil(c) != d) {
      FAIL("DaysFromCivil disagrees at " << d);
    }
    if (ParseDate(FormatDate(d).view()) != d) {
      FAIL("text round trip fails at " << d);
    }
    // Next expected date, counted independently of the conversion under test.
    if (++expected.day > DaysInMonth(expected.year, expected.month)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected = {expected.year + 1, 1, 1};
      }
    }
  }
  CHECK(expected == Civil{10000, 1, 1});
}

TEST_CASE("date: extreme day numbers do not overflow", "[date]") {
  const Day extremes[] = {INT32_MIN, INT32_MIN + 1, -1000000000, 1000000000, INT32_MAX};
  for (Day d : extremes) {
    const Civil c = CivilFromDays(d);
    CHECK(DaysFromCivil(c) == d);
    CHECK(IsValidDate(2000, c.month, c.day));  // month and day are sane even if the year is not
  }
  CHECK(Text(D("9999-12-31") + 1) == "+10000-01-01");
  CHECK(Text(D("0001-01-01") - 366) == "0000-01-01");  // year 0 is a leap year
  CHECK(Text(D("0001-01-01") - 367) == "-0001-12-31");
  CHECK(Text(D("0001-01-01") - 1) == "0000-12-31");
}

TEST_CASE("date: leap years", "[date]") {
  CHECK(IsLeapYear(2024));
  CHECK(IsLeapYear(2000));
  CHECK_FALSE(IsLeapYear(1900));
  CHECK_FALSE(IsLeapYear(2023));
  CHECK_FALSE(IsLeapYear(2100));
  CHECK(ParseDate("2024-02-29").has_value());
  CHECK(ParseDate("2000-02-29").has_value());
  CHECK_FALSE(ParseDate("1900-02-29").has_value());
  CHECK_FALSE(ParseDate("2023-02-29").has_value());
  CHECK(DaysBetween(D("2024-01-01"), D("2025-01-01")) == 366);
  CHECK(DaysBetween(D("1900-01-01"), D("1901-01-01")) == 365);
}

TEST_CASE("date: ParseDate accepts exactly YYYY-MM-DD", "[date]") {
  CHECK(ParseDate("2024-03-15") == DaysFromCivil({2024, 3, 15}));
  CHECK(ParseDate("0001-01-01") == kMinDay);
  CHECK(ParseDate("9999-12-31") == kMaxDay);
  const char* bad[] = {"2023-02-29",
                       "2024-13-01",
                       "2024-00-10",
                       "2024-04-31",
                       "2024-01-00",
                       "2024-01-32",
                       "0000-01-01",
                       "2024-1-01",
                       "2024-01-1",
                       "24-01-01",
                       "2024-01-01x",
                       "2024-01-01 ",
                       " 2024-01-01",
                       "2024/01/01",
                       "2024-01-01T00",
                       "20240101",
                       "",
                       "2024-0a-01",
                       "+024-01-01",
                       "2024--1-01",
                       "-024-01-01",
                       "2024-01- 1"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(ParseDate(text).has_value());
  }
  // An embedded NUL is junk too.
  CHECK_FALSE(ParseDate(std::string_view("2024-01-01\0", 11)).has_value());
}

TEST_CASE("date: FormatDate", "[date]") {
  CHECK(Text(D("2024-02-29")) == "2024-02-29");
  CHECK(Text(kMinDay) == "0001-01-01");
  CHECK(Text(kMaxDay) == "9999-12-31");
  CHECK(FormatDate(0).view() == "1970-01-01");
}

TEST_CASE("date: AddDays", "[date]") {
  CHECK(Text(AddDays(D("2024-02-28"), 1)) == "2024-02-29");
  CHECK(Text(AddDays(D("2023-02-28"), 1)) == "2023-03-01");
  CHECK(Text(AddDays(D("2024-03-01"), -90)) == "2023-12-02");
  CHECK(Text(AddDays(D("9999-12-31"), 1)) == "none");
  CHECK(Text(AddDays(D("0001-01-01"), -1)) == "none");
  CHECK(Text(AddDays(D("2024-01-01"), INT64_MAX)) == "none");
  CHECK(Text(AddDays(D("2024-01-01"), INT64_MIN)) == "none");
  CHECK(Text(AddDays(kMaxDay + 1, -1)) == "none");  // out-of-range input
}

TEST_CASE("date: AddMonths clamps to the month's end", "[date]") {
  CHECK(Text(AddMonths(D("2024-01-31"), 1)) == "2024-02-29");
  CHECK(Text(AddMonths(D("2023-01-31"), 1)) == "2023-02-28");
  CHECK(Text(AddMonths(D("2024-01-31"), 2)) == "2024-03-31");  // from Jan 31, not from Feb 29
  CHECK(Text(AddMonths(D("2024-03-31"), 1)) == "2024-04-30");
  CHECK(Text(AddMonths(D("2024-08-31"), 1)) == "2024-09-30");
  CHECK(Text(AddMonths(D("2024-12-31"), 2)) == "2025-02-28");
  CHECK(Text(AddMonths(D("2024-11-15"), 2)) == "2025-01-15");
  CHECK(Text(AddMonths(D("2024-02-29"), 12)) == "2025-02-28");
  CHECK(Text(AddMonths(D("2024-02-29"), 48)) == "2028-02-29");
  CHECK(Text(AddMonths(D("2024-05-17"), 0)) == "2024-05-17");
}

TEST_CASE("date: AddMonths with negative n", "[date]") {
  CHECK(Text(AddMonths(D("2024-03-31"), -1)) == "2024-02-29");
  CHECK(Text(AddMonths(D("2023-03-31"), -1)) == "2023-02-28");
  CHECK(Text(AddMonths(D("2024-01-15"), -1)) == "2023-12-15");
  CHECK(Text(AddMonths(D("2024-01-31"), -2)) == "2023-11-30");
  CHECK(Text(AddMonths(D("2024-02-10"), -14)) == "2022-12-10");
  CHECK(Text(AddMonths(D("2024-03-01"), -12)) == "2023-03-01");
  CHECK(Text(AddMonths(D("0001-02-01"), -1)) == "0001-01-01");
  CHECK(Text(AddMonths(D("0001-02-01"), -2)) == "none");
  CHECK(Text(AddMonths(D("9999-11-30"), 1)) == "9999-12-30");
  CHECK(Text(AddMonths(D("9999-12-01"), 1)) == "none");
  CHECK(Text(AddMonths(D("2024-01-01"), INT64_MAX)) == "none");
  CHECK(Text(AddMonths(D("2024-01-01"), INT64_MIN)) == "none");
}

TEST_CASE("date: AddMonths agrees with a month-by-month model", "[date]") {
  // For every start day of 2023-2024 and n in -30..30: the result is in the right month, on
  // the start's day of month or that month's last day, whichever is earlier.
  for (Day d = D("2023-01-01"); d <= D("2024-12-31"); ++d) {
    const Civil c = CivilFromDays(d);
    for (int n = -30; n <= 30; ++n) {
      const Civil r = CivilFromDays(*AddMonths(d, n));
      const int index = c.year * 12 + c.month - 1 + n;
      const int y = index / 12;
      const int m = index % 12 + 1;
      const int expected_day = std::min(c.day, DaysInMonth(y, m));
      if (!(r == Civil{y, m, expected_day})) {
        FAIL(Text(d) << " + " << n << " months");
      }
    }
  }
}

TEST_CASE("date: AddYears", "[date]") {
  CHECK(Text(AddYears(D("2024-02-29"), 1)) == "2025-02-28");
  CHECK(Text(AddYears(D("2024-02-29"), 4)) == "2028-02-29");
  CHECK(Text(AddYears(D("2024-02-29"), -1)) == "2023-02-28");
  CHECK(Text(AddYears(D("2015-06-30"), 10)) == "2025-06-30");
  CHECK(Text(AddYears(D("9999-01-01"), 1)) == "none");
  CHECK(Text(AddYears(D("2024-01-01"), INT64_MAX / 6)) == "none");
}

TEST_CASE("date: month start and end", "[date]") {
  CHECK(Text(MonthStart(D("2024-02-20"))) == "2024-02-01");
  CHECK(Text(MonthStart(D("2024-03-01"))) == "2024-03-01");
  CHECK(Text(MonthEnd(D("2024-02-20"))) == "2024-02-29");
  CHECK(Text(MonthEnd(D("2023-02-01"))) == "2023-02-28");
  CHECK(Text(MonthEnd(D("1900-02-10"))) == "1900-02-28");
  CHECK(Text(MonthEnd(D("2000-02-10"))) == "2000-02-29");
  CHECK(Text(MonthEnd(D("2024-12-31"))) == "2024-12-31");
  CHECK(Text(MonthEnd(D("2024-04-01"))) == "2024-04-30");
}

TEST_CASE("date: year and fiscal year", "[date]") {
  CHECK(Year(D("2024-12-31")) == 2024);
  CHECK(Year(D("1969-12-31")) == 1969);
  CHECK(FiscalYear(D("2025-09-30")) == 2025);
  CHECK(FiscalYear(D("2025-10-01")) == 2026);
  CHECK(FiscalYear(D("2026-09-30")) == 2026);
  CHECK(FiscalYear(D("2025-01-01")) == 2025);
  CHECK(FiscalYear(D("2024-12-31")) == 2025);
}

TEST_CASE("date: the CMS 11-full-months frequency rule", "[date]") {
  // eligible_from = first day of the month of the last service + 12 months.
  auto eligible_from = [](Day last) { return *AddMonths(MonthStart(last), 12); };
  CHECK(Text(eligible_from(D("2024-02-20"))) == "2025-02-01");  // C01-4: only 347 days
  CHECK(DaysBetween(D("2024-02-20"), D("2025-02-01")) == 347);
  CHECK(Text(eligible_from(D("2023-03-01"))) == "2024-03-01");  // C01-5 / C01-6
  CHECK(D("2024-02-29") < eligible_from(D("2023-03-01")));      // 365 days is too few
  CHECK(DaysBetween(D("2023-03-01"), D("2024-02-29")) == 365);
  CHECK(Text(eligible_from(D("2024-06-16"))) == "2025-06-01");  // C04-4 / C04-5
  CHECK(Text(eligible_from(D("2024-09-20"))) == "2025-09-01");  // C05-6
  CHECK(Text(eligible_from(D("2009-02-20"))) == "2010-02-01");  // CMS FAQ mammogram example
  CHECK(Text(eligible_from(D("2024-12-31"))) == "2025-12-01");
}

TEST_CASE("date: days, months and years between", "[date]") {
  CHECK(DaysBetween(D("2025-01-10"), D("2025-04-15")) == 95);
  CHECK(DaysBetween(D("2025-04-15"), D("2025-01-10")) == -95);
  CHECK(DaysBetween(INT32_MIN, INT32_MAX) == int64_t{UINT32_MAX});

  CHECK(MonthsBetween(D("2025-01-10"), D("2025-04-15")) == 3);  // C09-1
  CHECK(MonthsBetween(D("2025-01-10"), D("2025-04-09")) == 2);
  CHECK(MonthsBetween(D("2025-01-10"), D("2025-04-10")) == 3);
  CHECK(MonthsBetween(D("2025-03-01"), D("2025-04-15")) == 1);  // C09-2: 45 days
  CHECK(MonthsBetween(D("2023-01-31"), D("2023-02-28")) == 1);  // clamped month end
  CHECK(MonthsBetween(D("2023-01-31"), D("2023-02-27")) == 0);
  CHECK(MonthsBetween(D("2024-01-31"), D("2024-02-28")) == 0);  // Feb 29 exists in 2024
  CHECK(MonthsBetween(D("2024-01-31"), D("2024-02-29")) == 1);
  CHECK(MonthsBetween(D("2024-01-31"), D("2024-03-30")) == 1);
  CHECK(MonthsBetween(D("2024-01-31"), D("2024-03-31")) == 2);
  CHECK(MonthsBetween(D("2024-05-05"), D("2024-05-05")) == 0);
  CHECK(MonthsBetween(D("2025-04-15"), D("2025-01-10")) == -3);
  CHECK(MonthsBetween(D("2023-03-01"), D("2024-02-29")) == 11);

  CHECK(YearsBetween(D("2015-06-30"), D("2025-06-29")) == 9);
  CHECK(YearsBetween(D("2015-06-30"), D("2025-06-30")) == 10);
  CHECK(YearsBetween(D("2025-06-30"), D("2015-06-30")) == -10);
  CHECK(YearsBetween(D("2000-02-29"), D("2001-02-28")) == 1);  // duration arithmetic clamps
}

TEST_CASE("date: MonthsBetween is the inverse of AddMonths", "[date]") {
  // For a <= b: MonthsBetween(a, b) >= n exactly when a + n months <= b.
  for (Day a = D("2023-12-25"); a <= D("2024-03-05"); ++a) {
    for (Day b = a; b <= a + 800; b += 3) {
      const int32_t months = MonthsBetween(a, b);
      if (!(*AddMonths(a, months) <= b && *AddMonths(a, months + 1) > b)) {
        FAIL(Text(a) << " .. " << Text(b) << " gave " << months);
      }
      if (MonthsBetween(b, a) != -months) {
        FAIL("not antisymmetric at " << Text(a));
      }
    }
  }
}

TEST_CASE("date: ages from criteria-examples", "[date]") {
  const Day birth = D("1979-03-15");
  CHECK(AgeOn(birth, D("2024-03-14")) == 44);            // C01-1
  CHECK(AgeOn(birth, D("2024-03-15")) == 45);            // C01-2: the birthday counts
  CHECK(AgeOn(D("1975-06-15"), D("2022-12-15")) == 47);  // C01-3
  CHECK(AgeOn(D("1990-10-01"), D("2025-09-30")) == 34);  // C05-1
  CHECK(AgeOn(D("1989-01-15"), D("2025-03-01")) == 36);  // C05-2
  CHECK(AgeOn(D("1985-09-10"), D("2025-09-09")) == 39);  // C05-3
  CHECK(AgeOn(D("1985-09-10"), D("2025-09-10")) == 40);  // C05-4
  // C04: "coverage begins the day after the 50th birthday".
  CHECK(Text(Birthday(D("1975-06-15"), 50)) == "2025-06-15");
  CHECK(AgeOn(birth, birth) == 0);
  CHECK(AgeOn(birth, birth - 1) == -1);
  CHECK(AgeOn(birth, D("1900-01-01")) < 0);
}

TEST_CASE("date: Feb 29 birthdays fall on Mar 1 in common years", "[date]") {
  const Day birth = D("2000-02-29");
  CHECK(Text(Birthday(birth, 1)) == "2001-03-01");
  CHECK(Text(Birthday(birth, 4)) == "2004-02-29");
  CHECK(Text(Birthday(birth, 100)) == "2100-03-01");  // 2100 is not a leap year
  CHECK(Text(Birthday(birth, 0)) == "2000-02-29");
  CHECK(Text(Birthday(birth, -100)) == "1900-03-01");
  CHECK(AgeOn(birth, D("2001-02-28")) == 0);
  CHECK(AgeOn(birth, D("2001-03-01")) == 1);
  CHECK(AgeOn(birth, D("2004-02-28")) == 3);
  CHECK(AgeOn(birth, D("2004-02-29")) == 4);
  CHECK(AgeOn(birth, D("2045-02-28")) == 44);
  CHECK(AgeOn(birth, D("2045-03-01")) == 45);
  CHECK(Text(Birthday(D("1979-03-15"), 45)) == "2024-03-15");
  CHECK(Text(Birthday(D("9999-01-01"), 1)) == "none");
  CHECK(Text(Birthday(D("2000-01-01"), INT64_MIN)) == "none");
}

TEST_CASE("date: AgeOn agrees with Birthday", "[date]") {
  // AgeOn(b, on) >= n exactly when on >= Birthday(b, n), for births around Feb/Mar of leap
  // and common years and every day of a window around their birthdays.
  for (Day birth = D("1999-12-30"); birth <= D("2001-03-05"); ++birth) {
    for (int n = 0; n <= 9; ++n) {
      const Day birthday = *Birthday(birth, n);
      if (AgeOn(birth, birthday) != n) {
        FAIL("age on birthday " << n << " of " << Text(birth));
      }
      if (n > 0 && AgeOn(birth, birthday - 1) != n - 1) {
        FAIL("age the day before birthday " << n << " of " << Text(birth));
      }
    }
  }
}

}  // namespace
}  // namespace warrant
