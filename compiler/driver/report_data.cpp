// Counting a run's decision records into the report's tables.
#include "compiler/driver/report_data.h"

#include <fmt/format.h>

namespace warrant::driver {
namespace {

constexpr ReportTableInfo kInfos[kReportTableCount] = {
    {"decision", "decision", "lines"},
    {"policy", "policy", "lines with a finding of the policy"},
    {"rule", "rule", "lines with a finding of the rule"},
    {"reason", "reason", "lines with a finding of the reason"},
    {"carc", "CARC", "lines with a finding of the group and code"},
    {"rarc", "RARC", "lines with a finding of the remark"},
    {"code", "procedure code", "lines"},
    {"service_month", "service month", "lines"},
    {"missing_documentation", "missing documentation", "pended lines whose pend says so"},
};

}  // namespace

const ReportTableInfo& TableInfo(ReportTable table) {
  return kInfos[static_cast<size_t>(table)];
}

ReportData::ReportData() {
  tables.reserve(kReportTableCount);
  for (size_t i = 0; i < kReportTableCount; ++i)
    tables.emplace_back(kMaxKeys);
}

void ReportData::Add(const DecisionRecord& r, uint64_t input_line, std::string_view service_date) {
  switch (r.kind) {
    case DecisionRecord::Kind::Malformed:
      ++malformed;
      if (malformed_lines.size() < kMalformedNamed) {
        malformed_lines.push_back(input_line);
        malformed_problems.push_back(r.problem);
      }
      return;
    case DecisionRecord::Kind::Error: {
      ++errors;
      auto it = error_codes.find(r.error_code);
      if (it != error_codes.end())
        ++it->second;
      else if (error_codes.size() < kMaxKeys)
        error_codes.emplace(std::string(r.error_code), 1);
      else
        ++error_codes[std::string(kOtherKey)];
      return;
    }
    case DecisionRecord::Kind::Decision:
      break;
  }
  ++lines;
  if (r.line == 1)
    ++claims;
  const Decision d = r.decision;
  auto& t = tables;
  auto add = [&](ReportTable table, std::string_view key) {
    t[static_cast<size_t>(table)].Add(key, d);
  };
  add(ReportTable::Decision, DecisionName(d));
  add(ReportTable::Code, r.code.empty() ? std::string_view("(none)") : r.code);
  const std::string_view date = r.service_date.empty() ? service_date : r.service_date;
  if (date.size() >= 7) {
    ++lines_with_service_date;
    add(ReportTable::ServiceMonth, date.substr(0, 7));
  }
  // Each key counts a line once, however many of its findings carry it.
  seen_.Clear();
  std::string key;
  for (const FindingRecord& f : r.findings) {
    if (!f.policy.empty() && seen_.First(fmt::format("p\x1f{}", f.policy)))
      add(ReportTable::Policy, f.policy);
    if (!f.rule.empty()) {
      key = fmt::format("{}: {}", f.policy, f.rule);
      if (seen_.First("r\x1f" + key))
        add(ReportTable::Rule, key);
    }
    if (!f.reason.empty() && seen_.First(fmt::format("e\x1f{}", f.reason)))
      add(ReportTable::Reason, f.reason);
    if (!f.carc.empty() && seen_.First(fmt::format("c\x1f{}", f.carc)))
      add(ReportTable::Carc, f.carc);
    for (std::string_view rarc : f.rarcs) {
      if (seen_.First(fmt::format("m\x1f{}", rarc)))
        add(ReportTable::Rarc, rarc);
    }
    if (d == Decision::Pended && f.outcome == "pend" && !f.message.empty() &&
        seen_.First(fmt::format("d\x1f{}", f.message))) {
      add(ReportTable::MissingDocumentation, f.message);
    }
  }
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0)
    return "0.0";
  // Integer arithmetic rounded half up, so the text is the same on every machine.
  const uint64_t tenths = (part * 2000 / whole + 1) / 2;
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

std::vector<Decision> DecisionColumns(const std::vector<TallyRow>& rows) {
  std::vector<Decision> columns;
  for (Decision d : ReportOrder()) {
    for (const TallyRow& row : rows) {
      if (row.by_decision[static_cast<size_t>(d)]) {
        columns.push_back(d);
        break;
      }
    }
  }
  return columns;
}

ShownRows TopRows(const std::vector<TallyRow>& rows, size_t top, ReportTable table) {
  ShownRows shown;
  size_t keys = 0;
  for (const TallyRow& row : rows) {
    if (keys == top && row.key != kOtherKey && table != ReportTable::Decision) {
      ++shown.rest_keys;
      shown.rest_lines += row.lines;
      continue;
    }
    if (row.key != kOtherKey)
      ++keys;
    shown.rows.push_back(&row);
  }
  return shown;
}

}  // namespace warrant::driver
