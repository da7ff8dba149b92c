// The options of every command, each defined once, and the parser that reads them (CLI11); then
// the helpers commands share: diagnostics output and loading an engine from a pack or sources.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "compiler/base/integer.h"
#include "compiler/check/suggest.h"
#include "compiler/compile.h"
#include "compiler/diag/render.h"
#include "compiler/driver/cli.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/terminal.h"
#include "compiler/frontend/terminology_files.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/builtins.h"
#include "runtime/pack/pack.h"

namespace warrant::driver {

std::string OptionSpec::LongFlag() const {
  return fmt::format("--{}", name);
}

std::string OptionSpec::ProjectKey() const {
  std::string key(name);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

// ---- The options ------------------------------------------------------------------------------

namespace opt {
namespace {

bool SetJobs(Options& o, const std::string& value, std::string& problem) {
  if (const std::optional<int64_t> jobs = ParseInteger(value, 1, kMaxJobs)) {
    o.jobs = static_cast<int>(*jobs);
    return true;
  }
  problem = fmt::format("`-j` takes a number of threads from 1 to {}, not `{}`", kMaxJobs, value);
  return false;
}

// A percentage with at most one decimal, kept in tenths so the comparison is exact.
bool SetMinCoverage(Options& o, const std::string& value, std::string& problem) {
  const size_t dot = value.find('.');
  const std::string whole = value.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "0" : value.substr(dot + 1);
  auto digits = [](const std::string& t) {
    return !t.empty() && t.size() <= 3 && t.find_first_not_of("0123456789") == std::string::npos;
  };
  int tenths = -1;
  if (digits(whole) && digits(frac) && frac.size() == 1)
    tenths = std::stoi(whole) * 10 + (frac[0] - '0');
  if (tenths < 0 || tenths > 1000) {
    problem = fmt::format(
        "`--min-coverage` takes a percentage from 0 to 100 (e.g. 95 or 97.5), not `{}`", value);
    return false;
  }
  o.min_coverage = tenths;
  return true;
}

// A whole number in [low, high] for option `name`, else a problem naming what it takes.
template <typename T>
bool SetNumber(T& field, const std::string& value, int64_t low, int64_t high, std::string_view name,
               std::string_view what, std::string& problem) {
  if (const std::optional<int64_t> n = ParseInteger(value, low, high)) {
    field = static_cast<T>(*n);
    return true;
  }
  problem = fmt::format("`--{}` takes {} from {} to {}, not `{}`", name, what, low, high, value);
  return false;
}

}  // namespace

// Choice values are checked against `choices` by the parser before `apply` sees them.
const OptionSpec kDump{
    .name = "dump",
    .value = "KIND",
    .kind = ValueKind::Choice,
    .choices = "ast|checked|bytecode",
    .help =
        "print the syntax tree (ast), the checked, typed program (checked) or the compiled "
        "bytecode listing (bytecode) instead of the summary",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.dump = v;
      return true;
    }};
const OptionSpec kDiagnostics{
    .name = "diagnostics",
    .value = "FORMAT",
    .kind = ValueKind::Choice,
    .choices = "text|json",
    .help = "diagnostics as text on stderr (the default) or as JSON on stdout",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.json_diagnostics = v == "json";
      return true;
    }};
const OptionSpec kTerminology{
    .name = "terminology",
    .value = "PATH",
    .kind = ValueKind::Path,
    .help =
        "code-set versions to build with: a .wterm file, a CMS release file or zip, or a "
        "directory of them; repeatable (default: `terminology` in warrant.toml, else "
        "WARRANT_TERMINOLOGY)",
    .repeatable = true,
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.terminology.push_back(v);
      return true;
    }};
const OptionSpec kPackOutput{.name = "output",
                             .short_name = 'o',
                             .value = "FILE",
                             .kind = ValueKind::File,
                             .help = "the pack to write (required)",
                             .project = true,
                             .apply = [](Options& o, const std::string& v, std::string&) {
                               o.output = v;
                               return true;
                             }};
const OptionSpec kDecisionsOutput{.name = "output",
                                  .short_name = 'o',
                                  .value = "FILE",
                                  .kind = ValueKind::File,
                                  .help = "write the decisions to FILE instead of standard output",
                                  .apply = [](Options& o, const std::string& v, std::string&) {
                                    o.output = v;
                                    return true;
                                  }};
