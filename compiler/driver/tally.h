// Tally: counts of claim lines by a key (a policy, a CARC, a month), each split by the lines'
// decisions, for the views over whole runs (`report`, `diff`).
//
// Memory is bounded whatever the input: at most `max_keys` distinct keys are kept, and lines of
// any later key are counted under "(other)". Rows come out in a deterministic order (most lines
// first, then by key). It reads nothing and prints nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/driver/decision_record.h"

namespace warrant::driver {

inline constexpr std::string_view kOtherKey = "(other)";

struct TallyRow {
  std::string key;
  uint64_t lines = 0;
  std::array<uint64_t, kDecisionCount> by_decision{};  // indexed by Decision
};

class Tally {
 public:
  explicit Tally(size_t max_keys) : max_keys_(max_keys) {}

  // Counts one line under `key` (once per line: callers skip repeats within a line).
  void Add(std::string_view key, Decision decision);

  // Every row, "(other)" last when any line was counted there.
  std::vector<TallyRow> Rows() const;

  size_t distinct() const { return rows_.size(); }

  uint64_t other_lines() const { return other_.lines; }

 private:
  struct Hash {
    using is_transparent = void;

    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  size_t max_keys_;
  std::unordered_map<std::string, TallyRow, Hash, std::equal_to<>> rows_;
  TallyRow other_{std::string(kOtherKey)};
};

// Keys already counted for the current line, so a line with two findings of one policy counts
// once under it.
class LineKeys {
 public:
  void Clear() { keys_.clear(); }

  // True the first time `key` is seen since Clear().
  bool First(std::string_view key);

 private:
  std::vector<std::string> keys_;
};

}  // namespace warrant::driver
