#include "compiler/driver/test_expect.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

// What a finding reports, field by field, as the expect clause writes them.
struct Fields {
  std::string reason = "-", group = "-", carc = "-", rarcs = "-", message;
};

Fields FieldsOf(const Engine& engine, const Finding& f) {
  const Program& p = engine.program();
  Fields out;
  const uint32_t reason = engine.ReasonOf(f);
  if (reason != UINT32_MAX) {
    const ReasonData& r = p.reasons[reason];
    out.reason = r.name;
    out.group = f.alt_group ? r.alt_group : r.group;
    out.carc = out.group + "-" + r.carc;
    if (!r.rarcs.empty()) {
      out.rarcs.clear();
      for (const std::string& rarc : r.rarcs)
        out.rarcs += (out.rarcs.empty() ? "" : ", ") + rarc;
    }
  }
  out.message = QuotedText(FindingMessage(engine, f));
  return out;
}

// The fields an expectation writes: `group` alone when it names no CARC.
struct Wanted {
  std::optional<std::string> reason, group, carc, rarcs, message;
};

Wanted WantedOf(const ast::ExpectedFinding& e) {
  Wanted w;
  if (e.reason)
    w.reason = e.reason->text;
  if (e.carc)
    w.carc = e.group->text + "-" + e.carc->text;
  else if (e.group)
    w.group = e.group->text;
  if (e.rarcs) {
    std::string text;
    for (const ast::Name& r : *e.rarcs)
      text += (text.empty() ? "" : ", ") + r.text;
    w.rarcs = text;
  }
  if (e.message)
    w.message = QuotedText(e.message->text);
  return w;
}

// How many written fields `f` matches.
int Matches(const Wanted& w, const Fields& f) {
  return (w.reason && *w.reason == f.reason) + (w.group && *w.group == f.group) +
         (w.carc && *w.carc == f.carc) + (w.rarcs && *w.rarcs == f.rarcs) +
         (w.message && *w.message == f.message);
}

int Written(const Wanted& w) {
  return w.reason.has_value() + w.group.has_value() + w.carc.has_value() + w.rarcs.has_value() +
         w.message.has_value();
}

// `pend documentation group CO "message"`: the outcome and the fields `w` writes, from `f`.
std::string Describe(const std::string& outcome, const Wanted& w, const Fields& f) {
  std::string out = outcome;
  if (w.reason)
    out += " " + f.reason;
  if (w.group)
    out += " group " + f.group;
  if (w.carc)
    out += " " + f.carc;
  if (w.rarcs)
    out += " remark " + f.rarcs;
  if (w.message)
    out += " " + f.message;
  return out;
}

std::string DescribeWanted(const std::string& outcome, const Wanted& w) {
  Fields f;
  f.reason = w.reason.value_or("");
  f.group = w.group.value_or("");
  f.carc = w.carc.value_or("");
  f.rarcs = w.rarcs.value_or("");
  f.message = w.message.value_or("");
  return Describe(outcome, w, f);
}

}  // namespace

ProgramSources::ProgramSources(const Compilation& c) {
  // The code generator emits one program source per AST file, in order (codegen.cpp).
  for (const ast::File& file : c.sources.ast.files)
    files_.push_back(&c.sources.files.Get(file.file));
}

std::string_view ProgramSources::Name(uint32_t program_file) const {
  return program_file < files_.size() ? std::string_view(files_[program_file]->name()) : "?";
}

const SourceFile* ProgramSources::File(uint32_t program_file) const {
  return program_file < files_.size() ? files_[program_file] : nullptr;
}

std::string ProgramSources::Site(uint32_t program_file, uint32_t offset) const {
  const SourceFile* file = File(program_file);
  if (!file)
    return "?";
  LineCol at = file->Locate(offset);
  return fmt::format("{}:{}:{}", file->name(), at.line, at.column);
}

