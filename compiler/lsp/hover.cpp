// Hover: what a name means (its type, declaration, documentation), a codeset's size and
// members, a reason's remittance codes, and a code's description from the loaded terminology.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lsp/features.h"
#include "runtime/core/text.h"
#include "stdlib/stdlib.h"

namespace warrant::lsp {
namespace {

// Members listed in a codeset's hover before "and N more".
constexpr size_t kListedMembers = 12;

struct Found {
  const CodeSystemVersion* version = nullptr;
  size_t index = 0;
};

// The most recent loaded version of `system` that holds `code`.
std::optional<Found> LookUp(const Terminology* terminology, CodeSystem system,
                            std::string_view code) {
  if (!terminology)
    return std::nullopt;
  std::optional<uint64_t> packed = Pack(system, code);
  if (!packed)
    return std::nullopt;
  std::span<const CodeSystemVersion> versions = terminology->versions();
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->system != system)
      continue;
    if (std::optional<size_t> index = it->Find(*packed))
      return Found{&*it, *index};
  }
  return std::nullopt;
}

const CodeSystemVersion* Latest(const Terminology* terminology, CodeSystem system) {
  if (!terminology)
    return nullptr;
  const CodeSystemVersion* latest = nullptr;
  for (const CodeSystemVersion& v : terminology->versions()) {
    if (v.system == system && (!latest || v.from > latest->from))
      latest = &v;
  }
  return latest;
}

std::string Text(const Analysis& a, FileId fid, Span span) {
  const std::string& text = a.sources.files.Get(fid).text();
  if (span.end > text.size() || span.begin > span.end)
    return "";
  return OneLine(std::string_view(text).substr(span.begin, span.size()), 160);
}

std::string Code(std::string_view text) {
  return fmt::format("`{}`", text);
}

std::string TypeName(const Analysis& a, check::TypeId type) {
  return a.checked.types.Name(type);
}

// "E11.9 Type 2 diabetes mellitus without complications (icd10cm FY2026)".
std::string DescribeCode(const Analysis& a, CodeSystem system, std::string_view code, bool prefix) {
  std::string noun(SystemNoun(system));
  if (prefix) {
    std::string stem(code);
    if (!stem.empty() && stem.back() == '.')
      stem.pop_back();
    std::string out =
        fmt::format("{}: the {}s under `{}`", Code(std::string(code) + "*"), noun, stem);
    if (auto found = LookUp(a.terminology, system, stem)) {
      out += fmt::format(" ({})", found->version->Title(found->index));
    }
    if (const CodeSystemVersion* latest = Latest(a.terminology, system)) {
      CodeResult<CodeInterval> interval = PrefixInterval(system, code);
      if (interval.ok()) {
        size_t n = latest->CodesIn(interval.value).size();
        out += fmt::format("\n\n{} code{} in {}", n, n == 1 ? "" : "s", latest->name);
      }
    }
    return out;
  }
  if (auto found = LookUp(a.terminology, system, code)) {
    const CodeSystemVersion& v = *found->version;
    bool header = found->index < v.billable.size() && v.billable[found->index] == 0;
    return fmt::format("**{}** {}{}\n\n{} ({})", code, v.Title(found->index),
                       header ? " — a header code, not billable" : "", noun, v.name);
  }
  if (std::optional<std::string> why = Validate(system, code))
    return *why;
  if (a.terminology && Latest(a.terminology, system)) {
    return fmt::format("{}: {}, in no loaded version of the code set", Code(code), noun);
  }
  return fmt::format("{}: {} (load the terminology, `--terminology`, for its description)",
                     Code(code), noun);
}

