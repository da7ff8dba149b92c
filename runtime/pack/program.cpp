#include "runtime/pack/program.h"

#include <algorithm>
#include <string_view>

namespace warrant {

std::string Program::HashText() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "sha256:";
  text.reserve(text.size() + 2 * hash.size());
  for (uint8_t byte : hash) {
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0xF]);
  }
  return text;
}

const SpanEntry* Program::SpanAt(uint32_t pc) const {
  // The first entry after `pc`; the one before it covers `pc`.
  auto after = std::upper_bound(spans.begin(), spans.end(), pc,
                                [](uint32_t at, const SpanEntry& entry) { return at < entry.pc; });
  return after == spans.begin() ? nullptr : &*(after - 1);
}

}  // namespace warrant
