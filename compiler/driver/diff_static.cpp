// Comparing two programs' policies, rules, codesets, tables and reasons.
#include "compiler/driver/diff_static.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"

namespace warrant::driver {
namespace {

constexpr size_t kMaxCodesListed = 200;  // codes listed per codeset and direction
constexpr size_t kMaxRowsListed = 50;    // row keys listed per table and kind
constexpr size_t kRangeExpand = 20;      // a range of up to this many known codes is listed

std::string Date(Day d) {
  return FormatDate(d).str();
}

std::string Effective(const PolicyData& p) {
  return p.until == kMaxDay ? Date(p.from) : fmt::format("{} .. {}", Date(p.from), Date(p.until));
}

// The rule's source lines, each trimmed, blank lines left out: what "changed" compares.
std::vector<std::string> RuleLines(const Program& program, const RuleData& rule) {
  std::vector<std::string> lines;
  if (rule.file >= program.sources.size())
    return lines;
  const std::string& text = program.sources[rule.file].text;
  if (rule.begin > rule.end || rule.end > text.size())
    return lines;
  const std::string_view body(text.data() + rule.begin, rule.end - rule.begin);
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos)
      nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (!line.empty())
      lines.emplace_back(line);
    pos = nl + 1;
  }
  return lines;
}

// An ordered line diff (longest common subsequence) of two short texts.
std::vector<std::pair<char, std::string>> LineDiff(const std::vector<std::string>& a,
                                                   const std::vector<std::string>& b) {
  std::vector<std::pair<char, std::string>> out;
  const size_t n = a.size(), m = b.size();
  if (n * m > 250000) {  // a rule this long: every line
    for (const std::string& line : a)
      out.emplace_back('-', line);
    for (const std::string& line : b)
      out.emplace_back('+', line);
    return out;
  }
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.emplace_back('-', a[i++]);  // what went before what came
    } else {
      out.emplace_back('+', b[j++]);
    }
  }
  return out;
}

void CompareField(std::vector<FieldChange>& fields, std::string_view name,
                  const std::string& before, const std::string& after) {
  if (before != after)
    fields.push_back({std::string(name), before, after});
}

std::vector<RuleChange> CompareRules(const Program& a, const PolicyData& pa, const Program& b,
                                     const PolicyData& pb) {
  std::map<std::string, const RuleData*> old_rules, new_rules;
  for (uint32_t i = 0; i < pa.rule_count && pa.first_rule + i < a.rules.size(); ++i)
    old_rules.emplace(a.rules[pa.first_rule + i].name, &a.rules[pa.first_rule + i]);
  for (uint32_t i = 0; i < pb.rule_count && pb.first_rule + i < b.rules.size(); ++i)
    new_rules.emplace(b.rules[pb.first_rule + i].name, &b.rules[pb.first_rule + i]);
  std::vector<RuleChange> changes;
  for (const auto& [name, rule] : old_rules) {
    if (!new_rules.count(name))
      changes.push_back({name, "removed", rule->title, {}, {}});
  }
  for (const auto& [name, rule] : new_rules) {
    auto it = old_rules.find(name);
    if (it == old_rules.end()) {
      changes.push_back({name, "added", rule->title, {}, {}});
      continue;
    }
    const RuleData& old_rule = *it->second;
    RuleChange change{name, "changed", rule->title, {}, {}};
    CompareField(change.fields, "title", old_rule.title, rule->title);
    CompareField(change.fields, "effective", Date(old_rule.from), Date(rule->from));
    CompareField(change.fields, "until", Date(old_rule.until), Date(rule->until));
    const std::vector<std::string> before = RuleLines(a, old_rule), after = RuleLines(b, *rule);
    if (before != after)
      change.lines = LineDiff(before, after);
    if (!change.fields.empty() || !change.lines.empty())
      changes.push_back(std::move(change));
  }
  std::sort(changes.begin(), changes.end(),
            [](const RuleChange& x, const RuleChange& y) { return x.name < y.name; });
  return changes;
}

