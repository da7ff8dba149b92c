// Test records built from parts: fixtures (`fixture base { ... }`), `given base with { ... }`
// (a deep merge) and generated records (`generate 20 of {...} every 7 days from D`).
//
// Every part written in the source is checked against the claim schema where it is written
// (check_given.cpp), so an error points at the text that has it; here the parts are resolved,
// merged and expanded into the one claim a test decides (CheckedProgram::test_claims). Merging:
// an object merges member by member, recursively; anything else, lists included, is replaced by
// the value written in `with` (a list is written whole, so the lines an `expect` counts are the
// ones in sight). `null` replaces too, which makes a field absent.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "runtime/core/date.h"
#include "runtime/core/text.h"

namespace warrant::check {

using diag::DiagCode;

namespace {

void Serialize(const RecordValue& v, std::string& out) {
  switch (v.kind) {
    case ast::JsonKind::Null:
    case ast::JsonKind::Generate:  // never left in a built record
      out += "null";
      return;
    case ast::JsonKind::Bool:
      out += v.boolean ? "true" : "false";
      return;
    case ast::JsonKind::Number:
      out += v.text;
      return;
    case ast::JsonKind::String:
      AppendJsonString(out, v.text);
      return;
    case ast::JsonKind::Array:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i)
          out += ',';
        Serialize(v.items[i], out);
      }
      out += ']';
      return;
    case ast::JsonKind::Object:
      out += '{';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i)
          out += ',';
        AppendJsonString(out, v.keys[i]);
        out += ':';
        Serialize(v.items[i], out);
      }
      out += '}';
      return;
  }
}

// `with` merged into `base` (see the file comment).
void Merge(RecordValue& base, const RecordValue& with) {
  if (base.kind != ast::JsonKind::Object || with.kind != ast::JsonKind::Object) {
    base = with;
    return;
  }
  for (size_t i = 0; i < with.items.size(); ++i) {
    auto at = std::find(base.keys.begin(), base.keys.end(), with.keys[i]);
    if (at == base.keys.end()) {
      base.keys.push_back(with.keys[i]);
      base.items.push_back(with.items[i]);
    } else {
      Merge(base.items[at - base.keys.begin()], with.items[i]);
    }
  }
}

std::optional<Day> Step(Day from, const ast::Json& g, int64_t k) {
  int64_t n = g.step * k;
  switch (g.unit) {
    case DurationUnit::Days:
      return AddDays(from, n);
    case DurationUnit::Weeks:
      return AddDays(from, n * 7);
    case DurationUnit::Months:
      return AddMonths(from, n);
    case DurationUnit::Years:
      return AddYears(from, n);
  }
  return std::nullopt;
}

}  // namespace

std::string SerializeRecord(const RecordValue& value) {
  std::string out;
  Serialize(value, out);
  return out;
}

// The value of JSON `id` with its generators expanded; nullopt if one of them cannot be (that
// was reported when the JSON was checked).
std::optional<RecordValue> Checker::BuildValue(ast::JsonId id) const {
  const ast::Json& j = ast_.json[id];
  RecordValue v;
  v.kind = j.kind;
  v.boolean = j.boolean;
  v.text = j.text;
  if (j.kind == ast::JsonKind::Generate) {
    std::optional<RecordValue> list = Generated(id);
    return list;
  }
  for (size_t i = 0; i < j.items.size(); ++i) {
    const ast::Json& item = ast_.json[j.items[i]];
    std::optional<RecordValue> value = BuildValue(j.items[i]);
    if (!value)
      return std::nullopt;
    // Inside a list, generated records join the list.
    if (j.kind == ast::JsonKind::Array && item.kind == ast::JsonKind::Generate) {
      for (RecordValue& r : value->items)
        v.items.push_back(std::move(r));
      continue;
    }
    if (j.kind == ast::JsonKind::Object)
      v.keys.push_back(j.keys[i].text);
    v.items.push_back(std::move(*value));
  }
  return v;
}

