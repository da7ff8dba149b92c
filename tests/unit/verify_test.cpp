// The verifier: a valid program passes; each kind of structural damage is named, including
// when it arrives in a pack whose hash is correct.
#include "runtime/pack/verify.h"

#include <functional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "runtime/pack/builtins.h"
#include "runtime/pack/pack.h"
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

  // Points the jump at `at` to `target` (the I32 operand is always the last four bytes).
  void Patch(uint32_t at, int64_t target) {
    const uint8_t size = Info(static_cast<Op>(code_[at])).size;
    const auto offset = static_cast<uint32_t>(target - (at + size));
    for (size_t i = 0; i < 4; ++i) {
      code_[at + size - 4 + i] = static_cast<uint8_t>(offset >> (8 * i));
    }
  }

 private:
  std::vector<uint8_t>& code_;
};

using Body = std::function<void(Asm&)>;

// The body of `any h in history where h.code in fobt`, then `require not it`: a loop with a
// back edge, a call, a jump over a `when` block.
void ValidBody(Asm& a) {
  a.Emit(Op::Scope, S(ScopeId::line));
  a.Emit(Op::Field, F(FieldId::line_code));
  a.Emit(Op::InCodeset, 0);
  a.Emit(Op::Applies, 0);
  a.Emit(Op::PushFalse);
  a.Emit(Op::Store, 0);
  a.Emit(Op::Scope, S(ScopeId::history));
  a.Emit(Op::IterStart, 1);
  const uint32_t loop = a.Emit(Op::IterNext, 1, 0);
  a.Emit(Op::Load, 3);
  a.Emit(Op::Field, F(FieldId::history_date));
  a.Emit(Op::Scope, S(ScopeId::service_date));
  a.Emit(Op::Call, static_cast<uint8_t>(BuiltinId::MonthsBetween));
  a.Emit(Op::PushConst, 0);
  a.Emit(Op::Lt);
  a.Emit(Op::AccAny, 0);
  a.Patch(a.Emit(Op::Jump), loop);
  a.Patch(loop, a.Here());
  a.Emit(Op::Load, 0);
  a.Emit(Op::Not);
  a.Emit(Op::Require, 1);
  a.Emit(Op::Fact, 0);
  const uint32_t when = a.Emit(Op::When, 0, 0);
  a.Emit(Op::PushConst, 1);
  a.Emit(Op::Lookup, 0);
  a.Emit(Op::Emit, 1);
  a.Patch(when, a.Here());
  a.Emit(Op::Return);
}

// One policy with one rule whose code is `body`; `slots` and `max_stack` as given.
Program MakeProgram(const Body& body = ValidBody, uint16_t slots = 4, uint16_t max_stack = 2) {
  Program p;
  p.sources.push_back({"f.warrant", "policy \"P\"\nrule r {\n}\n", {}});
  p.constants = {{Tag::Int, 0, 12, "", {}}, {Tag::Int, 0, 2024, "", {}}};
  CodesetBuilder codes;
  codes.AddCode(42);
  p.codesets.push_back(codes.Build());
  p.codeset_names.push_back("fobt");
  TableData table;
  table.name = "limits";
  table.int_keys = {2024, 2025};
  table.columns = {""};
  table.cells = {{Tag::Int, 0, 1, "", {}}, {Tag::Int, 0, 2, "", {}}};
  p.tables.push_back(table);
  p.facts.push_back({"documented", Tag::Bool, {}});
  p.reasons.push_back({"frequency", "CO", "119", {}, "", "", UINT32_MAX, 0, 0, 0});
  p.outcomes.resize(2);
  p.outcomes[1].reason = 0;
  p.outcomes[1].message = "once a year";

  RuleData rule;
  rule.name = "frequency";
  rule.slots = slots;
  rule.max_stack = max_stack;
  Asm a(p.code);
  rule.applies_code = a.Here();
  body(a);
  rule.code_end = a.Here();
  p.rules.push_back(rule);
  p.spans.push_back({0, 0, 0, 10});
  p.policies.push_back({"P", 1, "", "", kMinDay, kMaxDay, 0, 1, 0});
  return p;
}

