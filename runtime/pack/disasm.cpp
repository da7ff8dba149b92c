#include "runtime/pack/disasm.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "runtime/core/code.h"
#include "runtime/core/line_table.h"
#include "runtime/core/text.h"
#include "runtime/pack/builtins.h"
#include "runtime/records/schema.h"

namespace warrant {
namespace {

// "2023-01-01", or "open" for the unbounded ends.
std::string DayText(Day day) {
  if (day <= kMinDay || day >= kMaxDay)
    return "open";
  return FormatDate(day).str();
}

std::string DecimalText(int64_t scaled) {
  const bool negative = scaled < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(scaled) : scaled;
  std::string fraction = fmt::format("{:06d}", magnitude % kDecimalScale);
  while (fraction.size() > 1 && fraction.back() == '0')
    fraction.pop_back();
  return fmt::format("{}{}.{}", negative ? "-" : "", magnitude / kDecimalScale, fraction);
}

// A scalar constant as source would write it. Lists are expanded one level only: list items
// are scalars in a verified program, and an unverified one must not send this into a cycle.
std::string ScalarText(const Constant& c) {
  switch (c.tag) {
    case Tag::None:
      return "none";
    case Tag::Bool:
      return c.i != 0 ? "true" : "false";
    case Tag::Int:
      return fmt::format("{}", c.i);
    case Tag::Decimal:
      return DecimalText(c.i);
    case Tag::String:
      return QuotedText(c.text);
    case Tag::Date:
      if (c.i < kMinDay || c.i > kMaxDay)
        return fmt::format("date {}", c.i);
      return FormatDate(static_cast<Day>(c.i)).str();
    case Tag::Duration:
      return fmt::format("{} {}", c.i, DurationUnitName(static_cast<DurationUnit>(c.sub)));
    case Tag::Code: {
      const std::optional<CodeText> text = Unpack(static_cast<uint64_t>(c.i));
      if (!text)
        return fmt::format("code 0x{:x}", static_cast<uint64_t>(c.i));
      const std::optional<CodeSystem> system = SystemOf(static_cast<uint64_t>(c.i));
      return fmt::format("{} {}", system ? SystemName(*system) : "?", text->view());
    }
    case Tag::List:
      return "[...]";
    case Tag::Unknown:
    case Tag::Record:
      return "?";
  }
  return "?";
}

std::string ConstantText(const Program& p, int64_t index) {
  if (index < 0 || static_cast<size_t>(index) >= p.constants.size())
    return "?";
  const Constant& c = p.constants[index];
  if (c.tag != Tag::List)
    return ScalarText(c);
  std::string out = "[";
  for (size_t k = 0; k < c.items.size(); ++k) {
    if (k > 0)
      out += ", ";
    out += c.items[k] < p.constants.size() ? ScalarText(p.constants[c.items[k]]) : "?";
  }
  return out + "]";
}

template <typename T>
const T* At(const std::vector<T>& items, int64_t index) {
  return index >= 0 && static_cast<size_t>(index) < items.size() ? &items[index] : nullptr;
}

std::string OutcomeText(const Program& p, int64_t index) {
  const OutcomeData* o = At(p.outcomes, index);
  if (o == nullptr)
    return "?";
  std::string out = IsOutcomeKind(o->kind) ? Info(o->kind).listing : "?";
  if (const ReasonData* reason = o->reason != kNoIndex ? At(p.reasons, o->reason) : nullptr) {
    out += ' ';
    out += reason->name;
  }
  if (!o->message.empty()) {
    out += ' ';
    out += QuotedText(o->message);
  }
  return out;
}

// The name of column `index` of the record-valued tables, when they all agree on it (the row's
// table is known only at run time).
std::string ColumnText(const Program& p, int64_t index) {
  std::string name;
  for (const TableData& table : p.tables) {
    if (!table.record_valued)
      continue;
    const std::string* column = At(table.columns, index);
    if (column == nullptr)
      continue;
    if (!name.empty() && name != *column)
      return "";
    name = *column;
  }
  return name;
}

// What one operand names, for the `;` comment: "fobt", "line.code", "-> 0012"; empty for
// values that name nothing (integers, slots).
std::string OperandComment(const Program& p, const Instruction& ins, uint32_t pc, OperandKind kind,
                           int64_t value) {
  switch (kind) {
    case OperandKind::None:
    case OperandKind::Int:
    case OperandKind::Slot:
    case OperandKind::SlotOut:
    case OperandKind::LoopStart:
    case OperandKind::Loop:
    case OperandKind::Accumulator:
      return "";
    case OperandKind::Target:
      return fmt::format("-> {:04x}", ins.Target(pc));
    case OperandKind::Constant:
    case OperandKind::List:
      return ConstantText(p, value);
    case OperandKind::Window:
      return value >= 0 && value < static_cast<int64_t>(std::size(kWindowSideNames))
                 ? kWindowSideNames[value]
                 : "?";
    case OperandKind::Scope:
      return value < static_cast<int64_t>(ScopeId::kCount) ? ScopeName(static_cast<ScopeId>(value))
                                                           : "?";
    case OperandKind::Field: {
      if (value >= static_cast<int64_t>(p.schema.fields().size()))
        return "?";
      const FieldDef& f = p.schema.field(static_cast<uint16_t>(value));
      const std::string& record = p.schema.record(f.record).name;
      return (record.empty() ? std::string("(record)") : record) + "." + f.name;
    }
    case OperandKind::Fact: {
      const auto facts = p.schema.facts();
      return value < static_cast<int64_t>(facts.size())
                 ? p.schema.field(facts[static_cast<size_t>(value)]).name
                 : "?";
    }
    case OperandKind::Table: {
      const TableData* table = At(p.tables, value);
      return table ? table->name : "?";
    }
    case OperandKind::Column:
      return ColumnText(p, value);
    case OperandKind::Codeset: {
      const std::string* name = At(p.codeset_names, value);
      return name ? *name : "?";
    }
    case OperandKind::Builtin:
      return value < static_cast<int64_t>(BuiltinId::kCount)
                 ? BuiltinName(static_cast<BuiltinId>(value))
                 : "?";
    case OperandKind::Outcome:
      return OutcomeText(p, value);
  }
  return "";
}

// The `;` comment: what the operands name, joined by ", ".
std::string Comment(const Program& p, const Instruction& ins, uint32_t pc) {
  const OpInfo& info = Info(ins.op);
  std::string out;
  const int64_t values[] = {ins.a, ins.b};
  for (size_t k = 0; k < info.operands.size(); ++k) {
    const std::string part = OperandComment(p, ins, pc, info.operands[k].kind, values[k]);
    if (part.empty())
      continue;
    out += out.empty() ? part : ", " + part;
  }
  return out;
}

// The operands' values: "3", "12, -40".
std::string OperandText(const Instruction& ins) {
  const OpInfo& info = Info(ins.op);
  if (info.operands[0].width == Width::None)
    return "";
  if (info.operands[1].width == Width::None)
    return fmt::format("{}", ins.a);
  return fmt::format("{}, {}", ins.a, ins.b);
}

// Line numbers and texts of the program's sources, from the line starts the pack stores.
class Lines {
 public:
  explicit Lines(const Program& p) : p_(p) {}

