#include "compiler/driver/run_claim.h"

#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "runtime/formats/fhir_response.h"

namespace warrant::driver {
namespace {

// Rewrites what a claim appended to `out` from `from` on as its ClaimResponse.
// `converted`: the claim as a FHIR or X12 reader found it (its items' sequence numbers), or null.
void ToClaimResponse(const FhirOutput& fhir, const Session* session,
                     const ConvertedClaim* converted, std::string& out, size_t from) {
  thread_local std::string records;
  records.assign(out, from, std::string::npos);
  out.resize(from);
  ClaimResponseInput input;
  input.decisions = records;
  input.pack = fhir.pack;
  input.created = fhir.created;
  if (converted)
    input.item_sequences = converted->item_sequences;
  if (session) {
    const Claim& claim = session->claim();
    input.claim_type = claim.Str(claim.claim_type);
    input.patient_id = claim.Str(claim.patient_id);
  }
  AppendClaimResponse(input, out);
}

}  // namespace

std::string FhirCreated() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch)
    now = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

bool DecideClaim(Session& session, Evidence& evidence, const NdjsonLine& line,
                 const ConvertedClaim* converted, std::string& out, Counts& counts,
                 const Session::Spill& spill, const FhirOutput& fhir, RecordError& error) {
  const size_t from = out.size();
  if (converted == nullptr) {
    if (!session.Evaluate(line, error))
      return false;
  } else if (!converted->error.empty()) {
    error = ConversionError(*converted);
    return false;
  } else {
    // Over the record limit, a batch holds no text for the line: refused as too large.
    const bool decoded =
        line.truncated ? session.Evaluate(line, error) : session.Evaluate(line.text, error);
    if (!decoded) {
      LocateRecordError(*converted, error);
      return false;
    }
  }
  if (fhir.on) {
    // One resource per claim: written whole, never spilled part way.
    session.AppendDecisions(out);
    ToClaimResponse(fhir, &session, converted, out, from);
  } else if (evidence.recorder && !session.decision().findings.empty()) {
    evidence.recorder->Record(session);
    session.AppendDecisions(out, &*evidence.recorder, &spill, kSpillBytes);
  } else {
    session.AppendDecisions(out, nullptr, &spill, kSpillBytes);
  }
  counts.claims++;
  for (const LineDecision& decided : session.decision().lines) {
    counts.lines++;
    counts.decisions[static_cast<size_t>(decided.decision)]++;
  }
  return true;
}

void AppendErrorRecord(const Session& session, const RecordError& error, uint64_t number,
                       const ConvertedClaim* converted, const FhirOutput& fhir, std::string& out) {
  const size_t from = out.size();
  session.AppendError(error, number, out);
  if (fhir.on)
    ToClaimResponse(fhir, nullptr, converted, out, from);
}

void Writer::Write(std::string& output, std::string& messages) {
  if (!failed_.load(std::memory_order_relaxed)) {
    output_.write(output.data(), static_cast<std::streamsize>(output.size()));
    if (!output_)
      failed_ = true;
  }
  size_t pos = 0;
  while (pos < messages.size() && shown_ < kMaxErrorMessages) {
    size_t end = messages.find('\n', pos);
    err_ << messages.substr(pos, end - pos + 1);
    pos = end + 1;
    ++shown_;
  }
  output.clear();
  messages.clear();
}

}  // namespace warrant::driver
