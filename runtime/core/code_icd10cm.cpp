// ICD-10-CM syntax: a letter, a digit, a letter or digit, then up to 4 letters or digits; an
// optional dot after the third character. Packed as 7 character slots.
#include <fmt/core.h>

#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr size_t kIcdWidth = 7;
constexpr size_t kMaxPrefix = kIcdWidth - 1;

size_t CountAlnum(std::string_view text) {
  size_t n = 0;
  for (char c : text)
    n += IsAlnum(c) ? 1 : 0;
  return n;
}

}  // namespace

const std::string_view Icd10cmSyntax::kAlphabet = "a letter or digit";

Analysis Icd10cmSyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  const bool prefix = form == Form::Prefix;
  const CodeError too_long = prefix ? CodeError::PrefixTooLong : CodeError::TooLong;
  if (text.empty()) {
    return a.Fail(CodeError::Empty);
  }
  bool dot = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (dot || a.size != 3) {
        return a.Fail(CodeError::MisplacedDot, i);
      }
      dot = true;
      continue;
    }
    if (!IsAlnum(c)) {
      return a.Fail(CodeError::BadCharacter, i);
    }
    if (a.size == kIcdWidth) {
      return a.Fail(too_long, i);
    }
    a.Push(c);
  }
  if (!IsAlpha(a.chars[0])) {
    return a.Fail(CodeError::ExpectedLetter, 0);
  }
  // The second character is a digit, except in the Q chapter's letter categories that FY2026
  // introduced (QA0, neurodevelopmental disorders related to specific genetic variants).
  if (a.size >= 2 && !IsDigit(a.chars[1]) && !(a.chars[0] == 'Q' && IsAlpha(a.chars[1]))) {
    return a.Fail(CodeError::ExpectedDigit, 1);
  }
  if (prefix) {
    if (a.size > kMaxPrefix) {
      return a.Fail(too_long);
    }
  } else {
    if (text.back() == '.') {
      return a.Fail(CodeError::DotAtEnd, text.size() - 1);
    }
    if (a.size < 3) {
      return a.Fail(CodeError::TooShort);
    }
  }
  return a;
}

uint64_t Icd10cmSyntax::Payload(const Analysis& a) {
  return a.Aligned(kIcdWidth);
}

// Upper case with its dot (`E11.65`, `I10`): lower case and dotless spellings take the analysis.
std::optional<uint64_t> Icd10cmSyntax::FastPayload(std::string_view t) {
  const size_t n = t.size();
  if (n < 3 || n == 4 || n > 8 || !(t[0] >= 'A' && t[0] <= 'Z') || !IsDigit(t[1]) ||
      !IsUpperAlnum(t[2])) {
    return std::nullopt;
  }
  uint64_t slots = (SlotOf(t[0]) << (2 * kSlotBits)) | (SlotOf(t[1]) << kSlotBits) | SlotOf(t[2]);
  if (n > 3) {
    if (t[3] != '.') {
      return std::nullopt;
    }
    for (size_t i = 4; i < n; ++i) {
      if (!IsUpperAlnum(t[i])) {
        return std::nullopt;
      }
      slots = (slots << kSlotBits) | SlotOf(t[i]);
    }
  }
  const size_t size = n > 3 ? n - 1 : 3;
  return slots << ((kIcdWidth - size) * kSlotBits);
}

// With its dot after the third character: `E11.9`, `E11`.
size_t Icd10cmSyntax::Display(uint64_t payload, char* out) {
  std::array<char, kIcdWidth> chars{};
  const size_t count = SlotChars(payload, kIcdWidth, chars.data());
  size_t n = 0;
  for (size_t i = 0; i < count; ++i) {
    if (i == 3) {
      out[n++] = '.';
    }
    out[n++] = chars[i];
  }
  return n;
}

uint64_t Icd10cmSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kIcdWidth);
}

std::string Icd10cmSyntax::Reason(std::string_view text, const Analysis& a, Form) {
  switch (a.error) {
    case CodeError::MisplacedDot:
      return "a dot goes after the third character";
    case CodeError::DotAtEnd:
      return "a dot must be followed by more characters";
    case CodeError::ExpectedLetter:
      return "the first character must be a letter";
    case CodeError::ExpectedDigit:
      return "the second character must be a digit";
    case CodeError::TooShort:
    case CodeError::TooLong:
      return fmt::format(
          "it has {} characters but ICD-10-CM codes have 3 to 7, not counting the dot",
          CountAlnum(text));
    case CodeError::PrefixTooLong:
      return "a prefix has at most 6 characters, not counting the dot; to match one code, write "
             "it without `*`";
    default:
      return "";
  }
}

}  // namespace warrant::code_syntax
