// The checker: names, types, code systems, the claim schema, policies and tests.
//
// Input: the parsed Sources of a pack. Output: a CheckedProgram — the AST plus side tables keyed
// by node id (each expression's type and what each name refers to), and the pack-level tables the
// code generator needs (facts, reasons, policies with their versions, codesets as validated
// members). Every error is collected; an expression that failed gets the `<error>` type, which
// silences diagnostics that would only repeat it. The checker never stops at the first error.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/types.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/frontend/sources.h"
#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/terminology/terminology.h"

namespace warrant::check {

// What a name (NameRef, or Field through an import alias) refers to.
enum class RefKind : uint8_t {
  None,
  Local,      // a quantifier variable; index = the quantifier's ExprId
  RuleLet,    // a rule-local `let`; index = its StmtId
  GlobalLet,  // file-level `let`; file, index
  Codeset,    // file, index
  Table,      // file, index
  Scope,      // a rule-scope name (stdlib/scope.def); index into stdlib::Scope()
  Fact,       // index into CheckedProgram::facts
  Builtin,    // index into stdlib::Builtins()
  Alias,      // an import alias; file = the target file
  Field,      // a field of the claim schema; index = its global number (CheckedProgram::schema)
};

struct Ref {
  RefKind kind = RefKind::None;
  uint32_t file = 0;  // index into ast.files
  uint32_t index = 0;
};

// A fact as the pack knows it: one per name, whatever the number of files declaring it (the
// claim's `facts` object is one per claim). Its `one_of` is the union of the declarations' values
// (empty when one of them allows any string); `file`/`index` name the first declaration.
struct FactDecl {
  std::string name;
  TypeId type = 0;
  std::vector<std::string> one_of;
  uint16_t field = UINT16_MAX;  // its field of the schema's facts record
  uint32_t file = 0;            // ast.files index
  uint32_t index = 0;
};

// A fact declaration a file sees: its own, or one of a file it imports.
struct FactRef {
  uint32_t fact = 0;  // index into CheckedProgram::facts
  uint32_t file = 0;  // the declaration: ast.files index
  uint32_t index = 0;
};

// One reason declaration: a standard one (stdlib/reasons.def) or one a file declares. Several may
// share a name: a reason is scoped to its file and the files that import it.
struct ReasonDecl {
  std::string name;
  std::string group;  // CO, PR, OA, PI
  std::string carc;
  std::vector<std::string> rarcs;
  std::string description;
  bool from_stdlib = true;
  uint32_t file = 0;  // when declared in the pack
  uint32_t index = 0;
};

// One version of one policy: the file that declares it and its effective range.
struct PolicyVersion {
  uint32_t file = 0;  // ast.files index
  int64_t version = 0;
  Day from = 0;
  Day until = 0;  // inclusive
};

struct Policy {
  std::string id;
  std::vector<PolicyVersion> versions;  // sorted by `from`
};

struct CheckedProgram {
  const ast::Ast* ast = nullptr;
  // The claim schema: the base, the pack's `extend` fields and its facts.
  Schema schema = Schema::Base();
  TypeTable types;
  std::vector<TypeId> expr_types;                        // by ExprId
  std::vector<Ref> expr_refs;                            // by ExprId
  std::vector<std::vector<CodeSystem>> codeset_systems;  // [file][codeset]
  std::vector<std::vector<TypeId>> let_types;            // [file][let]
  std::vector<std::vector<TypeId>> table_types;          // [file][table]
  std::vector<FactDecl> facts;
  std::vector<ReasonDecl> reasons;  // the standard reasons first, then each file's, in load order
  std::vector<Policy> policies;     // sorted by id
  // Per file: the reasons its outcomes and expectations name (name -> index into `reasons`):
  // its own declarations, else those of the files it imports, else the standard ones.
  std::vector<std::map<std::string, uint32_t>> reason_scope;
  // Per file: the facts its rules read, the same way (its own declaration, else an import's).
  std::vector<std::map<std::string, FactRef>> fact_scope;
  // Per file, per test: the claim the test decides, as JSON text — its fixture with the `with`
  // changes merged in and generated records written out. Empty if it could not be built.
  std::vector<std::vector<std::string>> test_claims;
};

// Tests may generate at most this many records with one `generate` (docs/limits.md).
inline constexpr int64_t kMaxGenerated = 10000;

// Checks everything in `sources`. Diagnostics go to `sink`. With `terminology`, codeset members
// that exist in no loaded version of their code system are warned about (W0602). A test record's
// key the claim schema does not declare is a warning (W0604), and the key is ignored as
// `warrant run` ignores it; with `strict_given` it is an error (E0314), as `--strict` makes it.
CheckedProgram Check(const frontend::Sources& sources, diag::DiagSink& sink,
                     const Terminology* terminology = nullptr, bool strict_given = false);

// Writes the checked AST (types and references on every expression) for golden tests.
void DumpChecked(const CheckedProgram& program, const SourceManager& files, std::ostream& out);

}  // namespace warrant::check
