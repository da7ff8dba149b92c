// FHIR R4 input -> the FHIR reader, each converted claim decoded and decided against the
// examples' pack, and the decisions written back as a ClaimResponse. What must hold for any
// input: the reader never crashes; every claim it produces is either a record or an error with a
// message; a record it produces is JSON; and every ClaimResponse is one line of JSON.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <simdjson.h>

#include "runtime/formats/fhir.h"
#include "runtime/formats/fhir_response.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void RequireJson(const std::string& text, const char* what) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(text).get(e) != simdjson::SUCCESS) {
    std::fprintf(stderr, "%s is not JSON: %s\n", what, text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const warrant::Engine& engine = warrant::fuzz::ExampleEngine();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  warrant::FhirCounts counts;
  warrant::ReadFhirCounted(
      text, "fuzz.json",
      [&](warrant::ConvertedClaim& claim) {
        if (claim.json.empty() == claim.error.empty()) {
          std::fprintf(stderr, "a claim must be a record or an error, not both or neither\n");
          std::abort();
        }
        if (!claim.error.empty())
          return true;
        RequireJson(claim.json, "a converted claim");
        const std::string decisions = warrant::fuzz::DecideRecord(engine, claim.json);
        std::string response;
        warrant::ClaimResponseInput input;
        input.decisions = decisions;
        input.pack = engine.pack_hash();
        input.created = "2026-01-01T00:00:00Z";
        input.item_sequences = claim.item_sequences;
        warrant::AppendClaimResponse(input, response);
        if (response.empty() || response.back() != '\n' ||
            response.find('\n') != response.size() - 1) {
          std::fprintf(stderr, "a ClaimResponse is not one line\n");
          std::abort();
        }
        RequireJson(response, "a ClaimResponse");
        return true;
      },
      counts);
  return 0;
}
