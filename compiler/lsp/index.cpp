#include "compiler/lsp/index.h"

#include <algorithm>
#include <map>
#include <string>

namespace warrant::lsp {

// Walks the AST of every file once, recording names (with what the checker resolved them to),
// expressions and codeset codes. Recursion follows the AST, whose depth the parser bounds.
class IndexBuilder {
 public:
  IndexBuilder(const frontend::Sources& sources, const check::CheckedProgram& checked, Index& out)
      : sources_(sources), ast_(sources.ast), checked_(checked), out_(out) {
    for (uint32_t i = 0; i < checked.facts.size(); ++i)
      facts_.emplace(checked.facts[i].name, i);
    for (uint32_t i = 0; i < checked.reasons.size(); ++i)
      reasons_.emplace(checked.reasons[i].name, i);
    out_.expr_file_.assign(ast_.exprs.size(), ast::kNone);
    out_.ast_file_.assign(sources.files.size(), ast::kNone);
    for (uint32_t f = 0; f < ast_.files.size(); ++f)
      out_.ast_file_[ast_.files[f].file] = f;
  }

  void Run() {
    for (uint32_t f = 0; f < ast_.files.size(); ++f)
      File(f);
    std::stable_sort(out_.occurrences_.begin(), out_.occurrences_.end(),
                     [](const Occurrence& a, const Occurrence& b) {
                       return a.fid != b.fid ? a.fid < b.fid : a.span.begin < b.span.begin;
                     });
  }

 private:
  void Add(uint32_t f, Span span, Symbol symbol, bool declaration = false) {
    out_.occurrences_.push_back(Occurrence{ast_.files[f].file, span, symbol, declaration});
  }

  uint32_t ImportIndex(uint32_t f, std::string_view alias) const {
    const auto& imports = ast_.files[f].imports;
    for (uint32_t i = 0; i < imports.size(); ++i) {
      if (imports[i].alias.text == alias)
        return i;
    }
    return ast::kNone;
  }

  uint32_t ImportTarget(uint32_t f, uint32_t import) const {
    const auto& targets = sources_.import_targets;
    if (f >= targets.size() || import >= targets[f].size())
      return ast::kNone;
    return targets[f][import];
  }

  void File(uint32_t f) {
    const ast::File& file = ast_.files[f];
    for (uint32_t i = 0; i < file.imports.size(); ++i) {
      const ast::Import& imp = file.imports[i];
      Add(f, imp.alias.span, Symbol{SymbolKind::Import, f, i}, true);
      uint32_t target = ImportTarget(f, i);
      if (target != ast::kNone)
        Add(f, imp.path.span, Symbol{SymbolKind::File, target, 0});
    }
    for (uint32_t i = 0; i < file.codesets.size(); ++i) {
      const ast::Codeset& cs = file.codesets[i];
      Add(f, cs.name.span, Symbol{SymbolKind::Codeset, f, i}, true);
      CodeSystem system =
          f < checked_.codeset_systems.size() && i < checked_.codeset_systems[f].size()
              ? checked_.codeset_systems[f][i]
              : CodeSystem::Icd10cm;
      CodesetExpr(f, cs.body, system);
    }
    for (uint32_t i = 0; i < file.tables.size(); ++i) {
      const ast::Table& t = file.tables[i];
      Add(f, t.name.span, Symbol{SymbolKind::Table, f, i}, true);
      for (const ast::TableEntry& e : t.entries) {
        Expr(f, e.key);
        Expr(f, e.value);
      }
    }
    for (const ast::Fact& fact : file.facts) {
      auto it = facts_.find(fact.name.text);
      if (it != facts_.end())
        Add(f, fact.name.span, Symbol{SymbolKind::Fact, 0, it->second}, true);
    }
    for (const ast::Reason& r : file.reasons) {
      auto it = reasons_.find(r.name.text);
      if (it != reasons_.end())
        Add(f, r.name.span, Symbol{SymbolKind::Reason, 0, it->second}, true);
      Expr(f, r.alt_group_when);
    }
    for (uint32_t i = 0; i < file.lets.size(); ++i) {
      Add(f, file.lets[i].name.span, Symbol{SymbolKind::GlobalLet, f, i}, true);
      Expr(f, file.lets[i].value);
    }
    for (const ast::Rule& rule : file.rules) {
      Expr(f, rule.applies);
      Stmts(f, rule.body);
    }
    for (const ast::Test& test : file.tests) {
      GivenFacts(f, test.given);
      for (const ast::Expect& e : test.expects) {
        if (e.reason)
          ReasonRef(f, *e.reason);
      }
    }
  }

