// The standard library as data: claim schema, rule scope, builtin signatures and common reasons.
//
// Read from the runtime's tables (runtime/records/schema.def, runtime/pack/scope.def,
// runtime/pack/builtins.def) and the standard reasons beside this file (stdlib/reasons.def), so
// the checker, the VM, the record loader and the docs agree by construction. Types are spelled as
// strings ("list<code<icd10cm>>"); the checker parses them. Implementations of builtins live
// with the VM, keyed by BuiltinId.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/pack/builtins.h"
#include "runtime/records/schema.h"

namespace warrant::stdlib {

struct FieldInfo {
  FieldId id;
  std::string_view record;
  std::string_view field;
  std::string_view type;
  std::string_view doc;
};

struct RecordInfo {
  std::string_view name;
  std::string_view doc;
};

struct ScopeInfo {
  std::string_view name;
  std::string_view type;
  std::string_view doc;
};

struct BuiltinInfo {
  BuiltinId id;
  std::string_view name;
  std::string_view signature;
  std::string_view doc;
};

struct ReasonInfo {
  std::string_view name;
  std::string_view group;
  std::string_view carc;
  std::string_view rarcs;  // space separated
  std::string_view description;
};

std::span<const RecordInfo> Records();
std::span<const FieldInfo> Fields();
std::span<const ScopeInfo> Scope();
std::span<const BuiltinInfo> Builtins();
std::span<const ReasonInfo> Reasons();

}  // namespace warrant::stdlib
