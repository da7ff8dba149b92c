#include "compiler/driver/junit.h"

#include <fmt/format.h>

namespace warrant::driver {

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab and line breaks are not allowed in XML 1.0.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
        break;
    }
  }
  return out;
}

std::string JunitXml(const std::vector<TestOutcome>& tests) {
  size_t failures = 0;
  for (const TestOutcome& t : tests) failures += !t.problems.empty();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"warrant test\" tests=\"{}\" failures=\"{}\">\n",
                     tests.size(), failures);
  for (size_t i = 0; i < tests.size();) {
    size_t end = i;
    size_t suite_failures = 0;
    while (end < tests.size() && tests[end].file == tests[i].file) {
      suite_failures += !tests[end].problems.empty();
      ++end;
    }
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                       "skipped=\"0\">\n",
                       XmlEscape(tests[i].file), end - i, suite_failures);
    for (; i < end; ++i) {
      const TestOutcome& t = tests[i];
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", XmlEscape(t.file),
                         XmlEscape(t.name));
      if (t.problems.empty()) {
        out += "/>\n";
        continue;
      }
      std::string body;
      for (const std::string& line : t.problems) body += line + '\n';
      out += fmt::format(">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n"
                         "    </testcase>\n",
                         XmlEscape(t.problems.front()), XmlEscape(body));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace warrant::driver
