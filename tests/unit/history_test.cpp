// Claim history kept outside the claim: the engine's HistorySource hook (a host's own store, here
// in memory), joining stored lines into a decoded claim, the SQLite store (upsert, replacement,
// void, refusal of files it must not touch, a writer that holds the lock) and the history records.
#include "runtime/engine/history.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sqlite3.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "runtime/history/history_records.h"
#include "runtime/history/line_blob.h"
#include "runtime/history/sqlite_history.h"
#include "runtime/records/record_json.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHistoryFobt = R"(policy "FOBT" version 2 "Screening FOBT"
  effective 2023-01-01
codeset fobt: hcpcs = [82270, G0328]
rule frequency "Once every 12 months" applies to line where line.code in fobt {
  let last = latest h in history where h.code in fobt and h.status == "paid"
  require last is none or service_date >= month_start(last.date) + 12 months
    else deny frequency "one per 12 months"
}
)";

std::unique_ptr<Engine> FobtEngine(const test::ScratchDir& dir) {
  std::ofstream(dir.File("fobt.warrant")) << kHistoryFobt;
  auto c = Compile({dir.File("fobt.warrant")});
  REQUIRE(c->ok);
  std::string error;
  auto engine = Engine::FromProgram(std::move(c->program), &error);
  REQUIRE(engine != nullptr);
  return engine;
}

// A host's store: what a payer's own database would implement.
class MemoryHistory final : public HistorySource {
 public:
  bool Load(std::string_view patient, std::vector<HistoryLine>& out, std::string&) override {
    ++loads;
    for (const auto& [id, claim] : claims) {
      if (claim.patient == patient)
        out.insert(out.end(), claim.lines.begin(), claim.lines.end());
    }
    return true;
  }

  bool Record(const ClaimHistory& claim, std::string&) override {
    claims.erase(claim.claim);
    if (claim.frequency == "replacement" || claim.frequency == "void")
      claims.erase(claim.original_id);
    if (claim.frequency != "void")
      claims[claim.claim] = claim;
    return true;
  }

  std::map<std::string, ClaimHistory> claims;
  int loads = 0;
};

std::string FirstLine(Session& session, const std::string& json) {
  RecordError error;
  if (!session.Evaluate(json, error))
    return "error: " + error.message;
  return DecisionName(session.decision().lines.at(0).decision);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

HistoryLine Line(std::string claim, int64_t number, std::string code, std::string date,
                 std::string status) {
  HistoryLine l;
  l.claim = std::move(claim);
  l.line = number;
  l.code = std::move(code);
  l.date = std::move(date);
  l.status = std::move(status);
  return l;
}

ClaimHistory Claim1(std::string id, std::string patient, std::vector<HistoryLine> lines) {
  ClaimHistory c;
  c.claim = std::move(id);
  c.patient = std::move(patient);
  c.lines = std::move(lines);
  return c;
}

}  // namespace

TEST_CASE("a host's history source: the second FOBT of a patient is denied", "[history]") {
  test::ScratchDir dir("history_test");
  auto engine = FobtEngine(dir);
  MemoryHistory store;
  HistoryStatuses statuses;
  Session session(*engine);
  session.SetHistory(&store, &statuses);
  const std::string c1 =
      R"({"id":"C1","patient":{"id":"P1"},"service_date":"2025-01-15","lines":[{"code":"G0328","charge":"25.00"}]})";
  const std::string c2 =
      R"({"id":"C2","patient":{"id":"P1"},"service_date":"2025-07-15","lines":[{"code":"82270"}]})";
  const std::string other =
      R"({"id":"C3","patient":{"id":"P2"},"service_date":"2025-07-15","lines":[{"code":"82270"}]})";
  CHECK(FirstLine(session, c1) == "covered");
  CHECK(FirstLine(session, c2) == "denied");
  CHECK(FirstLine(session, other) == "covered");
  CHECK(store.loads == 3);
  REQUIRE(store.claims.count("C1") == 1);
  const HistoryLine& kept = store.claims["C1"].lines.at(0);
  CHECK(kept.status == "paid");
  CHECK(kept.code == "G0328");
  CHECK(kept.date == "2025-01-15");
  CHECK(kept.line == 1);
  CHECK(kept.charge == "25");
  CHECK(store.claims["C2"].lines.at(0).status == "denied");
  // The same claim again is not its own history.
  CHECK(FirstLine(session, c1) == "covered");
  // Without a source nothing is loaded or kept.
  Session plain(*engine);
  CHECK(FirstLine(plain, c2) == "covered");
}

TEST_CASE("history statuses: defaults and DECISION=STATUS", "[history]") {
  HistoryStatuses s;
  CHECK(s.by_decision[static_cast<size_t>(Decision::Covered)] == "paid");
  CHECK(s.by_decision[static_cast<size_t>(Decision::Denied)] == "denied");
  CHECK(s.by_decision[static_cast<size_t>(Decision::Rejected)] == "denied");
  CHECK(s.by_decision[static_cast<size_t>(Decision::Pended)] == "pended");
  std::string error;
  CHECK(s.Set("pended=paid", error));
  CHECK(s.by_decision[static_cast<size_t>(Decision::Pended)] == "paid");
  CHECK_FALSE(s.Set("approved=paid", error));
  CHECK(error.find("approved=paid") != std::string::npos);
  CHECK_FALSE(s.Set("pended=", error));
  CHECK_FALSE(s.Set("pended", error));
}

