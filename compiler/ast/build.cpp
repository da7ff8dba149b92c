#include "compiler/ast/build.h"

#include <charconv>

#include "grammar/token.h"

namespace warrant::ast {
namespace {

// Thrown by Fail() and caught in BuildFile(): errors are rare and abandon the whole file.
struct BuildFailure {
  BuildError error;
};

}  // namespace

std::string UnescapeString(std::string_view literal) {
  std::string out;
  if (literal.size() < 2)
    return out;
  std::string_view body = literal.substr(1, literal.size() - 2);
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    char c = body[++i];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c;  // `\"` and `\\` stand for themselves
  }
  return out;
}

Builder::Builder(std::string_view text, const grammar::Cst& cst, Ast& ast)
    : text_(text),
      cst_(cst),
      ast_(ast),
      first_expr_(static_cast<uint32_t>(ast.exprs.size())),
      first_codeset_expr_(static_cast<uint32_t>(ast.codeset_exprs.size())) {}

void Builder::Fail(diag::DiagCode code, Span span, std::vector<std::string> args) {
  throw BuildFailure{BuildError{code, span, std::move(args)}};
}

Name Builder::MakeName(CstId id) const {
  const grammar::CstNode& node = Node(id);
  if (node.kind == CstKind::String)
    return Name{UnescapeString(Text(id)), node.span};
  return Name{std::string(Text(id)), node.span};
}

Date Builder::MakeDate(CstId id) const {
  std::string_view t = Text(id);
  auto number = [&](size_t at, size_t length) {
    int32_t value = 0;
    std::from_chars(t.data() + at, t.data() + at + length, value);
    return value;
  };
  return Date{number(0, 4), number(5, 2), number(8, 2), Node(id).span};
}

int64_t Builder::MakeInt(CstId id) const {
  std::string_view t = Text(id);
  int64_t value = 0;
  std::from_chars(t.data(), t.data() + t.size(), value);  // range checked by the grammar
  return value;
}

Effective Builder::MakeEffective(CstId id) const {
  const auto& kids = Kids(id);
  Effective e;
  e.from = MakeDate(kids[0]);
  if (kids.size() > 1)
    e.until = MakeDate(kids[1]);
  e.span = Node(id).span;
  return e;
}

std::optional<BuildError> Builder::BuildFile(FileId id, File& out) {
  out = File{};
  out.file = id;
  try {
    for (CstId decl : Kids(cst_.root)) {
      auto add = [&](DeclKind kind, auto& vec, auto&& value) {
        out.order.push_back(DeclRef{kind, static_cast<uint32_t>(vec.size())});
        vec.push_back(std::move(value));
      };
      switch (Node(decl).kind) {
        case CstKind::Policy:
          out.policy = MakePolicy(decl);
          break;
        case CstKind::Import:
          add(DeclKind::Import, out.imports, MakeImport(decl));
          break;
        case CstKind::Codeset:
          add(DeclKind::Codeset, out.codesets, MakeCodeset(decl));
          break;
        case CstKind::CodeSystem:
          add(DeclKind::CodeSystem, out.codesystems, MakeCodeSystem(decl));
          break;
        case CstKind::Table:
          add(DeclKind::Table, out.tables, MakeTable(decl));
          break;
        case CstKind::Fact:
          add(DeclKind::Fact, out.facts, MakeFact(decl));
          break;
        case CstKind::Extend:
          add(DeclKind::Extend, out.extends, MakeExtend(decl));
          break;
        case CstKind::Reason:
          add(DeclKind::Reason, out.reasons, MakeReason(decl));
          break;
        case CstKind::Let:
          add(DeclKind::Let, out.lets, MakeLet(decl));
          break;
        case CstKind::Rule:
          add(DeclKind::Rule, out.rules, MakeRule(decl));
          break;
        case CstKind::Test:
          add(DeclKind::Test, out.tests, MakeTest(decl));
          break;
        case CstKind::Fixture:
          add(DeclKind::Fixture, out.fixtures, MakeFixture(decl));
          break;
        default:
          break;  // the grammar makes no other children of File
      }
    }
  } catch (BuildFailure& failure) {
    return std::move(failure.error);
  }
  return std::nullopt;
}

// policy = 'policy' STRING 'version' INT STRING [effective] ['source' STRING]
PolicyHeader Builder::MakePolicy(CstId id) const {
  const auto& kids = Kids(id);
  PolicyHeader p;
  p.id = MakeName(kids[0]);
  p.version = MakeInt(kids[1]);
  p.version_span = Node(kids[1]).span;
  p.title = MakeName(kids[2]);
  for (size_t i = 3; i < kids.size(); ++i) {
    if (Node(kids[i]).kind == CstKind::Effective)
      p.effective = MakeEffective(kids[i]);
    if (Node(kids[i]).kind == CstKind::PolicySource)
      p.source = MakeName(Kids(kids[i])[0]);
  }
  p.span = Node(id).span;
  return p;
}

