// Code generation: a checked pack becomes a runtime Program.
//
// Domain phrases are lowered here to the small core the VM runs: `age` and `service_date` are
// scope reads, `within` a window test, quantifiers and `latest`/`earliest` loops over slots with
// accumulators, month arithmetic the VM's calendar `add`. Codesets are expanded to sorted
// intervals, tables frozen with sorted keys, sources and their hashes recorded, and rules whose
// `applies to` tests `line.code in S` are marked for the code index. Input must have checked
// without errors; the only diagnostics produced here are limits (E05xx).
#pragma once

#include "compiler/check/check.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/frontend/sources.h"
#include "runtime/pack/program.h"

namespace warrant::codegen {

// Fills `out` from `program`. False if a limit was exceeded (reported to `sink`).
bool Generate(const frontend::Sources& sources, const check::CheckedProgram& program, Program& out,
              diag::DiagSink& sink);

}  // namespace warrant::codegen
