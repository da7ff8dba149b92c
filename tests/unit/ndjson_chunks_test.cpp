// NdjsonChunkReader against NdjsonReader: the lines of every chunk, numbered after the lines of
// the chunks before, are NdjsonReader's lines whatever the chunk size (lines straddling every
// boundary, lines longer than a chunk, lines over the record limit); chunks hold whole lines.
// Over a mapped file, the same lines from fixed byte ranges.
// OrderedChunks: chunks written in order whatever the threads, a part written ahead in its turn,
// a failing writer stops the work.
#include "runtime/records/ndjson_chunks.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine/ordered_chunks.h"
#include "runtime/records/record_json.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

// A line as the decoder sees it: its number, its text, or "<too large>" when refused unread.
std::string Shown(const NdjsonLine& line, uint64_t number) {
  const bool too_large = line.truncated || line.text.size() > kMaxRecordBytes;
  return std::to_string(number) + ":" + (too_large ? "<too large>" : std::string(line.text));
}

std::vector<std::string> ByReader(const std::string& text) {
  std::istringstream in(text);
  NdjsonReader reader(in);
  std::vector<std::string> out;
  NdjsonLine line;
  while (reader.Next(line))
    out.push_back(Shown(line, line.number));
  return out;
}

struct ByChunks {
  std::vector<std::string> lines;
  size_t chunks = 0;
};

// Adds `chunk`'s lines to `out`, numbered after the `before` lines of the chunks before it, and
// counts them into `before`.
void AddLines(const NdjsonChunk& chunk, uint64_t& before, ByChunks& out) {
  NdjsonChunk::Lines lines(chunk);
  NdjsonLine line;
  while (lines.Next(line))
    out.lines.push_back(Shown(line, before + line.number));
  before += lines.lines();
}

ByChunks ReadChunks(const std::string& text, size_t chunk_bytes) {
  std::istringstream in(text);
  NdjsonChunkReader reader(in, chunk_bytes);
  ByChunks out;
  NdjsonChunk chunk;
  uint64_t before = 0;
  size_t at = 0;  // where the chunk starts in `text`
  while (reader.Next(chunk)) {
    ++out.chunks;
    CHECK(chunk.starts_input == (out.chunks == 1));
    CHECK(chunk.buffer.size() >= chunk.size + kJsonPadding);
    if (!chunk.cut) {
      // Whole lines, as they are in the input: ending at a newline, or at the input's end.
      REQUIRE(chunk.size > 0);
      CHECK(text.compare(at, chunk.size, chunk.text()) == 0);
      at += chunk.size;
      CHECK((chunk.text().back() == '\n' || at == text.size()));
    } else {
      const size_t newline = text.find('\n', at);
      at = newline == std::string::npos ? text.size() : newline + 1;
    }
    AddLines(chunk, before, out);
    reader.Release(chunk);
  }
  CHECK(at == text.size());
  CHECK_FALSE(reader.failed());
  return out;
}

// The same over `text` written to a file and mapped: chunks are consecutive ranges of the file, of
// chunk_bytes each but the last, and what they gave back still reads as the file.
ByChunks ReadMapped(const std::string& text, size_t chunk_bytes) {
  test::ScratchDir dir("chunks");
  const std::string path = dir.File("in.ndjson");
  std::ofstream(path, std::ios::binary) << text;
  MappedFile file;
  ByChunks out;
  if (!file.Open(path)) {
    CHECK(text.empty());  // only an empty file is not mapped
    return out;
  }
  REQUIRE(file.text() == text);
  NdjsonChunkReader reader(file, chunk_bytes);
  NdjsonChunk chunk;
  uint64_t before = 0;
  size_t at = 0;
  while (reader.Next(chunk)) {
    ++out.chunks;
    CHECK(chunk.starts_input == (at == 0));
    CHECK(chunk.begin == at);
    CHECK((chunk.size == chunk_bytes || at + chunk.size == text.size()));
    CHECK(chunk.text() == std::string_view(text).substr(at, chunk.size));
    at += chunk.size;
    AddLines(chunk, before, out);
    reader.Release(chunk);
  }
  CHECK(at == text.size());
  CHECK(file.text() == text);  // pages given back are read again from the file
  return out;
}

