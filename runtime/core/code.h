// Code systems and packed codes: normalising, validating and packing medical codes.
//
// A code is normalised once (ICD-10-CM loses its dot and is upper-cased), then packed into a
// uint64_t whose numeric order is the code order ranges and prefixes are written in, so codeset
// membership is integer comparison (runtime/core/codeset.h). The top byte of a packed code is its
// system, so codes of two systems never compare equal. This module knows code *syntax* only:
// whether a code exists, or is billable in a fiscal year, is terminology data kept elsewhere.
// Normalize, Pack, Unpack and PrefixInterval never allocate; only the Validate* messages do.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warrant {

// The systems of runtime/core/code_systems.def; the values are their prefix bytes.
enum class CodeSystem : uint8_t {
#define WARRANT_CODE_SYSTEM(Name, PrefixByte, Spelling, Noun, RangeEnd) Name = PrefixByte,
#include "runtime/core/code_systems.def"
#undef WARRANT_CODE_SYSTEM
};

// The first prefix byte of the systems a pack declares (runtime/records/schema.h numbers them);
// their codes share one syntax: 1 to 9 letters, digits, `-` or `.`, letters upper-cased.
inline constexpr uint8_t kFirstDeclaredSystem = 128;

constexpr bool IsDeclaredSystem(CodeSystem system) {
  return static_cast<uint8_t>(system) >= kFirstDeclaredSystem;
}

inline constexpr CodeSystem kBuiltinCodeSystems[] = {
#define WARRANT_CODE_SYSTEM(Name, PrefixByte, Spelling, Noun, RangeEnd) CodeSystem::Name,
#include "runtime/core/code_systems.def"
#undef WARRANT_CODE_SYSTEM
};

// The name used in source (`codeset x: icd10cm = ...`), the table's spelling column.
std::string_view SystemName(CodeSystem system);
std::optional<CodeSystem> SystemFromName(std::string_view name);
// How messages name one code of the system: "ICD-10-CM code", "place of service code", ...
std::string_view SystemNoun(CodeSystem system);

// Why a text is not a code (or a prefix) of a system. Validate* turns these into sentences.
enum class CodeError : uint8_t {
  None,
  Empty,
  BadCharacter,  // outside the system's alphabet
  TooShort,
  TooLong,
  MisplacedDot,        // ICD-10-CM: the dot goes after the third character, once
  DotAtEnd,            // ICD-10-CM: "E11."
  ExpectedLetter,      // ICD-10-CM: first character
  ExpectedDigit,       // ICD-10-CM: second character
  BadShape,            // the characters are fine but their arrangement is not (HCPCS, LOINC, POS)
  LeadingZero,         // LOINC
  CheckDigit,          // LOINC
  OutOfRange,          // POS 00
  PrefixTooLong,       // a prefix as long as a whole code has no descendants
  PrefixNotSupported,  // LOINC has no hierarchy
};

// A code's text held inline. Canonical form from Normalize, display form from Unpack.
class CodeText {
 public:
  static constexpr size_t kCapacity = 15;

  CodeText() = default;
  // Keeps at most kCapacity characters.
  explicit CodeText(std::string_view text);

  std::string_view view() const { return {chars_.data(), size_}; }

  std::string str() const { return std::string(view()); }

  bool empty() const { return size_ == 0; }

  size_t size() const { return size_; }

  friend bool operator==(const CodeText& a, const CodeText& b) { return a.view() == b.view(); }

 private:
  std::array<char, kCapacity> chars_{};
  uint8_t size_ = 0;
};

template <typename T>
struct CodeResult {
  T value{};
  CodeError error = CodeError::None;

  bool ok() const { return error == CodeError::None; }
};

// Inclusive interval of packed codes.
struct CodeInterval {
  uint64_t lo = 0;
  uint64_t hi = 0;

  friend constexpr bool operator==(CodeInterval, CodeInterval) = default;
};

