#include "tests/filetest/line_diff.h"

#include <algorithm>

namespace warrant::filetest {
namespace {

// Beyond this many LCS cells (rows x columns) the diff degrades to "remove all, add all" for the
// differing middle part; golden outputs are far smaller, this only bounds a runaway case.
constexpr std::size_t kMaxCells = std::size_t{4} << 20;

std::string HunkRange(std::size_t start, std::size_t count) {
  // Unified diff convention: 1-based start, and an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::vector<DiffLine> DiffLines(const std::vector<ExpectedLine>& expected,
                                const std::vector<std::string>& actual) {
  std::size_t prefix = 0;
  while (prefix < expected.size() && prefix < actual.size() &&
         expected[prefix].Matches(actual[prefix])) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < expected.size() - prefix && suffix < actual.size() - prefix &&
         expected[expected.size() - 1 - suffix].Matches(actual[actual.size() - 1 - suffix])) {
    ++suffix;
  }
  const std::size_t rows = expected.size() - prefix - suffix;
  const std::size_t cols = actual.size() - prefix - suffix;

  std::vector<DiffLine> diff;
  for (std::size_t i = 0; i < prefix; ++i) {
    diff.push_back({DiffOp::Keep, i, i});
  }
  if (rows * cols > kMaxCells) {
    for (std::size_t i = 0; i < rows; ++i) {
      diff.push_back({DiffOp::Remove, prefix + i, 0});
    }
    for (std::size_t j = 0; j < cols; ++j) {
      diff.push_back({DiffOp::Add, 0, prefix + j});
    }
  } else {
    // lcs[i][j] = length of the LCS of expected[i..] and actual[j..] within the middle part.
    std::vector<std::uint32_t> lcs((rows + 1) * (cols + 1), 0);
    auto at = [cols](std::size_t i, std::size_t j) { return i * (cols + 1) + j; };
    for (std::size_t i = rows; i-- > 0;) {
      for (std::size_t j = cols; j-- > 0;) {
        lcs[at(i, j)] = expected[prefix + i].Matches(actual[prefix + j])
                            ? lcs[at(i + 1, j + 1)] + 1
                            : std::max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
      }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < rows || j < cols) {
      if (i < rows && j < cols && expected[prefix + i].Matches(actual[prefix + j]) &&
          lcs[at(i, j)] == lcs[at(i + 1, j + 1)] + 1) {
        diff.push_back({DiffOp::Keep, prefix + i, prefix + j});
        ++i;
        ++j;
      } else if (i < rows && (j == cols || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) {
        diff.push_back({DiffOp::Remove, prefix + i, 0});
        ++i;
      } else {
        diff.push_back({DiffOp::Add, 0, prefix + j});
        ++j;
      }
    }
  }
  for (std::size_t k = suffix; k-- > 0;) {
    diff.push_back({DiffOp::Keep, expected.size() - 1 - k, actual.size() - 1 - k});
  }
  return diff;
}

std::string RenderDiff(const std::vector<DiffLine>& diff, const std::vector<ExpectedLine>& expected,
                       const std::vector<std::string>& actual, std::size_t context,
                       const std::string& indent) {
  std::string text;
  std::size_t row = 0;
  while (row < diff.size()) {
    // Find the next change, then grow the hunk while changes are within 2*context of each other.
    std::size_t first_change = row;
    while (first_change < diff.size() && diff[first_change].op == DiffOp::Keep) {
      ++first_change;
    }
    if (first_change == diff.size()) {
      break;
    }
    std::size_t begin = first_change - std::min(context, first_change - row);
    std::size_t end = first_change;
    std::size_t keeps = 0;
    for (std::size_t k = first_change; k < diff.size() && keeps <= 2 * context; ++k) {
      if (diff[k].op == DiffOp::Keep) {
        ++keeps;
      } else {
        keeps = 0;
        end = k + 1;
      }
    }
    end = std::min(diff.size(), end + context);

    // Hunk header: where the hunk starts and how many lines it spans on each side.
    auto count = [&diff](std::size_t from, std::size_t to, DiffOp other_side) {
      std::size_t lines = 0;
      for (std::size_t k = from; k < to; ++k) {
        lines += diff[k].op != other_side ? std::size_t{1} : std::size_t{0};
      }
      return lines;
    };
    std::size_t expected_start = count(0, begin, DiffOp::Add);
    std::size_t actual_start = count(0, begin, DiffOp::Remove);
    std::size_t expected_count = count(begin, end, DiffOp::Add);
    std::size_t actual_count = count(begin, end, DiffOp::Remove);
    text += indent + "@@ -" + HunkRange(expected_start, expected_count) + " +" +
            HunkRange(actual_start, actual_count) + " @@\n";
    for (std::size_t k = begin; k < end; ++k) {
      switch (diff[k].op) {
        case DiffOp::Keep:
          text += indent + " " + actual[diff[k].actual_index] + "\n";
          break;
        case DiffOp::Remove:
          text += indent + "-" + expected[diff[k].expected_index].text() + "\n";
          break;
        case DiffOp::Add:
          text += indent + "+" + actual[diff[k].actual_index] + "\n";
          break;
      }
    }
    row = end;
  }
  return text;
}

}  // namespace warrant::filetest
