#include "compiler/frontend/csv.h"

#include <fstream>

#include <fmt/core.h>

namespace warrant::frontend {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

// Walks the text once, keeping the line and column (in characters) of the current byte.
class Parser {
 public:
  Parser(std::string_view text, CsvFile& out, std::string& why)
      : text_(text), out_(out), why_(why) {}

  bool Run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF")
      pos_ = 3;  // a byte-order mark, as spreadsheet exports write
    std::vector<std::string> record;
    while (pos_ < text_.size()) {
      const uint32_t first_line = line_;
      record.clear();
      bool blank = true;  // one unquoted cell of nothing but spaces
      for (;;) {
        bool quoted = false;
        std::string cell;
        if (!Cell(cell, quoted))
          return false;
        blank = blank && !quoted && cell.empty();
        record.push_back(std::move(cell));
        if (pos_ < text_.size() && text_[pos_] == ',') {
          blank = false;
          Advance();
          continue;
        }
        EndOfLine();
        break;
      }
      if (blank && record.size() == 1)
        continue;
      if (!have_header_) {
        out_.header = std::move(record);
        have_header_ = true;
        continue;
      }
      if (out_.rows.size() == kMaxCsvRows) {
        why_ = fmt::format("it has more than the limit of {} rows", kMaxCsvRows);
        return false;
      }
      out_.rows.push_back(std::move(record));
      out_.row_lines.push_back(first_line);
    }
    if (!have_header_) {
      why_ = "the file is empty";
      return false;
    }
    return true;
  }

 private:
  // One cell, up to (not including) the comma or line break after it.
  bool Cell(std::string& cell, bool& quoted) {
    while (pos_ < text_.size() && IsSpace(text_[pos_]))
      Advance();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      quoted = true;
      const uint32_t open_line = line_, open_column = column_;
      Advance();
      for (;;) {
        if (pos_ >= text_.size()) {
          return Fail(open_line, open_column,
                      "the quoted cell that starts here is never closed (a quote inside a cell "
                      "is written twice: \"\")");
        }
        const char c = text_[pos_];
        if (c == '"') {
          Advance();
          if (pos_ < text_.size() && text_[pos_] == '"') {
            cell += '"';
            Advance();
            continue;
          }
          break;
        }
        if (c == '\r' || c == '\n') {
          // A line break inside quotes is part of the cell, as written.
          const size_t start = pos_;
          EndOfLine();
          cell.append(text_.substr(start, pos_ - start));
          continue;
        }
        cell += c;
        Advance();
      }
      while (pos_ < text_.size() && IsSpace(text_[pos_]))
        Advance();
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
        return Fail(line_, column_,
                    fmt::format("`{}` after the closing quote of a quoted cell (a quote inside a "
                                "cell is written twice: \"\")",
                                Shown()));
      }
      return true;
    }
    const size_t begin = pos_;
    size_t end = pos_;  // past the last character that is not a space
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' &&
           text_[pos_] != '\n') {
      if (text_[pos_] == '"') {
        return Fail(line_, column_,
                    "a quote inside a cell that does not start with one (quote the whole cell "
                    "and write the quote twice: \"5\"\" tube\")");
      }
      if (!IsSpace(text_[pos_]))
        end = pos_ + 1;
      Advance();
    }
    cell.assign(text_.substr(begin, end > begin ? end - begin : 0));
    return true;
  }

  // Steps over the line break at pos_ (CRLF, LF or CR), if there is one.
  void EndOfLine() {
    if (pos_ >= text_.size())
      return;
    if (text_[pos_] == '\r' && Peek(1) == '\n')
      ++pos_;
    if (text_[pos_] == '\r' || text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      column_ = 1;
    }
  }

  void Advance() {
    // Columns count characters: UTF-8 continuation bytes do not start one.
    if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80)
      ++column_;
    ++pos_;
  }

  char Peek(size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }

  // The character at pos_, as it can be quoted in a message.
  std::string Shown() const {
    const auto u = static_cast<unsigned char>(text_[pos_]);
    if (u < 0x20 || u == 0x7F)
      return fmt::format("\\x{:02x}", u);
    size_t length = 1;
    while (pos_ + length < text_.size() &&
           (static_cast<unsigned char>(text_[pos_ + length]) & 0xC0) == 0x80)
      ++length;
    return std::string(text_.substr(pos_, length));
  }

  bool Fail(uint32_t line, uint32_t column, std::string_view what) {
    why_ = fmt::format("line {}, column {}: {}", line, column, what);
    return false;
  }

  std::string_view text_;
  CsvFile& out_;
  std::string& why_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;  // of the character at pos_
  bool have_header_ = false;
};

}  // namespace

bool ParseCsv(std::string_view text, CsvFile& out, std::string& why) {
  out = CsvFile();
  return Parser(text, out, why).Run();
}

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
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || static_cast<uintmax_t>(in.gcount()) != size) {
    why = "it cannot be read";
    return false;
  }
  return ParseCsv(text, out, why);
}

}  // namespace warrant::frontend
