// Terminal text and quoted literals (runtime/core/text.h): what untrusted text becomes before it
// reaches a terminal.
#include "runtime/core/text.h"

#include <string>

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

}  // namespace
}  // namespace warrant
