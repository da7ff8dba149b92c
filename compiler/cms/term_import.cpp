#include "compiler/cms/term_import.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/core.h>

#include "runtime/core/sha256.h"
#include "runtime/core/text.h"

namespace warrant {
namespace {

// Far above any CMS file (the ICD-10-CM order file is 15 MB) and below what 32-bit title
// offsets can address.
constexpr size_t kMaxInputBytes = size_t{1} << 30;

// ---- Text helpers ---------------------------------------------------------------------------

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimRight(s);
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  return s;
}

// Columns [first, first + count) of a fixed-width line, 0-based, clipped to the line.
std::string_view Columns(std::string_view line, size_t first, size_t count) {
  return first >= line.size() ? std::string_view() : line.substr(first, count);
}

// The text as it can be shown between backticks in a message.
std::string Shown(std::string_view text) {
  return TerminalText(text, {.ascii = true});
}

// Splits text into lines on '\n', dropping a '\r' before it (the CMS files are CRLF).
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}

  bool Next(std::string_view& line) {
    if (rest_.empty())
      return false;
    const size_t end = rest_.find('\n');
    line = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    ++number_;
    return true;
  }

  uint32_t number() const { return number_; }

 private:
  std::string_view rest_;
  uint32_t number_ = 0;
};

void Report(ImportResult& result, uint32_t line, std::string message);

// The CMS fixed-width files end every row, the last one too, with a line break. A file that
// ends without one was cut short (a partial download or extraction): its last row may look whole,
// and the codes after the cut would silently be missing.
void CheckEndsWithLineBreak(std::string_view text, uint32_t last_line, ImportResult& result) {
  if (!text.empty() && text.back() != '\n') {
    Report(result, last_line,
           "the file ends in the middle of this row, without a line break: it was cut short "
           "(download or extract it again)");
  }
}

void Report(ImportResult& result, uint32_t line, std::string message) {
  ++result.error_count;
  if (result.errors.size() < kMaxImportErrors)
    result.errors.push_back({line, std::move(message)});
}

void Warn(ImportResult& result, uint32_t line, std::string message) {
  ++result.warning_count;
  if (result.warnings.size() < kMaxImportErrors)
    result.warnings.push_back({line, std::move(message)});
}

std::string Listing(std::string_view source, const std::vector<ImportError>& list, size_t count,
                    std::string_view noun) {
  std::string out;
  for (const ImportError& e : list) {
    if (e.line == 0) {
      out += fmt::format("{}: {}\n", source, e.message);
    } else {
      out += fmt::format("{}:{}: {}\n", source, e.line, e.message);
    }
  }
  if (count > list.size())
    out += fmt::format("{}: ... and {} more {}\n", source, count - list.size(), noun);
  return out;
}

// False (and a whole-file error) for input no importer should read.
bool CheckSize(std::string_view text, ImportResult& result) {
  if (text.size() > kMaxInputBytes) {
    Report(result, 0,
           fmt::format("the input has {} bytes, more than the {} an importer reads", text.size(),
                       kMaxInputBytes));
    return false;
  }
  return true;
}

bool ReadFile(const std::string& path, std::string& out, ImportResult& result) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    Report(result, 0, fmt::format("cannot open: {}", std::strerror(errno)));
    return false;
  }
  char buffer[1 << 16];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    out.append(buffer, got);
    if (out.size() > kMaxInputBytes)
      break;  // CheckSize reports it
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed)
    Report(result, 0, "read error");
  return !failed;
}

ImportResult FromFile(const std::string& path, const auto& import) {
  std::string text;
  ImportResult failed;
  if (!ReadFile(path, text, failed)) {
    failed.source = path;
    return failed;
  }
  ImportResult result = import(std::string_view(text));
  result.source = path;
  return result;
}

// ---- Building a version ---------------------------------------------------------------------

// Collects codes in file order; Finish sorts them into a CodeSystemVersion. The files are in
// tabular order, which is not always code order (C4A sits between C43 and C44).
class VersionBuilder {
 public:
  // Latin-1 titles (the CMS fixed-width files) are stored as UTF-8; UTF-8 ones are copied.
  enum class Encoding : uint8_t { Latin1, Utf8 };