const OptionSpec kOutputFormat{
    .name = "output-format",
    .value = "FORMAT",
    .kind = ValueKind::Choice,
    .choices = "ndjson|fhir",
    .help =
        "decisions as Warrant NDJSON, one object per claim line (the default), or as FHIR R4, "
        "one ClaimResponse per claim per line",
    .project = true,
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.fhir_output = v == "fhir";
      return true;
    }};
const OptionSpec kWtermOutput{.name = "output",
                              .short_name = 'o',
                              .value = "FILE",
                              .kind = ValueKind::File,
                              .help = "the .wterm file to write (required)",
                              .apply = [](Options& o, const std::string& v, std::string&) {
                                o.output = v;
                                return true;
                              }};
const OptionSpec kJobs{.name = "jobs",
                       .short_name = 'j',
                       .value = "N",
                       .kind = ValueKind::Number,
                       .help = "decide claims on N threads (default: the number of cores)",
                       .project = true,
                       .apply = &SetJobs};
const OptionSpec kNoProgress{
    .name = "no-progress",
    .kind = ValueKind::Flag,
    .help = "no progress bar (one is shown on a terminal during long runs)",
    .project = true,
    .apply = [](Options& o, const std::string&, std::string&) {
      o.progress = false;
      return true;
    }};
const OptionSpec kStrict{
    .name = "strict",
    .kind = ValueKind::Flag,
    .help = "a claim field the schema does not declare is a record error (R0717), not ignored",
    .project = true,
    .apply = [](Options& o, const std::string&, std::string&) {
      o.strict = true;
      return true;
    }};
const OptionSpec kTestStrict{
    .name = "strict",
    .kind = ValueKind::Flag,
    .help =
        "a field of a test's `given` the claim schema does not declare is an error (E0314), not "
        "ignored with a warning (W0604)",
    .project = true,
    .apply = [](Options& o, const std::string&, std::string&) {
      o.strict = true;
      return true;
    }};
const OptionSpec kHistory{
    .name = "history",
    .value = "FILE",
    .kind = ValueKind::File,
    .help =
        "the claim-history store (SQLite): each claim is decided with its patient's stored lines "
        "and recorded there (docs/history.md); with it claims are decided in input order on one "
        "thread",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.history = v;
      return true;
    }};
const OptionSpec kHistoryStore{
    .name = "history",
    .value = "FILE",
    .kind = ValueKind::File,
    .help = "the claim-history store (SQLite; `import` creates it when missing)",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.history = v;
      return true;
    }};
const OptionSpec kExplainHistory{
    .name = "history",
    .value = "FILE",
    .kind = ValueKind::File,
    .help = "decide with the patient's lines in this claim-history store, read only",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.history = v;
      return true;
    }};
const OptionSpec kHistoryStatus{
    .name = "history-status",
    .value = "DECISION=STATUS",
    .kind = ValueKind::Text,
    .help =
        "the status a line of that decision is recorded with (default covered=paid, "
        "not_applicable=paid, pended=pended, bundled=bundled, denied=denied, rejected=denied); "
        "repeatable",
    .repeatable = true,
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      HistoryStatuses check;
      if (!check.Set(v, problem)) {
        problem = "--history-status: " + problem;
        return false;
      }
      o.history_status.push_back(v);
      return true;
    }};
const OptionSpec kHistoryOutput{.name = "output",
                                .short_name = 'o',
                                .value = "FILE",
                                .kind = ValueKind::File,
                                .help = "write the records to FILE instead of standard output",
                                .apply = [](Options& o, const std::string& v, std::string&) {
                                  o.output = v;
                                  return true;
                                }};
const OptionSpec kHistoryJson{.name = "json",
                              .kind = ValueKind::Flag,
                              .help = "write the patient's claims as history records (NDJSON)",
                              .apply = [](Options& o, const std::string&, std::string&) {
                                o.json_output = true;
                                return true;
                              }};
const OptionSpec kExplainFindings{
    .name = "explain",
    .kind = ValueKind::Flag,
    .help = "add to every finding its evidence and, for a requirement not met, why not",
    .project = true,
    .apply = [](Options& o, const std::string&, std::string&) {
      o.explain = true;
      return true;
    }};
