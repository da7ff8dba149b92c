#include "compiler/driver/record_message.h"

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::driver {

std::string RecordErrorLine(std::string_view input, uint64_t line, const RecordError& error) {
  // Line 0: the input has no lines to name (a FHIR document); the message says where instead.
  return fmt::format(
      "{}{}: error[{}]: {}{}\n", input, line == 0 ? std::string() : fmt::format(":{}", line),
      RecordErrorId(error.code),
      error.claim_id.empty()
          ? std::string()
          : "claim `" + TerminalText(error.claim_id, {.max = kShownIdBytes, .size = true}) + "`: ",
      TerminalText(error.message, {.max = kShownMessageBytes, .size = true}));
}

bool StartsAsJsonArray(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[';
}

}  // namespace warrant::driver
