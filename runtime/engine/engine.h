// The embedding API: load a rule pack once, then decide claims on any number of threads.
//
//   auto engine = warrant::Engine::FromPack(bytes, &error);   // verified before use
//   warrant::Session session(*engine);                        // one per thread
//   if (session.Evaluate(json_text, error)) session.AppendDecisions(out);
//
// An Engine is immutable after loading and shared by all threads; a Session holds the scratch
// space (record buffers, VM stack) for one thread and reuses it, so deciding a stream of claims
// allocates nothing in the steady state. The CLI's `run`, `test` and `explain` are thin shells over
// this API. Output follows language.md §10: one JSON object per claim line.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/line_table.h"
#include "runtime/engine/history.h"
#include "runtime/pack/program.h"
#include "runtime/records/record.h"
#include "runtime/records/record_json.h"
#include "runtime/terminology/terminology.h"
#include "runtime/vm/vm.h"

namespace warrant {

class Engine {
 public:
  // Reads and verifies a pack; nullptr with `error` set if it is corrupt or unsupported.
  static std::unique_ptr<Engine> FromPack(std::span<const uint8_t> bytes, std::string* error);
  // Adopts a program compiled in memory (it is serialized once to compute its hash and verified).
  static std::unique_ptr<Engine> FromProgram(Program program, std::string* error);

  const Program& program() const { return program_; }

  const RuleIndex& index() const { return index_; }

  const Terminology* terminology() const { return terminology_.get(); }

  const std::string& pack_hash() const { return hash_text_; }

  // Per global field number of the schema: whether the pack's code can read the field
  // (runtime/pack/fields_read.h). Sessions decode the others only when asked to.
  const std::vector<bool>& fields_read() const { return fields_read_; }

  // "ncd_210_3_fobt_v2.warrant:17:3" for an outcome site.
  const std::string& SiteLocation(uint32_t outcome) const { return site_at_[outcome]; }

  // The line table of source `file` (empty if there is no such source): the starts the pack
  // stores, over its text.
  LineTable Lines(uint32_t file) const;
  // "file:line:col" of byte `offset` of source `file` ("" if there is no such source).
  std::string Location(uint32_t file, uint32_t offset) const;
  // The 1-based line of byte `offset` of source `file` (0 if there is no such source).
  uint32_t LineNumber(uint32_t file, uint32_t offset) const;
  // The sentence for a pend on missing data: "fact `pack_years` is not documented".
  std::string DescribeMissing(uint32_t pc) const;
  // The sentence for a finding made on an unknown value: DescribeMissing for missing data,
  // "`units * price` overflowed: ..." for arithmetic out of range or dividing by zero.
  std::string DescribeUnknown(const Finding& finding) const;
  // The text of `span` of source `file` on one line (at most kExcerptBytes, then " ..."); ""
  // when there is no such text. For showing only: the runtime never parses source text.
  std::string Excerpt(uint32_t file, Span span) const;
  static constexpr size_t kExcerptBytes = 160;
  // The Excerpt of the span `pc` maps to, and its "file:line:col"; both "" when `pc` has no
  // span. Computed for every span when first asked for (by explain), not at load: a run that
  // explains nothing does not pay for them.
  const std::string& SpanText(uint32_t pc) const;
  const std::string& SpanSite(uint32_t pc) const;

  // The standard `documentation` reason (CO-252 M127), or none.
  uint32_t documentation_reason() const { return documentation_reason_; }

  // The reason a finding reports: its own; for a pend on missing data, the `documentation`
  // reason of the file where it arose (the standard one unless that file maps it); or none (as for
  // arithmetic out of range: no document would help).
  uint32_t ReasonOf(const Finding& finding) const;

  // Appends one finding as the JSON object of language.md §10.
  void AppendFinding(const Finding& finding, std::string& out) const;

 private:
  friend class Session;
  Engine() = default;
  bool Prepare(std::string* error);
  void FormatFinding(const Finding& finding, std::string& out) const;
  Finding PlainFinding(uint32_t outcome, bool alt_group) const;

  Program program_;
  RuleIndex index_;
  std::unique_ptr<Terminology> terminology_;
  std::string hash_text_;
  std::vector<bool> fields_read_;
  std::vector<std::string> site_at_;
  // Per Program::spans entry, filled once (SpanTables) by the first thread that asks.
  mutable std::once_flag spans_once_;
  mutable std::vector<std::string> span_text_, span_site_;
  void SpanTables() const;
  uint32_t documentation_reason_ = UINT32_MAX;
  // Output text formatted once: each outcome site's plain finding (index 2 * outcome, + 1 with
  // the reason's computed group), and what ends every decision line (the pack hash).
  std::vector<std::string> finding_json_;
  std::string line_tail_;
};

// Extra members for the findings of a decision record, written inside each finding's object
// (`run --explain` adds why_not and evidence this way; runtime/explain/explain.h).
class FindingNotes {
 public:
  virtual ~FindingNotes() = default;
  // Appends `,"name":value` members for finding `finding` (0-based) of line `line` (0-based).
  virtual void AppendMembers(uint32_t line, uint32_t finding, std::string& out) const = 0;
};

// One thread's evaluator.
class Session {
 public:
  explicit Session(const Engine& engine);

