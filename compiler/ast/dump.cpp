#include "compiler/ast/dump.h"

#include <fmt/core.h>

#include "compiler/ast/dump_text.h"

namespace warrant::ast {
namespace {

using dump::ExprString;
using dump::Quote;

constexpr size_t kJsonWidth = 100;

class Dumper {
 public:
  Dumper(const Ast& ast, const SourceManager& sources, std::ostream& out)
      : ast_(ast), sources_(sources), out_(out) {}

  void Run() {
    for (const File& file : ast_.files)
      DumpFile(file);
  }

 private:
  void DumpFile(const File& file) {
    file_ = &sources_.Get(file.file);
    out_ << "file " << file_->name() << '\n';
    if (file.policy)
      DumpPolicy(*file.policy);
    for (const DeclRef& ref : file.order) {
      switch (ref.kind) {
        case DeclKind::Import: {
          const Import& d = file.imports[ref.index];
          out_ << "  import " << Quote(d.path.text) << " as " << d.alias.text << At(d.span) << '\n';
          break;
        }
        case DeclKind::Codeset: {
          const Codeset& d = file.codesets[ref.index];
          out_ << "  codeset " << d.name.text << ": " << d.system.text << At(d.span) << '\n';
          out_ << "    " << dump::CodesetString(ast_, d.body) << '\n';
          break;
        }
        case DeclKind::CodeSystem: {
          const CodeSystemDecl& d = file.codesystems[ref.index];
          out_ << "  codesystem " << d.name.text << ' ' << Quote(d.title.text);
          if (d.uri)
            out_ << " uri " << Quote(d.uri->text);
          out_ << At(d.span) << '\n';
          break;
        }
        case DeclKind::Table:
          DumpTable(file.tables[ref.index]);
          break;
        case DeclKind::Fact:
          DumpFact(file.facts[ref.index]);
          break;
        case DeclKind::Extend: {
          const Extend& d = file.extends[ref.index];
          out_ << "  extend " << d.record.text << At(d.span) << '\n';
          for (const Fact& field : d.fields) {
            out_ << "  ";
            DumpFact(field);
          }
          break;
        }
        case DeclKind::Reason:
          DumpReason(file.reasons[ref.index]);
          break;
        case DeclKind::Let: {
          const Let& d = file.lets[ref.index];
          out_ << "  let " << d.name.text << " = " << ExprString(ast_, d.value) << At(d.span)
               << '\n';
          break;
        }
        case DeclKind::Rule:
          DumpRule(file.rules[ref.index]);
          break;
        case DeclKind::Fixture:
          DumpFixture(file.fixtures[ref.index]);
          break;
        case DeclKind::Test:
          DumpTest(file.tests[ref.index]);
          break;
      }
    }
  }

  // ` @file:line:col` of the start of `span`.
  std::string At(Span span) const {
    LineCol lc = file_->Locate(span.begin);
    return fmt::format(" @{}:{}:{}", file_->name(), lc.line, lc.column);
  }

  static std::string EffectiveText(const Effective& e) {
    std::string out = "effective " + dump::DateString(e.from);
    if (e.until)
      out += " until " + dump::DateString(*e.until);
    return out;
  }

  static std::string OutcomeText(const Outcome& o) {
    std::string out = OutcomeWord(o.kind);
    if (o.reason)
      out += fmt::format(" {}", o.reason->text);
    if (o.message)
      out += fmt::format(" {}", Quote(o.message->text));
    return out;
  }

  void DumpPolicy(const PolicyHeader& p) {
    out_ << "  policy " << Quote(p.id.text) << " version " << p.version << ' '
         << Quote(p.title.text) << At(p.span) << '\n';
    if (p.effective)
      out_ << "    " << EffectiveText(*p.effective) << '\n';
    if (p.source)
      out_ << "    source " << Quote(p.source->text) << '\n';
  }

  void DumpTable(const Table& t) {
    out_ << "  table " << t.name.text << ": " << dump::TypeString(t.key_type) << " -> "
         << dump::TypeString(t.value_type) << At(t.span) << '\n';
    if (t.load_path) {
      out_ << "    load " << Quote(t.load_path->text) << " key " << Quote(t.load_key->text) << '\n';
    }
    for (const TableEntry& e : t.entries) {
      out_ << "    " << ExprString(ast_, e.key) << ": " << ExprString(ast_, e.value) << '\n';
    }
  }

  void DumpFact(const Fact& f) {
    out_ << "  fact " << f.name.text << ": ";
    if (f.type) {
      out_ << dump::TypeString(*f.type);
    } else {
      out_ << "one of [";
      for (size_t i = 0; i < f.one_of.size(); ++i)
        out_ << (i ? ", " : "") << Quote(f.one_of[i].text);
      out_ << ']';
    }
    if (f.title)
      out_ << ' ' << Quote(f.title->text);
    out_ << At(f.span) << '\n';
  }

