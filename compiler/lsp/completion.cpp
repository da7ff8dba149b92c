// Completion: fields after `.`, reasons after an outcome, code systems and types after a
// declaration's `:`, decisions in `expect`, and otherwise the names in scope and the keywords.
//
// The context is read from the text before the cursor, which may not parse; the names and types
// come from the last analysis, which holds what did parse of the file.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lsp/features.h"
#include "grammar/token.h"
#include "stdlib/stdlib.h"

namespace warrant::lsp {
namespace {

// LSP CompletionItemKind numbers.
enum ItemKind : int {
  kFunction = 3,
  kField = 5,
  kVariable = 6,
  kModule = 9,
  kEnum = 13,
  kKeyword = 14,
  kConstant = 21,
  kEvent = 23,
  kTypeParameter = 25,
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class Completer {
 public:
  Completer(Analysis& a, FileId fid, std::string_view text, uint32_t offset)
      : a_(a), f_(a.index.AstFile(fid)), text_(text), offset_(offset) {}

  Json Run() {
    uint32_t start = offset_;
    while (start > 0 && IsWordChar(text_[start - 1]))
      --start;
    if (start > 0 && text_[start - 1] == '.' && !(start > 1 && text_[start - 2] == '.')) {
      Members(start - 1);
      return Result();
    }
    std::vector<std::string_view> before = WordsBefore(start, 4);
    auto was = [&](size_t back, std::string_view word) {
      return before.size() > back && before[before.size() - 1 - back] == word;
    };
    bool after_expect_line =
        before.size() >= 3 && before[before.size() - 3] == "expect" && was(1, "line");
    if (was(0, "deny") || was(0, "pend") || was(0, "reject") || was(0, "bundle") ||
        (before.size() >= 4 && before[before.size() - 4] == "expect" &&
         IsDecision(before.back()))) {
      Reasons();
    } else if (after_expect_line) {
      for (std::string_view d :
           {"covered", "pended", "bundled", "denied", "rejected", "not_applicable"})
        Add(std::string(d), kEnum, "decision");
    } else if (was(0, ":") || was(0, "->")) {
      Types(before.size() >= 3 && before[before.size() - 3] == "codeset",
            before.size() >= 3 && before[before.size() - 3] == "fact");
    } else {
      Names();
    }
    return Result();
  }

 private:
  static bool IsDecision(std::string_view word) {
    for (std::string_view d :
         {"covered", "pended", "bundled", "denied", "rejected", "not_applicable"}) {
      if (word == d)
        return true;
    }
    return false;
  }

  // The last `count` tokens before `end`: words, numbers, `:` and `->` (comments are not
  // skipped; a completion inside one is rare and harmless).
  std::vector<std::string_view> WordsBefore(uint32_t end, size_t count) const {
    std::vector<std::string_view> words;
    uint32_t pos = end;
    while (words.size() < count && pos > 0) {
      while (pos > 0 && IsSpace(text_[pos - 1]))
        --pos;
      if (pos == 0)
        break;
      uint32_t stop = pos;
      if (IsWordChar(text_[pos - 1])) {
        while (pos > 0 && IsWordChar(text_[pos - 1]))
          --pos;
      } else if (pos >= 2 && text_.substr(pos - 2, 2) == "->") {
        pos -= 2;
      } else {
        --pos;
      }
      words.push_back(text_.substr(pos, stop - pos));
    }
    std::reverse(words.begin(), words.end());
    return words;
  }

  void Add(std::string label, int kind, std::string detail, std::string doc = "") {
    if (!seen_.insert(label).second)
      return;
    Json item = Json::Object({{"label", std::move(label)}, {"kind", kind}});
    if (!detail.empty())
      item.Set("detail", std::move(detail));
    if (!doc.empty())
      item.Set("documentation", Json::Object({{"kind", "markdown"}, {"value", std::move(doc)}}));
    items_.Push(std::move(item));
  }

  Json Result() { return Json::Object({{"isIncomplete", false}, {"items", std::move(items_)}}); }

  void Reasons() {
    for (const check::ReasonDecl& r : a_.checked.reasons) {
      std::string codes = r.group + "-" + r.carc;
      for (size_t k = 0; k < r.rarcs.size(); ++k)
        codes += (k ? ", " : " remark ") + r.rarcs[k];
      Add(r.name, kEvent, codes, r.description);
    }
  }

  void Types(bool codeset, bool fact) {
    for (CodeSystem s : kBuiltinCodeSystems)
      Add(std::string(SystemName(s)), kTypeParameter, "code system");
    for (const CodeSystemDef& d : a_.checked.schema.systems())
      Add(d.name, kTypeParameter, d.title);
    if (codeset)
      return;
    for (std::string_view t : {"int", "decimal", "string", "bool", "date"})
      Add(std::string(t), kTypeParameter, "type");
    if (fact)
      Add("one of", kKeyword, "a fact with a fixed set of string values");
  }

  // ---- names in scope

  const ast::Rule* EnclosingRule() const {
    if (f_ == ast::kNone)
      return nullptr;
    for (const ast::Rule& rule : a_.sources.ast.files[f_].rules) {
      if (rule.span.begin <= offset_ && offset_ <= rule.span.end)
        return &rule;
    }
    return nullptr;
  }

  // The rule's `let`s declared before the cursor, and the quantifier variables around it.
  void RuleNames(const std::vector<ast::StmtId>& body) {
    const ast::Ast& ast = a_.sources.ast;
    for (ast::StmtId id : body) {
      const ast::Stmt& s = ast.stmt(id);
      if (s.kind == ast::StmtKind::Let && s.span.end <= offset_) {
        Add(s.name.text, kVariable, a_.checked.types.Name(a_.checked.expr_types[s.a]));
      }
      if (s.kind == ast::StmtKind::When && s.span.begin <= offset_ && offset_ <= s.span.end)
        RuleNames(s.body);
    }
  }

  void Quantifiers() {
    const ast::Ast& ast = a_.sources.ast;
    for (ast::ExprId id = 0; id < ast.exprs.size(); ++id) {
      const ast::Expr& e = ast.expr(id);
      if (e.kind != ast::ExprKind::Quantifier || a_.index.FileOfExpr(id) != f_)
        continue;
      if (e.span.begin <= offset_ && offset_ <= e.span.end)
        Add(e.text, kVariable, VariableType(id));
    }
  }

  std::string VariableType(ast::ExprId quantifier) const {
    const ast::Expr& q = a_.sources.ast.expr(quantifier);
    const check::Type& list = a_.checked.types.Get(a_.checked.expr_types[q.a]);
    return list.kind == check::TypeKind::List ? a_.checked.types.Name(list.elem) : "";
  }

  void Names() {
    const ast::Ast& ast = a_.sources.ast;
    if (const ast::Rule* rule = EnclosingRule()) {
      RuleNames(rule->body);
      Quantifiers();
    }
    if (f_ != ast::kNone) {
      const ast::File& file = ast.files[f_];
      for (uint32_t i = 0; i < file.codesets.size(); ++i) {
        Add(file.codesets[i].name.text, kConstant,
            fmt::format("codeset: {}",
                        a_.checked.schema.SystemName(a_.checked.codeset_systems[f_][i])));
      }
      for (uint32_t i = 0; i < file.tables.size(); ++i) {
        Add(file.tables[i].name.text, kConstant,
            a_.checked.types.Name(a_.checked.table_types[f_][i]));
      }
      for (uint32_t i = 0; i < file.lets.size(); ++i) {
        Add(file.lets[i].name.text, kVariable, a_.checked.types.Name(a_.checked.let_types[f_][i]));
      }
      for (const ast::Import& imp : file.imports)
        Add(imp.alias.text, kModule, "import \"" + imp.path.text + "\"");
    }
    for (const stdlib::ScopeInfo& s : stdlib::Scope())
      Add(std::string(s.name), kVariable, std::string(s.type), std::string(s.doc));
    for (const stdlib::BuiltinInfo& b : stdlib::Builtins())
      Add(std::string(b.name), kFunction, std::string(b.signature), std::string(b.doc));
    for (std::string_view k : grammar::Keywords())
      Add(std::string(k), kKeyword, "");
  }

  // ---- members after `.`

  // The type of the name `word` as the analysis knows it nearest the cursor.
  std::optional<check::TypeId> TypeOfName(std::string_view word) const {
    const ast::Ast& ast = a_.sources.ast;
    const auto& types = a_.checked.expr_types;
    std::optional<check::TypeId> best;
    uint32_t best_distance = UINT32_MAX;
    auto consider = [&](Span span, check::TypeId type) {
      if (a_.checked.types.Kind(type) == check::TypeKind::Error)
        return;
      uint32_t distance = span.begin <= offset_ ? offset_ - span.begin : span.begin - offset_;
      if (distance < best_distance) {
        best = type;
        best_distance = distance;
      }
    };
    for (ast::ExprId id = 0; id < ast.exprs.size(); ++id) {
      const ast::Expr& e = ast.expr(id);
      if (a_.index.FileOfExpr(id) != f_ || id >= types.size())
        continue;
      if (e.kind == ast::ExprKind::NameRef && e.text == word)
        consider(e.span, types[id]);
      if (e.kind == ast::ExprKind::Quantifier && e.text == word) {
        const check::Type& list = a_.checked.types.Get(types[e.a]);
        if (list.kind == check::TypeKind::List)
          consider(e.name_span, list.elem);
      }
    }
    for (ast::StmtId id = 0; id < ast.stmts.size(); ++id) {
      const ast::Stmt& s = ast.stmt(id);
      if (s.kind == ast::StmtKind::Let && s.name.text == word && s.a < types.size() &&
          a_.index.FileOfExpr(s.a) == f_) {
        consider(s.name.span, types[s.a]);
      }
    }
    return best;
  }

  void RecordFields(check::TypeId type) {
    const check::Type& t = a_.checked.types.Get(type);
    if (t.kind == check::TypeKind::Facts) {
      for (const check::FactDecl& fact : a_.checked.facts)
        Add(fact.name, kField, a_.checked.types.Name(fact.type));
      return;
    }
    if (t.kind != check::TypeKind::Record)
      return;
    const check::Record& record = a_.checked.types.GetRecord(t.record);
    for (const check::Field& field : record.fields) {
      std::string doc;
      if (field.id != UINT16_MAX)
        doc = a_.checked.schema.field(field.id).doc;
      Add(field.name, kField, a_.checked.types.Name(field.type), doc);
    }
  }

  // Completes after the `.` at `dot`: the receiver is the chain of names before it.
  void Members(uint32_t dot) {
    uint32_t begin = dot;
    while (begin > 0 && (IsWordChar(text_[begin - 1]) || text_[begin - 1] == '.'))
      --begin;
    std::string_view chain = text_.substr(begin, dot - begin);
    std::vector<std::string_view> parts;
    while (!chain.empty()) {
      size_t next = chain.find('.');
      parts.push_back(chain.substr(0, next));
      if (next == std::string_view::npos)
        break;
      chain.remove_prefix(next + 1);
    }
    if (parts.empty() || parts.front().empty())
      return;
    std::string_view first = parts.front();
    const ast::Ast& ast = a_.sources.ast;
    if (f_ != ast::kNone && parts.size() == 1) {
      const ast::File& file = ast.files[f_];
      for (uint32_t i = 0; i < file.imports.size(); ++i) {
        if (file.imports[i].alias.text != first)
          continue;
        const auto& targets = a_.sources.import_targets;
        uint32_t target =
            f_ < targets.size() && i < targets[f_].size() ? targets[f_][i] : ast::kNone;
        if (target == ast::kNone)
          return;
        const ast::File& lib = ast.files[target];
        for (uint32_t k = 0; k < lib.codesets.size(); ++k) {
          Add(lib.codesets[k].name.text, kConstant,
              fmt::format("codeset: {}",
                          a_.checked.schema.SystemName(a_.checked.codeset_systems[target][k])));
        }
        for (uint32_t k = 0; k < lib.tables.size(); ++k)
          Add(lib.tables[k].name.text, kConstant, "table");
        for (uint32_t k = 0; k < lib.lets.size(); ++k)
          Add(lib.lets[k].name.text, kVariable, "let");
        return;
      }
    }
    std::optional<check::TypeId> type;
    auto scope = stdlib::Scope();
    for (const stdlib::ScopeInfo& s : scope) {
      if (s.name == first)
        type = a_.checked.types.Parse(s.type);
    }
    if (!type)
      type = TypeOfName(first);
    for (size_t k = 1; type && k < parts.size(); ++k) {
      const check::Type& t = a_.checked.types.Get(*type);
      type.reset();
      if (t.kind != check::TypeKind::Record)
        break;
      if (const check::Field* field = a_.checked.types.GetRecord(t.record).Find(parts[k]))
        type = field->type;
    }
    if (type)
      RecordFields(*type);
  }

  Analysis& a_;  // not const: reading a scope name's type may intern it
  uint32_t f_;
  std::string_view text_;
  uint32_t offset_;
  Json items_ = Json::Array();
  std::set<std::string> seen_;
};

}  // namespace

Json Completion(Analysis& analysis, FileId fid, std::string_view text, uint32_t offset) {
  offset = std::min(offset, static_cast<uint32_t>(text.size()));
  return Completer(analysis, fid, text, offset).Run();
}

}  // namespace warrant::lsp
