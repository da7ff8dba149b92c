// The JSON Schema of the claim (runtime/records/json_schema.h): its code patterns against the
// decoder's own code parser, on valid codes and thousands of their mutations, and the document's
// shape for the base schema and for a schema with extensions and facts.
#include "runtime/records/json_schema.h"

#include <cctype>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/records/record_scan.h"
#include "runtime/records/schema_listing.h"
#include "tests/unit/catch.h"

namespace {

using warrant::CodeSystem;

struct Seeds {
  CodeSystem system;
  std::vector<std::string> valid;
  bool check_digit;  // the pattern cannot be exact: it leaves the check digit to the decoder
};

bool DecoderAccepts(CodeSystem system, const std::string& text) {
  return warrant::Pack(system, warrant::RecordCodeText(system, text)).has_value();
}

}  // namespace

TEST_CASE("json schema: a code pattern matches every code the decoder accepts", "[json-schema]") {
  const std::vector<Seeds> all = {
      {CodeSystem::Icd10cm,
       {"E11.9", "E119", "e11.65", "Z12.11", "S72.001A", "A00", "M5450"},
       false},
      {CodeSystem::Hcpcs, {"99213", "G0328", "0001U", "0591T", "j0897", "3008F", "0009M"}, false},
      {CodeSystem::Loinc,
       {"4548-4", "LOINC|4548-4", "http://loinc.org|2160-0", "LOINC|http://loinc.org|2160-0",
        "59408-5"},
       true},
      {CodeSystem::Pos, {"11", "02", "99"}, false},
      {CodeSystem::Modifier, {"KX", "25", "gp", "59"}, false},
      {CodeSystem::Ndc,
       {"00002-1433-80", "00002143380", "0009-0047-01", "00009-047-01", "00009-0047-1"},
       false},
      {CodeSystem::Npi, {"1234567893"}, true},
      {CodeSystem::Taxonomy, {"207Q00000X", "363LF0000X"}, false},
      {CodeSystem::Revenue, {"0450", "450"}, false},
      {CodeSystem::BillType, {"131", "0131"}, false},
  };
  const std::string alphabet = "0123456789ABCDEFGHJKLMNOPQRSTUVWXYZafkmtuvxz.-| ";
  std::mt19937 random(20261206);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  for (const Seeds& seeds : all) {
    const std::string pattern(warrant::JsonSchemaCodePattern(seeds.system));
    INFO(warrant::SystemName(seeds.system) << " " << pattern);
    const std::regex re(pattern, std::regex::ECMAScript);
    size_t accepted = 0;
    auto probe = [&](const std::string& text) {
      INFO("`" << text << "`");
      const bool decoder = DecoderAccepts(seeds.system, text);
      const bool matches = std::regex_search(text, re);
      if (decoder)
        ++accepted;
      CHECK((!decoder || matches));  // never refuse what the decoder takes
      if (!seeds.check_digit)
        CHECK((decoder || !matches));  // and, without a check digit, nothing else
    };
    for (const std::string& valid : seeds.valid) {
      REQUIRE(DecoderAccepts(seeds.system, valid));
      probe(valid);
      for (int round = 0; round < 3000; ++round) {
        std::string text = valid;
        for (size_t edits = 1 + pick(3); edits > 0; --edits) {
          const size_t op = pick(4);
          if (op == 0 && !text.empty()) {
            text[pick(text.size())] = alphabet[pick(alphabet.size())];
          } else if (op == 1) {
            text.insert(text.begin() + static_cast<std::ptrdiff_t>(pick(text.size() + 1)),
                        alphabet[pick(alphabet.size())]);
          } else if (op == 2 && !text.empty()) {
            text.erase(pick(text.size()), 1);
          } else if (!text.empty()) {
            char& c = text[pick(text.size())];
            c = static_cast<char>(std::isupper(static_cast<unsigned char>(c)) ? std::tolower(c)
                                                                              : std::toupper(c));
          }
        }
        probe(text);
      }
    }
    CHECK(accepted > seeds.valid.size());  // the mutations reached other valid codes too
  }
}

TEST_CASE("json schema: the base schema's shape", "[json-schema]") {
  const std::string doc = warrant::JsonSchema(warrant::Schema::Base());
  CHECK(doc.find(R"("$schema": "https://json-schema.org/draft/2020-12/schema")") !=
        std::string::npos);
  CHECK(doc.find(R"("$ref": "#/$defs/claim")") != std::string::npos);
  for (const char* record :
       {"claim", "patient", "line", "history", "observation", "facts", "provider"}) {
    INFO(record);
    CHECK(doc.find(std::string("\n    \"") + record + "\": {") != std::string::npos);
  }
  CHECK(doc.find(R"("dx_ptr": {)") != std::string::npos);
  CHECK(doc.find(R"("minimum": 1,)") != std::string::npos);  // units
  CHECK(doc.find(R"("maximum": 9999999)") != std::string::npos);
  CHECK(doc.find(R"("enum": ["UN", "ML", "GR", "F2", "ME", null])") != std::string::npos);
  CHECK(doc.find("\"index\"") == std::string::npos);           // computed: not an input key
  CHECK(doc == warrant::JsonSchema(warrant::Schema::Base()));  // deterministic
}

TEST_CASE("json schema: extensions and facts", "[json-schema]") {
  warrant::Schema schema = warrant::Schema::Base();
  warrant::FieldDef copay;
  copay.name = "copay";
  copay.type = *schema.ParseType("money");
  copay.doc = "the copay";
  schema.AddField(static_cast<uint16_t>(warrant::RecordId::line), copay);
  const uint16_t episode = schema.AddRecord("", "");
  warrant::FieldDef kind;
  kind.name = "kind";
  kind.type = *schema.ParseType(R"(one of ["pt", "nsaid"])");
  schema.AddField(episode, kind);
  warrant::SchemaType list;
  list.kind = warrant::Kind::List;
  list.elem = warrant::Kind::Record;
  list.record = episode;
  schema.AddFact("conservative", list, "conservative care");
  REQUIRE_FALSE(schema.Finish().has_value());
  const std::string doc = warrant::JsonSchema(schema);
  CHECK(doc.find(R"("copay": {)") != std::string::npos);
  CHECK(doc.find(R"("conservative": {)") != std::string::npos);
  CHECK(doc.find(R"("enum": ["pt", "nsaid", null])") != std::string::npos);
  // A fact's record refuses unknown keys, as the decoder does (R0706); so do undeclared facts.
  CHECK(doc.find(R"("additionalProperties": false)") != std::string::npos);
  CHECK(doc.find("\"additionalProperties\": {\n        \"type\": \"null\"") != std::string::npos);
}

TEST_CASE("schema listing: a pack's text cannot drive the terminal", "[json-schema]") {
  warrant::Schema schema = warrant::Schema::Base();
  warrant::FieldDef lot;
  lot.name = "lot";
  lot.type = *schema.ParseType("string");
  lot.doc = "the lot\x1b[2J\nforged: row";
  schema.AddField(static_cast<uint16_t>(warrant::RecordId::line), lot);
  REQUIRE_FALSE(schema.Finish().has_value());
  const std::string listing = warrant::SchemaListing(schema);
  CHECK(listing.find('\x1b') == std::string::npos);
  CHECK(listing.find("the lot\\x1B[2J\\x0Aforged: row") != std::string::npos);
}
