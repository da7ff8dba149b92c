// `warrant test`: run every `test` block against the policy of its file.
//
// A test's claim is the record the checker built from its `given` (fixtures merged, generated
// records written out); it is decided by the versions of its own file's policy only (the version
// in force on each line's date), so a test beside NCD 210.3 is not disturbed by other criteria
// in the pack — unless it is a `pack` test, which every policy decides. A test that `needs
// terminology` is skipped, and counted as skipped, when none is loaded. Each `expect` is checked
// by test_expect.h. A key of a `given` record the claim schema does not declare is ignored with
// a warning (W0604), as `warrant run` ignores it; with --strict it is an error (E0314). With
// --junit the results are also written as JUnit XML (junit.h); with --coverage or --min-coverage
// every decision also runs under a CoverageSink and the report is printed by coverage_report.h.
#include <ostream>

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/coverage_report.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/junit.h"
#include "compiler/driver/terminal.h"
#include "compiler/driver/test_blocks.h"
#include "compiler/driver/test_expect.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/coverage.h"

namespace warrant::driver {

int RunTest(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  // With JSON coverage, standard output is the JSON document alone; the report goes to stderr.
  std::ostream& report = options.coverage == "json" ? err : out;
  const bool color = &report == &out ? options.color_out : options.color_err;
  // The bar shares no stream with the report, and is shown when the report is not on a terminal
  // (where its lines already show the progress).
  Progress progress(err, options.progress && &report == &out && IsTerminal(err) && !IsTerminal(out),
                    0);
  CompileOptions compile = MakeCompileOptions(options, true);
  compile.strict_given = options.strict;
  compile.on_phase = [&](std::string_view phase) { progress.Phase(phase); };
  auto c = Compile(options.inputs, compile);
  progress.Finish();
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  std::string problem;
  ProgramSources sources(*c);
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  if (!engine) {
    err << problem << '\n';
    return 1;
  }
  bool measure = !options.coverage.empty() || options.min_coverage >= 0;
  CoverageSink coverage(engine->program());
  const size_t total = CountTests(*c, options);
  progress.Restart(total);
  Session session(*engine);
  std::vector<TestOutcome> results;
  size_t passed = 0, failed = 0, skipped = 0;
  bool have_terminology = !c->terminology.versions().empty();
  ForEachTest(
      *c, options, session,
      [&](const ast::File& file, const SourceFile& source, const ast::Test& test,
          std::string_view json) {
        TestOutcome result;
        result.file = source.name();
        result.name = test.name.text;
        result.where =
            fmt::format("{}:{}", source.name(), source.Locate(test.name.span.begin).line);
        if (test.needs_terminology && !have_terminology) {
          ++skipped;
          result.skipped =
              "needs terminology, and none is loaded: pass --terminology PATH or set "
              "WARRANT_TERMINOLOGY";
          report << fmt::format("SKIP {} {}\n     {}\n", result.where, result.name, result.skipped);
          results.push_back(std::move(result));
          return;
        }
        RecordError error;
        if (!session.Evaluate(json, error)) {
          result.problems.push_back(fmt::format("the given record is malformed: [{}] {}",
                                                RecordErrorId(error.code), error.message));
        } else {
          if (measure) {
            // Decided again under the sink: Evaluate decodes and decides without a trace.
            session.Decide(session.claim(), &coverage);
            coverage.ClaimDone(session.claim(), session.decision(),
                               test.pack ? std::string_view() : file.policy->id.text);
          }
          for (const ast::Expect& expect : test.expects) {
            std::string at =
                fmt::format("{}:{}", source.name(), source.Locate(expect.span.begin).line);
            std::vector<std::string> lines =
                CheckExpect(*engine, sources, session.decision(), expect, at);
            result.problems.insert(result.problems.end(), lines.begin(), lines.end());
          }
        }
        if (result.problems.empty()) {
          ++passed;
          report << fmt::format("{} {} {}\n", Paint("PASS", Color::Green, color), result.where,
                                result.name);
        } else {
          ++failed;
          report << fmt::format("{} {} {}\n", Paint("FAIL", Color::Red, color), result.where,
                                result.name);
          for (const std::string& line : result.problems)
            report << "     " << line << '\n';
        }
        results.push_back(std::move(result));
        progress.Advance(1, [&] { return fmt::format("{}/{} tests", passed + failed, total); });
      });
  progress.Finish();
  report << fmt::format("{} passed, {} failed", passed, failed);
  if (skipped)
    report << fmt::format(", {} skipped", skipped);
  report << '\n';

  int status = failed ? 1 : 0;
  if (!options.junit.empty()) {
    std::string why;
    if (!WriteWholeFile(options.junit, JunitXml(results), why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.junit, why);
      status = kExitIo;
    }
  }
  if (!measure)
    return status;

  const Program& program = engine->program();
  if (options.coverage == "json") {
    out << CoverageJson(program, sources, coverage, passed, failed);
  } else if (options.coverage == "text") {
    report << '\n';
    PrintCoverageText(program, sources, coverage, report);
  } else {
    report << SummaryLine(Totals(program, coverage)) << '\n';
  }
  if (options.min_coverage >= 0) {
    CoverageTotals t = Totals(program, coverage);
    bool ok_true =
        AtLeast(t.seen_true, t.requirements, static_cast<uint32_t>(options.min_coverage));
    bool ok_false =
        AtLeast(t.seen_false, t.requirements, static_cast<uint32_t>(options.min_coverage));
    if (!ok_true || !ok_false) {
      err << fmt::format(
          "warrant test: requirement coverage is below the minimum of {}.{}%: "
          "true {}, false {}\n",
          options.min_coverage / 10, options.min_coverage % 10,
          Percent(t.seen_true, t.requirements), Percent(t.seen_false, t.requirements));
      if (status == 0)
        status = 1;
    }
  }
  return status;
}

}  // namespace warrant::driver
