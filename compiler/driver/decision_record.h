// DecisionRecord: one line of `warrant run`'s output (language.md §10) read back, for the views
// over whole runs (`report`, `diff`).
//
// A line is a decision record (a claim line's decision and its findings), an error record (a
// claim the decoder refused: `"error":{"code":"R0701",...}`) or malformed (not JSON, not an
// object, or without the members a decision record needs). Reading keeps only what the views
// count; the record's strings are views into the parser's memory, valid until the next Parse.
// It decides nothing and knows no pack.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/decision.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace warrant::driver {

struct FindingRecord {
  std::string_view outcome;  // "deny", "pend", "bundle", "reject", "flag"
  std::string_view reason;   // "" when the finding has none
  std::string_view carc;     // "CO-119"; "" when none
  std::vector<std::string_view> rarcs;
  std::string_view message;
  std::string_view policy;
  int64_t version = 0;
  std::string_view rule;
};

struct DecisionRecord {
  enum class Kind : uint8_t { Decision, Error, Malformed };
  Kind kind = Kind::Malformed;
  std::string_view claim;  // "" when null
  int64_t line = 0;        // 1-based claim line
  std::string_view code;   // the line's procedure code; "" when null
  Decision decision = Decision::NotApplicable;
  std::vector<FindingRecord> findings;
  std::string_view service_date;  // "YYYY-MM-DD" when the record carries one, else ""
  std::string_view error_code;    // Kind::Error: "R0703"
  std::string problem;            // Kind::Malformed: what is wrong, for messages
};

// Parses decision records, reusing its buffers from line to line.
class DecisionReader {
 public:
  DecisionReader();
  ~DecisionReader();
  DecisionReader(const DecisionReader&) = delete;
  DecisionReader& operator=(const DecisionReader&) = delete;

  // `text` must be followed by kJsonPadding readable bytes (NdjsonReader's lines are) unless
  // `padded` is false, when it is copied first.
  const DecisionRecord& Parse(std::string_view text, bool padded = true);

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
  DecisionRecord record_;
};

// The finding that made the line's decision: the first whose outcome makes that decision (a
// flag never does), or nullptr (a covered or not applicable line).
const FindingRecord* DecidingFinding(const DecisionRecord& record);

// The decision and what made it, as transitions name it: "denied frequency", "covered",
// "pended documentation"; the rule stands in for a finding without a reason.
std::string Headline(const DecisionRecord& record);

// The number of decisions and their names in the order reports list them: covered first, then
// pended, bundled, denied, rejected, not_applicable.
inline constexpr size_t kDecisionCount = 6;
const std::vector<Decision>& ReportOrder();

}  // namespace warrant::driver
