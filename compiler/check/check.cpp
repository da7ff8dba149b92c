// Declaration-level checking: names per file, facts and reasons, rules and their statements,
// policy versions and tests. Expressions are in check_expr.cpp.
#include <algorithm>
#include <cctype>
#include <tuple>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "stdlib/stdlib.h"

namespace warrant::check {

using diag::DiagCode;

Checker::Checker(const frontend::Sources& sources, diag::DiagSink& sink, CheckedProgram& out,
                 const Terminology* terminology, bool strict_given)
    : sources_(sources),
      ast_(sources.ast),
      sink_(sink),
      out_(out),
      types_(out.types),
      terminology_(terminology),
      strict_given_(strict_given) {
  out_.ast = &sources.ast;
  types_.AddSchema(out_.schema);
  t_bool_ = types_.Scalar(TypeKind::Bool);
  t_int_ = types_.Scalar(TypeKind::Int);
  t_decimal_ = types_.Scalar(TypeKind::Decimal);
  t_string_ = types_.Scalar(TypeKind::String);
  t_date_ = types_.Scalar(TypeKind::Date);
  t_duration_ = types_.Scalar(TypeKind::Duration);
  t_none_ = types_.Scalar(TypeKind::None);
  t_facts_ = types_.Scalar(TypeKind::Facts);
  out_.expr_types.assign(ast_.exprs.size(), types_.error());
  out_.expr_refs.assign(ast_.exprs.size(), Ref{});
  size_t n = ast_.files.size();
  file_names_.resize(n);
  aliases_.resize(n);
  let_state_.resize(n);
  codeset_state_.resize(n);
  fixture_state_.resize(n);
  fixture_values_.resize(n);
  out_.test_claims.resize(n);
  out_.codeset_systems.resize(n);
  out_.let_types.resize(n);
  out_.table_types.resize(n);
}

std::string_view Checker::Text(uint32_t file, Span span) const {
  const std::string& text = sources_.files.Get(Fid(file)).text();
  if (span.end > text.size() || span.begin > span.end)
    return {};
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

void Checker::Run() {
  CollectCodeSystems();
  for (uint32_t f = 0; f < ast_.files.size(); ++f)
    CollectFileNames(f);
  CollectExtensions();
  CollectFactsAndReasons();
  FinishSchema();
  for (uint32_t f = 0; f < ast_.files.size(); ++f)
    CheckFile(f);
  CheckPolicies();
}

// Codesets, tables and file-level lets share one namespace per file, since an expression names
// them all the same way.
void Checker::CollectFileNames(uint32_t f) {
  const ast::File& file = ast_.files[f];
  auto& names = file_names_[f];
  auto declare = [&](const ast::Name& name, Ref ref) {
    auto [it, inserted] = names.emplace(name.text, ref);
    if (!inserted) {
      Error(f, name.span, DiagCode::DuplicateName, name.text);
    }
  };
  for (uint32_t i = 0; i < file.codesets.size(); ++i) {
    declare(file.codesets[i].name, Ref{RefKind::Codeset, f, i});
  }
  for (uint32_t i = 0; i < file.tables.size(); ++i) {
    declare(file.tables[i].name, Ref{RefKind::Table, f, i});
  }
  for (uint32_t i = 0; i < file.lets.size(); ++i) {
    declare(file.lets[i].name, Ref{RefKind::GlobalLet, f, i});
  }
  let_state_[f].assign(file.lets.size(), 0);
  codeset_state_[f].assign(file.codesets.size(), 0);
  out_.let_types[f].assign(file.lets.size(), types_.error());
  out_.table_types[f].assign(file.tables.size(), types_.error());
  out_.codeset_systems[f].assign(file.codesets.size(), CodeSystem::Icd10cm);
  const auto& targets = sources_.import_targets[f];
  for (uint32_t i = 0; i < file.imports.size(); ++i) {
    const ast::Import& imp = file.imports[i];
    uint32_t target = i < targets.size() ? targets[i] : ast::kNone;
    if (!aliases_[f].emplace(imp.alias.text, target).second) {
      Error(f, imp.alias.span, DiagCode::DuplicateName, imp.alias.text);
    }
  }
}

// Reasons and facts are scoped to the file that declares them and the files that import it
// (language.md §2): a file's own declaration wins, then those of its imports, then the standard
// reasons. So a v2 file copied from v1 declares its reasons again without a clash, and a file
// that maps a standard reason to its own codes changes only its own findings (and its
// importers'). Facts stay one per name in the pack, since a claim carries one `facts` object.
void Checker::CollectFactsAndReasons() {
  for (const stdlib::ReasonInfo& r : stdlib::Reasons()) {
    ReasonDecl decl;
    decl.name = r.name;
    decl.group = r.group;
    decl.carc = r.carc;
    std::string rarcs(r.rarcs);
    for (size_t pos = 0; pos < rarcs.size();) {
      size_t next = rarcs.find(' ', pos);
      if (next == std::string::npos)
        next = rarcs.size();
      if (next > pos)
        decl.rarcs.push_back(rarcs.substr(pos, next - pos));
      pos = next + 1;
    }
    decl.description = r.description;
    std_reasons_[decl.name] = static_cast<uint32_t>(out_.reasons.size());
    out_.reasons.push_back(std::move(decl));
  }
  size_t n = ast_.files.size();
  std::vector<std::map<std::string, uint32_t>> own_reasons(n);
  std::vector<std::map<std::string, FactRef>> own_facts(n);
  for (uint32_t f = 0; f < n; ++f) {
    const ast::File& file = ast_.files[f];
    for (uint32_t i = 0; i < file.reasons.size(); ++i) {
      const ast::Reason& r = file.reasons[i];
      ReasonDecl decl;
      decl.name = r.name.text;
      decl.group = r.group.text;
      decl.carc = r.carc.text;
      for (const ast::Name& rarc : r.rarcs)
        decl.rarcs.push_back(rarc.text);
      if (r.description)
        decl.description = r.description->text;
      decl.from_stdlib = false;
      decl.file = f;
      decl.index = i;
      auto index = static_cast<uint32_t>(out_.reasons.size());
      auto [it, inserted] = own_reasons[f].emplace(decl.name, index);
      if (!inserted) {
        auto& d = Error(f, r.name.span, DiagCode::DuplicateName, r.name.text);
        const ast::Reason& prev = file.reasons[out_.reasons[it->second].index];
        d.notes.push_back({Fid(f), prev.name.span, "the first declaration is here"});
        d.help = "declare each reason once per file";
        continue;
      }
      out_.reasons.push_back(std::move(decl));
    }
    for (uint32_t i = 0; i < file.facts.size(); ++i)
      CollectFact(f, i, own_facts[f]);
  }
  // Each file's scope: its own declarations, then its imports' (a name two imports declare
  // differently is ambiguous there unless the file declares it), then the standard reasons.
  out_.reason_scope.assign(n, {});
  out_.fact_scope.assign(n, {});
  ambiguous_reasons_.assign(n, {});
  for (uint32_t f = 0; f < n; ++f) {
    auto& reasons = out_.reason_scope[f];
    auto& facts = out_.fact_scope[f];
    reasons = own_reasons[f];
    facts = own_facts[f];
    std::map<std::string, uint32_t> imported;
    for (uint32_t target : sources_.import_targets[f]) {
      if (target == ast::kNone || target == f)
        continue;
      for (const auto& [name, index] : own_reasons[target]) {
        if (own_reasons[f].count(name))
          continue;
        auto [it, inserted] = imported.emplace(name, index);
        if (!inserted && it->second != index && !SameReason(it->second, index)) {
          ambiguous_reasons_[f][name] = {it->second, index};
        }
      }
      for (const auto& [name, ref] : own_facts[target])
        facts.emplace(name, ref);
    }
    for (const auto& [name, index] : imported) {
      if (!ambiguous_reasons_[f].count(name))
        reasons.emplace(name, index);
    }
    for (const auto& [name, index] : std_reasons_) {
      if (!ambiguous_reasons_[f].count(name))
        reasons.emplace(name, index);
    }
  }
  // Every fact is a field of the schema's facts record, at the position of its FactDecl, typed
  // once every declaration's values are in. The facts' own fields come after every other field
  // (the records their types wrote in place included), so the fields a `field` instruction reads
  // are numbered first. Past the limit the code generator refuses the pack (E0504); the schema
  // never holds them.
  std::vector<std::pair<SchemaType, std::string>> stored(out_.facts.size());
  for (size_t i = 0; i < out_.facts.size(); ++i) {
    FactDecl& decl = out_.facts[i];
    if (types_.Kind(decl.type) == TypeKind::Error)
      continue;
    const ast::Fact& fact = ast_.files[decl.file].facts[decl.index];
    std::optional<SchemaType> type = ToSchemaType(decl.file, decl.type, decl.one_of,
                                                  fact.type ? fact.type->span : fact.name.span);
    if (type)
      stored[i] = {*type, fact.title ? fact.title->text : ""};
    else
      decl.type = types_.error();
  }
  for (size_t i = 0; i < stored.size() && i < kMaxFacts; ++i)
    out_.facts[i].field =
        out_.schema.AddFact(out_.facts[i].name, stored[i].first, stored[i].second);
}

std::optional<SchemaType> Checker::ToSchemaType(uint32_t f, TypeId type,
                                                const std::vector<std::string>& one_of, Span span) {
  Schema& schema = out_.schema;
  const Type& t = types_.Get(type);
  SchemaType out;
  switch (t.kind) {
    case TypeKind::Bool:
      out.kind = Kind::Bool;
      return out;
    case TypeKind::Int:
      out.kind = Kind::Int;
      return out;
    case TypeKind::Decimal:
      out.kind = Kind::Decimal;
      return out;
    case TypeKind::Money:
      out.kind = Kind::Money;
      return out;
    case TypeKind::String:
      out.kind = Kind::String;
      if (!one_of.empty())
        out.one_of = schema.AddEnum(one_of);
      return out;
    case TypeKind::Date:
      out.kind = Kind::Date;
      return out;
    case TypeKind::Code:
      out.kind = Kind::Code;
      out.system = t.system;
      return out;
    case TypeKind::List: {
      const Type& elem = types_.Get(t.elem);
      if (elem.kind == TypeKind::List) {
        Error(f, span, DiagCode::ExpectedType, "a list of values or of records", types_.Name(type))
            .help = "a list holds scalars, codes or records; a list of lists is not a claim field";
        return std::nullopt;
      }
      std::optional<SchemaType> e = ToSchemaType(f, t.elem, one_of, span);
      if (!e)
        return std::nullopt;
      out = *e;
      out.kind = Kind::List;
      out.elem = e->kind;
      return out;
    }
    case TypeKind::Record: {
      const Record& record = types_.GetRecord(t.record);
      if (record.schema != UINT32_MAX) {
        // A named record of the schema: only one whose fields are all declared (the base
        // records' fields are the decoders' own).
        const RecordDef& def = schema.record(static_cast<uint16_t>(record.schema));
        const bool generic = std::all_of(def.fields.begin(), def.fields.end(), [&](uint16_t id) {
          return schema.field(id).slot != kNoIndex16;
        });
        if (!generic || record.schema == static_cast<uint32_t>(RecordId::facts)) {
          Error(f, span, DiagCode::ExpectedType, "a record type of your own or `provider`",
                types_.Name(type))
              .help =
              "the claim's own records (claim, patient, line, history, observation) are "
              "not field types; write the fields you need: `(npi: npi, date: date)`";
          return std::nullopt;
        }
        out.kind = Kind::Record;
        out.record = static_cast<uint16_t>(record.schema);
        return out;
      }
      if (!record.name.empty())
        break;
      const uint16_t index = schema.AddRecord("", "");
      for (size_t i = 0; i < record.fields.size(); ++i) {
        std::optional<SchemaType> field =
            ToSchemaType(f, record.fields[i].type, record.fields[i].one_of, span);
        if (!field)
          return std::nullopt;
        FieldDef def;
        def.name = record.fields[i].name;
        def.type = *field;
        const uint16_t id = schema.AddField(index, std::move(def));
        types_.SetFieldId(t.record, i, id);
      }
      types_.LinkSchemaRecord(t.record, index);
      out.kind = Kind::Record;
      out.record = index;
      return out;
    }
    case TypeKind::Error:
      return std::nullopt;
    case TypeKind::None:
    case TypeKind::Duration:
    case TypeKind::Codeset:
    case TypeKind::Table:
    case TypeKind::Map:
    case TypeKind::Facts:
      break;
  }
  Error(f, span, DiagCode::ExpectedType,
        "a claim field type (bool, int, decimal, money, string, date, a code system, `one of "
        "[...]`, a record or a list of one)",
        types_.Name(type));
  return std::nullopt;
}

void Checker::CollectCodeSystems() {
  struct First {
    uint32_t file;
    const ast::CodeSystemDecl* decl;
  };

  std::map<std::string, First> declared;
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (const ast::CodeSystemDecl& d : ast_.files[f].codesystems) {
      const std::string& name = d.name.text;
      std::string lower;
      for (char c : name)
        lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (SystemFromName(lower)) {
        // Claims write `LOINC|...`: a pack's `LOINC` could not be told from the built-in one.
        Error(f, d.name.span, DiagCode::BuiltinCodeSystem, name).help = fmt::format(
            "Warrant knows that system already: write `code<{}>` without declaring it, or give "
            "the pack's own system another name",
            lower);
        continue;
      }
      const std::string uri = d.uri ? d.uri->text : "";
      std::string_view bad_uri;
      if (d.uri && uri.empty())
        bad_uri = "it is empty";
      else if (uri.find('|') != std::string::npos)
        bad_uri = "it holds `|`, which separates the system from the code";
      else if (uri.find_first_of(" \t") != std::string::npos)
        bad_uri = "it holds a space";
      else if (uri == "http://loinc.org")
        bad_uri = "it is LOINC's";
      if (!bad_uri.empty()) {
        Error(f, d.uri->span, DiagCode::InvalidCodeSystemUri, uri, name, bad_uri);
        continue;
      }
      auto [it, inserted] = declared.emplace(name, First{f, &d});
      if (!inserted) {
        const First& first = it->second;
        const std::string first_uri = first.decl->uri ? first.decl->uri->text : "";
        if (first.file == f || first_uri != uri) {
          auto& e = Error(f, d.name.span, DiagCode::DuplicateCodeSystem, name,
                          first.file == f ? "in this file" : "with another uri");
          e.notes.push_back(
              {Fid(first.file), first.decl->name.span, "the first declaration is here"});
        }
        continue;
      }
      bool uri_taken = false;
      for (const auto& [other, at] : declared) {
        if (other != name && !uri.empty() && at.decl->uri && at.decl->uri->text == uri) {
          Error(f, d.uri->span, DiagCode::InvalidCodeSystemUri, uri, name,
                fmt::format("code system `{}` has it", other));
          uri_taken = true;
        }
      }
      if (uri_taken) {
        declared.erase(name);
        continue;
      }
      if (out_.schema.systems().size() >= kMaxDeclaredSystems) {
        Error(f, d.span, DiagCode::TooManyEntries, out_.schema.systems().size() + 1, "code systems",
              kMaxDeclaredSystems);
        continue;
      }
      out_.schema.AddSystem({name, d.title.text, uri});
      types_.AddSystemName(name);
    }
  }
}

void Checker::CollectExtensions() {
  Schema& schema = out_.schema;
  std::map<std::pair<uint16_t, std::string>, std::pair<uint32_t, Span>> declared;
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (const ast::Extend& e : ast_.files[f].extends) {
      const uint16_t record = schema.FindRecord(e.record.text);
      if (record == kNoIndex16 || record == static_cast<uint16_t>(RecordId::facts)) {
        std::vector<std::string> names;
        for (const RecordDef& r : schema.records()) {
          if (!r.name.empty() && r.name != "facts")
            names.push_back(r.name);
        }
        auto& d = Error(f, e.record.span, DiagCode::UnknownRecord, e.record.text);
        if (!Suggest(d, e.record.text, names, e.record.span)) {
          std::string list;
          for (const std::string& n : names)
            list += (list.empty() ? "`" : ", `") + n + "`";
          d.help = record == kNoIndex16 ? "the records are " + list
                                        : "facts are declared one by one with `fact NAME: TYPE`";
        }
        continue;
      }
      for (const ast::Fact& field : e.fields) {
        if (const FieldDef* existing = schema.Find(record, field.name.text)) {
          auto& d = Error(f, field.name.span, DiagCode::DuplicateName, field.name.text);
          d.message = fmt::format("`{}` already has a field `{}`", e.record.text, field.name.text);
          auto first = declared.find({record, field.name.text});
          if (first != declared.end()) {
            d.notes.push_back(
                {Fid(first->second.first), first->second.second, "the first declaration is here"});
            d.help = "fields are shared by the whole pack; declare each once";
          } else {
            d.help = fmt::format("`{}.{}` is a field of the claim schema: {}", e.record.text,
                                 field.name.text, existing->doc);
          }
          continue;
        }
        TypeId type = types_.error();
        if (field.type) {
          std::optional<TypeId> resolved = ResolveType(f, *field.type);
          if (!resolved)
            continue;
          type = *resolved;
        } else {
          type = t_string_;
        }
        std::vector<std::string> one_of;
        for (const ast::Name& v : field.one_of)
          one_of.push_back(v.text);
        std::optional<SchemaType> stored =
            ToSchemaType(f, type, one_of, field.type ? field.type->span : field.name.span);
        if (!stored)
          continue;
        if (schema.Reaches(*stored, record)) {
          Error(f, field.type ? field.type->span : field.name.span, DiagCode::ExpectedType,
                fmt::format("a type that does not contain `{}`", e.record.text), types_.Name(type))
              .help =
              "a record cannot contain itself (a claim could then nest without end); "
              "write the fields you need, e.g. `supervisor_npi: npi`";
          continue;
        }
        FieldDef def;
        def.name = field.name.text;
        def.type = *stored;
        def.doc = field.title ? field.title->text : "";
        const uint16_t id = schema.AddField(record, std::move(def));
        types_.AddSchemaField(schema, id);
        declared[{record, field.name.text}] = {f, field.name.span};
      }
    }
  }
}

