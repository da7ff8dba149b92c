// Program-level generation: sources, reasons, facts, policies and rules, in a deterministic
// order (policies by id then effective date, rules in source order).
#include "compiler/codegen/codegen.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "compiler/codegen/generator.h"
#include "runtime/core/sha256.h"

namespace warrant::codegen {

using diag::DiagCode;

Generator::Generator(const frontend::Sources& sources, const check::CheckedProgram& checked,
                     Program& out, diag::DiagSink& sink)
    : sources_(sources), ast_(sources.ast), checked_(checked), out_(out), sink_(sink) {}

bool Generator::Run() {
  EmitSources();
  EmitReasons();
  EmitFacts();
  EmitCodesets();
  EmitTables();
  EmitPolicies();
  CheckOperandLimits();
  return !sink_.has_errors();
}

// Bytecode numbers constants, outcome sites, codesets, tables and facts with 16-bit operands
// (runtime/pack/opcodes.def): a pack with more would have its operands silently wrap.
void Generator::CheckOperandLimits() {
  constexpr size_t kLimit = size_t{1} << 16;
  const std::pair<const char*, size_t> counts[] = {
      {"constants", out_.constants.size()}, {"outcome statements", out_.outcomes.size()},
      {"codesets", out_.codesets.size()},   {"tables", out_.tables.size()},
      {"facts", checked_.facts.size()},
  };
  for (const auto& [what, count] : counts) {
    // Facts are fields of the schema, numbered in 16 bits with the others.
    const size_t limit = std::string_view(what) == "facts" ? kMaxFacts : kLimit;
    if (count <= limit)
      continue;
    FileId file = ast_.files.empty() ? FileId{} : ast_.files[0].file;
    sink_.Emit(DiagCode::TooManyEntries, file, Span{}, count, what, limit).located = false;
  }
}

void Generator::EmitSources() {
  source_of_file_.assign(sources_.files.size(), 0);
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    FileId id = ast_.files[f].file;
    const SourceFile& file = sources_.files.Get(id);
    SourceData data;
    // Name sources relative to the pack root, so a pack is the same wherever it was built from.
    std::error_code ec;
    std::filesystem::path rel = sources_.paths[id].lexically_relative(sources_.root);
    data.name = rel.empty() || ec ? file.name() : rel.generic_string();
    data.text = file.text();
    data.sha256 = Sha256(file.text());
    data.line_starts = file.line_starts();
    source_of_file_[id] = static_cast<uint32_t>(out_.sources.size());
    out_.sources.push_back(std::move(data));
  }
}

void Generator::EmitReasons() {
  for (const check::ReasonDecl& r : checked_.reasons) {
    ReasonData data;
    data.name = r.name;
    data.group = r.group;
    data.carc = r.carc;
    data.rarcs = r.rarcs;
    data.description = r.description;
    out_.reasons.push_back(std::move(data));
  }
  // Computed group codes are snippets evaluated per finding, with the line in scope.
  for (uint32_t i = 0; i < checked_.reasons.size(); ++i) {
    const check::ReasonDecl& r = checked_.reasons[i];
    if (r.from_stdlib)
      continue;
    const ast::Reason& decl = ast_.files[r.file].reasons[r.index];
    if (decl.alt_group_when == ast::kNone)
      continue;
    ReasonData& data = out_.reasons[i];
    data.alt_group = decl.alt_group->text;
    depth_ = max_depth_ = 0;
    slots_ = 0;
    quant_slots_.clear();
    let_slots_.clear();
    data.alt_code = static_cast<uint32_t>(out_.code.size());
    Expr(r.file, decl.alt_group_when);
    Emit(Op::Return);
    data.alt_code_end = static_cast<uint32_t>(out_.code.size());
    data.alt_slots = static_cast<uint16_t>(slots_);
    data.alt_max_stack = static_cast<uint16_t>(max_depth_);
  }
}

void Generator::EmitFacts() {
  // The schema carries the facts (its facts record, in FactDecl order) and the extensions.
  out_.schema = checked_.schema;
}

