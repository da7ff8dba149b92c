// `warrant serve`: decide claims over HTTP/1.1 (docs/serve.md).
//
// Routes: POST /v1/decide (a claim in, its decision records out), POST /v1/explain, POST
// /v1/reload, GET /healthz, GET /metrics (Prometheus text). The pack is held as a
// shared_ptr<const Engine> swapped atomically on reload (SIGHUP or POST /v1/reload), so a request
// finishes on the pack it started with and a pack that fails to load leaves the old one serving.
// Claims carry protected health information: the default address is loopback, and the access
// log has the method, path, status, size and latency of each request, never a body.
// This module knows HTTP and signals; deciding and explaining are the runtime's (service/routes.h
// turns a request body into a reply without any HTTP).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace warrant {
class Engine;
}  // namespace warrant

namespace warrant::service {

struct ServeConfig {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (the bound one is printed)
  std::string tls_cert, tls_key;   // both or neither: HTTPS with these PEM files
  std::string token_file;          // set: every route but /healthz needs `Bearer <token>`
  size_t max_body = size_t{8} << 20;
  int read_timeout_s = 5;       // a client slower than this to send a request is dropped
  int write_timeout_s = 5;      // ... or to take a reply
  int keep_alive_s = 5;         // an idle keep-alive connection is closed after this
  int threads = 16;             // connections served at once; more wait for a thread
  size_t max_connections = 64;  // connections open at once (served or waiting); more get 503
  bool access_log = true;
};

// Loads the pack (at start and on every reload): the engine, or nullptr with `error` set.
using PackLoader = std::function<std::shared_ptr<const Engine>(std::string& error)>;

// "127.0.0.1:8080", "[::1]:0", "0.0.0.0:9000" into host and port; false with `problem` set.
bool ParseListen(const std::string& text, std::string& host, int& port, std::string& problem);

// Serves until SIGTERM or SIGINT, then finishes the requests in flight and returns 0; 1 when the
// pack, the TLS files, the token file or the address cannot be used (said on `log`). Prints
// "listening on URL" on `log` once bound. Signals SIGHUP, SIGTERM and SIGINT are taken over for
// the process while it serves.
int Serve(const ServeConfig& config, const PackLoader& load, std::ostream& log);

}  // namespace warrant::service
