// NdjsonReader: splits an input stream (a file, stdin) into lines for the record decoder.
//
// Reads in large chunks into one reusable buffer and hands out each line as a view into it, with
// its 1-based line number. Every view is followed by kJsonPadding readable bytes, so simdjson
// can parse it in place without a copy. Skips blank lines, strips a CR before the LF and a UTF-8
// byte order mark on the first line, and yields a last line that has no newline. A line longer
// than the buffer grows it, up to a cap beyond which the line is cut short and marked so (the
// decoder then refuses it as too large). It does not parse JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace warrant {

// Readable bytes (of any value) guaranteed after a line's text: simdjson's SIMDJSON_PADDING.
inline constexpr size_t kJsonPadding = 64;

struct NdjsonLine {
  std::string_view text;   // without the line break; valid until the next Next()
  uint64_t number = 0;     // 1-based line number in the input, blank lines counted
  bool truncated = false;  // longer than the reader's max_line_bytes: `text` is its start only
};

// Input line `number` (1-based) as the decoder gets it, from its bytes without the LF: without a
// CR before the LF (unless `cut`: the reader stopped inside the line), nor a byte order mark on
// line 1. NdjsonReader and DecideNdjsonText (runtime/engine/ndjson_text.h) split lines by it.
std::string_view NdjsonLineText(std::string_view raw, uint64_t number, bool cut = false);

// A line of spaces, tabs and CRs only (or empty): skipped, though counted.
bool IsBlankNdjsonLine(std::string_view text);

// The lines that start in bytes [begin, end) of a text held in memory, split as NdjsonReader
// splits a stream: a line belongs to the range its first byte is in, wherever it ends (a line
// under way at `begin` is the range before's). Numbers count the range's lines from 1, blank ones
// included: they are the input's line numbers only for a range that starts the input. A line the
// decoder may parse (not over the record limit) is handed with kJsonPadding readable bytes after
// it: in place when the text has them (`padded`: the buffer holds kJsonPadding bytes past the
// text's end), else copied. A line longer than `max_line_bytes` (its CR and byte order mark
// counted) is handed as NdjsonReader hands it, blank or not: its first max_line_bytes bytes,
// marked truncated.
class NdjsonTextLines {
 public:
  static constexpr size_t kNoMaxLine = ~size_t{0};

  // `starts_input`: line 1 of the range is the input's (a byte order mark is dropped).
  NdjsonTextLines(std::string_view text, size_t begin, size_t end, bool starts_input, bool padded,
                  size_t max_line_bytes = kNoMaxLine);

  // The next non-blank line; false after the last. `line.text` is valid until the next call.
  bool Next(NdjsonLine& line);

  // Lines started so far, blank ones included.
  uint64_t lines() const { return lines_; }

 private:
  std::string_view text_;
  size_t at_;
  size_t end_;
  bool starts_input_;
  bool padded_;
  size_t max_line_bytes_;
  uint64_t lines_ = 0;
  std::string scratch_;
};

class NdjsonReader {
 public:
  static constexpr size_t kDefaultChunkBytes = size_t{1} << 20;
  // Far above the decoder's record limit, so a cut line is always refused as too large, yet
  // bounded, so a stream without newlines cannot exhaust memory.
  static constexpr size_t kDefaultMaxLineBytes = size_t{16} << 20;

  explicit NdjsonReader(std::istream& in, size_t chunk_bytes = kDefaultChunkBytes,
                        size_t max_line_bytes = kDefaultMaxLineBytes);

  // The next non-blank line. False at the end of the input, or when reading failed (failed()).
  bool Next(NdjsonLine& line);

  // True when the stream reported a read error (not merely its end).
  bool failed() const { return failed_; }

 private:
  // Moves the unconsumed bytes to the front, grows the buffer if it is full, reads once more.
  void Fill();
  NdjsonLine Yield(size_t begin, size_t end, bool truncated);

  std::istream& in_;
  size_t max_line_bytes_;
  size_t capacity_;  // usable bytes; the buffer holds kJsonPadding more
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t scan_ = 0;   // where the search for the next '\n' resumes
  size_t end_ = 0;    // end of the bytes read
  uint64_t line_number_ = 0;
  bool eof_ = false;
  bool failed_ = false;
  bool discarding_ = false;  // dropping the rest of a cut line
};

}  // namespace warrant