void CheckAllChunkSizes(const std::string& text) {
  const std::vector<std::string> expected = ByReader(text);
  for (size_t chunk_bytes : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{333},
                             size_t{4096}, NdjsonChunkReader::kDefaultChunkBytes}) {
    INFO("chunk " << chunk_bytes << " bytes");
    CHECK(ReadChunks(text, chunk_bytes).lines == expected);
    if (chunk_bytes >= 7 || text.size() < 100000)  // a byte at a time over megabytes: slow, no news
      CHECK(ReadMapped(text, chunk_bytes).lines == expected);
  }
}

TEST_CASE("NDJSON chunks: the lines NdjsonReader reads, whatever the chunk size",
          "[ndjson_chunks]") {
  std::string mixed = "\xEF\xBB\xBF{\"id\":1}\r\n\r\n";
  for (int i = 2; i < 200; ++i) {
    mixed += "{\"id\":" + std::to_string(i) + ",\"pad\":\"" + std::string(i * 7 % 90, 'x') + "\"}";
    mixed += i % 5 == 0 ? "\r\n" : "\n";
    if (i % 7 == 0)
      mixed += " \t\n\n";
    if (i % 11 == 0)
      mixed += "not json \xff\xfe\n";
  }
  mixed += "{\"last\":true}";  // no newline
  CheckAllChunkSizes(mixed);
  for (const std::string text : {"", "\n", "\n\n \t\r\n", "{}", "{}\n", "\xEF\xBB\xBF",
                                 "\xEF\xBB\xBF\n{}", "\r\n{}\r", "a\nb\nc"})
    CheckAllChunkSizes(text);
}

TEST_CASE("NDJSON chunks: a line straddling chunks, and one longer than a chunk, read whole",
          "[ndjson_chunks]") {
  const std::string longer = "{\"x\":\"" + std::string(10000, 'y') + "\"}";
  const std::string text = "{\"a\":1}\n" + longer + "\n{\"b\":2}\n" + longer;
  const ByChunks read = ReadChunks(text, 4096);
  REQUIRE(read.lines.size() == 4);
  CHECK(read.lines[1] == "2:" + longer);
  CHECK(read.lines[3] == "4:" + longer);
  CHECK(read.lines == ByReader(text));
  // 100 lines of 100 bytes in chunks of 150 bytes: every chunk but the last ends mid-line.
  std::string lines;
  for (int i = 0; i < 100; ++i)
    lines += "{\"n\":" + std::to_string(1000 + i) + ",\"p\":\"" + std::string(84, 'p') + "\"}\n";
  const ByChunks small = ReadChunks(lines, 150);
  CHECK(small.lines == ByReader(lines));
  CHECK(small.chunks > 50);
}

TEST_CASE("NDJSON chunks: a line over the record limit is a cut chunk of its own",
          "[ndjson_chunks]") {
  const std::string over(kMaxRecordBytes + 100, 'z');
  const std::string text = "{\"a\":1}\n[" + over + "\n{\"b\":2}\n";
  std::istringstream in(text);
  NdjsonChunkReader reader(in, 4096);
  NdjsonChunk chunk;
  std::vector<bool> cut;
  while (reader.Next(chunk)) {
    cut.push_back(chunk.cut);
    if (chunk.cut) {
      CHECK(chunk.size == 0);
      CHECK(chunk.cut_nonblank);
      CHECK(chunk.cut_first == '[');
      CHECK_FALSE(chunk.cut_truncated);
    }
    reader.Release(chunk);
    CHECK(chunk.buffer.size() <= reader.keep_bytes() + kJsonPadding);
  }
  CHECK(cut == std::vector<bool>{false, true, false});
  CHECK(ReadChunks(text, 4096).lines == ByReader(text));
}

