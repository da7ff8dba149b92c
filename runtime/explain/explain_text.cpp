// The text form of an explanation: what a policy analyst or a provider reads.
#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/explain/explain_render.h"

namespace warrant {
namespace {

std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  for (char& c : s)
    c = c == '_' ? ' ' : c;
  return s;
}

void Step(const ExplainStep& s, size_t indent, std::string& out) {
  std::string pad(indent + 2 * static_cast<size_t>(s.depth), ' ');
  if (s.kind == "element") {
    out += fmt::format("{}· {}\n", pad.substr(2), s.value);
    return;
  }
  if (s.kind == "chosen") {
    out += fmt::format("{}{}: {}\n", pad, s.op.empty() ? "so far" : s.op, s.value);
    return;
  }
  std::string applied = StepWithValues(s);
  out += pad + s.expr;
  if (!applied.empty() && applied != s.expr)
    out += ": " + applied;
  out += " → " + s.value;
  if (!s.note.empty())
    out += "  (" + s.note + ")";
  out += '\n';
}

}  // namespace

// `73 >= 45`, `82270 in fobt`, `month_start(2023-03-01)`: the step with its values in place.
std::string StepWithValues(const ExplainStep& s) {
  const auto& o = s.operands;
  if ((s.kind == "compare" || s.kind == "arith") && o.size() == 2) {
    return fmt::format("{} {} {}", o[0], s.op, o[1]);
  }
  if ((s.kind == "codeset" || s.kind == "list") && o.size() == 2) {
    return fmt::format("{} {} {}", o[0], s.op, o[1]);
  }
  if (s.kind == "test" && o.size() == 1)
    return fmt::format("{} {}", o[0], s.op);
  if (s.kind == "window" && o.size() == 3) {
    return fmt::format("{} within {} of {}", o[0], o[1], o[2]);
  }
  if (s.kind == "call") {
    std::string args;
    for (const std::string& a : o)
      args += (args.empty() ? "" : ", ") + a;
    return fmt::format("{}({})", s.op, args);
  }
  if (s.kind == "lookup" && !o.empty())
    return fmt::format("[{}]", o.back());
  return "";
}

void WriteExplainText(const Explanation& x, std::string& out) {
  // The text is for a terminal: claim data in it must not drive one (JSON and HTML keep it whole).
  out += fmt::format(
      "claim {}  ·  pack {}\n",
      x.claim_id.empty() ? "(no id)" : TerminalText(x.claim_id, {.max = 200, .size = true}),
      x.pack);
  for (const ExplainLine& line : x.lines) {
    out += fmt::format("\nline {}  {}", line.line, line.code.empty() ? "(no code)" : line.code);
    if (!line.code_description.empty())
      out += fmt::format(" ({})", line.code_description);
    out += fmt::format(" on {}  →  {}\n", line.service_date, Upper(line.decision));
    auto applies = [](const ExplainRule& r) { return r.applied != "false"; };
    for (const ExplainPolicy& p : line.policies) {
      bool used = false;
      for (const ExplainRule& r : line.rules)
        used = used || (applies(r) && r.policy == p.id);
      if (!used)
        continue;
      out += fmt::format("  policy {} version {} in force on {} (effective {} through {})\n", p.id,
                         p.version, line.service_date, p.from.empty() ? "always" : p.from,
                         p.until.empty() ? "open-ended" : p.until);
    }
    bool any_applies = false;
    for (const ExplainRule& r : line.rules)
      any_applies = any_applies || applies(r);
    if (!any_applies)
      out += "  no rule applies to this code on this date\n";
    for (const ExplainRule& r : line.rules) {
      if (!applies(r))
        continue;
      // An untitled rule is shown by its name alone, not with an empty `""`.
      out += fmt::format("  rule {}{} ({} v{}) — {}\n", r.name,
                         r.title.empty() ? "" : fmt::format(" \"{}\"", r.title), r.policy,
                         r.version, r.applied == "unknown" ? "may apply (unknown)" : "applies");
      for (const ExplainStatement& st : r.statements) {
        std::string where = st.site.substr(st.site.find(':') + 1);
        where = where.substr(0, where.find(':'));
        if (st.kind == "let") {
          out += fmt::format("    {:>4}  {}\n", where, st.source);
          for (const ExplainStep& s : st.steps)
            Step(s, 10, out);
          out += fmt::format("          = {}\n", st.value);
        } else {
          // The condition; the outcome it names is in the findings below.
          out += fmt::format("    {:>4}  {} {}{}\n", where, ValueMark(st.value), st.head,
                             st.fired ? "  ◀ fired" : "");
          for (const ExplainStep& s : st.steps)
            Step(s, 10, out);
        }
      }
    }
    // Rules the line's code led to whose `applies to` did not hold: one line each.
    for (const ExplainRule& r : line.rules) {
      if (applies(r))
        continue;
      std::string condition;
      for (const ExplainStatement& st : r.statements) {
        if (st.kind == "applies")
          condition = st.source;
      }
      out += fmt::format("  · rule {} ({} v{}) does not apply: {} → false\n", r.name, r.policy,
                         r.version, condition);
    }
    for (const ExplainFinding& f : line.findings) {
      out += fmt::format("  → {} {}{}: {}\n", f.outcome, f.reason.empty() ? "-" : f.reason,
                         f.carc.empty() ? "" : " (" + f.carc + ")", f.message);
      out += fmt::format("      rule {}, {} version {}, {}\n", f.rule, f.policy, f.version, f.site);
      if (!f.why_not.empty())
        out += fmt::format("      why not: {}\n", f.why_not);
    }
  }
}

const char* ValueMark(const std::string& value) {
  if (value == "true")
    return "✓";
  if (value == "false")
    return "✗";
  if (value == "unknown")
    return "?";
  return "=";
}

}  // namespace warrant
