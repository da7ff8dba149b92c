// The Warrant grammar as PEGTL rules: shape only, no actions (docs/grammar.md is its spec).
//
// Conventions: every token rule skips the separators (whitespace, comments) *before* it, so a
// rule's text starts wherever the previous token ended and ends exactly at its last token; spans
// are trimmed at the front by the CST builder. `expect<R>` marks a point of no return: if R does
// not match there, the error rule_errors.h assigns to R is raised. `recover<R, Sync>` catches it:
// the error is recorded, whatever R built is dropped and parsing resumes where recovery.h's
// Resync says (statements, test clauses, a rule's `applies` clause and declarations recover).
// `nested<Open, ...>` marks a construct that counts towards the nesting limit once `Open` has
// matched.
// Include this header only from grammar/*.cpp and grammar tests: it pulls in PEGTL.
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

#include "grammar/parse_state.h"
#include "grammar/recovery.h"
#include "grammar/token.h"

namespace warrant::grammar::peg {

namespace pegtl = tao::pegtl;
using pegtl::alnum;
using pegtl::at;
using pegtl::digit;
using pegtl::eof;
using pegtl::not_at;
using pegtl::not_one;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::range;
using pegtl::ranges;
using pegtl::rep;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;
using pegtl::xdigit;

// ---- Combinators -------------------------------------------------------------------------------

// Like pegtl::must<Rule>, but rewinds before raising, so the error points at the token where
// `Rule` was expected rather than somewhere inside a partial match.
template <typename Rule>
struct expect {
  using rule_t = expect;
  using subs_t = pegtl::type_list<Rule>;

  template <pegtl::apply_mode A, pegtl::rewind_mode, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if (!Control<Rule>::template match<A, pegtl::rewind_mode::required, Action, Control>(in,
                                                                                         st...)) {
      Control<Rule>::raise(static_cast<const ParseInput&>(in), st...);
    }
    return true;
  }
};

// Matches `Rule`; if a syntax error is raised inside it, records the error, drops what `Rule`
// built and resumes after it (recovery.h), or leaves the error to the enclosing recovery point
// when there is nowhere to resume. Fails only when `Rule` fails without an error. After
// kMaxSyntaxErrors errors the rest of the file is skipped.
template <typename Rule, SyncKind Sync>
struct recover {
  using rule_t = recover;
  using subs_t = pegtl::type_list<Rule>;

  template <pegtl::apply_mode A, pegtl::rewind_mode, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput>
  [[nodiscard]] static bool match(ParseInput& in, ParseState& state) {
    const char* begin = in.begin();
    const auto start = static_cast<uint32_t>(in.current() - begin);
    const ParseState::Saved saved = state.Save();
    try {
      return Control<Rule>::template match<A, pegtl::rewind_mode::required, Action, Control>(in,
                                                                                             state);
    } catch (SyntaxException& e) {
      // Too deep a nesting abandons the whole declaration: resuming inside it would only find
      // the same depth again.
      if (Sync != SyncKind::Declaration && e.failure.error == SyntaxError::NestingTooDeep)
        throw;
      uint32_t resume = state.failures.size() + 1 >= kMaxSyntaxErrors
                            ? static_cast<uint32_t>(state.text.size())
                            : Resync(state.text, start, e.at, Sync);
      if (resume == kNoResync)
        throw;
      state.Restore(saved);
      state.failures.push_back(std::move(e.failure));
      in.iterator() = begin + resume;
      return true;
    }
  }
};

// Matches nothing; the control checks the nesting depth when it starts (control.h).
struct depth_guard : pegtl::success {};

// Marks constructs that count towards kMaxNesting.
struct nesting_tag {};

template <typename Open, typename... Body>
struct nested : nesting_tag, seq<Open, depth_guard, Body...> {};

// ---- Separators and tokens ---------------------------------------------------------------------

// An unterminated `/*`: raised by `sep` (never matched).
struct comment_close : string<'*', '/'> {};

