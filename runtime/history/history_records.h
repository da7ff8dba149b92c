// History records: one claim's stored lines as one JSON object per line (NDJSON), what
// `warrant history import` reads and `warrant history export` writes.
//
//   {"id":"C1","patient":{"id":"P1"},"frequency":"original","lines":[{"line":1,"code":"82270",
//    "date":"2024-01-10","status":"paid","dx":["Z12.11"],"modifiers":[],"units":1,
//    "charge":"25.00","allowed":"20.00"}]}
//
// The shape of a claim record (runtime/records/schema.def) with a status on each line, the
// line's own diagnoses (`dx`) and its number (`line`, else its position). Codes are checked and
// written in their display form; nothing is decided here.
#pragma once

#include <string>
#include <string_view>

#include "runtime/engine/history.h"

namespace warrant {

// Reads one record; false with `error` saying what is wrong (without the file and line). A line
// without a status gets `default_status` ("" requires one). A line without `dx` has the claim's
// `diagnoses` its `dx_pointers` point to (all of them without pointers), so a claim record as
// `warrant convert` writes it reads too.
bool ReadHistoryRecord(std::string_view json, ClaimHistory& out, std::string& error,
                       std::string_view default_status = "");

// Appends the record of `claim`, ending in '\n'.
void AppendHistoryRecord(const ClaimHistory& claim, std::string& out);

}  // namespace warrant
