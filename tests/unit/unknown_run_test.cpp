// Records padded with fields no schema declares, as feeds send them: the fast path reads a run of
// remembered unknown keys in one loop (RecordDecoder::SetBulkSkip), and must decide exactly as it
// does member by member and as the full path does: the same outcome, Claim, error and ignored
// keys, over generated padding and its mutants (unterminated strings and containers, escapes,
// invalid UTF-8, control bytes, mismatched brackets, depth limits, odd numbers and literals,
// white space, trailing garbage, keys moved, dropped, known or too long to remember).
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "tests/support/claim_equal.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

// The run checked against its shape first (the default: with AVX2 where the processor has it),
// the same with SSE2's compares, the run read token by token, member by member, and the full path.
struct Decoders {
  Decoders() {
    narrow.SetWideShapes(false);
    tokens.SetRunShapes(false);
    member_by_member.SetBulkSkip(false);
    full.SetFastPath(false);
  }

  RecordDecoder run{Schema::Base()};
  RecordDecoder narrow{Schema::Base()};
  RecordDecoder tokens{Schema::Base()};
  RecordDecoder member_by_member{Schema::Base()};
  RecordDecoder full{Schema::Base()};
  size_t decided = 0;

  void Agree(std::string_view json) {
    Claim a, b, c, d, e;
    RecordError ea, eb, ec, ed, ee;
    const bool ok_a = run.Decode(json, a, ea);
    const bool ok_b = member_by_member.Decode(json, b, eb);
    const bool ok_c = full.Decode(json, c, ec);
    const bool ok_d = tokens.Decode(json, d, ed);
    const bool ok_e = narrow.Decode(json, e, ee);
    INFO("record: " << json);
    REQUIRE(ok_a == ok_b);
    REQUIRE(ok_a == ok_c);
    REQUIRE(ok_a == ok_d);
    REQUIRE(ok_a == ok_e);
    if (ok_a) {
      ++decided;
      CHECK(testing::ClaimDifference(a, b) == "");
      CHECK(testing::ClaimDifference(a, c) == "");
      CHECK(testing::ClaimDifference(a, d) == "");
      CHECK(testing::ClaimDifference(a, e) == "");
      CHECK(run.LastIgnored() == member_by_member.LastIgnored());
      CHECK(run.LastIgnored() == full.LastIgnored());
      CHECK(run.LastIgnored() == tokens.LastIgnored());
      CHECK(run.LastIgnored() == narrow.LastIgnored());
    } else {
      for (const RecordError* other : {&eb, &ec, &ed, &ee}) {
        CHECK(ea.code == other->code);
        CHECK(ea.message == other->message);
        CHECK(ea.field == other->field);
        CHECK(ea.claim_id == other->claim_id);
      }
    }
  }
};

// Values of the kinds feeds pad with, and now and then a nested container.
class Values {
 public:
  explicit Values(uint32_t seed) : rng_(seed) {}

  std::string Value(int depth = 0) {
    switch (Pick(depth < 3 ? 9 : 6)) {
      case 0:
      case 1:
        return '"' + Text(Pick(3) == 0 ? 30 : 12) + '"';
      case 2:
        return std::to_string(Pick(100000)) + (Pick(2) == 0 ? ".5" : "");
      case 3:
        return Pick(2) == 0 ? "true" : "false";
      case 4:
        return Pick(3) == 0 ? "null" : "-12.5e+3";
      case 5:
        return "\"\"";
      case 6:
      case 7: {
        std::string object = "{";
        for (uint32_t n = Pick(4), i = 0; i < n; ++i)
          object += (i == 0 ? "\"" : ",\"") + Text(6) + "\":" + Value(depth + 1);
        return object + "}";
      }
      default: {
        std::string array = "[";
        for (uint32_t n = Pick(4), i = 0; i < n; ++i)
          array += (i == 0 ? "" : ",") + Value(depth + 1);
        return array + "]";
      }
    }
  }

