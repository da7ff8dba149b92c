// The work of POST /v1/decide and POST /v1/explain, without HTTP: a request body and its
// Content-Type and Accept headers in, a status, a content type and a body out.
//
// A body is one Warrant JSON claim, or an X12 837 or FHIR input when the Content-Type names the
// format (application/edi-x12, application/fhir+json) or its first bytes do (ISA, a resourceType);
// X12 and FHIR are converted by the runtime's readers (runtime/formats) exactly as `warrant run`
// converts them, so a claim gets the same decision records over HTTP as from the CLI. A claim
// that cannot be decoded is a 400 whose JSON error carries the record error code (R07xx).
// Each thread keeps a Worker: a Session, reused from request to request while the pack stays
// the same, so deciding allocates nothing in the steady state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "service/metrics.h"

namespace warrant::service {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// The JSON body of an error reply: {"error":{"status":404,"code":"not_found","message":"..."}}.
// `code` is a record error code (R0701) for a claim that cannot be decoded, else a word; `field`
// (the record error's JSON path, "lines[0].units") is added when not empty.
Reply ErrorReply(int status, std::string_view code, std::string_view message,
                 std::string_view field = {});

// One thread's scratch space, rebuilt when the pack it was made for is replaced.
class Worker {
 public:
  // The Session for `engine`, made anew when the engine is not the one of the last request. The
  // Worker holds the engine while the session refers to it.
  Session& SessionFor(const std::shared_ptr<const Engine>& engine);

  TraceRecorder recorder;
  std::string out;

 private:
  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<Session> session_;
};

// POST /v1/decide: the decision records of every claim of `body`, as a JSON array (the default)
// or NDJSON when `accept` asks for application/x-ndjson. Counts each line's decision in `metrics`.
Reply Decide(const std::shared_ptr<const Engine>& engine, Worker& worker, std::string_view body,
             std::string_view content_type, std::string_view accept, Metrics& metrics);

// POST /v1/explain: the explanation of the one claim of `body`, as JSON (the default) or as the
// text of `warrant explain` when `accept` asks for text/plain.
Reply Explain(const std::shared_ptr<const Engine>& engine, Worker& worker, std::string_view body,
              std::string_view content_type, std::string_view accept);

}  // namespace warrant::service
