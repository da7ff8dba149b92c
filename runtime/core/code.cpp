#include "runtime/core/code.h"

#include <algorithm>

#include <fmt/core.h>

namespace warrant {
namespace {

// ---- Packed layout ------------------------------------------------------------------------
// bits 56..63: the system. Below: the code, as 6-bit character slots left-aligned in a fixed
// width (0 = no character, '0'..'9' = 1..10, 'A'..'Z' = 11..36), so a shorter code sorts before
// its descendants and digits before letters. HCPCS adds a 2-bit band above its slots; LOINC is
// stored as number * 10 + check digit instead.
constexpr int kTagShift = 56;
constexpr uint64_t kPayloadMask = (uint64_t{1} << kTagShift) - 1;
constexpr int kSlotBits = 6;
constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;

constexpr size_t kIcdWidth = 7;
constexpr size_t kIcdMaxPrefix = kIcdWidth - 1;
constexpr size_t kHcpcsWidth = 5;
constexpr size_t kShortWidth = 2;  // pos, modifier
constexpr int kHcpcsBandShift = static_cast<int>(kHcpcsWidth) * kSlotBits;
constexpr size_t kLoincMaxDigits = 7;

// HCPCS bands, in packed order. Category I never mixes with the suffixed codes that share its
// leading digits (0100T is not in the anesthesia range 00100 .. 01999).
enum class HcpcsBand : uint64_t { CategoryI = 0, LetterSuffix = 1, LevelII = 2 };

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

constexpr bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// A character's slot value, 0 for anything but a letter (either case) or digit: one load
// answers both "is it allowed" and "what does it pack to".
constexpr std::array<uint8_t, 256> kSlotOfByte = [] {
  std::array<uint8_t, 256> table{};
  for (int c = '0'; c <= '9'; ++c) {
    table[c] = static_cast<uint8_t>(c - '0' + 1);
  }
  for (int c = 'A'; c <= 'Z'; ++c) {
    table[c] = static_cast<uint8_t>(c - 'A' + 11);
    table[c - 'A' + 'a'] = table[c];
  }
  return table;
}();

constexpr uint64_t SlotOf(char c) {
  return kSlotOfByte[static_cast<unsigned char>(c)];
}

constexpr bool IsAlnum(char c) {
  return SlotOf(c) != 0;
}

constexpr char Upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// HCPCS Level II codes start with A..V (upper-case input).
constexpr bool IsLevelIILetter(char c) {
  return c >= 'A' && c <= 'V';
}

constexpr bool IsCptSuffix(char c) {
  return c == 'F' || c == 'M' || c == 'T' || c == 'U';
}

// 0 for a slot value that is no character.
constexpr char CharOf(uint64_t slot) {
  if (slot >= 1 && slot <= 10) {
    return static_cast<char>('0' + (slot - 1));
  }
  if (slot >= 11 && slot <= 36) {
    return static_cast<char>('A' + (slot - 11));
  }
  return 0;
}

// The mask of the slots after the first `used` of `width`.
constexpr uint64_t TailMask(size_t used, size_t width) {
  return (uint64_t{1} << ((width - used) * kSlotBits)) - 1;
}

constexpr uint64_t Tag(CodeSystem system) {
  return static_cast<uint64_t>(system) << kTagShift;
}

// LOINC's check digit is the Luhn mod-10 digit of the number part.
int LoincCheckDigit(std::string_view digits) {
  int sum = 0;
  bool doubled = true;  // the rightmost digit is doubled
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (doubled) {
      d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    }
    sum += d;
    doubled = !doubled;
  }
  return (10 - sum % 10) % 10;
}

// ---- Analysis -------------------------------------------------------------------------------
// One scan per system serves Normalize, Pack, PrefixInterval and the Validate messages, so the
// hot path and the diagnostics cannot disagree.
struct Analysis {
  CodeError error = CodeError::None;
  size_t at = 0;           // index in the text of the offending character, when there is one
  int expected_check = 0;  // CheckDigit: the right one
  std::array<char, CodeText::kCapacity> chars{};
  size_t size = 0;     // canonical characters in `chars`
  uint64_t slots = 0;  // their slot values, the last one in the lowest 6 bits

