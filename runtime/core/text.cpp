#include "runtime/core/text.h"

#include <algorithm>

namespace warrant {
namespace {

constexpr unsigned char Byte(char c) {
  return static_cast<unsigned char>(c);
}

void AppendByteEscape(std::string& out, unsigned char byte) {
  static const char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

// The length (2 to 4) of the well-formed UTF-8 sequence that starts at text[i], or 0: no
// overlong forms, surrogates or code points past U+10FFFF.
size_t Utf8SequenceAt(std::string_view text, size_t i) {
  const unsigned char lead = Byte(text[i]);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    return 0;
  }
  if (text.size() - i < length || Byte(text[i + 1]) < low || Byte(text[i + 1]) > high)
    return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((Byte(text[i + k]) & 0xC0) != 0x80)
      return 0;
  }
  return length;
}

// Whether a well-formed sequence is a character terminals act on or that reorders what is
// shown: C1 controls (U+0080..U+009F, CSI among them) and the bidirectional overrides and
// isolates (U+202A..U+202E, U+2066..U+2069).
bool ActsOnTerminal(std::string_view sequence) {
  const unsigned char b0 = Byte(sequence[0]), b1 = Byte(sequence[1]);
  if (sequence.size() == 2)
    return b0 == 0xC2 && b1 <= 0x9F;
  if (sequence.size() != 3 || b0 != 0xE2)
    return false;
  const unsigned char b2 = Byte(sequence[2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

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

void AppendTerminalText(std::string& out, std::string_view text,
                        const TerminalTextOptions& options) {
  size_t n = std::min(text.size(), options.max);
  while (n > 0 && n < text.size() && (Byte(text[n]) & 0xC0) == 0x80)
    --n;
  const std::string_view kept = text.substr(0, n);
  for (size_t i = 0; i < kept.size();) {
    const unsigned char byte = Byte(kept[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += kept[i++];
      continue;
    }
    const size_t length = byte < 0x80 || options.ascii ? 0 : Utf8SequenceAt(kept, i);
    if (length == 0) {
      AppendByteEscape(out, byte);
      ++i;
      continue;
    }
    const std::string_view sequence = kept.substr(i, length);
    if (ActsOnTerminal(sequence)) {
      for (char c : sequence)
        AppendByteEscape(out, Byte(c));
    } else {
      out += sequence;
    }
    i += length;
  }
  if (n < text.size()) {
    out += "\u2026";
    if (options.size)
      out += " (" + std::to_string(text.size()) + " bytes)";
  }
}

std::string QuotedText(std::string_view text) {
  std::string out = "\"";
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = c == '"'    ? "\\\""
                         : c == '\\' ? "\\\\"
                         : c == '\n' ? "\\n"
                         : c == '\t' ? "\\t"
                                     : nullptr;
    if (escape == nullptr)
      continue;
    AppendTerminalText(out, text.substr(run, i - run));
    out += escape;
    run = i + 1;
  }
  AppendTerminalText(out, text.substr(run));
  out += '"';
  return out;
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

}  // namespace warrant
