// Deciding one claim for `warrant run`, shared by its two readers: the line batches
// (run_command.cpp: X12 and FHIR input, --history) and the NDJSON chunks (run_chunks.h).
//
// A claim's decision records (or, with --output-format=fhir, its ClaimResponse) are appended to
// the caller's buffer, spilling through the caller when they outgrow kSpillBytes; a malformed
// record is reported to the caller, which writes its error record and message once it knows the
// record's input line. Writer writes the buffers and the first kMaxErrorMessages messages, in
// the order it is given them. Nothing here reads input or chooses threads.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "runtime/engine/engine.h"
#include "runtime/explain/evidence.h"
#include "runtime/formats/claim_input.h"
#include "runtime/records/ndjson.h"

namespace warrant::driver {

inline constexpr size_t kSpillBytes = size_t{1} << 20;  // output a buffer holds before it writes
inline constexpr size_t kMaxErrorMessages = 20;

struct Counts {
  uint64_t claims = 0;
  uint64_t lines = 0;
  uint64_t errors = 0;
  std::array<uint64_t, 6> decisions{};

  void Add(const Counts& o) {
    claims += o.claims;
    lines += o.lines;
    errors += o.errors;
    for (size_t i = 0; i < decisions.size(); ++i)
      decisions[i] += o.decisions[i];
  }
};

// With --explain each worker keeps a recorder. A claim is first decided untraced; only one with
// findings has the rules that made them run again under the recorder (decisions are
// deterministic, so the trace is of the same decision), and the findings' evidence is written
// from what it recorded. Most lines have no finding, so batch runs pay little for it.
struct Evidence {
  std::optional<EvidenceRecorder> recorder;  // none: no --explain

  explicit Evidence(const Explainer* explainer) {
    if (explainer)
      recorder.emplace(*explainer);
  }
};

// --output-format=fhir: each claim's decision records become one ClaimResponse.
struct FhirOutput {
  bool on = false;
  std::string created;  // the ClaimResponses' `created`
  std::string pack;
};

// The run's time as a FHIR dateTime, or SOURCE_DATE_EPOCH's when set (reproducible output).
std::string FhirCreated();

// Decides `line` into `out` (spilling through `spill` past kSpillBytes) and counts it. False when
// the record is malformed (`error` says why) or the history store failed (the session's
// history_failure(): the run stops, this claim undecided); nothing is appended then.
// `converted` is the line's claim when the input is X12 or FHIR (null for NDJSON).
bool DecideClaim(Session& session, Evidence& evidence, const NdjsonLine& line,
                 const ConvertedClaim* converted, std::string& out, Counts& counts,
                 const Session::Spill& spill, const FhirOutput& fhir, RecordError& error);

// Appends a malformed record's error record for input line `number` (with --output-format=fhir
// as its ClaimResponse).
void AppendErrorRecord(const Session& session, const RecordError& error, uint64_t number,
                       const ConvertedClaim* converted, const FhirOutput& fhir, std::string& out);

// Writes output and messages in order; the first failed write stops everything after it.
class Writer {
 public:
  Writer(std::ostream& output, std::ostream& err) : output_(output), err_(err) {}

  // Writes and clears `output`, then `messages` (stderr lines, the first kMaxErrorMessages of
  // the run shown).
  void Write(std::string& output, std::string& messages);

  // Whether a message given now would be shown (the caller need not compose the others).
  bool ShowsMessages() const { return shown_ < kMaxErrorMessages; }

  // Read by other threads to stop early; written only by whoever holds the turn to write.
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

  size_t messages_shown() const { return shown_; }

 private:
  std::ostream& output_;
  std::ostream& err_;
  std::atomic<bool> failed_ = false;
  size_t shown_ = 0;
};

}  // namespace warrant::driver
