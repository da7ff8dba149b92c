// The text form of an explanation: what a policy analyst or a provider reads.
#include <algorithm>

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
  if (s.kind == "value") {  // a `let`'s value
    out += fmt::format("{}{} = {}\n", pad, s.expr, s.value);
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

namespace {

// ANSI colour for a terminal; the caller decides whether to use it.
struct Paint {
  bool on = false;

  std::string operator()(std::string_view text, const char* code) const {
    if (!on)
      return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

constexpr const char* kRed = "31";
constexpr const char* kYellow = "33";
constexpr const char* kGreen = "32";
constexpr const char* kBold = "1";
constexpr const char* kDim = "2";

const char* DecisionColor(const std::string& decision) {
  if (decision == "covered")
    return kGreen;
  if (decision == "pended" || decision == "bundled")
    return kYellow;
  if (decision == "not_applicable")
    return kDim;
  return kRed;
}

// A loop's elements that did not decide it are counted, not shown.
void Steps(const std::vector<ExplainStep>& steps, size_t indent, std::string& out) {
  std::vector<size_t> hidden;
  const std::vector<bool> shown = ShownSteps(steps, &hidden);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (hidden[i]) {
      out += fmt::format("{}· {} element{} that did not decide it\n",
                         std::string(indent + 2 * static_cast<size_t>(steps[i].depth) - 2, ' '),
                         hidden[i], hidden[i] == 1 ? "" : "s");
    }
    if (shown[i])
      Step(steps[i], indent, out);
  }
}

// The policies in force that had a rule apply to the line, with their versions.
void Policies(const ExplainLine& line, std::string& out) {
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
}

// Every rule the line's code led to, statement by statement (--trace).
void Trace(const ExplainLine& line, std::string& out) {
  auto applies = [](const ExplainRule& r) { return r.applied != "false"; };
  out += "  trace:\n";
  Policies(line, out);
  for (const ExplainRule& r : line.rules) {
    if (!applies(r))
      continue;
    // An untitled rule is shown by its name alone, not with an empty `""`.
    out += fmt::format("  rule {}{} ({} v{}) — {}\n", r.name,
                       r.title.empty() ? "" : fmt::format(" \"{}\"", r.title), r.policy, r.version,
                       r.applied == "unknown" ? "may apply (unknown)" : "applies");
    for (const ExplainStatement& st : r.statements) {
      std::string where = st.site.substr(st.site.find(':') + 1);
      where = where.substr(0, where.find(':'));
      if (st.kind == "let") {
        out += fmt::format("    {:>4}  {}\n", where, st.source);
        Steps(st.steps, 10, out);
        out += fmt::format("          = {}\n", st.value);
      } else {
        // The condition; the outcome it names is in the findings above.
        out += fmt::format("    {:>4}  {} {}{}\n", where, ValueMark(st.value), st.head,
                           st.fired ? "  ◀ fired" : "");
        Steps(st.steps, 10, out);
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
}

// The answer for one line: the decision, then each finding with what would change it and the
// values that decided it.
void Answer(const ExplainLine& line, const Paint& paint, std::string& out) {
  out += fmt::format("\nline {}  {}", line.line, line.code.empty() ? "(no code)" : line.code);
  if (!line.code_description.empty())
    out += fmt::format(" ({})", line.code_description);
  out += fmt::format(" on {}  →  {}\n", line.service_date,
                     paint(Upper(line.decision), DecisionColor(line.decision)));
  if (line.findings.empty()) {
    std::vector<std::string> policies;
    size_t applied = 0;
    for (const ExplainRule& r : line.rules) {
      if (r.applied == "false")
        continue;
      ++applied;
      std::string p = fmt::format("{} v{}", r.policy, r.version);
      if (std::find(policies.begin(), policies.end(), p) == policies.end())
        policies.push_back(p);
    }
    if (applied == 0) {
      out += "  no rule applies to this code on this date\n";
    } else {
      std::string list;
      for (const std::string& p : policies)
        list += (list.empty() ? "" : ", ") + p;
      out += fmt::format("  every requirement held ({} rule{} of {})\n", applied,
                         applied == 1 ? "" : "s", list);
    }
  }
  for (const ExplainFinding& f : line.findings) {
    const char* color = f.outcome == "flag" ? kYellow : f.outcome == "pend" ? kYellow : kRed;
    std::string head = fmt::format("{} {}", f.outcome, f.reason.empty() ? "-" : f.reason);
    if (!f.carc.empty())
      head += "  " + f.carc;
    for (const std::string& rarc : f.rarcs)
      head += " " + rarc;
    out += fmt::format("  {} {}\n", paint("✗", color), paint(head, kBold));
    out += fmt::format("    {}\n", f.message);
    if (!f.group_note.empty())
      out += fmt::format("    {}\n", f.group_note);
    out += fmt::format("    policy {} v{}{}{}\n", f.policy, f.version,
                       f.policy_title.empty() ? "" : fmt::format(" \"{}\"", f.policy_title),
                       f.citation.empty() ? "" : " — " + f.citation);
    out += fmt::format("    rule {} at {}\n", f.rule, f.site);
    if (!f.changes.empty()) {
      out += "    what would change it:\n";
      for (const std::string& c : f.changes)
        out += fmt::format("      {}\n", paint(c, kGreen));
    }
    if (!f.evidence.empty()) {
      out += "    evidence:\n";
      Steps(f.evidence, 6, out);
    }
  }
}

}  // namespace

void WriteExplainText(const Explanation& x, std::string& out, const ExplainTextOptions& options) {
  const Paint paint{options.color};
  // The text is for a terminal: claim data in it must not drive one (JSON and HTML keep it whole).
  out += fmt::format(
      "claim {}  ·  pack {}\n",
      x.claim_id.empty() ? "(no id)" : TerminalText(x.claim_id, {.max = 200, .size = true}),
      x.pack);
  // The decisions at a glance, before any line's detail.
  std::vector<std::pair<std::string, size_t>> counts;
  for (const ExplainLine& line : x.lines) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == line.decision; });
    if (it == counts.end())
      counts.emplace_back(line.decision, 1);
    else
      ++it->second;
  }
  std::sort(counts.begin(), counts.end());
  std::string summary;
  for (const auto& [decision, n] : counts) {
    std::string word = decision;
    std::replace(word.begin(), word.end(), '_', ' ');
    summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n, word);
  }
  out += fmt::format("{} line{}: {}\n", x.lines.size(), x.lines.size() == 1 ? "" : "s", summary);
  for (const ExplainLine& line : x.lines) {
    Answer(line, paint, out);
    if (options.trace)
      Trace(line, out);
  }
}

std::vector<bool> ShownSteps(const std::vector<ExplainStep>& steps, std::vector<size_t>* hidden) {
  std::vector<bool> shown(steps.size(), true);
  if (hidden)
    hidden->assign(steps.size(), 0);
  // An element's block runs to the next element of its loop or the loop's end; it decided the
  // loop when its quantifier's result changed in it (a `chosen` step at the loop's depth).
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind != "element")
      continue;
    const int d = steps[i].depth;
    size_t elements = 0, decided = 0, last = i;
    std::vector<std::pair<size_t, size_t>> blocks;
    size_t j = i;
    while (j < steps.size() && steps[j].kind == "element" && steps[j].depth == d) {
      size_t k = j + 1;
      bool chosen = false, running = false;
      while (k < steps.size() && steps[k].depth >= d &&
             !(steps[k].kind == "element" && steps[k].depth == d)) {
        if (steps[k].kind == "chosen" && steps[k].depth == d) {
          chosen = true;
          running = steps[k].op == "sum" || steps[k].op == "count";
        }
        ++k;
      }
      // A running total: each element that counted shows the total it made, not its tests.
      for (size_t m = j + 1; running && m < k; ++m)
        shown[m] = steps[m].kind == "chosen" && steps[m].depth == d;
      ++elements;
      if (chosen)
        ++decided;
      blocks.emplace_back(j, chosen ? 1 : 0);
      last = k;
      j = k;
    }
    // No element changed the result: a handful are shown; more are counted.
    if (decided > 0 || elements > 3) {
      size_t hidden_count = 0, first_hidden = SIZE_MAX;
      for (size_t b = 0; b < blocks.size(); ++b) {
        if (blocks[b].second)
          continue;
        const size_t end = b + 1 < blocks.size() ? blocks[b + 1].first : last;
        for (size_t k = blocks[b].first; k < end; ++k)
          shown[k] = false;
        first_hidden = std::min(first_hidden, blocks[b].first);
        ++hidden_count;
      }
      if (hidden && hidden_count)
        (*hidden)[first_hidden] = hidden_count;
    }
    i = last - 1;
  }
  return shown;
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