TEST_CASE("NDJSON chunks: over-limit lines blank or not, past 16 MiB, within a CR and BOM",
          "[ndjson_chunks]") {
  const size_t limit = kMaxRecordBytes;
  const std::string at_limit = "{\"x\":\"" + std::string(limit - 8, 'a') + "\"}";
  REQUIRE(at_limit.size() == limit);
  const std::vector<std::string> texts = {
      "{}\n" + std::string(limit + 10, ' ') + "\n{}\n",            // blank: skipped
      "{}\n" + std::string((16u << 20) + 10, ' ') + "\n{}",        // past 16 MiB: refused
      "{}\n" + std::string((16u << 20) + 10, 'q'),                 // ... at the end
      "\xEF\xBB\xBF" + at_limit + "\r\n{}\n",                      // the limit exactly
      at_limit + "a\r\n",                                          // one byte over
      "\xEF\xBB\xBF" + std::string(limit + 2, '\t') + "\r\n{}\n",  // blank after a BOM
      "\xEF\xBB\xBF[" + std::string(limit + 2, ' ') + "]\n",       // a BOM, then `[`
  };
  for (const std::string& text : texts) {
    const std::vector<std::string> expected = ByReader(text);
    CHECK(ReadChunks(text, 4096).lines == expected);
    CHECK(ReadChunks(text, NdjsonChunkReader::kDefaultChunkBytes).lines == expected);
    CHECK(ReadMapped(text, 4096).lines == expected);
    CHECK(ReadMapped(text, NdjsonChunkReader::kDefaultChunkBytes).lines == expected);
  }
}

TEST_CASE("Ordered chunks: written in order whatever the threads and delays", "[ndjson_chunks]") {
  for (int jobs : {1, 2, 3, 8}) {
    INFO("jobs " << jobs);
    const size_t total = 200;
    OrderedChunks order(jobs, 2 * static_cast<size_t>(jobs));
    std::vector<size_t> slot_of(order.window(), 0);
    std::vector<size_t> written;
    // Catch2 asserts on one thread only: the workers count what goes wrong.
    std::atomic<int> in_write = 0, overlaps = 0, early = 0, reused = 0, refused = 0;
    order.Run(
        [&](size_t c) {
          if (c >= total)
            return false;
          slot_of[c % order.window()] = c;
          return true;
        },
        [&](size_t, size_t c) {
          if (c % 7 == 0)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          if (c % 13 == 5) {
            // Part of the chunk first, once every earlier chunk is written.
            const bool turn = order.WriteAhead(c, [&] {
              overlaps += ++in_write != 1;
              early += written.size() != c;
              --in_write;
            });
            refused += !turn;
          }
        },
        [&](size_t, size_t c) {
          overlaps += ++in_write != 1;
          reused += slot_of[c % order.window()] != c;  // the slot is not reused before
          written.push_back(c);
          --in_write;
        });
    CHECK(overlaps == 0);
    CHECK(early == 0);
    CHECK(reused == 0);
    CHECK(refused == 0);
    REQUIRE(written.size() == total);
    for (size_t i = 0; i < total; ++i)
      CHECK(written[i] == i);
  }
}

TEST_CASE("Ordered chunks: an exception from the writer stops the work and is rethrown",
          "[ndjson_chunks]") {
  for (int jobs : {1, 2, 4}) {
    OrderedChunks order(jobs, 4);
    size_t taken = 0, writes = 0;
    auto run = [&] {
      order.Run([&](size_t) { return ++taken < 100000; }, [](size_t, size_t) {},
                [&](size_t, size_t) {
                  if (++writes == 3)
                    throw std::runtime_error("disk full");
                });
    };
    CHECK_THROWS_WITH(run(), "disk full");
    CHECK(writes == 3);
    CHECK(taken < 100);
  }
}

}  // namespace
}  // namespace warrant
