// The code generator's state, shared by its translation units: program-level tables
// (codegen.cpp), data (codegen_data.cpp) and expression/statement bytecode (codegen_expr.cpp).
// Not a public header: the interface is codegen.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/codegen/codegen.h"

namespace warrant::codegen {

class Generator {
 public:
  Generator(const frontend::Sources& sources, const check::CheckedProgram& checked, Program& out,
            diag::DiagSink& sink);
  bool Run();

 private:
  // ---- program level (codegen.cpp)
  void EmitSources();
  void EmitReasons();
  void EmitFacts();
  void EmitPolicies();
  void CheckOperandLimits();
  void EmitRule(uint32_t file, const ast::Rule& rule, uint32_t policy);
  uint32_t Site(OutcomeKind kind, const ast::Outcome* outcome, uint32_t file, Span span);

  // ---- debug tables (codegen_debug.cpp)
  // Records the statement the next instruction ends (its outcome site, or none for a `let`).
  void RecordStatement(StatementKind kind, uint32_t file, const ast::Stmt& s, uint32_t site);
  void RecordStatement(StatementKind kind, uint32_t file, Span span, Span head,
                       ast::ExprId condition, uint32_t site, const ast::Name* let_name = nullptr);
  // Where the statement as explain shows it ends: before its outcome clause.
  uint32_t HeadEnd(uint32_t file, const ast::Stmt& s) const;
  // Records that the next instruction is the `not` of `x not in S`.
  void RecordNotIn();
  // The members of codeset `index` of `file` as written, for explain.
  void RecordCodesetMembers(uint32_t file, uint32_t index);
  void Members(uint32_t file, ast::CodesetExprId id, CodeSystem system, CodesetDebug& out);
  std::string_view SourceText(uint32_t file) const;

  // ---- data (codegen_data.cpp)
  void EmitCodesets();
  Codeset Expand(uint32_t file, ast::CodesetExprId id, CodeSystem system);
  // The interval a `[...]` member covers, if it names codes of `system`.
  std::optional<CodeInterval> MemberInterval(const ast::CodeMember& m, CodeSystem system) const;
  Codeset LoadCodes(uint32_t file, ast::CodesetExprId id, CodeSystem system);
  // The global index of the codeset a `name` or `alias.name` reference names, or UINT32_MAX.
  uint32_t RefCodeset(uint32_t file, const ast::CodesetExpr& e) const;
  void EmitTables();
  bool CellConstant(const std::string& cell, check::TypeId type, Constant& out);

  // ---- bytecode (codegen_expr.cpp)
  void Expr(uint32_t file, ast::ExprId id);
  void Stmts(uint32_t file, const std::vector<ast::StmtId>& body);
  void Quantifier(uint32_t file, ast::ExprId id);
  void Membership(uint32_t file, ast::ExprId id);
  // Emits a literal string as a code of `system` when it meets a code; else the expression.
  void Operand(uint32_t file, ast::ExprId id, const check::Type* code_peer);
  // Appends `op` with its operands (runtime/pack/opcode.h's assembler) and moves the stack depth
  // by the table's pops and pushes; returns where the instruction starts.
  size_t Emit(Op op, int64_t a = 0, int64_t b = 0);
  // Points the jump at `at` to `target`; PatchJump: to the current end of the code.
  void SetTarget(size_t at, size_t target);
  void PatchJump(size_t at);
  void MarkSpan(uint32_t file, Span span);
  uint32_t Const(const Constant& c);
  uint8_t AllocSlot();
  bool IndexableCodeset(uint32_t file, ast::ExprId applies, uint32_t* codeset);

  uint32_t GlobalCodeset(uint32_t file, uint32_t index) const {
    return codeset_base_[file] + index;
  }

  uint32_t GlobalTable(uint32_t file, uint32_t index) const { return table_base_[file] + index; }

  const frontend::Sources& sources_;
  const ast::Ast& ast_;
  const check::CheckedProgram& checked_;
  Program& out_;
  diag::DiagSink& sink_;

  std::vector<uint32_t> codeset_base_;  // per file: global index of its first codeset
  std::vector<uint32_t> table_base_;
  std::vector<bool> codeset_done_;
  std::vector<std::pair<uint32_t, uint32_t>> declared_at_;  // global codeset -> (file, index)
  std::map<ast::CodesetExprId, Codeset> loaded_;            // `load` expressions, read once
  std::map<std::string, uint32_t> constant_index_;
  std::vector<uint32_t> source_of_file_;  // FileId -> program source index

  // Per rule being generated.
  uint32_t rule_ = 0;
  int depth_ = 0;
  int max_depth_ = 0;
  uint32_t slots_ = 0;
  bool slot_overflow_ = false;
  std::map<ast::ExprId, uint8_t> quant_slots_;               // quantifier -> its element slot
  std::map<ast::StmtId, uint8_t> let_slots_;                 // rule-local let -> its slot
  std::vector<std::pair<uint32_t, ast::ExprId>> let_stack_;  // global lets being inlined
};

}  // namespace warrant::codegen
