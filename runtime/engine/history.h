// Claim history kept outside the claim: the interface a host implements to serve a beneficiary's
// prior claim lines from its own store (`HistorySource`), and the two conversions the engine does
// around a decision — stored lines joined into a decoded claim's `history` before it is decided,
// and the decided claim described as the lines a store records after.
//
// Lines travel between the engine and a store in two forms: text (`HistoryLine`, what a host's
// own store reads and writes, and what records import and export) and packed (`PackedLines`:
// codes, dates and amounts as a claim holds them). The engine uses the packed form; a store that
// keeps it (runtime/history/) saves the conversions to and from text, a host's that does not is
// served through them by the defaults. What a store is (SQLite, a payer's warehouse behind a
// host's own class) is not this module's business. Frequency rules read the joined history
// exactly as they read inline history (docs/history.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decision.h"
#include "runtime/records/record.h"
#include "runtime/records/schema.h"
#include "runtime/vm/vm.h"

namespace warrant {

// One prior claim line as a store keeps it: text, the way a claim record writes it.
struct HistoryLine {
  std::string claim;  // the id of the claim the line was on
  int64_t line = 0;   // its 1-based number on that claim
  std::string code;   // HCPCS
  std::string date;   // YYYY-MM-DD; "" when unknown
  std::string status;
  std::optional<std::vector<std::string>> dx;         // nullopt: unknown
  std::optional<std::vector<std::string>> modifiers;  // nullopt: unknown
  int64_t units = 1;
  std::string charge;   // decimal text; "" when unknown
  std::string allowed;  // decimal text; "" when unknown

  bool operator==(const HistoryLine&) const = default;
};

// A decided claim as a store records it.
struct ClaimHistory {
  std::string patient;
  std::string claim;
  std::string frequency;    // "original", "replacement", "void", or "" (unknown: original)
  std::string original_id;  // the claim a replacement or void takes the place of
  std::vector<HistoryLine> lines;
};

// One prior claim line packed: its code, diagnoses and modifiers packed (runtime/core/code.h), its
// date a Day, its amounts scaled decimals, as a decoded claim holds them. Its claim id and status
// are text in, and its code lists ranges of, the PackedLines that holds it.
struct PackedLine {
  // Which of the fields below are known (the others are unknown, as a missing field is).
  enum : uint8_t { kCode = 1, kDate = 2, kDx = 4, kModifiers = 8, kCharge = 16, kAllowed = 32 };

  uint8_t known = 0;
  Day date = 0;
  uint64_t code = 0;
  int64_t line = 0;
  int64_t units = 1;
  int64_t charge = 0;
  int64_t allowed = 0;
  Range claim;      // in PackedLines::text
  Range status;     // in PackedLines::text; empty: unknown
  Range dx;         // in PackedLines::codes
  Range modifiers;  // in PackedLines::codes

  bool Has(uint8_t field) const { return (known & field) != 0; }
};

// Packed lines with the texts and codes they hold.
struct PackedLines {
  std::vector<PackedLine> lines;
  std::vector<uint64_t> codes;
  std::string text;

  std::string_view Text(Range r) const { return std::string_view(text).substr(r.begin, r.count); }

  std::span<const uint64_t> Codes(Range r) const {
    return std::span<const uint64_t>(codes).subspan(r.begin, r.count);
  }

  Range AddText(std::string_view s) {
    const Range r{static_cast<uint32_t>(text.size()), static_cast<uint32_t>(s.size())};
    text += s;
    return r;
  }

  void clear() {
    lines.clear();
    codes.clear();
    text.clear();
  }
};

// A decided claim as a store records it, its lines packed.
struct PackedClaim {
  std::string patient;
  std::string claim;
  std::string frequency;  // as ClaimHistory's
  std::string original_id;
  PackedLines lines;
};

// Appends the packed form of `line`. A text that does not read as a code, date or amount packs as
// unknown, and a code list leaves such codes out: what joining the text line into a claim has
// always kept of it.
void PackHistoryLine(const HistoryLine& line, PackedLines& out);
// The text form of `line` of `lines`: codes in display form ("" when one does not unpack).
void UnpackHistoryLine(const PackedLines& lines, const PackedLine& line, HistoryLine& out);
void PackClaimHistory(const ClaimHistory& claim, PackedClaim& out);
void UnpackClaimHistory(const PackedClaim& claim, ClaimHistory& out);

// Where a beneficiary's history comes from and goes to. Implementations decide their own
// transactions; errors are sentences naming the store.
class HistorySource {
 public:
  virtual ~HistorySource() = default;
  // Appends the stored lines of `patient`, in a fixed order. False with `error` set on failure.
  virtual bool Load(std::string_view patient, std::vector<HistoryLine>& out,
                    std::string& error) = 0;
  // Records a decided claim: its lines take the place of any stored under its id (running a claim
  // again never counts it twice); a replacement's also take the place of the original's; a void
  // removes both and records nothing.
  virtual bool Record(const ClaimHistory& claim, std::string& error) = 0;

  // The same, packed: what the engine calls. The defaults go through Load and Record (the text
  // form); a store that keeps lines packed overrides them and saves the conversions.
  virtual bool LoadPacked(std::string_view patient, PackedLines& out, std::string& error);
  virtual bool RecordPacked(const PackedClaim& claim, std::string& error);

  // A hint: the patients whose claims come next, so a store may read them together rather than
  // one Load at a time. Loads answer the same with or without it. False with `error` set when
  // the store fails.
  virtual bool Prefetch(std::span<const std::string> patients, std::string& error) {
    (void)patients;
    (void)error;
    return true;
  }

  // The same, with a second hint: the patients of the batch after (`next`), which the next
  // Prefetch will name, so a store may read them while this batch is decided. The default
  // passes over `next`.
  virtual bool PrefetchWithNext(std::span<const std::string> patients,
                                std::span<const std::string> next, std::string& error) {
    (void)next;
    return Prefetch(patients, error);
  }
};

// The status recorded for each decision, indexed by Decision.
struct HistoryStatuses {
  std::array<std::string, 6> by_decision = {"paid",    "paid",   "pended",
                                            "bundled", "denied", "denied"};

  // Applies "pended=paid" (DECISION=STATUS); false with `error` set when malformed.
  bool Set(std::string_view assignment, std::string& error);
};

// The claim's patient id, or "" when it has none (its history can be neither read nor kept).
std::string_view HistoryPatient(const Claim& claim);

// Joins stored `lines` to the decoded `claim`'s history after its inline entries, leaving out the
// lines of the claim itself and of the claim it replaces or voids (they are this claim), and any
// line an inline entry already carries (same `claim` and `line`). Returns how many were added.
size_t JoinHistory(const Schema& schema, Claim& claim, const PackedLines& lines);
size_t JoinHistory(const Schema& schema, Claim& claim, std::span<const HistoryLine> lines);

// The display texts of recently unpacked codes. Codes repeat from claim to claim, and unpacking
// one costs more than the rest of its line's record (a decision written, a claim described).
struct CodeTextCache {
  static constexpr unsigned kBits = 9;
  static constexpr size_t kSize = size_t{1} << kBits;
  std::array<uint64_t, kSize> key{};  // 0: empty (no valid code packs to 0)
  std::array<CodeText, kSize> text;
  // The display text of `packed`, or null when it is not a valid code.
  const CodeText* Find(uint64_t packed);
};

// Describes the decided `claim` as a store records it, its lines packed as the claim holds them.
void DescribeForHistory(const Schema& schema, const Claim& claim, const ClaimDecision& decision,
                        const HistoryStatuses& statuses, PackedClaim& out);

}  // namespace warrant
