// Go to definition, find references and the outline of a file (document symbols).
#include <fmt/format.h>

#include "compiler/lsp/features.h"

namespace warrant::lsp {
namespace {

// LSP SymbolKind numbers.
enum LspSymbol : int {
  kModule = 2,
  kNamespace = 3,
  kMethod = 6,
  kField = 8,
  kEnum = 10,
  kFunction = 12,
  kVariable = 13,
  kConstant = 14,
  kStruct = 23,
  kEvent = 24,
};

Json Location(const Analysis& a, FileId fid, Span span, const UriFor& uri_for) {
  LineIndex lines(a.sources.files.Get(fid).text());
  return Json::Object(
      {{"uri", uri_for(a.sources.paths[fid])}, {"range", ToJson(lines.RangeOf(span))}});
}

bool HasPath(const Analysis& a, FileId fid) {
  return fid < a.sources.paths.size() && !a.sources.paths[fid].empty();
}

Json Outline(const LineIndex& lines, std::string name, std::string detail, int kind, Span range,
             Span selection) {
  Json out = Json::Object({{"name", std::move(name)},
                           {"kind", kind},
                           {"range", ToJson(lines.RangeOf(range))},
                           {"selectionRange", ToJson(lines.RangeOf(selection))}});
  if (!detail.empty())
    out.Set("detail", std::move(detail));
  return out;
}

// The `let`s of a rule's body, `when` blocks included (the nesting limit bounds the recursion).
void RuleLets(const ast::Ast& ast, const LineIndex& lines, const std::vector<ast::StmtId>& body,
              Json& children) {
  for (ast::StmtId id : body) {
    const ast::Stmt& s = ast.stmt(id);
    if (s.kind == ast::StmtKind::Let)
      children.Push(Outline(lines, s.name.text, "", kVariable, s.span, s.name.span));
    else if (s.kind == ast::StmtKind::When)
      RuleLets(ast, lines, s.body, children);
  }
}

}  // namespace

Json Definition(const Analysis& analysis, FileId fid, uint32_t offset, const UriFor& uri_for) {
  const Occurrence* o = analysis.index.At(fid, offset);
  if (!o)
    return Json();
  if (o->symbol.kind == SymbolKind::File) {
    FileId target = analysis.sources.ast.files[o->symbol.file].file;
    if (!HasPath(analysis, target))
      return Json();
    return Location(analysis, target, Span{0, 0}, uri_for);
  }
  const Occurrence* decl = analysis.index.DeclarationOf(o->symbol);
  if (!decl || !HasPath(analysis, decl->fid))
    return Json();
  return Location(analysis, decl->fid, decl->span, uri_for);
}

Json References(const Analysis& analysis, FileId fid, uint32_t offset, bool include_declaration,
                const UriFor& uri_for) {
  Json out = Json::Array();
  const Occurrence* o = analysis.index.At(fid, offset);
  if (!o)
    return out;
  for (const Occurrence* r : analysis.index.Of(o->symbol)) {
    if ((r->declaration && !include_declaration) || !HasPath(analysis, r->fid))
      continue;
    out.Push(Location(analysis, r->fid, r->span, uri_for));
  }
  return out;
}

Json DocumentSymbols(const Analysis& analysis, FileId fid) {
  Json out = Json::Array();
  uint32_t f = analysis.index.AstFile(fid);
  if (f == ast::kNone)
    return out;
  const ast::Ast& ast = analysis.sources.ast;
  const ast::File& file = ast.files[f];
  LineIndex lines(analysis.sources.files.Get(fid).text());
  if (file.policy) {
    const ast::PolicyHeader& p = *file.policy;
    out.Push(Outline(lines, fmt::format("policy {} version {}", p.id.text, p.version), p.title.text,
                     kNamespace, p.span, p.id.span));
  }
  for (const ast::DeclRef& ref : file.order) {
    switch (ref.kind) {
      case ast::DeclKind::Import: {
        const ast::Import& imp = file.imports[ref.index];
        out.Push(Outline(lines, imp.alias.text, imp.path.text, kModule, imp.span, imp.alias.span));
        break;
      }
      case ast::DeclKind::Codeset: {
        const ast::Codeset& cs = file.codesets[ref.index];
        out.Push(Outline(lines, cs.name.text, cs.system.text, kEnum, cs.span, cs.name.span));
        break;
      }
      case ast::DeclKind::CodeSystem: {
        const ast::CodeSystemDecl& d = file.codesystems[ref.index];
        out.Push(Outline(lines, d.name.text, d.title.text, kEnum, d.span, d.name.span));
        break;
      }
      case ast::DeclKind::Table: {
        const ast::Table& t = file.tables[ref.index];
        out.Push(Outline(lines, t.name.text, "table", kStruct, t.span, t.name.span));
        break;
      }
      case ast::DeclKind::Fact: {
        const ast::Fact& fact = file.facts[ref.index];
        out.Push(Outline(lines, fact.name.text, fact.title ? fact.title->text : "", kField,
                         fact.span, fact.name.span));
        break;
      }
      case ast::DeclKind::Extend: {
        const ast::Extend& e = file.extends[ref.index];
        Json symbol = Outline(lines, "extend " + e.record.text, "", kStruct, e.span, e.record.span);
        Json children = Json::Array();
        for (const ast::Fact& field : e.fields) {
          children.Push(Outline(lines, field.name.text, field.title ? field.title->text : "",
                                kField, field.span, field.name.span));
        }
        if (!children.Items("children").empty())
          symbol.Set("children", std::move(children));
        out.Push(std::move(symbol));
        break;
      }
      case ast::DeclKind::Reason: {
        const ast::Reason& r = file.reasons[ref.index];
        out.Push(Outline(lines, r.name.text, r.group.text + "-" + r.carc.text, kEvent, r.span,
                         r.name.span));
        break;
      }
      case ast::DeclKind::Let: {
        const ast::Let& let = file.lets[ref.index];
        out.Push(Outline(lines, let.name.text, "", kConstant, let.span, let.name.span));
        break;
      }
      case ast::DeclKind::Rule: {
        const ast::Rule& rule = file.rules[ref.index];
        Json symbol = Outline(lines, rule.name.text, rule.title ? rule.title->text : "", kFunction,
                              rule.span, rule.name.span);
        Json children = Json::Array();
        RuleLets(ast, lines, rule.body, children);
        if (!children.Items("children").empty())
          symbol.Set("children", std::move(children));
        out.Push(std::move(symbol));
        break;
      }
      case ast::DeclKind::Fixture: {
        const ast::Fixture& fixture = file.fixtures[ref.index];
        out.Push(
            Outline(lines, fixture.name.text, "fixture", kStruct, fixture.span, fixture.name.span));
        break;
      }
      case ast::DeclKind::Test: {
        const ast::Test& test = file.tests[ref.index];
        out.Push(Outline(lines, test.name.text, "test", kMethod, test.span, test.name.span));
        break;
      }
    }
  }
  return out;
}

}  // namespace warrant::lsp
