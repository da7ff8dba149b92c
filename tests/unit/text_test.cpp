// Terminal-safe text (runtime/core/text.h): what claim data looks like in a message on stderr.
#include "runtime/core/text.h"

#include <sstream>
#include <string>

#include "compiler/driver/driver.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("TerminalSafe: control characters become visible escapes", "[text]") {
  CHECK(TerminalSafe("CLM-1", 64) == "CLM-1");
  CHECK(TerminalSafe("a\nb\rc\td", 64) == "a\\nb\\rc\\td");
  CHECK(TerminalSafe("\x1b[31mred\x1b[0m", 64) == "\\x1b[31mred\\x1b[0m");
  CHECK(TerminalSafe(std::string("nul\0bel\a del\x7f", 13), 64) == "nul\\x00bel\\x07 del\\x7f");
  // UTF-8 text passes; C1 controls (CSI is U+009B) and bidirectional overrides do not.
  CHECK(TerminalSafe("Müller 山田", 64) == "Müller 山田");
  CHECK(TerminalSafe("\xc2\x9b"
                     "2J",
                     64) == "\\u009b2J");
  CHECK(TerminalSafe("abc\xe2\x80\xae"
                     "fed",
                     64) == "abc\\u202efed");
  CHECK(TerminalSafe("\xe2\x81\xa6x\xe2\x81\xa9", 64) == "\\u2066x\\u2069");
  // Bytes that are not UTF-8: a lone continuation, a truncated sequence, an overlong form, a
  // surrogate, a raw 8-bit CSI.
  CHECK(TerminalSafe("\x80", 64) == "\\x80");
  CHECK(TerminalSafe("\xe2\x82", 64) == "\\xe2\\x82");
  CHECK(TerminalSafe("\xc0\xaf", 64) == "\\xc0\\xaf");
  CHECK(TerminalSafe("\xed\xa0\x80", 64) == "\\xed\\xa0\\x80");
  CHECK(TerminalSafe("\x9b", 64) == "\\x9b");
}

TEST_CASE("TerminalSafe: long text is cut on a character boundary with its size", "[text]") {
  CHECK(TerminalSafe(std::string(65'536, 'A'), 8) == "AAAAAAAA... (65536 bytes)");
  CHECK(TerminalSafe("ab山田", 4) == "ab... (8 bytes)");  // 山 would not fit whole
  CHECK(TerminalSafe("abcd", 4) == "abcd");
}

TEST_CASE("run: a 64 KiB claim id is not echoed whole on stderr", "[text]") {
  const std::string id(65'000, 'Z');
  std::istringstream in(
      "{\"id\": \"" + id +
      "\", \"service_date\": \"2024-03-01\", \"lines\": [{\"code\": \"8227\"}]}\n");
  std::ostringstream out, err;
  // The pack: the examples, compiled in memory (no terminology needed for this record error).
  const int status = driver::Run(
      {"run", std::string(WARRANT_SOURCE_DIR) + "/examples/medicare/ncd_210_3_fobt_v2.warrant",
       "-"},
      in, out, err);
  CHECK(status == 1);
  CHECK(out.str().find(id) != std::string::npos);  // the error record keeps it exactly
  CHECK(err.str().size() < 1'000);
  CHECK_THAT(err.str(), Catch::Matchers::Contains("claim `ZZZZ"));
  CHECK_THAT(err.str(), Catch::Matchers::Contains("... (65000 bytes)`: "));
}

}  // namespace
}  // namespace warrant