void Checker::FinishSchema() {
  if (std::optional<std::string> problem = out_.schema.Finish()) {
    // Only a count can fail here: the checker built everything else.
    const size_t fields = out_.schema.fields().size();
    for (uint32_t f = 0; f < ast_.files.size(); ++f) {
      for (const ast::Extend& e : ast_.files[f].extends) {
        Error(f, e.span, DiagCode::TooManyEntries, fields, "claim fields", kMaxFields).help =
            *problem;
        return;
      }
    }
    if (!ast_.files.empty())
      Error(0, Span{0, 0}, DiagCode::TooManyEntries, fields, "claim fields", kMaxFields).help =
          *problem;
  }
}

// Adds fact `index` of `file` to the pack's facts (one per name, one type) and to `own`.
void Checker::CollectFact(uint32_t f, uint32_t index, std::map<std::string, FactRef>& own) {
  const ast::Fact& fact = ast_.files[f].facts[index];
  FactDecl decl;
  decl.name = fact.name.text;
  decl.file = f;
  decl.index = index;
  if (fact.type) {
    std::optional<TypeId> type = ResolveType(f, *fact.type);
    decl.type = type ? *type : types_.error();
  } else {
    decl.type = t_string_;
    for (const ast::Name& v : fact.one_of)
      decl.one_of.push_back(v.text);
  }
  auto prev_own = own.find(decl.name);
  if (prev_own != own.end()) {
    auto& d = Error(f, fact.name.span, DiagCode::DuplicateName, fact.name.text);
    d.notes.push_back({Fid(f), ast_.files[f].facts[prev_own->second.index].name.span,
                       "the first declaration is here"});
    d.help = "declare each fact once per file";
    return;
  }
  auto it = facts_by_name_.find(decl.name);
  if (it == facts_by_name_.end()) {
    auto pack_index = static_cast<uint32_t>(out_.facts.size());
    facts_by_name_[decl.name] = pack_index;
    out_.facts.push_back(std::move(decl));
    own[fact.name.text] = FactRef{pack_index, f, index};
    return;
  }
  FactDecl& pack = out_.facts[it->second];
  own[fact.name.text] = FactRef{it->second, f, index};
  if (pack.type != decl.type && pack.type != types_.error() && decl.type != types_.error()) {
    const ast::Fact& first = ast_.files[pack.file].facts[pack.index];
    auto& d = Error(f, fact.type ? fact.type->span : fact.name.span, DiagCode::ConflictingFact,
                    decl.name, types_.Name(decl.type), types_.Name(pack.type),
                    sources_.files.Get(Fid(pack.file)).name());
    d.notes.push_back(
        {Fid(pack.file), first.type ? first.type->span : first.name.span, "declared here"});
    conflicting_facts_.emplace(f, index);  // its readers are not checked against another type
    return;
  }
  // The claim may carry any value one of the declarations allows.
  if (pack.one_of.empty() || decl.one_of.empty()) {
    pack.one_of.clear();
    return;
  }
  for (const std::string& v : decl.one_of) {
    if (std::find(pack.one_of.begin(), pack.one_of.end(), v) == pack.one_of.end())
      pack.one_of.push_back(v);
  }
}

