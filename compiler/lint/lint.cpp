// The lint driver: runs every family of checks into a scratch sink, then keeps the lints no
// `// warrant: allow` comment silences.
#include "compiler/lint/lint.h"

#include <string_view>

#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

// True when `line` holds a `//` comment `warrant: allow CODE[, CODE]...` naming `code`; with
// `whole_line`, only when the comment is all the line holds.
bool AllowsCode(std::string_view line, std::string_view code, bool whole_line) {
  size_t comment = line.find("//");
  if (comment == std::string_view::npos)
    return false;
  if (whole_line && line.find_first_not_of(" \t") != comment)
    return false;
  constexpr std::string_view kMarker = "warrant: allow";
  size_t at = line.find(kMarker, comment);
  if (at == std::string_view::npos)
    return false;
  std::string_view rest = line.substr(at + kMarker.size());
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && (rest[pos] == ' ' || rest[pos] == ',' || rest[pos] == '\t'))
      ++pos;
    size_t end = pos;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != ',' && rest[end] != '\t')
      ++end;
    if (end > pos && rest.substr(pos, end - pos) == code)
      return true;
    pos = end;
  }
  return false;
}

bool Suppressed(const SourceManager& files, const diag::Diagnostic& d) {
  const SourceFile& file = files.Get(d.file);
  uint32_t line = file.Locate(d.span.begin).line;
  std::string_view code = diag::Info(d.code).code;
  if (AllowsCode(file.LineText(line), code, false))
    return true;
  return line > 1 && AllowsCode(file.LineText(line - 1), code, true);
}

}  // namespace

Linter::Linter(const Compilation& c, diag::DiagSink& sink)
    : sources(c.sources),
      ast(c.sources.ast),
      checked(c.checked),
      program(c.program),
      terminology(c.terminology.versions().empty() ? nullptr : &c.terminology),
      sink_(sink) {
  uint32_t total = 0;
  for (const ast::File& f : ast.files) {
    codeset_base_.push_back(total);
    total += static_cast<uint32_t>(f.codesets.size());
  }
}

std::optional<std::pair<uint32_t, ast::ExprId>> Linter::LetValue(ast::ExprId id) const {
  const check::Ref& ref = checked.expr_refs[id];
  if (ref.kind == check::RefKind::GlobalLet) {
    return std::make_pair(ref.file, ast.files[ref.file].lets[ref.index].value);
  }
  if (ref.kind == check::RefKind::RuleLet)
    return std::make_pair(ref.file, ast.stmt(ref.index).a);
  return std::nullopt;
}

std::optional<check::Ref> Linter::NamedCodeset(ast::ExprId id) const {
  // Lets cannot be circular (E0218), so this ends; the bound is a guard, not a limit.
  for (int hops = 0; hops < 64; ++hops) {
    const check::Ref& ref = checked.expr_refs[id];
    if (ref.kind == check::RefKind::Codeset)
      return ref;
    auto let = LetValue(id);
    if (!let)
      return std::nullopt;
    id = let->second;
  }
  return std::nullopt;
}

bool Linter::Same(ast::ExprId x, ast::ExprId y, int depth) const {
  if (x == ast::kNone || y == ast::kNone)
    return x == y;
  if (x == y)
    return true;
  if (depth > 256)
    return false;
  const ast::Expr& a = ast.expr(x);
  const ast::Expr& b = ast.expr(y);
  if (a.kind != b.kind || a.op != b.op || a.unit != b.unit || a.dir != b.dir ||
      a.quant != b.quant || a.ival != b.ival || a.text != b.text || a.date.year != b.date.year ||
      a.date.month != b.date.month || a.date.day != b.date.day || a.list.size() != b.list.size()) {
    return false;
  }
  const check::Ref& ra = checked.expr_refs[x];
  const check::Ref& rb = checked.expr_refs[y];
  // Quantifier variables of two copies of one quantifier are bound by different nodes; names
  // cannot be shadowed (E0216), so equal text is the same variable. Rule lets of two rules are
  // alike when their values are.
  if (ra.kind != rb.kind)
    return false;
  if (ra.kind == check::RefKind::RuleLet) {
    if (ra.index != rb.index && !Same(ast.stmt(ra.index).a, ast.stmt(rb.index).a, depth + 1))
      return false;
  } else if (ra.kind != check::RefKind::Local && (ra.file != rb.file || ra.index != rb.index)) {
    return false;
  }
  for (size_t i = 0; i < a.list.size(); ++i) {
    if (!Same(a.list[i], b.list[i], depth + 1))
      return false;
  }
  return Same(a.a, b.a, depth + 1) && Same(a.b, b.b, depth + 1) && Same(a.c, b.c, depth + 1);
}

std::string Linter::Describe(uint32_t file, ast::ExprId id) const {
  Span span = ast.expr(id).span;
  const std::string& text = sources.files.Get(Fid(file)).text();
  if (span.end > text.size() || span.begin > span.end)
    return {};
  std::string out;
  bool space = false;
  for (size_t i = span.begin; i < span.end; ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > 48)
    out = out.substr(0, 45) + "...";
  return out;
}

void Lint(const Compilation& c, diag::DiagSink& sink) {
  diag::DiagSink found;
  Linter linter(c, found);
  LintConditions(linter);
  LintVersions(linter);
  LintUnused(linter);
  LintShadowing(linter);
  LintHeaderCodes(linter);
  LintNoneGuards(linter);
  LintRedundantRules(linter);
  LintConflicts(linter);
  LintOverrides(linter);
  for (const diag::Diagnostic& d : found.diagnostics()) {
    if (!Suppressed(c.sources.files, d))
      sink.Add(d);
  }
}

}  // namespace warrant::lint
