// Line tables: where each line of a source text starts, and byte offset -> line:column.
//
// The one implementation of the mapping. The compiler builds a table for every file it reads
// (compiler/base/source_file.h) and the code generator stores it in the pack beside the text
// (SourceData::line_starts), so the runtime maps offsets without scanning for line breaks.
// Columns are 1-based and counted in UTF-8 code points (a tab is one column). This module reads
// the text only to count a line's code points and to cut a line out for display; it does not
// parse anything.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace warrant {

struct LineCol {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in code points
};

// The byte offset of each line's first byte: 0, then one past each '\n'.
std::vector<uint32_t> LineStarts(std::string_view text);

// Whether `starts` can be a text's line table: it begins with 0, rises strictly and stays within
// `text_size` bytes. (Which bytes are line breaks is the writer's business: a pack's hash
// covers both.)
bool ValidLineStarts(std::span<const uint32_t> starts, size_t text_size);

// A view of one text and its line starts (both owned elsewhere; `starts` valid as above).
class LineTable {
 public:
  LineTable(std::span<const uint32_t> starts, std::string_view text)
      : starts_(starts), text_(text) {}

  uint32_t LineCount() const { return static_cast<uint32_t>(starts_.size()); }

  // The 1-based line holding byte `offset` (an offset past the end is on the last line); 0 for
  // an empty table.
  uint32_t Line(uint32_t offset) const;
  // Line and column of byte `offset`; an offset past the text counts as its end.
  LineCol Locate(uint32_t offset) const;

  // The offset of 1-based `line`'s first byte (0 for a line not in the table).
  uint32_t Start(uint32_t line) const {
    return line == 0 || line > starts_.size() ? 0 : starts_[line - 1];
  }

  // The text of 1-based `line` without its line break; empty for a line not in the table.
  std::string_view LineText(uint32_t line) const;

  // The bytes [begin, end) of the text (clamped to it), cut at each line break: one piece per
  // line they touch, without the '\n' (a range ending just after one ends with an empty piece).
  std::vector<std::string_view> Pieces(uint32_t begin, uint32_t end) const;

 private:
  std::span<const uint32_t> starts_;
  std::string_view text_;
};

}  // namespace warrant