TEST_CASE("joining stored lines keeps the claim's strings and leaves out its own lines",
          "[history]") {
  test::ScratchDir dir("history_test");
  auto engine = FobtEngine(dir);
  const Schema& schema = engine->program().schema;
  Session session(*engine);
  RecordError error;
  REQUIRE(session.Evaluate(
      R"({"id":"C9","frequency":"replacement","original_id":"C8","patient":{"id":"P1"},"service_date":"2025-07-15","lines":[{"code":"82270"}],"history":[{"code":"G0328","date":"2024-01-01","status":"paid","claim":"C5","line":2}]})",
      error));
  Claim claim = session.claim();
  std::vector<HistoryLine> stored;
  stored.push_back(Line("C5", 2, "G0328", "2024-01-01", "paid"));  // carried inline already
  stored.push_back(Line("C8", 1, "G0328", "2025-01-01", "paid"));  // the claim it replaces
  stored.push_back(Line("C9", 1, "82270", "2025-07-15", "paid"));  // itself, decided before
  std::string long_status(5000, 'x');                              // moves the string arena
  stored.push_back(Line("C7", 1, "82270", "2025-03-01", long_status));
  stored.back().dx = std::vector<std::string>{"Z12.11"};
  stored.back().modifiers = std::vector<std::string>{};
  stored.back().allowed = "12.5";
  CHECK(JoinHistory(schema, claim, stored) == 1);
  REQUIRE(claim.history.size() == 2);
  const HistoryRecord& h = claim.history[1];
  CHECK(claim.Str(h.status) == long_status);
  CHECK(h.present.Has(FieldId::history_dx));
  CHECK(h.dx.count == 1);
  CHECK(h.modifiers.count == 0);
  CHECK(claim.values[h.values + schema.field(FieldId::history_claim).slot].str() == "C7");
  CHECK(claim.values[h.values + schema.field(FieldId::history_line).slot].i == 1);
  CHECK(claim.values[h.values + schema.field(FieldId::history_allowed).slot].i ==
        12'500'000);  // scaled by 10^6
  // The claim's own strings still read right after the arena moved.
  const Value frequency =
      claim.values[claim.claim_values + schema.field(FieldId::claim_frequency).slot];
  CHECK(frequency.str() == "replacement");
  const Value original =
      claim.values[claim.claim_values + schema.field(FieldId::claim_original_id).slot];
  CHECK(original.str() == "C8");
}

TEST_CASE("the SQLite store: record, load, upsert, replacement, void", "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  const std::string path = dir.File("h.db");
  auto store = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error);
  REQUIRE(store != nullptr);
  REQUIRE(store->Record(Claim1("C1", "P1", {Line("C1", 1, "G0328", "2025-01-15", "paid")}), error));
  REQUIRE(store->Record(Claim1("C2", "P1",
                               {Line("C2", 1, "99213", "2025-02-15", "paid"),
                                Line("C2", 2, "82270", "2025-02-15", "denied")}),
                        error));
  REQUIRE(store->Record(Claim1("C3", "P2", {Line("C3", 1, "G0328", "2025-03-01", "paid")}), error));
  std::vector<HistoryLine> lines;
  REQUIRE(store->Load("P1", lines, error));
  CHECK(lines.size() == 3);
  CHECK(lines[0].claim == "C1");
  CHECK_FALSE(lines[0].dx.has_value());
  // Upsert: C2 again with one line keeps one.
  REQUIRE(store->Record(Claim1("C2", "P1", {Line("C2", 1, "99213", "2025-02-15", "paid")}), error));
  lines.clear();
  REQUIRE(store->Load("P1", lines, error));
  CHECK(lines.size() == 2);
  // A replacement of C1 takes its place.
  ClaimHistory replacement = Claim1("C1R", "P1", {Line("C1R", 1, "99214", "2025-01-15", "paid")});
  replacement.frequency = "replacement";
  replacement.original_id = "C1";
  REQUIRE(store->Record(replacement, error));
  lines.clear();
  REQUIRE(store->Load("P1", lines, error));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].claim == "C1R");
  // A void of C1R removes it and records nothing.
  ClaimHistory void_claim = Claim1("V1", "P1", {Line("V1", 1, "99214", "2025-01-15", "paid")});
  void_claim.frequency = "void";
  void_claim.original_id = "C1R";
  REQUIRE(store->Record(void_claim, error));
  lines.clear();
  REQUIRE(store->Load("P1", lines, error));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].claim == "C2");
  // Not committed: a store closed inside a transaction keeps nothing of it.
  REQUIRE(store->Begin(error));
  REQUIRE(store->Record(Claim1("C4", "P1", {Line("C4", 1, "G0328", "2025-09-01", "paid")}), error));
  store.reset();
  store = SqliteHistory::Open(path, SqliteHistory::Mode::Read, error);
  REQUIRE(store != nullptr);
  lines.clear();
  REQUIRE(store->Load("P1", lines, error));
  CHECK(lines.size() == 1);
  std::vector<std::string> claims;
  REQUIRE(store->ForEachClaim(
      [&](const ClaimHistory& c) {
        claims.push_back(c.claim);
        return true;
      },
      error));
  CHECK(claims == std::vector<std::string>{"C2", "C3"});
}