  // The keys of a test's `"facts": {...}` name declared facts.
  void GivenFacts(uint32_t f, ast::JsonId given) {
    if (given == ast::kNone || ast_.json[given].kind != ast::JsonKind::Object)
      return;
    const ast::Json& root = ast_.json[given];
    for (size_t i = 0; i < root.keys.size(); ++i) {
      if (root.keys[i].text != "facts")
        continue;
      const ast::Json& facts = ast_.json[root.items[i]];
      if (facts.kind != ast::JsonKind::Object)
        continue;
      for (const ast::Name& key : facts.keys) {
        auto it = facts_.find(key.text);
        if (it != facts_.end() && key.span.size() >= 2) {
          Add(f, Span{key.span.begin + 1, key.span.end - 1},
              Symbol{SymbolKind::Fact, 0, it->second});
        }
      }
    }
  }

  void ReasonRef(uint32_t f, const ast::Name& name) {
    auto it = reasons_.find(name.text);
    if (it != reasons_.end())
      Add(f, name.span, Symbol{SymbolKind::Reason, 0, it->second});
  }

  void Outcome(uint32_t f, const ast::Outcome& o) {
    if (o.reason)
      ReasonRef(f, *o.reason);
  }

  void Stmts(uint32_t f, const std::vector<ast::StmtId>& body) {
    for (ast::StmtId id : body) {
      const ast::Stmt& s = ast_.stmt(id);
      switch (s.kind) {
        case ast::StmtKind::Let:
          Add(f, s.name.span, Symbol{SymbolKind::RuleLet, 0, id}, true);
          Expr(f, s.a);
          break;
        case ast::StmtKind::Require:
          Expr(f, s.a);
          Outcome(f, s.outcome);
          if (s.unknown_outcome)
            Outcome(f, *s.unknown_outcome);
          break;
        case ast::StmtKind::When:
          Expr(f, s.a);
          Stmts(f, s.body);
          break;
        case ast::StmtKind::Direct:
          Expr(f, s.a);
          Outcome(f, s.outcome);
          break;
      }
    }
  }

  // The symbol a resolved reference names.
  std::optional<Symbol> SymbolOf(uint32_t f, const check::Ref& ref, std::string_view text) const {
    switch (ref.kind) {
      case check::RefKind::None:
        return std::nullopt;
      case check::RefKind::Local:
        return Symbol{SymbolKind::Local, 0, ref.index};
      case check::RefKind::RuleLet:
        return Symbol{SymbolKind::RuleLet, 0, ref.index};
      case check::RefKind::GlobalLet:
        return Symbol{SymbolKind::GlobalLet, ref.file, ref.index};
      case check::RefKind::Codeset:
        return Symbol{SymbolKind::Codeset, ref.file, ref.index};
      case check::RefKind::Table:
        return Symbol{SymbolKind::Table, ref.file, ref.index};
      case check::RefKind::Scope:
        return Symbol{SymbolKind::Scope, 0, ref.index};
      case check::RefKind::Fact:
        return Symbol{SymbolKind::Fact, 0, ref.index};
      case check::RefKind::Builtin:
        return Symbol{SymbolKind::Builtin, 0, ref.index};
      case check::RefKind::Alias: {
        uint32_t import = ImportIndex(f, text);
        if (import == ast::kNone)
          return std::nullopt;
        return Symbol{SymbolKind::Import, f, import};
      }
    }
    return std::nullopt;
  }

  const check::Ref& RefOf(ast::ExprId id) const {
    static const check::Ref none;
    return id < checked_.expr_refs.size() ? checked_.expr_refs[id] : none;
  }

  void Expr(uint32_t f, ast::ExprId id) {
    if (id == ast::kNone || id >= ast_.exprs.size())
      return;
    const ast::Expr& e = ast_.expr(id);
    FileId fid = ast_.files[f].file;
    out_.exprs_.push_back(Index::ExprSpan{fid, e.span, id});
    out_.expr_file_[id] = f;
    switch (e.kind) {
      case ast::ExprKind::NameRef:
        if (auto symbol = SymbolOf(f, RefOf(id), e.text))
          Add(f, e.span, *symbol);
        break;
      case ast::ExprKind::Field:
        if (auto symbol = SymbolOf(f, RefOf(id), e.text))
          Add(f, e.name_span, *symbol);
        break;
      case ast::ExprKind::Call:
        if (auto symbol = SymbolOf(f, RefOf(id), e.text))
          Add(f, e.name_span, *symbol);
        break;
      case ast::ExprKind::Quantifier:
        Add(f, e.name_span, Symbol{SymbolKind::Local, 0, id}, true);
        break;
      default:
        break;
    }
    Expr(f, e.a);
    Expr(f, e.b);
    Expr(f, e.c);
    for (ast::ExprId item : e.list)
      Expr(f, item);
  }

  uint32_t CodesetNamed(uint32_t f, std::string_view name) const {
    const auto& codesets = ast_.files[f].codesets;
    for (uint32_t i = 0; i < codesets.size(); ++i) {
      if (codesets[i].name.text == name)
        return i;
    }
    return ast::kNone;
  }

