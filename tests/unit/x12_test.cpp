// The X12 reader: splitting into segments (delimiters from each ISA, line breaks or none, CRLF)
// and the claims, claim errors and envelope errors ReadX12 gives for small inputs.
#include <string>
#include <vector>

#include "runtime/formats/claim_source.h"
#include "runtime/formats/x12_segments.h"
#include "tests/unit/catch.h"
#include "tests/unit/claim_stream.h"

using namespace warrant;

namespace {

// An ISA with the given delimiters (106 bytes with its terminator).
std::string Isa(char element, char repetition, char component, char terminator,
                const std::string& control = "000000001") {
  std::string isa =
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250101*"
      "1200*^*00501*" +
      control + "*0*T*:~";
  for (char& c : isa) {
    if (c == '*')
      c = element;
  }
  isa[82] = repetition;
  isa[104] = component;
  isa[105] = terminator;
  return isa;
}

// The segments' elements; `error` gets the tokenizer's error as "LINE: message".
std::vector<std::vector<std::string>> Split(const std::string& text, std::string* error = nullptr,
                                            std::vector<uint64_t>* lines = nullptr) {
  X12Tokenizer tokens(text);
  X12Segment segment;
  std::vector<std::vector<std::string>> out;
  while (tokens.Next(segment)) {
    out.emplace_back(segment.elements.begin(), segment.elements.end());
    if (lines)
      lines->push_back(segment.line);
  }
  if (error)
    *error =
        tokens.error().empty() ? "" : std::to_string(tokens.error_line()) + ": " + tokens.error();
  return out;
}

struct Read {
  std::vector<ConvertedClaim> claims;
  std::vector<std::string> problems;
};

void RequireSame(const Read& a, const Read& b) {
  REQUIRE(a.problems == b.problems);
  REQUIRE(a.claims.size() == b.claims.size());
  for (size_t i = 0; i < a.claims.size(); ++i) {
    REQUIRE(a.claims[i].json == b.claims[i].json);
    REQUIRE(a.claims[i].id == b.claims[i].id);
    REQUIRE(a.claims[i].where == b.claims[i].where);
    REQUIRE(a.claims[i].line == b.claims[i].line);
    REQUIRE(a.claims[i].error == b.claims[i].error);
  }
}

// Every input is read whole and as a stream in small chunks; both must give the same.
Read ReadAll(const std::string& text) {
  Read read, streamed;
  read.problems = ReadX12(text, "in.837", [&](ConvertedClaim& claim) {
    read.claims.push_back(claim);
    return true;
  });
  testing::ChunkedClaimStream chunks(text, false);
  streamed.problems = ReadClaims(InputFormat::X12, chunks, "in.837", [&](ConvertedClaim& claim) {
    streamed.claims.push_back(claim);
    return true;
  });
  RequireSame(read, streamed);
  return read;
}

// One 837P transaction with the given claim segments (after the subscriber's DMG).
std::string Professional(const std::vector<std::string>& claim, const std::string& sep = "~\n") {
  std::vector<std::string> st = {"ST*837*0001*005010X222A1",
                                 "BHT*0019*00*B1*20250101*1200*CH",
                                 "HL*1**20*1",
                                 "NM1*85*2*CLINIC*****XX*1234567893",
                                 "HL*2*1*22*0",
                                 "SBR*P*18*******MB",
                                 "NM1*IL*1*DOE*JANE****MI*M123",
                                 "DMG*D8*19580412*F"};
  st.insert(st.end(), claim.begin(), claim.end());
  st.push_back("SE*" + std::to_string(st.size() + 1) + "*0001");
  std::string text = Isa('*', '^', ':', '~');
  text.pop_back();
  text += sep + "GS*HC*S*R*20250101*1200*1*X*005010X222A1" + sep;
  for (const std::string& s : st)
    text += s + sep;
  return text + "GE*1*1" + sep + "IEA*1*000000001" + sep;
}

const std::vector<std::string> kX12Claim = {"CLM*C1*25***11:B:1*Y*A*Y*Y", "HI*ABK:Z1211", "LX*1",
                                            "SV1*HC:G0328:33*25*UN*1*11**1", "DTP*472*D8*20250310"};

}  // namespace

