#include "runtime/history/sqlite_history.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <unistd.h>

#include <fmt/format.h>

#include "runtime/history/line_blob.h"

namespace warrant {
namespace {

constexpr const char* kTables = R"sql(
CREATE TABLE claims(
  patient     TEXT NOT NULL,
  claim       TEXT NOT NULL,
  frequency   TEXT,
  original_id TEXT,
  lines       BLOB NOT NULL,
  PRIMARY KEY (patient, claim)
) WITHOUT ROWID;
CREATE UNIQUE INDEX claims_by_id ON claims(claim);
)sql";

constexpr const char* kClaimColumns = "patient, claim, frequency, original_id, lines";

int32_t BigEndian(const unsigned char* p) {
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | uint32_t{p[3]});
}

// Why the file at `path` cannot be opened as a store, from its header alone ("" if it can): read
// with plain file I/O, so a file that is refused is never touched by SQLite.
std::string CheckHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "cannot be read";
  std::array<unsigned char, 100> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  const auto got = static_cast<size_t>(in.gcount());
  if (got == 0)
    return "is an empty file, not a Warrant history store (remove it and warrant creates one)";
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes
  if (got < header.size() || std::equal(kMagic, kMagic + 16, header.begin()) == false)
    return "is not a Warrant history store (it is not an SQLite database)";
  const int32_t application = BigEndian(&header[68]);
  if (application != SqliteHistory::kApplicationId) {
    return fmt::format(
        "is an SQLite database but not a Warrant history store (its application_id is {:#x}, a "
        "store's is {:#x})",
        static_cast<uint32_t>(application), SqliteHistory::kApplicationId);
  }
  const int32_t version = BigEndian(&header[60]);
  if (version != SqliteHistory::kVersion) {
    return fmt::format(
        "is a Warrant history store of version {}; this warrant reads version {} (export it with "
        "the warrant that wrote it and import the records here)",
        version, SqliteHistory::kVersion);
  }
  return "";
}

std::string ColumnText(sqlite3_stmt* s, int column) {
  const unsigned char* text = sqlite3_column_text(s, column);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(s, column)))
              : std::string();
}

