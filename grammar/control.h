// The PEGTL control that turns a parse into our CST, bounds nesting, and maps errors.
//
// Which rules make CST nodes is decided here (kSelect), not in the grammar. Nodes are built
// bottom-up on a stack of finished siblings: when a selected rule succeeds, the siblings finished
// since it started become its children; when any rule fails, they are dropped. The control also
// checks literals the grammar accepts by shape (dates, 64-bit integers), counts nesting depth, and
// converts a failed `expect<R>` into a ParseFailure via kExpect<R>. Include only from parse.cpp.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "grammar/cst.h"
#include "grammar/errors.h"
#include "grammar/parse.h"
#include "grammar/parse_state.h"
#include "grammar/rule_errors.h"
#include "grammar/rules.h"
#include "grammar/token.h"
#include "runtime/core/date.h"

namespace warrant::grammar::peg {

// ---- Selection: rule -> CST kind ---------------------------------------------------------------

template <typename Rule>
inline constexpr int kSelect = -1;  // not a node

// Chains that only become a node with two or more children.
template <typename Rule>
inline constexpr bool kFoldOne = false;

#define WARRANT_SELECT(Rule, Kind) \
  template <>                      \
  inline constexpr int kSelect<Rule> = static_cast<int>(CstKind::Kind);
#define WARRANT_FOLD(Rule, Kind) \
  WARRANT_SELECT(Rule, Kind)     \
  template <>                    \
  inline constexpr bool kFoldOne<Rule> = true;

WARRANT_SELECT(file, File)
WARRANT_SELECT(policy_decl, Policy)
WARRANT_SELECT(effective_clause, Effective)
WARRANT_SELECT(source_clause, PolicySource)
WARRANT_SELECT(import_decl, Import)
WARRANT_SELECT(codeset_decl, Codeset)
WARRANT_SELECT(codesystem_decl, CodeSystem)
WARRANT_FOLD(cs_expr, CsBinary)
WARRANT_SELECT(cs_list, CsList)
WARRANT_SELECT(cs_load, CsLoad)
WARRANT_SELECT(cs_ref, CsRef)
WARRANT_SELECT(cs_paren, Paren)
WARRANT_SELECT(cs_op, Op)
WARRANT_SELECT(code_lit, Code)
WARRANT_SELECT(member_prefix, MemberPrefix)
WARRANT_SELECT(member_range, MemberRange)
WARRANT_SELECT(table_decl, Table)
WARRANT_SELECT(type_record, TypeRecord)
WARRANT_SELECT(type_generic, TypeGeneric)
WARRANT_SELECT(extend_decl, Extend)
WARRANT_SELECT(extend_field, ExtendField)
WARRANT_SELECT(table_entries, TableEntries)
WARRANT_SELECT(table_entry, TableEntry)
WARRANT_SELECT(table_load, TableLoad)
WARRANT_SELECT(fact_decl, Fact)
WARRANT_SELECT(one_of, OneOf)
WARRANT_SELECT(reason_decl, Reason)
WARRANT_SELECT(rarc_list, RarcList)
WARRANT_SELECT(alt_group, AltGroup)
WARRANT_SELECT(let_stmt, Let)
WARRANT_SELECT(rule_decl, Rule)
WARRANT_SELECT(applies_clause, Applies)
WARRANT_SELECT(test_decl, Test)
WARRANT_SELECT(given_clause, Given)
WARRANT_SELECT(fixture_decl, Fixture)
WARRANT_SELECT(fixture_ref, FixtureRef)
WARRANT_SELECT(with_clause, With)
WARRANT_SELECT(test_pack, TestPack)
WARRANT_SELECT(test_needs, TestNeeds)
WARRANT_SELECT(expect_group, ExpectGroup)
WARRANT_SELECT(expect_also, ExpectAlso)
WARRANT_SELECT(also_kind, OutcomeKind)
WARRANT_SELECT(expect_clause, Expect)
WARRANT_SELECT(test_clause, Expect)
WARRANT_SELECT(expect_carc, ExpectCarc)
WARRANT_SELECT(expect_flag, ExpectFlag)
WARRANT_SELECT(decision, Decision)
WARRANT_SELECT(block, Block)
WARRANT_SELECT(require_stmt, Require)
WARRANT_SELECT(unknown_clause, UnknownClause)
WARRANT_SELECT(when_stmt, When)
WARRANT_SELECT(direct_stmt, Direct)
WARRANT_SELECT(outcome, Outcome)
WARRANT_SELECT(else_outcome, Outcome)
WARRANT_SELECT(unknown_outcome, Outcome)
WARRANT_SELECT(reasoned_kind, OutcomeKind)
WARRANT_SELECT(bundle_kind, OutcomeKind)
WARRANT_SELECT(flag_kind, OutcomeKind)
WARRANT_SELECT(if_expr, If)
WARRANT_FOLD(or_expr, Or)
WARRANT_SELECT(or_op, Op)
WARRANT_FOLD(and_expr, And)
WARRANT_SELECT(and_op, Op)
WARRANT_SELECT(not_op_expr, Not)
WARRANT_FOLD(cmp_expr, Compare)
WARRANT_SELECT(cmp_tail, CmpTail)
WARRANT_SELECT(cmp_op, Op)
WARRANT_SELECT(is_tail, IsTail)
WARRANT_SELECT(is_what, Op)
WARRANT_SELECT(within_tail, WithinTail)
WARRANT_SELECT(within_dir, WithinDir)
WARRANT_FOLD(add_expr, Add)
WARRANT_SELECT(add_op, Op)
WARRANT_FOLD(mul_expr, Mul)
WARRANT_SELECT(mul_op, Op)
WARRANT_SELECT(neg_expr, Neg)
WARRANT_FOLD(postfix_expr, Postfix)
WARRANT_SELECT(field_access, FieldAccess)
WARRANT_SELECT(field_name, FieldName)
WARRANT_SELECT(index_access, IndexAccess)
WARRANT_SELECT(paren_expr, Paren)
WARRANT_SELECT(call, Call)
WARRANT_SELECT(callee, Ident)
WARRANT_SELECT(list_lit, List)
WARRANT_SELECT(quant_simple, Quantifier)
WARRANT_SELECT(quant_project, Quantifier)
WARRANT_SELECT(quant_kind_simple, QuantKind)
WARRANT_SELECT(quant_kind_project, QuantKind)
WARRANT_SELECT(where_clause, Where)
WARRANT_SELECT(ident, Ident)
WARRANT_SELECT(group_code, Ident)
WARRANT_SELECT(reason_ref, Ident)
WARRANT_SELECT(string_lit, String)
WARRANT_SELECT(int_lit, Int)
WARRANT_SELECT(decimal_lit, Decimal)
WARRANT_SELECT(date_lit, Date)
WARRANT_SELECT(duration_lit, Duration)
WARRANT_SELECT(duration_unit, DurationUnit)
WARRANT_SELECT(lit_true, True)
WARRANT_SELECT(lit_false, False)
WARRANT_SELECT(lit_none, NoneLit)
WARRANT_SELECT(json_object, JsonObject)
WARRANT_SELECT(json_member, JsonMember)
WARRANT_SELECT(json_first_member, JsonMember)
WARRANT_SELECT(json_array, JsonArray)
WARRANT_SELECT(json_string, JsonString)
WARRANT_SELECT(json_key, JsonString)
WARRANT_SELECT(json_number, JsonNumber)
WARRANT_SELECT(json_true, JsonTrue)
WARRANT_SELECT(json_false, JsonFalse)
WARRANT_SELECT(json_null, JsonNull)
WARRANT_SELECT(json_generate, JsonGenerate)
WARRANT_SELECT(json_gen_count, Int)
WARRANT_SELECT(json_gen_step, Duration)
WARRANT_SELECT(json_gen_unit, DurationUnit)
WARRANT_SELECT(json_gen_date, Date)

#undef WARRANT_FOLD
#undef WARRANT_SELECT

// A rule needs bookkeeping unless no node can be made anywhere below it. Looking 4 levels down
// is enough to exempt the lexical rules, which are most of the calls.
template <typename Rule, int Level>
struct IsLeaf;

template <int Level, typename List>
struct AllLeaves;

template <int Level, typename... Rules>
struct AllLeaves<Level, pegtl::type_list<Rules...>> {
  static constexpr bool value = (IsLeaf<Rules, Level - 1>::value && ...);
};

template <typename... Rules>
struct AllLeaves<0, pegtl::type_list<Rules...>> {
  static constexpr bool value = sizeof...(Rules) == 0;
};

template <typename Rule, int Level>
struct IsLeaf {
  static constexpr bool value =
      (kSelect<Rule> < 0) && AllLeaves<Level, typename Rule::subs_t>::value;
};

// Lookaheads never keep what their sub-rules built.
template <typename Rule>
inline constexpr bool kLookahead = false;
template <typename... Rules>
inline constexpr bool kLookahead<pegtl::at<Rules...>> = true;
template <typename... Rules>
inline constexpr bool kLookahead<pegtl::not_at<Rules...>> = true;

template <typename Rule>
inline constexpr bool kNests = std::is_base_of_v<nesting_tag, Rule>;

// Literals the grammar accepts by shape but that must also make sense.
inline void CheckLiteral(const ParseState& state, CstKind kind, Span span) {
  std::string_view text = state.text.substr(span.begin, span.size());
  if (kind == CstKind::Int) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      ThrowFailure(MakeLiteralFailure(state.text, SyntaxError::IntegerOutOfRange, span), span.end);
    }
  } else if (kind == CstKind::Date) {
    auto number = [&](size_t at, size_t length) {
      int32_t value = 0;
      for (size_t i = at; i < at + length; ++i)
        value = value * 10 + (text[i] - '0');
      return value;
    };
    if (!IsValidDate(number(0, 4), number(5, 2), number(8, 2))) {
      ThrowFailure(MakeLiteralFailure(state.text, SyntaxError::InvalidDate, span), span.end);
    }
  }
}

