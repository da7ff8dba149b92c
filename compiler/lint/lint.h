// Lints: warnings about criteria that check cleanly but are probably not what the author meant.
//
// A rule that can never apply, a condition that can never be true (or never false), a gap
// between the effective ranges of one policy's versions, codesets, tables, facts and file-level
// lets nothing uses, declarations that hide a rule-scope name, duplicate and subsumed rules, two
// policies that decide one code differently (found by deciding candidate claims with the
// engine), a field read unguarded from a `latest`/`earliest` that may be `none`, a reason or
// fact that reaches another policy's findings, and — with terminology loaded — ICD-10-CM codeset
// members that are non-billable header codes. Codes W07xx (codes.def);
// docs/authoring.md explains each.
//
// Input: a Compilation that checked and generated without errors (lints read the expanded
// codesets of its Program). This module only reports: it changes nothing, and it repeats nothing
// the checker already reports (overlapping versions E0401, shadowed locals E0216, unused rule
// lets W0601, codes in no terminology version W0602). A lint is silenced by a comment
// `// warrant: allow W07xx` on the line it points at, or in a comment line of its own just before
// it.
#pragma once

#include "compiler/compile.h"
#include "compiler/diag/diagnostic.h"

namespace warrant::lint {

// Adds the lints of `c` (which must be `ok`) to `sink`, in no particular order (the sink sorts).
void Lint(const Compilation& c, diag::DiagSink& sink);

}  // namespace warrant::lint