void BindText(sqlite3_stmt* s, int index, std::string_view text, bool null_when_empty = false) {
  if (null_when_empty && text.empty())
    sqlite3_bind_null(s, index);
  else
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string_view ColumnBytes(sqlite3_stmt* s, int column) {
  const void* data = sqlite3_column_blob(s, column);
  return data ? std::string_view(static_cast<const char*>(data),
                                 static_cast<size_t>(sqlite3_column_bytes(s, column)))
              : std::string_view();
}

// Orders a patient's lines as a store reads them out: by date, claim, line.
bool StoredOrder(const HistoryLine& a, const HistoryLine& b) {
  if (a.date != b.date)
    return a.date < b.date;
  if (a.claim != b.claim)
    return a.claim < b.claim;
  return a.line < b.line;
}

// Resets a statement when it goes out of scope, so it holds no read lock between uses.
struct Using {
  sqlite3_stmt* s;

  ~Using() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

}  // namespace

std::unique_ptr<SqliteHistory> SqliteHistory::Open(const std::string& path, Mode mode,
                                                   std::string& error, int busy_ms) {
  // SQLite counts every allocation under a process-wide mutex unless told not to before it
  // starts; warrant never reads the counts. Too late once SQLite has started (a host's own use):
  // then refused, harmlessly.
  static const int no_memory_counts = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_memory_counts;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  const bool exists = fs::exists(status);
  if (exists && !fs::is_regular_file(status)) {
    error = fmt::format("history store {}: is not a regular file", path);
    return nullptr;
  }
  if (!exists && mode == Mode::Read) {
    error = fmt::format("history store {}: no such file", path);
    return nullptr;
  }
  if (exists) {
    if (std::string why = CheckHeader(path); !why.empty()) {
      error = fmt::format("history store {}: {}", path, why);
      return nullptr;
    }
  } else {
    // Built whole beside it, then renamed into place: a run killed while creating it leaves no
    // half-made store behind to be refused next time.
    const std::string fresh = fmt::format("{}.new-{}", path, static_cast<long>(getpid()));
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(fresh.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    // 16 KB pages (SQLite's default is 4 KB): a B-tree a level shallower, and fewer pages per
    // claim to search, log and checkpoint (a run's CPU about 8% less, docs/history.md).
    std::string sql = fmt::format(
        "PRAGMA page_size = 16384; PRAGMA application_id = {}; PRAGMA user_version = {}; BEGIN; {} "
        "COMMIT;",
        kApplicationId, kVersion, kTables);
    char* message = nullptr;
    if (rc == SQLITE_OK)
      rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      error = fmt::format("history store {}: cannot be created: {}", path,
                          message ? message : (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
      sqlite3_free(message);
      sqlite3_close(db);
      fs::remove(fresh, ec);
      return nullptr;
    }
    sqlite3_close(db);
    fs::rename(fresh, path, ec);
    if (ec) {
      error = fmt::format("history store {}: cannot be created: {}", path, ec.message());
      fs::remove(fresh, ec);
      return nullptr;
    }
  }
  std::unique_ptr<SqliteHistory> store(new SqliteHistory());
  store->path_ = path;
  // One connection per store object, used by one thread at a time: no connection mutex.
  const int flags =
      (mode == Mode::Read ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &store->db_, flags, nullptr) != SQLITE_OK) {
    store->Fail(error, "cannot be opened");
    return nullptr;
  }
  sqlite3_busy_timeout(store->db_, busy_ms);
  sqlite3_extended_result_codes(store->db_, 1);
  if (mode == Mode::Write &&
      (!store->Exec("PRAGMA journal_mode = WAL", error, "cannot use a write-ahead log") ||
       !store->Exec("PRAGMA synchronous = NORMAL", error, "cannot be opened"))) {
    return nullptr;
  }
  // A run is one transaction: with SQLite's default 2 MB page cache its pages spill to the log
  // and are read back claim after claim. Up to 256 MB stays in memory (a limit, not an
  // allocation), and the file is read through a memory map.
  if (!store->Exec("PRAGMA cache_size = -262144", error, "cannot be opened") ||
      !store->Exec("PRAGMA mmap_size = 1073741824", error, "cannot be opened")) {
    return nullptr;
  }
  if (!store->Prepare(error))
    return nullptr;
  return store;
}

SqliteHistory::~SqliteHistory() {
  for (sqlite3_stmt* s : {load_, insert_, delete_, all_claims_, patient_claims_})
    sqlite3_finalize(s);
  if (in_transaction_)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
}

bool SqliteHistory::Fail(std::string& error, std::string_view doing) {
  const int code = db_ ? sqlite3_errcode(db_) : SQLITE_ERROR;
  const int primary = code & 0xff;
  std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    why = fmt::format("is corrupt ({}); it was left as it is", why);
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    why = fmt::format("is in use by another writer and stayed so while warrant waited ({})", why);
  error = fmt::format("history store {}: {}: {}", path_, doing, why);
  return false;
}

bool SqliteHistory::Exec(const char* sql, std::string& error, std::string_view doing) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return Fail(error, doing);
  return true;
}

bool SqliteHistory::Prepare(std::string& error) {
  // Tables of another shape under the right application_id and version: refused, not repaired.
  sqlite3_stmt* check = nullptr;
  int tables = 0;
  if (sqlite3_prepare_v2(
          db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'claims'", -1,
          &check, nullptr) != SQLITE_OK) {
    return Fail(error, "cannot be read");
  }
  const int rc = sqlite3_step(check);
  if (rc == SQLITE_ROW)
    tables = sqlite3_column_int(check, 0);
  sqlite3_finalize(check);
  if (rc != SQLITE_ROW)
    return Fail(error, "cannot be read");
  if (tables != 1) {
    error = fmt::format("history store {}: has not the tables of a history store (claims)", path_);
    return false;
  }
  const std::string all =
      fmt::format("SELECT {} FROM claims ORDER BY patient, claim", kClaimColumns);
  const std::string patient =
      fmt::format("SELECT {} FROM claims WHERE patient = ?1 ORDER BY claim", kClaimColumns);
  // A claim id already stored makes the insert do nothing (sqlite3_changes 0): the one B-tree
  // search both tells a new claim (most of a run's) and inserts it.
  const std::string insert = fmt::format(
      "INSERT INTO claims({}) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING", kClaimColumns);
  const std::pair<sqlite3_stmt**, std::string> statements[] = {
      {&load_, "SELECT claim, lines FROM claims WHERE patient = ?1"},
      {&insert_, insert},
      {&delete_, "DELETE FROM claims WHERE claim = ?1"},
      {&all_claims_, all},
      {&patient_claims_, patient},
  };
  for (const auto& [statement, sql] : statements) {
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, statement, nullptr) !=
        SQLITE_OK) {
      return Fail(error, "has not the tables of a history store");
    }
  }
  return true;
}

bool SqliteHistory::Begin(std::string& error) {
  if (!Exec("BEGIN IMMEDIATE", error, "cannot be written"))
    return false;
  in_transaction_ = true;
  return true;
}

bool SqliteHistory::Commit(std::string& error) {
  if (!in_transaction_)
    return true;
  if (!Exec("COMMIT", error, "cannot be written")) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
    return false;
  }
  in_transaction_ = false;
  return true;
}

