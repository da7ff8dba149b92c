// The `warrant` command line as data: every command, its arguments and its options, declared once.
//
// The parser (options.cpp, on CLI11), the help pages, the man page and the shell completions
// (help.cpp) and the project file's keys (project.h) are all read from these tables, so they
// cannot disagree. A command is a row of the command table (driver.cpp) naming the options it
// takes; each option is defined once (options.cpp) and shared by the commands that take it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/commands.h"

namespace warrant::driver {

// What an option's value (or a command's arguments) is: for messages, help and completion.
enum class ValueKind : uint8_t {
  Flag,    // no value
  Text,    // free text
  Number,  // an integer or a percentage
  Date,    // YYYY-MM-DD
  File,    // a file path (completed as files)
  Dir,     // a directory (completed as directories)
  Path,    // a file or a directory
  Choice,  // one of `choices`
};

struct OptionSpec {
  std::string_view name = {};   // long name without dashes: "output" is --output
  char short_name = 0;          // 'o' is -o; 0 for none
  std::string_view value = {};  // the placeholder in help ("FILE"); empty for a flag
  ValueKind kind = ValueKind::Flag;
  std::string_view choices = {};  // "text|json" for ValueKind::Choice
  std::string_view help = {};     // one sentence, no final period
  // The value when the option is given bare (`--coverage` is `--coverage=text`); the value is then
  // taken from the next argument only if that is one of `choices`. Empty: a value is required.
  std::string_view bare_value = {};
  bool repeatable = false;  // every occurrence adds a value (--terminology); else the last counts
  bool project = false;     // may be set in the [command] section of warrant.toml (docs/project.md)
  // Stores a value (the string as given; "" for a flag) in `options`; false with `problem` set
  // ("`-j` takes a number of threads from 1 to 256, not `x`") for a bad value.
  bool (*apply)(Options& options, const std::string& value, std::string& problem) = nullptr;

  std::string LongFlag() const;

  // The key in warrant.toml: the long name with '_' for '-' (min_coverage).
  std::string ProjectKey() const;
};

using RunFn = int (*)(const Options&, std::istream&, std::ostream&, std::ostream&);

struct CommandSpec {
  std::string_view name;       // "check"; a verb of a group is "terminology import"
  std::string_view arguments;  // "<files|dirs>..."; the usage line is `warrant NAME [options] ...`
  std::string_view summary;    // one line for `warrant --help`
  std::string_view about;      // a paragraph for `warrant help NAME` and the man page (optional)
  std::span<const OptionSpec* const> options;
  size_t min_inputs;
  size_t max_inputs;
  ValueKind inputs;  // what the arguments are, for completion
  RunFn run;         // nullptr for a group, whose verbs are the rows named "<group> <verb>"
  bool hidden;       // not listed by --help (completions, man)
};

// The options, each defined once (options.cpp); a command's row lists the ones it takes.
namespace opt {
inline constexpr int kMaxJobs = 256;
extern const OptionSpec kDump, kDiagnostics, kTerminology, kPackOutput, kDecisionsOutput,
    kWtermOutput, kJobs, kNoProgress, kExplainFindings, kClaim, kLine, kJson, kHtml, kTests,
    kFilter, kJunit, kCoverage, kMinCoverage, kDenyWarnings, kAsOf, kCheckOnly, kStrict,
    kTestStrict, kJsonSchema, kInputFormat, kFrom, kTo, kOutputFormat, kHistory, kHistoryStore,
    kExplainHistory, kHistoryStatus, kHistoryJson, kHistoryOutput, kListen, kTlsCert, kTlsKey,
    kTokenFile, kMaxBody, kReadTimeout, kWriteTimeout, kThreads, kMaxConnections, kNoAccessLog,
    kDiffTerminology, kReportPack, kReportClaims, kTop, kViewJson, kViewHtml, kExamples,
    kExplainExamples, kExplainTrace, kAllPolicies;
}  // namespace opt

// Every command and verb, in the order `warrant --help` lists them (driver.cpp).
std::span<const CommandSpec> Commands();
// The row named `name` ("check", "terminology", "terminology import"), or nullptr.
const CommandSpec* FindCommand(std::string_view name);
// The verbs of a group, in table order.
std::vector<const CommandSpec*> VerbsOf(const CommandSpec& group);
// Options every command takes (-h/--help), not in the tables.
inline constexpr std::string_view kHelpOption = "-h, --help";

// The words of `choices` ("text|json"); whether `value` is one of them; them as "text or json".
std::vector<std::string> ChoiceWords(std::string_view choices);
bool IsChoice(std::string_view choices, std::string_view value);
std::string ChoiceList(std::string_view choices);

// The outcome of parsing one command's arguments.
struct ParsedCommand {
  Options options;
  std::vector<const OptionSpec*> given;  // options set on the command line, then by warrant.toml
  bool help = false;                     // -h/--help: print the command's help, run nothing
  std::string problem;                   // a usage error, when not empty
};

// Parses the arguments after the command's name (and verb) with CLI11 into options and inputs.
ParsedCommand ParseCommandLine(const CommandSpec& command, const std::vector<std::string>& args);

// A bad project file: "examples/warrant.toml:3:1", what is wrong, and a hint.
struct ProjectProblem {
  std::string where;
  std::string message;
  std::string help;
};

// What neither the command line nor warrant.toml set: -j is the number of cores.
void ApplyDefaults(ParsedCommand& parsed);

// Applies the nearest warrant.toml (project.cpp; found from the inputs) to the options of
// `command` not given on the command line. The whole file is checked whatever the command, so a
// mistake in any section is reported. False with `problem` set for a bad file.
bool ApplyProjectFile(const CommandSpec& command, ParsedCommand& parsed, ProjectProblem& problem);

// The exit codes of every command, for --help, the man page and the README.
struct ExitCode {
  int code;
  std::string_view brief;    // "errors in the input"
  std::string_view meaning;  // what counts as that
};

std::span<const ExitCode> ExitCodes();

// Help texts, the man page and the shell completions, all from the tables (help.cpp).
void PrintMainHelp(std::ostream& out);
void PrintCommandHelp(const CommandSpec& command, std::ostream& out);
// "usage: warrant check [options] <files|dirs>..." (one line per verb for a group).
std::string UsageLines(const CommandSpec& command);
int RunHelp(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunCompletions(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);
int RunMan(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace warrant::driver
