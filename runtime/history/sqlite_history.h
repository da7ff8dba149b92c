// The default claim-history store: one SQLite file (docs/history.md has its tables).
//
// A store is refused, and left untouched, when the file is not an SQLite database, is one of
// another application (its application_id), was written by another version of the store's tables
// (its user_version), or is corrupt; every message names the file. Writes go through a write-ahead
// log, and a writer holds one transaction from Begin to Commit: a run killed before it commits
// leaves the store as it was. A store another writer holds is waited for (`busy_ms`), then refused.
// Does not decide claims; keeps lines packed as the engine holds them (runtime/engine/history.h),
// and converts them to and from text for the text interface (Load, Record, export). One object
// is used by one thread at a time (its connection has no mutex); the writer thread below uses the
// connection only while the object's own calls do not.
//
// A run reads its claims' patients a batch at a time (Prefetch: one range scan of the key when
// the batch's patients lie close together in it, else 64 ids a statement), and Loads of them are
// answered from memory. Once a transaction has had a Prefetch, the claims recorded are kept in
// memory, by claim id, always inside the transaction: a Load sees the stored rows with the
// recorded claims in their place, as if each had been written. The next Prefetch reads its
// patients, then hands the claims recorded before it to a writer thread, which writes them
// (sorted, 64 rows a statement) while the next batch is decided; the Prefetch after waits for it.
// Given the patients of the batch after (PrefetchWithNext), the writer reads those once it has
// written, and that Prefetch finds them read.
// Any call that needs the connection otherwise (a patient not prefetched, Commit, kMaxPending
// claims recorded) waits for the writer first, and a write that failed fails every call after it.
// The file is written by the same statements in the same order as if each batch were written
// before the next is read. Without Prefetch (an import) each claim is written as it is recorded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/history.h"
#include "runtime/history/background_task.h"
#include "runtime/history/batch_memory.h"

struct sqlite3;
struct sqlite3_stmt;

namespace warrant {

class SqliteHistory final : public HistorySource {
 public:
  static constexpr int32_t kApplicationId = 0x57524e54;  // "WRNT"
  static constexpr int32_t kVersion = 4;                 // PRAGMA user_version of these tables

  enum class Mode {
    Write,  // created when missing
    Read,   // must exist; never written
  };

  // Opens (or creates) the store at `path`; nullptr with `error` set, naming the file.
  static std::unique_ptr<SqliteHistory> Open(const std::string& path, Mode mode, std::string& error,
                                             int busy_ms = 10000);
  ~SqliteHistory() override;  // rolls back a transaction not committed

  // One write transaction over everything recorded until Commit.
  bool Begin(std::string& error);
  bool Commit(std::string& error);

  // Recorded claims (and removals) kept in memory before they are written, at most: a run's batch
  // of 1,024 lines records up to 2,048 (a replacement removes its original), so only a host
  // recording many claims between Prefetches reaches it.
  static constexpr size_t kMaxPending = 4096;
  // Patient ids bound to one read of Prefetch.
  static constexpr int kPrefetchIds = 64;
  // Rows written by one statement at Flush.
  static constexpr int kUpsertRows = 64;

  bool Load(std::string_view patient, std::vector<HistoryLine>& out, std::string& error) override;
  bool Record(const ClaimHistory& claim, std::string& error) override;
  // The same without text: the store keeps lines packed (runtime/history/line_blob.h).
  bool LoadPacked(std::string_view patient, PackedLines& out, std::string& error) override;
  bool RecordPacked(const PackedClaim& claim, std::string& error) override;
  // Writes the claims recorded since the last Prefetch (inside the transaction), then reads the
  // stored rows of `patients` for the Loads that follow (a range scan of the key, or kPrefetchIds
  // ids a statement); forgets those of the Prefetch before. Inside a transaction, the claims
  // recorded after it are kept in memory until the next Prefetch or Commit (at most kMaxPending).
  bool Prefetch(std::span<const std::string> patients, std::string& error) override;
  // The same, and the patients of the batch after (`next`): the writer thread reads them once it
  // has written, so the next Prefetch, if it names the same patients, finds them read.
  bool PrefetchWithNext(std::span<const std::string> patients, std::span<const std::string> next,
                        std::string& error) override;

  // Every stored claim with its lines, by patient then claim id; `each` returns false to stop.
  bool ForEachClaim(const std::function<bool(const ClaimHistory&)>& each, std::string& error);
  // One patient's claims, by claim id.
  bool PatientClaims(std::string_view patient, std::vector<ClaimHistory>& out, std::string& error);

  const std::string& path() const { return path_; }

 private:
  SqliteHistory() = default;
  bool Prepare(std::string& error);
  bool Fail(std::string& error, std::string_view doing);
  bool Exec(const char* sql, std::string& error, std::string_view doing);
  bool Corrupt(std::string& error, std::string_view claim);
  bool Delete(std::string_view claim, std::string& error);
  // Inserts a row unless its claim id is stored; `inserted` says which.
  bool Insert(std::string_view patient, std::string_view claim, std::string_view frequency,
              std::string_view original_id, std::string_view lines, bool& inserted,
              std::string& error);
  // Inserts a row in the place of any stored under its claim id.
  bool Upsert(std::string_view patient, std::string_view claim, std::string_view frequency,
              std::string_view original_id, std::string_view lines, std::string& error);
  bool Claims(sqlite3_stmt* claims, const std::function<bool(const ClaimHistory&)>& each,
              std::string& error);
  // Writes the recorded claims kept in memory (sorted by patient and claim) and forgets them.
  bool Flush(std::string& error);
  bool WriteNow(const PackedClaim& claim, std::string& error);
  void Remove(std::string_view claim);

