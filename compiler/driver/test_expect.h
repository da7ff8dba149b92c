// Checking one `expect` clause of a test against a decided claim, and the failure report.
//
// An expect holds when the line's decision is the expected one, some finding of that decision
// carries every field written (reason, `GROUP-CARC`, `remark` RARCs, message), and each expected
// `flag "text"` is among the line's flags. The report of a failure is a table of expected vs
// actual per field, then every finding of the line with its rule and source site. It does not
// print PASS/FAIL lines or keep counts (test_command.cpp does).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/compile.h"
#include "runtime/engine/engine.h"

namespace warrant::driver {

// The compilation's display names and text for the program's source files, so reports name
// files as the PASS/FAIL lines do (`examples/medicare/x.warrant`, not the pack-relative name).
class ProgramSources {
 public:
  explicit ProgramSources(const Compilation& c);
  std::string_view Name(uint32_t program_file) const;
  const SourceFile* File(uint32_t program_file) const;
  // "name:line:col" of a byte offset.
  std::string Site(uint32_t program_file, uint32_t offset) const;

 private:
  std::vector<const SourceFile*> files_;
};

// Empty when `expect` holds; otherwise the report (lines without a trailing newline, each
// indented by `indent`). `at` is "file:line" of the expect clause.
std::vector<std::string> CheckExpect(const Engine& engine, const ProgramSources& sources,
                                     const ClaimDecision& decision, const ast::Expect& expect,
                                     const std::string& at);

}  // namespace warrant::driver