// The codeset's code system, the members as written and, when the pack compiles, its size.
std::string DescribeCodeset(Analysis& a, uint32_t f, uint32_t i) {
  const ast::Codeset& cs = a.sources.ast.files[f].codesets[i];
  CodeSystem system = a.checked.codeset_systems[f][i];
  std::string out =
      fmt::format("codeset {}: {}", Code(cs.name.text), a.checked.schema.SystemName(system));
  const ast::CodesetExpr& body = a.sources.ast.codeset_exprs[cs.body];
  FileId fid = a.sources.ast.files[f].file;
  if (body.kind == ast::CodesetExprKind::Members) {
    std::vector<std::string> members;
    for (const ast::CodeMember& m : body.members)
      members.push_back(Text(a, fid, m.span));
    out += fmt::format("\n\n{} member{}: ", members.size(), members.size() == 1 ? "" : "s");
    for (size_t k = 0; k < members.size() && k < kListedMembers; ++k)
      out += (k ? ", " : "") + members[k];
    if (members.size() > kListedMembers)
      out += fmt::format(" and {} more", members.size() - kListedMembers);
  } else {
    out += "\n\n`" + Text(a, fid, body.span) + "`";
  }
  const Program* program = a.Generated();
  if (!program)
    return out;
  uint32_t global = i;
  for (uint32_t g = 0; g < f; ++g)
    global += static_cast<uint32_t>(a.sources.ast.files[g].codesets.size());
  if (global >= program->codesets.size())
    return out;
  const Codeset& set = program->codesets[global];
  size_t singles = 0;
  for (const CodeInterval& iv : set.intervals())
    singles += iv.lo == iv.hi ? 1 : 0;
  out += fmt::format("\n\n{} code{} and {} range{} or prefix{}", singles, singles == 1 ? "" : "s",
                     set.size() - singles, set.size() - singles == 1 ? "" : "s",
                     set.size() - singles == 1 ? "" : "es");
  if (const CodeSystemVersion* latest = Latest(a.terminology, system)) {
    size_t codes = 0;
    for (const CodeInterval& iv : set.intervals())
      codes += latest->CodesIn(iv).size();
    out += fmt::format("; {} code{} of {}", codes, codes == 1 ? "" : "s", latest->name);
  }
  return out;
}

std::string DescribeReason(const Analysis& a, uint32_t index) {
  const check::ReasonDecl& r = a.checked.reasons[index];
  std::string out = fmt::format("reason {} = {}-{}", Code(r.name), r.group, r.carc);
  for (size_t k = 0; k < r.rarcs.size(); ++k)
    out += (k ? ", " : " remark ") + r.rarcs[k];
  if (!r.description.empty())
    out += "\n\n" + r.description;
  static constexpr std::pair<std::string_view, std::string_view> kGroups[] = {
      {"CO", "contractual obligation"},
      {"PR", "patient responsibility"},
      {"OA", "other adjustment"},
      {"PI", "payer initiated"},
      {"CR", "correction"}};
  for (auto [group, meaning] : kGroups) {
    if (r.group == group)
      out += fmt::format("\n\nGroup {}: {}. CARC {}", group, meaning, r.carc);
  }
  if (!r.rarcs.empty()) {
    std::string rarcs;
    for (const std::string& rarc : r.rarcs)
      rarcs += (rarcs.empty() ? "" : ", ") + rarc;
    out += fmt::format(", RARC {}", rarcs);
  }
  out += r.from_stdlib ? " (a standard reason)" : "";
  return out;
}

std::string DescribeSymbol(Analysis& a, const Symbol& s) {
  const ast::Ast& ast = a.sources.ast;
  switch (s.kind) {
    case SymbolKind::File:
      return fmt::format("file {}", Code(a.sources.files.Get(ast.files[s.file].file).name()));
    case SymbolKind::Import: {
      const ast::Import& imp = ast.files[s.file].imports[s.index];
      return fmt::format("import {} as {}", JsonString(imp.path.text), Code(imp.alias.text));
    }
    case SymbolKind::Codeset:
      return DescribeCodeset(a, s.file, s.index);
    case SymbolKind::Table: {
      const ast::Table& t = ast.files[s.file].tables[s.index];
      std::string out = fmt::format("table {}: {}", Code(t.name.text),
                                    TypeName(a, a.checked.table_types[s.file][s.index]));
      if (t.load_path)
        out += fmt::format("\n\nloaded from {}", JsonString(t.load_path->text));
      else
        out += fmt::format("\n\n{} entr{}", t.entries.size(), t.entries.size() == 1 ? "y" : "ies");
      return out;
    }
    case SymbolKind::GlobalLet: {
      const ast::Let& let = ast.files[s.file].lets[s.index];
      return fmt::format("let {}: {}\n\n```warrant\n{}\n```", Code(let.name.text),
                         TypeName(a, a.checked.let_types[s.file][s.index]),
                         Text(a, ast.files[s.file].file, let.span));
    }
    case SymbolKind::RuleLet: {
      const ast::Stmt& let = ast.stmt(s.index);
      return fmt::format("let {}: {} (in this rule)", Code(let.name.text),
                         TypeName(a, a.checked.expr_types[let.a]));
    }
    case SymbolKind::Local: {
      const ast::Expr& q = ast.expr(s.index);
      const check::Type& list = a.checked.types.Get(a.checked.expr_types[q.a]);
      std::string type = list.kind == check::TypeKind::List ? TypeName(a, list.elem) : "?";
      uint32_t f = a.index.FileOfExpr(q.a);
      std::string over = f == ast::kNone ? "" : Text(a, ast.files[f].file, ast.expr(q.a).span);
      return fmt::format("{}: {}, each element of `{}`", Code(q.text), type, over);
    }
    case SymbolKind::Fact: {
      const check::FactDecl& fact = a.checked.facts[s.index];
      std::string type = TypeName(a, fact.type);
      if (!fact.one_of.empty()) {
        type = "one of [";
        for (size_t k = 0; k < fact.one_of.size(); ++k)
          type += (k ? ", " : "") + JsonString(fact.one_of[k]);
        type += "]";
      }
      std::string out = fmt::format("fact {}: {}", Code(fact.name), type);
      const ast::Fact& decl = ast.files[fact.file].facts[fact.index];
      if (decl.title)
        out += "\n\n" + decl.title->text;
      out += "\n\nRead as `facts." + fact.name + "`; missing from a claim, it is unknown.";
      return out;
    }
    case SymbolKind::Reason:
      return DescribeReason(a, s.index);
    case SymbolKind::Scope: {
      const stdlib::ScopeInfo& info = stdlib::Scope()[s.index];
      return fmt::format("{}: {}\n\n{}", Code(info.name), info.type, info.doc);
    }
    case SymbolKind::Builtin: {
      const stdlib::BuiltinInfo& info = stdlib::Builtins()[s.index];
      return fmt::format("`{}{}`\n\n{}", info.name, info.signature, info.doc);
    }
  }
  return "";
}

