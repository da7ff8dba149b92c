// Text forms of AST pieces shared by the dump's files (internal to compiler/ast).
//
// Expressions, codeset expressions, types and JSON rendered the way DumpAst prints them. Each
// recursion follows the tree, whose depth the parser bounds (grammar::kMaxNesting).
#pragma once

#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace warrant::ast::dump {

// A string literal with `"`, `\` and control characters escaped.
std::string Quote(std::string_view text);

std::string ExprString(const Ast& ast, ExprId id);
std::string CodesetString(const Ast& ast, CodesetExprId id);
std::string TypeString(const TypeExpr& type);
std::string DateString(const Date& date);

// Appends `id` to `out`, which is at `column` of a line indented by `indent`. A value that fits
// before column `width` stays on one line; others are broken one member per line.
void AppendJson(const Ast& ast, JsonId id, size_t indent, size_t column, size_t width,
                std::string& out);

}  // namespace warrant::ast::dump
