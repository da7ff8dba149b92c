#include "runtime/records/ndjson_chunks.h"

#include <algorithm>
#include <cstring>

#include "runtime/records/record_json.h"

namespace warrant {
namespace {

// A line longer than this is over the record limit whatever it holds: a byte order mark (3
// bytes) and a CR are all that NdjsonLineText can take off it.
constexpr size_t kCutBytes = kMaxRecordBytes + 4;

// Notes the first byte of `bytes` that is not a space, tab or CR (what IsBlankNdjsonLine allows).
void NoteFirstNonBlank(const char* bytes, size_t size, NdjsonChunk& chunk) {
  for (size_t i = 0; i < size && !chunk.cut_nonblank; ++i) {
    if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
      chunk.cut_nonblank = true;
      chunk.cut_first = bytes[i];
    }
  }
}

}  // namespace

bool NdjsonChunk::Lines::Next(NdjsonLine& line) {
  if (!chunk_.cut)
    return lines_.Next(line);
  if (cut_done_)
    return false;
  cut_done_ = true;
  if (!chunk_.cut_truncated && !chunk_.cut_nonblank)
    return false;  // a blank line, however long: skipped, as NdjsonReader skips it
  line = NdjsonLine{std::string_view(chunk_.buffer.data(), 0), 1, true};
  return true;
}

NdjsonChunkReader::NdjsonChunkReader(std::istream& in, size_t chunk_bytes, size_t max_line_bytes)
    : in_(&in), chunk_bytes_(std::max<size_t>(chunk_bytes, 1)), max_line_bytes_(max_line_bytes) {}

NdjsonChunkReader::NdjsonChunkReader(const MappedFile& file, size_t chunk_bytes,
                                     size_t max_line_bytes)
    : file_(&file),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
      max_line_bytes_(max_line_bytes) {}

size_t NdjsonChunkReader::Read(std::string& buffer, size_t from) {
  const size_t room = buffer.size() - kJsonPadding - from;
  in_->read(buffer.data() + from, static_cast<std::streamsize>(room));
  const auto got = static_cast<size_t>(in_->gcount());
  if (got == 0) {
    eof_ = true;
    failed_ = in_->bad();
  }
  return got;
}

bool NdjsonChunkReader::Next(NdjsonChunk& chunk) {
  chunk.size = 0;
  chunk.cut = chunk.cut_truncated = chunk.cut_nonblank = false;
  chunk.cut_first = 0;
  chunk.starts_input = first_;
  if (file_ != nullptr) {
    const std::string_view text = file_->text();
    if (at_ >= text.size())
      return false;
    chunk.mapped = text;
    chunk.begin = at_;
    chunk.size = std::min(chunk_bytes_, text.size() - at_);
    at_ += chunk.size;
    first_ = false;
    return true;
  }
  if (eof_ && carry_.empty())
    return false;
  std::string& buffer = chunk.buffer;
  const size_t room = std::max(chunk_bytes_, carry_.size() + chunk_bytes_ / 2);
  if (buffer.size() < room + kJsonPadding)
    buffer.resize(room + kJsonPadding);
  std::memcpy(buffer.data(), carry_.data(), carry_.size());
  size_t size = carry_.size();
  size_t scan = size;  // the carried bytes hold no newline
  carry_.clear();
  for (;;) {
    if (!eof_) {
      if (size + kJsonPadding == buffer.size()) {
        // One line longer than the buffer: grow geometrically, so it costs O(n) copies.
        buffer.resize(std::min(2 * size, kCutBytes + 1) + kJsonPadding);
      }
      size += Read(buffer, size);
    }
    const void* newline = size > scan ? memrchr(buffer.data() + scan, '\n', size - scan) : nullptr;
    if (newline != nullptr) {
      const size_t end = static_cast<size_t>(static_cast<const char*>(newline) - buffer.data()) + 1;
      carry_.assign(buffer.data() + end, size - end);
      chunk.size = end;
      break;
    }
    scan = size;
    if (eof_) {
      if (size == 0)
        return false;
      chunk.size = size;  // the last line, without a newline
      break;
    }
    if (size > kCutBytes) {
      SkipLine(chunk, size);
      break;
    }
  }
  first_ = false;
  return true;
}

void NdjsonChunkReader::SkipLine(NdjsonChunk& chunk, size_t have) {
  chunk.cut = true;
  chunk.size = 0;
  size_t from = 0;
  if (chunk.starts_input && std::memcmp(chunk.buffer.data(), "\xEF\xBB\xBF", 3) == 0)
    from = 3;  // line 1's byte order mark
  NoteFirstNonBlank(chunk.buffer.data() + from, have - from, chunk);
  uint64_t length = have;
  while (!eof_) {
    const size_t got = Read(chunk.buffer, 0);
    const void* newline = std::memchr(chunk.buffer.data(), '\n', got);
    const size_t n =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - chunk.buffer.data())
                : got;
    NoteFirstNonBlank(chunk.buffer.data(), n, chunk);
    length += n;
    if (newline != nullptr) {
      carry_.assign(chunk.buffer.data() + n + 1, got - n - 1);
      break;
    }
  }
  chunk.cut_truncated = length > max_line_bytes_;
}

void NdjsonChunkReader::Release(NdjsonChunk& chunk) {
  if (file_ != nullptr) {
    // The chunk after this one reads the byte before it (is a line under way there?), maybe
    // after this call: the page of that byte is kept, or it would come back and stay.
    const size_t end = chunk.begin + chunk.size;
    const size_t to = end == file_->text().size() ? end : end - 1;
    if (to - dropped_ >= kDropBytes || to == end) {
      file_->Drop(dropped_, to);
      dropped_ = to;
    }
    return;
  }
  if (chunk.buffer.size() > keep_bytes() + kJsonPadding)
    std::string().swap(chunk.buffer);
}

}  // namespace warrant
