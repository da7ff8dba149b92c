// Pack files: round trips, determinism, and refusal of every corrupt, truncated, foreign or
// structurally broken pack without crashing (run under ASan/UBSan too: the asan preset).
#include "runtime/pack/pack.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/line_table.h"
#include "runtime/core/sha256.h"
#include "runtime/pack/builtins.h"
#include "runtime/records/schema.h"
#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

namespace warrant {
namespace {

using test::D;
using test::P;

using Catch::Matchers::Contains;

constexpr size_t kHashAt = 18;
constexpr size_t kHashedFrom = 50;
constexpr size_t kSectionTableAt = 54;

uint8_t F(FieldId id) {
  return static_cast<uint8_t>(id);
}

uint8_t S(ScopeId id) {
  return static_cast<uint8_t>(id);
}

// Appends instructions; jumps are emitted with a zero offset and patched once the target is
// known.
class Asm {
 public:
  explicit Asm(std::vector<uint8_t>& code) : code_(code) {}

  uint32_t Here() const { return static_cast<uint32_t>(code_.size()); }

  uint32_t Emit(Op op, int64_t a = 0, int64_t b = 0) {
    const uint32_t at = Here();
    AppendInstruction(code_, op, a, b);
    return at;
  }

  // Points the jump at `at` to `target`.
  void Patch(uint32_t at, uint32_t target) {
    const Op op = static_cast<Op>(code_[at]);
    const OpInfo& info = Info(op);
    const auto offset = static_cast<uint32_t>(int64_t{target} - (at + info.size));
    const size_t field = at + info.size - 4;  // the I32 is always last
    for (size_t i = 0; i < 4; ++i)
      code_[field + i] = static_cast<uint8_t>(offset >> (8 * i));
  }