TEST_CASE("the SQLite store refuses files it must not touch, and leaves them as they are",
          "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  auto refused = [&](const std::string& path, const std::string& expect) {
    const std::string before = Slurp(path);
    error.clear();
    CHECK(SqliteHistory::Open(path, SqliteHistory::Mode::Write, error) == nullptr);
    INFO(error);
    CHECK(error.find(path) != std::string::npos);
    CHECK(error.find(expect) != std::string::npos);
    CHECK(Slurp(path) == before);
  };
  std::ofstream(dir.File("text.db")) << "not a database\n";
  refused(dir.File("text.db"), "not an SQLite database");
  std::ofstream(dir.File("empty.db")).flush();
  refused(dir.File("empty.db"), "empty file");

  // Another application's SQLite database.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.File("other.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  refused(dir.File("other.db"), "not a Warrant history store");

  // A store of another version.
  const std::string path = dir.File("v5.db");
  REQUIRE(SqliteHistory::Open(path, SqliteHistory::Mode::Write, error) != nullptr);
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 5", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  refused(path, "version 5");
  // Stores of earlier versions, written as those versions laid them out: refused, with what to
  // do about it.
  const auto earlier = [&](const std::string& name, const char* sql, const char* message) {
    REQUIRE(sqlite3_open(dir.File(name).c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    refused(dir.File(name), message);
  };
  earlier("v3.db",  // every line's status and diagnoses written out
          "PRAGMA application_id = 0x57524e54; PRAGMA user_version = 3; CREATE TABLE "
          "claims(patient TEXT NOT NULL, claim TEXT NOT NULL, frequency TEXT, original_id TEXT, "
          "lines BLOB NOT NULL, PRIMARY KEY (patient, claim)) WITHOUT ROWID; CREATE UNIQUE INDEX "
          "claims_by_id ON claims(claim);",
          "version 3; this warrant reads version 4 (export it with");
  earlier("v2.db",  // lines packed as text
          "PRAGMA application_id = 0x57524e54; PRAGMA user_version = 2; CREATE TABLE "
          "claims(patient TEXT NOT NULL, claim TEXT NOT NULL, frequency TEXT, original_id TEXT, "
          "lines BLOB NOT NULL, PRIMARY KEY (patient, claim)) WITHOUT ROWID; CREATE UNIQUE INDEX "
          "claims_by_id ON claims(claim);",
          "version 2; this warrant reads version 4 (export it with");
  earlier("v1.db",  // a row per line
          "PRAGMA application_id = 0x57524e54; PRAGMA user_version = 1; CREATE TABLE "
          "claims(claim TEXT PRIMARY KEY, patient TEXT NOT NULL, frequency TEXT, original_id "
          "TEXT); CREATE TABLE lines(patient TEXT, date TEXT, claim TEXT, line INTEGER, code "
          "TEXT, status TEXT);",
          "version 1; this warrant reads version 4 (export it with");

  // A corrupt store: the page holding the table definitions overwritten.
  const std::string corrupt = dir.File("corrupt.db");
  {
    auto store = SqliteHistory::Open(corrupt, SqliteHistory::Mode::Write, error);
    REQUIRE(store != nullptr);
    REQUIRE(
        store->Record(Claim1("C1", "P1", {Line("C1", 1, "G0328", "2025-01-15", "paid")}), error));
  }
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    const std::string garbage(1000, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  refused(corrupt, "corrupt");
  // Reading a store that does not exist creates nothing.
  CHECK(SqliteHistory::Open(dir.File("none.db"), SqliteHistory::Mode::Read, error) == nullptr);
  CHECK_FALSE(fs::exists(dir.File("none.db")));
}

TEST_CASE("the SQLite store: a claim sent again under another patient leaves the first",
          "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  auto store = SqliteHistory::Open(dir.File("h.db"), SqliteHistory::Mode::Write, error);
  REQUIRE(store != nullptr);
  REQUIRE(store->Begin(error));
  REQUIRE(store->Record(Claim1("C1", "P1", {Line("C1", 1, "G0328", "2025-01-15", "paid")}), error));
  REQUIRE(store->Record(Claim1("C1", "P2", {Line("C1", 1, "82270", "2025-02-15", "paid")}), error));
  std::vector<HistoryLine> lines;
  REQUIRE(store->Load("P1", lines, error));
  CHECK(lines.empty());
  REQUIRE(store->Load("P2", lines, error));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].code == "82270");
  // A replacement takes the place of an original stored under another patient, and a void of
  // one too.
  ClaimHistory replacement = Claim1("C2", "P1", {Line("C2", 1, "99213", "2025-03-01", "paid")});
  replacement.frequency = "replacement";
  replacement.original_id = "C1";
  REQUIRE(store->Record(replacement, error));
  lines.clear();
  REQUIRE(store->Load("P2", lines, error));
  CHECK(lines.empty());
  ClaimHistory void_claim = Claim1("V2", "P3", {});
  void_claim.frequency = "void";
  void_claim.original_id = "C2";
  REQUIRE(store->Record(void_claim, error));
  REQUIRE(store->Load("P1", lines, error));
  REQUIRE(store->Load("P3", lines, error));
  CHECK(lines.empty());
  // A claim without lines is kept as a claim (its packed lines are empty, not missing).
  REQUIRE(store->Record(Claim1("C5", "P5", {}), error));
  std::vector<ClaimHistory> claims;
  REQUIRE(store->PatientClaims("P5", claims, error));
  REQUIRE(claims.size() == 1);
  CHECK(claims[0].claim == "C5");
  CHECK(claims[0].lines.empty());
  REQUIRE(store->Commit(error));
}

