// `warrant explain`: why each line of a claim was decided as it was.
//
// Reads one claim (a .json file holding one JSON object, possibly over several lines) or an
// NDJSON stream, decides each selected claim with a trace recorder attached, and writes the
// explanation as text (default), JSON (--json, one object per claim per line of output) or a
// self-contained HTML report for one claim (--html FILE). A malformed record is reported with
// its input line and code and the other claims are still explained. An X12 837 or FHIR input
// (told by its first bytes or --input-format) is converted first, each claim explained as its
// Warrant record. With --tests it explains
// the claims the criteria's own test blocks give (golden tests pin those explanations).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "compiler/base/integer.h"
#include "compiler/compile.h"
#include "compiler/driver/claims_input.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/record_message.h"
#include "compiler/driver/test_blocks.h"
#include "runtime/core/text.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_render.h"
#include "runtime/formats/claim_input.h"
#include "runtime/history/sqlite_history.h"

namespace warrant::driver {
namespace {

struct Record {
  std::string_view text;
  uint64_t number = 0;                        // 1-based input line
  const ConvertedClaim* converted = nullptr;  // its claim, for an X12 or FHIR input
};

// A store's lines joined to each claim, never written: explaining decides nothing for good.
class ReadOnlyHistory final : public HistorySource {
 public:
  explicit ReadOnlyHistory(HistorySource& store) : store_(store) {}

  bool Load(std::string_view patient, std::vector<HistoryLine>& out, std::string& error) override {
    return store_.Load(patient, out, error);
  }

  bool LoadPacked(std::string_view patient, PackedLines& out, std::string& error) override {
    return store_.LoadPacked(patient, out, error);
  }

  bool Record(const ClaimHistory&, std::string&) override { return true; }

  bool RecordPacked(const PackedClaim&, std::string&) override { return true; }

 private:
  HistorySource& store_;
};

// How the text is written: the trace when asked, colour on a terminal (not under NO_COLOR).
ExplainTextOptions TextOptions(const Options& options) {
  return {.trace = options.explain_trace, .color = options.color_out};
}

// A .json file is one claim; anything else is NDJSON, one claim per non-blank line.
std::vector<Record> SplitRecords(const std::string& name, std::string_view text) {
  std::vector<Record> records;
  bool single = name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0;
  if (single) {
    records.push_back({text, 1});
    return records;
  }
  size_t begin = 0;
  uint64_t number = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos)
      end = text.size();
    ++number;
    std::string_view line = text.substr(begin, end - begin);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos)
      records.push_back({line, number});
    begin = end + 1;
  }
  return records;
}

// Explains each claim one test block gives, by its own file's policy (as `warrant test` runs it).
int ExplainTests(const Options& options, std::ostream& out, std::ostream& err) {
  auto c = Compile(options.inputs, MakeCompileOptions(options, true));
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  std::string problem;
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  if (!engine) {
    err << problem << '\n';
    return 1;
  }
  Session session(*engine);
  session.SetDecodeAll(true);  // explain shows the claim as given, not only what rules read
  Explainer explainer(*engine);
  TraceRecorder recorder;
  std::string output;
  size_t explained = 0, malformed = 0;
  const ExplainOptions how{.all_policies = options.all_policies};
  ForEachTest(*c, options, session,
              [&](const ast::File& /*file*/, const SourceFile& source, const ast::Test& test,
                  std::string_view json) {
                LineCol at = source.Locate(test.name.span.begin);
                recorder.Clear();
                RecordError error;
                if (!session.Evaluate(json, error, &recorder)) {
                  ++malformed;
                  err << fmt::format("{}:{}: test \"{}\": error[{}]: {}\n", source.name(), at.line,
                                     test.name.text, RecordErrorId(error.code), error.message);
                  return;
                }
                Explanation x =
                    Explain(explainer, session.claim(), session.decision(), recorder.events(), how);
                if (options.json_output) {
                  output += fmt::format(
                      "{{\"test\":{},\"at\":{},\"explanation\":", JsonString(test.name.text),
                      JsonString(fmt::format("{}:{}", source.name(), at.line)));
                  WriteExplainJson(x, output);
                  output += "}\n";
                } else {
                  if (explained)
                    output += '\n';
                  output += fmt::format("=== test \"{}\" ({}:{})\n", test.name.text, source.name(),
                                        at.line);
                  WriteExplainText(x, output, TextOptions(options));
                }
                ++explained;
              });
  out << output;
  if (explained == 0 && malformed == 0) {
    err << "warrant explain --tests: no test blocks\n";
    return 1;
  }
  return malformed ? 1 : 0;
}

}  // namespace