bool Checker::SameReason(uint32_t a, uint32_t b) const {
  const ReasonDecl& x = out_.reasons[a];
  const ReasonDecl& y = out_.reasons[b];
  if (x.group != y.group || x.carc != y.carc || x.rarcs != y.rarcs ||
      x.description != y.description || x.from_stdlib || y.from_stdlib) {
    return false;
  }
  const ast::Reason& rx = ast_.files[x.file].reasons[x.index];
  const ast::Reason& ry = ast_.files[y.file].reasons[y.index];
  if (rx.alt_group.has_value() != ry.alt_group.has_value())
    return false;
  if (!rx.alt_group)
    return true;
  return rx.alt_group->text == ry.alt_group->text &&
         Text(x.file, ast_.expr(rx.alt_group_when).span) ==
             Text(y.file, ast_.expr(ry.alt_group_when).span);
}

std::optional<uint32_t> Checker::LookupReason(uint32_t f, const ast::Name& name) {
  auto found = out_.reason_scope[f].find(name.text);
  if (found != out_.reason_scope[f].end())
    return found->second;
  auto ambiguous = ambiguous_reasons_[f].find(name.text);
  if (ambiguous != ambiguous_reasons_[f].end()) {
    auto& d = Error(f, name.span, DiagCode::AmbiguousReason, name.text);
    for (uint32_t index : ambiguous->second) {
      const ReasonDecl& r = out_.reasons[index];
      d.notes.push_back({Fid(r.file), ast_.files[r.file].reasons[r.index].name.span,
                         fmt::format("`{}` is {}-{} here", r.name, r.group, r.carc)});
    }
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& [known, index] : out_.reason_scope[f])
    names.push_back(known);
  auto& d = Error(f, name.span, DiagCode::UnknownReason, name.text);
  if (Suggest(d, name.text, names, name.span))
    return std::nullopt;
  // Declared in a file this one does not import: say where.
  for (const ReasonDecl& r : out_.reasons) {
    if (!r.from_stdlib && r.name == name.text) {
      d.help = fmt::format("`{}` is declared in `{}`, which this file does not import", name.text,
                           sources_.files.Get(Fid(r.file)).name());
      break;
    }
  }
  return std::nullopt;
}