TEST_CASE("the SQLite store: a patient's lines read by date, claim and line", "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  auto store = SqliteHistory::Open(dir.File("h.db"), SqliteHistory::Mode::Write, error);
  REQUIRE(store != nullptr);
  ClaimHistory a = Claim1(
      "A", "P1",
      {Line("A", 1, "99213", "2025-03-01", "paid"), Line("A", 2, "82270", "2025-01-01", "denied")});
  a.lines[1].dx = std::vector<std::string>{"Z12.11", "E11.9"};
  a.lines[1].modifiers = std::vector<std::string>{};
  a.lines[1].units = 3;
  a.lines[1].charge = "25.5";
  a.lines[1].allowed = "0";
  REQUIRE(store->Record(a, error));
  REQUIRE(store->Record(Claim1("B", "P1",
                               {Line("B", 2, "G0328", "2025-02-01", "paid"),
                                Line("B", 1, "G0328", "2025-02-01", "paid")}),
                        error));
  std::vector<HistoryLine> lines;
  REQUIRE(store->Load("P1", lines, error));
  std::vector<std::string> order;
  for (const HistoryLine& l : lines)
    order.push_back(l.date + " " + l.claim + " " + std::to_string(l.line));
  CHECK(order == std::vector<std::string>{"2025-01-01 A 2", "2025-02-01 B 1", "2025-02-01 B 2",
                                          "2025-03-01 A 1"});
  CHECK(lines[0] == a.lines[1]);  // every field as recorded
  CHECK(lines[3] == a.lines[0]);
}

TEST_CASE("the SQLite store: damaged lines are reported, naming the store and the claim",
          "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  const std::string path = dir.File("h.db");
  {
    auto store = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error);
    REQUIRE(store != nullptr);
    REQUIRE(
        store->Record(Claim1("C1", "P1", {Line("C1", 1, "G0328", "2025-01-15", "paid")}), error));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "UPDATE claims SET lines = x'02ff'", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteHistory::Open(path, SqliteHistory::Mode::Read, error);
  REQUIRE(store != nullptr);
  std::vector<HistoryLine> lines;
  CHECK_FALSE(store->Load("P1", lines, error));
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("corrupt") != std::string::npos);
  CHECK(error.find("C1") != std::string::npos);
  error.clear();
  CHECK_FALSE(store->ForEachClaim([](const ClaimHistory&) { return true; }, error));
  CHECK(error.find("corrupt") != std::string::npos);
}

// Each line of `back` reads as the text line it was packed from, its packed fields as packed.
static void CheckUnpacked(const PackedLines& back, const std::vector<HistoryLine>& text,
                          const PackedLines& packed) {
  REQUIRE(back.lines.size() == text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    HistoryLine read;
    UnpackHistoryLine(back, back.lines[i], read);
    INFO(i);
    CHECK(read == text[i]);
    CHECK(back.lines[i].known == packed.lines[i].known);
    CHECK(back.lines[i].code == packed.lines[i].code);
    CHECK(back.lines[i].date == packed.lines[i].date);
  }
}

