// Reading the CSV files that `codeset ... = load` and `table ... = load` name.
//
// The first non-blank line names the columns; quoted cells may hold commas and doubled quotes;
// a UTF-8 byte-order mark and CRLF line ends are accepted; cells are trimmed. Used by the checker
// (to validate) and the code generator (to freeze the contents into the pack).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace warrant::frontend {

struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<uint32_t> row_lines;  // 1-based line number of each row
};

// Limits on one loaded file (E0317): a regular file of at most kMaxCsvBytes with at most
// kMaxCsvRows rows. Values and reasons: docs/limits.md.
inline constexpr size_t kMaxCsvBytes = size_t{64} << 20;
inline constexpr size_t kMaxCsvRows = 1'000'000;

// False with `why` set when the file cannot be read, is over a limit or has no header line.
bool ReadCsv(const std::filesystem::path& path, CsvFile& out, std::string& why);

}  // namespace warrant::frontend
