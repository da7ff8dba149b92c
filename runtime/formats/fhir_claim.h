// One FHIR R4 Claim or ExplanationOfBenefit (as CMS Blue Button 2.0 and CARIN Blue Button serve
// them) turned into one Warrant claim record. docs/formats.md, "FHIR R4", is the mapping path by
// path. This module reads one resource and the resources it may reference; finding resources in
// a document (Bundle, NDJSON) is fhir.cpp's.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/formats/claim_source.h"
#include "runtime/formats/fhir_json.h"

namespace warrant::fhir {

// The resources of the enclosing document a claim may reference, by "Type/id" (and by fullUrl).
using ResourceIndex = std::unordered_map<std::string, Element>;

// Maps `resource` (a Claim or an ExplanationOfBenefit) found at `path` ("entry[2].resource", ""
// for a document that is the resource). A problem leaves `out.json` empty and `out.error` set to
// a message naming the JSON path of the element at fault, e.g.
// "entry[2].resource.item[0].productOrService: no HCPCS or CPT coding".
void MapClaim(Element resource, std::string_view path, const ResourceIndex& index,
              ConvertedClaim& out);

}  // namespace warrant::fhir
