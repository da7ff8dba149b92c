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
  // A Code of system loinc that may hold a code of any system the pack declares: an observation's
  // code (a bare code in a claim is LOINC; `payer_local|SL0001` is not).
  bool open = false;
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

  // The type of `observation.code`: LOINC, or any system the pack declares.
  TypeId ObservationCode() {
    return Intern(Type{TypeKind::Code, CodeSystem::Loinc, 0, 0, 0, true});
  }

  // Whether a code of `code`'s type can be compared with one of `other` (a code or a codeset's
  // system): the same system, or an observation code and LOINC or a declared system.
  bool CodesMeet(TypeId code, TypeId other) const {
    const Type& a = types_[code];
    const Type& b = types_[other];
    if (a.system == b.system)
      return true;
    const auto loinc_or_declared = [](CodeSystem s) {
      return s == CodeSystem::Loinc || IsDeclaredSystem(s);
    };
    return (a.open && loinc_or_declared(b.system)) || (b.open && loinc_or_declared(a.system));
  }

  // A system the pack declares, in declaration order (prefix bytes kFirstDeclaredSystem on), so
  // types name it.
  void AddSystemName(std::string name) { system_names_.push_back(std::move(name)); }

  std::string_view SystemName(CodeSystem system) const {
    const size_t byte = static_cast<uint8_t>(system);
    if (IsDeclaredSystem(system) && byte - kFirstDeclaredSystem < system_names_.size())
      return system_names_[byte - kFirstDeclaredSystem];
    return warrant::SystemName(system);
  }

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
  std::vector<std::string> system_names_;
};

bool IsNumeric(TypeKind kind);
bool IsOrdered(TypeKind kind);  // int, decimal, date, duration, string

}  // namespace warrant::check