  std::string_view canonical() const { return {chars.data(), size}; }

  // Appends an alphanumeric character, upper-cased; packing needs no second pass.
  void Push(char c) {
    chars[size++] = Upper(c);
    slots = (slots << kSlotBits) | SlotOf(c);
  }

  // The slots left-aligned in `width` (>= size).
  uint64_t Aligned(size_t width) const { return slots << ((width - size) * kSlotBits); }

  Analysis& Fail(CodeError e, size_t position = 0) {
    error = e;
    at = position;
    return *this;
  }
};

enum class Form : uint8_t { Code, Prefix };

Analysis AnalyzeIcd(std::string_view text, Form form) {
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
    if (a.size > kIcdMaxPrefix) {
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

Analysis AnalyzeHcpcs(std::string_view text, Form form) {
  Analysis a;
  const bool prefix = form == Form::Prefix;
  if (text.empty()) {
    return a.Fail(CodeError::Empty);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsAlnum(text[i])) {
      return a.Fail(CodeError::BadCharacter, i);
    }
  }
  if (prefix && text.size() >= kHcpcsWidth) {
    return a.Fail(CodeError::PrefixTooLong);
  }
  if (text.size() > kHcpcsWidth) {
    return a.Fail(CodeError::TooLong);
  }
  if (!prefix && text.size() < kHcpcsWidth) {
    return a.Fail(CodeError::TooShort);
  }
  for (char c : text) {
    a.Push(c);
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

Analysis AnalyzeLoinc(std::string_view text, Form form) {
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
  if (number.size() > kLoincMaxDigits) {
    return a.Fail(CodeError::TooLong);
  }
  if (number[0] == '0') {
    return a.Fail(CodeError::LeadingZero, 0);
  }
  const int check = LoincCheckDigit(number);
  if (text.back() - '0' != check) {
    a.expected_check = check;
    return a.Fail(CodeError::CheckDigit, text.size() - 1);
  }
  for (char c : text) {
    a.chars[a.size++] = c;
  }
  return a;
}

// pos (digits_only) and modifier: two characters.
Analysis AnalyzeShort(std::string_view text, Form form, bool digits_only) {
  Analysis a;
  const bool prefix = form == Form::Prefix;
  if (text.empty()) {
    return a.Fail(CodeError::Empty);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const bool allowed = digits_only ? IsDigit(text[i]) : IsAlnum(text[i]);
    if (!allowed) {
      return a.Fail(CodeError::BadCharacter, i);
    }
  }
  if (prefix && text.size() >= kShortWidth) {
    return a.Fail(CodeError::PrefixTooLong);
  }
  if (text.size() > kShortWidth) {
    return a.Fail(CodeError::TooLong);
  }
  if (!prefix && text.size() < kShortWidth) {
    return a.Fail(CodeError::TooShort);
  }
  if (digits_only && !prefix && text == "00") {
    return a.Fail(CodeError::OutOfRange);
  }
  for (char c : text) {
    a.Push(c);
  }
  return a;
}

bool IsBuiltin(CodeSystem system) {
  return static_cast<uint8_t>(system) <= static_cast<uint8_t>(CodeSystem::Modifier);
}

Analysis Analyze(CodeSystem system, std::string_view text, Form form) {
  switch (system) {
    case CodeSystem::Icd10cm:
      return AnalyzeIcd(text, form);
    case CodeSystem::Hcpcs:
      return AnalyzeHcpcs(text, form);
    case CodeSystem::Loinc:
      return AnalyzeLoinc(text, form);
    case CodeSystem::Pos:
      return AnalyzeShort(text, form, /*digits_only=*/true);
    case CodeSystem::Modifier:
      return AnalyzeShort(text, form, /*digits_only=*/false);
  }
  // A local system: not supported yet. Callers check IsBuiltin first.
  Analysis a;
  return a.Fail(CodeError::BadShape);
}

// Packs an analysed, valid code or prefix (a prefix packs like a code whose remaining slots are
// empty).
uint64_t PackCanonical(CodeSystem system, const Analysis& a) {
  uint64_t payload = 0;
  switch (system) {
    case CodeSystem::Icd10cm:
      payload = a.Aligned(kIcdWidth);
      break;
    case CodeSystem::Hcpcs: {
      HcpcsBand band = HcpcsBand::CategoryI;
      payload = a.Aligned(kHcpcsWidth);
      if (!IsDigit(a.chars[0])) {
        band = HcpcsBand::LevelII;
      } else if (a.size == kHcpcsWidth && !IsDigit(a.chars[kHcpcsWidth - 1])) {
        // The suffix moves to the front, so the band orders by suffix letter, then by digits.
        constexpr size_t kDigitsBits = (kHcpcsWidth - 1) * kSlotBits;
        band = HcpcsBand::LetterSuffix;
        payload = ((payload & kSlotMask) << kDigitsBits) | (payload >> kSlotBits);
      }
      payload |= static_cast<uint64_t>(band) << kHcpcsBandShift;
      break;
    }
    case CodeSystem::Loinc: {
      const std::string_view s = a.canonical();
      uint64_t number = 0;
      for (char c : s.substr(0, s.size() - 2)) {
        number = number * 10 + static_cast<uint64_t>(c - '0');
      }
      payload = number * 10 + static_cast<uint64_t>(s.back() - '0');
      break;
    }
    case CodeSystem::Pos:
    case CodeSystem::Modifier:
      payload = a.Aligned(kShortWidth);
      break;
  }
  return Tag(system) | payload;
}

size_t SlotWidth(CodeSystem system) {
  switch (system) {
    case CodeSystem::Icd10cm:
      return kIcdWidth;
    case CodeSystem::Hcpcs:
      return kHcpcsWidth;
    case CodeSystem::Pos:
    case CodeSystem::Modifier:
      return kShortWidth;
    case CodeSystem::Loinc:
      break;
  }
  return 0;
}

// ---- Messages -------------------------------------------------------------------------------

// The text as it can be shown between backticks: control and non-ASCII bytes escaped.
std::string Shown(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02X}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string DescribeCharacter(char c) {
  if (c == ' ') {
    return "a space";
  }
  if (c == '\t') {
    return "a tab";
  }
  return fmt::format("`{}`", Shown(std::string_view(&c, 1)));
}

size_t CountAlnum(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), IsAlnum));
}

std::string Reason(CodeSystem system, std::string_view text, const Analysis& a, Form form) {
  const bool prefix = form == Form::Prefix;
  switch (a.error) {
    case CodeError::None:
      return "";
    case CodeError::Empty:
      return "it is empty";
    case CodeError::BadCharacter: {
      const std::string c = DescribeCharacter(text[a.at]);
      if (system == CodeSystem::Loinc) {
        return c + " is not a digit or `-`";
      }
      if (system == CodeSystem::Pos) {
        return c + " is not a digit";
      }
      return c + " is not a letter or digit";
    }
    case CodeError::MisplacedDot:
      return "a dot goes after the third character";
    case CodeError::DotAtEnd:
      return "a dot must be followed by more characters";
    case CodeError::ExpectedLetter:
      return "the first character must be a letter";
    case CodeError::ExpectedDigit:
      return "the second character must be a digit";
    case CodeError::TooShort:
    case CodeError::TooLong: {
      const size_t n = system == CodeSystem::Icd10cm ? CountAlnum(text) : text.size();
      switch (system) {
        case CodeSystem::Icd10cm:
          return fmt::format(
              "it has {} characters but ICD-10-CM codes have 3 to 7, not counting the dot", n);
        case CodeSystem::Hcpcs:
          return fmt::format("it has {} characters but HCPCS and CPT codes have exactly 5", n);
        case CodeSystem::Loinc:
          return "LOINC codes have at most 7 digits before the dash";
        case CodeSystem::Pos:
          return "place of service codes are two digits, 01 to 99";
        case CodeSystem::Modifier:
          return "modifiers are two letters or digits, e.g. `25` or `KX`";
      }
      return "wrong length";
    }
    case CodeError::BadShape:
      switch (system) {
        case CodeSystem::Hcpcs:
          if (prefix) {
            return "a prefix is digits (CPT Category I) or a letter A to V and digits (HCPCS "
                   "Level II); write a range such as `0001U .. 0999U` for other CPT codes";
          }
          if (IsAlpha(text[0]) && !IsLevelIILetter(Upper(text[0])) &&
              std::all_of(text.begin() + 1, text.end(), IsDigit)) {
            return "HCPCS Level II codes start with a letter from A to V";
          }
          return "expected 5 digits (CPT), 4 digits and F, M, T or U (CPT Category II, MAAA, "
                 "Category III, PLA), or a letter A to V and 4 digits (HCPCS Level II)";
        case CodeSystem::Loinc:
          return "a LOINC code is digits, a dash and a check digit, e.g. `4548-4`";
        default:
          return "it is not a code of this system";
      }
    case CodeError::LeadingZero:
      return "LOINC codes do not start with 0";
    case CodeError::CheckDigit:
      return fmt::format("its check digit should be {}", a.expected_check);
    case CodeError::OutOfRange:
      return "place of service codes are two digits, 01 to 99";
    case CodeError::PrefixTooLong:
      if (system == CodeSystem::Icd10cm) {
        return "a prefix has at most 6 characters, not counting the dot; to match one code, "
               "write it without `*`";
      }
      if (system == CodeSystem::Hcpcs) {
        return "a prefix has at most 4 characters; to match one code, write it without `*`";
      }
      return "a prefix is one character; to match one code, write it without `*`";
    case CodeError::PrefixNotSupported:
      return "LOINC codes have no hierarchy; list the codes";
  }
  return "it is not valid";
}

constexpr std::string_view kLocalUnsupported = "local code systems are not supported yet";

std::string_view StripStar(std::string_view prefix) {
  if (!prefix.empty() && prefix.back() == '*') {
    prefix.remove_suffix(1);
  }
  return prefix;
}

}  // namespace

