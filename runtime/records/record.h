// The compact in-memory form of one claim, as the VM reads it.
//
// Codes are packed integers (runtime/core/code.h), dates are day numbers, decimals are fixed-point,
// strings and lists are ranges into pools owned by the Claim. A Claim is reused from record to
// record: Clear() keeps every buffer's capacity, so decoding a stream allocates nothing in the
// steady state. Which optional fields were present is a bit per FieldId. Decoding JSON into a
// Claim is in record_json.h; this header is only the data.
#pragma once

#include <cstdint>
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
};

inline constexpr uint64_t FieldBit(FieldId f) {
  return uint64_t{1} << static_cast<unsigned>(f);
}

struct Presence {
  uint64_t bits = 0;

  bool Has(FieldId f) const { return (bits & FieldBit(f)) != 0; }

  void Set(FieldId f) { bits |= FieldBit(f); }
};

struct LineRecord {
  Presence present;
  uint64_t code = 0;  // packed HCPCS
  int64_t units = 1;  // 1 when absent (language.md defaults)
  Day date = 0;       // the claim's service date when absent
  uint64_t pos = 0;   // the claim's place of service when absent
  Range modifiers;    // codes pool
  Range dx_pointers;  // ints pool, 1-based
  Range diagnoses;    // codes pool: the pointed-to diagnoses, else all of the claim's
};

struct HistoryRecord {
  Presence present;
  uint64_t code = 0;
  Day date = 0;
  Range status;  // strings
  Range dx;      // codes pool
  int64_t units = 1;
  Range modifiers;  // codes pool
};

struct ObservationRecord {
  Presence present;
  uint64_t code = 0;  // packed LOINC
  int64_t value = 0;  // scaled by kDecimalScale
  Range unit;         // strings
  Day date = 0;
  Range context;  // pairs pool
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

  std::vector<uint64_t> codes;
  std::vector<int64_t> ints;
  std::vector<std::pair<Range, Range>> pairs;  // context key -> value (strings)
  std::string strings;
  // One value per fact the pack declares, in the pack's order; Unknown when not given.
  std::vector<Value> facts;

  void Clear() {
    present = {};
    id = patient_id = sex = claim_type = diagnoses = {};
    birth_date = part_b_effective = service_date = 0;
    place_of_service = 0;
    lines.clear();
    history.clear();
    observations.clear();
    codes.clear();
    ints.clear();
    pairs.clear();
    strings.clear();
    for (Value& v : facts)
      v = Value::Unknown(kNoPc);
  }

  std::string_view Str(Range r) const { return std::string_view(strings).substr(r.begin, r.count); }

  // Appends `s` to the string arena and returns its range.
  Range AddString(std::string_view s) {
    Range r{static_cast<uint32_t>(strings.size()), static_cast<uint32_t>(s.size())};
    strings.append(s);
    return r;
  }
};

}  // namespace warrant
