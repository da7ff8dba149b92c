#include "compiler/driver/record_message.h"

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::driver {

std::string RecordErrorLine(std::string_view input, uint64_t line, const RecordError& error) {
  return fmt::format("{}:{}: error[{}]: {}{}\n", input, line, RecordErrorId(error.code),
                     error.claim_id.empty()
                         ? std::string()
                         : "claim `" + TerminalSafe(error.claim_id, kShownIdBytes) + "`: ",
                     TerminalSafe(error.message, kShownMessageBytes));
}

}  // namespace warrant::driver
