// RecordDecoder: one JSON claim (language.md §9) into a Claim (runtime/records/record.h) or a
// RecordError.
//
// Checks the record against the pack's claim schema (runtime/records/schema.h: the base fields,
// the pack's extensions and its declared facts), normalises and packs codes, parses dates, reads
// decimals and amounts exactly as written, checks bounds, and applies the defaults. Missing or
// null data is absent, so the VM sees `unknown` (or the field's default); a key the schema knows,
// given twice in one object, refuses the record (R0714). Fields the schema does not know are
// checked to be JSON, counted by path and otherwise ignored — or refused with SetStrict. It stops
// at the first error. It does not read streams (runtime/records/ndjson.h) and knows nothing of
// rules. simdjson stays inside the .cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/records/ndjson.h"
#include "runtime/records/record.h"
#include "runtime/records/schema.h"

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
// Lists inside one line or history entry: modifiers, diagnosis pointers, an entry's diagnoses,
// and every list of a declared type (a pack's list fields and list facts).
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
  // `schema` is the pack's (Program::schema); it must outlive the decoder.
  explicit RecordDecoder(const Schema& schema);
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
  // The fast path reads a run of fields the schema does not know, as the previous object of its
  // kind wrote them, in one loop (runtime/records/record_scan.h) unless this is turned off; the
  // result is the same either way. Off is for the tests that compare the two, and for measuring.
  void SetBulkSkip(bool on);
  // Such a run is first checked against the shape of the run the previous object of its kind
  // wrote (RunShape in runtime/records/record_scan.h) unless this is turned off; likewise.
  void SetRunShapes(bool on);
  // Whether that check may use AVX2 where the processor has it (on by default); likewise.
  void SetWideShapes(bool on);
  // With strict on, a field the schema does not know is a record error (R0717) instead of being
  // ignored and counted.
  void SetStrict(bool on);
  // The fields the reader of the decoded claims reads, per global field number (FieldsRead of
  // runtime/pack/fields_read.h); empty (the default) for every field. The fast path then checks
  // the values of fields outside it whose only check is their JSON type (plain strings) without
  // decoding them: they read as absent. Every record error stays as it was.
  void SetFieldsRead(const std::vector<bool>& read);

  // The fields the schema does not know of the last record decoded without error, as path
  // patterns ("lines[].modifier"), once per occurrence, in input order.
  std::vector<std::string_view> LastIgnored() const;
  // The same counted over every record decoded without error so far, sorted by pattern.
  std::vector<std::pair<std::string, uint64_t>> IgnoredTotals() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads a record's `patient.id` into `id` without decoding it: the first "patient" key's object's
// first "id" string, found by a plain search of the text (no escapes). A hint of whose claim a line
// is before it is decoded (a history store reads the patients of a batch of claims together), not
// a decoder: a record it reads an id from may be refused, and the id may be another object's (a
// nested "patient"); one it reads none from may still have one. False when it finds none.
bool PeekPatientId(std::string_view json, std::string& id);

}  // namespace warrant
