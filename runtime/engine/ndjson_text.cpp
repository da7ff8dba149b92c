#include "runtime/engine/ndjson_text.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"

namespace warrant {
namespace {

// What one chunk decided: its records, with the malformed lines' error records still to be
// written (their input line numbers need the count of the lines before the chunk).
struct Decided {
  struct Malformed {
    size_t at = 0;      // where in `out` its error record goes
    uint64_t line = 0;  // 1-based within the chunk
    RecordError error;
  };

  std::string out;
  std::vector<Malformed> malformed;
  uint64_t lines = 0;  // lines starting in the chunk, blank ones included
  bool ready = false;

  void Clear() {
    out.clear();
    malformed.clear();
    lines = 0;
    ready = false;
  }
};

// Decides the lines starting in [begin, end) of `text`. A line is parsed in place when
// kJsonPadding bytes of the text follow it (simdjson reads, never uses, them); the last lines
// are copied to `scratch` with padding.
void DecideChunk(Session& session, std::string_view text, size_t begin, size_t end,
                 std::string& scratch, Decided& d) {
  const char* data = text.data();
  size_t at = begin;
  if (begin > 0) {
    // The line under way at `begin` is the previous chunk's: start after its newline.
    const void* newline = std::memchr(data + begin - 1, '\n', end - begin);
    if (newline == nullptr)
      return;
    at = static_cast<size_t>(static_cast<const char*>(newline) - data) + 1;
  }
  RecordError error;
  while (at < end) {
    const void* newline = std::memchr(data + at, '\n', text.size() - at);
    const size_t stop =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - data) : text.size();
    const uint64_t number = ++d.lines;
    // Numbered within the chunk: only the first chunk's line 1 is the input's.
    std::string_view line =
        NdjsonLineText(std::string_view(data + at, stop - at), begin == 0 ? number : 0);
    at = newline ? stop + 1 : text.size();
    if (IsBlankNdjsonLine(line))
      continue;
    const bool too_large = line.size() > kMaxRecordBytes;
    if (too_large)
      line = line.substr(0, 0);
    const size_t offset = static_cast<size_t>(line.data() - data);
    if (offset + line.size() + kJsonPadding > text.size()) {
      scratch.assign(line);
      scratch.append(kJsonPadding, ' ');
      line = std::string_view(scratch.data(), line.size());
    }
    // `number` is the chunk's own count: the decoder does not read it, WriteChunk completes it.
    if (session.Evaluate(NdjsonLine{line, number, too_large}, error)) {
      session.AppendDecisions(d.out);
    } else {
      d.malformed.push_back({d.out.size(), number, error});
    }
  }
}

// Writes a chunk's records, its error records numbered after the `before` lines that precede it.
void WriteChunk(const Session& session, const Decided& d, uint64_t before, std::string& record,
                const NdjsonWrite& write) {
  size_t from = 0;
  for (const Decided::Malformed& m : d.malformed) {
    if (m.at > from)
      write(std::string_view(d.out).substr(from, m.at - from));
    record.clear();
    session.AppendError(m.error, before + m.line, record);
    write(record);
    from = m.at;
  }
  if (d.out.size() > from)
    write(std::string_view(d.out).substr(from));
}

}  // namespace

uint64_t DecideNdjsonText(const Engine& engine, std::string_view text, int jobs,
                          const NdjsonWrite& write, size_t chunk_bytes) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 1);
  const size_t chunks = (text.size() + chunk_bytes - 1) / chunk_bytes;
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), chunks);
  auto range = [&](size_t c) {
    return std::pair{c * chunk_bytes, std::min((c + 1) * chunk_bytes, text.size())};
  };
  if (workers <= 1) {
    Session session(engine);
    Decided d;
    std::string scratch, record;
    uint64_t before = 0, malformed = 0;
    for (size_t c = 0; c < chunks; ++c) {
      const auto [begin, end] = range(c);
      DecideChunk(session, text, begin, end, scratch, d);
      WriteChunk(session, d, before, record, write);
      before += d.lines;
      malformed += d.malformed.size();
      d.Clear();
    }
    return malformed;
  }

  // Chunk c is decided into slot c % window, taken only once chunk c - window is written: at
  // most `window` chunks' output is held, in buffers that are reused. Whoever finishes the chunk
  // whose turn it is writes it and every chunk ready after it (one writer at a time, outside
  // the lock, so the others go on deciding meanwhile).
  const size_t window = 4 * workers;
  std::vector<Decided> slots(window);
  std::mutex mutex;
  std::condition_variable progressed;
  size_t next = 0;       // the next chunk to take
  size_t written = 0;    // the chunk whose turn it is to be written
  bool writing = false;  // someone is writing
  bool stop = false;     // a worker failed: take nothing more
  std::exception_ptr failure;
  uint64_t before = 0, malformed = 0;  // the writer's: lines and malformed lines written

  auto work = [&] {
    try {
      Session session(engine);
      std::string scratch, record;
      for (;;) {
        size_t c;
        {
          std::unique_lock lock(mutex);
          progressed.wait(lock, [&] { return stop || next >= chunks || next < written + window; });
          if (stop || next >= chunks)
            return;
          c = next++;
        }
        Decided& d = slots[c % window];
        const auto [begin, end] = range(c);
        DecideChunk(session, text, begin, end, scratch, d);
        {
          std::lock_guard lock(mutex);
          d.ready = true;
          if (writing || c != written)
            continue;
          writing = true;
        }
        for (;;) {
          Decided* turn;
          {
            std::lock_guard lock(mutex);
            if (stop || written >= chunks || !slots[written % window].ready) {
              writing = false;
              break;
            }
            turn = &slots[written % window];
          }
          try {
            WriteChunk(session, *turn, before, record, write);
          } catch (...) {
            std::lock_guard lock(mutex);
            writing = false;
            stop = true;  // before anyone else can take the turn to write
            throw;
          }
          before += turn->lines;
          malformed += turn->malformed.size();
          turn->Clear();
          {
            std::lock_guard lock(mutex);
            ++written;
          }
          progressed.notify_all();
        }
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex);
        stop = true;
        if (!failure)
          failure = std::current_exception();
      }
      progressed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no thread to be had: fewer workers (this one finishes the work)
    }
  }
  work();
  for (std::thread& t : threads)
    t.join();
  if (failure)
    std::rethrow_exception(failure);
  return malformed;
}

}  // namespace warrant
