// Pack x claims -> decisions. The input is a u32 (little-endian) pack length, the pack bytes
// (hash rewritten, so mutated bytecode reaches the verifier and, if it passes, the VM), then
// NDJSON claims. Each claim is decided by one Session that has decided the claims before it and
// by a fresh one: the outputs must be identical (no state leaks from claim to claim). Each is
// also decided under the explain recorder, which must not change a decision, and explained in
// every form (text, JSON, HTML, the evidence of run --explain).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/explain/evidence.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_render.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4)
    return 0;
  uint32_t pack_size = 0;
  for (int i = 0; i < 4; ++i)
    pack_size |= static_cast<uint32_t>(data[i]) << (8 * i);
  pack_size = std::min<uint32_t>(pack_size, static_cast<uint32_t>(size - 4));
  std::vector<uint8_t> pack(data + 4, data + 4 + pack_size);
  warrant::fuzz::Seal(pack);
  std::string error;
  auto engine = warrant::Engine::FromPack(pack, &error);
  if (!engine)
    return 0;

  std::string_view claims(reinterpret_cast<const char*>(data) + 4 + pack_size,
                          size - 4 - pack_size);
  warrant::Session reused(*engine);
  size_t at = 0;
  while (at < claims.size()) {
    size_t end = claims.find('\n', at);
    if (end == std::string_view::npos)
      end = claims.size();
    std::string_view json = claims.substr(at, end - at);
    at = end + 1;
    if (json.empty())
      continue;
    std::string fresh = warrant::fuzz::DecideRecord(*engine, json);
    std::string again;
    warrant::RecordError record_error;
    if (reused.Evaluate(json, record_error)) {
      reused.AppendDecisions(again);
    } else {
      reused.AppendError(record_error, 1, again);
    }
    if (fresh != again) {
      std::fprintf(stderr, "decisions depend on the claims decided before:\n%s---\n%s",
                   fresh.c_str(), again.c_str());
      std::abort();
    }
    warrant::Session traced(*engine);
    warrant::TraceRecorder recorder;
    if (traced.Evaluate(json, record_error, &recorder)) {
      std::string with_trace;
      traced.AppendDecisions(with_trace);
      if (with_trace != fresh) {
        std::fprintf(stderr, "tracing changed a decision:\n%s---\n%s", fresh.c_str(),
                     with_trace.c_str());
        std::abort();
      }
      const warrant::Explainer explainer(*engine);
      warrant::Explanation x =
          warrant::Explain(explainer, traced.claim(), traced.decision(), recorder.events());
      std::string text, json_out, html, evidence;
      warrant::WriteExplainText(x, text);
      warrant::WriteExplainJson(x, json_out);
      warrant::WriteExplainHtml(x, json, html);
      warrant::EvidenceRecorder notes(explainer);
      notes.Record(traced);
      traced.AppendDecisions(evidence, &notes);
    }
  }
  return 0;
}
