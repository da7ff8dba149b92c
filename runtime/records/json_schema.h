// The claim schema as a JSON Schema (draft 2020-12) of the claim JSON producers send: what
// `warrant schema --json-schema` prints.
//
// It says what the record decoder (runtime/records/record_json.h) accepts, as far as JSON Schema
// can without refusing a record the decoder takes: each named record is one entry of `$defs`,
// types become JSON types with patterns (dates, codes, amounts), `one of` values an `enum`,
// integer bounds `minimum`/`maximum`, list limits `maxItems`; null is allowed wherever the
// decoder reads it as absent. Unknown keys stay allowed (`additionalProperties` open), since the
// decoder ignores them unless run with --strict — except inside `facts`, whose unknown keys the
// decoder refuses. What JSON Schema cannot say (check digits, calendar dates, cross-field rules
// such as a line's date defaulting to the claim's) is in the `description`s. The output is the
// same bytes for the same schema. It does not read or validate claims.
#pragma once

#include <string>
#include <string_view>

#include "runtime/records/schema.h"

namespace warrant {

// The JSON Schema document, indented by two spaces, ending in a newline.
std::string JsonSchema(const Schema& schema);

// The `pattern` of a code of `system`: every spelling the decoder accepts matches it (check
// digits are left to the decoder). ECMAScript syntax, as JSON Schema's patterns are.
std::string_view JsonSchemaCodePattern(CodeSystem system);

}  // namespace warrant