TEST_CASE("x12: delimiters come from the ISA, with or without line breaks", "[x12]") {
  const std::string isa = Isa('*', '^', ':', '~');
  REQUIRE(isa.size() == 106);
  for (const std::string& brk : {std::string(), std::string("\n"), std::string("\r\n")}) {
    std::vector<uint64_t> lines;
    const auto segments =
        Split(isa + brk + "GS*HC*A*B~" + brk + "ST*837*0001~" + brk, nullptr, &lines);
    REQUIRE(segments.size() == 3);
    CHECK(segments[0][0] == "ISA");
    CHECK(segments[0].size() == 17);
    CHECK(segments[0][16] == ":");
    CHECK(segments[1] == std::vector<std::string>{"GS", "HC", "A", "B"});
    CHECK(segments[2] == std::vector<std::string>{"ST", "837", "0001"});
    CHECK(lines == std::vector<uint64_t>{1, brk.empty() ? 1u : 2u, brk.empty() ? 1u : 3u});
  }
}

TEST_CASE("x12: other delimiters, and a second interchange with its own", "[x12]") {
  const std::string first = Isa('|', '!', '>', '\n') + "GS|HC|A>B\nIEA|0|000000001\n";
  const std::string second = Isa('*', '^', ':', '~', "000000002") + "GS*HC*A:B~";
  std::string error;
  const auto segments = Split(first + second, &error);
  CHECK(error.empty());
  REQUIRE(segments.size() == 5);
  CHECK(segments[1] == std::vector<std::string>{"GS", "HC", "A>B"});
  CHECK(segments[2] == std::vector<std::string>{"IEA", "0", "000000001"});
  CHECK(segments[3][13] == "000000002");
  CHECK(segments[4] == std::vector<std::string>{"GS", "HC", "A:B"});
  CHECK(X12Components("HC:99213:25", ':') == std::vector<std::string_view>{"HC", "99213", "25"});
}

TEST_CASE("x12: blanks between segments, a last segment without its terminator", "[x12]") {
  const auto segments = Split(Isa('*', '^', ':', '~') + "  \n N3*PO BOX 1~ N4*FRED~\n\nIEA*1*2");
  REQUIRE(segments.size() == 4);
  CHECK(segments[1][0] == "N3");
  CHECK(segments[2][0] == "N4");
  CHECK(segments[3] == std::vector<std::string>{"IEA", "1", "2"});
}

TEST_CASE("x12: an input that does not start with a readable ISA stops with a located error",
          "[x12]") {
  std::string error;
  CHECK(Split("GS*HC~", &error).empty());
  CHECK(error == "1: the input does not start with an ISA segment");
  CHECK(Split("\nISA*00*  *00~", &error).empty());
  CHECK(error.find("2: the ISA segment ends before ISA16") == 0);
  CHECK(Split("ISA 00 01", &error).empty());
  CHECK(error.find("no element separator") != std::string::npos);
  // A component separator that could be part of a code would split `HC:99213` wrongly.
  for (char component : {'A', '5', ' ', '*'}) {
    CHECK(Split(Isa('*', '^', component, '~') + "GS*HC~", &error).empty());
    CHECK(error.find("component separator ISA16") != std::string::npos);
  }
  CHECK_FALSE(Split(Isa('*', '^', '>', '~') + "GS*HC~", &error).empty());
}

