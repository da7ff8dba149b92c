// `warrant report --json`: every kept row of every table, for programs and checks.
#include <fmt/format.h>

#include "compiler/driver/report_render.h"
#include "runtime/core/text.h"

namespace warrant::driver {

void WriteReportJson(const ReportData& data, std::string& out) {
  out += "{\"input\":";
  AppendJsonString(out, data.input);
  out += fmt::format(",\"lines\":{},\"claims\":{},\"error_records\":{}", data.lines, data.claims,
                     data.errors);
  out += ",\"error_codes\":{";
  bool first = true;
  for (const auto& [code, count] : data.error_codes) {
    out += first ? "" : ",";
    first = false;
    AppendJsonString(out, code);
    out += fmt::format(":{}", count);
  }
  out += fmt::format("}},\"malformed\":{{\"count\":{},\"first\":[", data.malformed);
  for (size_t i = 0; i < data.malformed_lines.size(); ++i) {
    out += fmt::format("{}{{\"input_line\":{},\"problem\":", i ? "," : "", data.malformed_lines[i]);
    AppendJsonString(out, data.malformed_problems[i]);
    out += '}';
  }
  out += "]}";
  if (!data.claims_input.empty()) {
    out += ",\"claims_input\":";
    AppendJsonString(out, data.claims_input);
    out += ",\"claims_problem\":";
    AppendJsonString(out, data.join_problem);
  }
  out += fmt::format(",\"max_keys\":{},\"tables\":{{", ReportData::kMaxKeys);
  for (size_t t = 0; t < kReportTableCount; ++t) {
    const ReportTableInfo& info = TableInfo(static_cast<ReportTable>(t));
    out += fmt::format("{}\"{}\":[", t ? "," : "", info.json);
    const std::vector<TallyRow> rows = data.tables[t].Rows();
    for (size_t i = 0; i < rows.size(); ++i) {
      const TallyRow& row = rows[i];
      out += i ? ",{\"key\":" : "{\"key\":";
      AppendJsonString(out, row.key);
      out += fmt::format(",\"lines\":{},\"percent\":{},\"decisions\":{{", row.lines,
                         Percent(row.lines, data.lines));
      bool any = false;
      for (Decision d : ReportOrder()) {
        const uint64_t n = row.by_decision[static_cast<size_t>(d)];
        if (n == 0)
          continue;
        out += fmt::format("{}\"{}\":{}", any ? "," : "", DecisionName(d), n);
        any = true;
      }
      out += "}}";
    }
    out += ']';
  }
  out += '}';
  if (!data.policies.empty()) {
    out += ",\"policies\":{";
    first = true;
    for (const auto& [id, note] : data.policies) {
      out += first ? "" : ",";
      first = false;
      AppendJsonString(out, id);
      out += ":{\"title\":";
      AppendJsonString(out, note.title);
      out += ",\"source\":";
      AppendJsonString(out, note.source);
      out += ",\"versions\":[";
      for (size_t i = 0; i < note.versions.size(); ++i)
        out += fmt::format("{}{}", i ? "," : "", note.versions[i]);
      out += "]}";
    }
    out += '}';
  }
  out += "}\n";
}

}  // namespace warrant::driver
