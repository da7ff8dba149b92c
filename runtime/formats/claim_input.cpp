#include "runtime/formats/claim_input.h"

namespace warrant {

ConvertedInput ConvertClaims(InputFormat format, std::string_view text, std::string_view name) {
  ConvertedInput input;
  input.problems = ReadClaims(format, text, name, [&](ConvertedClaim& claim) {
    input.claims.push_back(std::move(claim));
    return true;
  });
  return input;
}

RecordError ConversionError(const ConvertedClaim& claim) {
  RecordError error;
  error.code = RecordErrorCode::NotConverted;
  error.message = claim.error;
  error.claim_id = claim.id;
  return error;
}

void LocateRecordError(const ConvertedClaim& claim, RecordError& error) {
  if (!claim.where.empty())
    error.message = claim.where + ": " + error.message;
  if (error.claim_id.empty())
    error.claim_id = claim.id;
}

}  // namespace warrant
