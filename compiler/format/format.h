// format::Format: Warrant source text -> the same program in the canonical layout (`warrant fmt`).
//
// The layout is docs/authoring.md's "Formatting": two-space indentation, one declaration or
// statement per line, forced line breaks before the clauses the examples put on their own line
// (`effective`, `source`, `applies`, `else`, `if unknown`, `when` of an outcome, `group`), one
// space between tokens except around brackets, `.`, `,` and `:`, blank lines collapsed to one,
// and lines kept within kWidth by breaking before `and`/`or`/`where` or after a comma. Line
// breaks the author put before an operator, a clause or a list element are kept. Every comment is
// kept, in order and on the line it annotated. Only whitespace between tokens changes, so the
// program (its AST) is the same; formatting twice gives the same text.
//
// It does not format a file with a syntax error: that is reported (the usual E00xx/E01xx/E05xx
// diagnostic) and the caller leaves the file alone. Nothing here reads or writes files.
#pragma once

#include <cstddef>
#include <string>

#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"

namespace warrant::format {

// Lines longer than this are broken where the layout allows (strings are never split).
inline constexpr size_t kWidth = 100;

// Formats `source` (whose id in diagnostics is `file`) into `out`. On a syntax error reports one
// diagnostic to `sink`, leaves `out` empty and returns false. Safe on any input.
bool Format(FileId file, const SourceFile& source, std::string& out, diag::DiagSink& sink);

}  // namespace warrant::format
