// The compiler as one call: sources in, a checked program and a runtime Program out.
//
// Load (parse every file and its imports) -> check -> generate. Diagnostics from every phase are
// collected in `sink`; `program` is filled only when there were no errors. The driver's
// commands (check, build, run, test, disasm) all start here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/frontend/sources.h"
#include "runtime/program.h"

namespace warrant {

struct Compilation {
  frontend::Sources sources;
  check::CheckedProgram checked;
  Program program;
  diag::DiagSink sink;
  bool ok = false;  // no errors; `program` is complete
};

// `generate` false stops after checking (for `warrant check`).
std::unique_ptr<Compilation> Compile(const std::vector<std::string>& inputs, bool generate = true);

}  // namespace warrant
