// Text for other formats, in one place: JSON string literals (every JSON writer: decisions,
// error records, diagnostics, dumps), XML/HTML text (the JUnit and HTML reports), one-line
// excerpts and terminal-safe text (claim data in messages). Each format has exactly one escaping
// routine, so all writers of it escape alike.
#pragma once

#include <cstddef>
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

// `text` with its whitespace runs collapsed to single spaces, cut at `max` bytes (on a UTF-8
// boundary) with " ..." after.
std::string OneLine(std::string_view text, size_t max);

// `text` as it may be printed on a terminal: control characters (ESC, line breaks, C1 controls,
// Unicode bidirectional overrides) and bytes that are not UTF-8 become visible escapes (`\n`,
// `\x1b`, `\u202e`), so claim data cannot forge output lines or drive the terminal; longer than
// `max` bytes, it is cut (on a character boundary) and ends with "... (N bytes)".
std::string TerminalSafe(std::string_view text, size_t max);

}  // namespace warrant
