// The concrete syntax tree: what grammar::Parse produces and ast::Build reads.
//
// A Cst is a flat arena of nodes, each with a kind (cst_kind.def documents every kind's children),
// the byte span of its text (never including surrounding whitespace or comments) and child ids in
// source order. Leaf text is recovered from the span. The tree is plain data with no PEGTL types;
// it knows nothing about meaning (that is the AST's job) and validates nothing beyond the grammar.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

#include "runtime/core/span.h"

namespace warrant::grammar {

enum class CstKind : uint8_t {
#define WARRANT_CST(Kind, Shape) Kind,
#include "grammar/cst_kind.def"
#undef WARRANT_CST
};

using CstId = uint32_t;

struct CstNode {
  CstKind kind{};
  Span span;
  std::vector<CstId> children;
};

struct Cst {
  std::vector<CstNode> nodes;
  CstId root = 0;  // a File node when parsing succeeded

  const CstNode& node(CstId id) const { return nodes[id]; }

  std::string_view Text(CstId id, std::string_view source) const {
    const Span& s = nodes[id].span;
    return source.substr(s.begin, s.size());
  }
};

// "File", "CmpTail", ... (the enumerator's name).
const char* CstKindName(CstKind kind);

// Writes the tree as indented lines `Kind [begin,end) text` (text for leaves only), for debugging
// and the grammar's unit tests (no command prints it). Iterative, so any tree the parser accepts
// can be dumped.
void DumpCst(const Cst& cst, std::string_view source, std::ostream& out);

}  // namespace warrant::grammar
