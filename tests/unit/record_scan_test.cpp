// The record decoder's fast path (runtime/records/record_scan.h) against its full path: plain
// records take the fast path, and for every record (plain ones, and thousands of mutants of them:
// truncations, byte substitutions, white space, escapes, nulls, repeated and unknown keys, odd
// numbers) both paths agree on the outcome, the decoded Claim and the error.
#include "runtime/records/record_scan.h"

#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "tests/support/claim_equal.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

const Schema& Facts() {
  static const Schema schema = [] {
    Schema s = Schema::Base();
    s.AddFact("pack_years", SchemaType{Kind::Int});
    SchemaType smoker{Kind::String};
    smoker.one_of = s.AddEnum({"current", "former"});
    s.AddFact("smoker", smoker);
    if (s.Finish())
      throw std::logic_error("test schema");
    return s;
  }();
  return schema;
}

// Records of the plain shape the fast path takes.
const std::vector<std::string>& PlainRecords() {
  static const std::vector<std::string> records = {
      R"({"id":"E0000001","patient":{"id":"P003090","birth_date":"1928-05-28","sex":"M"},)"
      R"("service_date":"2025-05-19","place_of_service":"11","diagnoses":["N39.0","E78.49","E11.65"],)"
      R"("lines":[{"code":"82306","modifiers":["RT"],"units":1}],"history":[{"code":"82306",)"
      R"("date":"2022-05-23"},{"code":"88142","date":"2023-02-02"}],"observations":[]})",
      R"({"id":"E2","patient":{"id":"P1","birth_date":"1950-02-28","sex":"F",)"
      R"("part_b_effective":"2015-03-01"},"service_date":"2024-02-29","claim_type":"institutional",)"
      R"("diagnoses":["E11.9","I10","Z00.00"],"lines":[{"code":"80061","modifiers":[],"units":3,)"
      R"("dx_pointers":[2,1],"date":"2024-03-01","place_of_service":"22"},{"code":"G0328",)"
      R"("dx_ptr":[3]}],"history":[{"code":"80061","date":"2023-03-01","status":"paid",)"
      R"("dx":["E78.5"],"units":2,"modifiers":["59","xu"]}],"observations":[{"code":"4548-4",)"
      R"("value":7.25,"unit":"%","date":"2024-02-01"},{"code":"LOINC|2345-7","value":-0.5,)"
      R"("unit":"mg/dL","date":"2024-02-02"},{"code":"http://loinc.org|2093-3","value":190}]})",
      "{ \"id\" : \"E3\" ,\n \"service_date\" : \"2024-01-02\" ,\t\"lines\" : [ { \"code\" : "
      "\"99213\" , \"units\" : 2 } , { \"code\" : \"j1100\" , \"modifiers\" : [ \"25\" ] } ] ,"
      " \"diagnoses\" : [ ] , \"history\" : [ ] , \"observations\" : [ ] }\r\n ",
      R"({"lines":[{"code":"99213","date":"2024-05-05","units":9999999}],"patient":{}})",
      R"({"id":"a","facts":{"pack_years":30,"smoker":"former"},"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      // Fields the schema does not know, at every level, of every JSON kind.
      R"({"id":"a","extra":{"x":[1,2.5e-3,-0,true,false,null,"s",{},[]]},"payer":"MCR",)"
      R"("patient":{"id":"p","mrn":12345,"birth_date":"1950-01-01"},"service_date":"2024-01-02",)"
      R"("lines":[{"code":"99213","charge":125.50,"npi":"1234567890","notes":[[["deep"]]]}],)"
      R"("history":[{"code":"99213","date":"2023-01-02","provider":{"npi":null}}],)"
      R"("observations":[{"code":"4548-4","value":6.1,"lab":"Quest","flags":[]}],"z":null})",
      // Unknown containers nested in each other, with white space between every token.
      R"({"id":"w","extra" : { "a" : [ 1 , { } , [ ] , { "k" : [ true , [ null ] ] } ] , "b" : )"
      R"({ "c" : "d" , "e" : -2.5E+3 } } ,"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      // The base fields of real claims: amounts, drugs, institutional billing, providers.
      R"({"id":"D1","frequency":"replacement","bill_type":"0131","service_date":"2024-01-02",)"
      R"("billing_provider":{"npi":"1234567893","taxonomy":"207q00000x","specialty":"08"},)"
      R"("lines":[{"code":"J1100","charge":"125.50","allowed":98.1,"ndc":"00002-1433-80",)"
      R"("drug_quantity":2.5,"drug_unit":"ML","revenue_code":"636",)"
      R"("rendering_provider":{"npi":"1234567893"}},{"code":"97110","allowed":0}],)"
      R"("history":[{"code":"97110","date":"2023-11-02","charge":40,"allowed":"31.07"}]})",
      // History entries of the compact shape {"code","date"} beside every near miss of it.
      R"({"id":"H1","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[)"
      R"({"code":"99213","date":"2023-01-02"},{"date":"2023-01-03","code":"99214"},)"
      R"({"code":"g0328","date":"2024-02-29"},{"code":"99213","date":"2023-01-02","units":2},)"
      R"({"code":"99213", "date":"2023-01-02"},{"code":"A0425","date":"2023-01-02" },)"
      R"({"code":"99213","date":"2023-01-02","status":"paid"},{"code":"J1100","date":"2023-12-31"}]})",
      // Fields no schema declares, the same in every record: read as a run of one shape.
      R"({"id":"P1","patient":{"id":"P003090","birth_date":"1928-05-28","sex":"M","last_name":)"
      R"("HERNANDEZ","first_name":"LINDA","address":{"line1":"8780 OAK AVE","line2":"","city":)"
      R"("COLUMBUS","state":"OH","country":"US"},"phone":"5556613186"},"service_date":)"
      R"("2025-05-19","lines":[{"code":"82306","units":1}],"history":[{"code":"82306","date":)"
      R"("2022-05-23"}],"payer":{"name":"UNITED MUTUAL","id":"87726","address":{"line1":)"
      R"("9144 PARK AVE"}},"patient_paid":35.5,"signature_on_file":true,"notes":["LABS ORDERED"],)"
      R"("edit_flags":[],"version":"005010X222A1"})",
  };
  return records;
}

