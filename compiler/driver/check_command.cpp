// `warrant check`: parse, check and generate a pack in memory (so limits the code generator
// finds are reported too); print diagnostics and dumps (`--dump=ast|checked|bytecode`).
#include <ostream>

#include <fmt/format.h>

#include "compiler/ast/dump.h"
#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "runtime/pack/disasm.h"

namespace warrant::driver {

int RunCheck(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  auto c = Compile(options.inputs, MakeCompileOptions(options, true));
  if (options.dump == "ast")
    ast::DumpAst(c->sources.ast, c->sources.files, out);
  if (options.dump == "checked" && c->ok)
    check::DumpChecked(c->checked, c->sources.files, out);
  if (options.dump == "bytecode" && c->ok)
    Disassemble(c->program, out);  // the listing `warrant disasm` prints for the same sources
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  size_t warnings = c->sink.diagnostics().size();
  if (!options.json_diagnostics && options.dump.empty()) {
    size_t rules = 0, tests = 0, policies = 0;
    for (const ast::File& f : c->sources.ast.files) {
      rules += f.rules.size();
      tests += f.tests.size();
      policies += f.policy ? 1 : 0;
    }
    size_t files = c->sources.ast.files.size();
    out << fmt::format(
        "ok: {} file{}, {} policy version{}, {} rule{}, {} test{}{}\n", files,
        files == 1 ? "" : "s", policies, policies == 1 ? "" : "s", rules, rules == 1 ? "" : "s",
        tests, tests == 1 ? "" : "s",
        warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
  }
  return 0;
}

}  // namespace warrant::driver
