// Span: a half-open byte range [begin, end) in one source file.
//
// The position type of the front end: the grammar's tree, the AST and diagnostics, which turn it
// into `file:line:col` (compiler/base/source_file.h). The runtime does not use it: a pack's debug
// tables hold their own (file, begin, end) triples (SpanEntry, runtime/pack/program.h), which the
// engine and the disassembler map to lines of the sources the pack carries.
#pragma once

#include <cstdint>

namespace warrant {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;

  constexpr uint32_t size() const { return end - begin; }

  friend constexpr bool operator==(Span, Span) = default;
};

// The smallest span covering both `a` and `b`.
constexpr Span Join(Span a, Span b) {
  return Span{a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
}

}  // namespace warrant