// Records the full path must take (or refuse).
const std::vector<std::string>& OtherRecords() {
  static const std::vector<std::string> records = {
      R"({"id":"E\u0034","service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"É","service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":null,"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","id":"b","service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","units":1e0}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","units":1.0}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","units":99999999999999999999}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","units":0123}]})",
      R"({"id":"a","service_date":"2024-02-30","lines":[{"code":"99213"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"9921"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","dx_ptr":[1],"dx_pointers":[1]}],"diagnoses":["E11.9"]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"observations":[{"code":"4548-4","value":1.5e2,"context":{"state":"rest"}}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}]} x)",
      R"({"id":"a","extra":"caf\u00e9","service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","extra":01,"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","extra":[1,],"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","extra":tru,"service_date":"2024-01-02","lines":[{"code":"99213"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[{"code":"99213","date":"2023-02-30"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[{"code":"9921","date":"2023-02-03"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[{"code":"","date":"2023-02-03"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[{"code":"9921\u0033","date":"2023-02-03"}]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213"}],"history":[{"code":"99213","date":"2023-02-0\u0033"}]})",
      R"([1,2])",
      "",
      "{",
  };
  return records;
}

// Plain in shape, but refused after the object is read (the checks both paths share).
const std::vector<std::string>& RefusedAfterScan() {
  static const std::vector<std::string> records = {
      R"({"id":"a","service_date":"2024-01-02","lines":[{"code":"99213","dx_pointers":[1,2]}],"diagnoses":["E11.9"]})",
      R"({"id":"a","service_date":"2024-01-02","lines":[]})",
      R"({"id":"a","lines":[{"code":"99213"}]})",
  };
  return records;
}

struct Outcome {
  bool ok = false;
  Claim claim;
  RecordError error;
};

Outcome DecodeWith(RecordDecoder& decoder, std::string_view json) {
  Outcome o;
  o.ok = decoder.Decode(json, o.claim, o.error);
  return o;
}

// Both paths on `json`; the number of records compared goes up by one.
void Agree(RecordDecoder& fast, RecordDecoder& full, std::string_view json) {
  const Outcome a = DecodeWith(fast, json);
  const Outcome b = DecodeWith(full, json);
  INFO("record: " << json);
  REQUIRE(a.ok == b.ok);
  if (a.ok) {
    CHECK(testing::ClaimDifference(a.claim, b.claim) == "");
  } else {
    CHECK(a.error.code == b.error.code);
    CHECK(a.error.message == b.error.message);
    CHECK(a.error.field == b.error.field);
    CHECK(a.error.claim_id == b.error.claim_id);
  }
}

// ScanClaim over the `size` bytes at `data` (kJsonPadding readable bytes follow them), into a
// Claim set up as the decoder sets it up.
bool ScanAt(const Schema& schema, const char* data, size_t size, ScanMemory& memory, Claim& claim) {
  claim = Claim{};
  const RecordDef& c = schema.record(RecordId::claim);
  const RecordDef& p = schema.record(RecordId::patient);
  claim.values.assign(c.initial.begin(), c.initial.end());
  claim.patient_values = static_cast<uint32_t>(claim.values.size());
  claim.values.insert(claim.values.end(), p.initial.begin(), p.initial.end());
  claim.facts.assign(schema.facts().size(), Value::Unknown(kNoPc));
  std::vector<uint32_t> scratch;
  std::vector<ScannedKey> ignored;
  std::vector<uint32_t> patterns;
  return ScanClaim(schema, data, size, claim, memory, scratch, ignored, patterns);
}

