// The default claim-history store: one SQLite file (docs/history.md has its tables).
//
// A store is refused, and left untouched, when the file is not an SQLite database, is one of
// another application (its application_id), was written by another version of the store's tables
// (its user_version), or is corrupt; every message names the file. Writes go through a write-ahead
// log, and a writer holds one transaction from Begin to Commit: a run killed before it commits
// leaves the store as it was. A store another writer holds is waited for (`busy_ms`), then refused.
// Does not decide claims; reads and writes text rows only (runtime/engine/history.h). One object
// is used by one thread at a time (its connection has no mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/history.h"

struct sqlite3;
struct sqlite3_stmt;

namespace warrant {

class SqliteHistory final : public HistorySource {
 public:
  static constexpr int32_t kApplicationId = 0x57524e54;  // "WRNT"
  static constexpr int32_t kVersion = 2;                 // PRAGMA user_version of these tables

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

  bool Load(std::string_view patient, std::vector<HistoryLine>& out, std::string& error) override;
  bool Record(const ClaimHistory& claim, std::string& error) override;

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
  // Inserts `claim` unless its id is stored; `inserted` says which.
  bool Insert(const ClaimHistory& claim, bool& inserted, std::string& error);
  bool Claims(sqlite3_stmt* claims, const std::function<bool(const ClaimHistory&)>& each,
              std::string& error);

  std::string path_;
  sqlite3* db_ = nullptr;
  bool in_transaction_ = false;
  sqlite3_stmt* load_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* delete_ = nullptr;
  sqlite3_stmt* all_claims_ = nullptr;
  sqlite3_stmt* patient_claims_ = nullptr;
  std::string packed_;  // a claim's lines as Insert binds them
};

}  // namespace warrant
