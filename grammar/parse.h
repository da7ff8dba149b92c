// grammar::Parse: Warrant source text -> concrete syntax tree, or the first syntax error.
//
// This is the whole public face of the PEGTL grammar (docs/grammar.md); PEGTL itself never
// appears in this header. The parser stops at the first error and reports it as a SyntaxError
// (each maps to one E01xx/E05xx row of compiler/diag/codes.def), the span of the offending token
// and the message arguments in user terms ("`then`", "end of file"). It does not check that the
// text is UTF-8 or NUL-free, nor the file size: the caller does that first (ast::ParseFile).
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
  NestingTooDeep,         // E0501 [kMaxNesting] at the opening token of the level too many
};

struct ParseFailure {
  SyntaxError error{};
  Span span;
  std::vector<std::string> args;
};

struct ParseResult {
  Cst cst;                              // valid only when `failure` is empty
  std::optional<ParseFailure> failure;  // the first syntax error

  bool ok() const { return !failure.has_value(); }
};

// Parses a whole file. Spans are byte offsets into `text`; a leading UTF-8 byte order mark is
// skipped. Never throws for any input; recursion is bounded by kMaxNesting.
ParseResult Parse(std::string_view text);

}  // namespace warrant::grammar