  std::string Text(uint32_t max) {
    static constexpr std::string_view kChars = "ABCDEFGHIJ KLMNOP0123456789@.-_/{}[]:,";
    std::string text;
    for (uint32_t n = Pick(max + 1), i = 0; i < n; ++i)
      text += kChars[Pick(static_cast<uint32_t>(kChars.size()))];
    return text;
  }

  uint32_t Pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

 private:
  std::mt19937 rng_;
};

// Unknown keys: short, long enough to fill a remembered key (30 bytes and quotes and colon: 33,
// one too many; 29: exactly 32), and two a base record knows.
const std::vector<std::string>& Keys() {
  static const std::vector<std::string> keys = {"payer",
                                                "subscriber",
                                                "billing_address",
                                                "a",
                                                "notes",
                                                "version",
                                                "interchange_control_numbers",
                                                "interchange_control_number_xx",
                                                "x_remembered_key_is_too_long_x",
                                                "receiver",
                                                "attachments",
                                                "edit_flags",
                                                "claim_type",
                                                "units"};
  return keys;
}

// `count` unknown members, keys from `first` on, as `,"key":value` each.
std::string Padding(Values& values, size_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i)
    out += ",\"" + Keys()[(first + i) % Keys().size()] + "\":" + values.Value();
  return out;
}

// A record of the plain shape, padded at the end of the claim, the patient, each line and each
// history entry; `shape` picks which keys and how many (the same shape, the same keys in the
// same order, as a feed writes them), `values` their values.
std::string Padded(uint32_t shape, Values& values) {
  Values keys(shape);
  const size_t claim_first = keys.Pick(14), claim_count = 1 + keys.Pick(12);
  const size_t patient_first = keys.Pick(14), patient_count = keys.Pick(5);
  const size_t line_count = keys.Pick(3);
  const bool before_lines = keys.Pick(3) == 0;  // a run with known keys after it
  std::string record = R"({"id":"E1","patient":{"id":"P1","birth_date":"1950-02-28","sex":"F")" +
                       Padding(values, patient_first, patient_count) +
                       R"(},"service_date":"2024-02-29","place_of_service":"11",)"
                       R"("diagnoses":["E11.9","I10"])";
  if (before_lines)
    record += Padding(values, claim_first, claim_count);
  record += R"(,"lines":[{"code":"80061","modifiers":["59"],"units":1)" +
            Padding(values, 3, line_count) + R"(},{"code":"99213","units":2)" +
            Padding(values, 3, line_count) +
            R"(}],"history":[{"code":"80061","date":"2023-03-01")" +
            Padding(values, 7, line_count) + R"(}],"observations":[])";
  if (!before_lines)
    record += Padding(values, claim_first, claim_count);
  return record + "}";
}

}  // namespace

TEST_CASE("unknown runs: padded records decide alike in one loop and member by member",
          "[record]") {
  Decoders d;
  for (uint32_t shape = 0; shape < 40; ++shape) {
    Values values(1000 + shape);
    // Remembered keys and their patterns, then read in one loop, then against the run's shape
    // (RunShape), whose values that happened to repeat in these records become its bytes.
    for (int n = 0; n < 12; ++n)
      d.Agree(Padded(shape, values));
    const std::string base = Padded(shape, values);
    d.Agree(base);
    // Mutants: every byte of every fourth shape, every seventh byte of the others (a sixth of
    // those in sanitizer builds: each record is decided four ways, test::kSampleEvery).
    const std::string substitutes[] = {"\"", "\\", " ",  "}",    "]",    ",",    ":", "0", "-", ".",
                                       "e",  "n",  "\t", "\x01", "\xC3", "\xFF", "x", "{", "["};
    const size_t sample = test::kSampleEvery == 1 ? 1 : 2 * test::kSampleEvery;
    const size_t stride = (shape % 4 == 0 ? 1 : 7) * sample;
    for (size_t at = 0; at < base.size(); at += stride) {
      d.Agree(std::string_view(base).substr(0, at));         // truncated
      d.Agree(base.substr(0, at) + base.substr(at + 1));     // a byte dropped
      d.Agree(base.substr(0, at) + "\n" + base.substr(at));  // white space
      for (const std::string& s : substitutes)
        d.Agree(base.substr(0, at) + s + base.substr(at + 1));
      d.Agree(base);  // and the record as it was, its keys remembered again
    }
  }
  CHECK(d.decided > 2000);
}

