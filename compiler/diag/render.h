// Rendering of collected diagnostics for people (text) and tools (JSON).
//
// Text follows the compiler convention:
//   file:line:col: error[E0202]: `line` has no field `cdoe`
//      12 |   require line.cdoe in fobt
//         |                ^^^^
//      = help: did you mean `code`?
// JSON is one object {"diagnostics":[...]} with stable field names (docs/language.md).
#pragma once

#include <ostream>
#include <vector>

#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"

namespace warrant::diag {

// With `color`, the severity and the caret are red (errors) or yellow (warnings) and the message
// bold, in ANSI escapes: for a terminal only (the driver decides).
void RenderText(const SourceManager& sources, const std::vector<Diagnostic>& diags,
                std::ostream& out, bool color = false);
void RenderJson(const SourceManager& sources, const std::vector<Diagnostic>& diags,
                std::ostream& out);

// A JSON string literal for `text` (quotes included), escaping control characters.
std::string JsonQuote(std::string_view text);

}  // namespace warrant::diag
