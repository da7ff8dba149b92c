// The FHIR R4 reader (runtime/formats/fhir.h): the project's own Bundle (tests/unit/data/fhir),
// malformed documents, NDJSON of resources, CMS Blue Button samples from ../shared (skipped when
// absent), and converted claims decided by the engine.
#include "runtime/formats/fhir.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "runtime/formats/fhir_response.h"
#include "runtime/pack/pack.h"
#include "tests/unit/catch.h"
#include "tests/unit/claim_stream.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

const std::string kBundle = WARRANT_SOURCE_DIR "/tests/unit/data/fhir/bundle.json";
const std::string kShared = WARRANT_SOURCE_DIR "/../shared/data/claims/fhir";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Read {
  std::vector<ConvertedClaim> claims;
  std::vector<std::string> problems;
  FhirCounts counts;
};

// Every input is read whole, and as a stream in small chunks that can be read twice and that
// cannot; all three must give the same.
Read ReadAll(std::string_view text, std::string_view name = "in.json") {
  Read r;
  r.problems = ReadFhirCounted(
      text, name,
      [&](ConvertedClaim& c) {
        r.claims.push_back(c);
        return true;
      },
      r.counts);
  for (const bool reopens : {true, false}) {
    Read s;
    testing::ChunkedClaimStream chunks(std::string(text), reopens);
    s.problems = ReadFhirCounted(
        chunks, name,
        [&](ConvertedClaim& c) {
          s.claims.push_back(c);
          return true;
        },
        s.counts);
    REQUIRE(s.problems == r.problems);
    REQUIRE(s.counts.claims == r.counts.claims);
    REQUIRE(s.counts.skipped == r.counts.skipped);
    REQUIRE(s.claims.size() == r.claims.size());
    for (size_t i = 0; i < r.claims.size(); ++i) {
      REQUIRE(s.claims[i].json == r.claims[i].json);
      REQUIRE(s.claims[i].id == r.claims[i].id);
      REQUIRE(s.claims[i].where == r.claims[i].where);
      REQUIRE(s.claims[i].line == r.claims[i].line);
      REQUIRE(s.claims[i].error == r.claims[i].error);
      REQUIRE(s.claims[i].item_sequences == r.claims[i].item_sequences);
    }
  }
  return r;
}

#define REQUIRE_SHARED_CLAIMS()                                    \
  do {                                                             \
    if (!fs::exists(kShared)) {                                    \
      WARN("SKIPPED: the FHIR samples are not under " << kShared); \
      return;                                                      \
    }                                                              \
  } while (0)

// A claim resource around `items` and `diagnoses` (JSON array texts).
std::string ClaimText(std::string_view diagnoses, std::string_view items) {
  return fmt::format(
      R"({{"resourceType":"Claim","id":"X1","billablePeriod":{{"start":"2025-03-01"}},)"
      R"("diagnosis":{},"item":{}}})",
      diagnoses, items);
}

constexpr std::string_view kDx =
    R"([{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"Z12.11"}]}}])";
constexpr std::string_view kItem =
    R"([{"sequence":1,"diagnosisSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}]}}])";

}  // namespace

