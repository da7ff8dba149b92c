// Which fields of a pack's claim schema its code can read: what the record decoder must decode
// for it (RecordDecoder::SetFieldsRead in runtime/records/record_json.h), computed once at load
// from the bytecode.
//
// A rule reaches a field's value only through a `field` instruction (a record value is neither
// compared nor shown whole: the VM reads records field by field, and `latest`/`earliest` order
// by the record's date field). So a field is read when some `field` instruction of any code (a
// rule's body and `applies` test, a reason's condition, a `let`) names it; reading a field whose
// value is a record, or a list of records, reads every field of that record. The base fields
// with their own Claim member (schema.def WARRANT_FIELD: what the VM, the builtins, explain, the
// history store and the output read directly), every date field `latest` may order by, a field
// another inherits its value from (Absence::FromClaim), the fields the history store records
// and joins by (runtime/engine/history.h), and every fact are always read. This
// module does not decide what the decoder does with the rest, nor what explain needs beyond
// this (its callers ask for every field).
#pragma once

#include <vector>

#include "runtime/pack/program.h"

namespace warrant {

// Per global field number of `program.schema`: whether the program can read it.
std::vector<bool> FieldsRead(const Program& program);

}  // namespace warrant
