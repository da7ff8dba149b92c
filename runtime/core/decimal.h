// Decimals as fixed point: value * 10^6 in an int64_t.
//
// One parser for both sides of a comparison — literals in criteria and numbers in claims — so a
// lab value compares exactly as written ("88.5" is 88500000 everywhere). More than six decimal
// places round half away from zero. No floating point is involved.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warrant {

// Parses `-?digits[.digits]` (JSON's exponent form too: 1e2, 2.5E-1). False if malformed or out
// of range (|value| >= 9.2e12).
bool ParseDecimal(std::string_view text, int64_t* scaled);

// Whether a number ParseDecimal accepts has at most six decimal places (trailing zeros and the
// exponent counted), so it is held exactly. Claims must be: a rounded lab value is not what was
// measured.
bool DecimalIsExact(std::string_view text);

// ParseDecimal and DecimalIsExact together: the common spelling (at most six decimal places, no
// exponent) is read in one pass, which is exact by construction.
bool ParseExactDecimal(std::string_view text, int64_t* scaled);

// A money amount: exact cents, written `digits[.d[d]]` (a JSON number or the text of a string).
// Scaled like a decimal. What is wrong with a text that is not one, for a message.
enum class MoneyProblem : uint8_t { None, Malformed, Negative, TooPrecise, TooLarge };
MoneyProblem ParseMoney(std::string_view text, int64_t max_scaled, int64_t* scaled);

// "88.5", "7", "-0.25": the shortest text that parses back to `scaled`.
std::string FormatDecimal(int64_t scaled);

}  // namespace warrant