bool Scans(std::string_view json, const Schema& schema = Facts()) {
  std::string padded(json);
  padded.append(kJsonPadding, '\0');
  ScanMemory memory(schema);
  Claim claim;
  return ScanAt(schema, padded.data(), json.size(), memory, claim);
}

}  // namespace

namespace {

// A record whose unknown field `extra` nests `depth` arrays.
std::string Nested(int depth) {
  return R"({"id":"a","extra":)" + std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']') +
         R"(,"service_date":"2024-01-02","lines":[{"code":"99213"}]})";
}

}  // namespace

TEST_CASE("record scan: unknown fields nest to the full path's limit", "[record]") {
  RecordDecoder fast(Facts());
  RecordDecoder full(Facts());
  full.SetFastPath(false);
  for (int depth : {1, 63, 64, 65, 66, 200}) {
    INFO("depth " << depth);
    Agree(fast, full, Nested(depth));
    CHECK(Scans(Nested(depth)) == (depth <= kMaxNestingDepth));
  }
}

TEST_CASE("record scan: plain records take the fast path, others the full one", "[record]") {
  for (const std::string& json : PlainRecords()) {
    INFO(json);
    CHECK(Scans(json));
  }
  for (const std::string& json : RefusedAfterScan()) {
    INFO(json);
    CHECK(Scans(json));
  }
  for (const std::string& json : OtherRecords()) {
    INFO(json);
    CHECK_FALSE(Scans(json));
  }
}

TEST_CASE("record scan: fast and full paths agree on records and their mutants", "[record]") {
  RecordDecoder fast(Facts());
  RecordDecoder full(Facts());
  full.SetFastPath(false);
  std::vector<std::string> bases = PlainRecords();
  bases.insert(bases.end(), OtherRecords().begin(), OtherRecords().end());
  bases.insert(bases.end(), RefusedAfterScan().begin(), RefusedAfterScan().end());
  const std::string substitutes[] = {"\"", "\\", " ", "}",    "]",    ",", ":", "0", "-",
                                     ".",  "e",  "n", "\x01", "\xC3", "x", "9", "{", "["};
  size_t compared = 0;
  for (const std::string& base : bases) {
    Agree(fast, full, base);
    ++compared;
    for (size_t at = 0; at <= base.size(); ++at) {
      Agree(fast, full, std::string_view(base).substr(0, at));          // truncated
      Agree(fast, full, base.substr(0, at) + " \n" + base.substr(at));  // white space
      if (at == base.size())
        continue;
      Agree(fast, full, base.substr(0, at) + base.substr(at + 1));  // a byte dropped
      for (const std::string& s : substitutes)
        Agree(fast, full, base.substr(0, at) + s + base.substr(at + 1));
      compared += 3 + std::size(substitutes);
    }
  }
  CHECK(compared > 10000);
}

TEST_CASE("record scan: a record cut short reads as its cut, whatever follows it in memory",
          "[record]") {
  // In a mapped file the next line follows a line's end, and a cut record's own rest can follow
  // its cut: no fast path (the compact history entry, a run's shape, a key's guess) may read a
  // token across the end it was given. The scanner's memory is warmed on the whole records first,
  // so that shapes and guesses are in place when the cuts come.
  const Schema& schema = Facts();
  ScanMemory warm(schema);
  Claim in_place, apart;
  size_t cuts = 0, scanned = 0;
  for (const std::string& json : PlainRecords()) {
    const std::string buffer = json + std::string(kJsonPadding, '\0');
    for (int i = 0; i < 12; ++i)
      REQUIRE(ScanAt(schema, buffer.data(), json.size(), warm, in_place));
    for (size_t at = 0; at < json.size(); ++at) {
      INFO(json.substr(0, at));
      const bool ok = ScanAt(schema, buffer.data(), at, warm, in_place);
      const std::string alone = json.substr(0, at) + std::string(kJsonPadding, '\0');
      ScanMemory fresh(schema);
      REQUIRE(ok == ScanAt(schema, alone.data(), at, fresh, apart));
      if (ok) {
        CHECK(testing::ClaimDifference(in_place, apart) == "");
        CHECK(in_place.codes.size() == apart.codes.size());
        CHECK(in_place.strings.size() == apart.strings.size());
        ++scanned;
      }
      ++cuts;
    }
  }
  CHECK(cuts > 3000);
  CHECK(scanned > 0);  // cuts in the white space after a record still read it
}