 private:
  std::vector<uint8_t>& code_;
};

constexpr std::string_view kSource =
    "policy \"NCD 210.3\" version 2 \"Screening fecal occult blood test\"\n"            // 1
    "  effective 2023-01-01\n"                                                          // 2
    "codeset fobt: hcpcs = [82270, G0328]\n"                                            // 3
    "reason ga = CO-50 remark N130 group PR when \"GA\" in line.modifiers\n"            // 4
    "rule attained_age \"Beneficiary has attained age 45\"\n"                           // 5
    "  applies to line where line.code in fobt\n"                                       // 6
    "{\n"                                                                               // 7
    "  require years_between(patient.birth_date, service_date) >= 45\n"                 // 8
    "    else deny age \"FOBT screening requires age 45 or older\"\n"                   // 9
    "}\n"                                                                               // 10
    "rule frequency \"Once every 12 months\"\n"                                         // 11
    "  applies to line where line.code in fobt\n"                                       // 12
    "{\n"                                                                               // 13
    "  require not any h in history where h.code in fobt else deny frequency\n"         // 14
    "  when facts.fit_positive { flag \"follow up\" when mue[line.code].units > 1 }\n"  // 15
    "}\n";                                                                              // 16

// Byte offset of the start of 1-based `line` in kSource.
uint32_t LineAt(int line) {
  size_t at = 0;
  for (int l = 1; l < line; ++l)
    at = kSource.find('\n', at) + 1;
  return static_cast<uint32_t>(at);
}

// A program touching every section and most operand kinds. Deterministic: call it twice and
// the two are equal.
Program SampleProgram() {
  Program p;
  p.sources.push_back({"ncd_210_3_fobt_v2.warrant", std::string(kSource), {}, LineStarts(kSource)});
  p.terminology.push_back({"icd10cm FY2026", Sha256(std::string_view("terminology data"))});
  // Opaque to the pack (runtime/terminology/terminology_serialize.h owns its form).
  p.terminology_blob = {'W', 'T', 'E', 'R', 'M', 0, 1, 2, 3, 0xFF};

  p.constants = {
      {Tag::Int, 0, 45, "", {}},
      {Tag::Duration, static_cast<uint8_t>(DurationUnit::Months), 12, "", {}},
      {Tag::Code, 0, static_cast<int64_t>(P(CodeSystem::Modifier, "GA")), "", {}},
      {Tag::String, 0, 0, "paid", {}},
      {Tag::Decimal, 0, 1500000, "", {}},
      {Tag::Date, 0, D("2023-01-01"), "", {}},
      {Tag::List, 0, 0, "", {2, 3}},
      {Tag::Bool, 0, 1, "", {}},
      {Tag::None, 0, 0, "", {}},
  };

  CodesetBuilder fobt;
  fobt.AddCode(P(CodeSystem::Hcpcs, "82270"));
  fobt.AddCode(P(CodeSystem::Hcpcs, "G0328"));
  p.codesets.push_back(fobt.Build());
  p.codeset_names.push_back("fobt");

  TableData mue;
  mue.name = "mue";
  mue.key_tag = Tag::Code;
  mue.int_keys = {static_cast<int64_t>(P(CodeSystem::Hcpcs, "82270")),
                  static_cast<int64_t>(P(CodeSystem::Hcpcs, "G0328"))};
  mue.columns = {"units", "mai"};
  mue.record_valued = true;
  mue.cells = {{Tag::Int, 0, 1, "", {}},
               {Tag::Int, 0, 2, "", {}},
               {Tag::Int, 0, 3, "", {}},
               {Tag::Int, 0, 1, "", {}}};
  p.tables.push_back(mue);
  TableData kx;
  kx.name = "kx_threshold";
  kx.key_tag = Tag::Int;
  kx.int_keys = {2024, 2025};
  kx.columns = {""};
  kx.cells = {{Tag::Decimal, 0, 2330000000, "", {}}, {Tag::Decimal, 0, 2410000000, "", {}}};
  p.tables.push_back(kx);
  TableData states;
  states.name = "states";
  states.key_tag = Tag::String;
  states.string_keys = {"denied", "paid"};
  states.columns = {""};
  states.cells = {{Tag::Bool, 0, 0, "", {}}, {Tag::Bool, 0, 1, "", {}}};
  p.tables.push_back(states);

  p.schema.AddFact("fit_positive", SchemaType{Kind::Bool});
  SchemaType result{Kind::String};
  result.one_of = p.schema.AddEnum({"negative", "positive"});
  p.schema.AddFact("result", result);
  if (p.schema.Finish())
    throw std::logic_error("test schema");

  p.reasons.push_back({"age", "CO", "6", {}, "age limit", "", UINT32_MAX, 0, 0, 0});
  p.reasons.push_back({"frequency", "CO", "119", {"N386"}, "frequency", "", UINT32_MAX, 0, 0, 0});
  p.reasons.push_back({"ga", "CO", "50", {"N130"}, "not necessary", "PR", 0, 0, 0, 2});

  auto outcome = [&](OutcomeKind kind, uint32_t reason, std::string message, uint32_t rule,
                     int line) {
    OutcomeData o;
    o.kind = kind;
    o.reason = reason;
    o.message = std::move(message);
    o.rule = rule;
    o.begin = LineAt(line);
    o.end = LineAt(line + 1) - 1;
    p.outcomes.push_back(o);
  };
  outcome(OutcomeKind::AutoPend, UINT32_MAX, "", 0, 6);                            // 0 applies site
  outcome(OutcomeKind::Deny, 0, "FOBT screening requires age 45 or older", 0, 8);  // 1
  outcome(OutcomeKind::AutoPend, UINT32_MAX, "", 1, 12);                           // 2 applies site
  outcome(OutcomeKind::Deny, 1, "", 1, 14);                                        // 3
  p.outcomes.back().unknown_kind = OutcomeKind::Pend;
  p.outcomes.back().unknown_reason = 2;
  p.outcomes.back().unknown_message = "history unavailable";
  outcome(OutcomeKind::AutoPend, UINT32_MAX, "", 1, 15);       // 4 when site
  outcome(OutcomeKind::Flag, UINT32_MAX, "follow up", 1, 15);  // 5

  Asm a(p.code);
  auto span = [&](int line) {
    p.spans.push_back({a.Here(), 0, LineAt(line), LineAt(line + 1) - 1});
  };

  // attained_age
  RuleData age;
  age.name = "attained_age";
  age.title = "Beneficiary has attained age 45";
  age.policy = 1;
  age.from = D("2023-01-01");
  age.applies_code = a.Here();
  age.slots = 0;
  age.max_stack = 2;
  age.begin = LineAt(5);
  age.end = LineAt(11) - 1;
  age.index_codeset = 0;
  span(6);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::InCodeset, 0);
  a.Emit(Op::Applies, 0);
  span(8);
  a.Emit(Op::Scope, S(ScopeId::patient));
  a.Emit(Op::Field, F(FieldId::patient_birth_date));
  a.Emit(Op::Scope, S(ScopeId::service_date));
  a.Emit(Op::Call, static_cast<uint8_t>(BuiltinId::YearsBetween));
  a.Emit(Op::PushConst, 0);
  a.Emit(Op::Ge);
  a.Emit(Op::Require, 1);
  a.Emit(Op::Return);
  age.code_end = a.Here();
  p.rules.push_back(age);

