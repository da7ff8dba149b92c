// The public API (include/warrant/warrant.h) over the runtime's Engine, Session and Explain.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <istream>
#include <iterator>
#include <streambuf>
#include <thread>
#include <vector>

#include "runtime/engine/engine.h"
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

constexpr size_t kBatchLines = 512;

[[noreturn]] void ThrowRecordError(const RecordError& error) {
  throw Error(std::string(RecordErrorId(error.code)), error.message);
}

// An istream over memory the caller owns, for NdjsonReader.
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only read: setg takes non-const pointers
    setg(begin, begin, begin + text.size());
  }
};

// Every non-blank line of an NDJSON text, copied once with kJsonPadding bytes after each so the
// decoder parses it in place, split exactly as `warrant run` splits its input (NdjsonReader).
struct Lines {
  std::string text;
  std::vector<size_t> begins, ends;
  std::vector<uint64_t> numbers;
  std::vector<bool> too_large;

  explicit Lines(std::string_view ndjson) {
    MemoryBuffer buffer(ndjson);
    std::istream in(&buffer);
    NdjsonReader reader(in);
    NdjsonLine line;
    text.reserve(ndjson.size() + ndjson.size() / 8);
    while (reader.Next(line)) {
      const bool large = line.truncated || line.text.size() > kMaxRecordBytes;
      begins.push_back(text.size());
      if (!large)
        text.append(line.text);
      ends.push_back(text.size());
      text.append(kJsonPadding, ' ');
      numbers.push_back(line.number);
      too_large.push_back(large);
    }
  }

  size_t size() const { return numbers.size(); }

  NdjsonLine At(size_t i) const {
    return {std::string_view(text.data() + begins[i], ends[i] - begins[i]), numbers[i],
            too_large[i]};
  }
};

// Decides lines [from, to) into `out`; returns the number of malformed lines.
uint64_t DecideRange(warrant::Session& session, const Lines& lines, size_t from, size_t to,
                     std::string& out) {
  uint64_t errors = 0;
  RecordError error;
  for (size_t i = from; i < to; ++i) {
    const NdjsonLine line = lines.At(i);
    if (session.Evaluate(line, error)) {
      session.AppendDecisions(out);
    } else {
      session.AppendError(error, line.number, out);
      ++errors;
    }
  }
  return errors;
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
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  if (in)
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof())
    throw Error("E0001", "cannot read `" + path + "`");
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
  const Lines lines(ndjson);
  const size_t batches = (lines.size() + kBatchLines - 1) / kBatchLines;
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), batches);
  std::vector<std::string> outputs(batches);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> malformed{0};
  // Batches are taken in turn by whichever thread is free; each writes its own buffer, and the
  // buffers are joined in input order, so the result does not depend on `jobs`.
  auto work = [&] {
    warrant::Session session(*impl_->engine);
    uint64_t bad = 0;
    for (size_t b; (b = next.fetch_add(1)) < batches;) {
      const size_t from = b * kBatchLines;
      bad +=
          DecideRange(session, lines, from, std::min(from + kBatchLines, lines.size()), outputs[b]);
    }
    malformed += bad;
  };
  if (workers <= 1) {
    if (batches > 0)
      work();
  } else {
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w)
      threads.emplace_back(work);
    for (std::thread& t : threads)
      t.join();
  }
  size_t total = 0;
  for (const std::string& part : outputs)
    total += part.size();
  std::string out;
  out.reserve(total);
  for (std::string& part : outputs) {
    out += part;
    std::string().swap(part);
  }
  if (errors)
    *errors = malformed;
  return out;
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
  // Decoded as `warrant explain` decodes its claims.
  if (!s.session.Evaluate(claim_json, error, &s.recorder))
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
