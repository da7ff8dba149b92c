// The checker's internal state, shared by its translation units (check_*.cpp).
//
// Not a public header: the interface is check.h. Split by concern: declarations and policies
// (check.cpp), expressions (check_expr.cpp), codesets and tables (check_data.cpp), test records
// (check_given.cpp).
#pragma once

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/check/suggest.h"

namespace warrant::check {

// A name bound inside a rule: a quantifier variable or a rule-local `let`.
struct Local {
  std::string name;
  TypeId type = 0;
  Span span;
  uint32_t id = 0;  // the ExprId (quantifier) or StmtId (let) that binds it
  bool is_let = false;
  bool used = false;
};

// Adapters over runtime/core/code.h for the checker's "valid, or why not" questions.
inline bool ValidCode(CodeSystem system, std::string_view text, std::string* why) {
  std::optional<std::string> problem = ValidateReason(system, text);
  if (problem)
    *why = *problem;
  return !problem;
}

inline bool ValidPrefix(CodeSystem system, std::string_view prefix, std::string* why) {
  std::optional<std::string> problem = ValidatePrefixReason(system, prefix);
  if (problem)
    *why = *problem;
  return !problem;
}

// A JSON value of a test record once fixtures are merged and generators expanded
// (check_records.cpp); never holds JsonKind::Generate.
struct RecordValue {
  ast::JsonKind kind = ast::JsonKind::Null;
  bool boolean = false;
  std::string text;               // String: unescaped; Number: as written
  std::vector<std::string> keys;  // Object: member names, parallel to items
  std::vector<RecordValue> items;
};

std::string SerializeRecord(const RecordValue& value);  // compact JSON text
size_t RecordLineCount(const RecordValue& claim);       // the length of its `lines`

class Checker {
 public:
  Checker(const frontend::Sources& sources, diag::DiagSink& sink, CheckedProgram& out,
          const Terminology* terminology, bool strict_given);
  void Run();

  // How messages name one code of `system`: "ICD-10-CM code", "payer_local code".
  std::string Noun(CodeSystem system) const {
    if (const CodeSystemDef* declared = out_.schema.Declared(system))
      return declared->name + " code";
    return std::string(SystemNoun(system));
  }

  // The names of the built-in systems, then the declared ones: what suggestions choose from.
  std::vector<std::string_view> SystemNames() const {
    std::vector<std::string_view> names;
    for (CodeSystem s : kBuiltinCodeSystems)
      names.push_back(SystemName(s));
    for (const CodeSystemDef& d : out_.schema.systems())
      names.push_back(d.name);
    return names;
  }

 private:
  // ---- declarations (check.cpp)
  void CollectFileNames(uint32_t file);
  // `codesystem` declarations: the pack's own code systems, added to the schema (prefix bytes
  // 128 on, in declaration order) before any type can name them.
  void CollectCodeSystems();
  // `extend` declarations: fields added to the schema's records (and the checker's).
  void CollectExtensions();
  void CollectFactsAndReasons();
  // Numbers the schema's slots once every field is in; reports what the schema refuses.
  void FinishSchema();
  // The schema type of a declared field's or fact's type, adding the records written in place to
  // the schema; nullopt (reported at `span`) for a type a claim cannot hold.
  std::optional<SchemaType> ToSchemaType(uint32_t file, TypeId type,
                                         const std::vector<std::string>& one_of, Span span);
  // The type of a fact or an extension field (`decimal`, `one of [...]`, `list<(...)>`), added to
  // schema record `record`; nullopt when reported.
  std::optional<uint16_t> DeclareField(uint32_t file, const ast::Fact& decl, uint16_t record,
                                       TypeId* type);
  void CollectFact(uint32_t file, uint32_t index, std::map<std::string, FactRef>& own);
  // Two declared reasons with the same codes, text and computed group (so importing both is fine).
  bool SameReason(uint32_t a, uint32_t b) const;
  // The reason `name` means in `file`, or nullopt after reporting why there is none.
  std::optional<uint32_t> LookupReason(uint32_t file, const ast::Name& name);
  void CheckFile(uint32_t file);
  void CheckRule(uint32_t file, const ast::Rule& rule);
  void CheckStmts(uint32_t file, const std::vector<ast::StmtId>& body);
  void CheckOutcome(uint32_t file, const ast::Outcome& outcome);
  void CheckReasonDecl(uint32_t file, const ast::Reason& reason);
  void CheckPolicies();
  void CheckTest(uint32_t file, const ast::Test& test, uint32_t index);
  void CheckExpected(uint32_t file, const ast::Test& test, const ast::ExpectedFinding& e);
  void CheckExpectedReason(uint32_t file, const ast::Test& test, const ast::Name& reason);
  TypeId GlobalLetType(uint32_t file, uint32_t index);