TEST_CASE("packed lines: read back as written; a cut or damaged blob is refused", "[history]") {
  std::vector<HistoryLine> text = {Line("C", 1, "G0328", "2025-01-15", "paid"),
                                   Line("C", -2, "", "", std::string(300, 's'))};
  text[0].dx = std::vector<std::string>{"Z12.11", "E11.9"};
  text[0].modifiers = std::vector<std::string>{};
  text[0].charge = "1234567.89";
  text[0].allowed = "-3";
  text[1].units = -5;
  text[1].line = 1LL << 40;
  PackedLines lines;
  for (const HistoryLine& l : text)
    PackHistoryLine(l, lines);
  REQUIRE(lines.lines[0].known ==
          (PackedLine::kCode | PackedLine::kDate | PackedLine::kDx | PackedLine::kModifiers |
           PackedLine::kCharge | PackedLine::kAllowed));
  CHECK(lines.lines[1].known == 0);  // no code, date, lists or amounts: unknown, not empty
  std::string blob;
  PackLines(lines, blob);
  PackedLines back;
  REQUIRE(UnpackLines(blob, "C", back));
  CheckUnpacked(back, text, lines);
  back.clear();
  CHECK(UnpackLines("", "C", back));
  CHECK(back.lines.empty());
  // Every cut short of the whole is refused (a cut at a line's end reads as fewer lines).
  for (size_t n = 1; n < blob.size(); ++n) {
    back.clear();
    const bool read = UnpackLines(std::string_view(blob).substr(0, n), "C", back);
    INFO(n);
    CHECK((read == false || back.lines.size() == 1));
  }
  // A count of codes past the blob's end is refused before anything is allocated for it.
  std::string huge("\x04\x02\x00", 3);                         // dx known; line 1; status ""
  huge += std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8);  // dx: 2^56 codes
  back.clear();
  CHECK_FALSE(UnpackLines(huge, "C", back));
  CHECK_FALSE(UnpackLines(std::string(11, '\xff'), "C", back));     // "as the line before", first
  CHECK_FALSE(UnpackLines(std::string("\x00\xff", 2), "C", back));  // a varint without an end
  // A date outside 0001-01-01 .. 9999-12-31 is damage, not a day to read.
  std::string far("\x02\x02", 2);
  far += std::string("\xff\xff\xff\xff\x0f", 5);
  far += std::string("\x00\x02", 2);
  back.clear();
  CHECK_FALSE(UnpackLines(far, "C", back));
}

TEST_CASE("packed lines: a status or diagnoses the line before had are written once", "[history]") {
  // Lines as a claim's are: the claim's diagnoses on each, mostly one status; then a change of
  // each, a line without diagnoses, and one whose list is empty (known, not unknown).
  std::vector<HistoryLine> text = {
      Line("C", 1, "G0328", "2025-01-15", "paid"),   Line("C", 2, "82270", "2025-01-15", "paid"),
      Line("C", 3, "G0328", "2025-01-16", "denied"), Line("C", 4, "G0328", "2025-01-16", "denied"),
      Line("C", 5, "G0328", "2025-01-17", "denied"), Line("C", 6, "G0328", "2025-01-17", "")};
  const std::vector<std::string> dx = {"Z12.11", "E11.9", "I10"};
  text[0].dx = dx;
  text[1].dx = dx;
  text[2].dx = std::vector<std::string>{"Z12.11"};
  text[3].dx = std::vector<std::string>{"Z12.11"};
  // text[4] has no diagnoses (unknown): the next line's cannot be "the line before's".
  text[5].dx = std::vector<std::string>{};
  PackedLines lines;
  for (const HistoryLine& l : text)
    PackHistoryLine(l, lines);
  std::string blob;
  PackLines(lines, blob);
  std::string apart;  // the same lines packed one at a time: nothing shared
  for (const PackedLine& l : lines.lines) {
    PackedLines one;
    one.lines.push_back(l);
    one.codes = lines.codes;
    one.text = lines.text;
    PackLines(one, apart);
  }
  // Shared: line 2's status and 3 codes (5 + 25 bytes), line 4's status and code (7 + 9), line
  // 5's status (7).
  CHECK(apart.size() - blob.size() == 5 + 25 + 7 + 9 + 7);
  PackedLines back;
  REQUIRE(UnpackLines(blob, "C", back));
  CheckUnpacked(back, text, lines);
  // Appended after other lines, the first line shares nothing with them.
  PackedLines after;
  REQUIRE(UnpackLines(blob, "A", after));
  REQUIRE(UnpackLines(blob, "C", after));
  REQUIRE(after.lines.size() == 2 * text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    HistoryLine first, second;
    UnpackHistoryLine(after, after.lines[i], first);
    UnpackHistoryLine(after, after.lines[text.size() + i], second);
    first.claim = second.claim = "C";
    CHECK(first == text[i]);
    CHECK(second == text[i]);
  }
  // Every cut short of the whole is refused or reads as the lines it holds whole.
  for (size_t n = 1; n < blob.size(); ++n) {
    back.clear();
    const bool read = UnpackLines(std::string_view(blob).substr(0, n), "C", back);
    INFO(n);
    if (read) {
      REQUIRE(back.lines.size() < text.size());
      for (size_t i = 0; i < back.lines.size(); ++i) {
        HistoryLine r;
        UnpackHistoryLine(back, back.lines[i], r);
        CHECK(r == text[i]);
      }
    }
  }
  // "The line before's" on a first line, or diagnoses shared by a line without them (or after
  // one without them), is damage.
  back.clear();
  CHECK_FALSE(UnpackLines(std::string("\x40\x02", 2), "C", back));
  back.clear();
  CHECK_FALSE(UnpackLines(std::string("\x84\x02\x00\x00\x02", 5), "C", back));
  back.clear();
  CHECK_FALSE(UnpackLines(std::string("\x00\x02\x00\x02\x80\x04\x00\x02", 8), "C", back));
  back.clear();
  CHECK_FALSE(UnpackLines(std::string("\x00\x02\x00\x02\x84\x04\x00\x02", 8), "C", back));
  back.clear();
  CHECK(UnpackLines(std::string("\x04\x02\x00\x00\x02\x84\x04\x00\x02", 9), "C", back));
  CHECK(back.lines.size() == 2);
}

