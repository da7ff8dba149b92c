// `warrant report --html`: one self-contained page, a chart and a table per view.
#include <fmt/format.h>

#include "compiler/driver/report_render.h"
#include "compiler/driver/view_html.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

void WriteSection(const ReportData& data, ReportTable table, size_t top, std::string& out) {
  const ReportTableInfo& info = TableInfo(table);
  out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", info.json, XmlEscape(info.title));
  if (table == ReportTable::ServiceMonth && data.lines_with_service_date == 0) {
    out +=
        "<p class=\"note\">No dates of service: decision records carry none, and "
        "<code>--claims</code> reads them from the claims.</p>\n</section>\n";
    return;
  }
  if (table == ReportTable::ServiceMonth && !data.join_problem.empty()) {
    out += fmt::format("<p class=\"note\">The dates of <code>{}</code> stop: {}</p>\n",
                       XmlEscape(data.claims_input), XmlEscape(data.join_problem));
  }
  const std::vector<TallyRow> rows = data.table(table).Rows();
  if (rows.empty()) {
    out += "<p class=\"note\">None.</p>\n</section>\n";
    return;
  }
  out += fmt::format("<p class=\"note\">{}; bars split by the lines' decisions.</p>\n",
                     XmlEscape(info.what));
  std::vector<ChartBar> bars;
  const ShownRows shown = TopRows(rows, top, table);
  const std::vector<const TallyRow*>& listed = shown.rows;
  const uint64_t rest_keys = shown.rest_keys, rest_lines = shown.rest_lines;
  for (const TallyRow* row : listed) {
    ChartBar bar{
        row->key, {}, fmt::format("{} ({}%)", row->lines, Percent(row->lines, data.lines))};
    for (Decision d : ReportOrder()) {
      bar.segments.emplace_back(row->by_decision[static_cast<size_t>(d)],
                                fmt::format("seg-{}", DecisionName(d)));
    }
    bars.push_back(std::move(bar));
  }
  AppendBarChart(out, fmt::format("chart-{}", info.json), info.title, bars);
  const std::vector<Decision> columns = DecisionColumns(rows);
  out += "<table>\n<tr><th>";
  out += XmlEscape(info.title);
  out += "</th><th>lines</th><th>%</th>";
  for (Decision d : columns)
    out += fmt::format("<th>{}</th>", DecisionName(d));
  out += "</tr>\n";
  for (const TallyRow* row : listed) {
    out += "<tr><td class=\"key\">";
    AppendXmlEscaped(out, row->key);
    if (table == ReportTable::Policy) {
      auto it = data.policies.find(row->key);
      if (it != data.policies.end()) {
        out += fmt::format("<br><span class=\"note\">{}", XmlEscape(it->second.title));
        if (!it->second.source.empty())
          out += fmt::format("<br>{}", XmlEscape(it->second.source));
        out += "</span>";
      }
    }
    out += fmt::format("</td><td>{}</td><td>{}</td>", row->lines, Percent(row->lines, data.lines));
    for (Decision d : columns)
      out += fmt::format("<td>{}</td>", row->by_decision[static_cast<size_t>(d)]);
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (rest_keys)
    out += fmt::format("<p class=\"note\">{} more keys, {} lines.</p>\n", rest_keys, rest_lines);
  out += "</section>\n";
}

}  // namespace

void WriteReportHtml(const ReportData& data, size_t top, std::string& out) {
  AppendPageHead(out, fmt::format("warrant report: {}", data.input));
  out += fmt::format("<h1>Decisions of <code>{}</code></h1>\n", XmlEscape(data.input));
  out += fmt::format(
      "<p id=\"totals\">{} lines of {} claims; {} error records (claims refused); {} malformed "
      "lines.</p>\n",
      data.lines, data.claims, data.errors, data.malformed);
  if (data.malformed) {
    out += "<ul class=\"malformed\">\n";
    for (size_t i = 0; i < data.malformed_lines.size(); ++i) {
      out += fmt::format("<li>input line {}: {}</li>\n", data.malformed_lines[i],
                         XmlEscape(data.malformed_problems[i]));
    }
    out += "</ul>\n";
  }
  AppendDecisionLegend(out);
  for (size_t t = 0; t < kReportTableCount; ++t)
    WriteSection(data, static_cast<ReportTable>(t), top, out);
  out += "</body>\n</html>\n";
}

}  // namespace warrant::driver
