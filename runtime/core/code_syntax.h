// The syntax of each code system, behind code.h: the one scan (Analysis) every public function
// starts from, the packed layout's helpers, and the hooks each row of code_systems.def supplies.
// Private to warrant_core: code.cpp dispatches on the table to `<Name>Syntax`, defined in the
// code_<name>.cpp files. Knows code syntax only, never terminology.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/core/code.h"

namespace warrant::code_syntax {

// ---- Packed layout ------------------------------------------------------------------------
// bits 56..63: the system's prefix byte. Below: the payload, which each system lays out so that
// numeric order is code order. The slot systems store the code as 6-bit character slots left-
// aligned in a fixed width (0 = no character, '0'..'9' = 1..10, 'A'..'Z' = 11..36), so a shorter
// code sorts before its descendants and digits before letters.
inline constexpr int kTagShift = 56;
inline constexpr uint64_t kPayloadMask = (uint64_t{1} << kTagShift) - 1;
inline constexpr int kSlotBits = 6;
inline constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The Luhn mod-10 check digit of `digits` (all decimal digits), as LOINC and the NPI use it:
// the rightmost digit is doubled.
constexpr int LuhnCheckDigit(std::string_view digits) {
  int sum = 0;
  bool doubled = true;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (doubled)
      d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return (10 - sum % 10) % 10;
}

constexpr bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

constexpr bool IsUpperAlnum(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z');
}

// A character's slot value, 0 for anything but a letter (either case) or digit: one load
// answers both "is it allowed" and "what does it pack to".
inline constexpr std::array<uint8_t, 256> kSlotOfByte = [] {
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

// The mask of the slots after the first `used` of `width`.
constexpr uint64_t TailMask(size_t used, size_t width) {
  return (uint64_t{1} << ((width - used) * kSlotBits)) - 1;
}

// The characters of the `width` slots of `payload`, up to the first empty slot; returns how many.
size_t SlotChars(uint64_t payload, size_t width, char* out);

// ---- Analysis -------------------------------------------------------------------------------
// One scan per system serves Normalize, Pack, PrefixInterval and the Validate messages, so the
// hot path and the diagnostics cannot disagree.
enum class Form : uint8_t { Code, Prefix };

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

// The checks of a system whose codes have exactly `width` characters, each `allowed`: a code of
// that length, a prefix shorter. Fails `a` and returns false when `text` is neither; otherwise
// pushes its characters.
template <typename Allowed>
bool ScanFixedWidth(Analysis& a, std::string_view text, Form form, size_t width, Allowed allowed) {
  const bool prefix = form == Form::Prefix;
  if (text.empty()) {
    a.Fail(CodeError::Empty);
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!allowed(text[i])) {
      a.Fail(CodeError::BadCharacter, i);
      return false;
    }
  }
  if (prefix && text.size() >= width) {
    a.Fail(CodeError::PrefixTooLong);
    return false;
  }
  if (text.size() > width || (!prefix && text.size() < width)) {
    a.Fail(text.size() > width ? CodeError::TooLong : CodeError::TooShort);
    return false;
  }
  for (char c : text) {
    a.Push(c);
  }
  return true;
}

// ---- The hooks of one system ------------------------------------------------------------------
// For each row of code_systems.def, `<Name>Syntax` with:
//   kAlphabet       what a character must be, for messages: "a letter or digit".
//   Analyze         the scan of a code (Form::Code) or a prefix (Form::Prefix, without its `*`).
//   Payload         the payload of an analysed valid code or prefix; a prefix packs like a code
//                   whose remaining characters are absent.
//   FastPayload     the payload of the spellings claims almost always use, in one pass without an
//                   Analysis, or nullopt to take the full analysis (which must agree with it).
//   Display         the display text of a payload (at most 23 characters) into `out`; returns its
//                   length. May write anything for a payload that is not a code's: Unpack re-packs.
//   PrefixLast      the greatest payload that descends from an analysed prefix of payload
//                   `payload` (every descendant lies in (payload, PrefixLast]).
//   Reason          the sentence for an error Analyze reported that only this system words, or
//                   empty for the common wording (code.cpp).
#define WARRANT_CODE_SYSTEM(Name, PrefixByte, Spelling, Noun, RangeEnd)             \
  struct Name##Syntax {                                                             \
    static const std::string_view kAlphabet;                                        \
    static Analysis Analyze(std::string_view text, Form form);                      \
    static uint64_t Payload(const Analysis& a);                                     \
    static std::optional<uint64_t> FastPayload(std::string_view text);              \
    static size_t Display(uint64_t payload, char* out);                             \
    static uint64_t PrefixLast(const Analysis& prefix, uint64_t payload);           \
    static std::string Reason(std::string_view text, const Analysis& a, Form form); \
  };
#include "runtime/core/code_systems.def"
#undef WARRANT_CODE_SYSTEM

// The one syntax of every system a pack declares (prefix bytes 128..255): 1 to 9 letters,
// digits, `-` or `.`, letters upper-cased (code_local.cpp).
struct LocalSyntax {
  static const std::string_view kAlphabet;
  static Analysis Analyze(std::string_view text, Form form);
  static uint64_t Payload(const Analysis& a);
  static std::optional<uint64_t> FastPayload(std::string_view text);
  static size_t Display(uint64_t payload, char* out);
  static uint64_t PrefixLast(const Analysis& prefix, uint64_t payload);
  static std::string Reason(std::string_view text, const Analysis& a, Form form);
};

}  // namespace warrant::code_syntax