TEST_CASE("packing a text line keeps what joining it always kept", "[history]") {
  HistoryLine text = Line("C", 3, "not a code", "2025-02-30", "paid");
  text.dx = std::vector<std::string>{"Z12.11", "nonsense", "e11.9"};
  text.modifiers = std::vector<std::string>{};
  text.charge = "twelve";
  text.allowed = "12.50";
  PackedLines packed;
  PackHistoryLine(text, packed);
  REQUIRE(packed.lines.size() == 1);
  const PackedLine& p = packed.lines[0];
  // A code or date that does not read is unknown; a list keeps the codes that read, in display
  // form; an amount that does not read is unknown.
  CHECK(p.known == (PackedLine::kDx | PackedLine::kModifiers | PackedLine::kAllowed));
  CHECK(packed.Text(p.claim) == "C");
  CHECK(packed.Text(p.status) == "paid");
  CHECK(p.line == 3);
  HistoryLine back;
  UnpackHistoryLine(packed, p, back);
  CHECK(back.code.empty());
  CHECK(back.date.empty());
  CHECK(*back.dx == std::vector<std::string>{"Z12.11", "E11.9"});
  CHECK(back.modifiers->empty());
  CHECK(back.charge.empty());
  CHECK(back.allowed == "12.5");
  // The packed code is the one a claim's decoder holds for the same text.
  PackedLines ok;
  PackHistoryLine(Line("C", 1, "g0328", "2025-01-15", "paid"), ok);
  CHECK(ok.lines[0].code == *Pack(CodeSystem::Hcpcs, "G0328"));
  CHECK(ok.lines[0].date == *ParseDate("2025-01-15"));
}

TEST_CASE("a store another writer holds is waited for, then refused", "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  const std::string path = dir.File("h.db");
  auto first = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error);
  REQUIRE(first != nullptr);
  REQUIRE(first->Begin(error));
  REQUIRE(first->Record(Claim1("C1", "P1", {Line("C1", 1, "G0328", "2025-01-15", "paid")}), error));
  auto second = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error, 50);
  REQUIRE(second != nullptr);
  CHECK_FALSE(second->Begin(error));
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("another writer") != std::string::npos);
  REQUIRE(first->Commit(error));
  CHECK(second->Begin(error));
  std::vector<HistoryLine> lines;
  CHECK(second->Load("P1", lines, error));
  CHECK(lines.size() == 1);
  CHECK(second->Commit(error));
}

TEST_CASE("history records: read, written, read again", "[history]") {
  ClaimHistory c;
  std::string error;
  REQUIRE(ReadHistoryRecord(
      R"({"id":"C1","patient":{"id":"P1"},"service_date":"2025-01-15","frequency":"replacement","original_id":"C0","lines":[{"code":"g0328","status":"paid","dx":["Z1211"],"modifiers":[],"charge":25},{"line":4,"code":"82270","date":"2025-01-16","status":"denied","units":2,"allowed":"1.50"}]})",
      c, error));
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0].code == "G0328");
  CHECK(c.lines[0].date == "2025-01-15");
  CHECK(c.lines[0].line == 1);
  CHECK(*c.lines[0].dx == std::vector<std::string>{"Z12.11"});
  CHECK(c.lines[0].charge == "25");
  CHECK(c.lines[1].line == 4);
  CHECK(c.lines[1].units == 2);
  CHECK_FALSE(c.lines[1].dx.has_value());
  std::string text;
  AppendHistoryRecord(c, text);
  ClaimHistory again;
  REQUIRE(ReadHistoryRecord(text, again, error));
  CHECK(again.claim == c.claim);
  CHECK(again.patient == c.patient);
  CHECK(again.frequency == c.frequency);
  CHECK(again.original_id == c.original_id);
  CHECK(again.lines == c.lines);
  for (
      const char* bad : {
          "",
          "[]",
          R"({"patient":"P1","lines":[]})",
          R"({"id":"C1","lines":[]})",
          R"({"id":"C1","patient":"P1","lines":[{"code":"G0328"}]})",
          R"({"id":"C1","patient":"P1","lines":[{"code":"XYZ","status":"paid"}]})",
          R"({"id":"C1","patient":"P1","lines":[{"code":"G0328","status":"paid","date":"2025-02-30"}]})",
          R"({"id":"C1","patient":"P1","lines":[{"code":"G0328","status":"paid","units":0}]})",
          R"({"id":"C1","patient":"P1","lines":[{"code":"G0328","status":"paid"},{"line":1,"code":"G0328","status":"paid"}]})",
          R"({"id":"C1","patient":"P1","frequency":"later","lines":[]})",
      }) {
    INFO(bad);
    CHECK_FALSE(ReadHistoryRecord(bad, c, error));
    CHECK_FALSE(error.empty());
  }
}

