// Expressions and codeset expressions: CST -> AST (see build.h).
#include <algorithm>
#include <initializer_list>
#include <string>

#include "compiler/ast/build.h"
#include "grammar/parse.h"
#include "grammar/token.h"

namespace warrant::ast {
namespace {

QuantKind QuantOf(std::string_view text) {
  if (text == "any")
    return QuantKind::Any;
  if (text == "all")
    return QuantKind::All;
  if (text == "count")
    return QuantKind::Count;
  if (text == "sum")
    return QuantKind::Sum;
  if (text == "min")
    return QuantKind::Min;
  if (text == "max")
    return QuantKind::Max;
  if (text == "latest")
    return QuantKind::Latest;
  return QuantKind::Earliest;
}

DurationUnit UnitOf(std::string_view text) {
  switch (text[0]) {
    case 'd':
      return DurationUnit::Days;
    case 'w':
      return DurationUnit::Weeks;
    case 'm':
      return DurationUnit::Months;
    default:
      return DurationUnit::Years;
  }
}

}  // namespace

ExprId Builder::AddExpr(Expr e, Span error_span) {
  uint32_t level = 0;  // a leaf
  for (ExprId child : {e.a, e.b, e.c}) {
    if (child != kNone)
      level = std::max(level, Level(child) + 1);
  }
  for (ExprId child : e.list)
    level = std::max(level, Level(child) + 1);
  // Later phases walk expressions recursively; a long operator chain is as deep as its length.
  if (level > grammar::kMaxNesting) {
    Fail(diag::DiagCode::NestingTooDeep, error_span, {std::to_string(grammar::kMaxNesting)});
  }
  ast_.exprs.push_back(std::move(e));
  expr_levels_.push_back(level);
  return static_cast<ExprId>(ast_.exprs.size() - 1);
}

ExprId Builder::BuildExpr(CstId id) {
  const grammar::CstNode& node = Node(id);
  const auto& kids = node.children;
  Expr e;
  e.span = node.span;
  switch (node.kind) {
    case CstKind::If:
      e.kind = ExprKind::If;
      e.a = BuildExpr(kids[0]);
      e.b = BuildExpr(kids[1]);
      e.c = BuildExpr(kids[2]);
      break;
    case CstKind::Or:
    case CstKind::And:
    case CstKind::Add:
    case CstKind::Mul:
      return BuildChain(id);
    case CstKind::Not:
    case CstKind::Neg:
      e.kind = ExprKind::Unary;
      e.op = node.kind == CstKind::Not ? Operator::Not : Operator::Neg;
      e.a = BuildExpr(kids[0]);
      break;
    case CstKind::Compare:
      return BuildCompare(id);
    case CstKind::Postfix:
      return BuildPostfix(id);
    case CstKind::Paren:
      return BuildExpr(kids[0]);  // the expression keeps its own span, without the parentheses
    case CstKind::Call:
      e.kind = ExprKind::Call;
      e.text = std::string(Text(kids[0]));
      e.name_span = Node(kids[0]).span;
      for (size_t i = 1; i < kids.size(); ++i)
        e.list.push_back(BuildExpr(kids[i]));
      break;
    case CstKind::List:
      e.kind = ExprKind::List;
      for (CstId item : kids)
        e.list.push_back(BuildExpr(item));
      break;
    case CstKind::Quantifier:
      return BuildQuantifier(id);
    default:
      return BuildLeaf(id);
  }
  return AddExpr(std::move(e), grammar::DescribeToken(text_, node.span.begin).span);
}

// Or/And/Add/Mul: `x (Op y)+`, folded to the left: `a - b - c` is `(a - b) - c`.
ExprId Builder::BuildChain(CstId id) {
  const auto& kids = Kids(id);
  ExprId left = BuildExpr(kids[0]);
  Span first = Node(kids[0]).span;
  for (size_t i = 1; i + 1 < kids.size(); i += 2) {
    Expr e;
    e.kind = ExprKind::Binary;
    e.op = BinaryOperator(Text(kids[i]));
    e.a = left;
    e.b = BuildExpr(kids[i + 1]);
    e.span = Join(first, Node(kids[i + 1]).span);
    left = AddExpr(std::move(e), Node(kids[i]).span);
  }
  return left;
}

// cmp = add [ op add | 'is' ('none' | 'known') | 'within' add dir add ]
ExprId Builder::BuildCompare(CstId id) {
  const auto& kids = Kids(id);
  CstId tail = kids[1];
  const auto& parts = Kids(tail);
  Expr e;
  e.span = Node(id).span;
  e.a = BuildExpr(kids[0]);
  switch (Node(tail).kind) {
    case CstKind::CmpTail:
      e.kind = ExprKind::Binary;
      e.op = BinaryOperator(Text(parts[0]));
      e.b = BuildExpr(parts[1]);
      break;
    case CstKind::IsTail:
      e.kind = ExprKind::Unary;
      e.op = Text(parts[0]) == "none" ? Operator::IsNone : Operator::IsKnown;
      break;
    default: {  // WithinTail
      e.kind = ExprKind::Within;
      e.b = BuildExpr(parts[0]);
      const std::string_view dir = Text(parts[1]);
      e.dir = WithinDir::Of;  // the grammar allows only the three names
      for (size_t k = 0; k < std::size(kWindowSideNames); ++k) {
        if (dir == kWindowSideNames[k])
          e.dir = static_cast<WithinDir>(k);
      }
      e.c = BuildExpr(parts[2]);
      break;
    }
  }
  Span op_span = grammar::DescribeToken(text_, Node(tail).span.begin).span;
  return AddExpr(std::move(e), op_span);
}

// postfix = primary { '.' FIELD | '[' expr ']' }
ExprId Builder::BuildPostfix(CstId id) {
  const auto& kids = Kids(id);
  ExprId base = BuildExpr(kids[0]);
  Span first = Node(kids[0]).span;
  for (size_t i = 1; i < kids.size(); ++i) {
    const grammar::CstNode& suffix = Node(kids[i]);
    Expr e;
    e.a = base;
    e.span = Join(first, suffix.span);
    if (suffix.kind == CstKind::FieldAccess) {
      e.kind = ExprKind::Field;
      e.text = std::string(Text(suffix.children[0]));
      e.name_span = Node(suffix.children[0]).span;
    } else {
      e.kind = ExprKind::Index;
      e.b = BuildExpr(suffix.children[0]);
    }
    base = AddExpr(std::move(e), grammar::DescribeToken(text_, suffix.span.begin).span);
  }
  return base;
}

// ('any'|'all'|'count'|'latest'|'earliest') IDENT 'in' add ['where' expr]
// ('sum'|'min'|'max') add 'for' IDENT 'in' add ['where' expr]
ExprId Builder::BuildQuantifier(CstId id) {
  const auto& kids = Kids(id);
  Expr e;
  e.kind = ExprKind::Quantifier;
  e.span = Node(id).span;
  e.quant = QuantOf(Text(kids[0]));
  size_t next = 1;
  bool projects =
      e.quant == QuantKind::Sum || e.quant == QuantKind::Min || e.quant == QuantKind::Max;
  if (projects)
    e.c = BuildExpr(kids[next++]);
  e.text = std::string(Text(kids[next]));
  e.name_span = Node(kids[next]).span;
  e.a = BuildExpr(kids[next + 1]);
  if (next + 2 < kids.size())
    e.b = BuildExpr(Kids(kids[next + 2])[0]);
  return AddExpr(std::move(e), Node(kids[0]).span);
}

ExprId Builder::BuildLeaf(CstId id) {
  const grammar::CstNode& node = Node(id);
  Expr e;
  e.span = node.span;
  switch (node.kind) {
    case CstKind::Int:
      e.kind = ExprKind::Int;
      e.ival = MakeInt(id);
      break;
    case CstKind::Decimal:
      e.kind = ExprKind::Decimal;
      e.text = std::string(Text(id));
      break;
    case CstKind::String:
      e.kind = ExprKind::String;
      e.text = UnescapeString(Text(id));
      break;
    case CstKind::Date:
      e.kind = ExprKind::DateLit;
      e.date = MakeDate(id);
      break;
    case CstKind::Duration:
      e.kind = ExprKind::Duration;
      e.ival = MakeInt(node.children[0]);
      e.unit = UnitOf(Text(node.children[1]));
      break;
    case CstKind::True:
    case CstKind::False:
      e.kind = ExprKind::Bool;
      e.ival = node.kind == CstKind::True ? 1 : 0;
      break;
    case CstKind::NoneLit:
      e.kind = ExprKind::NoneLit;
      break;
    default:  // Ident
      e.kind = ExprKind::NameRef;
      e.text = std::string(Text(id));
      break;
  }
  return AddExpr(std::move(e), node.span);
}

// ---- Codesets ----------------------------------------------------------------------------------

std::string Builder::CodeText(CstId code) const {
  const auto& kids = Kids(code);
  if (!kids.empty())
    return UnescapeString(Text(kids[0]));  // a quoted code
  return std::string(Text(code));
}

// member = CODE '..' CODE | CODE_PREFIX | CODE
CodeMember Builder::MakeMember(CstId id) const {
  CodeMember m;
  m.span = Node(id).span;
  switch (Node(id).kind) {
    case CstKind::MemberPrefix: {
      std::string_view t = Text(id);
      m.kind = MemberKind::Prefix;
      m.text = std::string(t.substr(0, t.size() - 1));  // drop the `*`, keep a final `.`
      break;
    }
    case CstKind::MemberRange:
      m.kind = MemberKind::Range;
      m.text = CodeText(Kids(id)[0]);
      m.high = CodeText(Kids(id)[1]);
      break;
    default:  // Code
      m.kind = MemberKind::Exact;
      m.text = CodeText(id);
      break;
  }
  return m;
}

CodesetExprId Builder::AddCodesetExpr(CodesetExpr e, uint32_t level, Span error_span) {
  if (level > grammar::kMaxNesting) {
    Fail(diag::DiagCode::NestingTooDeep, error_span, {std::to_string(grammar::kMaxNesting)});
  }
  ast_.codeset_exprs.push_back(std::move(e));
  codeset_levels_.push_back(level);
  return static_cast<CodesetExprId>(ast_.codeset_exprs.size() - 1);
}

// cs_expr = cs_term { ('+' | '-') cs_term }
CodesetExprId Builder::BuildCodesetExpr(CstId id) {
  const grammar::CstNode& node = Node(id);
  const auto& kids = node.children;
  CodesetExpr e;
  e.span = node.span;
  switch (node.kind) {
    case CstKind::CsBinary: {
      CodesetExprId left = BuildCodesetExpr(kids[0]);
      for (size_t i = 1; i + 1 < kids.size(); i += 2) {
        CodesetExpr op;
        op.kind = Text(kids[i]) == "+" ? CodesetExprKind::Union : CodesetExprKind::Difference;
        op.a = left;
        op.b = BuildCodesetExpr(kids[i + 1]);
        op.span = Join(Node(kids[0]).span, Node(kids[i + 1]).span);
        uint32_t level = std::max(codeset_levels_[op.a - first_codeset_expr_],
                                  codeset_levels_[op.b - first_codeset_expr_]) +
                         1;
        left = AddCodesetExpr(std::move(op), level, Node(kids[i]).span);
      }
      return left;
    }
    case CstKind::Paren:
      return BuildCodesetExpr(kids[0]);
    case CstKind::CsList:
      e.kind = CodesetExprKind::Members;
      for (CstId member : kids)
        e.members.push_back(MakeMember(member));
      break;
    case CstKind::CsLoad:
      e.kind = CodesetExprKind::Load;
      e.path = MakeName(kids[0]);
      e.column = MakeName(kids[1]);
      break;
    default:  // CsRef
      e.kind = CodesetExprKind::Ref;
      for (CstId part : kids)
        e.ref.push_back(MakeName(part));
      break;
  }
  return AddCodesetExpr(std::move(e), 0, node.span);
}

}  // namespace warrant::ast
