// Files and standard streams for the CLI, with the system's reason when reading or writing
// fails, and the exit code such failures get.
//
// std::ofstream and std::cout report a failed write only as a stream state, long after errno has
// moved on; FdOutBuf and FdInBuf are stream buffers over a file descriptor that keep the errno of
// their first failure, so "cannot write `out.ndjson`: No space left on device" can say why. A
// failed write sets the stream's badbit (at the write or the next flush); a failed read ends the
// input as the end of the file would, so readers ask ReadFailed() whether it was one. This
// module does not decide what to do about a failure: commands report it with E0001/E0006 and
// exit kExitIo.
#pragma once

#include <array>
#include <filesystem>
#include <istream>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace warrant::driver {

// The exit code of an I/O error: a claims, pack or output file (or standard input or output)
// could not be opened, read or written. 0 success, 1 errors in the input, 2 usage errors.
inline constexpr int kExitIo = 3;

class FdOutBuf final : public std::streambuf {
 public:
  // Writes to `fd`; closes it on destruction when `owned`.
  FdOutBuf(int fd, bool owned) : fd_(fd), owned_(owned) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  ~FdOutBuf() override;
  FdOutBuf(const FdOutBuf&) = delete;
  FdOutBuf& operator=(const FdOutBuf&) = delete;

  // Flushes and, when owned, closes (a full disk on NFS shows only here). False on any failure.
  bool Close();

  // errno of the first failed write or close; 0 if none.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool Drain();
  bool WriteAll(const char* data, size_t size);

  int fd_;
  bool owned_;
  int error_ = 0;
  std::array<char, 1 << 16> buffer_;
};

class FdInBuf final : public std::streambuf {
 public:
  FdInBuf(int fd, bool owned) : fd_(fd), owned_(owned) {}

  ~FdInBuf() override;
  FdInBuf(const FdInBuf&) = delete;
  FdInBuf& operator=(const FdInBuf&) = delete;

  // errno of the first failed read; 0 if none.
  int error() const { return error_; }

  int fd() const { return fd_; }

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char* s, std::streamsize n) override;

 private:
  // Reads once into `to`: 0 at the end of the input or after a failure (error() says which).
  size_t ReadSome(char* to, size_t size);

  int fd_;
  bool owned_;
  int error_ = 0;
  std::array<char, 1 << 16> buffer_;
};

// A file opened for the CLI to write: an ostream over an FdOutBuf.
class OutputFile {
 public:
  // Creates or truncates `path`; false with `why` (strerror text) set.
  bool Open(const std::string& path, std::string& why);

  std::ostream& stream() { return stream_; }

  // Flushes and closes; false with `why` set when any write or the close failed.
  bool Close(std::string& why);

 private:
  std::unique_ptr<FdOutBuf> buf_;
  std::ostream stream_{nullptr};
};

// A file opened for the CLI to read: an istream over an FdInBuf. A directory is refused at open.
class InputFile {
 public:
  bool Open(const std::string& path, std::string& why);

  std::istream& stream() { return stream_; }

  // The open file's descriptor (-1 before Open), for a reader that maps it instead.
  int fd() const { return buf_ ? buf_->fd() : -1; }

 private:
  std::unique_ptr<FdInBuf> buf_;
  std::istream stream_{nullptr};
};

// Why `stream` failed: the system's text for its first error when it is one of the buffers above
// ("No space left on device"), else a generic "a write failed" / "a read failed".
std::string WriteError(const std::ostream& stream);
std::string ReadError(const std::istream& stream);

// Whether reading `stream` failed (rather than reached the end of its input).
bool ReadFailed(const std::istream& stream);

// Reads the rest of `in`; false with `why` set when a read failed.
bool ReadAll(std::istream& in, std::string& bytes, std::string& why);

// Writes `bytes` to `path`. A regular file (or a new one) is written beside it and renamed over
// it, so a failed write leaves the old file whole; anything else (/dev/stdout, a FIFO) is written
// in place. False with `why` set.
bool WriteWholeFile(const std::filesystem::path& path, std::string_view bytes, std::string& why);

// Reads a whole regular file; false with `why` set (a directory is "Is a directory").
bool ReadWholeFile(const std::string& path, std::string& bytes, std::string& why);

// Whether `a` and `b` name the same existing file (through links, `..`, hard links).
bool SameFile(const std::string& a, const std::string& b);

}  // namespace warrant::driver
