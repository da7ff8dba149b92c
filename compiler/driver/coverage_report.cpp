#include "compiler/driver/coverage_report.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

const char* KindWord(SiteKind kind) {
  switch (kind) {
    case SiteKind::Applies:
      return "applies";
    case SiteKind::Require:
      return "require";
    case SiteKind::When:
      return "when";
    case SiteKind::Direct:
      return "direct";
  }
  return "require";
}

bool HasOutcome(SiteKind kind) {
  return kind == SiteKind::Require || kind == SiteKind::Direct;
}

bool HasUnknownOutcome(const OutcomeData& o, SiteKind kind) {
  return kind == SiteKind::Require && o.unknown_kind != OutcomeKind::AutoPend;
}

// The statement's text on one line: whitespace runs collapsed, at most `limit` code points.
std::string OneLine(std::string_view text, size_t limit) {
  std::string out;
  size_t points = 0;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      ++points;
      space = false;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      if (points >= limit) {
        out += "…";
        return out;
      }
      ++points;
    }
    out += c;
  }
  return out;
}

std::string SiteText(const Program& program, const OutcomeData& o, SiteKind kind) {
  if (o.file >= program.sources.size())
    return "";
  std::string_view text = program.sources[o.file].text;
  if (o.begin > o.end || o.end > text.size())
    return "";
  std::string prefix = kind == SiteKind::When ? "when " : "";
  return OneLine(prefix + std::string(text.substr(o.begin, o.end - o.begin)), 80);
}

// Rules of each source file in source order, and each rule's sites in source order.
struct Layout {
  std::vector<std::vector<uint32_t>> rules_of_file;
  std::vector<std::vector<uint32_t>> sites_of_rule;
};

Layout MakeLayout(const Program& program) {
  Layout layout;
  layout.rules_of_file.resize(program.sources.size());
  layout.sites_of_rule.resize(program.rules.size());
  for (uint32_t r = 0; r < program.rules.size(); ++r) {
    if (program.rules[r].file < program.sources.size()) {
      layout.rules_of_file[program.rules[r].file].push_back(r);
    }
  }
  for (auto& rules : layout.rules_of_file) {
    std::stable_sort(rules.begin(), rules.end(), [&](uint32_t a, uint32_t b) {
      return program.rules[a].begin < program.rules[b].begin;
    });
  }
  for (uint32_t s = 0; s < program.outcomes.size(); ++s) {
    if (program.outcomes[s].rule < program.rules.size()) {
      layout.sites_of_rule[program.outcomes[s].rule].push_back(s);
    }
  }
  for (auto& sites : layout.sites_of_rule) {
    std::stable_sort(sites.begin(), sites.end(), [&](uint32_t a, uint32_t b) {
      return program.outcomes[a].begin < program.outcomes[b].begin;
    });
  }
  return layout;
}

uint32_t LineOf(const ProgramSources& sources, uint32_t file, uint32_t offset) {
  const SourceFile* f = sources.File(file);
  return f ? f->Locate(offset).line : 0;
}

}  // namespace

CoverageTotals Totals(const Program& program, const CoverageSink& coverage) {
  CoverageTotals t;
  for (uint32_t s = 0; s < program.outcomes.size(); ++s) {
    const SiteCoverage& c = coverage.sites()[s];
    t.requirements++;
    t.seen_true += c.true_count > 0;
    t.seen_false += c.false_count > 0;
    t.seen_unknown += c.unknown_count > 0;
    if (HasOutcome(c.kind)) {
      t.outcomes++;
      t.fired += c.fired > 0;
    }
    if (HasUnknownOutcome(program.outcomes[s], c.kind)) {
      t.outcomes++;
      t.fired += c.fired_unknown > 0;
    }
  }
  return t;
}

std::string Percent(uint32_t n, uint32_t d) {
  uint64_t tenths = d == 0 ? 1000 : static_cast<uint64_t>(n) * 1000 / d;
  return fmt::format("{}.{}%", tenths / 10, tenths % 10);
}

bool AtLeast(uint32_t n, uint32_t d, uint32_t tenths) {
  return d == 0 || static_cast<uint64_t>(n) * 1000 >= static_cast<uint64_t>(tenths) * d;
}

std::string SummaryLine(const CoverageTotals& t) {
  return fmt::format(
      "requirement coverage: true {} ({}/{}), false {} ({}/{}), unknown {} ({}/{}); outcomes "
      "{}/{}",
      Percent(t.seen_true, t.requirements), t.seen_true, t.requirements,
      Percent(t.seen_false, t.requirements), t.seen_false, t.requirements,
      Percent(t.seen_unknown, t.requirements), t.seen_unknown, t.requirements, t.fired, t.outcomes);
}