// Offset of the first `op` in the program's code.
uint32_t Find(const Program& p, Op op) {
  for (uint32_t pc = 0; pc < p.code.size();) {
    const Instruction ins = *DecodeAt(p.code, pc);
    if (ins.op == op)
      return pc;
    pc += ins.size;
  }
  FAIL("no " << Info(op).mnemonic);
  return 0;
}

TEST_CASE("verify: a valid program passes", "[verify]") {
  const Program p = MakeProgram();
  CHECK(Verify(p) == "");
  CHECK(Verify(Program()) == "");
}

TEST_CASE("verify: a jump into the middle of an instruction", "[verify]") {
  Program p = MakeProgram();
  const uint32_t jump = Find(p, Op::Jump);
  Asm(p.code).Patch(jump, Find(p, Op::PushConst) + 1);
  CHECK(Verify(p) == fmt::format("rule `frequency`: jump at 0x{:04x} (`jump`) lands inside an "
                                 "instruction (0x{:04x})",
                                 jump, Find(p, Op::PushConst) + 1));

  // The same damage in a pack with a correct hash: ReadPack refuses it with the same words.
  const PackResult read = ReadPack(WritePack(p));
  CHECK_THAT(read.error, Contains("pack failed verification: rule `frequency`: jump at"));
  CHECK_THAT(read.error, Contains("lands inside an instruction"));
}

TEST_CASE("verify: a jump out of its rule", "[verify]") {
  Program p = MakeProgram();
  const uint32_t when = Find(p, Op::When);
  Asm(p.code).Patch(when, static_cast<int64_t>(p.code.size()));
  CHECK_THAT(Verify(p), Contains("jump at 0x"));
  CHECK_THAT(Verify(p), Contains("(`when`) leaves its code"));
  Asm(p.code).Patch(when, -3);
  CHECK_THAT(Verify(p), Contains("target -0x0003"));
}

TEST_CASE("verify: operands out of range", "[verify]") {
  struct Case {
    Op op;
    int64_t a;
    const char* message;
  };

  const Case cases[] = {
      {Op::PushConst, 7, "`push_const` at 0x0000 uses constant 7, but there are 2"},
      {Op::Fact, 1, "`fact` at 0x0000 uses fact 1, but there are 1"},
      {Op::Lookup, 3, "`lookup` at 0x0000 uses table 3, but there are 1"},
      {Op::InCodeset, 1, "`in_codeset` at 0x0000 uses codeset 1, but there are 1"},
      {Op::Field, static_cast<int64_t>(FieldId::kCount), "uses field"},
      {Op::Scope, static_cast<int64_t>(ScopeId::kCount), "uses scope"},
      {Op::Call, static_cast<int64_t>(BuiltinId::kCount), "uses builtin"},
      {Op::Column, 1, "uses column 1, but there are 1"},
      {Op::Within, 3, "uses window kind 3"},
      {Op::Require, 2, "`require` at 0x0000 uses outcome 2, but there are 2"},
      {Op::Load, 4, "`load` at 0x0000 uses slot 4, but it has 4 slots"},
      {Op::IterStart, 2, "`iter_start` at 0x0000 uses slots 2..4, but it has 4 slots"},
      {Op::AccCount, 2, "`acc_count` at 0x0000 uses slots 2..4, but it has 4 slots"},
      {Op::MakeList, 0, "`make_list` at 0x0000 uses constant 0, which is not a list"},
  };
  for (const Case& c : cases) {
    const Program p = MakeProgram([&](Asm& a) {
      a.Emit(c.op, c.a);
      a.Emit(Op::Return);
    });
    INFO(Info(c.op).mnemonic);
    CHECK_THAT(Verify(p), Contains(c.message));
    CHECK_THAT(Verify(p), Contains("rule `frequency`: "));
  }
}

