// Little-endian integers in byte buffers, as packs and their sections store them.
//
// Only the arithmetic: callers check bounds first and say what a short buffer means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace warrant {

// The unsigned little-endian integer of `count` (at most 8) bytes at `at`.
inline uint64_t ReadLe(std::span<const uint8_t> bytes, size_t at, size_t count) {
  uint64_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = (value << 8) | bytes[at + i];
  return value;
}

}  // namespace warrant