  // Decodes one claim (JSON text) and decides every line. False if the record is malformed:
  // `error` says why and nothing was decided.
  bool Evaluate(std::string_view json, RecordError& error, TraceSink* trace = nullptr);
  // The same over an NDJSON line (parsed in place).
  bool Evaluate(const NdjsonLine& line, RecordError& error, TraceSink* trace = nullptr);
  // Decides an already decoded claim.
  void Decide(const Claim& claim, TraceSink* trace = nullptr);

  // Runs rule `rule` on 0-based line `line` of the last decided claim again under `trace`, as
  // deciding it ran there; the decision stays as it is (Vm::TraceRule).
  void TraceRule(uint32_t line, uint32_t rule, TraceSink& trace) {
    vm_.TraceRule(claim_, line, rule, trace);
  }

  // With strict on, a claim field the schema does not declare is a record error (R0717);
  // otherwise it is ignored and counted by path (IgnoredFields).
  void SetStrict(bool on) { decoder_.SetStrict(on); }

  // A session decodes the fields the pack reads (Engine::fields_read); with this on, every field
  // of the schema, for callers that show more than the rules read (explain's claim views).
  void SetDecodeAll(bool on) {
    decoder_.SetFieldsRead(on ? std::vector<bool>{} : engine_.fields_read());
  }

  // The ignored fields' paths ("lines[].modifier") and how often each was seen, sorted.
  std::vector<std::pair<std::string, uint64_t>> IgnoredFields() const {
    return decoder_.IgnoredTotals();
  }

  // With a history source (runtime/engine/history.h), Evaluate joins each claim's stored history
  // before deciding it and records the decided claim after; `statuses` says what status each
  // decision records. Both must outlive the session. Decided in any order, claims of one patient
  // see each other's lines in that order: a caller wanting a fixed result decides in input order.
  void SetHistory(HistorySource* source, const HistoryStatuses* statuses) {
    history_ = source;
    statuses_ = statuses;
  }

  // The store's error when the last Evaluate returned false because the history source failed
  // (the claim was not decided and the run cannot go on); "" otherwise.
  const std::string& history_failure() const { return history_failure_; }

  // Decide only by the versions of one policy ("" for all); false if the pack lacks it.
  bool SetPolicyFilter(std::string_view policy_id) { return vm_.SetPolicyFilter(policy_id); }

  const Claim& claim() const { return claim_; }

  const ClaimDecision& decision() const { return decision_; }

  // Instructions this Session's VM has executed (tests measure work with it).
  uint64_t instructions() const { return vm_.instructions(); }

  // Lowers the per-claim work limit (R0712) so tests can reach it quickly.
  void set_instruction_budget(uint64_t budget) { vm_.set_instruction_budget(budget); }

  // Called with the output when it has grown past a limit; writes it out and clears it.
  using Spill = std::function<void(std::string& out)>;

  // Appends one JSON object per line of the last decided claim, each ending in '\n'. With
  // `notes`, each finding's object also carries the members they add. With `spill`, calls it
  // whenever `out` holds more than `spill_bytes` after a line's object, so a claim of many lines
  // and findings is never in memory whole.
  void AppendDecisions(std::string& out, const FindingNotes* notes = nullptr,
                       const Spill* spill = nullptr, size_t spill_bytes = 0) const;
  // Appends the error record for a malformed input line.
  void AppendError(const RecordError& error, uint64_t input_line, std::string& out) const;

 private:
  bool DecideWithinBudget(RecordError& error, TraceSink* trace);
  bool DecideWithHistory(RecordError& error, TraceSink* trace);

  const Engine& engine_;
  RecordDecoder decoder_;
  Vm vm_;
  Claim claim_;
  ClaimDecision decision_;
  mutable CodeTextCache code_text_;  // a cache: AppendDecisions stays const
  HistorySource* history_ = nullptr;
  const HistoryStatuses* statuses_ = nullptr;
  PackedLines stored_;   // scratch: the patient's stored lines
  PackedClaim decided_;  // scratch: the decided claim as recorded
  std::string history_failure_;
};

// The message a finding reports: the statement's own text, else its reason's description, else
// (for pends on missing data) what was missing.
std::string FindingMessage(const Engine& engine, const Finding& finding);

}  // namespace warrant
