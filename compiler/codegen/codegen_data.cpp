// Freezing data into the pack: codesets expanded to sorted disjoint intervals of packed codes,
// tables to sorted keys and typed cells. CSV files are read again here (the checker validated
// them), so the pack holds their contents and never refers to a file at run time.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "compiler/codegen/generator.h"
#include "compiler/frontend/csv.h"
#include "runtime/core/decimal.h"

namespace warrant::codegen {

void Generator::EmitCodesets() {
  codeset_base_.resize(ast_.files.size());
  uint32_t total = 0;
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    codeset_base_[f] = total;
    total += static_cast<uint32_t>(ast_.files[f].codesets.size());
  }
  out_.codesets.resize(total);
  out_.codeset_names.resize(total);
  codeset_done_.assign(total, false);
  declared_at_.clear();
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (uint32_t i = 0; i < ast_.files[f].codesets.size(); ++i)
      declared_at_.emplace_back(f, i);
  }
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (uint32_t i = 0; i < ast_.files[f].codesets.size(); ++i) {
      uint32_t g = GlobalCodeset(f, i);
      if (codeset_done_[g])
        continue;
      const ast::Codeset& cs = ast_.files[f].codesets[i];
      out_.codesets[g] = Expand(f, cs.body, checked_.codeset_systems[f][i]);
      out_.codeset_names[g] = cs.name.text;
      codeset_done_[g] = true;
    }
  }
  out_.debug.codesets.resize(total);
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (uint32_t i = 0; i < ast_.files[f].codesets.size(); ++i)
      RecordCodesetMembers(f, i);
  }
}

Codeset Generator::Expand(uint32_t file, ast::CodesetExprId id, CodeSystem system) {
  const ast::CodesetExpr& e = ast_.codeset_exprs[id];
  switch (e.kind) {
    case ast::CodesetExprKind::Members: {
      CodesetBuilder builder;
      for (const ast::CodeMember& m : e.members) {
        if (std::optional<CodeInterval> interval = MemberInterval(m, system))
          (void)builder.AddInterval(*interval);
      }
      return builder.Build();
    }
    case ast::CodesetExprKind::Ref: {
      const uint32_t g = RefCodeset(file, e);
      if (g == UINT32_MAX)
        return Codeset();
      if (!codeset_done_[g]) {
        const auto [target, index] = declared_at_[g];
        const ast::Codeset& cs = ast_.files[target].codesets[index];
        out_.codesets[g] = Expand(target, cs.body, checked_.codeset_systems[target][index]);
        out_.codeset_names[g] = cs.name.text;
        codeset_done_[g] = true;
      }
      return out_.codesets[g];
    }
    case ast::CodesetExprKind::Load:
      return LoadCodes(file, id, system);
    case ast::CodesetExprKind::Union:
      return Codeset::Union(Expand(file, e.a, system), Expand(file, e.b, system));
    case ast::CodesetExprKind::Difference:
      return Codeset::Difference(Expand(file, e.a, system), Expand(file, e.b, system));
  }
  return Codeset();
}

std::optional<CodeInterval> Generator::MemberInterval(const ast::CodeMember& m,
                                                      CodeSystem system) const {
  switch (m.kind) {
    case ast::MemberKind::Exact:
      if (auto packed = Pack(system, m.text))
        return CodeInterval{*packed, *packed};
      return std::nullopt;
    case ast::MemberKind::Prefix: {
      CodeResult<CodeInterval> interval = PrefixInterval(system, m.text);
      if (interval.ok())
        return interval.value;
      return std::nullopt;
    }
    case ast::MemberKind::Range: {
      std::optional<CodeInterval> range = RangeInterval(system, m.text, m.high);
      if (!range || range->lo > range->hi)
        return std::nullopt;
      return range;
    }
  }
  return std::nullopt;
}

