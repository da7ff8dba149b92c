// One FHIR R4 Claim or ExplanationOfBenefit (as CMS Blue Button 2.0 and CARIN Blue Button serve
// them) turned into one Warrant claim record. docs/formats.md, "FHIR R4", is the mapping path by
// path. This module reads one resource and the resources it may reference; finding resources in
// a document (Bundle, NDJSON) is fhir.cpp's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/formats/claim_source.h"
#include "runtime/formats/fhir_json.h"
#include "runtime/records/record_scan.h"

namespace warrant::fhir {

// The resources of the enclosing document a claim may reference, by "Type/id" (and by fullUrl).
using ResourceIndex = std::unordered_map<std::string, Element>;

// What the mapping keeps from claim to claim, owned by one reader: the codes and dates of a
// workload repeat, and one already checked is not parsed again (the record decoder's caches).
struct MapMemory {
  CodeCache codes;
  DateCache dates;

  // Working space of one claim's mapping, kept for its buffers.
  struct Diagnosis {
    int64_t sequence;
    size_t index;  // in diagnosis[]
    std::string_view code;
  };

  std::vector<Diagnosis> diagnoses;
  std::vector<std::pair<int64_t, int>> pointers;  // diagnosis sequence -> 1-based pointer
};

// Maps `resource` (a Claim or an ExplanationOfBenefit) found at `path` ("entry[2].resource", ""
// for a document that is the resource). A problem leaves `out.json` empty and `out.error` set to
// a message naming the JSON path of the element at fault, e.g.
// "entry[2].resource.item[0].productOrService: no HCPCS or CPT coding".
// `before_lookup`, when given, is called before the mapping first looks a reference up in `index`
// (a reference that is not to a contained resource), so a reader may fill the index only once a
// claim needs it.
void MapClaim(Element resource, std::string_view path, const ResourceIndex& index,
              MapMemory& memory, ConvertedClaim& out,
              const std::function<void()>* before_lookup = nullptr);

}  // namespace warrant::fhir
