// The debug tables explain reads (Program::debug, Program::sources' line starts): checking a
// loaded pack's tables, and looking statements up by pc.
//
// The code generator records, per statement of a rule, its kind, its span, its condition's span
// and a `let`'s name; the pc of each `not` that spells `x not in S`; and each codeset's members
// as written with the codes each contributes. With these, explaining a decision never reads the
// source text for its structure (the text is kept only for excerpts). This module does not
// explain anything: runtime/explain does.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/pack/program.h"

namespace warrant {

// The first problem with `program`'s debug tables and line starts, or "" when they are sound:
// statements sorted by pc, each at an instruction of a rule that matches its kind (an outcome
// site's `applies`/`require`/`emit`/`when` with that site, a `let`'s `store`); spans inside their
// source; `not_in` entries at `not` instructions; codeset tables parallel to the codesets,
// referring only to codesets that exist; line starts that begin at 0, rise and stay in the
// text. Expects a program that Verify accepted. Never reads out of bounds.
std::string VerifyDebugTables(const Program& program);

// The statement that ends at the instruction at `pc`, or nullptr.
const StatementDebug* StatementAt(const Program& program, uint32_t pc);

// Whether the `not` at `pc` belongs to a membership test written `x not in S`.
bool SpellsNotIn(const Program& program, uint32_t pc);

// "applies", "let", "require", "when", "emit".
const char* StatementKindName(StatementKind kind);

}  // namespace warrant
