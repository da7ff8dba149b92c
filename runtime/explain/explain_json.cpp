// The JSON form of an explanation (schema: docs/explain.md).
#include <charconv>
#include <span>

#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/explain/explain_render.h"
#include "runtime/explain/explain_step.h"

namespace warrant {
namespace {

void Field(std::string& out, std::string_view name, std::string_view value, bool first = false) {
  if (!first)
    out += ',';
  AppendJsonString(out, name);
  out += ':';
  AppendJsonString(out, value);
}

// `name` is a member name of the schema: nothing to escape.
void Strings(std::string& out, std::string_view name, std::span<const std::string> items) {
  out += ",\"";
  out += name;
  out += "\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i)
      out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

}  // namespace

void AppendStepJson(const StepView& s, std::string& out) {
  // A kind and an operator are words of this module or builtin names: nothing to escape.
  out += "{\"kind\":\"";
  out += s.kind;
  out += '"';
  if (s.expr_at.empty()) {
    out += ",\"expr\":";
    AppendJsonString(out, s.expr);
    out += ",\"at\":";
    AppendJsonString(out, s.site);
  } else {
    out += s.expr_at;
  }
  if (!s.op.empty()) {
    out += ",\"op\":\"";
    out += s.op;
    out += '"';
  }
  Strings(out, "operands", s.operands);
  out += ",\"value\":";
  AppendJsonString(out, s.value);
  if (!s.note.empty()) {
    out += ",\"note\":";
    AppendJsonString(out, s.note);
  }
  out += ",\"depth\":";
  char digits[16];
  out.append(digits, static_cast<size_t>(
                         std::to_chars(digits, digits + sizeof digits, s.depth).ptr - digits));
  out += '}';
}

void WriteEvidenceJson(const std::vector<ExplainStep>& evidence, std::string& out) {
  out += '[';
  for (size_t i = 0; i < evidence.size(); ++i) {
    if (i)
      out += ',';
    const ExplainStep& s = evidence[i];
    AppendStepJson({s.kind, s.expr, s.site, s.op, {}, s.operands, s.value, s.note, s.depth}, out);
  }
  out += ']';
}

void WriteExplainJson(const Explanation& x, std::string& out) {
  out += "{\"claim\":";
  if (x.claim_id.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, x.claim_id);
  }
  Field(out, "pack", x.pack);
  out += ",\"lines\":[";
  for (size_t li = 0; li < x.lines.size(); ++li) {
    const ExplainLine& line = x.lines[li];
    if (li)
      out += ',';
    out += fmt::format("{{\"line\":{}", line.line);
    Field(out, "code", line.code);
    if (!line.code_description.empty())
      Field(out, "code_description", line.code_description);
    Field(out, "service_date", line.service_date);
    Field(out, "decision", line.decision);
    out += ",\"policies\":[";
    for (size_t i = 0; i < line.policies.size(); ++i) {
      const ExplainPolicy& p = line.policies[i];
      if (i)
        out += ',';
      out += '{';
      Field(out, "id", p.id, true);
      out += fmt::format(",\"version\":{}", p.version);
      Field(out, "title", p.title);
      Field(out, "source", p.source);
      out += ",\"effective\":";
      if (p.from.empty())
        out += "null";
      else
        AppendJsonString(out, p.from);
      out += ",\"until\":";
      if (p.until.empty())
        out += "null";
      else
        AppendJsonString(out, p.until);
      out += '}';
    }
    out += "],\"rules\":[";
    for (size_t ri = 0; ri < line.rules.size(); ++ri) {
      const ExplainRule& r = line.rules[ri];
      if (ri)
        out += ',';
      out += '{';
      Field(out, "rule", r.name, true);
      Field(out, "title", r.title);
      Field(out, "policy", r.policy);
      out += fmt::format(",\"version\":{}", r.version);
      Field(out, "at", r.site);
      Field(out, "applies", r.applied);
      out += ",\"statements\":[";
      for (size_t si = 0; si < r.statements.size(); ++si) {
        const ExplainStatement& st = r.statements[si];
        if (si)
          out += ',';
        out += '{';
        Field(out, "kind", st.kind, true);
        if (!st.name.empty())
          Field(out, "name", st.name);
        Field(out, "source", st.source);
        Field(out, "at", st.site);
        Field(out, "value", st.value);
        out += fmt::format(",\"fired\":{},\"steps\":", st.fired ? "true" : "false");
        WriteEvidenceJson(st.steps, out);
        out += '}';
      }
      out += "]}";
    }
    out += "],\"findings\":[";
    for (size_t fi = 0; fi < line.findings.size(); ++fi) {
      const ExplainFinding& f = line.findings[fi];
      if (fi)
        out += ',';
      out += '{';
      Field(out, "outcome", f.outcome, true);
      Field(out, "decision", f.decision);
      if (!f.reason.empty()) {
        Field(out, "reason", f.reason);
        Field(out, "carc", f.carc);
        Strings(out, "rarc", f.rarcs);
      }
      Field(out, "message", f.message);
      Field(out, "policy", f.policy);
      out += fmt::format(",\"version\":{}", f.version);
      Field(out, "rule", f.rule);
      Field(out, "at", f.site);
      Field(out, "requirement", f.statement);
      if (!f.why_not.empty())
        Field(out, "why_not", f.why_not);
      if (!f.group_note.empty())
        Field(out, "group_note", f.group_note);
      if (!f.policy_title.empty())
        Field(out, "policy_title", f.policy_title);
      if (!f.citation.empty())
        Field(out, "citation", f.citation);
      if (!f.changes.empty())
        Strings(out, "would_change", f.changes);
      out += ",\"evidence\":";
      WriteEvidenceJson(f.evidence, out);
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
}

}  // namespace warrant