// Whitespace and comments, via the hand-written scanner in token.cpp (faster than rules, and the
// same code the error reporter uses to find the next token).
struct sep {
  using rule_t = sep;
  using subs_t = pegtl::empty_list;

  template <pegtl::apply_mode, pegtl::rewind_mode, template <typename...> class,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    const char* begin = in.begin();
    std::string_view text(begin, static_cast<size_t>(in.end() - begin));
    auto pos = static_cast<uint32_t>(in.current() - begin);
    uint32_t unclosed = UINT32_MAX;
    uint32_t next = SkipSeparators(text, pos, &unclosed);
    if (unclosed != UINT32_MAX) {
      in.bump(unclosed + 2 - pos);
      Control<comment_close>::raise(static_cast<const ParseInput&>(in), st...);
    }
    in.bump(next - pos);
    return true;
  }
};

template <typename Rule>
struct tok : seq<sep, Rule> {};

// An identifier: `[A-Za-z_][A-Za-z0-9_]*` that is not a keyword.
struct ident_word {
  using rule_t = ident_word;
  using subs_t = pegtl::empty_list;

  template <typename ParseInput>
  [[nodiscard]] static bool match(ParseInput& in) {
    std::string_view rest(in.current(), in.size());
    size_t n = WordLength(rest);
    if (n == 0 || IsKeyword(rest.substr(0, n)))
      return false;
    in.bump(n);
    return true;
  }
};

#define WARRANT_KEYWORD(word) \
  struct kw_##word : tok<TAO_PEGTL_KEYWORD(#word)> {};
#include "grammar/keywords.def"
#undef WARRANT_KEYWORD

// A contextual keyword: `applies to line`, `expect line`; elsewhere `line` is a name.
struct kw_line : tok<TAO_PEGTL_KEYWORD("line")> {};

// Contextual words of the test syntax (`fixture base {...}`, `given base with {...}`,
// `test "t" pack needs terminology {...}`, `expect ... also pend documentation`): matched only
// where those constructs expect them, so they stay ordinary names everywhere else.
struct kw_fixture : tok<TAO_PEGTL_KEYWORD("fixture")> {};

struct kw_with : tok<TAO_PEGTL_KEYWORD("with")> {};

struct kw_pack : tok<TAO_PEGTL_KEYWORD("pack")> {};

struct kw_needs : tok<TAO_PEGTL_KEYWORD("needs")> {};

struct kw_terminology : tok<TAO_PEGTL_KEYWORD("terminology")> {};

struct kw_also : tok<TAO_PEGTL_KEYWORD("also")> {};

// Contextual words of a code system declaration (`codesystem payer_local "title" uri "..."`).
struct kw_codesystem : tok<TAO_PEGTL_KEYWORD("codesystem")> {};

struct kw_uri : tok<TAO_PEGTL_KEYWORD("uri")> {};

struct lparen : tok<one<'('>> {};

struct rparen : tok<one<')'>> {};

struct lbracket : tok<one<'['>> {};

struct rbracket : tok<one<']'>> {};

struct lbrace : tok<one<'{'>> {};

struct rbrace : tok<one<'}'>> {};

struct comma : tok<one<','>> {};

struct colon : tok<one<':'>> {};

struct equals_sign : tok<seq<one<'='>, not_at<one<'='>>>> {};

struct arrow : tok<string<'-', '>'>> {};

struct dotdot : tok<string<'.', '.'>> {};

struct dot : tok<seq<one<'.'>, not_at<one<'.'>>>> {};

struct eq_op : tok<string<'=', '='>> {};

struct ne_op : tok<string<'!', '='>> {};

struct le_op : tok<string<'<', '='>> {};

struct lt_op : tok<seq<one<'<'>, not_at<one<'='>>>> {};

struct ge_op : tok<string<'>', '='>> {};

struct gt_op : tok<seq<one<'>'>, not_at<one<'='>>>> {};

