// `warrant diff` as text for the terminal.
#include <fmt/format.h>

#include "compiler/driver/diff_render.h"
#include "compiler/driver/report_data.h"
#include "compiler/driver/text_table.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

std::string T(std::string_view text) {
  return TerminalText(text);
}

void WriteFields(const std::vector<FieldChange>& fields, size_t indent, std::string& out) {
  for (const FieldChange& f : fields) {
    out += fmt::format("{:{}}{}: {} → {}\n", "", indent, f.field, T(f.before), T(f.after));
  }
}

void WriteStaticText(const StaticDiff& d, std::string& out) {
  if (d.empty()) {
    out += "no change to policies, rules, codesets, tables or reasons\n";
    return;
  }
  if (!d.policies.empty())
    out += "policies\n";
  for (const PolicyChange& p : d.policies) {
    out += fmt::format("  {} {} version {} \"{}\" (effective {})\n", p.kind, T(p.id), p.version,
                       T(p.title), p.effective);
    WriteFields(p.fields, 6, out);
    for (const RuleChange& r : p.rules) {
      out += fmt::format("    {} rule {} \"{}\"\n", r.kind, T(r.name), T(r.title));
      WriteFields(r.fields, 8, out);
      for (const auto& [mark, line] : r.lines)
        out += fmt::format("        {} {}\n", mark, T(line));
    }
  }
  if (!d.codesets.empty())
    out += "codesets\n";
  for (const CodesetChange& c : d.codesets) {
    out += fmt::format("  {} {}\n", c.kind, T(c.name));
    TextTable t(0b11);
    for (const CodeChange& code : c.added)
      t.Row({"+ " + T(code.code), T(code.description)});
    for (const CodeChange& code : c.removed)
      t.Row({"- " + T(code.code), T(code.description)});
    t.Write(out, 6);
  }
  if (!d.tables.empty())
    out += "tables\n";
  for (const TableChange& t : d.tables) {
    out += fmt::format("  {} {}\n", t.kind, T(t.name));
    auto list = [&](std::string_view what, const std::vector<std::string>& keys) {
      if (keys.empty())
        return;
      std::string joined;
      for (const std::string& k : keys)
        joined += (joined.empty() ? "" : ", ") + T(k);
      out += fmt::format("      rows {}: {}\n", what, joined);
    };
    list("added", t.added);
    list("removed", t.removed);
    list("changed", t.changed);
  }
  if (!d.reasons.empty()) {
    out += "reasons\n";
    WriteFields(d.reasons, 2, out);
  }
  if (!d.lets.empty())
    out += "lets (top-level values rules share)\n";
  for (const LetChange& l : d.lets) {
    out += fmt::format("  {}\n", T(l.file));
    for (const auto& [mark, line] : l.lines)
      out += fmt::format("      {} {}\n", mark, T(line));
  }
}

void WriteImpactText(const ImpactData& m, std::string& out) {
  out += fmt::format(
      "\nimpact over {}: {} claims, {} lines decided by both; {} line{} changed decision or "
      "reason ({} claim{})\n",
      T(m.input), m.claims, m.lines, m.changed_lines, m.changed_lines == 1 ? "" : "s",
      m.changed_claims, m.changed_claims == 1 ? "" : "s");
  if (m.refused)
    out += fmt::format("{} claim{} refused by both (malformed records)\n", m.refused,
                       m.refused == 1 ? "" : "s");
  if (!m.transitions.empty()) {
    TextTable t(0b101);
    t.Row({"transition", "lines", "examples"});
    for (const Transition& tr : m.transitions) {
      std::string examples;
      for (const TransitionExample& ex : tr.examples) {
        examples += (examples.empty() ? "" : ", ") +
                    (ex.line ? fmt::format("{} line {}", T(ex.claim), ex.line) : T(ex.claim));
      }
      t.Row({fmt::format("{} → {}", T(tr.from), T(tr.to)), std::to_string(tr.lines), examples});
    }
    t.Write(out);
  }
  TextTable t;
  t.Row({"decision", "old", "new", "change"});
  for (Decision d : ReportOrder()) {
    const uint64_t a = m.old_decisions[static_cast<size_t>(d)];
    const uint64_t b = m.new_decisions[static_cast<size_t>(d)];
    if (a == 0 && b == 0)
      continue;
    const int64_t delta = static_cast<int64_t>(b) - static_cast<int64_t>(a);
    t.Row({DecisionName(d), std::to_string(a), std::to_string(b),
           delta == 0 ? "0" : fmt::format("{:+}", delta)});
  }
  out += '\n';
  t.Write(out);
  for (const Transition& tr : m.transitions) {
    for (const TransitionExample& ex : tr.examples) {
      if (ex.old_explain.empty() && ex.new_explain.empty())
        continue;
      out += fmt::format("\n=== {} line {}: {} → {}\n--- old\n{}--- new\n{}", T(ex.claim), ex.line,
                         T(tr.from), T(tr.to), ex.old_explain, ex.new_explain);
    }
  }
}

}  // namespace

void WriteDiffText(const DiffView& view, std::string& out) {
  out += fmt::format("warrant diff: {} → {}\n", T(view.old_name), T(view.new_name));
  WriteStaticText(view.changes, out);
  if (view.impact)
    WriteImpactText(*view.impact, out);
}

}  // namespace warrant::driver
