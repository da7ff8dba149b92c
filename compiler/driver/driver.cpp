// The command table and the shared option handling of the `warrant` CLI.
#include "compiler/driver/driver.h"

#include <cstdint>
#include <ostream>
#include <string_view>

#include <fmt/format.h>

#include "compiler/driver/commands.h"

namespace warrant::driver {
namespace {

struct Command {
  std::string_view name;
  std::string_view usage;
  std::string_view summary;
  std::string_view options;  // the options it accepts (ParseOptions names)
  size_t min_inputs;
  size_t max_inputs;
  int (*run)(const Options&, std::istream&, std::ostream&, std::ostream&);
};

constexpr Command kCommands[] = {
    {"check", "warrant check [--dump=ast|checked] [--diagnostics=text|json] <files|dirs>...",
     "parse and type-check criteria; exit 1 on errors", "dump,diagnostics,terminology", 1, SIZE_MAX,
     &RunCheck},
    {"build", "warrant build [--terminology PATH]... <dir|files>... -o rules.wpk",
     "compile criteria into a rule pack", "diagnostics,o,terminology", 1, SIZE_MAX, &RunBuild},
    {"run",
     "warrant run <pack.wpk|dir> [claims.ndjson|-] [-o out.ndjson] [-j N] [--no-progress]\n       "
     "[--explain] [--terminology PATH]...",
     "decide every claim line of an NDJSON stream", "diagnostics,o,j,terminology,explain", 1, 2,
     &RunRun},
    {"explain",
     "warrant explain <pack.wpk|dir> <claim.json|claims.ndjson|-> [--claim ID] [--line N]\n"
     "       [--json | --html out.html] [--terminology PATH]...\n"
     "       warrant explain --tests [--filter=TEXT] [--json] <dir|files>...",
     "show why each line of a claim was decided as it was",
     "diagnostics,terminology,claim,line,json,html,tests,filter", 1, SIZE_MAX, &RunExplain},
    {"test",
     "warrant test [--filter=TEXT] [--junit FILE] [--coverage[=text|json]] [--min-coverage P]\n"
     "       [--terminology PATH]... <dir|files>...",
     "run the criteria's test blocks; exit 1 on any failure",
     "diagnostics,filter,terminology,junit,coverage", 1, SIZE_MAX, &RunTest},
    {"lint",
     "warrant lint [--deny-warnings] [--diagnostics=text|json] [--terminology PATH]...\n"
     "       <files|dirs>...",
     "warn about criteria that check but look wrong (W07xx)",
     "diagnostics,terminology,deny-warnings", 1, SIZE_MAX, &RunLint},
    {"terminology",
     "warrant terminology import <files|dirs>... -o codes.wterm\n"
     "       warrant terminology list <codes.wterm|pack.wpk|files|dirs>...",
     "import CMS code-set releases; list the versions a pack or file holds", "o", 2, SIZE_MAX,
     &RunTerminology},
    {"codeset",
     "warrant codeset show NAME <dir|files> [--as-of YYYY-MM-DD] [--terminology PATH]...",
     "list the codes a codeset holds on a date of service", "as-of,terminology,diagnostics", 3, 3,
     &RunCodeset},
    {"disasm", "warrant disasm <pack.wpk|dir>", "list a pack's bytecode with its source lines",
     "diagnostics,terminology", 1, 1, &RunDisasm},
    {"fmt", "warrant fmt [--check] <files|dirs|->...",
     "rewrite criteria in the canonical layout; --check lists what would change", "check", 1,
     SIZE_MAX, &RunFmt},
    {"lsp", "warrant lsp [--terminology PATH]...",
     "a language server for editors, on standard input and output", "terminology", 0, 0, &RunLsp},
};

void PrintHelp(std::ostream& out) {
  out << "warrant " << WARRANT_VERSION
      << " - medical-necessity and coverage criteria: check, compile, run, test\n\n"
      << "usage: warrant <command> [options] [arguments]\n\ncommands:\n";
  for (const Command& c : kCommands)
    out << fmt::format("  {:<12} {}\n", c.name, c.summary);
  out << "\noptions:\n"
      << "  --help       show this help (or `warrant <command> --help`)\n"
      << "  --version    print the version\n\n"
      << "exit codes: 0 success, 1 errors in the input, 2 usage errors\n";
}

}  // namespace

int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err) {
  if (args.empty()) {
    PrintHelp(err);
    return 2;
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    PrintHelp(out);
    return 0;
  }
  if (first == "--version" || first == "-V" || first == "version") {
    out << "warrant " << WARRANT_VERSION << '\n';
    return 0;
  }
  for (const Command& c : kCommands) {
    if (c.name != first)
      continue;
    Options options;
    std::string problem;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const std::string& a : rest) {
      if (a == "--help" || a == "-h") {
        out << "usage: " << c.usage << "\n\n" << c.summary << '\n';
        return 0;
      }
    }
    if (ParseOptions(rest, std::string(c.options), options, problem)) {
      if (options.inputs.size() < c.min_inputs) {
        problem = "missing arguments";
      } else if (options.inputs.size() > c.max_inputs) {
        problem = fmt::format("unexpected argument `{}`", options.inputs[c.max_inputs]);
      }
    }
    if (!problem.empty()) {
      err << "warrant " << c.name << ": " << problem << "\nusage: " << c.usage << '\n';
      return 2;
    }
    return c.run(options, in, out, err);
  }
  err << "warrant: unknown command `" << first << "`\n";
  std::string known;
  for (const Command& c : kCommands)
    known += (known.empty() ? "" : ", ") + std::string(c.name);
  err << "commands: " << known << " (see `warrant --help`)\n";
  return 2;
}

}  // namespace warrant::driver
