// Everything `warrant` says about its own command line, generated from the tables in cli.h: the
// help pages, the man page (`warrant man`, roff) and the bash and zsh completion scripts
// (`warrant completions bash|zsh`). Adding an option to a command's row adds it to all of them.
#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/driver/cli.h"

namespace warrant::driver {
namespace {

constexpr size_t kWidth = 100;

constexpr ExitCode kExitCodes[] = {
    {0, "success", "success"},
    {1, "errors in the input",
     "errors in the input: diagnostics, an unusable pack, failed tests, coverage below "
     "--min-coverage, warnings with --deny-warnings; run: every claim read was malformed or "
     "refused"},
    {2, "usage errors",
     "a usage error: an unknown command or option, a bad option value, missing or extra "
     "arguments, -o naming one of the inputs, an invalid warrant.toml"},
    {3, "I/O errors",
     "an I/O error: a file, standard input or standard output could not be opened, read or "
     "written; the message names it and the system's reason"},
};

constexpr std::string_view kTagline =
    "medical-necessity and coverage criteria: check, compile, run, test";

// `text` wrapped at kWidth, every line after the first indented by `indent` spaces; the first
// line starts at column `first` (what is already on it).
std::string Wrap(std::string_view text, size_t indent, size_t first = 0) {
  std::string out;
  size_t column = first;
  size_t pos = 0;
  bool line_start = true;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos)
      end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    if (!line_start && column + 1 + word.size() > kWidth) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_start = false;
    pos = end + 1;
  }
  return out;
}

bool IsGroup(const CommandSpec& c) {
  return c.run == nullptr;
}

bool IsVerb(const CommandSpec& c) {
  return c.name.find(' ') != std::string_view::npos;
}

// "--dump ast|checked", "-o, --output FILE", "--coverage[=text|json]", "--json".
std::string OptionColumn(const OptionSpec& o) {
  std::string value(o.kind == ValueKind::Choice ? o.choices : o.value);
  std::string names = o.short_name != 0 ? fmt::format("-{}, {}", o.short_name, o.LongFlag())
                                        : fmt::format("    {}", o.LongFlag());
  if (o.kind == ValueKind::Flag)
    return names;
  if (!o.bare_value.empty())
    return fmt::format("{}[={}]", names, value);
  return fmt::format("{} {}", names, value);
}

void PrintOptions(const CommandSpec& command, std::ostream& out) {
  size_t column = std::string_view("-h, --help").size() + 4;
  for (const OptionSpec* o : command.options)
    column = std::max(column, OptionColumn(*o).size());
  column = std::min<size_t>(column, 30) + 4;  // two spaces before, two after
  auto row = [&](const std::string& left, std::string_view help) {
    std::string line = fmt::format("  {}", left);
    if (line.size() + 2 > column) {
      out << line << '\n';
      line.clear();
    }
    line.resize(column, ' ');
    out << line << Wrap(help, column, column) << '\n';
  };
  for (const OptionSpec* o : command.options)
    row(OptionColumn(*o), o->help);
  row(std::string(kHelpOption), "show this help");
}

// "warrant.toml: terminology; [test] junit, coverage" for the keys the command reads, or "".
std::string ProjectKeys(const CommandSpec& command) {
  bool terminology = false;
  std::string keys;
  for (const OptionSpec* o : command.options) {
    if (o == &opt::kTerminology)
      terminology = true;
    if (o->project)
      keys += fmt::format("{}{}", keys.empty() ? "" : ", ", o->ProjectKey());
  }
  if (!terminology && keys.empty())
    return "";
  std::string text = "warrant.toml (docs/project.md) sets";
  if (terminology)
    text += " `terminology`";
  if (!keys.empty())
    text += fmt::format("{} [{}] {}", terminology ? " and" : "", command.name, keys);
  return text;
}

std::string ExitCodeLine() {
  std::string text;
  for (const ExitCode& e : kExitCodes)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", e.code, e.brief);
  return text;
}