TEST_CASE("verify: stack underflow, overflow and unbalanced paths", "[verify]") {
  Program p = MakeProgram([](Asm& a) {
    a.Emit(Op::PushTrue);
    a.Emit(Op::Add);
    a.Emit(Op::Return);
  });
  CHECK(Verify(p) ==
        "rule `frequency`: stack underflow at 0x0001: `add` pops 2, the stack holds 1");

  // A builtin pops its arity, not the table's 0 delta.
  p = MakeProgram([](Asm& a) {
    a.Emit(Op::Scope, S(ScopeId::service_date));
    a.Emit(Op::Call, static_cast<uint8_t>(BuiltinId::DaysBetween));
    a.Emit(Op::Return);
  });
  CHECK_THAT(Verify(p), Contains("stack underflow at 0x0002: `call` pops 2, the stack holds 1"));

  p = MakeProgram(
      [](Asm& a) {
        a.Emit(Op::PushTrue);
        a.Emit(Op::PushTrue);
        a.Emit(Op::PushTrue);
        a.Emit(Op::Pop);
        a.Emit(Op::Pop);
        a.Emit(Op::Pop);
        a.Emit(Op::Return);
      },
      4, 2);
  CHECK(Verify(p) ==
        "rule `frequency`: stack depth 3 after `push_true` at 0x0002 exceeds its max_stack 2");

  // One path pushes a value the other does not: the join sees two depths.
  p = MakeProgram([](Asm& a) {
    a.Emit(Op::PushTrue);
    const uint32_t branch = a.Emit(Op::JumpIfFalse);
    a.Emit(Op::PushTrue);
    a.Patch(branch, a.Here());
    a.Emit(Op::Return);
  });
  CHECK_THAT(Verify(p), Contains("rule `frequency`: the stack holds ") &&
                            Contains(" values at 0x0007 on one path and "));

  // A loop whose body leaves a value behind.
  p = MakeProgram([](Asm& a) {
    a.Emit(Op::Scope, S(ScopeId::history));
    a.Emit(Op::IterStart, 0);
    const uint32_t loop = a.Emit(Op::IterNext, 0);
    a.Emit(Op::Load, 2);
    a.Patch(a.Emit(Op::Jump), loop);
    a.Patch(loop, a.Here());
    a.Emit(Op::Return);
  });
  CHECK_THAT(Verify(p), Contains("on one path and"));
}

TEST_CASE("verify: code that does not decode or does not end in return", "[verify]") {
  Program p = MakeProgram([](Asm& a) {
    a.Emit(Op::PushTrue);
    a.Emit(Op::Pop);
  });
  CHECK(Verify(p) ==
        "rule `frequency`: does not end in `return` (its last instruction, at 0x0001, is `pop`)");

  p = MakeProgram([](Asm& a) {
    a.Emit(Op::Return);
    a.Emit(Op::PushConst, 0);
  });
  p.code.pop_back();  // half an operand
  p.rules[0].code_end = static_cast<uint32_t>(p.code.size());
  CHECK(Verify(p) ==
        "rule `frequency`: `push_const` at 0x0001 runs past the end of its code "
        "(0x0003)");

  p = MakeProgram([](Asm& a) { a.Emit(Op::Return); });
  p.code.insert(p.code.begin(), 0xEE);
  p.rules[0].code_end += 1;
  CHECK(Verify(p) == "rule `frequency`: byte 0xee at 0x0000 is not an opcode");

  // An instruction may not straddle the end of its rule, even when the code goes on.
  p = MakeProgram([](Asm& a) {
    a.Emit(Op::PushInt, 5);
    a.Emit(Op::Return);
  });
  p.rules[0].code_end = 2;
  CHECK_THAT(Verify(p), Contains("`push_int` at 0x0000 runs past the end of its code"));

  p = MakeProgram();
  p.rules[0].code_end = static_cast<uint32_t>(p.code.size() + 1);
  CHECK_THAT(Verify(p), Contains("is empty or outside the code"));
}

