// The disassembler's listing format (a golden), its robustness on unverified programs, and
// docs/bytecode.md staying in step with opcodes.def.
#include "runtime/pack/disasm.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/line_table.h"
#include "runtime/pack/builtins.h"
#include "runtime/pack/verify.h"
#include "runtime/records/schema.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

using Catch::Matchers::Contains;

uint8_t F(FieldId id) {
  return static_cast<uint8_t>(id);
}

uint8_t S(ScopeId id) {
  return static_cast<uint8_t>(id);
}

class Asm {
 public:
  explicit Asm(std::vector<uint8_t>& code) : code_(code) {}

  uint32_t Here() const { return static_cast<uint32_t>(code_.size()); }

  uint32_t Emit(Op op, int64_t a = 0, int64_t b = 0) {
    const uint32_t at = Here();
    AppendInstruction(code_, op, a, b);
    return at;
  }

  void Patch(uint32_t at, uint32_t target) {
    const uint8_t size = Info(static_cast<Op>(code_[at])).size;
    const auto offset = static_cast<uint32_t>(int64_t{target} - (at + size));
    for (size_t i = 0; i < 4; ++i) {
      code_[at + size - 4 + i] = static_cast<uint8_t>(offset >> (8 * i));
    }
  }

 private:
  std::vector<uint8_t>& code_;
};

constexpr std::string_view kSource =
    "policy \"NCD 210.3\" version 2 \"Screening FOBT\"\n"                                 // 1
    "  effective 2023-01-01\n"                                                            // 2
    "reason ga = CO-50 group PR when \"GA\" in line.modifiers\n"                          // 3
    "rule frequency \"Once every 12 months\"\n"                                           // 4
    "  applies to line where line.code in fobt\n"                                         // 5
    "{\n"                                                                                 // 6
    "  let paid = any h in history where h.status == \"paid\"\n"                          // 7
    "  require not paid or months_between(h.date, service_date) >= 12\n"                  // 8
    "    else deny frequency \"one screening FOBT per 12 months\"\n"                      // 9
    "  when facts.fit_positive { flag \"follow up\" when mue[line.code].units > 1.5 }\n"  // 10
    "}\n";                                                                                // 11

uint32_t LineAt(int line) {
  size_t at = 0;
  for (int l = 1; l < line; ++l)
    at = kSource.find('\n', at) + 1;
  return static_cast<uint32_t>(at);
}

