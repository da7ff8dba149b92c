#include "runtime/pack/builtins.h"

#include <cstddef>

namespace warrant {

static_assert(detail::SignatureArity("() -> int") == 0);
static_assert(detail::SignatureArity("(list<*>) -> int") == 1);
static_assert(detail::SignatureArity("(map<string, int>, date) -> int") == 2);
static_assert(BuiltinArity(BuiltinId::DaysBetween) == 2);
static_assert(BuiltinArity(BuiltinId::MonthStart) == 1);

const char* ScopeName(ScopeId id) {
  static const char* const kNames[] = {
#define WARRANT_SCOPE(Name, Type, Doc) #Name,
#include "runtime/pack/scope.def"
#undef WARRANT_SCOPE
  };
  auto index = static_cast<size_t>(id);
  return index < sizeof(kNames) / sizeof(kNames[0]) ? kNames[index] : "?";
}

const char* BuiltinName(BuiltinId id) {
  static const char* const kNames[] = {
#define WARRANT_BUILTIN(Name, Surface, Signature, Doc) Surface,
#include "runtime/pack/builtins.def"
#undef WARRANT_BUILTIN
  };
  auto index = static_cast<size_t>(id);
  return index < sizeof(kNames) / sizeof(kNames[0]) ? kNames[index] : "?";
}

}  // namespace warrant
