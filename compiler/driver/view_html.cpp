// Inline SVG bar charts and the shared page style.
#include "compiler/driver/view_html.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/driver/decision_record.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

constexpr int kLabelWidth = 300;  // px for the labels left of the bars
constexpr int kBarWidth = 420;    // px of the longest bar
constexpr int kValueWidth = 120;  // px for the value right of the bars
constexpr int kRowHeight = 22;
constexpr size_t kLabelChars = 44;  // characters of a label shown; the whole is its <title>

std::string Short(const std::string& label) {
  std::string shown;
  size_t chars = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(label[i]) & 0xC0) != 0x80;
    if (lead && ++chars > kLabelChars) {
      shown += "…";
      break;
    }
    shown += label[i];
  }
  return shown;
}

}  // namespace

void AppendBarChart(std::string& out, std::string_view id, std::string_view title,
                    const std::vector<ChartBar>& bars) {
  uint64_t largest = 1;
  for (const ChartBar& bar : bars) {
    uint64_t total = 0;
    for (const auto& [count, cls] : bar.segments)
      total += count;
    largest = std::max(largest, total);
  }
  const int width = kLabelWidth + kBarWidth + kValueWidth;
  const int height = static_cast<int>(bars.size()) * kRowHeight + 4;
  out += fmt::format(
      "<svg class=\"chart\" id=\"{}\" width=\"{}\" "
      "height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"",
      XmlEscape(id), width, height, width, height);
  AppendXmlEscaped(out, title);
  out += "\">\n";
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& bar = bars[i];
    const int y = static_cast<int>(i) * kRowHeight + 2;
    out += fmt::format("<g class=\"bar\"><title>{}</title>", XmlEscape(bar.label));
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       kLabelWidth - 8, y + 15, XmlEscape(Short(bar.label)));
    double x = kLabelWidth;
    for (const auto& [count, cls] : bar.segments) {
      if (count == 0)
        continue;
      const double w = static_cast<double>(count) * kBarWidth / static_cast<double>(largest);
      out +=
          fmt::format("<rect class=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"/>",
                      XmlEscape(cls), x, y + 2, std::max(w, 1.0), kRowHeight - 6);
      x += w;
    }
    out += fmt::format("<text class=\"value\" x=\"{:.1f}\" y=\"{}\">{}</text></g>\n", x + 6, y + 15,
                       XmlEscape(bar.value));
  }
  out += "</svg>\n";
}

void AppendPageHead(std::string& out, std::string_view title) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  AppendXmlEscaped(out, title);
  out += R"(</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child, td:first-child { text-align: left; }
td.key { max-width: 520px; }
.note { color: #666; }
svg.chart { display: block; margin: .5em 0; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #222; }
.seg-covered { fill: #2e7d32; } .seg-pended { fill: #f9a825; } .seg-bundled { fill: #6a1b9a; }
.seg-denied { fill: #c62828; } .seg-rejected { fill: #4e342e; } .seg-not_applicable { fill: #9e9e9e; }
.seg-count { fill: #1565c0; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -1px; }
.sw-covered { background: #2e7d32; } .sw-pended { background: #f9a825; } .sw-bundled { background: #6a1b9a; }
.sw-denied { background: #c62828; } .sw-rejected { background: #4e342e; } .sw-not_applicable { background: #9e9e9e; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; }
</style>
</head>
<body>
)";
}

void AppendDecisionLegend(std::string& out) {
  out += "<p class=\"legend\">";
  for (Decision d : ReportOrder())
    out += fmt::format("<span><i class=\"sw-{0}\"></i>{0}</span>", DecisionName(d));
  out += "</p>\n";
}

}  // namespace warrant::driver