const OptionSpec kClaim{.name = "claim",
                        .value = "ID",
                        .kind = ValueKind::Text,
                        .help = "explain only the claim with this id",
                        .apply = [](Options& o, const std::string& v, std::string&) {
                          o.claim_id = v;
                          return true;
                        }};
const OptionSpec kLine{.name = "line",
                       .value = "N",
                       .kind = ValueKind::Number,
                       .help = "explain only line N of each claim",
                       .apply = [](Options& o, const std::string& v, std::string&) {
                         o.explain_line = v;
                         return true;
                       }};
const OptionSpec kJson{.name = "json",
                       .kind = ValueKind::Flag,
                       .help = "write JSON, one object per claim per line",
                       .apply = [](Options& o, const std::string&, std::string&) {
                         o.json_output = true;
                         return true;
                       }};
const OptionSpec kHtml{.name = "html",
                       .value = "FILE",
                       .kind = ValueKind::File,
                       .help = "write a self-contained HTML report of one claim to FILE",
                       .apply = [](Options& o, const std::string& v, std::string&) {
                         o.html = v;
                         return true;
                       }};
const OptionSpec kExplainTrace{
    .name = "trace",
    .kind = ValueKind::Flag,
    .help = "also show every rule's statements and the values beneath them (text)",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.explain_trace = true;
      return true;
    }};
const OptionSpec kAllPolicies{
    .name = "all-policies",
    .kind = ValueKind::Flag,
    .help = "also list the policies none of whose rules applied to the line",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.all_policies = true;
      return true;
    }};
const OptionSpec kTests{.name = "tests",
                        .kind = ValueKind::Flag,
                        .help = "explain the claims of the criteria's test blocks instead",
                        .apply = [](Options& o, const std::string&, std::string&) {
                          o.explain_tests = true;
                          return true;
                        }};
const OptionSpec kFilter{.name = "filter",
                         .value = "TEXT",
                         .kind = ValueKind::Text,
                         .help = "only the tests whose name or file name contains TEXT",
                         .apply = [](Options& o, const std::string& v, std::string&) {
                           o.filter = v;
                           return true;
                         }};
const OptionSpec kJunit{.name = "junit",
                        .value = "FILE",
                        .kind = ValueKind::File,
                        .help = "also write the results to FILE as JUnit XML",
                        .project = true,
                        .apply = [](Options& o, const std::string& v, std::string&) {
                          o.junit = v;
                          return true;
                        }};
const OptionSpec kCoverage{
    .name = "coverage",
    .value = "FORMAT",
    .kind = ValueKind::Choice,
    .choices = "text|json",
    .help =
        "report which requirements the tests drove true and false; json writes the report "
        "to stdout and the test results to stderr",
    .bare_value = "text",
    .project = true,
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.coverage = v;
      return true;
    }};
const OptionSpec kMinCoverage{
    .name = "min-coverage",
    .value = "PERCENT",
    .kind = ValueKind::Number,
    .help =
        "exit 1 when the tests drive fewer than PERCENT% of the requirements true, or "
        "false (e.g. 95 or 97.5)",
    .project = true,
    .apply = &SetMinCoverage};
const OptionSpec kDenyWarnings{.name = "deny-warnings",
                               .kind = ValueKind::Flag,
                               .help = "exit 1 when there is any warning",
                               .project = true,
                               .apply = [](Options& o, const std::string&, std::string&) {
                                 o.deny_warnings = true;
                                 return true;
                               }};
const OptionSpec kAsOf{
    .name = "as-of",
    .value = "DATE",
    .kind = ValueKind::Date,
    .help = "list the concrete codes in force on this date of service (YYYY-MM-DD)",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.as_of = v;
      return true;
    }};
const OptionSpec kCheckOnly{
    .name = "check",
    .kind = ValueKind::Flag,
    .help =
        "rewrite nothing: list the files that would change, with a diff, and exit 1 if any "
        "would",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.check = true;
      return true;
    }};