bool SqliteHistory::Load(std::string_view patient, std::vector<HistoryLine>& out,
                         std::string& error) {
  Using using_load{load_};
  BindText(load_, 1, patient);
  const size_t first = out.size();
  int rc;
  while ((rc = sqlite3_step(load_)) == SQLITE_ROW) {
    if (!UnpackLines(ColumnBytes(load_, 1), ColumnText(load_, 0), out))
      return Corrupt(error, ColumnText(load_, 0));
  }
  if (rc != SQLITE_DONE)
    return Fail(error, "cannot be read");
  // Rows come by claim, each's lines by number: often in order already (one claim, or claims
  // sent in date order).
  const auto from = out.begin() + static_cast<std::ptrdiff_t>(first);
  if (!std::is_sorted(from, out.end(), StoredOrder))
    std::sort(from, out.end(), StoredOrder);
  return true;
}

bool SqliteHistory::Corrupt(std::string& error, std::string_view claim) {
  error = fmt::format(
      "history store {}: cannot be read: is corrupt (the lines of claim {} are damaged); it was "
      "left as it is",
      path_, claim);
  return false;
}

bool SqliteHistory::Delete(std::string_view claim, std::string& error) {
  Using using_delete{delete_};
  BindText(delete_, 1, claim);
  if (sqlite3_step(delete_) != SQLITE_DONE)
    return Fail(error, "cannot be written");
  return true;
}

bool SqliteHistory::Insert(const ClaimHistory& claim, bool& inserted, std::string& error) {
  Using using_insert{insert_};
  BindText(insert_, 1, claim.patient);
  BindText(insert_, 2, claim.claim);
  BindText(insert_, 3, claim.frequency, true);
  BindText(insert_, 4, claim.original_id, true);
  packed_.clear();
  PackLines(claim.lines, packed_);
  sqlite3_bind_blob(insert_, 5, packed_.data(), static_cast<int>(packed_.size()), SQLITE_STATIC);
  if (sqlite3_step(insert_) != SQLITE_DONE)
    return Fail(error, "cannot be written");
  inserted = sqlite3_changes(db_) > 0;
  return true;
}

bool SqliteHistory::Record(const ClaimHistory& claim, std::string& error) {
  if (claim.claim.empty())
    return true;
  // Inside Begin's transaction a failure abandons all of it; outside, each claim is its own.
  if (!in_transaction_ && !Exec("SAVEPOINT record", error, "cannot be written"))
    return false;
  auto steps = [&] {
    const bool replaces = claim.frequency == "replacement" || claim.frequency == "void";
    if (replaces && !claim.original_id.empty() && claim.original_id != claim.claim &&
        !Delete(claim.original_id, error)) {
      return false;
    }
    if (claim.frequency == "void")
      return Delete(claim.claim, error);
    // Stored before (a claim sent again): its row, under whichever patient, gives way.
    bool inserted = false;
    if (!Insert(claim, inserted, error))
      return false;
    if (inserted)
      return true;
    if (!Delete(claim.claim, error) || !Insert(claim, inserted, error))
      return false;
    if (!inserted) {
      error = fmt::format("history store {}: cannot be written: claim {} stayed in the way", path_,
                          claim.claim);
      return false;
    }
    return true;
  };
  if (!steps()) {
    if (!in_transaction_)
      sqlite3_exec(db_, "ROLLBACK TO record; RELEASE record", nullptr, nullptr, nullptr);
    return false;
  }
  return in_transaction_ || Exec("RELEASE record", error, "cannot be written");
}

bool SqliteHistory::Claims(sqlite3_stmt* claims,
                           const std::function<bool(const ClaimHistory&)>& each,
                           std::string& error) {
  ClaimHistory c;
  int rc;
  while ((rc = sqlite3_step(claims)) == SQLITE_ROW) {
    c.patient = ColumnText(claims, 0);
    c.claim = ColumnText(claims, 1);
    c.frequency = ColumnText(claims, 2);
    c.original_id = ColumnText(claims, 3);
    c.lines.clear();
    if (!UnpackLines(ColumnBytes(claims, 4), c.claim, c.lines))
      return Corrupt(error, c.claim);
    if (!each(c))
      return true;
  }
  if (rc != SQLITE_DONE)
    return Fail(error, "cannot be read");
  return true;
}

bool SqliteHistory::ForEachClaim(const std::function<bool(const ClaimHistory&)>& each,
                                 std::string& error) {
  Using using_claims{all_claims_};
  return Claims(all_claims_, each, error);
}

bool SqliteHistory::PatientClaims(std::string_view patient, std::vector<ClaimHistory>& out,
                                  std::string& error) {
  Using using_claims{patient_claims_};
  BindText(patient_claims_, 1, patient);
  return Claims(
      patient_claims_,
      [&](const ClaimHistory& c) {
        out.push_back(c);
        return true;
      },
      error);
}

}  // namespace warrant
