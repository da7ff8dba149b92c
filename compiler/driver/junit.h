// The JUnit XML report of `warrant test --junit FILE`, the format CI systems read.
//
// One <testsuite> per source file (in the order tests ran), one <testcase> per test block, a
// <failure> holding the failure report or a <skipped> saying why the test did not run. No
// timestamps or durations, so the file is deterministic. This module only formats; running tests is
// test_command.cpp's job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/text.h"

namespace warrant::driver {

struct TestOutcome {
  std::string file;                   // display name of the source file
  std::string name;                   // the test's name
  std::string where;                  // "file:line"
  std::vector<std::string> problems;  // empty when it passed; else the report lines
  std::string skipped;                // why it did not run (`needs terminology`), or empty
};

// The whole XML document.
std::string JunitXml(const std::vector<TestOutcome>& tests);

using warrant::XmlEscape;  // runtime/core/text.h

}  // namespace warrant::driver