struct plus_op : tok<one<'+'>> {};

struct minus_op : tok<seq<one<'-'>, not_at<one<'>'>>>> {};

struct times_op : tok<one<'*'>> {};

struct divide_op : tok<one<'/'>> {};

struct ident : tok<ident_word> {};

struct group_code : ident {};

struct field_name : tok<pegtl::identifier> {};

// A word boundary after a literal: `12abc` is not the number 12 followed by `abc`.
struct word_end : not_at<pegtl::identifier_other> {};

// ---- Literals ----------------------------------------------------------------------------------

struct string_close : one<'"'> {};

struct escape_code : one<'"', '\\', 'n', 't'> {};

struct escape : seq<one<'\\'>, expect<escape_code>> {};

struct string_char : not_one<'"', '\\', '\n', '\r'> {};

struct string_body : seq<one<'"'>, star<sor<escape, string_char>>, expect<string_close>> {};

struct string_lit : tok<string_body> {};

struct date_word : seq<rep<4, digit>, one<'-'>, rep<2, digit>, one<'-'>, rep<2, digit>, word_end> {
};

struct decimal_word : seq<plus<digit>, one<'.'>, plus<digit>, word_end> {};

// Not followed by `.digit`, so the digits of a decimal are never taken (and range-checked) as an
// integer, e.g. while trying `90 days`.
struct int_word : seq<plus<digit>, not_at<one<'.'>, digit>, word_end> {};

struct date_lit : tok<date_word> {};

struct decimal_lit : tok<decimal_word> {};

struct int_lit : tok<int_word> {};

struct duration_unit
    : sor<kw_days, kw_day, kw_weeks, kw_week, kw_months, kw_month, kw_years, kw_year> {};

struct duration_lit : seq<int_lit, duration_unit> {};

struct lit_true : kw_true {};

struct lit_false : kw_false {};

struct lit_none : kw_none {};

// Codes: alphanumeric runs joined by single `.` or `-`; a prefix member ends in `.*` or `*`.
struct code_part : plus<alnum> {};

// The words that start a declaration. No code is spelt like one, so a code list left open
// before the next declaration ends there.
struct decl_word
    : sor<TAO_PEGTL_KEYWORD("policy"), TAO_PEGTL_KEYWORD("import"), TAO_PEGTL_KEYWORD("codeset"),
          TAO_PEGTL_KEYWORD("codesystem"), TAO_PEGTL_KEYWORD("table"), TAO_PEGTL_KEYWORD("fact"),
          TAO_PEGTL_KEYWORD("reason"), TAO_PEGTL_KEYWORD("rule"), TAO_PEGTL_KEYWORD("test"),
          TAO_PEGTL_KEYWORD("let")> {};

struct code_word : seq<not_at<decl_word>, code_part, star<one<'.', '-'>, code_part>> {};

struct prefix_word : seq<code_word, opt<one<'.'>>, one<'*'>> {};

struct code_lit : sor<string_lit, tok<code_word>> {};

struct member_prefix : tok<prefix_word> {};

struct member_range : seq<code_lit, dotdot, expect<code_lit>> {};

struct member : sor<member_prefix, member_range, code_lit> {};

// `Item {, Item} [,] Close` after an opening bracket (possibly empty; a trailing comma is fine).
template <typename Item, typename CommaOrClose, typename Close>
struct comma_list : seq<star<not_at<Close>, expect<Item>, expect<CommaOrClose>>, Close> {};

// The same with at least one item.
template <typename Item, typename CommaOrClose, typename Close>
struct nonempty_comma_list
    : seq<expect<Item>, expect<CommaOrClose>, comma_list<Item, CommaOrClose, Close>> {};

struct comma_or_rparen : sor<comma, at<rparen>> {};

struct comma_or_rbracket : sor<comma, at<rbracket>> {};

struct comma_or_rbrace : sor<comma, at<rbrace>> {};

// ---- Expressions -------------------------------------------------------------------------------