// ---- The control -------------------------------------------------------------------------------

template <typename Rule>
struct control : pegtl::normal<Rule> {
  static constexpr bool kSelected = kSelect<Rule> >= 0;
  static constexpr bool kTracked = kLookahead<Rule> || !IsLeaf<Rule, 4>::value;

  template <typename ParseInput>
  static void start(const ParseInput& in, ParseState& state) {
    [[maybe_unused]] uint32_t pos = state.Offset(in.current());
    if constexpr (kTracked) {
      state.marks.push_back({static_cast<uint32_t>(state.pending.size()),
                             static_cast<uint32_t>(state.nodes.size()), pos});
    }
    if constexpr (kNests<Rule>)
      state.nesting.push_back(pos);
    if constexpr (std::is_same_v<Rule, string_body> || std::is_same_v<Rule, json_string_body>) {
      state.opener = pos;
    }
    if constexpr (std::is_same_v<Rule, depth_guard>) {
      // `pos` is where the level too many was opened.
      if (state.nesting.size() > kMaxNesting) {
        ThrowFailure(MakeNestingFailure(state.text, state.nesting.back()), pos);
      }
    }
  }

  template <typename ParseInput>
  static void success(const ParseInput& in, ParseState& state) {
    if constexpr (kNests<Rule>)
      state.nesting.pop_back();
    if constexpr (kTracked) {
      ParseState::Mark mark = state.marks.back();
      state.marks.pop_back();
      if constexpr (kLookahead<Rule>) {
        Discard(state, mark);
      } else if constexpr (kSelected) {
        Adopt(in, state, mark);
      }
    }
  }

