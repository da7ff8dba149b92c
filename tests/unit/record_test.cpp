// Record input: decoding JSON claims (fields, defaults, dx pointers, facts, exact decimals),
// every R07xx error with its message and field path, malformed and hostile input, the
// no-allocation steady state, and NdjsonReader over tricky streams.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

// Counts heap allocations, so a test can assert that decoding allocates nothing once warm.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Every unaligned form is replaced, so no pair mixes our malloc with another allocator (the
// sanitizers replace the ones left out).
namespace {
void* CountedAlloc(std::size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}

// Out of line: GCC 12 otherwise sees `free` meet `operator new` and warns (mismatched-new-delete).
[[gnu::noinline]] void CountedFree(void* p) noexcept {
  std::free(p);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size))
    return p;
  throw std::bad_alloc();
}

void* operator new[](std::size_t size) {
  if (void* p = CountedAlloc(size))
    return p;
  throw std::bad_alloc();
}

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}

void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}

void operator delete(void* p) noexcept {
  CountedFree(p);
}

void operator delete[](void* p) noexcept {
  CountedFree(p);
}

void operator delete(void* p, std::size_t) noexcept {
  CountedFree(p);
}

void operator delete[](void* p, std::size_t) noexcept {
  CountedFree(p);
}

void operator delete(void* p, const std::nothrow_t&) noexcept {
  CountedFree(p);
}

void operator delete[](void* p, const std::nothrow_t&) noexcept {
  CountedFree(p);
}

namespace warrant {
namespace {

using test::D;
using test::Icd;
using test::P;

// The base schema with the facts the tests give.
const Schema& TestFacts() {
  static const Schema schema = [] {
    Schema s = Schema::Base();
    s.AddFact("pack_years", SchemaType{Kind::Decimal});
    s.AddFact("smoker", SchemaType{Kind::Bool});
    s.AddFact("cigarettes_per_day", SchemaType{Kind::Int});
    SchemaType status{Kind::String};
    status.one_of = s.AddEnum({"current", "former", "never"});
    s.AddFact("smoking_status", status);
    s.AddFact("note", SchemaType{Kind::String});
    s.AddFact("last_visit", SchemaType{Kind::Date});
    if (s.Finish())
      throw std::logic_error("test schema");
    return s;
  }();
  return schema;
}

enum FactSlot { kPackYears, kSmoker, kCigarettes, kStatus, kNote, kLastVisit };

struct Decoded {
  bool ok = false;
  Claim claim;
  RecordError error;
};

Decoded Run(std::string_view json) {
  RecordDecoder decoder(TestFacts());
  Decoded d;
  d.ok = decoder.Decode(json, d.claim, d.error);
  return d;
}

// Decodes `json`, which must fail; returns the error.
RecordError Error(std::string_view json) {
  Decoded d = Run(json);
  if (d.ok)
    FAIL("expected an error for " << std::string(json.substr(0, 200)));
  return d.error;
}

std::vector<uint64_t> Codes(const Claim& c, Range r) {
  return {c.codes.begin() + r.begin, c.codes.begin() + r.begin + r.count};
}

std::vector<int64_t> Ints(const Claim& c, Range r) {
  return {c.ints.begin() + r.begin, c.ints.begin() + r.begin + r.count};
}

std::string Repeat(std::string_view piece, size_t n, std::string_view separator = ",") {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0)
      out += separator;
    out += piece;
  }
  return out;
}

// A valid claim around the given extra top-level members (each ending in a comma).
std::string WithLine(std::string_view extra, std::string_view line = R"({"code": "83036"})") {
  return std::string("{") + std::string(extra) + R"("service_date": "2025-06-01", "lines": [)" +
         std::string(line) + "]}";
}

constexpr std::string_view kSection9 = R"({"id": "C1",
 "patient": {"id": "P1", "birth_date": "1950-03-14", "sex": "F", "part_b_effective": "2015-03-01"},
 "service_date": "2025-06-01", "place_of_service": "11", "claim_type": "professional",
 "diagnoses": ["E11.65", "I10"],
 "lines": [{"code": "82947", "modifiers": ["KX"], "units": 1, "dx_pointers": [1, 2],
            "date": "2025-06-01"}],
 "history": [{"code": "82947", "date": "2025-01-02", "status": "paid", "dx": ["Z13.1"]}],
 "observations": [{"code": "4548-4", "value": 8.1, "unit": "%", "date": "2025-05-20"}],
 "facts": {"pack_years": 25}})";

// ---- Decoding ---------------------------------------------------------------------------------

TEST_CASE("record: the language.md §9 example", "[record]") {
  Decoded d = Run(std::string(kSection9));
  REQUIRE(d.ok);
  const Claim& c = d.claim;
  CHECK(c.Str(c.id) == "C1");
  CHECK(c.Str(c.patient_id) == "P1");
  CHECK(c.birth_date == D("1950-03-14"));
  CHECK(c.Str(c.sex) == "F");
  CHECK(c.part_b_effective == D("2015-03-01"));
  CHECK(c.service_date == D("2025-06-01"));
  CHECK(c.place_of_service == P(CodeSystem::Pos, "11"));
  CHECK(c.Str(c.claim_type) == "professional");
  CHECK(Codes(c, c.diagnoses) == std::vector<uint64_t>{Icd("E11.65"), Icd("I10")});
  for (FieldId f :
       {FieldId::claim_id, FieldId::claim_patient, FieldId::patient_id, FieldId::patient_birth_date,
        FieldId::patient_sex, FieldId::patient_part_b_effective, FieldId::claim_service_date,
        FieldId::claim_place_of_service, FieldId::claim_claim_type, FieldId::claim_diagnoses,
        FieldId::claim_lines, FieldId::claim_history, FieldId::claim_observations,
        FieldId::claim_facts}) {
    CHECK(c.present.Has(f));
  }

  REQUIRE(c.lines.size() == 1);
  const LineRecord& line = c.lines[0];
  CHECK(line.code == P(CodeSystem::Hcpcs, "82947"));
  CHECK(Codes(c, line.modifiers) == std::vector<uint64_t>{P(CodeSystem::Modifier, "KX")});
  CHECK(line.units == 1);
  CHECK(Ints(c, line.dx_pointers) == std::vector<int64_t>{1, 2});
  CHECK(line.date == D("2025-06-01"));
  CHECK(line.pos == P(CodeSystem::Pos, "11"));
  CHECK(Codes(c, line.diagnoses) == std::vector<uint64_t>{Icd("E11.65"), Icd("I10")});
  for (FieldId f :
       {FieldId::line_index, FieldId::line_code, FieldId::line_modifiers, FieldId::line_units,
        FieldId::line_dx_pointers, FieldId::line_date, FieldId::line_place_of_service}) {
    CHECK(line.present.Has(f));
  }

  REQUIRE(c.history.size() == 1);
  const HistoryRecord& h = c.history[0];
  CHECK(h.code == P(CodeSystem::Hcpcs, "82947"));
  CHECK(h.date == D("2025-01-02"));
  CHECK(c.Str(h.status) == "paid");
  CHECK(Codes(c, h.dx) == std::vector<uint64_t>{Icd("Z13.1")});
  CHECK(h.units == 1);
  CHECK(h.modifiers.count == 0);

  REQUIRE(c.observations.size() == 1);
  const ObservationRecord& o = c.observations[0];
  CHECK(o.code == P(CodeSystem::Loinc, "4548-4"));
  CHECK(o.value == 8'100'000);
  CHECK(c.Str(o.unit) == "%");
  CHECK(o.date == D("2025-05-20"));
  CHECK(o.context.count == 0);
  CHECK(o.present.Has(FieldId::observation_value));

  REQUIRE(c.facts.size() == TestFacts().facts().size());
  CHECK(c.facts[kPackYears].tag == Tag::Decimal);
  CHECK(c.facts[kPackYears].i == 25 * kDecimalScale);
  CHECK(c.facts[kSmoker].is_unknown());
  CHECK(c.facts[kStatus].is_unknown());
}

