// The state a parse carries through the PEGTL rules: the CST under construction, the nesting
// depth, and the syntax errors recorded so far.
//
// Shared by the control (control.h: building nodes, raising errors) and the recovery points of
// the grammar (rules.h `recover<>`: recording an error, unwinding the state to where the failed
// item began, resuming after it). Plain C++; include only from grammar/.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/cst.h"
#include "grammar/parse.h"

namespace warrant::grammar::peg {

// A syntax error on its way to the nearest recovery point. `at` is where the parser stood (the
// error's span may be elsewhere, e.g. at the `{` a missing `}` leaves open).
struct SyntaxException {
  ParseFailure failure;
  uint32_t at = 0;
};

[[noreturn]] inline void ThrowFailure(ParseFailure failure, uint32_t at) {
  throw SyntaxException{std::move(failure), at};
}

struct ParseState {
  struct Mark {
    uint32_t pending;  // siblings finished before the rule started
    uint32_t nodes;    // arena size when the rule started
    uint32_t start;    // input offset where the rule started
  };

  // The sizes of the stacks, to unwind to after an error.
  struct Saved {
    size_t pending, nodes, marks, nesting;
  };

  explicit ParseState(std::string_view source) : text(source) {}

  uint32_t Offset(const char* p) const { return static_cast<uint32_t>(p - text.data()); }

  Saved Save() const { return Saved{pending.size(), nodes.size(), marks.size(), nesting.size()}; }

  // Drops everything the failed item built (an exception skips the controls' failure hooks).
  void Restore(const Saved& saved) {
    pending.resize(saved.pending);
    nodes.resize(saved.nodes);
    marks.resize(saved.marks);
    nesting.resize(saved.nesting);
  }

  std::string_view text;
  std::vector<CstNode> nodes;     // the arena; ids are indices
  std::vector<CstId> pending;     // finished nodes not yet adopted by a parent
  std::vector<Mark> marks;        // one per tracked rule in progress
  std::vector<uint32_t> nesting;  // start offsets of the nested constructs in progress
  uint32_t opener = 0;            // start of the innermost string being read
  std::vector<ParseFailure> failures;
};

}  // namespace warrant::grammar::peg
