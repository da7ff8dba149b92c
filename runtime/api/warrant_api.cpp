// The public API (include/warrant/warrant.h) over the runtime's Engine, Session and Explain.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
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

// The non-blank lines of an NDJSON text, split exactly as `warrant run` splits its input
// (NdjsonReader: a CR before the LF and a byte order mark on line 1 dropped, blank lines skipped
// but counted). Views into the caller's text: no copy.
struct Lines {
  struct Line {
    size_t begin = 0, size = 0;
    uint64_t number = 0;
  };

  std::string_view text;
  std::vector<Line> lines;

  explicit Lines(std::string_view ndjson) : text(ndjson) {
    static constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    lines.reserve(ndjson.size() / 256 + 1);
    uint64_t number = 0;
    for (size_t begin = 0; begin < ndjson.size();) {
      size_t end = ndjson.find('\n', begin);
      const size_t next = end == std::string_view::npos ? ndjson.size() : end + 1;
      if (end == std::string_view::npos)
        end = ndjson.size();
      ++number;
      std::string_view line = ndjson.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (number == 1 && line.substr(0, kByteOrderMark.size()) == kByteOrderMark)
        line.remove_prefix(kByteOrderMark.size());
      if (line.find_first_not_of(" \t\r") != std::string_view::npos)
        lines.push_back({static_cast<size_t>(line.data() - ndjson.data()), line.size(), number});
      begin = next;
    }
  }

  size_t size() const { return lines.size(); }
};

// Decides lines [from, to) into `out`; returns the number of malformed lines. A line is parsed
// in place when kJsonPadding bytes of the text follow it (simdjson reads, never uses, them);
// the last lines are copied to `scratch` with padding.
uint64_t DecideRange(warrant::Session& session, const Lines& lines, size_t from, size_t to,
                     std::string& scratch, std::string& out) {
  uint64_t errors = 0;
  RecordError error;
  for (size_t i = from; i < to; ++i) {
    const Lines::Line& at = lines.lines[i];
    const bool too_large = at.size > kMaxRecordBytes;
    std::string_view text = lines.text.substr(at.begin, too_large ? 0 : at.size);
    if (at.begin + text.size() + kJsonPadding > lines.text.size()) {
      scratch.assign(text);
      scratch.append(kJsonPadding, ' ');
      text = std::string_view(scratch.data(), text.size());
    }
    if (session.Evaluate(NdjsonLine{text, at.number, too_large}, error)) {
      session.AppendDecisions(out);
    } else {
      session.AppendError(error, at.number, out);
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
  const Lines lines(ndjson);
  std::string out;
  uint64_t malformed = 0;
  const size_t batches = (lines.size() + kBatchLines - 1) / kBatchLines;
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), batches);
  if (workers <= 1) {
    // One thread: straight into the result, sized once from the input's size.
    warrant::Session session(*impl_->engine);
    std::string scratch;
    out.reserve(ndjson.size());
    malformed = DecideRange(session, lines, 0, lines.size(), scratch, out);
  } else {
    // Batches are taken in turn by whichever thread is free and appended to the result in input
    // order as soon as every earlier one is (so the result does not depend on `jobs`). Their
    // buffers are reused: fresh ones would fault in new pages for every batch.
    std::mutex mutex;
    std::vector<std::string> done(batches);  // decided, waiting for an earlier batch
    std::vector<bool> ready(batches, false);
    std::vector<std::string> spare;
    size_t written = 0;
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> bad{0};
    out.reserve(ndjson.size());
    auto work = [&] {
      warrant::Session session(*impl_->engine);
      std::string scratch, batch;
      uint64_t mine = 0;
      for (size_t b; (b = next.fetch_add(1)) < batches;) {
        const size_t from = b * kBatchLines;
        mine += DecideRange(session, lines, from, std::min(from + kBatchLines, lines.size()),
                            scratch, batch);
        std::lock_guard lock(mutex);
        done[b].swap(batch);
        ready[b] = true;
        for (; written < batches && ready[written]; ++written) {
          out += done[written];
          done[written].clear();
          spare.push_back(std::move(done[written]));
        }
        if (!spare.empty()) {
          batch = std::move(spare.back());
          spare.pop_back();
        }
      }
      bad += mine;
    };
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w)
      threads.emplace_back(work);
    for (std::thread& t : threads)
      t.join();
    malformed = bad;
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
