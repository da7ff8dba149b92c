// `warrant diff OLD NEW [CLAIMS]`: the static change between two packs or criteria trees
// (diff_static.h) and, with claims, the decisions that change (diff_impact.h). Exit 0 when
// nothing changes, 1 when something does, so a release can be gated on it; criteria that do not
// compile or a pack that cannot be used exit 4, so a gate can tell "changed" from "not compared".
#include <fmt/format.h>

#include "compiler/driver/claims_input.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/diff_render.h"
#include "compiler/driver/file_io.h"
#include "runtime/engine/engine.h"

namespace warrant::driver {
namespace {

// Not 1: that is diff's "something changes".
constexpr int kExitNotCompared = 4;

}  // namespace

int RunDiff(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.json_output && !options.html.empty()) {
    err << "warrant diff: --json and --html are two forms of one view (use one)\n";
    return 2;
  }
  // Each tree is built with its own project's terminology, as `run` would build it.
  Options old_options = options, new_options = options;
  if (!UseProjectTerminology(options.inputs[0], old_options, err) ||
      !UseProjectTerminology(options.inputs[1], new_options, err)) {
    return 2;
  }
  int status = 1;
  auto old_engine = LoadEngine(options.inputs[0], old_options, out, err, status);
  if (!old_engine)
    return status == 1 ? kExitNotCompared : status;
  auto new_engine = LoadEngine(options.inputs[1], new_options, out, err, status);
  if (!new_engine)
    return status == 1 ? kExitNotCompared : status;

  DiffView view;
  view.old_name = options.inputs[0];
  view.new_name = options.inputs[1];
  view.changes = CompareStatic(old_engine->program(), old_engine->terminology(),
                               new_engine->program(), new_engine->terminology());

  ImpactData impact;
  if (options.inputs.size() > 2) {
    impact.input = options.inputs[2];
    InputFile file;
    std::istream* input = OpenInput(impact.input, in, file, err);
    if (input == nullptr)
      return kExitIo;
    ImpactOptions measure;
    measure.examples = static_cast<size_t>(options.examples);
    measure.keep_claims = options.explain_examples;
    if (!MeasureImpact(*old_engine, *new_engine, *input, measure, impact) || ReadFailed(*input)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, impact.input, ReadError(*input));
      return kExitIo;
    }
    if (options.explain_examples)
      ExplainExamples(*old_engine, *new_engine, options.json_output, impact);
    view.impact = &impact;
  }

  std::string text;
  if (!options.html.empty()) {
    WriteDiffHtml(view, text);
    std::string why;
    if (!WriteWholeFile(options.html, text, why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.html, why);
      return kExitIo;
    }
  } else {
    if (options.json_output)
      WriteDiffJson(view, text);
    else
      WriteDiffText(view, text);
    out << text << std::flush;
    if (!out) {
      PrintPlain(err, diag::DiagCode::CannotWrite, "<stdout>", WriteError(out));
      return kExitIo;
    }
  }
  // With claims the gate is the decisions; without, any change to the criteria.
  const bool changed = view.impact ? impact.changed_lines > 0 : !view.changes.empty();
  return changed ? 1 : 0;
}

}  // namespace warrant::driver
