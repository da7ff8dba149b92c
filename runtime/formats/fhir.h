// The FHIR R4 reader's document level: a single resource, a Bundle (its entries' resources), or
// NDJSON of resources (Bulk FHIR). Each Claim and ExplanationOfBenefit becomes one claim
// (fhir_claim.h maps it); Patient, Organization and Practitioner resources are what claims'
// references resolve to; every other resource is skipped and counted. ReadFhir (claim_source.h)
// is this without the counts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/formats/claim_source.h"

namespace warrant {

// What a FHIR input held besides its claims.
struct FhirCounts {
  uint64_t claims = 0;                      // Claim and ExplanationOfBenefit resources
  std::map<std::string, uint64_t> skipped;  // other resources by resourceType ("Coverage")
};

std::vector<std::string> ReadFhirCounted(std::string_view text, std::string_view name,
                                         const ClaimSink& sink, FhirCounts& counts);
// The same over a stream (claim_source.h, ReadClaims: which inputs are held whole).
std::vector<std::string> ReadFhirCounted(ClaimStream& input, std::string_view name,
                                         const ClaimSink& sink, FhirCounts& counts);

}  // namespace warrant