TEST_CASE("record: dotted and undotted ICD-10-CM codes are the same code", "[record]") {
  Decoded d = Run(WithLine(R"("diagnoses": ["E11.65", "E1165", "e11.65", "Z13.1", "Z131"],)"));
  REQUIRE(d.ok);
  const std::vector<uint64_t> dx = Codes(d.claim, d.claim.diagnoses);
  REQUIRE(dx.size() == 5);
  CHECK(dx[0] == dx[1]);
  CHECK(dx[0] == dx[2]);
  CHECK(dx[3] == dx[4]);
  CHECK(dx[0] == Icd("E1165"));
}

TEST_CASE("record: defaults of the test conventions", "[record]") {
  Decoded d = Run(R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}]})");
  REQUIRE(d.ok);
  const Claim& c = d.claim;
  CHECK(c.place_of_service == P(CodeSystem::Pos, "11"));
  CHECK(c.Str(c.claim_type) == "professional");
  CHECK(c.present.Has(FieldId::claim_place_of_service));
  CHECK(c.present.Has(FieldId::claim_claim_type));
  CHECK(c.diagnoses.count == 0);
  CHECK(c.history.empty());
  CHECK(c.observations.empty());
  for (const Value& fact : c.facts)
    CHECK(fact.is_unknown());
  // Missing data stays unknown.
  for (FieldId f :
       {FieldId::claim_id, FieldId::claim_patient, FieldId::patient_id, FieldId::patient_birth_date,
        FieldId::patient_sex, FieldId::patient_part_b_effective}) {
    CHECK_FALSE(c.present.Has(f));
  }
  REQUIRE(c.lines.size() == 1);
  const LineRecord& line = c.lines[0];
  CHECK(line.units == 1);
  CHECK(line.modifiers.count == 0);
  CHECK(line.date == D("2025-06-01"));
  CHECK(line.pos == P(CodeSystem::Pos, "11"));
  CHECK(line.diagnoses.count == 0);
  for (FieldId f : {FieldId::line_units, FieldId::line_modifiers, FieldId::line_date,
                    FieldId::line_place_of_service}) {
    CHECK(line.present.Has(f));
  }

  SECTION("a line takes the claim's place of service and date, or its own") {
    Decoded e = Run(
        R"({"service_date": "2025-06-01", "place_of_service": "22", "claim_type": "institutional",
                        "lines": [{"code": "83036"}, {"code": "83036", "date": "2025-06-03", "place_of_service": "19"}]})");
    REQUIRE(e.ok);
    CHECK(e.claim.Str(e.claim.claim_type) == "institutional");
    CHECK(e.claim.lines[0].pos == P(CodeSystem::Pos, "22"));
    CHECK(e.claim.lines[0].date == D("2025-06-01"));
    CHECK(e.claim.lines[1].pos == P(CodeSystem::Pos, "19"));
    CHECK(e.claim.lines[1].date == D("2025-06-03"));
  }
  SECTION("without a claim date every line may carry its own") {
    Decoded e = Run(
        R"({"lines": [{"code": "83036", "date": "2025-06-03"}, {"code": "83036", "date": "2025-07-01"}]})");
    REQUIRE(e.ok);
    CHECK_FALSE(e.claim.present.Has(FieldId::claim_service_date));
    CHECK(e.claim.lines[0].date == D("2025-06-03"));
    CHECK(e.claim.lines[1].date == D("2025-07-01"));
  }
  SECTION("null anywhere is absent") {
    Decoded e = Run(
        R"({"id": null, "patient": {"sex": null}, "service_date": "2025-06-01", "place_of_service": null,
                        "claim_type": null, "diagnoses": null, "history": null, "observations": [{"value": null}],
                        "facts": {"smoker": null, "undeclared": null},
                        "lines": [{"code": "83036", "units": null, "modifiers": ["KX"], "date": null}]})");
    REQUIRE(e.ok);
    const Claim& n = e.claim;
    CHECK_FALSE(n.present.Has(FieldId::claim_id));
    CHECK(n.present.Has(FieldId::claim_patient));
    CHECK_FALSE(n.present.Has(FieldId::patient_sex));
    CHECK(n.place_of_service == P(CodeSystem::Pos, "11"));
    CHECK(n.Str(n.claim_type) == "professional");
    CHECK(n.lines[0].present.Has(FieldId::line_code));
    CHECK(n.lines[0].units == 1);
    CHECK(n.lines[0].modifiers.count == 1);
    CHECK(n.lines[0].date == D("2025-06-01"));
    CHECK_FALSE(n.observations[0].present.Has(FieldId::observation_value));
    CHECK(n.facts[kSmoker].is_unknown());
  }
  SECTION("unknown fields are ignored") {
    Decoded e =
        Run(R"({"x": {"deep": [1, 2.5e3, true, null, "s", {"k": []}]}, "service_date": "2025-06-01",
                        "lines": [{"code": "83036", "index": 7, "extra": {"a": 1}}],
                        "patient": {"zip": "12345"}, "history": [{"payer": "X"}]})");
    REQUIRE(e.ok);
    CHECK(e.claim.lines.size() == 1);
  }
}

TEST_CASE("record: history, observations and their codes", "[record]") {
  Decoded d = Run(WithLine(
      R"("history": [{"code": "G0328", "date": "2024-02-20", "status": "denied", "units": 3,
                                           "modifiers": ["33"], "dx": ["Z12.11", "Z1211"]}, {}],
                              "observations": [{"code": "LOINC|4548-4", "value": 7, "unit": "%", "context": {"state": "fasting", "n": null}},
                                               {"code": "http://loinc.org|2345-7", "value": -0.5}],)"));
  REQUIRE(d.ok);
  const Claim& c = d.claim;
  REQUIRE(c.history.size() == 2);
  CHECK(c.history[0].units == 3);
  CHECK(Codes(c, c.history[0].modifiers) == std::vector<uint64_t>{P(CodeSystem::Modifier, "33")});
  CHECK(Codes(c, c.history[0].dx) == std::vector<uint64_t>{Icd("Z12.11"), Icd("Z12.11")});
  CHECK(c.Str(c.history[0].status) == "denied");
  CHECK_FALSE(c.history[1].present.Has(FieldId::history_code));
  CHECK_FALSE(c.history[1].present.Has(FieldId::history_date));
  CHECK(c.history[1].units == 1);
  REQUIRE(c.observations.size() == 2);
  CHECK(c.observations[0].code == P(CodeSystem::Loinc, "4548-4"));
  CHECK(c.observations[0].value == 7'000'000);
  REQUIRE(c.observations[0].context.count == 1);
  const auto& [key, value] = c.pairs[c.observations[0].context.begin];
  CHECK(c.Str(key) == "state");
  CHECK(c.Str(value) == "fasting");
  CHECK(c.observations[1].code == P(CodeSystem::Loinc, "2345-7"));
  CHECK(c.observations[1].value == -500'000);
  CHECK_FALSE(c.observations[1].present.Has(FieldId::observation_date));
}

