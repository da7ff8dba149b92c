#include "runtime/engine/ndjson_text.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "runtime/engine/chunk_records.h"
#include "runtime/engine/ordered_chunks.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"

namespace warrant {
namespace {

// What one chunk decided.
struct Decided {
  ChunkRecords records;
  uint64_t lines = 0;  // lines starting in the chunk, blank ones included

  void Clear() {
    records.Clear();
    lines = 0;
  }
};

// Decides the lines starting in [begin, end) of `text` (split by NdjsonTextLines: a line is
// parsed in place when kJsonPadding bytes of the text follow it, else copied with padding).
void DecideChunk(Session& session, std::string_view text, size_t begin, size_t end, Decided& d) {
  NdjsonTextLines lines(text, begin, end, begin == 0, false, NdjsonReader::kDefaultMaxLineBytes);
  NdjsonLine line;
  RecordError error;
  while (lines.Next(line)) {
    // `line.number` is the chunk's own count: the decoder does not read it, WriteChunk completes
    // it.
    if (session.Evaluate(line, error)) {
      session.AppendDecisions(d.records.out);
    } else {
      d.records.malformed.push_back({d.records.out.size(), line.number, error});
    }
  }
  d.lines = lines.lines();
}

// Writes a chunk's records, its error records numbered after the `before` lines that precede it.
void WriteChunk(const Session& session, const Decided& d, uint64_t before, std::string& record,
                const NdjsonWrite& write) {
  d.records.Replay([&](std::string_view text) { write(text); },
                   [&](const ChunkRecords::Malformed& m) {
                     record.clear();
                     session.AppendError(m.error, before + m.line, record);
                     write(record);
                   });
}

}  // namespace

uint64_t DecideNdjsonText(const Engine& engine, std::string_view text, int jobs,
                          const NdjsonWrite& write, size_t chunk_bytes) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 1);
  const size_t chunks = (text.size() + chunk_bytes - 1) / chunk_bytes;
  const int workers = static_cast<int>(
      std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), std::max<size_t>(chunks, 1)));
  // At most 4 chunks per worker decided ahead of the one being written, in reused buffers.
  OrderedChunks order(workers, 4 * static_cast<size_t>(workers));
  std::vector<Decided> slots(order.window());
  std::vector<std::optional<Session>> sessions(order.workers());
  std::string record;                  // the writer's
  uint64_t before = 0, malformed = 0;  // the writer's: lines and malformed lines written
  order.Run([&](size_t c) { return c < chunks; },
            [&](size_t worker, size_t c) {
              if (!sessions[worker])
                sessions[worker].emplace(engine);
              const size_t begin = c * chunk_bytes;
              DecideChunk(*sessions[worker], text, begin,
                          std::min(begin + chunk_bytes, text.size()), slots[c % slots.size()]);
            },
            [&](size_t worker, size_t c) {
              Decided& d = slots[c % slots.size()];
              WriteChunk(*sessions[worker], d, before, record, write);
              before += d.lines;
              malformed += d.records.malformed.size();
              d.Clear();
            });
  return malformed;
}

}  // namespace warrant