// ---- roff -----------------------------------------------------------------------------------

std::string Roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\''))
    out.insert(0, "\\&");
  return out;
}

std::string RoffOption(const OptionSpec& o) {
  std::string value(o.kind == ValueKind::Choice ? o.choices : o.value);
  std::string names =
      o.short_name != 0 ? fmt::format("\\fB\\-{}\\fR, \\fB{}\\fR", o.short_name, Roff(o.LongFlag()))
                        : fmt::format("\\fB{}\\fR", Roff(o.LongFlag()));
  if (o.kind == ValueKind::Flag)
    return names;
  if (!o.bare_value.empty())
    return fmt::format("{}[=\\fI{}\\fR]", names, Roff(value));
  return fmt::format("{} \\fI{}\\fR", names, Roff(value));
}

// ---- completions ----------------------------------------------------------------------------

std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words)
    out += fmt::format("{}{}", out.empty() ? "" : " ", w);
  return out;
}

std::vector<std::string> TopWords() {
  std::vector<std::string> words;
  for (const CommandSpec& c : Commands()) {
    if (!IsVerb(c) && !c.hidden)
      words.emplace_back(c.name);
  }
  return words;
}

std::string VerbWord(const CommandSpec& verb) {
  return std::string(verb.name.substr(verb.name.find(' ') + 1));
}

void Bash(std::ostream& out) {
  std::vector<std::string> top = TopWords();
  top.insert(top.end(), {"-h", "--help", "--version"});
  out << "# bash completion for warrant; generated by `warrant completions bash` from its option\n"
         "# tables. Install as /usr/share/bash-completion/completions/warrant.\n"
         "_warrant() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  local key=${COMP_WORDS[1]} first=2\n"
         "  COMPREPLY=()\n"
         "  if ((COMP_CWORD == 1)); then\n"
         "    COMPREPLY=($(compgen -W '"
      << Words(top)
      << "' -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case $key in\n";
  for (const CommandSpec& c : Commands()) {
    if (!IsGroup(c))
      continue;
    std::vector<std::string> verbs;
    for (const CommandSpec* v : VerbsOf(c))
      verbs.push_back(VerbWord(*v));
    out << fmt::format(
        "    {})\n"
        "      if ((COMP_CWORD == 2)); then\n"
        "        COMPREPLY=($(compgen -W '{}' -- \"$cur\"))\n"
        "        return\n"
        "      fi\n"
        "      key=\"$key ${{COMP_WORDS[2]}}\" first=3\n"
        "      ;;\n",
        c.name, Words(verbs));
  }
  out << "  esac\n"
         "  # `--opt=value`: complete the value\n"
         "  if [[ $cur == --*=* ]]; then\n"
         "    prev=${cur%%=*} cur=${cur#*=}\n"
         "  fi\n"
         "  local opts=''\n"
         "  case $key in\n";
  for (const CommandSpec& c : Commands()) {
    if (IsGroup(c))
      continue;
    std::vector<std::string> words;
    for (const OptionSpec* o : c.options) {
      if (o->short_name != 0)
        words.push_back(fmt::format("-{}", o->short_name));
      words.push_back(o->LongFlag());
    }
    words.insert(words.end(), {"-h", "--help"});
    out << fmt::format("    '{}') opts='{}' ;;\n", c.name, Words(words));
  }
  out << "  esac\n"
         "  case \"$key:$prev\" in\n";
  for (const CommandSpec& c : Commands()) {
    for (const OptionSpec* o : c.options) {
      if (o->kind == ValueKind::Flag)
        continue;
      std::string pattern = fmt::format("'{}:{}'", c.name, o->LongFlag());
      if (o->short_name != 0)
        pattern += fmt::format("|'{}:-{}'", c.name, o->short_name);
      std::string action;
      switch (o->kind) {
        case ValueKind::Choice:
          action = fmt::format("COMPREPLY=($(compgen -W '{}' -- \"$cur\"))",
                               Words(ChoiceWords(o->choices)));
          break;
        case ValueKind::File:
        case ValueKind::Path:
          action = "COMPREPLY=($(compgen -f -- \"$cur\"))";
          break;
        case ValueKind::Dir:
          action = "COMPREPLY=($(compgen -d -- \"$cur\"))";
          break;
        default:
          action = ":";  // free text: nothing to offer
          break;
      }
      if (!o->bare_value.empty()) {
        // The value is optional: offer it and the arguments.
        action = fmt::format("COMPREPLY=($(compgen -W '{}' -- \"$cur\") $(compgen -f -- \"$cur\"))",
                             Words(ChoiceWords(o->choices)));
      }
      out << fmt::format("    {}) {}; return ;;\n", pattern, action);
    }
  }
  out << "  esac\n"
         "  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case $key in\n"
         "    help) COMPREPLY=($(compgen -W '"
      << Words(TopWords())
      << "' -- \"$cur\")) ;;\n"
         "    completions) COMPREPLY=($(compgen -W 'bash zsh' -- \"$cur\")) ;;\n"
         "    man) ;;\n"
         "    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
         "  esac\n"
         "}\n"
         "complete -o filenames -o bashdefault -F _warrant warrant\n";
}

