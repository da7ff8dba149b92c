// Field-by-field equality of two decoded Claims, for the tests and the fuzzer that hold the
// record decoder's fast path (runtime/records/record_scan.h) to its full path. Ranges are compared
// by what they hold, not by where in the pools they sit. Returns "" when equal, else the first
// difference.
#pragma once

#include <string>
#include <string_view>

#include "runtime/records/record.h"
#include "runtime/records/schema.h"

namespace warrant::testing {

// Two values of the generic slots (or facts) of `a` and `b`, compared by what they hold: lists
// and records are followed into their pools.
inline std::string ValueDifference(const Claim& a, const Value& x, const Claim& b, const Value& y,
                                   const Schema& schema, const std::string& at) {
  if (x.tag != y.tag)
    return at + " type";
  switch (x.tag) {
    case Tag::String:
      return x.str() == y.str() ? "" : at;
    case Tag::List: {
      if (x.sub != y.sub || x.aux != y.aux)
        return at + " list";
      for (uint32_t k = 0; k < x.aux; ++k) {
        const size_t i = static_cast<size_t>(x.i) + k, j = static_cast<size_t>(y.i) + k;
        const std::string element = at + "[" + std::to_string(k) + "]";
        switch (x.list_kind()) {
          case ListKind::Codes:
            if (a.codes[i] != b.codes[j])
              return element;
            break;
          case ListKind::Ints:
          case ListKind::Decimals:
          case ListKind::Dates:
          case ListKind::Bools:
            if (a.ints[i] != b.ints[j])
              return element;
            break;
          case ListKind::Strings:
            if (a.Str(a.texts[i]) != b.Str(b.texts[j]))
              return element;
            break;
          case ListKind::Context:
            if (a.Str(a.pairs[i].first) != b.Str(b.pairs[j].first) ||
                a.Str(a.pairs[i].second) != b.Str(b.pairs[j].second)) {
              return element;
            }
            break;
          case ListKind::Objects: {
            std::string d =
                ValueDifference(a, Value::Record(RecordKind::Object, a.refs[i]), b,
                                Value::Record(RecordKind::Object, b.refs[j]), schema, element);
            if (!d.empty())
              return d;
            break;
          }
          default:
            return element + " kind";
        }
      }
      return "";
    }
    case Tag::Record: {
      if (x.sub != y.sub || x.record_kind() != RecordKind::Object)
        return x.sub == y.sub && x.i == y.i ? "" : at;
      const ObjectRecord& ox = a.objects[static_cast<size_t>(x.i)];
      const ObjectRecord& oy = b.objects[static_cast<size_t>(y.i)];
      if (ox.record != oy.record)
        return at + " record type";
      const size_t slots = schema.record(ox.record).initial.size();
      for (size_t k = 0; k < slots; ++k) {
        std::string d = ValueDifference(a, a.values[ox.values + k], b, b.values[oy.values + k],
                                        schema, at + "." + std::to_string(k));
        if (!d.empty())
          return d;
      }
      return "";
    }
    default:
      return x.i == y.i && x.aux == y.aux && x.sub == y.sub ? "" : at;
  }
}

// The generic slots of one record instance of each claim.
inline std::string SlotsDifference(const Claim& a, uint32_t x, const Claim& b, uint32_t y,
                                   RecordId record, const Schema& schema, const std::string& at) {
  const size_t slots = schema.record(record).initial.size();
  for (size_t k = 0; k < slots; ++k) {
    std::string d = ValueDifference(a, a.values[x + k], b, b.values[y + k], schema,
                                    at + "slot " + std::to_string(k));
    if (!d.empty())
      return d;
  }
  return "";
}

inline std::string ClaimDifference(const Claim& a, const Claim& b,
                                   const Schema& schema = Schema::Base()) {
  const auto codes = [](const Claim& c, Range r) {
    return std::basic_string_view<uint64_t>(c.codes.data() + r.begin, r.count);
  };
  const auto ints = [](const Claim& c, Range r) {
    return std::basic_string_view<int64_t>(c.ints.data() + r.begin, r.count);
  };
  const auto strs = [](const Claim& c, Range r) { return c.Str(r); };
  if (a.present.bits != b.present.bits)
    return "claim presence bits";
  if (strs(a, a.id) != strs(b, b.id))
    return "id";
  if (strs(a, a.patient_id) != strs(b, b.patient_id))
    return "patient.id";
  if (a.birth_date != b.birth_date)
    return "patient.birth_date";
  if (strs(a, a.sex) != strs(b, b.sex))
    return "patient.sex";
  if (a.part_b_effective != b.part_b_effective)
    return "patient.part_b_effective";
  if (a.service_date != b.service_date)
    return "service_date";
  if (a.place_of_service != b.place_of_service)
    return "place_of_service";
  if (strs(a, a.claim_type) != strs(b, b.claim_type))
    return "claim_type";
  if (codes(a, a.diagnoses) != codes(b, b.diagnoses))
    return "diagnoses";
  if (a.lines.size() != b.lines.size())
    return "number of lines";
  for (size_t i = 0; i < a.lines.size(); ++i) {
    const LineRecord& x = a.lines[i];
    const LineRecord& y = b.lines[i];
    const std::string at = "lines[" + std::to_string(i) + "].";
    if (x.present.bits != y.present.bits)
      return at + "presence bits";
    if (x.code != y.code)
      return at + "code";
    if (x.units != y.units)
      return at + "units";
    if (x.date != y.date)
      return at + "date";
    if (x.pos != y.pos)
      return at + "place_of_service";
    if (codes(a, x.modifiers) != codes(b, y.modifiers))
      return at + "modifiers";
    if (ints(a, x.dx_pointers) != ints(b, y.dx_pointers))
      return at + "dx_pointers";
    if (codes(a, x.diagnoses) != codes(b, y.diagnoses))
      return at + "diagnoses";
    if (std::string d = SlotsDifference(a, x.values, b, y.values, RecordId::line, schema, at);
        !d.empty()) {
      return d;
    }
  }
  if (a.history.size() != b.history.size())
    return "number of history entries";
  for (size_t i = 0; i < a.history.size(); ++i) {
    const HistoryRecord& x = a.history[i];
    const HistoryRecord& y = b.history[i];
    const std::string at = "history[" + std::to_string(i) + "].";
    if (x.present.bits != y.present.bits)
      return at + "presence bits";
    if (x.code != y.code)
      return at + "code";
    if (x.date != y.date)
      return at + "date";
    if (strs(a, x.status) != strs(b, y.status))
      return at + "status";
    if (codes(a, x.dx) != codes(b, y.dx))
      return at + "dx";
    if (x.units != y.units)
      return at + "units";
    if (codes(a, x.modifiers) != codes(b, y.modifiers))
      return at + "modifiers";
    if (std::string d = SlotsDifference(a, x.values, b, y.values, RecordId::history, schema, at);
        !d.empty()) {
      return d;
    }
  }
  if (a.observations.size() != b.observations.size())
    return "number of observations";
  for (size_t i = 0; i < a.observations.size(); ++i) {
    const ObservationRecord& x = a.observations[i];
    const ObservationRecord& y = b.observations[i];
    const std::string at = "observations[" + std::to_string(i) + "].";
    if (x.present.bits != y.present.bits)
      return at + "presence bits";
    if (x.code != y.code)
      return at + "code";
    if (x.value != y.value)
      return at + "value";
    if (strs(a, x.unit) != strs(b, y.unit))
      return at + "unit";
    if (x.date != y.date)
      return at + "date";
    if (x.context.count != y.context.count)
      return at + "context size";
    for (uint32_t k = 0; k < x.context.count; ++k) {
      const auto& [xk, xv] = a.pairs[x.context.begin + k];
      const auto& [yk, yv] = b.pairs[y.context.begin + k];
      if (strs(a, xk) != strs(b, yk) || strs(a, xv) != strs(b, yv))
        return at + "context";
    }
    if (std::string d =
            SlotsDifference(a, x.values, b, y.values, RecordId::observation, schema, at);
        !d.empty()) {
      return d;
    }
  }
  if (std::string d =
          SlotsDifference(a, a.claim_values, b, b.claim_values, RecordId::claim, schema, "claim ");
      !d.empty()) {
    return d;
  }
  if (std::string d = SlotsDifference(a, a.patient_values, b, b.patient_values, RecordId::patient,
                                      schema, "patient ");
      !d.empty()) {
    return d;
  }
  if (a.facts.size() != b.facts.size())
    return "number of facts";
  for (size_t i = 0; i < a.facts.size(); ++i) {
    if (std::string d = ValueDifference(a, a.facts[i], b, b.facts[i], schema,
                                        "facts[" + std::to_string(i) + "]");
        !d.empty()) {
      return d;
    }
  }
  return "";
}

}  // namespace warrant::testing
