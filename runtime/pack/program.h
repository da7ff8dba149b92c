// Program: a compiled rule pack in memory — bytecode, constants, codesets, tables, rules,
// policies, outcomes, the claim schema (with the declared facts) and debug information (spans,
// line tables and the debug tables explain reads: statements, `not in` tests, codeset members as
// written).
//
// The code generator builds one; pack.h writes it to bytes and reads it back (verifying every
// index and jump before anything runs); the VM executes it. Everything is plain data in vectors
// so serialisation is mechanical and a loaded Program is immutable and shared by all threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/codeset.h"
#include "runtime/core/date.h"
#include "runtime/core/decision.h"
#include "runtime/core/span.h"
#include "runtime/core/value.h"
#include "runtime/pack/opcode.h"
#include "runtime/records/schema.h"

namespace warrant {

// An absent index into one of the tables below (a rule's codeset, an outcome's reason, ...).
inline constexpr uint32_t kNoIndex = UINT32_MAX;

// A constant of the pool. Strings live in `text`; lists (of constants) in `items`.
struct Constant {
  Tag tag = Tag::None;
  uint8_t sub = 0;              // duration unit
  int64_t i = 0;                // bool, int, decimal (scaled), date, duration amount, packed code
  std::string text;             // string
  std::vector<uint32_t> items;  // list literal: constant indices
};

// A table: rows sorted by key (ints, packed codes, or strings), columns of values.
struct TableData {
  std::string name;
  Tag key_tag = Tag::Int;                // Int, Code or String
  std::vector<int64_t> int_keys;         // Int and Code keys, sorted
  std::vector<std::string> string_keys;  // String keys, sorted
  std::vector<std::string> columns;      // value column names; one unnamed column for scalar tables
  bool record_valued = false;            // rows are records (`mue[code].units`) rather than scalars
  std::vector<Constant> cells;           // row-major: rows x columns
};

// One statement that can produce a finding (a `require`, a direct outcome, a `when` or an
// `applies` that may be unknown), with where it is.
struct OutcomeData {
  OutcomeKind kind = OutcomeKind::Deny;
  uint32_t reason = UINT32_MAX;  // index into reasons, or none
  std::string message;
  // `if unknown ...`: the outcome when the condition is unknown (AutoPend: pend, naming it).
  OutcomeKind unknown_kind = OutcomeKind::AutoPend;
  uint32_t unknown_reason = UINT32_MAX;
  std::string unknown_message;
  uint32_t rule = 0;
  uint32_t file = 0;            // index into sources
  uint32_t begin = 0, end = 0;  // byte span in that source
};

struct ReasonData {
  std::string name;
  std::string group;  // CO, PR, ...
  std::string carc;
  std::vector<std::string> rarcs;
  std::string description;
  std::string alt_group;           // `group PR when E`: the group when the code at alt_code is true
  uint32_t alt_code = UINT32_MAX;  // code offset of the condition (ends in Return), or none
  uint32_t alt_code_end = 0;       // end of that snippet; it holds no outcome instructions
  uint16_t alt_slots = 0;
  uint16_t alt_max_stack = 0;
};

struct RuleData {
  std::string name;
  std::string title;
  uint32_t policy = 0;                  // index into policies
  Day from = kMinDay, until = kMaxDay;  // the rule's own effective range (within its policy's)
  uint32_t applies_code = 0;            // code offset; ends by Applies then falls into the body
  uint32_t code_end = 0;
  uint16_t slots = 0;  // local slots the rule needs
  uint16_t max_stack = 0;
  uint32_t file = 0, begin = 0, end = 0;
  // The codeset `applies to` tests `line.code` against, when the rule can be indexed by code.
  uint32_t index_codeset = UINT32_MAX;
};

struct PolicyData {
  std::string id;
  int64_t version = 0;
  std::string title;
  std::string source;
  Day from = kMinDay, until = kMaxDay;
  uint32_t first_rule = 0, rule_count = 0;
  uint32_t file = 0;
};

struct SourceData {
  std::string name;  // path relative to the pack root
  std::string text;  // kept for listings, excerpts and error messages; never parsed at run time
  std::array<uint8_t, 32> sha256{};
  // Where each line of `text` starts (runtime/core/line_table.h), recorded by the compiler so
  // the runtime maps offsets to line:column without scanning the text.
  std::vector<uint32_t> line_starts{};
};

// pc -> source span, sorted by pc; a pc maps to the last entry at or before it.
struct SpanEntry {
  uint32_t pc = 0;
  uint32_t file = 0, begin = 0, end = 0;
};

// ---- Debug tables: what explaining needs to know about the source's structure, recorded by the
// code generator so that nothing at run time reads the source text to find it out
// (runtime/pack/debug_tables.h checks and looks them up).

enum class StatementKind : uint8_t { Applies, Let, Require, When, Emit };

// One statement of a rule, keyed by the instruction that ends it: the `applies`, `require`,
// `emit` or `when` of its outcome site, or the `store` of a `let`'s value.
struct StatementDebug {
  uint32_t pc = 0;
  StatementKind kind = StatementKind::Require;
  uint32_t site = UINT32_MAX;  // its outcome site; none for a `let`
  uint32_t file = 0;           // index into sources
  Span span;                   // the whole statement
  Span head;                   // the statement as explain shows it: without its outcome clause
  Span condition;    // its condition as written (outer parentheses included); a let's value
  std::string name;  // a `let`'s name
  Span name_span;
};

enum class CodesetMemberKind : uint8_t { Codes, Reference, Load };

// One member of a codeset declaration as written: `E11.*`, `O24.01 .. O24.03` (Codes),
// `dm.diabetes_dx` (Reference), `"file.csv"` (Load).
struct CodesetMemberDebug {
  CodesetMemberKind kind = CodesetMemberKind::Codes;
  std::string text;  // as written
  Span span;
  CodeInterval codes;           // Codes: the codes it covers
  uint32_t index = UINT32_MAX;  // Reference: the codeset it names; Load: its entry in `loads`
};

// A codeset's declaration, subtracted parts left out.
struct CodesetDebug {
  uint32_t file = 0;
  Span span;
  // The members that are single codes written in their own spelling (`G0328`), the bulk of most
  // declarations, as sorted packed codes: such a code is itself the member that holds it.
  std::vector<uint64_t> codes;
  std::vector<CodesetMemberDebug> members;  // the others, in written order
  std::vector<Codeset> loads;               // the codes of each `load` member
};

struct DebugTables {
  std::vector<StatementDebug> statements;  // sorted by pc
  // The pc of each `not` that makes a membership test `x not in S` (rather than `not (x in S)`),
  // sorted.
  std::vector<uint32_t> not_in;
  std::vector<CodesetDebug> codesets;  // parallel to Program::codesets, or empty
};

struct TerminologyData {
  std::string name;  // "icd10cm FY2026"
  std::array<uint8_t, 32> sha256{};
};

struct Program {
  std::vector<uint8_t> code;
  std::vector<Constant> constants;
  std::vector<Codeset> codesets;
  std::vector<std::string> codeset_names;
  std::vector<TableData> tables;
  std::vector<ReasonData> reasons;
  std::vector<OutcomeData> outcomes;
  std::vector<RuleData> rules;       // grouped by policy, source order within each
  std::vector<PolicyData> policies;  // sorted by id then `from`
  // What a claim holds: the base schema, the pack's extensions and its declared facts.
  Schema schema = Schema::Base();
  std::vector<SourceData> sources;
  std::vector<SpanEntry> spans;
  DebugTables debug;
  std::vector<TerminologyData> terminology;
  // The code-system versions the pack was built with (runtime/terminology/terminology_serialize.h),
  // so `billable` and `exists` answer the same wherever the pack runs.
  std::vector<uint8_t> terminology_blob;
  std::array<uint8_t, 32> hash{};  // SHA-256 of the serialized pack body (set by pack.h)

  // "sha256:<hex>" of `hash`.
  std::string HashText() const;
  // The source span for `pc`, or nullptr.
  const SpanEntry* SpanAt(uint32_t pc) const;
};

}  // namespace warrant