namespace {

bool ValidGroup(const std::string& g) {
  static const char* const kGroups[] = {"CO", "PR", "OA", "PI", "CR"};
  return std::find_if(std::begin(kGroups), std::end(kGroups),
                      [&](const char* k) { return g == k; }) != std::end(kGroups);
}

constexpr const char* kGroupHelp =
    "group codes are CO (contractual obligation), PR (patient responsibility), OA "
    "(other adjustment), PI (payer initiated) and CR (correction)";

}  // namespace

void Checker::CheckReasonDecl(uint32_t f, const ast::Reason& r) {
  if (!ValidGroup(r.group.text)) {
    Error(f, r.group.span, DiagCode::InvalidReasonCode, r.group.text,
          "a claim adjustment group code")
        .help = kGroupHelp;
  }
  auto alnum = [](const std::string& s, size_t lo, size_t hi) {
    if (s.size() < lo || s.size() > hi)
      return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) ||
             std::isupper(static_cast<unsigned char>(c));
    });
  };
  if (!alnum(r.carc.text, 1, 3)) {
    Error(f, r.carc.span, DiagCode::InvalidReasonCode, r.carc.text,
          "a claim adjustment reason code (CARC)")
        .help = "CARCs are one to three characters, e.g. `50`, `119`, `B7`";
  }
  for (const ast::Name& rarc : r.rarcs) {
    bool ok = rarc.text.size() >= 2 && rarc.text.size() <= 6 &&
              std::isupper(static_cast<unsigned char>(rarc.text[0])) && alnum(rarc.text, 2, 6);
    if (!ok) {
      Error(f, rarc.span, DiagCode::InvalidReasonCode, rarc.text,
            "a remittance advice remark code (RARC)")
          .help = "RARCs are a letter or two and digits, e.g. `N386`, `M127`, `MA130`";
    }
  }
  if (r.alt_group) {
    if (!ValidGroup(r.alt_group->text)) {
      Error(f, r.alt_group->span, DiagCode::InvalidReasonCode, r.alt_group->text,
            "a claim adjustment group code")
          .help = "group codes are CO, PR, OA, PI and CR";
    }
    // The computed group is evaluated per line, with the rule scope.
    bool saved = in_rule_;
    in_rule_ = true;
    TypeId t = Expr(f, r.alt_group_when);
    Expect(f, r.alt_group_when, t, TypeKind::Bool, "a condition (bool)");
    in_rule_ = saved;
  }
}

