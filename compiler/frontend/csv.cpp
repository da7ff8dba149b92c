#include "compiler/frontend/csv.h"

#include <cctype>
#include <fstream>

#include <fmt/core.h>

namespace warrant::frontend {
namespace {

std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(cell);
  for (std::string& s : cells) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
      s.pop_back();
    size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start])))
      ++start;
    s.erase(0, start);
  }
  return cells;
}

}  // namespace

bool ReadCsv(const std::filesystem::path& path, CsvFile& out, std::string& why) {
  // Only regular files: a FIFO or a device (a link to /dev/zero) would block or never end.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    why = "it is not a regular file";
    return false;
  }
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxCsvBytes) {
    why = fmt::format("the file is larger than the limit of {} MiB", kMaxCsvBytes >> 20);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "it cannot be read";
    return false;
  }
  std::string line;
  uint32_t number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.erase(0, 3);  // a byte-order mark, as spreadsheet exports write
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    std::vector<std::string> cells = SplitCsv(line);
    if (!have_header) {
      out.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (out.rows.size() == kMaxCsvRows) {
      why = fmt::format("it has more than the limit of {} rows", kMaxCsvRows);
      return false;
    }
    out.rows.push_back(std::move(cells));
    out.row_lines.push_back(number);
  }
  if (!have_header) {
    why = "the file is empty";
    return false;
  }
  return true;
}

}  // namespace warrant::frontend