const OptionSpec kJsonSchema{
    .name = "json-schema",
    .kind = ValueKind::Flag,
    .help =
        "print a JSON Schema (draft 2020-12) of the claim JSON instead of the listing, with the "
        "pack's fields and facts",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.json_schema = true;
      return true;
    }};
const OptionSpec kInputFormat{
    .name = "input-format",
    .value = "FORMAT",
    .kind = ValueKind::Choice,
    .choices = "ndjson|x12|fhir",
    .help =
        "read the claims as Warrant NDJSON, X12 837 or FHIR R4 (default: told by the first "
        "bytes: ISA is X12, a JSON object with a resourceType is FHIR, else NDJSON)",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.input_format = v;
      return true;
    }};
const OptionSpec kFrom{.name = "from",
                       .value = "FORMAT",
                       .kind = ValueKind::Choice,
                       .choices = "x12|fhir",
                       .help = "the input's format (default: told by the first bytes)",
                       .apply = [](Options& o, const std::string& v, std::string&) {
                         o.input_format = v;
                         return true;
                       }};
const OptionSpec kTo{.name = "to",
                     .value = "FORMAT",
                     .kind = ValueKind::Choice,
                     .choices = "ndjson",
                     .help = "the output's format: Warrant NDJSON, one claim per line",
                     .apply = [](Options& o, const std::string& v, std::string&) {
                       o.output_format = v;
                       return true;
                     }};

const OptionSpec kListen{
    .name = "listen",
    .value = "HOST:PORT",
    .kind = ValueKind::Text,
    .help =
        "the address to serve on (default 127.0.0.1:8080, loopback only; 0.0.0.0:PORT serves "
        "every interface; port 0 picks a free one, printed on standard error)",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.listen = v;
      return true;
    }};
const OptionSpec kTlsCert{.name = "tls-cert",
                          .value = "FILE",
                          .kind = ValueKind::File,
                          .help = "serve HTTPS with this PEM certificate (chain); needs --tls-key",
                          .apply = [](Options& o, const std::string& v, std::string&) {
                            o.tls_cert = v;
                            return true;
                          }};
const OptionSpec kTlsKey{.name = "tls-key",
                         .value = "FILE",
                         .kind = ValueKind::File,
                         .help = "the PEM private key of --tls-cert",
                         .apply = [](Options& o, const std::string& v, std::string&) {
                           o.tls_key = v;
                           return true;
                         }};
const OptionSpec kTokenFile{
    .name = "token-file",
    .value = "FILE",
    .kind = ValueKind::File,
    .help =
        "require `Authorization: Bearer TOKEN` on every route but /healthz, TOKEN being the "
        "file's first line",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.token_file = v;
      return true;
    }};
const OptionSpec kMaxBody{
    .name = "max-body",
    .value = "BYTES",
    .kind = ValueKind::Number,
    .help = "refuse a request body larger than this with 413 (default 8388608, the record limit)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      return SetNumber(o.max_body, v, 1, int64_t{1} << 30, "max-body", "a size in bytes", problem);
    }};
const OptionSpec kReadTimeout{
    .name = "read-timeout",
    .value = "SECONDS",
    .kind = ValueKind::Number,
    .help = "drop a client that sends nothing for this long while sending a request (default 5)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      return SetNumber(o.read_timeout, v, 1, 3600, "read-timeout", "seconds", problem);
    }};
const OptionSpec kWriteTimeout{
    .name = "write-timeout",
    .value = "SECONDS",
    .kind = ValueKind::Number,
    .help = "drop a client that takes nothing of a reply for this long (default 5)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      return SetNumber(o.write_timeout, v, 1, 3600, "write-timeout", "seconds", problem);
    }};
const OptionSpec kThreads{
    .name = "threads",
    .value = "N",
    .kind = ValueKind::Number,
    .help =
        "serve at most N connections at once, each on its own thread; more wait for a thread "
        "(default 16)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      return SetNumber(o.threads, v, 1, 1024, "threads", "a number of threads", problem);
    }};
const OptionSpec kMaxConnections{
    .name = "max-connections",
    .value = "N",
    .kind = ValueKind::Number,
    .help =
        "keep at most N connections open, served or waiting for a thread; one more is answered "
        "503 and closed at once (default 64)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      return SetNumber(o.max_connections, v, 1, 65536, "max-connections", "a number of connections",
                       problem);
    }};