void Checker::CheckFile(uint32_t f) {
  const ast::File& file = ast_.files[f];
  if (!file.policy && file.order.empty()) {
    // A file with nothing in it was most likely not meant to be passed (or lost its contents).
    Error(f, Span{0, 0}, DiagCode::ExpectedDeclaration, "end of file").help =
        "a criteria file starts with `policy \"ID\" version N \"title\" effective "
        "YYYY-MM-DD`; a library file declares codesets, tables, facts or reasons";
    return;
  }
  if (!file.policy && !file.rules.empty()) {
    Error(f, file.rules.front().name.span, DiagCode::MissingPolicyHeader);
  }
  if (file.policy && file.policy->effective && file.policy->effective->until) {
    const ast::Effective& e = *file.policy->effective;
    if (DaysFromCivil({e.until->year, e.until->month, e.until->day}) <
        DaysFromCivil({e.from.year, e.from.month, e.from.day})) {
      Error(f, e.span, DiagCode::EmptyEffectiveRange,
            fmt::format("{:04}-{:02}-{:02}", e.until->year, e.until->month, e.until->day),
            fmt::format("{:04}-{:02}-{:02}", e.from.year, e.from.month, e.from.day));
    }
  }
  for (uint32_t i = 0; i < file.codesets.size(); ++i)
    CheckCodeset(f, i);
  for (uint32_t i = 0; i < file.tables.size(); ++i)
    CheckTable(f, i);
  for (const ast::Reason& r : file.reasons)
    CheckReasonDecl(f, r);
  for (uint32_t i = 0; i < file.lets.size(); ++i)
    GlobalLetType(f, i);
  std::map<std::string, const ast::Rule*> rule_names;
  for (const ast::Rule& rule : file.rules) {
    auto [it, inserted] = rule_names.emplace(rule.name.text, &rule);
    if (!inserted) {
      auto& d = Error(f, rule.name.span, DiagCode::DuplicateRule, rule.name.text);
      d.notes.push_back({Fid(f), it->second->name.span, "the first rule of that name is here"});
    }
    CheckRule(f, rule);
  }
  CheckFixtures(f);
  out_.test_claims[f].assign(file.tests.size(), std::string());
  std::map<std::string, const ast::Test*> test_names;
  for (uint32_t i = 0; i < file.tests.size(); ++i) {
    const ast::Test& test = file.tests[i];
    auto [it, inserted] = test_names.emplace(test.name.text, &test);
    if (!inserted) {
      auto& d = Error(f, test.name.span, DiagCode::DuplicateTest, test.name.text);
      d.notes.push_back({Fid(f), it->second->name.span, "the first test of that name is here"});
    }
    CheckTest(f, test, i);
  }
}

