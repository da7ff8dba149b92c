#include "compiler/driver/junit.h"

#include <fmt/format.h>

#include "runtime/core/text.h"

namespace warrant::driver {

std::string JunitXml(const std::vector<TestOutcome>& tests) {
  size_t failures = 0, skipped = 0;
  for (const TestOutcome& t : tests) {
    failures += !t.problems.empty();
    skipped += !t.skipped.empty();
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"warrant test\" tests=\"{}\" failures=\"{}\"", tests.size(),
                     failures);
  if (skipped)
    out += fmt::format(" skipped=\"{}\"", skipped);
  out += ">\n";
  for (size_t i = 0; i < tests.size();) {
    size_t end = i;
    size_t suite_failures = 0, suite_skipped = 0;
    while (end < tests.size() && tests[end].file == tests[i].file) {
      suite_failures += !tests[end].problems.empty();
      suite_skipped += !tests[end].skipped.empty();
      ++end;
    }
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
        "skipped=\"{}\">\n",
        XmlEscape(tests[i].file), end - i, suite_failures, suite_skipped);
    for (; i < end; ++i) {
      const TestOutcome& t = tests[i];
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", XmlEscape(t.file),
                         XmlEscape(t.name));
      if (!t.skipped.empty()) {
        out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                           XmlEscape(t.skipped));
        continue;
      }
      if (t.problems.empty()) {
        out += "/>\n";
        continue;
      }
      std::string body;
      for (const std::string& line : t.problems)
        body += line + '\n';
      out += fmt::format(
          ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n"
          "    </testcase>\n",
          XmlEscape(t.problems.front()), XmlEscape(body));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace warrant::driver
