#include "compiler/check/types.h"

#include <fmt/format.h>

#include "stdlib/stdlib.h"

namespace warrant::check {

const Field* Record::Find(std::string_view field) const {
  for (const Field& f : fields) {
    if (f.name == field)
      return &f;
  }
  return nullptr;
}

TypeTable::TypeTable() {
  types_.push_back(Type{TypeKind::Error, {}, 0, 0, 0});
}

TypeId TypeTable::Intern(const Type& type) {
  for (TypeId i = 0; i < types_.size(); ++i) {
    if (types_[i] == type)
      return i;
  }
  types_.push_back(type);
  return static_cast<TypeId>(types_.size() - 1);
}

uint32_t TypeTable::AddRecord(Record record) {
  records_.push_back(std::move(record));
  return static_cast<uint32_t>(records_.size() - 1);
}

std::optional<uint32_t> TypeTable::FindRecord(std::string_view name) const {
  for (uint32_t i = 0; i < records_.size(); ++i) {
    if (!records_[i].name.empty() && records_[i].name == name)
      return i;
  }
  return std::nullopt;
}

std::string TypeTable::Name(TypeId id) const {
  const Type& t = types_[id];
  switch (t.kind) {
    case TypeKind::Error:
      return "<error>";
    case TypeKind::None:
      return "none";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::Int:
      return "int";
    case TypeKind::Decimal:
      return "decimal";
    case TypeKind::String:
      return "string";
    case TypeKind::Date:
      return "date";
    case TypeKind::Duration:
      return "duration";
    case TypeKind::Code:
      return fmt::format("code<{}>", SystemName(t.system));
    case TypeKind::Codeset:
      return fmt::format("codeset<{}>", SystemName(t.system));
    case TypeKind::List:
      return fmt::format("list<{}>", Name(t.elem));
    case TypeKind::Map:
      return fmt::format("map<{}>", Name(t.elem));
    case TypeKind::Table:
      return fmt::format("table<{} -> {}>", Name(t.key), Name(t.elem));
    case TypeKind::Facts:
      return "facts";
    case TypeKind::Record: {
      const Record& r = records_[t.record];
      if (!r.name.empty())
        return r.name;
      std::string out = "(";
      for (size_t i = 0; i < r.fields.size(); ++i) {
        if (i)
          out += ", ";
        out += r.fields[i].name + ": " + Name(r.fields[i].type);
      }
      return out + ")";
    }
  }
  return "<error>";
}

std::optional<TypeId> TypeTable::Parse(std::string_view s) {
  auto inner = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (s.size() > prefix.size() + 1 && s.substr(0, prefix.size()) == prefix && s.back() == '>') {
      return s.substr(prefix.size(), s.size() - prefix.size() - 1);
    }
    return std::nullopt;
  };
  if (s == "bool")
    return Scalar(TypeKind::Bool);
  if (s == "int")
    return Scalar(TypeKind::Int);
  if (s == "decimal")
    return Scalar(TypeKind::Decimal);
  if (s == "string")
    return Scalar(TypeKind::String);
  if (s == "date")
    return Scalar(TypeKind::Date);
  if (s == "duration")
    return Scalar(TypeKind::Duration);
  if (s == "facts")
    return Scalar(TypeKind::Facts);
  if (auto in = inner("code<")) {
    auto system = SystemFromName(*in);
    if (!system)
      return std::nullopt;
    return Code(*system);
  }
  if (auto in = inner("list<")) {
    auto elem = Parse(*in);
    if (!elem)
      return std::nullopt;
    return List(*elem);
  }
  if (auto in = inner("map<")) {
    auto elem = Parse(*in);
    if (!elem)
      return std::nullopt;
    return Map(*elem);
  }
  if (auto record = FindRecord(s))
    return RecordType(*record);
  return std::nullopt;
}

void TypeTable::AddSchema() {
  // Records first, so fields may name records declared later in the table.
  for (const stdlib::RecordInfo& r : stdlib::Records())
    AddRecord(Record{std::string(r.name), {}});
  for (const stdlib::FieldInfo& f : stdlib::Fields()) {
    uint32_t record = *FindRecord(f.record);
    std::optional<TypeId> type = Parse(f.type);
    records_[record].fields.push_back(Field{std::string(f.field), type ? *type : error()});
  }
}

bool IsNumeric(TypeKind kind) {
  return kind == TypeKind::Int || kind == TypeKind::Decimal;
}

bool IsOrdered(TypeKind kind) {
  return IsNumeric(kind) || kind == TypeKind::Date || kind == TypeKind::Duration ||
         kind == TypeKind::String;
}

}  // namespace warrant::check
