// The claim schema as text for people: what `warrant schema` prints. Each named record with its
// doc, then one row per field: its name, its type as Warrant writes it, what the field is when
// the claim leaves it out (or writes null), and its doc. Fields a pack adds with `extend` are
// marked `+`, and the facts it declares are listed under `facts`. It does not read claims.
#pragma once

#include <string>

#include "runtime/records/schema.h"

namespace warrant {

// The listing, ending in a newline; the same text for the same schema.
std::string SchemaListing(const Schema& schema);

}  // namespace warrant
