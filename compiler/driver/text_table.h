// TextTable: rows of cells printed in aligned columns (the first left-aligned, the rest right),
// for the terminal views of `report` and `diff`. Widths count characters, not bytes, so a
// key with "—" lines up; cells are expected to be escaped for the terminal already.
#pragma once

#include <string>
#include <vector>

namespace warrant::driver {

class TextTable {
 public:
  void Row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  // Appends the rows, each indented by `indent` and ended by '\n', with two spaces between
  // columns and no trailing spaces.
  void Write(std::string& out, size_t indent = 2) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The number of characters (UTF-8 code points) of `text`.
size_t DisplayWidth(const std::string& text);

}  // namespace warrant::driver
