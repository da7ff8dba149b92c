// Expression checking: name resolution, field access, operators, quantifiers, builtin calls.
//
// Each function returns the expression's type and records it (and any reference) in the side
// tables. An operand of type `<error>` makes the enclosing expression `<error>` (or, for
// conditions, `bool`) without a further diagnostic, so one mistake is reported once.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "stdlib/stdlib.h"

namespace warrant::check {

using diag::DiagCode;

namespace {

// "an ICD-10-CM code", for messages that speak the policy's language.
std::string CodeNoun(std::string_view noun, CodeSystem system, bool plural) {
  if (plural)
    return fmt::format("{}s", noun);
  bool vowel = system == CodeSystem::Icd10cm;
  return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

// `G0328`, `E119`, `J0897`: a letter and at least three digits, as HCPCS and ICD-10-CM codes
// are, and no name an author would choose.
bool LooksLikeCode(std::string_view name) {
  if (name.size() < 4 || name.size() > 7 || !std::isupper(static_cast<unsigned char>(name[0])))
    return false;
  size_t digits = 0;
  for (char c : name.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (!std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return digits >= 3;
}

struct Signature {
  std::vector<std::string> params;
  std::string result;
};

// Parses "(date, date) -> int".
Signature ParseSignature(std::string_view text) {
  Signature sig;
  size_t open = text.find('(');
  size_t close = text.find(')');
  std::string_view params = text.substr(open + 1, close - open - 1);
  while (!params.empty()) {
    size_t comma = params.find(", ");
    sig.params.emplace_back(params.substr(0, comma));
    if (comma == std::string_view::npos)
      break;
    params.remove_prefix(comma + 2);
  }
  size_t arrow = text.find("-> ");
  sig.result = std::string(text.substr(arrow + 3));
  return sig;
}

}  // namespace

std::string Checker::Describe(uint32_t file, ast::ExprId id) const {
  std::string text(Text(file, ast_.expr(id).span));
  // Collapse whitespace runs so multi-line expressions read as one line.
  std::string out;
  bool space = false;
  for (char c : text) {
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

std::vector<std::string> Checker::VisibleNames(uint32_t file) const {
  std::vector<std::string> names;
  for (const Local& l : locals_)
    names.push_back(l.name);
  for (const auto& [name, ref] : file_names_[file])
    names.push_back(name);
  for (const auto& [name, target] : aliases_[file])
    names.push_back(name);
  if (in_rule_) {
    for (const stdlib::ScopeInfo& s : stdlib::Scope())
      names.emplace_back(s.name);
  }
  return names;
}

void Checker::Bind(Local local, uint32_t file) {
  auto previous = std::find_if(locals_.begin(), locals_.end(),
                               [&](const Local& l) { return l.name == local.name; });
  bool scope_name = false;
  for (const stdlib::ScopeInfo& s : stdlib::Scope())
    scope_name = scope_name || s.name == local.name;
  auto declared = file_names_[file].find(local.name);
  if (previous != locals_.end()) {
    auto& d = Error(file, local.span, DiagCode::ShadowedName, local.name);
    d.notes.push_back({Fid(file), previous->span, fmt::format("`{}` is bound here", local.name)});
  } else if (declared != file_names_[file].end() || aliases_[file].count(local.name)) {
    auto& d = Error(file, local.span, DiagCode::ShadowedName, local.name);
    d.help = fmt::format("`{}` is declared in this file; pick another name for the variable",
                         local.name);
  } else if (scope_name) {
    auto& d = Error(file, local.span, DiagCode::ShadowedName, local.name);
    d.help =
        fmt::format("`{}` is a name every rule sees (stdlib scope); pick another name", local.name);
  }
  locals_.push_back(std::move(local));
}

void Checker::Unbind(size_t depth, uint32_t file) {
  while (locals_.size() > depth) {
    const Local& l = locals_.back();
    if (l.is_let && !l.used) {
      Error(file, l.span, DiagCode::UnusedLet, l.name);
    }
    locals_.pop_back();
  }
}

bool Checker::Expect(uint32_t file, ast::ExprId id, TypeId got, TypeKind want, const char* what) {
  TypeKind kind = types_.Kind(got);
  if (kind == TypeKind::Error || kind == want)
    return kind == want;
  if (want == TypeKind::Decimal && kind == TypeKind::Int)
    return true;
  auto& d = Error(file, ast_.expr(id).span, DiagCode::ExpectedType, what, types_.Name(got));
  if (want == TypeKind::Bool && kind == TypeKind::Codeset) {
    d.help = "test membership with `in`: `line.code in " + Describe(file, id) + "`";
  }
  return false;
}

void Checker::CheckCodeLiteral(uint32_t file, ast::ExprId literal, CodeSystem system) {
  const ast::Expr& e = ast_.expr(literal);
  if (e.kind != ast::ExprKind::String)
    return;
  std::string why;
  if (!ValidCode(system, e.text, &why)) {
    auto& d = Error(file, e.span, DiagCode::InvalidCode, e.text, Noun(system));
    d.help = why;
  }
}

void Checker::CheckFactLiteral(uint32_t file, ast::ExprId fact_expr, ast::ExprId literal) {
  const ast::Expr& lit = ast_.expr(literal);
  const Ref& ref = out_.expr_refs[fact_expr];
  if (lit.kind != ast::ExprKind::String ||
      (ref.kind != RefKind::Fact && ref.kind != RefKind::Field))
    return;
  // The values this file's declaration allows (another file's may allow more); a field's, its
  // declaration's.
  std::vector<std::string> one_of;
  std::string name;
  if (ref.kind == RefKind::Fact) {
    const FactDecl& fact = out_.facts[ref.index];
    const FactRef& seen = out_.fact_scope[file].at(fact.name);
    for (const ast::Name& v : ast_.files[seen.file].facts[seen.index].one_of)
      one_of.push_back(v.text);
    name = fact.name;
  } else {
    const FieldDef& field = out_.schema.field(static_cast<uint16_t>(ref.index));
    if (field.type.one_of == kNoIndex16)
      return;
    one_of = out_.schema.enums()[field.type.one_of];
    name = field.name;
  }
  if (one_of.empty())
    return;
  if (std::find(one_of.begin(), one_of.end(), lit.text) != one_of.end())
    return;
  auto& d = Error(file, lit.span, DiagCode::FactValueNotAllowed, lit.text, name);
  if (ref.kind == RefKind::Field)
    d.message =
        fmt::format("`{}` is not one of the values of `{}`", lit.text, Describe(file, fact_expr));
  std::string values;
  for (const std::string& v : one_of)
    values += (values.empty() ? "\"" : ", \"") + v + "\"";
  if (!Suggest(d, lit.text, one_of, lit.span, true))
    d.help = "its values are " + values;
}

std::optional<TypeId> Checker::Unify(TypeId a, TypeId b) {
  if (a == b)
    return a;
  TypeKind ka = types_.Kind(a);
  TypeKind kb = types_.Kind(b);
  if (ka == TypeKind::None)
    return b;
  if (kb == TypeKind::None)
    return a;
  if (IsNumeric(ka) && IsNumeric(kb))
    return t_decimal_;
  // A string meets a code: the code's type wins (literals are validated by the caller).
  if (ka == TypeKind::Code && kb == TypeKind::String)
    return a;
  if (kb == TypeKind::Code && ka == TypeKind::String)
    return b;
  // An observation's code meets a LOINC code or one of a declared system.
  if (ka == TypeKind::Code && kb == TypeKind::Code && types_.CodesMeet(a, b))
    return types_.Get(a).open ? b : a;
  if (ka == TypeKind::List && kb == TypeKind::List) {
    auto elem = Unify(types_.Get(a).elem, types_.Get(b).elem);
    if (elem)
      return types_.List(*elem);
  }
  return std::nullopt;
}

TypeId Checker::Expr(uint32_t file, ast::ExprId id) {
  TypeId t = ExprInner(file, id);
  out_.expr_types[id] = t;
  return t;
}

TypeId Checker::ExprInner(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  switch (e.kind) {
    case ast::ExprKind::Bool:
      return t_bool_;
    case ast::ExprKind::Int:
      return t_int_;
    case ast::ExprKind::Decimal:
      return t_decimal_;
    case ast::ExprKind::String:
      return t_string_;
    case ast::ExprKind::DateLit:
      return t_date_;
    case ast::ExprKind::Duration:
      return t_duration_;
    case ast::ExprKind::NoneLit:
      return t_none_;
    case ast::ExprKind::NameRef:
      return NameRef(file, id);
    case ast::ExprKind::Field:
      return FieldAccess(file, id);
    case ast::ExprKind::Index:
      return Index(file, id);
    case ast::ExprKind::Call:
      return Call(file, id);
    case ast::ExprKind::Unary:
      return Unary(file, id);
    case ast::ExprKind::Binary:
      return Binary(file, id);
    case ast::ExprKind::Within:
      return Within(file, id);
    case ast::ExprKind::If:
      return If(file, id);
    case ast::ExprKind::List:
      return ListLit(file, id);
    case ast::ExprKind::Quantifier:
      return Quantifier(file, id);
  }
  return types_.error();
}

// The type of a file-level declaration an expression names (a codeset, table or let).
TypeId Checker::DeclType(const Ref& ref) {
  switch (ref.kind) {
    case RefKind::Codeset:
      if (codeset_state_[ref.file][ref.index] == 0)
        CheckCodeset(ref.file, ref.index);
      return types_.Codeset(out_.codeset_systems[ref.file][ref.index]);
    case RefKind::Table:
      return out_.table_types[ref.file][ref.index];
    case RefKind::GlobalLet:
      return GlobalLetType(ref.file, ref.index);
    default:
      return types_.error();
  }
}

TypeId Checker::NameRef(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->name == e.text) {
      it->used = true;
      out_.expr_refs[id] = Ref{it->is_let ? RefKind::RuleLet : RefKind::Local, file, it->id};
      return it->type;
    }
  }
  auto found = file_names_[file].find(e.text);
  if (found != file_names_[file].end()) {
    out_.expr_refs[id] = found->second;
    return DeclType(found->second);
  }
  if (aliases_[file].count(e.text)) {
    auto& d = Error(file, e.span, DiagCode::UnknownName, e.text);
    d.message = fmt::format("`{}` is an import alias, not a value", e.text);
    d.help = fmt::format("name a declaration of the imported file: `{}.NAME`", e.text);
    return types_.error();
  }
  if (in_rule_) {
    const auto scope = stdlib::Scope();
    for (uint32_t i = 0; i < scope.size(); ++i) {
      if (scope[i].name == e.text) {
        out_.expr_refs[id] = Ref{RefKind::Scope, file, i};
        return types_.Parse(scope[i].type).value_or(types_.error());
      }
    }
  }
  auto& d = Error(file, e.span, DiagCode::UnknownName, e.text);
  Suggest(d, e.text, VisibleNames(file), e.span);
  for (const stdlib::BuiltinInfo& b : stdlib::Builtins()) {
    if (b.name == e.text) {
      d.help = fmt::format("`{}` is a function: call it, `{}(...)`", e.text, e.text);
      d.fix.reset();
    }
  }
  if (!in_rule_) {
    for (const stdlib::ScopeInfo& s : stdlib::Scope()) {
      if (s.name == e.text) {
        d.help =
            fmt::format("`{}` is only known inside a rule, where a claim line is decided", e.text);
        d.fix.reset();
      }
    }
  }
  if (d.help.empty() && e.text == "unknown") {
    d.help = "test for missing data with `x is none` or `x is known`";
  }
  if (d.help.empty() && LooksLikeCode(e.text)) {
    // `line.code == G0328`: a code in an expression is a string.
    d.help = fmt::format("write the code as a string: `\"{}\"`", e.text);
    d.fix = diag::Fix{e.span, fmt::format("\"{}\"", e.text)};
  }
  return types_.error();
}

TypeId Checker::FieldAccess(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  const ast::Expr& base = ast_.expr(e.a);
  // `alias.name`: a declaration of an imported file (unless a local shadows the alias).
  if (base.kind == ast::ExprKind::NameRef && aliases_[file].count(base.text) &&
      std::none_of(locals_.begin(), locals_.end(),
                   [&](const Local& l) { return l.name == base.text; })) {
    uint32_t target = aliases_[file].at(base.text);
    out_.expr_refs[e.a] = Ref{RefKind::Alias, target, 0};
    if (target == ast::kNone)
      return types_.error();  // the import itself was reported
    auto found = file_names_[target].find(e.text);
    if (found == file_names_[target].end()) {
      std::vector<std::string> names;
      for (const auto& [name, ref] : file_names_[target])
        names.push_back(name);
      auto& d = Error(file, e.name_span, DiagCode::NotExported,
                      sources_.files.Get(Fid(target)).name(), e.text);
      if (!Suggest(d, e.text, names, e.name_span)) {
        std::string list;
        for (const std::string& n : names)
          list += (list.empty() ? "`" : ", `") + n + "`";
        d.help = names.empty() ? std::string("it declares no codesets, tables or lets")
                               : "it declares " + list;
      }
      return types_.error();
    }
    out_.expr_refs[id] = found->second;
    return DeclType(found->second);
  }
  TypeId bt = Expr(file, e.a);
  const Type& b = types_.Get(bt);
  switch (b.kind) {
    case TypeKind::Error:
      return types_.error();
    case TypeKind::Record: {
      const Record& record = types_.GetRecord(b.record);
      if (const Field* field = record.Find(e.text)) {
        if (field->id != UINT16_MAX)
          out_.expr_refs[id] = Ref{RefKind::Field, file, field->id};
        return field->type;
      }
      std::vector<std::string> names;
      for (const Field& f : record.fields)
        names.push_back(f.name);
      auto& d = Error(file, e.name_span, DiagCode::UnknownField, Describe(file, e.a), e.text);
      if (!Suggest(d, e.text, names, e.name_span)) {
        std::string list;
        for (const std::string& n : names)
          list += (list.empty() ? "`" : ", `") + n + "`";
        d.help = fmt::format("the fields of `{}` are {}", types_.Name(bt), list);
      }
      return types_.error();
    }
    case TypeKind::Facts: {
      const auto& scope = out_.fact_scope[file];
      auto found = scope.find(e.text);
      if (found == scope.end()) {
        std::vector<std::string> names;
        for (const auto& [name, ref] : scope)
          names.push_back(name);
        auto& d = Error(file, e.name_span, DiagCode::UnknownFact, e.text);
        if (!Suggest(d, e.text, names, e.name_span)) {
          auto elsewhere = facts_by_name_.find(e.text);
          if (elsewhere != facts_by_name_.end()) {
            const FactDecl& other = out_.facts[elsewhere->second];
            d.help = fmt::format(
                "`{}` is declared in `{}`, which this file does not import: import it, or declare "
                "the fact here too",
                e.text, sources_.files.Get(Fid(other.file)).name());
          }
        }
        return types_.error();
      }
      if (conflicting_facts_.count({found->second.file, found->second.index}))
        return types_.error();  // E0220: which type it has here is the question
      out_.expr_refs[id] = Ref{RefKind::Fact, file, found->second.fact};
      return out_.facts[found->second.fact].type;
    }
    default: {
      auto& d =
          Error(file, e.name_span, DiagCode::NotARecord, Describe(file, e.a), types_.Name(bt));
      if (b.kind == TypeKind::Table) {
        d.help = fmt::format("look a key up first: `{}[key].{}`", Describe(file, e.a), e.text);
      } else if (b.kind == TypeKind::Map) {
        d.help = fmt::format("maps are read with a key: `{}[\"{}\"]`", Describe(file, e.a), e.text);
      }
      return types_.error();
    }
  }
}

TypeId Checker::Index(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId bt = Expr(file, e.a);
  TypeId kt = Expr(file, e.b);
  const Type& b = types_.Get(bt);
  if (b.kind == TypeKind::Error)
    return types_.error();
  if (b.kind == TypeKind::Table || b.kind == TypeKind::Map) {
    TypeId key = b.kind == TypeKind::Table ? b.key : t_string_;
    if (types_.Kind(kt) != TypeKind::Error && !Unify(key, kt)) {
      Error(file, ast_.expr(e.b).span, DiagCode::TableKeyMismatch, Describe(file, e.b),
            types_.Name(key));
    } else if (types_.Kind(key) == TypeKind::Code) {
      CheckCodeLiteral(file, e.b, types_.Get(key).system);
    }
    return b.elem;
  }
  Error(file, ast_.expr(e.a).span, DiagCode::NotIndexable, Describe(file, e.a), types_.Name(bt));
  return types_.error();
}

TypeId Checker::Call(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  std::vector<TypeId> args;
  for (ast::ExprId arg : e.list)
    args.push_back(Expr(file, arg));
  const auto builtins = stdlib::Builtins();
  auto it = std::find_if(builtins.begin(), builtins.end(),
                         [&](const stdlib::BuiltinInfo& b) { return b.name == e.text; });
  if (it == builtins.end()) {
    std::vector<std::string> names;
    for (const stdlib::BuiltinInfo& b : builtins)
      names.emplace_back(b.name);
    auto& d = Error(file, e.name_span, DiagCode::UnknownFunction, e.text);
    if (!Suggest(d, e.text, names, e.name_span)) {
      std::string list;
      for (const std::string& n : names)
        list += (list.empty() ? "`" : ", `") + n + "`";
      d.help = "the functions are " + list;
    }
    return types_.error();
  }
  out_.expr_refs[id] = Ref{RefKind::Builtin, file, static_cast<uint32_t>(it - builtins.begin())};
  Signature sig = ParseSignature(it->signature);
  if (sig.params.size() != args.size()) {
    auto& d =
        Error(file, e.span, DiagCode::WrongArgumentCount, e.text, sig.params.size(), args.size());
    d.help = fmt::format("`{}` is `{}{}`", e.text, e.text, it->signature);
    return types_.error();
  }
  bool any_decimal = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& want = sig.params[i];
    TypeId got = args[i];
    TypeKind kind = types_.Kind(got);
    if (kind == TypeKind::Error)
      return types_.error();
    bool ok;
    if (want == "code<*>") {
      ok = kind == TypeKind::Code;
    } else if (want == "list<*>") {
      ok = kind == TypeKind::List;
    } else if (want == "number") {
      ok = IsNumeric(kind);
      any_decimal = any_decimal || kind == TypeKind::Decimal;
    } else {
      std::optional<TypeId> w = types_.Parse(want);
      ok = w && (Unify(*w, got) == *w);
      if (ok && w && types_.Kind(*w) == TypeKind::Code) {
        CheckCodeLiteral(file, e.list[i], types_.Get(*w).system);
      }
    }
    if (!ok) {
      auto& d =
          Error(file, ast_.expr(e.list[i]).span, DiagCode::ExpectedType,
                fmt::format("`{}` as argument {} of `{}`", want, i + 1, e.text), types_.Name(got));
      d.help = fmt::format("`{}` is `{}{}`: {}", e.text, e.text, it->signature, it->doc);
      return types_.error();
    }
  }
  if (sig.result == "number")
    return any_decimal ? t_decimal_ : t_int_;
  return types_.Parse(sig.result).value_or(types_.error());
}

TypeId Checker::Unary(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId t = Expr(file, e.a);
  TypeKind k = types_.Kind(t);
  switch (e.op) {
    case ast::Operator::Not:
      Expect(file, e.a, t, TypeKind::Bool, "a condition (bool) after `not`");
      return t_bool_;
    case ast::Operator::Neg:
      if (k == TypeKind::Error)
        return t;
      if (IsNumeric(k) || k == TypeKind::Duration)
        return t;
      Error(file, ast_.expr(e.a).span, DiagCode::ExpectedType, "a number after `-`",
            types_.Name(t));
      return types_.error();
    case ast::Operator::IsNone:
    case ast::Operator::IsKnown:
      return t_bool_;
    default:
      return types_.error();
  }
}

TypeId Checker::Binary(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  switch (e.op) {
    case ast::Operator::And:
    case ast::Operator::Or: {
      TypeId a = Expr(file, e.a);
      TypeId b = Expr(file, e.b);
      std::string what = fmt::format("a condition (bool) beside `{}`", ast::OpText(e.op));
      Expect(file, e.a, a, TypeKind::Bool, what.c_str());
      Expect(file, e.b, b, TypeKind::Bool, what.c_str());
      return t_bool_;
    }
    case ast::Operator::Eq:
    case ast::Operator::Ne:
    case ast::Operator::Lt:
    case ast::Operator::Le:
    case ast::Operator::Gt:
    case ast::Operator::Ge:
      return Compare(file, id);
    case ast::Operator::Add:
    case ast::Operator::Sub:
    case ast::Operator::Mul:
    case ast::Operator::Div:
      return Arithmetic(file, id);
    case ast::Operator::In:
    case ast::Operator::NotIn:
      return Membership(file, id);
    default:
      return types_.error();
  }
}

TypeId Checker::Compare(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId a = Expr(file, e.a);
  TypeId b = Expr(file, e.b);
  TypeKind ka = types_.Kind(a);
  TypeKind kb = types_.Kind(b);
  if (ka == TypeKind::Error || kb == TypeKind::Error)
    return t_bool_;
  bool equality = e.op == ast::Operator::Eq || e.op == ast::Operator::Ne;
  if (ka == TypeKind::None || kb == TypeKind::None) {
    auto& d =
        Error(file, e.span, DiagCode::TypeMismatch, "compare", types_.Name(a), types_.Name(b));
    d.help = fmt::format("test for missing data with `{} is none` or `{} is known`",
                         Describe(file, ka == TypeKind::None ? e.b : e.a),
                         Describe(file, ka == TypeKind::None ? e.b : e.a));
    return t_bool_;
  }
  std::optional<TypeId> common = Unify(a, b);
  bool ok = common.has_value();
  if (ok && !equality) {
    TypeKind k = types_.Kind(*common);
    ok = IsOrdered(k);
  }
  if (ok && (ka == TypeKind::Code) != (kb == TypeKind::Code)) {
    // A code meets a string: a literal must be a valid code of that system.
    CodeSystem system = types_.Get(ka == TypeKind::Code ? a : b).system;
    CheckCodeLiteral(file, ka == TypeKind::Code ? e.b : e.a, system);
  }
  if (ok && ka == TypeKind::Code && kb == TypeKind::Code && !types_.CodesMeet(a, b)) {
    ok = false;
  }
  if (!ok) {
    auto& d = Error(file, e.span, DiagCode::TypeMismatch,
                    equality ? "compare" : fmt::format("order (`{}`)", ast::OpText(e.op)),
                    types_.Name(a), types_.Name(b));
    const ast::Expr& ea = ast_.expr(e.a);
    const ast::Expr& eb = ast_.expr(e.b);
    if ((IsNumeric(ka) && eb.kind == ast::ExprKind::String) ||
        (IsNumeric(kb) && ea.kind == ast::ExprKind::String)) {
      const ast::Expr& s = eb.kind == ast::ExprKind::String ? eb : ea;
      d.help = fmt::format("write the number without quotes: `{}`", s.text);
    } else if ((ka == TypeKind::Code && eb.kind == ast::ExprKind::Int) ||
               (kb == TypeKind::Code && ea.kind == ast::ExprKind::Int)) {
      // `line.code == 82270`: the code is read as a number.
      const ast::Expr& number = eb.kind == ast::ExprKind::Int ? eb : ea;
      std::string code(Text(file, number.span));
      d.help = fmt::format("write the code as a string: `\"{}\"`", code);
      d.fix = diag::Fix{number.span, fmt::format("\"{}\"", code)};
    } else if (ka == TypeKind::Date && kb == TypeKind::Duration) {
      d.help = "compare two dates, e.g. `service_date >= month_start(last.date) + 12 months`";
    } else if (ka == TypeKind::Codeset || kb == TypeKind::Codeset) {
      d.help = "test membership with `in`";
    }
    return t_bool_;
  }
  if (ka == TypeKind::String || kb == TypeKind::String) {
    CheckFactLiteral(file, e.a, e.b);
    CheckFactLiteral(file, e.b, e.a);
  }
  return t_bool_;
}

TypeId Checker::Arithmetic(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId a = Expr(file, e.a);
  TypeId b = Expr(file, e.b);
  TypeKind ka = types_.Kind(a);
  TypeKind kb = types_.Kind(b);
  if (ka == TypeKind::Error || kb == TypeKind::Error)
    return types_.error();
  const char* verb = e.op == ast::Operator::Add   ? "add"
                     : e.op == ast::Operator::Sub ? "subtract"
                     : e.op == ast::Operator::Mul ? "multiply"
                                                  : "divide";
  if (IsNumeric(ka) && IsNumeric(kb)) {
    // Division gives a decimal: 21 / 30 nights is 0.7, not 0.
    if (e.op == ast::Operator::Div)
      return t_decimal_;
    // Amounts added to or taken from amounts stay amounts; anything else is a plain number.
    if (ka == TypeKind::Money && kb == TypeKind::Money &&
        (e.op == ast::Operator::Add || e.op == ast::Operator::Sub)) {
      return a;
    }
    return ka == TypeKind::Int && kb == TypeKind::Int ? t_int_ : t_decimal_;
  }
  if (e.op == ast::Operator::Add || e.op == ast::Operator::Sub) {
    if (ka == TypeKind::Date && kb == TypeKind::Duration)
      return t_date_;
    if (e.op == ast::Operator::Add && ka == TypeKind::Duration && kb == TypeKind::Date)
      return t_date_;
    if (ka == TypeKind::Duration && kb == TypeKind::Duration)
      return t_duration_;
  }
  auto& d = Error(file, e.span, DiagCode::TypeMismatch, verb, types_.Name(a), types_.Name(b));
  if (ka == TypeKind::Date && kb == TypeKind::Date && e.op == ast::Operator::Sub) {
    d.help = fmt::format("count the days between two dates with `days_between({}, {})`",
                         Describe(file, e.b), Describe(file, e.a));
  } else if (ka == TypeKind::Date && IsNumeric(kb)) {
    const ast::Expr& amount = ast_.expr(e.b);
    if (amount.kind == ast::ExprKind::Int) {
      // `last.date + 84` -> `last.date + 84 days`, keeping the number.
      d.help = fmt::format("give the number a unit: `{} {} {} days`", Describe(file, e.a),
                           ast::OpText(e.op), amount.ival);
      d.fix = diag::Fix{amount.span, fmt::format("{} days", amount.ival)};
    } else {
      d.help = fmt::format("a date moves by a duration, a number with its unit: `{} {} 90 days`",
                           Describe(file, e.a), ast::OpText(e.op));
    }
  }
  return types_.error();
}

TypeId Checker::Membership(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId a = Expr(file, e.a);
  TypeId b = Expr(file, e.b);
  const Type& ta = types_.Get(a);
  const Type& tb = types_.Get(b);
  if (ta.kind == TypeKind::Error || tb.kind == TypeKind::Error)
    return t_bool_;
  const ast::Expr& left = ast_.expr(e.a);
  switch (tb.kind) {
    case TypeKind::Codeset: {
      if (ta.kind == TypeKind::Code && types_.CodesMeet(a, b))
        return t_bool_;
      if (ta.kind == TypeKind::String) {
        CheckCodeLiteral(file, e.a, tb.system);
        return t_bool_;
      }
      if (ta.kind == TypeKind::Code) {
        auto& d = Error(file, e.span, DiagCode::CodeSystemMismatch,
                        fmt::format("`{}`", Describe(file, e.a)),
                        CodeNoun(Noun(ta.system), ta.system, false), Describe(file, e.b),
                        CodeNoun(Noun(tb.system), tb.system, true));
        // Suggest a codeset of the right system, preferring a similar name.
        std::vector<std::string> same_system;
        for (const auto& [name, ref] : file_names_[file]) {
          if (ref.kind == RefKind::Codeset && codeset_state_[ref.file][ref.index] == 2 &&
              out_.codeset_systems[ref.file][ref.index] == ta.system) {
            same_system.push_back(name);
          }
        }
        Span codeset_span = ast_.expr(e.b).span;
        if (!Suggest(d, Describe(file, e.b), same_system, codeset_span)) {
          if (same_system.size() == 1) {
            d.help = fmt::format("did you mean `{}`?", same_system.front());
            d.fix = diag::Fix{codeset_span, same_system.front()};
          } else {
            d.help = fmt::format("test it against a codeset of {}",
                                 CodeNoun(Noun(ta.system), ta.system, true));
          }
        }
        return t_bool_;
      }
      break;
    }
    case TypeKind::List: {
      TypeId elem = tb.elem;
      const Type& te = types_.Get(elem);
      if (te.kind == TypeKind::None)
        return t_bool_;  // `x in []`
      std::optional<TypeId> common = Unify(a, elem);
      if (!common ||
          (ta.kind == TypeKind::Code && te.kind == TypeKind::Code && !types_.CodesMeet(a, elem))) {
        break;
      }
      // Literals on either side meet codes: validate them in that code system.
      if (ta.kind == TypeKind::Code && te.kind == TypeKind::String) {
        const ast::Expr& list = ast_.expr(e.b);
        if (list.kind == ast::ExprKind::List) {
          for (ast::ExprId item : list.list)
            CheckCodeLiteral(file, item, ta.system);
        }
      } else if (te.kind == TypeKind::Code && ta.kind == TypeKind::String) {
        CheckCodeLiteral(file, e.a, te.system);
      }
      return t_bool_;
    }
    case TypeKind::Table: {
      if (Unify(tb.key, a)) {
        if (types_.Kind(tb.key) == TypeKind::Code)
          CheckCodeLiteral(file, e.a, types_.Get(tb.key).system);
        return t_bool_;
      }
      break;
    }
    case TypeKind::Map:
      if (ta.kind == TypeKind::String)
        return t_bool_;
      break;
    default: {
      auto& d = Error(file, e.span, DiagCode::InvalidMembership, Describe(file, e.a),
                      Describe(file, e.b));
      if (left.kind == ast::ExprKind::String && tb.kind == TypeKind::String) {
        d.help = "to compare two strings use `==`";
      }
      return t_bool_;
    }
  }
  Error(file, e.span, DiagCode::TypeMismatch, "test membership of", types_.Name(a), types_.Name(b));
  return t_bool_;
}

TypeId Checker::Within(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId a = Expr(file, e.a);
  TypeId b = Expr(file, e.b);
  TypeId c = Expr(file, e.c);
  Expect(file, e.a, a, TypeKind::Date, "a date before `within`");
  Expect(file, e.b, b, TypeKind::Duration, "a duration after `within` (e.g. `90 days`)");
  Expect(file, e.c, c, TypeKind::Date, "a date as the window's anchor");
  return t_bool_;
}

TypeId Checker::If(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId cond = Expr(file, e.a);
  Expect(file, e.a, cond, TypeKind::Bool, "a condition (bool) after `if`");
  TypeId b = Expr(file, e.b);
  TypeId c = Expr(file, e.c);
  if (types_.Kind(b) == TypeKind::Error || types_.Kind(c) == TypeKind::Error)
    return types_.error();
  std::optional<TypeId> common = Unify(b, c);
  if (!common) {
    Error(file, e.span, DiagCode::IncompatibleBranches, types_.Name(b), types_.Name(c));
    return types_.error();
  }
  return *common;
}

TypeId Checker::ListLit(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId elem = t_none_;
  bool failed = false;
  for (ast::ExprId item : e.list) {
    TypeId t = Expr(file, item);
    if (types_.Kind(t) == TypeKind::Error) {
      failed = true;
      continue;
    }
    std::optional<TypeId> common = Unify(elem, t);
    if (!common) {
      if (!failed) {
        Error(file, ast_.expr(item).span, DiagCode::MixedList, types_.Name(elem), types_.Name(t));
      }
      failed = true;
      continue;
    }
    elem = *common;
  }
  if (failed)
    return types_.error();
  return types_.List(elem);
}

TypeId Checker::Quantifier(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  TypeId list = Expr(file, e.a);
  // By value: checking the `where` clause and the projection may add types, which moves the
  // table's storage.
  const TypeKind list_kind = types_.Get(list).kind;
  TypeId elem = types_.error();
  if (list_kind == TypeKind::List) {
    elem = types_.Get(list).elem;
  } else if (list_kind != TypeKind::Error) {
    Error(file, ast_.expr(e.a).span, DiagCode::NotAList, Describe(file, e.a));
  }
  size_t depth = locals_.size();
  Bind(Local{e.text, elem, e.name_span, id, false, false}, file);
  if (e.b != ast::kNone) {
    TypeId where = Expr(file, e.b);
    Expect(file, e.b, where, TypeKind::Bool, "a condition (bool) after `where`");
  }
  TypeId projection = types_.error();
  if (e.c != ast::kNone)
    projection = Expr(file, e.c);
  Unbind(depth, file);
  if (list_kind != TypeKind::List)
    return types_.error();
  switch (e.quant) {
    case ast::QuantKind::Any:
    case ast::QuantKind::All:
      return t_bool_;
    case ast::QuantKind::Count:
      return t_int_;
    case ast::QuantKind::Sum: {
      TypeKind k = types_.Kind(projection);
      if (k == TypeKind::Error)
        return projection;
      if (!IsNumeric(k)) {
        Error(file, ast_.expr(e.c).span, DiagCode::ExpectedType, "a number to `sum`",
              types_.Name(projection));
        return types_.error();
      }
      return projection;
    }
    case ast::QuantKind::Min:
    case ast::QuantKind::Max: {
      TypeKind k = types_.Kind(projection);
      if (k == TypeKind::Error)
        return projection;
      if (!IsOrdered(k)) {
        Error(file, ast_.expr(e.c).span, DiagCode::ExpectedType,
              "a number, date or string to compare", types_.Name(projection));
        return types_.error();
      }
      return projection;
    }
    case ast::QuantKind::Latest:
    case ast::QuantKind::Earliest: {
      const Type& et = types_.Get(elem);
      if (et.kind == TypeKind::Date)
        return elem;
      if (et.kind == TypeKind::Record) {
        const Field* date = types_.GetRecord(et.record).Find("date");
        if (date && types_.Kind(date->type) == TypeKind::Date)
          return elem;
      }
      if (et.kind == TypeKind::Error)
        return elem;
      auto& d = Error(file, ast_.expr(e.a).span, DiagCode::ExpectedType,
                      fmt::format("a list of dated records for `{}`", ast::QuantName(e.quant)),
                      types_.Name(list));
      d.help = "`latest` and `earliest` pick by the elements' `date` field, e.g. `history`";
      return types_.error();
    }
  }
  return types_.error();
}

}  // namespace warrant::check