Import Builder::MakeImport(CstId id) const {
  const auto& kids = Kids(id);
  return Import{MakeName(kids[0]), MakeName(kids[1]), Node(id).span};
}

Codeset Builder::MakeCodeset(CstId id) {
  const auto& kids = Kids(id);
  Codeset c;
  c.name = MakeName(kids[0]);
  c.system = MakeName(kids[1]);
  c.body = BuildCodesetExpr(kids[2]);
  c.span = Node(id).span;
  return c;
}

// type = IDENT | IDENT '<' type '>' | '(' IDENT ':' field_type {',' IDENT ':' field_type} ')'
// field_type = type | 'one' 'of' '[' STRING {',' STRING} ']'
TypeExpr Builder::MakeType(CstId id) const {
  TypeExpr t;
  t.span = Node(id).span;
  switch (Node(id).kind) {
    case CstKind::Ident:
      t.name = MakeName(id);
      return t;
    case CstKind::TypeGeneric:
      t.name = MakeName(Kids(id)[0]);
      t.args.push_back(MakeType(Kids(id)[1]));
      return t;
    case CstKind::OneOf:
      for (CstId s : Kids(id))
        t.one_of.push_back(MakeName(s));
      return t;
    default:
      break;
  }
  const auto& kids = Kids(id);
  for (size_t i = 0; i + 1 < kids.size(); i += 2) {
    t.field_names.push_back(MakeName(kids[i]));
    t.field_types.push_back(MakeType(kids[i + 1]));
  }
  return t;
}

Table Builder::MakeTable(CstId id) {
  const auto& kids = Kids(id);
  Table t;
  t.name = MakeName(kids[0]);
  t.key_type = MakeType(kids[1]);
  t.value_type = MakeType(kids[2]);
  CstId body = kids[3];
  if (Node(body).kind == CstKind::TableLoad) {
    t.load_path = MakeName(Kids(body)[0]);
    t.load_key = MakeName(Kids(body)[1]);
  } else {
    for (CstId entry : Kids(body)) {
      ExprId key = BuildExpr(Kids(entry)[0]);
      ExprId value = BuildExpr(Kids(entry)[1]);
      t.entries.push_back(TableEntry{key, value});
    }
  }
  t.span = Node(id).span;
  return t;
}

// fact = 'fact' IDENT ':' ( type | 'one' 'of' '[' STRING {',' STRING} ']' ) [STRING]
Fact Builder::MakeFact(CstId id) const {
  const auto& kids = Kids(id);
  Fact f;
  f.name = MakeName(kids[0]);
  if (Node(kids[1]).kind == CstKind::OneOf) {
    for (CstId s : Kids(kids[1]))
      f.one_of.push_back(MakeName(s));
  } else {
    f.type = MakeType(kids[1]);
  }
  if (kids.size() > 2)
    f.title = MakeName(kids[2]);
  f.span = Node(id).span;
  return f;
}

// codesystem = 'codesystem' IDENT STRING ['uri' STRING]
CodeSystemDecl Builder::MakeCodeSystem(CstId id) const {
  const auto& kids = Kids(id);
  CodeSystemDecl d;
  d.name = MakeName(kids[0]);
  d.title = MakeName(kids[1]);
  if (kids.size() > 2)
    d.uri = MakeName(kids[2]);
  d.span = Node(id).span;
  return d;
}

// extend = 'extend' IDENT '{' {IDENT ':' ( type | 'one' 'of' [...] ) [STRING]} '}'
Extend Builder::MakeExtend(CstId id) const {
  const auto& kids = Kids(id);
  Extend e;
  e.record = MakeName(kids[0]);
  for (size_t i = 1; i < kids.size(); ++i)
    e.fields.push_back(MakeFact(kids[i]));
  e.span = Node(id).span;
  return e;
}

