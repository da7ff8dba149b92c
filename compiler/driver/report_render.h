// The three forms of `warrant report`: aligned text for the terminal, JSON for programs, and a
// self-contained HTML page with inline SVG charts. All are deterministic functions of the
// ReportData; `top` rows of each table are shown in text and HTML (JSON lists every row kept).
#pragma once

#include <cstddef>
#include <string>

#include "compiler/driver/report_data.h"

namespace warrant::driver {

void WriteReportText(const ReportData& data, size_t top, std::string& out);
void WriteReportJson(const ReportData& data, std::string& out);
void WriteReportHtml(const ReportData& data, size_t top, std::string& out);

}  // namespace warrant::driver
