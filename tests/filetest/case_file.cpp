#include "tests/filetest/case_file.h"

#include <charconv>
#include <cstdint>

namespace warrant::filetest {
namespace {

enum class Directive : std::uint8_t {
  None,
  Args,
  Split,
  CheckStdout,
  CheckStderr,
  CheckExit,
  UnknownCheck,  // `// CHECK:` followed by something else: a typo that must not pass silently
};

struct DirectiveLine {
  Directive kind = Directive::None;
  std::string_view value;  // text after the directive, one separating space removed
};

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Directives are `// KEYWORD...` comments, optionally indented. The separating space after the
// keyword is removed, but no more: output lines often start with spaces that must be kept.
DirectiveLine ClassifyLine(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line.substr(start, 3) != "// ") {
    return {};
  }
  std::string_view rest = line.substr(start + 3);

  struct Keyword {
    std::string_view text;
    Directive kind;
  };

  static constexpr Keyword kKeywords[] = {
      {"ARGS:", Directive::Args},
      {"---", Directive::Split},
      {"CHECK:STDOUT:", Directive::CheckStdout},
      {"CHECK:STDERR:", Directive::CheckStderr},
      {"CHECK:EXIT:", Directive::CheckExit},
  };
  for (const Keyword& keyword : kKeywords) {
    if (rest.substr(0, keyword.text.size()) != keyword.text) {
      continue;
    }
    std::string_view value = rest.substr(keyword.text.size());
    if (keyword.kind == Directive::Split && !value.empty() && value.front() != ' ') {
      continue;  // `// ----` is a plain comment, not a split
    }
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    return {keyword.kind, value};
  }
  if (rest.substr(0, 6) == "CHECK:") {
    return {Directive::UnknownCheck, rest};
  }
  return {};
}

bool IsCheck(Directive kind) {
  return kind == Directive::CheckStdout || kind == Directive::CheckStderr ||
         kind == Directive::CheckExit || kind == Directive::UnknownCheck;
}

std::string_view Trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) {
    return {};
  }
  std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

// A split name must stay inside the temporary directory.
bool IsValidSplitName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') {
    return false;
  }
  std::size_t pos = 0;
  while (pos <= name.size()) {
    std::size_t slash = name.find('/', pos);
    std::string_view part =
        name.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (part.empty() || part == "." || part == ".." ||
        part.find_first_of(" \t{}") != std::string_view::npos) {
      return false;
    }
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  return true;
}

}  // namespace

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) {
      lines.emplace_back(text.substr(pos));
      break;
    }
    lines.emplace_back(text.substr(pos, newline - pos));
    pos = newline + 1;
  }
  return lines;
}

CaseFile ParseCaseFile(std::string_view text) {
  CaseFile result;
  std::vector<std::string> lines = SplitLines(text);
  auto error = [&result](std::size_t index, const std::string& message) {
    result.errors.push_back("line " + std::to_string(index + 1) + ": " + message);
  };

  // The trailing block: from the first line after which only CHECK lines and blanks follow.
  std::size_t block_start = lines.size();
  while (block_start > 0) {
    const std::string& line = lines[block_start - 1];
    if (!IsBlank(line) && !IsCheck(ClassifyLine(line).kind)) {
      break;
    }
    --block_start;
  }

  SplitFile* open_split = nullptr;  // the split whose content lines are being collected
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    DirectiveLine directive = ClassifyLine(line);

    if (open_split != nullptr) {
      // Split content: every following `//` line that is not itself a directive.
      bool is_comment = line.rfind("//", 0) == 0;
      if (is_comment && directive.kind == Directive::None) {
        std::string_view content = std::string_view(line).substr(2);
        if (!content.empty() && content.front() == ' ') {
          content.remove_prefix(1);
        }
        open_split->content.append(content).push_back('\n');
      } else {
        open_split = nullptr;
      }
    }

    if (!IsCheck(directive.kind)) {
      result.body.push_back(line);
    } else if (i < block_start && result.misplaced_check_line == 0) {
      result.misplaced_check_line = i + 1;
    }

    switch (directive.kind) {
      case Directive::None:
        break;
      case Directive::UnknownCheck:
        error(i, "unknown directive `" + std::string(directive.value) +
                     "`; expected CHECK:STDOUT:, CHECK:STDERR: or CHECK:EXIT:");
        break;
      case Directive::Args:
        if (result.args) {
          error(i, "more than one `// ARGS:` line");
        }
        result.args = std::string(Trim(directive.value));
        break;
      case Directive::Split: {
        std::string name(Trim(directive.value));
        if (name.empty()) {
          break;  // a bare `// ---` only ends the previous split
        }
        if (!IsValidSplitName(name)) {
          error(i, "split file name `" + name +
                       "` must be a relative path without `..`, spaces or braces");
        }
        for (const SplitFile& split : result.splits) {
          if (split.name == name) {
            error(i, "split file `" + name + "` is declared twice");
          }
        }
        result.splits.push_back({name, ""});
        open_split = &result.splits.back();
        break;
      }
      case Directive::CheckStdout:
      case Directive::CheckStderr: {
        std::string message;
        std::optional<ExpectedLine> expected = ExpectedLine::Parse(directive.value, message);
        if (!expected) {
          error(i, message);
          break;
        }
        result.has_output_checks = true;
        (directive.kind == Directive::CheckStdout ? result.expected_stdout : result.expected_stderr)
            .push_back(std::move(*expected));
        break;
      }
      case Directive::CheckExit: {
        std::string_view value = Trim(directive.value);
        int code = 0;
        auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), code);
        if (value.empty() || status != std::errc() || end != value.data() + value.size()) {
          error(i, "`// CHECK:EXIT:` needs an integer, found `" + std::string(value) + "`");
        } else if (result.expected_exit) {
          error(i, "more than one `// CHECK:EXIT:` line");
        } else {
          result.expected_exit = code;
        }
        break;
      }
    }
  }
  while (!result.body.empty() && IsBlank(result.body.back())) {
    result.body.pop_back();
  }
  return result;
}

}  // namespace warrant::filetest
