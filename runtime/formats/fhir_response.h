// Decisions out as FHIR R4: one ClaimResponse resource per claim, written from the claim's
// Warrant decision records (docs/language.md §10: one JSON object per line, or one error record),
// so it follows whatever those records say and knows no engine. docs/formats.md, "ClaimResponse
// output", is the element-by-element description.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace warrant {

// Code systems and extensions Warrant defines for what FHIR has no code for.
inline constexpr std::string_view kFhirDecisionSystem = "urn:warrant:fhir:decision";
inline constexpr std::string_view kFhirOutcomeSystem = "urn:warrant:fhir:finding-outcome";
inline constexpr std::string_view kFhirRecordErrorSystem = "urn:warrant:fhir:record-error";
inline constexpr std::string_view kFhirPackExtension = "urn:warrant:fhir:pack";
inline constexpr std::string_view kFhirCarcGroupExtension = "urn:warrant:fhir:carc-group";

struct ClaimResponseInput {
  std::string_view decisions;   // the claim's decision records, or its error record, NDJSON
  std::string_view claim_type;  // "professional" / "institutional" ("" when the claim is an error)
  std::string_view patient_id;  // "" when unknown
  std::string_view pack;        // "sha256:..."
  std::string_view created;     // the ClaimResponse's `created`: a FHIR dateTime
  // Claim.item.sequence of each line, in order (FHIR input); empty: the line's position.
  std::span<const uint32_t> item_sequences;
};

// Appends the ClaimResponse as one line of JSON (newline-terminated). Records that are not the
// shapes §10 describes give a ClaimResponse with outcome `error` saying so.
void AppendClaimResponse(const ClaimResponseInput& input, std::string& out);

}  // namespace warrant
