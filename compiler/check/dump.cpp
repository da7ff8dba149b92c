// `--dump=checked`: the program as the checker sees it. Every expression is printed with its type
// after `~`, every name with what it refers to after `^`, in the style of CEL's checked-AST
// baselines, so a checker change shows up as a readable diff in golden tests.
#include <ostream>

#include <fmt/format.h>

#include "compiler/check/check.h"
#include "stdlib/stdlib.h"

namespace warrant::check {
namespace {

class Dumper {
 public:
  Dumper(const CheckedProgram& p, const SourceManager& files, std::ostream& out)
      : p_(p), ast_(*p.ast), files_(files), out_(out) {}

  void Run() {
    for (uint32_t f = 0; f < ast_.files.size(); ++f)
      File(f);
    out_ << "policies\n";
    for (const Policy& policy : p_.policies) {
      out_ << "  " << policy.id << '\n';
      for (const PolicyVersion& v : policy.versions) {
        out_ << fmt::format("    version {} {} .. {}  ({})\n", v.version, DayText(v.from),
                            DayText(v.until), files_.Get(ast_.files[v.file].file).name());
      }
    }
    out_ << "facts\n";
    for (const FactDecl& fact : p_.facts) {
      out_ << "  " << fact.name << ": " << p_.types.Name(fact.type);
      if (!fact.one_of.empty()) {
        out_ << " one of [";
        for (size_t i = 0; i < fact.one_of.size(); ++i)
          out_ << (i ? ", " : "") << fact.one_of[i];
        out_ << ']';
      }
      out_ << '\n';
    }
    out_ << "reasons (declared in the pack)\n";
    for (const ReasonDecl& r : p_.reasons) {
      if (r.from_stdlib)
        continue;
      out_ << fmt::format("  {} = {}-{}", r.name, r.group, r.carc);
      for (const std::string& rarc : r.rarcs)
        out_ << ' ' << rarc;
      out_ << "  (" << files_.Get(ast_.files[r.file].file).name() << ")\n";
    }
  }

 private:
  static std::string DayText(Day d) {
    if (d == INT32_MIN)
      return "-";
    if (d == INT32_MAX)
      return "open";
    Civil c = CivilFromDays(d);
    return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
  }

  void File(uint32_t f) {
    const ast::File& file = ast_.files[f];
    out_ << "file " << files_.Get(file.file).name() << '\n';
    for (const ast::DeclRef& ref : file.order) {
      switch (ref.kind) {
        case ast::DeclKind::Import:
          out_ << "  import " << file.imports[ref.index].alias.text << '\n';
          break;
        case ast::DeclKind::Codeset:
          out_ << "  codeset " << file.codesets[ref.index].name.text << " ~codeset<"
               << p_.schema.SystemName(p_.codeset_systems[f][ref.index]) << ">\n";
          break;
        case ast::DeclKind::CodeSystem:
          out_ << "  codesystem " << file.codesystems[ref.index].name.text << '\n';
          break;
        case ast::DeclKind::Table:
          out_ << "  table " << file.tables[ref.index].name.text << " ~"
               << p_.types.Name(p_.table_types[f][ref.index]) << '\n';
          for (const ast::TableEntry& e : file.tables[ref.index].entries) {
            out_ << "    " << Expr(e.key) << " -> " << Expr(e.value) << '\n';
          }
          break;
        case ast::DeclKind::Fact:
          out_ << "  fact " << file.facts[ref.index].name.text << '\n';
          break;
        case ast::DeclKind::Extend: {
          const ast::Extend& e = file.extends[ref.index];
          out_ << "  extend " << e.record.text << '\n';
          for (const ast::Fact& field : e.fields) {
            const uint16_t record = p_.schema.FindRecord(e.record.text);
            const FieldDef* def =
                record == kNoIndex16 ? nullptr : p_.schema.Find(record, field.name.text);
            out_ << "    " << field.name.text << " ~"
                 << (def ? p_.schema.TypeName(def->type) : std::string("<error>")) << '\n';
          }
          break;
        }
        case ast::DeclKind::Reason: {
          const ast::Reason& r = file.reasons[ref.index];
          out_ << "  reason " << r.name.text;
          if (r.alt_group_when != ast::kNone) {
            out_ << " group " << r.alt_group->text << " when " << Expr(r.alt_group_when);
          }
          out_ << '\n';
          break;
        }
        case ast::DeclKind::Let:
          out_ << "  let " << file.lets[ref.index].name.text << " = "
               << Expr(file.lets[ref.index].value) << '\n';
          break;
        case ast::DeclKind::Rule: {
          const ast::Rule& rule = file.rules[ref.index];
          out_ << "  rule " << rule.name.text << '\n';
          out_ << "    applies " << Expr(rule.applies) << '\n';
          Stmts(rule.body, 4);
          break;
        }
        case ast::DeclKind::Fixture:
          out_ << "  fixture " << file.fixtures[ref.index].name.text << '\n';
          break;
        case ast::DeclKind::Test: {
          const ast::Test& test = file.tests[ref.index];
          out_ << "  test \"" << test.name.text << "\"";
          for (const ast::Expect& e : test.expects) {
            out_ << " [line " << e.line << ' ' << DecisionName(e.decision);
            if (e.reason)
              out_ << ' ' << e.reason->text;
            out_ << ']';
          }
          out_ << '\n';
          // The claim as the test decides it (fixtures merged, generated records written out).
          if (ref.index < p_.test_claims[f].size())
            out_ << "    claim " << p_.test_claims[f][ref.index] << '\n';
          break;
        }
      }
    }
  }