std::vector<std::string> CheckExpect(const Engine& engine, const ProgramSources& sources,
                                     const ClaimDecision& decision, const ast::Expect& expect,
                                     const std::string& at) {
  std::vector<std::string> report;
  auto line = static_cast<uint32_t>(expect.line - 1);
  if (line >= decision.lines.size()) {
    report.push_back(
        fmt::format("{}: expect line {}: the claim has no such line", at, expect.line));
    return report;
  }
  const LineDecision& d = decision.lines[line];
  const Program& p = engine.program();
  Wanted want = WantedOf(expect);

  // The finding the report compares against: of the expected decision if any, matching the most
  // written fields; ties go to the first (the strongest).
  std::optional<Fields> best;
  uint32_t best_index = UINT32_MAX;
  int best_score = -1;
  std::vector<std::string> flags;
  std::vector<Fields> fields(d.finding_count);
  for (uint32_t i = 0; i < d.finding_count; ++i) {
    const Finding& f = decision.findings[d.first_finding + i];
    fields[i] = FieldsOf(engine, f);
    if (f.kind == OutcomeKind::Flag) {
      flags.push_back(QuotedText(FindingMessage(engine, f)));
      continue;
    }
    int score = (DecisionOf(f.kind) == expect.decision ? 16 : 0) + Matches(want, fields[i]);
    if (score > best_score) {
      best_score = score;
      best = fields[i];
      best_index = i;
    }
  }
  bool decision_ok = d.decision == expect.decision;
  bool finding_ok = Written(want) == 0 || best_score == 16 + Written(want);
  bool flags_ok = true;
  for (const ast::Name& flag : expect.flags) {
    if (std::find(flags.begin(), flags.end(), QuotedText(flag.text)) == flags.end())
      flags_ok = false;
  }
  // Each `also` is another finding of the line, of its outcome, carrying what it writes; no
  // finding answers two clauses (nor the one the decision's fields matched).
  std::vector<bool> used(d.finding_count, false);
  if (finding_ok && Written(want) > 0 && best_index != UINT32_MAX)
    used[best_index] = true;
  std::vector<std::array<std::string, 3>> also_rows;
  bool also_ok = true;
  for (const ast::ExpectAlso& also : expect.also) {
    Wanted w = WantedOf(also);
    std::string outcome = OutcomeWord(also.kind);
    uint32_t found = UINT32_MAX, closest = UINT32_MAX;
    int closest_score = -1;
    for (uint32_t i = 0; i < d.finding_count; ++i) {
      const Finding& f = decision.findings[d.first_finding + i];
      if (used[i] || OutcomeWord(f.kind) != outcome)
        continue;
      int score = Matches(w, fields[i]);
      if (score == Written(w)) {
        found = i;
        break;
      }
      if (score > closest_score) {
        closest_score = score;
        closest = i;
      }
    }
    std::string expected = DescribeWanted(outcome, w);
    if (found != UINT32_MAX) {
      used[found] = true;
      also_rows.push_back({"also", expected, expected});
      continue;
    }
    also_ok = false;
    also_rows.push_back({"also", expected,
                         closest == UINT32_MAX ? fmt::format("(no {} finding)", outcome)
                                               : Describe(outcome, w, fields[closest])});
  }
  if (decision_ok && finding_ok && flags_ok && also_ok)
    return report;

  // field, expected, actual
  std::vector<std::array<std::string, 3>> rows;
  rows.push_back({"decision", DecisionName(expect.decision), DecisionName(d.decision)});
  Fields none;
  none.message.push_back('-');  // appended: GCC 12 -O3 misreads `= "-"` (-Wrestrict)
  const Fields& actual = best ? *best : none;
  if (want.reason)
    rows.push_back({"reason", *want.reason, actual.reason});
  if (want.group)
    rows.push_back({"group", *want.group, actual.group});
  if (want.carc)
    rows.push_back({"carc", *want.carc, actual.carc});
  if (want.rarcs)
    rows.push_back({"remark", *want.rarcs, actual.rarcs});
  if (want.message)
    rows.push_back({"message", *want.message, actual.message});
  for (const ast::Name& flag : expect.flags) {
    std::string q = QuotedText(flag.text);
    std::string got = std::find(flags.begin(), flags.end(), q) != flags.end() ? q : "";
    if (got.empty()) {
      for (const std::string& f : flags)
        got += (got.empty() ? "" : ", ") + f;
      if (got.empty())
        got = "(no flag)";
    }
    rows.push_back({"flag", q, got});
  }
  rows.insert(rows.end(), also_rows.begin(), also_rows.end());
  size_t width = std::string_view("expected").size();
  for (const auto& row : rows)
    width = std::max(width, row[1].size());

  report.push_back(fmt::format("{}: expect line {}", at, expect.line));
  report.push_back(fmt::format("    {:<9} {:<{}}  {}", "", "expected", width, "actual"));
  for (const auto& row : rows) {
    report.push_back(fmt::format("  {} {:<9} {:<{}}  {}", row[1] == row[2] ? " " : "✗", row[0],
                                 row[1], width, row[2]));
  }
  if (d.finding_count == 0) {
    report.push_back(
        fmt::format("  line {} has no findings ({})", expect.line,
                    d.rules_applied ? "the rules that applied were satisfied" : "no rule applied"));
    return report;
  }
  report.push_back(fmt::format("  findings on line {}:", expect.line));
  for (uint32_t i = 0; i < d.finding_count; ++i) {
    const Finding& f = decision.findings[d.first_finding + i];
    const OutcomeData& o = p.outcomes[f.outcome];
    std::string codes;
    if (f.kind != OutcomeKind::Flag) {
      codes = fmt::format(" {} {}", fields[i].reason, fields[i].carc);
      if (fields[i].rarcs != "-")
        codes += " remark " + fields[i].rarcs;
    }
    report.push_back(fmt::format("    {}{} {}  rule `{}` at {}", OutcomeWord(f.kind), codes,
                                 fields[i].message, p.rules[o.rule].name,
                                 sources.Site(o.file, o.begin)));
  }
  return report;
}

}  // namespace warrant::driver
