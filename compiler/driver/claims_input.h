// The claims input of `run`, `explain` and `convert`: its format, told by --input-format or by
// its first bytes (SniffFormat), read from a stream without losing the bytes looked at.
#pragma once

#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/file_io.h"
#include "runtime/formats/claim_source.h"

namespace warrant::driver {

// Reads the head of `in` to tell its format; stream() then gives every byte of `in`, the head
// included, so an NDJSON input is still read as a stream.
class SniffedInput {
 public:
  // `forced`: the --input-format word, or "" to tell by content.
  SniffedInput(std::istream& in, const std::string& forced);
  ~SniffedInput();
  SniffedInput(const SniffedInput&) = delete;
  SniffedInput& operator=(const SniffedInput&) = delete;

  InputFormat format() const { return format_; }

  std::istream& stream() { return *stream_; }

 private:
  std::unique_ptr<std::streambuf> buffer_;
  std::unique_ptr<std::istream> stream_;
  InputFormat format_ = InputFormat::Ndjson;
};

// Prints a reader's envelope or document errors as `error: ...` lines, the first 20 of them and
// then how many more (a file of many transaction sets may repeat one mistake in each).
void PrintInputProblems(std::ostream& err, const std::vector<std::string>& problems);

// The claims input of `run` as a ClaimStream: first the sniffed stream; again, a regular file
// opened anew (standard input and pipes are read once).
class SniffedClaimStream final : public ClaimStream {
 public:
  // `path`: the file `sniffed` reads, "" for standard input.
  SniffedClaimStream(SniffedInput& sniffed, std::string path);
  std::istream* Open() override;

  bool Reopens() const override { return reopens_; }

 private:
  SniffedInput& sniffed_;
  std::string path_;
  bool reopens_ = false;
  bool opened_ = false;
  InputFile again_;
};

// Reads the whole claims input `name` ("-": standard input, renamed "<stdin>" for messages) into
// `text`. On failure prints E0001 with the system's reason and returns false (exit kExitIo).
bool ReadClaimsText(std::string& name, std::istream& in, std::string& text, std::ostream& err);

// The stream of input `name`: standard input `in` for "-" (`name` renamed "<stdin>" for
// messages), else `file` opened on it. Null after printing E0001 with the system's reason (exit
// kExitIo).
std::istream* OpenInput(std::string& name, std::istream& in, InputFile& file, std::ostream& err);

// The format `forced` names, or the one `text` starts as.
InputFormat ChooseFormat(const std::string& forced, std::string_view text);

}  // namespace warrant::driver
