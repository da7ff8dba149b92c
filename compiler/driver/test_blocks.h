// The test blocks a command runs (`test`, `explain --tests`): each file's tests in source order,
// decided by that file's policy only (a `pack` test: by every policy), narrowed by --filter (a
// test name or file name part).
#pragma once

#include <string>
#include <string_view>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "runtime/engine/engine.h"

namespace warrant::driver {

// A test ForEachTest visits: of a file with a policy, or a pack test, matching --filter.
inline bool Selected(const Options& options, const ast::File& file, const SourceFile& source,
                     const ast::Test& test) {
  if (!file.policy && !test.pack)
    return false;
  return options.filter.empty() || test.name.text.find(options.filter) != std::string::npos ||
         source.name().find(options.filter) != std::string::npos;
}

// How many tests ForEachTest visits.
inline size_t CountTests(const Compilation& c, const Options& options) {
  size_t count = 0;
  for (const ast::File& file : c.sources.ast.files) {
    const SourceFile& source = c.sources.files.Get(file.file);
    for (const ast::Test& test : file.tests)
      count += Selected(options, file, source, test) ? 1 : 0;
  }
  return count;
}

// Calls `visit(file, source, test, claim_json)` for every selected test, with `session`
// restricted to the policy of the test's file, or to none for a pack test. The claim is the one
// the checker built (fixtures merged, generated records written out).
template <typename Visit>
void ForEachTest(const Compilation& c, const Options& options, Session& session, Visit&& visit) {
  const ast::Ast& ast = c.sources.ast;
  for (uint32_t f = 0; f < ast.files.size(); ++f) {
    const ast::File& file = ast.files[f];
    const SourceFile& source = c.sources.files.Get(file.file);
    for (uint32_t t = 0; t < file.tests.size(); ++t) {
      const ast::Test& test = file.tests[t];
      if (!Selected(options, file, source, test))
        continue;
      session.SetPolicyFilter(test.pack ? std::string_view() : file.policy->id.text);
      visit(file, source, test, std::string_view(c.checked.test_claims[f][t]));
    }
  }
}

}  // namespace warrant::driver
