// TextTable: rows of cells printed in aligned columns (numbers right-aligned, text left),
// for the terminal views of `report` and `diff`. Widths count characters, not bytes, so a
// key with "—" lines up; cells are expected to be escaped for the terminal already.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace warrant::driver {

class TextTable {
 public:
  // `left`: a bit per column aligned left (bit 0, the first column, by default); the others
  // are aligned right, as numbers are.
  explicit TextTable(uint32_t left = 1) : left_(left) {}

  void Row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  // Appends the rows, each indented by `indent` and ended by '\n', with two spaces between
  // columns and no trailing spaces.
  void Write(std::string& out, size_t indent = 2) const;

 private:
  uint32_t left_;
  std::vector<std::vector<std::string>> rows_;
};

// The number of characters (UTF-8 code points) of `text`.
size_t DisplayWidth(const std::string& text);

}  // namespace warrant::driver