// The canonical text of a code, or why `text` is not one:
//   icd10cm   letter, digit, letter-or-digit, then up to 4 letters/digits; an optional dot after
//             the third character; upper-cased, dot removed: `e11.9`, `E119` -> `E119`.
//   hcpcs     5 characters, upper-cased: 5 digits (CPT Category I), 4 digits + F/M/T/U (CPT
//             Category II, MAAA, Category III, PLA), or a letter A-V + 4 digits (Level II).
//   loinc     1-7 digits (no leading zero), `-`, the mod-10 check digit: `4548-4`.
//   pos       two digits 01..99.
//   modifier  two letters or digits, upper-cased: `25`, `KX`.
// Surrounding whitespace is not stripped: `" E119"` is not a code.
CodeResult<CodeText> Normalize(CodeSystem system, std::string_view text);

// nullopt when `text` is a valid code of `system`; otherwise one sentence saying why, for a
// diagnostic's help line: "`E1.19` is not a valid ICD-10-CM code: a dot goes after the third
// character".
std::optional<std::string> Validate(CodeSystem system, std::string_view text);

// Only the reason part of Validate's sentence ("a dot goes after the third character"), for
// messages that already name the code.
std::optional<std::string> ValidateReason(CodeSystem system, std::string_view text);

// Packs any spelling Normalize accepts; nullopt when it rejects it. Numeric order of packed
// codes of one system is code order:
//   icd10cm   character by character, a code before its descendants, digits before letters:
//             E11 < E110 < E1100 < E111 < E119 < E11A < E12.
//   hcpcs     three bands, so a range of one kind never picks up another kind: CPT Category I
//             by digits (00100 .. 99499), then codes with a letter suffix by suffix then digits
//             (0001F .. 9007F, then M, T, U codes), then Level II by letter then digits.
//   loinc     by number: 2703-7 < 4544-3 < 4548-4 < 59408-5.
//   pos, modifier  character by character, digits before letters.
std::optional<uint64_t> Pack(CodeSystem system, std::string_view text);
// The same through the full analysis only, bypassing Pack's fast paths for the common shapes:
// the reference the tests hold those fast paths to.
std::optional<uint64_t> PackAnalyzed(CodeSystem system, std::string_view text);

// The system a packed code belongs to (its top byte), if it is a known one.
std::optional<CodeSystem> SystemOf(uint64_t packed);

// The display text of a packed code (ICD-10-CM with its dot: `E11.9`, `E11`), or nullopt when
// `packed` is not the packing of a valid code (e.g. a PrefixInterval bound).
std::optional<CodeText> Unpack(uint64_t packed);

// The packed codes that strictly descend from `prefix`: every code of the system that starts
// with it and is longer. `E11`, `E11.` and `E11.*` all give E11.0 .. E11.ZZZZ, which holds
// neither E11 itself nor E12. A trailing `*` is allowed and ignored (`E11.*`, `Z86.01*`).
//   icd10cm   1-6 characters, dot only after the third: `E`, `E11`, `E11.`, `Z86.01`.
//   hcpcs     1-4 characters: a letter A-V then digits selects Level II codes; digits select CPT
//             Category I codes only (write 0001U .. 0999U for a letter-suffix band).
//   pos, modifier  one character.
//   loinc     not supported: LOINC codes have no hierarchy.
// The bounds need not be codes themselves; only valid codes are ever looked up.
CodeResult<CodeInterval> PrefixInterval(CodeSystem system, std::string_view prefix);

// The packed codes of the range `low .. high`, or nullopt when either end is not a code. Where the
// system's ranges end at Descendants (code_systems.def), the codes under `high` are in too:
// ICD-10-CM `E08 .. E13` runs to E13.ZZZZ.
std::optional<CodeInterval> RangeInterval(CodeSystem system, std::string_view low,
                                          std::string_view high);

// As Validate, for a prefix: "`E1.*` is not a valid ICD-10-CM prefix: ...".
std::optional<std::string> ValidatePrefix(CodeSystem system, std::string_view prefix);
std::optional<std::string> ValidatePrefixReason(CodeSystem system, std::string_view prefix);

}  // namespace warrant
