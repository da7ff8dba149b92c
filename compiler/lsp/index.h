// Where every name of a checked pack is declared and used: the language server's symbol index.
//
// Built once per analysis from the AST and the checker's reference table. A Symbol is what a name
// means (a codeset of some file, a rule-local `let`, a fact, a reason, a builtin, ...); an
// Occurrence is one place it is written, the declaration flagged. Definition, references and the
// symbol half of hover are lookups here. The index also keeps each expression's span, to find
// the innermost expression under the cursor, and each code written in a codeset, for hover.
// It reads the checker's results and never reports anything.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/check.h"
#include "compiler/frontend/sources.h"
#include "runtime/core/code.h"

namespace warrant::lsp {

enum class SymbolKind : uint8_t {
  File,       // index: the ast.files index of an imported file
  Import,     // file, index: an import (its alias)
  Codeset,    // file, index
  Table,      // file, index
  GlobalLet,  // file, index
  RuleLet,    // index: the StmtId of the `let`
  Local,      // index: the ExprId of the quantifier that binds the variable
  Fact,       // index: into CheckedProgram::facts
  Reason,     // index: into CheckedProgram::reasons
  Scope,      // index: into stdlib::Scope()
  Builtin,    // index: into stdlib::Builtins()
};

struct Symbol {
  SymbolKind kind{};
  uint32_t file = 0;  // ast.files index, for the kinds that have one
  uint32_t index = 0;

  friend auto operator<=>(const Symbol&, const Symbol&) = default;
};

struct Occurrence {
  FileId fid = 0;
  Span span;
  Symbol symbol;
  bool declaration = false;
};

// A code written in a codeset's list (or a range's end), with the codeset's code system.
struct CodeOccurrence {
  FileId fid = 0;
  Span span;
  std::string code;  // the code; for a prefix member, the prefix without `*`
  CodeSystem system{};
  bool prefix = false;
};

class Index {
 public:
  static Index Build(const frontend::Sources& sources, const check::CheckedProgram& checked);

  // The occurrence under `offset` (a name's span, or the offset just after it).
  const Occurrence* At(FileId fid, uint32_t offset) const;
  // Every occurrence of `symbol`, declarations included, in file and source order.
  std::vector<const Occurrence*> Of(const Symbol& symbol) const;
  // Where `symbol` is declared; nullptr for names the pack does not declare (scope, builtins,
  // standard reasons).
  const Occurrence* DeclarationOf(const Symbol& symbol) const;

  // The innermost expression whose span holds `offset`.
  std::optional<ast::ExprId> ExprAt(FileId fid, uint32_t offset) const;
  // The file (ast.files index) an expression belongs to.
  uint32_t FileOfExpr(ast::ExprId id) const;

  const CodeOccurrence* CodeAt(FileId fid, uint32_t offset) const;

  // ast.files index of a FileId (ast::kNone when it did not parse).
  uint32_t AstFile(FileId fid) const {
    return fid < ast_file_.size() ? ast_file_[fid] : ast::kNone;
  }

 private:
  struct ExprSpan {
    FileId fid;
    Span span;
    ast::ExprId id;
  };

  std::vector<Occurrence> occurrences_;  // sorted by (fid, span.begin)
  std::vector<ExprSpan> exprs_;
  std::vector<uint32_t> expr_file_;  // by ExprId
  std::vector<CodeOccurrence> codes_;
  std::vector<uint32_t> ast_file_;  // by FileId

  friend class IndexBuilder;
};

}  // namespace warrant::lsp