TypeId Checker::GlobalLetType(uint32_t f, uint32_t index) {
  uint8_t& state = let_state_[f][index];
  const ast::Let& let = ast_.files[f].lets[index];
  if (state == 2)
    return out_.let_types[f][index];
  if (state == 1) {
    Error(f, let.name.span, DiagCode::CircularDefinition, let.name.text).help =
        "a `let` may use other lets, but not itself through them";
    return types_.error();
  }
  state = 1;
  // File-level lets are evaluated per line, so the rule scope is visible; rule locals are not.
  std::vector<Local> saved_locals;
  saved_locals.swap(locals_);
  bool saved_in_rule = in_rule_;
  in_rule_ = true;
  TypeId t = Expr(f, let.value);
  in_rule_ = saved_in_rule;
  locals_.swap(saved_locals);
  out_.let_types[f][index] = t;
  state = 2;
  return t;
}

void Checker::CheckRule(uint32_t f, const ast::Rule& rule) {
  const ast::File& file = ast_.files[f];
  if (rule.effective && file.policy && file.policy->effective) {
    const ast::Effective& p = *file.policy->effective;
    const ast::Effective& r = *rule.effective;
    Day pf = DaysFromCivil({p.from.year, p.from.month, p.from.day});
    Day pu = p.until ? DaysFromCivil({p.until->year, p.until->month, p.until->day}) : INT32_MAX;
    Day rf = DaysFromCivil({r.from.year, r.from.month, r.from.day});
    Day ru = r.until ? DaysFromCivil({r.until->year, r.until->month, r.until->day}) : INT32_MAX;
    if (ru < rf) {
      Error(f, r.span, DiagCode::EmptyEffectiveRange,
            fmt::format("{:04}-{:02}-{:02}", r.until->year, r.until->month, r.until->day),
            fmt::format("{:04}-{:02}-{:02}", r.from.year, r.from.month, r.from.day));
    } else if (rf < pf || ru > pu) {
      Error(f, r.span, DiagCode::RuleOutsidePolicyRange,
            fmt::format("{:04}-{:02}-{:02}", p.from.year, p.from.month, p.from.day),
            p.until ? fmt::format("{:04}-{:02}-{:02}", p.until->year, p.until->month, p.until->day)
                    : std::string("open end"));
    }
  }
  in_rule_ = true;
  locals_.clear();
  if (rule.applies != ast::kNone) {  // kNone only in a file with syntax errors
    TypeId applies = Expr(f, rule.applies);
    Expect(f, rule.applies, applies, TypeKind::Bool, "a condition (bool) after `where`");
  }
  CheckStmts(f, rule.body);
  locals_.clear();
  in_rule_ = false;
}

