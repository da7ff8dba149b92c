// Field-by-field equality of two decoded Claims, for the tests and the fuzzer that hold the
// record decoder's fast path (runtime/records/record_scan.h) to its full path. Ranges are compared
// by what they hold, not by where in the pools they sit. Returns "" when equal, else the first
// difference.
#pragma once

#include <string>
#include <string_view>

#include "runtime/records/record.h"

namespace warrant::testing {

inline std::string ClaimDifference(const Claim& a, const Claim& b) {
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
  }
  if (a.facts.size() != b.facts.size())
    return "number of facts";
  for (size_t i = 0; i < a.facts.size(); ++i) {
    const Value& x = a.facts[i];
    const Value& y = b.facts[i];
    const std::string at = "facts[" + std::to_string(i) + "]";
    if (x.tag != y.tag)
      return at + " type";
    if (x.tag == Tag::String) {
      if (x.str() != y.str())
        return at;
    } else if (x.i != y.i || x.aux != y.aux || x.sub != y.sub) {
      return at;
    }
  }
  return "";
}

}  // namespace warrant::testing
