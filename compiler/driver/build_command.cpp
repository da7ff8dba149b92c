// `warrant build`: compile sources into a pack file; `warrant disasm`: list a pack's bytecode.
#include <filesystem>
#include <ostream>
#include <string_view>

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
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
  for (FileId id = 0; id < c->sources.paths.size(); ++id) {
    const std::filesystem::path& source = c->sources.paths[id];
    if (!source.empty() && SameFile(options.output, source.string())) {
      err << fmt::format(
          "warrant build: `-o {}` names the source `{}`; name the pack another file\n",
          options.output, c->sources.files.Get(id).name());
      return 2;
    }
  }
  std::vector<uint8_t> bytes = WritePack(c->program);
  std::string why;
  if (!WriteWholeFile(options.output,
                      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                      why)) {
    PrintPlain(err, diag::DiagCode::CannotWrite, options.output, why);
    return kExitIo;
  }
  const Program& p = c->program;
  out << fmt::format("wrote {}: {} policy version{}, {} rule{}, {} codeset{}, {} bytes, {}\n",
                     options.output, p.policies.size(), p.policies.size() == 1 ? "" : "s",
                     p.rules.size(), p.rules.size() == 1 ? "" : "s", p.codesets.size(),
                     p.codesets.size() == 1 ? "" : "s", bytes.size(), p.HashText());
  return 0;
}

int RunDisasm(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  int status = 1;
  auto engine = LoadEngine(options.inputs[0], options, out, err, status);
  if (!engine)
    return status;
  Disassemble(engine->program(), out);
  return 0;
}

}  // namespace warrant::driver
