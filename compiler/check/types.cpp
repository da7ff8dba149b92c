#include "compiler/check/types.h"

#include <fmt/format.h>

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
    case TypeKind::Money:
      return "money";
    case TypeKind::String:
      return "string";
    case TypeKind::Date:
      return "date";
    case TypeKind::Duration:
      return "duration";
    case TypeKind::Code:
      if (t.open)
        return "code<loinc or a declared system>";
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
  if (s == "money")
    return Scalar(TypeKind::Money);
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

void TypeTable::AddSchema(const Schema& schema) {
  // Records first, so fields may name records declared later.
  for (size_t r = 0; r < schema.records().size(); ++r) {
    Record record{schema.records()[r].name, {}, static_cast<uint32_t>(r)};
    checker_of_schema_.push_back(AddRecord(std::move(record)));
  }
  for (const FieldDef& f : schema.fields())
    AddSchemaField(schema, f.id);
}

void TypeTable::AddSchemaField(const Schema& schema, uint16_t id) {
  const FieldDef& f = schema.field(id);
  // An observation's code may be of any system the pack declares (runtime/records/schema.h).
  const TypeId type = f.id == static_cast<uint16_t>(FieldId::observation_code)
                          ? ObservationCode()
                          : FromSchema(schema, f.type);
  Field field{f.name, type, f.id, {}};
  if (f.type.one_of != kNoIndex16 && f.type.one_of < schema.enums().size())
    field.one_of = schema.enums()[f.type.one_of];
  records_[checker_of_schema_[f.record]].fields.push_back(std::move(field));
}

void TypeTable::LinkSchemaRecord(uint32_t record, uint16_t schema_record) {
  records_[record].schema = schema_record;
  if (checker_of_schema_.size() <= schema_record)
    checker_of_schema_.resize(schema_record + size_t{1}, UINT32_MAX);
  checker_of_schema_[schema_record] = record;
}

TypeId TypeTable::FromSchema(const Schema& schema, const SchemaType& t) {
  switch (t.kind) {
    case Kind::Bool:
      return Scalar(TypeKind::Bool);
    case Kind::Int:
      return Scalar(TypeKind::Int);
    case Kind::Decimal:
      return Scalar(TypeKind::Decimal);
    case Kind::Money:
      return Scalar(TypeKind::Money);
    case Kind::String:
      return Scalar(TypeKind::String);
    case Kind::Date:
      return Scalar(TypeKind::Date);
    case Kind::Code:
      return Code(t.system);
    case Kind::List:
      return List(FromSchema(schema, t.Element()));
    case Kind::Map:
      return Map(Scalar(TypeKind::String));
    case Kind::Record:
      if (t.record == static_cast<uint16_t>(RecordId::facts))
        return Scalar(TypeKind::Facts);
      if (t.record >= checker_of_schema_.size() || checker_of_schema_[t.record] == UINT32_MAX)
        return error();
      return RecordType(checker_of_schema_[t.record]);
  }
  return error();
}

bool IsNumeric(TypeKind kind) {
  return kind == TypeKind::Int || kind == TypeKind::Decimal || kind == TypeKind::Money;
}

bool IsOrdered(TypeKind kind) {
  return IsNumeric(kind) || kind == TypeKind::Date || kind == TypeKind::Duration ||
         kind == TypeKind::String;
}

}  // namespace warrant::check
