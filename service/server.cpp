// The HTTP side of `warrant serve` (serve.h): cpp-httplib's server with the routes of
// service/routes.h, gatekeeping (route, method, token) before any body is read, the connection
// loop of plain HTTP (timeouts answered 408, connections over the limit 503), the access log and
// metrics, the pack slot, and the signal thread (SIGHUP reloads, SIGTERM/SIGINT stop).
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <httplib.h>
#include <mutex>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <openssl/err.h>

#include "runtime/core/text.h"
#include "runtime/engine/engine.h"
#include "service/auth.h"
#include "service/connection_queue.h"
#include "service/metrics.h"
#include "service/routes.h"
#include "service/serve.h"
#include "service/socket_stream.h"

namespace warrant::service {
namespace {

using Clock = std::chrono::steady_clock;

// The pack in force. A request takes a reference to the engine once and decides on it to the
// end, so a reload never changes a pack under a request. An old pack is freed when no request and
// no thread's Worker (routes.h) holds it any more.
class PackSlot {
 public:
  explicit PackSlot(const PackLoader& load) : load_(load) {}

  std::shared_ptr<const Engine> Get() const { return engine_.load(std::memory_order_acquire); }

  // Loads the pack; false with `error` set, and the old pack kept, when it cannot be used.
  bool Load(std::string& error) {
    std::lock_guard<std::mutex> lock(reload_mutex_);  // one reload at a time
    std::shared_ptr<const Engine> fresh = load_(error);
    if (!fresh)
      return false;
    engine_.store(std::move(fresh), std::memory_order_release);
    return true;
  }

 private:
  const PackLoader& load_;
  std::atomic<std::shared_ptr<const Engine>> engine_;
  std::mutex reload_mutex_;
};

// Each request is handled start to end on one pool thread: its start time and scratch space
// live with the thread.
thread_local Clock::time_point t_request_start;
thread_local bool t_request_started = false;
thread_local Worker t_worker;
// The plain-HTTP connection the thread is serving (null over TLS, whose stream is httplib's).
thread_local const SocketStream* t_stream = nullptr;

bool ReadTimedOut() {
  return t_stream != nullptr && t_stream->read_timed_out();
}

// The request body, into the thread's buffer (its capacity kept from request to request); false
// when it could not be read (over --max-body, cut short, too slow) with httplib's status in `res`.
thread_local std::string t_body;

bool ReadBody(const httplib::ContentReader& read) {
  if (t_body.capacity() > (size_t{1} << 20))
    std::string().swap(t_body);  // one large claim does not pin its size in every thread
  t_body.clear();
  return read([](const char* data, size_t size) {
    t_body.append(data, size);
    return true;
  });
}

void Send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type.c_str());
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

// What httplib itself answered with (a request it could not parse, a body over the limit) as a
// JSON error like the service's own.
std::string_view ErrorWord(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    default:
      return status >= 500 ? "internal_error" : "error";
  }
}

// The reply to a request httplib could not read: over --max-body (413), not sent in full within
// --read-timeout (408), not HTTP/1.1 or cut short (400).
Reply BodyError(int status) {
  if (status < 400)
    status = 400;
  if (ReadTimedOut())
    status = 408;
  std::string message = fmt::format("HTTP {}", status);
  if (status == 413)
    message = "the request body is larger than the service takes (--max-body)";
  else if (status == 408)
    message = "the request was not sent in full: nothing came for --read-timeout";
  else if (status == 400)
    message = "the request could not be read as HTTP/1.1, or its body was cut short";
  return ErrorReply(status, ErrorWord(status), message);
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string OpenSslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += text.empty() ? "" : "; ";
    text += buffer;
  }
  return text;
}

// Blocks the signals the service handles in the calling thread and every thread it starts
// (httplib's pool included), so only the signal thread receives them, by sigwait; restores the
// old mask when done.
class SignalMask {
 public:
  SignalMask() {
    sigemptyset(&set_);
    for (int s : {SIGHUP, SIGTERM, SIGINT})
      sigaddset(&set_, s);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }

  ~SignalMask() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_{}, old_{};
};

using Millis = std::chrono::milliseconds;

Reply OverLimitReply(size_t max_connections) {
  return ErrorReply(
      503, "too_many_connections",
      fmt::format("the service has {} connections open (--max-connections); try again shortly",
                  max_connections));
}

