// The JUnit XML of `warrant test --junit`: escaping, the document's shape, and that what the CLI
// writes for failing tests with awkward names and messages is well-formed XML.
#include "compiler/driver/junit.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

#include "compiler/driver/driver.h"
#include "tests/unit/catch.h"

namespace warrant::driver {
namespace {

namespace fs = std::filesystem;

// A small well-formedness check of the XML subset JunitXml writes: a prolog, nested elements
// with quoted attributes, character data, the five predefined entities and numeric references.
// Returns "" when well-formed, else what is wrong and where.
std::string WellFormed(const std::string& xml) {
  size_t i = 0;
  auto fail = [&](const std::string& what) { return what + " at byte " + std::to_string(i); };
  auto entity = [&]() -> bool {  // at '&'
    size_t semi = xml.find(';', i);
    if (semi == std::string::npos)
      return false;
    std::string name = xml.substr(i + 1, semi - i - 1);
    bool ok = name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" ||
              (name.size() > 1 && name[0] == '#');
    i = semi + 1;
    return ok;
  };
  const std::string prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (xml.compare(0, prolog.size(), prolog) != 0)
    return "no XML declaration";
  i = prolog.size();
  std::vector<std::string> open;
  bool root_done = false;
  while (i < xml.size()) {
    char c = xml[i];
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return fail("control character");
    }
    if (c == '&') {
      if (!entity())
        return fail("bad entity");
      continue;
    }
    if (c != '<') {
      if (open.empty() && c != '\n' && c != ' ')
        return fail("text outside the root");
      ++i;
      continue;
    }
    if (root_done)
      return fail("a second root element");
    bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
    i += closing ? 2 : 1;
    size_t name_end = xml.find_first_of(" />", i);
    if (name_end == std::string::npos || name_end == i)
      return fail("bad tag name");
    std::string name = xml.substr(i, name_end - i);
    i = name_end;
    if (closing) {
      if (open.empty() || open.back() != name || xml[i] != '>')
        return fail("mismatched </" + name + ">");
      open.pop_back();
      ++i;
      if (open.empty())
        root_done = true;
      continue;
    }
    // attributes
    while (true) {
      while (i < xml.size() && xml[i] == ' ')
        ++i;
      if (i >= xml.size())
        return fail("unterminated tag");
      if (xml[i] == '>' || xml.compare(i, 2, "/>") == 0)
        break;
      size_t eq = xml.find('=', i);
      if (eq == std::string::npos || xml[eq + 1] != '"')
        return fail("unquoted attribute");
      i = eq + 2;
      while (i < xml.size() && xml[i] != '"') {
        if (xml[i] == '<')
          return fail("`<` in an attribute");
        if (xml[i] == '&') {
          if (!entity())
            return fail("bad entity in an attribute");
        } else {
          ++i;
        }
      }
      if (i >= xml.size())
        return fail("unterminated attribute");
      ++i;
    }
    if (xml[i] == '/') {
      i += 2;
      if (open.empty())
        root_done = true;
    } else {
      open.push_back(name);
      ++i;
    }
  }
  if (!open.empty())
    return "unclosed <" + open.back() + ">";
  if (!root_done)
    return "no root element";
  return "";
}

TEST_CASE("XmlEscape escapes markup and replaces control characters") {
  CHECK(XmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(XmlEscape(std::string("x\x01y\tz\n", 6)) == "x\xEF\xBF\xBDy\tz\n");
  CHECK(XmlEscape("✓ déjà") == "✓ déjà");
}

TEST_CASE("JunitXml writes one testsuite per file and a failure per failing test") {
  std::vector<TestOutcome> tests = {
      {"a.warrant", "passes", "a.warrant:3", {}, ""},
      {"a.warrant",
       "fails <here>",
       "a.warrant:9",
       {"a.warrant:11: expect line 1", "  detail & more"},
       ""},
      {"b.warrant", "other", "b.warrant:2", {}, ""},
  };
  std::string xml = JunitXml(tests);
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"warrant test\" tests=\"3\" failures=\"1\">\n"
        "  <testsuite name=\"a.warrant\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase classname=\"a.warrant\" name=\"passes\"/>\n"
        "    <testcase classname=\"a.warrant\" name=\"fails &lt;here&gt;\">\n"
        "      <failure message=\"a.warrant:11: expect line 1\" type=\"expectation\">"
        "a.warrant:11: expect line 1\n  detail &amp; more\n</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"b.warrant\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase classname=\"b.warrant\" name=\"other\"/>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  CHECK(WellFormed(xml) == "");
  CHECK(WellFormed(JunitXml({})) == "");
}

TEST_CASE("JunitXml counts a skipped test and says why it did not run") {
  std::vector<TestOutcome> tests = {
      {"a.warrant", "runs", "a.warrant:3", {}, ""},
      {"a.warrant", "needs <codes>", "a.warrant:9", {}, "needs terminology & more"},
  };
  std::string xml = JunitXml(tests);
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"warrant test\" tests=\"2\" failures=\"0\" skipped=\"1\">\n"
        "  <testsuite name=\"a.warrant\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
        "    <testcase classname=\"a.warrant\" name=\"runs\"/>\n"
        "    <testcase classname=\"a.warrant\" name=\"needs &lt;codes&gt;\">\n"
        "      <skipped message=\"needs terminology &amp; more\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  CHECK(WellFormed(xml) == "");
}

TEST_CASE("the well-formedness check rejects broken XML") {
  const std::string prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  CHECK(WellFormed(prolog + "<a><b></a></b>\n") != "");
  CHECK(WellFormed(prolog + "<a x=\"<\"/>\n") != "");
  CHECK(WellFormed(prolog + "<a>&nope;</a>\n") != "");
  CHECK(WellFormed(prolog + "<a>\n") != "");
  CHECK(WellFormed(prolog + "<a/>\n") == "");
}

TEST_CASE("warrant test --junit writes well-formed XML for failing tests with awkward text") {
  fs::path dir = fs::temp_directory_path() / ("warrant_junit_" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream src(dir / "p.warrant");
    src << "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
           "rule r applies to line where line.code == \"82270\" {\n"
           "  require age >= 45 else deny age \"under 45 & <not> \\\"eligible\\\"\"\n"
           "}\n"
           "test \"a <b> & 'c'\" {\n"
           "  given {\"service_date\": \"2024-03-01\", \"patient\": {\"birth_date\": "
           "\"2000-01-01\"},"
           " \"lines\": [{\"code\": \"82270\"}]}\n"
           "  expect line 1 covered\n"
           "}\n"
           "test \"passes\" {\n"
           "  given {\"service_date\": \"2024-03-01\", \"patient\": {\"birth_date\": "
           "\"2000-01-01\"},"
           " \"lines\": [{\"code\": \"82270\"}]}\n"
           "  expect line 1 denied age \"under 45 & <not> \\\"eligible\\\"\"\n"
           "}\n";
  }
  std::string xml_path = (dir / "out.xml").string();
  std::istringstream in;
  std::ostringstream out, err;
  int rc = Run({"test", (dir / "p.warrant").string(), "--junit", xml_path}, in, out, err);
  CHECK(rc == 1);
  std::ifstream file(xml_path);
  std::string xml((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(WellFormed(xml) == "");
  CHECK(xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("name=\"a &lt;b&gt; &amp; &apos;c&apos;\"") != std::string::npos);
  CHECK(xml.find("&quot;under 45 &amp; &lt;not&gt; \\&quot;eligible\\&quot;&quot;") !=
        std::string::npos);
  CHECK(xml.find("<testcase classname=") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("warrant test --junit to an unwritable path fails with E0006") {
  std::istringstream in;
  std::ostringstream out, err;
  fs::path dir = fs::temp_directory_path() / ("warrant_junit_bad_" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream src(dir / "p.warrant");
    src << "policy \"P\" version 1 \"t\" effective 2024-01-01\n";
  }
  int rc =
      Run({"test", (dir / "p.warrant").string(), "--junit", (dir / "no/such/dir/x.xml").string()},
          in, out, err);
  CHECK(rc == 3);  // an I/O error
  CHECK(err.str().find("error[E0006]") != std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace warrant::driver