Program ListingProgram() {
  Program p;
  p.sources.push_back({"ncd_210_3_fobt_v2.warrant", std::string(kSource), {}, LineStarts(kSource)});
  const auto ga = static_cast<int64_t>(*Pack(CodeSystem::Modifier, "GA"));
  p.constants = {{Tag::String, 0, 0, "paid", {}},
                 {Tag::Int, 0, 12, "", {}},
                 {Tag::Decimal, 0, 1500000, "", {}},
                 {Tag::Code, 0, ga, "", {}},
                 {Tag::List, 0, 0, "", {0, 3}}};
  CodesetBuilder fobt;
  fobt.AddCode(*Pack(CodeSystem::Hcpcs, "82270"));
  p.codesets.push_back(fobt.Build());
  p.codeset_names.push_back("fobt");
  TableData mue;
  mue.name = "mue";
  mue.key_tag = Tag::Code;
  mue.int_keys = {static_cast<int64_t>(*Pack(CodeSystem::Hcpcs, "82270"))};
  mue.columns = {"units"};
  mue.record_valued = true;
  mue.cells = {{Tag::Int, 0, 1, "", {}}};
  p.tables.push_back(mue);
  p.schema.AddFact("fit_positive", SchemaType{Kind::Bool});
  REQUIRE_FALSE(p.schema.Finish());
  p.reasons.push_back({"frequency", "CO", "119", {"N386"}, "", "", UINT32_MAX, 0, 0, 0});
  p.reasons.push_back({"ga", "CO", "50", {}, "", "PR", 0, 0, 0, 2});
  p.outcomes.resize(4);
  p.outcomes[0].kind = OutcomeKind::AutoPend;
  p.outcomes[1].reason = 0;
  p.outcomes[1].message = "one screening FOBT per 12 months";
  p.outcomes[2].kind = OutcomeKind::AutoPend;
  p.outcomes[3].kind = OutcomeKind::Flag;
  p.outcomes[3].message = "follow up";

  Asm a(p.code);
  auto span = [&](int line) { p.spans.push_back({a.Here(), 0, LineAt(line), LineAt(line) + 1}); };
  RuleData rule;
  rule.name = "frequency";
  rule.title = "Once every 12 months";
  rule.from = *ParseDate("2023-01-01");
  rule.applies_code = a.Here();
  rule.slots = 4;
  rule.max_stack = 3;
  rule.begin = LineAt(4);
  rule.end = LineAt(11) + 1;
  span(5);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::InCodeset, 0);
  a.Emit(Op::Applies, 0);
  span(7);
  a.Emit(Op::PushFalse);
  a.Emit(Op::Store, 0);
  a.Emit(Op::Scope, S(ScopeId::history));
  a.Emit(Op::IterStart, 1);
  const uint32_t loop = a.Emit(Op::IterNext, 1, 0);
  a.Emit(Op::Load, 3);
  a.Emit(Op::Field, F(FieldId::history_status));
  a.Emit(Op::PushConst, 0);
  a.Emit(Op::Eq);
  a.Emit(Op::AccAny, 0);
  a.Patch(a.Emit(Op::Jump), loop);
  a.Patch(loop, a.Here());
  span(8);
  a.Emit(Op::Load, 0);
  a.Emit(Op::Not);
  a.Emit(Op::Load, 3);
  a.Emit(Op::Field, F(FieldId::history_date));
  a.Emit(Op::Scope, S(ScopeId::service_date));
  a.Emit(Op::Call, static_cast<uint8_t>(BuiltinId::MonthsBetween));
  a.Emit(Op::PushConst, 1);
  a.Emit(Op::Ge);
  a.Emit(Op::Or);
  a.Emit(Op::Require, 1);
  span(10);
  a.Emit(Op::Fact, 0);
  const uint32_t when = a.Emit(Op::When, 2, 0);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::Lookup, 0);
  a.Emit(Op::Column, 0);
  a.Emit(Op::PushConst, 2);
  a.Emit(Op::Gt);
  a.Emit(Op::Emit, 3);
  a.Patch(when, a.Here());
  span(11);
  a.Emit(Op::Return);
  rule.code_end = a.Here();
  p.rules.push_back(rule);

  p.reasons[1].alt_code = a.Here();
  span(3);
  a.Emit(Op::PushConst, 3);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_modifiers));
  a.Emit(Op::InList);
  a.Emit(Op::Return);
  p.reasons[1].alt_code_end = a.Here();

  p.policies.push_back({"NCD 210.3", 2, "Screening FOBT", "", rule.from, kMaxDay, 0, 1, 0});
  return p;
}

std::string Listing(const Program& p, DisasmOptions options = {}) {
  std::ostringstream out;
  Disassemble(p, out, options);
  return out.str();
}

constexpr std::string_view kGolden =
    R"(== policy "NCD 210.3" version 2 (2023-01-01 .. open) ncd_210_3_fobt_v2.warrant ==
-- rule frequency "Once every 12 months" (ncd_210_3_fobt_v2.warrant:4) slots 4 stack 3 --
          ; applies to line where line.code in fobt
0000    5 scope            0           ; line
0002    | field            22          ; line.code
0004    | in_codeset       0           ; fobt
0007    | applies          0           ; auto_pend
          ; let paid = any h in history where h.status == "paid"
