// Aligned columns for the terminal views.
#include "compiler/driver/text_table.h"

#include <algorithm>

namespace warrant::driver {

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (const char c : text)
    width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

void TextTable::Write(std::string& out, size_t indent) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size())
      widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line(indent, ' ');
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t pad = widths[i] - DisplayWidth(row[i]);
      if (i > 0)
        line += "  ";
      if (i < 32 && (left_ >> i & 1)) {
        line += row[i];
        line.append(pad, ' ');
      } else {
        line.append(pad, ' ');
        line += row[i];
      }
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line;
    out += '\n';
  }
}

}  // namespace warrant::driver
