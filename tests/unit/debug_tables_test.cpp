// The pack's debug tables: what the code generator records (statements with their kind, head,
// condition and `let` name; the `not`s that spell `x not in S`; codeset members as written;
// line starts), that a pack carries them unchanged, that explain's member lookup reads them, and
// that a pack whose tables point nowhere is refused rather than crashing.
#include "runtime/pack/debug_tables.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "compiler/compile.h"
#include "runtime/core/code.h"
#include "runtime/core/line_table.h"
#include "runtime/explain/explain.h"
#include "runtime/pack/pack.h"
#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

namespace warrant {
namespace {

using test::P;

namespace fs = std::filesystem;

constexpr const char* kDebugCriteria = R"(policy "DBG" version 1 "Debug tables"
  effective 2023-01-01
codeset base: icd10cm = [E11.*, I10]
codeset dx: icd10cm = [E78.0 .. E78.5, Z86.010, "E66.01"] + base - [I10]
codeset listed: hcpcs = load "listed.csv" column "code"
codeset procs: hcpcs = [G0328, 82270] + listed
fact symptomatic: bool
rule r1 "R1" applies to line where line.code in procs {
  let first = 1
  require (age >= 45 or first > 2) else deny age "too young"
  when line.code not in procs {
    require not facts.symptomatic else deny not_reasonable "diagnostic"
  }
  flag "note" when not (line.code in procs) or any d in diagnoses where d in dx
}
)";

Program CompileCriteria() {
  static int counter = 0;
  const fs::path root =
      fs::temp_directory_path() /
      ("warrant_debug_tables_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::create_directories(root);
  std::ofstream(root / "criteria.warrant") << kDebugCriteria;
  std::ofstream(root / "listed.csv") << "code\n99201\nA01*\n";
  auto c = Compile({root.string()}, CompileOptions{});
  std::error_code ec;
  fs::remove_all(root, ec);
  REQUIRE(c->ok);
  return std::move(c->program);
}

std::string_view Text(const Program& p, uint32_t file, Span span) {
  REQUIRE(file < p.sources.size());
  REQUIRE(span.end <= p.sources[file].text.size());
  return std::string_view(p.sources[file].text).substr(span.begin, span.end - span.begin);
}

uint32_t CodesetIndex(const Program& p, std::string_view name) {
  for (uint32_t i = 0; i < p.codeset_names.size(); ++i) {
    if (p.codeset_names[i] == name)
      return i;
  }
  FAIL("no codeset " << name);
  return UINT32_MAX;
}

TEST_CASE("debug tables: codegen records each statement at the instruction that ends it",
          "[debug]") {
  const Program p = CompileCriteria();
  const std::vector<StatementDebug>& all = p.debug.statements;
  std::vector<StatementKind> kinds;
  for (const StatementDebug& s : all)
    kinds.push_back(s.kind);
  CHECK(kinds == std::vector<StatementKind>{StatementKind::Applies, StatementKind::Let,
                                            StatementKind::Require, StatementKind::When,
                                            StatementKind::Require, StatementKind::Emit});
  REQUIRE(all.size() == 6);
  for (const StatementDebug& s : all) {
    CHECK(StatementAt(p, s.pc) == &s);
    const std::optional<Instruction> ins = DecodeAt(p.code, s.pc);
    REQUIRE(ins);
    if (s.kind == StatementKind::Let) {
      CHECK(ins->op == Op::Store);
      CHECK(s.site == UINT32_MAX);
    } else {
      CHECK(s.site == static_cast<uint32_t>(ins->a));
      CHECK(s.site < p.outcomes.size());
    }
  }
  CHECK(Text(p, all[0].file, all[0].head) == "applies to line where line.code in procs");
  CHECK(Text(p, all[0].file, all[0].condition) == "line.code in procs");

  CHECK(all[1].name == "first");
  CHECK(Text(p, all[1].file, all[1].name_span) == "first");
  CHECK(Text(p, all[1].file, all[1].span) == "let first = 1");
  CHECK(Text(p, all[1].file, all[1].condition) == "1");

  // The condition as written, parentheses included; the head stops before `else`.
  CHECK(Text(p, all[2].file, all[2].condition) == "(age >= 45 or first > 2)");
  CHECK(Text(p, all[2].file, all[2].head) == "require (age >= 45 or first > 2)");
  CHECK(Text(p, all[2].file, all[2].span) ==
        R"(require (age >= 45 or first > 2) else deny age "too young")");
  CHECK(all[2].name.empty());

  // A `when` block's head runs to the end of the first requirement's condition inside it.
  CHECK(Text(p, all[3].file, all[3].condition) == "line.code not in procs");
  CHECK(Text(p, all[3].file, all[3].head) ==
        "when line.code not in procs {\n    require not facts.symptomatic");
  CHECK(Text(p, all[4].file, all[4].head) == "require not facts.symptomatic");

  // A direct outcome has no outcome clause after its condition: shown whole.
  CHECK(Text(p, all[5].file, all[5].head) == Text(p, all[5].file, all[5].span));
  CHECK(Text(p, all[5].file, all[5].condition) ==
        "not (line.code in procs) or any d in diagnoses where d in dx");

  CHECK(VerifyDebugTables(p).empty());
}

TEST_CASE("debug tables: only `x not in S` is marked, at its `not`", "[debug]") {
  const Program p = CompileCriteria();
  // The program has three `not`s: `line.code not in procs`, `not facts.symptomatic` and
  // `not (line.code in procs)`.
  size_t nots = 0;
  for (size_t pc = 0; pc < p.code.size();) {
    const std::optional<Instruction> ins = DecodeAt(p.code, pc);
    REQUIRE(ins);
    nots += ins->op == Op::Not;
    pc += ins->size;
  }
  CHECK(nots == 3);
  REQUIRE(p.debug.not_in.size() == 1);
  const std::optional<Instruction> ins = DecodeAt(p.code, p.debug.not_in[0]);
  REQUIRE(ins);
  CHECK(ins->op == Op::Not);
  CHECK(SpellsNotIn(p, p.debug.not_in[0]));
  CHECK_FALSE(SpellsNotIn(p, p.debug.not_in[0] + 1));
}

TEST_CASE("debug tables: codeset members as written, subtracted parts left out", "[debug]") {
  const Program p = CompileCriteria();
  REQUIRE(p.debug.codesets.size() == p.codesets.size());
  const uint32_t base = CodesetIndex(p, "base");
  const uint32_t dx = CodesetIndex(p, "dx");
  const uint32_t listed = CodesetIndex(p, "listed");
  const uint32_t procs = CodesetIndex(p, "procs");

  // `I10` is written in its own spelling: recorded by value; the prefix as a member.
  const CodesetDebug& b = p.debug.codesets[base];
  CHECK(b.codes == std::vector<uint64_t>{P(CodeSystem::Icd10cm, "I10")});
  REQUIRE(b.members.size() == 1);
  CHECK(b.members[0].kind == CodesetMemberKind::Codes);
  CHECK(b.members[0].text == "E11.*");
  CHECK(Text(p, b.file, b.members[0].span) == "E11.*");

  const CodesetDebug& d = p.debug.codesets[dx];
  std::vector<uint64_t> codes{P(CodeSystem::Icd10cm, "Z86.010"), P(CodeSystem::Icd10cm, "E66.01")};
  std::sort(codes.begin(), codes.end());
  CHECK(d.codes == codes);  // the quotes around "E66.01" are not part of the member
  REQUIRE(d.members.size() == 2);
  CHECK(d.members[0].kind == CodesetMemberKind::Codes);
  CHECK(d.members[0].text == "E78.0 .. E78.5");
  CHECK(d.members[0].codes.lo == P(CodeSystem::Icd10cm, "E78.0"));
  CHECK(d.members[1].kind == CodesetMemberKind::Reference);
  CHECK(d.members[1].text == "base");
  CHECK(d.members[1].index == base);

  const CodesetDebug& l = p.debug.codesets[listed];
  REQUIRE(l.members.size() == 1);
  CHECK(l.members[0].kind == CodesetMemberKind::Load);
  CHECK(l.members[0].text == "\"listed.csv\"");
  REQUIRE(l.loads.size() == 1);
  CHECK(l.loads[0].Contains(P(CodeSystem::Hcpcs, "99201")));
  CHECK(l.loads[0].Contains(P(CodeSystem::Hcpcs, "A0100")));

  // Explain's answer comes from these tables alone.
  CHECK(WrittenMember(p, dx, P(CodeSystem::Icd10cm, "E78.1")) == "E78.0 .. E78.5");
  CHECK(WrittenMember(p, dx, P(CodeSystem::Icd10cm, "Z86.010")) == "Z86.010");
  CHECK(WrittenMember(p, dx, P(CodeSystem::Icd10cm, "E11.9")) == "E11.* (in `base`)");
  // `- [I10]` names no member: the set does not hold I10 (explain asks only about codes it holds).
  CHECK_FALSE(p.codesets[dx].Contains(P(CodeSystem::Icd10cm, "I10")));
  CHECK(WrittenMember(p, procs, P(CodeSystem::Hcpcs, "A0100")) ==
        "listed in \"listed.csv\" (in `listed`)");
  CHECK(WrittenMember(p, procs, P(CodeSystem::Hcpcs, "G0328")) == "G0328");
  CHECK(WrittenMember(p, static_cast<uint32_t>(p.codesets.size()), 0).empty());
}

TEST_CASE("debug tables: a pack carries them and the line starts unchanged, deterministically",
          "[debug]") {
  Program p = CompileCriteria();
  REQUIRE(p.sources.size() == 1);
  CHECK(p.sources[0].line_starts == LineStarts(p.sources[0].text));
  const std::vector<uint8_t> bytes = WritePack(p);
  PackResult read = ReadPack(bytes);
  REQUIRE(read.error.empty());
  const DebugTables& d = read.program.debug;
  REQUIRE(d.statements.size() == p.debug.statements.size());
  for (size_t i = 0; i < d.statements.size(); ++i) {
    CHECK(d.statements[i].pc == p.debug.statements[i].pc);
    CHECK(d.statements[i].kind == p.debug.statements[i].kind);
    CHECK(d.statements[i].head.begin == p.debug.statements[i].head.begin);
    CHECK(d.statements[i].head.end == p.debug.statements[i].head.end);
    CHECK(d.statements[i].condition.end == p.debug.statements[i].condition.end);
    CHECK(d.statements[i].name == p.debug.statements[i].name);
  }
  CHECK(d.not_in == p.debug.not_in);
  REQUIRE(d.codesets.size() == p.debug.codesets.size());
  for (size_t i = 0; i < d.codesets.size(); ++i) {
    CHECK(d.codesets[i].codes == p.debug.codesets[i].codes);
    REQUIRE(d.codesets[i].members.size() == p.debug.codesets[i].members.size());
    for (size_t m = 0; m < d.codesets[i].members.size(); ++m)
      CHECK(d.codesets[i].members[m].text == p.debug.codesets[i].members[m].text);
  }
  CHECK(read.program.sources[0].line_starts == p.sources[0].line_starts);
  // Written again, and compiled again: the same bytes.
  CHECK(WritePack(read.program) == bytes);
  Program again = CompileCriteria();
  CHECK(WritePack(again) == bytes);
}

TEST_CASE("debug tables: a pack whose tables point nowhere is refused, never read past",
          "[debug]") {
  const Program good = CompileCriteria();
  const uint32_t dx = CodesetIndex(good, "dx");
  const auto refused = [](Program p, std::string_view why) {
    INFO(why);
    CHECK_FALSE(VerifyDebugTables(p).empty());
    const PackResult read = ReadPack(WritePack(p));
    CHECK_THAT(read.error, Catch::Matchers::StartsWith("pack failed verification: "));
  };
  {
    Program p = good;
    p.debug.statements[2].pc += 1;  // inside an instruction
    refused(p, "statement pc");
  }
  {
    Program p = good;
    p.debug.statements[2].kind = StatementKind::Let;  // at a `require`
    refused(p, "statement kind");
  }
  {
    Program p = good;
    p.debug.statements[2].site += 1;
    refused(p, "statement site");
  }
  {
    Program p = good;
    p.debug.statements[0].condition.end = static_cast<uint32_t>(p.sources[0].text.size() + 1);
    refused(p, "condition span");
  }
  {
    Program p = good;
    std::swap(p.debug.statements[0], p.debug.statements[1]);
    refused(p, "statement order");
  }
  {
    Program p = good;
    p.debug.not_in[0] = p.debug.statements[0].pc;  // an `applies`, not a `not`
    refused(p, "not in");
  }
  {
    Program p = good;
    p.debug.codesets[dx].members[1].index = static_cast<uint32_t>(p.codesets.size());
    refused(p, "reference");
  }
  {
    Program p = good;
    p.debug.codesets.pop_back();
    refused(p, "codeset count");
  }
  {
    Program p = good;
    p.sources[0].line_starts.push_back(static_cast<uint32_t>(p.sources[0].text.size() + 5));
    refused(p, "line starts");
  }
}

}  // namespace
}  // namespace warrant
