#include "compiler/format/format.h"

#include <vector>

#include "compiler/ast/parse_file.h"
#include "compiler/format/layout.h"
#include "compiler/format/tokens.h"
#include "grammar/parse.h"

namespace warrant::format {

bool Format(FileId file, const SourceFile& source, std::string& out, diag::DiagSink& sink) {
  out.clear();
  // The full front end first, so a file is formatted only if `warrant check` would parse it and
  // its errors are reported exactly as everywhere else.
  ast::Ast ast;
  if (!ast::ParseFile(file, source, ast, sink))
    return false;
  grammar::ParseResult parsed = grammar::Parse(source.text());
  if (!parsed.ok())
    return false;  // not reached: ParseFile ran the same grammar
  out = Layout(BuildTokens(source.text(), parsed.cst));
  return true;
}

}  // namespace warrant::format
