// W0708: file-level names that hide another name.
//
// Inside a rule a name resolves to a rule-local binding, then to a codeset, table or let of the
// file, then to the rule scope (`age`, `diagnoses`, ...). The checker refuses a local that hides
// anything (E0216) but accepts a file-level declaration named like a rule-scope name, which
// silently changes what that name means in every rule of the file; and a declaration that shares
// its name with an import alias, which makes `x` and `x.y` mean unrelated things.
#include <fmt/format.h>

#include "compiler/lint/linter.h"
#include "stdlib/stdlib.h"

namespace warrant::lint {
namespace {

const stdlib::ScopeInfo* ScopeName(std::string_view name) {
  for (const stdlib::ScopeInfo& s : stdlib::Scope()) {
    if (s.name == name)
      return &s;
  }
  return nullptr;
}

}  // namespace

void LintShadowing(Linter& l) {
  for (uint32_t f = 0; f < l.ast.files.size(); ++f) {
    const ast::File& file = l.ast.files[f];
    auto declared = [&](const ast::Name& name, bool is_alias) {
      if (const stdlib::ScopeInfo* s = ScopeName(name.text)) {
        auto& d = l.Emit(diag::DiagCode::ShadowingDeclaration, f, name.span, name.text,
                         fmt::format("the rule-scope name `{}` ({})", s->name, s->doc));
        d.help = is_alias ? fmt::format(
                                "`{}` can no longer be read in this file's rules; rename "
                                "the alias",
                                name.text)
                          : fmt::format(
                                "in this file's rules `{}` now means this declaration; "
                                "rename it",
                                name.text);
        return;
      }
      if (is_alias)
        return;
      for (const ast::Import& imp : file.imports) {
        if (imp.alias.text != name.text)
          continue;
        auto& d = l.Emit(diag::DiagCode::ShadowingDeclaration, f, name.span, name.text,
                         fmt::format("the import alias `{}` when written alone", imp.alias.text));
        d.notes.push_back({l.Fid(f), imp.alias.span, "the alias is declared here"});
        d.help = fmt::format(
            "`{0}` names this declaration but `{0}.NAME` the imported file's; "
            "rename one of them",
            name.text);
      }
    };
    for (const ast::Codeset& cs : file.codesets)
      declared(cs.name, false);
    for (const ast::Table& t : file.tables)
      declared(t.name, false);
    for (const ast::Let& let : file.lets)
      declared(let.name, false);
    for (const ast::Import& imp : file.imports)
      declared(imp.alias, true);
  }
}

}  // namespace warrant::lint