uint32_t Generator::RefCodeset(uint32_t file, const ast::CodesetExpr& e) const {
  uint32_t target = file;
  const ast::Name* name = &e.ref.front();
  if (e.ref.size() == 2) {
    const ast::File& f = ast_.files[file];
    for (uint32_t i = 0; i < f.imports.size(); ++i) {
      if (f.imports[i].alias.text == e.ref[0].text)
        target = sources_.import_targets[file][i];
    }
    name = &e.ref[1];
  }
  const ast::File& tf = ast_.files[target];
  for (uint32_t i = 0; i < tf.codesets.size(); ++i) {
    if (tf.codesets[i].name.text == name->text)
      return GlobalCodeset(target, i);
  }
  return UINT32_MAX;
}

// Read once: the codeset's expansion and its debug members both need the file's codes.
Codeset Generator::LoadCodes(uint32_t file, ast::CodesetExprId id, CodeSystem system) {
  auto cached = loaded_.find(id);
  if (cached != loaded_.end())
    return cached->second;
  Codeset& codes = loaded_[id];
  const ast::CodesetExpr& e = ast_.codeset_exprs[id];
  std::string why;
  std::filesystem::path path =
      frontend::ResolveInRoot(sources_, ast_.files[file].file, e.path.text, why);
  frontend::CsvFile csv;
  CodesetBuilder builder;
  if (path.empty() || !frontend::ReadCsv(path, csv, why))
    return codes;
  auto column = std::find(csv.header.begin(), csv.header.end(), e.column.text);
  if (column == csv.header.end())
    return codes;
  size_t col = static_cast<size_t>(column - csv.header.begin());
  for (const auto& row : csv.rows) {
    if (col >= row.size())
      continue;
    const std::string& cell = row[col];
    if (cell.size() > 1 && cell.back() == '*') {
      CodeResult<CodeInterval> interval =
          PrefixInterval(system, std::string_view(cell).substr(0, cell.size() - 1));
      if (interval.ok())
        (void)builder.AddInterval(interval.value);
    } else if (auto packed = Pack(system, cell)) {
      builder.AddCode(*packed);
    }
  }
  codes = builder.Build();
  return codes;
}

bool Generator::CellConstant(const std::string& cell, check::TypeId type, Constant& out) {
  const check::Type& t = checked_.types.Get(type);
  out = Constant();
  if (cell.empty()) {
    out.tag = Tag::None;  // an empty cell is a missing value: unknown when read
    return true;
  }
  switch (t.kind) {
    case check::TypeKind::Int: {
      int64_t scaled;
      if (cell.find('.') != std::string::npos || !ParseDecimal(cell, &scaled))
        return false;
      out.tag = Tag::Int;
      out.i = scaled / kDecimalScale;
      return true;
    }
    case check::TypeKind::Decimal:
    case check::TypeKind::Money:
      out.tag = Tag::Decimal;
      return ParseDecimal(cell, &out.i);
    case check::TypeKind::Bool:
      out.tag = Tag::Bool;
      out.i = cell == "true" ? 1 : 0;
      return cell == "true" || cell == "false";
    case check::TypeKind::Date: {
      auto d = ParseDate(cell);
      out.tag = Tag::Date;
      out.i = d ? *d : 0;
      return d.has_value();
    }
    case check::TypeKind::Code: {
      auto packed = Pack(t.system, cell);
      out.tag = Tag::Code;
      out.i = packed ? static_cast<int64_t>(*packed) : 0;
      return packed.has_value();
    }
    case check::TypeKind::String:
      out.tag = Tag::String;
      out.text = cell;
      return true;
    default:
      return false;
  }
}