TEST_CASE("unknown runs: odd values in a remembered run decide alike", "[record]") {
  const std::string head = R"({"id":"E2","patient":{"id":"P1","payer":"x","phone":"555"},)"
                           R"("service_date":"2024-01-02","lines":[{"code":"99213"}])";
  const auto record = [&](const std::string& a, const std::string& b) {
    return head + R"(,"payer":)" + a + R"(,"notes":)" + b + R"(,"version":"5010"})";
  };
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  const std::vector<std::string> odd = {"\"unterminated",
                                        "{\"a\":1",
                                        "[1,2",
                                        "\"bad \\q escape\"",
                                        "\"\\u00e9\"",
                                        "\"caf\xC3\xA9\"",
                                        "\"\xC3\x28\"",
                                        "\"\xFF\"",
                                        "\"tab\there\"",
                                        "\"line\nbreak\"",
                                        "[1,2}",
                                        "{\"a\":1]",
                                        "{\"a\" 1}",
                                        "{\"a\":}",
                                        "{,}",
                                        "[,]",
                                        "[1,]",
                                        "{\"a\":1,}",
                                        "01",
                                        "1.",
                                        "-",
                                        "1e",
                                        "+1",
                                        ".5",
                                        "tru",
                                        "nul",
                                        "falsey",
                                        "True",
                                        "NULL",
                                        "\"a\"\"b\"",
                                        "{\"a\":1}}",
                                        "[[]]]",
                                        std::string(63, '[') + std::string(63, ']'),
                                        std::string(64, '[') + std::string(64, ']'),
                                        deep,
                                        "\"" + std::string(70000, 'x') + "\"",
                                        "\"" + std::string(65536, 'y') + "\"",
                                        "\"" + std::string(65535, 'z') + "\"",
                                        " \"spaced\" ",
                                        "{ \"a\" : [ 1 , 2 ] }",
                                        "\"0123456789abcde\"",
                                        "\"0123456789abcdef\"",
                                        "\"0123456789abcdefg\"",
                                        "{}",
                                        "[]",
                                        "\"\"",
                                        "[{\"k\":[true,false,null,-0,0.5,1E+2]}]"};
  Decoders d;
  for (int n = 0; n < 3; ++n)
    d.Agree(record("\"p\"", "[\"n\"]"));
  for (const std::string& value : odd) {
    d.Agree(record(value, "[\"n\"]"));
    d.Agree(record("\"p\"", value));
    d.Agree(record("\"p\"", "[\"n\"]"));  // remembered again after a refusal
  }
  for (const char* tail : {"}", "} x", "}}", ",}", ",\"payer\":1}", ",\"id\":\"E3\"}",
                           ",\"payer\":1,\"payer\":2}", ",\"service_date\":\"2024-01-03\"}"}) {
    d.Agree(head + R"(,"payer":"p","notes":["n"],"version":"5010")" + tail);
  }
  CHECK(d.decided > 20);
}