TEST_CASE("verify: reason conditions", "[verify]") {
  auto with_condition = [](const Body& body, uint16_t max_stack = 2) {
    Program p = MakeProgram();
    Asm a(p.code);
    p.reasons[0].alt_group = "PR";
    p.reasons[0].alt_code = a.Here();
    body(a);
    p.reasons[0].alt_code_end = a.Here();
    p.reasons[0].alt_max_stack = max_stack;
    return p;
  };
  CHECK(Verify(with_condition([](Asm& a) {
          a.Emit(Op::PushTrue);
          a.Emit(Op::Return);
        })) == "");
  CHECK(Verify(with_condition([](Asm& a) { a.Emit(Op::Return); })) ==
        fmt::format("reason `frequency` condition: returns at 0x{:04x} with no value on the stack",
                    MakeProgram().code.size()));
  CHECK_THAT(Verify(with_condition([](Asm& a) {
               a.Emit(Op::PushTrue);
               a.Emit(Op::Emit, 1);
               a.Emit(Op::PushTrue);
               a.Emit(Op::Return);
             })),
             Contains("`emit` at 0x") && Contains("a condition cannot make findings"));
  CHECK_THAT(Verify(with_condition(
                 [](Asm& a) {
                   a.Emit(Op::PushTrue);
                   a.Emit(Op::PushTrue);
                   a.Emit(Op::And);
                   a.Emit(Op::Return);
                 },
                 1)),
             Contains("exceeds its max_stack 1"));

  Program p = MakeProgram();
  p.reasons[0].alt_code = static_cast<uint32_t>(p.code.size());
  p.reasons[0].alt_code_end = p.reasons[0].alt_code + 1;
  CHECK_THAT(Verify(p), Contains("reason `frequency` condition: its code"));
}

TEST_CASE("verify: tables, constants and cross-references", "[verify]") {
  struct Case {
    std::function<void(Program&)> damage;
    const char* message;
  };

  const Case cases[] = {
      {[](Program& p) { p.policies[0].rule_count = 2; },
       "policy \"P\" version 1: rules 0..2 are out of range (1 rules)"},
      {[](Program& p) { p.rules[0].policy = 3; },
       "policy \"P\" version 1: its rule 0 (`frequency`) belongs to policy 3"},
      {[](Program& p) {
         p.rules[0].policy = 3;
         p.policies[0].rule_count = 0;
       },
       "rule `frequency`: policy 3 is out of range (1 policies)"},
      {[](Program& p) {
         p.policies.push_back(p.policies[0]);
         p.policies[1].rule_count = 0;
         p.policies[0].id = "Q";
       },
       "policies are not sorted by id, then effective date"},
      {[](Program& p) { p.policies[0].rule_count = 0; },
       "rule `frequency`: it is not in its policy's rule range"},
      {[](Program& p) { p.rules[0].from = kMaxDay, p.rules[0].until = kMinDay; },
       "rule `frequency`: its effective range is empty"},
      {[](Program& p) { p.rules[0].index_codeset = 1; }, "index codeset 1 is out of range"},
      {[](Program& p) { p.rules[0].end = 1000; }, "rule `frequency`: bytes 0..1000 of file 0"},
      {[](Program& p) { p.outcomes[1].reason = 5; }, "outcome 1: reason 5 is out of range"},
      {[](Program& p) { p.outcomes[1].unknown_reason = 1; }, "outcome 1: reason 1 is out of"},
      {[](Program& p) { p.outcomes[0].rule = 1; }, "outcome 0: rule 1 is out of range"},
      {[](Program& p) { p.outcomes[0].kind = static_cast<OutcomeKind>(17); },
       "outcome 0: not an outcome kind"},
      {[](Program& p) { p.codeset_names.push_back("extra"); }, "2 codeset names for 1 codesets"},
      {[](Program& p) {
         p.tables[0].int_keys = {2025, 2024};
       },
       "table `limits`: keys 0 and 1 are not in ascending order"},
      {[](Program& p) {
         p.tables[0].int_keys = {2024, 2024};
       },
       "not in ascending order"},
      {[](Program& p) { p.tables[0].cells.pop_back(); },
       "table `limits`: 1 cells for 2 rows x 1 columns"},
      {[](Program& p) { p.tables[0].string_keys = {"a"}; }, "int-keyed but has string keys"},
      {[](Program& p) { p.tables[0].key_tag = Tag::Date; }, "key tag"},
      {[](Program& p) { p.tables[0].cells[0].tag = Tag::Record; },
       "table `limits` cell 0: tag 10 is not a constant's"},
      {[](Program& p) {
         p.constants.push_back({Tag::List, 0, 0, "", {0, 9}});
       },
       "constant 2: list item 9 is out of range (3 constants)"},
      {[](Program& p) {
         p.constants.push_back({Tag::List, 0, 0, "", {2}});
       },
       "constant 2: list item 2 is itself a list"},
      {[](Program& p) {
         p.constants[0] = {Tag::Bool, 0, 2, "", {}};
       },
       "bool value 2"},
      {[](Program& p) {
         p.constants[0] = {Tag::Duration, 9, 2, "", {}};
       },
       "duration unit 9"},
      {[](Program& p) {
         p.constants[0] = {Tag::Unknown, 0, 0, "", {}};
       },
       "not a constant's"},
      {[](Program& p) { p.facts[0].tag = Tag::Code; }, "fact `documented`: tag"},
      {[](Program& p) {
         p.spans.push_back({0, 1, 0, 0});
       },
       "span 1: bytes 0..0 of file 1"},
      {[](Program& p) {
         p.spans[0].pc = 4;
         p.spans.push_back({2, 0, 0, 0});
       },
       "span 1: pc 0x0002 comes after pc 0x0004; spans are sorted by pc"},
      {[](Program& p) {
         p.spans.push_back({1000, 0, 0, 0});
       },
       "span 1: pc 0x03e8 is outside"},
  };
  for (const Case& c : cases) {
    Program p = MakeProgram();
    c.damage(p);
    INFO(c.message);
    CHECK_THAT(Verify(p), Contains(c.message));
  }
}

