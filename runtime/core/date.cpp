#include "runtime/core/date.h"

#include <algorithm>

namespace warrant {
namespace {

// Bounds on the n of AddMonths/AddYears beyond which no in-range result exists; checked first so
// that the arithmetic below cannot overflow.
constexpr int64_t kMaxMonthSpan = 12 * 10000;

constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Writes `value` (>= 0) as exactly `width` digits ending just before `end`.
void WriteDigits(char* end, int64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

// Howard Hinnant's civil_from_days, in 64-bit so that every int32 day is safe.
Civil CivilFromDays(Day d) {
  const int64_t z = static_cast<int64_t>(d) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11], from March
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Civil{static_cast<int32_t>(year), static_cast<int32_t>(month), static_cast<int32_t>(day)};
}

std::optional<Day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  // Records carry several dates each: the digits are checked in one test, and the day number is
  // days_from_civil (date.h) in unsigned arithmetic, which years 1..9999 allow.
  const auto digit = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(text[i])) - uint32_t{'0'};
  };
  const uint32_t y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3);
  const uint32_t m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9);
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) {
    return std::nullopt;
  }
  const uint32_t y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const uint32_t m = m0 * 10 + m1;
  const uint32_t d = d0 * 10 + d1;
  if (y == 0 || m == 0 || m > 12 || d == 0 ||
      d > static_cast<uint32_t>(DaysInMonth(static_cast<int32_t>(y), static_cast<int32_t>(m)))) {
    return std::nullopt;
  }
  const uint32_t year = m <= 2 ? y - 1 : y;
  const uint32_t era = year / 400;
  const uint32_t yoe = year - era * 400;
  const uint32_t mp = m > 2 ? m - 3 : m + 9;
  const uint32_t doy = (153 * mp + 2) / 5 + d - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<Day>(static_cast<int64_t>(era) * 146097 + doe - 719468);
}

DateText FormatDate(Day d) {
  const Civil c = CivilFromDays(d);
  DateText out;
  char* p = out.chars_.data();
  int64_t year = c.year;
  if (year < 0 || year > 9999) {
    *p++ = year < 0 ? '-' : '+';
  }
  if (year < 0) {
    year = -year;
  }
  int width = 4;
  for (int64_t rest = year / 10000; rest > 0; rest /= 10) {
    ++width;
  }
  p += width;
  WriteDigits(p, year, width);
  *p++ = '-';
  WriteDigits(p + 2, c.month, 2);
  p += 2;
  *p++ = '-';
  WriteDigits(p + 2, c.day, 2);
  p += 2;
  out.size_ = static_cast<uint8_t>(p - out.chars_.data());
  return out;
}

std::optional<Day> AddDays(Day d, int64_t n) {
  if (!IsInRange(d)) {
    return std::nullopt;
  }
  // |n| is bounded first so the sum cannot overflow.
  if (n < static_cast<int64_t>(kMinDay) - kMaxDay || n > static_cast<int64_t>(kMaxDay) - kMinDay) {
    return std::nullopt;
  }
  const int64_t result = d + n;
  if (result < kMinDay || result > kMaxDay) {
    return std::nullopt;
  }
  return static_cast<Day>(result);
}

std::optional<Day> AddMonths(Day d, int64_t n) {
  if (!IsInRange(d) || n < -kMaxMonthSpan || n > kMaxMonthSpan) {
    return std::nullopt;
  }
  const Civil c = CivilFromDays(d);
  const int64_t index = int64_t{c.year} * 12 + (c.month - 1) + n;  // months since 0000-01
  const int64_t year = FloorDiv(index, 12);
  if (year < 1 || year > 9999) {
    return std::nullopt;
  }
  const auto y = static_cast<int32_t>(year);
  const auto m = static_cast<int32_t>(index - year * 12 + 1);
  return DaysFromCivil({y, m, std::min(c.day, DaysInMonth(y, m))});
}

std::optional<Day> AddYears(Day d, int64_t n) {
  if (n < -kMaxMonthSpan / 12 || n > kMaxMonthSpan / 12) {
    return std::nullopt;
  }
  return AddMonths(d, n * 12);
}

Day MonthStart(Day d) {
  return d - (CivilFromDays(d).day - 1);
}

Day MonthEnd(Day d) {
  const Civil c = CivilFromDays(d);
  return d + (DaysInMonth(c.year, c.month) - c.day);
}

int32_t Year(Day d) {
  return CivilFromDays(d).year;
}

int32_t FiscalYear(Day d) {
  const Civil c = CivilFromDays(d);
  return c.month >= 10 ? c.year + 1 : c.year;
}

int64_t DaysBetween(Day a, Day b) {
  return int64_t{b} - a;
}

int32_t MonthsBetween(Day a, Day b) {
  if (a > b) {
    return -MonthsBetween(b, a);
  }
  const Civil ca = CivilFromDays(a);
  const Civil cb = CivilFromDays(b);
  int32_t months = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  // AddMonths(a, months) lands on min(ca.day, last day of b's month); it overshoots b exactly
  // when a's day is later than b's and b is not its month's last day (else clamping saves it).
  if (ca.day > cb.day && cb.day < DaysInMonth(cb.year, cb.month)) {
    --months;
  }
  return months;
}

int32_t YearsBetween(Day a, Day b) {
  return MonthsBetween(a, b) / 12;
}

int32_t AgeOn(Day birth, Day on) {
  const Civil b = CivilFromDays(birth);
  const Civil o = CivilFromDays(on);
  // Comparing (month, day) pairs gives the Feb 29 convention for free: in a common year there
  // is no (2, 29), so the birthday has not passed on Feb 28 and has on Mar 1.
  const bool before_birthday = o.month < b.month || (o.month == b.month && o.day < b.day);
  return o.year - b.year - (before_birthday ? 1 : 0);
}

std::optional<Day> Birthday(Day birth, int64_t n) {
  if (!IsInRange(birth) || n < -10000 || n > 10000) {
    return std::nullopt;
  }
  const Civil b = CivilFromDays(birth);
  const int64_t year = b.year + n;
  if (year < 1 || year > 9999) {
    return std::nullopt;
  }
  const auto y = static_cast<int32_t>(year);
  if (b.month == 2 && b.day == 29 && !IsLeapYear(y)) {
    return DaysFromCivil({y, 3, 1});
  }
  return DaysFromCivil({y, b.month, b.day});
}

}  // namespace warrant