std::optional<RecordValue> Checker::Generated(ast::JsonId id) const {
  const ast::Json& g = ast_.json[id];
  if (g.count < 1 || g.count > kMaxGenerated || g.step < 1)
    return std::nullopt;
  std::optional<RecordValue> tmpl = BuildValue(g.items[0]);
  if (!tmpl)
    return std::nullopt;
  std::vector<RecordValue> records;
  if (tmpl->kind == ast::JsonKind::Object) {
    records.push_back(*tmpl);
  } else {
    records = tmpl->items;
  }
  RecordValue list;
  list.kind = ast::JsonKind::Array;
  Day from = DaysFromCivil({g.from.year, g.from.month, g.from.day});
  for (int64_t k = 0; k < g.count; ++k) {
    std::optional<Day> day = Step(from, g, k);
    if (!day || !IsInRange(*day))
      return std::nullopt;
    for (const RecordValue& r : records) {
      if (r.kind != ast::JsonKind::Object)
        return std::nullopt;
      RecordValue record = r;
      RecordValue date;
      date.kind = ast::JsonKind::String;
      date.text = FormatDate(*day).str();
      record.keys.push_back("date");
      record.items.push_back(std::move(date));
      list.items.push_back(std::move(record));
    }
  }
  return list;
}

// E0320 for a generator that cannot give records of `elem`; else checks its template.
void Checker::CheckGenerate(uint32_t f, ast::JsonId id, TypeId elem, const std::string& where) {
  const ast::Json& g = ast_.json[id];
  const Type& t = types_.Get(elem);
  const Field* date = nullptr;
  if (t.kind == TypeKind::Record)
    date = types_.GetRecord(t.record).Find("date");
  if (!date || types_.Kind(date->type) != TypeKind::Date) {
    auto& d = Error(f, g.span, DiagCode::InvalidGenerate,
                    fmt::format("the elements of `{}` have no `date` to step", where));
    d.help = "`generate` makes dated records: history, observations or lines";
    return;
  }
  if (g.count < 1 || g.count > kMaxGenerated) {
    auto& d =
        Error(f, g.count_span, DiagCode::InvalidGenerate,
              fmt::format("{} is not a number of records from 1 to {}", g.count, kMaxGenerated));
    d.help = "write the records out, or generate fewer";
  }
  if (g.step < 1) {
    Error(f, g.step_span, DiagCode::InvalidGenerate, "the step must be at least one day").help =
        "write `every 1 day`, `every 2 weeks`, `every 1 month`, ...";
  } else if (g.count >= 1 && g.count <= kMaxGenerated) {
    Day from = DaysFromCivil({g.from.year, g.from.month, g.from.day});
    std::optional<Day> last = Step(from, g, g.count - 1);
    if (!last || !IsInRange(*last)) {
      Error(f, g.step_span, DiagCode::InvalidGenerate, "the dates run past 9999-12-31").help =
          "generate fewer records, or start earlier";
    }
  }
  const ast::Json& tmpl = ast_.json[g.items[0]];
  std::vector<ast::JsonId> records;
  if (tmpl.kind == ast::JsonKind::Object) {
    records.push_back(g.items[0]);
  } else {
    records = tmpl.items;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const ast::Json& r = ast_.json[records[i]];
    std::string at = fmt::format("{}[generated]", where);
    if (r.kind != ast::JsonKind::Object) {
      Error(f, r.span, DiagCode::InvalidGenerate, "each record to repeat is an object `{...}`")
          .help = "write `generate N of {...}` or `generate N of [{...}, {...}]`";
      continue;
    }
    auto date_key = std::find_if(r.keys.begin(), r.keys.end(),
                                 [](const ast::Name& k) { return k.text == "date"; });
    if (date_key != r.keys.end()) {
      Error(f, date_key->span, DiagCode::InvalidGenerate,
            "each record's `date` comes from `every ... from ...`")
          .help = "remove `date` from the record";
      continue;
    }
    CheckGiven(f, records[i], elem, at);
  }
}

void Checker::CheckFixtures(uint32_t f) {
  const ast::File& file = ast_.files[f];
  std::map<std::string, const ast::Fixture*> names;
  for (const ast::Fixture& fixture : file.fixtures) {
    auto [it, inserted] = names.emplace(fixture.name.text, &fixture);
    if (!inserted) {
      auto& d = Error(f, fixture.name.span, DiagCode::DuplicateName, fixture.name.text);
      d.notes.push_back({Fid(f), it->second->name.span, "the first fixture of that name is here"});
    }
  }
  given_facts_ = &out_.fact_scope[f];
  TypeId claim = types_.RecordType(*types_.FindRecord("claim"));
  for (uint32_t i = 0; i < file.fixtures.size(); ++i) {
    const ast::Fixture& fixture = file.fixtures[i];
    if (fixture.json != ast::kNone)
      CheckGiven(f, fixture.json, claim, "claim");
    if (fixture.base) {
      ResolveFixture(f, *fixture.base);
      if (fixture.base->with != ast::kNone)
        CheckGiven(f, fixture.base->with, claim, "claim");
    }
    FixtureValue(f, i);  // reports a fixture built from itself
  }
  given_facts_ = nullptr;
}

