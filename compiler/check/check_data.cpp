// Checking of data declarations: codesets (members valid in their code system, set algebra of
// one system, loaded CSV columns), tables (key and value types, inline entries, loaded rows) and
// the types written in declarations.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/frontend/csv.h"
#include "runtime/core/date.h"

namespace warrant::check {

using diag::DiagCode;

std::optional<TypeId> Checker::ResolveType(uint32_t f, const ast::TypeExpr& type) {
  if (!type.one_of.empty())
    return t_string_;  // the values are the caller's: a record field's, a fact's
  if (type.name.text.empty()) {
    Record record;
    for (size_t i = 0; i < type.field_names.size(); ++i) {
      std::optional<TypeId> field = ResolveType(f, type.field_types[i]);
      if (!field)
        return std::nullopt;
      if (record.Find(type.field_names[i].text)) {
        Error(f, type.field_names[i].span, DiagCode::DuplicateName, type.field_names[i].text);
        return std::nullopt;
      }
      Field added{type.field_names[i].text, *field, UINT16_MAX, {}};
      for (const ast::Name& v : type.field_types[i].one_of)
        added.one_of.push_back(v.text);
      record.fields.push_back(std::move(added));
    }
    return types_.RecordType(types_.AddRecord(std::move(record)));
  }
  const std::string& name = type.name.text;
  if (!type.args.empty()) {
    const ast::TypeExpr& arg = type.args[0];
    if (name == "list") {
      std::optional<TypeId> elem = ResolveType(f, arg);
      if (!elem)
        return std::nullopt;
      return types_.List(*elem);
    }
    if (name == "code" && arg.args.empty() && !arg.name.text.empty()) {
      if (auto system = out_.schema.FindSystem(arg.name.text))
        return types_.Code(*system);
      auto& d = Error(f, arg.name.span, DiagCode::UnknownCodeSystem, arg.name.text);
      std::vector<std::string> names;
      for (std::string_view s : SystemNames())
        names.emplace_back(s);
      if (!Suggest(d, arg.name.text, names, arg.name.span))
        d.help =
            "code systems are `icd10cm`, `hcpcs`, `loinc`, `pos`, `modifier`, `ndc`, `npi`, "
            "`taxonomy`, `revenue` and `bill_type`";
      return std::nullopt;
    }
    auto& d = Error(f, type.name.span, DiagCode::UnknownCodeSystem, name);
    d.message = fmt::format("unknown type `{}<...>`", name);
    d.help = "the generic types are `list<T>` and `code<SYSTEM>`";
    return std::nullopt;
  }
  if (name == "money")
    return types_.Scalar(TypeKind::Money);
  if (const uint16_t record = out_.schema.FindRecord(name);
      record != kNoIndex16 && record > static_cast<uint16_t>(RecordId::facts)) {
    return types_.FromSchema(out_.schema, SchemaType{Kind::Record, Kind::String, {}, record});
  }
  if (name == "int")
    return t_int_;
  if (name == "decimal")
    return t_decimal_;
  if (name == "string")
    return t_string_;
  if (name == "bool")
    return t_bool_;
  if (name == "date")
    return t_date_;
  if (auto system = out_.schema.FindSystem(name))
    return types_.Code(*system);
  std::vector<std::string> names = {"int", "decimal", "money", "string", "bool", "date"};
  for (std::string_view s : SystemNames())
    names.emplace_back(s);
  auto& d = Error(f, type.name.span, DiagCode::UnknownCodeSystem, name);
  d.message = fmt::format("unknown type `{}`", name);
  if (!Suggest(d, name, names, type.name.span)) {
    d.help =
        "types are `int`, `decimal`, `money`, `string`, `bool`, `date`, `list<T>`, the code "
        "systems `icd10cm`, `hcpcs`, `loinc`, `pos` and `modifier`, and records `(name: type, "
        "...)`";
  }
  return std::nullopt;
}

bool Checker::ReadCsv(uint32_t f, const ast::Name& path, std::vector<std::string>& header,
                      std::vector<std::vector<std::string>>& rows,
                      std::vector<uint32_t>& row_lines) {
  std::string why;
  std::filesystem::path resolved = frontend::ResolveInRoot(sources_, Fid(f), path.text, why);
  if (resolved.empty()) {
    if (why == "outside") {
      Error(f, path.span, DiagCode::ImportOutsideRoot, path.text);
    } else {
      Error(f, path.span, DiagCode::LoadFailed, path.text, "no such file").help =
          "paths are relative to the file that loads them";
    }
    return false;
  }
  frontend::CsvFile csv;
  if (!frontend::ReadCsv(resolved, csv, why)) {
    auto& d = Error(f, path.span, DiagCode::LoadFailed, path.text, why);
    if (why == "the file is empty")
      d.help = "the first line names the columns, e.g. `code,description`";
    return false;
  }
  header = std::move(csv.header);
  rows = std::move(csv.rows);
  row_lines = std::move(csv.row_lines);
  return true;
}

void Checker::CheckCodeset(uint32_t f, uint32_t index) {
  uint8_t& state = codeset_state_[f][index];
  const ast::Codeset& cs = ast_.files[f].codesets[index];
  if (state != 0)
    return;
  state = 1;
  std::optional<CodeSystem> system = out_.schema.FindSystem(cs.system.text);
  if (!system) {
    std::vector<std::string> names;
    for (std::string_view s : SystemNames())
      names.emplace_back(s);
    auto& d = Error(f, cs.system.span, DiagCode::UnknownCodeSystem, cs.system.text);
    Suggest(d, cs.system.text, names, cs.system.span);
    state = 2;
    return;
  }
  out_.codeset_systems[f][index] = *system;
  std::vector<uint64_t> visiting = {(static_cast<uint64_t>(f) << 32) | index};
  CodesetExprSystem(f, cs.body, *system, visiting);
  state = 2;
}

// Checks a codeset expression whose codes must be of `want`; returns its system (nullopt when an
// error was already reported). `visiting` holds the codesets being expanded, to catch cycles.
std::optional<CodeSystem> Checker::CodesetExprSystem(uint32_t f, ast::CodesetExprId id,
                                                     CodeSystem want,
                                                     std::vector<uint64_t>& visiting) {
  const ast::CodesetExpr& e = ast_.codeset_exprs[id];
  switch (e.kind) {
    case ast::CodesetExprKind::Members: {
      for (const ast::CodeMember& m : e.members) {
        std::string why;
        switch (m.kind) {
          case ast::MemberKind::Exact:
            if (!ValidCode(want, m.text, &why)) {
              Error(f, m.span, DiagCode::InvalidCode, m.text, Noun(want)).help = why;
            } else {
              CheckMemberExists(f, m, want);
            }
            break;
          case ast::MemberKind::Prefix:
            if (!ValidPrefix(want, m.text, &why)) {
              Error(f, m.span, DiagCode::InvalidCode, m.text + "*", Noun(want)).help = why;
            }
            break;
          case ast::MemberKind::Range: {
            bool lo_ok = ValidCode(want, m.text, &why);
            if (!lo_ok) {
              Error(f, m.span, DiagCode::InvalidCode, m.text, Noun(want)).help = why;
            }
            bool hi_ok = ValidCode(want, m.high, &why);
            if (!hi_ok) {
              Error(f, m.span, DiagCode::InvalidCode, m.high, Noun(want)).help = why;
            }
            if (lo_ok && hi_ok && *Pack(want, m.text) > *Pack(want, m.high)) {
              Error(f, m.span, DiagCode::InvalidRange, m.text, m.high);
            }
            break;
          }
        }
      }
      return want;
    }
    case ast::CodesetExprKind::Ref: {
      uint32_t target_file = f;
      const ast::Name* name = &e.ref.front();
      if (e.ref.size() == 2) {
        auto alias = aliases_[f].find(e.ref[0].text);
        if (alias == aliases_[f].end()) {
          auto& d = Error(f, e.ref[0].span, DiagCode::UnknownAlias, e.ref[0].text);
          std::vector<std::string> names;
          for (const auto& [n, t] : aliases_[f])
            names.push_back(n);
          if (!Suggest(d, e.ref[0].text, names, e.ref[0].span))
            d.help = "import the file first: `import \"file.warrant\" as NAME`";
          return std::nullopt;
        }
        if (alias->second == ast::kNone)
          return std::nullopt;
        target_file = alias->second;
        name = &e.ref[1];
      }
      auto found = file_names_[target_file].find(name->text);
      if (found == file_names_[target_file].end() || found->second.kind != RefKind::Codeset) {
        std::vector<std::string> names;
        for (const auto& [n, r] : file_names_[target_file]) {
          if (r.kind == RefKind::Codeset)
            names.push_back(n);
        }
        diag::Diagnostic* d;
        if (target_file == f) {
          d = &Error(f, name->span, DiagCode::UnknownName, name->text);
        } else {
          d = &Error(f, name->span, DiagCode::NotExported,
                     sources_.files.Get(Fid(target_file)).name(), name->text);
        }
        if (found != file_names_[target_file].end()) {
          d->help = fmt::format("`{}` is not a codeset", name->text);
        } else {
          d->help.clear();
          Suggest(*d, name->text, names, name->span);
        }
        return std::nullopt;
      }
      const Ref& ref = found->second;
      uint64_t key = (static_cast<uint64_t>(ref.file) << 32) | ref.index;
      // A codeset still being checked that is reached again is defined through itself.
      if (codeset_state_[ref.file][ref.index] == 1 ||
          std::find(visiting.begin(), visiting.end(), key) != visiting.end()) {
        Error(f, name->span, DiagCode::CircularDefinition, name->text).help =
            "a codeset may combine other codesets, but not itself through them";
        return std::nullopt;
      }
      if (codeset_state_[ref.file][ref.index] == 0) {
        visiting.push_back(key);
        CheckCodeset(ref.file, ref.index);
        visiting.pop_back();
      }
      CodeSystem system = out_.codeset_systems[ref.file][ref.index];
      if (system != want) {
        Error(f, e.span, DiagCode::CodesetSystemMismatch, name->text,
              fmt::format("{}s", Noun(system)), fmt::format("{}s", Noun(want)));
        return std::nullopt;
      }
      return system;
    }
    case ast::CodesetExprKind::Load: {
      std::vector<std::string> header;
      std::vector<std::vector<std::string>> rows;
      std::vector<uint32_t> lines;
      if (!ReadCsv(f, e.path, header, rows, lines))
        return std::nullopt;
      auto column = std::find(header.begin(), header.end(), e.column.text);
      if (column == header.end()) {
        auto& d = Error(f, e.column.span, DiagCode::UnknownColumn, e.path.text, e.column.text);
        std::string list;
        for (const std::string& h : header)
          list += (list.empty() ? "`" : ", `") + h + "`";
        if (!Suggest(d, e.column.text, header, e.column.span, true))
          d.help = "its columns are " + list;
        return std::nullopt;
      }
      size_t col = static_cast<size_t>(column - header.begin());
      size_t reported = 0;
      for (size_t r = 0; r < rows.size(); ++r) {
        std::string cell = col < rows[r].size() ? rows[r][col] : "";
        std::string why;
        bool ok = cell.size() > 1 && cell.back() == '*'
                      ? ValidPrefix(want, cell.substr(0, cell.size() - 1), &why)
                      : ValidCode(want, cell, &why);
        if (!ok && reported++ < 5) {
          Error(f, e.path.span, DiagCode::LoadFailed, e.path.text,
                fmt::format("line {}: `{}` is not a valid {}", lines[r], cell, Noun(want)))
              .help = why;
        }
      }
      return want;
    }
    case ast::CodesetExprKind::Union:
    case ast::CodesetExprKind::Difference: {
      auto a = CodesetExprSystem(f, e.a, want, visiting);
      auto b = CodesetExprSystem(f, e.b, want, visiting);
      if (!a || !b)
        return std::nullopt;
      return want;
    }
  }
  return std::nullopt;
}

void Checker::CheckMemberExists(uint32_t f, const ast::CodeMember& m, CodeSystem system) {
  if (!terminology_)
    return;
  std::optional<uint64_t> packed = Pack(system, m.text);
  if (!packed)
    return;
  std::vector<std::string> names;
  for (const CodeSystemVersion& v : terminology_->versions()) {
    if (v.system != system)
      continue;
    if (v.Find(*packed))
      return;
    names.push_back(v.name);
  }
  if (names.empty())
    return;  // no version of this system loaded: nothing to say
  std::string list;
  for (const std::string& n : names)
    list += (list.empty() ? "" : ", ") + n;
  Error(f, m.span, DiagCode::CodeNotInTerminology, m.text, list);
}

void Checker::CheckTable(uint32_t f, uint32_t index) {
  const ast::Table& table = ast_.files[f].tables[index];
  std::optional<TypeId> key = ResolveType(f, table.key_type);
  std::optional<TypeId> value = ResolveType(f, table.value_type);
  if (!key || !value)
    return;
  TypeKind kk = types_.Kind(*key);
  if (kk != TypeKind::Int && kk != TypeKind::String && kk != TypeKind::Code) {
    Error(f, table.key_type.span, DiagCode::ExpectedType,
          "a key type (int, string or a code system)", types_.Name(*key))
        .help = "tables are keyed by a number, a string or a code";
    return;
  }
  TypeId type = types_.Table(*key, *value);
  out_.table_types[f][index] = type;
  const Type& vt = types_.Get(*value);
  bool saved = in_rule_;
  in_rule_ = false;  // table contents are constants
  if (!table.load_path) {
    if (vt.kind == TypeKind::Record) {
      Error(f, table.value_type.span, DiagCode::ExpectedType,
            "a single value type for an inline table", types_.Name(*value))
          .help =
          "load a table with several columns from a CSV file: `= load \"file.csv\" key \"code\"`";
    }
    std::vector<std::string> seen;
    for (const ast::TableEntry& entry : table.entries) {
      TypeId kt = Expr(f, entry.key);
      TypeId vtype = Expr(f, entry.value);
      const ast::Expr& ke = ast_.expr(entry.key);
      bool literal = ke.kind == ast::ExprKind::Int || ke.kind == ast::ExprKind::String;
      if (types_.Kind(kt) != TypeKind::Error && (!literal || !Unify(*key, kt))) {
        Error(f, ke.span, DiagCode::TableKeyMismatch, Describe(f, entry.key), types_.Name(*key));
      } else if (kk == TypeKind::Code) {
        CheckCodeLiteral(f, entry.key, types_.Get(*key).system);
      }
      std::string key_text(Text(f, ke.span));
      if (std::find(seen.begin(), seen.end(), key_text) != seen.end()) {
        Error(f, ke.span, DiagCode::DuplicateName, key_text).message =
            fmt::format("the key `{}` appears twice in table `{}`", key_text, table.name.text);
      }
      seen.push_back(key_text);
      if (vt.kind != TypeKind::Record && types_.Kind(vtype) != TypeKind::Error &&
          Unify(*value, vtype) != *value) {
        Error(f, ast_.expr(entry.value).span, DiagCode::ExpectedType,
              fmt::format("a `{}` value", types_.Name(*value)), types_.Name(vtype));
      }
    }
  } else {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<uint32_t> lines;
    if (ReadCsv(f, *table.load_path, header, rows, lines)) {
      auto column_of = [&](const std::string& name, Span span) -> std::optional<size_t> {
        auto it = std::find(header.begin(), header.end(), name);
        if (it != header.end())
          return static_cast<size_t>(it - header.begin());
        auto& d = Error(f, span, DiagCode::UnknownColumn, table.load_path->text, name);
        std::string list;
        for (const std::string& h : header)
          list += (list.empty() ? "`" : ", `") + h + "`";
        if (!Suggest(d, name, header, span, true))
          d.help = "its columns are " + list;
        return std::nullopt;
      };
      std::optional<size_t> key_col = column_of(table.load_key->text, table.load_key->span);
      // Columns read for the value: each record field by name, or the single `value` column.
      std::vector<std::pair<size_t, TypeId>> value_cols;
      bool columns_ok = key_col.has_value();
      if (vt.kind == TypeKind::Record) {
        for (const Field& field : types_.GetRecord(vt.record).fields) {
          auto col = column_of(field.name, table.value_type.span);
          if (col)
            value_cols.emplace_back(*col, field.type);
          columns_ok = columns_ok && col.has_value();
        }
      } else {
        auto col = column_of("value", table.value_type.span);
        if (col)
          value_cols.emplace_back(*col, *value);
        columns_ok = columns_ok && col.has_value();
      }
      if (columns_ok) {
        size_t reported = 0;
        auto cell_ok = [&](const std::string& cell, TypeId cell_type, std::string& why) {
          const Type& t = types_.Get(cell_type);
          switch (t.kind) {
            case TypeKind::Int:
              return !cell.empty() &&
                     std::all_of(cell.begin() + (cell[0] == '-'), cell.end(),
                                 [](char c) { return c >= '0' && c <= '9'; }) &&
                     cell != "-";
            case TypeKind::Decimal: {
              size_t dots = 0;
              bool digits = false;
              for (size_t i = cell[0] == '-' ? 1 : 0; i < cell.size(); ++i) {
                if (cell[i] == '.') {
                  ++dots;
                } else if (cell[i] >= '0' && cell[i] <= '9') {
                  digits = true;
                } else {
                  return false;
                }
              }
              return digits && dots <= 1;
            }
            case TypeKind::Date:
              return ParseDate(cell).has_value();
            case TypeKind::Bool:
              return cell == "true" || cell == "false";
            case TypeKind::Code:
              return ValidCode(t.system, cell, &why);
            default:
              return true;
          }
        };
        for (size_t r = 0; r < rows.size(); ++r) {
          auto check_cell = [&](size_t col, TypeId cell_type) {
            std::string cell = col < rows[r].size() ? rows[r][col] : "";
            std::string why;
            if (!cell_ok(cell, cell_type, why) && reported++ < 5) {
              Error(f, table.load_path->span, DiagCode::LoadFailed, table.load_path->text,
                    fmt::format("line {}, column `{}`: `{}` is not a valid {}", lines[r],
                                header[col], cell, types_.Name(cell_type)))
                  .help = why;
            }
          };
          check_cell(*key_col, *key);
          for (const auto& [col, col_type] : value_cols)
            check_cell(col, col_type);
        }
      }
    }
  }
  in_rule_ = saved;
}

}  // namespace warrant::check
