// What a pack reads (runtime/pack/fields_read.h) and what the decoder does with the rest: a field
// no rule reads is stepped over by the fast path, and every record error stays as it was.
#include "runtime/pack/fields_read.h"

#include <string>

#include "runtime/engine/engine.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

constexpr const char* kPack = R"(policy "P" version 1 "fields read" effective 2020-01-01
extend claim {
  payer_ref: string "read only in an applies test"
  note: string "read by no rule"
  tags: list<string> "read by no rule"
}
extend line {
  lot: string "read in a rule body"
  batch: string "read by no rule"
  copay: money "read by no rule, checked"
}
fact smoker: bool
codeset labs: hcpcs = [82270, 80061]
rule body_reads "lot" applies to line where line.code in labs {
  require line.lot != "BAD" else deny not_reasonable "bad lot"
  require not facts.smoker else deny not_reasonable "smoker"
}
rule applies_reads "payer" applies to line where claim.payer_ref == "X" {
  require line.units < 5 else deny not_reasonable "too many"
}
)";

std::unique_ptr<Engine> Load() {
  return test::EngineOf(kPack);
}

bool Read(const Engine& engine, std::string_view record, std::string_view name) {
  const Schema& schema = engine.program().schema;
  const FieldDef* f = schema.Find(schema.FindRecord(record), name);
  REQUIRE(f != nullptr);
  return engine.fields_read()[f->id];
}

// The decision lines, or the error record, of `json` decided by a session that decodes the
// fields the pack reads (or, with `all`, every field).
std::string Decide(const Engine& engine, const std::string& json, bool all) {
  Session session(engine);
  session.SetDecodeAll(all);
  RecordError error;
  std::string out;
  if (session.Evaluate(json, error))
    session.AppendDecisions(out);
  else
    session.AppendError(error, 1, out);
  return out;
}

}  // namespace

TEST_CASE("the fields a pack reads: rule bodies, applies tests, facts, base fields", "[fields]") {
  auto engine = Load();
  CHECK(Read(*engine, "line", "lot"));         // a rule body
  CHECK(Read(*engine, "claim", "payer_ref"));  // an applies test only
  CHECK(Read(*engine, "facts", "smoker"));     // a fact
  CHECK(Read(*engine, "line", "code"));        // base fields with their own Claim member
  CHECK(Read(*engine, "patient", "birth_date"));
  CHECK(Read(*engine, "history", "date"));  // what `latest` orders by
  CHECK_FALSE(Read(*engine, "claim", "note"));
  CHECK_FALSE(Read(*engine, "claim", "tags"));
  CHECK_FALSE(Read(*engine, "line", "batch"));
  CHECK_FALSE(Read(*engine, "line", "copay"));
  CHECK_FALSE(Read(*engine, "line", "revenue_code"));  // a base field in a generic slot
  CHECK(Read(*engine, "line", "charge"));              // what the history store records
  CHECK(Read(*engine, "claim", "original_id"));        // what it joins by
  CHECK_FALSE(Read(*engine, "provider", "specialty"));
  CHECK_FALSE(Read(*engine, "claim", "billing_provider"));
}

TEST_CASE("reading a record-valued field reads every field of its record", "[fields]") {
  Program program;
  const Schema& schema = program.schema;
  const FieldDef* billing = schema.Find(static_cast<uint16_t>(RecordId::claim), "billing_provider");
  REQUIRE(billing != nullptr);
  AppendInstruction(program.code, Op::Field, billing->id);
  AppendInstruction(program.code, Op::Return);
  const std::vector<bool> read = FieldsRead(program);
  const uint16_t provider = schema.FindRecord("provider");
  for (uint16_t field : schema.record(provider).fields)
    CHECK(read[field]);
  CHECK(read[billing->id]);
  CHECK_FALSE(read[schema.Find(static_cast<uint16_t>(RecordId::claim), "rendering_provider")->id]);
}

TEST_CASE("fields no rule reads: the same decisions and the same record errors", "[fields]") {
  auto engine = Load();
  const std::string head =
      R"({"id":"C1","patient":{"id":"P","birth_date":"1950-01-01"},"service_date":"2024-03-01",)";
  const std::vector<std::string> records = {
      // plain: the unread strings are stepped over by the fast path
      head + R"("payer_ref":"X","note":"n","tags":["a","b"],"lines":[{"code":"82270","lot":"L1",)"
             R"("batch":"B7","copay":"2.50","units":2}],"facts":{"smoker":false}})",
      // the read field decides
      head + R"("payer_ref":"X","lines":[{"code":"82270","lot":"BAD","batch":"B","units":7}]})",
      // an unread field of the wrong type: R0703 either way
      head + R"("note":5,"lines":[{"code":"82270"}]})",
      head + R"("tags":["a",1],"lines":[{"code":"82270"}]})",
      head + R"("lines":[{"code":"82270","batch":{"x":1}}]})",
      // an unread string with an escape, a non-ASCII byte, a control character
      head + R"("note":"a\"b","lines":[{"code":"82270","batch":"caf\u00e9"}]})",
      head + "\"note\":\"d\xc3\xa9j\xc3\xa0\",\"lines\":[{\"code\":\"82270\"}]}",
      head + "\"note\":\"a\x01\",\"lines\":[{\"code\":\"82270\"}]}",
      // invalid UTF-8 in an unread string
      head + "\"note\":\"\xff\",\"lines\":[{\"code\":\"82270\"}]}",
      // unterminated
      head + R"("note":"abc,"lines":[{"code":"82270"}]})",
      // an unread money field stays checked: negative, too many decimal places
      head + R"("lines":[{"code":"82270","copay":"-1.00"}]})",
      head + R"("lines":[{"code":"82270","copay":1.001}]})",
      // a repeated unread key
      head + R"("note":"a","note":"b","lines":[{"code":"82270"}]})",
      // null
      head + R"("note":null,"tags":null,"lines":[{"code":"82270","batch":null}]})",
      // a birth date after the service, with unread fields around it
      R"({"id":"C2","patient":{"birth_date":"2030-01-01"},"service_date":"2024-03-01","note":"x",)"
      R"("lines":[{"code":"82270","batch":"b"}]})",
  };
  for (const std::string& record : records) {
    INFO(record);
    const std::string some = Decide(*engine, record, false);
    const std::string all = Decide(*engine, record, true);
    CHECK(some == all);
    CHECK_FALSE(some.empty());
  }
  // The cases above do reach errors and decisions (the test could fail).
  CHECK(Decide(*engine, records[2], false).find("R0703") != std::string::npos);
  CHECK(Decide(*engine, records[10], false).find("R0715") != std::string::npos);
  CHECK(Decide(*engine, records[1], false).find("denied") != std::string::npos);
}

TEST_CASE("an unread plain string is not decoded; with every field decoded it is", "[fields]") {
  auto engine = Load();
  const Schema& schema = engine->program().schema;
  const FieldDef* note = schema.Find(static_cast<uint16_t>(RecordId::claim), "note");
  REQUIRE(note != nullptr);
  const std::string record =
      R"({"id":"C1","service_date":"2024-03-01","note":"hello","lines":[{"code":"82270"}]})";
  for (bool all : {false, true}) {
    Session session(*engine);
    session.SetDecodeAll(all);
    RecordError error;
    REQUIRE(session.Evaluate(record, error));
    const Claim& claim = session.claim();
    const Value v = claim.values[claim.claim_values + note->slot];
    CHECK((v.tag == Tag::String) == all);
  }
}

}  // namespace warrant
