// `warrant run` over NDJSON (a file or standard input) without a history store: the reader hands
// out chunks of the input instead of copying lines into batches.
//
// NdjsonChunkReader reads the input in chunks of whole lines (about 256 KiB, one read each, into
// buffers reused from chunk to chunk), or, over a mapped file, hands out 256 KiB ranges of the
// mapping, each worker finding the lines that start in its range; OrderedChunks hands them to N
// workers, each with its own Session, which split their chunk's lines in place (NdjsonTextLines,
// the splitter NdjsonReader and DecideNdjsonText share) and decide them into the chunk's own output
// buffer. Whoever finishes the chunk whose turn it is writes it and every finished chunk after it,
// so no thread only writes and no worker waits for one. A chunk does not know how many lines
// precede it: its malformed lines' error records and messages are completed when it is written, in
// order, so stdout and stderr are the bytes the line batches (run_command.cpp) write, whatever -j
// is. With -j 1 the calling thread alone reads, decides and writes. Memory: at most 4 chunks per
// worker are read and not yet written, and a chunk whose output passes kSpillBytes writes it once
// every earlier chunk is written (OrderedChunks::WriteAhead). It does not convert X12 or FHIR, nor
// keep history (both stay with the line batches).
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <ostream>
#include <string>

#include "compiler/driver/run_claim.h"
#include "compiler/driver/terminal.h"
#include "runtime/records/mapped_file.h"

namespace warrant::driver {

struct ChunkedRun {
  const Engine& engine;
  const Explainer* explainer;  // --explain, else null
  const FhirOutput& fhir;
  bool strict = false;
  int jobs = 1;
  std::string input_name;  // as messages name it
};

// Decides every line of `in`, writing through `writer` (a JSON array's first line noted on `err`
// first, as the line batches do). Adds each session's ignored fields to `ignored`; `read_failed`:
// reading the input failed part way.
// `mapped`, when not null, is the input file mapped (MappedFile): read from it instead of `in`.
Counts RunChunks(const ChunkedRun& run, std::istream& in, const MappedFile* mapped, Writer& writer,
                 Progress& progress, std::ostream& err, std::map<std::string, uint64_t>& ignored,
                 bool& read_failed);

}  // namespace warrant::driver
