#include "compiler/ast/ast.h"

namespace warrant::ast {

const char* OpText(Op op) {
  switch (op) {
    case Op::None:
      return "";
    case Op::Not:
      return "not";
    case Op::Neg:
      return "-";
    case Op::IsNone:
      return "is none";
    case Op::IsKnown:
      return "is known";
    case Op::Or:
      return "or";
    case Op::And:
      return "and";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::Mul:
      return "*";
    case Op::Div:
      return "/";
    case Op::In:
      return "in";
    case Op::NotIn:
      return "not in";
  }
  return "?";
}

const char* QuantName(QuantKind q) {
  switch (q) {
    case QuantKind::Any:
      return "any";
    case QuantKind::All:
      return "all";
    case QuantKind::Count:
      return "count";
    case QuantKind::Sum:
      return "sum";
    case QuantKind::Min:
      return "min";
    case QuantKind::Max:
      return "max";
    case QuantKind::Latest:
      return "latest";
    case QuantKind::Earliest:
      return "earliest";
  }
  return "?";
}

}  // namespace warrant::ast