  // 1-based line of byte `offset` in source `file`; 0 if there is no such file.
  uint32_t LineOf(uint32_t file, uint32_t offset) const {
    return file < p_.sources.size() ? Table(file).Line(offset) : 0;
  }

  // Line `line` of `file` without its indentation and line break.
  std::string_view Text(uint32_t file, uint32_t line) const {
    if (file >= p_.sources.size())
      return {};
    std::string_view text = Table(file).LineText(line);
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
      return {};
    text.remove_prefix(first);
    return text.substr(0, text.find_last_not_of(" \t\r") + 1);
  }

  std::string_view Name(uint32_t file) const {
    return file < p_.sources.size() ? std::string_view(p_.sources[file].name) : "?";
  }

 private:
  LineTable Table(uint32_t file) const {
    return LineTable(p_.sources[file].line_starts, p_.sources[file].text);
  }

  const Program& p_;
};

class Lister {
 public:
  Lister(const Program& p, std::ostream& out, const DisasmOptions& options)
      : p_(p), out_(out), options_(options), lines_(p) {}

  void Policy(const PolicyData& policy) {
    out_ << fmt::format("== policy {} version {} ({} .. {}) {} ==\n", QuotedText(policy.id),
                        policy.version, DayText(policy.from), DayText(policy.until),
                        lines_.Name(policy.file));
  }

