// The trace recorder and how explanations render values.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/text.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_step.h"
#include "runtime/vm/vm_ops.h"

namespace warrant {

void TraceRecorder::RuleStart(uint32_t rule, uint32_t line) {
  TraceEvent& e = events_.emplace_back();
  e.kind = TraceEvent::Kind::RuleStart;
  e.rule = rule;
  e.line = line;
}

void TraceRecorder::RuleEnd(uint32_t rule, bool applied) {
  TraceEvent& e = events_.emplace_back();
  e.kind = TraceEvent::Kind::RuleEnd;
  e.rule = rule;
  e.applied = applied;
}

void TraceRecorder::Condition(uint32_t pc, const Value& value) {
  TraceEvent& e = events_.emplace_back();
  e.kind = TraceEvent::Kind::Condition;
  e.pc = pc;
  e.result = value;
}

void TraceRecorder::Step(uint32_t pc, Op op, std::span<const Value> inputs, const Value& result) {
  SetStep(events_.emplace_back(), pc, op, inputs, result);
}

namespace {

std::string CodeString(uint64_t packed) {
  std::optional<CodeText> text = Unpack(packed);
  return text ? text->str() : "?";
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string HistoryText(const Claim& claim, size_t i) {
  const HistoryRecord& h = claim.history[i];
  std::string out = fmt::format("history #{} (", i + 1);
  out += h.present.Has(FieldId::history_code) ? CodeString(h.code) : "no code";
  if (h.present.Has(FieldId::history_date))
    out += " on " + FormatDate(h.date).str();
  if (h.status.count)
    out += ", " + std::string(claim.Str(h.status));
  // Where the line came from, when the entry says (a store's lines always do).
  const Schema& base = Schema::Base();
  const Value from = claim.values[h.values + base.field(FieldId::history_claim).slot];
  const Value line = claim.values[h.values + base.field(FieldId::history_line).slot];
  if (from.tag == Tag::String) {
    out += ", claim " + JsonString(from.str());
    if (line.tag == Tag::Int)
      out += fmt::format(" line {}", line.i);
  }
  out += ')';
  return out;
}

std::string ObservationText(const Claim& claim, size_t i) {
  const ObservationRecord& o = claim.observations[i];
  std::string out = fmt::format("observation #{} (", i + 1);
  out += o.present.Has(FieldId::observation_code) ? CodeString(o.code) : "no code";
  if (o.present.Has(FieldId::observation_value)) {
    out += fmt::format(" = {}", FormatDecimal(o.value));
    if (o.unit.count)
      out += fmt::format(" {}", claim.Str(o.unit));
  }
  if (o.present.Has(FieldId::observation_date))
    out += fmt::format(" on {}", FormatDate(o.date).view());
  out += ')';
  return out;
}

}  // namespace

// A record of a declared type, its fields in declaration order: `(kind: "pt", start:
// 2024-01-08)`; absent fields are left out.
std::string ObjectText(const Program& program, const Claim& claim, size_t index) {
  if (index >= claim.objects.size())
    return "a record";
  const ObjectRecord& object = claim.objects[index];
  const Schema& schema = program.schema;
  if (object.record >= schema.records().size())
    return "a record";
  std::string out = "(";
  bool first = true;
  for (uint16_t id : schema.record(object.record).fields) {
    const FieldDef& f = schema.field(id);
    if (f.slot == kNoIndex16 || object.values + f.slot >= claim.values.size())
      continue;
    const Value& value = claim.values[object.values + f.slot];
    if (value.is_unknown())
      continue;
    out += fmt::format("{}{}: {}", first ? "" : ", ", f.name, ValueText(program, claim, value));
    first = false;
  }
  return out + ")";
}

std::string ValueText(const Program& program, const Claim& claim, const Value& v) {
  switch (v.tag) {
    case Tag::Unknown:
      return "unknown";
    case Tag::None:
      return "none";
    case Tag::Bool:
      return v.i ? "true" : "false";
    case Tag::Int:
      return std::to_string(v.i);
    case Tag::Decimal:
      return FormatDecimal(v.i);
    case Tag::String:
      return Quote(v.str());
    case Tag::Date:
      return FormatDate(static_cast<Day>(v.i)).str();
    case Tag::Duration: {
      std::string unit = DurationUnitName(static_cast<DurationUnit>(v.sub));
      if (v.i == 1 || v.i == -1)
        unit.pop_back();
      return fmt::format("{} {}", v.i, unit);
    }
    case Tag::Code:
      return CodeString(v.code());
    case Tag::List: {
      const size_t n = v.aux;
      auto items = [&](auto&& item) {
        std::string out = "[";
        for (size_t k = 0; k < n && k < 8; ++k) {
          if (k)
            out += ", ";
          out += item(static_cast<size_t>(v.i) + k);
        }
        if (n > 8)
          out += fmt::format(", ... {} more", n - 8);
        return out + "]";
      };
      switch (v.list_kind()) {
        case ListKind::Lines:
          return fmt::format("{} claim line{}", n, n == 1 ? "" : "s");
        case ListKind::History:
          return fmt::format("{} history entr{}", n, n == 1 ? "y" : "ies");
        case ListKind::Observations:
          return fmt::format("{} observation{}", n, n == 1 ? "" : "s");
        case ListKind::Codes:
          return items([&](size_t k) {
            return k < claim.codes.size() ? CodeString(claim.codes[k]) : std::string("?");
          });
        case ListKind::Ints:
          return items([&](size_t k) {
            return k < claim.ints.size() ? std::to_string(claim.ints[k]) : std::string("?");
          });
        case ListKind::Context:
          return items([&](size_t k) {
            if (k >= claim.pairs.size())
              return std::string("?");
            return fmt::format("{}: {}", claim.Str(claim.pairs[k].first),
                               Quote(claim.Str(claim.pairs[k].second)));
          });
        case ListKind::Constants: {
          if (static_cast<size_t>(v.i) >= program.constants.size())
            return std::string("[]");
          const Constant& c = program.constants[static_cast<size_t>(v.i)];
          std::string out = "[";
          for (size_t k = 0; k < c.items.size() && k < 8; ++k) {
            if (k)
              out += ", ";
            out += ValueText(program, claim, ConstantValue(program, c.items[k]));
          }
          if (c.items.size() > 8)
            out += fmt::format(", ... {} more", c.items.size() - 8);
          return out + "]";
        }
        case ListKind::Decimals:
          return items([&](size_t k) {
            return k < claim.ints.size() ? FormatDecimal(claim.ints[k]) : std::string("?");
          });
        case ListKind::Dates:
          return items([&](size_t k) {
            return k < claim.ints.size() ? FormatDate(static_cast<Day>(claim.ints[k])).str()
                                         : std::string("?");
          });
        case ListKind::Bools:
          return items([&](size_t k) {
            return k < claim.ints.size() ? std::string(claim.ints[k] ? "true" : "false")
                                         : std::string("?");
          });
        case ListKind::Strings:
          return items([&](size_t k) {
            return k < claim.texts.size() ? Quote(claim.Str(claim.texts[k])) : std::string("?");
          });
        case ListKind::Objects:
          return items([&](size_t k) {
            return k < claim.refs.size() ? ObjectText(program, claim, claim.refs[k])
                                         : std::string("?");
          });
        case ListKind::Empty:
          return "[]";
      }
      return "[]";
    }
    case Tag::Record:
      switch (v.record_kind()) {
        case RecordKind::Claim:
          return "the claim";
        case RecordKind::Patient:
          return "the patient";
        case RecordKind::Facts:
          return "the facts";
        case RecordKind::Line: {
          size_t i = static_cast<size_t>(v.i);
          if (i >= claim.lines.size())
            return "a line";
          return fmt::format("line {} ({})", i + 1, CodeString(claim.lines[i].code));
        }
        case RecordKind::History:
          if (static_cast<size_t>(v.i) >= claim.history.size())
            return "a history entry";
          return HistoryText(claim, static_cast<size_t>(v.i));
        case RecordKind::Observation:
          if (static_cast<size_t>(v.i) >= claim.observations.size())
            return "an observation";
          return ObservationText(claim, static_cast<size_t>(v.i));
        case RecordKind::Object:
          return ObjectText(program, claim, static_cast<size_t>(v.i));
        case RecordKind::TableRow: {
          if (v.aux >= program.tables.size())
            return "a table row";
          const TableData& t = program.tables[v.aux];
          size_t row = static_cast<size_t>(v.i);
          std::string key = "?";
          if (t.key_tag == Tag::String && row < t.string_keys.size()) {
            key = Quote(t.string_keys[row]);
          } else if (t.key_tag == Tag::Code && row < t.int_keys.size()) {
            key = CodeString(static_cast<uint64_t>(t.int_keys[row]));
          } else if (row < t.int_keys.size()) {
            key = std::to_string(t.int_keys[row]);
          }
          return fmt::format("{}[{}]", t.name, key);
        }
      }
      return "a record";
  }
  return "?";
}

}  // namespace warrant
