#include "runtime/formats/x12_segments.h"

#include <algorithm>
#include <cstring>

namespace warrant {
namespace {

constexpr bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

constexpr bool IsAlnum(char c) {
  return IsUpper(c) || IsDigit(c) || (c >= 'a' && c <= 'z');
}

constexpr bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::vector<std::string_view> X12Components(std::string_view element, char component) {
  std::vector<std::string_view> parts;
  X12Components(element, component, parts);
  return parts;
}

void X12Components(std::string_view element, char component, std::vector<std::string_view>& parts) {
  parts.clear();
  size_t begin = 0;
  for (;;) {
    const size_t end = element.find(component, begin);
    parts.push_back(element.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos)
      return;
    begin = end + 1;
  }
}

bool IsX12SegmentId(std::string_view id) {
  if (id.size() < 2 || id.size() > 3 || !IsUpper(id[0]))
    return false;
  return std::all_of(id.begin() + 1, id.end(), [](char c) { return IsUpper(c) || IsDigit(c); });
}

X12Tokenizer::X12Tokenizer(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF")
    pos_ = 3;
}

X12Tokenizer::X12Tokenizer(std::istream& in, size_t chunk_bytes)
    : in_(&in), chunk_bytes_(std::max<size_t>(chunk_bytes, 256)), eof_(false) {
  Want(3);
  if (text_.substr(0, 3) == "\xEF\xBB\xBF")
    pos_ = 3;
}

bool X12Tokenizer::Refill() {
  if (eof_)
    return false;
  const size_t kept = text_.size() - pos_;
  // The bytes before pos_ are done with: the segment being split starts at pos_.
  if (buffer_.size() < kept + chunk_bytes_) {
    std::vector<char> grown(std::max(buffer_.size() * 2, kept + chunk_bytes_));
    if (kept > 0)
      std::memcpy(grown.data(), text_.data() + pos_, kept);
    buffer_.swap(grown);
  } else if (kept > 0) {
    std::memmove(buffer_.data(), text_.data() + pos_, kept);
  }
  in_->read(buffer_.data() + kept, static_cast<std::streamsize>(buffer_.size() - kept));
  const auto got = static_cast<size_t>(std::max<std::streamsize>(in_->gcount(), 0));
  if (got == 0) {
    eof_ = true;
    read_failed_ = in_->bad();
  }
  text_ = std::string_view(buffer_.data(), kept + got);
  pos_ = 0;
  return got > 0;
}

void X12Tokenizer::Want(size_t n) {
  while (text_.size() - pos_ < n && Refill()) {
  }
}

void X12Tokenizer::AdvanceTo(size_t pos) {
  pos = std::min(pos, text_.size());
  // Line breaks inside a segment are rare: memchr skips to each one.
  const char* p = text_.data() + pos_;
  const char* const end = text_.data() + pos;
  while (p < end) {
    p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (p == nullptr)
      break;
    ++line_;
    ++p;
  }
  pos_ = pos;
}

// The ISA at pos_ gives the delimiters: the element separator is its fourth byte, ISA16 (the
// component separator) is the byte after the 16th separator, and the terminator follows it.
// ISA is fixed-width (106 bytes) in the standard; counting separators also reads ISAs whose
// padding is wrong.
bool X12Tokenizer::ReadIsaDelimiters() {
  const std::string_view isa = text_.substr(pos_);
  if (isa.size() < 4 || IsAlnum(isa[3]) || IsBlank(isa[3])) {
    error_line_ = line_;
    error_ =
        "the ISA segment has no element separator after `ISA`; the rest of the input "
        "cannot be split into segments";
    return false;
  }
  const char element = isa[3];
  size_t seen = 0;
  size_t at = 2;
  size_t isa11 = 0;
  while (seen < 16) {
    at = isa.find(element, at + 1);
    if (at == std::string_view::npos || at > 200)
      break;
    ++seen;
    if (seen == 11)
      isa11 = at + 1;
  }
  if (seen < 16 || at + 2 >= isa.size()) {
    error_line_ = line_;
    error_ =
        "the ISA segment ends before ISA16 and the segment terminator (it should be 106 "
        "bytes); the rest of the input cannot be split into segments";
    return false;
  }
  const char component = isa[at + 1];
  const char terminator = isa[at + 2];
  // A letter, digit or blank as the component separator would split `HC:99213` in the wrong place
  // and give wrong codes: refused like a bad terminator.
  if (IsAlnum(component) || IsBlank(component) || component == element) {
    error_line_ = line_;
    error_ = "the ISA segment's component separator ISA16 `" + std::string(1, component) +
             "` is a letter, a digit, a blank or the element separator; the rest of the input "
             "cannot be split into segments";
    return false;
  }
  if (IsAlnum(terminator) || terminator == element || terminator == component) {
    error_line_ = line_;
    error_ = "the ISA segment's terminator `" + std::string(1, terminator) +
             "` (the byte after ISA16) is a letter, a digit or another delimiter; the rest of "
             "the input cannot be split into segments";
    return false;
  }
  delimiters_.element = element;
  delimiters_.component = component;
  delimiters_.segment = terminator;
  const char repetition = isa11 < isa.size() ? isa[isa11] : 'U';
  delimiters_.repetition =
      IsAlnum(repetition) || repetition == element || repetition == terminator ? '\0' : repetition;
  started_ = true;
  return true;
}

bool X12Tokenizer::Next(X12Segment& out) {
  if (!error_.empty())
    return false;
  // Blanks between segments are layout (a terminator that is itself a line break included).
  for (;;) {
    while (pos_ < text_.size() && IsBlank(text_[pos_])) {
      if (text_[pos_] == '\n')
        ++line_;
      ++pos_;
    }
    if (pos_ < text_.size() || !Refill())
      break;
  }
  if (pos_ >= text_.size())
    return false;
  Want(256);  // an ISA's delimiters are read from its first 200-odd bytes
  if (text_.substr(pos_, 3) == "ISA" && pos_ + 3 < text_.size() && !IsAlnum(text_[pos_ + 3])) {
    if (!ReadIsaDelimiters())
      return false;
  } else if (!started_) {
    error_line_ = line_;
    error_ = "the input does not start with an ISA segment";
    return false;
  }
  size_t end = text_.find(delimiters_.segment, pos_);
  // Streaming: a segment the buffer ends inside is read on, from where the search stopped.
  while (end == std::string_view::npos) {
    const size_t searched = text_.size() - pos_;
    if (!Refill()) {
      end = text_.size();
      break;
    }
    end = text_.find(delimiters_.segment, pos_ + searched);
  }
  std::string_view segment = text_.substr(pos_, end - pos_);
  while (!segment.empty() && IsBlank(segment.back()) && segment.back() != delimiters_.element)
    segment.remove_suffix(1);
  out.text = segment;
  out.line = line_;
  out.elements.clear();
  // Elements are short: one pass over the bytes beats a memchr call per element.
  const char separator = delimiters_.element;
  const char* const first = segment.data();
  const char* begin = first;
  const char* const stop = first + segment.size();
  for (const char* p = first; p < stop; ++p) {
    if (*p == separator) {
      out.elements.emplace_back(begin, static_cast<size_t>(p - begin));
      begin = p + 1;
    }
  }
  out.elements.emplace_back(begin, static_cast<size_t>(stop - begin));
  AdvanceTo(end + 1);
  return true;
}

}  // namespace warrant
