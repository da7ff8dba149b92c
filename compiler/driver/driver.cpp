// The command table of the `warrant` CLI and Run(): find the command (and verb), parse its
// arguments (options.cpp), apply the project file (project.cpp), run it.
#include "compiler/driver/driver.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string_view>

#include <fmt/format.h>

#include "compiler/check/suggest.h"
#include "compiler/driver/cli.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/terminal.h"

namespace warrant::driver {
namespace {

using namespace opt;

constexpr const OptionSpec* kCheckOptions[] = {&kDump, &kDiagnostics, &kTerminology};
constexpr const OptionSpec* kBuildOptions[] = {&kPackOutput, &kTerminology, &kDiagnostics,
                                               &kNoProgress};
constexpr const OptionSpec* kRunOptions[] = {&kDecisionsOutput, &kOutputFormat, &kJobs,
                                             &kExplainFindings, &kStrict,       &kInputFormat,
                                             &kTerminology,     &kDiagnostics,  &kNoProgress,
                                             &kHistory,         &kHistoryStatus};
constexpr const OptionSpec* kExplainOptions[] = {
    &kClaim, &kLine,   &kJson,        &kHtml,        &kExplainTrace, &kAllPolicies,
    &kTests, &kFilter, &kInputFormat, &kTerminology, &kDiagnostics,  &kExplainHistory};
constexpr const OptionSpec* kHistoryImportOptions[] = {&kHistoryStore, &kInputFormat};
constexpr const OptionSpec* kHistoryShowOptions[] = {&kHistoryStore, &kHistoryJson};
constexpr const OptionSpec* kHistoryExportOptions[] = {&kHistoryStore, &kHistoryOutput};
constexpr const OptionSpec* kConvertOptions[] = {&kFrom, &kTo};
constexpr const OptionSpec* kTestOptions[] = {&kFilter,      &kJunit,      &kCoverage,
                                              &kMinCoverage, &kTestStrict, &kTerminology,
                                              &kDiagnostics, &kNoProgress};
constexpr const OptionSpec* kLintOptions[] = {&kDenyWarnings, &kTerminology, &kDiagnostics};
constexpr const OptionSpec* kImportOptions[] = {&kWtermOutput};
constexpr const OptionSpec* kCodesetShowOptions[] = {&kAsOf, &kTerminology, &kDiagnostics};
constexpr const OptionSpec* kDisasmOptions[] = {&kTerminology, &kDiagnostics};
constexpr const OptionSpec* kLspOptions[] = {&kTerminology};
constexpr const OptionSpec* kFmtOptions[] = {&kCheckOnly};
constexpr const OptionSpec* kSchemaOptions[] = {&kJsonSchema};
constexpr const OptionSpec* kServeOptions[] = {
    &kListen,       &kTlsCert, &kTlsKey,         &kTokenFile,   &kMaxBody,     &kReadTimeout,
    &kWriteTimeout, &kThreads, &kMaxConnections, &kNoAccessLog, &kTerminology, &kDiagnostics};
constexpr const OptionSpec* kReportOptions[] = {
    &kReportPack, &kReportClaims, &kTop, &kViewJson, &kViewHtml, &kTerminology, &kDiagnostics};
constexpr const OptionSpec* kDiffOptions[] = {&kExamples, &kExplainExamples, &kViewJson,
                                              &kViewHtml, &kDiffTerminology, &kDiagnostics};

constexpr size_t kMany = SIZE_MAX;

const CommandSpec kCommands[] = {
    {"check", "<files|dirs>...", "parse and type-check criteria; exit 1 on errors",
     "Reads every `.warrant` file named or under the directories named, with their imports, and "
     "reports every error and warning with its code, position and a help line. The code generator "
     "runs too, so limits it finds are reported.",
     kCheckOptions, 1, kMany, ValueKind::Path, &RunCheck, false},
    {"build", "<dirs|files>... -o rules.wpk", "compile criteria into a rule pack",
     "The pack holds the bytecode, the codesets, tables and reasons, the sources and the "
     "terminology it was built with; the same inputs always give the same bytes. Warns (W0603) "
     "when the criteria call billable() or exists() and no terminology is loaded.",
     kBuildOptions, 1, kMany, ValueKind::Path, &RunBuild, false},
    {"run", "<pack.wpk|dir> [claims.ndjson|claims.837|-]",
     "decide every claim line of an NDJSON, X12 837 or FHIR input",
     "Reads claims (standard input without a file, or with -) and writes one decision record per "
     "claim, in input order whatever -j is; a malformed line or claim gets an error record in "
     "its place. X12 837 and FHIR R4 inputs are told by their first bytes (or --input-format), "
     "read whole and each claim decided as its Warrant record (docs/formats.md); an envelope "
     "error is reported and exits 1, every claim before it still decided. The summary goes to "
     "standard error.",
     kRunOptions, 1, 2, ValueKind::Path, &RunRun, false},
    {"explain", "<pack.wpk|dir> <claim.json|claims.ndjson|->  |  --tests <dirs|files>...",
     "show why each line of a claim was decided as it was",
     "Answer first: per line the decision and each finding with its CARC/RARC and group, the "
     "policy's citation, what would change it and the values that decided it; --trace adds each "
     "rule's statements and values, --all-policies the policies that did not apply.",
     kExplainOptions, 1, kMany, ValueKind::Path, &RunExplain, false},
    {"convert", "<claims.837|claims.json|->",
     "print the claims of an X12 837 or FHIR input as Warrant NDJSON",
     "One Warrant JSON record per claim on standard output, as `warrant run` decides it "
     "(docs/formats.md has the mapping); a claim that cannot be read and an envelope error are "
     "reported on standard error with where they are, and exit 1.",
     kConvertOptions, 1, 1, ValueKind::Path, &RunConvert, false},
    {"report", "<decisions.ndjson|->",
     "totals and rates over a run's decisions: by decision, policy, rule, reason, code",
     "Reads the decision records `warrant run` wrote and counts the lines by decision, policy, "
     "rule, reason, CARC, RARC, procedure code and service month (with --claims, the claims "
     "the decisions were made from, read in step), and the missing documentation pended lines "
     "name. Memory stays flat however many records there are: each table keeps "
     "its first 1000 keys and counts the rest as (other). Malformed lines are counted and the "
     "first ten named by input line. Text by default (the --top largest rows of each table), "
     "--json, or --html for a page with inline SVG charts (docs/report.md).",
     kReportOptions, 1, 1, ValueKind::Path, &RunReport, false},
    {"diff", "<old.wpk|dir> <new.wpk|dir> [claims.ndjson|-]",
     "what changes between two packs or criteria trees, and which decisions change",
     "The static change: policies and versions added or removed, effective dates and titles, "
     "rules added, removed or changed (with the changed source lines), codes added to and "
     "removed from codesets (with their descriptions when terminology is loaded), table rows, "
     "reasons and top-level lets. "
     "With claims, decides every claim by both and counts the lines whose decision or reason "
     "changes by transition (`covered -> denied frequency`), with example claims. Exit 0 when "
     "nothing changes (with claims: no decision changes), 1 when something does, 4 when "
     "criteria do not compile or a pack cannot be used (docs/report.md).",
     kDiffOptions, 2, 3, ValueKind::Path, &RunDiff, false},
    {"test", "<dirs|files>...", "run the criteria's test blocks; exit 1 on any failure",
     "Each test block's claim is decided by the policy of its own file and every `expect` is "
     "checked.",
     kTestOptions, 1, kMany, ValueKind::Path, &RunTest, false},
    {"lint", "<files|dirs>...", "warn about criteria that check but look wrong (W07xx)", "",
     kLintOptions, 1, kMany, ValueKind::Path, &RunLint, false},
    {"terminology",
     "",
     "import CMS code-set releases; list the versions a pack or file holds",
     "",
     {},
     0,
     0,
     ValueKind::Path,
     nullptr,
     false},
    {"terminology import", "<files|dirs>... -o codes.wterm",
     "convert CMS release files or zips to one .wterm file", "", kImportOptions, 1, kMany,
     ValueKind::Path, &RunTerminology, false},
    {"terminology list",
     "<codes.wterm|pack.wpk|files|dirs>...",
     "list the code-set versions a .wterm file, a pack or CMS files hold",
     "",
     {},
     1,
     kMany,
     ValueKind::Path,
     &RunTerminology,
     false},
    {"codeset",
     "",
     "list the codes a codeset holds on a date of service",
     "",
     {},
     0,
     0,
     ValueKind::Path,
     nullptr,
     false},
    {"codeset show", "NAME <dir|files>", "list the codes codeset NAME holds",
     "Without --as-of, or without terminology for that date, lists the codeset's intervals.",
     kCodesetShowOptions, 2, 2, ValueKind::Path, &RunCodeset, false},
    {"history",
     "",
     "keep claim history in a store: import, show and export it",
     "The store `run --history` reads each patient's prior claim lines from and records decided "
     "claims in (docs/history.md).",
     {},
     0,
     0,
     ValueKind::Path,
     nullptr,
     false},
    {"history import", "<records.ndjson|->... --history store.db",
     "add history records (NDJSON, one claim with its lines' statuses per line) to a store",
     "X12 837 and FHIR inputs (a Bundle of ExplanationOfBenefit or Claim resources) are converted "
     "as `run` reads them, each line recorded paid unless its allowed amount is 0. Each record "
     "replaces the stored lines of its claim (a replacement's also those of the claim "
     "it names; a void removes them). All records go in, or on an error none: the message names "
     "the file and line.",
     kHistoryImportOptions, 1, kMany, ValueKind::File, &RunHistory, false},
    {"history show", "PATIENT --history store.db", "list one patient's stored claim lines", "",
     kHistoryShowOptions, 1, 1, ValueKind::Text, &RunHistory, false},
    {"history export", "--history store.db [-o FILE]",
     "write every stored claim as a history record (NDJSON), by patient then claim", "",
     kHistoryExportOptions, 0, 0, ValueKind::Path, &RunHistory, false},
    {"schema", "[pack.wpk|dir|file.warrant]",
     "print the claim schema: records, fields, types, the pack's extensions and facts",
     "Lists every record of the claim JSON with its fields: type, what an absent (or null) field "
     "is, and a description; fields a pack adds with `extend` are marked +, its facts listed "
     "under `facts`. Without an argument, the criteria of the current directory; a directory "
     "without criteria gives the base schema. With --json-schema, a JSON Schema of the claims "
     "`warrant run` accepts, for producers to validate against.",
     kSchemaOptions, 0, 1, ValueKind::Path, &RunSchema, false},
    {"serve", "<pack.wpk|dir>", "decide claims over HTTP: POST /v1/decide, /v1/explain",
     "An HTTP/1.1 service over one pack (docs/serve.md): POST /v1/decide takes a claim (Warrant "
     "JSON, X12 837 or FHIR) and answers its decision records, POST /v1/explain its explanation, "
     "POST /v1/reload and SIGHUP load the pack again (a pack that fails to load leaves the old "
     "one serving), GET /healthz and GET /metrics (Prometheus). Serves loopback only unless "
     "--listen says otherwise; TLS with --tls-cert and --tls-key, bearer tokens with "
     "--token-file. SIGTERM finishes the requests in flight and exits 0.",
     kServeOptions, 1, 1, ValueKind::Path, &RunServe, false},
    {"disasm", "<pack.wpk|dir>", "list a pack's bytecode with its source lines", "", kDisasmOptions,
     1, 1, ValueKind::Path, &RunDisasm, false},
    {"fmt", "<files|dirs|->...",
     "rewrite criteria in the canonical layout; --check lists what would change",
     "A file that does not parse is reported and left as it is; - formats standard input to "
     "standard output.",
     kFmtOptions, 1, kMany, ValueKind::Path, &RunFmt, false},
    {"lsp", "", "a language server for editors, on standard input and output",
     "Diagnostics as you type, hover, definitions, references, completion, formatting and quick "
     "fixes, over JSON-RPC on standard input and output (docs/authoring.md, Editors).",
     kLspOptions, 0, 0, ValueKind::Path, &RunLsp, false},
    {"help",
     "[command [verb]]",
     "show the options of a command",
     "",
     {},
     0,
     2,
     ValueKind::Text,
     &RunHelp,
     false},
    {"completions",
     "bash|zsh",
     "print the shell completion script",
     "Install the output as /usr/share/bash-completion/completions/warrant (bash) or as _warrant "
     "in a directory of $fpath (zsh); `cmake --install` does both.",
     {},
     1,
     1,
     ValueKind::Text,
     &RunCompletions,
     true},
    {"man", "", "print the manual page (roff)", "", {}, 0, 0, ValueKind::Text, &RunMan, true},
};

int UsageError(const CommandSpec& command, std::string_view problem, std::ostream& err) {
  err << fmt::format("warrant {}: {}\n{}\n", command.name, problem, UsageLines(command));
  std::string_view group = command.name.substr(0, command.name.find(' '));
  err << fmt::format("see `warrant help {}` for the options\n", group);
  return 2;
}

// Prints "FILE:LINE:COL: error[E0008]: ..." for a bad warrant.toml; returns the usage exit code.
int ProjectError(const ProjectProblem& problem, bool color, std::ostream& err) {
  const diag::DiagInfo& info = diag::Info(diag::DiagCode::ProjectFile);
  err << fmt::format("{}: {}: {}\n", problem.where,
                     Paint(fmt::format("error[{}]", info.code), Color::Red, color),
                     Paint(problem.message, Color::Bold, color));
  err << "   = help: " << (problem.help.empty() ? info.help : problem.help) << '\n';
  return 2;
}

}  // namespace

std::span<const CommandSpec> Commands() {
  return kCommands;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& c : kCommands) {
    if (c.name == name)
      return &c;
  }
  return nullptr;
}

