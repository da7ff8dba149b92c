// Text for other formats, in one place: JSON string literals (every JSON writer: decisions,
// error records, diagnostics, dumps), XML/HTML text (the JUnit and HTML reports), terminal text
// (untrusted text in messages and on stderr), quoted literals as source writes them (listings,
// test reports) and one-line excerpts. Each format has exactly one escaping routine, so all
// writers of it escape alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace warrant {

// Appends `text` as a JSON string literal, quotes included; control characters are escaped.
void AppendJsonString(std::string& out, std::string_view text);

inline std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

// Appends `text` as XML/HTML character data or an attribute value: markup characters become
// entities; control characters XML 1.0 forbids (all but tab and line breaks) become U+FFFD, so any
// claim text or message yields a well-formed document.
void AppendXmlEscaped(std::string& out, std::string_view text);

inline std::string XmlEscape(std::string_view text) {
  std::string out;
  AppendXmlEscaped(out, text);
  return out;
}

// Appends untrusted `text` so that printing it cannot drive a terminal: control characters
// (C0 including ESC and line breaks, DEL, and C1 such as U+009B CSI), the bidirectional
// overrides and isolates (U+202A..U+202E, U+2066..U+2069) and bytes that are not well-formed
// UTF-8 are shown as `\x1B`-style escapes of their bytes, upper-case hex. Text longer than
// `max` bytes is cut there (on a character boundary) and "…" appended, or with `size`,
// "… (N bytes)" naming the whole text's size.
struct TerminalTextOptions {
  size_t max = SIZE_MAX;  // bytes of `text` kept before the cut
  bool ascii = false;     // escape every byte outside printable ASCII (codes, identifiers)
  bool size = false;      // a cut names the size of the whole text
};

void AppendTerminalText(std::string& out, std::string_view text,
                        const TerminalTextOptions& options = {});

inline std::string TerminalText(std::string_view text, const TerminalTextOptions& options = {}) {
  std::string out;
  AppendTerminalText(out, text, options);
  return out;
}

// `text` as a Warrant string literal, for listings and reports that show strings the way source
// writes them: in double quotes, with `\"`, `\\`, `\n` and `\t` as the language escapes
// them and anything else a terminal would act on escaped as TerminalText does.
std::string QuotedText(std::string_view text);

// `text` with its whitespace runs collapsed to single spaces, cut at `max` bytes (on a UTF-8
// boundary) with " ..." after.
std::string OneLine(std::string_view text, size_t max);

}  // namespace warrant
