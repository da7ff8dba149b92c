// The command line as data (compiler/driver/cli.h): every option of every command is in its help,
// the man page and both completion scripts; every option reads `--opt V` and `--opt=V` alike;
// `--` ends the options; -j defaults to the cores; docs/project.md lists every project key.
#include "compiler/driver/cli.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "compiler/driver/driver.h"
#include "tests/unit/catch.h"

namespace warrant::driver {
namespace {

struct Output {
  int exit = 0;
  std::string out, err;
};

Output RunCli(const std::vector<std::string>& args) {
  std::istringstream in;
  std::ostringstream out, err;
  Output o;
  o.exit = Run(args, in, out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::istringstream split{std::string(name)};
  for (std::string w; split >> w;)
    words.push_back(w);
  return words;
}

// The text from `begin` to the next `end` (exclusive), or "" when `begin` is absent.
std::string Section(const std::string& text, const std::string& begin, const std::string& end) {
  const size_t at = text.find(begin);
  if (at == std::string::npos)
    return "";
  const size_t stop = text.find(end, at + begin.size());
  return text.substr(at, stop == std::string::npos ? std::string::npos : stop - at);
}

std::string RoffFlag(const OptionSpec& o) {
  std::string name(o.name);
  std::string out = "\\fB\\-\\-";
  for (char c : name)
    out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out + "\\fR";
}

// Everything Options holds, as text, to compare two parses.
std::string Snapshot(const Options& o) {
  std::string terms;
  for (const std::string& t : o.terminology)
    terms += t + ";";
  std::string inputs;
  for (const std::string& i : o.inputs)
    inputs += i + ";";
  std::string statuses;
  for (const std::string& s : o.history_status)
    statuses += s + ";";
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
                     inputs, o.dump, o.json_diagnostics, o.output, o.jobs, o.filter, o.progress,
                     terms, o.as_of, o.claim_id, o.explain_line, o.json_output, o.html, o.explain,
                     o.explain_tests, o.deny_warnings, o.junit, o.coverage, o.min_coverage, o.check,
                     o.input_format, o.output_format, o.fhir_output, o.history, statuses) +
         fmt::format("|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", o.listen, o.tls_cert, o.tls_key,
                     o.token_file, o.max_body, o.read_timeout, o.write_timeout, o.threads,
                     o.max_connections, o.access_log) +
         fmt::format("|{}|{}|{}|{}|{}", o.pack, o.claims, o.top, o.examples, o.explain_examples);
}

std::string SampleValue(const OptionSpec& o) {
  if (o.name == "history-status")
    return "pended=paid";
  switch (o.kind) {
    case ValueKind::Choice:  // the last choice: the first is often the default
      return std::string(o.choices.substr(o.choices.rfind('|') + 1));
    case ValueKind::Number:
      return "2";
    case ValueKind::Date:
      return "2025-01-01";
    default:
      return "value";
  }
}

TEST_CASE("cli: every option of every command is in its help, the man page and the completions",
          "[cli]") {
  const std::string man = RunCli({"man"}).out;
  const std::string bash = RunCli({"completions", "bash"}).out;
  const std::string zsh = RunCli({"completions", "zsh"}).out;
  REQUIRE_FALSE(man.empty());
  REQUIRE_FALSE(bash.empty());
  REQUIRE_FALSE(zsh.empty());
  size_t checked = 0;
  for (const CommandSpec& command : Commands()) {
    if (command.run == nullptr)
      continue;
    std::vector<std::string> help_args = {"help"};
    for (const std::string& w : Words(command.name))
      help_args.push_back(w);
    const Output help = RunCli(help_args);
    REQUIRE(help.exit == 0);
    const std::string man_section =
        Section(man, fmt::format(".SS \"warrant {}", command.name), ".SS ");
    std::string bash_line = Section(bash, fmt::format("    '{}') opts='", command.name), "\n");
    std::replace(bash_line.begin(), bash_line.end(), '\'', ' ');  // words between spaces
    const std::string zsh_block = Section(zsh, fmt::format("    '{}')\n", command.name), ";;");
    INFO("command " << command.name);
    CHECK_FALSE(man_section.empty());
    CHECK_FALSE(bash_line.empty());
    CHECK_FALSE(zsh_block.empty());
    for (const OptionSpec* o : command.options) {
      INFO("option " << o->LongFlag());
      CHECK(help.out.find(o->LongFlag()) != std::string::npos);
      CHECK(man_section.find(RoffFlag(*o)) != std::string::npos);
      CHECK(bash_line.find(" " + o->LongFlag() + " ") != std::string::npos);
      CHECK(zsh_block.find(o->LongFlag()) != std::string::npos);
      if (o->short_name != 0) {
        const std::string short_flag = fmt::format("-{}", o->short_name);
        CHECK(help.out.find(short_flag + ", ") != std::string::npos);
        CHECK(bash_line.find(" " + short_flag + " ") != std::string::npos);
      }
      ++checked;
    }
  }
  CHECK(checked > 30);
}

TEST_CASE("cli: option names are unique within a command", "[cli]") {
  for (const CommandSpec& command : Commands()) {
    std::set<std::string> longs;
    std::set<char> shorts = {'h'};
    for (const OptionSpec* o : command.options) {
      INFO(command.name << " " << o->LongFlag());
      CHECK(longs.insert(o->LongFlag()).second);
      CHECK(o->LongFlag() != "--help");
      if (o->short_name != 0)
        CHECK(shorts.insert(o->short_name).second);
      CHECK(o->apply != nullptr);
    }
  }
}

TEST_CASE("cli: every option takes `--opt V` and `--opt=V` alike", "[cli]") {
  for (const CommandSpec& command : Commands()) {
    if (command.run == nullptr || command.max_inputs == 0)
      continue;
    for (const OptionSpec* o : command.options) {
      if (o->kind == ValueKind::Flag)
        continue;
      const std::string value = SampleValue(*o);
      INFO(command.name << " " << o->LongFlag() << " " << value);
      std::vector<std::string> inputs(command.min_inputs, "in");
      std::vector<std::string> spaced = {o->LongFlag(), value};
      std::vector<std::string> joined = {fmt::format("{}={}", o->LongFlag(), value)};
      spaced.insert(spaced.end(), inputs.begin(), inputs.end());
      joined.insert(joined.end(), inputs.begin(), inputs.end());
      const ParsedCommand a = ParseCommandLine(command, spaced);
      const ParsedCommand b = ParseCommandLine(command, joined);
      REQUIRE(a.problem.empty());
      REQUIRE(b.problem.empty());
      CHECK(Snapshot(a.options) == Snapshot(b.options));
      CHECK(Snapshot(a.options) != Snapshot(ParseCommandLine(command, inputs).options));
      if (o->short_name != 0) {
        const ParsedCommand c =
            ParseCommandLine(command, {fmt::format("-{}", o->short_name), value, "in"});
        const ParsedCommand d =
            ParseCommandLine(command, {fmt::format("-{}{}", o->short_name, value), "in"});
        REQUIRE(c.problem.empty());
        CHECK(Snapshot(c.options) == Snapshot(d.options));
      }
    }
  }
}

TEST_CASE("cli: parsing conventions", "[cli]") {
  const CommandSpec& test = *FindCommand("test");
  const CommandSpec& run = *FindCommand("run");
  const CommandSpec& check = *FindCommand("check");

  SECTION("`--` ends the options") {
    const ParsedCommand p = ParseCommandLine(check, {"--", "--dump", "-x"});
    REQUIRE(p.problem.empty());
    CHECK(p.options.inputs == std::vector<std::string>{"--dump", "-x"});
    CHECK(p.options.dump.empty());
  }
  SECTION("--coverage takes a format only when the next word is one") {
    ParsedCommand p = ParseCommandLine(test, {"--coverage", "json", "examples"});
    REQUIRE(p.problem.empty());
    CHECK(p.options.coverage == "json");
    CHECK(p.options.inputs == std::vector<std::string>{"examples"});
    p = ParseCommandLine(test, {"--coverage", "examples"});
    REQUIRE(p.problem.empty());
    CHECK(p.options.coverage == "text");
    CHECK(p.options.inputs == std::vector<std::string>{"examples"});
  }
  SECTION("--filter TEXT and --filter=TEXT") {
    CHECK(ParseCommandLine(test, {"--filter", "C01", "x"}).options.filter == "C01");
    CHECK(ParseCommandLine(test, {"--filter=C01", "x"}).options.filter == "C01");
  }
  SECTION("repeated --terminology adds, a repeated single option keeps the last") {
    const ParsedCommand p =
        ParseCommandLine(run, {"--terminology", "a", "x", "--terminology=b", "-j", "3", "-j4"});
    REQUIRE(p.problem.empty());
    CHECK(p.options.terminology == std::vector<std::string>{"a", "b"});
    CHECK(p.options.jobs == 4);
  }
  SECTION("-j defaults to the number of cores") {
    ParsedCommand p = ParseCommandLine(run, {"x"});
    ApplyDefaults(p);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    CHECK(p.options.jobs == static_cast<int>(std::min(cores, 256u)));
    p = ParseCommandLine(run, {"--jobs=1", "x"});
    ApplyDefaults(p);
    CHECK(p.options.jobs == 1);
  }
  SECTION("usage errors name the problem") {
    CHECK(ParseCommandLine(run, {"--jbos", "2", "x"}).problem ==
          "unknown option `--jbos`; did you mean `--jobs`?");
    CHECK(ParseCommandLine(run, {"x", "-o"}).problem == "`-o` needs a value (FILE)");
    CHECK(ParseCommandLine(check, {"--dump", "tokens", "x"}).problem ==
          "`--dump` takes ast, checked or bytecode, not `tokens`");
    CHECK(ParseCommandLine(run, {"a", "b", "c"}).problem == "unexpected argument `c`");
    CHECK(ParseCommandLine(check, {}).problem == "missing arguments");
    CHECK(ParseCommandLine(check, {"--json", "x"}).problem == "unknown option `--json`");
  }
  SECTION("-h and --help anywhere ask for help") {
    CHECK(ParseCommandLine(run, {"x", "--help"}).help);
    CHECK(ParseCommandLine(run, {"-h"}).help);
  }
}

TEST_CASE("cli: help, man and completions run from the driver", "[cli]") {
  CHECK(RunCli({"help"}).exit == 0);
  CHECK(RunCli({"help", "terminology", "import"}).out.find("--output") != std::string::npos);
  CHECK(RunCli({"help", "nosuch"}).exit == 2);
  CHECK(RunCli({"completions", "fish"}).exit == 2);
  CHECK(RunCli({"check", "--help"}).out == RunCli({"help", "check"}).out);
  // Never coloured for a string stream.
  const Output bad = RunCli({"check", "tests/cases/cli/empty_dir"});
  CHECK(bad.err.find('\x1b') == std::string::npos);
}

TEST_CASE("cli: docs/project.md lists every key warrant.toml takes", "[cli]") {
  std::ifstream file(WARRANT_SOURCE_DIR "/docs/project.md");
  const std::string doc((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(doc.empty());
  for (const CommandSpec& command : Commands()) {
    for (const OptionSpec* o : command.options) {
      if (!o->project)
        continue;
      INFO(command.name << " " << o->ProjectKey());
      CHECK(doc.find(fmt::format("| `[{}]` `{}` |", command.name, o->ProjectKey())) !=
            std::string::npos);
    }
  }
}

}  // namespace
}  // namespace warrant::driver
