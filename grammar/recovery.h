// Where parsing resumes after a syntax error: the next statement, test clause or declaration.
//
// The grammar wraps statements, test clauses, a rule's `applies` clause and declarations in a
// recovery point (rules.h `recover<>`). When an error is raised inside one, the parser records it,
// calls Resync() and goes on from the offset it returns, so one slip is reported once and the
// independent errors after it are still found. Resync reads tokens the way the lexer does (strings
// and comments are skipped whole) and uses the layout people write criteria in: a statement or a
// declaration starts a line, indented no deeper than the one that failed. Plain C++: no PEGTL.
#pragma once

#include <cstdint>
#include <string_view>

namespace warrant::grammar {

enum class SyncKind : uint8_t {
  Declaration,  // the next declaration keyword starting a line, at or left of the failed one
  Statement,    // the next statement keyword starting a line, or the `}` that closes the block
  RuleBody,     // the `{` of the rule's body (after a broken `applies to line where` clause)
  TestGiven,    // after the `given` record: the first `expect`, or the `}` that closes the test
  TestClause,   // the next `expect`, or the `}` that closes the test
};

// The offset to resume at, after an item that started at `item_start` (its first token) failed
// while the parser stood at `failed_at`. Declarations, statements and test clauses are read in a
// loop, so for them the offset is past `item_start`'s first token: parsing always progresses.
// Statements and declarations are scanned from where the parser stood, test clauses from their
// start (so the brackets of a `given` record are matched from its first `{`).
// kNoResync: no `{` was found for a RuleBody; the enclosing declaration recovers instead.
uint32_t Resync(std::string_view text, uint32_t item_start, uint32_t failed_at, SyncKind kind);

inline constexpr uint32_t kNoResync = UINT32_MAX;

// True for the words that start a declaration: policy import codeset table fact reason rule test
// (and `let`, which also starts a statement).
bool IsDeclarationKeyword(std::string_view word);

}  // namespace warrant::grammar
