#include "stdlib/stdlib.h"

namespace warrant::stdlib {
namespace {

constexpr RecordInfo kRecords[] = {
#define WARRANT_RECORD(Record, Doc) {#Record, Doc},
#define WARRANT_FIELD(Record, Field, Type, Doc)
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
};

constexpr FieldInfo kFields[] = {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Doc) \
  {FieldId::Record##_##Field, #Record, #Field, Type, Doc},
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
};

constexpr ScopeInfo kScope[] = {
#define WARRANT_SCOPE(Name, Type, Doc) {#Name, Type, Doc},
#include "runtime/pack/scope.def"
#undef WARRANT_SCOPE
};

constexpr BuiltinInfo kBuiltins[] = {
#define WARRANT_BUILTIN(Name, Surface, Signature, Doc) {BuiltinId::Name, Surface, Signature, Doc},
#include "runtime/pack/builtins.def"
#undef WARRANT_BUILTIN
};

constexpr ReasonInfo kReasons[] = {
#define WARRANT_REASON(Name, Group, Carc, Rarcs, Description) \
  {#Name, Group, Carc, Rarcs, Description},
#include "stdlib/reasons.def"
#undef WARRANT_REASON
};

}  // namespace

std::span<const RecordInfo> Records() {
  return kRecords;
}

std::span<const FieldInfo> Fields() {
  return kFields;
}

std::span<const ScopeInfo> Scope() {
  return kScope;
}

std::span<const BuiltinInfo> Builtins() {
  return kBuiltins;
}

std::span<const ReasonInfo> Reasons() {
  return kReasons;
}

}  // namespace warrant::stdlib