  // frequency: a loop over history (slot 0 the accumulator, 1..3 the iterator) and a `when`.
  RuleData frequency;
  frequency.name = "frequency";
  frequency.title = "Once every 12 months";
  frequency.policy = 1;
  frequency.from = D("2023-01-01");
  frequency.applies_code = a.Here();
  frequency.slots = 4;
  frequency.max_stack = 2;
  frequency.begin = LineAt(11);
  frequency.end = LineAt(17) - 1;
  frequency.index_codeset = 0;
  span(12);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::InCodeset, 0);
  a.Emit(Op::Applies, 2);
  span(14);
  a.Emit(Op::PushFalse);
  a.Emit(Op::Store, 0);
  a.Emit(Op::Scope, S(ScopeId::history));
  a.Emit(Op::IterStart, 1);
  const uint32_t loop = a.Emit(Op::IterNext, 1, 0);
  a.Emit(Op::Load, 3);
  a.Emit(Op::Field, F(FieldId::history_code));
  a.Emit(Op::InCodeset, 0);
  a.Emit(Op::AccAny, 0);
  a.Patch(a.Emit(Op::Jump, 0), loop);
  a.Patch(loop, a.Here());
  a.Emit(Op::Load, 0);
  a.Emit(Op::Not);
  a.Emit(Op::Require, 3);
  span(15);
  a.Emit(Op::Fact, 0);
  const uint32_t when = a.Emit(Op::When, 4, 0);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::Lookup, 0);
  a.Emit(Op::Column, 0);
  a.Emit(Op::PushInt, 1);
  a.Emit(Op::Gt);
  a.Emit(Op::Emit, 5);
  a.Patch(when, a.Here());
  span(16);
  a.Emit(Op::Return);
  frequency.code_end = a.Here();
  p.rules.push_back(frequency);

  // The `group PR when "GA" in line.modifiers` condition of reason `ga`.
  p.reasons[2].alt_code = a.Here();
  span(4);
  a.Emit(Op::PushConst, 2);
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_modifiers));
  a.Emit(Op::InList);
  a.Emit(Op::Return);
  p.reasons[2].alt_code_end = a.Here();

  // Version 1 (no rules here) before version 2: policies are sorted by id, then date.
  p.policies.push_back({"NCD 210.3", 1, "Screening FOBT", "MBPM 15 280.2.2", D("2000-01-01"),
                        D("2022-12-31"), 0, 0, 0});
  p.policies.push_back({"NCD 210.3", 2, "Screening fecal occult blood test", "MBPM 15 280.2.2",
                        D("2023-01-01"), kMaxDay, 0, 2, 0});
  return p;
}

std::vector<uint8_t> SamplePack() {
  Program p = SampleProgram();
  return WritePack(p);
}

// Recomputes the header hash, so a deliberate change gets past the integrity check and reaches
// the decoder and verifier.
void Reseal(std::vector<uint8_t>& bytes) {
  if (bytes.size() < kHashedFrom)
    return;
  const std::array<uint8_t, 32> hash = Sha256(std::span<const uint8_t>(bytes).subspan(kHashedFrom));
  std::memcpy(bytes.data() + kHashAt, hash.data(), hash.size());
}

