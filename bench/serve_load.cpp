// A load generator for `warrant serve` (docs/serve.md, bench/run): N keep-alive connections, each
// on its own thread, send one-claim POST /v1/decide requests back to back for a fixed time and
// time every request. Prints one JSON line: requests, failures, requests/s, p50/p90/p99/max
// latency in milliseconds.
//
//   serve_load --port 8080 --claims claims.ndjson [--host 127.0.0.1] [--connections 8]
//              [--seconds 10] [--warmup 1] [--token TOKEN]
//
// Plain sockets and prebuilt requests, so the client spends as little of a shared machine as it
// can: it parses only the status line and Content-Length of each reply.
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string claims;
  int connections = 8;
  double seconds = 10;
  double warmup = 1;
  std::string token;
};

int Connect(const Args& a) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(a.host.c_str(), std::to_string(a.port).c_str(), &hints, &res) != 0)
    return -1;
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one reply; its status, or -1 when the connection failed. `buffer` keeps bytes read past
// the reply (there are none with one request in flight, but the framing does not assume it).
// `close` is set when the server says it closes the connection after this reply (it does after
// its keep-alive maximum of requests).
int ReadReply(int fd, std::string& buffer, bool& close) {
  char chunk[65536];
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0)
      return -1;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  if (buffer.compare(0, 9, "HTTP/1.1 ") != 0)
    return -1;
  const int status = std::atoi(buffer.c_str() + 9);
  size_t length = 0;
  const size_t at = buffer.find("Content-Length: ");
  if (at != std::string::npos && at < header_end)
    length = std::strtoull(buffer.c_str() + at + 16, nullptr, 10);
  const size_t closing = buffer.find("Connection: close");
  close = closing != std::string::npos && closing < header_end;
  const size_t total = header_end + 4 + length;
  while (buffer.size() < total) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0)
      return -1;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  buffer.erase(0, total);
  return status;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty())
    return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--host")
      a.host = v;
    else if (k == "--port")
      a.port = std::atoi(v.c_str());
    else if (k == "--claims")
      a.claims = v;
    else if (k == "--connections")
      a.connections = std::atoi(v.c_str());
    else if (k == "--seconds")
      a.seconds = std::atof(v.c_str());
    else if (k == "--warmup")
      a.warmup = std::atof(v.c_str());
    else if (k == "--token")
      a.token = v;
    else {
      std::fprintf(stderr, "serve_load: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (a.port <= 0 || a.claims.empty() || a.connections < 1) {
    std::fprintf(stderr, "usage: serve_load --port P --claims FILE [--connections N] ...\n");
    return 2;
  }
  std::vector<std::string> requests;
  {
    std::ifstream in(a.claims);
    std::string line;
    while (std::getline(in, line) && requests.size() < 100000) {
      if (line.empty())
        continue;
      std::string r =
          "POST /v1/decide HTTP/1.1\r\nHost: " + a.host + "\r\nContent-Type: application/json\r\n";
      if (!a.token.empty())
        r += "Authorization: Bearer " + a.token + "\r\n";
      r += "Content-Length: " + std::to_string(line.size()) + "\r\n\r\n" + line;
      requests.push_back(std::move(r));
    }
  }
  if (requests.empty()) {
    std::fprintf(stderr, "serve_load: no claims in %s\n", a.claims.c_str());
    return 2;
  }

  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(a.connections));
  std::vector<uint64_t> failures(static_cast<size_t>(a.connections), 0);
  std::vector<std::thread> threads;
  for (int c = 0; c < a.connections; ++c) {
    threads.emplace_back([&, c] {
      auto& mine = latencies[static_cast<size_t>(c)];
      mine.reserve(1 << 20);
      int fd = Connect(a);
      std::string buffer;
      size_t next = static_cast<size_t>(c) * 7919;
      while (!stop.load(std::memory_order_relaxed)) {
        if (fd < 0) {
          failures[static_cast<size_t>(c)]++;
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          fd = Connect(a);
          continue;
        }
        const std::string& request = requests[next++ % requests.size()];
        const auto t0 = Clock::now();
        const bool sent = SendAll(fd, request);
        bool closing = false;
        const int status = sent ? ReadReply(fd, buffer, closing) : -1;
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (measuring.load(std::memory_order_relaxed)) {
          if (status == 200)
            mine.push_back(ms);
          else
            failures[static_cast<size_t>(c)]++;
        }
        if (status < 0 || closing) {
          close(fd);
          buffer.clear();
          fd = Connect(a);
        }
      }
      if (fd >= 0)
        close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(a.warmup));
  measuring = true;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  for (auto& t : threads)
    t.join();

  std::vector<double> all;
  uint64_t failed = 0;
  for (size_t c = 0; c < latencies.size(); ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    failed += failures[c];
  }
  std::sort(all.begin(), all.end());
  std::printf(
      "{\"connections\":%d,\"seconds\":%.3f,\"requests\":%zu,\"failed\":%llu,"
      "\"requests_per_s\":%.1f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,"
      "\"max_ms\":%.4f}\n",
      a.connections, elapsed, all.size(), static_cast<unsigned long long>(failed),
      static_cast<double>(all.size()) / elapsed, Percentile(all, 0.5), Percentile(all, 0.9),
      Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
  return failed == 0 ? 0 : 1;
}
