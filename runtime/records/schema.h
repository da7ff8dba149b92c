// The claim schema as data: records, their fields and the fields' types, built from the base
// declaration (runtime/records/schema.def) plus a pack's `extend` declarations and facts.
//
// One Schema serves everyone who needs to know what a claim holds: the checker (field types and
// test records), both record decoders (which keys a record takes and how each value is read),
// the VM (field access), explain (rendering values), `warrant schema` and its JSON Schema
// writer. A pack stores its schema (runtime/pack/pack.h), so a pack built with extensions decodes
// them wherever it runs.
//
// Every field has a global number, its `field` operand: the base fields keep the FieldId numbers
// of schema.def, so the VM and the decoders' fast path special-case them directly; fields a pack
// adds come after. A base field declared WARRANT_FIELD has its own member in the Claim
// (runtime/records/record.h); every other field lives in its record instance's slots of
// generic Values. This module knows no JSON and no rules.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/value.h"

namespace warrant {

// One id per base field, named record_field: FieldId::line_code.
enum class FieldId : uint8_t {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc) Record##_##Field,
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)  Record##_##Field,
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
  kCount
};

// One id per base record, in schema.def order; a pack's own records (anonymous record types of
// extensions and facts) follow.
enum class RecordId : uint8_t {
#define WARRANT_RECORD(Record, Doc) Record,
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc)
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
  kCount
};

// "line.code": names of the base fields for listings and messages.
const char* FieldName(FieldId id);

inline constexpr uint16_t kNoIndex16 = UINT16_MAX;
// Fields a pack may have besides its facts (the `field` instruction numbers them with one byte;
// facts are numbered after them).
inline constexpr size_t kMaxFields = 256;
// Facts a pack may declare: fields of the facts record, numbered (with every other field) in 16
// bits.
inline constexpr size_t kMaxFacts = 60'000;

// What a value of a field is.
enum class Kind : uint8_t { Bool, Int, Decimal, Money, String, Date, Code, List, Record, Map };

struct SchemaType {
  Kind kind = Kind::String;
  Kind elem = Kind::String;                 // List: the element's kind (a scalar or Record)
  CodeSystem system = CodeSystem::Icd10cm;  // Code, or a list of codes
  uint16_t record = kNoIndex16;             // Record, or a list of records
  uint16_t one_of = kNoIndex16;             // String with fixed values: index into Schema::enums
  // Int: the allowed range, inclusive (elements of a list of ints too).
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;

  // The element type of a list (the same bounds, system, record and values).
  SchemaType Element() const {
    SchemaType e = *this;
    e.kind = elem;
    return e;
  }

  friend bool operator==(const SchemaType&, const SchemaType&) = default;
};

