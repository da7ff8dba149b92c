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

// `,"key":[{...},{...}]`, each object's members written by `each` (its first without a comma).
template <class T, class Each>
void Objects(std::string& out, std::string_view key, const std::vector<T>& items, Each each) {
  out += fmt::format(",\"{}\":[", key);
  for (size_t i = 0; i < items.size(); ++i) {
    out += i ? ",{" : "{";
    each(items[i]);
    out += '}';
  }
  out += ']';
}

void Fields(std::string& out, const std::vector<FieldChange>& fields) {
  Objects(out, "fields", fields, [&](const FieldChange& f) {
    Str(out, "field", f.field, false);
    Str(out, "old", f.before);
    Str(out, "new", f.after);
  });
}

// Source lines only one side has, `+` for the new side's.
void Lines(std::string& out, const std::vector<std::pair<char, std::string>>& lines) {
  Objects(out, "lines", lines, [&](const std::pair<char, std::string>& line) {
    Str(out, "change", line.first == '+' ? "added" : "removed", false);
    Str(out, "text", line.second);
  });
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
  Objects(out, key, codes, [&](const CodeChange& c) {
    Str(out, "code", c.code, false);
    Str(out, "description", c.description);
  });
}

void WriteStaticJson(const StaticDiff& d, std::string& out) {
  Objects(out, "policies", d.policies, [&](const PolicyChange& p) {
    Str(out, "change", p.kind, false);
    Str(out, "id", p.id);
    out += fmt::format(",\"version\":{}", p.version);
    Str(out, "title", p.title);
    Str(out, "effective", p.effective);
    Fields(out, p.fields);
    Objects(out, "rules", p.rules, [&](const RuleChange& r) {
      Str(out, "change", r.kind, false);
      Str(out, "name", r.name);
      Str(out, "title", r.title);
      Fields(out, r.fields);
      Lines(out, r.lines);
    });
  });
  Objects(out, "codesets", d.codesets, [&](const CodesetChange& c) {
    Str(out, "change", c.kind, false);
    Str(out, "name", c.name);
    Codes(out, "added", c.added);
    Codes(out, "removed", c.removed);
  });
  Objects(out, "tables", d.tables, [&](const TableChange& t) {
    Str(out, "change", t.kind, false);
    Str(out, "name", t.name);
    Strings(out, "rows_added", t.added);
    Strings(out, "rows_removed", t.removed);
    Strings(out, "rows_changed", t.changed);
  });
  Objects(out, "lets", d.lets, [&](const auto& let) {
    Str(out, "file", let.file, false);
    Lines(out, let.lines);
  });
  Objects(out, "reasons", d.reasons, [&](const FieldChange& r) {
    Str(out, "name", r.field, false);
    Str(out, "old", r.before);
    Str(out, "new", r.after);
  });
}

void WriteImpactJson(const ImpactData& m, std::string& out) {
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
  Objects(out, "transitions", m.transitions, [&](const Transition& t) {
    Str(out, "from", t.from, false);
    Str(out, "to", t.to);
    out += fmt::format(",\"lines\":{}", t.lines);
    Objects(out, "examples", t.examples, [&](const TransitionExample& ex) {
      Str(out, "claim", ex.claim, false);
      out += fmt::format(",\"line\":{}", ex.line);
      if (!ex.old_explain.empty() || !ex.new_explain.empty()) {
        // The explanations are JSON objects already (ExplainExamples with json).
        out += ",\"old_explanation\":" + (ex.old_explain.empty() ? "null" : ex.old_explain);
        out += ",\"new_explanation\":" + (ex.new_explain.empty() ? "null" : ex.new_explain);
      }
    });
  });
  out += '}';
}

}  // namespace

void WriteDiffJson(const DiffView& view, std::string& out) {
  out += '{';
  Str(out, "old", view.old_name, false);
  Str(out, "new", view.new_name);
  out += fmt::format(",\"static_change\":{}", view.changes.empty() ? "false" : "true");
  WriteStaticJson(view.changes, out);
  if (view.impact)
    WriteImpactJson(*view.impact, out);
  out += "}\n";
}

}  // namespace warrant::driver