// A field of a claim record: its type and the schema's documentation.
std::string DescribeField(const Analysis& a, ast::ExprId id) {
  const ast::Expr& e = a.sources.ast.expr(id);
  check::TypeId base = a.checked.expr_types[e.a];
  const check::Type& t = a.checked.types.Get(base);
  std::string out = fmt::format("{}: {}", Code(e.text), TypeName(a, a.checked.expr_types[id]));
  if (t.kind != check::TypeKind::Record)
    return out;
  const check::Record& record = a.checked.types.GetRecord(t.record);
  const check::Field* field = record.Find(e.text);
  if (field && field->id != UINT16_MAX && !a.checked.schema.field(field->id).doc.empty())
    out += fmt::format("\n\n{}", a.checked.schema.field(field->id).doc);
  if (!record.name.empty())
    out += fmt::format("\n\nA field of `{}`.", record.name);
  return out;
}

// A string literal that is a code of a loaded code system: its description.
std::string DescribeString(const Analysis& a, const ast::Expr& e) {
  if (!a.terminology)
    return "";
  for (CodeSystem system : kBuiltinCodeSystems) {
    if (LookUp(a.terminology, system, e.text))
      return DescribeCode(a, system, e.text, false);
  }
  return "";
}

Json HoverResult(const std::string& markdown, const Analysis& a, FileId fid, Span span) {
  if (markdown.empty())
    return Json();
  LineIndex lines(a.sources.files.Get(fid).text());
  return Json::Object({{"contents", Json::Object({{"kind", "markdown"}, {"value", markdown}})},
                       {"range", ToJson(lines.RangeOf(span))}});
}

}  // namespace

Json Hover(Analysis& analysis, FileId fid, uint32_t offset) {
  if (const Occurrence* o = analysis.index.At(fid, offset))
    return HoverResult(DescribeSymbol(analysis, o->symbol), analysis, fid, o->span);
  if (const CodeOccurrence* c = analysis.index.CodeAt(fid, offset)) {
    return HoverResult(DescribeCode(analysis, c->system, c->code, c->prefix), analysis, fid,
                       c->span);
  }
  std::optional<ast::ExprId> id = analysis.index.ExprAt(fid, offset);
  if (!id)
    return Json();
  const ast::Expr& e = analysis.sources.ast.expr(*id);
  if (e.kind == ast::ExprKind::Field && analysis.checked.expr_types.size() > *id)
    return HoverResult(DescribeField(analysis, *id), analysis, fid, e.name_span);
  if (e.kind == ast::ExprKind::String)
    return HoverResult(DescribeString(analysis, e), analysis, fid, e.span);
  return Json();
}

}  // namespace warrant::lsp
