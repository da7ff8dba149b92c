// `warrant report` as aligned text for the terminal.
#include <fmt/format.h>

#include "compiler/driver/report_render.h"
#include "compiler/driver/text_table.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

// A key as the terminal shows it: escaped, and a long message cut.
std::string KeyText(const std::string& key) {
  return TerminalText(key, {.max = 72});
}

std::string DecisionSummary(const ReportData& data) {
  const std::vector<TallyRow> rows = data.table(ReportTable::Decision).Rows();
  std::string text;
  for (Decision d : ReportOrder()) {
    for (const TallyRow& row : rows) {
      if (row.key == DecisionName(d)) {
        text += fmt::format("{}{} {} ({}%)", text.empty() ? "" : ", ", row.lines, row.key,
                            Percent(row.lines, data.lines));
      }
    }
  }
  return text;
}

void WriteTable(const ReportData& data, ReportTable table, size_t top, std::string& out) {
  const ReportTableInfo& info = TableInfo(table);
  const Tally& tally = data.table(table);
  if (table == ReportTable::ServiceMonth && !data.join_problem.empty()) {
    out += fmt::format("\n{}: the dates of `{}` stop: {}\n", info.title,
                       TerminalText(data.claims_input), TerminalText(data.join_problem));
  }
  if (table == ReportTable::ServiceMonth && data.lines_with_service_date == 0) {
    out += fmt::format("\n{}: no dates of service ({})\n", info.title,
                       data.claims_input.empty() ? "decision records carry none; --claims reads "
                                                   "them from the claims"
                                                 : "none in the claims");
    return;
  }
  const std::vector<TallyRow> rows = tally.Rows();
  if (rows.empty()) {
    out += fmt::format("\n{}: none\n", info.title);
    return;
  }
  out += fmt::format("\n{} ({})\n", info.title, info.what);
  const bool split = table != ReportTable::Decision;
  const std::vector<Decision> columns = split ? DecisionColumns(rows) : std::vector<Decision>{};
  TextTable t;
  std::vector<std::string> head = {"", "lines", "%"};
  for (Decision d : columns)
    head.emplace_back(DecisionName(d));
  t.Row(std::move(head));
  const ShownRows shown = TopRows(rows, top, table);
  const uint64_t rest_lines = shown.rest_lines, rest_keys = shown.rest_keys;
  for (const TallyRow* row : shown.rows) {
    std::vector<std::string> cells = {KeyText(row->key), std::to_string(row->lines),
                                      Percent(row->lines, data.lines)};
    for (Decision d : columns)
      cells.push_back(std::to_string(row->by_decision[static_cast<size_t>(d)]));
    t.Row(std::move(cells));
  }
  t.Write(out);
  if (rest_keys) {
    out += fmt::format("  ... {} more {} ({} line{}; --top shows more)\n", rest_keys,
                       rest_keys == 1 ? "key" : "keys", rest_lines, rest_lines == 1 ? "" : "s");
  }
  if (tally.other_lines()) {
    out += fmt::format("  (other): keys beyond the first {} distinct ones\n", ReportData::kMaxKeys);
  }
  if (table == ReportTable::Policy && !data.policies.empty()) {
    size_t listed = 0;
    for (const TallyRow& row : rows) {
      if (listed++ == top)
        break;
      auto it = data.policies.find(row.key);
      if (it == data.policies.end())
        continue;
      out += fmt::format("  {}: {}\n", KeyText(row.key), TerminalText(it->second.title));
      if (!it->second.source.empty())
        out += fmt::format("    {}\n", TerminalText(it->second.source));
    }
  }
}

}  // namespace

void WriteReportText(const ReportData& data, size_t top, std::string& out) {
  out += fmt::format("warrant report: {}\n", TerminalText(data.input));
  out += fmt::format("{} line{} of {} claim{}", data.lines, data.lines == 1 ? "" : "s", data.claims,
                     data.claims == 1 ? "" : "s");
  out += data.lines ? fmt::format(": {}\n", DecisionSummary(data)) : "\n";
  out +=
      fmt::format("{} error record{} (claims refused)", data.errors, data.errors == 1 ? "" : "s");
  std::string codes;
  for (const auto& [code, count] : data.error_codes)
    codes += fmt::format("{}{} {}", codes.empty() ? "" : ", ", TerminalText(code), count);
  out += codes.empty() ? "\n" : fmt::format(": {}\n", codes);
  out += fmt::format("{} malformed line{}", data.malformed, data.malformed == 1 ? "" : "s");
  if (data.malformed) {
    out += fmt::format(
        " (not decision records; {}):\n",
        data.malformed > data.malformed_lines.size() ? "the first listed" : "each listed");
    for (size_t i = 0; i < data.malformed_lines.size(); ++i) {
      out += fmt::format("  input line {}: {}\n", data.malformed_lines[i],
                         TerminalText(data.malformed_problems[i]));
    }
  } else {
    out += '\n';
  }
  for (size_t t = 0; t < kReportTableCount; ++t)
    WriteTable(data, static_cast<ReportTable>(t), top, out);
}

}  // namespace warrant::driver