namespace {

// A patient's lines as "claim:line:code", sorted (stores order them differently).
std::vector<std::string> Shown(HistorySource& store, const std::string& patient) {
  std::vector<HistoryLine> lines;
  std::string error;
  REQUIRE(store.Load(patient, lines, error));
  std::vector<std::string> shown;
  for (const HistoryLine& l : lines)
    shown.push_back(l.claim + ":" + std::to_string(l.line) + ":" + l.code);
  std::sort(shown.begin(), shown.end());
  return shown;
}

ClaimHistory Of(std::string id, std::string patient, std::string code, std::string frequency = "",
                std::string original = "") {
  ClaimHistory c =
      Claim1(id, std::move(patient), {Line(id, 1, std::move(code), "2025-01-15", "paid")});
  c.frequency = std::move(frequency);
  c.original_id = std::move(original);
  return c;
}

}  // namespace

TEST_CASE("the SQLite store in a run: a batch's claims see each other before they are written",
          "[history]") {
  test::ScratchDir dir("history_test");
  std::string error;
  const std::string path = dir.File("h.db");
  auto store = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error);
  REQUIRE(store != nullptr);
  REQUIRE(store->Record(Of("S1", "P1", "G0328"), error));  // stored before the run
  REQUIRE(store->Record(Of("S2", "P2", "82270"), error));
  using V = std::vector<std::string>;
  REQUIRE(store->Begin(error));
  const std::vector<std::string> batch = {"P3", "P1", "P2", "P1"};
  REQUIRE(store->Prefetch(batch, error));
  CHECK(Shown(*store, "P1") == V{"S1:1:G0328"});
  // A patient's second claim in the batch sees the first.
  REQUIRE(store->Record(Of("C1", "P1", "99213"), error));
  CHECK(Shown(*store, "P1") == V{"C1:1:99213", "S1:1:G0328"});
  // A replacement in the same batch replaces a claim recorded in it, and one stored before it.
  REQUIRE(store->Record(Of("C2", "P1", "99214", "replacement", "C1"), error));
  CHECK(Shown(*store, "P1") == V{"C2:1:99214", "S1:1:G0328"});
  REQUIRE(store->Record(Of("R1", "P1", "99215", "replacement", "S1"), error));
  CHECK(Shown(*store, "P1") == V{"C2:1:99214", "R1:1:99215"});
  // A void removes a stored claim and records nothing.
  REQUIRE(store->Record(Of("V2", "P2", "82270", "void", "S2"), error));
  CHECK(Shown(*store, "P2").empty());
  // A claim sent again under another patient leaves the first.
  REQUIRE(store->Record(Of("C2", "P3", "G0328"), error));
  CHECK(Shown(*store, "P1") == V{"R1:1:99215"});
  CHECK(Shown(*store, "P3") == V{"C2:1:G0328"});
  // A patient the batch did not name is read from the store, with the batch's claims in place.
  REQUIRE(store->Record(Of("C4", "P4", "G0328"), error));
  CHECK(Shown(*store, "P4") == V{"C4:1:G0328"});
  // The next batch writes this one's claims (still in the transaction): read back the same.
  const std::vector<std::string> next = {"P1", "P3"};
  REQUIRE(store->Prefetch(next, error));
  CHECK(Shown(*store, "P1") == V{"R1:1:99215"});
  CHECK(Shown(*store, "P2").empty());
  CHECK(Shown(*store, "P3") == V{"C2:1:G0328"});
  // The same claim run again is not counted twice.
  REQUIRE(store->Record(Of("C2", "P3", "G0328"), error));
  CHECK(Shown(*store, "P3") == V{"C2:1:G0328"});
  // Not committed: nothing of the run is in the file yet.
  {
    auto reader = SqliteHistory::Open(path, SqliteHistory::Mode::Read, error);
    REQUIRE(reader != nullptr);
    CHECK(Shown(*reader, "P1") == V{"S1:1:G0328"});
    CHECK(Shown(*reader, "P4").empty());
  }
  REQUIRE(store->Commit(error));
  store.reset();
  store = SqliteHistory::Open(path, SqliteHistory::Mode::Read, error);
  REQUIRE(store != nullptr);
  std::vector<std::string> claims;
  REQUIRE(store->ForEachClaim(
      [&](const ClaimHistory& c) {
        claims.push_back(c.patient + "/" + c.claim);
        return true;
      },
      error));
  CHECK(claims == V{"P1/R1", "P3/C2", "P4/C4"});
}

