// `--dump=ast`: the parsed program as indented text, for golden tests and debugging.
//
// One block per file, declarations in source order, each with its `file:line:col`; statements
// one per line; expressions fully parenthesised in infix form (`((a or b) and c)`) so precedence
// is visible; the `given` JSON of a test re-printed canonically. The format is stable: golden
// tests depend on it, so change it only together with them. Reads the AST only; no checking.
#pragma once

#include <ostream>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/base/source_file.h"

namespace warrant::ast {

void DumpAst(const Ast& ast, const SourceManager& sources, std::ostream& out);

// One expression as DumpAst prints it (tests use this to check precedence).
std::string ExprText(const Ast& ast, ExprId id);

}  // namespace warrant::ast
