// Ids for the claim schema's fields, generated from runtime/records/schema.def.
//
// The table (schema.def) is the single declaration; the checker reads its text spellings through
// stdlib/, the record decoders and the VM use these ids. The names a rule's scope provides and the
// builtins are the pack's concern: runtime/pack/builtins.h.
#pragma once

#include <cstdint>

namespace warrant {

// One id per schema field, named record_field: FieldId::line_code.
enum class FieldId : uint8_t {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Doc) Record##_##Field,
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
  kCount
};

// "line.code": names for listings and messages.
const char* FieldName(FieldId id);

}  // namespace warrant
