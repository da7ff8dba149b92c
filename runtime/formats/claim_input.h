// Claims of a whole X12 or FHIR input as records to decode: what `warrant run`, `warrant
// explain` and `warrant convert` share, so the CLI only reads files and prints.
//
// A converted claim is decoded like an NDJSON line (Session::Evaluate on its json); a claim its
// reader could not convert becomes the record error R0718, and a record error of a converted
// claim names where in the input the claim is. This module does not decode or decide.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/formats/claim_source.h"
#include "runtime/records/record_json.h"

namespace warrant {

struct ConvertedInput {
  std::vector<ConvertedClaim> claims;  // in input order
  std::vector<std::string> problems;   // envelope or document errors, each located
};

// Every claim of `text` (a whole input in `format`, not Ndjson), all held at once: for `explain`
// and `convert`. `run` takes each claim from ReadClaims as it comes, so memory stays bounded by
// its batches. `name` names the input in messages.
ConvertedInput ConvertClaims(InputFormat format, std::string_view text, std::string_view name);

// The record error (R0718) of a claim whose reader could not turn it into a record.
RecordError ConversionError(const ConvertedClaim& claim);

// Adds where the claim is in its input to a record error its record gave ("ST 0001, segment 21
// (CLM): `lines[0].code`: ...").
void LocateRecordError(const ConvertedClaim& claim, RecordError& error);

}  // namespace warrant
