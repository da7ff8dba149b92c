// HCPCS syntax (CPT and HCPCS Level II): 5 characters, upper-cased — 5 digits (CPT Category I),
// 4 digits + F/M/T/U (CPT Category II, MAAA, Category III, PLA), or a letter A-V + 4 digits
// (Level II). Packed as 5 character slots under a 2-bit band, so a range of one kind never picks
// up another kind.
#include <algorithm>

#include <fmt/core.h>

#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr size_t kHcpcsWidth = 5;
constexpr int kBandShift = static_cast<int>(kHcpcsWidth) * kSlotBits;

// The bands, in packed order. Category I never mixes with the suffixed codes that share its
// leading digits (0100T is not in the anesthesia range 00100 .. 01999).
enum class Band : uint64_t { CategoryI = 0, LetterSuffix = 1, LevelII = 2 };

// Level II codes start with A..V (upper-case input).
constexpr bool IsLevelIILetter(char c) {
  return c >= 'A' && c <= 'V';
}

constexpr bool IsCptSuffix(char c) {
  return c == 'F' || c == 'M' || c == 'T' || c == 'U';
}

}  // namespace

const std::string_view HcpcsSyntax::kAlphabet = "a letter or digit";

Analysis HcpcsSyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  const bool prefix = form == Form::Prefix;
  if (!ScanFixedWidth(a, text, form, kHcpcsWidth, IsAlnum)) {
    return a;
  }

  const std::string_view s = a.canonical();
  const bool digits_after_first = std::all_of(s.begin() + 1, s.end(), IsDigit);
  const bool digits_but_last = std::all_of(s.begin(), s.end() - 1, IsDigit);
  bool ok = false;
  if (digits_after_first && IsDigit(s[0])) {
    ok = true;  // Category I (or its prefix)
  }
  if (digits_after_first && IsLevelIILetter(s[0])) {
    ok = true;  // Level II (or its prefix)
  }
  if (!prefix && digits_but_last && IsCptSuffix(s.back())) {
    ok = true;  // Category II/III, PLA, MAAA
  }
  if (!ok) {
    return a.Fail(CodeError::BadShape);
  }
  return a;
}

uint64_t HcpcsSyntax::Payload(const Analysis& a) {
  Band band = Band::CategoryI;
  uint64_t payload = a.Aligned(kHcpcsWidth);
  if (!IsDigit(a.chars[0])) {
    band = Band::LevelII;
  } else if (a.size == kHcpcsWidth && !IsDigit(a.chars[kHcpcsWidth - 1])) {
    // The suffix moves to the front, so the band orders by suffix letter, then by digits.
    constexpr size_t kDigitsBits = (kHcpcsWidth - 1) * kSlotBits;
    band = Band::LetterSuffix;
    payload = ((payload & kSlotMask) << kDigitsBits) | (payload >> kSlotBits);
  }
  return payload | (static_cast<uint64_t>(band) << kBandShift);
}

// Category I and Level II (`99213`, `G0438`): suffixed CPT and lower case take the analysis.
std::optional<uint64_t> HcpcsSyntax::FastPayload(std::string_view t) {
  if (t.size() != kHcpcsWidth || !(IsDigit(t[0]) || IsLevelIILetter(t[0]))) {
    return std::nullopt;
  }
  uint64_t slots = SlotOf(t[0]);
  for (size_t i = 1; i < kHcpcsWidth; ++i) {
    if (!IsDigit(t[i])) {
      return std::nullopt;
    }
    slots = (slots << kSlotBits) | SlotOf(t[i]);
  }
  const Band band = IsDigit(t[0]) ? Band::CategoryI : Band::LevelII;
  return (static_cast<uint64_t>(band) << kBandShift) | slots;
}

size_t HcpcsSyntax::Display(uint64_t payload, char* out) {
  const size_t count = SlotChars(payload, kHcpcsWidth, out);
  if ((payload >> kBandShift) == static_cast<uint64_t>(Band::LetterSuffix) &&
      count == kHcpcsWidth) {
    std::rotate(out, out + 1, out + count);  // the suffix back to the end
  }
  return count;
}

uint64_t HcpcsSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kHcpcsWidth);
}

std::string HcpcsSyntax::Reason(std::string_view text, const Analysis& a, Form form) {
  switch (a.error) {
    case CodeError::TooShort:
    case CodeError::TooLong:
      return fmt::format("it has {} characters but HCPCS and CPT codes have exactly 5",
                         text.size());
    case CodeError::BadShape:
      if (form == Form::Prefix) {
        return "a prefix is digits (CPT Category I) or a letter A to V and digits (HCPCS Level "
               "II); write a range such as `0001U .. 0999U` for other CPT codes";
      }
      if (IsAlpha(text[0]) && !IsLevelIILetter(Upper(text[0])) &&
          std::all_of(text.begin() + 1, text.end(), IsDigit)) {
        return "HCPCS Level II codes start with a letter from A to V";
      }
      return "expected 5 digits (CPT), 4 digits and F, M, T or U (CPT Category II, MAAA, "
             "Category III, PLA), or a letter A to V and 4 digits (HCPCS Level II)";
    case CodeError::PrefixTooLong:
      return "a prefix has at most 4 characters; to match one code, write it without `*`";
    default:
      return "";
  }
}

}  // namespace warrant::code_syntax