struct expr;
struct add_expr;

struct paren_expr : nested<lparen, expect<expr>, expect<rparen>> {};

struct list_lit : nested<lbracket, comma_list<expr, comma_or_rbracket, rbracket>> {};

struct call_args : nested<lparen, comma_list<expr, comma_or_rparen, rparen>> {};

// The callee may also be a duration-unit keyword, for the builtins `year(d)` and friends.
struct callee
    : tok<sor<ident_word, TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day"),
              TAO_PEGTL_KEYWORD("weeks"), TAO_PEGTL_KEYWORD("week"), TAO_PEGTL_KEYWORD("months"),
              TAO_PEGTL_KEYWORD("month"), TAO_PEGTL_KEYWORD("years"), TAO_PEGTL_KEYWORD("year")>> {
};

struct call : seq<callee, call_args> {};

struct where_clause : seq<kw_where, expect<expr>> {};

struct quant_kind_simple : sor<kw_any, kw_all, kw_count, kw_latest, kw_earliest> {};

struct quant_kind_project : sor<kw_sum, kw_min, kw_max> {};

// `any x in L [where P]`
struct quant_simple
    : nested<quant_kind_simple, expect<ident>, expect<kw_in>, expect<add_expr>, opt<where_clause>> {
};

// `sum x.units for x in L [where P]`
struct quant_project : nested<quant_kind_project, expect<add_expr>, expect<kw_for>, expect<ident>,
                              expect<kw_in>, expect<add_expr>, opt<where_clause>> {};

// Dates before durations before decimals before integers: `2024-01-01` is a date, `90 days` a
// duration, `1.5` a decimal.
struct primary : sor<date_lit, duration_lit, decimal_lit, int_lit, string_lit, lit_true, lit_false,
                     lit_none, quant_simple, quant_project, call, ident, paren_expr, list_lit> {};

struct field_access : seq<dot, expect<field_name>> {};

struct index_access : nested<lbracket, expect<expr>, expect<rbracket>> {};

struct postfix_expr : seq<primary, star<sor<field_access, index_access>>> {};

struct unary_expr;

struct neg_expr : nested<minus_op, expect<unary_expr>> {};

struct unary_expr : sor<neg_expr, postfix_expr> {};

struct mul_op : sor<times_op, divide_op> {};

struct mul_expr : seq<unary_expr, star<mul_op, expect<unary_expr>>> {};

struct add_op : sor<plus_op, minus_op> {};

struct add_expr : seq<mul_expr, star<add_op, expect<mul_expr>>> {};

struct in_op : kw_in {};

struct not_in_op : seq<kw_not, kw_in> {};

struct cmp_op : sor<eq_op, ne_op, le_op, lt_op, ge_op, gt_op, in_op, not_in_op> {};

struct cmp_tail : seq<cmp_op, expect<add_expr>> {};

struct is_what : sor<kw_none, kw_known> {};

struct is_tail : seq<kw_is, expect<is_what>> {};

struct within_dir : sor<kw_before, kw_after, kw_of> {};

struct within_tail : seq<kw_within, expect<add_expr>, expect<within_dir>, expect<add_expr>> {};

// Anything that would start a second comparison (never part of the tree).
struct chain_op
    : sor<eq_op, ne_op, le_op, lt_op, ge_op, gt_op, kw_in, seq<kw_not, kw_in>, kw_is, kw_within> {};

struct no_chain : not_at<chain_op> {};

struct cmp_expr : seq<add_expr, opt<sor<cmp_tail, is_tail, within_tail>>, expect<no_chain>> {};

struct not_expr;

struct not_op_expr : nested<kw_not, expect<not_expr>> {};

struct not_expr : sor<not_op_expr, cmp_expr> {};

struct and_op : kw_and {};

struct and_expr : seq<not_expr, star<and_op, expect<not_expr>>> {};

struct or_op : kw_or {};

struct or_expr : seq<and_expr, star<or_op, expect<and_expr>>> {};