void Checker::CheckStmts(uint32_t f, const std::vector<ast::StmtId>& body) {
  size_t depth = locals_.size();
  for (ast::StmtId sid : body) {
    const ast::Stmt& s = ast_.stmt(sid);
    switch (s.kind) {
      case ast::StmtKind::Let: {
        TypeId t = Expr(f, s.a);
        Bind(Local{s.name.text, t, s.name.span, sid, true, false}, f);
        break;
      }
      case ast::StmtKind::Require: {
        TypeId t = Expr(f, s.a);
        Expect(f, s.a, t, TypeKind::Bool, "a condition (bool) after `require`");
        CheckOutcome(f, s.outcome);
        if (s.unknown_outcome)
          CheckOutcome(f, *s.unknown_outcome);
        break;
      }
      case ast::StmtKind::When: {
        TypeId t = Expr(f, s.a);
        Expect(f, s.a, t, TypeKind::Bool, "a condition (bool) after `when`");
        CheckStmts(f, s.body);
        break;
      }
      case ast::StmtKind::Direct: {
        TypeId t = Expr(f, s.a);
        Expect(f, s.a, t, TypeKind::Bool, "a condition (bool) after `when`");
        CheckOutcome(f, s.outcome);
        break;
      }
    }
  }
  Unbind(depth, f);
}

void Checker::CheckOutcome(uint32_t f, const ast::Outcome& o) {
  if (Info(o.kind).needs_reason && !o.reason)
    Error(f, o.span, DiagCode::OutcomeNeedsReason, OutcomeWord(o.kind));
  if (o.reason)
    LookupReason(f, *o.reason);
}

