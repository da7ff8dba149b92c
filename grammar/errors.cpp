#include "grammar/errors.h"

#include <cctype>
#include <optional>

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
  return ParseFailure{error, span, std::move(args), {}, std::nullopt};
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

// ---- Slips: specific errors for the mistakes people make most ---------------------------------

std::string Lower(std::string_view word) {
  std::string out(word);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

bool IsCurlyQuote(uint32_t cp) {
  return cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F || cp == 0x2018 ||
         cp == 0x2019 || cp == 0x00AB || cp == 0x00BB;
}

// The token that ends just before `pos`, looking back over spaces only (a comment in between
// hides it): a word or number, a string, or one character. Empty if none.
Span PreviousToken(std::string_view text, uint32_t pos) {
  uint32_t end = pos;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n' ||
                     text[end - 1] == '\r')) {
    --end;
  }
  if (end == 0)
    return Span{0, 0};
  uint32_t begin = end - 1;
  if (IsWordChar(text[begin])) {
    while (begin > 0 && IsWordChar(text[begin - 1]))
      --begin;
  } else if (text[begin] == '"') {
    while (begin > 0 && text[begin - 1] != '"' && text[begin - 1] != '\n')
      --begin;
    if (begin > 0 && text[begin - 1] == '"')
      --begin;
  }
  return Span{begin, end};
}

std::string_view TextOf(std::string_view text, Span span) {
  return text.substr(span.begin, span.size());
}

// Whether a word written right after a number was meant as a duration unit.
bool LooksLikeUnit(std::string_view word) {
  std::string w = Lower(word);
  for (std::string_view u :
       {"d",      "dy",    "dys",    "da",      "w",     "wk",     "wks",  "wek",    "weks",
        "m",      "mo",    "mos",    "mon",     "mons",  "mth",    "mths", "mnth",   "mnths",
        "y",      "yr",    "yrs",    "yy",      "h",     "hr",     "hrs",  "hour",   "hours",
        "min",    "mins",  "minute", "minutes", "s",     "sec",    "secs", "second", "seconds",
        "day",    "days",  "week",   "weeks",   "month", "months", "year", "years",  "dayz",
        "monhts", "yeras", "yaers",  "wekes"}) {
    if (w == u)
      return true;
  }
  return false;
}

// The unit `word` most likely meant, plural unless the amount is 1; empty for hours and the like.
std::string UnitFor(std::string_view word, std::string_view amount) {
  std::string w = Lower(word);
  bool one = amount == "1";
  if (w.starts_with("h") || w.starts_with("s") || w.starts_with("min"))
    return "";
  switch (w[0]) {
    case 'd':
      return one ? "day" : "days";
    case 'w':
      return one ? "week" : "weeks";
    case 'm':
      return one ? "month" : "months";
    case 'y':
      return one ? "year" : "years";
    default:
      return "";
  }
}

// `G43`, `E11`, `Z86`: a letter, then letters and digits with at least one digit (the part of a
// diagnosis code before its dot).
bool LooksLikeCodeStem(std::string_view word) {
  if (word.size() < 3 || word.size() > 7 || !std::isalpha(static_cast<unsigned char>(word[0])))
    return false;
  bool digit = false;
  for (char c : word) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return false;
    digit = digit || std::isdigit(static_cast<unsigned char>(c));
  }
  return digit;
}

std::optional<ParseFailure> CurlyQuoteSlip(std::string_view text, const TokenInfo& found) {
  uint32_t length = 0;
  uint32_t cp = CodePointAt(text, found.span.begin, &length);
  if (!IsCurlyQuote(cp))
    return std::nullopt;
  ParseFailure f =
      Failure(SyntaxError::CurlyQuote, found.span, {std::string(TextOf(text, found.span))});
  f.help = "write strings between straight double quotes: \"text\"";
  // Replace the pair when the closing quote is on the same line and nothing needs escaping.
  uint32_t pos = found.span.end;
  while (pos < text.size() && text[pos] != '\n' && text[pos] != '"' && text[pos] != '\\') {
    uint32_t n = 0;
    uint32_t c = CodePointAt(text, pos, &n);
    if (IsCurlyQuote(c)) {
      // Appends rather than `"\"" + std::string(...)`, which GCC 12 at -O3 misreads as an
      // overlapping copy (-Wrestrict).
      std::string replacement = "\"";
      replacement.append(text.substr(found.span.end, pos - found.span.end));
      replacement += '"';
      f.fix = Fix{Span{found.span.begin, pos + n}, std::move(replacement)};
      return f;
    }
    pos += n;
  }
  f.fix = Fix{found.span, "\""};
  return f;
}