TEST_CASE("fhir: the project's Bundle, path by path", "[fhir]") {
  const Read r = ReadAll(Slurp(kBundle), "bundle.json");
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 2);
  CHECK(r.counts.claims == 2);
  CHECK(r.counts.skipped == std::map<std::string, uint64_t>{{"Coverage", 1}, {"Organization", 1}});

  const ConvertedClaim& p = r.claims[0];
  CHECK(p.error.empty());
  CHECK(p.id == "FHIR-P-0001");
  CHECK(p.where == "entry[3].resource");
  CHECK(p.item_sequences == std::vector<uint32_t>{1, 2});
  CHECK(p.json ==
        R"({"id":"FHIR-P-0001","patient":{"id":"pat-1","birth_date":"1950-04-02","sex":"F"},)"
        R"("claim_type":"professional","service_date":"2025-02-03",)"
        R"("billing_provider":{"npi":"1234567893"},)"
        R"("rendering_provider":{"npi":"1777777776","taxonomy":"207Q00000X"},)"
        R"("referring_provider":{"npi":"1222222220"},"diagnoses":["E1165","E78.5"],)"
        R"("lines":[{"code":"99213","modifiers":["25"],"units":1,"date":"2025-02-03",)"
        R"("place_of_service":"11","dx_pointers":[1,2],"charge":125.50},)"
        R"({"code":"83036","units":1,"date":"2025-02-03","place_of_service":"11",)"
        R"("dx_pointers":[1],"charge":41.25,"unread_codings":["http://loinc.org|4548-4"]}],)"
        R"("place_of_service":"11","unread_codings":["http://snomed.info/sct|44054006"]})");

  const ConvertedClaim& i = r.claims[1];
  CHECK(i.error.empty());
  CHECK(i.id == "FHIR-I-0001");
  CHECK(i.item_sequences == std::vector<uint32_t>{1, 2});
  CHECK(i.json ==
        R"({"id":"FHIR-I-0001","patient":{"id":"2EG4TE5MK73","birth_date":"1948-11-30",)"
        R"("sex":"M"},"claim_type":"institutional","bill_type":"0131","frequency":"original",)"
        R"("service_date":"2025-01-06","billing_provider":{"npi":"1555555550"},)"
        R"("rendering_provider":{"npi":"1111111112","taxonomy":"207R00000X"},)"
        R"("diagnoses":["M81.0","M25.561"],)"
        R"("lines":[{"code":"J0897","units":60,"date":"2025-01-06","charge":1800.00,)"
        R"("allowed":1432.17,"revenue_code":"0636","ndc":"55513071001","drug_quantity":1,)"
        R"("drug_unit":"ML"},{"code":"97110","modifiers":["GP"],"units":4,)"
        R"("date":"2025-01-06","charge":180.00,"revenue_code":"0420"}]})");
}

TEST_CASE("fhir: the Bundle's malformed variants", "[fhir]") {
  const std::string dir = WARRANT_SOURCE_DIR "/tests/unit/data/fhir/";
  Read r = ReadAll(Slurp(dir + "bad_not_json.json"), "bad_not_json.json");
  CHECK(r.claims.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].starts_with("bad_not_json.json: not JSON ("));

  r = ReadAll(Slurp(dir + "bad_resource_type.json"), "bad_resource_type.json");
  CHECK(r.claims.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] ==
        "bad_resource_type.json: no Claim or ExplanationOfBenefit resource (found 1 Bundel)");

  // Each claim fails alone; the other is still converted.
  r = ReadAll(Slurp(dir + "bad_item_code.json"), "bad_item_code.json");
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 2);
  CHECK(r.claims[0].error ==
        "entry[3].resource.item[1]: no productOrService (the line's procedure code)");
  CHECK(r.claims[1].error == "entry[4].resource.item[0].productOrService: no HCPCS or CPT coding");

  r = ReadAll(Slurp(dir + "bad_icd9.json"), "bad_icd9.json");
  REQUIRE(r.claims.size() == 2);
  CHECK(r.claims[0].error ==
        "entry[3].resource.diagnosis[0].diagnosisCodeableConcept: an ICD-9 diagnosis "
        "(`http://hl7.org/fhir/sid/icd-9-cm|272.4`): Warrant reads ICD-10-CM");
  CHECK(r.claims[1].error.empty());
  CHECK(r.claims[1].id == "FHIR-I-0001");
}

TEST_CASE("fhir: the Bundle as Bulk FHIR NDJSON gives the same records", "[fhir]") {
  const std::string dir = WARRANT_SOURCE_DIR "/tests/unit/data/fhir/";
  const Read bundle = ReadAll(Slurp(kBundle));
  const Read bulk = ReadAll(Slurp(dir + "bulk.ndjson"), "bulk.ndjson");
  CHECK(bulk.problems.empty());
  REQUIRE(bulk.claims.size() == 2);
  REQUIRE(bundle.claims.size() == 2);
  for (size_t n = 0; n < 2; ++n) {
    CHECK(bulk.claims[n].json == bundle.claims[n].json);
    CHECK(bulk.claims[n].line == n + 4);
  }
  CHECK(bulk.counts.skipped == bundle.counts.skipped);
}

