#include "runtime/records/ndjson.h"

#include <algorithm>
#include <cstring>

#include "runtime/records/record_json.h"

namespace warrant {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string_view NdjsonLineText(std::string_view raw, uint64_t number, bool cut) {
  if (!cut && !raw.empty() && raw.back() == '\r')
    raw.remove_suffix(1);
  if (number == 1 && raw.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    raw.remove_prefix(kByteOrderMark.size());
  return raw;
}

bool IsBlankNdjsonLine(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

NdjsonTextLines::NdjsonTextLines(std::string_view text, size_t begin, size_t end, bool starts_input,
                                 bool padded, size_t max_line_bytes)
    : text_(text),
      at_(begin),
      end_(end),
      starts_input_(starts_input),
      padded_(padded),
      max_line_bytes_(max_line_bytes) {
  if (begin > 0 && begin < end) {
    // The line under way at `begin` is the range before's: start after its newline.
    const void* newline = std::memchr(text.data() + begin - 1, '\n', end - begin);
    at_ = newline ? static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1 : end;
  }
}

bool NdjsonTextLines::Next(NdjsonLine& line) {
  const char* data = text_.data();
  while (at_ < end_) {
    const void* newline = std::memchr(data + at_, '\n', text_.size() - at_);
    const size_t stop =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - data) : text_.size();
    const uint64_t number = ++lines_;
    if (stop - at_ > max_line_bytes_) {
      // NdjsonReader's cut line: refused, blank or not, whatever it holds past the cut.
      line = NdjsonLine{NdjsonLineText(std::string_view(data + at_, max_line_bytes_),
                                       starts_input_ ? number : 0, true),
                        number, true};
      at_ = newline ? stop + 1 : text_.size();
      return true;
    }
    std::string_view text =
        NdjsonLineText(std::string_view(data + at_, stop - at_), starts_input_ ? number : 0);
    at_ = newline ? stop + 1 : text_.size();
    if (IsBlankNdjsonLine(text))
      continue;
    // A line over the record limit is refused unread: never copied.
    const size_t offset = static_cast<size_t>(text.data() - data);
    if (!padded_ && text.size() <= kMaxRecordBytes &&
        offset + text.size() + kJsonPadding > text_.size()) {
      scratch_.assign(text);
      scratch_.append(kJsonPadding, ' ');
      text = std::string_view(scratch_.data(), text.size());
    }
    line = NdjsonLine{text, number, false};
    return true;
  }
  return false;
}

NdjsonReader::NdjsonReader(std::istream& in, size_t chunk_bytes, size_t max_line_bytes)
    : in_(in),
      max_line_bytes_(std::max<size_t>(max_line_bytes, 1)),
      // One byte beyond the cap, so a line of exactly max_line_bytes plus its newline still fits.
      capacity_(std::clamp<size_t>(chunk_bytes, 1, max_line_bytes_ + 1)),
      buffer_(capacity_ + kJsonPadding) {}

bool NdjsonReader::Next(NdjsonLine& line) {
  for (;;) {
    const char* data = buffer_.data();
    const void* newline = scan_ < end_ ? std::memchr(data + scan_, '\n', end_ - scan_) : nullptr;
    if (newline != nullptr) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(newline) - data);
      const size_t begin = begin_;
      begin_ = scan_ = at + 1;
      if (discarding_) {
        discarding_ = false;  // the rest of a cut line: already counted and yielded
        continue;
      }
      ++line_number_;
      line = Yield(begin, at, false);
      if (IsBlankNdjsonLine(line.text))
        continue;
      return true;
    }
    scan_ = end_;  // no newline up to here: never search these bytes again
    if (discarding_) {
      begin_ = end_;
    } else if (end_ - begin_ > max_line_bytes_) {
      ++line_number_;
      line = Yield(begin_, begin_ + max_line_bytes_, true);
      discarding_ = true;
      begin_ = end_;  // the bytes stay in place until the next Fill, so `line` stays valid
      return true;
    }
    if (eof_) {
      if (discarding_ || begin_ == end_)
        return false;
      const size_t begin = begin_;
      begin_ = end_;
      ++line_number_;
      line = Yield(begin, end_, false);
      if (IsBlankNdjsonLine(line.text))
        return false;
      return true;
    }
    Fill();
  }
}

NdjsonLine NdjsonReader::Yield(size_t begin, size_t end, bool truncated) {
  const std::string_view raw(buffer_.data() + begin, end - begin);
  return NdjsonLine{NdjsonLineText(raw, line_number_, truncated), line_number_, truncated};
}

void NdjsonReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    // A line longer than the buffer: grow geometrically, so a long line costs O(n) copies.
    capacity_ = std::min(capacity_ * 2, max_line_bytes_ + 1);
    buffer_.resize(capacity_ + kJsonPadding);
  }
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(capacity_ - end_));
  const auto got = static_cast<size_t>(in_.gcount());
  if (got == 0) {
    eof_ = true;
    failed_ = in_.bad();
  }
  end_ += got;
}

}  // namespace warrant