TEST_CASE("verify: never reads out of bounds whatever the code bytes", "[verify]") {
  // Every opcode with every operand byte value 0x00 and 0xFF, alone in a rule with and without
  // its `return`: the verifier must answer (pass or fail) without touching memory it should not.
  for (size_t op = 0; op < 256; ++op) {
    for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xFF}}) {
      for (bool with_return : {false, true}) {
        Program p = MakeProgram([](Asm& a) { a.Emit(Op::Return); });
        p.code = {static_cast<uint8_t>(op)};
        for (int k = 0; k < 6; ++k)
          p.code.push_back(fill);
        if (with_return)
          p.code.push_back(static_cast<uint8_t>(Op::Return));
        p.rules[0].code_end = static_cast<uint32_t>(p.code.size());
        const std::string result = Verify(p);
        if (op >= kOpCount)
          CHECK_THAT(result, Contains("is not an opcode"));
      }
    }
  }
}

// ---- Termination: hand-made programs that would loop forever ---------------------------------

// Verifies a one-rule program and returns the message (slots 0..7, stack up to 4).
std::string VerifyBody(const Body& body) {
  return Verify(MakeProgram(body, 8, 4));
}

TEST_CASE("verify: a jump to itself is refused", "[verify][loops]") {
  const std::string error = VerifyBody([](Asm& a) {
    const uint32_t self = a.Emit(Op::Jump);
    a.Patch(self, self);
    a.Emit(Op::Return);
  });
  CHECK_THAT(error, Contains("backward jump at 0x0000 (`jump`) to 0x0000 is not a loop's "
                             "closing jump"));
}

