// NdjsonChunkReader: reads an NDJSON stream (a file, stdin) in large chunks of whole lines, for
// threads that split and decide the lines of a chunk themselves (NdjsonTextLines).
//
// Each chunk is one read of about chunk_bytes into its own reusable buffer, cut after its last
// newline: the partial line after it starts the next chunk (the only bytes copied twice). A line
// longer than a chunk grows the buffer until its newline is read. A line too long for the record
// limit whatever its CR and byte order mark is not kept: the reader skips to its end and yields
// it as a chunk of its own, marked cut, so a stream without newlines cannot exhaust memory.
//
// Over a mapped file (MappedFile) nothing is read or copied: a chunk is a fixed byte range of the
// mapping, and its lines are those that start in it (NdjsonTextLines, as DecideNdjsonText cuts a
// text), wherever they end. Release gives a written chunk's pages back. What
// a chunk's lines are, and how they are numbered, is NdjsonReader's (records/ndjson.h): a cut
// line that holds only blanks is skipped, and one longer than max_line_bytes is never treated as
// blank (NdjsonReader cuts it short). It does not parse JSON, and reads on one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "runtime/records/mapped_file.h"
#include "runtime/records/ndjson.h"

namespace warrant {

struct NdjsonChunk {
  std::string buffer;  // the chunk's bytes, then at least kJsonPadding readable ones
  size_t size = 0;     // bytes of whole lines at the front of `buffer` (the last may lack an LF)
  bool starts_input = false;  // its first line is the input's line 1
  // The chunk is one line over the record limit, its text not kept (size is 0):
  bool cut = false;
  bool cut_truncated = false;  // longer than max_line_bytes: refused even if blank
  bool cut_nonblank = false;   // it holds a byte other than a space, tab or CR (after a BOM)
  char cut_first = 0;          // the first such byte

  // Over a mapped file: the whole file, the chunk being bytes [begin, begin + size) of it.
  std::string_view mapped;
  size_t begin = 0;

  std::string_view text() const {
    return mapped.data() ? mapped.substr(begin, size) : std::string_view(buffer.data(), size);
  }

  // The chunk's lines: a cut chunk yields its line with empty text, marked truncated, unless it
  // is blank (and not longer than max_line_bytes).
  class Lines {
   public:
    // `max_line_bytes` is the reader's: a line over it in a mapped file is handed truncated.
    explicit Lines(const NdjsonChunk& chunk,
                   size_t max_line_bytes = NdjsonReader::kDefaultMaxLineBytes)
        : chunk_(chunk),
          lines_(chunk.mapped.data()
                     ? NdjsonTextLines(chunk.mapped, chunk.begin, chunk.begin + chunk.size,
                                       chunk.begin == 0, false, max_line_bytes)
                     : NdjsonTextLines(chunk.text(), 0, chunk.size, chunk.starts_input, true)) {}

    bool Next(NdjsonLine& line);

    uint64_t lines() const { return chunk_.cut ? 1 : lines_.lines(); }

   private:
    const NdjsonChunk& chunk_;
    NdjsonTextLines lines_;
    bool cut_done_ = false;
  };
};

class NdjsonChunkReader {
 public:
  static constexpr size_t kDefaultChunkBytes = size_t{256} << 10;

  explicit NdjsonChunkReader(std::istream& in, size_t chunk_bytes = kDefaultChunkBytes,
                             size_t max_line_bytes = NdjsonReader::kDefaultMaxLineBytes);
  // Over a mapped file, which must outlive the reader and its chunks.
  explicit NdjsonChunkReader(const MappedFile& file, size_t chunk_bytes = kDefaultChunkBytes,
                             size_t max_line_bytes = NdjsonReader::kDefaultMaxLineBytes);

  // Reads the next chunk into `chunk` (its buffer reused); false at the end of the input, or when
  // reading failed (failed()).
  bool Next(NdjsonChunk& chunk);

  // True when the stream reported a read error (not merely its end).
  bool failed() const { return failed_; }

  // A buffer past this is given back when its chunk is done (Release).
  size_t keep_bytes() const { return 4 * chunk_bytes_; }

  // The longest line kept whole (longer ones are refused): what a mapped chunk's Lines take.
  size_t max_line_bytes() const { return max_line_bytes_; }

  // Done with `chunk`: frees its buffer if one long line grew it past keep_bytes(); over a mapped
  // file, gives back the pages of the chunks released so far once they add up to kDropBytes.
  // Chunks are released in input order.
  void Release(NdjsonChunk& chunk);

 private:
  // Reads into `buffer` from `from` up to its end less the padding; the bytes read.
  size_t Read(std::string& buffer, size_t from);
  // Skips the rest of a line over the record limit whose first `have` bytes are in `chunk`.
  void SkipLine(NdjsonChunk& chunk, size_t have);

  // Pages of the mapping given back at a time: few calls, yet a resident size that stays small.
  static constexpr size_t kDropBytes = size_t{2} << 20;

  std::istream* in_ = nullptr;
  const MappedFile* file_ = nullptr;
  size_t at_ = 0;       // over a mapped file: where the next chunk starts
  size_t dropped_ = 0;  // and where the pages not given back start
  size_t chunk_bytes_;
  size_t max_line_bytes_;
  std::string carry_;  // the start of the line after the last chunk's
  bool first_ = true;
  bool eof_ = false;
  bool failed_ = false;
};

}  // namespace warrant
