// How the CLI reports a refused record on stderr: `file:line: error[R07xx]: claim `ID`: message`,
// and claims input that is not NDJSON at all.
//
// The id and the message carry claim data (a record's own text, quoted back), so both pass
// through TerminalText (runtime/core/text.h): a line break or an escape sequence in an id cannot
// forge another line of output or drive the terminal, and a 64 KiB id is not echoed whole. The
// error records on stdout are JSON and keep the data exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/records/record_json.h"

namespace warrant::driver {

// What of a claim id a message shows, and of a record error's message.
inline constexpr size_t kShownIdBytes = 64;
inline constexpr size_t kShownMessageBytes = 400;

// The line, ending in '\n'.
std::string RecordErrorLine(std::string_view input, uint64_t line, const RecordError& error);

// Whether claims text (its first line, or all of it) starts, after blanks, with `[`: a JSON
// array, which would otherwise be refused line by line as malformed records. Said once, with
// the way to convert it (E0010).
bool StartsAsJsonArray(std::string_view text);

}  // namespace warrant::driver