struct if_expr
    : nested<kw_if, expect<expr>, expect<kw_then>, expect<expr>, expect<kw_else>, expect<expr>> {};

struct expr : sor<if_expr, or_expr> {};

// ---- Statements --------------------------------------------------------------------------------

struct reason_ref : ident {};

struct reasoned_kind : sor<kw_deny, kw_pend, kw_reject> {};

struct bundle_kind : kw_bundle {};

struct flag_kind : kw_flag {};

// The reason is optional here so that its absence is the checker's E0404, with its help line.
struct reasoned_outcome : seq<reasoned_kind, opt<reason_ref>, opt<string_lit>> {};

struct bundle_outcome : seq<bundle_kind, opt<ident>, expect<string_lit>> {};

struct flag_outcome : seq<flag_kind, expect<string_lit>> {};

struct outcome : sor<reasoned_outcome, bundle_outcome, flag_outcome> {};

struct else_outcome : outcome {};

struct unknown_outcome : outcome {};

struct stmt;

struct block_close : rbrace {};

// A declaration keyword (but `let`) or the end of the file: where a block or a test that was
// left open ends.
struct decl_start : tok<sor<seq<not_at<TAO_PEGTL_KEYWORD("let")>, decl_word>, eof>> {};

struct block_stop : sor<rbrace, decl_start> {};

struct block_item : recover<expect<stmt>, SyncKind::Statement> {};

struct block : nested<lbrace, star<not_at<block_stop>, block_item>, expect<block_close>> {};

struct let_stmt : seq<kw_let, expect<ident>, expect<equals_sign>, expect<expr>> {};

struct unknown_clause : seq<kw_if, expect<kw_unknown>, expect<unknown_outcome>> {};

struct require_stmt
    : seq<kw_require, expect<expr>, expect<kw_else>, expect<else_outcome>, opt<unknown_clause>> {};

struct when_stmt : seq<kw_when, expect<expr>, expect<block>> {};

struct direct_stmt : seq<outcome, expect<kw_when>, expect<expr>> {};

struct stmt : sor<let_stmt, require_stmt, when_stmt, direct_stmt> {};

// ---- JSON (RFC 8259; the `given` record of a test) -------------------------------------------

struct json_ws : star<one<' ', '\t', '\n', '\r'>> {};

template <typename Rule>
struct jtok : seq<json_ws, Rule> {};

struct json_object;
struct json_array;

struct json_string_close : one<'"'> {};

struct json_escape_code
    : sor<one<'"', '\\', '/', 'b', 'f', 'n', 'r', 't'>, seq<one<'u'>, rep<4, xdigit>>> {};

struct json_escape : seq<one<'\\'>, expect<json_escape_code>> {};

// Any byte but `"`, `\` and control characters (bytes >= 0x80 are negative chars).
struct json_char : seq<not_at<ranges<'\x00', '\x1f'>>, not_one<'"', '\\'>> {};

struct json_string_body
    : seq<one<'"'>, star<sor<json_escape, json_char>>, expect<json_string_close>> {};

struct json_string : jtok<json_string_body> {};

struct json_digits : plus<digit> {};

struct json_number_word : seq<opt<one<'-'>>, sor<one<'0'>, seq<range<'1', '9'>, star<digit>>>,
                              opt<one<'.'>, expect<json_digits>>,
                              opt<one<'e', 'E'>, opt<one<'+', '-'>>, expect<json_digits>>> {};

struct json_number : jtok<json_number_word> {};

struct json_true : jtok<string<'t', 'r', 'u', 'e'>> {};

struct json_false : jtok<string<'f', 'a', 'l', 's', 'e'>> {};

struct json_null : jtok<string<'n', 'u', 'l', 'l'>> {};

struct json_lbrace : jtok<one<'{'>> {};

struct json_rbrace : jtok<one<'}'>> {};

struct json_lbracket : jtok<one<'['>> {};

struct json_rbracket : jtok<one<']'>> {};

