// The debug tables explain reads (runtime/pack/debug_tables.h): per statement its kind, span,
// condition and `let` name; which `not`s spell `x not in S`; each codeset's members as written.
// The compiler has the source and its syntax tree, so it records here what the runtime would
// otherwise have to recover by reading the text.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/codegen/generator.h"

namespace warrant::codegen {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// `span` with the parentheses written around it: the syntax tree's span of `(a or b)` is that of
// `a or b`, but explain shows a condition as written.
Span WithParentheses(std::string_view text, Span span) {
  std::vector<uint32_t> opens;  // innermost first
  for (uint32_t i = std::min<uint32_t>(span.begin, static_cast<uint32_t>(text.size())); i > 0;) {
    const char c = text[--i];
    if (c == '(') {
      opens.push_back(i);
    } else if (!IsBlank(c)) {
      break;
    }
  }
  size_t closed = 0;
  uint32_t end = span.end;
  for (uint32_t i = span.end; i < text.size() && closed < opens.size(); ++i) {
    const char c = text[i];
    if (c == ')') {
      end = i + 1;
      ++closed;
    } else if (!IsBlank(c)) {
      break;
    }
  }
  return closed == 0 ? span : Span{opens[closed - 1], end};
}

// A member as the source writes it, without the quotes a code may be written in.
std::string MemberText(std::string_view text, Span span) {
  std::string_view member = text.substr(span.begin, span.end - span.begin);
  const size_t b = member.find_first_not_of(" \t\r\"");
  const size_t e = member.find_last_not_of(" \t\r\"");
  return b == std::string_view::npos ? std::string() : std::string(member.substr(b, e - b + 1));
}

}  // namespace

std::string_view Generator::SourceText(uint32_t file) const {
  return sources_.files.Get(ast_.files[file].file).text();
}

// A `require` ends before its `else`; a `when` block where the first statement in it with an
// outcome clause ends (its condition and the start of its body: what explain's text report has
// always shown for it); any other statement is shown whole.
uint32_t Generator::HeadEnd(uint32_t file, const ast::Stmt& s) const {
  switch (s.kind) {
    case ast::StmtKind::Require:
      return WithParentheses(SourceText(file), ast_.expr(s.a).span).end;
    case ast::StmtKind::When:
      for (ast::StmtId id : s.body) {
        const ast::Stmt& inner = ast_.stmt(id);
        const uint32_t end = HeadEnd(file, inner);
        if (end < inner.span.end)
          return end;
      }
      return s.span.end;
    case ast::StmtKind::Let:
    case ast::StmtKind::Direct:
      break;
  }
  return s.span.end;
}

void Generator::RecordStatement(StatementKind kind, uint32_t file, const ast::Stmt& s,
                                uint32_t site) {
  const Span head{s.span.begin, std::max(s.span.begin, std::min(s.span.end, HeadEnd(file, s)))};
  RecordStatement(kind, file, s.span, head, s.a, site,
                  s.kind == ast::StmtKind::Let ? &s.name : nullptr);
}

void Generator::RecordStatement(StatementKind kind, uint32_t file, Span span, Span head,
                                ast::ExprId condition, uint32_t site, const ast::Name* let_name) {
  StatementDebug s;
  s.pc = static_cast<uint32_t>(out_.code.size());
  s.kind = kind;
  s.site = site;
  s.file = source_of_file_[ast_.files[file].file];
  s.span = span;
  s.head = head;
  s.condition = WithParentheses(SourceText(file), ast_.expr(condition).span);
  if (let_name) {
    s.name = let_name->text;
    s.name_span = let_name->span;
  }
  out_.debug.statements.push_back(std::move(s));
}

void Generator::RecordNotIn() {
  out_.debug.not_in.push_back(static_cast<uint32_t>(out_.code.size()));
}

void Generator::RecordCodesetMembers(uint32_t file, uint32_t index) {
  const ast::Codeset& cs = ast_.files[file].codesets[index];
  CodesetDebug& debug = out_.debug.codesets[GlobalCodeset(file, index)];
  debug.file = source_of_file_[ast_.files[file].file];
  debug.span = cs.span;
  Members(file, cs.body, checked_.codeset_systems[file][index], debug);
  std::sort(debug.codes.begin(), debug.codes.end());
  debug.codes.erase(std::unique(debug.codes.begin(), debug.codes.end()), debug.codes.end());
}

void Generator::Members(uint32_t file, ast::CodesetExprId id, CodeSystem system,
                        CodesetDebug& out) {
  const ast::CodesetExpr& e = ast_.codeset_exprs[id];
  switch (e.kind) {
    case ast::CodesetExprKind::Members:
      for (const ast::CodeMember& m : e.members) {
        std::optional<CodeInterval> interval = MemberInterval(m, system);
        if (!interval)
          continue;
        CodesetMemberDebug member;
        member.kind = CodesetMemberKind::Codes;
        member.text = MemberText(SourceText(file), m.span);
        member.span = m.span;
        member.codes = *interval;
        // A code written as it is always shown is recorded by its value alone.
        const std::optional<CodeText> spelling = Unpack(interval->lo);
        if (interval->lo == interval->hi && spelling && spelling->view() == member.text) {
          out.codes.push_back(interval->lo);
          continue;
        }
        out.members.push_back(std::move(member));
      }
      return;
    case ast::CodesetExprKind::Ref: {
      CodesetMemberDebug member;
      member.kind = CodesetMemberKind::Reference;
      for (const ast::Name& part : e.ref)
        member.text += (member.text.empty() ? "" : ".") + part.text;
      member.span = e.span;
      member.index = RefCodeset(file, e);
      if (member.index != UINT32_MAX)
        out.members.push_back(std::move(member));
      return;
    }
    case ast::CodesetExprKind::Load: {
      CodesetMemberDebug member;
      member.kind = CodesetMemberKind::Load;
      member.text = std::string(
          SourceText(file).substr(e.path.span.begin, e.path.span.end - e.path.span.begin));
      member.span = e.span;
      member.index = static_cast<uint32_t>(out.loads.size());
      out.loads.push_back(LoadCodes(file, id, system));
      out.members.push_back(std::move(member));
      return;
    }
    case ast::CodesetExprKind::Union:
      Members(file, e.a, system, out);
      Members(file, e.b, system, out);
      return;
    case ast::CodesetExprKind::Difference:
      // What is subtracted holds no code of the set: only the left side names members.
      Members(file, e.a, system, out);
      return;
  }
}

}  // namespace warrant::codegen
