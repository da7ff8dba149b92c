#include "runtime/records/schema.h"

#include <cstddef>

namespace warrant {

const char* FieldName(FieldId id) {
  static const char* const kNames[] = {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Doc) #Record "." #Field,
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
  };
  auto index = static_cast<size_t>(id);
  return index < sizeof(kNames) / sizeof(kNames[0]) ? kNames[index] : "?";
}

}  // namespace warrant