int RunExplain(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.explain_tests) {
    if (!options.html.empty()) {
      err << "warrant explain: --tests writes text or JSON, not HTML\n";
      return 2;
    }
    return ExplainTests(options, out, err);
  }
  if (options.inputs.size() < 2) {
    err << "warrant explain: missing the claims to explain (a .json or .ndjson file, or - for "
           "stdin)\n";
    return 2;
  }
  if (options.inputs.size() > 2) {
    err << fmt::format("warrant explain: unexpected argument `{}`\n", options.inputs[2]);
    return 2;
  }
  for (const std::string& input : options.inputs) {
    if (!options.html.empty() && input != "-" && SameFile(options.html, input)) {
      err << fmt::format(
          "warrant explain: `--html {}` names the input `{}`; write the report to "
          "another file\n",
          options.html, input);
      return 2;
    }
  }
  int status = 1;
  auto engine = LoadEngine(options.inputs[0], options, out, err, status);
  if (!engine)
    return status;

  std::string name = options.inputs.size() > 1 ? options.inputs[1] : "-";
  std::string text;
  if (!ReadClaimsText(name, in, text, err))
    return kExitIo;

  const InputFormat format = ChooseFormat(options.input_format, text);
  ConvertedInput converted;
  std::vector<Record> records;
  if (format != InputFormat::Ndjson) {
    converted = ConvertClaims(format, text, name);
    for (const ConvertedClaim& claim : converted.claims)
      records.push_back({claim.json, claim.line, &claim});
  } else if (StartsAsJsonArray(text)) {
    PrintPlain(err, diag::DiagCode::ClaimsNotNdjson, name);
    return 1;
  } else {
    records = SplitRecords(name, text);
  }

  ExplainOptions explain_options;
  explain_options.all_policies = options.all_policies;
  if (!options.explain_line.empty()) {
    const std::optional<int64_t> line = ParseInteger(options.explain_line, 1, 1000000);
    if (!line) {
      err << fmt::format("warrant explain: `--line` takes a line number (1, 2, ...), not `{}`\n",
                         options.explain_line);
      return 2;
    }
    explain_options.only_line = static_cast<uint32_t>(*line);
  }

  std::unique_ptr<SqliteHistory> store;
  std::unique_ptr<ReadOnlyHistory> history;
  const HistoryStatuses statuses;
  Session session(*engine);
  session.SetDecodeAll(true);  // explain shows the claim as given, not only what rules read
  if (!options.history.empty()) {
    std::string why;
    store = SqliteHistory::Open(options.history, SqliteHistory::Mode::Read, why);
    if (!store) {
      err << "warrant explain: " << why << '\n';
      return kExitIo;
    }
    history = std::make_unique<ReadOnlyHistory>(*store);
    session.SetHistory(history.get(), &statuses);
  }
  Explainer explainer(*engine);
  TraceRecorder recorder;
  std::string output;
  std::string html;
  size_t explained = 0, malformed = 0;
  for (const Record& record : records) {
    RecordError error;
    recorder.Clear();
    bool decoded;
    if (record.converted != nullptr && !record.converted->error.empty()) {
      error = ConversionError(*record.converted);
      decoded = false;
    } else {
      decoded = session.Evaluate(record.text, error, &recorder);
      if (!decoded && record.converted != nullptr)
        LocateRecordError(*record.converted, error);
    }
    if (!decoded && !session.history_failure().empty()) {
      err << "warrant explain: " << session.history_failure() << '\n';
      return kExitIo;
    }
    if (!decoded) {
      // A malformed record only matters when it could be the claim asked for.
      if (options.claim_id.empty() || error.claim_id == options.claim_id ||
          error.claim_id.empty()) {
        ++malformed;
        err << RecordErrorLine(name, record.number, error);
      }
      continue;
    }
    const Claim& claim = session.claim();
    std::string_view id = claim.present.Has(FieldId::claim_id) ? claim.Str(claim.id) : "";
    if (!options.claim_id.empty() && id != options.claim_id)
      continue;
    if (explain_options.only_line > claim.lines.size()) {
      err << fmt::format("{}:{}: claim `{}` has {} line{}; there is no line {}\n", name,
                         record.number, TerminalText(id, {.max = kShownIdBytes, .size = true}),
                         claim.lines.size(), claim.lines.size() == 1 ? "" : "s",
                         explain_options.only_line);
      ++malformed;
      continue;
    }
    Explanation x =
        Explain(explainer, claim, session.decision(), recorder.events(), explain_options);
    ++explained;
    if (!options.html.empty()) {
      if (explained > 1) {
        err << "warrant explain: the HTML report is for one claim; pick one with --claim ID\n";
        return 2;
      }
      WriteExplainHtml(x, record.text, html);
    } else if (options.json_output) {
      WriteExplainJson(x, output);
      output += '\n';
    } else {
      if (explained > 1)
        output += '\n';
      WriteExplainText(x, output, TextOptions(options));
    }
  }
  // Envelope and document errors: every claim before them is explained above.
  PrintInputProblems(err, converted.problems);
  malformed += converted.problems.size();
  if (!options.html.empty() && explained == 1) {
    std::string why;
    if (!WriteWholeFile(options.html, html, why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.html, why);
      return kExitIo;
    }
    err << fmt::format("warrant explain: wrote {}\n", options.html);
  }
  out << output;
  if (explained == 0) {
    if (!options.claim_id.empty()) {
      err << fmt::format("warrant explain: no claim `{}` in {}\n",
                         TerminalText(options.claim_id, {.max = kShownIdBytes, .size = true}),
                         name);
    } else if (malformed == 0) {
      err << fmt::format("warrant explain: {} holds no claim\n", name);
    }
    return 1;
  }
  return malformed ? 1 : 0;
}

}  // namespace warrant::driver
