#include "tests/filetest/expected_line.h"

#include <regex>

namespace warrant::filetest {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

void AppendEscaped(std::string& pattern, std::string_view literal) {
  for (char c : literal) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) {
      pattern += '\\';
    }
    pattern += c;
  }
}

}  // namespace

std::optional<ExpectedLine> ExpectedLine::Parse(std::string_view text, std::string& error) {
  ExpectedLine line;
  line.text_ = std::string(text);
  if (text.find(kOpen) == std::string_view::npos) {
    return line;
  }
  // Literal runs are escaped; each `{{...}}` is inserted as a non-capturing group, so an
  // alternation inside one span cannot swallow the rest of the line. An unclosed `{{` is literal.
  std::string pattern;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find(kOpen, pos);
    std::size_t close =
        open == std::string_view::npos ? open : text.find(kClose, open + kOpen.size());
    if (close == std::string_view::npos) {
      AppendEscaped(pattern, text.substr(pos));
      break;
    }
    AppendEscaped(pattern, text.substr(pos, open - pos));
    pattern += "(?:";
    pattern += text.substr(open + kOpen.size(), close - open - kOpen.size());
    pattern += ')';
    pos = close + kClose.size();
  }
  try {
    line.regex_.emplace(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    error = "malformed {{regex}}: " + std::string(e.what());
    return std::nullopt;
  }
  return line;
}

bool ExpectedLine::Matches(std::string_view actual) const {
  if (!regex_) {
    return actual == text_;
  }
  return std::regex_match(actual.begin(), actual.end(), *regex_);
}

std::string ToExpectedText(std::string_view actual) {
  std::string text;
  std::size_t pos = 0;
  for (std::size_t open = actual.find(kOpen); open != std::string_view::npos;
       open = actual.find(kOpen, pos)) {
    text += actual.substr(pos, open - pos);
    text += "{{\\{\\{}}";
    pos = open + kOpen.size();
  }
  text += actual.substr(pos);
  // A pack hash changes with every edit of the criteria: expect any hash, not this one.
  static const std::regex kPackHash("sha256:[0-9a-f]{64}");
  // A run's throughput differs from run to run.
  static const std::regex kRate("\\b[0-9]+ claims/s");
  return std::regex_replace(std::regex_replace(text, kPackHash, "sha256:{{[0-9a-f]+}}"), kRate,
                            "{{[0-9]+}} claims/s");
}

}  // namespace warrant::filetest