TEST_CASE("fhir: a document that is not JSON or not FHIR is one located problem", "[fhir]") {
  Read r = ReadAll("{\"resourceType\": \"Claim\", \"id\": ", "bad.json");
  CHECK(r.claims.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].starts_with("bad.json: not JSON ("));

  r = ReadAll(R"({"id":"x","item":[]})", "plain.json");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "plain.json: not a FHIR resource: an object without a resourceType");

  r = ReadAll(R"([1,2])", "array.json");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "array.json: not a FHIR resource: an array without a resourceType");

  r = ReadAll(R"({"resourceType":"Patient","id":"p"})", "patient.json");
  CHECK(r.claims.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "patient.json: no Claim or ExplanationOfBenefit resource");

  r = ReadAll(R"({"resourceType":"Coverage","id":"c"})", "coverage.json");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] ==
        "coverage.json: no Claim or ExplanationOfBenefit resource (found 1 Coverage)");
}

TEST_CASE("fhir: a claim's problem names its JSON path and fails that claim only", "[fhir]") {
  const std::string good = ClaimText(kDx, kItem);
  const std::string no_code = ClaimText(
      kDx,
      R"([{"sequence":1,"productOrService":{"coding":[{"system":"http://snomed.info/sct","code":"73761001"}]}}])");
  const std::string icd9 = ClaimText(
      R"([{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-9-cm","code":"250.00"}]}}])",
      kItem);
  const std::string bad_pointer = ClaimText(
      kDx,
      R"([{"sequence":1,"diagnosisSequence":[2],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}]}}])");
  const std::string bad_units = ClaimText(
      kDx,
      R"([{"sequence":1,"quantity":{"value":1.5},"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}]}}])");
  const std::string bad_hcpcs = ClaimText(
      kDx,
      R"([{"sequence":1,"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"8227"}]}}])");
  const std::string no_items = ClaimText(kDx, "[]");
  const std::string pharmacy =
      R"({"resourceType":"Claim","id":"RX","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"pharmacy"}]},"item":[]})";
  const std::string bundle = fmt::format(
      R"({{"resourceType":"Bundle","type":"searchset","entry":[{{"resource":{}}},{{"resource":{}}},)"
      R"({{"resource":{}}},{{"resource":{}}},{{"resource":{}}},{{"resource":{}}},{{"resource":{}}},)"
      R"({{"resource":{}}},{{"search":{{}}}}]}})",
      good, no_code, icd9, bad_pointer, bad_units, bad_hcpcs, no_items, pharmacy);
  const Read r = ReadAll(bundle, "mixed.json");
  REQUIRE(r.claims.size() == 8);
  CHECK(r.claims[0].error.empty());
  CHECK_FALSE(r.claims[0].json.empty());
  const std::vector<std::string> expected = {
      "",
      "entry[1].resource.item[0].productOrService: no HCPCS or CPT coding (found "
      "`http://snomed.info/sct|73761001`)",
      "entry[2].resource.diagnosis[0].diagnosisCodeableConcept: an ICD-9 diagnosis "
      "(`http://hl7.org/fhir/sid/icd-9-cm|250.00`): Warrant reads ICD-10-CM",
      "entry[3].resource.item[0].diagnosisSequence[0]: does not name the sequence of one of the "
      "claim's diagnoses",
      "entry[4].resource.item[0].quantity.value: 1.5 is not a whole number of units from 1 to "
      "9999999",
      "entry[5].resource.item[0].productOrService.coding[0].code: `8227` is not a valid HCPCS "
      "code: ",
      "entry[6].resource.item: the claim has no item (no service line to decide)",
      "entry[7].resource.type.coding[0]: claim type `pharmacy`: Warrant decides professional and "
      "institutional claims",
  };
  for (size_t n = 1; n < expected.size(); ++n) {
    INFO("entry " << n);
    CHECK(r.claims[n].json.empty());
    CHECK(r.claims[n].error.starts_with(expected[n]));
    CHECK(r.claims[n].where == fmt::format("entry[{}].resource", n));
  }
  CHECK(r.claims[1].id == "X1");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "mixed.json: entry[8]: an entry without a resource");
}

