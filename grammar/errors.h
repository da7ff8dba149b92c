// How a failed expectation in the grammar becomes a ParseFailure (code, span, arguments).
//
// Every `expect<R>` point of rules.h has an ExpectInfo (rule_errors.h) naming the diagnostic and
// what was expected; MakeExpectFailure() looks at the text where R was expected, describes what
// is actually there in user terms and applies the few context rules (an unclosed `{` at the end of
// the file, an unterminated string, a stray character). Plain C++: no PEGTL in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "grammar/parse.h"

namespace warrant::grammar {

// Context rules beyond "expected X, found Y".
enum class ExpectSpecial : uint8_t {
  None,
  BraceClose,       // a closing `}`: at end of file or a declaration keyword, the `{` is unclosed
  StringClose,      // the closing `"` of a string: unterminated string at its opening quote
  Escape,           // the character after `\` in a string
  CommentClose,     // the closing `*/`: unclosed comment at its `/*`
  JsonStringClose,  // the closing `"` of a JSON string
  JsonEscape,       // the character after `\` in a JSON string
  FileEnd,          // the end of the file: anything else is not a declaration
  NoChain,          // a second comparison operator
  Statement,        // a statement in a block: words that cannot start one get their own error
};

struct ExpectInfo {
  SyntaxError error = SyntaxError::ExpectedToken;
  const char* expected = nullptr;  // "`then`", "an expression", ... (nullptr: no entry yet)
  ExpectSpecial special = ExpectSpecial::None;
};

// Where the parser stood when an expectation failed.
struct RaiseContext {
  uint32_t pos = 0;                   // where the expected rule was tried (before whitespace)
  uint32_t opener = 0;                // start of the innermost string or block comment
  std::optional<uint32_t> nest_open;  // start of the innermost bracket/brace construct
};

ParseFailure MakeExpectFailure(std::string_view text, const ExpectInfo& info,
                               const RaiseContext& context);

// Failures found while checking a literal the grammar accepted by shape.
ParseFailure MakeLiteralFailure(std::string_view text, SyntaxError error, Span span);

// E0501 at the opening token of the construct that starts at `construct_start`.
ParseFailure MakeNestingFailure(std::string_view text, uint32_t construct_start);

}  // namespace warrant::grammar
