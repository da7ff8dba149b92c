// Reads and writes with poll() deadlines (socket_stream.h).
#include "service/socket_stream.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

namespace warrant::service {
namespace {

// 1 ready, 0 timed out, -1 error; retried on EINTR.
int Poll(int sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR)
      continue;
    return n > 0 ? 1 : n;  // an error or hangup is for the recv or send that follows to say
  }
}

// Waits for `events`; false on an error or a timeout, which sets `timed_out`.
bool Ready(int sock, short events, std::chrono::milliseconds timeout, bool& timed_out) {
  const int ready = Poll(sock, events, timeout);
  timed_out = timed_out || ready == 0;
  return ready > 0;
}

// The address getpeername or getsockname gives, as text.
void IpAndPort(int sock, int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (get(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return;
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, service,
                  sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

}  // namespace

bool SocketStream::WaitReadable(std::chrono::milliseconds timeout) const {
  return begin_ < end_ || Poll(sock_, POLLIN, timeout) > 0;
}

bool SocketStream::is_readable() const {
  return WaitReadable(read_timeout_);
}

bool SocketStream::is_writable() const {
  return Poll(sock_, POLLOUT, write_timeout_) > 0;
}

ssize_t SocketStream::read(char* ptr, size_t size) {
  if (begin_ == end_) {
    if (!Ready(sock_, POLLIN, read_timeout_, read_timed_out_))
      return -1;
    ssize_t n;
    do {
      n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
      return n;
    begin_ = 0;
    end_ = static_cast<size_t>(n);
  }
  const size_t n = std::min(size, end_ - begin_);
  std::memcpy(ptr, buffer_.data() + begin_, n);
  begin_ += n;
  bytes_read_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t SocketStream::write(const char* ptr, size_t size) {
  if (!Ready(sock_, POLLOUT, write_timeout_, write_timed_out_))
    return -1;
  ssize_t n;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return 0;  // poll said writable but the buffer filled meanwhile: httplib writes again
  if (n > 0)
    bytes_written_ += static_cast<size_t>(n);
  return n;
}

void SocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  IpAndPort(sock_, getpeername, ip, port);
}

void SocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  IpAndPort(sock_, getsockname, ip, port);
}

bool SendAll(int sock, std::string_view data, std::chrono::milliseconds timeout) {
  while (!data.empty()) {
    if (Poll(sock, POLLOUT, timeout) <= 0)
      return false;
    const ssize_t n = ::send(sock, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace warrant::service