TEST_CASE("fhir: NDJSON of resources, Patients found on any line", "[fhir]") {
  const std::string claim =
      R"({"resourceType":"Claim","id":"N1","patient":{"reference":"Patient/p9"},)"
      R"("billablePeriod":{"start":"2025-03-01"},"item":[{"sequence":3,)"
      R"("productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}]}}]})";
  const std::string text =
      claim + "\n\n{not json\n" +
      R"({"resourceType":"Patient","id":"p9","birthDate":"1960-01-31","gender":"other"})" + "\r\n" +
      R"({"id":"no type"})" + "\n";
  const Read r = ReadAll(text, "bulk.ndjson");
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 3);
  CHECK(r.claims[0].line == 1);
  CHECK(r.claims[0].where == "line 1");
  CHECK(r.claims[0].item_sequences == std::vector<uint32_t>{3});
  CHECK(r.claims[0].json ==
        R"({"id":"N1","patient":{"id":"p9","birth_date":"1960-01-31","sex":"U"},)"
        R"("service_date":"2025-03-01","lines":[{"code":"82270"}]})");
  CHECK(r.claims[1].line == 3);
  CHECK(r.claims[1].error.starts_with("line 3: not JSON"));
  CHECK(r.claims[2].line == 5);
  CHECK(r.claims[2].error == "line 5: not a FHIR resource: an object without a resourceType");
}

TEST_CASE(
    "fhir: NDJSON, the referenced resources looked for only from the first claim that needs them",
    "[fhir]") {
  // Claims whose Patient is contained are mapped as they are read; the first one that names a
  // resource outside itself makes the reader look through the whole input for referenced
  // resources, including lines before it and lines it has not reached.
  const auto claim = [](std::string_view id, std::string_view patient, std::string_view rest) {
    return fmt::format(
        R"({{"resourceType":"Claim","id":"{}",{}"patient":{{"reference":"{}"}},)"
        R"("billablePeriod":{{"start":"2025-03-01"}},"item":[{{"sequence":1,)"
        R"("productOrService":{{"coding":[{{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}}]}}}}]}})",
        id, rest, patient);
  };
  const std::string contained =
      R"("contained":[{"resourceType":"Patient","id":"p","birthDate":"1950-02-02","gender":"male"}],)";
  const std::string text =
      R"({"resourceType":"Patient","id":"early","birthDate":"1940-04-04","gender":"female"})"
      "\n" +
      claim("C1", "#p", contained) + "\n" + claim("C2", "Patient/late", "") + "\n" +
      claim("C3", "#p", contained) + "\n" + claim("C4", "Patient/early", "") + "\n" +
      R"({"resourceType":"Patient","id":"late","birthDate":"1960-06-06"})"
      "\n";
  const Read r = ReadAll(text, "bulk.ndjson");
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 4);
  const auto patient = [&](size_t i) {
    const std::string& json = r.claims[i].json;
    const size_t at = json.find(R"("patient":)");
    return at == std::string::npos ? std::string() : json.substr(at, json.find('}', at) - at + 1);
  };
  CHECK(patient(0) == R"("patient":{"id":"p","birth_date":"1950-02-02","sex":"M"})");
  CHECK(patient(1) == R"("patient":{"id":"late","birth_date":"1960-06-06"})");
  CHECK(patient(2) == R"("patient":{"id":"p","birth_date":"1950-02-02","sex":"M"})");
  CHECK(patient(3) == R"("patient":{"id":"early","birth_date":"1940-04-04","sex":"F"})");
  CHECK(r.claims[1].line == 3);
  CHECK(r.claims[3].line == 5);
}