void Checker::CheckPolicies() {
  std::map<std::string, Policy> by_id;
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    const ast::File& file = ast_.files[f];
    if (!file.policy)
      continue;
    const ast::PolicyHeader& p = *file.policy;
    PolicyVersion v;
    v.file = f;
    v.version = p.version;
    v.from = INT32_MIN;
    v.until = INT32_MAX;
    if (p.effective) {
      v.from =
          DaysFromCivil({p.effective->from.year, p.effective->from.month, p.effective->from.day});
      if (p.effective->until) {
        const ast::Date& u = *p.effective->until;
        v.until = DaysFromCivil({u.year, u.month, u.day});
      }
    }
    Policy& policy = by_id[p.id.text];
    policy.id = p.id.text;
    bool duplicate = false;
    for (const PolicyVersion& other : policy.versions) {
      if (other.version == v.version) {
        auto& d = Error(f, p.version_span, DiagCode::DuplicateVersion, p.id.text, p.version);
        d.notes.push_back({Fid(other.file), ast_.files[other.file].policy->version_span,
                           "the other declaration of that version is here"});
        duplicate = true;
      }
    }
    if (!duplicate)
      policy.versions.push_back(v);
  }
  for (auto& [id, policy] : by_id) {
    std::sort(policy.versions.begin(), policy.versions.end(),
              [](const PolicyVersion& a, const PolicyVersion& b) {
                return a.from != b.from ? a.from < b.from : a.version < b.version;
              });
    for (size_t i = 1; i < policy.versions.size(); ++i) {
      const PolicyVersion& prev = policy.versions[i - 1];
      const PolicyVersion& cur = policy.versions[i];
      if (cur.from <= prev.until && prev.until >= prev.from && cur.until >= cur.from) {
        Civil day = CivilFromDays(cur.from == INT32_MIN ? prev.from : cur.from);
        const ast::PolicyHeader& header = *ast_.files[cur.file].policy;
        Span at = header.effective ? header.effective->span : header.version_span;
        auto& d = Error(cur.file, at, DiagCode::OverlappingVersions, prev.version, cur.version, id,
                        fmt::format("{:04}-{:02}-{:02}", day.year, day.month, day.day));
        const ast::PolicyHeader& other = *ast_.files[prev.file].policy;
        d.notes.push_back({Fid(prev.file),
                           other.effective ? other.effective->span : other.version_span,
                           fmt::format("version {} is in force from here", prev.version)});
      }
    }
    out_.policies.push_back(std::move(policy));
  }
}

// A reason an expectation names: the test file's, or for a pack test any reason of the pack.
void Checker::CheckExpectedReason(uint32_t f, const ast::Test& test, const ast::Name& reason) {
  if (!test.pack) {
    LookupReason(f, reason);
    return;
  }
  std::vector<std::string> names;
  for (const ReasonDecl& r : out_.reasons) {
    if (r.name == reason.text)
      return;
    names.push_back(r.name);
  }
  auto& d = Error(f, reason.span, DiagCode::UnknownReason, reason.text);
  Suggest(d, reason.text, names, reason.span);
}

void Checker::CheckExpected(uint32_t f, const ast::Test& test, const ast::ExpectedFinding& e) {
  if (e.reason)
    CheckExpectedReason(f, test, *e.reason);
  if (e.group && !ValidGroup(e.group->text)) {
    Error(f, e.group->span, DiagCode::InvalidReasonCode, e.group->text,
          "a claim adjustment group code")
        .help = kGroupHelp;
  }
}

void Checker::CheckTest(uint32_t f, const ast::Test& test, uint32_t index) {
  const ast::File& file = ast_.files[f];
  if (!file.policy && !test.pack) {
    Error(f, test.name.span, DiagCode::TestWithoutPolicy, test.name.text);
  }
  // A pack test's claim meets every policy, so it may document any fact of the pack.
  given_facts_ = test.pack ? nullptr : &out_.fact_scope[f];
  TypeId claim = types_.RecordType(*types_.FindRecord("claim"));
  std::optional<RecordValue> record;
  if (test.given != ast::kNone) {
    CheckGiven(f, test.given, claim, "claim");
    record = BuildValue(test.given);
  } else if (test.base) {
    bool resolved = ResolveFixture(f, *test.base).has_value();
    if (test.base->with != ast::kNone)
      CheckGiven(f, test.base->with, claim, "claim");
    if (resolved)
      record = UseValue(f, *test.base);
  }
  given_facts_ = nullptr;
  if (record)
    out_.test_claims[f][index] = SerializeRecord(*record);
  for (const ast::Expect& e : test.expects) {
    size_t lines = record ? RecordLineCount(*record) : 0;
    if (record && (e.line < 1 || static_cast<size_t>(e.line) > lines)) {
      Error(f, e.line_span, DiagCode::ExpectLineOutOfRange, lines, e.line);
    }
    CheckExpected(f, test, e);
    for (const ast::ExpectAlso& also : e.also)
      CheckExpected(f, test, also);
    // Only pends, bundles, denials and rejections are findings with a reason and codes.
    if (e.decision == Decision::Covered || e.decision == Decision::NotApplicable) {
      const ast::Name* what = e.reason    ? &*e.reason
                              : e.group   ? &*e.group
                              : e.rarcs   ? &e.rarcs->front()
                              : e.message ? &*e.message
                                          : nullptr;
      if (what) {
        Error(f, what->span, DiagCode::ExpectNoFinding, DecisionName(e.decision));
      }
    }
  }
}

CheckedProgram Check(const frontend::Sources& sources, diag::DiagSink& sink,
                     const Terminology* terminology, bool strict_given) {
  CheckedProgram program;
  Checker checker(sources, sink, program, terminology, strict_given);
  checker.Run();
  return program;
}

}  // namespace warrant::check