// Text inside '...' in a zsh _arguments spec: quotes, brackets and colons escaped.
std::string ZshText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '[' || c == ']' || c == ':' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string ZshAction(const OptionSpec& o) {
  switch (o.kind) {
    case ValueKind::Choice:
      return fmt::format("({})", Words(ChoiceWords(o.choices)));
    case ValueKind::File:
    case ValueKind::Path:
      return "_files";
    case ValueKind::Dir:
      return "_files -/";
    default:
      return " ";
  }
}

void ZshArguments(const CommandSpec& c, std::ostream& out) {
  out << "      _arguments -s -S \\\n";
  for (const OptionSpec* o : c.options) {
    const std::string help = ZshText(o->help);
    std::string spec;
    const std::string star = o->repeatable ? "*" : "";
    if (o->kind == ValueKind::Flag) {
      spec = fmt::format("'{}{}[{}]'", star, o->LongFlag(), help);
    } else if (!o->bare_value.empty()) {
      spec = fmt::format("'{}{}=-[{}]::{}:{}'", star, o->LongFlag(), help, o->value, ZshAction(*o));
    } else if (o->short_name != 0) {
      spec = fmt::format("'{}(-{} {})'{{-{}+,{}=}}'[{}]:{}:{}'", star, o->short_name, o->LongFlag(),
                         o->short_name, o->LongFlag(), help, o->value, ZshAction(*o));
    } else {
      spec = fmt::format("'{}{}=[{}]:{}:{}'", star, o->LongFlag(), help, o->value, ZshAction(*o));
    }
    out << "        " << spec << " \\\n";
  }
  out << "        '(- *)'{-h,--help}'[show this help]'";
  if (c.name == "help") {
    out << " \\\n        '*:command:(" << Words(TopWords()) << ")'";
  } else if (c.name == "completions") {
    out << " \\\n        '1:shell:(bash zsh)'";
  } else if (c.max_inputs > 0) {
    out << " \\\n        '*:file:_files'";
  }
  out << '\n';
}

