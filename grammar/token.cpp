#include "grammar/token.h"

#include <algorithm>
#include <array>
#include <iterator>

#include <fmt/core.h>

#include "runtime/core/text.h"

namespace warrant::grammar {
namespace {

constexpr std::string_view kKeywordList[] = {
#define WARRANT_KEYWORD(word) #word,
#include "grammar/keywords.def"
#undef WARRANT_KEYWORD
};

// Sorted once, so lookups are a binary search whatever order keywords.def lists them in.
const std::array<std::string_view, std::size(kKeywordList)>& SortedKeywords() {
  static const auto sorted = [] {
    std::array<std::string_view, std::size(kKeywordList)> words{};
    std::copy(std::begin(kKeywordList), std::end(kKeywordList), words.begin());
    std::sort(words.begin(), words.end());
    return words;
  }();
  return sorted;
}

bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// The one-character tokens (`!` only starts `!=`).
constexpr std::string_view kSingles = "()[]{},:=+-*/<>.";

// Longest description we quote verbatim; longer strings are just "a string".
constexpr size_t kMaxQuoted = 32;

// A token between backticks, with anything a terminal would act on escaped (a string token may
// hold control characters).
std::string Quote(std::string_view text) {
  return "`" + TerminalText(text) + "`";
}

TokenInfo Unexpected(std::string_view text, uint32_t pos) {
  uint32_t length = 1;
  uint32_t cp = CodePointAt(text, pos, &length);
  TokenInfo info;
  info.span = Span{pos, pos + length};
  info.unexpected = true;
  if (cp >= 0x21 && cp < 0x7F) {
    info.description = Quote(text.substr(pos, 1));
  } else if (cp >= 0xA0) {
    info.description = fmt::format("`{}` (U+{:04X})", text.substr(pos, length), cp);
  } else {
    info.description = fmt::format("U+{:04X}", cp);
  }
  return info;
}

bool IsDateAt(std::string_view text, uint32_t pos) {
  if (text.size() - pos < 10)
    return false;
  for (uint32_t i = 0; i < 10; ++i) {
    char c = text[pos + i];
    bool dash = i == 4 || i == 7;
    if (dash ? c != '-' : !IsDigit(c))
      return false;
  }
  return true;
}

}  // namespace

uint32_t CodePointAt(std::string_view text, uint32_t pos, uint32_t* length) {
  auto lead = static_cast<unsigned char>(text[pos]);
  uint32_t n = Utf8Length(lead);
  if (pos + n > text.size())
    n = 1;
  *length = n;
  if (n == 1)
    return lead;
  uint32_t cp = lead & (0x7F >> n);
  for (uint32_t i = 1; i < n; ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  return cp;
}

std::span<const std::string_view> Keywords() {
  return SortedKeywords();
}

bool IsKeyword(std::string_view word) {
  const auto& words = SortedKeywords();
  return std::binary_search(words.begin(), words.end(), word);
}

bool IsWordChar(char c) {
  return IsWordStart(c) || IsDigit(c);
}

size_t WordLength(std::string_view text) {
  if (text.empty() || !IsWordStart(text[0]))
    return 0;
  size_t n = 1;
  while (n < text.size() && IsWordChar(text[n]))
    ++n;
  return n;
}

uint32_t Utf8Length(unsigned char lead) {
  if (lead < 0xC0)
    return 1;
  if (lead < 0xE0)
    return 2;
  if (lead < 0xF0)
    return 3;
  if (lead < 0xF8)
    return 4;
  return 1;
}

uint32_t SkipSeparators(std::string_view text, uint32_t pos, uint32_t* unclosed_comment) {
  const auto size = static_cast<uint32_t>(text.size());
  if (pos == 0 && text.substr(0, 3) == "\xEF\xBB\xBF")
    pos = 3;
  while (pos < size) {
    char c = text[pos];
    if (IsSpace(c)) {
      ++pos;
    } else if (c == '/' && pos + 1 < size && text[pos + 1] == '/') {
      size_t eol = text.find('\n', pos);
      pos = eol == std::string_view::npos ? size : static_cast<uint32_t>(eol);
    } else if (c == '/' && pos + 1 < size && text[pos + 1] == '*') {
      size_t close = text.find("*/", pos + 2);
      if (close == std::string_view::npos) {
        if (unclosed_comment != nullptr)
          *unclosed_comment = pos;
        return size;
      }
      pos = static_cast<uint32_t>(close) + 2;
    } else {
      break;
    }
  }
  return pos;
}

Span TokenSpan(std::string_view text, uint32_t pos) {
  const auto size = static_cast<uint32_t>(text.size());
  if (pos >= size)
    return Span{size, size};
  char c = text[pos];
  auto span = [&](uint32_t length) { return Span{pos, pos + length}; };
  if (IsWordStart(c))
    return span(static_cast<uint32_t>(WordLength(text.substr(pos))));
  if (IsDigit(c)) {
    if (IsDateAt(text, pos))
      return span(10);
    uint32_t end = pos;
    while (end < size && (IsWordChar(text[end]) ||
                          (text[end] == '.' && end + 1 < size && IsDigit(text[end + 1])))) {
      ++end;
    }
    return span(end - pos);
  }
  if (c == '"') {
    uint32_t end = pos + 1;
    while (end < size && text[end] != '"' && text[end] != '\n' && text[end] != '\r') {
      end += text[end] == '\\' && end + 1 < size && text[end + 1] != '\n' ? 2 : 1;
    }
    if (end < size && text[end] == '"')
      ++end;
    return span(end - pos);
  }
  static constexpr std::string_view kPairs[] = {"==", "!=", "<=", ">=", "->", ".."};
  for (std::string_view pair : kPairs) {
    if (text.substr(pos, 2) == pair)
      return span(2);
  }
  if (kSingles.find(c) != std::string_view::npos)
    return span(1);
  uint32_t length = Utf8Length(static_cast<unsigned char>(c));
  return span(pos + length > size ? 1 : length);
}

TokenInfo DescribeToken(std::string_view text, uint32_t pos) {
  const auto size = static_cast<uint32_t>(text.size());
  if (pos >= size)
    return TokenInfo{Span{size, size}, "end of file", false};
  char c = text[pos];
  if (!IsWordStart(c) && !IsDigit(c) && c != '"' && kSingles.find(c) == std::string_view::npos &&
      text.substr(pos, 2) != "!=") {
    return Unexpected(text, pos);
  }
  Span span = TokenSpan(text, pos);
  TokenInfo info{span, Quote(text.substr(pos, span.size())), false};
  if (c == '"' && (span.size() > kMaxQuoted ||
                   text.substr(pos, span.size()).find('`') != std::string_view::npos)) {
    info.description = "a string";
  }
  return info;
}

}  // namespace warrant::grammar