000a    7 push_false
000b    | store            0
000d    | scope            4           ; history
000f    | iter_start       1
0011    | iter_next        1, 15       ; -> 0026
0017    | load             3
0019    | field            39          ; history.status
001b    | push_const       0           ; "paid"
001e    | eq
001f    | acc_any          0
0021    | jump             -21         ; -> 0011
          ; require not paid or months_between(h.date, service_date) >= 12
0026    8 load             0
0028    | not
0029    | load             3
002b    | field            38          ; history.date
002d    | scope            7           ; service_date
002f    | call             1           ; months_between
0031    | push_const       1           ; 12
0034    | ge
0035    | or
0036    | require          1           ; deny frequency "one screening FOBT per 12 months"
          ; when facts.fit_positive { flag "follow up" when mue[line.code].units > 1.5 }
0039   10 fact             0           ; fit_positive
003c    | when             2, 17       ; auto_pend, -> 0054
0043    | scope            0           ; line
0045    | field            22          ; line.code
0047    | lookup           0           ; mue
004a    | column           0           ; units
004d    | push_const       2           ; 1.5
0050    | gt
0051    | emit             3           ; flag "follow up"
          ; }
0054   11 return
== reason conditions ==
-- reason ga condition (group PR when true) slots 0 stack 2 --
          ; reason ga = CO-50 group PR when "GA" in line.modifiers
0055    3 push_const       3           ; modifier GA
0058    | scope            0           ; line
005a    | field            23          ; line.modifiers
005c    | in_list
005d    | return
)";

TEST_CASE("disasm: the listing of a rule and a reason condition", "[disasm]") {
  const Program p = ListingProgram();
  REQUIRE(Verify(p) == "");
  CHECK(Listing(p) == kGolden);
  CHECK(Listing(p) == Listing(ListingProgram()));
}

TEST_CASE("disasm: without source lines, and one rule at a time", "[disasm]") {
  const Program p = ListingProgram();
  const std::string bare = Listing(p, DisasmOptions{false});
  CHECK(bare.find("\n          ;") == std::string::npos);
  CHECK(Listing(p).find("\n          ; let paid") != std::string::npos);
  CHECK_THAT(bare, Contains("0039   10 fact             0           ; fit_positive\n"));

  std::ostringstream rule;
  DisassembleRule(p, 0, rule);
  const std::string golden(kGolden);
  const size_t begin = golden.find("-- rule");
  CHECK(rule.str() == golden.substr(begin, golden.find("== reason") - begin));
  std::ostringstream none;
  DisassembleRule(p, 1, none);
  CHECK(none.str().empty());
}

TEST_CASE("disasm: constants print as source writes them", "[disasm]") {
  Program p = ListingProgram();
  p.code.clear();
  p.spans.clear();
  p.reasons[1].alt_code = UINT32_MAX;
  p.constants.push_back({Tag::Date, 0, *ParseDate("2024-02-29"), "", {}});
  p.constants.push_back({Tag::Duration, static_cast<uint8_t>(DurationUnit::Months), 12, "", {}});
  p.constants.push_back({Tag::Decimal, 0, -2500000, "", {}});
  p.constants.push_back({Tag::String, 0, 0, "a \"b\"\n", {}});
  p.constants.push_back(
      {Tag::Code, 0, static_cast<int64_t>(*Pack(CodeSystem::Icd10cm, "E119")), "", {}});
  p.constants.push_back({Tag::Bool, 0, 1, "", {}});
  p.constants.push_back({Tag::None, 0, 0, "", {}});
  Asm a(p.code);
  for (uint32_t k = 0; k < p.constants.size(); ++k)
    a.Emit(Op::PushConst, k);
  a.Emit(Op::MakeList, 4);
  a.Emit(Op::Return);
  p.rules[0].code_end = a.Here();
  const std::string listing = Listing(p);
  for (const char* text :
       {"; \"paid\"", "; 12\n", "; 1.5\n", "; modifier GA\n", "; [\"paid\", modifier GA]\n",
        "; 2024-02-29\n", "; 12 months\n", "; -2.5\n", "; \"a \\\"b\\\"\\n\"\n",
        "; icd10cm E11.9\n", "; true\n", "; none\n"}) {
    CHECK_THAT(listing, Contains(text));
  }
  CHECK_THAT(listing, Contains("make_list        4           ; [\"paid\", modifier GA]"));
}