std::vector<PolicyChange> ComparePolicies(const Program& a, const Program& b) {
  using Key = std::pair<std::string, int64_t>;
  std::map<Key, const PolicyData*> old_p, new_p;
  for (const PolicyData& p : a.policies)
    old_p.emplace(Key{p.id, p.version}, &p);
  for (const PolicyData& p : b.policies)
    new_p.emplace(Key{p.id, p.version}, &p);
  std::vector<PolicyChange> changes;
  auto it_old = old_p.begin();
  auto it_new = new_p.begin();
  while (it_old != old_p.end() || it_new != new_p.end()) {
    if (it_new == new_p.end() || (it_old != old_p.end() && it_old->first < it_new->first)) {
      const PolicyData& p = *it_old->second;
      changes.push_back({p.id, p.version, "removed", p.title, Effective(p), {}, {}});
      ++it_old;
    } else if (it_old == old_p.end() || it_new->first < it_old->first) {
      const PolicyData& p = *it_new->second;
      changes.push_back({p.id, p.version, "added", p.title, Effective(p), {}, {}});
      ++it_new;
    } else {
      const PolicyData& po = *it_old->second;
      const PolicyData& pn = *it_new->second;
      PolicyChange change{pn.id, pn.version, "changed", pn.title, Effective(pn), {}, {}};
      CompareField(change.fields, "title", po.title, pn.title);
      CompareField(change.fields, "source", po.source, pn.source);
      CompareField(change.fields, "effective", Date(po.from), Date(pn.from));
      CompareField(change.fields, "until", Date(po.until), Date(pn.until));
      change.rules = CompareRules(a, po, b, pn);
      if (!change.fields.empty() || !change.rules.empty())
        changes.push_back(std::move(change));
      ++it_old;
      ++it_new;
    }
  }
  return changes;
}

std::string CodeString(uint64_t packed) {
  const std::optional<CodeText> text = Unpack(packed);
  return text ? text->str() : fmt::format("#{:x}", packed);
}

// The short title of `packed` in the latest version of either terminology that has it.
std::string Describe(uint64_t packed, const Terminology* first, const Terminology* second) {
  for (const Terminology* terms : {first, second}) {
    if (!terms)
      continue;
    const auto versions = terms->versions();
    for (size_t i = versions.size(); i-- > 0;) {
      if (const std::optional<size_t> at = versions[i].Find(packed))
        return std::string(versions[i].Title(*at));
    }
  }
  return {};
}

// The known codes of `interval` in the latest version that holds any, or empty.
std::span<const uint64_t> KnownCodes(CodeInterval interval, const Terminology* terms) {
  if (!terms)
    return {};
  const auto versions = terms->versions();
  for (size_t i = versions.size(); i-- > 0;) {
    const std::span<const uint64_t> codes = versions[i].CodesIn(interval);
    if (!codes.empty())
      return codes;
  }
  return {};
}

std::vector<CodeChange> ListCodes(const Codeset& set, const Terminology* primary,
                                  const Terminology* secondary) {
  std::vector<CodeChange> codes;
  for (const CodeInterval& interval : set.intervals()) {
    if (codes.size() >= kMaxCodesListed)
      break;
    if (interval.lo == interval.hi) {
      codes.push_back({CodeString(interval.lo), Describe(interval.lo, primary, secondary)});
      continue;
    }
    std::span<const uint64_t> known = KnownCodes(interval, primary);
    if (known.empty())
      known = KnownCodes(interval, secondary);
    if (!known.empty() && known.size() <= kRangeExpand) {
      for (uint64_t code : known)
        codes.push_back({CodeString(code), Describe(code, primary, secondary)});
      continue;
    }
    codes.push_back(
        {fmt::format("{} .. {}", CodeString(interval.lo), CodeString(interval.hi)),
         known.empty() ? std::string() : fmt::format("{} codes in the terminology", known.size())});
  }
  return codes;
}

