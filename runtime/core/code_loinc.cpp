// LOINC syntax: 1-7 digits without a leading zero, `-`, the mod-10 check digit (`4548-4`).
// Packed by number (number * 10 + check digit); LOINC has no hierarchy, so no prefixes.
#include <charconv>

#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr size_t kMaxDigits = 7;

}  // namespace

const std::string_view LoincSyntax::kAlphabet = "a digit or `-`";

Analysis LoincSyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  if (form == Form::Prefix) {
    return a.Fail(CodeError::PrefixNotSupported);
  }
  if (text.empty()) {
    return a.Fail(CodeError::Empty);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsDigit(text[i]) && text[i] != '-') {
      return a.Fail(CodeError::BadCharacter, i);
    }
  }
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 2 != text.size()) {
    return a.Fail(CodeError::BadShape);
  }
  const std::string_view number = text.substr(0, dash);
  if (number.size() > kMaxDigits) {
    return a.Fail(CodeError::TooLong);
  }
  if (number[0] == '0') {
    return a.Fail(CodeError::LeadingZero, 0);
  }
  const int check = LuhnCheckDigit(number);
  if (text.back() - '0' != check) {
    a.expected_check = check;
    return a.Fail(CodeError::CheckDigit, text.size() - 1);
  }
  for (char c : text) {
    a.chars[a.size++] = c;
  }
  return a;
}

uint64_t LoincSyntax::Payload(const Analysis& a) {
  const std::string_view s = a.canonical();
  uint64_t number = 0;
  for (char c : s.substr(0, s.size() - 2)) {
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  return number * 10 + static_cast<uint64_t>(s.back() - '0');
}

// Digits without a leading zero, a dash, the right check digit.
std::optional<uint64_t> LoincSyntax::FastPayload(std::string_view t) {
  const size_t n = t.size();
  if (n < 3 || n - 2 > kMaxDigits || t[n - 2] != '-' || t[0] == '0' || !IsDigit(t[n - 1])) {
    return std::nullopt;
  }
  const std::string_view number = t.substr(0, n - 2);
  uint64_t value = 0;
  for (char c : number) {
    if (!IsDigit(c)) {
      return std::nullopt;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  const int check = t[n - 1] - '0';
  if (LuhnCheckDigit(number) != check) {
    return std::nullopt;
  }
  return value * 10 + static_cast<uint64_t>(check);
}

size_t LoincSyntax::Display(uint64_t payload, char* out) {
  const uint64_t number = payload / 10;
  if (number == 0 || number > 9'999'999) {
    return 0;
  }
  // std::to_chars rather than fmt::format_to_n: the latter's core.h declaration mangles
  // differently under clang than Debian's GCC-built libfmt exports, so clang builds fail to link.
  char* end = std::to_chars(out, out + 8, number).ptr;
  *end++ = '-';
  *end++ = static_cast<char>('0' + payload % 10);
  return static_cast<size_t>(end - out);
}

uint64_t LoincSyntax::PrefixLast(const Analysis&, uint64_t payload) {
  return payload;  // never reached: Analyze refuses every prefix
}

std::string LoincSyntax::Reason(std::string_view, const Analysis& a, Form) {
  switch (a.error) {
    case CodeError::TooShort:
    case CodeError::TooLong:
      return "LOINC codes have at most 7 digits before the dash";
    case CodeError::BadShape:
      return "a LOINC code is digits, a dash and a check digit, e.g. `4548-4`";
    case CodeError::LeadingZero:
      return "LOINC codes do not start with 0";
    case CodeError::PrefixNotSupported:
      return "LOINC codes have no hierarchy; list the codes";
    default:
      return "";
  }
}

}  // namespace warrant::code_syntax