TEST_CASE("disasm: every opcode lists, whatever its operands", "[disasm]") {
  for (int64_t operand : {int64_t{0}, int64_t{-1}}) {
    Program p = ListingProgram();
    p.code.clear();
    Asm a(p.code);
    for (size_t op = 0; op < kOpCount; ++op)
      a.Emit(static_cast<Op>(op), operand, operand);
    p.rules[0].code_end = a.Here();
    p.reasons[1].alt_code = UINT32_MAX;
    const std::string listing = Listing(p);
    for (size_t op = 0; op < kOpCount; ++op) {
      CHECK_THAT(listing, Contains(std::string(" ") + Info(static_cast<Op>(op)).mnemonic));
    }
    if (operand == -1)
      CHECK_THAT(listing, Contains("; ?"));
  }
}

TEST_CASE("disasm: an unverified program lists without crashing", "[disasm]") {
  Program p = ListingProgram();
  p.code[0x0a] = 0xEE;  // push_false -> not an opcode
  p.rules.push_back(p.rules[0]);
  p.rules[1].name = "orphan";
  p.rules[1].code_end = 1000;  // past the code
  p.rules[1].file = 7;         // not a source
  p.spans.clear();
  const std::string listing = Listing(p);
  CHECK_THAT(listing, Contains("000a    ? <bad instruction byte 0xee>\n"));
  CHECK_THAT(listing, Contains("== rules outside every policy ==\n-- rule orphan"));
  CHECK_THAT(listing, Contains("(?:0)"));
  CHECK_THAT(listing, Contains("0000    ? scope"));

  // A cut-off last instruction.
  p = ListingProgram();
  p.code.resize(p.code.size() - 1);
  p.code.push_back(static_cast<uint8_t>(Op::PushConst));
  CHECK_THAT(Listing(p), Contains("<bad instruction byte 0x00>"));

  // Lists of lists are expanded one level only.
  p = ListingProgram();
  p.constants[4].items = {4};
  p.code[0x1c] = 4;  // push_const 0 -> push_const 4
  CHECK_THAT(Listing(p), Contains("push_const       4           ; [[...]]"));
}

// docs/bytecode.md is WriteBytecodeDoc's output; with WARRANT_UPDATE_DOCS set this rewrites it.
TEST_CASE("disasm: docs/bytecode.md is up to date", "[disasm][bytecode-doc]") {
  std::ostringstream generated;
  WriteBytecodeDoc(generated);
  const std::string path = std::string(WARRANT_SOURCE_DIR) + "/docs/bytecode.md";
  if (std::getenv("WARRANT_UPDATE_DOCS") != nullptr) {
    std::ofstream(path, std::ios::binary) << generated.str();
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream on_disk;
  on_disk << file.rdbuf();
  INFO("regenerate: WARRANT_UPDATE_DOCS=1 <build>/tests/warrant_unit_tests '[bytecode-doc]'");
  CHECK(on_disk.str() == generated.str());
}

TEST_CASE("disasm: the bytecode doc has one row per opcode", "[disasm]") {
  std::ostringstream doc;
  WriteBytecodeDoc(doc);
  const std::string text = doc.str();
  for (size_t op = 0; op < kOpCount; ++op) {
    const std::string row =
        "| " + std::to_string(op) + " | `" + Info(static_cast<Op>(op)).mnemonic + "` |";
    CHECK_THAT(text, Contains(row));
  }
  CHECK_THAT(text, Contains("| `[.., a, b] -> [.., a == b]` |"));
  CHECK_THAT(text, Contains("| 1 - arity |"));
}

}  // namespace
}  // namespace warrant
