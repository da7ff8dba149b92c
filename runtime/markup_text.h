// Escaping text for XML and HTML: the one routine the JUnit report and the explain HTML report
// use. Markup characters become entities; control characters XML 1.0 forbids (all but tab and
// line breaks) become U+FFFD, so any claim text or message yields a well-formed document.
#pragma once

#include <string>
#include <string_view>

namespace warrant {

void AppendXmlEscaped(std::string& out, std::string_view text);

inline std::string XmlEscape(std::string_view text) {
  std::string out;
  AppendXmlEscaped(out, text);
  return out;
}

}  // namespace warrant
