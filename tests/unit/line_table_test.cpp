// The one line table (runtime/core/line_table.h): line starts, offset -> line:column in code
// points, line texts without their breaks, and which stored tables a pack may hold.
#include "runtime/core/line_table.h"

#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("line table: starts, lines and columns", "[lines]") {
  const std::string text = "ab\r\n\tcé d\n\nlast";
  const std::vector<uint32_t> starts = LineStarts(text);
  CHECK(starts == std::vector<uint32_t>{0, 4, 11, 12});
  const LineTable lines(starts, text);
  CHECK(lines.LineCount() == 4);
  CHECK(lines.Line(0) == 1);
  CHECK(lines.Line(3) == 1);  // the '\n' belongs to its line
  CHECK(lines.Line(4) == 2);
  CHECK(lines.Line(100) == 4);
  CHECK(lines.Start(2) == 4);
  CHECK(lines.Start(9) == 0);
  // A tab is one column; `é` is two bytes and one column.
  const LineCol d = lines.Locate(static_cast<uint32_t>(text.find('d')));
  CHECK(d.line == 2);
  CHECK(d.column == 5);
  const LineCol end = lines.Locate(1000);  // past the text: its end
  CHECK(end.line == 4);
  CHECK(end.column == 5);
  CHECK(lines.LineText(1) == "ab");
  CHECK(lines.LineText(2) == "\tcé d");
  CHECK(lines.LineText(3).empty());
  CHECK(lines.LineText(4) == "last");
  CHECK(lines.LineText(0).empty());
  CHECK(lines.LineText(5).empty());
}

TEST_CASE("line table: an empty text has one line; an empty table none", "[lines]") {
  CHECK(LineStarts("") == std::vector<uint32_t>{0});
  CHECK(LineStarts("x\n") == std::vector<uint32_t>{0, 2});
  const LineTable none({}, "abc");
  CHECK(none.Line(1) == 0);
  CHECK(none.Locate(1).line == 1);
  CHECK(none.LineText(1).empty());
}

TEST_CASE("line table: a range cut into its lines' pieces", "[lines]") {
  using Pieces = std::vector<std::string_view>;
  const std::string text = "ab\r\n\tcé d\n\nlast";
  const std::vector<uint32_t> starts = LineStarts(text);
  const LineTable lines(starts, text);
  // From the middle of line 1 to the middle of line 4; only '\n' cuts.
  CHECK(lines.Pieces(1, 14) == Pieces{"b\r", "\tcé d", "", "la"});
  CHECK(lines.Pieces(4, 11) == Pieces{"\tcé d", ""});  // ends just after a break
  CHECK(lines.Pieces(5, 8) == Pieces{"cé"});
  CHECK(lines.Pieces(3, 3) == Pieces{""});
  CHECK(lines.Pieces(12, 1000) == Pieces{"last"});              // clamped to the text
  CHECK(lines.Pieces(9, 2) == Pieces{""});                      // an inverted range is empty
  CHECK(LineTable({}, "a\nb").Pieces(0, 3) == Pieces{"a\nb"});  // no table: no cuts
}

TEST_CASE("line table: what a stored table must be", "[lines]") {
  CHECK(ValidLineStarts(std::vector<uint32_t>{0}, 0));
  CHECK(ValidLineStarts(std::vector<uint32_t>{0, 3, 5}, 5));
  CHECK_FALSE(ValidLineStarts(std::vector<uint32_t>{}, 5));
  CHECK_FALSE(ValidLineStarts(std::vector<uint32_t>{1, 3}, 5));
  CHECK_FALSE(ValidLineStarts(std::vector<uint32_t>{0, 3, 3}, 5));
  CHECK_FALSE(ValidLineStarts(std::vector<uint32_t>{0, 4, 3}, 5));
  CHECK_FALSE(ValidLineStarts(std::vector<uint32_t>{0, 6}, 5));
}

}  // namespace
}  // namespace warrant