  void Rule(uint32_t index) {
    const RuleData& rule = p_.rules[index];
    std::string header = fmt::format("-- rule {}", rule.name);
    if (!rule.title.empty()) {
      header += ' ';
      header += QuotedText(rule.title);
    }
    header += fmt::format(" ({}:{})", lines_.Name(rule.file), lines_.LineOf(rule.file, rule.begin));
    const PolicyData* policy = At(p_.policies, rule.policy);
    if (policy == nullptr || rule.from != policy->from || rule.until != policy->until) {
      header += fmt::format(" effective {} .. {}", DayText(rule.from), DayText(rule.until));
    }
    out_ << fmt::format("{} slots {} stack {} --\n", header, rule.slots, rule.max_stack);
    Code(rule.applies_code, rule.code_end);
  }

  void Reason(const ReasonData& reason) {
    out_ << fmt::format("-- reason {} condition (group {} when true) slots {} stack {} --\n",
                        reason.name, reason.alt_group, reason.alt_slots, reason.alt_max_stack);
    Code(reason.alt_code, reason.alt_code_end);
  }

 private:
  // Instructions of [begin, end), front to back. Stops at the first byte that does not decode.
  void Code(uint32_t begin, uint32_t end) {
    const std::span<const uint8_t> code =
        std::span<const uint8_t>(p_.code).first(std::min<size_t>(end, p_.code.size()));
    bool first = true;
    uint32_t last_file = kNoIndex;
    uint32_t last_line = 0;
    for (uint32_t pc = begin; pc < code.size();) {
      std::optional<Instruction> ins = DecodeAt(code, pc);
      if (!ins) {
        out_ << fmt::format("{:04x}    ? <bad instruction byte 0x{:02x}>\n", pc, code[pc]);
        return;
      }
      uint32_t file = kNoIndex;
      uint32_t line = 0;
      if (const SpanEntry* span = p_.SpanAt(pc)) {
        file = span->file;
        line = lines_.LineOf(span->file, span->begin);
      }
      std::string line_column = "   |";
      if (first || file != last_file || line != last_line) {
        line_column = line == 0 ? "   ?" : fmt::format("{:>4}", line);
        if (options_.source_lines && line != 0) {
          const std::string_view text = lines_.Text(file, line);
          if (!text.empty())
            out_ << "          ; " << text << '\n';
        }
      }
      first = false;
      last_file = file;
      last_line = line;
      std::string text = fmt::format("{:04x} {} {:<16} {:<11}", pc, line_column,
                                     Info(ins->op).mnemonic, OperandText(*ins));
      const std::string comment = Comment(p_, *ins, pc);
      if (!comment.empty())
        text += " ; " + comment;
      text.erase(text.find_last_not_of(' ') + 1);
      out_ << text << '\n';
      pc += ins->size;
    }
  }

  const Program& p_;
  std::ostream& out_;
  const DisasmOptions& options_;
  Lines lines_;
};

std::string EscapeCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// "u16 Constant", "u8 Loop, i32 Target".
std::string OperandsDoc(const OpInfo& info) {
  constexpr const char* kWidths[] = {"", "u8", "u16", "i32"};
  std::string out;
  for (const Operand& operand : info.operands) {
    if (operand.width == Width::None)
      continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ",
                       kWidths[static_cast<size_t>(operand.width)], Info(operand.kind).name);
  }
  return out;
}

// Splits "[.., a, b] -> [.., a == b]; meaning" into the notation and the meaning.
std::pair<std::string_view, std::string_view> SplitDoc(std::string_view doc) {
  if (doc.empty() || doc[0] != '[')
    return {{}, doc};
  const size_t arrow = doc.find("-> [");
  if (arrow == std::string_view::npos)
    return {{}, doc};
  int depth = 0;
  for (size_t i = arrow + 3; i < doc.size(); ++i) {
    if (doc[i] == '[')
      ++depth;
    if (doc[i] == ']' && --depth == 0) {
      std::string_view rest = doc.substr(i + 1);
      while (!rest.empty() && (rest.front() == ';' || rest.front() == ' '))
        rest.remove_prefix(1);
      return {doc.substr(0, i + 1), rest};
    }
  }
  return {{}, doc};
}

}  // namespace

void DisassembleRule(const Program& program, uint32_t rule, std::ostream& out,
                     const DisasmOptions& options) {
  if (rule >= program.rules.size())
    return;
  Lister(program, out, options).Rule(rule);
}

