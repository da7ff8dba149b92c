// `warrant lint`: check and generate as `warrant check` does, then add the lints
// (compiler/lint/lint.h). Exit 1 on errors, or on any warning with --deny-warnings; else 0.
#include <ostream>

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/lint/lint.h"

namespace warrant::driver {

int RunLint(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  auto c = Compile(options.inputs, MakeCompileOptions(options, true));
  // Lints need the checked, generated program; on errors only the errors are worth reading.
  if (c->ok)
    lint::Lint(*c, c->sink);
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  size_t warnings = c->sink.diagnostics().size();
  if (!options.json_diagnostics) {
    size_t files = c->sources.ast.files.size();
    std::string summary =
        warnings ? fmt::format("{} warning{}", warnings, warnings == 1 ? "" : "s") : "no warnings";
    out << fmt::format("{}: {} file{}, {}\n", warnings ? "lint" : "ok", files,
                       files == 1 ? "" : "s", summary);
  }
  return options.deny_warnings && warnings ? 1 : 0;
}

}  // namespace warrant::driver
