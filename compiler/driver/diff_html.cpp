// `warrant diff --html`: the static change and the impact on one self-contained page.
#include <fmt/format.h>

#include "compiler/driver/diff_render.h"
#include "compiler/driver/report_data.h"
#include "compiler/driver/view_html.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

std::string E(std::string_view text) {
  return XmlEscape(text);
}

void Fields(const std::vector<FieldChange>& fields, std::string& out) {
  for (const FieldChange& f : fields) {
    out += fmt::format("<li>{}: <del>{}</del> → <ins>{}</ins></li>\n", E(f.field), E(f.before),
                       E(f.after));
  }
}

void WriteStaticHtml(const StaticDiff& d, std::string& out) {
  out += "<section id=\"static\">\n<h2>What changed</h2>\n";
  if (d.empty())
    out += "<p class=\"note\">No change to policies, rules, codesets, tables or reasons.</p>\n";
  if (!d.policies.empty()) {
    out += "<h3>Policies</h3>\n<ul class=\"policies\">\n";
    for (const PolicyChange& p : d.policies) {
      out += fmt::format("<li data-change=\"{}\"><b>{}</b> {} version {} “{}” (effective {})<ul>\n",
                         E(p.kind), E(p.kind), E(p.id), p.version, E(p.title), E(p.effective));
      Fields(p.fields, out);
      for (const RuleChange& r : p.rules) {
        out += fmt::format("<li>{} rule <code>{}</code> “{}”", E(r.kind), E(r.name), E(r.title));
        if (!r.fields.empty()) {
          out += "<ul>";
          Fields(r.fields, out);
          out += "</ul>";
        }
        if (!r.lines.empty()) {
          out += "<pre>";
          for (const auto& [mark, line] : r.lines) {
            out += fmt::format("{}{} {}{}\n", mark == '+' ? "<ins>" : "<del>", mark, E(line),
                               mark == '+' ? "</ins>" : "</del>");
          }
          out += "</pre>";
        }
        out += "</li>\n";
      }
      out += "</ul></li>\n";
    }
    out += "</ul>\n";
  }
  if (!d.codesets.empty()) {
    out += "<h3>Codesets</h3>\n";
    for (const CodesetChange& c : d.codesets) {
      out += fmt::format("<p>{} <code>{}</code></p>\n<table>\n", E(c.kind), E(c.name));
      for (const CodeChange& code : c.added)
        out += fmt::format("<tr><td><ins>+ {}</ins></td><td>{}</td></tr>\n", E(code.code),
                           E(code.description));
      for (const CodeChange& code : c.removed)
        out += fmt::format("<tr><td><del>- {}</del></td><td>{}</td></tr>\n", E(code.code),
                           E(code.description));
      out += "</table>\n";
    }
  }
  if (!d.tables.empty()) {
    out += "<h3>Tables</h3>\n<ul>\n";
    for (const TableChange& t : d.tables) {
      out += fmt::format("<li>{} <code>{}</code>: {} rows added, {} removed, {} changed</li>\n",
                         E(t.kind), E(t.name), t.added.size(), t.removed.size(), t.changed.size());
    }
    out += "</ul>\n";
  }
  if (!d.reasons.empty()) {
    out += "<h3>Reasons</h3>\n<ul>\n";
    Fields(d.reasons, out);
    out += "</ul>\n";
  }
  if (!d.lets.empty())
    out += "<h3>Top-level lets</h3>\n";
  for (const LetChange& l : d.lets) {
    out += fmt::format("<p><code>{}</code></p>\n<pre>", E(l.file));
    for (const auto& [mark, line] : l.lines) {
      out += fmt::format("{}{} {}{}\n", mark == '+' ? "<ins>" : "<del>", mark, E(line),
                         mark == '+' ? "</ins>" : "</del>");
    }
    out += "</pre>\n";
  }
  out += "</section>\n";
}

void WriteImpactHtml(const ImpactData& m, std::string& out) {
  out += "<section id=\"impact\">\n<h2>Impact</h2>\n";
  out += fmt::format(
      "<p id=\"impact-totals\">{} claims of <code>{}</code>, {} lines decided by both: {} "
      "line{} changed decision or reason ({} claim{}).</p>\n",
      m.claims, E(m.input), m.lines, m.changed_lines, m.changed_lines == 1 ? "" : "s",
      m.changed_claims, m.changed_claims == 1 ? "" : "s");
  std::vector<ChartBar> bars;
  for (Decision d : ReportOrder()) {
    const uint64_t a = m.old_decisions[static_cast<size_t>(d)];
    const uint64_t b = m.new_decisions[static_cast<size_t>(d)];
    if (a == 0 && b == 0)
      continue;
    const std::string cls = fmt::format("seg-{}", DecisionName(d));
    bars.push_back({fmt::format("{} (old)", DecisionName(d)), {{a, cls}}, std::to_string(a)});
    bars.push_back({fmt::format("{} (new)", DecisionName(d)), {{b, cls}}, std::to_string(b)});
  }
  AppendBarChart(out, "chart-decisions", "decisions, old and new", bars);
  if (!m.transitions.empty()) {
    std::vector<ChartBar> tbars;
    for (const Transition& t : m.transitions) {
      tbars.push_back({fmt::format("{} → {}", t.from, t.to),
                       {{t.lines, "seg-count"}},
                       std::to_string(t.lines)});
    }
    AppendBarChart(out, "chart-transitions", "lines by transition", tbars);
    out +=
        "<table class=\"transitions\">\n<tr><th>transition</th><th>lines</th>"
        "<th>examples</th></tr>\n";
    for (const Transition& t : m.transitions) {
      std::string examples;
      for (const TransitionExample& ex : t.examples)
        examples += fmt::format("{}{} line {}", examples.empty() ? "" : ", ", E(ex.claim), ex.line);
      out += fmt::format("<tr><td>{} → {}</td><td>{}</td><td>{}</td></tr>\n", E(t.from), E(t.to),
                         t.lines, examples);
    }
    out += "</table>\n";
    for (const Transition& t : m.transitions) {
      for (const TransitionExample& ex : t.examples) {
        if (ex.old_explain.empty() && ex.new_explain.empty())
          continue;
        out += fmt::format(
            "<details><summary>{} line {}: {} → {}</summary><h4>old</h4><pre>{}</pre>"
            "<h4>new</h4><pre>{}</pre></details>\n",
            E(ex.claim), ex.line, E(t.from), E(t.to), E(ex.old_explain), E(ex.new_explain));
      }
    }
  }
  out += "</section>\n";
}

}  // namespace

void WriteDiffHtml(const DiffView& view, std::string& out) {
  AppendPageHead(out, fmt::format("warrant diff: {} → {}", view.old_name, view.new_name));
  out += fmt::format("<h1>Changes from <code>{}</code> to <code>{}</code></h1>\n", E(view.old_name),
                     E(view.new_name));
  AppendDecisionLegend(out);
  WriteStaticHtml(view.changes, out);
  if (view.impact)
    WriteImpactHtml(*view.impact, out);
  out += "</body>\n</html>\n";
}

}  // namespace warrant::driver