uint32_t Read32(const std::vector<uint8_t>& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 4; i-- > 0;)
    v = (v << 8) | bytes[at + i];
  return v;
}

void Write32(std::vector<uint8_t>& bytes, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i)
    bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Offset of section `id` (1-based, as in pack.cpp) in the file.
size_t SectionOffset(const std::vector<uint8_t>& bytes, uint32_t id) {
  return Read32(bytes, kSectionTableAt + (id - 1) * 12 + 4);
}

// program.cpp's helpers (here rather than in a program_test.cpp: the pack is their user).
TEST_CASE("program: SpanAt finds the last entry at or before a pc", "[program]") {
  Program p;
  CHECK(p.SpanAt(0) == nullptr);
  p.spans = {{4, 0, 10, 20}, {9, 0, 30, 40}, {9, 0, 50, 60}, {12, 0, 70, 80}};
  CHECK(p.SpanAt(3) == nullptr);
  CHECK(p.SpanAt(4)->begin == 10);
  CHECK(p.SpanAt(8)->begin == 10);
  CHECK(p.SpanAt(9)->begin == 50);
  CHECK(p.SpanAt(11)->begin == 50);
  CHECK(p.SpanAt(UINT32_MAX)->begin == 70);
}

TEST_CASE("program: HashText is sha256: and lowercase hex", "[program]") {
  Program p;
  for (size_t i = 0; i < p.hash.size(); ++i)
    p.hash[i] = static_cast<uint8_t>((i % 16) * 17);
  CHECK(p.HashText() ==
        "sha256:00112233445566778899aabbccddeeff"
        "00112233445566778899aabbccddeeff");
}

TEST_CASE("program: instructions encode and decode in every operand format", "[program]") {
  std::vector<uint8_t> code;
  AppendInstruction(code, Op::Return);
  AppendInstruction(code, Op::Load, 200);
  AppendInstruction(code, Op::PushConst, 0xBEEF);
  AppendInstruction(code, Op::PushInt, -5);
  AppendInstruction(code, Op::When, 7, -300);
  AppendInstruction(code, Op::IterNext, 3, 70000);
  CHECK(code.size() == 1 + 2 + 3 + 5 + 7 + 6);

  struct Expected {
    Op op;
    int64_t a, b;
    uint8_t size;
  };

  const Expected expected[] = {{Op::Return, 0, 0, 1},         {Op::Load, 200, 0, 2},
                               {Op::PushConst, 0xBEEF, 0, 3}, {Op::PushInt, -5, 0, 5},
                               {Op::When, 7, -300, 7},        {Op::IterNext, 3, 70000, 6}};
  uint32_t pc = 0;
  for (const Expected& e : expected) {
    const std::optional<Instruction> ins = DecodeAt(code, pc);
    REQUIRE(ins);
    CHECK(ins->op == e.op);
    CHECK(ins->a == e.a);
    CHECK(ins->b == e.b);
    CHECK(ins->size == e.size);
    CHECK(Info(e.op).size == e.size);
    pc += ins->size;
  }
  CHECK(DecodeAt(code, pc) == std::nullopt);
  // Targets are relative to the end of the instruction.
  CHECK(DecodeAt(code, 11)->Target(11) == 11 + 7 - 300);
  // Cut operands and bytes outside the table do not decode.
  CHECK(DecodeAt(std::span<const uint8_t>(code).first(code.size() - 1), 18) == std::nullopt);
  const std::vector<uint8_t> bad = {static_cast<uint8_t>(kOpCount)};
  CHECK(DecodeAt(bad, 0) == std::nullopt);
}