// Money: exact cents, held as a decimal (runtime/core/decimal.h scale); never negative, at most
// kMaxMoney.
inline constexpr int64_t kMaxMoney = int64_t{999'999'999'99} * 10'000;  // 999,999,999.99

// What a field is when the input leaves it out (or writes null).
enum class Absence : uint8_t {
  Unknown,    // `unknown` to rules
  Required,   // the record is refused
  Computed,   // not an input field (line.index)
  Empty,      // an empty list or map
  Default,    // `default_text`, a JSON literal
  FromClaim,  // the claim's value of field `from`
};

struct FieldDef {
  std::string name;
  SchemaType type;
  Absence absent = Absence::Unknown;
  std::string default_text;  // Default: the literal as written ("1", "\"11\"")
  std::string doc;
  uint16_t id = 0;             // global number
  uint16_t record = 0;         // the record it belongs to
  uint16_t slot = kNoIndex16;  // its generic slot; kNoIndex16 for a Claim member (WARRANT_FIELD)
  uint16_t from = kNoIndex16;  // FromClaim: the claim field's id
  bool base = false;           // declared in schema.def
};

// Input keys to small numbers: a record's keys to its field positions. Built once per schema;
// a lookup hashes the key's length and first eight bytes and compares once.
class KeyTable {
 public:
  void Add(std::string_view key, uint16_t value);

  // The value of `key`, or kNoIndex16.
  uint16_t Find(std::string_view key) const {
    if (key.empty())
      return kNoIndex16;
    return Lookup(key, Head(key));
  }

  // The same for a key with at least 8 readable bytes from its start (a padded input buffer).
  uint16_t FindPadded(std::string_view key) const {
    if (key.empty())
      return kNoIndex16;
    uint64_t head = 0;
    std::memcpy(&head, key.data(), 8);
    if (key.size() < 8)
      head &= (uint64_t{1} << (8 * key.size())) - 1;
    return Lookup(key, head);
  }

 private:
  struct Entry {
    uint64_t head = 0;
    uint64_t tail = 0;  // a key of 9 to 16 bytes: its last 8 (with `head`, the whole key)
    uint32_t size = 0;
    uint16_t value = kNoIndex16;
    uint16_t name = 0;
  };

  bool Matches(const Entry& e, std::string_view key, uint64_t head) const {
    return e.head == head && e.size == key.size() &&
           (key.size() <= 8 ||
            (key.size() <= 16 ? Tail(key) == e.tail
                              : std::memcmp(keys_[e.name].first.data() + 8, key.data() + 8,
                                            key.size() - 8) == 0));
  }

  uint16_t Lookup(std::string_view key, uint64_t head) const {
    if (entries_.empty())
      return kNoIndex16;
    for (size_t i = Hash(key, head) & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNoIndex16)
        return kNoIndex16;
      if (Matches(e, key, head))
        return e.value;
    }
  }

  static uint64_t Head(std::string_view key) {
    uint64_t head = 0;
    std::memcpy(&head, key.data(), key.size() < 8 ? key.size() : 8);
    return head;
  }

  // The last 8 bytes of a key longer than 8: most keys (`service_date`, `place_of_service`) are
  // then compared in two words, without a call to memcmp.
  static uint64_t Tail(std::string_view key) {
    uint64_t tail = 0;
    std::memcpy(&tail, key.data() + key.size() - 8, 8);
    return tail;
  }

  // Of the first and last 8 bytes and the size: keys that share a prefix and a length (`fact_1`
  // .. `fact_9999` in a pack of many facts) still spread over the table.
  static size_t Hash(std::string_view key, uint64_t head) {
    uint64_t h = head ^ key.size();
    if (key.size() > 8)
      h ^= (Tail(key) << 29) | (Tail(key) >> 35);
    return static_cast<size_t>((h * 0x9E3779B97F4A7C15u) >> 32);
  }

  void Insert(size_t index);
  void Rebuild(size_t capacity);

  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, uint16_t>> keys_;
  size_t mask_ = 0;
};

struct RecordDef {
  std::string name;  // "" for a record type written in place: `(kind: string, start: date)`
  std::string doc;
  std::vector<uint16_t> fields;  // global ids, in declaration order
  // Per generic slot, what a new instance holds before its input is read: unknown, the default,
  // or an empty list.
  std::vector<Value> initial;
  uint16_t date_field = kNoIndex16;  // a `date: date` field: what latest and earliest order by
  KeyTable keys;                     // input key -> position in `fields`
  // The generic fields that take the claim's value when absent, as (slot here, the claim field's
  // slot): the decoders copy slot to slot, without looking the fields up.
  std::vector<std::pair<uint16_t, uint16_t>> inherited;
};

// A code system the pack declares (`codesystem payer_local "title" uri "..."`): it takes the
// prefix byte kFirstDeclaredSystem + its index, and its codes the syntax every declared system
// shares (runtime/core/code.h).
struct CodeSystemDef {
  std::string
      name;  // as written in source and in claims: `code<payer_local>`, "payer_local|SL0001"
  std::string title;  // what it is: "Acme Health local lab codes"
  std::string uri;    // how FHIR-derived feeds name it ("http://acme.example/codes/lab"), or ""
};

// The most systems a pack may declare: prefix bytes 128..255.
inline constexpr size_t kMaxDeclaredSystems = 256 - kFirstDeclaredSystem;

class Schema {
 public:
  // The base schema of schema.def alone.
  static const Schema& Base();

  // ---- building (the checker, the pack reader, tests): Add*, then Finish ----