  // ---- expressions (check_expr.cpp)
  TypeId Expr(uint32_t file, ast::ExprId id);
  TypeId ExprInner(uint32_t file, ast::ExprId id);
  TypeId NameRef(uint32_t file, ast::ExprId id);
  TypeId DeclType(const Ref& ref);
  TypeId FieldAccess(uint32_t file, ast::ExprId id);
  TypeId Index(uint32_t file, ast::ExprId id);
  TypeId Call(uint32_t file, ast::ExprId id);
  TypeId Unary(uint32_t file, ast::ExprId id);
  TypeId Binary(uint32_t file, ast::ExprId id);
  TypeId Membership(uint32_t file, ast::ExprId id);
  TypeId Compare(uint32_t file, ast::ExprId id);
  TypeId Arithmetic(uint32_t file, ast::ExprId id);
  TypeId Within(uint32_t file, ast::ExprId id);
  TypeId If(uint32_t file, ast::ExprId id);
  TypeId ListLit(uint32_t file, ast::ExprId id);
  TypeId Quantifier(uint32_t file, ast::ExprId id);
  // Requires `id` (already typed as `got`) to have type kind `want`; reports E0303 otherwise.
  bool Expect(uint32_t file, ast::ExprId id, TypeId got, TypeKind want, const char* what);
  // When a string literal meets a code of `system`, the literal must be a valid code.
  void CheckCodeLiteral(uint32_t file, ast::ExprId literal, CodeSystem system);
  // When a string literal meets a one-of fact or field, it must be one of its values.
  void CheckFactLiteral(uint32_t file, ast::ExprId fact_expr, ast::ExprId literal);
  // The type of `a op b`'s common operand type for equality, or nullopt if not comparable.
  std::optional<TypeId> Unify(TypeId a, TypeId b);
  std::string Describe(uint32_t file, ast::ExprId id) const;  // source text, shortened
  std::vector<std::string> VisibleNames(uint32_t file) const;
  void Bind(Local local, uint32_t file);
  void Unbind(size_t depth, uint32_t file);

  // ---- codesets and tables (check_data.cpp)
  void CheckCodeset(uint32_t file, uint32_t index);
  std::optional<CodeSystem> CodesetExprSystem(uint32_t file, ast::CodesetExprId id, CodeSystem want,
                                              std::vector<uint64_t>& visiting);
  void CheckTable(uint32_t file, uint32_t index);
  // W0602 for an exact member that no loaded version of its code system holds.
  void CheckMemberExists(uint32_t file, const ast::CodeMember& member, CodeSystem system);
  std::optional<TypeId> ResolveType(uint32_t file, const ast::TypeExpr& type);
  bool ReadCsv(uint32_t file, const ast::Name& path, std::vector<std::string>& header,
               std::vector<std::vector<std::string>>& rows, std::vector<uint32_t>& row_lines);

  // ---- test records (check_given.cpp, check_records.cpp)
  // `declared` is the schema type of a claim field or fact, for its bounds and values.
  // `in_facts`: inside the claim's `facts`, where the decoder refuses keys it does not know
  // (R0706), so a test's unknown key is an error there whatever `strict_given_` says.
  void CheckGiven(uint32_t file, ast::JsonId id, TypeId type, const std::string& where,
                  const SchemaType* declared = nullptr, bool in_facts = false);
  void CheckGenerate(uint32_t file, ast::JsonId id, TypeId elem, const std::string& where);
  void CheckFixtures(uint32_t file);
  // The fixture `use` names, seen from `file`: (file, index); reports why not when `report`.
  std::optional<std::pair<uint32_t, uint32_t>> ResolveFixture(uint32_t file,
                                                              const ast::FixtureUse& use,
                                                              bool report = true);
  const std::optional<RecordValue>& FixtureValue(uint32_t file, uint32_t index);
  std::optional<RecordValue> UseValue(uint32_t file, const ast::FixtureUse& use);
  std::optional<RecordValue> BuildValue(ast::JsonId id) const;
  std::optional<RecordValue> Generated(ast::JsonId id) const;

  // ---- helpers
  FileId Fid(uint32_t file) const { return ast_.files[file].file; }

  std::string_view Text(uint32_t file, Span span) const;

  template <typename... Args>
  diag::Diagnostic& Error(uint32_t file, Span span, diag::DiagCode code, const Args&... args) {
    return sink_.Emit(code, Fid(file), span, args...);
  }

  const frontend::Sources& sources_;
  const ast::Ast& ast_;
  diag::DiagSink& sink_;
  CheckedProgram& out_;
  TypeTable& types_;
  const Terminology* terminology_;
  // A key of a test record the schema does not declare: an error (E0314) rather than a warning
  // (W0604) and ignored, as `warrant run --strict` refuses what `warrant run` ignores.
  bool strict_given_ = false;

  // Per file: names of codesets, tables and file-level lets.
  std::vector<std::map<std::string, Ref>> file_names_;
  // Per file: import alias -> target ast.files index (kNone when unresolved).
  std::vector<std::map<std::string, uint32_t>> aliases_;
  std::map<std::string, uint32_t> facts_by_name_;  // pack-wide: name -> index into out_.facts
  std::map<std::string, uint32_t> std_reasons_;    // the standard reasons by name
  std::set<std::pair<uint32_t, uint32_t>> conflicting_facts_;  // (file, index): E0220 reported
  // Per file: reason names two of its imports declare differently -> those declarations.
  std::vector<std::map<std::string, std::vector<uint32_t>>> ambiguous_reasons_;
  std::vector<Local> locals_;
  // Global let state: 0 unchecked, 1 in progress, 2 done.
  std::vector<std::vector<uint8_t>> let_state_;
  std::vector<std::vector<uint8_t>> codeset_state_;
  // Fixtures: 0 unbuilt, 1 in progress, 2 done; and their records.
  std::vector<std::vector<uint8_t>> fixture_state_;
  std::vector<std::vector<std::optional<RecordValue>>> fixture_values_;
  bool in_rule_ = false;
  // The facts a `given` record may document: a test's file's, or (null) the whole pack's.
  const std::map<std::string, FactRef>* given_facts_ = nullptr;
  TypeId t_bool_, t_int_, t_decimal_, t_string_, t_date_, t_duration_, t_none_, t_facts_;
};

}  // namespace warrant::check
