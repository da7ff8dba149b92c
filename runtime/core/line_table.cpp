#include "runtime/core/line_table.h"

#include <algorithm>

namespace warrant {

std::vector<uint32_t> LineStarts(std::string_view text) {
  std::vector<uint32_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n')
      starts.push_back(static_cast<uint32_t>(i + 1));
  }
  return starts;
}

bool ValidLineStarts(std::span<const uint32_t> starts, size_t text_size) {
  if (starts.empty() || starts[0] != 0)
    return false;
  for (size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] <= starts[i - 1] || starts[i] > text_size)
      return false;
  }
  return true;
}

uint32_t LineTable::Line(uint32_t offset) const {
  return static_cast<uint32_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) -
                               starts_.begin());
}

LineCol LineTable::Locate(uint32_t offset) const {
  const size_t end = std::min<size_t>(offset, text_.size());
  const uint32_t line = Line(static_cast<uint32_t>(end));
  if (line == 0)
    return LineCol{};
  uint32_t column = 1;
  for (size_t i = starts_[line - 1]; i < end; ++i) {
    // Count code points: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80)
      ++column;
  }
  return LineCol{line, column};
}

std::string_view LineTable::LineText(uint32_t line) const {
  if (line == 0 || line > starts_.size())
    return {};
  const size_t begin = std::min<size_t>(starts_[line - 1], text_.size());
  const size_t end =
      line < starts_.size() ? std::min<size_t>(starts_[line], text_.size()) : text_.size();
  std::string_view view = text_.substr(begin, end - begin);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r'))
    view.remove_suffix(1);
  return view;
}

std::vector<std::string_view> LineTable::Pieces(uint32_t begin, uint32_t end) const {
  const auto size = static_cast<uint32_t>(text_.size());
  begin = std::min(begin, size);
  end = std::max(begin, std::min(end, size));
  std::vector<std::string_view> pieces;
  uint32_t line = Line(begin);
  for (uint32_t from = begin;; ++line) {
    // Line `line + 1` starts just after the break that ends this one.
    const uint32_t next = line != 0 && line < starts_.size() ? starts_[line] : UINT32_MAX;
    if (next == UINT32_MAX || next > end || next <= from) {
      pieces.push_back(text_.substr(from, end - from));
      return pieces;
    }
    pieces.push_back(text_.substr(from, next - 1 - from));
    from = next;
  }
}

}  // namespace warrant