struct json_comma : jtok<one<','>> {};

struct json_colon : jtok<one<':'>> {};

// `generate 20 of {"code": "97110"} every 7 days from 2025-01-06`: records with dates
// 2025-01-06, 2025-01-13, ... (a list of records repeats them all on each date). Inside a list it
// adds its records to the list; as a member's value it is the list.
struct json_gen_word_generate : jtok<TAO_PEGTL_KEYWORD("generate")> {};

struct json_gen_word_of : jtok<TAO_PEGTL_KEYWORD("of")> {};

struct json_gen_word_every : jtok<TAO_PEGTL_KEYWORD("every")> {};

struct json_gen_word_from : jtok<TAO_PEGTL_KEYWORD("from")> {};

struct json_gen_count : jtok<int_word> {};

struct json_gen_unit
    : jtok<sor<TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day"), TAO_PEGTL_KEYWORD("weeks"),
               TAO_PEGTL_KEYWORD("week"), TAO_PEGTL_KEYWORD("months"), TAO_PEGTL_KEYWORD("month"),
               TAO_PEGTL_KEYWORD("years"), TAO_PEGTL_KEYWORD("year")>> {};

struct json_gen_step : seq<json_gen_count, expect<json_gen_unit>> {};

struct json_gen_date : jtok<date_word> {};

struct json_gen_template : sor<json_object, json_array> {};

struct json_generate
    : seq<json_gen_word_generate, expect<json_gen_count>, expect<json_gen_word_of>,
          expect<json_gen_template>, expect<json_gen_word_every>, expect<json_gen_step>,
          expect<json_gen_word_from>, expect<json_gen_date>> {};

struct json_value : sor<json_string, json_number, json_object, json_array, json_true, json_false,
                        json_null, json_generate> {};

struct json_first_value : json_value {};

struct json_key : json_string {};

struct json_member : seq<json_key, expect<json_colon>, expect<json_value>> {};

struct json_first_member : json_member {};

struct json_object_close : json_rbrace {};

struct json_object
    : nested<json_lbrace,
             sor<json_rbrace, seq<expect<json_first_member>, star<json_comma, expect<json_member>>,
                                  expect<json_object_close>>>> {};

struct json_array_close : json_rbracket {};

struct json_array
    : nested<json_lbracket,
             sor<json_rbracket, seq<expect<json_first_value>, star<json_comma, expect<json_value>>,
                                    expect<json_array_close>>>> {};

// Any value, so that a deeply nested array fails on nesting; the AST builder insists on an object.
struct json_given : json_value {};

// ---- Declarations ------------------------------------------------------------------------------

struct effective_clause : seq<kw_effective, expect<date_lit>, opt<kw_until, expect<date_lit>>> {};

struct source_clause : seq<kw_source, expect<string_lit>> {};

struct policy_decl : seq<kw_policy, expect<string_lit>, expect<kw_version>, expect<int_lit>,
                         expect<string_lit>, opt<effective_clause>, opt<source_clause>> {};

struct import_decl : seq<kw_import, expect<string_lit>, expect<kw_as>, expect<ident>> {};

struct cs_expr;

struct cs_list : nested<lbracket, comma_list<member, comma_or_rbracket, rbracket>> {};

struct cs_load : seq<kw_load, expect<string_lit>, expect<kw_column>, expect<string_lit>> {};

struct cs_ref : seq<ident, opt<dot, expect<ident>>> {};

struct cs_paren : nested<lparen, expect<cs_expr>, expect<rparen>> {};

struct cs_term : sor<cs_list, cs_load, cs_ref, cs_paren> {};

struct cs_op : sor<plus_op, minus_op> {};

struct cs_expr : seq<cs_term, star<cs_op, expect<cs_term>>> {};

struct codeset_decl : seq<kw_codeset, expect<ident>, expect<colon>, expect<ident>,
                          expect<equals_sign>, expect<cs_expr>> {};