TEST_CASE("record scan: compact objects read as the member loop reads them", "[record]") {
  // The same records through scanners with the compact reading on and off: each must accept the
  // same records and decode the same Claim. Every object kind read compactly, in pairs of its
  // usual shape and near misses of it (other keys, order, white space, escapes, bad values).
  const Schema& schema = Facts();
  ScanMemory on(schema), off(schema);
  for (RecordId id :
       {RecordId::history, RecordId::line, RecordId::observation, RecordId::patient}) {
    REQUIRE(on.compact[static_cast<size_t>(id)]);
  }
  off.compact.fill(false);
  const std::string lines = R"("lines":[{"code":"99213"}])";

  struct Shape {
    std::string head, tail;
    std::vector<std::string> objects;
  };

  const Shape kinds[] = {
      {R"({"id":"H","service_date":"2024-01-02",)" + lines + R"(,"history":[)",
       "]}",
       {
           R"({"code":"99213","date":"2023-01-02"})",
           R"({"code":"G0328","date":"2024-02-29"})",
           R"({"code":"g0328","date":"2024-02-29"})",
           R"({"code":"99213","date":"2023-02-29"})",
           R"({"code":"99213","date":"2023-1-02"})",
           R"({"code":"99213","date":"2023-01-022"})",
           R"({"code":"9921","date":"2023-01-02"})",
           R"({"code":"","date":"2023-01-02"})",
           R"({"code":"0123456789ABCDEFG","date":"2023-01-02"})",
           R"({"code":"99213","date":"2023-01-02","units":3})",
           R"({"code":"99213","date":"2023-01-02"} )",
           R"({"code":"99213","date":"2023-01-02" })",
           R"({"code":"99\u0032\u0031\u0033","date":"2023-01-02"})",
           R"({"code":"99213","date":null})",
           R"({"code":"99213"})",
           R"({"code":"99213","date":"2023-01-02","code":"99214"})",
       }},
      {R"({"id":"L","service_date":"2024-01-02","diagnoses":["E11.9","I10"],"lines":[)",
       "]}",
       {
           R"({"code":"82306","modifiers":["RT"],"units":1})",
           R"({"code":"82306","modifiers":[],"units":12})",
           R"({"code":"82306","modifiers":["25","59","XU","rt"]})",
           R"({"code":"82306","units":2})",
           R"({"code":"82306"})",
           R"({"code":"82306","modifiers":["R"],"units":1})",
           R"({"code":"82306","modifiers":["RT"],"units":0})",
           R"({"code":"82306","modifiers":["RT"],"units":1.5})",
           R"({"code":"82306","modifiers":["RT"],"units":-1})",
           R"({"code":"82306","modifiers":["RT"],"units":1,"dx_pointers":[2]})",
           R"({"code":"82306","units":1,"modifiers":["RT"]})",
           R"({"code":"82306","modifiers":["RT"],"units":1,"units":2})",
           R"({"code":"82306", "modifiers":["RT"],"units":1})",
           R"({"code":"82306","modifiers":[ "RT" ],"units":1 })",
           R"({"code":"8230","modifiers":["RT"],"units":1})",
           R"({"code":"82306","modifiers":"RT","units":1})",
           R"({"code":"82306","modifiers":["RT"],"units":"1"})",
       }},
      {R"({"id":"O","service_date":"2024-01-02",)" + lines + R"(,"observations":[)",
       "]}",
       {
           R"({"code":"4548-4","value":7.25,"unit":"%","date":"2024-02-01"})",
           R"({"code":"LOINC|2345-7","value":-0.5,"unit":"mg/dL","date":"2024-02-02"})",
           R"({"code":"http://loinc.org|2093-3","value":190})",
           R"({"code":"4548-4","value":7,"unit":"%"})",
           R"({"code":"4548-4"})",
           R"({"code":"4548-4","value":1e2,"unit":"%","date":"2024-02-01"})",
           R"({"code":"4548-4","value":7.25,"unit":"\u0025","date":"2024-02-01"})",
           R"({"code":"4548-4","value":7.25,"unit":"%","date":"2024-02-30"})",
           R"({"code":"4548-5","value":7.25,"unit":"%","date":"2024-02-01"})",
           R"({"code":"4548-4","unit":"%","value":7.25,"date":"2024-02-01"})",
           R"({"code":"4548-4","value":7.25,"unit":"%","date":"2024-02-01","context":{"a":"b"}})",
           R"({"code":"4548-4","value":null,"unit":"%","date":"2024-02-01"})",
       }},
      {R"({"id":"P","service_date":"2024-01-02",)" + lines + R"(,"patient":)",
       "}",
       {
           R"({"id":"P003090","birth_date":"1928-05-28","sex":"M"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","part_b_effective":"2015-03-01"})",
           R"({"id":"P1","birth_date":"1950-02-28"})",
           R"({"id":"P1"})",
           R"({"id":"P1","sex":"F","birth_date":"1950-02-28"})",
           R"({"id":"P1","birth_date":"1950-02-29","sex":"F"})",
           R"({"id":"P\u0031","birth_date":"1950-02-28","sex":"F"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","mrn":"x"})",
           R"({"id":null,"birth_date":"1950-02-28","sex":"F"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F"} )",
           // The compact members, then the member loop for the rest.
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","address":{"city":"X"},"phone":"5"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","id":"P2"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","birth_date":"1950-02-28"})",
           R"({"id":"P1","sex":"F","sex":"M"})",
           R"({"id":"P1","sex":"F","id":"P1"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F",})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F",,"mrn":"x"})",
           R"({"id":"P1", "sex":"F"})",
           R"({"id":"P1","birth_date":"1950-02-28","mrn":"x","sex":"F"})",
           R"({"id":"P1","mrn":"x"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","part_b_effective":"2015-13-01"})",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","mrn":"x"} )",
           R"({"id":"P1","birth_date":"1950-02-28","sex":"F","mrn":)",
       }},
  };
  Claim a, b;
  for (const Shape& kind : kinds) {
    size_t accepted = 0;
    // Patients one at a time (a claim has one); the others in pairs.
    const size_t seconds = kind.tail == "}" ? 1 : kind.objects.size();
    for (const std::string& first : kind.objects) {
      for (size_t k = 0; k < seconds; ++k) {
        const std::string json =
            kind.head + first + (seconds == 1 ? "" : "," + kind.objects[k]) + kind.tail;
        const std::string buffer = json + std::string(kJsonPadding, '\0');
        INFO(json);
        const bool ok = ScanAt(schema, buffer.data(), json.size(), on, a);
        REQUIRE(ok == ScanAt(schema, buffer.data(), json.size(), off, b));
        if (ok) {
          CHECK(testing::ClaimDifference(a, b) == "");
          // An object undone must leave no bytes behind in the pools.
          CHECK(a.values.size() == b.values.size());
          CHECK(a.codes.size() == b.codes.size());
          CHECK(a.strings.size() == b.strings.size());
          ++accepted;
        }
      }
    }
    INFO(kind.head);
    CHECK(accepted >= 4);  // the usual shapes, at least, are read
  }
}