  explicit VersionBuilder(CodeSystem system) : system_(system) {}

  // False (and nothing added) when the title holds a control character.
  bool Add(uint64_t packed, bool billable, std::string_view title, uint32_t line,
           Encoding encoding) {
    const size_t begin = arena_.size();
    const bool plain =
        std::all_of(title.begin(), title.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (plain) {  // the usual case: printable ASCII, copied whole
      arena_.append(title);
      entries_.push_back({packed, begin, title.size(), line, billable});
      return true;
    }
    for (char c : title) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) {
        arena_.resize(begin);
        return false;
      }
      if (byte >= 0x80 && encoding == Encoding::Latin1) {
        arena_ += static_cast<char>(0xC0 | (byte >> 6));
        arena_ += static_cast<char>(0x80 | (byte & 0x3F));
      } else {
        arena_ += c;
      }
    }
    entries_.push_back({packed, begin, arena_.size() - begin, line, billable});
    return true;
  }

  size_t size() const { return entries_.size(); }

  // Reports duplicate codes by line; the version is meaningful only if `result` stays ok.
  CodeSystemVersion Finish(std::string name, Day from, Day until,
                           const std::array<uint8_t, 32>& sha256, ImportResult& result) {
    // Stable, so of two equal codes the first in the file comes first.
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.packed < b.packed; });
    CodeSystemVersion v;
    v.system = system_;
    v.name = std::move(name);
    v.from = from;
    v.until = until;
    v.source_sha256 = sha256;
    v.codes.reserve(entries_.size());
    v.billable.reserve(entries_.size());
    v.title_offsets.reserve(entries_.size() + 1);
    v.titles.reserve(arena_.size());
    v.title_offsets.push_back(0);
    for (size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      if (i > 0 && e.packed == entries_[i - 1].packed) {
        Report(result, e.line,
               fmt::format("duplicate code {} (first on line {})", Unpack(e.packed)->view(),
                           entries_[i - 1].line));
        continue;
      }
      v.codes.push_back(e.packed);
      v.billable.push_back(e.billable ? 1 : 0);
      v.titles.append(arena_, e.title_begin, e.title_size);
      v.title_offsets.push_back(static_cast<uint32_t>(v.titles.size()));
    }
    if (v.codes.empty() && result.ok()) {
      Report(result, 0, fmt::format("no {}s found", SystemNoun(system_)));
    }
    if (result.ok()) {
      if (std::optional<std::string> error = CheckVersion(v))
        Report(result, 0, *error);
    }
    return v;
  }

 private:
  struct Entry {
    uint64_t packed;
    size_t title_begin;
    size_t title_size;
    uint32_t line;
    bool billable;
  };

  CodeSystem system_;
  std::vector<Entry> entries_;
  std::string arena_;  // titles in file order, converted
};

// Packs the text of a field, or reports why it is not a code.
std::optional<uint64_t> PackField(CodeSystem system, std::string_view text, std::string_view where,
                                  uint32_t line, ImportResult& result) {
  if (std::optional<uint64_t> packed = Pack(system, text))
    return packed;
  Report(result, line, fmt::format("{}: {}", where, *Validate(system, text)));
  return std::nullopt;
}

// ---- ICD-10-CM order file -------------------------------------------------------------------

// Through the first character of the long title (column 78): every CMS row has one, so a row
// that stops before it was cut or damaged.
constexpr size_t kIcdMinLine = 78;

