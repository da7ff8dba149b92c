// The command table and the shared option handling of the `warrant` CLI.
#include "compiler/driver/driver.h"

#include <fmt/format.h>

#include <ostream>
#include <string_view>

#include "compiler/driver/commands.h"

namespace warrant::driver {
namespace {

struct Command {
  std::string_view name;
  std::string_view usage;
  std::string_view summary;
  int (*run)(const Options&, std::istream&, std::ostream&, std::ostream&);
};

constexpr Command kCommands[] = {
    {"check", "warrant check [--dump=ast|checked] [--diagnostics=text|json] <files|dirs>...",
     "parse and type-check criteria; exit 1 on errors", &RunCheck},
};

void PrintHelp(std::ostream& out) {
  out << "warrant " << WARRANT_VERSION
      << " - medical-necessity and coverage criteria: check, compile, run, explain\n\n"
      << "usage: warrant <command> [options] [arguments]\n\ncommands:\n";
  for (const Command& c : kCommands) out << fmt::format("  {:<10} {}\n", c.name, c.summary);
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
    if (c.name != first) continue;
    Options options;
    std::string problem;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const std::string& a : rest) {
      if (a == "--help" || a == "-h") {
        out << "usage: " << c.usage << "\n\n" << c.summary << '\n';
        return 0;
      }
    }
    if (!ParseOptions(rest, options, problem)) {
      err << "warrant " << c.name << ": " << problem << "\nusage: " << c.usage << '\n';
      return 2;
    }
    return c.run(options, in, out, err);
  }
  err << "warrant: unknown command `" << first << "`\n";
  std::string known;
  for (const Command& c : kCommands) known += (known.empty() ? "" : ", ") + std::string(c.name);
  err << "commands: " << known << " (see `warrant --help`)\n";
  return 2;
}

}  // namespace warrant::driver
