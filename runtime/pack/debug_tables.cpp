#include "runtime/pack/debug_tables.h"

#include <algorithm>
#include <functional>
#include <vector>

#include <fmt/core.h>

#include "runtime/core/line_table.h"

namespace warrant {
namespace {

// The instruction a statement of `kind` ends with.
Op ClosingOp(StatementKind kind) {
  switch (kind) {
    case StatementKind::Applies:
      return Op::Applies;
    case StatementKind::Let:
      return Op::Store;
    case StatementKind::Require:
      return Op::Require;
    case StatementKind::When:
      return Op::When;
    case StatementKind::Emit:
      return Op::Emit;
  }
  return Op::Return;
}

class DebugVerifier {
 public:
  explicit DebugVerifier(const Program& program) : p_(program) {}

  std::string Run() {
    CheckSources() && MarkInstructions() && CheckStatements() && CheckNotIn() && CheckCodesets();
    return error_;
  }

 private:
  bool Fail(std::string message) {
    if (error_.empty())
      error_ = std::move(message);
    return false;
  }

  bool InSource(uint32_t file, Span span) const {
    return file < p_.sources.size() && span.begin <= span.end &&
           span.end <= p_.sources[file].text.size();
  }

  bool CheckSources() {
    for (const SourceData& source : p_.sources) {
      if (!ValidLineStarts(source.line_starts, source.text.size())) {
        return Fail(
            fmt::format("source `{}`: its line starts do not begin at 0, rise and stay "
                        "within its {} bytes",
                        source.name, source.text.size()));
      }
    }
    return true;
  }

  // The first byte of every instruction of every rule (Verify has checked they decode).
  bool MarkInstructions() {
    starts_.assign(p_.code.size(), false);
    for (const RuleData& rule : p_.rules) {
      for (uint32_t pc = rule.applies_code; pc < rule.code_end && pc < p_.code.size();) {
        const std::optional<Instruction> ins = DecodeAt(p_.code, pc);
        if (!ins)
          break;
        starts_[pc] = true;
        pc += ins->size;
      }
    }
    return true;
  }

  std::optional<Instruction> InstructionAt(uint32_t pc) const {
    if (pc >= starts_.size() || !starts_[pc])
      return std::nullopt;
    return DecodeAt(p_.code, pc);
  }

  bool CheckStatements() {
    for (size_t k = 0; k < p_.debug.statements.size(); ++k) {
      const StatementDebug& s = p_.debug.statements[k];
      const std::string what = fmt::format("debug statement {}", k);
      if (k > 0 && s.pc <= p_.debug.statements[k - 1].pc)
        return Fail(what + ": statements are not sorted by pc");
      const std::optional<Instruction> ins = InstructionAt(s.pc);
      if (!ins || ins->op != ClosingOp(s.kind)) {
        return Fail(fmt::format("{}: a {} is not at an instruction `{}` of a rule (pc {})", what,
                                StatementKindName(s.kind), Info(ClosingOp(s.kind)).mnemonic, s.pc));
      }
      const bool has_site = s.kind != StatementKind::Let;
      if (has_site ? s.site != ins->a : s.site != UINT32_MAX) {
        return Fail(fmt::format("{}: outcome site {} is not its instruction's", what, s.site));
      }
      if (!InSource(s.file, s.span) || !InSource(s.file, s.head) ||
          !InSource(s.file, s.condition) || !InSource(s.file, s.name_span)) {
        return Fail(what + ": a span is not in its source");
      }
    }
    return true;
  }

  bool CheckNotIn() {
    for (size_t k = 0; k < p_.debug.not_in.size(); ++k) {
      const uint32_t pc = p_.debug.not_in[k];
      if (k > 0 && pc <= p_.debug.not_in[k - 1])
        return Fail("debug `not in` pcs are not sorted");
      const std::optional<Instruction> ins = InstructionAt(pc);
      if (!ins || ins->op != Op::Not)
        return Fail(fmt::format("debug `not in` at pc {} is not a `not` of a rule", pc));
    }
    return true;
  }

  bool CheckCodesets() {
    const std::vector<CodesetDebug>& sets = p_.debug.codesets;
    if (!sets.empty() && sets.size() != p_.codesets.size()) {
      return Fail(fmt::format("debug codesets: {} declarations for {} codesets", sets.size(),
                              p_.codesets.size()));
    }
    for (size_t k = 0; k < sets.size(); ++k) {
      const CodesetDebug& set = sets[k];
      if (!InSource(set.file, set.span))
        return Fail(fmt::format("debug codeset {}: its span is not in a source", k));
      if (std::adjacent_find(set.codes.begin(), set.codes.end(), std::greater_equal<>()) !=
          set.codes.end()) {
        return Fail(fmt::format("debug codeset {}: its codes are not sorted", k));
      }
      for (const CodesetMemberDebug& m : set.members) {
        if (!InSource(set.file, m.span))
          return Fail(fmt::format("debug codeset {}: a member's span is not in its source", k));
        if (m.kind == CodesetMemberKind::Codes && m.codes.lo > m.codes.hi)
          return Fail(fmt::format("debug codeset {}: member `{}` has lo > hi", k, m.text));
        if (m.kind == CodesetMemberKind::Reference && m.index >= p_.codesets.size()) {
          return Fail(
              fmt::format("debug codeset {}: member `{}` names codeset {}", k, m.text, m.index));
        }
        if (m.kind == CodesetMemberKind::Load && m.index >= set.loads.size()) {
          return Fail(fmt::format("debug codeset {}: member `{}` has no loaded codes", k, m.text));
        }
      }
    }
    return true;
  }

  const Program& p_;
  std::vector<bool> starts_;
  std::string error_;
};

}  // namespace

std::string VerifyDebugTables(const Program& program) {
  return DebugVerifier(program).Run();
}

const StatementDebug* StatementAt(const Program& program, uint32_t pc) {
  const std::vector<StatementDebug>& all = program.debug.statements;
  auto it = std::lower_bound(all.begin(), all.end(), pc,
                             [](const StatementDebug& s, uint32_t at) { return s.pc < at; });
  return it != all.end() && it->pc == pc ? &*it : nullptr;
}

bool SpellsNotIn(const Program& program, uint32_t pc) {
  return std::binary_search(program.debug.not_in.begin(), program.debug.not_in.end(), pc);
}

const char* StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::Applies:
      return "applies";
    case StatementKind::Let:
      return "let";
    case StatementKind::Require:
      return "require";
    case StatementKind::When:
      return "when";
    case StatementKind::Emit:
      return "emit";
  }
  return "?";
}

}  // namespace warrant