// reason = 'reason' IDENT '=' GROUP '-' CARC ['remark' RARC {',' RARC}] [STRING]
//          ['group' GROUP 'when' expr]
Reason Builder::MakeReason(CstId id) {
  const auto& kids = Kids(id);
  Reason r;
  r.name = MakeName(kids[0]);
  r.group = MakeName(kids[1]);
  r.carc = Name{CodeText(kids[2]), Node(kids[2]).span};
  for (size_t i = 3; i < kids.size(); ++i) {
    CstId kid = kids[i];
    switch (Node(kid).kind) {
      case CstKind::RarcList:
        for (CstId code : Kids(kid))
          r.rarcs.push_back(Name{CodeText(code), Node(code).span});
        break;
      case CstKind::String:
        r.description = MakeName(kid);
        break;
      case CstKind::AltGroup:
        r.alt_group = MakeName(Kids(kid)[0]);
        r.alt_group_when = BuildExpr(Kids(kid)[1]);
        break;
      default:
        break;
    }
  }
  r.span = Node(id).span;
  return r;
}

Let Builder::MakeLet(CstId id) {
  const auto& kids = Kids(id);
  Name name = MakeName(kids[0]);
  ExprId value = BuildExpr(kids[1]);
  return Let{std::move(name), value, Node(id).span};
}

// rule = 'rule' IDENT [STRING] [effective] 'applies' 'to' 'line' 'where' expr '{' {stmt} '}'
Rule Builder::MakeRule(CstId id) {
  Rule r;
  for (CstId kid : Kids(id)) {
    switch (Node(kid).kind) {
      case CstKind::Ident:
        r.name = MakeName(kid);
        break;
      case CstKind::String:
        r.title = MakeName(kid);
        break;
      case CstKind::Effective:
        r.effective = MakeEffective(kid);
        break;
      case CstKind::Applies:
        r.applies = BuildExpr(Kids(kid)[0]);
        r.applies_span = Node(kid).span;
        break;
      case CstKind::Block:
        r.body = BuildBlock(kid);
        break;
      default:
        break;
    }
  }
  r.span = Node(id).span;
  return r;
}

// The JSON object of a `given`, a fixture or a `with`: anything else is E0110.
JsonId Builder::BuildRecord(CstId record) {
  if (Node(record).kind != CstKind::JsonObject) {
    grammar::TokenInfo found = grammar::DescribeToken(text_, Node(record).span.begin);
    Fail(diag::DiagCode::InvalidJson, found.span,
         {"expected an object `{...}`, found " + found.description});
  }
  return BuildJson(record);
}

// FixtureRef With?, the children of a `given` or fixture from index `first` on.
FixtureUse Builder::MakeFixtureUse(const std::vector<CstId>& kids, size_t first) {
  FixtureUse use;
  const auto& ref = Kids(kids[first]);
  if (ref.size() > 1) {
    use.alias = MakeName(ref[0]);
    use.name = MakeName(ref[1]);
  } else {
    use.name = MakeName(ref[0]);
  }
  use.span = Node(kids[first]).span;
  if (kids.size() > first + 1)
    use.with = BuildRecord(Kids(kids[first + 1])[0]);
  return use;
}

// fixture = 'fixture' IDENT ( JSON_OBJECT | '=' FIXTURE ['with' JSON_OBJECT] )
Fixture Builder::MakeFixture(CstId id) {
  const auto& kids = Kids(id);
  Fixture f;
  f.name = MakeName(kids[0]);
  if (Node(kids[1]).kind == CstKind::FixtureRef) {
    f.base = MakeFixtureUse(kids, 1);
  } else {
    f.json = BuildRecord(kids[1]);
  }
  f.span = Node(id).span;
  return f;
}

namespace {

// The fields an expectation of one finding writes: Ident(reason)? (ExpectCarc | ExpectGroup)?
// RarcList? String(message)?; returns false for a child that is none of these.
template <typename MakeName, typename CodeText>
bool ExpectedPart(const grammar::Cst& cst, grammar::CstId part, ExpectedFinding& e,
                  const MakeName& make_name, const CodeText& code_text) {
  const auto& kids = cst.node(part).children;
  switch (cst.node(part).kind) {
    case grammar::CstKind::Ident:
      e.reason = make_name(part);
      return true;
    case grammar::CstKind::ExpectCarc:
      e.group = make_name(kids[0]);
      e.carc = Name{code_text(kids[1]), cst.node(kids[1]).span};
      return true;
    case grammar::CstKind::ExpectGroup:
      e.group = make_name(kids[0]);
      return true;
    case grammar::CstKind::RarcList:
      e.rarcs.emplace();
      for (grammar::CstId code : kids)
        e.rarcs->push_back(Name{code_text(code), cst.node(code).span});
      return true;
    case grammar::CstKind::String:
      e.message = make_name(part);
      return true;
    default:
      return false;
  }
}

}  // namespace