// A word after a number: `12 wks`, `12wks`, `3 Months`.
std::optional<ParseFailure> UnitSlip(std::string_view text, const TokenInfo& found) {
  std::string_view token = TextOf(text, found.span);
  Span word = found.span;
  Span amount = PreviousToken(text, found.span.begin);
  if (!token.empty() && std::isdigit(static_cast<unsigned char>(token[0]))) {
    size_t digits = 0;
    while (digits < token.size() && std::isdigit(static_cast<unsigned char>(token[digits])))
      ++digits;
    amount = Span{found.span.begin, found.span.begin + static_cast<uint32_t>(digits)};
    word = Span{amount.end, found.span.end};
  }
  std::string_view w = TextOf(text, word);
  if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0])) ||
      !AllDigits(TextOf(text, amount)))
    return std::nullopt;
  if (IsKeyword(w) || !LooksLikeUnit(w))
    return std::nullopt;
  ParseFailure f = Failure(SyntaxError::UnknownDurationUnit, word, {std::string(w)});
  std::string unit = UnitFor(w, TextOf(text, amount));
  if (!unit.empty()) {
    f.help = fmt::format("did you mean `{} {}`?", TextOf(text, amount), unit);
    f.fix = Fix{Span{amount.begin, word.end}, fmt::format("{} {}", TextOf(text, amount), unit)};
  }
  return f;
}

std::optional<ParseFailure> KeywordCaseSlip(std::string_view text, const TokenInfo& found) {
  std::string_view word = TextOf(text, found.span);
  if (word.empty() || !std::isalpha(static_cast<unsigned char>(word[0])) || IsKeyword(word))
    return std::nullopt;
  std::string lower = Lower(word);
  if (!IsKeyword(lower) && lower != "line")
    return std::nullopt;
  ParseFailure f = Failure(SyntaxError::KeywordCase, found.span, {std::string(word)});
  f.help = fmt::format("keywords are written in lower case: did you mean `{}`?", lower);
  f.fix = Fix{found.span, lower};
  return f;
}

// `if` where a statement goes.
std::optional<ParseFailure> StatementSlip(std::string_view text, const TokenInfo& found) {
  if (TextOf(text, found.span) != "if")
    return std::nullopt;
  ParseFailure f = Failure(SyntaxError::NotAStatement, found.span, {"if"});
  size_t eol = text.find('\n', found.span.end);
  std::string_view rest =
      text.substr(found.span.end,
                  eol == std::string_view::npos ? std::string_view::npos : eol - found.span.end);
  if (rest.find('{') != std::string_view::npos) {
    f.help =
        "did you mean `when`? statements that apply only sometimes are written "
        "`when CONDITION { ... }`";
    f.fix = Fix{found.span, "when"};
  } else {
    f.help =
        "write `require CONDITION else deny REASON \"message\"`, or "
        "`deny REASON \"message\" when CONDITION`";
  }
  return f;
}

// `=` written where `==` was meant: after an operand, where anything but `=` was expected.
std::optional<ParseFailure> EqualsSlip(std::string_view text, const ExpectInfo& info,
                                       const TokenInfo& found) {
  if (TextOf(text, found.span) != "=")
    return std::nullopt;
  std::string_view expected = info.expected;
  if (expected == "`:`" || expected == "`=`" || expected == "`->`")
    return std::nullopt;
  std::string_view before = TextOf(text, PreviousToken(text, found.span.begin));
  if (before.empty())
    return std::nullopt;
  char last = before.back();
  bool operand = last == ')' || last == ']' || last == '"' ||
                 (IsWordChar(last) && (!IsKeyword(before) || before == "true" ||
                                       before == "false" || before == "none"));
  if (!operand)
    return std::nullopt;
  ParseFailure f = Failure(SyntaxError::SingleEquals, found.span);
  f.fix = Fix{found.span, "=="};
  return f;
}

