// Claim JSON -> the NDJSON reader and the record decoder, then decisions against the examples'
// pack. A small reader buffer makes lines cross chunk boundaries and hit the line-length cap.
#include <sstream>
#include <string>

#include "runtime/ndjson.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const warrant::Engine& engine = warrant::fuzz::ExampleEngine();
  std::string text(reinterpret_cast<const char*>(data), size);
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