std::map<std::string, const Codeset*> CodesetsByName(const Program& p) {
  std::map<std::string, const Codeset*> sets;
  for (size_t i = 0; i < p.codesets.size() && i < p.codeset_names.size(); ++i) {
    std::string name = p.codeset_names[i];
    if (p.debug.codesets.size() == p.codesets.size() &&
        p.debug.codesets[i].file < p.sources.size()) {
      name = fmt::format("{}: {}", p.sources[p.debug.codesets[i].file].name, name);
    }
    sets.emplace(std::move(name), &p.codesets[i]);
  }
  return sets;
}

std::vector<CodesetChange> CompareCodesets(const Program& a, const Terminology* ta,
                                           const Program& b, const Terminology* tb) {
  const auto old_sets = CodesetsByName(a), new_sets = CodesetsByName(b);
  std::vector<CodesetChange> changes;
  for (const auto& [name, set] : old_sets) {
    if (!new_sets.count(name))
      changes.push_back({name, "removed", {}, ListCodes(*set, ta, tb)});
  }
  for (const auto& [name, set] : new_sets) {
    auto it = old_sets.find(name);
    if (it == old_sets.end()) {
      changes.push_back({name, "added", ListCodes(*set, tb, ta), {}});
      continue;
    }
    if (*it->second == *set)
      continue;
    changes.push_back({name, "changed", ListCodes(Codeset::Difference(*set, *it->second), tb, ta),
                       ListCodes(Codeset::Difference(*it->second, *set), ta, tb)});
  }
  std::sort(changes.begin(), changes.end(),
            [](const CodesetChange& x, const CodesetChange& y) { return x.name < y.name; });
  return changes;
}

bool SameConstant(const Constant& x, const Constant& y) {
  return x.tag == y.tag && x.sub == y.sub && x.i == y.i && x.text == y.text && x.items == y.items;
}

// Each row's key as text, mapped to its cells.
std::map<std::string, std::vector<const Constant*>> TableRows(const TableData& t) {
  std::map<std::string, std::vector<const Constant*>> rows;
  const size_t count = t.key_tag == Tag::String ? t.string_keys.size() : t.int_keys.size();
  const size_t width = std::max<size_t>(t.columns.size(), 1);
  for (size_t r = 0; r < count; ++r) {
    std::string key = t.key_tag == Tag::String ? t.string_keys[r]
                      : t.key_tag == Tag::Code ? CodeString(static_cast<uint64_t>(t.int_keys[r]))
                                               : std::to_string(t.int_keys[r]);
    std::vector<const Constant*> cells;
    for (size_t c = 0; c < width && r * width + c < t.cells.size(); ++c)
      cells.push_back(&t.cells[r * width + c]);
    rows.emplace(std::move(key), std::move(cells));
  }
  return rows;
}

std::vector<TableChange> CompareTables(const Program& a, const Program& b) {
  std::map<std::string, const TableData*> old_t, new_t;
  for (const TableData& t : a.tables)
    old_t.emplace(t.name, &t);
  for (const TableData& t : b.tables)
    new_t.emplace(t.name, &t);
  std::vector<TableChange> changes;
  for (const auto& [name, t] : old_t) {
    if (!new_t.count(name))
      changes.push_back({name, "removed", {}, {}, {}});
  }
  for (const auto& [name, t] : new_t) {
    auto it = old_t.find(name);
    if (it == old_t.end()) {
      changes.push_back({name, "added", {}, {}, {}});
      continue;
    }
    const auto before = TableRows(*it->second), after = TableRows(*t);
    TableChange change{name, "changed", {}, {}, {}};
    if (it->second->columns != t->columns)
      change.changed.push_back("(columns)");
    for (const auto& [key, cells] : before) {
      auto found = after.find(key);
      if (found == after.end()) {
        if (change.removed.size() < kMaxRowsListed)
          change.removed.push_back(key);
        continue;
      }
      bool same = cells.size() == found->second.size();
      for (size_t c = 0; same && c < cells.size(); ++c)
        same = SameConstant(*cells[c], *found->second[c]);
      if (!same && change.changed.size() < kMaxRowsListed)
        change.changed.push_back(key);
    }
    for (const auto& [key, cells] : after) {
      if (!before.count(key) && change.added.size() < kMaxRowsListed)
        change.added.push_back(key);
    }
    if (!change.added.empty() || !change.removed.empty() || !change.changed.empty())
      changes.push_back(std::move(change));
  }
  std::sort(changes.begin(), changes.end(),
            [](const TableChange& x, const TableChange& y) { return x.name < y.name; });
  return changes;
}