TEST_CASE("program: pops come from the table's stack notation", "[program]") {
  CHECK(StackPops(Op::PushConst) == 0);
  CHECK(StackPops(Op::Dup) == 1);
  CHECK(StackPops(Op::Eq) == 2);
  CHECK(StackPops(Op::Within) == 3);
  CHECK(StackPops(Op::Select) == 3);
  CHECK(StackPops(Op::Jump) == 0);
  CHECK(StackPops(Op::Return) == 0);
  CHECK(FlowOf(Op::Jump) == Flow::Jump);
  CHECK(FlowOf(Op::When) == Flow::Branch);
  CHECK(FlowOf(Op::Applies) == Flow::Next);
  CHECK(FlowOf(Op::Return) == Flow::Return);
  CHECK(BuiltinArity(BuiltinId::DaysBetween) == 2);
  CHECK(BuiltinArity(BuiltinId::Length) == 1);
  CHECK(BuiltinArity(BuiltinId::kCount) == 0);
}

TEST_CASE("pack: the sample program verifies", "[pack]") {
  const PackResult read = ReadPack(SamplePack());
  INFO(read.error);
  CHECK(read.ok());
}

TEST_CASE("pack: a round trip keeps every field", "[pack]") {
  Program original = SampleProgram();
  const std::vector<uint8_t> bytes = WritePack(original);
  PackResult read = ReadPack(bytes);
  INFO(read.error);
  REQUIRE(read.ok());
  const Program& p = read.program;

  // Every field is written, so equal bytes after a second write mean equal content.
  Program copy = p;
  CHECK(WritePack(copy) == bytes);
  CHECK(copy.hash == original.hash);

  CHECK(p.hash == original.hash);
  CHECK(p.code == original.code);
  REQUIRE(p.constants.size() == original.constants.size());
  CHECK(p.constants[3].text == "paid");
  CHECK(p.constants[6].items == std::vector<uint32_t>{2, 3});
  CHECK(p.constants[1].sub == static_cast<uint8_t>(DurationUnit::Months));
  REQUIRE(p.codesets.size() == 1);
  CHECK(p.codesets[0] == original.codesets[0]);
  CHECK(p.codesets[0].Contains(P(CodeSystem::Hcpcs, "G0328")));
  CHECK(p.codeset_names == std::vector<std::string>{"fobt"});
  REQUIRE(p.tables.size() == 3);
  CHECK(p.tables[0].int_keys == original.tables[0].int_keys);
  CHECK(p.tables[0].record_valued);
  CHECK(p.tables[2].string_keys == std::vector<std::string>{"denied", "paid"});
  CHECK(p.tables[1].cells[1].i == 2410000000);
  CHECK(p.reasons[1].rarcs == std::vector<std::string>{"N386"});
  CHECK(p.reasons[2].alt_code == original.reasons[2].alt_code);
  CHECK(p.reasons[2].alt_code_end == original.reasons[2].alt_code_end);
  CHECK(p.reasons[2].alt_max_stack == 2);
  CHECK(p.outcomes[3].unknown_kind == OutcomeKind::Pend);
  CHECK(p.outcomes[3].unknown_message == "history unavailable");
  CHECK(p.rules[1].name == "frequency");
  CHECK(p.rules[1].slots == 4);
  CHECK(p.rules[1].from == D("2023-01-01"));
  CHECK(p.rules[1].until == kMaxDay);
  CHECK(p.policies[0].until == D("2022-12-31"));
  CHECK(p.policies[1].version == 2);
  const FieldDef& result = p.schema.field(p.schema.facts()[1]);
  CHECK(result.name == "result");
  CHECK(p.schema.enums()[result.type.one_of] == std::vector<std::string>{"negative", "positive"});
  CHECK(p.sources[0].text == kSource);
  CHECK(p.sources[0].sha256 == Sha256(kSource));
  CHECK(p.spans.size() == original.spans.size());
  CHECK(p.spans.back().begin == original.spans.back().begin);
  CHECK(p.terminology[0].name == "icd10cm FY2026");
  CHECK(p.terminology[0].sha256 == original.terminology[0].sha256);
  CHECK(p.terminology_blob == original.terminology_blob);
}

TEST_CASE("pack: building the same program twice gives identical bytes", "[pack]") {
  CHECK(SamplePack() == SamplePack());
  Program empty_a;
  Program empty_b;
  CHECK(WritePack(empty_a) == WritePack(empty_b));
}

