// W0704-W0707: codesets, tables, facts and file-level lets that no rule uses.
//
// A fact declaration is used when a rule of its file, or of a file importing it, reads the fact
// through it (the declaration that file sees: its own first).
//
// "Used" is reachability from the rules of the pack (their `applies to` and statements) and the
// computed groups of reasons, through lets and codesets that name other codesets. A declaration
// reached only from unused ones is unused too, so removing a reported chain is always safe.
// Unused rule-local lets are the checker's W0601. Lint a whole pack: a library file's
// declarations used only by policies left off the command line are reported as unused.
#include <vector>

#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

class Reach {
 public:
  explicit Reach(Linter& l) : l_(l) {
    for (const ast::File& f : l.ast.files) {
      codesets_.emplace_back(f.codesets.size(), false);
      tables_.emplace_back(f.tables.size(), false);
      lets_.emplace_back(f.lets.size(), false);
      facts_.emplace_back(f.facts.size(), false);
    }
  }

  void Run() {
    for (const ast::File& file : l_.ast.files) {
      for (const ast::Rule& rule : file.rules) {
        Expr(rule.applies);
        Stmts(rule.body);
      }
      for (const ast::Reason& reason : file.reasons) {
        if (reason.alt_group_when != ast::kNone)
          Expr(reason.alt_group_when);
      }
    }
  }

  void Report() {
    for (uint32_t f = 0; f < l_.ast.files.size(); ++f) {
      const ast::File& file = l_.ast.files[f];
      for (uint32_t i = 0; i < file.codesets.size(); ++i) {
        if (!codesets_[f][i]) {
          l_.Emit(diag::DiagCode::UnusedCodeset, f, file.codesets[i].name.span,
                  file.codesets[i].name.text);
        }
      }
      for (uint32_t i = 0; i < file.tables.size(); ++i) {
        if (!tables_[f][i]) {
          l_.Emit(diag::DiagCode::UnusedTable, f, file.tables[i].name.span,
                  file.tables[i].name.text);
        }
      }
      for (uint32_t i = 0; i < file.lets.size(); ++i) {
        if (!lets_[f][i]) {
          l_.Emit(diag::DiagCode::UnusedGlobalLet, f, file.lets[i].name.span,
                  file.lets[i].name.text);
        }
      }
      for (uint32_t i = 0; i < file.facts.size(); ++i) {
        if (!facts_[f][i]) {
          l_.Emit(diag::DiagCode::UnusedFact, f, file.facts[i].name.span, file.facts[i].name.text);
        }
      }
    }
  }

 private:
  void Stmts(const std::vector<ast::StmtId>& body) {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      if (s.a != ast::kNone)
        Expr(s.a);
      Stmts(s.body);
    }
  }

  void Expr(ast::ExprId id) {
    if (id == ast::kNone)
      return;
    const ast::Expr& e = l_.ast.expr(id);
    const check::Ref& ref = l_.checked.expr_refs[id];
    switch (ref.kind) {
      case check::RefKind::Codeset:
        Codeset(ref.file, ref.index);
        break;
      case check::RefKind::Table:
        tables_[ref.file][ref.index] = true;
        break;
      case check::RefKind::Fact: {
        // The declaration the reading file sees: its own, or an imported file's.
        const auto& scope = l_.checked.fact_scope[ref.file];
        auto seen = scope.find(l_.checked.facts[ref.index].name);
        if (seen != scope.end())
          facts_[seen->second.file][seen->second.index] = true;
        break;
      }
      case check::RefKind::GlobalLet:
        if (!lets_[ref.file][ref.index]) {
          lets_[ref.file][ref.index] = true;
          Expr(l_.ast.files[ref.file].lets[ref.index].value);
        }
        break;
      default:
        break;
    }
    Expr(e.a);
    Expr(e.b);
    Expr(e.c);
    for (ast::ExprId item : e.list)
      Expr(item);
  }

  void Codeset(uint32_t file, uint32_t index) {
    if (codesets_[file][index])
      return;
    codesets_[file][index] = true;
    CodesetExpr(file, l_.ast.files[file].codesets[index].body);
  }

  void CodesetExpr(uint32_t file, ast::CodesetExprId id) {
    if (id == ast::kNone)
      return;
    const ast::CodesetExpr& e = l_.ast.codeset_exprs[id];
    if (e.kind == ast::CodesetExprKind::Union || e.kind == ast::CodesetExprKind::Difference) {
      CodesetExpr(file, e.a);
      CodesetExpr(file, e.b);
      return;
    }
    if (e.kind != ast::CodesetExprKind::Ref || e.ref.empty())
      return;
    uint32_t target = file;
    if (e.ref.size() == 2) {
      target = ast::kNone;
      const ast::File& f = l_.ast.files[file];
      for (uint32_t i = 0; i < f.imports.size(); ++i) {
        if (f.imports[i].alias.text == e.ref[0].text)
          target = l_.sources.import_targets[file][i];
      }
      if (target == ast::kNone)
        return;
    }
    const ast::File& tf = l_.ast.files[target];
    for (uint32_t i = 0; i < tf.codesets.size(); ++i) {
      if (tf.codesets[i].name.text == e.ref.back().text)
        Codeset(target, i);
    }
  }

  Linter& l_;
  std::vector<std::vector<bool>> codesets_, tables_, lets_, facts_;
};

}  // namespace

void LintUnused(Linter& l) {
  Reach reach(l);
  reach.Run();
  reach.Report();
}

}  // namespace warrant::lint
