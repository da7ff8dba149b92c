// The HTML report for one claim: self-contained (inline style and script, nothing fetched), so
// it can be attached to an appeal or an audit file and opened anywhere.
#include <map>

#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/explain/explain_render.h"

namespace warrant {
namespace {

void Esc(std::string& out, std::string_view text) {
  AppendXmlEscaped(out, text);
}

std::string E(std::string_view text) {
  std::string out;
  Esc(out, text);
  return out;
}

const char* MarkClass(const std::string& value) {
  if (value == "true")
    return "t";
  if (value == "false")
    return "f";
  if (value == "unknown")
    return "u";
  return "v";
}

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
header p{margin:2px 0;color:#c8cdd8;font-size:12px}main{padding:16px 24px;max-width:1400px}
pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0;white-space:pre-wrap}
details.claim{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:8px 12px;margin-bottom:16px}
section.line{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin-bottom:20px;padding:12px 16px}
section.line h2{font-size:17px;margin:0 0 8px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;text-transform:uppercase;color:#fff;background:#6b7280}
.badge.covered{background:#15803d}.badge.denied{background:#b91c1c}.badge.rejected{background:#7f1d1d}
.badge.pended{background:#b45309}.badge.bundled{background:#6d28d9}.badge.not_applicable{background:#6b7280}
.finding{border-left:4px solid #b91c1c;background:#fef2f2;padding:6px 10px;margin:8px 0}
.finding.pend{border-color:#b45309;background:#fffbeb}.finding.flag{border-color:#2563eb;background:#eff6ff}
.why{font-weight:600;margin-top:4px}.meta{color:#4b5563;font-size:12px}
.rule{border-top:1px solid #e5e7eb;padding-top:8px;margin-top:10px}.rule h3{font-size:14px;margin:0 0 6px}
.rule.na h3{color:#6b7280}.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
.src{background:#f9fafb;border:1px solid #e5e7eb;border-radius:4px;padding:6px;overflow:auto}
.src .ln{color:#9ca3af;display:inline-block;width:3.5em;text-align:right;margin-right:8px;user-select:none}
.src .l.t{background:#dcfce7}.src .l.f{background:#fee2e2}.src .l.u{background:#fef3c7}.src .l.v{background:#e0e7ff}
.stmt{margin:0 0 8px}.stmt .head{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.mark{display:inline-block;width:1.4em;font-weight:700}.mark.t{color:#15803d}.mark.f{color:#b91c1c}.mark.u{color:#b45309}.mark.v{color:#4338ca}
ul.steps{margin:2px 0 0 1.4em;padding:0;list-style:none;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
ul.steps li{margin:1px 0}ul.steps .note{color:#4b5563}.fired{color:#b91c1c;font-weight:600}
details.na{margin-top:12px}details.na summary{color:#4b5563;cursor:pointer}
table.ev{border-collapse:collapse;margin-top:4px;font-size:12px}table.ev td{border:1px solid #e5e7eb;padding:2px 6px}
nav.toc{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:8px 12px;margin-bottom:16px}
nav.toc h2{font-size:15px;margin:0 0 6px}table.toc{border-collapse:collapse;width:100%;font-size:13px}
table.toc td{border-top:1px solid #e5e7eb;padding:4px 6px;vertical-align:top}table.toc td.l{white-space:nowrap}
table.toc .sum{margin:1px 0}table.toc .sum b{margin-right:4px}table.toc .chg{color:#15803d}
.changes{margin:4px 0 0;padding-left:1.4em}.changes li{color:#15803d}
details.trace{margin-top:10px}details.trace>summary{color:#4b5563;cursor:pointer}
)";

// Marks the trace's verdicts on the excerpt's lines: the last statement on a line wins.
void Excerpt(const ExplainRule& r, std::string& out) {
  std::map<uint32_t, std::string_view> marks;
  for (const ExplainStatement& st : r.statements)
    marks[st.source_line] = MarkClass(st.value);
  out += "<pre class=\"src\">";
  for (size_t i = 0; i < r.source_lines.size(); ++i) {
    uint32_t n = r.first_line + static_cast<uint32_t>(i);
    auto it = marks.find(n);
    const std::string_view mark = it == marks.end() ? std::string_view() : it->second;
    out += fmt::format("<span class=\"l{}{}\"><span class=\"ln\">{}</span>",
                       mark.empty() ? "" : " ", mark, n);
    Esc(out, r.source_lines[i]);
    out += "</span>\n";
  }
  out += "</pre>";
}

void Steps(const std::vector<ExplainStep>& steps, std::string& out) {
  if (steps.empty())
    return;
  out += "<ul class=\"steps\">";
  std::vector<size_t> hidden;
  const std::vector<bool> shown = ShownSteps(steps, &hidden);
  for (size_t i = 0; i < steps.size(); ++i) {
    const ExplainStep& s = steps[i];
    if (hidden[i]) {
      out += fmt::format(
          "<li style=\"margin-left:{}em\" data-kind=\"hidden\">· {} element{} that did not "
          "decide it</li>",
          1.2 * (s.depth - 1), hidden[i], hidden[i] == 1 ? "" : "s");
    }
    if (!shown[i])
      continue;
    out +=
        fmt::format("<li style=\"margin-left:{}em\" data-kind=\"{}\">", 1.2 * s.depth, E(s.kind));
    if (s.kind == "element") {
      out += "· " + E(s.value);
    } else if (s.kind == "chosen") {
      out += E(s.op) + ": " + E(s.value);
    } else {
      out += E(s.expr);
      std::string values = StepWithValues(s);
      if (!values.empty() && values != s.expr)
        out += " <span class=\"note\">[" + E(values) + "]</span>";
      out += " → <b>" + E(s.value) + "</b>";
      if (!s.note.empty())
        out += " <span class=\"note\">(" + E(s.note) + ")</span>";
    }
    out += "</li>";
  }
  out += "</ul>";
}

constexpr std::string_view kScript = R"(
(function(){
  var lines=document.querySelectorAll('section.line'),counts={};
  lines.forEach(function(s){var d=s.getAttribute('data-decision');counts[d]=(counts[d]||0)+1;});
  var parts=Object.keys(counts).sort().map(function(k){return counts[k]+' '+k.replace('_',' ');});
  document.getElementById('summary').textContent=lines.length+' line'+(lines.length==1?'':'s')+': '+parts.join(', ');
  document.body.setAttribute('data-rendered','ok');
})();
)";

}  // namespace

namespace {

// One finding, as the line's section shows it: the answer, why that group, the citation, what
// would change it, then the values that decided it.
void FindingBox(const ExplainFinding& f, std::string& out) {
  out += fmt::format("<div class=\"finding {}\"><b>{} {}{}", E(f.outcome), E(f.outcome),
                     E(f.reason.empty() ? "-" : f.reason),
                     E(f.carc.empty() ? "" : " (" + f.carc + ")"));
  for (const std::string& rarc : f.rarcs)
    out += " " + E(rarc);
  out += "</b>: " + E(f.message);
  if (!f.group_note.empty())
    out += "<div class=\"meta group\">" + E(f.group_note) + "</div>";
  out += fmt::format("<div class=\"meta\">rule {} · {} version {}{} · {}</div>", E(f.rule),
                     E(f.policy), f.version, f.citation.empty() ? "" : " · " + E(f.citation),
                     E(f.site));
  if (!f.changes.empty()) {
    out += "<div class=\"why\">What would change it:</div><ul class=\"changes\">";
    for (const std::string& c : f.changes)
      out += "<li>" + E(c) + "</li>";
    out += "</ul>";
  } else if (!f.why_not.empty()) {
    out += "<div class=\"why\">Why not: " + E(f.why_not) + "</div>";
  }
  if (!f.evidence.empty()) {
    out += "<table class=\"ev\">";
    for (const ExplainStep& s : f.evidence) {
      out += "<tr><td><code>" + E(s.expr) + "</code></td><td>" + E(StepWithValues(s)) +
             "</td><td><b>" + E(s.value) + "</b></td></tr>";
    }
    out += "</table>";
  }
  out += "</div>\n";
}

// The first screen: one row per line with its decision, its findings in a sentence each and the
// first thing that would change each, linked to the line's section.
void Contents(const Explanation& x, std::string& out) {
  out += "<nav class=\"toc\" id=\"contents\"><h2>Decisions</h2><table class=\"toc\">";
  for (const ExplainLine& line : x.lines) {
    out += fmt::format(
        "<tr data-line=\"{}\"><td class=\"l\"><a href=\"#line-{}\">Line {}</a> · {} · {}</td>"
        "<td><span class=\"badge {}\">{}</span></td><td>",
        line.line, line.line, line.line, E(line.code.empty() ? "(no code)" : line.code),
        E(line.service_date), E(line.decision), E(line.decision));
    if (line.findings.empty())
      out += "<span class=\"meta\">no findings</span>";
    for (size_t i = 0; i < line.findings.size(); ++i) {
      const ExplainFinding& f = line.findings[i];
      out += fmt::format(
          "<div class=\"sum finding-sum\"><a href=\"#line-{}-finding-{}\"><b>{} {}{}</b></a>{}",
          line.line, i + 1, E(f.outcome), E(f.reason.empty() ? "-" : f.reason),
          E(f.carc.empty() ? "" : " " + f.carc), E(f.message));
      if (!f.changes.empty())
        out += " <span class=\"chg\">— would change: " + E(f.changes.front()) + "</span>";
      out += "</div>";
    }
    out += "</td></tr>\n";
  }
  out += "</table></nav>\n";
}

}  // namespace

void WriteExplainHtml(const Explanation& x, std::string_view claim_json, std::string& out) {
  std::string title = x.claim_id.empty() ? "claim" : "claim " + x.claim_id;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n";
  out += "<title>Warrant explanation: " + E(title) + "</title>\n<style>";
  out += kStyle;
  out += "</style></head>\n<body data-claim=\"" + E(x.claim_id) + "\">\n";
  out += "<header><h1>Why each line of " + E(title) + " was decided as it was</h1>";
  out += "<p>rule pack " + E(x.pack) + "</p><p id=\"summary\"></p></header>\n<main>\n";
  Contents(x, out);
  out += "<details class=\"claim\"><summary>The claim as submitted</summary><pre>";
  Esc(out, claim_json);
  out += "</pre></details>\n";
  for (const ExplainLine& line : x.lines) {
    out += fmt::format("<section class=\"line\" id=\"line-{}\" data-decision=\"{}\">\n", line.line,
                       E(line.decision));
    out +=
        fmt::format("<h2>Line {} · {}", line.line, E(line.code.empty() ? "(no code)" : line.code));
    if (!line.code_description.empty())
      out += " <span class=\"meta\">" + E(line.code_description) + "</span>";
    out += fmt::format(" · {} <span class=\"badge {}\">{}</span></h2>\n", E(line.service_date),
                       E(line.decision), E(line.decision));
    auto applies = [](const ExplainRule& r) { return r.applied != "false"; };
    for (size_t i = 0; i < line.findings.size(); ++i) {
      out += fmt::format("<div id=\"line-{}-finding-{}\">", line.line, i + 1);
      FindingBox(line.findings[i], out);
      out += "</div>";
    }
    size_t not_applying = 0;
    for (const ExplainRule& r : line.rules)
      not_applying += applies(r) ? 0 : 1;
    if (not_applying == line.rules.size()) {
      out += "<p class=\"meta\">No rule applies to this code on this date.</p>\n";
    }
    // The trace is for whoever checks the answer above: collapsed.
    size_t applying = line.rules.size() - not_applying;
    if (applying) {
      out += fmt::format(
          "<details class=\"trace\"><summary>The trace: {} rule{} that appl{}</summary>\n",
          applying, applying == 1 ? "" : "s", applying == 1 ? "ies" : "y");
    }
    for (const ExplainPolicy& p : line.policies) {
      bool used = false;
      for (const ExplainRule& r : line.rules)
        used = used || (applies(r) && r.policy == p.id);
      if (!used)
        continue;
      out += fmt::format(
          "<p class=\"meta policy\">Policy <b>{}</b> version {} ({}) in force on {}: effective {} "
          "through {}. Source: {}</p>\n",
          E(p.id), p.version, E(p.title), E(line.service_date),
          E(p.from.empty() ? "always" : p.from), E(p.until.empty() ? "open-ended" : p.until),
          E(p.source));
    }
    auto write_rule = [&](const ExplainRule& r) {
      out += fmt::format("<div class=\"rule{}\" data-rule=\"{}\" data-applies=\"{}\">",
                         r.applied == "false" ? " na" : "", E(r.name), E(r.applied));
      out += fmt::format("<h3>rule {} — {} <span class=\"meta\">({} v{}, {}; {})</span></h3>",
                         E(r.name), E(r.title), E(r.policy), r.version, E(r.site),
                         r.applied == "true"      ? "applies"
                         : r.applied == "unknown" ? "may apply"
                                                  : "does not apply");
      out += "<div class=\"grid\">";
      Excerpt(r, out);
      out += "<div class=\"trace\">";
      for (const ExplainStatement& st : r.statements) {
        out += fmt::format(
            "<div class=\"stmt\" data-kind=\"{}\" data-value=\"{}\"><div class=\"head\">"
            "<span class=\"mark {}\">{}</span>{}",
            E(st.kind), E(st.kind == "let" ? "value" : st.value), MarkClass(st.value),
            st.kind == "let" ? "=" : ValueMark(st.value), E(st.source));
        if (st.kind == "let")
          out += " <b>= " + E(st.value) + "</b>";
        if (st.fired)
          out += " <span class=\"fired\">◀ fired</span>";
        out += "</div>";
        Steps(st.steps, out);
        out += "</div>";
      }
      out += "</div></div></div>\n";
    };
    for (const ExplainRule& r : line.rules) {
      if (applies(r))
        write_rule(r);
    }
    if (applying)
      out += "</details>\n";
    if (not_applying) {
      out += fmt::format(
          "<details class=\"na\"><summary>{} rule{} considered that do{} not apply to "
          "this line</summary>\n",
          not_applying, not_applying == 1 ? "" : "s", not_applying == 1 ? "es" : "");
      for (const ExplainRule& r : line.rules) {
        if (!applies(r))
          write_rule(r);
      }
      out += "</details>\n";
    }
    out += "</section>\n";
  }
  out += "</main>\n<script>";
  out += kScript;
  out += "</script>\n</body></html>\n";
}

}  // namespace warrant