TEST_CASE("record scan: known keys of 16, 17, 32 and 33 bytes decide alike", "[record]") {
  // A key with its quotes and colon is guessed from the last object in one 16-byte compare, or
  // two up to 32 bytes; a longer one is looked up every time.
  static const Schema schema = [] {
    Schema s = Schema::Base();
    for (const char* name : {"k23456789012", "k234567890123", "k2345678901234567890123456789",
                             "k23456789012345678901234567890"}) {
      FieldDef f;
      f.name = name;
      f.type = SchemaType{Kind::String};
      s.AddField(static_cast<uint16_t>(RecordId::claim), std::move(f));
    }
    if (s.Finish())
      throw std::logic_error("test schema");
    return s;
  }();
  RecordDecoder fast(schema);
  RecordDecoder full(schema);
  full.SetFastPath(false);
  const std::string record =
      R"({"id":"K","k23456789012":"a","k234567890123":"b","k2345678901234567890123456789":"c",)"
      R"("k23456789012345678901234567890":"d","service_date":"2024-01-02",)"
      R"("lines":[{"code":"99213"}]})";
  for (int n = 0; n < 3; ++n) {
    Agree(fast, full, record);
    CHECK(Scans(record, schema));
  }
  for (size_t at = 0; at < record.size(); ++at) {
    Agree(fast, full, record.substr(0, at) + "x" + record.substr(at + 1));
    Agree(fast, full, record);
  }
}

TEST_CASE("record scan: the code cache packs as Pack does, hit or miss", "[record]") {
  CodeCache cache;
  std::mt19937 rng(3);
  const std::pair<CodeSystem, std::string> alphabets[] = {{CodeSystem::Icd10cm, "EZIA019.X"},
                                                          {CodeSystem::Hcpcs, "0159GJ"},
                                                          {CodeSystem::Loinc, "0123456789-"},
                                                          {CodeSystem::Pos, "0129"},
                                                          {CodeSystem::Modifier, "25RTx"}};
  for (int round = 0; round < 3; ++round) {  // the later rounds hit what the first stored
    std::mt19937 texts(5);
    for (int n = 0; n < 20000; ++n) {
      const auto& [system, chars] = alphabets[texts() % std::size(alphabets)];
      std::string text;
      const size_t length = 1 + texts() % 9;
      for (size_t i = 0; i < length; ++i)
        text += chars[texts() % chars.size()];
      std::string padded = text + std::string(16, static_cast<char>(rng()));  // junk after it
      INFO(SystemNoun(system) << ": " << text);
      CHECK(cache.Pack(system, std::string_view(padded.data(), text.size())) == Pack(system, text));
    }
  }
}