TEST_CASE("record: dx pointers select the line's diagnoses", "[record]") {
  const std::string dx = R"("diagnoses": ["E11.9", "I10", "Z13.1"],)";
  Decoded d = Run(WithLine(
      dx, R"({"code": "83036", "dx_pointers": [3, 1]}, {"code": "83036", "dx_pointers": []},
                               {"code": "83036", "dx_ptr": [2]})"));
  REQUIRE(d.ok);
  const Claim& c = d.claim;
  CHECK(Codes(c, c.lines[0].diagnoses) == std::vector<uint64_t>{Icd("Z13.1"), Icd("E11.9")});
  CHECK(Codes(c, c.lines[1].diagnoses) ==
        std::vector<uint64_t>{Icd("E11.9"), Icd("I10"), Icd("Z13.1")});
  CHECK(Codes(c, c.lines[2].diagnoses) == std::vector<uint64_t>{Icd("I10")});

  SECTION("diagnoses may come after the lines") {
    Decoded e =
        Run(R"({"service_date": "2025-06-01", "lines": [{"code": "83036", "dx_pointers": [2]}],
                        "diagnoses": ["E11.9", "I10"]})");
    REQUIRE(e.ok);
    CHECK(Codes(e.claim, e.claim.lines[0].diagnoses) == std::vector<uint64_t>{Icd("I10")});
  }
  SECTION("out of range: R0707") {
    RecordError e =
        Error(WithLine(dx, R"({"code": "83036"}, {"code": "83036", "dx_pointers": [1, 4]})"));
    CHECK(e.code == RecordErrorCode::DxPointerRange);
    CHECK(e.field == "lines[1].dx_pointers");
    CHECK(e.message ==
          "`lines[1].dx_pointers`: pointer 4 is out of range: the claim has 3 diagnoses (1..3)");
    CHECK(Error(WithLine(dx, R"({"code": "83036", "dx_pointers": [0]})")).code ==
          RecordErrorCode::DxPointerRange);
    CHECK(Error(WithLine(dx, R"({"code": "83036", "dx_pointers": [-1]})")).code ==
          RecordErrorCode::DxPointerRange);
    RecordError none = Error(WithLine("", R"({"code": "83036", "dx_pointers": [1]})"));
    CHECK(none.message ==
          "`lines[0].dx_pointers`: pointer 1 points nowhere: the claim has no diagnoses");
  }
}

TEST_CASE("record: facts of each type", "[record][facts]") {
  Decoded d =
      Run(WithLine(R"("facts": {"pack_years": 22.5, "smoker": true, "cigarettes_per_day": 20,
                                        "smoking_status": "former", "note": "quit in 2010",
                                        "last_visit": "2025-01-15"},)"));
  REQUIRE(d.ok);
  const std::vector<Value>& f = d.claim.facts;
  CHECK(f[kPackYears].tag == Tag::Decimal);
  CHECK(f[kPackYears].i == 22'500'000);
  CHECK(f[kSmoker].is_true());
  CHECK(f[kCigarettes].tag == Tag::Int);
  CHECK(f[kCigarettes].i == 20);
  CHECK(f[kStatus].tag == Tag::String);
  CHECK(f[kStatus].str() == "former");
  CHECK(f[kNote].str() == "quit in 2010");
  CHECK(f[kLastVisit].tag == Tag::Date);
  CHECK(f[kLastVisit].i == D("2025-01-15"));

  SECTION("an int for a decimal fact") {
    Decoded e = Run(WithLine(R"("facts": {"pack_years": 25},)"));
    REQUIRE(e.ok);
    CHECK(e.claim.facts[kPackYears].i == 25 * kDecimalScale);
  }
  SECTION("string facts point into the claim's final string arena") {
    // Facts first, then enough strings to move the arena several times.
    std::string json =
        R"({"facts": {"note": "first", "smoking_status": "never"}, "service_date": "2025-06-01",
                           "history": [)" +
        Repeat(R"({"status": "a status long enough to grow the arena"})", 200) +
        R"(], "lines": [{"code": "83036"}]})";
    Decoded e = Run(json);
    REQUIRE(e.ok);
    const Claim& c = e.claim;
    for (int slot : {kNote, kStatus}) {
      const Value& v = c.facts[slot];
      REQUIRE(v.tag == Tag::String);
      CHECK(v.str().data() >= c.strings.data());
      CHECK(v.str().data() + v.aux <= c.strings.data() + c.strings.size());
    }
    CHECK(c.facts[kNote].str() == "first");
    CHECK(c.facts[kStatus].str() == "never");
  }
  SECTION("errors: R0706, and R0705 for a date") {
    struct Case {
      std::string facts;
      RecordErrorCode code;
      std::string message;
    };

    const Case cases[] = {
        {R"({"packyears": 25})", RecordErrorCode::InvalidFact,
         "`facts.packyears`: the pack declares no fact `packyears` (it declares "
         "`cigarettes_per_day`, "
         "`last_visit`, `note`, `pack_years`, `smoker`, `smoking_status`)"},
        {R"({"pack_years": "25"})", RecordErrorCode::InvalidFact,
         "`facts.pack_years`: expected a number, found the string \"25\""},
        {R"({"smoker": 1})", RecordErrorCode::InvalidFact,
         "`facts.smoker`: expected true or false, found the number 1"},
        {R"({"cigarettes_per_day": 2.5})", RecordErrorCode::InvalidFact,
         "`facts.cigarettes_per_day`: expected an integer, found the number 2.5"},
        {R"({"cigarettes_per_day": 99999999999999999999})", RecordErrorCode::InvalidFact,
         "`facts.cigarettes_per_day`: the number 99999999999999999999 is out of range for an "
         "integer"},
        {R"({"smoking_status": "sometimes"})", RecordErrorCode::InvalidFact,
         "`facts.smoking_status`: \"sometimes\" is not one of the allowed values: \"current\", "
         "\"former\", \"never\""},
        {R"({"note": ["a"]})", RecordErrorCode::InvalidFact,
         "`facts.note`: expected a string, found an array"},
        {R"({"last_visit": 20250115})", RecordErrorCode::InvalidFact,
         "`facts.last_visit`: expected a date string \"YYYY-MM-DD\", found the number 20250115"},
        {R"({"last_visit": "2025-02-29"})", RecordErrorCode::InvalidDate,
         "`facts.last_visit`: `2025-02-29` is not a calendar date written YYYY-MM-DD"},
        {R"([])", RecordErrorCode::WrongType, "`facts`: expected an object, found an array"},
    };
    for (const Case& k : cases) {
      INFO(k.facts);
      RecordError e = Error(WithLine(R"("id": "C7", "facts": )" + k.facts + ","));
      CHECK(e.code == k.code);
      CHECK(e.message == k.message);
      CHECK(e.claim_id == "C7");
    }
  }
  SECTION("a pack without facts refuses any") {
    RecordDecoder decoder(Schema::Base());
    Claim claim;
    RecordError error;
    CHECK_FALSE(decoder.Decode(WithLine(R"("facts": {"x": 1},)"), claim, error));
    CHECK(error.message == "`facts.x`: the pack declares no facts, so `x` cannot be given");
    CHECK(decoder.Decode(WithLine(R"("facts": {},)"), claim, error));
    CHECK(claim.facts.empty());
  }
}

