// Whole-text integer parsing for command-line values: `-j 4`, `--line 2`.
//
// The text must be one base-10 integer (an optional `-`, then digits) with nothing before or
// after it — no spaces, no `+`, no trailing letters — and within [min, max]. std::from_chars does
// the reading, so nothing throws and nothing depends on the locale.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace warrant {

inline std::optional<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || value < min || value > max)
    return std::nullopt;
  return value;
}

}  // namespace warrant
