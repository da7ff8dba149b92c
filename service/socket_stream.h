// The byte stream of one plain-HTTP connection of `warrant serve`, for cpp-httplib's request
// parser: reads and writes on the socket with the service's read and write timeouts, and says
// afterwards whether a read gave up for want of bytes (a slow client: 408) rather than because
// the client closed or sent something malformed (400). httplib 0.11's own stream returns the same
// -1 for a timeout and a reset, so the service could only answer 400.
// Does not parse HTTP, and does not close the socket (the connection loop in server.cpp does).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <httplib.h>

namespace warrant::service {

class SocketStream final : public httplib::Stream {
 public:
  SocketStream(int sock, std::chrono::milliseconds read_timeout,
               std::chrono::milliseconds write_timeout)
      : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  // Forgets what the last request's reads and writes did (the buffered bytes stay: they may be
  // the next request of a pipelining client).
  void StartRequest() {
    read_timed_out_ = write_timed_out_ = false, bytes_read_ = bytes_written_ = 0;
  }

  bool read_timed_out() const { return read_timed_out_; }

  bool write_timed_out() const { return write_timed_out_; }

  size_t bytes_read() const { return bytes_read_; }

  size_t bytes_written() const { return bytes_written_; }

  // True when bytes are buffered or arrive within `timeout`; false on a timeout or an error.
  bool WaitReadable(std::chrono::milliseconds timeout) const;

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;

  socket_t socket() const override { return sock_; }

 private:
  const int sock_;
  const std::chrono::milliseconds read_timeout_, write_timeout_;
  std::array<char, 4096> buffer_;  // httplib reads a request line a byte at a time
  size_t begin_ = 0, end_ = 0;
  bool read_timed_out_ = false, write_timed_out_ = false;
  size_t bytes_read_ = 0, bytes_written_ = 0;
};

// Writes all of `data` within `timeout` for each step of progress; false when the client took
// nothing for that long or is gone.
bool SendAll(int sock, std::string_view data, std::chrono::milliseconds timeout);

}  // namespace warrant::service
