// The aggregate `warrant report` computes over a run's decision records: totals, and per table
// (decision, policy, rule, reason, CARC, RARC, procedure code, service month, missing
// documentation) how many lines fall under each key, split by decision.
//
// Built one record at a time in bounded memory (tally.h caps each table's distinct keys), so a
// file of millions of decisions costs no more than one of thousands. Malformed lines are counted
// and the first few named by input line. Rendering is report_text.cpp, report_json.cpp and
// report_html.cpp; reading the file is report_command.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/decision_record.h"
#include "compiler/driver/tally.h"

namespace warrant::driver {

// The tables of a report, in the order every output lists them.
enum class ReportTable : uint8_t {
  Decision,
  Policy,
  Rule,
  Reason,
  Carc,
  Rarc,
  Code,
  ServiceMonth,
  MissingDocumentation,
};
inline constexpr size_t kReportTableCount = 9;

struct ReportTableInfo {
  std::string_view json;   // "missing_documentation": the member of --json's `tables`
  std::string_view title;  // "missing documentation": the heading of text and HTML
  std::string_view what;   // what a row counts, for the heading's note
};

const ReportTableInfo& TableInfo(ReportTable table);

// The rows text and HTML show of one table: at most `top` keys besides "(other)", all of them for
// the decision table (few, and all matter); what is cut is counted.
struct ShownRows {
  std::vector<const TallyRow*> rows;
  uint64_t rest_keys = 0, rest_lines = 0;
};

ShownRows TopRows(const std::vector<TallyRow>& rows, size_t top, ReportTable table);

// A policy as the pack describes it (with --pack): its latest version's title and citation.
struct PolicyNote {
  std::string title;
  std::string source;
  std::vector<int64_t> versions;
};

struct ReportData {
  static constexpr size_t kMaxKeys = 1000;       // distinct keys kept per table
  static constexpr size_t kMalformedNamed = 10;  // input lines of malformed records named

  ReportData();

  // Counts one input line (`input_line` is its 1-based number in the file). `service_date` is
  // the line's date of service from its claim (report --claims) when the record has none.
  void Add(const DecisionRecord& record, uint64_t input_line, std::string_view service_date = {});

  std::string input;    // the file's name as given ("<stdin>")
  uint64_t lines = 0;   // decision records: claim lines decided
  uint64_t claims = 0;  // claims decided (records of line 1)
  uint64_t errors = 0;  // error records: claims the run refused
  uint64_t malformed = 0;
  std::vector<uint64_t> malformed_lines;  // the first kMalformedNamed
  std::vector<std::string> malformed_problems;
  std::map<std::string, uint64_t, std::less<>> error_codes;  // R07xx -> records (a short list)
  uint64_t lines_with_service_date = 0;
  std::string claims_input;   // report --claims: the claims file the dates come from
  std::string join_problem;   // why the claims stopped matching the decisions, if they did
  std::vector<Tally> tables;  // indexed by ReportTable
  std::map<std::string, PolicyNote, std::less<>> policies;  // with --pack only

  const Tally& table(ReportTable t) const { return tables[static_cast<size_t>(t)]; }

 private:
  LineKeys seen_;
};

// "12.3": `part` of `whole` in percent with one decimal ("0.0" when `whole` is 0).
std::string Percent(uint64_t part, uint64_t whole);

// The decisions that occur in any row of `rows`, in ReportOrder(): the columns a table shows.
std::vector<Decision> DecisionColumns(const std::vector<TallyRow>& rows);

}  // namespace warrant::driver
