// CST -> AST: the second half of parsing (internal to compiler/ast; use parse_file.h).
//
// The grammar guarantees each CST node's shape (grammar/cst_kind.def), so building is a direct
// translation: names and literals get their values (strings unescaped, numbers parsed), operator
// chains become left-associative binary nodes, and every node keeps its span. The only errors
// found here are ones the grammar cannot see: an expression tree deeper than kMaxNesting (long
// operator chains), a JSON `\u` escape that is a lone surrogate, and a `given` that is not an
// object. Recursion follows the CST, whose depth the grammar bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "grammar/cst.h"

namespace warrant::ast {

struct BuildError {
  diag::DiagCode code{};
  Span span;
  std::vector<std::string> args;
};

class Builder {
 public:
  Builder(std::string_view text, const grammar::Cst& cst, Ast& ast);

  // Builds the File of the CST's root. On error returns it; `ast`'s arenas may then hold nodes
  // of the partial file (the caller rolls them back).
  std::optional<BuildError> BuildFile(FileId id, File& out);

 private:
  using CstId = grammar::CstId;
  using CstKind = grammar::CstKind;

  // ---- helpers (build.cpp)
  const grammar::CstNode& Node(CstId id) const { return cst_.node(id); }

  std::string_view Text(CstId id) const { return cst_.Text(id, text_); }

  const std::vector<CstId>& Kids(CstId id) const { return cst_.node(id).children; }

  [[noreturn]] void Fail(diag::DiagCode code, Span span, std::vector<std::string> args = {});
  Name MakeName(CstId id) const;  // Ident or String (unescaped); span as written
  Date MakeDate(CstId id) const;
  int64_t MakeInt(CstId id) const;
  Effective MakeEffective(CstId id) const;

  // ---- declarations (build.cpp)
  PolicyHeader MakePolicy(CstId id) const;
  Import MakeImport(CstId id) const;
  Codeset MakeCodeset(CstId id);
  Table MakeTable(CstId id);
  TypeExpr MakeType(CstId id) const;
  Fact MakeFact(CstId id) const;
  CodeSystemDecl MakeCodeSystem(CstId id) const;
  Extend MakeExtend(CstId id) const;
  Reason MakeReason(CstId id);
  Let MakeLet(CstId id);
  Rule MakeRule(CstId id);
  Test MakeTest(CstId id);
  Fixture MakeFixture(CstId id);
  FixtureUse MakeFixtureUse(const std::vector<CstId>& kids, size_t first);
  JsonId BuildRecord(CstId record);

  // ---- statements (build.cpp)
  std::vector<StmtId> BuildBlock(CstId block);
  StmtId BuildStmt(CstId id);
  Outcome MakeOutcome(CstId id) const;

  // ---- expressions (build_expr.cpp)
  ExprId BuildExpr(CstId id);
  ExprId BuildChain(CstId id);
  ExprId BuildCompare(CstId id);
  ExprId BuildPostfix(CstId id);
  ExprId BuildQuantifier(CstId id);
  ExprId BuildLeaf(CstId id);
  // Appends `e`; `error_span` is where a too-deep tree is reported.
  ExprId AddExpr(Expr e, Span error_span);

  uint32_t Level(ExprId id) const { return id == kNone ? 0 : expr_levels_[id - first_expr_]; }

  // ---- codesets (build_expr.cpp)
  CodesetExprId BuildCodesetExpr(CstId id);
  CodeMember MakeMember(CstId id) const;
  std::string CodeText(CstId code) const;
  CodesetExprId AddCodesetExpr(CodesetExpr e, uint32_t level, Span error_span);

  // ---- JSON (build_json.cpp)
  JsonId BuildJson(CstId id);
  std::string JsonStringValue(CstId id);

  std::string_view text_;
  const grammar::Cst& cst_;
  Ast& ast_;
  uint32_t first_expr_;
  uint32_t first_codeset_expr_;
  std::vector<uint32_t> expr_levels_;     // per expression built here: height above its leaves
  std::vector<uint32_t> codeset_levels_;  // the same for codeset expressions
};

// Unescapes a Warrant string literal as written (quotes included; escapes already validated).
std::string UnescapeString(std::string_view literal);

}  // namespace warrant::ast
