// The compiler as one call: sources in, a checked program and a runtime Program out.
//
// Load (parse every file and its imports) -> check -> generate. Diagnostics from every phase are
// collected in `sink`; `program` is filled only when there were no errors. Criteria that call
// `billable` or `exists` with no terminology loaded get one W0603 warning. The driver's
// commands (check, build, run, test, disasm) all start here.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/frontend/sources.h"
#include "runtime/pack/program.h"
#include "runtime/terminology/terminology.h"

namespace warrant {

struct Compilation {
  frontend::Sources sources;
  check::CheckedProgram checked;
  Program program;
  diag::DiagSink sink;
  Terminology terminology;
  bool ok = false;  // no errors; `program` is complete
};

struct CompileOptions {
  bool generate = true;                  // false stops after checking (`warrant check`)
  std::vector<std::string> terminology;  // --terminology paths (frontend/terminology_files.h)
  // A test record's key the claim schema does not declare is an error (E0314), not a warning
  // (W0604): `warrant test --strict`.
  bool strict_given = false;
  // Called as each phase starts ("loading terminology", "checking", "generating"), for a progress
  // display; may be empty.
  std::function<void(std::string_view phase)> on_phase;
};

std::unique_ptr<Compilation> Compile(const std::vector<std::string>& inputs,
                                     const CompileOptions& options = {});

}  // namespace warrant
