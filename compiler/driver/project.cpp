// The project file, warrant.toml: the terminology a criteria folder is built with and defaults for
// the options of its commands (docs/project.md).
//
// It is found by walking up from the inputs (the directories, `.warrant` files and packs among
// them); its keys are the commands' option tables (cli.h), so an option marked `project` there is
// a key here. Paths are relative to the file. The command line wins over the file, and the file
// over WARRANT_TERMINOLOGY. Every section is checked whatever the command, so a mistake is found
// by the first command run, with its line and column.
#include <algorithm>
#include <filesystem>
#include <system_error>
#include <toml++/toml.h>

#include <fmt/format.h>

#include "compiler/check/suggest.h"
#include "compiler/driver/cli.h"
#include "compiler/driver/commands.h"

namespace warrant::driver {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileName = "warrant.toml";

// Inputs that say where the project is: directories, criteria and packs (not claims, not a
// codeset's name, not `-`).
bool LocatesProject(const std::string& input) {
  std::error_code ec;
  const fs::path path(input);
  if (fs::is_directory(path, ec))
    return true;
  return (path.extension() == ".warrant" && fs::is_regular_file(path, ec)) || IsPackFile(input);
}

// The warrant.toml nearest to `input` (its own directory first, then each parent), shown relative
// to the working directory when it is under it; empty when there is none.
std::string NearestProjectFile(const std::string& input) {
  std::error_code ec;
  fs::path dir = fs::is_directory(input, ec) ? fs::path(input) : fs::path(input).parent_path();
  fs::path absolute = fs::absolute(dir.empty() ? fs::path(".") : dir, ec).lexically_normal();
  const fs::path cwd = fs::current_path(ec);
  while (true) {
    const fs::path candidate = absolute / kFileName;
    if (fs::is_regular_file(candidate, ec)) {
      const fs::path relative = candidate.lexically_relative(cwd);
      const bool under = !relative.empty() && *relative.begin() != "..";
      return (under ? relative : candidate).string();
    }
    if (!absolute.has_relative_path())
      return "";
    absolute = absolute.parent_path();
  }
}

std::string Where(const std::string& file, const toml::source_region& at) {
  return fmt::format("{}:{}:{}", file, at.begin.line, at.begin.column);
}

// The command whose [section] this is: a command with options a project may set.
const CommandSpec* SectionCommand(std::string_view name) {
  const CommandSpec* c = FindCommand(name);
  if (c == nullptr || c->run == nullptr)
    return nullptr;
  for (const OptionSpec* o : c->options) {
    if (o->project)
      return c;
  }
  return nullptr;
}

std::vector<std::string> SectionNames() {
  std::vector<std::string> names;
  for (const CommandSpec& c : Commands()) {
    if (SectionCommand(c.name) == &c)
      names.emplace_back(c.name);
  }
  return names;
}

bool IsPathKind(ValueKind kind) {
  return kind == ValueKind::File || kind == ValueKind::Dir || kind == ValueKind::Path;
}

class Reader {
 public:
  Reader(std::string file, ProjectProblem& problem)
      : file_(std::move(file)), base_(fs::path(file_).parent_path()), problem_(problem) {}

  bool Fail(const toml::source_region& at, std::string message, std::string help = "") {
    problem_.where = Where(file_, at);
    problem_.message = std::move(message);
    problem_.help = std::move(help);
    return false;
  }

  // A path from the file, as the commands should open it.
  std::string Resolve(std::string_view path) const {
    const fs::path p(path);
    return p.is_absolute() ? p.string() : (base_ / p).lexically_normal().string();
  }

  // `terminology = "dir"` or `terminology = ["a.wterm", "b.zip"]`.
  bool Terminology(const toml::node& node, std::vector<std::string>& out) {
    auto add = [&](const toml::node& item) {
      const std::optional<std::string> text = item.value<std::string>();
      if (!text || text->empty()) {
        return Fail(item.source(), "`terminology` holds paths (strings)",
                    R"(write `terminology = "terminology"` or `terminology = ["a.zip", "b.zip"]`)");
      }
      out.push_back(Resolve(*text));
      return true;
    };
    if (const toml::array* list = node.as_array()) {
      for (const toml::node& item : *list) {
        if (!add(item))
          return false;
      }
      return true;
    }
    return add(node);
  }

  // The values of one key, as the command line would spell them.
  bool Values(const OptionSpec& o, std::string_view section, const toml::node& node,
              std::vector<std::string>& out) {
    const std::string key = fmt::format("`{}` in [{}]", o.ProjectKey(), section);
    if (o.kind == ValueKind::Flag) {
      const std::optional<bool> flag = node.value<bool>();
      if (!flag)
        return Fail(node.source(), fmt::format("{} is true or false", key));
      if (*flag)
        out.emplace_back();
      return true;
    }
    auto one = [&](const toml::node& item) {
      if (o.kind == ValueKind::Number && (item.is_integer() || item.is_floating_point())) {
        out.push_back(item.is_integer() ? fmt::format("{}", *item.value<int64_t>())
                                        : fmt::format("{}", *item.value<double>()));
        return true;
      }
      const std::optional<std::string> text = item.value_exact<std::string>();
      if (!text || o.kind == ValueKind::Number) {
        return Fail(
            item.source(),
            fmt::format("{} is {}", key, o.kind == ValueKind::Number ? "a number" : "a string"));
      }
      out.push_back(IsPathKind(o.kind) ? Resolve(*text) : *text);
      return true;
    };
    if (const toml::array* list = node.as_array()) {
      if (!o.repeatable)
        return Fail(node.source(), fmt::format("{} takes one value, not a list", key));
      for (const toml::node& item : *list) {
        if (!one(item))
          return false;
      }
      return true;
    }
    return one(node);
  }