namespace {

// The shape is kept from the first record, after `warmups` of it before each variant (past
// RunShape's kLearn, every value but a number or literal ending a run is part of its bytes);
// each variant changes one value's kind or length, a key, a container's size, the spacing or the
// run's end, and is followed by the first record again (its shape matched, or made again after
// two misses).
void ShapeVariants(int warmups) {
  const auto record = [](const std::string& patient, const std::string& claim) {
    return R"({"id":"E3","patient":{"id":"P1","sex":"F")" + patient +
           R"(},"service_date":"2024-01-02","lines":[{"code":"99213","units":1}])" + claim + "}";
  };
  const std::string patient =
      R"(,"last_name":"DOE","address":{"line1":"1 MAIN ST","zip":"12345"},"age":42)";
  const std::string claim =
      R"(,"payer":{"name":"ACME","id":"60054","ids":[1,-2.5e+3,true,null]},"paid":35.5,)"
      R"("accepted":false,"notes":["A","B"],"flags":[],"attachments":[{"type":"09"}],)"
      R"("version":"005010X222A1","a:b":"c:d","empty":"")";
  const std::vector<std::pair<std::string, std::string>> variants = {
      {R"("DOE")", R"("DOE-SMITH JR")"},
      {R"("DOE")", R"("")"},
      {R"("DOE")", "1"},
      {R"("DOE")", "null"},
      {R"("DOE")", R"({"a":"DOE"})"},
      {R"("DOE")", R"(["DOE"])"},
      {R"("DOE")", R"("D\u004fE")"},
      {R"("DOE")",
       "\"D\xC3\x96"
       "E\""},
      {R"("DOE")", "\"D\tE\""},
      {R"("DOE")", R"("DOE)"},
      {R"("12345")", R"("123456789012345678901234567890123456789")"},
      {"42", "421"},
      {"42", "4"},
      {"42", "42.0"},
      {"42", "42e1"},
      {"42", "true"},
      {"35.5", "0"},
      {"35.5", "-0.25e-7"},
      {"35.5", "true"},
      {"35.5", R"("35.5")"},
      {"35.5", "35."},
      {"35.5", "035"},
      {"35.5", "35.5.5"},
      {"35.5", "3 5"},
      {"false", "true"},
      {"false", "null"},
      {"false", "fals"},
      {"false", "falsey"},
      {"false", "1"},
      {"true,null", "null,true"},
      {"true,null", "true,nul"},
      {R"(["A","B"])", R"(["A"])"},
      {R"(["A","B"])", R"(["A","B","C"])"},
      {R"(["A","B"])", "[]"},
      {R"(["A","B"])", R"(["A",])"},
      {"[]", "[1]"},
      {"[]", "{}"},
      {"[]", "[]]"},
      {R"({"type":"09"})", R"({"type":"09","x":1})"},
      {R"({"type":"09"})", R"({"typ":"09"})"},
      {R"({"type":"09"})", R"({"type" :"09"})"},
      {R"({"type":"09"})", R"({ "type":"09"})"},
      {R"("paid")", R"("Paid")"},
      {R"("paid")", R"("units")"},
      {R"("paid")", R"("payer")"},
      {R"("version")", R"("id")"},
      {R"("a:b":"c:d")", R"("a:b":"c:d":"e")"},
      {R"("empty":"")", R"("empty":"x")"},
      {R"("empty":"")", R"("empty":"", "more":1)"},
      {R"("empty":"")", R"("empty":"","more":1)"},
      {R"("empty":"")", R"("empty":"",)"},
      {R"("empty":"")", R"("empty")"},
      {R"(,"payer")", R"(, "payer")"},
      {R"(,"payer")", R"(,"payer":1,"payer")"}};
  Decoders d;
  const auto warm_up = [&] {
    for (int n = 0; n < warmups; ++n)
      d.Agree(record(patient, claim));
  };
  const auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  for (const auto& [from, to] : variants) {
    INFO(from << " -> " << to);
    warm_up();
    const bool in_patient = patient.find(from) != std::string::npos;
    const std::string variant = in_patient ? record(replaced(patient, from, to), claim)
                                           : record(patient, replaced(claim, from, to));
    d.Agree(variant);
    d.Agree(record(patient, claim));
    // Twice in a row: the shape is made again from the variant, then the first record misses it.
    d.Agree(variant);
    d.Agree(variant);
    d.Agree(variant);
    d.Agree(record(patient, claim));
    d.Agree(record(patient, claim));
    d.Agree(record(patient, claim));
  }
  // Every prefix, every byte dropped and a few put in each byte's place, of the record whose
  // shape is kept (every third byte in sanitizer builds, test::kSampleEvery): each followed by
  // the record itself, so no two misses in a row make the shape again from a mutant.
  warm_up();
  const std::string whole = record(patient, claim);
  for (size_t at = 0; at < whole.size(); at += test::kSampleEvery) {
    d.Agree(std::string_view(whole).substr(0, at));
    d.Agree(whole);
    d.Agree(whole.substr(0, at) + whole.substr(at + 1));
    d.Agree(whole);
    for (const char* substitute : {":", "x", "\"", ",", "}", "1"}) {
      d.Agree(whole.substr(0, at) + substitute + whole.substr(at + 1));
      d.Agree(whole);
    }
  }
  CHECK(d.decided > 300);
}

}  // namespace

