// A line diff between a case's expected and actual output.
//
// Used twice: to print a readable unified-style diff when a case fails, and by autoupdate to keep
// hand-written expected lines (e.g. with `{{regex}}`) that still match. Lines are "equal" when
// the expected line matches the actual one, so volatile text does not show up as a change. The
// algorithm is a plain LCS after trimming the common prefix and suffix; outputs are small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/filetest/expected_line.h"

namespace warrant::filetest {

enum class DiffOp : std::uint8_t { Keep, Remove, Add };

// One diff row. `expected_index` is valid for Keep and Remove, `actual_index` for Keep and Add.
struct DiffLine {
  DiffOp op;
  std::size_t expected_index;
  std::size_t actual_index;
};

// The edit script turning `expected` into `actual`, in output order (removals before additions
// within a changed run).
std::vector<DiffLine> DiffLines(const std::vector<ExpectedLine>& expected,
                                const std::vector<std::string>& actual);

// Unified-style text: `@@ -a,b +c,d @@` hunks with `context` unchanged lines around each change,
// every row indented by `indent`. Empty if nothing differs.
std::string RenderDiff(const std::vector<DiffLine>& diff, const std::vector<ExpectedLine>& expected,
                       const std::vector<std::string>& actual, std::size_t context,
                       const std::string& indent);

}  // namespace warrant::filetest