// test = 'test' STRING ['pack'] ['needs' 'terminology'] '{' 'given' RECORD { expect } '}'
// expect = 'expect' 'line' INT DECISION [IDENT] [GROUP '-' CARC | 'group' GROUP]
//          ['remark' RARC {',' RARC}] [STRING] { 'flag' STRING | also }
Test Builder::MakeTest(CstId id) {
  const auto& kids = Kids(id);
  Test t;
  t.name = MakeName(kids[0]);
  size_t i = 1;
  for (; i < kids.size() &&
         (Node(kids[i]).kind == CstKind::TestPack || Node(kids[i]).kind == CstKind::TestNeeds);
       ++i) {
    t.pack = t.pack || Node(kids[i]).kind == CstKind::TestPack;
    t.needs_terminology = t.needs_terminology || Node(kids[i]).kind == CstKind::TestNeeds;
  }
  // A test whose `given` failed to parse has none (only with syntax errors, ParseFile).
  if (i < kids.size() && Node(kids[i]).kind == CstKind::Given) {
    const auto& given = Kids(kids[i]);
    if (Node(given[0]).kind == CstKind::FixtureRef) {
      t.base = MakeFixtureUse(given, 0);
    } else {
      t.given = BuildRecord(given[0]);
    }
    ++i;
  }
  auto make_name = [&](CstId n) { return MakeName(n); };
  auto code_text = [&](CstId n) { return CodeText(n); };
  for (; i < kids.size(); ++i) {
    const auto& parts = Kids(kids[i]);
    Expect e;
    e.line = MakeInt(parts[0]);
    e.line_span = Node(parts[0]).span;
    e.decision = DecisionFromName(Text(parts[1])).value_or(Decision::NotApplicable);
    for (size_t k = 2; k < parts.size(); ++k) {
      CstId part = parts[k];
      if (ExpectedPart(cst_, part, e, make_name, code_text))
        continue;
      if (Node(part).kind == CstKind::ExpectFlag) {
        e.flags.push_back(MakeName(Kids(part)[0]));
      } else if (Node(part).kind == CstKind::ExpectAlso) {
        ExpectAlso also;
        const auto& words = Kids(part);
        also.kind = OutcomeFromWord(Text(words[0])).value_or(OutcomeKind::Flag);
        for (size_t w = 1; w < words.size(); ++w)
          ExpectedPart(cst_, words[w], also, make_name, code_text);
        also.span = Node(part).span;
        e.also.push_back(std::move(also));
      }
    }
    e.span = Node(kids[i]).span;
    t.expects.push_back(std::move(e));
  }
  t.span = Node(id).span;
  return t;
}

std::vector<StmtId> Builder::BuildBlock(CstId block) {
  std::vector<StmtId> body;
  for (CstId stmt : Kids(block))
    body.push_back(BuildStmt(stmt));
  return body;
}

// stmt = 'let' IDENT '=' expr | 'require' expr 'else' outcome ['if' 'unknown' outcome]
//      | 'when' expr '{' {stmt} '}' | outcome 'when' expr
StmtId Builder::BuildStmt(CstId id) {
  const auto& kids = Kids(id);
  Stmt s;
  s.span = Node(id).span;
  switch (Node(id).kind) {
    case CstKind::Let:
      s.kind = StmtKind::Let;
      s.name = MakeName(kids[0]);
      s.a = BuildExpr(kids[1]);
      break;
    case CstKind::Require:
      s.kind = StmtKind::Require;
      s.a = BuildExpr(kids[0]);
      s.outcome = MakeOutcome(kids[1]);
      if (kids.size() > 2)
        s.unknown_outcome = MakeOutcome(Kids(kids[2])[0]);
      break;
    case CstKind::When:
      s.kind = StmtKind::When;
      s.a = BuildExpr(kids[0]);
      s.body = BuildBlock(kids[1]);
      break;
    default:  // Direct
      s.kind = StmtKind::Direct;
      s.outcome = MakeOutcome(kids[0]);
      s.a = BuildExpr(kids[1]);
      break;
  }
  ast_.stmts.push_back(std::move(s));
  return static_cast<StmtId>(ast_.stmts.size() - 1);
}

// outcome = ('deny'|'pend'|'reject') IDENT [STRING] | 'bundle' [IDENT] STRING | 'flag' STRING
Outcome Builder::MakeOutcome(CstId id) const {
  Outcome o;
  for (CstId kid : Kids(id)) {
    switch (Node(kid).kind) {
      case CstKind::OutcomeKind:
        o.kind = OutcomeFromWord(Text(kid)).value_or(OutcomeKind::Flag);  // the grammar's words
        break;
      case CstKind::Ident:
        o.reason = MakeName(kid);
        break;
      default:  // String
        o.message = MakeName(kid);
        break;
    }
  }
  o.span = Node(id).span;
  return o;
}

}  // namespace warrant::ast