  uint16_t AddRecord(std::string name, std::string doc);
  // Adds `field` to `record` with the next global number, which it returns.
  uint16_t AddField(uint16_t record, FieldDef field);
  uint16_t AddEnum(std::vector<std::string> values);
  // A declared code system, by its prefix byte; Finish refuses a name that is taken (by a
  // built-in system or another declaration), a malformed one, or too many systems.
  CodeSystem AddSystem(CodeSystemDef def);

  // A fact: a field of the facts record.
  uint16_t AddFact(std::string name, SchemaType type, std::string doc = {}) {
    FieldDef f;
    f.name = std::move(name);
    f.type = type;
    f.doc = std::move(doc);
    return AddField(static_cast<uint16_t>(RecordId::facts), std::move(f));
  }

  // Numbers the generic slots and computes what decoding needs. A problem (a type naming a record
  // or enum that does not exist, a default that does not fit its type, too many fields) is
  // returned as a sentence; the schema is then unusable.
  std::optional<std::string> Finish();

  // Whether a value of `type` holds (in a field, a list element, or deeper) a `record`: a record
  // type may not contain itself, since decoding and the JSON Schema would then never end.
  bool Reaches(const SchemaType& type, uint16_t record) const;

  // ---- reading ----

  std::span<const RecordDef> records() const { return records_; }

  const RecordDef& record(uint16_t index) const { return records_[index]; }

  const RecordDef& record(RecordId id) const { return records_[static_cast<size_t>(id)]; }

  std::span<const FieldDef> fields() const { return fields_; }

  const FieldDef& field(uint16_t id) const { return fields_[id]; }

  const FieldDef& field(FieldId id) const { return fields_[static_cast<size_t>(id)]; }

  std::span<const std::vector<std::string>> enums() const { return enums_; }

  std::span<const CodeSystemDef> systems() const { return systems_; }

  // A declared system's definition, or null for a built-in or undeclared prefix byte.
  const CodeSystemDef* Declared(CodeSystem system) const {
    const auto byte = static_cast<size_t>(system);
    if (byte < kFirstDeclaredSystem || byte - kFirstDeclaredSystem >= systems_.size())
      return nullptr;
    return &systems_[byte - kFirstDeclaredSystem];
  }

  // Whether codes of `system` can appear under this schema: a built-in system or a declared one.
  bool Knows(CodeSystem system) const;
  // The name in source of a built-in or declared system ("icd10cm", "payer_local").
  std::string_view SystemName(CodeSystem system) const;
  // A built-in or declared system by that name.
  std::optional<CodeSystem> FindSystem(std::string_view name) const;
  // The system a claim names before `|` in an observation's code: `LOINC` or `http://loinc.org`,
  // or a declared system's name or uri (exactly as declared). Nullopt for anything else.
  std::optional<CodeSystem> ObservationSystem(std::string_view qualifier) const;

  // The field of `record` named `name` (the input key, so `dx_ptr` finds line.dx_pointers).
  const FieldDef* Find(uint16_t record, std::string_view name) const;
  // The named record `name` ("line", "provider"), or kNoIndex16.
  uint16_t FindRecord(std::string_view name) const;
  // The other input key of a field, if it has one (`dx_ptr` for line.dx_pointers); else empty.
  std::string_view Alias(uint16_t field) const;

  // What a new claim's values start as: the claim's initial slots, then the patient's, so the
  // decoders start a claim with one copy.
  std::span<const Value> claim_start() const { return claim_start_; }

  // The declared facts in declaration order: the `fact` instruction's operand indexes this.
  std::span<const uint16_t> facts() const { return record(RecordId::facts).fields; }

  // Fields and records beyond the base: what a pack declared.
  bool Extended() const;

  // "list<code<icd10cm>>", "money", "one of [\"UN\", \"ML\"]", "(kind: string, start: date)".
  std::string TypeName(const SchemaType& type) const;
  // The reverse for schema.def's spellings (named records must exist).
  std::optional<SchemaType> ParseType(std::string_view spelling);

  // An empty list of a field's element kind (the List value of Absence::Empty).
  static ListKind ListKindOf(Kind elem);

 private:
  std::vector<RecordDef> records_;
  std::vector<Value> claim_start_;  // claim_start()
  std::vector<FieldDef> fields_;
  std::vector<std::vector<std::string>> enums_;
  std::vector<CodeSystemDef> systems_;
};

}  // namespace warrant