void PrintCoverageText(const Program& program, const ProgramSources& sources,
                       const CoverageSink& coverage, std::ostream& out) {
  Layout layout = MakeLayout(program);
  for (uint32_t f = 0; f < program.sources.size(); ++f) {
    if (layout.rules_of_file[f].empty())
      continue;
    out << sources.Name(f) << '\n';
    for (uint32_t r : layout.rules_of_file[f]) {
      const RuleData& rule = program.rules[r];
      const RuleCoverage& rc = coverage.rules()[r];
      out << fmt::format("  rule {} (line {}){}\n", rule.name, LineOf(sources, f, rule.begin),
                         rc.runs == 0 ? ": never ran" : "");
      for (uint32_t s : layout.sites_of_rule[r]) {
        const OutcomeData& o = program.outcomes[s];
        const SiteCoverage& c = coverage.sites()[s];
        std::string outcome;
        if (HasOutcome(c.kind)) {
          outcome = fmt::format("{} {}", c.fired ? "✓" : "✗", OutcomeWord(o.kind));
        }
        std::string tail;
        if (HasUnknownOutcome(o, c.kind)) {
          tail = fmt::format("  (if unknown: {} {})", c.fired_unknown ? "✓" : "✗",
                             OutcomeWord(o.unknown_kind));
        }
        // The outcome column is 8 display columns ("✓ bundle"); "✓" is 3 bytes but 1 column.
        size_t columns = outcome.empty() ? 0 : outcome.size() - 2;
        out << fmt::format("    {:>4}  {} true  {} false  {} unknown  {}{}  {}{}\n",
                           LineOf(sources, o.file, o.begin), c.true_count ? "✓" : "✗",
                           c.false_count ? "✓" : "✗", c.unknown_count ? "✓" : "·", outcome,
                           std::string(8 - std::min<size_t>(columns, 8), ' '),
                           SiteText(program, o, c.kind), tail);
      }
    }
  }
  out << SummaryLine(Totals(program, coverage)) << '\n';
}

std::string CoverageJson(const Program& program, const ProgramSources& sources,
                         const CoverageSink& coverage, size_t passed, size_t failed) {
  Layout layout = MakeLayout(program);
  CoverageTotals t = Totals(program, coverage);
  std::string out;
  auto it = std::back_inserter(out);
  auto percent = [](uint32_t n, uint32_t d) {
    std::string p = Percent(n, d);
    p.pop_back();  // the '%'
    return p;
  };
  fmt::format_to(it, "{{\"version\":1,\"tests\":{{\"passed\":{},\"failed\":{}}},", passed, failed);
  fmt::format_to(it,
                 "\"summary\":{{\"requirements\":{},\"true\":{},\"false\":{},\"unknown\":{},"
                 "\"true_percent\":{},\"false_percent\":{},\"unknown_percent\":{},"
                 "\"outcomes\":{},\"outcomes_fired\":{}}},\"files\":[",
                 t.requirements, t.seen_true, t.seen_false, t.seen_unknown,
                 percent(t.seen_true, t.requirements), percent(t.seen_false, t.requirements),
                 percent(t.seen_unknown, t.requirements), t.outcomes, t.fired);
  bool first_file = true;
  for (uint32_t f = 0; f < program.sources.size(); ++f) {
    if (layout.rules_of_file[f].empty())
      continue;
    out += first_file ? "{\"file\":" : ",{\"file\":";
    first_file = false;
    AppendJsonString(out, sources.Name(f));
    out += ",\"rules\":[";
    bool first_rule = true;
    for (uint32_t r : layout.rules_of_file[f]) {
      const RuleData& rule = program.rules[r];
      out += first_rule ? "{\"name\":" : ",{\"name\":";
      first_rule = false;
      AppendJsonString(out, rule.name);
      fmt::format_to(it, ",\"line\":{},\"runs\":{},\"requirements\":[",
                     LineOf(sources, f, rule.begin), coverage.rules()[r].runs);
      bool first_site = true;
      for (uint32_t s : layout.sites_of_rule[r]) {
        const OutcomeData& o = program.outcomes[s];
        const SiteCoverage& c = coverage.sites()[s];
        const SourceFile* file = sources.File(o.file);
        LineCol at = file ? file->Locate(o.begin) : LineCol{};
        fmt::format_to(it, "{}{{\"line\":{},\"column\":{},\"kind\":\"{}\",\"text\":",
                       first_site ? "" : ",", at.line, at.column, KindWord(c.kind));
        first_site = false;
        AppendJsonString(out, SiteText(program, o, c.kind));
        fmt::format_to(it, ",\"true\":{},\"false\":{},\"unknown\":{}", c.true_count, c.false_count,
                       c.unknown_count);
        auto outcome = [&](const char* key, OutcomeKind kind, uint32_t reason, uint32_t fired) {
          fmt::format_to(it, ",\"{}\":{{\"kind\":\"{}\",\"reason\":", key, OutcomeWord(kind));
          if (reason < program.reasons.size()) {
            AppendJsonString(out, program.reasons[reason].name);
          } else {
            out += "null";
          }
          fmt::format_to(it, ",\"fired\":{}}}", fired);
        };
        if (HasOutcome(c.kind))
          outcome("outcome", o.kind, o.reason, c.fired);
        if (HasUnknownOutcome(o, c.kind)) {
          outcome("unknown_outcome", o.unknown_kind, o.unknown_reason, c.fired_unknown);
        }
        out += '}';
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

}  // namespace warrant::driver