  template <typename ParseInput>
  static void failure(const ParseInput& /*in*/, ParseState& state) {
    if constexpr (kNests<Rule>)
      state.nesting.pop_back();
    if constexpr (kTracked) {
      Discard(state, state.marks.back());
      state.marks.pop_back();
    }
  }

  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput& in, ParseState& state) {
    static_assert(kExpect<Rule>.expected != nullptr,
                  "every expect<R> needs a kExpect<R> row in rule_errors.h");
    RaiseContext context;
    context.pos = state.Offset(in.current());
    context.opener = state.opener;
    if (!state.nesting.empty())
      context.nest_open = state.nesting.back();
    ThrowFailure(MakeExpectFailure(state.text, kExpect<Rule>, context), context.pos);
  }

 private:
  static void Discard(ParseState& state, const ParseState::Mark& mark) {
    state.pending.resize(mark.pending);
    state.nodes.resize(mark.nodes);
  }

  // Makes the node for a selected rule that just matched; its children are the siblings that
  // finished since it started.
  template <typename ParseInput>
  static void Adopt(const ParseInput& in, ParseState& state, const ParseState::Mark& mark) {
    size_t child_count = state.pending.size() - mark.pending;
    if (kFoldOne<Rule> && child_count == 1)
      return;
    uint32_t end = state.Offset(in.current());
    uint32_t begin = std::min(SkipSeparators(state.text, mark.start), end);
    CstNode node;
    node.kind = static_cast<CstKind>(kSelect<Rule>);
    node.span = Span{begin, end};
    if constexpr (kSelect<Rule> == static_cast<int>(CstKind::Int) ||
                  kSelect<Rule> == static_cast<int>(CstKind::Date)) {
      CheckLiteral(state, node.kind, node.span);
    }
    node.children.assign(state.pending.begin() + mark.pending, state.pending.end());
    state.pending.resize(mark.pending);
    state.nodes.push_back(std::move(node));
    state.pending.push_back(static_cast<CstId>(state.nodes.size() - 1));
  }
};

}  // namespace warrant::grammar::peg
