// The subcommands of the `warrant` CLI and the options they share.
//
// Each command is a function from parsed options and streams to an exit code; driver.cpp holds
// the table that names them and which options each accepts (cli.h). Commands print nothing but
// through the given streams. A verb's command (`terminology import`, `codeset show`) sees the verb
// as its first input.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/diag/diagnostic.h"

namespace warrant {
class Engine;
}  // namespace warrant

namespace warrant::driver {

// The options of every command, as parsed from the command line and the project file (cli.h).
struct Options {
  std::vector<std::string> inputs;          // positional arguments
  std::string dump;                         // --dump=ast|checked
  bool json_diagnostics = false;            // --diagnostics=json
  std::string output;                       // -o FILE
  int jobs = 1;                             // -j N (the driver's default: the number of cores)
  std::string filter;                       // --filter=TEXT
  bool progress = true;                     // --no-progress turns the progress bar off
  bool strict = false;                      // --strict: unknown claim fields are record errors
  std::vector<std::string> terminology;     // --terminology PATH (repeatable)
  std::string as_of;                        // --as-of YYYY-MM-DD
  std::string claim_id;                     // explain --claim ID
  std::string explain_line;                 // explain --line N
  bool json_output = false;                 // explain --json
  std::string html;                         // explain --html FILE
  bool explain = false;                     // run --explain: evidence on every finding
  bool fhir_output = false;                 // run --output-format=fhir: ClaimResponse resources
  bool explain_tests = false;               // explain --tests: the test blocks' claims
  bool explain_trace = false;               // explain --trace: every rule's statements
  bool all_policies = false;                // explain --all-policies
  bool deny_warnings = false;               // --deny-warnings: any warning exits 1
  std::string junit;                        // --junit FILE
  std::string coverage;                     // --coverage[=text|json]: "text" or "json"
  int min_coverage = -1;                    // --min-coverage P, in tenths of a percent
  bool check = false;                       // --check (fmt: report, do not rewrite)
  bool json_schema = false;                 // schema --json-schema
  std::string input_format;                 // --input-format / convert --from: "" tells by content
  std::string output_format;                // convert --to: "" is ndjson
  std::string history;                      // --history FILE: the claim-history store
  std::vector<std::string> history_status;  // --history-status DECISION=STATUS (repeatable)

  // serve (service/serve.h)
  std::vector<std::string>
      command_line;  // the arguments as given, for `warrant-serve` to read again
  std::string listen = "127.0.0.1:8080";  // --listen HOST:PORT
  std::string tls_cert, tls_key;          // --tls-cert FILE --tls-key FILE
  std::string token_file;                 // --token-file FILE
  size_t max_body = size_t{8} << 20;      // --max-body BYTES
  int read_timeout = 5;                   // --read-timeout SECONDS
  int write_timeout = 5;                  // --write-timeout SECONDS
  int threads = 16;                       // --threads N
  int max_connections = 64;               // --max-connections N
  bool access_log = true;                 // --no-access-log turns it off

  // report and diff
  std::string pack;               // report --pack PACK: policy titles and citations
  std::string claims;             // report --claims FILE: the claims, for dates
  int top = 10;                   // report --top N: rows per table in text and HTML
  int examples = 3;               // diff --examples N: claim ids per transition
  bool explain_examples = false;  // diff --explain-examples

  // Colour on standard output / standard error: set by the driver for a terminal only
  // (terminal.h), never for the string streams of tests.
  bool color_out = false;
  bool color_err = false;
};

// The compile options these command-line options ask for (terminology defaults to the
// WARRANT_TERMINOLOGY environment variable).
CompileOptions MakeCompileOptions(const Options& options, bool generate);

// Whether the program calls `billable` or `exists`, which answer only from terminology.
bool UsesTerminology(const Program& program);

// Prints diagnostics (text to `err`, or JSON to `out`) and, on errors, the error count.
void ReportDiagnostics(const Compilation& c, const Options& options, std::ostream& out,
                       std::ostream& err);

// Prints a diagnostic that has no source location (a file that cannot be read or written, a
// corrupt pack): "error[E0005]: ..." and its help line.
template <typename... Args>
void PrintPlain(std::ostream& err, diag::DiagCode code, const Args&... args) {
  diag::Diagnostic d = diag::Make(code, 0, Span{}, args...);
  err << "error[" << diag::Info(code).code << "]: " << d.message << '\n';
  if (!d.help.empty())
    err << "   = help: " << d.help << '\n';
}

// Whether `path` names a pack: a regular file named *.wpk or starting with the pack magic
// ("WRNTPACK"), whatever its name. Anything else is compiled as sources.
bool IsPackFile(const std::string& path);

// Sets `options.terminology`, when the command line named none, from the warrant.toml nearest
// to `path` (as `warrant run PATH` would find it). False after printing why the file is bad.
bool UseProjectTerminology(const std::string& path, Options& options, std::ostream& err);

// A pack file or a source directory/files compiled in memory; nullptr after printing why, with
// `status` set to the exit code the failure gets (1, or kExitIo when the pack cannot be read).
std::unique_ptr<Engine> LoadEngine(const std::string& path, const Options& options,
                                   std::ostream& out, std::ostream& err, int& status);

int RunCheck(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunBuild(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunRun(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunLint(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunTest(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunTerminology(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunCodeset(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunExplain(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunDisasm(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunFmt(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunConvert(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunLsp(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunHistory(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunSchema(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
// Defined twice: `warrant` links serve_exec.cpp, which hands the command to the `warrant-serve`
// program, and `warrant-serve` links serve_command.cpp, which serves (docs/serve.md).
int RunServe(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunReport(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunDiff(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace warrant::driver
