// Diagnostics: the registry (codes.def), the diagnostic model, and the collecting sink.
//
// Every phase reports through a DiagSink; nothing prints directly. The driver sorts the collected
// diagnostics (file, offset, code) and renders them once, as text or JSON (render.h). This module
// knows nothing about parsing or checking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "compiler/base/source_file.h"
#include "runtime/core/span.h"

namespace warrant::diag {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagCode : uint16_t {
#define WARRANT_DIAG(Code, Name, Severity, Format, Help) Name,
#include "compiler/diag/codes.def"
#undef WARRANT_DIAG
};

struct DiagInfo {
  std::string_view code;  // "E0201"
  std::string_view name;  // "UnknownField"
  Severity severity;
  std::string_view format;
  std::string_view help;
};

inline constexpr DiagInfo kDiagInfo[] = {
#define WARRANT_DIAG(Code, Name, Sev, Format, Help) {#Code, #Name, Severity::Sev, Format, Help},
#include "compiler/diag/codes.def"
#undef WARRANT_DIAG
};

inline constexpr size_t kDiagCount = sizeof(kDiagInfo) / sizeof(kDiagInfo[0]);

inline const DiagInfo& Info(DiagCode code) {
  return kDiagInfo[static_cast<size_t>(code)];
}

// A secondary location with its own text ("previous declaration is here").
struct Note {
  FileId file = 0;
  Span span;
  std::string message;
};

// A replacement that fixes the problem, for editors to offer (`warrant lsp` code actions): the
// text under `span`, in the diagnostic's file, becomes `text`. Set where the help names exactly
// one replacement ("did you mean `code`?").
struct Fix {
  Span span;
  std::string text;
};

struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::Error;
  FileId file = 0;
  Span span;
  std::string message;
  std::string help;  // empty: no help line
  std::vector<Note> notes;
  bool located = true;  // false: about a file as a whole, or no file; printed without a position
  std::optional<Fix> fix;
};

// Formats the registry's message (and default help) with `args`. A bad format string or argument
// count is a programming error caught by the registry unit test; at run time it degrades to the raw
// format text rather than throwing.
template <typename... Args>
Diagnostic Make(DiagCode code, FileId file, Span span, const Args&... args) {
  const DiagInfo& info = Info(code);
  Diagnostic d;
  d.code = code;
  d.severity = info.severity;
  d.file = file;
  d.span = span;
  try {
    d.message = fmt::format(fmt::runtime(info.format), args...);
    if (!info.help.empty())
      d.help = fmt::format(fmt::runtime(info.help), args...);
  } catch (const fmt::format_error&) {
    d.message = std::string(info.format);
    d.help = std::string(info.help);
  }
  return d;
}

// Collects diagnostics from every phase.
class DiagSink {
 public:
  // Emits and returns the stored diagnostic so the caller can adjust help or add notes.
  template <typename... Args>
  Diagnostic& Emit(DiagCode code, FileId file, Span span, const Args&... args) {
    diags_.push_back(Make(code, file, span, args...));
    if (diags_.back().severity == Severity::Error)
      ++errors_;
    return diags_.back();
  }

  void Add(Diagnostic d) {
    if (d.severity == Severity::Error)
      ++errors_;
    diags_.push_back(std::move(d));
  }

  size_t error_count() const { return errors_; }

  bool has_errors() const { return errors_ != 0; }

  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

  // Stable order: by file, then offset, then code; ties keep emission order.
  std::vector<Diagnostic> Sorted() const;

 private:
  std::vector<Diagnostic> diags_;
  size_t errors_ = 0;
};

}  // namespace warrant::diag
