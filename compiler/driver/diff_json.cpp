// `warrant diff --json`.
#include <fmt/format.h>

#include "compiler/driver/diff_render.h"
#include "compiler/driver/report_data.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

void Str(std::string& out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma)
    out += ',';
  AppendJsonString(out, key);
  out += ':';
  AppendJsonString(out, value);
}

void Fields(std::string& out, const std::vector<FieldChange>& fields) {
  out += ",\"fields\":[";
  for (size_t i = 0; i < fields.size(); ++i) {
    out += i ? ",{" : "{";
    Str(out, "field", fields[i].field, false);
    Str(out, "old", fields[i].before);
    Str(out, "new", fields[i].after);
    out += '}';
  }
  out += ']';
}

void Strings(std::string& out, std::string_view key, const std::vector<std::string>& items) {
  out += fmt::format(",\"{}\":[", key);
  for (size_t i = 0; i < items.size(); ++i) {
    out += i ? "," : "";
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

void Codes(std::string& out, std::string_view key, const std::vector<CodeChange>& codes) {
  out += fmt::format(",\"{}\":[", key);
  for (size_t i = 0; i < codes.size(); ++i) {
    out += i ? ",{" : "{";
    Str(out, "code", codes[i].code, false);
    Str(out, "description", codes[i].description);
    out += '}';
  }
  out += ']';
}

void WriteStatic(const StaticDiff& d, std::string& out) {
  out += ",\"policies\":[";
  for (size_t i = 0; i < d.policies.size(); ++i) {
    const PolicyChange& p = d.policies[i];
    out += i ? ",{" : "{";
    Str(out, "change", p.kind, false);
    Str(out, "id", p.id);
    out += fmt::format(",\"version\":{}", p.version);
    Str(out, "title", p.title);
    Str(out, "effective", p.effective);
    Fields(out, p.fields);
    out += ",\"rules\":[";
    for (size_t j = 0; j < p.rules.size(); ++j) {
      const RuleChange& r = p.rules[j];
      out += j ? ",{" : "{";
      Str(out, "change", r.kind, false);
      Str(out, "name", r.name);
      Str(out, "title", r.title);
      Fields(out, r.fields);
      out += ",\"lines\":[";
      for (size_t k = 0; k < r.lines.size(); ++k) {
        out += k ? ",{" : "{";
        Str(out, "change", r.lines[k].first == '+' ? "added" : "removed", false);
        Str(out, "text", r.lines[k].second);
        out += '}';
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "],\"codesets\":[";
  for (size_t i = 0; i < d.codesets.size(); ++i) {
    const CodesetChange& c = d.codesets[i];
    out += i ? ",{" : "{";
    Str(out, "change", c.kind, false);
    Str(out, "name", c.name);
    Codes(out, "added", c.added);
    Codes(out, "removed", c.removed);
    out += '}';
  }
  out += "],\"tables\":[";
  for (size_t i = 0; i < d.tables.size(); ++i) {
    const TableChange& t = d.tables[i];
    out += i ? ",{" : "{";
    Str(out, "change", t.kind, false);
    Str(out, "name", t.name);
    Strings(out, "rows_added", t.added);
    Strings(out, "rows_removed", t.removed);
    Strings(out, "rows_changed", t.changed);
    out += '}';
  }
  out += ']';
  out += ",\"lets\":[";
  for (size_t i = 0; i < d.lets.size(); ++i) {
    out += i ? ",{" : "{";
    Str(out, "file", d.lets[i].file, false);
    out += ",\"lines\":[";
    for (size_t k = 0; k < d.lets[i].lines.size(); ++k) {
      out += k ? ",{" : "{";
      Str(out, "change", d.lets[i].lines[k].first == '+' ? "added" : "removed", false);
      Str(out, "text", d.lets[i].lines[k].second);
      out += '}';
    }
    out += "]}";
  }
  out += ']';
  out += ",\"reasons\":[";
  for (size_t i = 0; i < d.reasons.size(); ++i) {
    out += i ? ",{" : "{";
    Str(out, "name", d.reasons[i].field, false);
    Str(out, "old", d.reasons[i].before);
    Str(out, "new", d.reasons[i].after);
    out += '}';
  }
  out += ']';
}

void WriteImpact(const ImpactData& m, std::string& out) {
  out += ",\"impact\":{";
  Str(out, "input", m.input, false);
  out += fmt::format(
      ",\"claims\":{},\"lines\":{},\"changed_lines\":{},\"changed_claims\":{},\"refused\":{}",
      m.claims, m.lines, m.changed_lines, m.changed_claims, m.refused);
  for (const auto* side : {&m.old_decisions, &m.new_decisions}) {
    out += side == &m.old_decisions ? ",\"old_decisions\":{" : ",\"new_decisions\":{";
    bool any = false;
    for (Decision d : ReportOrder()) {
      out += fmt::format("{}\"{}\":{}", any ? "," : "", DecisionName(d),
                         (*side)[static_cast<size_t>(d)]);
      any = true;
    }
    out += '}';
  }
  out += ",\"transitions\":[";
  for (size_t i = 0; i < m.transitions.size(); ++i) {
    const Transition& t = m.transitions[i];
    out += i ? ",{" : "{";
    Str(out, "from", t.from, false);
    Str(out, "to", t.to);
    out += fmt::format(",\"lines\":{},\"examples\":[", t.lines);
    for (size_t j = 0; j < t.examples.size(); ++j) {
      const TransitionExample& ex = t.examples[j];
      out += j ? ",{" : "{";
      Str(out, "claim", ex.claim, false);
      out += fmt::format(",\"line\":{}", ex.line);
      if (!ex.old_explain.empty() || !ex.new_explain.empty()) {
        // The explanations are JSON objects already (ExplainExamples with json).
        out += ",\"old_explanation\":" + (ex.old_explain.empty() ? "null" : ex.old_explain);
        out += ",\"new_explanation\":" + (ex.new_explain.empty() ? "null" : ex.new_explain);
      }
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
}

}  // namespace

void WriteDiffJson(const DiffView& view, std::string& out) {
  out += '{';
  Str(out, "old", view.old_name, false);
  Str(out, "new", view.new_name);
  out += fmt::format(",\"static_change\":{}", view.changes.empty() ? "false" : "true");
  WriteStatic(view.changes, out);
  if (view.impact)
    WriteImpact(*view.impact, out);
  out += "}\n";
}

}  // namespace warrant::driver