// ---- Public API -----------------------------------------------------------------------------

CodeText::CodeText(std::string_view text) {
  size_ = static_cast<uint8_t>(std::min(text.size(), kCapacity));
  std::copy_n(text.begin(), size_, chars_.begin());
}

std::string_view SystemName(CodeSystem system) {
  switch (system) {
    case CodeSystem::Icd10cm:
      return "icd10cm";
    case CodeSystem::Hcpcs:
      return "hcpcs";
    case CodeSystem::Loinc:
      return "loinc";
    case CodeSystem::Pos:
      return "pos";
    case CodeSystem::Modifier:
      return "modifier";
  }
  return "local";
}

std::optional<CodeSystem> SystemFromName(std::string_view name) {
  for (CodeSystem system : kBuiltinCodeSystems) {
    if (SystemName(system) == name) {
      return system;
    }
  }
  return std::nullopt;
}

std::string_view SystemNoun(CodeSystem system) {
  switch (system) {
    case CodeSystem::Icd10cm:
      return "ICD-10-CM code";
    case CodeSystem::Hcpcs:
      return "HCPCS code";
    case CodeSystem::Loinc:
      return "LOINC code";
    case CodeSystem::Pos:
      return "place of service code";
    case CodeSystem::Modifier:
      return "modifier code";
  }
  return "local code";
}