void Zsh(std::ostream& out) {
  out << "#compdef warrant\n"
         "# zsh completion for warrant; generated by `warrant completions zsh` from its option\n"
         "# tables. Install as _warrant in a directory of $fpath.\n"
         "_warrant() {\n"
         "  local -a commands verbs\n"
         "  commands=(\n";
  for (const CommandSpec& c : Commands()) {
    if (!IsVerb(c) && !c.hidden)
      out << fmt::format("    '{}:{}'\n", c.name, ZshText(c.summary));
  }
  out << "  )\n"
         "  if ((CURRENT == 2)); then\n"
         "    _describe -t commands 'warrant command' commands\n"
         "    return\n"
         "  fi\n"
         "  local key=$words[2]\n"
         "  case $key in\n";
  for (const CommandSpec& c : Commands()) {
    if (!IsGroup(c))
      continue;
    out << fmt::format("    {})\n      verbs=(\n", c.name);
    for (const CommandSpec* v : VerbsOf(c))
      out << fmt::format("        '{}:{}'\n", VerbWord(*v), ZshText(v->summary));
    out << "      )\n"
           "      if ((CURRENT == 3)); then\n"
           "        _describe -t verbs 'verb' verbs\n"
           "        return\n"
           "      fi\n"
           "      key=\"$key $words[3]\"\n"
           "      shift words\n"
           "      ((CURRENT--))\n"
           "      ;;\n";
  }
  out << "  esac\n"
         "  shift words\n"
         "  ((CURRENT--))\n"
         "  case $key in\n";
  for (const CommandSpec& c : Commands()) {
    if (IsGroup(c))
      continue;
    out << fmt::format("    '{}')\n", c.name);
    ZshArguments(c, out);
    out << "      ;;\n";
  }
  out << "  esac\n"
         "}\n"
         "_warrant \"$@\"\n";
}

}  // namespace

std::span<const ExitCode> ExitCodes() {
  return kExitCodes;
}

std::string UsageLines(const CommandSpec& command) {
  auto line = [](const CommandSpec& c) {
    return fmt::format("warrant {}{}{}{}", c.name, c.options.empty() ? "" : " [options]",
                       c.arguments.empty() ? "" : " ", c.arguments);
  };
  if (!IsGroup(command))
    return "usage: " + line(command);
  std::string out;
  for (const CommandSpec* verb : VerbsOf(command))
    out += fmt::format("{}{}", out.empty() ? "usage: " : "\n       ", line(*verb));
  return out;
}

void PrintMainHelp(std::ostream& out) {
  out << "warrant " << WARRANT_VERSION << " - " << kTagline << "\n\n"
      << "usage: warrant <command> [options] [arguments]\n\ncommands:\n";
  for (const CommandSpec& c : Commands()) {
    if (!c.hidden && !IsVerb(c))
      out << fmt::format("  {:<12} {}\n", c.name, c.summary);
  }
  out << "\noptions:\n"
      << "  -h, --help   show this help; `warrant help <command>` shows a command's options\n"
      << "  --version    print the version\n\n"
      << "exit codes:\n";
  for (const ExitCode& e : kExitCodes)
    out << fmt::format("  {}  {}\n", e.code, Wrap(e.meaning, 5, 5));
}

void PrintCommandHelp(const CommandSpec& command, std::ostream& out) {
  out << UsageLines(command) << "\n\n" << Wrap(command.summary, 0) << '\n';
  if (!command.about.empty())
    out << '\n' << Wrap(command.about, 0) << '\n';
  if (IsGroup(command)) {
    for (const CommandSpec* verb : VerbsOf(command)) {
      out << fmt::format("\n{}: {}\n", verb->name, verb->summary);
      if (!verb->about.empty())
        out << Wrap(verb->about, 0) << '\n';
      PrintOptions(*verb, out);
    }
  } else {
    out << "\noptions:\n";
    PrintOptions(command, out);
  }
  const std::string keys = ProjectKeys(command);
  if (!keys.empty())
    out << '\n' << Wrap(keys, 0) << '\n';
  out << '\n'
      << Wrap(fmt::format("exit codes: {} (see `warrant --help`)", ExitCodeLine()), 0) << '\n';
}

int RunHelp(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  if (options.inputs.empty()) {
    PrintMainHelp(out);
    return 0;
  }
  std::string name = options.inputs[0];
  if (options.inputs.size() > 1)
    name += " " + options.inputs[1];
  const CommandSpec* command = FindCommand(name);
  if (command == nullptr) {
    err << fmt::format("warrant help: no command `{}` (see `warrant --help`)\n", name);
    return 2;
  }
  PrintCommandHelp(*command, out);
  return 0;
}

