// One expected output line of a golden case, and how it matches an actual line.
//
// Expected lines are literal text except `{{regex}}` spans (ECMAScript syntax), which match
// volatile text such as timings. Whole lines are compared, never substrings. ToExpectedText() is
// the reverse direction, used by autoupdate: it turns an actual line into an expected line that
// matches exactly that line. Nothing here knows about files or the driver.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace warrant::filetest {

class ExpectedLine {
 public:
  // Parses `text`; on a malformed `{{regex}}` returns nullopt and sets `error`.
  static std::optional<ExpectedLine> Parse(std::string_view text, std::string& error);

  // True if `actual` is this line: literal parts equal, `{{regex}}` parts matched.
  bool Matches(std::string_view actual) const;

  // The line as written in the case file (what autoupdate keeps when the line still matches).
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  // Only lines containing `{{` get a regex; plain lines compare as strings, which is faster and
  // keeps the common case free of regex surprises.
  std::optional<std::regex> regex_;
};

// `actual` written as an expected line. A literal `{{` in the output becomes `{{\{\{}}` so that
// it is not read back as the start of a regex.
std::string ToExpectedText(std::string_view actual);

}  // namespace warrant::filetest
