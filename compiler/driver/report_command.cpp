// `warrant report DECISIONS`: totals and rates over a run's decision records, as text, JSON or
// an HTML page (report_render.h). Reads the records as a stream, one line at a time, into
// bounded counters (report_data.h), so memory does not grow with the input.
#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/report_data.h"
#include "compiler/driver/report_render.h"
#include "runtime/engine/engine.h"
#include "runtime/records/ndjson.h"

namespace warrant::driver {
namespace {

// The titles and citations of the pack's policies, the latest version's for each id.
bool ReadPolicies(const Options& options, ReportData& data, std::ostream& out, std::ostream& err,
                  int& status) {
  Options pack_options = options;
  if (!UseProjectTerminology(options.pack, pack_options, err)) {
    status = 2;
    return false;
  }
  auto engine = LoadEngine(options.pack, pack_options, out, err, status);
  if (!engine)
    return false;
  for (const PolicyData& p : engine->program().policies) {
    PolicyNote& note = data.policies[p.id];
    if (note.versions.empty() || p.version >= note.versions.back()) {
      note.title = p.title;
      note.source = p.source;
    }
    note.versions.push_back(p.version);
  }
  return true;
}

}  // namespace

int RunReport(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.json_output && !options.html.empty()) {
    err << "warrant report: --json and --html are two forms of one report (use one)\n";
    return 2;
  }
  ReportData data;
  if (!options.pack.empty()) {
    int status = 1;
    if (!ReadPolicies(options, data, out, err, status))
      return status;
  }
  data.input = options.inputs[0];
  InputFile file;
  std::istream* input = &in;
  if (data.input == "-") {
    data.input = "<stdin>";
  } else {
    std::string why;
    if (!file.Open(data.input, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, data.input, why);
      return kExitIo;
    }
    input = &file.stream();
  }

  NdjsonReader reader(*input);
  DecisionReader decisions;
  NdjsonLine line;
  while (reader.Next(line)) {
    if (line.truncated) {
      DecisionRecord cut;
      cut.problem = "a line too long to be a decision record";
      data.Add(cut, line.number);
      continue;
    }
    data.Add(decisions.Parse(line.text), line.number);
  }
  if (reader.failed() || ReadFailed(*input)) {
    PrintPlain(err, diag::DiagCode::CannotReadFile, data.input, ReadError(*input));
    return kExitIo;
  }

  std::string text;
  const size_t top = static_cast<size_t>(options.top);
  if (!options.html.empty()) {
    WriteReportHtml(data, top, text);
    std::string why;
    if (!WriteWholeFile(options.html, text, why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.html, why);
      return kExitIo;
    }
  } else {
    if (options.json_output)
      WriteReportJson(data, text);
    else
      WriteReportText(data, top, text);
    out << text << std::flush;
    if (!out) {
      PrintPlain(err, diag::DiagCode::CannotWrite, "<stdout>", WriteError(out));
      return kExitIo;
    }
  }
  // Some lines, none of them a record: most likely not a decisions file at all.
  const bool nothing_read = data.lines == 0 && data.errors == 0 && data.malformed > 0;
  if (nothing_read) {
    err << fmt::format("warrant report: no line of `{}` is a decision record\n", data.input);
    return 1;
  }
  return 0;
}

}  // namespace warrant::driver