TEST_CASE("record: decimals are read exactly, as written", "[record][decimal]") {
  // value: the scaled value, or the error of the record that holds the number.
  struct Case {
    const char* text;
    std::optional<int64_t> scaled;
    RecordErrorCode error = RecordErrorCode::NotJson;
  };

  constexpr RecordErrorCode kRange = RecordErrorCode::WrongType;
  constexpr RecordErrorCode kPlaces = RecordErrorCode::OutOfRange;
  const Case cases[] = {
      {"7.0", 7'000'000},
      {"7", 7'000'000},
      {"88.5", 88'500'000},
      {"8.1", 8'100'000},
      {"0.1", 100'000},
      {"-0", 0},
      {"-2.25", -2'250'000},
      {"1e2", 100'000'000},
      {"1.5E-3", 1'500},
      {"25E+0", 25'000'000},
      {"0.000001", 1},
      {"0.0000010", 1},  // trailing zeros hold nothing
      {"1e-6", 1},
      // A claim's number is held exactly or refused: rounding is not what was measured.
      {"0.0000005", std::nullopt, kPlaces},
      {"-0.0000005", std::nullopt, kPlaces},
      {"0.00000049", std::nullopt, kPlaces},
      {"2.0000015", std::nullopt, kPlaces},
      {"1e-400", std::nullopt, kPlaces},
      {"1.5e-7", std::nullopt, kPlaces},
      {"0e400", 0},
      {"123456789012.123456", 123'456'789'012'123'456},
      {"9223372036854.775807", INT64_MAX},
      {"-9223372036854.775807", -INT64_MAX},
      {"9223372036854.7758074", std::nullopt, kPlaces},
      {"9223372036854.775808", std::nullopt, kRange},
      {"1e400", std::nullopt, kRange},
      {"01", std::nullopt},
      {"1.", std::nullopt},
      {".5", std::nullopt},
      {"+1", std::nullopt},
      {"1e", std::nullopt},
      {"--1", std::nullopt},
      {"1.5.2", std::nullopt},
      {"NaN", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& k : cases) {
    INFO(k.text);
    Decoded d = Run(WithLine(std::string(R"("observations": [{"value": )") + k.text + "}],"));
    if (k.scaled) {
      REQUIRE(d.ok);
      CHECK(d.claim.observations[0].value == *k.scaled);
    } else {
      REQUIRE_FALSE(d.ok);
      CHECK(RecordErrorId(d.error.code) == RecordErrorId(k.error));
      CHECK(d.error.field == "observations[0].value");
    }
  }
  // 7.0, 7 and 7.000 are one value; so are a decimal fact and its int spelling.
  Decoded d = Run(WithLine(
      R"("observations": [{"value": 7.0}, {"value": 7}, {"value": 7.000}, {"value": 88.5}],)"));
  REQUIRE(d.ok);
  CHECK(d.claim.observations[0].value == d.claim.observations[1].value);
  CHECK(d.claim.observations[1].value == d.claim.observations[2].value);
  CHECK(d.claim.observations[3].value == 88'500'000);
}

// ---- Errors -----------------------------------------------------------------------------------

TEST_CASE("record: error codes are stable", "[record][errors]") {
  CHECK(RecordErrorId(RecordErrorCode::NotJson) == "R0701");
  CHECK(RecordErrorId(RecordErrorCode::NotObject) == "R0702");
  CHECK(RecordErrorId(RecordErrorCode::WrongType) == "R0703");
  CHECK(RecordErrorId(RecordErrorCode::InvalidCode) == "R0704");
  CHECK(RecordErrorId(RecordErrorCode::InvalidDate) == "R0705");
  CHECK(RecordErrorId(RecordErrorCode::InvalidFact) == "R0706");
  CHECK(RecordErrorId(RecordErrorCode::DxPointerRange) == "R0707");
  CHECK(RecordErrorId(RecordErrorCode::TooLarge) == "R0708");
  CHECK(RecordErrorId(RecordErrorCode::NoLines) == "R0709");
  CHECK(RecordErrorId(RecordErrorCode::NoServiceDate) == "R0710");
  CHECK(RecordErrorSummary(RecordErrorCode::NoLines) == "the claim has no service lines");
}

TEST_CASE("record: every error with its message and field", "[record][errors]") {
  struct Case {
    std::string json;
    RecordErrorCode code;
    std::string field;
    std::string message;
  };

  const std::string ok_line = R"({"code": "83036"})";
  const Case cases[] = {
      // R0701
      {"{", RecordErrorCode::NotJson, "",
       "the record is not valid JSON: an object or array is not closed"},
      {R"({"id": "C1"} {"id": "C2"})", RecordErrorCode::NotJson, "",
       "the record is not valid JSON: there is more text after the object"},
      {R"({"id": "C1", "x": [1,,2], "lines": []})", RecordErrorCode::NotJson, "x", ""},
      {R"({"id": "C1", "x": tru, "lines": []})", RecordErrorCode::NotJson, "x",
       "the record is not valid JSON: a value starting with `t` is not `true` (in `x`)"},
      {WithLine("", R"({"code": "83036", "units": fals})"), RecordErrorCode::NotJson,
       "lines[0].units",
       "the record is not valid JSON: a value starting with `f` is not `false` (in "
       "`lines[0].units`)"},
      {WithLine("", R"({"code": "83036", "units": 01})"), RecordErrorCode::NotJson,
       "lines[0].units",
       "the record is not valid JSON: a number is malformed (in `lines[0].units`)"},
      {WithLine(R"("facts": {"smoker": nul},)"), RecordErrorCode::NotJson, "facts.smoker", ""},
      {WithLine(R"("facts": {"smoker": tRue},)"), RecordErrorCode::NotJson, "facts.smoker", ""},
      {WithLine(R"("patient": {"id": "\q"},)"), RecordErrorCode::NotJson, "patient.id",
       "the record is not valid JSON: a string has an invalid escape (in `patient.id`)"},
      {WithLine(R"("patient": {"id": 5, "sex": "\q"},)"), RecordErrorCode::WrongType, "patient.id",
       ""},
      {WithLine(R"("patient": "\q",)"), RecordErrorCode::NotJson, "patient", ""},
      // R0702
      {"[1, 2]", RecordErrorCode::NotObject, "", "the record is an array, not a JSON object"},
      {"42", RecordErrorCode::NotObject, "", "the record is a number, not a JSON object"},
      {R"("C1")", RecordErrorCode::NotObject, "", "the record is a string, not a JSON object"},
      {"null", RecordErrorCode::NotObject, "", "the record is `null`, not a JSON object"},
      // R0703
      {WithLine("", R"({"code": "83036", "units": "2"})"), RecordErrorCode::WrongType,
       "lines[0].units", "`lines[0].units`: expected an integer, found the string \"2\""},
      {WithLine("", R"({"code": "83036"}, {"code": "83036", "units": 1.5})"),
       RecordErrorCode::WrongType, "lines[1].units",
       "`lines[1].units`: expected an integer, found the number 1.5"},
      {WithLine("", R"({"code": "83036", "units": 1e3})"), RecordErrorCode::WrongType,
       "lines[0].units", "`lines[0].units`: expected an integer, found the number 1e3"},
      {WithLine("", R"({"code": "83036", "units": -99999999999999999999})"),
       RecordErrorCode::WrongType, "lines[0].units",
       "`lines[0].units`: the number -99999999999999999999 is out of range for an integer"},
      {WithLine("", R"({"code": 82947})"), RecordErrorCode::WrongType, "lines[0].code",
       "`lines[0].code`: expected a code written as a string, found the number 82947"},
      {WithLine("", R"({"code": "83036", "modifiers": "KX"})"), RecordErrorCode::WrongType,
       "lines[0].modifiers", "`lines[0].modifiers`: expected an array, found the string \"KX\""},
      {WithLine("", "[]"), RecordErrorCode::WrongType, "lines[0]",
       "`lines[0]`: expected an object, found an array"},
      {R"({"lines": {"code": "83036"}})", RecordErrorCode::WrongType, "lines",
       "`lines`: expected an array, found an object"},
      {WithLine(R"("patient": "P1",)"), RecordErrorCode::WrongType, "patient",
       "`patient`: expected an object, found the string \"P1\""},
      {WithLine(R"("id": 12345,)"), RecordErrorCode::WrongType, "id",
       "`id`: expected a string, found the number 12345"},
      {WithLine(R"("patient": {"sex": false},)"), RecordErrorCode::WrongType, "patient.sex",
       "`patient.sex`: expected a string, found `false`"},
      {WithLine(R"("observations": [{"value": "8.1"}],)"), RecordErrorCode::WrongType,
       "observations[0].value",
       "`observations[0].value`: expected a number, found the string \"8.1\""},
      {WithLine(R"("observations": [{"context": {"state": 1}}],)"), RecordErrorCode::WrongType,
       "observations[0].context.state",
       "`observations[0].context.state`: expected a string, found the number 1"},
      {WithLine(R"("observations": [{"value": 1e300}],)"), RecordErrorCode::WrongType,
       "observations[0].value",
       "`observations[0].value`: the number 1e300 is out of range for a decimal"},
      {WithLine(R"("diagnoses": ["E11.9", 10],)"), RecordErrorCode::WrongType, "diagnoses[1]",
       "`diagnoses[1]`: expected a code written as a string, found the number 10"},
      // A null element is refused at its input position, never dropped (which would renumber
      // the elements after it).
      {R"({"lines": [null]})", RecordErrorCode::WrongType, "lines[0]",
       "`lines[0]`: an element of a list cannot be `null` (leave it out of the list)"},
      {R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}, null, {"code": "8303"}]})",
       RecordErrorCode::WrongType, "lines[1]",
       "`lines[1]`: an element of a list cannot be `null` (leave it out of the list)"},
      {WithLine(R"("diagnoses": [null, "E11.9"],)"), RecordErrorCode::WrongType, "diagnoses[0]",
       ""},
      {WithLine("", R"({"code": "83036", "modifiers": ["KX", null]})"), RecordErrorCode::WrongType,
       "lines[0].modifiers[1]", ""},
      {WithLine("", R"({"code": "83036", "dx_pointers": [null]})"), RecordErrorCode::WrongType,
       "lines[0].dx_pointers[0]", ""},
      {WithLine(R"("history": [{"code": "82270", "date": "2024-01-01"}, null],)"),
       RecordErrorCode::WrongType, "history[1]", ""},
      {WithLine(R"("observations": [null],)"), RecordErrorCode::WrongType, "observations[0]", ""},
      {WithLine(R"("history": [{"dx": ["E11.9", null]}],)"), RecordErrorCode::WrongType,
       "history[0].dx[1]", ""},
      // R0704
      {WithLine(R"("id": "C1", "diagnoses": ["E11.9", "E1.19"],)"), RecordErrorCode::InvalidCode,
       "diagnoses[1]",
       "`diagnoses[1]`: `E1.19` is not a valid ICD-10-CM code: a dot goes after the third "
       "character"},
      {WithLine("", R"({"code": "8294"})"), RecordErrorCode::InvalidCode, "lines[0].code", ""},
      {WithLine("", R"({"code": "83036", "modifiers": ["K"]})"), RecordErrorCode::InvalidCode,
       "lines[0].modifiers[0]", ""},
      {WithLine(R"("place_of_service": "00",)"), RecordErrorCode::InvalidCode, "place_of_service",
       ""},
      {WithLine(R"("observations": [{"code": "LOINC|4548-5"}],)"), RecordErrorCode::InvalidCode,
       "observations[0].code", ""},
      {WithLine(R"("history": [{"dx": [" E11.9"]}],)"), RecordErrorCode::InvalidCode,
       "history[0].dx[0]", ""},
      {WithLine(R"("diagnoses": ["E11.9E11.9E11.9E11.9E11.9E11.9E11.9E11.9"],)"),
       RecordErrorCode::InvalidCode, "diagnoses[0]",
       "`diagnoses[0]`: `E11.9E11.9E11.9E11.9E11.9E11.9E1…` is not a valid ICD-10-CM code: it is "
       "40 characters "
       "long"},
      // R0705
      {WithLine(R"("patient": {"birth_date": "1950-02-30"},)"), RecordErrorCode::InvalidDate,
       "patient.birth_date",
       "`patient.birth_date`: `1950-02-30` is not a calendar date written YYYY-MM-DD"},
      {R"({"service_date": "06/01/2025", "lines": [{"code": "83036"}]})",
       RecordErrorCode::InvalidDate, "service_date",
       "`service_date`: `06/01/2025` is not a calendar date written YYYY-MM-DD"},
      {WithLine("", R"({"code": "83036", "date": "2025-06-01T00:00:00Z"})"),
       RecordErrorCode::InvalidDate, "lines[0].date",
       "`lines[0].date`: `2025-06-01T00:00:00Z` is not a calendar date written YYYY-MM-DD"},
      {WithLine(R"("history": [{"date": 20250601}],)"), RecordErrorCode::WrongType,
       "history[0].date",
       "`history[0].date`: expected a date string \"YYYY-MM-DD\", found the number 20250601"},
      // R0715: values no claim can hold
      {WithLine("", R"({"code": "36415", "units": 50}, {"code": "36415", "units": -48})"),
       RecordErrorCode::OutOfRange, "lines[1].units",
       "`lines[1].units`: -48 is below the smallest value allowed, 1"},
      {WithLine("", R"({"code": "83036", "units": 0})"), RecordErrorCode::OutOfRange,
       "lines[0].units", ""},
      {WithLine("", R"({"code": "83036", "units": 10000000})"), RecordErrorCode::OutOfRange,
       "lines[0].units", ""},
      {WithLine(R"("history": [{"code": "83036", "units": 0}],)"), RecordErrorCode::OutOfRange,
       "history[0].units", ""},
      {WithLine("", R"({"code": "83036", "charge": -0.01})"), RecordErrorCode::OutOfRange,
       "lines[0].charge", ""},
      {WithLine("", R"({"code": "83036", "allowed": "12.345"})"), RecordErrorCode::OutOfRange,
       "lines[0].allowed", ""},
      {WithLine(R"("history": [{"code": "83036", "allowed": -5}],)"), RecordErrorCode::OutOfRange,
       "history[0].allowed", ""},
      {WithLine(R"("observations": [{"code": "4548-4", "value": 1.0000000000000000001}],)"),
       RecordErrorCode::OutOfRange, "observations[0].value",
       "`observations[0].value`: the number 1.0000000000000000001 has more than six decimal "
       "places"},
      {WithLine(R"("frequency": "adjustment",)"), RecordErrorCode::OutOfRange, "frequency", ""},
      {WithLine("", R"({"code": "J1100", "drug_unit": "MG"})"), RecordErrorCode::OutOfRange,
       "lines[0].drug_unit", ""},
      // R0716: fields that contradict each other
      {R"({"patient": {"birth_date": "2025-06-02"}, "service_date": "2025-06-01", "lines": [{"code": "83036"}]})",
       RecordErrorCode::Inconsistent, "patient.birth_date",
       "`patient.birth_date`: the birth date 2025-06-02 is after the date of service 2025-06-01 "
       "of `lines[0]`"},
      {R"({"patient": {"birth_date": "2025-05-01"}, "service_date": "2025-06-01", "lines": [{"code": "83036", "date": "2025-04-30"}]})",
       RecordErrorCode::Inconsistent, "patient.birth_date", ""},
      // R0704 for the claim's drug, provider and billing codes
      {WithLine("", R"({"code": "J1100", "ndc": "0002143380"})"), RecordErrorCode::InvalidCode,
       "lines[0].ndc", ""},
      {WithLine(R"("rendering_provider": {"npi": "1234567890"},)"), RecordErrorCode::InvalidCode,
       "rendering_provider.npi",
       "`rendering_provider.npi`: `1234567890` is not a valid NPI: its check digit should be 3 "
       "(Luhn over 80840 and the first nine digits)"},
      {WithLine(R"("billing_provider": {"taxonomy": "207Q00000"},)"), RecordErrorCode::InvalidCode,
       "billing_provider.taxonomy", ""},
      {WithLine("", R"({"code": "83036", "revenue_code": "45"})"), RecordErrorCode::InvalidCode,
       "lines[0].revenue_code", ""},
      {WithLine(R"("bill_type": "031",)"), RecordErrorCode::InvalidCode, "bill_type", ""},
      // R0708
      {WithLine(R"("x": )" + std::string(65, '[') + std::string(65, ']') + ",", ok_line),
       RecordErrorCode::TooLarge, "x", "`x`: nested more than 64 levels deep"},
      // R0709
      {R"({"id": "C1", "service_date": "2025-06-01", "lines": []})", RecordErrorCode::NoLines,
       "lines", "`lines`: a claim needs at least one service line"},
      {R"({"id": "C1", "service_date": "2025-06-01"})", RecordErrorCode::NoLines, "lines",
       "`lines`: a claim needs at least one service line"},
      // R0710
      {R"({"lines": [{"code": "83036", "date": "2025-06-01"}, {"code": "83036", "date": "2025-06-02"}, {"code": "83036"}]})",
       RecordErrorCode::NoServiceDate, "lines[2].date",
       "`lines[2].date`: the line has no `date` and the claim has no `service_date`"},
      // R0711
      {R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}, {"units": 2}]})",
       RecordErrorCode::NoCode, "lines[1].code",
       "`lines[1].code`: the line has no procedure `code`"},
      // R0714: a key the schema knows, given twice in one object, whatever the values
      {WithLine(R"("id": "C1", "id": "C2",)"), RecordErrorCode::DuplicateKey, "id",
       "`id`: the key is given twice in one object"},
      {WithLine(R"("service_date": "2025-06-01", "service_date": null,)"),
       RecordErrorCode::DuplicateKey, "service_date", ""},
      {WithLine(R"("patient": {"sex": "F"}, "patient": {"birth_date": "1950-01-01"},)"),
       RecordErrorCode::DuplicateKey, "patient", ""},
      {WithLine(R"("patient": {"sex": "F", "sex": null},)"), RecordErrorCode::DuplicateKey,
       "patient.sex", ""},
      {WithLine(R"("facts": {"smoker": true}, "facts": {"pack_years": 3},)"),
       RecordErrorCode::DuplicateKey, "facts", ""},
      {WithLine(R"("facts": {"smoker": true, "smoker": null},)"), RecordErrorCode::DuplicateKey,
       "facts.smoker", "`facts.smoker`: the fact is given twice"},
      {R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}], "lines": [{"code": "82270"}]})",
       RecordErrorCode::DuplicateKey, "lines", ""},
      {WithLine("", R"({"code": "83036", "units": 2, "units": null})"),
       RecordErrorCode::DuplicateKey, "lines[0].units", ""},
      {WithLine("", R"({"code": "83036", "dx_pointers": [1], "dx_ptr": [1]})"),
       RecordErrorCode::DuplicateKey, "lines[0].dx_ptr",
       "`lines[0].dx_ptr`: the key is given twice in one object (`dx_ptr` is another name for "
       "`dx_pointers`)"},
      {WithLine(R"("history": [{"code": "82270", "code": "82270"}],)"),
       RecordErrorCode::DuplicateKey, "history[0].code", ""},
      {WithLine(R"("observations": [{"value": 1, "value": 2}],)"), RecordErrorCode::DuplicateKey,
       "observations[0].value", ""},
  };
  for (const Case& k : cases) {
    INFO(k.json.substr(0, 300));
    RecordError e = Error(k.json);
    CHECK(RecordErrorId(e.code) == RecordErrorId(k.code));
    CHECK(e.field == k.field);
    if (!k.message.empty())
      CHECK(e.message == k.message);
    if (k.field.empty() || k.code == RecordErrorCode::NotJson)
      continue;
    CHECK(e.message.substr(0, k.field.size() + 3) ==
          "`" + k.field + "`:");  // messages name the path
  }
}