std::string Remittance(const ReasonData& r) {
  std::string text =
      r.carc.empty() ? std::string("(no code)") : fmt::format("{}-{}", r.group, r.carc);
  for (const std::string& rarc : r.rarcs)
    text += " " + rarc;
  return text;
}

// Reasons are named per file, so one name may stand for several: each name's set of
// remittance codes is compared.
std::vector<FieldChange> CompareReasons(const Program& a, const Program& b) {
  auto by_name = [](const Program& p) {
    std::map<std::string, std::set<std::string>> names;
    for (const ReasonData& r : p.reasons)
      names[r.name].insert(Remittance(r));
    return names;
  };
  auto join = [](const std::set<std::string>& codes) {
    std::string text;
    for (const std::string& c : codes)
      text += (text.empty() ? "" : "; ") + c;
    return text;
  };
  const auto old_r = by_name(a), new_r = by_name(b);
  std::vector<FieldChange> changes;
  for (const auto& [name, codes] : old_r) {
    if (!new_r.count(name))
      changes.push_back({name, join(codes), "(removed)"});
  }
  for (const auto& [name, codes] : new_r) {
    auto it = old_r.find(name);
    if (it == old_r.end())
      changes.push_back({name, "(added)", join(codes)});
    else if (it->second != codes)
      changes.push_back({name, join(it->second), join(codes)});
  }
  std::sort(changes.begin(), changes.end(),
            [](const FieldChange& x, const FieldChange& y) { return x.field < y.field; });
  return changes;
}

// The first line of each top-level `let` of `text` (one written at the start of its line).
std::vector<std::string> TopLevelLets(const std::string& text) {
  std::vector<std::string> lets;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos)
      nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.substr(0, 4) == "let ")
      lets.emplace_back(line);
    pos = nl + 1;
  }
  return lets;
}

std::vector<LetChange> CompareLets(const Program& a, const Program& b) {
  std::map<std::string, const SourceData*> old_files;
  for (const SourceData& f : a.sources)
    old_files.emplace(f.name, &f);
  std::vector<LetChange> changes;
  for (const SourceData& f : b.sources) {
    auto it = old_files.find(f.name);
    if (it == old_files.end() || it->second->text == f.text)
      continue;
    const std::vector<std::string> before = TopLevelLets(it->second->text);
    const std::vector<std::string> after = TopLevelLets(f.text);
    if (before != after)
      changes.push_back({f.name, LineDiff(before, after)});
  }
  std::sort(changes.begin(), changes.end(),
            [](const LetChange& x, const LetChange& y) { return x.file < y.file; });
  return changes;
}

}  // namespace

StaticDiff CompareStatic(const Program& old_program, const Terminology* old_terms,
                         const Program& new_program, const Terminology* new_terms) {
  StaticDiff diff;
  diff.policies = ComparePolicies(old_program, new_program);
  diff.codesets = CompareCodesets(old_program, old_terms, new_program, new_terms);
  diff.tables = CompareTables(old_program, new_program);
  diff.reasons = CompareReasons(old_program, new_program);
  diff.lets = CompareLets(old_program, new_program);
  return diff;
}

}  // namespace warrant::driver
