// ast::ParseFile: one source file -> one ast::File, or syntax diagnostics.
//
// Checks the raw text first (size, UTF-8, NUL bytes), runs the grammar (grammar/parse.h) and
// builds the AST from its concrete syntax tree (build.h). Every syntax error of the file is
// reported, with an E00xx/E01xx/E05xx code (the grammar recovers at statements and declarations).
// Names, types and everything else semantic are the checker's job (compiler/check); nothing here
// reads other files.
#pragma once

#include <cstddef>

#include "compiler/ast/ast.h"
#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"

namespace warrant::ast {

// Larger files are rejected (E0502) before parsing.
inline constexpr size_t kMaxFileSize = size_t{8} * 1024 * 1024;

// Parses `source` (whose id is `file`) and, on success, appends an ast::File to `ast.files` and
// its nodes to the arenas. On failure reports every syntax error to `sink` and returns false;
// `ast` is left as it was, unless `keep_partial`: then the declarations that parsed are appended
// as a File marked `syntax_errors` (for an editor, which wants what can be known of a file being
// typed). Safe on any input: bounded time, memory and stack.
bool ParseFile(FileId file, const SourceFile& source, Ast& ast, diag::DiagSink& sink,
               bool keep_partial = false);

}  // namespace warrant::ast
