// Terminal text and quoted literals (runtime/core/text.h): what untrusted text becomes before it
// reaches a terminal.
#include "runtime/core/text.h"

#include <sstream>
#include <string>

#include "compiler/driver/driver.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("text: terminal text escapes what a terminal acts on", "[text]") {
  CHECK(TerminalText("CLM-0042") == "CLM-0042");
  CHECK(TerminalText("a\x1b[31mred") == "a\\x1B[31mred");  // ESC
  CHECK(TerminalText("line\nbreak\rtab\t") == "line\\x0Abreak\\x0Dtab\\x09");
  CHECK(TerminalText("del\x7f") == "del\\x7F");
  CHECK(TerminalText("\xc2\x9b"
                     "2J") == "\\xC2\\x9B2J");  // U+009B, the C1 CSI
  CHECK(TerminalText("ab\xe2\x80\xae"
                     "cba") == "ab\\xE2\\x80\\xAEcba");  // U+202E, bidi override
  CHECK(TerminalText("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");  // kept
  // Bytes that are not UTF-8: a lone continuation, a cut sequence, an overlong form.
  CHECK(TerminalText("a\x80"
                     "b") == "a\\x80b");
  CHECK(TerminalText("a\xe2\x9c") == "a\\xE2\\x9C");
  CHECK(TerminalText("\xc0\xaf") == "\\xC0\\xAF");
}

TEST_CASE("text: terminal text is cut with a marker, on a character boundary", "[text]") {
  CHECK(TerminalText("abcdef", {.max = 3}) == "abc…");
  CHECK(TerminalText("abc", {.max = 3}) == "abc");
  CHECK(TerminalText("ab\xc3\xa9z", {.max = 3}) == "ab…");  // é is not split
  CHECK(TerminalText("\x1b\x1b\x1b", {.max = 2}) == "\\x1B\\x1B…");
  CHECK(TerminalText(std::string(1000, 'x'), {.max = 40}).size() == 40 + std::string("…").size());
}

TEST_CASE("text: ascii terminal text shows every other byte escaped", "[text]") {
  CHECK(TerminalText("E11.9", {.ascii = true}) == "E11.9");
  CHECK(TerminalText("\xc3\x89"
                     "11",
                     {.ascii = true}) == "\\xC3\\x8911");
  CHECK(TerminalText("E1\x01", {.ascii = true}) == "E1\\x01");
}

TEST_CASE("text: quoted text is a string literal as source writes it", "[text]") {
  CHECK(QuotedText("plain") == "\"plain\"");
  CHECK(QuotedText("say \"hi\"\\n") == "\"say \\\"hi\\\"\\\\n\"");
  CHECK(QuotedText("a\nb\tc") == "\"a\\nb\\tc\"");
  CHECK(QuotedText("esc\x1b") == "\"esc\\x1B\"");
  CHECK(QuotedText("") == "\"\"");
}

TEST_CASE("text: a cut can name the whole text's size", "[text]") {
  CHECK(TerminalText(std::string(65'536, 'A'), {.max = 8, .size = true}) ==
        "AAAAAAAA\u2026 (65536 bytes)");
  CHECK(TerminalText("abcd", {.max = 4, .size = true}) == "abcd");
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
  CHECK_THAT(err.str(), Catch::Matchers::Contains("\u2026 (65000 bytes)`: "));
}

}  // namespace
}  // namespace warrant