TEST_CASE("verify: backward branches are refused", "[verify][loops]") {
  for (Op op : {Op::JumpIfFalse, Op::JumpIfNotTrue}) {
    const std::string error = VerifyBody([op](Asm& a) {
      const uint32_t top = a.Emit(Op::PushFalse);
      a.Patch(a.Emit(op), top);
      a.Emit(Op::Return);
    });
    INFO(Info(op).mnemonic);
    CHECK_THAT(error, Contains("is not a loop's closing jump"));
  }
  // `when` whose skip target is behind it: a rule that re-evaluates its condition forever.
  const std::string error = VerifyBody([](Asm& a) {
    const uint32_t top = a.Emit(Op::PushFalse);
    a.Patch(a.Emit(Op::When, 0, 0), top);
    a.Emit(Op::Return);
  });
  CHECK_THAT(error, Contains("(`when`) to 0x0000 is not a loop's closing jump"));
}

// iter_start 1; head: iter_next 1, exit; <body>; jump head; exit: return
void Loop(Asm& a, const Body& body, uint8_t slot = 1) {
  a.Emit(Op::Scope, S(ScopeId::history));
  a.Emit(Op::IterStart, slot);
  const uint32_t head = a.Emit(Op::IterNext, slot, 0);
  body(a);
  a.Patch(a.Emit(Op::Jump), head);
  a.Patch(head, a.Here());
}

TEST_CASE("verify: a loop as the code generator emits it passes, nested too", "[verify][loops]") {
  CHECK(VerifyBody([](Asm& a) {
          Loop(a, [](Asm& b) {
            Loop(
                b, [](Asm&) {}, 4);
          });
          a.Emit(Op::Return);
        }) == "");
}

TEST_CASE("verify: a loop body may not reset its own list or index", "[verify][loops]") {
  // Storing 0 into the index (slot 2) restarts the loop on every pass.
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 b.Emit(Op::PushInt, 0);
                 b.Emit(Op::Store, 2);
               });
               a.Emit(Op::Return);
             }),
             Contains("`store` at 0x000f writes slot 2, the list or index of a loop it is inside"));
  // Replacing the list (slot 1).
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 b.Emit(Op::Scope, S(ScopeId::history));
                 b.Emit(Op::Store, 1);
               });
               a.Emit(Op::Return);
             }),
             Contains("writes slot 1"));
  // An inner loop whose slots overlap the outer loop's, so its iter_start resets the index.
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 Loop(
                     b, [](Asm&) {}, 2);
               });
               a.Emit(Op::Return);
             }),
             Contains("`iter_start` at 0x000c writes slot 1"));
  // An accumulator on the index.
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 b.Emit(Op::PushFalse);
                 b.Emit(Op::AccAny, 2);
               });
               a.Emit(Op::Return);
             }),
             Contains("`acc_any` at 0x000b writes slot 2"));
}

TEST_CASE("verify: an accumulator sits just below the loop it is in", "[verify][loops]") {
  // The trace reads the element an accumulator took from slots acc + 2 and acc + 3. With the
  // accumulator at slots - 3 (5 of 8) every operand is in range, but acc + 3 is slot 8: past the
  // rule's slots, never reset by RunRule, left over from another rule or claim.
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 b.Emit(Op::PushFalse);
                 b.Emit(Op::AccAny, 5);
               });
               a.Emit(Op::Return);
             }),
             Contains("`acc_any` at 0x000b accumulates into slot 5, but the loop around it starts "
                      "at slot 1; an accumulator sits in the slot just below its loop's"));
  // Outside any loop.
  CHECK_THAT(VerifyBody([](Asm& a) {
               a.Emit(Op::PushTrue);
               a.Emit(Op::PushInt, 1);
               a.Emit(Op::AccSum, 0);
               a.Emit(Op::Return);
             }),
             Contains("`acc_sum` at 0x0006 accumulates into slot 0, but it is not inside a loop"));
  // In an inner loop, accumulating for the outer one.
  CHECK_THAT(VerifyBody([](Asm& a) {
               Loop(a, [](Asm& b) {
                 Loop(
                     b,
                     [](Asm& c) {
                       c.Emit(Op::PushFalse);
                       c.Emit(Op::AccAny, 0);
                     },
                     5);
               });
               a.Emit(Op::Return);
             }),
             Contains("the loop around it starts at slot 5"));
  // As the code generator lays it out, nested too.
  CHECK(VerifyBody([](Asm& a) {
          Loop(a, [](Asm& b) {
            Loop(
                b,
                [](Asm& c) {
                  c.Emit(Op::PushFalse);
                  c.Emit(Op::AccAny, 4);
                },
                5);
            b.Emit(Op::PushFalse);
            b.Emit(Op::AccAny, 0);
          });
          a.Emit(Op::Return);
        }) == "");
}