TEST_CASE("record scan: the date cache parses as ParseDate does, hit or miss", "[record]") {
  DateCache cache;
  const auto agree = [&](const std::string& text) {
    const std::string padded = text + std::string(16, '7');  // junk after it
    INFO(text);
    CHECK(cache.Parse(std::string_view(padded.data(), text.size())) == ParseDate(text));
  };
  for (int round = 0; round < 2; ++round) {  // the second round hits what the first stored
    for (Day d = DaysFromCivil({1899, 12, 1}); d <= DaysFromCivil({2101, 1, 31}); ++d)
      agree(FormatDate(d).str());
    for (const char* month :
         {"2024-02-", "2023-02-", "1900-02-", "2000-02-", "2025-04-", "2025-12-", "0000-01-",
          "2025-00-", "2025-13-", "2025-1a-", "2025/01-", "2025-01/", "-025-01-", "9999-12-"}) {
      for (const char* day : {"00", "01", "28", "29", "30", "31", "32", "3a", "a1", "99", "-1"})
        agree(std::string(month) + day);
    }
    for (const char* odd : {"", "2025-01-1", "2025-01-011", "2025-1-01", "20250101"})
      agree(odd);
  }
}

TEST_CASE("record scan: keys no schema declares are tallied as the full path tallies them",
          "[record]") {
  // Unknown keys move between member positions from record to record, and two lines of one
  // record put different unknown keys at the same position: the pattern a remembered key keeps
  // must follow its key, never the position.
  RecordDecoder fast(Facts());
  RecordDecoder full(Facts());
  full.SetFastPath(false);
  const std::string tail = R"("service_date":"2024-01-02","lines":[{"code":"99213",)";
  const std::string records[] = {
      R"({"id":"a","aa":1,)" + tail + R"("x":1},{"code":"99213","y":2}]})",
      R"({"id":"b","bb":1,)" + tail + R"("y":1},{"code":"99213","x":2}]})",
      R"({"aa":1,"id":"c",)" + tail + R"("x":1},{"code":"99213","x":2}]})",
      R"({"id":"d","aa":1,)" + tail + R"("y":[1]}],"patient":{"id":"p","x":{}}})",
      R"({"id":"e","bb":1,"aa":2,)" + tail + R"("zz":1,"y":1}]})",
  };
  for (int round = 0; round < 3; ++round) {
    for (const std::string& json : records) {
      INFO("round " << round << ": " << json);
      Agree(fast, full, json);
      CHECK(fast.LastIgnored() == full.LastIgnored());
      CHECK_FALSE(fast.LastIgnored().empty());
    }
  }
  CHECK(fast.IgnoredTotals() == full.IgnoredTotals());
  CHECK(fast.IgnoredTotals().size() == 6);  // aa, bb, lines[].x, lines[].y, lines[].zz, patient.x
}

TEST_CASE("record scan: decoding a plain record after a refused one is unaffected", "[record]") {
  // The fast path gives up part way through a record; the Claim and the line positions it left
  // behind must not leak into the next record.
  RecordDecoder fast(Facts());
  RecordDecoder full(Facts());
  full.SetFastPath(false);
  for (const std::string& other : OtherRecords()) {
    for (const std::string& plain : PlainRecords()) {
      Agree(fast, full, other);
      Agree(fast, full, plain);
    }
  }
}

}  // namespace warrant

