// Claim JSON -> the NDJSON reader and the record decoder, then decisions against the examples'
// pack. A small reader buffer makes lines cross chunk boundaries and hit the line-length cap.
// The decoder's fast path and its full path must agree on every input (outcome, Claim, error).
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/claim_equal.h"

namespace {

void CheckPathsAgree(const warrant::Engine& engine, const std::string& text) {
  static warrant::RecordDecoder* fast = new warrant::RecordDecoder(engine.program().schema);
  static warrant::RecordDecoder* full = [&] {
    auto* d = new warrant::RecordDecoder(engine.program().schema);
    d->SetFastPath(false);
    return d;
  }();
  warrant::Claim a, b;
  warrant::RecordError ea, eb;
  const bool ok_a = fast->Decode(text, a, ea);
  const bool ok_b = full->Decode(text, b, eb);
  std::string difference;
  if (ok_a != ok_b) {
    difference = ok_a ? "only the fast path accepts it" : "only the full path accepts it";
  } else if (ok_a) {
    difference = warrant::testing::ClaimDifference(a, b);
  } else if (ea.code != eb.code || ea.message != eb.message || ea.field != eb.field ||
             ea.claim_id != eb.claim_id) {
    difference = "error: " + ea.message + " | " + eb.message;
  }
  if (!difference.empty()) {
    std::fprintf(stderr, "fast and full record decoding differ: %s\n", difference.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const warrant::Engine& engine = warrant::fuzz::ExampleEngine();
  std::string text(reinterpret_cast<const char*>(data), size);
  CheckPathsAgree(engine, text);
  // The whole input as one record (Session copies it into a padded buffer)...
  warrant::fuzz::DecideRecord(engine, text);
  // ...and as a stream of lines parsed in place.
  std::istringstream in(text);
  warrant::NdjsonReader reader(in, 64, 4096);
  warrant::Session session(engine);
  warrant::NdjsonLine line;
  std::string out;
  while (reader.Next(line)) {
    warrant::RecordError error;
    if (session.Evaluate(line, error)) {
      session.AppendDecisions(out);
    } else {
      session.AppendError(error, line.number, out);
    }
  }
  return 0;
}
