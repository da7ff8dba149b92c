#include "compiler/ast/ast.h"

#include <iterator>

namespace warrant::ast {

namespace {

struct OperatorRow {
  const char* spelling;
  Arity arity;
};

constexpr OperatorRow kOperators[] = {
#define WARRANT_OPERATOR(Name, Spelling, Arity_, Opcode) {Spelling, Arity::Arity_},
#include "compiler/ast/operators.def"
#undef WARRANT_OPERATOR
};

}  // namespace

const char* OpText(Operator op) {
  const auto index = static_cast<size_t>(op);
  return index < std::size(kOperators) ? kOperators[index].spelling : "?";
}

Operator BinaryOperator(std::string_view text) {
  for (size_t k = 0; k < std::size(kOperators); ++k) {
    if (kOperators[k].arity == Arity::Binary && text == kOperators[k].spelling)
      return static_cast<Operator>(k);
  }
  return Operator::NotIn;
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
