// The syntax every code system a pack declares shares (prefix bytes 128..255): 1 to 9
// characters, each a letter, a digit, `-` or `.`, letters upper-cased (`AHI`, `SLP-12.3`). Which
// codes exist is the pack's business (a declared system may list them); this is only their
// shape. Packed as 6-bit slots (digits, then letters, then `-` and `.`), left-aligned in 9.
#include "runtime/core/code_syntax.h"

namespace warrant::code_syntax {
namespace {

constexpr size_t kLocalWidth = 9;

constexpr uint64_t LocalSlot(char c) {
  if (c == '-')
    return 37;
  if (c == '.')
    return 38;
  return SlotOf(c);  // digits 1..10, letters 11..36, anything else 0
}

constexpr char LocalChar(uint64_t slot) {
  if (slot >= 1 && slot <= 10)
    return static_cast<char>('0' + slot - 1);
  if (slot >= 11 && slot <= 36)
    return static_cast<char>('A' + slot - 11);
  if (slot == 37)
    return '-';
  if (slot == 38)
    return '.';
  return 0;
}

}  // namespace

const std::string_view LocalSyntax::kAlphabet = "a letter, digit, `-` or `.`";

Analysis LocalSyntax::Analyze(std::string_view text, Form form) {
  Analysis a;
  if (text.empty())
    return a.Fail(CodeError::Empty);
  for (size_t i = 0; i < text.size(); ++i) {
    if (LocalSlot(text[i]) == 0)
      return a.Fail(CodeError::BadCharacter, i);
  }
  if (form == Form::Prefix && text.size() >= kLocalWidth)
    return a.Fail(CodeError::PrefixTooLong);
  if (text.size() > kLocalWidth)
    return a.Fail(CodeError::TooLong);
  for (char c : text) {
    a.chars[a.size++] = Upper(c);
    a.slots = (a.slots << kSlotBits) | LocalSlot(c);
  }
  return a;
}

uint64_t LocalSyntax::Payload(const Analysis& a) {
  return a.Aligned(kLocalWidth);
}

std::optional<uint64_t> LocalSyntax::FastPayload(std::string_view) {
  return std::nullopt;
}

size_t LocalSyntax::Display(uint64_t payload, char* out) {
  size_t count = 0;
  for (size_t i = 0; i < kLocalWidth; ++i) {
    const char c = LocalChar((payload >> ((kLocalWidth - 1 - i) * kSlotBits)) & kSlotMask);
    if (c == 0)
      break;
    out[count++] = c;
  }
  return count;
}

uint64_t LocalSyntax::PrefixLast(const Analysis& prefix, uint64_t payload) {
  return payload | TailMask(prefix.size, kLocalWidth);
}

std::string LocalSyntax::Reason(std::string_view, const Analysis& a, Form) {
  if (a.error == CodeError::TooLong)
    return "codes of a declared system are at most 9 characters";
  return "";
}

}  // namespace warrant::code_syntax
