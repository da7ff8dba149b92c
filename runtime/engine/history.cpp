#include "runtime/engine/history.h"

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

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

// A copy of a slice of one pool into another, made by `copy`; the slice asked for again right
// after (consecutive lines that share one: a claim's diagnoses, a row's claim id, a status) is
// given the copy already made.
template <typename CopyFn>
class LastCopy {
 public:
  explicit LastCopy(CopyFn copy) : copy_(std::move(copy)) {}

  Range operator()(Range from) {
    if (!any_ || from != last_from_) {
      last_from_ = from;
      last_to_ = copy_(from);
      any_ = true;
    }
    return last_to_;
  }

 private:
  CopyFn copy_;
  Range last_from_, last_to_;
  bool any_ = false;
};

// A LastCopy of slices of `from` to the end of `to`.
auto LastCodeCopy(std::span<const uint64_t> from, std::vector<uint64_t>& to) {
  return LastCopy([from, &to](Range r) {
    const Range copy{static_cast<uint32_t>(to.size()), r.count};
    to.insert(to.end(), from.begin() + r.begin, from.begin() + r.begin + r.count);
    return copy;
  });
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

bool HistorySource::LoadPacked(std::string_view patient, PackedLines& out, std::string& error) {
  std::vector<HistoryLine> lines;
  if (!Load(patient, lines, error))
    return false;
  for (const HistoryLine& l : lines)
    PackHistoryLine(l, out);
  return true;
}

bool HistorySource::RecordPacked(const PackedClaim& claim, std::string& error) {
  ClaimHistory text;
  UnpackClaimHistory(claim, text);
  return Record(text, error);
}

void PackHistoryLine(const HistoryLine& l, PackedLines& out) {
  PackedLine& p = out.lines.emplace_back();
  p.line = l.line;
  p.units = l.units;
  p.claim = out.AddText(l.claim);
  p.status = out.AddText(l.status);
  if (std::optional<uint64_t> code = Pack(CodeSystem::Hcpcs, l.code)) {
    p.code = *code;
    p.known |= PackedLine::kCode;
  }
  if (std::optional<Day> date = ParseDate(l.date)) {
    p.date = *date;
    p.known |= PackedLine::kDate;
  }
  auto codes = [&](CodeSystem system, const std::optional<std::vector<std::string>>& texts,
                   uint8_t field, Range& r) {
    if (!texts)
      return;
    p.known |= field;
    r.begin = static_cast<uint32_t>(out.codes.size());
    for (const std::string& text : *texts) {
      if (std::optional<uint64_t> packed = Pack(system, text)) {
        out.codes.push_back(*packed);
        ++r.count;
      }
    }
  };
  codes(CodeSystem::Icd10cm, l.dx, PackedLine::kDx, p.dx);
  codes(CodeSystem::Modifier, l.modifiers, PackedLine::kModifiers, p.modifiers);
  if (!l.charge.empty() && ParseDecimal(l.charge, &p.charge))
    p.known |= PackedLine::kCharge;
  if (!l.allowed.empty() && ParseDecimal(l.allowed, &p.allowed))
    p.known |= PackedLine::kAllowed;
}

void UnpackHistoryLine(const PackedLines& lines, const PackedLine& p, HistoryLine& out) {
  auto code_text = [](uint64_t packed) {
    const std::optional<CodeText> shown = Unpack(packed);
    return shown ? shown->str() : std::string();
  };
  auto codes = [&](uint8_t field, Range r, std::optional<std::vector<std::string>>& texts) {
    if (!p.Has(field)) {
      texts.reset();
      return;
    }
    texts.emplace().clear();
    for (uint64_t packed : lines.Codes(r))
      texts->push_back(code_text(packed));
  };
  out.claim.assign(lines.Text(p.claim));
  out.line = p.line;
  out.code = p.Has(PackedLine::kCode) ? code_text(p.code) : std::string();
  out.date.assign(p.Has(PackedLine::kDate) ? FormatDate(p.date).view() : std::string_view());
  out.status.assign(lines.Text(p.status));
  codes(PackedLine::kDx, p.dx, out.dx);
  codes(PackedLine::kModifiers, p.modifiers, out.modifiers);
  out.units = p.units;
  out.charge = p.Has(PackedLine::kCharge) ? FormatDecimal(p.charge) : std::string();
  out.allowed = p.Has(PackedLine::kAllowed) ? FormatDecimal(p.allowed) : std::string();
}

void PackClaimHistory(const ClaimHistory& claim, PackedClaim& out) {
  out.patient = claim.patient;
  out.claim = claim.claim;
  out.frequency = claim.frequency;
  out.original_id = claim.original_id;
  out.lines.clear();
  for (const HistoryLine& l : claim.lines)
    PackHistoryLine(l, out.lines);
}

void UnpackClaimHistory(const PackedClaim& claim, ClaimHistory& out) {
  out.patient = claim.patient;
  out.claim = claim.claim;
  out.frequency = claim.frequency;
  out.original_id = claim.original_id;
  out.lines.resize(claim.lines.lines.size());
  for (size_t i = 0; i < out.lines.size(); ++i)
    UnpackHistoryLine(claim.lines, claim.lines.lines[i], out.lines[i]);
}

size_t JoinHistory(const Schema& schema, Claim& c, std::span<const HistoryLine> lines) {
  PackedLines packed;
  for (const HistoryLine& l : lines)
    PackHistoryLine(l, packed);
  return JoinHistory(schema, c, packed);
}

size_t JoinHistory(const Schema& schema, Claim& c, const PackedLines& stored) {
  if (stored.lines.empty())
    return 0;
  // Generic slots hold strings by pointer into the arena: grow it once, for every line's texts
  // (a bound: some lines do not join), and point them again if it moved, so the appends below
  // never move it and the views taken after stay valid.
  size_t bytes = 0;
  size_t codes = 0;
  for (const PackedLine& l : stored.lines) {
    bytes += l.status.count + l.claim.count;
    codes += l.dx.count + l.modifiers.count;
  }
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
  c.codes.reserve(c.codes.size() + codes);
  c.history.reserve(c.history.size() + stored.lines.size());
  const std::string_view self = c.present.Has(FieldId::claim_id) ? c.Str(c.id) : std::string_view();
  const std::string_view replaced = SlotText(schema, c, c.claim_values, FieldId::claim_original_id);
  const size_t inline_count = c.history.size();
  const uint32_t slot_claim = schema.field(FieldId::history_claim).slot;
  const uint32_t slot_line = schema.field(FieldId::history_line).slot;
  // Lines of this claim, of the claim it replaces, or carried inline already (same claim and
  // line) do not join.
  auto joins = [&](const PackedLine& l) {
    const std::string_view claim = stored.Text(l.claim);
    if ((!self.empty() && claim == self) || (!replaced.empty() && claim == replaced))
      return false;
    for (size_t i = 0; i < inline_count; ++i) {
      const Value* values = c.values.data() + c.history[i].values;
      const Value k = values[slot_claim], n = values[slot_line];
      if (k.tag == Tag::String && n.tag == Tag::Int && k.str() == claim && n.i == l.line)
        return false;
    }
    return true;
  };
  const RecordDef& record = schema.record(RecordId::history);
  const uint32_t slot_charge = schema.field(FieldId::history_charge).slot;
  const uint32_t slot_allowed = schema.field(FieldId::history_allowed).slot;
  // A row's lines share their claim's id and diagnoses, and often their status (line_blob.h):
  // each copied into the claim once per run of lines that share it, not once per line.
  auto copy_dx = LastCodeCopy(stored.codes, c.codes);
  auto copy_modifiers = LastCodeCopy(stored.codes, c.codes);
  auto text_copier = [&] { return LastCopy([&](Range r) { return c.AddString(stored.Text(r)); }); };
  auto copy_status = text_copier();
  auto copy_claim = text_copier();
  size_t joined = 0;
  for (const PackedLine& line : stored.lines) {
    if (!joins(line))
      continue;
    ++joined;
    const PackedLine* l = &line;
    HistoryRecord& h = c.AddHistory(record);
    h.units = l->units;
    if (l->Has(PackedLine::kCode)) {
      h.code = l->code;
      h.present.Set(FieldId::history_code);
    }
    if (l->Has(PackedLine::kDate)) {
      h.date = l->date;
      h.present.Set(FieldId::history_date);
    }
    if (l->status.count != 0) {
      h.status = copy_status(l->status);
      h.present.Set(FieldId::history_status);
    }
    if (l->Has(PackedLine::kDx)) {
      h.dx = copy_dx(l->dx);
      h.present.Set(FieldId::history_dx);
    }
    if (l->Has(PackedLine::kModifiers)) {
      h.modifiers = copy_modifiers(l->modifiers);
      h.present.Set(FieldId::history_modifiers);
    }
    Value* values = c.values.data() + h.values;
    if (l->Has(PackedLine::kCharge))
      values[slot_charge] = Value::Decimal(l->charge);
    if (l->Has(PackedLine::kAllowed))
      values[slot_allowed] = Value::Decimal(l->allowed);
    if (l->claim.count != 0)
      values[slot_claim] = Value::String(c.Str(copy_claim(l->claim)));
    if (l->line > 0)
      values[slot_line] = Value::Int(l->line);
  }
  return joined;
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
                        const HistoryStatuses& statuses, PackedClaim& out) {
  out.patient.assign(HistoryPatient(c));
  out.claim.assign(c.present.Has(FieldId::claim_id) ? c.Str(c.id) : std::string_view());
  out.frequency.assign(SlotText(schema, c, c.claim_values, FieldId::claim_frequency));
  out.original_id.assign(SlotText(schema, c, c.claim_values, FieldId::claim_original_id));
  PackedLines& lines = out.lines;
  lines.clear();
  lines.lines.resize(c.lines.size());
  const Range claim = lines.AddText(out.claim);
  // Each status's text once, when a line first has it.
  std::array<Range, 6> status;
  std::array<bool, 6> status_added{};
  const uint32_t slot_charge = schema.field(FieldId::line_charge).slot;
  const uint32_t slot_allowed = schema.field(FieldId::line_allowed).slot;

  // Lines without pointers hold the claim's diagnoses, one range of the claim's codes: copied
  // once and shared, as the packed form then writes them once (line_blob.h).
  auto copy_dx = LastCodeCopy(c.codes, lines.codes);
  auto copy_modifiers = LastCodeCopy(c.codes, lines.codes);
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineRecord& line = c.lines[i];
    PackedLine& p = lines.lines[i];
    p = PackedLine();
    p.known = PackedLine::kDx | PackedLine::kModifiers;
    p.claim = claim;
    p.line = static_cast<int64_t>(i + 1);
    if (line.present.Has(FieldId::line_code)) {
      p.code = line.code;
      p.known |= PackedLine::kCode;
    }
    if (line.present.Has(FieldId::line_date)) {
      p.date = line.date;
      p.known |= PackedLine::kDate;
    }
    const Decision d = i < decision.lines.size() ? decision.lines[i].decision : Decision::Pended;
    const auto di = static_cast<size_t>(d);
    if (!status_added[di]) {
      status[di] = lines.AddText(statuses.by_decision[di]);
      status_added[di] = true;
    }
    p.status = status[di];
    p.dx = copy_dx(line.diagnoses);
    p.modifiers = copy_modifiers(line.modifiers);
    p.units = line.units;
    const Value* values = c.values.data() + line.values;
    if (values[slot_charge].tag == Tag::Decimal) {
      p.charge = values[slot_charge].i;
      p.known |= PackedLine::kCharge;
    }
    if (values[slot_allowed].tag == Tag::Decimal) {
      p.allowed = values[slot_allowed].i;
      p.known |= PackedLine::kAllowed;
    }
  }
}

}  // namespace warrant
