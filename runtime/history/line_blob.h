// A claim's stored lines packed into one value (the `lines` column of a history store's `claims`
// table, docs/history.md), so a patient's history is one range of rows, not a row per line.
//
// Each line is its number, then its text fields and code lists, each length-prefixed; numbers are
// varints. Decoding checks every length against the blob and says so when one runs past it: a
// damaged row is reported, never read out of bounds. Knows nothing of SQLite or of codes.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/history.h"

namespace warrant {

// Appends the packed form of `lines` (their `claim` is the row's key and is not packed).
void PackLines(std::span<const HistoryLine> lines, std::string& out);

// Appends the lines packed in `blob` to `out`, each with `claim` set; false when the blob is not
// what PackLines writes (what `out` got of it is then unspecified).
bool UnpackLines(std::string_view blob, std::string_view claim, std::vector<HistoryLine>& out);

}  // namespace warrant
