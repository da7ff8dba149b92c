#include "compiler/driver/run_chunks.h"

#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/record_message.h"
#include "runtime/engine/chunk_records.h"
#include "runtime/engine/ordered_chunks.h"
#include "runtime/records/ndjson_chunks.h"

namespace warrant::driver {
namespace {

// A chunk of the input and what deciding it made, until it is written.
struct Slot {
  enum class First : uint8_t { None, Array, Other };  // the chunk's first non-blank line

  NdjsonChunk chunk;
  ChunkRecords records;
  uint64_t lines = 0;  // lines in the chunk, blank ones included
  Counts counts;
  First first = First::None;
};

struct Worker {
  Session session;
  Evidence evidence;

  explicit Worker(const ChunkedRun& run) : session(run.engine), evidence(run.explainer) {
    session.SetStrict(run.strict);
    session.SetDecodeAll(run.explainer != nullptr);  // --explain: evidence may show any field
  }
};

}  // namespace

Counts RunChunks(const ChunkedRun& run, std::istream& in, const MappedFile* mapped, Writer& writer,
                 Progress& progress, std::ostream& err, std::map<std::string, uint64_t>& ignored,
                 bool& read_failed) {
  std::optional<NdjsonChunkReader> read;
  if (mapped != nullptr)
    read.emplace(*mapped);
  else
    read.emplace(in);
  NdjsonChunkReader& reader = *read;
  OrderedChunks order(run.jobs, 4 * static_cast<size_t>(std::max(run.jobs, 1)));
  std::vector<Slot> slots(order.window());
  std::vector<std::unique_ptr<Worker>> workers(order.workers());

  // The writer's: every written chunk's counts, the lines before the chunk being written, whether
  // the input's first non-blank line is behind, and buffers.
  Counts total;
  uint64_t before = 0;
  bool seen_line = false;
  std::string pieces, messages;

  // Writes what `slot` has decided so far, its error records and messages numbered after the
  // lines of the chunks before it.
  auto write_part = [&](const Worker& worker, Slot& slot) {
    if (!seen_line && slot.first != Slot::First::None) {
      seen_line = true;
      if (slot.first == Slot::First::Array)
        PrintPlain(err, diag::DiagCode::ClaimsNotNdjson, run.input_name);
    }
    if (slot.records.malformed.empty()) {
      writer.Write(slot.records.out, messages);
      return;
    }
    size_t shown = writer.messages_shown();
    slot.records.Replay([&](std::string_view text) { pieces.append(text); },
                        [&](const ChunkRecords::Malformed& m) {
                          AppendErrorRecord(worker.session, m.error, before + m.line, nullptr,
                                            run.fhir, pieces);
                          if (shown++ < kMaxErrorMessages)
                            messages += RecordErrorLine(run.input_name, before + m.line, m.error);
                        });
    writer.Write(pieces, messages);
    slot.records.Clear();
  };

  auto take = [&](size_t c) {
    return !writer.failed() && reader.Next(slots[c % slots.size()].chunk);
  };
  auto decide = [&](size_t w, size_t c) {
    if (!workers[w])
      workers[w] = std::make_unique<Worker>(run);
    Worker& worker = *workers[w];
    Slot& slot = slots[c % slots.size()];
    const Session::Spill spill = [&](std::string&) {
      order.WriteAhead(c, [&] { write_part(worker, slot); });
      slot.records.Clear();  // not written when the run is stopping: dropped all the same
    };
    NdjsonChunk::Lines lines(slot.chunk, reader.max_line_bytes());
    NdjsonLine line;
    RecordError error;
    while (!writer.failed() && lines.Next(line)) {
      if (slot.first == Slot::First::None) {
        // A line over the reader's length limit is not taken for an array, however it starts.
        const bool array = slot.chunk.cut ? !slot.chunk.cut_truncated && slot.chunk.cut_first == '['
                                          : !line.truncated && StartsAsJsonArray(line.text);
        slot.first = array ? Slot::First::Array : Slot::First::Other;
      }
      if (!DecideClaim(worker.session, worker.evidence, line, nullptr, slot.records.out,
                       slot.counts, spill, run.fhir, error)) {
        slot.records.malformed.push_back({slot.records.out.size(), line.number, error});
        slot.counts.errors++;
      }
      if (slot.records.out.size() > kSpillBytes)
        spill(slot.records.out);
    }
    slot.lines = lines.lines();
  };
  auto write = [&](size_t w, size_t c) {
    Slot& slot = slots[c % slots.size()];
    write_part(*workers[w], slot);
    before += slot.lines;
    total.Add(slot.counts);
    progress.Advance(slot.chunk.size, [&] { return fmt::format("{} claims", total.claims); });
    // Ready for a later chunk; one huge record does not pin its size in every slot.
    slot.lines = 0;
    slot.counts = Counts();
    slot.first = Slot::First::None;
    reader.Release(slot.chunk);
    if (slot.records.out.capacity() > 4 * kSpillBytes)
      std::string().swap(slot.records.out);
  };
  order.Run(take, decide, write);

  for (const std::unique_ptr<Worker>& worker : workers) {
    if (worker) {
      for (const auto& [path, count] : worker->session.IgnoredFields())
        ignored[path] += count;
    }
  }
  read_failed = reader.failed();
  return total;
}

}  // namespace warrant::driver