TEST_CASE("pack: WritePack stores the SHA-256 of the body", "[pack]") {
  Program p = SampleProgram();
  const std::vector<uint8_t> bytes = WritePack(p);
  CHECK(p.hash == Sha256(std::span<const uint8_t>(bytes).subspan(kHashedFrom)));
  CHECK(std::memcmp(bytes.data() + kHashAt, p.hash.data(), 32) == 0);
  CHECK(std::memcmp(bytes.data(), "WRNTPACK", 8) == 0);
  CHECK(bytes[8] == kPackFormatVersion);
  CHECK(bytes[9] == 0);
  const std::string text = p.HashText();
  CHECK(text.size() == 7 + 64);
  CHECK(text.rfind("sha256:", 0) == 0);
  CHECK(text.find_first_not_of("0123456789abcdef", 7) == std::string::npos);
  // A change anywhere changes the hash.
  Program changed = SampleProgram();
  changed.rules[0].title += "!";
  WritePack(changed);
  CHECK(changed.hash != p.hash);
}

TEST_CASE("pack: an empty program round-trips", "[pack]") {
  Program p;
  const PackResult read = ReadPack(WritePack(p));
  INFO(read.error);
  CHECK(read.ok());
  CHECK(read.program.hash == p.hash);
}

TEST_CASE("pack: every single-bit flip is refused", "[pack]") {
  const std::vector<uint8_t> pack = SamplePack();
  std::vector<uint8_t> bytes = pack;
  size_t refused = 0;
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      bytes[at] ^= static_cast<uint8_t>(1 << bit);
      const PackResult read = ReadPack(bytes);
      if (read.ok())
        FAIL("flipping bit " << bit << " of byte " << at << " was accepted");
      ++refused;
      bytes[at] = pack[at];
    }
  }
  CHECK(refused == pack.size() * 8);
}

TEST_CASE("pack: every truncation is refused", "[pack]") {
  const std::vector<uint8_t> pack = SamplePack();
  for (size_t size = 0; size < pack.size(); ++size) {
    std::vector<uint8_t> bytes(pack.begin(), pack.begin() + static_cast<std::ptrdiff_t>(size));
    if (ReadPack(bytes).ok())
      FAIL("a pack cut to " << size << " bytes was accepted");
    // Resealed, the cut gets past the hash and must be caught by the layout checks.
    Reseal(bytes);
    if (ReadPack(bytes).ok())
      FAIL("a resealed pack cut to " << size << " bytes was accepted");
  }
}

TEST_CASE("pack: resealed corruptions never crash, and what is accepted is canonical", "[pack]") {
  const std::vector<uint8_t> pack = SamplePack();
  size_t accepted = 0;
  for (size_t at = kHashedFrom; at < pack.size(); ++at) {
    if (!test::Sampled(at))
      continue;
    const uint8_t original = pack[at];
    for (uint8_t value : {uint8_t(original ^ 0xFF), uint8_t(original ^ 0x80), uint8_t(original + 1),
                          uint8_t(original - 1), uint8_t{0}, uint8_t{0xFF}}) {
      if (value == original)
        continue;
      std::vector<uint8_t> bytes = pack;
      bytes[at] = value;
      Reseal(bytes);
      PackResult read = ReadPack(bytes);
      if (!read.ok())
        continue;
      // Every byte is a field, so a pack that decodes and verifies re-encodes to itself.
      ++accepted;
      if (WritePack(read.program) != bytes)
        FAIL("byte " << at << " = " << int(value));
    }
  }
  // Some changes (a character of a message, a date) are harmless and rightly accepted.
  CHECK(accepted > 0);
}

