// X12 segments: splits an X12 interchange's text into segments and elements.
//
// The delimiters come from each ISA segment (the element separator is the byte after `ISA`,
// the component separator is ISA16, the segment terminator the byte after it, the repetition
// separator ISA11 when it is not a letter or digit), so one input may hold interchanges with
// different delimiters. Blanks and line breaks between segments are skipped (files are written
// with and without a line break, LF or CRLF, after each terminator). This module knows nothing
// of loops, envelopes or claims (x12.cpp reads those).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace warrant {

struct X12Delimiters {
  char element = '*';
  char component = ':';
  char repetition = '^';  // '\0': the interchange has none
  char segment = '~';
};

struct X12Segment {
  std::string_view text;                   // the segment without its terminator
  std::vector<std::string_view> elements;  // elements[0] is the segment id
  uint64_t line = 0;                       // 1-based line of the input the segment starts on

  std::string_view id() const { return elements.empty() ? std::string_view() : elements[0]; }

  // Element `i` (1-based, as X12 numbers them: SV102 is Element(2)); "" when absent.
  std::string_view Element(size_t i) const {
    return i < elements.size() ? elements[i] : std::string_view();
  }
};

// The components of a composite element ("HC:99213:25" -> HC, 99213, 25).
std::vector<std::string_view> X12Components(std::string_view element, char component);
// The same into `parts` (cleared first), which keeps its capacity from call to call.
void X12Components(std::string_view element, char component, std::vector<std::string_view>& parts);

// Whether `id` is written as a segment id: a capital letter then one or two capitals or digits.
bool IsX12SegmentId(std::string_view id);

class X12Tokenizer {
 public:
  // Over a whole input held in memory.
  explicit X12Tokenizer(std::string_view text);
  // Over a stream, read in chunks: only the bytes from the segment being split on are held (a
  // segment longer than a chunk grows the buffer), so an input of any size takes bounded memory.
  explicit X12Tokenizer(std::istream& in, size_t chunk_bytes = size_t{1} << 20);

  // The next segment, or false at the end of the input or at an input it cannot split (then
  // error() says why and error_line() where: text before the first ISA, an ISA too short to give
  // delimiters).
  bool Next(X12Segment& out);

  const std::string& error() const { return error_; }

  // True when reading the stream failed (rather than reached its end).
  bool read_failed() const { return read_failed_; }

  uint64_t error_line() const { return error_line_; }

  // The delimiters of the interchange the last segment belongs to.
  const X12Delimiters& delimiters() const { return delimiters_; }

 private:
  bool ReadIsaDelimiters();
  void AdvanceTo(size_t pos);
  // Streaming: drops the bytes before pos_ and reads more after the rest. False when the stream
  // has no more (or is not one: a whole input in memory).
  bool Refill();
  // Streaming: holds at least `n` bytes from pos_, or every byte left.
  void Want(size_t n);

  std::istream* in_ = nullptr;
  std::vector<char> buffer_;  // streaming: the bytes held; text_ views them
  size_t chunk_bytes_ = 0;
  bool eof_ = true;
  bool read_failed_ = false;
  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  bool started_ = false;  // an ISA has given delimiters
  X12Delimiters delimiters_;
  std::string error_;
  uint64_t error_line_ = 0;
};

}  // namespace warrant