  void CodesetExpr(uint32_t f, ast::CodesetExprId id, CodeSystem system) {
    if (id == ast::kNone || id >= ast_.codeset_exprs.size())
      return;
    const ast::CodesetExpr& e = ast_.codeset_exprs[id];
    FileId fid = ast_.files[f].file;
    switch (e.kind) {
      case ast::CodesetExprKind::Members:
        for (const ast::CodeMember& m : e.members) {
          if (m.kind == ast::MemberKind::Range) {
            // The two ends: the low code starts the member, the high one ends it.
            std::string_view text = sources_.files.Get(fid).text();
            std::string_view member = text.substr(m.span.begin, m.span.size());
            size_t dots = member.find("..");
            size_t high = member.find_first_not_of(" \t\r\n", dots + 2);
            if (dots == std::string_view::npos || dots == 0 || high == std::string_view::npos)
              break;
            size_t low_end = member.find_last_not_of(" \t\r\n", dots - 1) + 1;
            auto begin = static_cast<uint32_t>(m.span.begin);
            out_.codes_.push_back(CodeOccurrence{
                fid, Span{begin, begin + static_cast<uint32_t>(low_end)}, m.text, system, false});
            out_.codes_.push_back(CodeOccurrence{
                fid, Span{begin + static_cast<uint32_t>(high), m.span.end}, m.high, system, false});
          } else {
            out_.codes_.push_back(
                CodeOccurrence{fid, m.span, m.text, system, m.kind == ast::MemberKind::Prefix});
          }
        }
        break;
      case ast::CodesetExprKind::Ref: {
        uint32_t target = f;
        const ast::Name* name = &e.ref.front();
        if (e.ref.size() == 2) {
          uint32_t import = ImportIndex(f, e.ref[0].text);
          if (import == ast::kNone)
            break;
          Add(f, e.ref[0].span, Symbol{SymbolKind::Import, f, import});
          target = ImportTarget(f, import);
          name = &e.ref[1];
          if (target == ast::kNone)
            break;
        }
        uint32_t index = CodesetNamed(target, name->text);
        if (index != ast::kNone)
          Add(f, name->span, Symbol{SymbolKind::Codeset, target, index});
        break;
      }
      case ast::CodesetExprKind::Load:
        break;
      case ast::CodesetExprKind::Union:
      case ast::CodesetExprKind::Difference:
        CodesetExpr(f, e.a, system);
        CodesetExpr(f, e.b, system);
        break;
    }
  }

  const frontend::Sources& sources_;
  const ast::Ast& ast_;
  const check::CheckedProgram& checked_;
  Index& out_;
  std::map<std::string, uint32_t, std::less<>> facts_;
  std::map<std::string, uint32_t, std::less<>> reasons_;
};

Index Index::Build(const frontend::Sources& sources, const check::CheckedProgram& checked) {
  Index index;
  IndexBuilder(sources, checked, index).Run();
  return index;
}

const Occurrence* Index::At(FileId fid, uint32_t offset) const {
  auto it = std::lower_bound(occurrences_.begin(), occurrences_.end(), fid,
                             [](const Occurrence& o, FileId f) { return o.fid < f; });
  const Occurrence* best = nullptr;
  for (; it != occurrences_.end() && it->fid == fid && it->span.begin <= offset; ++it) {
    if (offset <= it->span.end && (!best || it->span.size() <= best->span.size()))
      best = &*it;
  }
  return best;
}

std::vector<const Occurrence*> Index::Of(const Symbol& symbol) const {
  std::vector<const Occurrence*> out;
  for (const Occurrence& o : occurrences_) {
    if (o.symbol == symbol)
      out.push_back(&o);
  }
  return out;
}

const Occurrence* Index::DeclarationOf(const Symbol& symbol) const {
  for (const Occurrence& o : occurrences_) {
    if (o.declaration && o.symbol == symbol)
      return &o;
  }
  return nullptr;
}

std::optional<ast::ExprId> Index::ExprAt(FileId fid, uint32_t offset) const {
  std::optional<ast::ExprId> best;
  uint32_t best_size = UINT32_MAX;
  for (const ExprSpan& e : exprs_) {
    if (e.fid == fid && e.span.begin <= offset && offset < e.span.end &&
        e.span.size() < best_size) {
      best = e.id;
      best_size = e.span.size();
    }
  }
  return best;
}

uint32_t Index::FileOfExpr(ast::ExprId id) const {
  return id < expr_file_.size() ? expr_file_[id] : ast::kNone;
}

const CodeOccurrence* Index::CodeAt(FileId fid, uint32_t offset) const {
  const CodeOccurrence* best = nullptr;
  for (const CodeOccurrence& c : codes_) {
    if (c.fid != fid || offset < c.span.begin || offset > c.span.end)
      continue;
    best = &c;
  }
  return best;
}

}  // namespace warrant::lsp
