// RecordDecoder: one JSON claim (language.md §9) into a Claim (runtime/records/record.h) or a
// RecordError.
//
// Checks the record against the claim schema (runtime/records/schema.def) and the pack's declared
// facts, normalises and packs codes, parses dates, reads decimals exactly as written, and applies
// the defaults of the test conventions. Missing or null data leaves its presence bit unset, so the
// VM sees `unknown`; extra fields are checked to be JSON and otherwise ignored. It stops at the
// first error. It does not read streams (runtime/records/ndjson.h) and knows nothing of rules.
// simdjson stays inside the .cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "runtime/records/facts.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record.h"

namespace warrant {

enum class RecordErrorCode : uint8_t {
#define WARRANT_RECORD_ERROR(Code, Name, Summary) Name,
#include "runtime/records/record_errors.def"
#undef WARRANT_RECORD_ERROR
};

// "R0701".
std::string_view RecordErrorId(RecordErrorCode code);
// The row's summary: "the record is not valid JSON".
std::string_view RecordErrorSummary(RecordErrorCode code);

// Limits on one record (R0708). A record over any of them is refused whole. Values and reasons:
// docs/limits.md.
inline constexpr size_t kMaxRecordBytes = size_t{8} << 20;
inline constexpr size_t kMaxLines = 10'000;
inline constexpr size_t kMaxHistory = 100'000;
inline constexpr size_t kMaxDiagnoses = 10'000;
inline constexpr size_t kMaxObservations = 10'000;
// Lists inside one line or history entry: modifiers, diagnosis pointers, an entry's diagnoses.
inline constexpr size_t kMaxListItems = 1'000;
// Any one string value (ids, statuses, observation values, fact strings).
inline constexpr size_t kMaxStringBytes = size_t{64} << 10;
// Fields the schema does not know are still checked to be JSON, to this depth (the schema's
// own fields nest at most 4 deep).
inline constexpr int kMaxNestingDepth = 64;

// What was wrong with a record; only meaningful after Decode returned false.
struct RecordError {
  RecordErrorCode code = RecordErrorCode::NotJson;
  // One sentence; a field-level message starts with the path: `lines[2].units`: expected an
  // integer, found the string "2".
  std::string message;
  std::string claim_id;  // the record's "id", when it could be read
  // JSON path of the offending value, array indexes 0-based as in the input (so `jq
  // '.lines[2].units'` shows it): "lines[2].units", "facts.pack_years"; empty for the whole record.
  std::string field;
};

class RecordDecoder {
 public:
  // `facts` are the pack's declarations (Program::facts); the decoder keeps its own copy.
  explicit RecordDecoder(std::span<const FactData> facts);
  ~RecordDecoder();
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Decodes one record into `out` (cleared first; capacity kept) or fills `error` and returns
  // false, leaving `out` partly filled. Copies `json` into an internal padded buffer.
  [[nodiscard]] bool Decode(std::string_view json, Claim& out, RecordError& error);
  // The same, parsing the line in place (NdjsonReader lines are padded). A truncated line is
  // refused as too large.
  [[nodiscard]] bool Decode(const NdjsonLine& line, Claim& out, RecordError& error);

  // Plain records take a fast path (runtime/records/record_scan.h) unless this is turned off; the
  // result is the same either way. Off is for the tests that compare the two, and for measuring.
  void SetFastPath(bool on);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace warrant
