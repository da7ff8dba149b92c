// Reading the CSV files that `codeset ... = load` and `table ... = load` name.
//
// RFC 4180: records end at a line break (CRLF, LF or CR); a cell in double quotes may hold
// commas, line breaks and quotes written twice (`"5"" tube"`); outside quotes a cell may not hold
// a quote. Beyond the RFC: a UTF-8 byte-order mark is dropped, spaces and tabs around a cell are
// ignored (inside quotes they are kept), blank lines are skipped, and the last record may lack a
// line break. The first record names the columns. Malformed text (an unterminated quote, text
// after a closing quote, a quote inside an unquoted cell) is an error at its line and column. Used
// by the checker (to validate), the code generator (to freeze the contents into the pack) and
// the lints. This module does not know what the columns mean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace warrant::frontend {

struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<uint32_t> row_lines;  // 1-based line on which each row starts
};

// Limits on one loaded file (E0317): a regular file of at most kMaxCsvBytes with at most
// kMaxCsvRows rows. Values and reasons: docs/limits.md.
inline constexpr size_t kMaxCsvBytes = size_t{64} << 20;
inline constexpr size_t kMaxCsvRows = 1'000'000;

// Parses CSV text; false with `why` set ("line 3, column 8: ...") when it is malformed, over the
// row limit or has no header record.
bool ParseCsv(std::string_view text, CsvFile& out, std::string& why);

// Reads and parses a file; false with `why` set when it cannot be read, is over a limit, is
// malformed or has no header line.
bool ReadCsv(const std::filesystem::path& path, CsvFile& out, std::string& why);

}  // namespace warrant::frontend