// `codesystem payer_local "Acme Health local lab codes" uri "http://acme.example/codes/lab"`: a
// code system the pack uses that Warrant does not know (its codes share one syntax).
struct codesystem_uri : seq<kw_uri, expect<string_lit>> {};

struct codesystem_decl
    : seq<kw_codesystem, expect<ident>, expect<string_lit>, opt<codesystem_uri>> {};

struct type_expr;

struct field_type;

struct record_field : seq<ident, expect<colon>, expect<field_type>> {};

struct type_record : nested<lparen, nonempty_comma_list<record_field, comma_or_rparen, rparen>> {};

struct type_close : gt_op {};

// `list<T>`, `code<S>`.
struct type_generic : seq<ident, lt_op, expect<type_expr>, expect<type_close>> {};

struct type_expr : sor<type_generic, ident, type_record> {};

struct table_entry : seq<expr, expect<colon>, expect<expr>> {};

struct table_comma_or_close : comma_or_rbrace {};

struct table_entries : nested<lbrace, comma_list<table_entry, table_comma_or_close, rbrace>> {};

struct table_load : seq<kw_load, expect<string_lit>, expect<kw_key>, expect<string_lit>> {};

struct table_body : sor<table_entries, table_load> {};

struct table_decl : seq<kw_table, expect<ident>, expect<colon>, expect<type_expr>, expect<arrow>,
                        expect<type_expr>, expect<equals_sign>, expect<table_body>> {};

struct string_list
    : nested<lbracket, nonempty_comma_list<string_lit, comma_or_rbracket, rbracket>> {};

struct one_of : seq<kw_one, expect<kw_of>, expect<string_list>> {};

struct fact_type : sor<one_of, type_expr> {};

// A record's field, a fact and an extension field take a type or `one of [...]`.
struct field_type : fact_type {};

// `extend line { allowed: money "the allowed amount"  ndc: ndc }`
struct extend_field : seq<ident, expect<colon>, expect<fact_type>, opt<string_lit>> {};

struct extend_close : rbrace {};

struct extend_body : nested<lbrace, star<extend_field>, expect<extend_close>> {};

struct extend_decl : seq<kw_extend, expect<ident>, expect<extend_body>> {};

struct fact_decl : seq<kw_fact, expect<ident>, expect<colon>, expect<fact_type>, opt<string_lit>> {
};

struct rarc_list : seq<kw_remark, expect<code_lit>, star<comma, expect<code_lit>>> {};

struct alt_group : seq<kw_group, expect<group_code>, expect<kw_when>, expect<expr>> {};

// `reason frequency = CO-119 remark N386 "text" group PR when E`
struct reason_decl
    : seq<kw_reason, expect<ident>, expect<equals_sign>, expect<group_code>, expect<minus_op>,
          expect<code_lit>, opt<rarc_list>, opt<string_lit>, opt<alt_group>> {};

struct applies_clause
    : seq<kw_applies, expect<kw_to>, expect<kw_line>, expect<kw_where>, expect<expr>> {};

// The `{` of a rule's body, after its `applies` clause.
struct body_open : at<lbrace> {};

struct rule_head : seq<expect<applies_clause>, expect<body_open>> {};

// A broken `applies` clause is skipped up to the body, so the body's statements are still read.
struct rule_decl : seq<kw_rule, expect<ident>, opt<string_lit>, opt<effective_clause>,
                       recover<rule_head, SyncKind::RuleBody>, expect<block>> {};

struct decision
    : sor<kw_covered, kw_pended, kw_bundled, kw_denied, kw_rejected, kw_not_applicable> {};

// `expect line 1 denied frequency CO-119 remark N386 "message" flag "note"`: the reason is a name
// not followed by `-` (that is a group code: `denied CO-119` names no reason) and not `also`.
struct expect_reason : seq<not_at<kw_also>, reason_ref, not_at<minus_op>> {};

struct expect_carc : seq<group_code, minus_op, expect<code_lit>> {};

