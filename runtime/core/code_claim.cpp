// The codes of a claim's drugs, providers and institutional billing, all digits (or, for the
// taxonomy, letters and digits) of a fixed width:
//   ndc        National Drug Code, 11 digits, shown 5-4-2 (`00002-1433-80`). The 10-digit forms
//              labelers print (4-4-2, 5-3-2, 5-4-1) are written with their hyphens and become 11
//              digits by a leading zero in the short segment, as CMS converts them; 10 digits
//              without hyphens are refused, since which segment is short cannot be known.
//   npi        National Provider Identifier, 10 digits whose last is the Luhn check digit of the
//              other nine prefixed with 80840 (the ISO card issuer prefix of US health).
//   taxonomy   NUCC Health Care Provider Taxonomy code, 10 letters or digits ending in `X`
//              (`207Q00000X`).
//   revenue    UB-04 revenue code, 4 digits (`0450`); 3 digits take a leading zero.
//   bill_type  Type of bill, 3 digits (facility, classification, frequency: `131`); the UB-04's
//              4-digit form with its leading zero (`0131`) is accepted.
// The digit systems pack each digit into a 4-bit slot (digit + 1; 0 = absent), left-aligned, so a
// prefix sorts before its descendants; the taxonomy packs its first nine characters as 6-bit
// slots (the `X` is implied).
#include <algorithm>

#include <fmt/core.h>

#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr int kNibble = 4;

// The payload of the digits of `a`, left-aligned in `width` 4-bit slots.
uint64_t Nibbles(const Analysis& a, size_t width) {
  uint64_t payload = 0;
  for (size_t i = 0; i < width; ++i) {
    payload <<= kNibble;
    if (i < a.size)
      payload |= static_cast<uint64_t>(a.chars[i] - '0' + 1);
  }
  return payload;
}

// The digits of a payload of `width` 4-bit slots, up to the first empty one.
size_t NibbleDigits(uint64_t payload, size_t width, char* out) {
  size_t count = 0;
  for (size_t i = 0; i < width; ++i) {
    const uint64_t slot = (payload >> ((width - 1 - i) * kNibble)) & 0xF;
    if (slot == 0 || slot > 10)
      break;
    out[count++] = static_cast<char>('0' + slot - 1);
  }
  return count;
}

uint64_t NibbleTail(size_t used, size_t width) {
  return (uint64_t{1} << ((width - used) * kNibble)) - 1;
}

// A code of exactly `width` digits, or a prefix of fewer.
Analysis AnalyzeDigits(std::string_view text, Form form, size_t width) {
  Analysis a;
  ScanFixedWidth(a, text, form, width, IsDigit);
  return a;
}

// Luhn over the NPI's first nine digits with the 80840 prefix (the card issuer prefix of the
// NPI standard).
int NpiCheckDigit(std::string_view nine) {
  char digits[14] = {'8', '0', '8', '4', '0'};
  const size_t n = std::min(nine.size(), sizeof digits - 5);
  std::copy_n(nine.data(), n, digits + 5);
  return LuhnCheckDigit(std::string_view(digits, 5 + n));
}

constexpr size_t kNdcWidth = 11;
constexpr size_t kNpiWidth = 10;
constexpr size_t kTaxonomyWidth = 9;  // the 10th character is always `X`
constexpr size_t kRevenueWidth = 4;
constexpr size_t kBillTypeWidth = 3;

constexpr std::string_view kNdcShape =
    "an NDC is 11 digits written 5-4-2 (`00002-1433-80`, or without hyphens), or a 10-digit "
    "4-4-2, 5-3-2 or 5-4-1 form with its hyphens";

}  // namespace

// ---- ndc ----

const std::string_view NdcSyntax::kAlphabet = "a digit or `-`";

