#include "runtime/core/text.h"

#include <cstdint>

#include <fmt/format.h>

namespace warrant {
namespace {

// Whether a byte must be escaped in a JSON string (as this module writes them).
constexpr bool NeedsEscape(unsigned char u) {
  return u < 0x20 || u == '"' || u == '\\' || u == 0x7F;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  // Runs of bytes that need no escape are appended whole: identifiers, codes and messages
  // rarely hold any.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(u))
      continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (text[i]) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void AppendXmlEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab and line breaks are not allowed in XML 1.0.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
        break;
    }
  }
}

std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out = out.substr(0, cut) + " ...";
  }
  return out;
}

std::string TerminalSafe(std::string_view text, size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  while (i < text.size() && i < max) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u < 0x7F) {
      out += text[i++];
      continue;
    }
    // The length and code point of a well-formed UTF-8 sequence here, or 0.
    size_t length = 0;
    uint32_t cp = 0;
    if (u >= 0xC2 && u <= 0xF4) {
      length = u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
      cp = u & (0x7F >> length);
      for (size_t k = 1; k < length; ++k) {
        const auto c = i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
        if ((c & 0xC0) != 0x80) {
          length = 0;
          break;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
      if ((length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
          (length == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        length = 0;
      }
    }
    if (length == 0) {
      switch (text[i]) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 15];
      }
      ++i;
      continue;
    }
    if (i + length > max)
      break;  // cut before a character that does not fit whole
    // C1 controls (U+0080..U+009F: CSI is U+009B) and the bidirectional embeddings, overrides and
    // isolates, which reorder what is shown after them.
    if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
      out += fmt::format("\\u{:04x}", cp);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  if (i < text.size())
    out += fmt::format("... ({} bytes)", text.size());
  return out;
}

}  // namespace warrant
