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

// An empty view may have no address, which SQLite would bind as NULL: bound as "" instead.
const char* Address(std::string_view bytes) {
  return bytes.data() ? bytes.data() : "";
}

void BindText(sqlite3_stmt* s, int index, std::string_view text, bool null_when_empty = false) {
  if (null_when_empty && text.empty())
    sqlite3_bind_null(s, index);
  else
    sqlite3_bind_text(s, index, Address(text), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// The same, not copied: `text` must outlive the statement's step.
void BindView(sqlite3_stmt* s, int index, std::string_view text, bool null_when_empty = false) {
  if (null_when_empty && text.empty())
    sqlite3_bind_null(s, index);
  else
    sqlite3_bind_text(s, index, Address(text), static_cast<int>(text.size()), SQLITE_STATIC);
}

// A blob, not copied: `bytes` must outlive the statement's step. Empty is a zero-length blob.
void BindBlob(sqlite3_stmt* s, int index, std::string_view bytes) {
  sqlite3_bind_blob(s, index, Address(bytes), static_cast<int>(bytes.size()), SQLITE_STATIC);
}

std::string_view ColumnBytes(sqlite3_stmt* s, int column) {
  const void* data = sqlite3_column_blob(s, column);
  return data ? std::string_view(static_cast<const char*>(data),
                                 static_cast<size_t>(sqlite3_column_bytes(s, column)))
              : std::string_view();
}

// Orders a patient's lines as a store reads them out: by date (unknown first), claim, line.
struct StoredOrder {
  const PackedLines& lines;

  bool operator()(const PackedLine& a, const PackedLine& b) const {
    const bool da = a.Has(PackedLine::kDate), db = b.Has(PackedLine::kDate);
    if (da != db)
      return db;
    if (da && a.date != b.date)
      return a.date < b.date;
    if (a.claim.begin != b.claim.begin) {  // lines of one row share their claim's text
      const std::string_view ca = lines.Text(a.claim), cb = lines.Text(b.claim);
      if (ca != cb)
        return ca < cb;
    }
    return a.line < b.line;
  }
};

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
  // One connection per store object, used by one thread at a time: no connection mutex. A
  // reader opens a file it may write read-write all the same (it writes nothing): the last
  // connection to close then removes the log and its index, which a read-only one leaves behind
  // beside the store (`history show` left two empty files). A file it may not write is read
  // read-only.
  const bool writable = mode == Mode::Write || access(path.c_str(), W_OK) == 0;
  const int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
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
  // allocation), and the file is read through a memory map. A multi-row upsert (Flush) keeps a
  // statement journal of the pages it changes: in memory, not a temporary file (five times the
  // writes, measured).
  if (!store->Exec("PRAGMA cache_size = -262144", error, "cannot be opened") ||
      !store->Exec("PRAGMA temp_store = MEMORY", error, "cannot be opened") ||
      !store->Exec("PRAGMA mmap_size = 1073741824", error, "cannot be opened")) {
    return nullptr;
  }
  if (!store->Prepare(error))
    return nullptr;
  return store;
}

SqliteHistory::~SqliteHistory() {
  writer_.Wait();
  for (sqlite3_stmt* s : {load_, insert_, delete_, all_claims_, patient_claims_, prefetch_,
                          prefetch_range_, upsert_, upsert_many_})
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
  // Unused ids are bound to NULL, which matches no patient.
  std::string ids;
  for (int i = 1; i <= kPrefetchIds; ++i)
    ids += fmt::format("{}?{}", i == 1 ? "" : ", ", i);
  const std::string prefetch =
      fmt::format("SELECT patient, claim, lines FROM claims WHERE patient IN ({})", ids);
  // Rows whose claim id is stored already are passed over, and Flush then writes each row of the
  // statement in the place of the stored one (a claim sent again, under any patient: rare). Not
  // an upsert: a statement of many rows that can fail part way (a conflict, a NOT NULL column)
  // copies every page it changes into a statement journal first, about 2,400 instructions a claim
  // (docs/performance.md); one that ignores conflicts cannot fail part way.
  auto upsert = [](int rows) {
    std::string values;
    for (int r = 0; r < rows; ++r) {
      const int k = r * 5;
      values += fmt::format("{}(?{}, ?{}, ?{}, ?{}, ?{})", r == 0 ? "" : ", ", k + 1, k + 2, k + 3,
                            k + 4, k + 5);
    }
    return fmt::format("INSERT OR IGNORE INTO claims({}) VALUES {}", kClaimColumns, values);
  };
  const std::pair<sqlite3_stmt**, std::string> statements[] = {
      {&prefetch_, prefetch},
      {&prefetch_range_,
       "SELECT patient, claim, lines FROM claims WHERE patient >= ?1 AND patient <= ?2 "
       "ORDER BY patient, claim LIMIT ?3"},
      {&upsert_, upsert(1)},
      {&upsert_many_, upsert(kUpsertRows)},
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
  batched_ = false;
  if (!Flush(error) || !Exec("COMMIT", error, "cannot be written")) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
    return false;
  }
  in_transaction_ = false;
  return true;
}

bool SqliteHistory::Load(std::string_view patient, std::vector<HistoryLine>& out,
                         std::string& error) {
  PackedLines packed;
  if (!LoadPacked(patient, packed, error))
    return false;
  const size_t first = out.size();
  out.resize(first + packed.lines.size());
  for (size_t i = 0; i < packed.lines.size(); ++i)
    UnpackHistoryLine(packed, packed.lines[i], out[first + i]);
  return true;
}

bool SqliteHistory::LoadPacked(std::string_view patient, PackedLines& out, std::string& error) {
  rows_.clear();
  // A stored row of a claim recorded since gives way to it.
  auto recorded = [&](std::string_view claim) {
    if (recording_.by_claim.empty() && writing_.by_claim.empty())
      return false;
    const size_t hash = ViewIndex::Hash(claim);
    return recording_.by_claim.Find(claim, hash) != nullptr ||
           writing_.by_claim.Find(claim, hash) != nullptr;
  };
  auto add_stored = [&](std::string_view claim, std::string_view lines) {
    if (!recorded(claim))
      rows_.emplace_back(claim, lines);
  };
  if (const uint32_t* run = front_.index.Find(patient)) {
    const auto [first, count] = front_.runs[*run];
    for (size_t i = first; i < first + count; ++i) {
      const RowRef& r = front_.rows[i];
      add_stored(front_.Bytes(r.claim, r.claim_size), front_.Bytes(r.lines, r.lines_size));
    }
  } else {
    if (!Settle(error))  // the connection is the writer's until it is done
      return false;
    read_.clear();
    Using using_load{load_};
    BindText(load_, 1, patient);
    int rc;
    while ((rc = sqlite3_step(load_)) == SQLITE_ROW)
      read_.push_back({ColumnText(load_, 0), std::string(ColumnBytes(load_, 1))});
    if (rc != SQLITE_DONE)
      return Fail(error, "cannot be read");
    for (const Row& r : read_)
      add_stored(r.claim, r.lines);
  }
  // The stored rows (by claim id, the key's order), those recorded since in their place: the
  // generation being written unless the one recording has the claim since.
  const uint32_t* written =
      writing_.by_patient.empty() ? nullptr : writing_.by_patient.Find(patient);
  const uint32_t* last =
      recording_.by_patient.empty() ? nullptr : recording_.by_patient.Find(patient);
  for (uint32_t l = written ? *written : kNoLink; l != kNoLink; l = writing_.links[l].next) {
    const Pending& p = writing_.rows[writing_.links[l].pending];
    if (!p.removed && p.patient == patient &&
        (recording_.by_claim.empty() || recording_.by_claim.Find(p.claim) == nullptr)) {
      rows_.emplace_back(p.claim, p.lines);
    }
  }
  for (uint32_t l = last ? *last : kNoLink; l != kNoLink; l = recording_.links[l].next) {
    const Pending& p = recording_.rows[recording_.links[l].pending];
    if (!p.removed && p.patient == patient)
      rows_.emplace_back(p.claim, p.lines);
  }
  if (written != nullptr || last != nullptr) {
    std::sort(rows_.begin(), rows_.end());
    rows_.erase(std::unique(rows_.begin(), rows_.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                rows_.end());
  }
  const size_t first = out.lines.size();
  for (const auto& [claim, lines] : rows_) {
    if (!UnpackLines(lines, claim, out))
      return Corrupt(error, claim);
  }
  // Rows come by claim, each's lines by number: often in order already (one claim, or claims
  // sent in date order).
  const auto from = out.lines.begin() + static_cast<std::ptrdiff_t>(first);
  const StoredOrder order{out};
  if (!std::is_sorted(from, out.lines.end(), order))
    std::sort(from, out.lines.end(), order);
  return true;
}

bool SqliteHistory::ReadRows(sqlite3_stmt* s, std::span<const std::string_view> ids,
                             PrefetchBuffer& into, size_t& seen, std::string& error) {
  // `ids` sorted; rows come by patient: kept only for the ids asked.
  size_t k = 0;
  seen = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ++seen;
    const std::string_view patient = ColumnBytes(s, 0);
    while (k < ids.size() && ids[k] < patient)
      ++k;
    if (k == ids.size() || ids[k] != patient)
      continue;
    const std::string_view claim = ColumnBytes(s, 1);
    const std::string_view lines = ColumnBytes(s, 2);
    RowRef& r = into.rows.emplace_back();
    r.patient = into.bytes.size();
    r.patient_size = patient.size();
    into.bytes.append(patient);
    r.claim = into.bytes.size();
    r.claim_size = claim.size();
    into.bytes.append(claim);
    r.lines = into.bytes.size();
    r.lines_size = lines.size();
    into.bytes.append(lines);
  }
  if (rc != SQLITE_DONE)
    return Fail(error, "cannot be read");
  return true;
}

void SqliteHistory::PrefetchBuffer::Ask(std::span<const std::string> patients) {
  for (const std::string& p : patients)
    given.push_back(ids.Copy(p));
  asked = given;
  if (!std::is_sorted(asked.begin(), asked.end()))  // often in order already (claims sent sorted)
    std::sort(asked.begin(), asked.end());
  asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
}

bool SqliteHistory::PrefetchBuffer::Asked(std::span<const std::string> patients) const {
  // A run names a batch's patients as it named them the batch before: the same list.
  if (std::equal(patients.begin(), patients.end(), given.begin(), given.end()))
    return true;
  std::vector<std::string_view> sorted(patients.begin(), patients.end());
  if (!std::is_sorted(sorted.begin(), sorted.end()))
    std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted == asked;
}

void SqliteHistory::PrefetchBuffer::Clear() {
  bytes.clear();
  rows.clear();
  ids.Clear();
  given.clear();
  asked.clear();
  index.Clear();
  runs.clear();
  ready = false;
}

bool SqliteHistory::Prefetch(std::span<const std::string> patients, std::string& error) {
  return PrefetchWithNext(patients, {}, error);
}

bool SqliteHistory::PrefetchWithNext(std::span<const std::string> patients,
                                     std::span<const std::string> next, std::string& error) {
  if (!in_transaction_) {
    batched_ = false;
    if (!Flush(error))
      return false;
    front_.Ask(patients);
    return Read(front_, error);
  }
  // The generation written since the last Prefetch is in the file now, and the writer has read
  // these patients when the last Prefetch named them as next. The generation recorded since is
  // written on the writer thread while this batch is decided (its Loads put both generations in
  // place over what was read before those writes), then the next batch's patients are read.
  if (!Settle(error))
    return false;
  writing_.Clear();
  batched_ = true;
  if (back_.ready && back_.Asked(patients)) {
    std::swap(front_, back_);
  } else {
    front_.Clear();
    front_.Ask(patients);
    if (!Read(front_, error))
      return false;
  }
  back_.Clear();
  back_.Ask(next);
  std::swap(writing_, recording_);
  if (writing_.empty() && back_.asked.empty())
    return true;
  const bool started = writer_.Start([this] {
    try {
      std::string why;
      if (!Write(writing_, why) || !Read(back_, why) || !SpillPages(why))
        writer_error_ = why;
      else
        back_.ready = !back_.asked.empty();
    } catch (const std::exception&) {
      writer_error_ = fmt::format("history store {}: cannot be written: out of memory", path_);
    }
  });
  if (!started) {
    // No thread to be had: written here instead, and the next batch read when it comes.
    back_.Clear();
    return Write(writing_, error);
  }
  return true;
}

bool SqliteHistory::Read(PrefetchBuffer& into, std::string& error) {
  const std::span<const std::string_view> ids = into.asked;
  if (ids.empty())
    return true;
  // One scan of the key from the first patient to the last, when the store holds few other
  // patients between them (a run over much of the store, or ids given in order); stopped after a
  // few rows per patient asked, and the rest searched for, kPrefetchIds to a statement.
  size_t searched_from = ids.size();
  {
    Using using_range{prefetch_range_};
    BindView(prefetch_range_, 1, ids.front());
    BindView(prefetch_range_, 2, ids.back());
    const int64_t limit = 4 * static_cast<int64_t>(ids.size()) + 64;
    sqlite3_bind_int64(prefetch_range_, 3, limit);
    size_t seen = 0;
    if (!ReadRows(prefetch_range_, ids, into, seen, error))
      return false;
    if (static_cast<int64_t>(seen) == limit) {
      // Cut short: the patients from the last one read on are searched for instead.
      const std::string last(into.rows.empty() ? std::string_view()
                                               : into.PatientOf(into.rows.back()));
      while (!into.rows.empty() && into.PatientOf(into.rows.back()) == last)
        into.rows.pop_back();
      searched_from = static_cast<size_t>(
          std::lower_bound(ids.begin(), ids.end(), std::string_view(last)) - ids.begin());
    }
  }
  for (size_t from = searched_from; from < ids.size(); from += kPrefetchIds) {
    Using using_prefetch{prefetch_};
    const size_t n = std::min(ids.size() - from, static_cast<size_t>(kPrefetchIds));
    for (size_t i = 0; i < n; ++i)
      BindView(prefetch_, static_cast<int>(i + 1), ids[from + i]);
    size_t seen = 0;
    if (!ReadRows(prefetch_, ids.subspan(from, n), into, seen, error))
      return false;
  }
  // By patient, then claim (as Load reads them); a patient without rows is known to have none.
  auto before = [&](const RowRef& a, const RowRef& b) {
    const std::string_view pa = into.PatientOf(a), pb = into.PatientOf(b);
    return pa != pb ? pa < pb
                    : into.Bytes(a.claim, a.claim_size) < into.Bytes(b.claim, b.claim_size);
  };
  if (!std::is_sorted(into.rows.begin(), into.rows.end(), before))
    std::sort(into.rows.begin(), into.rows.end(), before);
  for (std::string_view id : ids) {
    into.index.Insert(id, static_cast<uint32_t>(into.runs.size()));
    into.runs.emplace_back(0, 0);
  }
  for (size_t i = 0; i < into.rows.size();) {
    size_t j = i + 1;
    while (j < into.rows.size() && into.PatientOf(into.rows[j]) == into.PatientOf(into.rows[i]))
      ++j;
    into.runs[*into.index.Find(into.PatientOf(into.rows[i]))] = {i, j - i};
    i = j;
  }
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

bool SqliteHistory::Insert(std::string_view patient, std::string_view claim,
                           std::string_view frequency, std::string_view original_id,
                           std::string_view lines, bool& inserted, std::string& error) {
  Using using_insert{insert_};
  BindText(insert_, 1, patient);
  BindText(insert_, 2, claim);
  BindText(insert_, 3, frequency, true);
  BindText(insert_, 4, original_id, true);
  BindBlob(insert_, 5, lines);
  if (sqlite3_step(insert_) != SQLITE_DONE)
    return Fail(error, "cannot be written");
  inserted = sqlite3_changes(db_) > 0;
  return true;
}

bool SqliteHistory::Record(const ClaimHistory& claim, std::string& error) {
  PackClaimHistory(claim, packed_claim_);
  return RecordPacked(packed_claim_, error);
}

bool SqliteHistory::RecordPacked(const PackedClaim& claim, std::string& error) {
  if (claim.claim.empty())
    return true;
  if (!in_transaction_ || !batched_) {
    // Nothing read ahead: written now (one claim after another is what an import does).
    return Flush(error) && WriteNow(claim, error);
  }
  // Kept until Flush: the claim id's last state is what is written, as if each had been.
  const bool replaces = claim.frequency == "replacement" || claim.frequency == "void";
  if (replaces && !claim.original_id.empty() && claim.original_id != claim.claim)
    Remove(claim.original_id);
  if (claim.frequency == "void") {
    Remove(claim.claim);
  } else {
    bool fresh = false;
    Pending& p = recording_.Row(claim.claim, fresh);
    const bool moved = p.patient != claim.patient;
    if (moved)
      p.patient = recording_.bytes.Copy(claim.patient);
    if (fresh || p.removed || moved)
      recording_.Link(p);
    p.frequency = recording_.bytes.Copy(claim.frequency);
    p.original_id = recording_.bytes.Copy(claim.original_id);
    packed_.clear();
    PackLines(claim.lines, packed_);
    p.lines = recording_.bytes.Copy(packed_);
    p.removed = false;
  }
  return recording_.rows.size() < kMaxPending || Flush(error);
}

SqliteHistory::Pending& SqliteHistory::Generation::Row(std::string_view claim, bool& fresh) {
  if (const uint32_t* at = by_claim.Find(claim)) {
    fresh = false;
    return rows[*at];
  }
  fresh = true;
  const auto at = static_cast<uint32_t>(rows.size());
  Pending& p = rows.emplace_back();
  p.claim = bytes.Copy(claim);
  by_claim.Insert(p.claim, at);
  return p;
}

void SqliteHistory::Generation::Link(const Pending& row) {
  const auto link = static_cast<uint32_t>(links.size());
  auto [last, fresh] = by_patient.Insert(row.patient, link);
  links.push_back({static_cast<uint32_t>(&row - rows.data()), fresh ? kNoLink : *last});
  *last = link;
}

void SqliteHistory::Generation::Clear() {
  rows.clear();
  by_claim.Clear();
  by_patient.Clear();
  links.clear();
  bytes.Clear();
}

void SqliteHistory::Remove(std::string_view claim) {
  bool fresh = false;
  Pending& p = recording_.Row(claim, fresh);
  p.removed = true;
  p.lines = std::string_view();
}

bool SqliteHistory::Settle(std::string& error) {
  writer_.Wait();
  if (writer_error_.empty())
    return true;
  error = writer_error_;  // kept: the transaction is lost, and every later use says so
  return false;
}

void SqliteHistory::ForgetPrefetch() {
  front_.Clear();
  back_.Clear();
}

bool SqliteHistory::Flush(std::string& error) {
  if (!Settle(error))
    return false;
  writing_.Clear();  // written
  ForgetPrefetch();  // read before these writes
  if (!Write(recording_, error))
    return false;
  recording_.Clear();
  return true;
}

bool SqliteHistory::Write(const Generation& claims, std::string& error) {
  if (claims.empty())
    return true;
  // Removals first, then the rows in the table's key order, kUpsertRows to a statement: each claim
  // id ends as its last state whatever the order.
  std::vector<const Pending*>& rows = write_rows_;
  rows.clear();
  // In the order recorded (often the key's already), each claim id once.
  for (const Pending& p : claims.rows) {
    if (p.removed) {
      if (!Delete(p.claim, error))
        return false;
    } else {
      rows.push_back(&p);
    }
  }
  auto before = [](const Pending* a, const Pending* b) {
    return a->patient != b->patient ? a->patient < b->patient : a->claim < b->claim;
  };
  if (!std::is_sorted(rows.begin(), rows.end(), before))
    std::sort(rows.begin(), rows.end(), before);
  for (size_t from = 0; from < rows.size();) {
    const size_t n = rows.size() - from >= kUpsertRows ? kUpsertRows : 1;
    sqlite3_stmt* s = n == 1 ? upsert_ : upsert_many_;
    Using using_upsert{s};
    for (size_t r = 0; r < n; ++r) {
      const Pending* p = rows[from + r];
      const int k = static_cast<int>(r) * 5;
      BindView(s, k + 1, p->patient);
      BindView(s, k + 2, p->claim);
      BindView(s, k + 3, p->frequency, true);
      BindView(s, k + 4, p->original_id, true);
      BindBlob(s, k + 5, p->lines);
    }
    if (sqlite3_step(s) != SQLITE_DONE)
      return Fail(error, "cannot be written");
    if (sqlite3_changes(db_) != static_cast<int>(n)) {
      // A claim id stored before was passed over: each row of the statement takes its place.
      for (size_t r = 0; r < n; ++r) {
        const Pending* p = rows[from + r];
        if (!Upsert(p->patient, p->claim, p->frequency, p->original_id, p->lines, error))
          return false;
      }
    }
    from += n;
  }
  return true;
}

bool SqliteHistory::SpillPages(std::string& error) {
  // The transaction's changed pages go to the write-ahead log now, as uncommitted frames (a
  // page changed again is written over its frame), instead of all at once when the run
  // commits: that write then happens while the next batch is decided, not after the last claim.
  // A run that is killed leaves frames without a commit, which SQLite's recovery passes over.
  const int rc = sqlite3_db_cacheflush(db_);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)  // busy: a page in use stays, the commit writes it
    return Fail(error, "cannot be written");
  return true;
}

bool SqliteHistory::WriteNow(const PackedClaim& claim, std::string& error) {
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
    packed_.clear();
    PackLines(claim.lines, packed_);
    return Upsert(claim.patient, claim.claim, claim.frequency, claim.original_id, packed_, error);
  };
  if (!steps()) {
    if (!in_transaction_)
      sqlite3_exec(db_, "ROLLBACK TO record; RELEASE record", nullptr, nullptr, nullptr);
    return false;
  }
  return in_transaction_ || Exec("RELEASE record", error, "cannot be written");
}