  void Stmts(const std::vector<ast::StmtId>& body, int indent) {
    std::string pad(static_cast<size_t>(indent), ' ');
    for (ast::StmtId id : body) {
      const ast::Stmt& s = ast_.stmt(id);
      switch (s.kind) {
        case ast::StmtKind::Let:
          out_ << pad << "let " << s.name.text << " = " << Expr(s.a) << '\n';
          break;
        case ast::StmtKind::Require:
          out_ << pad << "require " << Expr(s.a) << " else " << Outcome(s.outcome);
          if (s.unknown_outcome)
            out_ << " if unknown " << Outcome(*s.unknown_outcome);
          out_ << '\n';
          break;
        case ast::StmtKind::When:
          out_ << pad << "when " << Expr(s.a) << '\n';
          Stmts(s.body, indent + 2);
          break;
        case ast::StmtKind::Direct:
          out_ << pad << Outcome(s.outcome) << " when " << Expr(s.a) << '\n';
          break;
      }
    }
  }

  static std::string Outcome(const ast::Outcome& o) {
    std::string out = OutcomeWord(o.kind);
    if (o.reason)
      out += " " + o.reason->text;
    return out;
  }

  std::string RefText(ast::ExprId id) const {
    const Ref& r = p_.expr_refs[id];
    switch (r.kind) {
      case RefKind::None:
        return "";
      case RefKind::Local:
        return "^var";
      case RefKind::RuleLet:
        return "^local";
      case RefKind::GlobalLet:
        return "^let";
      case RefKind::Codeset:
        return "^codeset";
      case RefKind::Table:
        return "^table";
      case RefKind::Scope:
        return "^scope";
      case RefKind::Fact:
        return "^fact";
      case RefKind::Builtin:
        return "^builtin";
      case RefKind::Alias:
        return "^import";
      case RefKind::Field:
        return "";
    }
    return "";
  }

  std::string Expr(ast::ExprId id) const {
    if (id == ast::kNone)
      return "_";
    const ast::Expr& e = ast_.expr(id);
    const std::string type = fmt::format("~{}", p_.types.Name(p_.expr_types[id]));
    switch (e.kind) {
      case ast::ExprKind::Bool:
        return (e.ival ? "true" : "false") + type;
      case ast::ExprKind::Int:
        return std::to_string(e.ival) + type;
      case ast::ExprKind::Decimal:
        return e.text + type;
      case ast::ExprKind::String:
        return "\"" + e.text + "\"" + type;
      case ast::ExprKind::DateLit:
        return fmt::format("{:04}-{:02}-{:02}", e.date.year, e.date.month, e.date.day) + type;
      case ast::ExprKind::Duration:
        return fmt::format("{} {}", e.ival, DurationUnitName(e.unit)) + type;
      case ast::ExprKind::NoneLit:
        return "none" + type;
      case ast::ExprKind::NameRef:
        return e.text + RefText(id) + type;
      case ast::ExprKind::Field:
        return Expr(e.a) + "." + e.text + RefText(id) + type;
      case ast::ExprKind::Index:
        return Expr(e.a) + "[" + Expr(e.b) + "]" + type;
      case ast::ExprKind::Call: {
        std::string out = e.text + "(";
        for (size_t i = 0; i < e.list.size(); ++i)
          out += (i ? ", " : "") + Expr(e.list[i]);
        return out + ")" + type;
      }
      case ast::ExprKind::Unary:
        if (e.op == ast::Operator::IsNone || e.op == ast::Operator::IsKnown) {
          return fmt::format("({} {}){}", Expr(e.a), ast::OpText(e.op), type);
        }
        return fmt::format("({}{}{}){}", ast::OpText(e.op), e.op == ast::Operator::Not ? " " : "",
                           Expr(e.a), type);
      case ast::ExprKind::Binary:
        return fmt::format("({} {} {}){}", Expr(e.a), ast::OpText(e.op), Expr(e.b), type);
      case ast::ExprKind::Within: {
        return fmt::format("({} within {} {} {}){}", Expr(e.a), Expr(e.b), WindowSideName(e.dir),
                           Expr(e.c), type);
      }
      case ast::ExprKind::If:
        return fmt::format("(if {} then {} else {}){}", Expr(e.a), Expr(e.b), Expr(e.c), type);
      case ast::ExprKind::List: {
        std::string out = "[";
        for (size_t i = 0; i < e.list.size(); ++i)
          out += (i ? ", " : "") + Expr(e.list[i]);
        return out + "]" + type;
      }
      case ast::ExprKind::Quantifier: {
        std::string out = fmt::format("({} ", ast::QuantName(e.quant));
        if (e.c != ast::kNone)
          out += Expr(e.c) + " for ";
        out += e.text + " in " + Expr(e.a);
        if (e.b != ast::kNone)
          out += " where " + Expr(e.b);
        return out + ")" + type;
      }
    }
    return "?";
  }

  const CheckedProgram& p_;
  const ast::Ast& ast_;
  const SourceManager& files_;
  std::ostream& out_;
};

}  // namespace

void DumpChecked(const CheckedProgram& program, const SourceManager& files, std::ostream& out) {
  Dumper(program, files, out).Run();
}

}  // namespace warrant::check