// Random records, loads and batches against the in-memory store of a host (MemoryHistory, which
// applies every record at once): every load and the committed store must agree. `batch_every`
// sets how often a batch is read ahead (and the claims before it written); `patients` and
// `claims` how many ids are drawn from, so that claim ids come back, under the same patient and
// under others.
void RunAgainstModel(unsigned seed, int batch_every, int patients, int claims, int steps) {
  test::ScratchDir dir("history_test");
  std::string error;
  const std::string path = dir.File("h.db");
  auto store = SqliteHistory::Open(path, SqliteHistory::Mode::Write, error);
  REQUIRE(store != nullptr);
  MemoryHistory model;
  std::mt19937 random(seed);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  auto patient = [&] { return "P" + std::to_string(pick(patients)); };
  auto claim = [&] { return "C" + std::to_string(pick(claims)); };
  for (int i = 0; i < claims / 2; ++i) {  // some claims stored before the run
    const ClaimHistory c = Of(claim(), patient(), "G0328");
    REQUIRE(store->Record(c, error));
    REQUIRE(model.Record(c, error));
  }
  REQUIRE(store->Begin(error));
  auto some_patients = [&] {
    std::vector<std::string> batch(static_cast<size_t>(pick(5)));
    for (std::string& p : batch)
      p = patient();
    return batch;
  };
  // The batch after the next, named ahead: usually the one that comes, not always.
  std::vector<std::string> next = some_patients();
  for (int step = 0; step < steps; ++step) {
    const int what = pick(10 * batch_every);
    if (what == 0) {
      const std::vector<std::string> batch = pick(4) ? next : some_patients();
      next = some_patients();
      if (pick(2))
        REQUIRE(store->PrefetchWithNext(batch, next, error));
      else
        REQUIRE(store->Prefetch(batch, error));
    } else if (what % 10 < 4) {
      const std::string p = patient();
      INFO("step " << step << " load " << p);
      REQUIRE(Shown(*store, p) == Shown(model, p));
    } else {
      static const char* const kFrequencies[] = {"", "original", "replacement", "void"};
      const ClaimHistory c = Of(claim(), patient(), step % 2 ? "99213" : "82270",
                                kFrequencies[pick(4)], pick(3) ? claim() : "");
      REQUIRE(store->Record(c, error));
      REQUIRE(model.Record(c, error));
    }
  }
  REQUIRE(store->Commit(error));
  std::map<std::string, std::string> stored, expected;
  REQUIRE(store->ForEachClaim(
      [&](const ClaimHistory& c) {
        stored[c.claim] = c.patient + " " + c.lines.at(0).code;
        return true;
      },
      error));
  for (const auto& [id, c] : model.claims)
    expected[id] = c.patient + " " + c.lines.at(0).code;
  CHECK(stored == expected);
}

TEST_CASE("the SQLite store in a run answers as a store written claim by claim", "[history]") {
  SECTION("small batches, few ids") {
    RunAgainstModel(16, 1, 6, 12, 3000);
  }
  // Hundreds of claims between batches: written kUpsertRows to a statement, where claim ids
  // stored before (under the same patient or another) must still give way.
  SECTION("large batches, many ids") {
    RunAgainstModel(17, 60, 40, 400, 6000);
  }
}

TEST_CASE("a claim's patient id read ahead of decoding it", "[history]") {
  std::string id;
  auto peek = [&](std::string json) {
    json.append(kJsonPadding, ' ');
    id.clear();
    return PeekPatientId(std::string_view(json.data(), json.size() - kJsonPadding), id);
  };
  CHECK(peek(R"({"id":"C1","patient":{"id":"P1","sex":"F"},"lines":[]})"));
  CHECK(id == "P1");
  CHECK(peek(R"({"patient" : { "birth_date":"1950-01-01", "id" : "P-2" }, "id":"C1"})"));
  CHECK(id == "P-2");
  // The key's text as a value first, and the id's key as the patient's last bytes.
  CHECK(peek(R"({"note":"patient","patient":{"sex":"id","id":"P3"}})"));
  CHECK(id == "P3");
  CHECK_FALSE(peek(R"({"id":"C1","patient")"));
  CHECK_FALSE(peek(R"({"patient":{"id")"));
  CHECK_FALSE(peek(R"({"id":"C1","lines":[]})"));
  CHECK_FALSE(peek(R"({"patient":{"id":"P\"1"}})"));  // escaped: left to the decoder
  CHECK_FALSE(peek(R"({"patient":"P1"})"));
  CHECK_FALSE(peek(R"({"patient":{"id":"P1)"));
  CHECK_FALSE(peek(""));
  // The usual layout, read in place, and near misses of it.
  CHECK(peek(R"({"id":"E0000001","patient":{"id":"E0000001","birth_date":"1928-05-28"}})"));
  CHECK(id == "E0000001");
  CHECK(peek(R"({"id":"","patient":{"id":""}})"));
  CHECK(id.empty());
  CHECK(peek(R"({"id":"a\",\"patient\":{\"id\":\"X","patient":{"id":"P4"}})"));
  CHECK(id == "P4");
  CHECK(peek(R"({"id":"C1", "patient":{"id":"P5"}})"));
  CHECK(id == "P5");
  CHECK_FALSE(peek(R"({"id":"C1","patient":{"id":"P\"1"}})"));
  CHECK_FALSE(peek(R"({"id":"C1","patient":{"id":"P1)"));
  CHECK_FALSE(peek(R"({"id":"C","patient":{"id":"P\u0031"}})"));  // escaped: left to the decoder
}

}  // namespace warrant
