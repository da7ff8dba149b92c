// The two-character systems: place of service (two digits, 01..99) and modifiers (two letters or
// digits, upper-cased: `25`, `KX`). Packed as 2 character slots; a prefix is one character.
#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr size_t kTwoCharWidth = 2;

Analysis AnalyzeShort(std::string_view text, Form form, bool digits_only) {
  Analysis a;
  const auto allowed = [digits_only](char c) { return digits_only ? IsDigit(c) : IsAlnum(c); };
  if (ScanFixedWidth(a, text, form, kTwoCharWidth, allowed) && digits_only && form == Form::Code &&
      text == "00") {
    a.Fail(CodeError::OutOfRange);
  }
  return a;
}

std::string ShortReason(const Analysis& a, std::string_view length) {
  switch (a.error) {
    case CodeError::TooShort:
    case CodeError::TooLong:
      return std::string(length);
    case CodeError::PrefixTooLong:
      return "a prefix is one character; to match one code, write it without `*`";
    default:
      return "";
  }
}

constexpr std::string_view kPosLength = "place of service codes are two digits, 01 to 99";

}  // namespace

const std::string_view PosSyntax::kAlphabet = "a digit";

Analysis PosSyntax::Analyze(std::string_view text, Form form) {
  return AnalyzeShort(text, form, /*digits_only=*/true);
}

uint64_t PosSyntax::Payload(const Analysis& a) {
  return a.Aligned(kTwoCharWidth);
}

std::optional<uint64_t> PosSyntax::FastPayload(std::string_view t) {
  if (t.size() != kTwoCharWidth || !IsDigit(t[0]) || !IsDigit(t[1]) ||
      (t[0] == '0' && t[1] == '0')) {
    return std::nullopt;
  }
  return (SlotOf(t[0]) << kSlotBits) | SlotOf(t[1]);
}

size_t PosSyntax::Display(uint64_t payload, char* out) {
  return SlotChars(payload, kTwoCharWidth, out);
}

uint64_t PosSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kTwoCharWidth);
}

std::string PosSyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::OutOfRange) {
    return std::string(kPosLength);
  }
  return ShortReason(a, kPosLength);
}

const std::string_view ModifierSyntax::kAlphabet = "a letter or digit";

Analysis ModifierSyntax::Analyze(std::string_view text, Form form) {
  return AnalyzeShort(text, form, /*digits_only=*/false);
}

uint64_t ModifierSyntax::Payload(const Analysis& a) {
  return a.Aligned(kTwoCharWidth);
}

std::optional<uint64_t> ModifierSyntax::FastPayload(std::string_view t) {
  if (t.size() != kTwoCharWidth || !IsAlnum(t[0]) || !IsAlnum(t[1])) {
    return std::nullopt;
  }
  return (SlotOf(t[0]) << kSlotBits) | SlotOf(t[1]);
}

size_t ModifierSyntax::Display(uint64_t payload, char* out) {
  return SlotChars(payload, kTwoCharWidth, out);
}

uint64_t ModifierSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kTwoCharWidth);
}

std::string ModifierSyntax::Reason(std::string_view, const Analysis& a, Form) {
  return ShortReason(a, "modifiers are two letters or digits, e.g. `25` or `KX`");
}

}  // namespace warrant::code_syntax
