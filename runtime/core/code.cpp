// The public code API over the table of code systems: each function finds the system's row
// (code_systems.def) and runs its syntax (code_syntax.h); what is common to all systems — the
// prefix byte, prefix intervals, ranges, the wording of messages — is here once.
#include "runtime/core/code.h"

#include <algorithm>

#include <fmt/core.h>

#include "runtime/core/code_syntax.h"
#include "runtime/core/text.h"

namespace warrant {

using code_syntax::Analysis;
using code_syntax::Form;

namespace {

enum class RangeEnd : uint8_t { Code, Descendants };

struct SystemRow {
  CodeSystem system;
  std::string_view name;
  std::string_view noun;
  RangeEnd range_end;
};

constexpr SystemRow kRows[] = {
#define WARRANT_CODE_SYSTEM(Name, PrefixByte, Spelling, Noun, End) \
  {CodeSystem::Name, Spelling, Noun, RangeEnd::End},
#include "runtime/core/code_systems.def"
#undef WARRANT_CODE_SYSTEM
};

constexpr bool DistinctPrefixBytes() {
  for (size_t i = 0; i < std::size(kRows); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (kRows[i].system == kRows[j].system) {
        return false;
      }
    }
  }
  return true;
}

static_assert(DistinctPrefixBytes(), "code_systems.def: two rows share a prefix byte");

// Whether a prefix byte is a row's: one load, for the paths that check every code.
constexpr std::array<bool, 256> kIsBuiltin = [] {
  std::array<bool, 256> known{};
  for (const SystemRow& row : kRows) {
    known[static_cast<uint8_t>(row.system)] = true;
  }
  return known;
}();

// A built-in system, or one a pack declares: every system a packed code can belong to.
constexpr bool IsBuiltin(CodeSystem system) {
  return kIsBuiltin[static_cast<uint8_t>(system)] || IsDeclaredSystem(system);
}

const SystemRow* RowOf(CodeSystem system) {
  for (const SystemRow& row : kRows) {
    if (row.system == system) {
      return &row;
    }
  }
  return nullptr;
}

// Calls `visit` with the syntax of `system` (`visit(Icd10cmSyntax{})`), or returns `otherwise`
// for a system without a row.
template <typename R, typename Visitor>
R Visit(CodeSystem system, R otherwise, Visitor&& visit) {
  if (IsDeclaredSystem(system))
    return visit(code_syntax::LocalSyntax{});
  switch (system) {
#define WARRANT_CODE_SYSTEM(Name, ...) \
  case CodeSystem::Name:               \
    return visit(code_syntax::Name##Syntax{});
#include "runtime/core/code_systems.def"
#undef WARRANT_CODE_SYSTEM
  }
  return otherwise;
}

constexpr uint64_t Tag(CodeSystem system) {
  return static_cast<uint64_t>(system) << code_syntax::kTagShift;
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

Analysis Analyze(CodeSystem system, std::string_view text, Form form) {
  Analysis local;
  local.Fail(CodeError::BadShape);  // a system without a row: callers check IsBuiltin first
  return Visit(system, local, [&](auto syntax) { return syntax.Analyze(text, form); });
}

// The packing of an analysed, valid code or prefix.
uint64_t PackAnalysis(CodeSystem system, const Analysis& a) {
  return Tag(system) | Visit(system, uint64_t{0}, [&](auto syntax) { return syntax.Payload(a); });
}

// ---- Messages -------------------------------------------------------------------------------

// The text as it can be shown between backticks: control and non-ASCII bytes escaped (a code
// is ASCII, so anything else is better seen byte by byte).
std::string Shown(std::string_view text) {
  return TerminalText(text, {.ascii = true});
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

// The system's own sentence for the error, else the common one.
std::string Reason(CodeSystem system, std::string_view text, const Analysis& a, Form form) {
  std::string_view alphabet;
  std::string own = Visit(system, std::string(), [&](auto syntax) {
    alphabet = syntax.kAlphabet;
    return syntax.Reason(text, a, form);
  });
  if (!own.empty()) {
    return own;
  }
  switch (a.error) {
    case CodeError::None:
      return "";
    case CodeError::Empty:
      return "it is empty";
    case CodeError::BadCharacter:
      return DescribeCharacter(text[a.at]) + " is not " + std::string(alphabet);
    case CodeError::CheckDigit:
      return fmt::format("its check digit should be {}", a.expected_check);
    case CodeError::TooShort:
    case CodeError::TooLong:
      return "wrong length";
    case CodeError::BadShape:
      return "it is not a code of this system";
    case CodeError::PrefixTooLong:
      return "a prefix is shorter than a whole code; to match one code, write it without `*`";
    case CodeError::PrefixNotSupported:
      return "codes of this system have no hierarchy; list the codes";
    case CodeError::MisplacedDot:
    case CodeError::DotAtEnd:
    case CodeError::ExpectedLetter:
    case CodeError::ExpectedDigit:
    case CodeError::LeadingZero:
    case CodeError::OutOfRange:
      break;
  }
  return "it is not valid";
}

constexpr std::string_view kLocalUnsupported = "no code system has this prefix byte";

std::string_view StripStar(std::string_view prefix) {
  if (!prefix.empty() && prefix.back() == '*') {
    prefix.remove_suffix(1);
  }
  return prefix;
}

}  // namespace

size_t code_syntax::SlotChars(uint64_t payload, size_t width, char* out) {
  const uint64_t slots = payload & ((uint64_t{1} << (width * kSlotBits)) - 1);
  size_t count = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = CharOf((slots >> ((width - 1 - i) * kSlotBits)) & kSlotMask);
    if (c == 0) {
      break;  // trailing empty slots; a gap before a character fails the re-pack
    }
    out[count++] = c;
  }
  return count;
}

// ---- Public API -----------------------------------------------------------------------------

CodeText::CodeText(std::string_view text) {
  size_ = static_cast<uint8_t>(std::min(text.size(), kCapacity));
  std::copy_n(text.begin(), size_, chars_.begin());
}

std::string_view SystemName(CodeSystem system) {
  const SystemRow* row = RowOf(system);
  return row ? row->name : "local";
}

std::optional<CodeSystem> SystemFromName(std::string_view name) {
  for (const SystemRow& row : kRows) {
    if (row.name == name) {
      return row.system;
    }
  }
  return std::nullopt;
}

std::string_view SystemNoun(CodeSystem system) {
  const SystemRow* row = RowOf(system);
  return row ? row->noun : "code of a declared system";
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

// The system's fast path first (the spellings claims almost always use: `E11.65`, `99213`); any
// other spelling, and every invalid text, takes the full analysis, which packs what the fast
// path accepts the same way.
std::optional<uint64_t> Pack(CodeSystem system, std::string_view text) {
  return Visit(system, std::optional<uint64_t>(), [&](auto syntax) -> std::optional<uint64_t> {
    if (std::optional<uint64_t> fast = syntax.FastPayload(text)) {
      return Tag(system) | *fast;
    }
    const Analysis a = syntax.Analyze(text, Form::Code);
    if (a.error != CodeError::None) {
      return std::nullopt;
    }
    return Tag(system) | syntax.Payload(a);
  });
}

std::optional<uint64_t> PackAnalyzed(CodeSystem system, std::string_view text) {
  if (!IsBuiltin(system)) {
    return std::nullopt;
  }
  const Analysis a = Analyze(system, text, Form::Code);
  if (a.error != CodeError::None) {
    return std::nullopt;
  }
  return PackAnalysis(system, a);
}

std::optional<CodeSystem> SystemOf(uint64_t packed) {
  const auto system = static_cast<CodeSystem>(packed >> code_syntax::kTagShift);
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
  const uint64_t payload = packed & code_syntax::kPayloadMask;
  std::array<char, 24> buf{};
  const size_t n =
      Visit(*system, size_t{0}, [&](auto syntax) { return syntax.Display(payload, buf.data()); });
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
  // The prefix packs like a code with its later characters absent; every descendant is greater
  // and at most the system's PrefixLast.
  const uint64_t base = PackAnalysis(system, a);
  const uint64_t last = Visit(system, base, [&](auto syntax) {
    return Tag(system) | syntax.PrefixLast(a, base & code_syntax::kPayloadMask);
  });
  return {{base + 1, last}, CodeError::None};
}

std::optional<CodeInterval> RangeInterval(CodeSystem system, std::string_view low,
                                          std::string_view high) {
  const std::optional<uint64_t> lo = Pack(system, low);
  const std::optional<uint64_t> hi = Pack(system, high);
  if (!lo || !hi) {
    return std::nullopt;
  }
  uint64_t top = *hi;
  const SystemRow* row = RowOf(system);
  if (row != nullptr && row->range_end == RangeEnd::Descendants) {
    const CodeResult<CodeInterval> below = PrefixInterval(system, high);
    if (below.ok()) {
      top = std::max(top, below.value.hi);
    }
  }
  return CodeInterval{*lo, top};
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