const OptionSpec kNoAccessLog{
    .name = "no-access-log",
    .kind = ValueKind::Flag,
    .help = "no line per request on standard error (method, path, status, size, latency)",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.access_log = false;
      return true;
    }};
// Not kTerminology: the project file's terminology is found for each tree `diff` compares
// (UseProjectTerminology), where kTerminology would take one project for all the inputs.
const OptionSpec kDiffTerminology{
    .name = "terminology",
    .value = "PATH",
    .kind = ValueKind::Path,
    .help =
        "code-set versions to build both trees with: a .wterm file, a CMS release file or zip, or "
        "a directory of them; repeatable (default: `terminology` in each tree's warrant.toml, "
        "else WARRANT_TERMINOLOGY)",
    .repeatable = true,
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.terminology.push_back(v);
      return true;
    }};
const OptionSpec kReportPack{
    .name = "pack",
    .value = "PACK",
    .kind = ValueKind::Path,
    .help =
        "the pack (or criteria directory) that made the decisions: adds policy titles and "
        "citations",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.pack = v;
      return true;
    }};
const OptionSpec kReportClaims{
    .name = "claims",
    .value = "FILE",
    .kind = ValueKind::File,
    .help = "the NDJSON claims the decisions were made from: gives the service month of each line",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.claims = v;
      return true;
    }};
const OptionSpec kTop{.name = "top",
                      .value = "N",
                      .kind = ValueKind::Number,
                      .help = "show the N largest rows of each table in text and HTML (default 10)",
                      .apply = [](Options& o, const std::string& v, std::string& problem) {
                        if (const std::optional<int64_t> n = ParseInteger(v, 1, 100000)) {
                          o.top = static_cast<int>(*n);
                          return true;
                        }
                        problem =
                            fmt::format("`--top` takes a number from 1 to 100000, not `{}`", v);
                        return false;
                      }};
const OptionSpec kViewJson{.name = "json",
                           .kind = ValueKind::Flag,
                           .help = "write one JSON object instead of the text",
                           .apply = [](Options& o, const std::string&, std::string&) {
                             o.json_output = true;
                             return true;
                           }};
const OptionSpec kViewHtml{
    .name = "html",
    .value = "FILE",
    .kind = ValueKind::File,
    .help = "write a self-contained HTML page with inline SVG charts to FILE instead of the text",
    .apply = [](Options& o, const std::string& v, std::string&) {
      o.html = v;
      return true;
    }};
const OptionSpec kExamples{
    .name = "examples",
    .value = "N",
    .kind = ValueKind::Number,
    .help = "name up to N example claims per transition (default 3; 0 for none)",
    .apply = [](Options& o, const std::string& v, std::string& problem) {
      if (const std::optional<int64_t> n = ParseInteger(v, 0, 1000)) {
        o.examples = static_cast<int>(*n);
        return true;
      }
      problem = fmt::format("`--examples` takes a number from 0 to 1000, not `{}`", v);
      return false;
    }};
const OptionSpec kExplainExamples{
    .name = "explain-examples",
    .kind = ValueKind::Flag,
    .help = "add each example claim's explanation under the old and the new criteria",
    .apply = [](Options& o, const std::string&, std::string&) {
      o.explain_examples = true;
      return true;
    }};

}  // namespace opt

// ---- Parsing ----------------------------------------------------------------------------------

std::vector<std::string> ChoiceWords(std::string_view choices) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos <= choices.size()) {
    size_t bar = choices.find('|', pos);
    if (bar == std::string_view::npos)
      bar = choices.size();
    words.emplace_back(choices.substr(pos, bar - pos));
    pos = bar + 1;
  }
  return words;
}

std::string ChoiceList(std::string_view choices) {
  const std::vector<std::string> words = ChoiceWords(choices);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i)
    out += fmt::format("{}{}", i == 0 ? "" : i + 1 == words.size() ? " or " : ", ", words[i]);
  return out;
}

bool IsChoice(std::string_view choices, std::string_view value) {
  const std::vector<std::string> words = ChoiceWords(choices);
  return std::find(words.begin(), words.end(), value) != words.end();
}

