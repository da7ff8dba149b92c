// DecideNdjsonText: decides an NDJSON text held whole in memory (a caller's buffer, a mapped
// file) on N threads and hands the decision records, in input order, to a writer.
//
// The text is cut into fixed byte ranges (chunks). Each worker takes the next chunk, finds its
// lines itself (NdjsonTextLines: a line belongs to the chunk its first byte is in, wherever it
// ends) and decides them in place; nothing scans the whole text first. The hand-out and the
// writing in order are OrderedChunks' (runtime/engine/ordered_chunks.h), which `warrant run`
// uses too. Lines are split as NdjsonReader splits a stream for `warrant run` (a CR before the LF
// and a byte order mark on line 1 dropped, blank lines skipped but counted, a last line without a
// newline kept), so the output is the bytes `warrant run` writes for the same input, whatever
// `jobs` and the chunk size are. A chunk does not know how many lines precede it: an error record's
// input line number is completed when the chunk is written, in order. At most a few chunks per
// worker are decided ahead of the one being written, each into a buffer reused from chunk to chunk,
// so memory stays bounded. It does not read files or streams, convert X12 or FHIR, keep history or
// explain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "runtime/engine/engine.h"

namespace warrant {

// Bytes of input per chunk: big enough that taking one costs nothing, small enough that its
// output stays in cache until it is written.
inline constexpr size_t kNdjsonChunkBytes = size_t{256} << 10;

// Receives the output piece by piece, in input order; never two calls at once, but from any of
// the deciding threads. An exception from it stops the work and is rethrown by DecideNdjsonText.
using NdjsonWrite = std::function<void(std::string_view)>;

// Decides every non-blank line of `text` on `jobs` threads (the calling thread one of them) and
// returns the number of malformed lines (each written as its error record, in place).
uint64_t DecideNdjsonText(const Engine& engine, std::string_view text, int jobs,
                          const NdjsonWrite& write, size_t chunk_bytes = kNdjsonChunkBytes);

}  // namespace warrant
