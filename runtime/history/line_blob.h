// A claim's stored lines packed into one value (the `lines` column of a history store's `claims`
// table, docs/history.md), so a patient's history is one range of rows, not a row per line.
//
// Each line is kept as the engine holds it (PackedLine: codes packed, the date a day number,
// amounts scaled): a byte saying which fields are known (and whether its status and diagnoses are
// the line before's, which are then not written again), then those fields as varints, the status
// as a length-prefixed text. Decoding checks every length against the blob and says so when one
// runs past it: a damaged row is reported, never read out of bounds. Knows nothing of SQLite, and
// does not check that a packed code is one (a store's rows are written by PackLines).
#pragma once

#include <string>
#include <string_view>

#include "runtime/engine/history.h"

namespace warrant {

// Appends the packed form of `lines`' lines (their claim id is the row's key and is not packed).
void PackLines(const PackedLines& lines, std::string& out);

// Appends the lines packed in `blob` to `out`, each on claim `claim`; false when the blob is not
// what PackLines writes (what `out` got of it is then unspecified).
bool UnpackLines(std::string_view blob, std::string_view claim, PackedLines& out);

}  // namespace warrant