void Generator::EmitTables() {
  table_base_.resize(ast_.files.size());
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    table_base_[f] = static_cast<uint32_t>(out_.tables.size());
    for (uint32_t i = 0; i < ast_.files[f].tables.size(); ++i) {
      const ast::Table& decl = ast_.files[f].tables[i];
      const check::Type& type = checked_.types.Get(checked_.table_types[f][i]);
      const check::Type& key_type = checked_.types.Get(type.key);
      const check::Type& value_type = checked_.types.Get(type.elem);
      TableData table;
      table.name = decl.name.text;
      table.key_tag = key_type.kind == check::TypeKind::Code     ? Tag::Code
                      : key_type.kind == check::TypeKind::String ? Tag::String
                                                                 : Tag::Int;
      std::vector<check::TypeId> column_types;
      if (value_type.kind == check::TypeKind::Record) {
        table.record_valued = true;
        for (const check::Field& field : checked_.types.GetRecord(value_type.record).fields) {
          table.columns.push_back(field.name);
          column_types.push_back(field.type);
        }
      } else {
        table.columns.push_back("value");
        column_types.push_back(type.elem);
      }

      // Gather (key, cells) rows from the inline entries or the CSV, then sort by key.
      struct Row {
        Constant key;
        std::vector<Constant> cells;
      };

      std::vector<Row> rows;
      if (!decl.load_path) {
        for (const ast::TableEntry& entry : decl.entries) {
          Row row;
          const ast::Expr& k = ast_.expr(entry.key);
          std::string key_text = k.kind == ast::ExprKind::Int ? std::to_string(k.ival) : k.text;
          if (!CellConstant(key_text, type.key, row.key))
            continue;
          const ast::Expr& v = ast_.expr(entry.value);
          Constant cell;
          std::string value_text;
          switch (v.kind) {
            case ast::ExprKind::Int:
              value_text = std::to_string(v.ival);
              break;
            case ast::ExprKind::Decimal:
            case ast::ExprKind::String:
              value_text = v.text;
              break;
            case ast::ExprKind::Bool:
              value_text = v.ival ? "true" : "false";
              break;
            case ast::ExprKind::DateLit:
              value_text = fmt::format("{:04}-{:02}-{:02}", v.date.year, v.date.month, v.date.day);
              break;
            case ast::ExprKind::Unary:
              if (v.op == ast::Operator::Neg && v.a != ast::kNone) {
                const ast::Expr& inner = ast_.expr(v.a);
                value_text = "-" + (inner.kind == ast::ExprKind::Int ? std::to_string(inner.ival)
                                                                     : inner.text);
              }
              break;
            default:
              break;
          }
          if (!CellConstant(value_text, type.elem, cell))
            cell = Constant();
          row.cells.push_back(std::move(cell));
          rows.push_back(std::move(row));
        }
      } else {
        std::string why;
        std::filesystem::path path =
            frontend::ResolveInRoot(sources_, ast_.files[f].file, decl.load_path->text, why);
        frontend::CsvFile csv;
        if (!path.empty() && frontend::ReadCsv(path, csv, why)) {
          auto column_of = [&](const std::string& name) -> size_t {
            auto it = std::find(csv.header.begin(), csv.header.end(), name);
            return it == csv.header.end() ? SIZE_MAX : static_cast<size_t>(it - csv.header.begin());
          };
          size_t key_col = column_of(decl.load_key->text);
          std::vector<size_t> cols;
          for (const std::string& c : table.columns)
            cols.push_back(column_of(c));
          for (const auto& cells : csv.rows) {
            Row row;
            if (key_col >= cells.size() || !CellConstant(cells[key_col], type.key, row.key))
              continue;
            for (size_t c = 0; c < cols.size(); ++c) {
              Constant cell;
              if (cols[c] >= cells.size() || !CellConstant(cells[cols[c]], column_types[c], cell)) {
                cell = Constant();
              }
              row.cells.push_back(std::move(cell));
            }
            rows.push_back(std::move(row));
          }
        }
      }
      std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        return table.key_tag == Tag::String ? a.key.text < b.key.text : a.key.i < b.key.i;
      });
      // A key given twice keeps its first row (the checker reports duplicates in inline tables).
      for (size_t r = 0; r < rows.size(); ++r) {
        if (r > 0 && (table.key_tag == Tag::String ? rows[r].key.text == rows[r - 1].key.text
                                                   : rows[r].key.i == rows[r - 1].key.i)) {
          continue;
        }
        if (table.key_tag == Tag::String) {
          table.string_keys.push_back(rows[r].key.text);
        } else {
          table.int_keys.push_back(rows[r].key.i);
        }
        for (Constant& c : rows[r].cells)
          table.cells.push_back(std::move(c));
      }
      out_.tables.push_back(std::move(table));
    }
  }
}

}  // namespace warrant::codegen