TEST_CASE("record: the claim id is reported when it can be read", "[record][errors]") {
  CHECK(Error(R"({"id": "C1", "lines": []})").claim_id == "C1");
  // The id comes after the error: a second pass finds it.
  CHECK(Error(R"({"lines": [{"units": "x"}], "id": "C9"})").claim_id == "C9");
  CHECK(Error(R"({"lines": [{"units": 1}], "id": "C9"})").claim_id == "C9");
  CHECK(Error(R"({"id": "C3", "lines": [{"units": 1,}]})").claim_id == "C3");
  CHECK(Error(R"({"id": 3, "lines": []})").claim_id.empty());
  CHECK(Error("not json").claim_id.empty());
}

TEST_CASE("record: limits (R0708)", "[record][errors][limits]") {
  SECTION("a 9 MiB record") {
    const std::string big =
        R"({"id": "C1", "service_date": "2025-06-01", "lines": [{"code": "83036"}], "pad": ")" +
        std::string(9 << 20, 'x') + "\"}";
    RecordError e = Error(big);
    CHECK(e.code == RecordErrorCode::TooLarge);
    CHECK(e.field.empty());
    CHECK(e.message == "the record is larger than the limit of 8 MiB (8388608 bytes)");
  }
  SECTION("just under 8 MiB is fine") {
    const std::string head =
        R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}], "pad": ")";
    const std::string big = head + std::string(kMaxRecordBytes - head.size() - 2, 'x') + "\"}";
    REQUIRE(big.size() == kMaxRecordBytes);
    CHECK(Run(big).ok);
  }
  SECTION("too many elements") {
    RecordError lines =
        Error(R"({"service_date": "2025-06-01", "lines": [)" + Repeat("{}", kMaxLines + 1) + "]}");
    CHECK(lines.code == RecordErrorCode::TooLarge);
    CHECK(lines.field == "lines");
    CHECK(lines.message == "`lines`: more than the limit of 10000 lines");
    CHECK(Run(R"({"service_date": "2025-06-01", "lines": [)" +
              Repeat(R"({"code":"83036"})", kMaxLines) + "]}")
              .ok);
    RecordError dx =
        Error(WithLine(R"("diagnoses": [)" + Repeat(R"("I10")", kMaxDiagnoses + 1) + "],"));
    CHECK(dx.message == "`diagnoses`: more than the limit of 10000 diagnoses");
    RecordError obs =
        Error(WithLine(R"("observations": [)" + Repeat("{}", kMaxObservations + 1) + "],"));
    CHECK(obs.message == "`observations`: more than the limit of 10000 observations");
    RecordError history = Error(WithLine(R"("history": [)" + Repeat("{}", kMaxHistory + 1) + "],"));
    CHECK(history.message == "`history`: more than the limit of 100000 history entries");
  }
  SECTION("lists inside a line or a history entry") {
    RecordError modifiers = Error(R"({"service_date": "2025-06-01", "lines": [{"code": "83036", )"
                                  R"("modifiers": [)" +
                                  Repeat(R"("25")", kMaxListItems + 1) + "]}]}");
    CHECK(modifiers.code == RecordErrorCode::TooLarge);
    CHECK(modifiers.message == "`lines[0].modifiers`: more than the limit of 1000 modifiers");
    RecordError pointers = Error(R"({"service_date": "2025-06-01", "lines": [{"code": "83036", )"
                                 R"("dx_pointers": [)" +
                                 Repeat("1", kMaxListItems + 1) + "]}]}");
    CHECK(pointers.message ==
          "`lines[0].dx_pointers`: more than the limit of 1000 diagnosis pointers");
    RecordError history_dx = Error(WithLine(R"("history": [{"code": "83036", "dx": [)" +
                                            Repeat(R"("I10")", kMaxListItems + 1) + "]}],"));
    CHECK(history_dx.message == "`history[0].dx`: more than the limit of 1000 diagnoses");
    CHECK(Run(R"({"service_date": "2025-06-01", "lines": [{"code": "83036", "modifiers": [)" +
              Repeat(R"("25")", kMaxListItems) + "]}]}")
              .ok);
  }
  SECTION("a string longer than 64 KiB") {
    RecordError id = Error(R"({"id": ")" + std::string(kMaxStringBytes + 1, 'x') +
                           R"(", "service_date": "2025-06-01", "lines": [{"code": "83036"}]})");
    CHECK(id.code == RecordErrorCode::TooLarge);
    CHECK(id.message == "`id`: a string longer than the limit of 65536 bytes");
    CHECK(Run(R"({"id": ")" + std::string(kMaxStringBytes, 'x') +
              R"(", "service_date": "2025-06-01", "lines": [{"code": "83036"}]})")
              .ok);
  }
}