TEST_CASE("x12: one CLM becomes one Warrant record", "[x12]") {
  for (const std::string sep : {"~", "~\n", "~\r\n"}) {
    const Read read = ReadAll(Professional(kX12Claim, sep));
    CHECK(read.problems.empty());
    REQUIRE(read.claims.size() == 1);
    CHECK(read.claims[0].error.empty());
    CHECK(read.claims[0].id == "C1");
    CHECK(read.claims[0].json ==
          R"({"id":"C1","patient":{"id":"M123","birth_date":"1958-04-12","sex":"F"},)"
          R"("service_date":"2025-03-10","place_of_service":"11","claim_type":"professional",)"
          R"("frequency":"original","billing_provider":{"npi":"1234567893"},)"
          R"("diagnoses":["Z12.11"],"lines":[{"code":"G0328","modifiers":["33"],"units":1,)"
          R"("dx_pointers":[1],"date":"2025-03-10","place_of_service":"11","charge":25}]})");
  }
}

TEST_CASE("x12: a claim error refuses that claim only, located", "[x12]") {
  std::vector<std::string> claims = kX12Claim;
  claims.insert(claims.end(),
                {"CLM*C2*25***11:B:7", "HI*BK:1739", "LX*1", "SV1*HC:G0328*25*UN*1",
                 "CLM*C3*25***11:B:8", "HI*ABK:Z1211", "LX*2", "SV1*HC:G0328*25*UN*1"});
  claims.insert(claims.end(), kX12Claim.begin(), kX12Claim.end());
  const Read read = ReadAll(Professional(claims));
  CHECK(read.problems.empty());
  REQUIRE(read.claims.size() == 4);
  CHECK(read.claims[0].error.empty());
  CHECK(read.claims[1].id == "C2");
  CHECK(read.claims[1].error ==
        "ISA 000000001, GS 1, ST 0001, segment 15 (HI): HI01 qualifier `BK` marks an ICD-9-CM "
        "code; Warrant reads ICD-10-CM diagnoses (ABK, ABF)");
  CHECK(read.claims[2].id == "C3");
  CHECK(read.claims[2].error.find("segment 20 (LX): LX01 `2` is not 1") != std::string::npos);
  CHECK(read.claims[3].error.empty());
}

TEST_CASE("x12: envelope errors come after every claim before them", "[x12]") {
  std::string text = Professional(kX12Claim);
  text = text.substr(0, text.find("GE*1"));  // no GE, no IEA
  const Read read = ReadAll(text);
  REQUIRE(read.claims.size() == 1);
  CHECK(read.claims[0].error.empty());
  CHECK(read.problems ==
        std::vector<std::string>{
            "in.837:16: the input ends inside functional group GS 1 (no GE)",
            "in.837:16: the input ends inside interchange ISA 000000001 (no IEA)"});
  std::string counted = Professional(kX12Claim);
  counted.replace(counted.find("SE*14"), 5, "SE*15");
  const Read wrong = ReadAll(counted);
  CHECK(wrong.claims.size() == 1);
  REQUIRE(wrong.problems.size() == 1);
  CHECK(wrong.problems[0] ==
        "in.837:16: ISA 000000001, GS 1, ST 0001, segment 14 (SE): SE01 says `15` segments, "
        "the transaction set has 14 (ST and SE included)");
}

TEST_CASE("x12: what one claim says is not carried into the next", "[x12]") {
  // The reader reuses its claim from CLM to CLM: a replacement's REF*F8 must not reach the
  // original after it.
  std::vector<std::string> claims = {
      "CLM*R1*25***11:B:7*Y*A*Y*Y", "REF*F8*C0",          "HI*ABK:Z1211", "LX*1",
      "SV1*HC:G0328*25*UN*1",       "DTP*472*D8*20250310"};
  claims.insert(claims.end(), kX12Claim.begin(), kX12Claim.end());
  const Read read = ReadAll(Professional(claims));
  CHECK(read.problems.empty());
  REQUIRE(read.claims.size() == 2);
  CHECK(read.claims[0].json.find(R"("frequency":"replacement")") != std::string::npos);
  CHECK(read.claims[0].json.find(R"("original_id":"C0")") != std::string::npos);
  CHECK(read.claims[1].json.find(R"("frequency":"original")") != std::string::npos);
  CHECK(read.claims[1].json.find("original_id") == std::string::npos);
}
