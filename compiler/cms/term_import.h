// Importers: CMS code files -> CodeSystemVersion (runtime/terminology/terminology.h).
//
// Each importer reads one file's text (or the file at a path), checks every line, and returns
// the versions it holds or the malformed lines by number; bad input never crashes or throws.
// The version records the SHA-256 of the exact bytes read, so a pack can pin what it was built
// with. Layouts are the CMS ones described in shared/data/README.md. Importers do not merge
// versions into a Terminology or write .wterm files (terminology_serialize.h does that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/date.h"
#include "runtime/terminology/terminology.h"

namespace warrant {

struct ImportError {
  uint32_t line = 0;  // 1-based; 0 for the file as a whole (unreadable, empty)
  std::string message;
};

struct ImportResult {
  std::string source;                       // the path, or "<text>"
  std::vector<CodeSystemVersion> versions;  // empty unless ok()
  std::vector<ImportError> errors;          // the first kMaxImportErrors found
  size_t error_count = 0;                   // all of them
  // Well-formed rows left out because runtime/core/code.h cannot represent their code (FY2026 added
  // the category QA0, whose second character is a letter). Capped and counted like errors.
  std::vector<ImportError> warnings;
  size_t warning_count = 0;
  size_t skipped = 0;  // HCPCS codes left out on purpose: terminated before the year began

  bool ok() const { return error_count == 0; }

  // "source:line: message" per kept error, one a line, then "... and N more errors".
  std::string ErrorText() const;
  std::string WarningText() const;
};

inline constexpr size_t kMaxImportErrors = 20;

// The CMS "Code Descriptions in Tabular Order" file (icd10cm_order_YYYY.txt), fixed width:
// cols 1-5 order number, 7-13 the code without its dot, 15 `1` billable / `0` header, 17-76
// the short title, 78- the long title. One version, "icd10cm FY<fiscal_year>", in force from
// Oct 1 of the year before to Sep 30. A row that stops before the long title, or a file whose
// last row has no line break, was cut short: an error, not a shorter code list. (The same holds
// for the HCPCS file below.)
ImportResult ImportIcd10cmOrder(std::string_view text, int32_t fiscal_year);
ImportResult ImportIcd10cmOrderFile(const std::string& path, int32_t fiscal_year);

// The CMS alpha-numeric HCPCS Level II file (HCPCyyyy_CONTR_ANWEB.txt), fixed width: cols 1-5
// the code (modifiers right-aligned: `   KX`), 6-10 sequence number, 11 record id (3 code, 4 its
// continuation, 7 modifier, 8 its continuation), 92-119 short description, 285-292 termination
// date. Gives "hcpcs <year>" and "modifier <year>", in force Jan 1 .. Dec 31 of `year`. Codes
// terminated before Jan 1 (the file keeps them a year for reference) are skipped and counted.
// Lines before the first record are the file's disclaimer and are ignored.
ImportResult ImportHcpcsAnweb(std::string_view text, int32_t year);
ImportResult ImportHcpcsAnwebFile(const std::string& path, int32_t year);

// A place-of-service CSV: a header row, then `code,name` rows (RFC 4180 quoting, one line per
// row, extra columns ignored). The list is not dated, so the version is open-ended by default.
ImportResult ImportPos(std::string_view csv, std::string name = "pos", Day from = kMinDay,
                       Day until = kMaxDay);
ImportResult ImportPosFile(const std::string& path, std::string name = "pos", Day from = kMinDay,
                           Day until = kMaxDay);

}  // namespace warrant