 private:
  std::string file_;
  fs::path base_;
  ProjectProblem& problem_;
};

bool Given(const ParsedCommand& parsed, const OptionSpec* o) {
  return std::find(parsed.given.begin(), parsed.given.end(), o) != parsed.given.end();
}

}  // namespace

bool ApplyProjectFile(const CommandSpec& command, ParsedCommand& parsed, ProjectProblem& problem) {
  const bool takes_terminology = std::find(command.options.begin(), command.options.end(),
                                           &opt::kTerminology) != command.options.end();
  const bool takes_defaults = std::any_of(command.options.begin(), command.options.end(),
                                          [](const OptionSpec* o) { return o->project; });
  if (!takes_terminology && !takes_defaults)
    return true;

  std::string file;
  std::string first_input;
  for (const std::string& input : parsed.options.inputs) {
    if (!LocatesProject(input))
      continue;
    const std::string found = NearestProjectFile(input);
    if (found.empty())
      continue;
    if (file.empty()) {
      file = found;
      first_input = input;
    } else if (found != file) {
      problem.where = found;
      problem.message = fmt::format("`{}` and `{}` belong to different projects ({} and {})",
                                    first_input, input, file, found);
      problem.help = "run the command on each project separately";
      return false;
    }
  }
  if (file.empty())
    return true;

  toml::table table;
  try {
    table = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    problem.where = Where(file, e.source());
    problem.message = std::string(e.description());
    problem.help = "warrant.toml is TOML (https://toml.io); its keys are in docs/project.md";
    return false;
  }

  Reader reader(file, problem);
  std::vector<std::string> terminology;
  bool has_terminology = false;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    if (name == "terminology") {
      has_terminology = true;
      if (!reader.Terminology(node, terminology))
        return false;
      continue;
    }
    const CommandSpec* section = node.is_table() ? SectionCommand(name) : nullptr;
    if (section == nullptr) {
      std::vector<std::string> known = SectionNames();
      std::string listed;
      for (const std::string& s : known)
        listed += fmt::format("{}[{}]", listed.empty() ? "" : ", ", s);
      std::string hint;
      if (node.is_table()) {
        if (std::optional<std::string> near = check::Closest(name, known))
          hint = fmt::format("did you mean [{}]? ", *near);
      } else if (check::Closest(name, {"terminology"})) {
        hint = "did you mean `terminology`? ";
      }
      return reader.Fail(
          key.source(),
          node.is_table() ? fmt::format("unknown section [{}]", name)
                          : fmt::format("unknown key `{}`", name),
          fmt::format("{}the top level holds `terminology` and the sections {}", hint, listed));
    }
    for (auto&& [option_key, value] : *node.as_table()) {
      const std::string option_name(option_key.str());
      const OptionSpec* option = nullptr;
      std::vector<std::string> keys;
      for (const OptionSpec* o : section->options) {
        if (!o->project)
          continue;
        keys.push_back(o->ProjectKey());
        if (o->ProjectKey() == option_name)
          option = o;
      }
      if (option == nullptr) {
        std::string listed;
        for (const std::string& k : keys)
          listed += fmt::format("{}{}", listed.empty() ? "" : ", ", k);
        const std::string hint = check::DidYouMean(option_name, keys);
        return reader.Fail(
            option_key.source(), fmt::format("unknown key `{}` in [{}]", option_name, name),
            fmt::format("{}[{}] takes {}", hint.empty() ? "" : hint + " ", name, listed));
      }
      std::vector<std::string> values;
      if (!reader.Values(*option, name, value, values))
        return false;
      // Checked for every section; applied only to this command, under what the command line set.
      const bool apply = section == &command && !Given(parsed, option);
      Options scratch;
      Options& target = apply ? parsed.options : scratch;
      for (const std::string& v : values) {
        std::string why;
        if (option->kind == ValueKind::Choice && !IsChoice(option->choices, v))
          why = fmt::format("takes {}, not `{}`", ChoiceList(option->choices), v);
        else if (!option->apply(target, v, why))
          why = fmt::format(": {}", why);
        if (!why.empty()) {
          return reader.Fail(value.source(), fmt::format("`{}` in [{}]{}{}", option_name, name,
                                                         why[0] == ':' ? "" : " ", why));
        }
      }
      if (apply)
        parsed.given.push_back(option);
    }
  }
  if (has_terminology && takes_terminology && !Given(parsed, &opt::kTerminology))
    parsed.options.terminology = terminology;
  return true;
}

}  // namespace warrant::driver
