// `warrant report DECISIONS`: totals and rates over a run's decision records, as text, JSON or
// an HTML page (report_render.h). Reads the records as a stream, one line at a time, into
// bounded counters (report_data.h), so memory does not grow with the input.
#include <memory>

#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/driver/claims_input.h"
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

// The dates of service of the claims the decisions were made from, read in step with them:
// `run` writes each claim's records (one per line, or one error record) in input order, so
// the claims file is read one claim at a time as the decisions reach each claim's first record.
class ClaimDates {
 public:
  explicit ClaimDates(std::istream& in) : reader_(in) {}

  // Moves to the next claim; false at the end of the claims.
  bool Next() {
    NdjsonLine line;
    if (!reader_.Next(line))
      return false;
    id_.clear();
    claim_date_.clear();
    line_dates_.clear();
    simdjson::dom::element doc;
    if (line.truncated || parser_.parse(line.text.data(), line.text.size(), false).get(doc))
      return true;  // unreadable: `run` refused it too; its error record has no dates
    std::string_view text;
    if (!doc["id"].get_string().get(text))
      id_ = text;
    if (!doc["service_date"].get_string().get(text))
      claim_date_ = text;
    simdjson::dom::array lines;
    if (!doc["lines"].get_array().get(lines)) {
      for (simdjson::dom::element l : lines)
        line_dates_.emplace_back(l["date"].get_string().get(text) ? std::string() : text);
    }
    return true;
  }

  const std::string& id() const { return id_; }

  // Line `line`'s (1-based) date of service: its own, else the claim's.
  std::string_view DateOf(int64_t line) const {
    const auto index = static_cast<size_t>(line - 1);
    if (line >= 1 && index < line_dates_.size() && !line_dates_[index].empty())
      return line_dates_[index];
    return claim_date_;
  }

  bool failed() const { return reader_.failed(); }

 private:
  NdjsonReader reader_;
  simdjson::dom::parser parser_;
  std::string id_, claim_date_;
  std::vector<std::string> line_dates_;
};

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
  std::istream* input = OpenInput(data.input, in, file, err);
  if (input == nullptr)
    return kExitIo;

  InputFile claims_file;
  std::unique_ptr<ClaimDates> dates;
  if (!options.claims.empty()) {
    data.claims_input = options.claims;
    std::string why;
    if (!claims_file.Open(options.claims, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, options.claims, why);
      return kExitIo;
    }
    dates = std::make_unique<ClaimDates>(claims_file.stream());
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
    const DecisionRecord& record = decisions.Parse(line.text);
    std::string_view date;
    if (dates && data.join_problem.empty()) {
      const bool first = record.kind == DecisionRecord::Kind::Error ||
                         (record.kind == DecisionRecord::Kind::Decision && record.line == 1);
      if (first && !dates->Next()) {
        data.join_problem =
            fmt::format("the claims end before the decisions (input line {})", line.number);
      } else if (first && !record.claim.empty() && record.claim != dates->id()) {
        data.join_problem = fmt::format(
            "input line {} decides claim `{}` where the claims have `{}`: not the claims these "
            "decisions were made from",
            line.number, record.claim, dates->id());
      } else if (record.kind == DecisionRecord::Kind::Decision) {
        date = dates->DateOf(record.line);
      }
    }
    data.Add(record, line.number, date);
  }
  if (dates && dates->failed()) {
    PrintPlain(err, diag::DiagCode::CannotReadFile, options.claims,
               ReadError(claims_file.stream()));
    return kExitIo;
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
