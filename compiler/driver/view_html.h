// The HTML pieces `report --html` and `diff --html` share: the page's head and style, and
// horizontal bar charts drawn as inline SVG. The pages are self-contained (no external assets,
// no script): every chart is plain SVG, readable in any browser or mail client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace warrant::driver {

// One bar: a label and its segments, each a count and a colour class (`seg-denied`).
struct ChartBar {
  std::string label;
  std::vector<std::pair<uint64_t, std::string>> segments;
  std::string value;  // the text after the bar ("18 (29.0%)")
};

// Appends `<svg class="chart" id="ID">` with one bar per entry, scaled to the largest total.
void AppendBarChart(std::string& out, std::string_view id, std::string_view title,
                    const std::vector<ChartBar>& bars);

// The start of a page titled `title` (escaped here), with the shared style, up to `<body>`.
void AppendPageHead(std::string& out, std::string_view title);

// A legend of the decision colours.
void AppendDecisionLegend(std::string& out);

}  // namespace warrant::driver
