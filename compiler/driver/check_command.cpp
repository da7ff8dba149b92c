// `warrant check`: load, parse and check a pack's sources; print diagnostics and dumps.
#include <fmt/format.h>

#include <ostream>

#include "compiler/ast/dump.h"
#include "compiler/check/check.h"
#include "compiler/diag/render.h"
#include "compiler/driver/commands.h"
#include "compiler/frontend/sources.h"

namespace warrant::driver {

bool ParseOptions(const std::vector<std::string>& args, Options& options, std::string& problem) {
  for (const std::string& a : args) {
    if (a.rfind("--dump=", 0) == 0) {
      options.dump = a.substr(7);
      if (options.dump != "ast" && options.dump != "checked") {
        problem = fmt::format("unknown dump `{}` (use --dump=ast or --dump=checked)", options.dump);
        return false;
      }
    } else if (a.rfind("--diagnostics=", 0) == 0) {
      std::string format = a.substr(14);
      if (format != "json" && format != "text") {
        problem = fmt::format("unknown diagnostics format `{}` (use text or json)", format);
        return false;
      }
      options.json_diagnostics = format == "json";
    } else if (a.size() > 1 && a[0] == '-' ) {
      problem = fmt::format("unknown option `{}`", a);
      return false;
    } else {
      options.inputs.push_back(a);
    }
  }
  if (options.inputs.empty()) {
    problem = "no input files or directories";
    return false;
  }
  return true;
}

int RunCheck(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  frontend::Sources sources;
  diag::DiagSink sink;
  frontend::Load(options.inputs, sources, sink);
  check::CheckedProgram program = check::Check(sources, sink);
  if (options.dump == "ast") ast::DumpAst(sources.ast, sources.files, out);
  if (options.dump == "checked" && !sink.has_errors()) {
    check::DumpChecked(program, sources.files, out);
  }
  std::vector<diag::Diagnostic> diags = sink.Sorted();
  if (options.json_diagnostics) {
    diag::RenderJson(sources.files, diags, out);
  } else {
    diag::RenderText(sources.files, diags, err);
  }
  size_t warnings = diags.size() - sink.error_count();
  if (sink.has_errors()) {
    if (!options.json_diagnostics) {
      err << fmt::format("{} error{}{}\n", sink.error_count(), sink.error_count() == 1 ? "" : "s",
                         warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s")
                                  : "");
    }
    return 1;
  }
  if (!options.json_diagnostics && options.dump.empty()) {
    size_t rules = 0, tests = 0, policies = 0;
    for (const ast::File& f : sources.ast.files) {
      rules += f.rules.size();
      tests += f.tests.size();
      policies += f.policy ? 1 : 0;
    }
    out << fmt::format("ok: {} file{}, {} policy version{}, {} rule{}, {} test{}{}\n",
                       sources.ast.files.size(), sources.ast.files.size() == 1 ? "" : "s",
                       policies, policies == 1 ? "" : "s", rules, rules == 1 ? "" : "s", tests,
                       tests == 1 ? "" : "s",
                       warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s")
                                : "");
  }
  return 0;
}

}  // namespace warrant::driver
