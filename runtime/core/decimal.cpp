#include "runtime/core/decimal.h"

#include <algorithm>
#include <cstdlib>

#include "runtime/core/int128.h"
#include "runtime/core/value.h"

namespace warrant {

namespace {

// The common spelling, -?digits[.digits] with at most 12 whole and 6 fractional digits, is exact
// in 64 bits: read it directly. False means "not that spelling", not "malformed".
bool ParsePlainDecimal(std::string_view text, int64_t* scaled) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative)
    ++i;
  int64_t value = 0;
  const size_t whole_begin = i;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (i - whole_begin == 12)
      return false;  // a 13th digit: the general parser's case
    value = value * 10 + (text[i] - '0');
  }
  if (i == whole_begin)
    return false;
  int places = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && places < 6) {
      value = value * 10 + (text[i++] - '0');
      ++places;
    }
    if (places == 0)
      return false;
  }
  if (i != text.size())
    return false;
  for (; places < 6; ++places)
    value *= 10;
  *scaled = negative ? -value : value;
  return true;
}

}  // namespace

namespace {

// `digits[.d[d]]`, at most 12 whole digits and no leading zero: the amounts claims carry, read in
// one pass. False for anything else, which the general path reads or refuses.
bool ParsePlainMoney(std::string_view text, int64_t* scaled) {
  const size_t n = text.size();
  size_t i = 0;
  int64_t value = 0;
  while (i < n && i < 12 && text[i] >= '0' && text[i] <= '9')
    value = value * 10 + (text[i++] - '0');
  if (i == 0 || (text[0] == '0' && i > 1))
    return false;
  int64_t cents = 0;
  if (i < n) {
    if (text[i] != '.' || n - i < 2 || n - i > 3)
      return false;
    for (size_t k = i + 1; k < n; ++k) {
      if (text[k] < '0' || text[k] > '9')
        return false;
      cents = cents * 10 + (text[k] - '0');
    }
    if (n - i == 2)
      cents *= 10;
  }
  *scaled = (value * 100 + cents) * 10'000;
  return true;
}

}  // namespace

MoneyProblem ParseMoney(std::string_view text, int64_t max_scaled, int64_t* scaled) {
  if (int64_t plain = 0; ParsePlainMoney(text, &plain)) {
    if (plain > max_scaled)
      return MoneyProblem::TooLarge;
    *scaled = plain;
    return MoneyProblem::None;
  }
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative)
    ++i;
  const size_t whole = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    ++i;
  const size_t whole_digits = i - whole;
  if (whole_digits == 0 || (text[whole] == '0' && whole_digits > 1))
    return MoneyProblem::Malformed;
  size_t places = 0;
  if (i < text.size() && text[i] == '.') {
    const size_t fraction = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    places = i - fraction;
    if (places == 0)
      return MoneyProblem::Malformed;
  }
  if (i != text.size())
    return MoneyProblem::Malformed;  // an exponent, a sign or anything else
  if (places > 2) {
    // 12.340 still holds cents; 12.345 does not.
    for (size_t k = text.size() - (places - 2); k < text.size(); ++k) {
      if (text[k] != '0')
        return MoneyProblem::TooPrecise;
    }
  }
  int64_t value = 0;
  if (whole_digits > 15 || !ParseDecimal(negative ? text.substr(1) : text, &value) ||
      value > max_scaled) {
    return negative ? MoneyProblem::Negative : MoneyProblem::TooLarge;
  }
  if (negative && value != 0)
    return MoneyProblem::Negative;
  *scaled = value;
  return MoneyProblem::None;
}

bool DecimalIsExact(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+'))
    ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    ++i;
  int64_t places = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int64_t digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      ++digits;
      if (text[i] != '0')
        places = digits;  // trailing zeros hold nothing
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    int64_t exponent = 0;
    bool negative = false;
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
      negative = text[i++] == '-';
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1000);
    places += negative ? exponent : -exponent;
  }
  return places <= 6;
}

bool ParseExactDecimal(std::string_view text, int64_t* scaled) {
  return ParsePlainDecimal(text, scaled) || (ParseDecimal(text, scaled) && DecimalIsExact(text));
}

bool ParseDecimal(std::string_view text, int64_t* scaled) {
  if (ParsePlainDecimal(text, scaled))
    return true;
  bool negative = false;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  // Collect up to 40 significant digits and the position of the decimal point.
  Int128 mantissa = 0;
  int exponent = 0;  // value = mantissa * 10^exponent
  bool digits = false;
  bool dot = false;
  int dropped = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (dot)
        return false;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9')
      break;
    digits = true;
    if (mantissa < static_cast<Int128>(1) << 100) {
      mantissa = mantissa * 10 + (c - '0');
      if (dot)
        --exponent;
    } else {
      if (!dot)
        ++dropped;
    }
  }
  if (!digits)
    return false;
  exponent += dropped;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    int e = 0;
    bool exp_digits = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      exp_digits = true;
      if (e < 10000)
        e = e * 10 + (text[i] - '0');
    }
    if (!exp_digits)
      return false;
    exponent += exp_negative ? -e : e;
  }
  if (i != text.size())
    return false;
  // Scale to six places.
  exponent += 6;
  if (mantissa == 0) {
    *scaled = 0;
    return true;
  }
  const Int128 kLimit = static_cast<Int128>(INT64_MAX);
  if (exponent > 0) {
    for (int k = 0; k < exponent; ++k) {
      mantissa *= 10;
      if (mantissa > kLimit)
        return false;
    }
  } else if (exponent < 0) {
    if (exponent < -40) {
      mantissa = 0;
    } else {
      Int128 divisor = 1;
      for (int k = 0; k < -exponent; ++k)
        divisor *= 10;
      Int128 q = mantissa / divisor;
      Int128 r = mantissa % divisor;
      if (2 * r >= divisor)
        ++q;  // half away from zero (the sign is applied after)
      mantissa = q;
    }
  }
  if (mantissa > kLimit)
    return false;
  int64_t value = static_cast<int64_t>(mantissa);
  *scaled = negative ? -value : value;
  return true;
}

std::string FormatDecimal(int64_t scaled) {
  bool negative = scaled < 0;
  uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(scaled + 1)) + 1 : static_cast<uint64_t>(scaled);
  uint64_t whole = magnitude / kDecimalScale;
  uint64_t fraction = magnitude % kDecimalScale;
  std::string out = negative ? "-" : "";
  out += std::to_string(whole);
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  return out;
}

}  // namespace warrant
