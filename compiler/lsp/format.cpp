// Formatting through `warrant fmt`'s formatter: one edit that replaces the whole document.
#include "compiler/format/format.h"

#include "compiler/lsp/features.h"

namespace warrant::lsp {

Json Formatting(std::string_view text) {
  Json edits = Json::Array();
  SourceFile source("<document>", std::string(text));
  diag::DiagSink sink;
  std::string formatted;
  if (!format::Format(0, source, formatted, sink) || formatted == text)
    return edits;  // syntax errors are shown as diagnostics; nothing to change otherwise
  LineIndex lines(text);
  Range whole{Position{0, 0}, lines.PositionOf(static_cast<uint32_t>(text.size()))};
  edits.Push(Json::Object({{"range", ToJson(whole)}, {"newText", formatted}}));
  return edits;
}

}  // namespace warrant::lsp