void ParseIcdLine(std::string_view line, uint32_t number, VersionBuilder& builder,
                  ImportResult& result) {
  if (line.size() < kIcdMinLine) {
    Report(result, number,
           fmt::format("{} characters, too short for an order-file row (order number, code, "
                       "billable flag, short title in columns 17-76, long title from column 78): "
                       "was the file cut short?",
                       line.size()));
    return;
  }
  const std::string_view order = Columns(line, 0, 5);
  if (!AllDigits(order)) {
    Report(result, number,
           fmt::format("columns 1-5: expected the order number, found `{}`", Shown(order)));
    return;
  }
  if (line[5] != ' ' || line[13] != ' ' || line[15] != ' ' || line[76] != ' ') {
    Report(result, number, "columns 6, 14, 16 and 77 must be blank (is this an order file?)");
    return;
  }
  const std::string_view code = TrimRight(Columns(line, 6, 7));
  // FY2026 added QA0 (neurodevelopmental disorders): a letter second, which runtime/core/code.h
  // does not accept yet. The row is well formed, so it is left out with a warning rather than
  // failing the whole file.
  if (code.size() >= 3 && Normalize(CodeSystem::Icd10cm, code).error == CodeError::ExpectedDigit) {
    Warn(result, number,
         fmt::format("code {} left out: a letter in the second position cannot be packed yet "
                     "(runtime/core/code.h)",
                     Shown(code)));
    return;
  }
  const std::optional<uint64_t> packed =
      PackField(CodeSystem::Icd10cm, code, "columns 7-13", number, result);
  if (!packed)
    return;
  const char flag = line[14];
  if (flag != '0' && flag != '1') {
    Report(result, number,
           fmt::format("column 15: expected the billable flag 1 or 0, found `{}`",
                       Shown(std::string_view(&flag, 1))));
    return;
  }
  const std::string_view title = TrimRight(Columns(line, 16, 60));
  if (title.empty()) {
    Report(result, number, "columns 17-76: the short title is empty");
    return;
  }
  if (!builder.Add(*packed, flag == '1', title, number, VersionBuilder::Encoding::Latin1)) {
    Report(result, number, "columns 17-76: the short title holds a control character");
  }
}

// ---- HCPCS alpha-numeric file ---------------------------------------------------------------

constexpr size_t kHcpcsMinFirstLine = 292;  // through the termination date

bool IsHcpcsRecord(std::string_view line) {
  if (line.size() < 11 || !AllDigits(line.substr(5, 5)))
    return false;
  const char id = line[10];
  return id == '3' || id == '4' || id == '7' || id == '8';
}

// The termination date field, YYYYMMDD or blank (`day` stays nullopt); false if malformed.
bool ParseTermDate(std::string_view field, std::optional<Day>& day) {
  day.reset();
  if (IsBlank(field))
    return true;
  if (field.size() != 8 || !AllDigits(field))
    return false;
  const std::string iso =
      fmt::format("{}-{}-{}", field.substr(0, 4), field.substr(4, 2), field.substr(6, 2));
  day = ParseDate(iso);
  return day.has_value();
}

struct HcpcsState {
  bool seen_record = false;
  std::string_view open_code;  // cols 1-5 of the last first line
  char open_id = 0;            // its record id ('3' or '7'), 0 before any
};

