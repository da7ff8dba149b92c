// The error of every `expect<R>` point of the grammar: which diagnostic, and what was expected.
//
// One row per rule R used in `expect<R>`; the control's raise() refuses to compile for an R
// without a row, so no point of no return can fall back to a generic message. The texts are
// user terms, completed by "found ..." at run time (errors.cpp). PEGTL-dependent: include only
// from grammar/*.cpp and grammar tests.
#pragma once

#include "grammar/errors.h"
#include "grammar/rules.h"

namespace warrant::grammar::peg {

template <typename Rule>
inline constexpr ExpectInfo kExpect{};

#define WARRANT_EXPECT(Rule, Error, Text, Special) \
  template <>                                      \
  inline constexpr ExpectInfo kExpect<Rule> = {SyntaxError::Error, Text, ExpectSpecial::Special};

#define WARRANT_KEYWORD(word) WARRANT_EXPECT(kw_##word, ExpectedToken, "`" #word "`", None)
#include "grammar/keywords.def"
#undef WARRANT_KEYWORD
WARRANT_EXPECT(kw_line, ExpectedToken, "`line`", None)
WARRANT_EXPECT(kw_terminology, ExpectedToken, "`terminology`", None)
WARRANT_EXPECT(kw_codesystem, ExpectedToken, "`codesystem`", None)
WARRANT_EXPECT(kw_uri, ExpectedToken, "`uri`", None)

// ---- tokens
WARRANT_EXPECT(ident, ExpectedToken, "a name", None)
WARRANT_EXPECT(field_name, ExpectedToken, "a field name", None)
WARRANT_EXPECT(reason_ref, ExpectedToken, "a reason name", None)
WARRANT_EXPECT(group_code, ExpectedToken, "a group code (`CO`, `PR`, `OA` or `PI`)", None)
WARRANT_EXPECT(string_lit, ExpectedToken, "a string", None)
WARRANT_EXPECT(int_lit, ExpectedToken, "a number", None)
WARRANT_EXPECT(date_lit, ExpectedToken, "a date (YYYY-MM-DD)", None)
WARRANT_EXPECT(rparen, ExpectedToken, "`)`", None)
WARRANT_EXPECT(rbracket, ExpectedToken, "`]`", None)
WARRANT_EXPECT(colon, ExpectedToken, "`:`", None)
WARRANT_EXPECT(equals_sign, ExpectedToken, "`=`", None)
WARRANT_EXPECT(arrow, ExpectedToken, "`->`", None)
WARRANT_EXPECT(minus_op, ExpectedToken, "`-`", None)
WARRANT_EXPECT(comma_or_rparen, ExpectedToken, "`,` or `)`", None)
WARRANT_EXPECT(comma_or_rbracket, ExpectedToken, "`,` or `]`", None)
WARRANT_EXPECT(table_comma_or_close, ExpectedToken, "`,` or `}`", BraceClose)

// ---- lexical details
WARRANT_EXPECT(string_close, UnterminatedString, "`\"`", StringClose)
WARRANT_EXPECT(escape_code, InvalidEscape, "an escape", Escape)
WARRANT_EXPECT(comment_close, UnclosedBlockComment, "`*/`", CommentClose)
WARRANT_EXPECT(code_lit, ExpectedCode, "a code", None)
WARRANT_EXPECT(member, ExpectedCode, "a code", None)

// ---- expressions
WARRANT_EXPECT(expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(and_expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(not_expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(add_expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(mul_expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(unary_expr, ExpectedExpression, "an expression", None)
WARRANT_EXPECT(is_what, ExpectedToken, "`none` or `known`", None)
WARRANT_EXPECT(within_dir, ExpectedToken, "`before`, `after` or `of`", None)
WARRANT_EXPECT(no_chain, ChainedComparison, "no second comparison", NoChain)

// ---- statements
WARRANT_EXPECT(else_outcome, ExpectedOutcome, "`else`", None)
WARRANT_EXPECT(unknown_outcome, ExpectedOutcome, "`unknown`", None)
WARRANT_EXPECT(block, ExpectedToken, "`{`", None)
WARRANT_EXPECT(body_open, ExpectedToken, "`{`", None)
WARRANT_EXPECT(block_close, ExpectedToken, "a statement or `}`", BraceClose)
WARRANT_EXPECT(stmt, ExpectedToken, "a statement or `}`", Statement)

// ---- declarations
WARRANT_EXPECT(cs_term, ExpectedToken, "a codeset (a list `[...]`, `load` or a codeset name)", None)
WARRANT_EXPECT(cs_expr, ExpectedToken, "a codeset (a list `[...]`, `load` or a codeset name)", None)
WARRANT_EXPECT(type_expr, ExpectedToken, "a type", None)
WARRANT_EXPECT(record_field, ExpectedToken, "a field name", None)
WARRANT_EXPECT(table_body, ExpectedToken, "`{` or `load`", None)
WARRANT_EXPECT(table_entry, ExpectedToken, "an entry `key: value`", None)
WARRANT_EXPECT(string_list, ExpectedToken, "`[`", None)
WARRANT_EXPECT(fact_type, ExpectedToken, "a type or `one of [...]`", None)
WARRANT_EXPECT(field_type, ExpectedToken, "a type or `one of [...]`", None)
WARRANT_EXPECT(type_close, ExpectedToken, "`>`", None)
WARRANT_EXPECT(extend_body, ExpectedToken, "`{`", None)
WARRANT_EXPECT(extend_close, ExpectedToken, "a field `name: type` or `}`", BraceClose)
WARRANT_EXPECT(applies_clause, ExpectedToken, "`applies to line where`", None)
WARRANT_EXPECT(decision, ExpectedToken,
               "a decision (`covered`, `pended`, `bundled`, `denied`, `rejected` or "
               "`not_applicable`)",
               None)
WARRANT_EXPECT(given_clause, ExpectedToken, "`given`", None)
WARRANT_EXPECT(record_source, ExpectedToken, "a record `{...}` or a fixture name", None)
WARRANT_EXPECT(fixture_use, ExpectedToken, "a fixture name", None)
WARRANT_EXPECT(fixture_body, ExpectedToken, "a record `{...}` or `= FIXTURE with {...}`", None)
WARRANT_EXPECT(also_kind, ExpectedToken, "`deny`, `pend`, `reject` or `bundle`", None)
WARRANT_EXPECT(test_body, ExpectedToken, "`{`", None)
WARRANT_EXPECT(test_close, ExpectedToken, "`expect` or `}`", BraceClose)
WARRANT_EXPECT(test_clause, ExpectedToken, "`expect` or `}`", None)
WARRANT_EXPECT(declaration, ExpectedDeclaration, "a declaration", FileEnd)

// ---- JSON
WARRANT_EXPECT(json_given, InvalidJson, "a JSON value", None)
WARRANT_EXPECT(json_value, InvalidJson, "a JSON value", None)
WARRANT_EXPECT(json_first_value, InvalidJson, "a JSON value or `]`", None)
WARRANT_EXPECT(json_member, InvalidJson, "a member name in quotes", None)
WARRANT_EXPECT(json_first_member, InvalidJson, "a member name in quotes or `}`", None)
WARRANT_EXPECT(json_colon, InvalidJson, "`:`", None)
WARRANT_EXPECT(json_object_close, InvalidJson, "`,` or `}`", None)
WARRANT_EXPECT(json_array_close, InvalidJson, "`,` or `]`", None)
WARRANT_EXPECT(json_digits, InvalidJson, "a digit", None)
WARRANT_EXPECT(json_string_close, InvalidJson, "`\"`", JsonStringClose)
WARRANT_EXPECT(json_escape_code, InvalidJson, "an escape", JsonEscape)
WARRANT_EXPECT(json_gen_count, ExpectedToken, "a number of records", None)
WARRANT_EXPECT(json_gen_word_of, ExpectedToken, "`of`", None)
WARRANT_EXPECT(json_gen_template, ExpectedToken, "a record `{...}` or a list of records", None)
WARRANT_EXPECT(json_gen_word_every, ExpectedToken, "`every`", None)
WARRANT_EXPECT(json_gen_step, ExpectedToken, "a step such as `7 days` or `1 month`", None)
WARRANT_EXPECT(json_gen_unit, ExpectedToken, "`days`, `weeks`, `months` or `years`", None)
WARRANT_EXPECT(json_gen_word_from, ExpectedToken, "`from`", None)
WARRANT_EXPECT(json_gen_date, ExpectedToken, "a date (YYYY-MM-DD)", None)

#undef WARRANT_EXPECT

}  // namespace warrant::grammar::peg
