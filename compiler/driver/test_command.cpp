// `warrant test`: run every `test` block against the policy of its file.
//
// A test's `given` record is the JSON text as written in the source; it is decided by the
// versions of its own file's policy only (the version in force on each line's date), so a test
// beside NCD 210.3 is not disturbed by other criteria in the pack. Each `expect` checks a line's
// decision and, when named, that a finding of that decision carries the reason.
#include <fmt/format.h>

#include <ostream>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "runtime/engine.h"

namespace warrant::driver {
namespace {

Decision DecisionOfFinding(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::Deny:
      return Decision::Denied;
    case OutcomeKind::Pend:
    case OutcomeKind::AutoPend:
      return Decision::Pended;
    case OutcomeKind::Bundle:
      return Decision::Bundled;
    case OutcomeKind::Reject:
      return Decision::Rejected;
    case OutcomeKind::Flag:
      return Decision::Covered;
  }
  return Decision::Covered;
}

// "denied frequency (CO-119: one screening FOBT per 12 months)".
std::string DescribeLine(const Engine& engine, const ClaimDecision& decision, uint32_t line) {
  const LineDecision& d = decision.lines[line];
  std::string out = DecisionName(d.decision);
  const Program& p = engine.program();
  for (uint32_t i = 0; i < d.finding_count; ++i) {
    const Finding& f = decision.findings[d.first_finding + i];
    uint32_t reason = f.reason;
    if (reason == UINT32_MAX && f.auto_message) reason = engine.documentation_reason();
    out += fmt::format("\n         {} {}{} \"{}\" (rule `{}`, {})",
                       f.kind == OutcomeKind::Flag ? "flag" : DecisionName(DecisionOfFinding(f.kind)),
                       reason != UINT32_MAX ? p.reasons[reason].name : "-",
                       "", FindingMessage(engine, f), p.rules[p.outcomes[f.outcome].rule].name,
                       engine.SiteLocation(f.outcome));
  }
  return out;
}

}  // namespace

int RunTest(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  auto c = Compile(options.inputs, MakeCompileOptions(options, true));
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok) return 1;
  std::string problem;
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  if (!engine) {
    err << problem << '\n';
    return 1;
  }
  Session session(*engine);
  size_t passed = 0, failed = 0;
  const ast::Ast& ast = c->sources.ast;
  for (const ast::File& file : ast.files) {
    if (!file.policy) continue;
    const SourceFile& source = c->sources.files.Get(file.file);
    session.SetPolicyFilter(file.policy->id.text);
    for (const ast::Test& test : file.tests) {
      if (!options.filter.empty() && test.name.text.find(options.filter) == std::string::npos &&
          source.name().find(options.filter) == std::string::npos) {
        continue;
      }
      std::string_view json = std::string_view(source.text())
                                  .substr(ast.json[test.given].span.begin,
                                          ast.json[test.given].span.size());
      LineCol at = source.Locate(test.name.span.begin);
      std::string where = fmt::format("{}:{}", source.name(), at.line);
      RecordError error;
      std::vector<std::string> problems;
      if (!session.Evaluate(json, error)) {
        problems.push_back(fmt::format("the given record is malformed: [{}] {}",
                                       RecordErrorId(error.code), error.message));
      } else {
        const ClaimDecision& decision = session.decision();
        for (const ast::Expect& expect : test.expects) {
          auto line = static_cast<uint32_t>(expect.line - 1);
          if (line >= decision.lines.size()) {
            problems.push_back(fmt::format("line {}: the claim has no such line", expect.line));
            continue;
          }
          const LineDecision& d = decision.lines[line];
          Decision want = expect.decision;
          bool ok = d.decision == want;
          if (ok && expect.reason) {
            ok = false;
            for (uint32_t i = 0; i < d.finding_count; ++i) {
              const Finding& f = decision.findings[d.first_finding + i];
              uint32_t reason = f.reason;
              if (reason == UINT32_MAX && f.auto_message) reason = engine->documentation_reason();
              if (DecisionOfFinding(f.kind) == want && reason != UINT32_MAX &&
                  engine->program().reasons[reason].name == expect.reason->text) {
                ok = true;
              }
            }
          }
          if (!ok) {
            problems.push_back(fmt::format(
                "line {}: expected {}{}\n       got {}", expect.line, DecisionName(expect.decision),
                expect.reason ? " " + expect.reason->text : "",
                DescribeLine(*engine, decision, line)));
          }
        }
      }
      if (problems.empty()) {
        ++passed;
        out << fmt::format("PASS {} {}\n", where, test.name.text);
      } else {
        ++failed;
        out << fmt::format("FAIL {} {}\n", where, test.name.text);
        for (const std::string& p : problems) out << "     " << p << '\n';
      }
    }
  }
  out << fmt::format("{} passed, {} failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace warrant::driver
