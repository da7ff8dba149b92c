// `warrant build`: compile sources into a pack file; `warrant disasm`: list a pack's bytecode.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/terminal.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/disasm.h"
#include "runtime/pack/pack.h"

namespace warrant::driver {

int RunBuild(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  if (options.output.empty()) {
    err << "warrant build: name the pack to write with `-o rules.wpk`\n";
    return 2;
  }
  Progress progress(err, options.progress && IsTerminal(err), 0);
  CompileOptions compile = MakeCompileOptions(options, true);
  compile.on_phase = [&](std::string_view phase) { progress.Phase(phase); };
  auto c = Compile(options.inputs, compile);
  progress.Finish();
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  std::vector<uint8_t> bytes = WritePack(c->program);
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) {
    PrintPlain(err, diag::DiagCode::CannotWrite, options.output, std::strerror(errno));
    return 1;
  }
  const Program& p = c->program;
  out << fmt::format("wrote {}: {} policy version{}, {} rule{}, {} codeset{}, {} bytes, {}\n",
                     options.output, p.policies.size(), p.policies.size() == 1 ? "" : "s",
                     p.rules.size(), p.rules.size() == 1 ? "" : "s", p.codesets.size(),
                     p.codesets.size() == 1 ? "" : "s", bytes.size(), p.HashText());
  return 0;
}

int RunDisasm(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  auto engine = LoadEngine(options.inputs[0], options, out, err);
  if (!engine)
    return 1;
  Disassemble(engine->program(), out);
  return 0;
}

}  // namespace warrant::driver
