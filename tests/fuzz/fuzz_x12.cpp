// X12 text -> the X12 837 reader, then each converted claim decided against the examples' pack.
// What must hold for any input: no crash, every claim the sink gets has a record or an error
// (never both, never neither), a claim's record is one line of JSON, envelope errors name the
// input, and reading the same text twice gives the same claims.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/formats/claim_source.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void Fail(const char* why) {
  std::fprintf(stderr, "fuzz_x12: %s\n", why);
  std::abort();
}

std::vector<std::string> Read(std::string_view text, std::vector<warrant::ConvertedClaim>& out) {
  return warrant::ReadX12(text, "in.837", [&](warrant::ConvertedClaim& claim) {
    out.push_back(claim);
    return true;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<warrant::ConvertedClaim> claims, again;
  const std::vector<std::string> problems = Read(text, claims);
  for (const std::string& problem : problems) {
    if (problem.rfind("in.837", 0) != 0)
      Fail("an envelope error does not name the input");
  }
  for (const warrant::ConvertedClaim& claim : claims) {
    if (claim.json.empty() == claim.error.empty())
      Fail("a claim has both a record and an error, or neither");
    if (claim.json.find('\n') != std::string::npos)
      Fail("a claim's record spans lines");
    if (claim.error.empty())
      warrant::fuzz::DecideRecord(warrant::fuzz::ExampleEngine(), claim.json);
  }
  if (Read(text, again) != problems || again.size() != claims.size())
    Fail("reading the same input twice differs");
  for (size_t i = 0; i < claims.size(); ++i) {
    if (again[i].json != claims[i].json || again[i].error != claims[i].error)
      Fail("reading the same input twice differs");
  }
  return 0;
}
