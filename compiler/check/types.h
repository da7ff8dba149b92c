// The checker's types: interned, so a type is a 32-bit TypeId compared with ==.
//
// Scalars (bool, int, decimal, string, date, duration), codes and codesets of one code system,
// lists, records (the claim schema's and table rows'), tables and string maps, plus `<error>`,
// which poisons an expression so one mistake yields one diagnostic. The claim schema's records are
// built from the pack's Schema (runtime/records/schema.h). This module does no checking of
// expressions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/records/schema.h"

namespace warrant::check {

using TypeId = uint32_t;

enum class TypeKind : uint8_t {
  Error,
  None,  // the type of the `none` literal: fits anywhere
  Bool,
  Int,
  Decimal,
  Money,  // exact cents; a number like decimal
  String,
  Date,
  Duration,
  Code,     // system
  Codeset,  // system
  List,     // elem
  Record,   // record
  Table,    // key, elem = value
  Map,      // string -> elem
  Facts,    // the declared documentation facts
};

struct Field {
  std::string name;
  TypeId type = 0;
  uint16_t id = UINT16_MAX;  // a schema record's field: its global number (the `field` operand)
  std::vector<std::string> one_of;  // a string with fixed values
};

struct Record {
  std::string name;  // "line"; "" for a table row and for a record type written in place
  std::vector<Field> fields;
  uint32_t schema = UINT32_MAX;  // the Schema record it is, or none (a table row)
  const Field* Find(std::string_view field) const;
};

struct Type {
  TypeKind kind{};
  CodeSystem system{};
  TypeId elem = 0;
  TypeId key = 0;
  uint32_t record = 0;
  friend bool operator==(const Type&, const Type&) = default;
};

class TypeTable {
 public:
  TypeTable();

  TypeId Intern(const Type& type);

  const Type& Get(TypeId id) const { return types_[id]; }

  TypeKind Kind(TypeId id) const { return types_[id].kind; }

  TypeId Scalar(TypeKind kind) { return Intern(Type{kind, {}, 0, 0, 0}); }

  TypeId Code(CodeSystem system) { return Intern(Type{TypeKind::Code, system, 0, 0, 0}); }

  TypeId Codeset(CodeSystem system) { return Intern(Type{TypeKind::Codeset, system, 0, 0, 0}); }

  TypeId List(TypeId elem) { return Intern(Type{TypeKind::List, {}, elem, 0, 0}); }

  TypeId Map(TypeId elem) { return Intern(Type{TypeKind::Map, {}, elem, 0, 0}); }

  TypeId Table(TypeId key, TypeId value) {
    return Intern(Type{TypeKind::Table, {}, value, key, 0});
  }

  TypeId RecordType(uint32_t record) { return Intern(Type{TypeKind::Record, {}, 0, 0, record}); }

  uint32_t AddRecord(Record record);

  const Record& GetRecord(uint32_t index) const { return records_[index]; }

  std::optional<uint32_t> FindRecord(std::string_view name) const;

  // "code<icd10cm>", "list<history>", "(units: int, mai: int)".
  std::string Name(TypeId id) const;

  // Parses a stdlib spelling such as "list<code<icd10cm>>"; named records must already exist.
  std::optional<TypeId> Parse(std::string_view spelling);

  // The record types of `schema`, so the checker types field access by it (each schema record
  // gets the checker record of the same index, which must be the next ones). Fields added to the
  // schema later are added with AddSchemaField.
  void AddSchema(const Schema& schema);
  void AddSchemaField(const Schema& schema, uint16_t field);
  // Records that checker record `record` (a record type written in place) is schema record
  // `schema_record`, whose fields it already has.
  void LinkSchemaRecord(uint32_t record, uint16_t schema_record);

  void SetFieldId(uint32_t record, size_t position, uint16_t id) {
    records_[record].fields[position].id = id;
  }

  // The checker type of a schema type (its records must have been added).
  TypeId FromSchema(const Schema& schema, const SchemaType& type);

  TypeId error() const { return 0; }

 private:
  std::vector<Type> types_;
  std::vector<Record> records_;
  std::vector<uint32_t> checker_of_schema_;  // schema record -> checker record
};

bool IsNumeric(TypeKind kind);
bool IsOrdered(TypeKind kind);  // int, decimal, date, duration, string

}  // namespace warrant::check
