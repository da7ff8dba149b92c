// The test blocks a command runs (`test`, `explain --tests`): each file's tests in source order,
// decided by that file's policy only, narrowed by --filter (a test name or file name part).
#pragma once

#include <string>
#include <string_view>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "runtime/engine/engine.h"

namespace warrant::driver {

inline bool Selected(const Options& options, const SourceFile& source, const ast::Test& test) {
  return options.filter.empty() || test.name.text.find(options.filter) != std::string::npos ||
         source.name().find(options.filter) != std::string::npos;
}

// How many tests ForEachTest visits.
inline size_t CountTests(const Compilation& c, const Options& options) {
  size_t count = 0;
  for (const ast::File& file : c.sources.ast.files) {
    if (!file.policy)
      continue;
    const SourceFile& source = c.sources.files.Get(file.file);
    for (const ast::Test& test : file.tests)
      count += Selected(options, source, test) ? 1 : 0;
  }
  return count;
}

// Calls `visit(file, source, test, given_json)` for every selected test, with `session` restricted
// to the policy of the test's file.
template <typename Visit>
void ForEachTest(const Compilation& c, const Options& options, Session& session, Visit&& visit) {
  const ast::Ast& ast = c.sources.ast;
  for (const ast::File& file : ast.files) {
    if (!file.policy)
      continue;
    const SourceFile& source = c.sources.files.Get(file.file);
    session.SetPolicyFilter(file.policy->id.text);
    for (const ast::Test& test : file.tests) {
      if (!Selected(options, source, test))
        continue;
      std::string_view json =
          std::string_view(source.text())
              .substr(ast.json[test.given].span.begin, ast.json[test.given].span.size());
      visit(file, source, test, json);
    }
  }
}

}  // namespace warrant::driver