TEST_CASE("verify: loops are entered through iter_start and left through iter_next",
          "[verify][loops]") {
  // iter_next with no iter_start before it: its slots hold whatever was there.
  CHECK_THAT(VerifyBody([](Asm& a) {
               a.Emit(Op::PushFalse);
               a.Emit(Op::Pop);
               const uint32_t head = a.Emit(Op::IterNext, 1, 0);
               a.Patch(a.Emit(Op::Jump), head);
               a.Patch(head, a.Here());
               a.Emit(Op::Return);
             }),
             Contains("`iter_next` at 0x0002 does not follow an `iter_start` of slot 1"));
  // A jump from before the loop into its body skips the iter_next.
  CHECK_THAT(VerifyBody([](Asm& a) {
               const uint32_t in = a.Emit(Op::Jump);
               uint32_t body = 0;
               Loop(a, [&](Asm& b) {
                 body = b.Emit(Op::PushFalse);
                 b.Emit(Op::Pop);
               });
               a.Patch(in, body);
               a.Emit(Op::Return);
             }),
             Contains("jump at 0x0000 (`jump`) to 0x000f crosses the boundary of a loop"));
  // A jump out of the body skips the loop's exit; one back to the head skips its closing jump.
  CHECK_THAT(VerifyBody([](Asm& a) {
               uint32_t out = 0;
               Loop(a, [&](Asm& b) { out = b.Emit(Op::Jump); });
               a.Patch(out, a.Here());
               a.Emit(Op::Return);
             }),
             Contains("crosses the boundary of a loop"));
  // An iter_next whose exit is not just after the closing jump: the jump is not its loop's.
  CHECK_THAT(VerifyBody([](Asm& a) {
               a.Emit(Op::Scope, S(ScopeId::history));
               a.Emit(Op::IterStart, 1);
               const uint32_t head = a.Emit(Op::IterNext, 1, 0);
               a.Patch(a.Emit(Op::Jump), head);
               a.Emit(Op::PushFalse);
               a.Emit(Op::Pop);
               a.Patch(head, a.Here());
               a.Emit(Op::Return);
             }),
             Contains("is not a loop's closing jump"));
  // An iter_next that no jump closes.
  CHECK_THAT(VerifyBody([](Asm& a) {
               a.Emit(Op::Scope, S(ScopeId::history));
               a.Emit(Op::IterStart, 1);
               const uint32_t head = a.Emit(Op::IterNext, 1, 0);
               a.Patch(head, a.Here());
               a.Emit(Op::Return);
             }),
             Contains("`iter_next` at 0x0004 has no closing jump"));
}

TEST_CASE("verify: loops that overlap without nesting are refused", "[verify][loops]") {
  // head1 .. head2 .. back1 .. back2: the second loop's closing jump re-enters the first.
  CHECK_THAT(VerifyBody([](Asm& a) {
               a.Emit(Op::Scope, S(ScopeId::history));
               a.Emit(Op::IterStart, 1);
               const uint32_t head1 = a.Emit(Op::IterNext, 1, 0);
               a.Emit(Op::Scope, S(ScopeId::history));
               a.Emit(Op::IterStart, 4);
               const uint32_t head2 = a.Emit(Op::IterNext, 4, 0);
               a.Patch(a.Emit(Op::Jump), head1);
               a.Patch(head1, a.Here());
               a.Patch(a.Emit(Op::Jump), head2);
               a.Patch(head2, a.Here());
               a.Emit(Op::Return);
             }),
             Contains("overlap without nesting"));
}

}  // namespace
}  // namespace warrant
