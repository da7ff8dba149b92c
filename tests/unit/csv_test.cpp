// The CSV reader behind `load` (compiler/frontend/csv.h): RFC 4180 quoting, and malformed text
// refused at its line and column.
#include "compiler/frontend/csv.h"

#include <string>
#include <vector>

#include "tests/unit/catch.h"

namespace warrant::frontend {
namespace {

using Rows = std::vector<std::vector<std::string>>;

CsvFile Parse(std::string_view text) {
  CsvFile csv;
  std::string why;
  INFO(text);
  REQUIRE(ParseCsv(text, csv, why));
  CHECK(why.empty());
  return csv;
}

std::string Error(std::string_view text) {
  CsvFile csv;
  std::string why;
  CHECK_FALSE(ParseCsv(text, csv, why));
  return why;
}

TEST_CASE("csv: RFC 4180 quoting", "[csv]") {
  const CsvFile csv = Parse(
      "code,description\r\n"
      "E11.9,\"Type 2 diabetes, without complications\"\r\n"
      "Z12.11,\"screening \"\"colon\"\" cancer\"\r\n"
      "E78.5,\"Hyperlipidemia,\r\nunspecified\"\r\n"
      "\"I10\",\"\"\r\n"
      "N18.6,last line without a break");
  CHECK(csv.header == std::vector<std::string>{"code", "description"});
  CHECK(csv.rows == Rows{{"E11.9", "Type 2 diabetes, without complications"},
                         {"Z12.11", "screening \"colon\" cancer"},
                         {"E78.5", "Hyperlipidemia,\r\nunspecified"},
                         {"I10", ""},
                         {"N18.6", "last line without a break"}});
  // A row starts on the line of its first character; the quoted line break moved I10 down.
  CHECK(csv.row_lines == std::vector<uint32_t>{2, 3, 4, 6, 7});
}

TEST_CASE("csv: line ends, byte-order mark, blank lines and spaces", "[csv]") {
  const CsvFile csv = Parse("\xEF\xBB\xBF\n  \ncode , note\nA1,  x y  \r\n\nB2,\" kept \"\rC3,\n");
  CHECK(csv.header == std::vector<std::string>{"code", "note"});
  CHECK(csv.rows == Rows{{"A1", "x y"}, {"B2", " kept "}, {"C3", ""}});
  CHECK(csv.row_lines == std::vector<uint32_t>{4, 6, 7});
  CHECK(Parse("a,b\n,\n").rows == Rows{{"", ""}});  // empty cells are not a blank line
}

TEST_CASE("csv: malformed text is refused at its line and column", "[csv]") {
  // The reproduction: an unterminated quote was read as if it closed at the end of the line.
  CHECK(Error("code,description\nE11.9,\"diabetes\nE78.5,lipids\n") ==
        "line 2, column 7: the quoted cell that starts here is never closed (a quote inside a "
        "cell is written twice: \"\")");
  CHECK(Error("code,description\nE11.9,\"diabetes\" mellitus\n") ==
        "line 2, column 18: `m` after the closing quote of a quoted cell (a quote inside a cell "
        "is written twice: \"\")");
  CHECK(Error("code,description\nA1,5\" tube\n") ==
        "line 2, column 5: a quote inside a cell that does not start with one (quote the whole "
        "cell and write the quote twice: \"5\"\" tube\")");
  // Columns count characters, not bytes.
  CHECK(Error("code,description\nA1,Müller\"\n").substr(0, 17) == "line 2, column 10");
  CHECK(Error("") == "the file is empty");
  CHECK(Error("\n \n\t\n") == "the file is empty");
}

TEST_CASE("csv: the row limit", "[csv]") {
  std::string text = "code\n";
  for (size_t i = 0; i <= kMaxCsvRows; ++i)
    text += "1\n";
  CHECK(Error(text) == "it has more than the limit of 1000000 rows");
}

}  // namespace
}  // namespace warrant::frontend
