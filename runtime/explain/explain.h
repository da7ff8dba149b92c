// Explain: why each line of a claim was decided as it was, for auditors and providers.
//
// A TraceRecorder (a TraceSink) collects the VM's events while a claim is decided; Explain()
// turns them, with the claim and its decision, into an Explanation: per line, the policy
// versions in force on the date of service, every rule considered with each statement
// (applies, let, require, when, emit) and its value, the values that decided it (both operands
// of a comparison, the codeset member that matched a code, the list element a quantifier
// chose, computed dates), and per finding its evidence and a "why not" hint saying what would
// have satisfied the requirement where that can be computed. Every value is rendered to text
// here, so the text, JSON and HTML writers (explain_render.h) are plain serializers.
// This module does not decide anything: it only reads what the VM reported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/value.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/program.h"
#include "runtime/records/record.h"
#include "runtime/vm/trace.h"
#include "runtime/vm/vm.h"

namespace warrant {

class Engine;

// One VM event, as reported to the sink.
struct TraceEvent {
  enum class Kind : uint8_t { RuleStart, RuleEnd, Condition, Step };
  Kind kind = Kind::Step;
  Op op = Op::Return;
  uint8_t input_count = 0;
  bool applied = false;  // RuleEnd
  uint32_t pc = 0;
  uint32_t rule = 0;  // RuleStart, RuleEnd
  uint32_t line = 0;  // RuleStart: 1-based claim line
  Value inputs[3];
  Value result;
};

// Records every event of one claim's decision; Clear() between claims keeps the capacity.
class TraceRecorder final : public TraceSink {
 public:
  void Clear() { events_.clear(); }

  const std::vector<TraceEvent>& events() const { return events_; }

  void RuleStart(uint32_t rule, uint32_t line) override;
  void RuleEnd(uint32_t rule, bool applied) override;
  void Condition(uint32_t pc, const Value& value) override;
  void Step(uint32_t pc, Op op, std::span<const Value> inputs, const Value& result) override;

 private:
  std::vector<TraceEvent> events_;
};

// One computed value: `expr` (its source text) gave `value`, from `operands` where they
// decide (a comparison's two sides, a codeset test's code, a call's arguments).
struct ExplainStep {
  std::string kind;  // "compare", "codeset", "list", "window", "call", "fact", "lookup",
                     // "arith", "test", "element", "chosen"
  std::string expr;  // source text, on one line
  std::string site;  // file:line:col
  std::string op;    // the operator as written: ">=", "in", "within", a builtin's name ...
  std::vector<std::string> operands;
  std::string value;
  std::string note;  // "matched E11.*", a code's description, a window's bounds
  int depth = 0;     // 0: the statement's own expression; n: inside n quantifier loops
};

struct ExplainStatement {
  std::string kind;       // "applies", "let", "require", "when", "emit"
  std::string name;       // a let's name
  std::string source;     // the statement's text, on one line
  std::string head;       // the same without its outcome clause (`require age >= 45`)
  std::string condition;  // its condition as written (`age >= 45`), on one line
  std::string site;
  uint32_t source_line = 0;
  std::string value;  // "true", "false", "unknown", or a let's value
  std::vector<ExplainStep> steps;
  bool fired = false;  // produced a finding on this line
  // A fired statement's reading of its condition (explain_condition.h): what would change it and
  // the values that decided it.
  std::vector<std::string> changes;
  std::vector<ExplainStep> decisive;
};

struct ExplainFinding {
  std::string outcome;  // "deny", "pend", "reject", "bundle", "flag"
  std::string decision;
  std::string reason;
  std::string carc;  // "CO-119"
  std::vector<std::string> rarcs;
  std::string message;
  std::string policy;
  int64_t version = 0;
  std::string rule;
  std::string site;
  std::string statement;              // the requirement's source text
  std::string why_not;                // what would satisfy it, where it can be computed
  std::vector<ExplainStep> evidence;  // the decisive values (the statement's own, depth 0)
  // Full explanations only (not run --explain):
  std::string group_note;              // why the CARC's group: "PR: `"GA" in line.modifiers` holds"
  std::string policy_title, citation;  // the policy's title and source
  std::vector<std::string> changes;    // what would change it, one alternative each, in words
};

struct ExplainRule {
  std::string name;
  std::string title;
  std::string policy;
  int64_t version = 0;
  std::string site;
  std::string file;
  uint32_t first_line = 0;  // the rule's source lines, for excerpts
  std::vector<std::string> source_lines;
  std::string applied;  // "true", "false", "unknown"
  std::vector<ExplainStatement> statements;
};

struct ExplainPolicy {
  std::string id;
  int64_t version = 0;
  std::string title;
  std::string source;
  std::string from, until;  // ISO dates; "" when open
};

struct ExplainLine {
  uint32_t line = 0;  // 1-based
  std::string code;
  std::string code_description;
  std::string service_date;
  std::string decision;
  std::vector<ExplainPolicy> policies;  // versions in force on the date of service
  std::vector<ExplainRule> rules;
  std::vector<ExplainFinding> findings;
};

struct Explanation {
  std::string claim_id;  // "" when the claim has none
  std::string pack;      // sha256:...
  std::vector<ExplainLine> lines;
};

struct ExplainOptions {
  uint32_t only_line = 0;     // 1-based; 0: every line
  bool all_policies = false;  // also the rules of policies none of whose rules applied to the line
  // false: a finding's evidence is its statement's own steps, as `run --explain` writes it,
  // rather than the steps of the parts of its condition that decided it
  bool decisive_evidence = true;
};

class Explainer;

// The explanation of one decided claim from the events recorded while it was decided.
Explanation Explain(const Explainer& explainer, const Claim& claim, const ClaimDecision& decision,
                    const std::vector<TraceEvent>& events, const ExplainOptions& options = {});

// A value as an explanation shows it: `2024-03-01`, `E11.9`, `12 months`, `history #2 (82270
// on 2023-03-01, paid)`.
std::string ValueText(const Program& program, const Claim& claim, const Value& value);
// An object (a record of a declared type) of the claim, as ValueText renders it.
std::string ObjectText(const Program& program, const Claim& claim, size_t index);

// Which member of codeset `codeset`, as the source wrote it, holds `code` (`E11.*`,
// `O24.01 .. O24.03`, `G0328`, `E11.9 (in \`dm.diabetes_dx\`)`, `listed in "file.csv"`), from the
// pack's debug tables; "" when they do not say (a codeset's subtracted parts are not members).
std::string WrittenMember(const Program& program, uint32_t codeset, uint64_t code);

// What explaining reads: the Engine, its pack (with the debug tables) and terminology. Shared by
// threads.
class Explainer {
 public:
  explicit Explainer(const Engine& engine) : engine_(engine) {}

  const Engine& engine() const { return engine_; }

 private:
  const Engine& engine_;
};

}  // namespace warrant