std::vector<const CommandSpec*> VerbsOf(const CommandSpec& group) {
  std::vector<const CommandSpec*> verbs;
  for (const CommandSpec& c : kCommands) {
    if (c.name.size() > group.name.size() && c.name.substr(0, group.name.size()) == group.name &&
        c.name[group.name.size()] == ' ') {
      verbs.push_back(&c);
    }
  }
  return verbs;
}

int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err) {
  if (args.empty()) {
    PrintMainHelp(err);
    return 2;
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h") {
    PrintMainHelp(out);
    return 0;
  }
  if (first == "--version" || first == "-V" || first == "version") {
    out << "warrant " << WARRANT_VERSION << '\n';
    return 0;
  }
  const CommandSpec* command = first.find(' ') == std::string::npos ? FindCommand(first) : nullptr;
  if (command == nullptr) {
    std::vector<std::string> names;
    std::string known;
    for (const CommandSpec& c : kCommands) {
      if (c.hidden || c.name.find(' ') != std::string_view::npos)
        continue;
      names.emplace_back(c.name);
      known += fmt::format("{}{}", known.empty() ? "" : ", ", c.name);
    }
    err << "warrant: unknown " << (first.size() > 1 && first[0] == '-' ? "option" : "command")
        << " `" << first << "`";
    const std::string hint = check::DidYouMean(first, names);
    err << (hint.empty() ? "" : "; ") << hint << '\n';
    err << "commands: " << known << " (see `warrant --help`)\n";
    return 2;
  }
  size_t consumed = 1;
  if (command->run == nullptr) {  // a group: the verb comes next
    const std::vector<const CommandSpec*> verbs = VerbsOf(*command);
    const std::string verb = args.size() > 1 ? args[1] : "";
    if (verb == "--help" || verb == "-h") {
      PrintCommandHelp(*command, out);
      return 0;
    }
    const CommandSpec* chosen = nullptr;
    std::vector<std::string> names;
    for (const CommandSpec* v : verbs) {
      std::string_view name = v->name.substr(command->name.size() + 1);
      names.emplace_back(name);
      if (name == verb)
        chosen = v;
    }
    if (chosen == nullptr) {
      std::string listed;
      for (size_t i = 0; i < names.size(); ++i)
        listed += fmt::format("{}`{}`",
                              i == 0                  ? ""
                              : i + 1 == names.size() ? " or "
                                                      : ", ",
                              names[i]);
      return UsageError(*command,
                        verb.empty() ? fmt::format("missing the verb: {}", listed)
                                     : fmt::format("unknown verb `{}` (use {})", verb, listed),
                        err);
    }
    command = chosen;
    consumed = 2;
  }

  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(consumed), args.end());
  ParsedCommand parsed = ParseCommandLine(*command, rest);
  if (parsed.help) {
    PrintCommandHelp(*command, out);
    return 0;
  }
  if (!parsed.problem.empty())
    return UsageError(*command, parsed.problem, err);
  ProjectProblem project_problem;
  if (!ApplyProjectFile(*command, parsed, project_problem))
    return ProjectError(project_problem, UseColor(err), err);

  ApplyDefaults(parsed);
  Options& options = parsed.options;
  options.color_out = UseColor(out);
  options.color_err = UseColor(err);
  options.command_line = args;
  if (consumed == 2) {
    // A verb's command sees the verb as its first input (commands.h).
    options.inputs.insert(options.inputs.begin(),
                          std::string(command->name.substr(command->name.find(' ') + 1)));
  }
  return command->run(options, in, out, err);
}

}  // namespace warrant::driver
