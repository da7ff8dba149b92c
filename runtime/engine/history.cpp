#include "runtime/engine/history.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"

namespace warrant {
namespace {

Value Slot(const Schema& schema, const Claim& claim, uint32_t first, FieldId field) {
  return claim.values[first + schema.field(field).slot];
}

std::string_view SlotText(const Schema& schema, const Claim& claim, uint32_t first, FieldId field) {
  const Value v = Slot(schema, claim, first, field);
  return v.tag == Tag::String ? v.str() : std::string_view();
}

std::string AmountText(const Value& v) {
  return v.tag == Tag::Decimal ? FormatDecimal(v.i) : std::string();
}

Range AddCodes(Claim& claim, CodeSystem system, const std::vector<std::string>& texts) {
  Range r{static_cast<uint32_t>(claim.codes.size()), 0};
  for (const std::string& text : texts) {
    if (std::optional<uint64_t> packed = Pack(system, text)) {
      claim.codes.push_back(*packed);
      ++r.count;
    }
  }
  return r;
}

}  // namespace

bool HistoryStatuses::Set(std::string_view assignment, std::string& error) {
  const size_t eq = assignment.find('=');
  std::optional<Decision> decision;
  if (eq != std::string_view::npos)
    decision = DecisionFromName(assignment.substr(0, eq));
  const std::string_view status = eq == std::string_view::npos ? "" : assignment.substr(eq + 1);
  if (!decision || status.empty()) {
    error = fmt::format(
        "`{}` is not DECISION=STATUS (a decision is one of not_applicable, covered, pended, "
        "bundled, denied, rejected; e.g. pended=paid)",
        assignment);
    return false;
  }
  by_decision[static_cast<size_t>(*decision)] = std::string(status);
  return true;
}

std::string_view HistoryPatient(const Claim& claim) {
  return claim.present.Has(FieldId::patient_id) ? claim.Str(claim.patient_id) : std::string_view();
}

size_t JoinHistory(const Schema& schema, Claim& c, std::span<const HistoryLine> lines) {
  if (lines.empty())
    return 0;
  // Which lines join, decided before anything is appended (the arena may move after).
  const std::string self(c.present.Has(FieldId::claim_id) ? c.Str(c.id) : std::string_view());
  const std::string replaced(SlotText(schema, c, c.claim_values, FieldId::claim_original_id));
  std::vector<std::pair<std::string, int64_t>> inline_keys;
  for (const HistoryRecord& h : c.history) {
    const Value claim = Slot(schema, c, h.values, FieldId::history_claim);
    const Value line = Slot(schema, c, h.values, FieldId::history_line);
    if (claim.tag == Tag::String && line.tag == Tag::Int)
      inline_keys.emplace_back(std::string(claim.str()), line.i);
  }
  std::vector<const HistoryLine*> joining;
  size_t bytes = 0;
  for (const HistoryLine& l : lines) {
    if ((!self.empty() && l.claim == self) || (!replaced.empty() && l.claim == replaced))
      continue;
    const bool carried = std::any_of(inline_keys.begin(), inline_keys.end(), [&](const auto& k) {
      return k.first == l.claim && k.second == l.line;
    });
    if (carried)
      continue;
    joining.push_back(&l);
    bytes += l.status.size() + l.claim.size();
  }
  if (joining.empty())
    return 0;
  // Generic slots hold strings by pointer into the arena: grow it once, and point them again if
  // it moved, so the appends below never move it.
  const char* old = c.strings.data();
  const size_t old_size = c.strings.size();
  c.strings.reserve(old_size + bytes);
  if (c.strings.data() != old) {
    auto repoint = [&](Value& v) {
      if (v.tag != Tag::String)
        return;
      const char* p = v.str().data();
      if (p >= old && p <= old + old_size)
        v = Value::String(std::string_view(c.strings.data() + (p - old), v.aux));
    };
    for (Value& v : c.values)
      repoint(v);
    for (Value& v : c.facts)
      repoint(v);
  }
  const RecordDef& record = schema.record(RecordId::history);
  for (const HistoryLine* l : joining) {
    HistoryRecord& h = c.history.emplace_back();
    h.values = static_cast<uint32_t>(c.values.size());
    c.values.insert(c.values.end(), record.initial.begin(), record.initial.end());
    h.present.Set(FieldId::history_units);
    h.units = l->units;
    if (std::optional<uint64_t> code = Pack(CodeSystem::Hcpcs, l->code)) {
      h.code = *code;
      h.present.Set(FieldId::history_code);
    }
    if (std::optional<Day> date = ParseDate(l->date)) {
      h.date = *date;
      h.present.Set(FieldId::history_date);
    }
    if (!l->status.empty()) {
      h.status = c.AddString(l->status);
      h.present.Set(FieldId::history_status);
    }
    if (l->dx) {
      h.dx = AddCodes(c, CodeSystem::Icd10cm, *l->dx);
      h.present.Set(FieldId::history_dx);
    }
    if (l->modifiers) {
      h.modifiers = AddCodes(c, CodeSystem::Modifier, *l->modifiers);
      h.present.Set(FieldId::history_modifiers);
    }
    auto set = [&](FieldId field, Value v) { c.values[h.values + schema.field(field).slot] = v; };
    int64_t scaled = 0;
    if (!l->charge.empty() && ParseDecimal(l->charge, &scaled))
      set(FieldId::history_charge, Value::Decimal(scaled));
    if (!l->allowed.empty() && ParseDecimal(l->allowed, &scaled))
      set(FieldId::history_allowed, Value::Decimal(scaled));
    if (!l->claim.empty())
      set(FieldId::history_claim, Value::String(c.Str(c.AddString(l->claim))));
    if (l->line > 0)
      set(FieldId::history_line, Value::Int(l->line));
  }
  return joining.size();
}

const CodeText* CodeTextCache::Find(uint64_t packed) {
  const size_t slot = static_cast<size_t>((packed * 0x9E3779B97F4A7C15u) >> (64 - kBits));
  if (key[slot] == packed && packed != 0)
    return &text[slot];
  const std::optional<CodeText> unpacked = Unpack(packed);
  if (!unpacked)
    return nullptr;
  key[slot] = packed;
  text[slot] = *unpacked;
  return &text[slot];
}

void DescribeForHistory(const Schema& schema, const Claim& c, const ClaimDecision& decision,
                        const HistoryStatuses& statuses, CodeTextCache& code_texts,
                        ClaimHistory& out) {
  out.patient.assign(HistoryPatient(c));
  out.claim.assign(c.present.Has(FieldId::claim_id) ? c.Str(c.id) : std::string_view());
  out.frequency.assign(SlotText(schema, c, c.claim_values, FieldId::claim_frequency));
  out.original_id.assign(SlotText(schema, c, c.claim_values, FieldId::claim_original_id));
  // Written over the last claim's lines in place: a session describes one claim after another,
  // and their strings and code lists keep their capacity.
  out.lines.resize(c.lines.size());
  auto code_text = [&](uint64_t packed, std::string& text) {
    const CodeText* shown = code_texts.Find(packed);
    text.assign(shown ? shown->view() : std::string_view());
  };
  auto codes = [&](Range r, std::optional<std::vector<std::string>>& texts) {
    if (!texts)
      texts.emplace();
    texts->resize(r.count);
    for (uint32_t k = 0; k < r.count; ++k)
      code_text(c.codes[r.begin + k], (*texts)[k]);
  };
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineRecord& line = c.lines[i];
    HistoryLine& h = out.lines[i];
    h.claim = out.claim;
    h.line = static_cast<int64_t>(i + 1);
    if (line.present.Has(FieldId::line_code))
      code_text(line.code, h.code);
    else
      h.code.clear();
    if (line.present.Has(FieldId::line_date))
      h.date.assign(FormatDate(line.date).view());
    else
      h.date.clear();
    const Decision d = i < decision.lines.size() ? decision.lines[i].decision : Decision::Pended;
    h.status = statuses.by_decision[static_cast<size_t>(d)];
    codes(line.diagnoses, h.dx);
    codes(line.modifiers, h.modifiers);
    h.units = line.units;
    h.charge = AmountText(Slot(schema, c, line.values, FieldId::line_charge));
    h.allowed = AmountText(Slot(schema, c, line.values, FieldId::line_allowed));
  }
}

}  // namespace warrant