// A diagnosis code written bare in an expression: `d == G43.709` reads as the field `709` of a
// name `G43`.
std::optional<ParseFailure> CodeSlip(std::string_view text, const ExpectInfo& info,
                                     const TokenInfo& found) {
  std::string_view token = TextOf(text, found.span);
  if (token.empty() || !std::isdigit(static_cast<unsigned char>(token[0])))
    return std::nullopt;
  Span code = found.span;
  if (std::string_view(info.expected) == "a field name") {
    Span dot = PreviousToken(text, found.span.begin);
    if (TextOf(text, dot) != "." || dot.end != found.span.begin)
      return std::nullopt;
    Span stem = PreviousToken(text, dot.begin);
    if (stem.end != dot.begin || !LooksLikeCodeStem(TextOf(text, stem)))
      return std::nullopt;
    code = Span{stem.begin, found.span.end};
  } else {
    // A CPT category II or III code, `0591T`: four digits and a letter.
    bool cpt = token.size() == 5 && AllDigits(token.substr(0, 4)) &&
               std::isalpha(static_cast<unsigned char>(token[4]));
    if (!cpt)
      return std::nullopt;
  }
  std::string written(TextOf(text, code));
  ParseFailure f = Failure(SyntaxError::UnquotedCode, code, {written});
  f.fix = Fix{code, "\"" + written + "\""};
  return f;
}

std::optional<ParseFailure> Slip(std::string_view text, const ExpectInfo& info,
                                 const TokenInfo& found) {
  if (found.span.size() == 0)
    return std::nullopt;
  if (found.unexpected)
    return CurlyQuoteSlip(text, found);
  if (auto f = UnitSlip(text, found))
    return f;
  if (auto f = CodeSlip(text, info, found))
    return f;
  if (auto f = EqualsSlip(text, info, found))
    return f;
  if (info.special == ExpectSpecial::Statement) {
    if (auto f = StatementSlip(text, found))
      return f;
  }
  return KeywordCaseSlip(text, found);
}

// An unterminated string whose line holds a curly quote: that was meant to close it.
ParseFailure UnterminatedString(std::string_view text, uint32_t opener) {
  ParseFailure f = Failure(SyntaxError::UnterminatedString, Span{opener, opener + 1});
  for (uint32_t pos = opener + 1; pos < text.size() && text[pos] != '\n';) {
    uint32_t n = 0;
    uint32_t cp = CodePointAt(text, pos, &n);
    if (cp == 0x201D || cp == 0x201C) {
      f.help = fmt::format("`{}` is a curly quote: close the string with a straight `\"`",
                           text.substr(pos, n));
      f.fix = Fix{Span{pos, pos + n}, "\""};
      break;
    }
    pos += n;
  }
  return f;
}

}  // namespace

ParseFailure MakeExpectFailure(std::string_view text, const ExpectInfo& info,
                               const RaiseContext& context) {
  switch (info.special) {
    case ExpectSpecial::StringClose:
      return UnterminatedString(text, context.opener);
    case ExpectSpecial::Escape:
      if (AtLineEnd(text, context.pos))
        return UnterminatedString(text, context.opener);
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
    case ExpectSpecial::Statement:
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
  if (std::optional<ParseFailure> slip = Slip(text, info, found))
    return std::move(*slip);
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
    case SyntaxError::SingleEquals:
    case SyntaxError::NotAStatement:
    case SyntaxError::KeywordCase:
    case SyntaxError::UnknownDurationUnit:
    case SyntaxError::CurlyQuote:
    case SyntaxError::UnquotedCode:
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
