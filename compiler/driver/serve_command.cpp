// `warrant serve`: the command-line shell over the HTTP service (service/serve.h). Checks the
// options, and gives the service a loader that reads the pack (or compiles the criteria) the way
// every other command does, so a reload sees exactly what `warrant run` would.
#include <sstream>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "runtime/engine/engine.h"
#include "service/serve.h"

namespace warrant::driver {

int RunServe(const Options& options, std::istream& /*in*/, std::ostream& /*out*/,
             std::ostream& err) {
  service::ServeConfig config;
  std::string problem;
  if (!service::ParseListen(options.listen, config.host, config.port, problem)) {
    err << "warrant serve: " << problem << '\n';
    return 2;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    err << "warrant serve: HTTPS needs both --tls-cert and --tls-key\n";
    return 2;
  }
  config.tls_cert = options.tls_cert;
  config.tls_key = options.tls_key;
  config.token_file = options.token_file;
  config.max_body = options.max_body;
  config.read_timeout_s = options.read_timeout;
  config.write_timeout_s = options.write_timeout;
  config.threads = options.threads;
  config.max_connections = static_cast<size_t>(options.max_connections);
  config.access_log = options.access_log;

  const std::string path = options.inputs[0];
  service::PackLoader load = [&options, path](std::string& error) {
    std::ostringstream out, diagnostics;
    int status = 0;
    std::shared_ptr<const Engine> engine = LoadEngine(path, options, out, diagnostics, status);
    if (!engine) {
      error = diagnostics.str() + out.str();
      while (!error.empty() && error.back() == '\n')
        error.pop_back();
    }
    return engine;
  };
  return service::Serve(config, load, err);
}

}  // namespace warrant::driver
