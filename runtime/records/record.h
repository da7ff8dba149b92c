// The compact in-memory form of one claim, as the VM reads it.
//
// Codes are packed integers (runtime/core/code.h), dates are day numbers, decimals are fixed-point,
// strings and lists are ranges into pools owned by the Claim. A Claim is reused from record to
// record: Clear() keeps every buffer's capacity, so decoding a stream allocates nothing in the
// steady state. Which optional fields were present is a bit per FieldId.
//
// The base fields the C++ special-cases (WARRANT_FIELD in schema.def) are members; every other
// field of a record instance (the base schema's WARRANT_DATA fields, a pack's extensions) is one
// of its slots in `values`, an absent one `unknown` (runtime/records/schema.h numbers the slots).
// Records of declared types (a provider, an element of a list of records) are `objects`.
// Decoding JSON into a Claim is in record_json.h; this header is only the data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/date.h"
#include "runtime/core/value.h"
#include "runtime/records/schema.h"

namespace warrant {

// A slice of one of the Claim's pools.
struct Range {
  uint32_t begin = 0;
  uint32_t count = 0;

  bool operator==(const Range&) const = default;  // the same slice, not merely equal contents
};

inline constexpr uint64_t FieldBit(FieldId f) {
  return uint64_t{1} << static_cast<unsigned>(f);
}

struct Presence {
  uint64_t bits = 0;

  bool Has(FieldId f) const { return (bits & FieldBit(f)) != 0; }