uint32_t Generator::Site(OutcomeKind kind, const ast::Outcome* outcome, uint32_t file, Span span) {
  OutcomeData data;
  data.kind = kind;
  data.rule = rule_;
  data.file = source_of_file_[ast_.files[file].file];
  data.begin = span.begin;
  data.end = span.end;
  const auto& scope = checked_.reason_scope[file];
  if (outcome) {
    if (outcome->reason)
      data.reason = scope.at(outcome->reason->text);
    if (outcome->message)
      data.message = outcome->message->text;
    // A bundle reports `bundling` (the standard CO-97) unless it names its own reason.
    if (!outcome->reason && kind == OutcomeKind::Bundle) {
      auto it = scope.find("bundling");
      if (it != scope.end())
        data.reason = it->second;
    }
  }
  // A pend on missing data here reports this file's `documentation` reason; the site records it
  // when the file maps that reason to its own codes (runtime: Engine::ReasonOf).
  auto documentation = scope.find("documentation");
  if (documentation != scope.end() && !checked_.reasons[documentation->second].from_stdlib)
    data.unknown_reason = documentation->second;
  out_.outcomes.push_back(std::move(data));
  return static_cast<uint32_t>(out_.outcomes.size() - 1);
}

namespace {

Day DayOf(const ast::Date& d) {
  return DaysFromCivil({d.year, d.month, d.day});
}

}  // namespace

void Generator::EmitPolicies() {
  for (const check::Policy& policy : checked_.policies) {
    for (const check::PolicyVersion& v : policy.versions) {
      const ast::File& file = ast_.files[v.file];
      const ast::PolicyHeader& header = *file.policy;
      PolicyData data;
      data.id = policy.id;
      data.version = v.version;
      data.title = header.title.text;
      if (header.source)
        data.source = header.source->text;
      data.from = v.from == INT32_MIN ? kMinDay : v.from;
      data.until = v.until == INT32_MAX ? kMaxDay : v.until;
      data.file = source_of_file_[file.file];
      data.first_rule = static_cast<uint32_t>(out_.rules.size());
      uint32_t policy_index = static_cast<uint32_t>(out_.policies.size());
      out_.policies.push_back(data);
      for (const ast::Rule& rule : file.rules)
        EmitRule(v.file, rule, policy_index);
      out_.policies.back().rule_count =
          static_cast<uint32_t>(out_.rules.size()) - out_.policies.back().first_rule;
    }
  }
}

void Generator::EmitRule(uint32_t file, const ast::Rule& rule, uint32_t policy) {
  rule_ = static_cast<uint32_t>(out_.rules.size());
  RuleData data;
  data.name = rule.name.text;
  if (rule.title)
    data.title = rule.title->text;
  data.policy = policy;
  data.from = out_.policies[policy].from;
  data.until = out_.policies[policy].until;
  if (rule.effective) {
    data.from = DayOf(rule.effective->from);
    if (rule.effective->until)
      data.until = DayOf(*rule.effective->until);
  }
  data.file = source_of_file_[ast_.files[file].file];
  data.begin = rule.span.begin;
  data.end = rule.span.end;
  uint32_t codeset;
  if (IndexableCodeset(file, rule.applies, &codeset))
    data.index_codeset = codeset;
  out_.rules.push_back(data);

  depth_ = max_depth_ = 0;
  slots_ = 0;
  slot_overflow_ = false;
  quant_slots_.clear();
  let_slots_.clear();
  out_.rules.back().applies_code = static_cast<uint32_t>(out_.code.size());
  MarkSpan(file, rule.applies_span);
  Expr(file, rule.applies);
  uint32_t site = Site(OutcomeKind::AutoPend, nullptr, file, rule.applies_span);
  MarkSpan(file, rule.applies_span);
  RecordStatement(StatementKind::Applies, file, rule.applies_span, rule.applies_span, rule.applies,
                  site);
  Emit(Op::Applies, site);
  Stmts(file, rule.body);
  Emit(Op::Return);
  RuleData& done = out_.rules.back();
  done.code_end = static_cast<uint32_t>(out_.code.size());
  done.slots = static_cast<uint16_t>(slots_);
  done.max_stack = static_cast<uint16_t>(max_depth_);
  if (slot_overflow_) {
    sink_.Emit(DiagCode::TooManyVariables, ast_.files[file].file, rule.name.span, rule.name.text,
               250);
  }
}

bool Generate(const frontend::Sources& sources, const check::CheckedProgram& program, Program& out,
              diag::DiagSink& sink) {
  Generator generator(sources, program, out, sink);
  return generator.Run();
}

}  // namespace warrant::codegen