TEST_CASE("pack: a different format version is refused with the supported version", "[pack]") {
  // The version before this one, the next one, and one whose high byte is set.
  for (uint16_t version :
       {uint16_t{kPackFormatVersion - 1}, uint16_t{kPackFormatVersion + 1}, uint16_t{258}}) {
    std::vector<uint8_t> bytes = SamplePack();
    bytes[8] = static_cast<uint8_t>(version);
    bytes[9] = static_cast<uint8_t>(version >> 8);
    CHECK(ReadPack(bytes).error == "pack format version " + std::to_string(version) +
                                       " is not supported; this warrant reads version " +
                                       std::to_string(kPackFormatVersion));
    // Even a file that is nothing but a newer header says so, rather than "truncated".
    bytes.resize(10);
    CHECK_THAT(ReadPack(bytes).error, Contains("is not supported"));
  }
}

TEST_CASE("pack: foreign files and other instruction sets are refused", "[pack]") {
  std::vector<uint8_t> bytes = SamplePack();
  bytes[0] = 'X';
  CHECK_THAT(ReadPack(bytes).error, Contains("not a warrant pack"));
  CHECK_THAT(ReadPack({}).error, Contains("not a warrant pack"));

  bytes = SamplePack();
  bytes[10] ^= 1;  // the instruction set hash
  CHECK_THAT(ReadPack(bytes).error, Contains("different instruction set"));
  CHECK(InstructionSetHash() != 0);
}

TEST_CASE("pack: absurd counts are refused before anything is allocated", "[pack]") {
  std::vector<uint8_t> bytes = SamplePack();
  Write32(bytes, SectionOffset(bytes, 2), 0xFFFFFFFF);  // the constant count
  Reseal(bytes);
  const std::string error = ReadPack(bytes).error;
  CHECK_THAT(error, Contains("pack section constants"));
  CHECK_THAT(error, Contains("count of 4294967295"));

  bytes = SamplePack();
  // The first string of the rules section: the first rule's name length.
  Write32(bytes, SectionOffset(bytes, 7) + 4, 0x7FFFFFFF);
  Reseal(bytes);
  CHECK_THAT(ReadPack(bytes).error, Contains("pack section rules"));
}

TEST_CASE("pack: a source text that does not match its stored hash is refused", "[pack]") {
  std::vector<uint8_t> bytes = SamplePack();
  const size_t sources = SectionOffset(bytes, 10);
  const size_t name_length = Read32(bytes, sources + 4);
  const size_t text_at = sources + 4 + 4 + name_length + 4;
  bytes[text_at] = 'P';  // "policy" -> "Policy"
  Reseal(bytes);
  CHECK_THAT(ReadPack(bytes).error, Contains("does not match its text"));
}

TEST_CASE("pack: bytes after the last section are refused", "[pack]") {
  std::vector<uint8_t> bytes = SamplePack();
  bytes.push_back(0);
  Reseal(bytes);
  CHECK_THAT(ReadPack(bytes).error, Contains("after its last section"));
}

TEST_CASE("pack: invalid enum bytes are refused", "[pack]") {
  std::vector<uint8_t> bytes = SamplePack();
  bytes[SectionOffset(bytes, 2) + 4] = 200;  // the first constant's tag
  Reseal(bytes);
  CHECK_THAT(ReadPack(bytes).error, Contains("tag 200"));

  bytes = SamplePack();
  bytes[SectionOffset(bytes, 6) + 4] = 9;  // the first outcome's kind
  Reseal(bytes);
  CHECK_THAT(ReadPack(bytes).error, Contains("outcome kind 9"));
}

TEST_CASE("pack: a verified structure is still required after the hash", "[pack]") {
  // A correctly hashed pack of a broken program: the jump of `frequency` into its own operand.
  Program p = SampleProgram();
  const RuleData& rule = p.rules[1];
  for (uint32_t pc = rule.applies_code; pc < rule.code_end;) {
    const Instruction ins = *DecodeAt(p.code, pc);
    if (ins.op == Op::Jump) {
      Asm(p.code).Patch(pc, pc + 1);
      break;
    }
    pc += ins.size;
  }
  const PackResult read = ReadPack(WritePack(p));
  CHECK_THAT(read.error, Contains("pack failed verification: rule `frequency`: jump at"));
  CHECK_THAT(read.error, Contains("lands inside an instruction"));
}

}  // namespace
}  // namespace warrant
