// Span: a half-open byte range [begin, end) in one source file.
//
// The one position type shared by every layer. The runtime keeps spans in its debug tables as
// opaque offsets; turning them into `file:line:col` is the compiler's job (compiler/base).
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
