// The Warrant abstract syntax tree: what the parser builds and the checker reads.
//
// All nodes of one compilation live in the arenas of one `Ast` and are named by 32-bit ids, so
// checker results can be side tables keyed by id and the tree is never mutated after parsing.
// Every node carries the Span of the text it came from (in the file of its declaration).
// This module holds data only: parsing is in ast/parse_file.h, checking in check/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/base/source_file.h"
#include "runtime/core/decision.h"
#include "runtime/core/span.h"
#include "runtime/core/value.h"

namespace warrant::ast {

using ExprId = uint32_t;
using StmtId = uint32_t;
using JsonId = uint32_t;
using CodesetExprId = uint32_t;
inline constexpr uint32_t kNone = UINT32_MAX;

// An identifier or string as written, with where it was written.
struct Name {
  std::string text;
  Span span;
};

// A calendar date as written (validated by the parser: real month and day).
struct Date {
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;
  Span span;
};

// ---- Expressions -------------------------------------------------------------------------------

enum class ExprKind : uint8_t {
  Bool,        // ival = 0/1
  Int,         // ival
  Decimal,     // text = literal as written, e.g. "88.5"
  String,      // text = unescaped contents
  DateLit,     // date
  Duration,    // ival = amount, unit
  NoneLit,     // `none`
  NameRef,     // text = identifier
  Field,       // a.text           (a = base)
  Index,       // a[b]
  Call,        // text(list...)    (text = function name, name_span its span)
  Unary,       // op a             (Not, Neg, IsNone, IsKnown)
  Binary,      // a op b
  Within,      // a within b (duration) dir c (anchor)
  If,          // if a then b else c
  List,        // [list...]
  Quantifier,  // quant var in a [where b]; for sum/min/max the projection is c
};

enum class Arity : uint8_t { None, Unary, Binary };

// The operators of operators.def (spelling, arity, the instruction each compiles to).
enum class Operator : uint8_t {
#define WARRANT_OPERATOR(Name, Spelling, Arity, Opcode) Name,
#include "compiler/ast/operators.def"
#undef WARRANT_OPERATOR
};

using warrant::DurationUnit;            // runtime/core/value.h: the VM adds what the AST wrote
using WithinDir = warrant::WindowSide;  // runtime/core/value.h: names and window arithmetic
enum class QuantKind : uint8_t { Any, All, Count, Sum, Min, Max, Latest, Earliest };

struct Expr {
  ExprKind kind{};
  Operator op = Operator::None;
  DurationUnit unit = DurationUnit::Days;
  WithinDir dir = WithinDir::Before;
  QuantKind quant = QuantKind::Any;
  Span span;       // the whole expression
  Span name_span;  // Field: the field name; Call: the callee; Quantifier: the variable
  int64_t ival = 0;
  std::string text;  // names, field names, string contents, decimal digits
  Date date;         // DateLit
  ExprId a = kNone, b = kNone, c = kNone;
  std::vector<ExprId> list;  // Call arguments, List items
};

// ---- JSON (the `given` record of a test) --------------------------------------------------------

// Generate: `generate 20 of TEMPLATE every 7 days from 2025-01-06` (items[0] is the template,
// an object or a list of objects; each step repeats it with `"date"` set).
enum class JsonKind : uint8_t { Null, Bool, Number, String, Array, Object, Generate };

struct Json {
  JsonKind kind{};
  Span span;
  bool boolean = false;
  std::string text;           // String: unescaped; Number: as written
  std::vector<JsonId> items;  // Array items; Object member values; Generate: the template
  std::vector<Name> keys;     // Object member keys (unescaped), parallel to items
  // Generate: how many steps, the step (amount and unit) and the first date.
  int64_t count = 0;
  Span count_span;
  int64_t step = 0;
  DurationUnit unit = DurationUnit::Days;
  Span step_span;
  Date from;
};

// ---- Codesets -----------------------------------------------------------------------------------

enum class CodesetExprKind : uint8_t { Members, Ref, Load, Union, Difference };
enum class MemberKind : uint8_t { Exact, Prefix, Range };

// One member of a codeset list: `E11.9`, `E11.*` (text = "E11."), `O24.01 .. O24.03`.
struct CodeMember {
  MemberKind kind{};
  std::string text;  // Exact: the code; Prefix: the prefix without `*`; Range: the low code
  std::string high;  // Range: the high code
  Span span;         // the whole member
};

struct CodesetExpr {
  CodesetExprKind kind{};
  Span span;
  std::vector<CodeMember> members;     // Members
  std::vector<Name> ref;               // Ref: `name` or `alias.name`
  Name path;                           // Load: the CSV path as written
  Name column;                         // Load: the column
  CodesetExprId a = kNone, b = kNone;  // Union / Difference operands
};

// ---- Types written in declarations --------------------------------------------------------------

// `int`, `decimal`, `string`, `bool`, `date`, a code system name (`hcpcs`), or a record
// `(units: int, mai: int)`.
struct TypeExpr {
  Name name;  // empty for records and `one of`; `list`, `code` for a generic
  std::vector<Name> field_names;
  std::vector<TypeExpr> field_types;
  std::vector<TypeExpr> args;  // `list<T>`: T
  std::vector<Name> one_of;    // `one of ["a", "b"]` (a record field's type)
  Span span;
};

// ---- Declarations -------------------------------------------------------------------------------

struct Effective {
  Date from;
  std::optional<Date> until;
  Span span;
};

struct PolicyHeader {
  Name id;  // "NCD 210.3"
  int64_t version = 0;
  Span version_span;
  Name title;
  std::optional<Effective> effective;
  std::optional<Name> source;
  Span span;
};

struct Import {
  Name path;
  Name alias;
  Span span;
};

struct Codeset {
  Name name;
  Name system;
  CodesetExprId body = kNone;
  Span span;
};

struct TableEntry {
  ExprId key = kNone;
  ExprId value = kNone;
};

struct Table {
  Name name;
  TypeExpr key_type;
  TypeExpr value_type;
  std::vector<TableEntry> entries;  // inline form
  std::optional<Name> load_path;    // `load "file.csv" key "col"`
  std::optional<Name> load_key;
  Span span;
};

// `codesystem payer_local "Acme Health local lab codes" uri "http://acme.example/codes/lab"`: a
// code system the pack uses that Warrant does not know; `code<payer_local>` and codesets of it
// then work as for a built-in system, and observations may carry its codes.
struct CodeSystemDecl {
  Name name;
  Name title;
  std::optional<Name> uri;  // how FHIR-derived feeds name the system: `URI|CODE`
  Span span;
};

struct Fact {
  Name name;
  std::optional<TypeExpr> type;  // `fact x: decimal`
  std::vector<Name> one_of;      // `fact x: one of ["a", "b"]`
  std::optional<Name> title;     // optional description string after the type
  Span span;
};

// `extend line { allowed: money "the allowed amount" ... }`: fields a pack adds to a record of
// the claim schema. Each field is written like a fact.
struct Extend {
  Name record;
  std::vector<Fact> fields;
  Span span;
};

// `reason frequency = CO-119 remark N386, N362 "text" group PR when E`
struct Reason {
  Name name;
  Name group;               // CO, PR, OA, PI
  Name carc;                // "119" (digits; may carry a letter, e.g. "B7")
  std::vector<Name> rarcs;  // "N386"
  std::optional<Name> description;
  std::optional<Name> alt_group;  // group PR when E
  ExprId alt_group_when = kNone;
  Span span;
};

struct Let {
  Name name;
  ExprId value = kNone;
  Span span;
};

using warrant::OutcomeKind;  // runtime/core/decision.h: source writes all but AutoPend

struct Outcome {
  OutcomeKind kind{};
  std::optional<Name> reason;
  std::optional<Name> message;
  Span span;
};

enum class StmtKind : uint8_t {
  Let,      // let name = a
  Require,  // require a else outcome [if unknown unknown_outcome]
  When,     // when a { body }
  Direct,   // outcome when a
};

struct Stmt {
  StmtKind kind{};
  Span span;
  Name name;  // Let
  ExprId a = kNone;
  Outcome outcome;  // Require, Direct
  std::optional<Outcome> unknown_outcome;
  std::vector<StmtId> body;  // When
};

struct Rule {
  Name name;
  std::optional<Name> title;
  std::optional<Effective> effective;
  ExprId applies = kNone;  // `applies to line where E`
  Span applies_span;
  std::vector<StmtId> body;
  Span span;
};

using warrant::Decision;  // runtime/core/decision.h: tests expect what the VM decides

// `expect line 2 denied frequency CO-119 remark N386 "message" flag "note"`
// What one expected finding carries, as written (absent fields are not checked).
struct ExpectedFinding {
  std::optional<Name> reason;
  std::optional<Name> group;               // CO, PR, ... (`CO-119`, or `group PR` alone)
  std::optional<Name> carc;                // "119"; only with `group`
  std::optional<std::vector<Name>> rarcs;  // `remark N386, M127`; engaged when written
  std::optional<Name> message;
};

// `also pend documentation "message"`: another finding of the line, of any strength.
struct ExpectAlso : ExpectedFinding {
  OutcomeKind kind{};
  Span span;
};

// `expect line 2 denied frequency CO-119 remark N386 "message" flag "note" also pend ...`
struct Expect : ExpectedFinding {
  int64_t line = 0;
  Span line_span;
  Decision decision{};
  std::vector<Name> flags;  // each `flag "text"`
  std::vector<ExpectAlso> also;
  Span span;
};

// A record built from a fixture: `base`, `alias.base`, with `with { ... }` merged in.
struct FixtureUse {
  std::optional<Name> alias;
  Name name;
  JsonId with = kNone;  // the changes, or none
  Span span;            // the fixture's name (and alias)
};

// `fixture base { ... }` or `fixture senior = base with { ... }`: a claim record (or part of one)
// that tests start from.
struct Fixture {
  Name name;
  JsonId json = kNone;  // written out, or
  std::optional<FixtureUse> base;
  Span span;
};

struct Test {
  Name name;
  JsonId given = kNone;            // `given { ... }`, or
  std::optional<FixtureUse> base;  // `given base [with { ... }]`
  bool pack = false;               // `pack`: decided by every policy of the pack
  bool needs_terminology = false;  // `needs terminology`: skipped without it
  std::vector<Expect> expects;
  Span span;
};

enum class DeclKind : uint8_t {
  Import,
  Codeset,
  Table,
  Fact,
  Reason,
  Let,
  Rule,
  Test,
  Extend,
  Fixture,
  CodeSystem
};

struct DeclRef {
  DeclKind kind{};
  uint32_t index = 0;  // into the File vector of that kind
};

// One parsed source file.
struct File {
  FileId file = 0;
  std::optional<PolicyHeader> policy;
  std::vector<Import> imports;
  std::vector<Codeset> codesets;
  std::vector<Table> tables;
  std::vector<Fact> facts;
  std::vector<Reason> reasons;
  std::vector<Let> lets;
  std::vector<Rule> rules;
  std::vector<Test> tests;
  std::vector<Extend> extends;
  std::vector<Fixture> fixtures;
  std::vector<CodeSystemDecl> codesystems;
  std::vector<DeclRef> order;  // every declaration in source order
  // Parsed with syntax errors (ParseFile's `keep_partial`): what failed to parse is missing, a
  // rule may lack its `applies` condition (kNone) and a test its `given` record (kNone).
  bool syntax_errors = false;
};

// The arenas of one compilation.
struct Ast {
  std::vector<File> files;
  std::vector<Expr> exprs;
  std::vector<Stmt> stmts;
  std::vector<Json> json;
  std::vector<CodesetExpr> codeset_exprs;

  const Expr& expr(ExprId id) const { return exprs[id]; }

  const Stmt& stmt(StmtId id) const { return stmts[id]; }
};

const char* OpText(Operator op);  // "and", "==", "is none", ...
// The binary operator spelled `text`; anything else is `not in` (whose two words the grammar
// allows comments between).
Operator BinaryOperator(std::string_view text);
const char* QuantName(QuantKind q);  // "any", "latest", ...

}  // namespace warrant::ast