TEST_CASE("unknown runs: values of a learned width, then of others, decide alike", "[record]") {
  // The runs a shape learns from keep each value's length but not its bytes (a control number, a
  // phone, a timestamp, a one-byte flag, an empty string, values of 15, 16 and 41 bytes with their
  // quote), so each is a wild part of the shape's bytes; then runs
  // whose values are longer, shorter, escaped, control or non-ASCII bytes, a quote inside, or cut.
  const auto record = [](int n, const std::string& control, const std::string& stamp) {
    const std::string digit(1, static_cast<char>('0' + n % 10));
    return R"({"id":"E4","patient":{"id":"P1","phone":"55500)" + digit +
           R"(1234"},)"
           R"("service_date":"2024-01-02","lines":[{"code":"99213"}],"control":)" +
           control + R"(,"received":)" + stamp + R"(,"flag":")" + (n % 2 ? "Y" : "N") +
           R"(","empty":"","w15":"ABCDEFGHIJKLMN)" + digit + R"(","w16":"ABCDEFGHIJKLMNO)" + digit +
           R"(","w40":"ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-)" + digit + digit + R"(","n":)" +
           std::to_string(n) + "}";
  };
  const auto control = [](int n) { return "\"0308" + std::to_string(24600 + n) + "\""; };
  const auto stamp = [](int n) { return "\"2025-08-21T14:2" + std::to_string(n % 10) + ":00Z\""; };
  Decoders d;
  const auto learn = [&] {
    for (int n = 0; n < 12; ++n)
      d.Agree(record(n, control(n), stamp(n)));
  };
  const std::vector<std::string> others = {R"("030824")",
                                           R"("0308246001")",
                                           R"("030824600")",
                                           R"("03082460")",
                                           R"("0308\u00326001")",
                                           R"("030\"246001")",
                                           "\"0308\x01"
                                           "46001\"",
                                           "\"0308\xC3\xA9"
                                           "6001\"",
                                           R"("0308246001)",
                                           R"(0308246001)",
                                           R"(null)",
                                           R"("")",
                                           R"(["030824600"])",
                                           R"("030824600" )",
                                           R"("03082460\\")"};
  for (const std::string& value : others) {
    INFO(value);
    learn();
    d.Agree(record(3, value, stamp(3)));
    d.Agree(record(4, control(4), value));
    d.Agree(record(5, control(5), stamp(5)));
  }
  learn();
  const std::string whole = record(7, control(7), stamp(7));
  for (size_t at = 0; at < whole.size(); at += test::kSampleEvery) {
    d.Agree(std::string_view(whole).substr(0, at));
    d.Agree(whole);
    for (const char* substitute : {"\"", "x", "\x01", "\xC3"}) {
      d.Agree(whole.substr(0, at) + substitute + whole.substr(at + 1));
      d.Agree(whole);
    }
  }
  CHECK(d.decided > 200);
}

TEST_CASE("unknown runs: a run's shape, then runs written otherwise, decide alike", "[record]") {
  ShapeVariants(3);
}

TEST_CASE(
    "unknown runs: a shape whose repeated values are its bytes, then runs written "
    "otherwise, decide alike",
    "[record]") {
  ShapeVariants(12);
}

}  // namespace warrant