void ParseHcpcsLine(std::string_view line, uint32_t number, Day year_start, HcpcsState& state,
                    VersionBuilder& codes, VersionBuilder& modifiers, ImportResult& result) {
  if (IsBlank(line))
    return;
  if (!IsHcpcsRecord(line)) {
    // The file opens with a free-text disclaimer; after the first record, everything is one.
    if (state.seen_record) {
      Report(result, number,
             "not a HCPCS record: expected a code in columns 1-5, a sequence number in 6-10 and a "
             "record id 3, 4, 7 or 8 in column 11");
    }
    return;
  }
  state.seen_record = true;
  const std::string_view code_field = line.substr(0, 5);
  const char id = line[10];
  const bool modifier = id == '7' || id == '8';
  if (id == '4' || id == '8') {
    // A continuation of the long description; the short one is on the first line.
    if (state.open_id != (modifier ? '7' : '3') || state.open_code != code_field) {
      Report(result, number,
             fmt::format("continuation line for `{}` does not follow its first line",
                         Shown(code_field)));
    }
    return;
  }
  state.open_code = code_field;
  state.open_id = id;
  if (line.size() < kHcpcsMinFirstLine) {
    Report(result, number,
           fmt::format("{} characters; a record's first line has at least {} (through the "
                       "termination date in columns 285-292)",
                       line.size(), kHcpcsMinFirstLine));
    return;
  }
  std::optional<uint64_t> packed;
  if (modifier) {
    if (!IsBlank(code_field.substr(0, 3))) {
      Report(result, number,
             fmt::format("columns 1-5: a modifier is right-aligned (`   KX`), found `{}`",
                         Shown(code_field)));
      return;
    }
    packed = PackField(CodeSystem::Modifier, code_field.substr(3), "columns 4-5", number, result);
  } else {
    packed = PackField(CodeSystem::Hcpcs, code_field, "columns 1-5", number, result);
  }
  if (!packed)
    return;
  std::optional<Day> term;
  if (!ParseTermDate(line.substr(284, 8), term)) {
    Report(
        result, number,
        fmt::format("columns 285-292: expected a termination date YYYYMMDD or blanks, found `{}`",
                    Shown(line.substr(284, 8))));
    return;
  }
  if (term && *term < year_start) {
    ++result.skipped;
    return;
  }
  // The short description; a few records only have the long one.
  std::string_view title = TrimRight(Columns(line, 91, 28));
  if (title.empty())
    title = Trim(Columns(line, 11, 80));
  if (title.empty()) {
    Report(result, number, "columns 12-119: the record has no description");
    return;
  }
  VersionBuilder& builder = modifier ? modifiers : codes;
  if (!builder.Add(*packed, true, title, number, VersionBuilder::Encoding::Latin1)) {
    Report(result, number, "columns 92-119: the short description holds a control character");
  }
}

// ---- POS CSV --------------------------------------------------------------------------------

// Splits one CSV row (RFC 4180 quoting, one line per row) into fields, keeping the first two and
// counting all; false for a malformed quoted field. Unquoted fields are taken verbatim.
bool SplitRow(std::string_view row, std::array<std::string, 2>& kept, size_t& fields) {
  kept[0].clear();
  kept[1].clear();
  fields = 0;
  size_t at = 0;
  while (true) {
    std::string* field = fields < kept.size() ? &kept[fields] : nullptr;
    ++fields;
    if (at < row.size() && row[at] == '"') {
      ++at;
      while (true) {
        if (at >= row.size())
          return false;  // unterminated
        const char c = row[at++];
        if (c == '"') {
          if (at >= row.size() || row[at] != '"')
            break;
          ++at;  // "" is one quote
        }
        if (field != nullptr)
          *field += c;
      }
      if (at == row.size())
        return true;
      if (row[at] != ',')
        return false;  // text after the closing quote
      ++at;
    } else {
      const size_t comma = row.find(',', at);
      if (field != nullptr)
        field->assign(row.substr(at, comma - at));  // npos - at: to the end
      if (comma == std::string_view::npos)
        return true;
      at = comma + 1;
    }
  }
}

}  // namespace

// ---- Public API -----------------------------------------------------------------------------

std::string ImportResult::ErrorText() const {
  return Listing(source, errors, error_count, "errors");
}

std::string ImportResult::WarningText() const {
  return Listing(source, warnings, warning_count, "warnings");
}

ImportResult ImportIcd10cmOrder(std::string_view text, int32_t fiscal_year) {
  ImportResult result;
  result.source = "<text>";
  if (!IsValidDate(fiscal_year - 1, 10, 1) || !IsValidDate(fiscal_year, 9, 30)) {
    Report(result, 0, fmt::format("fiscal year {} is out of range", fiscal_year));
    return result;
  }
  if (!CheckSize(text, result))
    return result;
  const std::array<uint8_t, 32> sha256 = Sha256(text);
  VersionBuilder builder(CodeSystem::Icd10cm);
  Lines lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (IsBlank(line))
      continue;
    ParseIcdLine(line, lines.number(), builder, result);
  }
  CheckEndsWithLineBreak(text, lines.number(), result);
  CodeSystemVersion version = builder.Finish(fmt::format("icd10cm FY{}", fiscal_year),
                                             DaysFromCivil({fiscal_year - 1, 10, 1}),
                                             DaysFromCivil({fiscal_year, 9, 30}), sha256, result);
  if (result.ok())
    result.versions.push_back(std::move(version));
  return result;
}

