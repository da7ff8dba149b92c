// `warrant lsp`: the language server (compiler/lsp) on standard input and output.
#include <ostream>

#include "compiler/driver/commands.h"
#include "compiler/frontend/terminology_files.h"
#include "compiler/lsp/server.h"

namespace warrant::driver {

int RunLsp(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  lsp::ServerOptions server;
  // Terminology for hover: `--terminology`, else WARRANT_TERMINOLOGY (a project file's setting
  // belongs here too once `warrant.toml` has one).
  server.terminology =
      options.terminology.empty() ? frontend::DefaultTerminologyPaths() : options.terminology;
  server.version = WARRANT_VERSION;
  return lsp::Serve(in, out, err, server);
}

}  // namespace warrant::driver