void Disassemble(const Program& program, std::ostream& out, const DisasmOptions& options) {
  Lister lister(program, out, options);
  std::vector<bool> listed(program.rules.size(), false);
  for (const PolicyData& policy : program.policies) {
    lister.Policy(policy);
    const uint64_t end =
        std::min<uint64_t>(uint64_t{policy.first_rule} + policy.rule_count, program.rules.size());
    for (uint64_t r = policy.first_rule; r < end; ++r) {
      lister.Rule(static_cast<uint32_t>(r));
      listed[r] = true;
    }
  }
  // Only an unverified program has these; list them rather than hide them.
  if (std::find(listed.begin(), listed.end(), false) != listed.end()) {
    out << "== rules outside every policy ==\n";
    for (uint32_t r = 0; r < program.rules.size(); ++r) {
      if (!listed[r])
        lister.Rule(r);
    }
  }
  bool any_condition = false;
  for (const ReasonData& reason : program.reasons) {
    if (reason.alt_code == kNoIndex)
      continue;
    if (!any_condition)
      out << "== reason conditions ==\n";
    any_condition = true;
    lister.Reason(reason);
  }
}

void WriteBytecodeDoc(std::ostream& out) {
  out << "# Bytecode\n\n"
         "<!-- Generated from runtime/pack/opcodes.def by WriteBytecodeDoc "
         "(runtime/pack/disasm.h); do not edit.\n"
         "     Regenerate: WARRANT_UPDATE_DOCS=1 build/<preset>/tests/warrant_unit_tests "
         "'[bytecode-doc]'\n"
         "     (without the variable, that test fails while this file is out of date). -->\n\n"
         "One opcode byte, then the operands, little-endian: `u8` and `u16` unsigned, `i32` "
         "signed (`a` is the first\noperand, `b` the second; what each kind names is listed "
         "under Operands). Stack: the change in depth,\nwith the values taken and left in the "
         "effect column; `call` pops its builtin's arity\n(runtime/pack/builtins.def) and pushes "
         "one value. Flow: `next` falls through, `jump` always goes to its target,\n`branch` "
         "does one or the other, `return` ends the code. Traced: what the traced interpreter "
         "reports\n(runtime/vm/trace.h): `step` the instruction's inputs and result, `own` a "
         "step of its own (the stored value,\nthe loop element, the accumulator), `condition` "
         "the condition it consumes.\n\n"
         "| # | mnemonic | operands | bytes | stack | flow | traced | effect | meaning |\n"
         "|---:|---|---|---:|---:|---|---|---|---|\n";
  constexpr const char* kFlows[] = {"next", "jump", "branch", "return"};
  constexpr const char* kTraces[] = {"", "step", "own", "condition"};
  for (size_t k = 0; k < kOpCount; ++k) {
    const OpInfo& info = Info(static_cast<Op>(k));
    const auto [notation, meaning] = SplitDoc(info.doc);
    const int delta = info.pushes - info.pops;
    const std::string stack = info.pops == kPopsArity ? fmt::format("{} - arity", info.pushes)
                              : delta > 0             ? fmt::format("+{}", delta)
                                                      : fmt::format("{}", delta);
    out << fmt::format("| {} | `{}` | {} | {} | {} | {} | {} | {} | {} |\n", k, info.mnemonic,
                       OperandsDoc(info), info.size, stack, kFlows[static_cast<size_t>(info.flow)],
                       kTraces[static_cast<size_t>(info.trace)],
                       notation.empty() ? "" : fmt::format("`{}`", EscapeCell(notation)),
                       EscapeCell(meaning));
  }
  out << "\n## Operands\n\n"
         "| kind | slots | meaning |\n"
         "|---|---|---|\n";
  for (const OperandKindInfo& kind : kOperandKindInfos) {
    if (kind.noun[0] == '\0')
      continue;  // None
    std::string slots;
    if (kind.slots_used >= 0) {
      slots = kind.slots_used == 0 ? "a" : fmt::format("a .. a+{}", kind.slots_used);
      if (kind.writes_from <= kind.writes_to) {
        const auto at = [](int offset) {
          return offset == 0 ? std::string("a") : fmt::format("a{:+}", offset);
        };
        slots += kind.writes_from == kind.writes_to
                     ? fmt::format("; writes {}", at(kind.writes_from))
                     : fmt::format("; writes {} .. {}", at(kind.writes_from), at(kind.writes_to));
      }
    }
    out << fmt::format("| {} | {} | {} |\n", kind.name, slots, EscapeCell(kind.meaning));
  }
}

}  // namespace warrant