  // A row as read or recorded: its claim id and packed lines.
  struct Row {
    std::string claim;
    std::string lines;
  };

  // A claim recorded in this transaction, not yet written: its row, or removed (void, replaced).
  // Its texts are in its Generation's bytes.
  struct Pending {
    std::string_view claim;
    std::string_view patient;
    std::string_view frequency;
    std::string_view original_id;
    std::string_view lines;
    bool removed = false;
  };

  // A claim recorded under a patient: the Pending, and the patient's link before it.
  struct PatientLink {
    uint32_t pending;
    uint32_t next;
  };

  static constexpr uint32_t kNoLink = UINT32_MAX;

  // The claims recorded between two Prefetches, each claim id once (its last state).
  struct Generation {
    ByteArena bytes;
    std::vector<Pending> rows;  // in the order first recorded
    ViewIndex by_claim;         // claim id → rows index
    // The claims recorded under each patient, newest first: patient → its last link. A claim
    // may since have moved to another patient or been removed (checked against rows), or be
    // linked twice.
    ViewIndex by_patient;
    std::vector<PatientLink> links;

    bool empty() const { return rows.empty(); }

    // The row of `claim`, added (not removed, no patient or lines yet) when it has none.
    Pending& Row(std::string_view claim, bool& fresh);
    // Lists `row` under its patient.
    void Link(const Pending& row);
    void Clear();
  };

  // Writes `claims` (removals first, then rows in the key's order, kUpsertRows a statement). Runs
  // on the writer thread or this one, never both at once.
  bool Write(const Generation& claims, std::string& error);
  // Writes the changed pages held in memory to the log, uncommitted (on the writer thread).
  bool SpillPages(std::string& error);
  // Waits for the writer thread; false with its error once it has failed.
  bool Settle(std::string& error);
  // Forgets the rows Prefetch read.
  void ForgetPrefetch();

  // A run's batches (Prefetch after Prefetch in a transaction): the claims recorded since the last
  // Prefetch (recording_) are written on a thread of their own while the next batch is decided,
  // its Loads answered from what Prefetch read before those writes with both generations in
  // place.
  Generation recording_;      // recorded since the last Prefetch
  Generation writing_;        // recorded before it: being written by writer_, or written
  BackgroundTask writer_;     // writes a batch's claims, reads the next batch's patients
  std::string writer_error_;  // why writer_ failed ("" while it has not)
  std::vector<const Pending*> write_rows_;  // scratch: the rows Write writes

  // Prefetched patients' stored rows: their bytes, each patient's rows a run of `rows` in claim
  // order, found by patient id (first row, count).
  struct RowRef {
    size_t patient, patient_size, claim, claim_size, lines, lines_size;
  };

  struct PrefetchBuffer {
    std::string bytes;
    std::vector<RowRef> rows;
    ByteArena ids;                                // the patients asked
    std::vector<std::string_view> given;          // the same, as given
    std::vector<std::string_view> asked;          // the same, sorted, each once
    ViewIndex index;                              // patient asked → runs index
    std::vector<std::pair<size_t, size_t>> runs;  // (first row, count); none: (0, 0)
    bool ready = false;                           // read ahead by the writer thread

    std::string_view Bytes(size_t at, size_t size) const {
      return std::string_view(bytes).substr(at, size);
    }

    std::string_view PatientOf(const RowRef& r) const { return Bytes(r.patient, r.patient_size); }

    // Sets the patients to read.
    void Ask(std::span<const std::string> patients);
    // Whether `patients` are those asked (in any order, repeated or not).
    bool Asked(std::span<const std::string> patients) const;
    void Clear();
  };

  PrefetchBuffer front_;  // what Loads read
  PrefetchBuffer back_;   // the next batch's, read ahead by the writer thread
  bool ReadRows(sqlite3_stmt* s, std::span<const std::string_view> ids, PrefetchBuffer& into,
                size_t& seen, std::string& error);
  // Reads the stored rows of the patients `into` asks for.
  bool Read(PrefetchBuffer& into, std::string& error);

  std::vector<Row> read_;                                            // scratch: a Load's rows
  std::vector<std::pair<std::string_view, std::string_view>> rows_;  // scratch: claim, lines

  std::string path_;
  sqlite3* db_ = nullptr;
  bool in_transaction_ = false;
  bool batched_ = false;  // Prefetch was called in this transaction: records are kept until Flush
  sqlite3_stmt* load_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* delete_ = nullptr;
  sqlite3_stmt* all_claims_ = nullptr;
  sqlite3_stmt* patient_claims_ = nullptr;
  sqlite3_stmt* prefetch_ = nullptr;        // the rows of kPrefetchIds patients
  sqlite3_stmt* prefetch_range_ = nullptr;  // the rows of a range of patients, up to a limit
  sqlite3_stmt* upsert_ = nullptr;          // one row
  sqlite3_stmt* upsert_many_ = nullptr;     // kUpsertRows rows
  std::string packed_;                      // a claim's lines as Insert binds them
  PackedClaim packed_claim_;                // scratch: a text claim recorded, packed
};

}  // namespace warrant