TEST_CASE("record: malformed input never crashes", "[record][errors][hostile]") {
  const std::string valid(kSection9);
  std::vector<std::string> inputs = {
      "",
      " ",
      "garbage",
      "{]",
      "}",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{\"a\":tru}",
      "{\"a\":nul}",
      "{\"a\":\"\\x\"}",
      "{\"a\":\"unterminated}",
      "{\"a\":1}}",
      "{\"a\":1}]",
      "{\"id\":\"C1\"}garbage",
      std::string("{\"id\":\"\xFF\xFE\"}"),
      std::string("\xFF\xFE\xFD\x00\x01", 5),
      std::string("{\"id\":\"C\0\"}", 11),
      std::string(100'000, '['),
      std::string(100'000, '{'),
      "{\"x\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}",
      "{\"x\":" + std::string(100'000, '[') + "}",
      "{\"lines\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}",
      "{\"facts\":{\"note\":" + std::string(50'000, '[') + std::string(50'000, ']') + "}}",
      "{\"x\":" + Repeat("{\"a\":", 50'000, "") + "1" + std::string(50'000, '}') + "}",
  };
  // Every prefix of a valid record is truncated input.
  for (size_t n = 0; n < valid.size(); n += 7)
    inputs.push_back(valid.substr(0, n));
  // Single-byte corruptions of a valid record.
  for (size_t at = 0; at < valid.size(); at += 5) {
    for (char c : {'\0', '"', '{', ']', ',', '\xC3', '\x80'}) {
      std::string corrupt = valid;
      corrupt[at] = c;
      inputs.push_back(corrupt);
    }
  }
  RecordDecoder decoder(TestFacts());
  Claim claim;
  RecordError error;
  for (const std::string& input : inputs) {
    INFO(input.substr(0, 120));
    if (!decoder.Decode(input, claim, error)) {
      CHECK_FALSE(error.message.empty());
      CHECK(RecordErrorId(error.code).substr(0, 3) == "R07");
    }
  }
  // The decoder is still usable afterwards.
  CHECK(decoder.Decode(valid, claim, error));
  CHECK_FALSE(decoder.Decode("garbage", claim, error));
  CHECK(decoder.Decode(valid, claim, error));
  CHECK(Error("garbage").code == RecordErrorCode::NotJson);
  CHECK(Error(std::string("\xFF\xFE\xFD\x00\x01", 5)).code == RecordErrorCode::NotJson);
  CHECK(Error(std::string("{\"id\":\"\xFF\xFE\"}")).message ==
        "the record is not valid JSON: it is not valid UTF-8");
  CHECK(Error(valid.substr(0, valid.size() / 2)).code == RecordErrorCode::NotJson);
  CHECK(Error("{\"x\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}").code ==
        RecordErrorCode::TooLarge);
  CHECK(Error("{\"lines\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}").code ==
        RecordErrorCode::WrongType);
}

TEST_CASE("record: a reused Claim carries nothing over and allocates nothing", "[record]") {
  RecordDecoder decoder(TestFacts());
  Claim claim;
  RecordError error;
  const std::string big(kSection9);
  REQUIRE(decoder.Decode(R"({"id": "C0", "service_date": "2025-06-01", "facts": {"smoker": true},
                             "diagnoses": ["I10"], "lines": [{"code": "83036"}, {"code": "83036"}]})",
                         claim, error));
  REQUIRE(decoder.Decode(big, claim, error));
  REQUIRE(decoder.Decode(R"({"service_date": "2025-06-01", "lines": [{"code": "83036"}]})", claim,
                         error));
  CHECK_FALSE(claim.present.Has(FieldId::claim_id));
  CHECK(claim.lines.size() == 1);
  CHECK(claim.diagnoses.count == 0);
  CHECK(claim.facts[kSmoker].is_unknown());
  CHECK(claim.facts[kPackYears].is_unknown());

  REQUIRE(decoder.Decode(big, claim, error));  // warm: every buffer is as large as it gets
  const long before = g_allocations.load();
  for (int i = 0; i < 10; ++i) {
    if (!decoder.Decode(big, claim, error))
      FAIL(error.message);
  }
  CHECK(g_allocations.load() - before == 0);
}

// ---- NdjsonReader ----------------------------------------------------------------------------

struct ReadLine {
  std::string text;
  uint64_t number;
  bool truncated;
  friend bool operator==(const ReadLine&, const ReadLine&) = default;
};

std::vector<ReadLine> ReadAll(const std::string& input,
                              size_t chunk = NdjsonReader::kDefaultChunkBytes,
                              size_t max_line = NdjsonReader::kDefaultMaxLineBytes) {
  std::istringstream in(input);
  NdjsonReader reader(in, chunk, max_line);
  std::vector<ReadLine> out;
  NdjsonLine line;
  while (reader.Next(line))
    out.push_back({std::string(line.text), line.number, line.truncated});
  CHECK_FALSE(reader.failed());
  return out;
}

std::ostream& operator<<(std::ostream& os, const ReadLine& l) {
  return os << "{" << l.number << ": \"" << l.text.substr(0, 40) << "\""
            << (l.truncated ? " cut" : "") << "}";
}

TEST_CASE("ndjson: lines, numbers, blank lines, CRLF and a missing final newline", "[ndjson]") {
  using L = std::vector<ReadLine>;
  CHECK(ReadAll("") == L{});
  CHECK(ReadAll("\n\n  \n\t\r\n") == L{});
  CHECK(ReadAll("a") == L{{"a", 1, false}});
  CHECK(ReadAll("a\n") == L{{"a", 1, false}});
  CHECK(ReadAll("a\nb") == L{{"a", 1, false}, {"b", 2, false}});
  CHECK(ReadAll("a\r\nb\r\n") == L{{"a", 1, false}, {"b", 2, false}});
  CHECK(ReadAll("a\r\n\r\n\nb\r") == L{{"a", 1, false}, {"b", 4, false}});
  CHECK(ReadAll("\n\na\n \nb\n\n") == L{{"a", 3, false}, {"b", 5, false}});
  CHECK(ReadAll("a\rb\n") == L{{"a\rb", 1, false}});
  CHECK(ReadAll("\xEF\xBB\xBF{}\n\xEF\xBB\xBF{}") ==
        L{{"{}", 1, false}, {"\xEF\xBB\xBF{}", 2, false}});
}

TEST_CASE("ndjson: any chunk size gives the same lines", "[ndjson]") {
  const std::string input =
      "{\"a\":1}\r\n\n{\"b\":[1,2,3]}\n   \nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nlast";
  const std::vector<ReadLine> expected = ReadAll(input);
  REQUIRE(expected.size() == 4);
  for (size_t chunk = 1; chunk <= 40; ++chunk) {
    INFO("chunk " << chunk);
    CHECK(ReadAll(input, chunk) == expected);
  }
}

TEST_CASE("ndjson: a 5 MB line grows the buffer", "[ndjson]") {
  const std::string huge(5'000'000, 'x');
  const std::vector<ReadLine> lines = ReadAll("{}\n" + huge + "\n{\"c\":3}");
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].text == huge);
  CHECK(lines[1].number == 2);
  CHECK_FALSE(lines[1].truncated);
  CHECK(lines[2].text == "{\"c\":3}");
  CHECK(ReadAll(huge).at(0).text.size() == huge.size());  // no newline at all
}

TEST_CASE("ndjson: a line over the cap is cut and marked", "[ndjson]") {
  using L = std::vector<ReadLine>;
  CHECK(ReadAll("0123456789\nab\n", 4, 8) == L{{"01234567", 1, true}, {"ab", 2, false}});
  CHECK(ReadAll("01234567\nab", 4, 8) == L{{"01234567", 1, false}, {"ab", 2, false}});
  CHECK(ReadAll("012345678", 3, 8) == L{{"01234567", 1, true}});
  CHECK(ReadAll("0123456789012345678901234\n\nab", 3, 8) ==
        L{{"01234567", 1, true}, {"ab", 3, false}});
}

TEST_CASE("ndjson: lines decode in place, oversized ones as R0708", "[ndjson][record]") {
  const std::string one =
      R"({"id": "C1", "service_date": "2025-06-01", "lines": [{"code": "83036"}]})";
  std::string section9(kSection9);
  std::replace(section9.begin(), section9.end(), '\n', ' ');
  const std::string input = one + "\r\n\n" + "{\"id\": \"C2\", \"lines\": [}\n" + section9 + "\n" +
                            "{\"pad\": \"" + std::string(kMaxRecordBytes, 'x') + "\"}\n" + one;
  for (size_t chunk : {size_t{7}, size_t{4096}, NdjsonReader::kDefaultChunkBytes}) {
    std::istringstream in(input);
    NdjsonReader reader(in, chunk);
    RecordDecoder decoder(TestFacts());
    Claim claim;
    RecordError error;
    NdjsonLine line;
    std::vector<std::string> results;
    while (reader.Next(line)) {
      results.push_back(std::to_string(line.number) + ":" +
                        (decoder.Decode(line, claim, error)
                             ? std::string(claim.Str(claim.id))
                             : std::string(RecordErrorId(error.code)) + "/" + error.claim_id));
    }
    CHECK(results == std::vector<std::string>{"1:C1", "3:R0701/C2", "4:C1", "5:R0708/", "6:C1"});
  }
  NdjsonLine cut{"{}", 1, true};
  RecordDecoder decoder(TestFacts());
  Claim claim;
  RecordError error;
  CHECK_FALSE(decoder.Decode(cut, claim, error));
  CHECK(error.code == RecordErrorCode::TooLarge);
}

}  // namespace
}  // namespace warrant

namespace warrant {
namespace {

// Found by fuzz_run (tests/fuzz/regressions/run/crash-59158b9a...): simdjson peeks at the byte
// after a truncated record, which was left over from the longer record decoded before it, so the
// same bad record got a different error from a reused decoder than from a fresh one.
TEST_CASE("record: a reused decoder reports the same error as a fresh one", "[record][errors]") {
  const std::string longer =
      R"({"id": "CLM-FOBT-01", "patient": {"id": "PAT-1001", "birth_date": "1958-07-22", "sex": "F", )"
      R"("part_b_effective": "2015-01-01"}, "service_date": "2025-03-10", "place_of_service": "11", )"
      R"("claim_type": "professional", "diagnoses": ["Z12.11"], "lines": [{"code": "G0328", )"
      R"("modifiers": [], "units": 1, "dx_pointers": [1]}], "history": [], "observations": [], "facts": {}})";
  const std::string truncated =
      R"({"id": "CLM-FOBT-02", "patient": {"id": "PAT-1002", "birth_date": "1955-02-14", "sex": "M", )"
      R"("part_b_effective": "2015-01-01"}, "service_date": "2025-01-20", "place_of_service": "11", )"
      R"("claim_type": "professional", "diagnoses": ["Z12.11"], "lines": [{"code": "82270", )"
      R"("modifiers": [], "ervations": [], "facts": {}})";
  Claim claim;
  RecordError fresh;
  RecordDecoder first(TestFacts());
  REQUIRE_FALSE(first.Decode(truncated, claim, fresh));
  CHECK(fresh.code == RecordErrorCode::NotJson);

  RecordDecoder reused(TestFacts());
  RecordError ok;
  REQUIRE(reused.Decode(longer, claim, ok));
  RecordError again;
  REQUIRE_FALSE(reused.Decode(truncated, claim, again));
  CHECK(again.code == fresh.code);
  CHECK(again.message == fresh.message);
  CHECK(again.field == fresh.field);
}

}  // namespace
}  // namespace warrant
