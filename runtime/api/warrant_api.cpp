// The public API (include/warrant/warrant.h) over the runtime's Engine, Session and Explain.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>

#include "runtime/engine/engine.h"
#include "runtime/engine/ndjson_text.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_render.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "warrant/warrant.h"

namespace warrant::api {

struct Engine::Impl {
  std::unique_ptr<warrant::Engine> engine;
  std::unique_ptr<Explainer> explainer;  // prepared once, shared by every Session
};

namespace {

[[noreturn]] void ThrowRecordError(const RecordError& error) {
  throw Error(std::string(RecordErrorId(error.code)), error.message);
}

}  // namespace

Engine Engine::FromPack(std::span<const std::uint8_t> bytes) {
  std::string problem;
  auto impl = std::make_shared<Impl>();
  impl->engine = warrant::Engine::FromPack(bytes, &problem);
  if (!impl->engine)
    throw Error("E0005", "not a usable pack: " + problem);
  impl->explainer = std::make_unique<Explainer>(*impl->engine);
  return Engine(std::move(impl));
}

Engine Engine::FromFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // As the CLI's E0001: the path and the system's reason.
    throw Error("E0001", "cannot read `" + path +
                             "`: " + (errno != 0 ? std::strerror(errno) : "it cannot be opened"));
  }
  std::string bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  } catch (const std::exception&) {  // libstdc++ throws from the buffer (a directory, EIO)
    throw Error("E0001", "cannot read `" + path +
                             "`: " + (errno != 0 ? std::strerror(errno) : "reading failed"));
  }
  try {
    return FromPack({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  } catch (const Error& e) {
    throw Error(e.code(), "`" + path + "` is " + e.what());
  }
}

const std::string& Engine::PackHash() const {
  return impl_->engine->pack_hash();
}

std::string Engine::DecideNdjson(std::string_view ndjson, int jobs, std::uint64_t* errors) const {
  std::string out;
  out.reserve(ndjson.size());  // decision records are usually smaller than their claims
  const uint64_t malformed =
      DecideNdjson(ndjson, jobs, [&](std::string_view piece) { out += piece; });
  if (errors)
    *errors = malformed;
  return out;
}

std::uint64_t Engine::DecideNdjson(std::string_view ndjson, int jobs,
                                   const std::function<void(std::string_view)>& write) const {
  return DecideNdjsonText(*impl_->engine, ndjson, jobs, write);
}

struct Session::State {
  std::shared_ptr<const Engine::Impl> impl;  // keeps the pack alive
  warrant::Session session;
  TraceRecorder recorder;
  std::string padded;  // the claim being decided, followed by kJsonPadding bytes

  explicit State(std::shared_ptr<const Engine::Impl> engine)
      : impl(std::move(engine)), session(*impl->engine) {}
};

Session::Session(const Engine& engine) : state_(std::make_unique<State>(engine.impl_)) {}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::SetStrict(bool on) {
  state_->session.SetStrict(on);
}

void Session::Decide(std::string_view claim_json, std::string& out) {
  // Decoded as `warrant run` decodes a line (in place, padded), so a malformed record gets the
  // same code and message as in the CLI's error record.
  State& s = *state_;
  const bool too_large = claim_json.size() > kMaxRecordBytes;
  s.padded.assign(too_large ? std::string_view() : claim_json);
  s.padded.append(kJsonPadding, ' ');
  const NdjsonLine line{std::string_view(s.padded.data(), s.padded.size() - kJsonPadding), 1,
                        too_large};
  RecordError error;
  if (!s.session.Evaluate(line, error))
    ThrowRecordError(error);
  s.session.AppendDecisions(out);
}

std::string Session::Explain(std::string_view claim_json, ExplainFormat format) {
  State& s = *state_;
  s.recorder.Clear();
  RecordError error;
  // Decoded as `warrant explain` decodes its claims: every field, then back to the pack's fields
  // for the decisions after it.
  s.session.SetDecodeAll(true);
  const bool evaluated = s.session.Evaluate(claim_json, error, &s.recorder);
  s.session.SetDecodeAll(false);
  if (!evaluated)
    ThrowRecordError(error);
  Explanation x = warrant::Explain(*s.impl->explainer, s.session.claim(), s.session.decision(),
                                   s.recorder.events());
  std::string out;
  if (format == ExplainFormat::Json) {
    WriteExplainJson(x, out);
  } else {
    WriteExplainText(x, out);
  }
  return out;
}

}  // namespace warrant::api
