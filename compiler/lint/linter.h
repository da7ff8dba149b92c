// The lint passes' shared state and helpers. Not a public header: the interface is lint.h.
// One file per family of checks: conditions.cpp (W0701, W0702), versions.cpp (W0703),
// unused.cpp (W0704-W0707), shadowing.cpp (W0708), header_codes.cpp (W0709), redundant.cpp
// (W0710), conflicts.cpp (W0711), none_guard.cpp (W0712), overrides.cpp (W0713).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/lint/lint.h"

namespace warrant::lint {

class Linter {
 public:
  Linter(const Compilation& c, diag::DiagSink& sink);

  const frontend::Sources& sources;
  const ast::Ast& ast;
  const check::CheckedProgram& checked;
  const Program& program;
  const Terminology* terminology;  // nullptr when none was loaded

  FileId Fid(uint32_t file) const { return ast.files[file].file; }

  // The expanded codeset of a checked reference (RefKind::Codeset).
  const Codeset& CodesetOf(const check::Ref& ref) const {
    return program.codesets[codeset_base_[ref.file] + ref.index];
  }

  // The codeset an expression names: a codeset by name or through an import alias, or a let
  // whose value names one.
  std::optional<check::Ref> NamedCodeset(ast::ExprId id) const;
  // The value expression of a let an expression names (a rule-local or file-level let), with the
  // file it lives in; nullopt for anything else.
  std::optional<std::pair<uint32_t, ast::ExprId>> LetValue(ast::ExprId id) const;
  // The source text of an expression on one line, shortened.
  std::string Describe(uint32_t file, ast::ExprId id) const;
  // Structural equality: the same expression written twice, its names resolving alike (rule lets
  // of two rules are alike when their values are).
  bool Same(ast::ExprId x, ast::ExprId y, int depth = 0) const;

  template <typename... Args>
  diag::Diagnostic& Emit(diag::DiagCode code, uint32_t file, Span span, const Args&... args) {
    return sink_.Emit(code, Fid(file), span, args...);
  }

 private:
  diag::DiagSink& sink_;
  std::vector<uint32_t> codeset_base_;  // per file: index of its first codeset in the Program
};

void LintConditions(Linter& l);
void LintVersions(Linter& l);
void LintUnused(Linter& l);
void LintShadowing(Linter& l);
void LintHeaderCodes(Linter& l);
void LintNoneGuards(Linter& l);
void LintRedundantRules(Linter& l);
void LintConflicts(Linter& l);
void LintOverrides(Linter& l);

}  // namespace warrant::lint
