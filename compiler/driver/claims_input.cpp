#include "compiler/driver/claims_input.h"

#include <algorithm>
#include <cstring>
#include <ostream>
#include <sys/stat.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "runtime/core/text.h"

namespace warrant::driver {
namespace {

// How much of an input tells its format: a FHIR resource's `resourceType` may follow other keys.
constexpr size_t kHeadBytes = 64 * 1024;

// The bytes already read (the head), then the rest of the underlying stream.
class PrefixedBuffer : public std::streambuf {
 public:
  PrefixedBuffer(std::string head, std::streambuf* rest) : head_(std::move(head)), rest_(rest) {
    setg(head_.data(), head_.data(), head_.data() + head_.size());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr())
      return traits_type::to_int_type(*gptr());
    if (rest_ == nullptr)
      return traits_type::eof();
    const std::streamsize got = rest_->sgetn(chunk_, sizeof chunk_);
    if (got <= 0)
      return traits_type::eof();
    setg(chunk_, chunk_, chunk_ + got);
    return traits_type::to_int_type(*gptr());
  }

  // Bulk reads (NdjsonReader's) take what is buffered, then go straight to the underlying
  // buffer: without this, every byte of a large input would be copied twice.
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize done = std::min<std::streamsize>(n, egptr() - gptr());
    if (done > 0) {
      std::memcpy(s, gptr(), static_cast<size_t>(done));
      gbump(static_cast<int>(done));
    }
    if (done < n && rest_ != nullptr) {
      const std::streamsize got = rest_->sgetn(s + done, n - done);
      if (got > 0)
        done += got;
    }
    return done;
  }

 private:
  std::string head_;
  std::streambuf* rest_;
  char chunk_[1 << 16];
};

}  // namespace

void PrintInputProblems(std::ostream& err, const std::vector<std::string>& problems) {
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < problems.size() && i < kShown; ++i)
    err << "error: " << TerminalText(problems[i]) << '\n';
  if (problems.size() > kShown)
    err << "... and " << problems.size() - kShown << " more errors of the input's envelopes\n";
}

bool ReadClaimsText(std::string& name, std::istream& in, std::string& text, std::ostream& err) {
  std::string why;
  const bool from_stdin = name == "-";
  if (from_stdin)
    name = "<stdin>";
  if (from_stdin ? ReadAll(in, text, why) : ReadWholeFile(name, text, why))
    return true;
  PrintPlain(err, diag::DiagCode::CannotReadFile, name, why);
  return false;
}

SniffedClaimStream::SniffedClaimStream(SniffedInput& sniffed, std::string path)
    : sniffed_(sniffed), path_(std::move(path)) {
  struct stat st {};

  reopens_ = !path_.empty() && ::stat(path_.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::istream* SniffedClaimStream::Open() {
  if (!opened_) {
    opened_ = true;
    return &sniffed_.stream();
  }
  std::string why;
  if (!reopens_ || !again_.Open(path_, why))
    return nullptr;
  return &again_.stream();
}

std::istream* OpenInput(std::string& name, std::istream& in, InputFile& file, std::ostream& err) {
  if (name == "-") {
    name = "<stdin>";
    return &in;
  }
  std::string why;
  if (!file.Open(name, why)) {
    PrintPlain(err, diag::DiagCode::CannotReadFile, name, why);
    return nullptr;
  }
  return &file.stream();
}

InputFormat ChooseFormat(const std::string& forced, std::string_view text) {
  if (const std::optional<InputFormat> named = InputFormatNamed(forced))
    return *named;
  return SniffFormat(text);
}

SniffedInput::SniffedInput(std::istream& in, const std::string& forced) {
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  format_ = ChooseFormat(forced, head);
  // A stream that failed for another reason than its end keeps saying so (ReadFailed).
  const bool failed = in.bad();
  buffer_ = std::make_unique<PrefixedBuffer>(std::move(head), failed ? nullptr : in.rdbuf());
  stream_ = std::make_unique<std::istream>(buffer_.get());
  if (failed)
    stream_->setstate(std::ios::badbit);
}

SniffedInput::~SniffedInput() = default;

}  // namespace warrant::driver