TEST_CASE("fhir: NDJSON, a broken Patient line does not hide the others", "[fhir]") {
  // The referenced resources are parsed together: a line that is not JSON must stay out of them.
  const std::string claim =
      R"({"resourceType":"Claim","id":"N2","patient":{"reference":"Patient/p9"},)"
      R"("billablePeriod":{"start":"2025-03-01"},"item":[{"sequence":1,)"
      R"("productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"82270"}]}}]})";
  const std::string text =
      claim + "\n" + R"({"resourceType":"Patient","id":"p9","birthDate":"1999-09-09",)" + "\n" +
      R"({"resourceType":"Organization","id":"o1"})" + "\n" +
      R"({"resourceType":"Patient","id":"p9","birthDate":"1960-01-31","gender":"female"})" + "\n";
  const Read r = ReadAll(text, "bulk.ndjson");
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 2);
  CHECK(r.claims[1].error.starts_with("line 2: not JSON"));
  CHECK(r.claims[0].json ==
        R"({"id":"N2","patient":{"id":"p9","birth_date":"1960-01-31","sex":"F"},)"
        R"("service_date":"2025-03-01","lines":[{"code":"82270"}]})");
}

TEST_CASE("fhir: the sink can stop the reader", "[fhir]") {
  const std::string bundle =
      fmt::format(R"({{"resourceType":"Bundle","entry":[{{"resource":{}}},{{"resource":{}}}]}})",
                  ClaimText(kDx, kItem), ClaimText(kDx, kItem));
  int seen = 0;
  ReadFhir(bundle, "b", [&](ConvertedClaim&) { return ++seen < 1; });
  CHECK(seen == 1);
}

TEST_CASE("fhir: CMS Blue Button carrier EOB", "[fhir][shared]") {
  REQUIRE_SHARED_CLAIMS();
  const Read r = ReadAll(Slurp(kShared + "/eobReadCarrier.json"));
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 1);
  const ConvertedClaim& c = r.claims[0];
  CHECK(c.error.empty());
  CHECK(c.id == "carrier-9991831999");
  CHECK(c.item_sequences == std::vector<uint32_t>{6});
  // NPIs of the test data fail the NPI check digit: kept as sent, as unread_npi.
  CHECK(c.json ==
        R"({"id":"carrier-9991831999","patient":{"id":"567834"},"claim_type":"professional",)"
        R"("service_date":"1999-10-27","billing_provider":{"unread_npi":"1234567890"},)"
        R"("rendering_provider":{"unread_npi":"1923124","taxonomy":"390200000X",)"
        R"("specialty":"41"},"referring_provider":{"unread_npi":"8765676"},)"
        R"("diagnoses":["A02","A06","B04","B05","A52"],)"
        R"("lines":[{"code":"92999","modifiers":["LT"],"units":1,"date":"1999-10-27",)"
        R"("place_of_service":"11","dx_pointers":[5],"charge":75.00,"allowed":47.84,)"
        R"("unread_codings":["http://hl7.org/fhir/sid/ndc|000000000"]}],)"
        R"("place_of_service":"11"})");
}

