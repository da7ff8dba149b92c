#include "compiler/diag/render.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::diag {
namespace {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

// Number of code points in `text`, so carets line up under non-ASCII characters.
size_t CodePoints(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++n;
  }
  return n;
}

// Printable form of a source line: tabs become one space (a tab is one column) and control
// bytes become '?', so a caret drawn under it stays aligned and the terminal stays sane.
std::string Printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size(); ++i) {
    auto u = static_cast<unsigned char>(line[i]);
    if (line[i] == '\t') {
      out += ' ';
    } else if (u < 0x20 || u == 0x7F) {
      out += '?';
    } else if (u < 0x80) {
      out += line[i];
    } else {
      // Copy a well-formed UTF-8 sequence; any other byte (Latin-1 text, binary) becomes '?',
      // one column, as SourceFile counts it.
      size_t n = (u & 0xE0) == 0xC0 ? 2 : (u & 0xF0) == 0xE0 ? 3 : (u & 0xF8) == 0xF0 ? 4 : 0;
      bool ok = n > 0 && i + n <= line.size();
      for (size_t k = 1; ok && k < n; ++k) {
        ok = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
      }
      if (ok) {
        out.append(line.substr(i, n));
        i += n - 1;
      } else {
        out += '?';
      }
    }
  }
  return out;
}

// ANSI escapes, or nothing without colour.
struct Style {
  std::string_view severity, bold, reset;
};

Style StyleOf(Severity s, bool color) {
  if (!color)
    return {};
  return {s == Severity::Error     ? "\x1b[1;31m"
          : s == Severity::Warning ? "\x1b[1;33m"
                                   : "\x1b[1;36m",
          "\x1b[1m", "\x1b[0m"};
}

void RenderSnippet(const SourceFile& file, Span span, std::ostream& out, const Style& style) {
  LineCol begin = file.Locate(span.begin);
  std::string_view line = file.LineText(begin.line);
  if (line.size() > 300)
    return;  // A huge single line (e.g. random bytes) helps nobody.
  std::string number = std::to_string(begin.line);
  std::string gutter(number.size(), ' ');
  out << ' ' << number << " | " << Printable(line) << '\n';
  // The caret covers the span on its first line; an empty span still gets one caret.
  LineCol end = file.Locate(span.end);
  size_t width = 1;
  if (end.line == begin.line && end.column > begin.column) {
    width = end.column - begin.column;
  } else if (end.line != begin.line) {
    size_t rest = CodePoints(line);
    width = rest >= begin.column ? rest - begin.column + 1 : 1;
  }
  out << ' ' << gutter << " | " << std::string(begin.column - 1, ' ') << style.severity
      << std::string(width, '^') << style.reset << '\n';
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  return JsonString(text);
}

void RenderText(const SourceManager& sources, const std::vector<Diagnostic>& diags,
                std::ostream& out, bool color) {
  for (const Diagnostic& d : diags) {
    const SourceFile& file = sources.Get(d.file);
    const Style style = StyleOf(d.severity, color);
    if (!d.located) {
      // About a file as a whole (unreadable, missing) or no file at all: no line to show.
      if (file.name().empty() || file.name()[0] != '<')
        out << file.name() << ": ";
      out << style.severity << SeverityName(d.severity) << '[' << Info(d.code).code << "]"
          << style.reset << style.bold << ": " << d.message << style.reset << '\n';
      if (!d.help.empty())
        out << "   = help: " << d.help << '\n';
      continue;
    }
    LineCol at = file.Locate(d.span.begin);
    out << file.name() << ':' << at.line << ':' << at.column << ": " << style.severity
        << SeverityName(d.severity) << '[' << Info(d.code).code << "]" << style.reset << style.bold
        << ": " << d.message << style.reset << '\n';
    RenderSnippet(file, d.span, out, style);
    for (const Note& note : d.notes) {
      const SourceFile& nfile = sources.Get(note.file);
      LineCol nat = nfile.Locate(note.span.begin);
      const Style note_style = StyleOf(Severity::Note, color);
      out << nfile.name() << ':' << nat.line << ':' << nat.column << ": " << note_style.severity
          << "note" << note_style.reset << ": " << note.message << '\n';
      RenderSnippet(nfile, note.span, out, note_style);
    }
    if (!d.help.empty())
      out << "   = help: " << d.help << '\n';
  }
}

void RenderJson(const SourceManager& sources, const std::vector<Diagnostic>& diags,
                std::ostream& out) {
  out << "{\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : diags) {
    const SourceFile& file = sources.Get(d.file);
    LineCol at = file.Locate(d.span.begin);
    LineCol end = file.Locate(d.span.end);
    out << (first ? "" : ",") << "\n {\"code\":\"" << Info(d.code).code << "\",\"severity\":\""
        << SeverityName(d.severity) << "\",\"file\":" << JsonQuote(file.name())
        << ",\"line\":" << at.line << ",\"column\":" << at.column << ",\"end_line\":" << end.line
        << ",\"end_column\":" << end.column << ",\"message\":" << JsonQuote(d.message);
    if (!d.help.empty())
      out << ",\"help\":" << JsonQuote(d.help);
    if (!d.notes.empty()) {
      out << ",\"notes\":[";
      for (size_t i = 0; i < d.notes.size(); ++i) {
        const Note& n = d.notes[i];
        const SourceFile& nfile = sources.Get(n.file);
        LineCol nat = nfile.Locate(n.span.begin);
        out << (i ? "," : "") << "{\"file\":" << JsonQuote(nfile.name()) << ",\"line\":" << nat.line
            << ",\"column\":" << nat.column << ",\"message\":" << JsonQuote(n.message) << '}';
      }
      out << ']';
    }
    out << '}';
    first = false;
  }
  out << (first ? "" : "\n") << "]}\n";
}

}  // namespace warrant::diag