bool SqliteHistory::Upsert(std::string_view patient, std::string_view claim,
                           std::string_view frequency, std::string_view original_id,
                           std::string_view lines, std::string& error) {
  // Stored before (a claim sent again): its row, under whichever patient, gives way.
  bool inserted = false;
  if (!Insert(patient, claim, frequency, original_id, lines, inserted, error))
    return false;
  if (inserted)
    return true;
  if (!Delete(claim, error) ||
      !Insert(patient, claim, frequency, original_id, lines, inserted, error)) {
    return false;
  }
  if (!inserted) {
    error = fmt::format("history store {}: cannot be written: claim {} stayed in the way", path_,
                        claim);
    return false;
  }
  return true;
}

bool SqliteHistory::Claims(sqlite3_stmt* claims,
                           const std::function<bool(const ClaimHistory&)>& each,
                           std::string& error) {
  PackedClaim packed;
  ClaimHistory c;
  int rc;
  while ((rc = sqlite3_step(claims)) == SQLITE_ROW) {
    packed.patient = ColumnText(claims, 0);
    packed.claim = ColumnText(claims, 1);
    packed.frequency = ColumnText(claims, 2);
    packed.original_id = ColumnText(claims, 3);
    packed.lines.clear();
    if (!UnpackLines(ColumnBytes(claims, 4), packed.claim, packed.lines))
      return Corrupt(error, packed.claim);
    UnpackClaimHistory(packed, c);
    if (!each(c))
      return true;
  }
  if (rc != SQLITE_DONE)
    return Fail(error, "cannot be read");
  return true;
}

bool SqliteHistory::ForEachClaim(const std::function<bool(const ClaimHistory&)>& each,
                                 std::string& error) {
  if (!Flush(error))  // the claims recorded in this transaction are read as written
    return false;
  Using using_claims{all_claims_};
  return Claims(all_claims_, each, error);
}

bool SqliteHistory::PatientClaims(std::string_view patient, std::vector<ClaimHistory>& out,
                                  std::string& error) {
  if (!Flush(error))
    return false;
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