Analysis NdcSyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  if (text.empty())
    return a.Fail(CodeError::Empty);
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsDigit(text[i]) && text[i] != '-')
      return a.Fail(CodeError::BadCharacter, i);
  }
  if (form == Form::Prefix) {
    // A prefix of the 11-digit form: its digits, hyphens where the 5-4-2 form has them.
    size_t digits = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '-') {
        if (digits != 5 && digits != 9)
          return a.Fail(CodeError::BadShape, i);
        continue;
      }
      if (++digits >= kNdcWidth)
        return a.Fail(CodeError::PrefixTooLong);
      a.Push(text[i]);
    }
    return a;
  }
  if (text.find('-') == std::string_view::npos) {
    if (text.size() != kNdcWidth)
      return a.Fail(CodeError::BadShape);
    for (char c : text)
      a.Push(c);
    return a;
  }
  // Three segments; the short one of a 10-digit form takes a leading zero.
  const size_t first = text.find('-');
  const size_t second = text.find('-', first + 1);
  if (second == std::string_view::npos || text.find('-', second + 1) != std::string_view::npos)
    return a.Fail(CodeError::BadShape);
  std::string_view segments[3] = {text.substr(0, first), text.substr(first + 1, second - first - 1),
                                  text.substr(second + 1)};
  constexpr size_t kWidths[3] = {5, 4, 2};
  size_t short_segment = 3;
  for (size_t s = 0; s < 3; ++s) {
    if (segments[s].size() == kWidths[s])
      continue;
    if (segments[s].size() + 1 != kWidths[s] || short_segment != 3)
      return a.Fail(CodeError::BadShape);
    short_segment = s;
  }
  for (size_t s = 0; s < 3; ++s) {
    if (s == short_segment)
      a.Push('0');
    for (char c : segments[s])
      a.Push(c);
  }
  return a;
}

uint64_t NdcSyntax::Payload(const Analysis& a) {
  return Nibbles(a, kNdcWidth);
}

std::optional<uint64_t> NdcSyntax::FastPayload(std::string_view t) {
  // 11 digits, or 5-4-2 with hyphens.
  const bool hyphens = t.size() == 13 && t[5] == '-' && t[10] == '-';
  if (!hyphens && t.size() != kNdcWidth)
    return std::nullopt;
  uint64_t payload = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (hyphens && (i == 5 || i == 10))
      continue;
    if (!IsDigit(t[i]))
      return std::nullopt;
    payload = (payload << kNibble) | static_cast<uint64_t>(t[i] - '0' + 1);
  }
  return payload;
}

size_t NdcSyntax::Display(uint64_t payload, char* out) {
  char digits[kNdcWidth];
  const size_t n = NibbleDigits(payload, kNdcWidth, digits);
  if (n != kNdcWidth)
    return 0;
  size_t k = 0;
  for (size_t i = 0; i < kNdcWidth; ++i) {
    if (i == 5 || i == 9)
      out[k++] = '-';
    out[k++] = digits[i];
  }
  return k;
}

uint64_t NdcSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | NibbleTail(prefix.size, kNdcWidth);
}

std::string NdcSyntax::Reason(std::string_view text, const Analysis& a, Form form) {
  if (a.error == CodeError::BadShape && form == Form::Code && text.size() == 10 &&
      text.find('-') == std::string_view::npos) {
    return "a 10-digit NDC needs its hyphens (4-4-2, 5-3-2 or 5-4-1) to say which segment "
           "takes the leading zero";
  }
  if (a.error == CodeError::BadShape || a.error == CodeError::TooShort ||
      a.error == CodeError::TooLong) {
    return std::string(kNdcShape);
  }
  return "";
}

// ---- npi ----

const std::string_view NpiSyntax::kAlphabet = "a digit";

Analysis NpiSyntax::Analyze(std::string_view text, Form form) {
  Analysis a = AnalyzeDigits(text, form, kNpiWidth);
  if (a.error == CodeError::None && form == Form::Code) {
    const int check = NpiCheckDigit(text.substr(0, kNpiWidth - 1));
    if (text.back() - '0' != check) {
      a.expected_check = check;
      a.Fail(CodeError::CheckDigit, kNpiWidth - 1);
    }
  }
  return a;
}

uint64_t NpiSyntax::Payload(const Analysis& a) {
  return Nibbles(a, kNpiWidth);
}

std::optional<uint64_t> NpiSyntax::FastPayload(std::string_view) {
  return std::nullopt;  // the check digit: the full analysis
}

size_t NpiSyntax::Display(uint64_t payload, char* out) {
  return NibbleDigits(payload, kNpiWidth, out);
}

uint64_t NpiSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | NibbleTail(prefix.size, kNpiWidth);
}

std::string NpiSyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::TooShort || a.error == CodeError::TooLong)
    return "an NPI is 10 digits";
  if (a.error == CodeError::CheckDigit) {
    return fmt::format("its check digit should be {} (Luhn over 80840 and the first nine digits)",
                       a.expected_check);
  }
  return "";
}

// ---- taxonomy ----

const std::string_view TaxonomySyntax::kAlphabet = "a letter or digit";