TEST_CASE("fhir: CMS Blue Button carrier EOB with seven lines", "[fhir][shared]") {
  REQUIRE_SHARED_CLAIMS();
  const Read r = ReadAll(Slurp(kShared + "/eobReadCarrierWithMultipleLines.json"));
  CHECK(r.problems.empty());
  REQUIRE(r.claims.size() == 1);
  const ConvertedClaim& c = r.claims[0];
  REQUIRE(c.error.empty());
  CHECK(c.item_sequences == std::vector<uint32_t>{1, 2, 3, 4, 5, 6, 7});
  const char* codes[] = {"92999", "92998", "92997", "92996", "92995", "92994", "92993"};
  const char* charges[] = {"75.00", "75.00", "85.00", "65.00", "55.00", "45.00", "35.00"};
  for (int n = 0; n < 7; ++n) {
    INFO("line " << n + 1);
    CHECK(c.json.find(fmt::format(
              R"({{"code":"{}","modifiers":["LT"],"units":1,"date":"1999-10-27",)"
              R"("place_of_service":"11","dx_pointers":[5],"charge":{},"allowed":47.84,)",
              codes[n], charges[n])) != std::string::npos);
  }
  CHECK(c.json.find(R"("diagnoses":["A02","A06","B04","B05","A52"])") != std::string::npos);
}

TEST_CASE("fhir: CMS Blue Button outpatient EOB and pre-adjudication Claims", "[fhir][shared]") {
  REQUIRE_SHARED_CLAIMS();
  // The samples' placeholder codes are refused, each naming its element.
  Read r = ReadAll(Slurp(kShared + "/eobReadOutpatient.json"));
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].id == "outpatient-1234567890");
  CHECK(r.claims[0].error.starts_with(
      "item[0].productOrService.coding[0].code: `M99` is not a valid HCPCS code"));

  r = ReadAll(Slurp(kShared + "/claimMcsRead.json"));
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].id == "m-654321");
  CHECK(r.claims[0].error.starts_with(
      "diagnosis[0].diagnosisCodeableConcept.coding[0].code: `HF3IJIF` is not a valid "
      "ICD-10-CM code"));

  r = ReadAll(Slurp(kShared + "/claimFissRead.json"));
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].id == "f-123456");
  CHECK(r.claims[0].error ==
        "diagnosis[0].diagnosisCodeableConcept: an ICD-9 diagnosis "
        "(`http://hl7.org/fhir/sid/icd-9-cm|admitcd`): Warrant reads ICD-10-CM");
}

TEST_CASE("fhir: converted claims are decided like NDJSON ones", "[fhir]") {
  const fs::path root =
      fs::temp_directory_path() / ("warrant_fhir_test_" + std::to_string(::getpid()));
  fs::create_directories(root);
  std::ofstream(root / "pt.warrant") << R"(policy "PT" version 1 "Therapy"
  effective 2020-01-01
codeset therapy: hcpcs = [97110]
rule gp "GP modifier" applies to line where line.code in therapy {
  require "GP" in line.modifiers else deny invalid_procedure "therapy lines need GP"
  require line.units <= 2 else deny mue "at most 2 units"
}
)";
  auto compiled = Compile({root.string()});
  fs::remove_all(root);
  REQUIRE(compiled->ok);
  const std::vector<uint8_t> pack = WritePack(compiled->program);
  std::string why;
  auto engine = Engine::FromPack(pack, &why);
  REQUIRE(engine);
  const Read r = ReadAll(Slurp(kBundle), "bundle.json");
  REQUIRE(r.claims.size() == 2);
  Session session(*engine);
  std::string out;
  for (const ConvertedClaim& c : r.claims) {
    RecordError error;
    INFO(c.json);
    REQUIRE(session.Evaluate(c.json, error));
    session.AppendDecisions(out);
  }
  // The institutional claim's 97110 has GP and 4 units: denied for units; the rest not applicable.
  CHECK(out.find(R"({"claim":"FHIR-I-0001","line":2,"code":"97110","decision":"denied")") !=
        std::string::npos);
  CHECK(out.find(R"("reason":"mue")") != std::string::npos);
  CHECK(out.find(R"({"claim":"FHIR-P-0001","line":1,"code":"99213","decision":"not_applicable")") !=
        std::string::npos);
}

}  // namespace warrant

