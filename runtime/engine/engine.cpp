#include "runtime/engine/engine.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/decimal.h"
#include "runtime/core/line_table.h"
#include "runtime/core/text.h"
#include "runtime/pack/builtins.h"
#include "runtime/pack/debug_tables.h"
#include "runtime/pack/fields_read.h"
#include "runtime/pack/pack.h"
#include "runtime/pack/verify.h"
#include "runtime/terminology/terminology_serialize.h"

namespace warrant {

std::unique_ptr<Engine> Engine::FromPack(std::span<const uint8_t> bytes, std::string* error) {
  PackResult result = ReadPack(bytes);
  if (!result.ok()) {
    *error = result.error;
    return nullptr;
  }
  std::unique_ptr<Engine> engine(new Engine());
  engine->program_ = std::move(result.program);
  if (!engine->Prepare(error))
    return nullptr;
  return engine;
}

std::unique_ptr<Engine> Engine::FromProgram(Program program, std::string* error) {
  WritePack(program);  // computes the content hash
  std::string problem = Verify(program);
  if (problem.empty())
    problem = VerifyDebugTables(program);
  if (!problem.empty()) {
    *error = "internal error: the compiled program does not verify: " + problem;
    return nullptr;
  }
  std::unique_ptr<Engine> engine(new Engine());
  engine->program_ = std::move(program);
  if (!engine->Prepare(error))
    return nullptr;
  return engine;
}

bool Engine::Prepare(std::string* error) {
  fields_read_ = FieldsRead(program_);
  if (!program_.terminology_blob.empty()) {
    TerminologyDecode decoded = DeserializeTerminology(program_.terminology_blob);
    if (!decoded.ok()) {
      *error = "its terminology section is corrupt: " + decoded.error;
      return false;
    }
    terminology_ = std::make_unique<Terminology>(std::move(decoded.terminology));
  }
  // Remittance codes are written into decisions unescaped: only letters and digits may pass.
  auto code_like = [](const std::string& text) {
    return !text.empty() && text.size() <= 8 && std::all_of(text.begin(), text.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
  };
  for (const ReasonData& r : program_.reasons) {
    bool ok =
        code_like(r.group) && code_like(r.carc) && (r.alt_group.empty() || code_like(r.alt_group));
    for (const std::string& rarc : r.rarcs)
      ok = ok && code_like(rarc);
    if (!ok) {
      *error = "reason `" + r.name + "` has a malformed remittance code";
      return false;
    }
  }
  index_ = RuleIndex::Build(program_);
  hash_text_ = program_.HashText();
  // The standard reasons come first (compiler/check), so this is the standard `documentation`.
  for (uint32_t r = 0; r < program_.reasons.size(); ++r) {
    if (program_.reasons[r].name == "documentation") {
      documentation_reason_ = r;
      break;
    }
  }
  site_at_.clear();
  for (const OutcomeData& o : program_.outcomes) {
    std::string site = Location(o.file, o.begin);
    site_at_.push_back(site.empty() ? "?" : site);
  }
  finding_json_.clear();
  for (uint32_t o = 0; o < program_.outcomes.size(); ++o) {
    for (bool alt : {false, true}) {
      finding_json_.emplace_back();
      FormatFinding(PlainFinding(o, alt), finding_json_.back());
    }
  }
  line_tail_ = "],\"pack\":\"" + hash_text_ + "\"}\n";
  return true;
}

LineTable Engine::Lines(uint32_t file) const {
  if (file >= program_.sources.size())
    return LineTable({}, {});
  const SourceData& source = program_.sources[file];
  return LineTable(source.line_starts, source.text);
}

std::string Engine::Location(uint32_t file, uint32_t offset) const {
  if (file >= program_.sources.size())
    return "";
  const LineCol at = Lines(file).Locate(offset);
  return fmt::format("{}:{}:{}", program_.sources[file].name, at.line, at.column);
}

std::string Engine::Excerpt(uint32_t file, Span span) const {
  std::string_view text;
  if (file < program_.sources.size()) {
    std::string_view source = program_.sources[file].text;
    if (span.begin <= span.end && span.end <= source.size())
      text = source.substr(span.begin, span.size());
  }
  return OneLine(text, kExcerptBytes);
}

void Engine::SpanTables() const {
  std::call_once(spans_once_, [this] {
    // From empty: a throw part way leaves the flag unset, and the next call starts again.
    span_text_.clear();
    span_site_.clear();
    span_text_.reserve(program_.spans.size());
    span_site_.reserve(program_.spans.size());
    for (const SpanEntry& span : program_.spans) {
      span_text_.push_back(Excerpt(span.file, Span{span.begin, span.end}));
      span_site_.push_back(Location(span.file, span.begin));
    }
  });
}

const std::string& Engine::SpanText(uint32_t pc) const {
  static const std::string kNone;
  const SpanEntry* span = program_.SpanAt(pc);
  if (!span)
    return kNone;
  SpanTables();
  size_t i = static_cast<size_t>(span - program_.spans.data());
  return i < span_text_.size() ? span_text_[i] : kNone;
}

const std::string& Engine::SpanSite(uint32_t pc) const {
  static const std::string kNone;
  const SpanEntry* span = program_.SpanAt(pc);
  if (!span)
    return kNone;
  SpanTables();
  size_t i = static_cast<size_t>(span - program_.spans.data());
  return i < span_site_.size() ? span_site_[i] : kNone;
}

uint32_t Engine::LineNumber(uint32_t file, uint32_t offset) const {
  return Lines(file).Line(offset);
}

std::string Engine::DescribeMissing(uint32_t pc) const {
  const SpanEntry* span = program_.SpanAt(pc);
  if (pc == kNoPc || !span || span->file >= program_.sources.size() || pc >= program_.code.size()) {
    return "a value the criteria need is missing from the claim";
  }
  std::string_view source = program_.sources[span->file].text;
  std::string text(source.substr(span->begin, span->end - span->begin));
  // Collapse line breaks so the message stays on one line.
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  }
  switch (static_cast<Op>(program_.code[pc])) {
    case Op::Fact: {
      uint32_t fact = static_cast<uint32_t>(program_.code[pc + 1] | (program_.code[pc + 2] << 8));
      if (fact < program_.schema.facts().size()) {
        return fmt::format("fact `{}` is not documented",
                           program_.schema.field(program_.schema.facts()[fact]).name);
      }
      break;
    }
    case Op::Scope:
      if (static_cast<ScopeId>(program_.code[pc + 1]) == ScopeId::age) {
        return "`age` is unknown: the patient's birth date is missing";
      }
      break;
    case Op::Lookup:
      return fmt::format("`{}` has no entry for this claim", text);
    case Op::Call:
      if (static_cast<BuiltinId>(program_.code[pc + 1]) == BuiltinId::Billable ||
          static_cast<BuiltinId>(program_.code[pc + 1]) == BuiltinId::Exists) {
        return fmt::format("`{}` is unknown: no code-set version loaded for the date of service",
                           text);
      }
      if (static_cast<BuiltinId>(program_.code[pc + 1]) == BuiltinId::Birthday) {
        return fmt::format("`{}` is unknown: the patient's birth date is missing", text);
      }
      return fmt::format("`{}` could not be computed", text);
    default:
      break;
  }
  return fmt::format("`{}` is missing from the claim", text);
}

std::string Engine::DescribeUnknown(const Finding& f) const {
  if (f.cause == UnknownCause::Missing)
    return DescribeMissing(f.missing_pc);
  const SpanEntry* span = program_.SpanAt(f.missing_pc);
  std::string text = "a computation";
  if (f.missing_pc != kNoPc && span && span->file < program_.sources.size()) {
    text = "`" +
           OneLine(program_.sources[span->file].text.substr(span->begin, span->end - span->begin),
                   160) +
           "`";
  }
  if (f.cause == UnknownCause::DivisionByZero)
    return text + " could not be computed: it divides by zero";
  return text +
         " overflowed: its result is too large to represent (numbers are 64-bit; dates run from "
         "0001-01-01 to 9999-12-31)";
}

uint32_t Engine::ReasonOf(const Finding& f) const {
  // Arithmetic out of range pends with no reason: no document would help.
  if (f.reason != UINT32_MAX || !f.auto_message || f.cause != UnknownCause::Missing)
    return f.reason;
  // A pend on missing data reports the `documentation` reason of the file it arose in, which
  // the compiler records on the site when that file maps the reason to its own codes.
  const OutcomeData& o = program_.outcomes[f.outcome];
  if (o.unknown_kind == OutcomeKind::AutoPend && o.unknown_reason < program_.reasons.size())
    return o.unknown_reason;
  return documentation_reason_;
}

std::string FindingMessage(const Engine& engine, const Finding& f) {
  const Program& p = engine.program();
  const OutcomeData& o = p.outcomes[f.outcome];
  if (f.auto_message)
    return engine.DescribeUnknown(f);
  // `if unknown ...`: that outcome's own message, else its reason's, else what was missing. The
  // author wrote theirs for missing data: arithmetic out of range says so after it.
  if (f.from_unknown) {
    std::string message = !o.unknown_message.empty() ? o.unknown_message
                          : f.reason != UINT32_MAX   ? p.reasons[f.reason].description
                                                     : engine.DescribeUnknown(f);
    if (f.cause != UnknownCause::Missing && (!o.unknown_message.empty() || f.reason != UINT32_MAX))
      message += "; " + engine.DescribeUnknown(f);
    return message;
  }
  if (!o.message.empty())
    return o.message;
  if (f.reason != UINT32_MAX)
    return p.reasons[f.reason].description;
  return "";
}

void Engine::FormatFinding(const Finding& f, std::string& out) const {
  const Program& p = program_;
  const OutcomeData& o = p.outcomes[f.outcome];
  const RuleData& rule = p.rules[o.rule];
  const PolicyData& policy = p.policies[rule.policy];
  out += "{\"outcome\":\"";
  out += OutcomeWord(f.kind);
  out += '"';
  const uint32_t reason = ReasonOf(f);
  if (reason != UINT32_MAX) {
    const ReasonData& r = p.reasons[reason];
    out += ",\"reason\":";
    AppendJsonString(out, r.name);
    out += ",\"carc\":";
    out += '"';
    out += f.alt_group ? r.alt_group : r.group;
    out += '-';
    out += r.carc;
    out += '"';
    out += ",\"rarc\":[";
    for (size_t k = 0; k < r.rarcs.size(); ++k) {
      if (k)
        out += ',';
      out += '"';
      out += r.rarcs[k];
      out += '"';
    }
    out += ']';
  }
  out += ",\"message\":";
  if (f.auto_message || f.from_unknown) {
    AppendJsonString(out, FindingMessage(*this, f));  // the rare paths may build text
  } else {
    AppendJsonString(out, !o.message.empty() || f.reason == UINT32_MAX
                              ? std::string_view(o.message)
                              : std::string_view(p.reasons[f.reason].description));
  }
  out += ",\"policy\":";
  AppendJsonString(out, policy.id);
  fmt::format_to(std::back_inserter(out), ",\"version\":{},\"rule\":", policy.version);
  AppendJsonString(out, rule.name);
  out += ",\"at\":";
  AppendJsonString(out, SiteLocation(f.outcome));
  out += '}';
}

// The finding an outcome site makes when its statement fails (the common case), per group code.
Finding Engine::PlainFinding(uint32_t outcome, bool alt_group) const {
  const OutcomeData& o = program_.outcomes[outcome];
  Finding f;
  f.kind = o.kind == OutcomeKind::AutoPend ? OutcomeKind::Pend : o.kind;
  f.outcome = outcome;
  f.reason = o.reason;
  f.alt_group = alt_group;
  return f;
}

void Engine::AppendFinding(const Finding& f, std::string& out) const {
  // A finding that is its site's plain one (not a pend on missing data, not `if unknown`)
  // always prints the same text: formatted once, in Prepare.
  if (!f.auto_message && !f.from_unknown) {
    const Finding plain = PlainFinding(f.outcome, f.alt_group);
    if (f.kind == plain.kind && f.reason == plain.reason) {
      out += finding_json_[2 * f.outcome + (f.alt_group ? 1 : 0)];
      return;
    }
  }
  FormatFinding(f, out);
}

Session::Session(const Engine& engine)
    : engine_(engine),
      decoder_(engine.program().schema),
      vm_(engine.program(), engine.index(), engine.terminology()) {
  decoder_.SetFieldsRead(engine.fields_read());
}

bool Session::Evaluate(std::string_view json, RecordError& error, TraceSink* trace) {
  if (!decoder_.Decode(json, claim_, error))
    return false;
  return DecideWithHistory(error, trace);
}

bool Session::Evaluate(const NdjsonLine& line, RecordError& error, TraceSink* trace) {
  if (!decoder_.Decode(line, claim_, error))
    return false;
  return DecideWithHistory(error, trace);
}

bool Session::DecideWithHistory(RecordError& error, TraceSink* trace) {
  if (history_ == nullptr)
    return DecideWithinBudget(error, trace);
  history_failure_.clear();
  const std::string_view patient = HistoryPatient(claim_);
  if (!patient.empty()) {
    stored_.clear();
    if (!history_->LoadPacked(patient, stored_, history_failure_)) {
      error.code = RecordErrorCode::NotConverted;
      error.message = history_failure_;
      return false;
    }
    JoinHistory(engine_.program().schema, claim_, stored_);
  }
  if (!DecideWithinBudget(error, trace))
    return false;
  // A claim with no patient or no id cannot be found again: it is decided, not kept.
  if (patient.empty() || !claim_.present.Has(FieldId::claim_id))
    return true;
  DescribeForHistory(engine_.program().schema, claim_, decision_, *statuses_, decided_);
  if (!history_->RecordPacked(decided_, history_failure_)) {
    error.code = RecordErrorCode::NotConverted;
    error.message = history_failure_;
    return false;
  }
  return true;
}

bool Session::DecideWithinBudget(RecordError& error, TraceSink* trace) {
  Decide(claim_, trace);
  if (!vm_.over_budget() && !vm_.findings_full())
    return true;
  error.claim_id = claim_.present.Has(FieldId::claim_id) ? std::string(claim_.Str(claim_.id)) : "";
  error.field.clear();
  decision_.Clear();
  if (vm_.findings_full()) {
    error.code = RecordErrorCode::FindingLimit;
    error.message = fmt::format(
        "deciding the claim makes more than {} findings, the limit for one claim: it reached it "
        "on line {} of {}; nothing was decided",
        kMaxClaimFindings, vm_.over_budget_line(), claim_.lines.size());
    return false;
  }
  // What ran out is the instruction budget; what spent it is the claim's size times the rules'
  // work per line, so the message gives both and guesses at no cause.
  error.code = RecordErrorCode::WorkLimit;
  error.message = fmt::format(
      "deciding the claim needs more than {} VM instructions, the limit for one claim: it ran out "
      "on line {} of {} (the claim has {} history entries and {} diagnoses; every line runs the "
      "rules that apply to it, and each walk of a list costs its length); nothing was decided",
      vm_.instruction_budget(), vm_.over_budget_line(), claim_.lines.size(), claim_.history.size(),
      claim_.diagnoses.count);
  return false;
}

void Session::Decide(const Claim& claim, TraceSink* trace) {
  vm_.Decide(claim, decision_, trace);
}

namespace {

// DecisionName with its length known: at most 14 characters ("not_applicable").
constexpr std::string_view kDecisionTexts[] = {
#define WARRANT_DECISION(Name, Spelling) Spelling,
#include "runtime/core/outcomes.def"
};

std::string_view DecisionText(Decision d) {
  const auto index = static_cast<size_t>(d);
  return kDecisionTexts[index < std::size(kDecisionTexts) ? index : 0];
}

}  // namespace

void Session::AppendDecisions(std::string& out, const FindingNotes* notes, const Spill* spill,
                              size_t spill_bytes) const {
  // Every line's record starts `{"claim":ID,"line":`: the id is escaped once, then copied (and
  // escaped again after a spill took it away).
  size_t prefix_at = 0, prefix_size = 0;
  for (uint32_t l = 0; l < decision_.lines.size(); ++l) {
    const LineDecision& line = decision_.lines[l];
    const LineRecord& rec = claim_.lines[l];
    if (prefix_size == 0) {
      prefix_at = out.size();
      out += "{\"claim\":";
      if (claim_.present.Has(FieldId::claim_id)) {
        AppendJsonString(out, claim_.Str(claim_.id));
      } else {
        out += "null";
      }
      out += ",\"line\":";
      prefix_size = out.size() - prefix_at;
    } else {
      out.append(out, prefix_at, prefix_size);
    }
    // The line's number, code and decision as one piece, written into a buffer first: a dozen
    // small appends to `out`, each checking its capacity, cost more than the bytes.
    const CodeText* code =
        rec.present.Has(FieldId::line_code) ? code_text_.Find(rec.code) : nullptr;
    char piece[96];
    char* w = std::to_chars(piece, piece + 16, l + 1).ptr;
    const auto put = [&w](std::string_view text) {
      std::memcpy(w, text.data(), text.size());
      w += text.size();
    };
    put(",\"code\":");
    if (code) {
      // A code's display text is letters, digits, '.' and '-': nothing to escape.
      static_assert(CodeText::kCapacity <= 16);
      *w++ = '"';
      put(code->view());
      *w++ = '"';
    } else {
      put("null");
    }
    put(",\"decision\":\"");
    put(DecisionText(line.decision));
    put("\",\"findings\":[");
    out.append(piece, static_cast<size_t>(w - piece));
    for (uint32_t i = 0; i < line.finding_count; ++i) {
      if (i)
        out += ',';
      engine_.AppendFinding(decision_.findings[line.first_finding + i], out);
      if (notes) {
        out.pop_back();  // '}'
        notes->AppendMembers(l, i, out);
        out += '}';
      }
    }
    out += engine_.line_tail_;
    if (spill && out.size() > spill_bytes) {
      (*spill)(out);
      prefix_size = 0;
    }
  }
}

void Session::AppendError(const RecordError& error, uint64_t input_line, std::string& out) const {
  out += "{\"claim\":";
  if (!error.claim_id.empty()) {
    AppendJsonString(out, error.claim_id);
  } else {
    out += "null";
  }
  out += fmt::format(",\"input_line\":{},\"error\":{{\"code\":\"", input_line);
  out += RecordErrorId(error.code);
  out += "\",\"message\":";
  AppendJsonString(out, error.message);
  if (!error.field.empty()) {
    out += ",\"field\":";
    AppendJsonString(out, error.field);
  }
  out += "}}\n";
}

}  // namespace warrant