std::optional<std::pair<uint32_t, uint32_t>> Checker::ResolveFixture(uint32_t f,
                                                                     const ast::FixtureUse& use,
                                                                     bool report) {
  uint32_t target = f;
  if (use.alias) {
    auto alias = aliases_[f].find(use.alias->text);
    if (alias == aliases_[f].end()) {
      if (report)
        Error(f, use.alias->span, DiagCode::UnknownAlias, use.alias->text);
      return std::nullopt;
    }
    target = alias->second;
    if (target == ast::kNone)
      return std::nullopt;  // the import itself failed (reported)
  }
  const ast::File& file = ast_.files[target];
  std::vector<std::string> names;
  for (uint32_t i = 0; i < file.fixtures.size(); ++i) {
    if (file.fixtures[i].name.text == use.name.text)
      return std::make_pair(target, i);
    names.push_back(file.fixtures[i].name.text);
  }
  if (!report)
    return std::nullopt;
  if (use.alias) {
    auto& d = Error(f, use.name.span, DiagCode::NotExported, use.alias->text, use.name.text);
    d.help.clear();
    Suggest(d, use.name.text, names, use.name.span);
    return std::nullopt;
  }
  auto& d = Error(f, use.name.span, DiagCode::UnknownName, use.name.text);
  d.help.clear();
  Suggest(d, use.name.text, names, use.name.span);
  if (d.help.empty()) {
    std::string list;
    for (const std::string& n : names)
      list += (list.empty() ? "`" : ", `") + n + "`";
    d.help = names.empty() ? "declare it: `fixture NAME { ... }` (a claim record)"
                           : "the fixtures of this file are " + list;
  }
  return std::nullopt;
}

// The record fixture `index` of file `f` stands for; nullopt if it cannot be built.
const std::optional<RecordValue>& Checker::FixtureValue(uint32_t f, uint32_t index) {
  auto& states = fixture_state_[f];
  auto& values = fixture_values_[f];
  if (states.empty()) {
    states.assign(ast_.files[f].fixtures.size(), 0);
    values.assign(ast_.files[f].fixtures.size(), std::nullopt);
  }
  const ast::Fixture& fixture = ast_.files[f].fixtures[index];
  if (states[index] == 2)
    return values[index];
  if (states[index] == 1) {
    Error(f, fixture.name.span, DiagCode::CircularDefinition, fixture.name.text).help =
        "a fixture may start from another, but not from itself through others";
    return values[index];  // nullopt
  }
  states[index] = 1;
  std::optional<RecordValue> value;
  if (fixture.json != ast::kNone) {
    value = BuildValue(fixture.json);
  } else if (fixture.base) {
    value = UseValue(f, *fixture.base);
  }
  values[index] = std::move(value);
  states[index] = 2;
  return values[index];
}

std::optional<RecordValue> Checker::UseValue(uint32_t f, const ast::FixtureUse& use) {
  auto target = ResolveFixture(f, use, false);
  if (!target)
    return std::nullopt;
  std::optional<RecordValue> base = FixtureValue(target->first, target->second);
  if (!base)
    return std::nullopt;
  if (use.with != ast::kNone) {
    std::optional<RecordValue> with = BuildValue(use.with);
    if (!with)
      return std::nullopt;
    Merge(*base, *with);
  }
  return base;
}

size_t RecordLineCount(const RecordValue& claim) {
  if (claim.kind != ast::JsonKind::Object)
    return 0;
  for (size_t i = 0; i < claim.keys.size(); ++i) {
    if (claim.keys[i] == "lines")
      return claim.items[i].kind == ast::JsonKind::Array ? claim.items[i].items.size() : 0;
  }
  return 0;
}

}  // namespace warrant::check