ImportResult ImportIcd10cmOrderFile(const std::string& path, int32_t fiscal_year) {
  return FromFile(path,
                  [&](std::string_view text) { return ImportIcd10cmOrder(text, fiscal_year); });
}

ImportResult ImportHcpcsAnweb(std::string_view text, int32_t year) {
  ImportResult result;
  result.source = "<text>";
  if (!IsValidDate(year, 1, 1)) {
    Report(result, 0, fmt::format("year {} is out of range", year));
    return result;
  }
  if (!CheckSize(text, result))
    return result;
  const std::array<uint8_t, 32> sha256 = Sha256(text);
  const Day from = DaysFromCivil({year, 1, 1});
  const Day until = DaysFromCivil({year, 12, 31});
  VersionBuilder codes(CodeSystem::Hcpcs);
  VersionBuilder modifiers(CodeSystem::Modifier);
  HcpcsState state;
  Lines lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    ParseHcpcsLine(line, lines.number(), from, state, codes, modifiers, result);
  }
  CheckEndsWithLineBreak(text, lines.number(), result);
  if (!state.seen_record) {
    Report(result, 0, "no HCPCS records found (is this the alpha-numeric ANWEB file?)");
    return result;
  }
  CodeSystemVersion hcpcs =
      codes.Finish(fmt::format("hcpcs {}", year), from, until, sha256, result);
  const bool any_modifiers = modifiers.size() > 0;
  CodeSystemVersion modifier;
  if (any_modifiers) {
    modifier = modifiers.Finish(fmt::format("modifier {}", year), from, until, sha256, result);
  }
  if (!result.ok())
    return result;
  result.versions.push_back(std::move(hcpcs));
  if (any_modifiers)
    result.versions.push_back(std::move(modifier));
  return result;
}

ImportResult ImportHcpcsAnwebFile(const std::string& path, int32_t year) {
  return FromFile(path, [&](std::string_view text) { return ImportHcpcsAnweb(text, year); });
}

ImportResult ImportPos(std::string_view csv, std::string name, Day from, Day until) {
  ImportResult result;
  result.source = "<text>";
  if (!CheckSize(csv, result))
    return result;
  const std::array<uint8_t, 32> sha256 = Sha256(csv);
  if (csv.substr(0, 3) == "\xEF\xBB\xBF")
    csv.remove_prefix(3);  // a spreadsheet's UTF-8 BOM
  VersionBuilder builder(CodeSystem::Pos);
  Lines lines(csv);
  std::string_view line;
  std::array<std::string, 2> row;  // code, name
  size_t fields = 0;
  bool first_row = true;
  while (lines.Next(line)) {
    if (IsBlank(line))
      continue;
    const uint32_t number = lines.number();
    if (!SplitRow(line, row, fields)) {
      Report(result, number,
             "malformed quoted field (unterminated, or text after the closing quote)");
      first_row = false;
      continue;
    }
    // The header names the columns; a first row that starts with a code is data.
    const bool header = first_row && !Pack(CodeSystem::Pos, Trim(row[0]));
    first_row = false;
    if (header)
      continue;
    if (fields < 2) {
      Report(result, number, "expected two columns, a place of service code and its name");
      continue;
    }
    const std::optional<uint64_t> packed =
        PackField(CodeSystem::Pos, Trim(row[0]), "column 1", number, result);
    if (!packed)
      continue;
    const std::string_view trimmed = Trim(row[1]);
    if (trimmed.empty()) {
      Report(result, number, "column 2: the name is empty");
      continue;
    }
    if (!builder.Add(*packed, true, trimmed, number, VersionBuilder::Encoding::Utf8)) {
      Report(result, number, "column 2: the name holds a control character");
    }
  }
  CodeSystemVersion version = builder.Finish(std::move(name), from, until, sha256, result);
  if (result.ok())
    result.versions.push_back(std::move(version));
  return result;
}

ImportResult ImportPosFile(const std::string& path, std::string name, Day from, Day until) {
  return FromFile(path, [&](std::string_view text) { return ImportPos(text, name, from, until); });
}

}  // namespace warrant