CodeResult<CodeText> Normalize(CodeSystem system, std::string_view text) {
  if (!IsBuiltin(system)) {
    return {{}, CodeError::BadShape};
  }
  const Analysis a = Analyze(system, text, Form::Code);
  if (a.error != CodeError::None) {
    return {{}, a.error};
  }
  return {CodeText(a.canonical()), CodeError::None};
}

std::optional<std::string> ValidateReason(CodeSystem system, std::string_view text) {
  if (!IsBuiltin(system)) {
    return std::string(kLocalUnsupported);
  }
  const Analysis a = Analyze(system, text, Form::Code);
  if (a.error == CodeError::None) {
    return std::nullopt;
  }
  return Reason(system, text, a, Form::Code);
}

std::optional<std::string> Validate(CodeSystem system, std::string_view text) {
  std::optional<std::string> reason = ValidateReason(system, text);
  if (!reason) {
    return std::nullopt;
  }
  return fmt::format("`{}` is not a valid {}: {}", Shown(text), SystemNoun(system), *reason);
}

namespace {

// The packing of the spellings claims almost always use, in one pass without an Analysis:
// ICD-10-CM upper-case with its dot (`E11.65`, `I10`), HCPCS Category I and Level II (`99213`,
// `G0438`). Anything else (lower case, no dot, suffixed CPT, every invalid text) returns nullopt
// and takes the full analysis, which gives the same packing for what this accepts.
constexpr bool IsUpperAlnum(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z');
}

std::optional<uint64_t> FastPackIcd(std::string_view t) {
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
  return Tag(CodeSystem::Icd10cm) | (slots << ((kIcdWidth - size) * kSlotBits));
}

std::optional<uint64_t> FastPackHcpcs(std::string_view t) {
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
  const HcpcsBand band = IsDigit(t[0]) ? HcpcsBand::CategoryI : HcpcsBand::LevelII;
  return Tag(CodeSystem::Hcpcs) | (static_cast<uint64_t>(band) << kHcpcsBandShift) | slots;
}

// Place of service: two digits, not 00. Modifier: two letters or digits, either case.
std::optional<uint64_t> FastPackShort(CodeSystem system, std::string_view t) {
  if (t.size() != kShortWidth) {
    return std::nullopt;
  }
  if (system == CodeSystem::Pos ? !IsDigit(t[0]) || !IsDigit(t[1]) || (t[0] == '0' && t[1] == '0')
                                : !IsAlnum(t[0]) || !IsAlnum(t[1])) {
    return std::nullopt;
  }
  return Tag(system) | (SlotOf(t[0]) << kSlotBits) | SlotOf(t[1]);
}

// LOINC: digits without a leading zero, a dash, the right check digit.
std::optional<uint64_t> FastPackLoinc(std::string_view t) {
  const size_t n = t.size();
  if (n < 3 || n - 2 > kLoincMaxDigits || t[n - 2] != '-' || t[0] == '0' || !IsDigit(t[n - 1])) {
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
  if (LoincCheckDigit(number) != check) {
    return std::nullopt;
  }
  return Tag(CodeSystem::Loinc) | (value * 10 + static_cast<uint64_t>(check));
}

}  // namespace

std::optional<uint64_t> Pack(CodeSystem system, std::string_view text) {
  if (!IsBuiltin(system)) {
    return std::nullopt;
  }
  if (system == CodeSystem::Icd10cm) {
    if (std::optional<uint64_t> fast = FastPackIcd(text)) {
      return fast;
    }
  } else if (system == CodeSystem::Hcpcs) {
    if (std::optional<uint64_t> fast = FastPackHcpcs(text)) {
      return fast;
    }
  } else if (system == CodeSystem::Loinc) {
    if (std::optional<uint64_t> fast = FastPackLoinc(text)) {
      return fast;
    }
  } else if (std::optional<uint64_t> fast = FastPackShort(system, text)) {
    return fast;
  }
  const Analysis a = Analyze(system, text, Form::Code);
  if (a.error != CodeError::None) {
    return std::nullopt;
  }
  return PackCanonical(system, a);
}

std::optional<uint64_t> PackAnalyzed(CodeSystem system, std::string_view text) {
  if (!IsBuiltin(system)) {
    return std::nullopt;
  }
  const Analysis a = Analyze(system, text, Form::Code);
  if (a.error != CodeError::None) {
    return std::nullopt;
  }
  return PackCanonical(system, a);
}

std::optional<CodeSystem> SystemOf(uint64_t packed) {
  const auto system = static_cast<CodeSystem>(packed >> kTagShift);
  if (!IsBuiltin(system)) {
    return std::nullopt;
  }
  return system;
}

std::optional<CodeText> Unpack(uint64_t packed) {
  const std::optional<CodeSystem> system = SystemOf(packed);
  if (!system) {
    return std::nullopt;
  }
  const uint64_t payload = packed & kPayloadMask;
  std::array<char, 24> buf{};
  size_t n = 0;
  if (*system == CodeSystem::Loinc) {
    const uint64_t number = payload / 10;
    if (number == 0 || number > 9'999'999) {
      return std::nullopt;
    }
    n = fmt::format_to_n(buf.data(), buf.size(), "{}-{}", number, payload % 10).size;
  } else {
    const size_t width = SlotWidth(*system);
    const uint64_t slots = payload & ((uint64_t{1} << (width * kSlotBits)) - 1);
    std::array<char, kIcdWidth> chars{};
    size_t count = 0;
    for (size_t i = 0; i < width; ++i) {
      const char c = CharOf((slots >> ((width - 1 - i) * kSlotBits)) & kSlotMask);
      if (c == 0) {
        break;  // trailing empty slots; a gap before a character fails the re-pack
      }
      chars[count++] = c;
    }
    const bool suffixed =
        (payload >> kHcpcsBandShift) == static_cast<uint64_t>(HcpcsBand::LetterSuffix);
    if (*system == CodeSystem::Hcpcs && suffixed && count == kHcpcsWidth) {
      std::rotate(chars.begin(), chars.begin() + 1, chars.begin() + count);  // suffix to the end
    }
    for (size_t i = 0; i < count; ++i) {
      if (*system == CodeSystem::Icd10cm && i == 3) {
        buf[n++] = '.';
      }
      buf[n++] = chars[i];
    }
  }
  const std::string_view display(buf.data(), n);
  // Only the exact packing of a valid code unpacks: this rejects interval bounds and garbage.
  if (Pack(*system, display) != packed) {
    return std::nullopt;
  }
  return CodeText(display);
}

CodeResult<CodeInterval> PrefixInterval(CodeSystem system, std::string_view prefix) {
  if (!IsBuiltin(system)) {
    return {{}, CodeError::PrefixNotSupported};
  }
  const Analysis a = Analyze(system, StripStar(prefix), Form::Prefix);
  if (a.error != CodeError::None) {
    return {{}, a.error};
  }
  // The prefix packs like a code with empty slots after it; every descendant is greater (a
  // character beats an empty slot) and at most the prefix with every later slot full.
  const uint64_t base = PackCanonical(system, a);
  return {{base + 1, base | TailMask(a.size, SlotWidth(system))}, CodeError::None};
}

std::optional<std::string> ValidatePrefixReason(CodeSystem system, std::string_view prefix) {
  if (!IsBuiltin(system)) {
    return std::string(kLocalUnsupported);
  }
  const Analysis a = Analyze(system, StripStar(prefix), Form::Prefix);
  if (a.error == CodeError::None) {
    return std::nullopt;
  }
  return Reason(system, StripStar(prefix), a, Form::Prefix);
}

std::optional<std::string> ValidatePrefix(CodeSystem system, std::string_view prefix) {
  std::optional<std::string> reason = ValidatePrefixReason(system, prefix);
  if (!reason) {
    return std::nullopt;
  }
  // "ICD-10-CM code" -> "ICD-10-CM prefix".
  const std::string_view noun = SystemNoun(system);
  return fmt::format("`{}` is not a valid {} prefix: {}", Shown(prefix),
                     noun.substr(0, noun.rfind(' ')), *reason);
}

}  // namespace warrant