namespace {

// `--coverage` alone is `--coverage=text`, and `--coverage json` is `--coverage=json`, but
// `--coverage examples` leaves `examples` an argument: an option with a bare value takes the next
// word only when it is one of its choices. CLI11 then sees `--name=value` only.
std::vector<std::string> SpellBareValues(const CommandSpec& command,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    const OptionSpec* bare = nullptr;
    for (const OptionSpec* o : command.options) {
      if (!o->bare_value.empty() && args[i] == o->LongFlag())
        bare = o;
    }
    if (bare == nullptr) {
      out.push_back(args[i]);
    } else if (i + 1 < args.size() && IsChoice(bare->choices, args[i + 1])) {
      out.push_back(fmt::format("{}={}", args[i], args[i + 1]));
      ++i;
    } else {
      out.push_back(fmt::format("{}={}", args[i], bare->bare_value));
    }
  }
  return out;
}

std::string Display(const OptionSpec& o) {
  return o.short_name != 0 ? fmt::format("-{}", o.short_name) : o.LongFlag();
}

// "`--output` needs a value" from CLI11's "--output: 1 required TEXT missing".
std::string MissingValue(const CommandSpec& command, const std::string& what) {
  const std::string name = what.substr(0, what.find(':'));
  for (const OptionSpec* o : command.options) {
    if (name == o->LongFlag() || name == fmt::format("-{}", o->short_name))
      return fmt::format("`{}` needs a value ({})", Display(*o), o->value);
  }
  return what;
}

std::string UnknownOption(const CommandSpec& command, const std::string& arg) {
  const std::string name = arg.substr(0, arg.find('='));
  std::vector<std::string> candidates = {"--help"};
  for (const OptionSpec* o : command.options)
    candidates.push_back(o->LongFlag());
  std::string hint = check::DidYouMean(name, candidates);
  return fmt::format("unknown option `{}`{}", name, hint.empty() ? "" : "; " + hint);
}

}  // namespace

ParsedCommand ParseCommandLine(const CommandSpec& command, const std::vector<std::string>& raw) {
  ParsedCommand parsed;
  CLI::App app(std::string(command.summary), fmt::format("warrant {}", command.name));
  app.allow_extras(true);  // reported below, in our words
  app.set_help_flag("-h,--help");
  const size_t count = command.options.size();
  std::vector<std::vector<std::string>> values(count);
  std::vector<CLI::Option*> handles(count);
  for (size_t i = 0; i < count; ++i) {
    const OptionSpec& o = *command.options[i];
    const std::string names =
        o.short_name != 0 ? fmt::format("-{},{}", o.short_name, o.LongFlag()) : o.LongFlag();
    if (o.kind == ValueKind::Flag) {
      handles[i] = app.add_flag(names)->disable_flag_override();
    } else {
      handles[i] = app.add_option(names, values[i])
                       ->expected(1)
                       ->allow_extra_args(false)
                       ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
  }
  app.add_option("inputs", parsed.options.inputs);

  std::vector<std::string> args = SpellBareValues(command, raw);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector last argument first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    parsed.help = true;
    return parsed;
  } catch (const CLI::ArgumentMismatch& e) {
    parsed.problem = MissingValue(command, e.what());
    return parsed;
  } catch (const CLI::ParseError& e) {
    parsed.problem = e.what();
    return parsed;
  }
  for (const std::string& extra : app.remaining()) {
    if (extra == "--")
      continue;
    parsed.problem = extra.size() > 1 && extra[0] == '-'
                         ? UnknownOption(command, extra)
                         : fmt::format("unexpected argument `{}`", extra);
    return parsed;
  }

  for (size_t i = 0; i < count; ++i) {
    const OptionSpec& o = *command.options[i];
    if (handles[i]->count() == 0)
      continue;
    parsed.given.push_back(&o);
    if (o.kind == ValueKind::Flag) {
      o.apply(parsed.options, "", parsed.problem);
      continue;
    }
    if (!o.repeatable)
      values[i].erase(values[i].begin(), values[i].end() - 1);  // the last one counts
    for (const std::string& value : values[i]) {
      if (o.kind == ValueKind::Choice && !IsChoice(o.choices, value)) {
        parsed.problem =
            fmt::format("`{}` takes {}, not `{}`", o.LongFlag(), ChoiceList(o.choices), value);
        return parsed;
      }
      if (!o.apply(parsed.options, value, parsed.problem))
        return parsed;
    }
  }

  const std::vector<std::string>& inputs = parsed.options.inputs;
  if (inputs.size() < command.min_inputs) {
    parsed.problem = inputs.empty() ? "missing arguments"
                                    : fmt::format("missing arguments after `{}`", inputs.back());
  } else if (inputs.size() > command.max_inputs) {
    parsed.problem = fmt::format("unexpected argument `{}`", inputs[command.max_inputs]);
  }
  return parsed;
}

