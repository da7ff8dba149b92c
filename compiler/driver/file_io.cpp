#include "compiler/driver/file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

namespace warrant::driver {
namespace fs = std::filesystem;

// ---- FdOutBuf ---------------------------------------------------------------------------------

FdOutBuf::~FdOutBuf() {
  Close();
}

bool FdOutBuf::WriteAll(const char* data, size_t size) {
  if (error_ != 0)
    return false;
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error_ = errno;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool FdOutBuf::Drain() {
  const auto pending = static_cast<size_t>(pptr() - pbase());
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return pending == 0 || WriteAll(buffer_.data(), pending);
}

FdOutBuf::int_type FdOutBuf::overflow(int_type c) {
  if (!Drain())
    return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof()))
    return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdOutBuf::xsputn(const char* s, std::streamsize n) {
  const auto size = static_cast<size_t>(n);
  if (size <= static_cast<size_t>(epptr() - pptr())) {
    std::memcpy(pptr(), s, size);
    pbump(static_cast<int>(size));
    return n;
  }
  // Larger than what is left: the buffered bytes, then these, without copying them.
  if (!Drain() || !WriteAll(s, size))
    return 0;
  return n;
}

int FdOutBuf::sync() {
  return Drain() ? 0 : -1;
}

bool FdOutBuf::Close() {
  bool ok = Drain();
  if (owned_ && fd_ >= 0) {
    if (::close(fd_) != 0 && error_ == 0)
      error_ = errno;
    fd_ = -1;
  }
  return ok && error_ == 0;
}

// ---- FdInBuf ----------------------------------------------------------------------------------

FdInBuf::~FdInBuf() {
  if (owned_ && fd_ >= 0)
    ::close(fd_);
}

size_t FdInBuf::ReadSome(char* to, size_t size) {
  if (error_ != 0)
    return 0;
  for (;;) {
    const ssize_t n = ::read(fd_, to, size);
    if (n >= 0)
      return static_cast<size_t>(n);
    if (errno == EINTR)
      continue;
    error_ = errno;
    return 0;
  }
}

FdInBuf::int_type FdInBuf::underflow() {
  if (gptr() < egptr())
    return traits_type::to_int_type(*gptr());
  const size_t n = ReadSome(buffer_.data(), buffer_.size());
  if (n == 0)
    return traits_type::eof();
  setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
  return traits_type::to_int_type(*gptr());
}

std::streamsize FdInBuf::xsgetn(char* s, std::streamsize n) {
  auto want = static_cast<size_t>(n);
  size_t got = 0;
  // What is buffered first, then straight into the caller's memory.
  const auto buffered = std::min(want, static_cast<size_t>(egptr() - gptr()));
  if (buffered > 0) {
    std::memcpy(s, gptr(), buffered);
    gbump(static_cast<int>(buffered));
    got = buffered;
  }
  while (got < want) {
    const size_t n_read = ReadSome(s + got, want - got);
    if (n_read == 0)
      break;
    got += n_read;
  }
  return static_cast<std::streamsize>(got);
}

// ---- Files ------------------------------------------------------------------------------------

bool OutputFile::Open(const std::string& path, std::string& why) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  buf_ = std::make_unique<FdOutBuf>(fd, true);
  stream_.rdbuf(buf_.get());
  stream_.clear();
  return true;
}

bool OutputFile::Close(std::string& why) {
  if (!buf_)
    return true;
  stream_.flush();
  const bool ok = buf_->Close();
  if (!ok)
    why = std::strerror(buf_->error() != 0 ? buf_->error() : EIO);
  return ok;
}

bool InputFile::Open(const std::string& path, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }

  struct stat st {};

  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    why = std::strerror(EISDIR);
    return false;
  }
  buf_ = std::make_unique<FdInBuf>(fd, true);
  stream_.rdbuf(buf_.get());
  stream_.clear();
  return true;
}

std::string WriteError(const std::ostream& stream) {
  if (const auto* buf = dynamic_cast<const FdOutBuf*>(stream.rdbuf()); buf && buf->error() != 0)
    return std::strerror(buf->error());
  return "a write failed";
}

std::string ReadError(const std::istream& stream) {
  if (const auto* buf = dynamic_cast<const FdInBuf*>(stream.rdbuf()); buf && buf->error() != 0)
    return std::strerror(buf->error());
  return "a read failed";
}

bool ReadFailed(const std::istream& stream) {
  const auto* buf = dynamic_cast<const FdInBuf*>(stream.rdbuf());
  return stream.bad() || (buf && buf->error() != 0);
}

bool ReadAll(std::istream& in, std::string& bytes, std::string& why) {
  bytes.clear();
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
    bytes.append(chunk, static_cast<size_t>(in.gcount()));
  if (ReadFailed(in)) {
    why = ReadError(in);
    return false;
  }
  return true;
}

bool WriteWholeFile(const fs::path& path, std::string_view bytes, std::string& why) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  const bool replace = !fs::exists(status) || fs::is_regular_file(status);
  // Through a symbolic link, rewrite the file it points to rather than replace the link.
  fs::path target = path;
  if (replace && fs::is_symlink(fs::symlink_status(path, ec))) {
    target = fs::canonical(path, ec);
    if (ec)
      target = path;
  }
  fs::path written = target;
  if (replace)
    written += fmt::format(".{}.tmp", static_cast<long>(::getpid()));
  OutputFile file;
  if (!file.Open(written.string(), why))
    return false;
  file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file.Close(why)) {
    if (replace)
      fs::remove(written, ec);
    return false;
  }
  if (!replace)
    return true;
  if (fs::exists(status))
    fs::permissions(written, status.permissions(), ec);
  fs::rename(written, target, ec);
  if (ec) {
    why = ec.message();
    fs::remove(written, ec);
    return false;
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string& bytes, std::string& why) {
  InputFile file;
  return file.Open(path, why) && ReadAll(file.stream(), bytes, why);
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace warrant::driver