Analysis TaxonomySyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  if (form == Form::Prefix) {
    ScanFixedWidth(a, text, form, kTaxonomyWidth + 1, IsAlnum);
    if (a.error == CodeError::None && a.size > kTaxonomyWidth)
      a.Fail(CodeError::PrefixTooLong);
    return a;
  }
  if (!ScanFixedWidth(a, text, form, kTaxonomyWidth + 1, IsAlnum))
    return a;
  if (a.chars[kTaxonomyWidth] != 'X')
    return a.Fail(CodeError::BadShape, kTaxonomyWidth);
  return a;
}

uint64_t TaxonomySyntax::Payload(const Analysis& a) {
  // The first nine characters; the tenth is the `X` every code ends in.
  const size_t used = a.size > kTaxonomyWidth ? kTaxonomyWidth : a.size;
  const uint64_t slots = a.size > kTaxonomyWidth ? a.slots >> kSlotBits : a.slots;
  return slots << ((kTaxonomyWidth - used) * kSlotBits);
}

std::optional<uint64_t> TaxonomySyntax::FastPayload(std::string_view) {
  return std::nullopt;
}

size_t TaxonomySyntax::Display(uint64_t payload, char* out) {
  const size_t n = SlotChars(payload, kTaxonomyWidth, out);
  if (n != kTaxonomyWidth)
    return 0;
  out[n] = 'X';
  return n + 1;
}

uint64_t TaxonomySyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kTaxonomyWidth);
}

std::string TaxonomySyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::TooShort || a.error == CodeError::TooLong ||
      a.error == CodeError::BadShape) {
    return "a taxonomy code is 10 letters or digits ending in `X`, e.g. `207Q00000X`";
  }
  return "";
}

// ---- revenue ----

const std::string_view RevenueSyntax::kAlphabet = "a digit";

Analysis RevenueSyntax::Analyze(std::string_view text, Form form) {
  if (form == Form::Code && text.size() == kRevenueWidth - 1) {
    Analysis a = AnalyzeDigits(text, Form::Prefix, kRevenueWidth);
    if (a.error == CodeError::None) {  // `450` is `0450`
      Analysis padded;
      padded.Push('0');
      for (size_t i = 0; i < a.size; ++i)
        padded.Push(a.chars[i]);
      return padded;
    }
    return a;
  }
  return AnalyzeDigits(text, form, kRevenueWidth);
}

uint64_t RevenueSyntax::Payload(const Analysis& a) {
  return Nibbles(a, kRevenueWidth);
}

std::optional<uint64_t> RevenueSyntax::FastPayload(std::string_view) {
  return std::nullopt;
}

size_t RevenueSyntax::Display(uint64_t payload, char* out) {
  return NibbleDigits(payload, kRevenueWidth, out);
}

uint64_t RevenueSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | NibbleTail(prefix.size, kRevenueWidth);
}

std::string RevenueSyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::TooShort || a.error == CodeError::TooLong)
    return "a revenue code is 4 digits, e.g. `0450`";
  return "";
}

// ---- bill_type ----

const std::string_view BillTypeSyntax::kAlphabet = "a digit";

Analysis BillTypeSyntax::Analyze(std::string_view text, Form form) {
  // `0131` is `131`; as a prefix, `013` is `13`.
  if (!text.empty() && text[0] == '0' &&
      (text.size() == kBillTypeWidth + 1 || (form == Form::Prefix && text.size() > 1))) {
    text.remove_prefix(1);
  }
  Analysis a = AnalyzeDigits(text, form, kBillTypeWidth);
  if (a.error == CodeError::None && a.size > 0 && a.chars[0] == '0')
    a.Fail(CodeError::BadShape, 0);
  return a;
}

uint64_t BillTypeSyntax::Payload(const Analysis& a) {
  return Nibbles(a, kBillTypeWidth);
}

std::optional<uint64_t> BillTypeSyntax::FastPayload(std::string_view) {
  return std::nullopt;
}

size_t BillTypeSyntax::Display(uint64_t payload, char* out) {
  return NibbleDigits(payload, kBillTypeWidth, out);
}

uint64_t BillTypeSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | NibbleTail(prefix.size, kBillTypeWidth);
}

std::string BillTypeSyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::TooShort || a.error == CodeError::TooLong ||
      a.error == CodeError::BadShape) {
    return "a type of bill is 3 digits, the first not 0 (`131`; `0131` is read as `131`)";
  }
  return "";
}

}  // namespace warrant::code_syntax