  void Set(FieldId f) { bits |= FieldBit(f); }
};

// Presence bits are one word: every member field's id must be below 64.
inline constexpr bool kMembersFitPresence = true
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc) \
  &&static_cast<size_t>(FieldId::Record##_##Field) < 64
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
    ;
static_assert(kMembersFitPresence, "presence bits are one word");

struct LineRecord {
  Presence present;
  uint64_t code = 0;    // packed HCPCS
  int64_t units = 1;    // 1 when absent (language.md defaults)
  Day date = 0;         // the claim's service date when absent
  uint64_t pos = 0;     // the claim's place of service when absent
  Range modifiers;      // codes pool
  Range dx_pointers;    // ints pool, 1-based
  Range diagnoses;      // codes pool: the pointed-to diagnoses, else all of the claim's
  uint32_t values = 0;  // its first generic slot
};

struct HistoryRecord {
  Presence present;
  uint64_t code = 0;
  Day date = 0;
  Range status;  // strings
  Range dx;      // codes pool
  int64_t units = 1;
  Range modifiers;  // codes pool
  uint32_t values = 0;
};

struct ObservationRecord {
  Presence present;
  uint64_t code = 0;  // packed LOINC
  int64_t value = 0;  // scaled by kDecimalScale
  Range unit;         // strings
  Day date = 0;
  Range context;  // pairs pool
  uint32_t values = 0;
};

// An instance of a declared record type.
struct ObjectRecord {
  uint32_t values = 0;  // its first slot
  uint16_t record = 0;  // Schema record index
};

struct Claim {
  Presence present;  // claim_* and patient_* fields
  Range id;          // strings
  Range patient_id;
  Day birth_date = 0;
  Range sex;
  Day part_b_effective = 0;
  Day service_date = 0;
  uint64_t place_of_service = 0;  // packed POS ("11" when absent)
  Range claim_type;               // "professional" when absent
  Range diagnoses;                // codes pool

  std::vector<LineRecord> lines;
  std::vector<HistoryRecord> history;
  std::vector<ObservationRecord> observations;

  uint32_t claim_values = 0;  // the claim's generic slots
  uint32_t patient_values = 0;
  std::vector<Value> values;  // generic slots of every record instance
  std::vector<ObjectRecord> objects;
  std::vector<uint32_t> refs;  // elements of lists of records: object indexes
  std::vector<Range> texts;    // elements of lists of strings

  std::vector<uint64_t> codes;
  std::vector<int64_t> ints;                   // also decimals (scaled), dates and bools of lists
  std::vector<std::pair<Range, Range>> pairs;  // context key -> value (strings)
  std::string strings;
  // One value per fact the pack declares, in the pack's order (the facts record's slots);
  // Unknown when not given.
  std::vector<Value> facts;

  void Clear() {
    present = {};
    id = patient_id = sex = claim_type = diagnoses = {};
    birth_date = part_b_effective = service_date = 0;
    place_of_service = 0;
    lines.clear();
    history.clear();
    observations.clear();
    claim_values = patient_values = 0;
    pending_strings = 0;
    values.clear();
    objects.clear();
    refs.clear();
    texts.clear();
    codes.clear();
    ints.clear();
    pairs.clear();
    strings.clear();
    for (Value& v : facts)
      v = Value::Unknown(kNoPc);
  }

  // Strings in generic slots or facts still to be pointed at the arena (PendingString).
  uint32_t pending_strings = 0;

  // Appends a record instance's generic slots at their initial values; the first one's index.
  uint32_t AddSlots(const RecordDef& record) {
    const auto first = static_cast<uint32_t>(values.size());
    values.insert(values.end(), record.initial.begin(), record.initial.end());
    return first;
  }

  std::string_view Str(Range r) const { return std::string_view(strings).substr(r.begin, r.count); }

  // A string for a generic slot or a fact while the record is decoded: appended to the arena
  // (which may still move), its value holds the range; the decoder points every such value at
  // the arena once the record is read (sub 1 marks them).
  Value PendingString(std::string_view s) {
    const Range r = AddString(s);
    Value v = Value::String({});
    v.i = r.begin;
    v.aux = r.count;
    v.sub = 1;
    ++pending_strings;
    return v;
  }

  // A new line, history entry or observation as both decoders start one: its generic slots at
  // their initial values (`record` is its RecordDef), and known from the start the fields whose
  // absence means a default (a line's position, units, modifiers and pointers; an entry's units).
  LineRecord& AddLine(const RecordDef& record) {
    LineRecord& line = lines.emplace_back();
    line.values = AddSlots(record);
    for (FieldId f : {FieldId::line_index, FieldId::line_units, FieldId::line_modifiers,
                      FieldId::line_dx_pointers}) {
      line.present.Set(f);
    }
    return line;
  }

  HistoryRecord& AddHistory(const RecordDef& record) {
    HistoryRecord& h = history.emplace_back();
    h.values = AddSlots(record);
    h.present.Set(FieldId::history_units);
    return h;
  }

  ObservationRecord& AddObservation(const RecordDef& record) {
    ObservationRecord& o = observations.emplace_back();
    o.values = AddSlots(record);
    return o;
  }

  // Appends `s` to the string arena and returns its range.
  Range AddString(std::string_view s) {
    Range r{static_cast<uint32_t>(strings.size()), static_cast<uint32_t>(s.size())};
    strings.append(s);
    return r;
  }
};

// Builds a list value of a declared type as both decoders read its elements: each element goes to
// the claim's pool of its kind; records by reference, collected on `scratch` first (their own
// lists of records may append references meanwhile) and moved to `refs` at the end.
class ListBuilder {
 public:
  ListBuilder(Claim& claim, std::vector<uint32_t>& scratch, ListKind kind)
      : claim_(claim), scratch_(scratch), kind_(kind), mark_(scratch.size()), begin_(PoolSize()) {}

  void Add(const Value& item) {
    switch (kind_) {
      case ListKind::Codes:
        claim_.codes.push_back(item.code());
        break;
      case ListKind::Strings:
        claim_.texts.push_back(Range{static_cast<uint32_t>(item.i), item.aux});
        break;
      case ListKind::Objects:
        scratch_.push_back(static_cast<uint32_t>(item.i));
        break;
      default:
        claim_.ints.push_back(item.i);
        break;
    }
  }

  // The list of the elements added; `Abandon` instead when reading them failed.
  Value Finish() {
    if (kind_ != ListKind::Objects)
      return Value::List(kind_, begin_, PoolSize() - begin_);
    const auto begin = static_cast<uint32_t>(claim_.refs.size());
    const auto count = static_cast<uint32_t>(scratch_.size() - mark_);
    claim_.refs.insert(claim_.refs.end(), scratch_.begin() + static_cast<ptrdiff_t>(mark_),
                       scratch_.end());
    scratch_.resize(mark_);
    return Value::List(kind_, begin, count);
  }

  void Abandon() { scratch_.resize(mark_); }

 private:
  uint32_t PoolSize() const {
    switch (kind_) {
      case ListKind::Codes:
        return static_cast<uint32_t>(claim_.codes.size());
      case ListKind::Strings:
        return static_cast<uint32_t>(claim_.texts.size());
      case ListKind::Objects:
        return 0;
      default:
        return static_cast<uint32_t>(claim_.ints.size());
    }
  }

  Claim& claim_;
  std::vector<uint32_t>& scratch_;
  ListKind kind_;
  size_t mark_;
  uint32_t begin_;
};

}  // namespace warrant
