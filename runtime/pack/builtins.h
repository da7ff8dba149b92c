// Ids for the names in a rule's scope and for the builtin functions, generated from
// runtime/pack/scope.def and runtime/pack/builtins.def.
//
// The tables are the single declaration; the checker reads their text spellings through stdlib/,
// the code generator emits these ids, the verifier checks them and the VM dispatches on them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace warrant {

enum class ScopeId : uint8_t {
#define WARRANT_SCOPE(Name, Type, Doc) Name,
#include "runtime/pack/scope.def"
#undef WARRANT_SCOPE
  kCount
};

enum class BuiltinId : uint8_t {
#define WARRANT_BUILTIN(Name, Surface, Signature, Doc) Name,
#include "runtime/pack/builtins.def"
#undef WARRANT_BUILTIN
  kCount
};

namespace detail {

// The parameter count of a builtins.def signature: "(date, date) -> int" has 2, "() -> int" 0.
// Commas nested in `<...>` or `(...)` do not count. -1 when the text does not start with '('.
constexpr int SignatureArity(std::string_view signature) {
  if (signature.empty() || signature[0] != '(')
    return -1;
  int depth = 0;
  int commas = 0;
  bool any = false;
  for (size_t i = 1; i < signature.size(); ++i) {
    const char c = signature[i];
    if (c == '(' || c == '<') {
      ++depth;
    } else if (c == '>' || (c == ')' && depth > 0)) {
      --depth;
    } else if (c == ')') {
      return any ? commas + 1 : 0;
    } else if (c == ',' && depth == 0) {
      ++commas;
    }
    if (c != ' ' && c != ')')
      any = true;
  }
  return -1;
}

inline constexpr int kBuiltinArity[] = {
#define WARRANT_BUILTIN(Name, Surface, Signature, Doc) SignatureArity(Signature),
#include "runtime/pack/builtins.def"
#undef WARRANT_BUILTIN
};

constexpr bool AllAritiesValid() {
  for (int arity : kBuiltinArity) {
    if (arity < 0)
      return false;
  }
  return true;
}

static_assert(AllAritiesValid(), "builtins.def: a signature does not start with \"(params)\"");

}  // namespace detail

// How many arguments builtin `id` takes, counted from its builtins.def signature: the values
// `call` pops (its stack delta is 1 - arity). 0 for an id outside the table.
constexpr int BuiltinArity(BuiltinId id) {
  const auto index = static_cast<size_t>(id);
  return index < static_cast<size_t>(BuiltinId::kCount) ? detail::kBuiltinArity[index] : 0;
}

// "service_date", "days_between": names for listings and messages.
const char* ScopeName(ScopeId id);
const char* BuiltinName(BuiltinId id);

}  // namespace warrant