void ApplyDefaults(ParsedCommand& parsed) {
  if (std::find(parsed.given.begin(), parsed.given.end(), &opt::kJobs) == parsed.given.end()) {
    const unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
    parsed.options.jobs =
        static_cast<int>(std::clamp(cores, 1u, static_cast<unsigned>(opt::kMaxJobs)));
  }
}

// ---- Shared by the commands --------------------------------------------------------------------

CompileOptions MakeCompileOptions(const Options& options, bool generate) {
  CompileOptions compile;
  compile.generate = generate;
  compile.terminology = options.terminology;
  if (compile.terminology.empty())
    compile.terminology = frontend::DefaultTerminologyPaths();
  return compile;
}

void ReportDiagnostics(const Compilation& c, const Options& options, std::ostream& out,
                       std::ostream& err) {
  std::vector<diag::Diagnostic> diags = c.sink.Sorted();
  if (options.json_diagnostics) {
    diag::RenderJson(c.sources.files, diags, out);
    return;
  }
  diag::RenderText(c.sources.files, diags, err, options.color_err);
  size_t errors = c.sink.error_count();
  size_t warnings = diags.size() - errors;
  if (errors) {
    err << fmt::format(
        "{} error{}{}\n", errors, errors == 1 ? "" : "s",
        warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
  }
}

bool UsesTerminology(const Program& program) {
  const std::span<const uint8_t> code(program.code);
  for (size_t pc = 0; pc < code.size();) {
    const std::optional<Instruction> ins = DecodeAt(code, pc);
    if (!ins)
      break;
    if (ins->op == Op::Call && (ins->a == static_cast<int64_t>(BuiltinId::Billable) ||
                                ins->a == static_cast<int64_t>(BuiltinId::Exists))) {
      return true;
    }
    pc += ins->size;
  }
  return false;
}

bool IsPackFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return false;
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".wpk") == 0)
    return true;  // by its name, so a damaged pack is reported as one (E0005)
  // Whatever its name, a file that starts with the pack magic is a pack, not a source.
  char magic[kPackMagic.size()] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == kPackMagic;
}

bool UseProjectTerminology(const std::string& path, Options& options, std::ostream& err) {
  if (!options.terminology.empty())
    return true;
  ParsedCommand parsed;
  parsed.options.inputs = {path};
  ProjectProblem problem;
  if (!ApplyProjectFile(*FindCommand("run"), parsed, problem)) {
    err << fmt::format(
        "{}: error[{}]: {}\n   = help: {}\n", problem.where,
        diag::Info(diag::DiagCode::ProjectFile).code, problem.message,
        problem.help.empty() ? diag::Info(diag::DiagCode::ProjectFile).help : problem.help);
    return false;
  }
  options.terminology = parsed.options.terminology;
  return true;
}

std::unique_ptr<Engine> LoadEngine(const std::string& path, const Options& options,
                                   std::ostream& out, std::ostream& err, int& status) {
  status = 1;
  if (IsPackFile(path)) {
    std::string bytes, why;
    if (!ReadWholeFile(path, bytes, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, path, why);
      status = kExitIo;
      return nullptr;
    }
    std::string problem;
    auto engine = Engine::FromPack(
        std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), &problem);
    if (!engine)
      PrintPlain(err, diag::DiagCode::UnusablePack, path, problem);
    return engine;
  }
  auto c = Compile({path}, MakeCompileOptions(options, true));
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return nullptr;
  std::string problem;
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  if (!engine)
    err << problem << '\n';
  return engine;
}

}  // namespace warrant::driver