// A reply written straight to the socket, outside httplib's request handling, and the connection
// closed after it.
std::string RawReply(const Reply& reply, std::string_view extra_headers = {}) {
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n{}",
      reply.status, reply.status == 503 ? "Service Unavailable" : "Request Timeout",
      reply.content_type, reply.body.size(), extra_headers, reply.body);
}

// Plain HTTP with the service's own connection loop: httplib's parses each request, but reads
// and writes through SocketStream, so a request cut short by --read-timeout is told from a
// malformed one, and a connection over --max-connections (ConnectionQueue) is refused with a
// 503 before anything of it is read. The TLS server is httplib's own (its loop is private).
class PlainServer final : public httplib::Server {
 public:
  // Called for each reply the loop writes itself (status, client address, body size).
  std::function<void(int, const std::string&, size_t)> on_raw_reply;
  std::function<void(Metrics::Drop)> on_drop;
  size_t max_connections = 0;

 private:
  bool process_and_close_socket(socket_t sock) override {
    const bool ok = Refusing() ? Refuse(sock) : ServeConnection(sock);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  static Millis ToMillis(time_t sec, time_t usec) { return Millis(sec * 1000 + usec / 1000); }

  bool Stopped() const { return svr_sock_ == INVALID_SOCKET; }

  // Waits for the next request of a kept-alive connection; false when it stays idle for the
  // keep-alive time, closes, or the server stops with nothing sent.
  bool WaitForRequest(const SocketStream& strm) const {
    const auto deadline = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    for (;;) {
      if (strm.WaitReadable(Millis(50)))
        return true;
      if (Stopped() || Clock::now() >= deadline)
        return false;
    }
  }

  bool ServeConnection(socket_t sock) {
    SocketStream strm(sock, ToMillis(read_timeout_sec_, read_timeout_usec_),
                      ToMillis(write_timeout_sec_, write_timeout_usec_));
    bool ok = false;
    for (size_t left = keep_alive_max_count_; left > 0 && WaitForRequest(strm); --left) {
      strm.StartRequest();
      t_stream = &strm;
      bool closed = false;
      ok = process_request(strm, left == 1, closed, nullptr);
      t_stream = nullptr;
      if (strm.read_timed_out()) {
        // Cut short in the request line, where httplib gives up without a reply.
        if (!ok && strm.bytes_read() > 0 && strm.bytes_written() == 0)
          Answer(sock, BodyError(408));
        on_drop(Metrics::Drop::ReadTimeout);
        break;
      }
      if (strm.write_timed_out()) {
        on_drop(Metrics::Drop::WriteTimeout);
        break;
      }
      if (!ok || closed)
        break;
    }
    return ok;
  }

  void Answer(socket_t sock, const Reply& reply, std::string_view extra_headers = {}) {
    SendAll(sock, RawReply(reply, extra_headers),
            ToMillis(write_timeout_sec_, write_timeout_usec_));
    std::string ip;
    int port = 0;
    SocketStream(sock, Millis(0), Millis(0)).get_remote_ip_and_port(ip, port);
    on_raw_reply(reply.status, ip, reply.body.size());
  }

  // Answers 503 without reading the request, then waits briefly for the client to close: closing
  // with its request unread would reset the connection, and the client could lose the reply.
  bool Refuse(socket_t sock) {
    on_drop(Metrics::Drop::OverLimit);
    Answer(sock, OverLimitReply(max_connections), "Retry-After: 1\r\n");
    ::shutdown(sock, SHUT_WR);
    SocketStream strm(sock, Millis(0), Millis(0));
    const auto deadline = Clock::now() + Millis(250);
    char scratch[4096];
    while (Clock::now() < deadline) {
      if (strm.WaitReadable(Millis(25)) && ::recv(sock, scratch, sizeof scratch, MSG_DONTWAIT) <= 0)
        break;  // closed (or gone)
    }
    return true;
  }
};

}  // namespace

bool ParseListen(const std::string& text, std::string& host, int& port, std::string& problem) {
  const size_t colon = text.rfind(':');
  problem = fmt::format(
      "`--listen` takes HOST:PORT (127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080; port 0 picks a free "
      "one), not `{}`",
      text);
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return false;
  std::string h = text.substr(0, colon);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']')
      return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return false;  // an IPv6 address needs its brackets
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const int p = std::stoi(digits);
  if (p > 65535)
    return false;
  host = h;
  port = p;
  problem.clear();
  return true;
}

