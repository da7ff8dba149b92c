// The formatter's token stream (internal to compiler/format): every token and comment of a parsed
// file in source order, with the layout facts the printer (layout.cpp) needs.
//
// Literals, names and operators come from the leaves of the concrete syntax tree; keywords and
// punctuation, which the tree does not keep, are lexed from the text between leaves (that text
// holds nothing else, so no lexing here has to know about codes, dates or strings). Comments are
// tokens too, so the printer can put each back where it was. The roles (statement start, clause,
// block brace, ...) are read off the tree by source position. Nothing here decides columns.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "grammar/cst.h"

namespace warrant::format {

enum class Role : uint8_t {
  Other,
  StmtStart,     // first token of a declaration, statement, `given` or `expect`: own line
  Clause,        // `effective`, `source`, `applies`, `else`, `if unknown`, `when`, `group`
  SoftClause,    // quantifier `where`, a fact's title, a reason's text: own line if written so
  BlockOpenOwn,  // the `{` of a rule body: own line
  BlockOpen,     // the `{` of a `when` block or a test: stays on its line
  BlockClose,    // the `}` of any block: own line
};

struct Token {
  std::string_view text;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool comment = false;
  bool line_comment = false;    // `// ...` (a comment token that is not this is `/* ... */`)
  uint8_t newlines_before = 0;  // newlines in the whitespace just before the token (capped)
  Role role = Role::Other;
  uint16_t depth = 0;        // block depth of the statement the token belongs to
  bool opener = false;       // `(`, `[` or a `{` that is not a block brace
  bool closer = false;       // their partners
  bool glue_before = false;  // no space before (call `(`, index `[`, `.`, `-` of `CO-119`)
  bool glue_after = false;   // no space after (`.`, unary `-`, `-` of `CO-119`)
  bool breakable = false;    // a line break written before it is kept
  bool head_expr = false;    // first token of a statement's own expression (`let x = E`, ...)
  bool fill = false;         // a line break may be added before it when the line is too long
};

// Builds the tokens of `text`, which `cst` is the successful parse of.
std::vector<Token> BuildTokens(std::string_view text, const grammar::Cst& cst);

}  // namespace warrant::format