namespace warrant {
namespace {

// The base schema with two declared code systems and an observation field of one of them.
const Schema& Declared() {
  static const Schema schema = [] {
    Schema s = Schema::Base();
    s.AddSystem({"acme_lab", "Acme Health local lab codes", "http://acme.example/codes/lab"});
    s.AddSystem({"acme_panel", "Acme Health panels", ""});
    FieldDef panel;
    panel.name = "panel";
    panel.type = *s.ParseType("code<acme_panel>");
    s.AddField(static_cast<uint16_t>(RecordId::observation), std::move(panel));
    if (s.Finish())
      throw std::logic_error("test schema");
    return s;
  }();
  return schema;
}

std::string WithObservations(std::string_view observations) {
  return R"({"id":"S1","service_date":"2025-03-03","lines":[{"code":"E0601"}],"observations":[)" +
         std::string(observations) + "]}";
}

}  // namespace

TEST_CASE("record scan: observation codes of declared systems on both paths", "[record]") {
  const Schema& schema = Declared();
  const auto lab = static_cast<CodeSystem>(kFirstDeclaredSystem);
  RecordDecoder fast(schema);
  RecordDecoder full(schema);
  full.SetFastPath(false);

  struct Case {
    std::string observation;
    std::optional<uint64_t> code;  // nullopt: refused
  };

  const Case cases[] = {
      {R"({"code":"acme_lab|SL0001","value":22})", Pack(lab, "SL0001")},
      {R"({"code":"acme_lab|sl0001","value":22})", Pack(lab, "SL0001")},
      {R"({"code":"http://acme.example/codes/lab|SL-1.2","value":22})", Pack(lab, "SL-1.2")},
      {R"({"code":"4548-4","value":6})", Pack(CodeSystem::Loinc, "4548-4")},
      {R"({"code":"LOINC|4548-4","value":6})", Pack(CodeSystem::Loinc, "4548-4")},
      {R"({"code":"http://loinc.org|4548-4","value":6})", Pack(CodeSystem::Loinc, "4548-4")},
      {R"({"code":"acme_lab|SL0001","value":22,"panel":"PSG-1"})", Pack(lab, "SL0001")},
      {R"({"code":"acme|SL0001","value":22})", std::nullopt},
      {R"({"code":"ACME_LAB|SL0001","value":22})", std::nullopt},
      {R"({"code":"acme_lab|SL_1","value":22})", std::nullopt},
      {R"({"code":"acme_lab|SL00000001","value":22})", std::nullopt},
      {R"({"code":"acme_lab|","value":22})", std::nullopt},
      {R"({"code":"|SL0001","value":22})", std::nullopt},
      {R"({"code":"acme_lab|SL|1","value":22})", std::nullopt},
      {R"({"code":"SL0001","value":22})", std::nullopt},
      {R"({"code":"acme_lab|SL0001","value":22,"panel":"acme_panel|PSG"})", std::nullopt},
  };
  for (const Case& c : cases) {
    const std::string json = WithObservations(c.observation);
    INFO(json);
    Agree(fast, full, json);
    const Outcome got = DecodeWith(full, json);
    REQUIRE(got.ok == c.code.has_value());
    if (got.ok) {
      REQUIRE(got.claim.observations.size() == 1);
      CHECK(got.claim.observations[0].code == *c.code);
      // A plain record takes the fast path whatever the observation code's system.
      CHECK(Scans(json, schema));
    } else {
      CHECK(got.error.field.rfind("observations[0].", 0) == 0);
    }
  }
  const Outcome unknown = DecodeWith(full, WithObservations(R"({"code":"acme|SL0001"})"));
  CHECK(unknown.error.code == RecordErrorCode::UnknownCodeSystem);
  CHECK(unknown.error.field == "observations[0].code");
  CHECK(RecordErrorId(RecordErrorCode::UnknownCodeSystem) == "R0719");
  // A code that names a system the pack does not declare is the full path's to report.
  CHECK_FALSE(Scans(WithObservations(R"({"code":"acme|SL0001"})"), schema));
  // Mutants of a record with declared codes: both paths agree on each.
  const std::string base =
      WithObservations(R"({"code":"acme_lab|SL0001","value":22,"panel":"PSG-1"},)"
                       R"({"code":"http://acme.example/codes/lab|X9","value":1})");
  for (size_t at = 0; at <= base.size(); ++at) {
    Agree(fast, full, std::string_view(base).substr(0, at));
    if (at < base.size()) {
      for (const char* s : {"|", "_", "\"", "x", " "})
        Agree(fast, full, base.substr(0, at) + s + base.substr(at + 1));
    }
  }
}

TEST_CASE("schema: declared code systems by name, uri and prefix byte", "[record]") {
  const Schema& schema = Declared();
  const auto lab = static_cast<CodeSystem>(kFirstDeclaredSystem);
  const auto panel = static_cast<CodeSystem>(kFirstDeclaredSystem + 1);
  CHECK(schema.FindSystem("acme_lab") == lab);
  CHECK(schema.FindSystem("acme_panel") == panel);
  CHECK(schema.FindSystem("loinc") == CodeSystem::Loinc);
  CHECK_FALSE(schema.FindSystem("acme"));
  CHECK(schema.SystemName(panel) == "acme_panel");
  CHECK(schema.SystemName(CodeSystem::Hcpcs) == "hcpcs");
  CHECK(schema.ObservationSystem("http://acme.example/codes/lab") == lab);
  CHECK(schema.ObservationSystem("LOINC") == CodeSystem::Loinc);
  CHECK_FALSE(schema.ObservationSystem("loinc"));  // claims write LOINC's name as FHIR does
  CHECK_FALSE(schema.ObservationSystem(""));
  CHECK(schema.Knows(panel));
  CHECK_FALSE(schema.Knows(static_cast<CodeSystem>(kFirstDeclaredSystem + 2)));
  CHECK(schema.TypeName(*Schema(schema).ParseType("list<code<acme_lab>>")) ==
        "list<code<acme_lab>>");
  // Unpack shows a declared code as written, upper-cased.
  CHECK(Unpack(*Pack(lab, "sl-1.2"))->view() == "SL-1.2");

  // What Finish refuses: a clash with a built-in name, a second declaration, a field of a system
  // that is not declared.
  Schema clash = Schema::Base();
  clash.AddSystem({"loinc", "", ""});
  CHECK(clash.Finish().has_value());
  Schema twice = Schema::Base();
  twice.AddSystem({"a", "", ""});
  twice.AddSystem({"a", "", ""});
  CHECK(twice.Finish().has_value());
  Schema undeclared = Schema::Base();
  FieldDef f;
  f.name = "x";
  f.type.kind = Kind::Code;
  f.type.system = static_cast<CodeSystem>(kFirstDeclaredSystem);
  undeclared.AddField(static_cast<uint16_t>(RecordId::observation), std::move(f));
  CHECK(undeclared.Finish().has_value());
}

}  // namespace warrant

namespace warrant {
namespace {

// A field of `record` of `type`, in a copy of the base schema; what Finish says of it.
std::optional<std::string> FinishWith(uint16_t record, SchemaType type) {
  Schema s = Schema::Base();
  FieldDef f;
  f.name = "x";
  f.type = type;
  s.AddField(record, std::move(f));
  return s.Finish();
}

TEST_CASE("schema: Finish refuses record types the decoders cannot fill", "[record]") {
  const auto provider = static_cast<uint16_t>(RecordId::provider);
  // A record that contains itself, directly or through a list or a record written in place:
  // decoding (and the JSON Schema) would nest without end. A pack reader sees only Finish.
  CHECK(FinishWith(provider, {Kind::Record, Kind::String, {}, provider})->find("cannot contain") !=
        std::string::npos);
  CHECK(FinishWith(provider, {Kind::List, Kind::Record, {}, provider}).has_value());
  Schema nested = Schema::Base();
  const uint16_t crew = nested.AddRecord("", "");
  FieldDef lead;
  lead.name = "lead";
  lead.type = {Kind::Record, Kind::String, {}, provider};
  nested.AddField(crew, std::move(lead));
  FieldDef field;
  field.name = "crew";
  field.type = {Kind::Record, Kind::String, {}, crew};
  nested.AddField(provider, std::move(field));
  CHECK(nested.Finish().has_value());
  // The claim's own records and the facts are not field types (their fields are not slots).
  for (RecordId r : {RecordId::line, RecordId::history, RecordId::facts}) {
    CHECK(FinishWith(static_cast<uint16_t>(RecordId::line),
                     {Kind::Record, Kind::String, {}, static_cast<uint16_t>(r)})
              ->find("not field types") != std::string::npos);
  }
  // A provider on a line is fine.
  CHECK_FALSE(FinishWith(static_cast<uint16_t>(RecordId::line),
                         {Kind::Record, Kind::String, {}, provider}));
}

TEST_CASE("schema: many facts sharing a prefix are found, quickly", "[record]") {
  Schema s = Schema::Base();
  for (int i = 0; i < 20000; ++i)
    s.AddFact(fmt::format("fact_number_{}", i), SchemaType{Kind::Int});
  REQUIRE_FALSE(s.Finish());
  const RecordDef& facts = s.record(static_cast<uint16_t>(RecordId::facts));
  for (int i = 0; i < 20000; i += 997)
    CHECK(facts.keys.Find(fmt::format("fact_number_{}", i)) == i);
  CHECK(facts.keys.Find("fact_number_20000") == kNoIndex16);
}

TEST_CASE("type spellings parse exactly as TypeName writes them", "[schema]") {
  Schema schema = Schema::Base();
  for (const char* spelling : {"int[1..9999999]", "int[-5..5]", R"(one of ["a", "b c"])",
                               R"(one of ["x"])", "list<int>", "code<hcpcs>"}) {
    const std::optional<SchemaType> type = schema.ParseType(spelling);
    REQUIRE(type);
    CHECK(schema.TypeName(*type) == spelling);
  }
  // Typos in a table are errors, not approximations.
  for (const char* bad : {"int[1.5..2e3]", "int[1..2e3]", "int[5..1]", "int[+1..2]", "int[..3]",
                          "int[1..]", R"(one of [x "a"])", R"(one of ["a" "b"])",
                          R"(one of ["a",])", R"(one of ["a)", "one of []"}) {
    INFO(bad);
    CHECK_FALSE(schema.ParseType(bad));
  }
}

}  // namespace
}  // namespace warrant
