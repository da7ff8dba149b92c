#include "service/routes.h"

#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/explain/explain_render.h"
#include "runtime/formats/claim_input.h"
#include "runtime/formats/claim_source.h"

namespace warrant::service {
namespace {

// The name a request's input has in record error messages.
constexpr std::string_view kInputName = "request";
constexpr size_t kSniffBytes = 4096;

bool Contains(std::string_view header, std::string_view word) {
  if (word.size() > header.size())
    return false;
  for (size_t i = 0; i + word.size() <= header.size(); ++i) {
    size_t k = 0;
    while (k < word.size() && std::tolower(static_cast<unsigned char>(header[i + k])) == word[k])
      ++k;
    if (k == word.size())
      return true;
  }
  return false;
}

// The Content-Type names X12 (application/edi-x12, application/x12) or FHIR
// (application/fhir+json); otherwise the body's first bytes tell, as for `warrant run`.
InputFormat FormatOf(std::string_view content_type, std::string_view body) {
  if (Contains(content_type, "x12"))
    return InputFormat::X12;
  if (Contains(content_type, "fhir"))
    return InputFormat::Fhir;
  return SniffFormat(body.substr(0, kSniffBytes));
}

struct Claims {
  std::vector<std::string_view> json;
  std::vector<const ConvertedClaim*> converted;  // null for a Warrant JSON body
  ConvertedInput input;                          // owns the converted claims' text
};

// The claims of a body; false with `reply` set when the input itself is unusable.
bool ReadBody(std::string_view body, std::string_view content_type, Claims& claims, Reply& reply) {
  const InputFormat format = FormatOf(content_type, body);
  if (format == InputFormat::Ndjson) {
    claims.json.push_back(body);
    claims.converted.push_back(nullptr);
    return true;
  }
  claims.input = ConvertClaims(format, body, kInputName);
  if (!claims.input.problems.empty()) {
    reply = ErrorReply(400, RecordErrorId(RecordErrorCode::NotConverted),
                       claims.input.problems.front());
    return false;
  }
  if (claims.input.claims.empty()) {
    reply = ErrorReply(400, "no_claim",
                       fmt::format("the {} input holds no claim", InputFormatName(format)));
    return false;
  }
  for (const ConvertedClaim& claim : claims.input.claims) {
    claims.json.push_back(claim.json);
    claims.converted.push_back(&claim);
  }
  return true;
}

// Decodes and decides claim `i`; false with `reply` set to its record error.
bool Evaluate(Session& session, const Claims& claims, size_t i, TraceSink* trace, Reply& reply) {
  RecordError error;
  const ConvertedClaim* converted = claims.converted[i];
  bool decoded;
  if (converted != nullptr && !converted->error.empty()) {
    error = ConversionError(*converted);
    decoded = false;
  } else {
    decoded = session.Evaluate(claims.json[i], error, trace);
    if (!decoded && converted != nullptr)
      LocateRecordError(*converted, error);
  }
  if (!decoded) {
    reply = ErrorReply(400, RecordErrorId(error.code), error.message, error.field);
  }
  return decoded;
}

}  // namespace

Reply ErrorReply(int status, std::string_view code, std::string_view message,
                 std::string_view field) {
  Reply reply;
  reply.status = status;
  reply.body = fmt::format("{{\"error\":{{\"status\":{},\"code\":{},\"message\":{}", status,
                           JsonString(code), JsonString(message));
  if (!field.empty())
    reply.body += fmt::format(",\"field\":{}", JsonString(field));
  reply.body += "}}\n";
  return reply;
}

Session& Worker::SessionFor(const std::shared_ptr<const Engine>& engine) {
  if (engine != engine_ || !session_) {
    session_.reset();  // before the engine it refers to can go
    engine_ = engine;
    session_ = std::make_unique<Session>(*engine_);
  }
  return *session_;
}

Reply Decide(const std::shared_ptr<const Engine>& engine, Worker& worker, std::string_view body,
             std::string_view content_type, std::string_view accept, Metrics& metrics) {
  Reply reply;
  Claims claims;
  if (!ReadBody(body, content_type, claims, reply))
    return reply;
  Session& session = worker.SessionFor(engine);
  std::string& records = worker.out;
  records.clear();
  std::array<uint32_t, static_cast<size_t>(Decision::Rejected) + 1> decided{};
  for (size_t i = 0; i < claims.json.size(); ++i) {
    if (!Evaluate(session, claims, i, nullptr, reply))
      return reply;
    session.AppendDecisions(records);
    for (const LineDecision& line : session.decision().lines)
      decided[static_cast<size_t>(line.decision)]++;
  }
  for (size_t d = 0; d < decided.size(); ++d) {
    for (uint32_t n = 0; n < decided[d]; ++n)
      metrics.CountDecision(static_cast<Decision>(d));
  }
  if (Contains(accept, "ndjson")) {
    reply.content_type = "application/x-ndjson";
    reply.body = records;
    return reply;
  }
  // Each record ends in '\n': the array puts a ',' between them instead.
  reply.body.reserve(records.size() + 2);
  reply.body += '[';
  size_t begin = 0;
  while (begin < records.size()) {
    size_t end = records.find('\n', begin);
    if (end == std::string::npos)
      end = records.size();
    if (begin != 0)
      reply.body += ',';
    reply.body.append(records, begin, end - begin);
    begin = end + 1;
  }
  reply.body += "]\n";
  return reply;
}

Reply Explain(const std::shared_ptr<const Engine>& engine, Worker& worker, std::string_view body,
              std::string_view content_type, std::string_view accept) {
  Reply reply;
  Claims claims;
  if (!ReadBody(body, content_type, claims, reply))
    return reply;
  if (claims.json.size() != 1) {
    return ErrorReply(
        400, "one_claim",
        fmt::format("explain takes one claim; the input holds {}", claims.json.size()));
  }
  Session& session = worker.SessionFor(engine);
  worker.recorder.Clear();
  // Decoded whole, as `warrant explain` decodes (an explanation may show fields no rule reads);
  // the worker's session goes back to the pack's fields for the decisions after it.
  session.SetDecodeAll(true);
  const bool evaluated = Evaluate(session, claims, 0, &worker.recorder, reply);
  session.SetDecodeAll(false);
  if (!evaluated)
    return reply;
  Explainer explainer(*engine);
  Explanation x =
      warrant::Explain(explainer, session.claim(), session.decision(), worker.recorder.events());
  if (Contains(accept, "text/plain")) {
    reply.content_type = "text/plain; charset=utf-8";
    WriteExplainText(x, reply.body);
  } else {
    WriteExplainJson(x, reply.body);
    reply.body += '\n';
  }
  return reply;
}

}  // namespace warrant::service