int Serve(const ServeConfig& config, const PackLoader& load, std::ostream& log) {
  SignalMask signals;        // before any thread starts
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-reply is an error return, not the end
  std::mutex log_mutex;
  auto say = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    log << "warrant serve: " << line << '\n' << std::flush;
  };

  PackSlot pack(load);
  std::string error;
  if (!pack.Load(error)) {
    say(fmt::format("cannot load the pack: {}", error));
    return 1;
  }
  TokenDigest token{};
  const bool need_token = !config.token_file.empty();
  if (need_token) {
    std::string warning;
    if (!LoadToken(config.token_file, token, error, warning)) {
      say(error);
      return 1;
    }
    if (!warning.empty())
      say(fmt::format("warning: {}", warning));
  }

  std::unique_ptr<httplib::Server> server;
  const bool tls = !config.tls_cert.empty();
  if (tls) {
    server = std::make_unique<httplib::SSLServer>(config.tls_cert.c_str(), config.tls_key.c_str());
    if (!server->is_valid()) {
      say(fmt::format(
          "cannot use the TLS certificate `{}` with the key `{}` (PEM files; the key must match "
          "the certificate): {}",
          config.tls_cert, config.tls_key, OpenSslErrors()));
      return 1;
    }
  }

  Metrics metrics;
  if (!tls) {
    auto plain = std::make_unique<PlainServer>();
    plain->max_connections = config.max_connections;
    plain->on_drop = [&metrics](Metrics::Drop why) { metrics.CountDrop(why); };
    plain->on_raw_reply = [&](int status, const std::string& remote, size_t bytes) {
      metrics.CountRequest(Route::Other, status, 0);
      if (config.access_log) {
        std::string line =
            fmt::format("{} {} - - {} {} 0.000ms\n", UtcNow(), remote, status, bytes);
        std::lock_guard<std::mutex> lock(log_mutex);
        log << line << std::flush;
      }
    };
    server = std::move(plain);
  }
  server->new_task_queue = [&config] {
    return new ConnectionQueue(static_cast<size_t>(config.threads), config.max_connections);
  };
  server->set_payload_max_length(config.max_body);
  server->set_read_timeout(config.read_timeout_s, 0);
  server->set_write_timeout(config.write_timeout_s, 0);
  server->set_keep_alive_timeout(config.keep_alive_s);
  server->set_keep_alive_max_count(10000);
  server->set_tcp_nodelay(true);

  // Route, method and token are checked on the headers alone: a request refused here never has
  // its body read, let alone logged.
  server->set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    t_request_start = Clock::now();
    t_request_started = true;
    if (Refusing()) {  // TLS only: plain HTTP refuses before reading the request
      metrics.CountDrop(Metrics::Drop::OverLimit);
      Send(res, OverLimitReply(config.max_connections));
      res.set_header("Connection", "close");
      res.set_header("Retry-After", "1");
      return httplib::Server::HandlerResponse::Handled;
    }
    const Route route = RouteOf(req.path);
    if (route == Route::Other) {
      Send(res, ErrorReply(404, "not_found",
                           "no such route; the service answers POST /v1/decide, POST "
                           "/v1/explain, POST /v1/reload, GET /healthz and GET /metrics"));
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string_view method = RouteMethod(route);
    if (req.method != method && !(req.method == "HEAD" && method == "GET")) {
      Send(res, ErrorReply(405, "method_not_allowed",
                           fmt::format("{} takes {} only", RoutePath(route), method)));
      res.set_header("Allow", std::string(method));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (need_token && route != Route::Healthz &&
        !Authorized(req.get_header_value("Authorization"), token)) {
      Send(res, ErrorReply(401, "unauthorized",
                           "this route needs an Authorization: Bearer header with the token"));
      res.set_header("WWW-Authenticate", "Bearer");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;  // one of the service's own
        Send(res, BodyError(res.status));                      // 408 when the read timed out
        if (res.status == 408)
          res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }));
  server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Send(res, ErrorReply(500, "internal_error", what));
      });
  // One line per request, bodies never: claims are protected health information.
  server->set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    const uint64_t ns =
        t_request_started
            ? static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        Clock::now() - t_request_start)
                                        .count())
            : 0;
    t_request_started = false;
    metrics.CountRequest(RouteOf(req.path), res.status, ns);
    if (config.access_log) {
      const Route route = RouteOf(req.path);
      std::string line = fmt::format("{} {} {} {} {} {} {:.3f}ms\n", UtcNow(), req.remote_addr,
                                     req.method.empty() ? "-" : req.method,
                                     route == Route::Other ? "-" : RoutePath(route), res.status,
                                     res.body.size(), static_cast<double>(ns) / 1e6);
      std::lock_guard<std::mutex> lock(log_mutex);
      log << line << std::flush;
    }
  });

  auto reload = [&](std::string& message) {
    std::string why;
    const bool ok = pack.Load(why);
    metrics.CountReload(ok);
    const std::string hash = pack.Get()->pack_hash();
    message = ok ? fmt::format("reloaded the pack: now {}", hash)
                 : fmt::format("reload failed, still serving {}: {}", hash, why);
    say(message);
    return ok;
  };

  // The body is read raw: httplib would parse an application/x-www-form-urlencoded body (curl's
  // default) as form fields, and refuse one over 8 KB.
  server->Post("/v1/decide", [&](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& read) {
    if (!ReadBody(read)) {
      Send(res, BodyError(res.status));
      return;
    }
    Send(res, Decide(pack.Get(), t_worker, t_body, req.get_header_value("Content-Type"),
                     req.get_header_value("Accept"), metrics));
  });
  server->Post("/v1/explain", [&](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& read) {
    if (!ReadBody(read)) {
      Send(res, BodyError(res.status));
      return;
    }
    Send(res, Explain(pack.Get(), t_worker, t_body, req.get_header_value("Content-Type"),
                      req.get_header_value("Accept")));
  });
  server->Post("/v1/reload", [&](const httplib::Request&, httplib::Response& res) {
    std::string message;
    if (!reload(message)) {
      Send(res, ErrorReply(500, "reload_failed", message));
      return;
    }
    Send(res, Reply{200, "application/json",
                    fmt::format("{{\"status\":\"reloaded\",\"pack_hash\":{}}}\n",
                                JsonString(pack.Get()->pack_hash()))});
  });
  server->Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    Send(res, Reply{200, "application/json",
                    fmt::format("{{\"status\":\"ok\",\"pack_hash\":{}}}\n",
                                JsonString(pack.Get()->pack_hash()))});
  });
  server->Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    Send(res, Reply{200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.Render(pack.Get()->pack_hash())});
  });

  int port = config.port;
  bool bound;
  if (port == 0) {
    port = server->bind_to_any_port(config.host);
    bound = port > 0;
  } else {
    bound = server->bind_to_port(config.host, port);
  }
  if (!bound) {
    say(fmt::format("cannot listen on {}:{}: {}", config.host, config.port,
                    errno != 0 ? std::strerror(errno) : "the address is not usable"));
    return 1;
  }
  if (!IsLoopback(config.host)) {
    say(fmt::format(
        "warning: listening on {}, not loopback: claims are protected health information{}",
        config.host,
        tls && need_token ? "" : "; serve them with --tls-cert, --tls-key and --token-file"));
  }
  const bool v6 = config.host.find(':') != std::string::npos;
  say(fmt::format("listening on {}://{}{}{}:{} (pack {})", tls ? "https" : "http", v6 ? "[" : "",
                  config.host, v6 ? "]" : "", port, pack.Get()->pack_hash()));

  std::atomic<bool> done{false};
  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals.set(), &sig) != 0)
        continue;
      if (done.load())
        return;
      if (sig == SIGHUP) {
        std::string message;
        reload(message);
        continue;
      }
      if (stopping.exchange(true))
        continue;
      say(fmt::format("{}: finishing the requests in flight, then exiting",
                      sig == SIGTERM ? "SIGTERM" : "SIGINT"));
      // A signal in the moment before the accept loop starts would be lost on a server not yet
      // running: wait for it to run.
      while (!server->is_running() && !done.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (!done.load())
        server->stop();
    }
  });

  const bool listened = server->listen_after_bind();
  done.store(true);
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // wakes its sigwait
  signal_thread.join();
  // A signal repeated during shutdown (a supervisor sending SIGTERM again) is consumed here
  // rather than delivered by its default action once the old mask is back.
  for (const timespec now{0, 0}; sigtimedwait(&signals.set(), nullptr, &now) > 0;) {
  }
  if (!stopping.load() || !listened) {
    say("the server stopped unexpectedly");
    return 1;
  }
  say("stopped");
  return 0;
}

}  // namespace warrant::service