namespace warrant {

TEST_CASE("fhir: a ClaimResponse from decision records", "[fhir]") {
  const std::string decisions =
      R"({"claim":"C1","line":1,"code":"92999","decision":"denied","findings":[{"outcome":"deny",)"
      R"("reason":"frequency","carc":"CO-119","rarc":["N386"],"message":"one per year",)"
      R"("policy":"NCD 1","version":2,"rule":"freq","at":"x:1:1"}],"pack":"sha256:ab"})"
      "\n";
  const uint32_t sequences[] = {6};
  ClaimResponseInput in;
  in.decisions = decisions;
  in.claim_type = "professional";
  in.patient_id = "P1";
  in.pack = "sha256:ab";
  in.created = "2026-01-01T00:00:00Z";
  in.item_sequences = sequences;
  std::string out;
  AppendClaimResponse(in, out);
  CHECK(
      out ==
      R"j({"resourceType":"ClaimResponse","id":"C1","extension":[{"url":"urn:warrant:fhir:pack",)j"
      R"j("valueString":"sha256:ab"}],"identifier":[{"system":"urn:warrant:fhir:claim-id",)j"
      R"j("value":"C1"}],"status":"active","type":{"coding":[{"system":)j"
      R"j("http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},)j"
      R"j("use":"claim","patient":{"identifier":{"value":"P1"}},"created":"2026-01-01T00:00:00Z",)j"
      R"j("insurer":{"display":"unknown"},"request":{"reference":"Claim/C1","identifier":)j"
      R"j({"system":"urn:warrant:fhir:claim-id","value":"C1"}},"outcome":"complete",)j"
      R"j("disposition":"1 line: 1 denied","item":[{"itemSequence":6,"noteNumber":[1],)j"
      R"j("adjudication":[{"category":{"coding":[{"system":"urn:warrant:fhir:decision",)j"
      R"j("code":"denied"}]}},{"extension":[{"url":"urn:warrant:fhir:carc-group",)j"
      R"j("valueCode":"CO"}],"category":{"coding":[{"system":"urn:warrant:fhir:finding-outcome",)j"
      R"j("code":"deny"}]},"reason":{"coding":[{"system":)j"
      R"j("https://x12.org/codes/claim-adjustment-reason-codes","code":"119"}]}},)j"
      R"j({"category":{"coding":[{"system":"urn:warrant:fhir:finding-outcome","code":"remark"}]},)j"
      R"j("reason":{"coding":[{"system":"https://x12.org/codes/remittance-advice-remark-codes",)j"
      R"j("code":"N386"}]}}]}],"processNote":[{"number":1,"type":"display",)j"
      R"j("text":"one per year (NCD 1, rule freq)"}]})j"
      "\n");

  // A record error: outcome error, the R07xx code; an id FHIR cannot hold is not made the id.
  const std::string error =
      R"({"claim":"C 2","input_line":4,"error":{"code":"R0704","message":"bad code",)"
      R"("field":"lines[0].code"}})"
      "\n";
  ClaimResponseInput bad;
  bad.decisions = error;
  bad.pack = "sha256:ab";
  bad.created = "2026-01-01";
  out.clear();
  AppendClaimResponse(bad, out);
  CHECK(out.find("\"id\":") == std::string::npos);
  CHECK(out.find(R"j("patient":{"display":"unknown"})j") != std::string::npos);
  CHECK(out.find(R"j("request":{"identifier":{"system":"urn:warrant:fhir:claim-id",)j"
                 R"j("value":"C 2"}})j") != std::string::npos);
  CHECK(out.find(R"j("outcome":"error","disposition":"bad code (lines[0].code)")j") !=
        std::string::npos);
  CHECK(out.find(R"j("error":[{"code":{"coding":[{"system":"urn:warrant:fhir:record-error",)j"
                 R"j("code":"R0704"}],"text":"bad code (lines[0].code)"}}]})j") !=
        std::string::npos);

  // Records that are not decisions are an error resource, not a crash.
  ClaimResponseInput junk;
  junk.decisions = "not json\n";
  out.clear();
  AppendClaimResponse(junk, out);
  CHECK(out.find(R"("outcome":"error")") != std::string::npos);
  CHECK(out.back() == '\n');
}

}  // namespace warrant
