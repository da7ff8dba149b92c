#include "grammar/errors.h"

#include <fmt/core.h>

#include "grammar/token.h"

namespace warrant::grammar {
namespace {

// Words that can only start a top-level declaration: finding one where a `}` was expected means
// the `{` was left open, not that the user wrote a stray word.
bool StartsDeclaration(std::string_view text, Span span) {
  std::string_view word = text.substr(span.begin, span.size());
  for (std::string_view decl :
       {"policy", "import", "codeset", "table", "fact", "reason", "rule", "test"}) {
    if (word == decl)
      return true;
  }
  return false;
}

bool AtLineEnd(std::string_view text, uint32_t pos) {
  return pos >= text.size() || text[pos] == '\n' || text[pos] == '\r';
}

ParseFailure Failure(SyntaxError error, Span span, std::vector<std::string> args = {}) {
  return ParseFailure{error, span, std::move(args)};
}

Span CharSpan(std::string_view text, uint32_t pos) {
  if (pos >= text.size())
    return Span{static_cast<uint32_t>(text.size()), static_cast<uint32_t>(text.size())};
  return Span{pos, pos + Utf8Length(static_cast<unsigned char>(text[pos]))};
}

// The escape `\x` whose `x` starts at `pos`.
std::string EscapeText(std::string_view text, uint32_t pos) {
  Span s = CharSpan(text, pos);
  return fmt::format("\\{}", text.substr(s.begin, s.size()));
}

ParseFailure JsonStringFailure(std::string_view text, const RaiseContext& context) {
  if (AtLineEnd(text, context.pos)) {
    return Failure(SyntaxError::InvalidJson, Span{context.opener, context.opener + 1},
                   {"the string is not closed before the end of the line"});
  }
  // Anything else that stops a JSON string is a raw control character.
  return Failure(SyntaxError::InvalidJson, CharSpan(text, context.pos),
                 {fmt::format("control character U+{:04X} in a string; write it as an escape "
                              "such as `\\t`",
                              static_cast<unsigned char>(text[context.pos]))});
}

}  // namespace

ParseFailure MakeExpectFailure(std::string_view text, const ExpectInfo& info,
                               const RaiseContext& context) {
  switch (info.special) {
    case ExpectSpecial::StringClose:
      return Failure(SyntaxError::UnterminatedString, Span{context.opener, context.opener + 1});
    case ExpectSpecial::Escape:
      if (AtLineEnd(text, context.pos)) {
        return Failure(SyntaxError::UnterminatedString, Span{context.opener, context.opener + 1});
      }
      return Failure(SyntaxError::InvalidEscape,
                     Join(Span{context.pos - 1, context.pos}, CharSpan(text, context.pos)),
                     {EscapeText(text, context.pos)});
    case ExpectSpecial::CommentClose:
      // `sep` raises just after the `/*`.
      return Failure(SyntaxError::UnclosedBlockComment, Span{context.pos - 2, context.pos});
    case ExpectSpecial::JsonStringClose:
      return JsonStringFailure(text, context);
    case ExpectSpecial::JsonEscape:
      if (AtLineEnd(text, context.pos))
        return JsonStringFailure(text, context);
      return Failure(
          SyntaxError::InvalidJson,
          Join(Span{context.pos - 1, context.pos}, CharSpan(text, context.pos)),
          {fmt::format("unknown escape `{}` in a string", EscapeText(text, context.pos))});
    case ExpectSpecial::None:
    case ExpectSpecial::BraceClose:
    case ExpectSpecial::FileEnd:
    case ExpectSpecial::NoChain:
      break;
  }

  if (info.error == SyntaxError::InvalidJson) {
    // JSON has no comments: skip only JSON whitespace to find the offending token.
    uint32_t pos = context.pos;
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) {
      ++pos;
    }
    TokenInfo found = DescribeToken(text, pos);
    return Failure(SyntaxError::InvalidJson, found.span,
                   {fmt::format("expected {}, found {}", info.expected, found.description)});
  }
  TokenInfo found = DescribeToken(text, SkipSeparators(text, context.pos));
  if (info.special == ExpectSpecial::NoChain) {
    return Failure(SyntaxError::ChainedComparison, found.span);
  }
  if (found.unexpected) {
    return Failure(SyntaxError::UnexpectedCharacter, found.span, {found.description});
  }
  bool at_end = found.span.begin >= text.size();
  if (info.special == ExpectSpecial::BraceClose && context.nest_open &&
      (at_end || StartsDeclaration(text, found.span))) {
    uint32_t open = SkipSeparators(text, *context.nest_open);
    return Failure(SyntaxError::UnclosedBrace, Span{open, open + 1});
  }
  if (info.special == ExpectSpecial::FileEnd &&
      text.substr(found.span.begin, found.span.size()) == "policy") {
    return Failure(SyntaxError::MisplacedPolicyHeader, found.span);
  }
  switch (info.error) {
    case SyntaxError::ExpectedToken:
    case SyntaxError::ExpectedOutcome:
      return Failure(info.error, found.span, {info.expected, found.description});
    case SyntaxError::ExpectedDeclaration:
    case SyntaxError::ExpectedExpression:
    case SyntaxError::ExpectedCode:
      return Failure(info.error, found.span, {found.description});
    case SyntaxError::MisplacedPolicyHeader:
    case SyntaxError::UnterminatedString:
    case SyntaxError::UnclosedBrace:
    case SyntaxError::InvalidEscape:
    case SyntaxError::InvalidDate:
    case SyntaxError::IntegerOutOfRange:
    case SyntaxError::InvalidJson:
    case SyntaxError::UnexpectedCharacter:
    case SyntaxError::ChainedComparison:
    case SyntaxError::UnclosedBlockComment:
    case SyntaxError::NestingTooDeep:
      break;
  }
  return Failure(info.error, found.span);
}

ParseFailure MakeLiteralFailure(std::string_view text, SyntaxError error, Span span) {
  return Failure(error, span, {std::string(text.substr(span.begin, span.size()))});
}

ParseFailure MakeNestingFailure(std::string_view text, uint32_t construct_start) {
  TokenInfo opener = DescribeToken(text, SkipSeparators(text, construct_start));
  return Failure(SyntaxError::NestingTooDeep, opener.span, {std::to_string(kMaxNesting)});
}

}  // namespace warrant::grammar