  void DumpReason(const Reason& r) {
    out_ << "  reason " << r.name.text << " = " << r.group.text << '-' << r.carc.text;
    for (size_t i = 0; i < r.rarcs.size(); ++i)
      out_ << (i ? ", " : " remark ") << r.rarcs[i].text;
    if (r.description)
      out_ << ' ' << Quote(r.description->text);
    out_ << At(r.span) << '\n';
    if (r.alt_group) {
      out_ << "    group " << r.alt_group->text << " when " << ExprString(ast_, r.alt_group_when)
           << '\n';
    }
  }

  void DumpRule(const Rule& r) {
    out_ << "  rule " << r.name.text;
    if (r.title)
      out_ << ' ' << Quote(r.title->text);
    out_ << At(r.span) << '\n';
    if (r.effective)
      out_ << "    " << EffectiveText(*r.effective) << '\n';
    out_ << "    applies " << ExprString(ast_, r.applies) << '\n';
    DumpStmts(r.body, 4);
  }

  // Recursion follows `when` blocks, which the parser's nesting limit bounds.
  void DumpStmts(const std::vector<StmtId>& body, size_t indent) {
    std::string pad(indent, ' ');
    for (StmtId id : body) {
      const Stmt& s = ast_.stmt(id);
      switch (s.kind) {
        case StmtKind::Let:
          out_ << pad << "let " << s.name.text << " = " << ExprString(ast_, s.a) << '\n';
          break;
        case StmtKind::Require:
          out_ << pad << "require " << ExprString(ast_, s.a) << '\n';
          out_ << pad << "  else " << OutcomeText(s.outcome) << '\n';
          if (s.unknown_outcome) {
            out_ << pad << "  if unknown " << OutcomeText(*s.unknown_outcome) << '\n';
          }
          break;
        case StmtKind::When:
          out_ << pad << "when " << ExprString(ast_, s.a) << '\n';
          DumpStmts(s.body, indent + 2);
          break;
        case StmtKind::Direct:
          out_ << pad << OutcomeText(s.outcome) << " when " << ExprString(ast_, s.a) << '\n';
          break;
      }
    }
  }

  // `base with {...}`, `alias.base`, or the record written out, after `prefix`.
  std::string RecordText(std::string prefix, JsonId json, const std::optional<FixtureUse>& base) {
    if (!base) {
      dump::AppendJson(ast_, json, 4, prefix.size(), kJsonWidth, prefix);
      return prefix;
    }
    if (base->alias)
      prefix += base->alias->text + ".";
    prefix += base->name.text;
    if (base->with != kNone) {
      prefix += " with ";
      dump::AppendJson(ast_, base->with, 4, prefix.size(), kJsonWidth, prefix);
    }
    return prefix;
  }

  void DumpFixture(const Fixture& f) {
    out_ << "  fixture " << f.name.text << At(f.span) << '\n';
    out_ << RecordText("    record ", f.json, f.base) << '\n';
  }

  void ExpectedText(const ExpectedFinding& e) {
    if (e.reason)
      out_ << ' ' << e.reason->text;
    if (e.carc)
      out_ << ' ' << e.group->text << '-' << e.carc->text;
    else if (e.group)
      out_ << " group " << e.group->text;
    if (e.rarcs) {
      out_ << " remark";
      for (size_t i = 0; i < e.rarcs->size(); ++i)
        out_ << (i ? ", " : " ") << (*e.rarcs)[i].text;
    }
    if (e.message)
      out_ << ' ' << Quote(e.message->text);
  }

  void DumpTest(const Test& t) {
    out_ << "  test " << Quote(t.name.text) << (t.pack ? " pack" : "")
         << (t.needs_terminology ? " needs terminology" : "") << At(t.span) << '\n';
    out_ << RecordText("    given ", t.given, t.base) << '\n';
    for (const Expect& e : t.expects) {
      out_ << "    expect line " << e.line << ' ' << DecisionName(e.decision);
      ExpectedText(e);
      for (const Name& flag : e.flags)
        out_ << " flag " << Quote(flag.text);
      for (const ExpectAlso& also : e.also) {
        out_ << " also " << OutcomeWord(also.kind);
        ExpectedText(also);
      }
      out_ << '\n';
    }
  }

  const Ast& ast_;
  const SourceManager& sources_;
  std::ostream& out_;
  const SourceFile* file_ = nullptr;
};

}  // namespace

void DumpAst(const Ast& ast, const SourceManager& sources, std::ostream& out) {
  Dumper(ast, sources, out).Run();
}

std::string ExprText(const Ast& ast, ExprId id) {
  return dump::ExprString(ast, id);
}

}  // namespace warrant::ast