// `group PR`: the group code alone, whatever the CARC.
struct expect_group : seq<kw_group, expect<group_code>> {};

struct expect_codes : sor<expect_carc, expect_group> {};

struct expect_flag : seq<kw_flag, expect<string_lit>> {};

// `also pend documentation`: another finding of the line, of any strength.
struct also_kind : sor<kw_deny, kw_pend, kw_reject, kw_bundle> {};

struct expect_also : seq<kw_also, expect<also_kind>, opt<expect_reason>, opt<expect_codes>,
                         opt<rarc_list>, opt<string_lit>> {};

struct expect_clause
    : seq<kw_expect, expect<kw_line>, expect<int_lit>, expect<decision>, opt<expect_reason>,
          opt<expect_codes>, opt<rarc_list>, opt<string_lit>, star<sor<expect_flag, expect_also>>> {
};

// A record: written out, or a fixture (`base`, `alias.base`) with changes merged in.
struct fixture_ref : seq<ident, opt<dot, expect<ident>>> {};

struct with_clause : seq<kw_with, sep, expect<json_given>> {};

struct fixture_use : seq<fixture_ref, opt<with_clause>> {};

struct record_source : sor<fixture_use, seq<sep, json_given>> {};

struct given_clause : seq<kw_given, expect<record_source>> {};

// `fixture base { ... }` or `fixture senior = base with { ... }`
struct fixture_body : sor<seq<equals_sign, expect<fixture_use>>, seq<sep, json_given>> {};

struct fixture_decl : seq<kw_fixture, expect<ident>, expect<fixture_body>> {};

struct test_close : rbrace {};

// A test clause after `given`: only `expect` clauses.
struct test_clause : expect_clause {};

struct test_body
    : nested<lbrace, recover<expect<given_clause>, SyncKind::TestGiven>,
             star<not_at<block_stop>, recover<expect<test_clause>, SyncKind::TestClause>>,
             expect<test_close>> {};

// `test "name" [pack] [needs terminology] { ... }`
struct test_pack : kw_pack {};

struct test_needs : seq<kw_needs, expect<kw_terminology>> {};

struct test_decl
    : seq<kw_test, expect<string_lit>, opt<test_pack>, opt<test_needs>, expect<test_body>> {};

struct decl : sor<import_decl, codeset_decl, codesystem_decl, table_decl, fact_decl, extend_decl,
                  reason_decl, let_stmt, rule_decl, test_decl, fixture_decl> {};

// A statement or test clause outside its block is an error, reported at its first word once it
// has parsed (so the error inside it, if any, wins: that is the more specific one).
struct stray_part : sor<stmt, given_clause, expect_clause> {};

struct file_end : seq<sep, eof> {};

// Anything but the end of the file must be a declaration.
struct declaration : decl {};

struct top_item : seq<not_at<file_end>, opt<at<stray_part>>, expect<declaration>> {};

struct file : seq<opt<recover<policy_decl, SyncKind::Declaration>>,
                  star<recover<top_item, SyncKind::Declaration>>, file_end> {};

}  // namespace warrant::grammar::peg

// Grammar analysis (pegtl::analyze) needs to know how the hand-written rules consume input.
namespace tao::pegtl {

template <typename Name, typename Rule>
struct analyze_traits<Name, warrant::grammar::peg::expect<Rule>>
    : analyze_traits<Name, typename seq<Rule>::rule_t> {};

template <typename Name, typename Rule, warrant::grammar::SyncKind Sync>
struct analyze_traits<Name, warrant::grammar::peg::recover<Rule, Sync>>
    : analyze_traits<Name, typename seq<Rule>::rule_t> {};

template <typename Name>
struct analyze_traits<Name, warrant::grammar::peg::sep> : analyze_opt_traits<> {};

template <typename Name>
struct analyze_traits<Name, warrant::grammar::peg::ident_word> : analyze_any_traits<> {};

}  // namespace tao::pegtl
