// Calendar dates as day numbers, and the calendar arithmetic coverage rules are written in.
//
// A Day is the number of days since 1970-01-01 (proleptic Gregorian), so comparisons and
// day-count windows are integer operations. Month arithmetic clamps to the month's end
// (Jan 31 + 1 month = Feb 28/29); a Feb 29 birthday falls on Mar 1 in common years (see
// AgeOn). Nothing here knows about claims or policies, and nothing here allocates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warrant {

using Day = int32_t;

struct Civil {
  int32_t year = 1970;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31

  friend constexpr bool operator==(Civil, Civil) = default;
};

constexpr bool IsLeapYear(int32_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int32_t DaysInMonth(int32_t y, int32_t m) {
  constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// True for a real calendar date in years 1..9999.
constexpr bool IsValidDate(int32_t y, int32_t m, int32_t d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

// Howard Hinnant's days_from_civil. The arithmetic is 64-bit so that it is exact for every
// Civil that CivilFromDays returns (the era product overflows 32 bits near the Day limits).
constexpr Day DaysFromCivil(Civil c) {
  const int64_t y = c.month <= 2 ? int64_t{c.year} - 1 : c.year;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (c.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + c.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<Day>(era * 146097 + doe - 719468);
}

// The dates the arithmetic below produces: 0001-01-01 .. 9999-12-31, the same as ParseDate.
inline constexpr Day kMinDay = DaysFromCivil({1, 1, 1});
inline constexpr Day kMaxDay = DaysFromCivil({9999, 12, 31});

constexpr bool IsInRange(Day d) {
  return d >= kMinDay && d <= kMaxDay;
}

// Total for every int32 day (the year may then be outside 1..9999).
Civil CivilFromDays(Day d);

// Parses exactly "YYYY-MM-DD"; nullopt for anything else or an impossible date.
std::optional<Day> ParseDate(std::string_view text);

// "YYYY-MM-DD" held inline. Years outside 0..9999 print as ISO 8601 expanded years
// ("+10000-01-01", "-0001-12-31"), so an out-of-range day never looks like a plausible date.
class DateText {
 public:
  std::string_view view() const { return {chars_.data(), size_}; }

  std::string str() const { return std::string(view()); }

 private:
  friend DateText FormatDate(Day d);
  std::array<char, 16> chars_{};
  uint8_t size_ = 0;
};

DateText FormatDate(Day d);

// Calendar arithmetic. Each returns nullopt when `d` or the result is outside kMinDay..kMaxDay
// (the language's integers are 64-bit, so `d + n months` can overflow any date).
std::optional<Day> AddDays(Day d, int64_t n);
// Same day of the month n months later (n < 0: earlier), clamped to that month's last day:
// 2024-01-31 + 1 = 2024-02-29, 2023-01-31 + 1 = 2023-02-28, 2024-03-31 - 1 = 2024-02-29.
std::optional<Day> AddMonths(Day d, int64_t n);
// AddMonths(d, 12 * n): 2024-02-29 + 1 year = 2025-02-28.
std::optional<Day> AddYears(Day d, int64_t n);

Day MonthStart(Day d);
Day MonthEnd(Day d);
int32_t Year(Day d);
// US federal fiscal year, Oct 1 - Sep 30, named by the year it ends in: FY2026 starts 2025-10-01.
int32_t FiscalYear(Day d);

// b - a: positive when b is later.
int64_t DaysBetween(Day a, Day b);
// Completed calendar months from a to b: for a <= b, the largest n with AddMonths(a, n) <= b,
// so `months_between(a, b) >= n` agrees with `b >= a + n months` (2023-01-31 -> 2023-02-28 is
// one month). For a > b, -MonthsBetween(b, a).
int32_t MonthsBetween(Day a, Day b);
// MonthsBetween(a, b) / 12, so it agrees with AddYears (not with AgeOn for Feb 29 births).
int32_t YearsBetween(Day a, Day b);

// Ages. The Feb 29 convention: someone born on Feb 29 has their birthday on Mar 1 in common
// years, so Birthday(2000-02-29, 1) = 2001-03-01 and AgeOn(2000-02-29, 2001-02-28) = 0. This is
// a policy choice (no CMS source fixes it; some jurisdictions use Feb 28). Duration arithmetic
// differs on purpose: AddYears clamps like AddMonths, so 2000-02-29 + 1 year = 2001-02-28 and
// YearsBetween(2000-02-29, 2001-02-28) = 1. Rules about age use `age` / `birthday(n)`.

// Completed years of age on `on`; the birthday counts (born 1979-03-15: 44 on 2024-03-14, 45 on
// 2024-03-15). Negative if `on` precedes `birth`. AgeOn(b, on) >= n exactly when
// on >= Birthday(b, n).
int32_t AgeOn(Day birth, Day on);
// The n-th birthday (n = 0: the birth date); nullopt outside years 1..9999.
std::optional<Day> Birthday(Day birth, int64_t n);

}  // namespace warrant
