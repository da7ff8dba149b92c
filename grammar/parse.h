// grammar::Parse: Warrant source text -> concrete syntax tree and its syntax errors.
//
// This is the whole public face of the PEGTL grammar (docs/grammar.md); PEGTL itself never
// appears in this header. Each syntax error is a SyntaxError (one E01xx/E05xx row of
// compiler/diag/codes.def), the span of the offending token and the message arguments in user
// terms ("`then`", "end of file"), with a help line and a replacement for the slips people make
// most. After an error the parser skips to the next statement, test clause or declaration
// (recovery.h) and goes on, so every independent error of a file is reported; what it skipped
// is missing from the tree. It does not check that the text is UTF-8 or NUL-free, nor the file
// size: the caller does that first (ast::ParseFile).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/cst.h"
#include "runtime/core/span.h"

namespace warrant::grammar {

// Parentheses, brackets, braces, unary operators, `if` and quantifiers may nest this deep.
inline constexpr uint32_t kMaxNesting = 256;

// One enumerator per syntax diagnostic; the comment gives the code and the message arguments.
enum class SyntaxError : uint8_t {
  ExpectedDeclaration,    // E0101 [found]
  MisplacedPolicyHeader,  // E0102 []
  ExpectedToken,          // E0103 [expected, found]
  ExpectedExpression,     // E0104 [found]
  UnterminatedString,     // E0105 [] at the opening quote
  UnclosedBrace,          // E0106 [] at the unclosed `{`
  InvalidEscape,          // E0107 [escape as written, e.g. `\q`]
  InvalidDate,            // E0108 [date as written]
  IntegerOutOfRange,      // E0109 [digits as written]
  InvalidJson,            // E0110 [what is wrong, e.g. "expected `,` or `}`, found `]`"]
  UnexpectedCharacter,    // E0111 [the character, e.g. "`@`" or "U+00A0"]
  ExpectedCode,           // E0112 [found]
  ExpectedOutcome,        // E0113 [the preceding keyword, e.g. "`else`", found]
  ChainedComparison,      // E0114 [] at the second comparison operator
  UnclosedBlockComment,   // E0115 [] at the opening `/*`
  SingleEquals,           // E0116 [] at a `=` where a comparison was meant
  NotAStatement,          // E0117 [the word] at a word that cannot start a statement (`if`)
  KeywordCase,            // E0118 [the word as written] at a keyword written in capitals
  UnknownDurationUnit,    // E0119 [the word] at the unit after a number
  CurlyQuote,             // E0120 [the quote character] at a typographic quote
  UnquotedCode,           // E0121 [the code] at a code written where an expression goes
  NestingTooDeep,         // E0501 [kMaxNesting] at the opening token of the level too many
};

// A replacement that fixes the error: the text under `span` becomes `text`.
struct Fix {
  Span span;
  std::string text;
};

struct ParseFailure {
  SyntaxError error{};
  Span span;
  std::vector<std::string> args;
  std::string help;        // empty: the diagnostic's default help
  std::optional<Fix> fix;  // set when the help names one exact replacement
};

// A file stops being parsed after this many errors.
inline constexpr size_t kMaxSyntaxErrors = 50;

struct ParseResult {
  Cst cst;                             // the File; without the parts skipped after an error
  std::vector<ParseFailure> failures;  // in source order of where the parser stood

  bool ok() const { return failures.empty(); }
};

// Parses a whole file. Spans are byte offsets into `text`; a leading UTF-8 byte order mark is
// skipped. Never throws for any input; recursion is bounded by kMaxNesting.
ParseResult Parse(std::string_view text);

}  // namespace warrant::grammar