int RunCompletions(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  if (options.inputs[0] == "bash") {
    Bash(out);
  } else if (options.inputs[0] == "zsh") {
    Zsh(out);
  } else {
    err << fmt::format("warrant completions: no completions for `{}` (use bash or zsh)\n",
                       options.inputs[0]);
    return 2;
  }
  return 0;
}

int RunMan(const Options&, std::istream&, std::ostream& out, std::ostream&) {
  out << ".\\\" The warrant manual page; generated by `warrant man` from its option tables.\n"
      << ".TH WARRANT 1 \"\" \"warrant " << WARRANT_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nwarrant \\- " << Roff(kTagline) << "\n"
      << ".SH SYNOPSIS\n.B warrant\n.I command\n[\\fIoptions\\fR] [\\fIarguments\\fR]\n.br\n"
      << ".B warrant help\n.I command\n.br\n.B warrant \\-\\-version\n"
      << ".SH DESCRIPTION\n"
      << "Warrant checks criteria files (\\fB*.warrant\\fR) with compiler diagnostics, compiles "
         "them into deterministic rule packs (\\fB*.wpk\\fR), runs packs over NDJSON claims "
         "(one decision per claim line), tests criteria against their own test blocks and "
         "explains every decision.\n"
      << "Options take their value as \\fB\\-\\-name value\\fR or \\fB\\-\\-name=value\\fR "
         "(short ones as \\fB\\-j 2\\fR or \\fB\\-j2\\fR); \\fB\\-\\-\\fR ends the options.\n"
      << ".SH COMMANDS\n";
  for (const CommandSpec& c : Commands()) {
    if (IsGroup(c))
      continue;
    std::string summary(c.summary);
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    out << ".SS \"" << Roff(UsageLines(c).substr(7)) << "\"\n" << Roff(summary) << ".\n";
    if (!c.about.empty())
      out << Roff(c.about) << "\n";
    for (const OptionSpec* o : c.options)
      out << ".TP\n" << RoffOption(*o) << "\n" << Roff(o->help) << ".\n";
  }
  out << ".SH OPTIONS OF EVERY COMMAND\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n"
      << "Show the command's usage and options.\n"
      << ".SH PROJECT FILE\n"
      << "A \\fBwarrant.toml\\fR in the directory of the inputs or above it sets "
         "\\fBterminology\\fR (paths relative to the file) and defaults for the options of each "
         "command, in a section named after it (\\fB[test]\\fR, \\fB[run]\\fR, ...) with the "
         "option's long name, \\fB\\-\\fR written \\fB_\\fR. Options given on the command line "
         "win. Unknown keys are errors.\n";
  for (const CommandSpec& c : Commands()) {
    const std::string keys = ProjectKeys(c);
    if (!keys.empty() && keys.find('[') != std::string::npos)
      out << ".br\n" << Roff(keys.substr(keys.find('['))) << "\n";
  }
  out << ".SH ENVIRONMENT\n.TP\n.B WARRANT_TERMINOLOGY\n"
      << "Colon-separated terminology paths, used when neither \\fB\\-\\-terminology\\fR nor "
         "warrant.toml names any.\n"
      << ".TP\n.B NO_COLOR\nWhen set and not empty, output is never coloured. Colour and "
         "progress bars are only ever shown on a terminal.\n"
      << ".SH EXIT STATUS\n";
  for (const ExitCode& e : kExitCodes)
    out << ".TP\n.B " << e.code << "\n" << Roff(e.meaning) << ".\n";
  out << ".SH SEE ALSO\nThe documentation in the source tree: docs/language.md, "
         "docs/terminology.md, docs/project.md, docs/explain.md, docs/serve.md.\n";
  return 0;
}

}  // namespace warrant::driver
