#include "runtime/vm/vm_ops.h"

#include <algorithm>
#include <limits>

#include "runtime/core/code.h"
#include "runtime/core/int128.h"
#include "runtime/pack/builtins.h"
#include "runtime/terminology/terminology.h"

namespace warrant {
namespace {

// Days for day and week durations; nullopt for calendar units, which have no fixed length.
bool FixedDays(const Value& d, int64_t* days) {
  auto unit = static_cast<DurationUnit>(d.sub);
  if (unit == DurationUnit::Days) {
    *days = d.i;
    return true;
  }
  if (unit == DurationUnit::Weeks) {
    if (d.i > INT64_MAX / 7 || d.i < INT64_MIN / 7)
      return false;
    *days = d.i * 7;
    return true;
  }
  return false;
}

// Three-way comparison of two known values of comparable kinds; false when they are not.
bool Order(const Value& a, const Value& b, int* out) {
  auto sign = [](int64_t x, int64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (a.tag == b.tag) {
    switch (a.tag) {
      case Tag::Bool:
      case Tag::Int:
      case Tag::Decimal:
      case Tag::Date:
        *out = sign(a.i, b.i);
        return true;
      case Tag::Code: {
        uint64_t x = a.code(), y = b.code();
        *out = x < y ? -1 : (x > y ? 1 : 0);
        return true;
      }
      case Tag::String: {
        int c = a.str().compare(b.str());
        *out = c < 0 ? -1 : (c > 0 ? 1 : 0);
        return true;
      }
      case Tag::Duration: {
        if (a.sub == b.sub) {
          *out = sign(a.i, b.i);
          return true;
        }
        int64_t x = 0, y = 0;  // set by the calls before they are read; GCC cannot tell
        if (FixedDays(a, &x) && FixedDays(b, &y)) {
          *out = sign(x, y);
          return true;
        }
        auto months = [](const Value& v, int64_t* m) {
          auto unit = static_cast<DurationUnit>(v.sub);
          if (unit == DurationUnit::Months)
            *m = v.i;
          if (unit == DurationUnit::Years) {
            if (v.i > INT64_MAX / 12 || v.i < INT64_MIN / 12)
              return false;
            *m = v.i * 12;
          }
          return unit == DurationUnit::Months || unit == DurationUnit::Years;
        };
        if (months(a, &x) && months(b, &y)) {
          *out = sign(x, y);
          return true;
        }
        return false;
      }
      case Tag::Unknown:
      case Tag::None:
      case Tag::List:
      case Tag::Record:
        return false;
    }
    return false;
  }
  // int meets decimal: compare exactly in fixed point.
  if ((a.tag == Tag::Int && b.tag == Tag::Decimal) ||
      (a.tag == Tag::Decimal && b.tag == Tag::Int)) {
    Int128 x = a.tag == Tag::Int ? static_cast<Int128>(a.i) * kDecimalScale : a.i;
    Int128 y = b.tag == Tag::Int ? static_cast<Int128>(b.i) * kDecimalScale : b.i;
    *out = x < y ? -1 : (x > y ? 1 : 0);
    return true;
  }
  // A code meets a string (a value read from a fact or a table): compare as codes.
  if ((a.tag == Tag::Code && b.tag == Tag::String) ||
      (a.tag == Tag::String && b.tag == Tag::Code)) {
    const Value& code = a.tag == Tag::Code ? a : b;
    const Value& text = a.tag == Tag::Code ? b : a;
    std::optional<CodeSystem> system = SystemOf(code.code());
    if (!system)
      return false;
    std::optional<uint64_t> packed = Pack(*system, text.str());
    if (!packed) {
      *out = 1;  // not a code of that system: unequal (order is meaningless, equality is not)
      return true;
    }
    Value other = Value::Code(*packed);
    return a.tag == Tag::Code ? Order(a, other, out) : Order(other, b, out);
  }
  return false;
}

// A date computed past the calendar (0001..9999) is out of range: an overflow, not missing data.
Value FromOptionalDay(std::optional<Day> d, uint32_t pc) {
  return d ? Value::Date(*d) : Value::Overflow(pc);
}

// The first unknown among operands, else an Unknown for `pc` when an operand is `none`.
bool Absent(const Value& a, const Value& b, uint32_t pc, Value* out) {
  if (a.is_unknown()) {
    *out = a;
    return true;
  }
  if (b.is_unknown()) {
    *out = b;
    return true;
  }
  if (a.tag == Tag::None || b.tag == Tag::None) {
    *out = Value::Unknown(pc);
    return true;
  }
  return false;
}

const Value* DateOf(const OpContext& ctx, const Value& element, Value* scratch) {
  if (element.tag == Tag::Date)
    return &element;
  if (element.tag != Tag::Record)
    return nullptr;
  FieldId field = FieldId::kCount;
  switch (element.record_kind()) {
    case RecordKind::History:
      field = FieldId::history_date;
      break;
    case RecordKind::Observation:
      field = FieldId::observation_date;
      break;
    case RecordKind::Line:
      field = FieldId::line_date;
      break;
    case RecordKind::Object: {
      const Claim& claim = ctx.claim;
      if (element.i < 0 || static_cast<size_t>(element.i) >= claim.objects.size())
        return nullptr;
      const uint16_t date = ctx.program.schema.record(claim.objects[element.i].record).date_field;
      if (date == kNoIndex16)
        return nullptr;
      field = static_cast<FieldId>(date);
      break;
    }
    case RecordKind::Claim:
    case RecordKind::Patient:
    case RecordKind::TableRow:
    case RecordKind::Facts:
      return nullptr;
  }
  *scratch = FieldValue(ctx, field, element, kNoPc);
  return scratch->tag == Tag::Date ? scratch : nullptr;
}

}  // namespace

Value ShiftDate(Value date, Value duration, int64_t sign, uint32_t pc) {
  auto day = [pc](std::optional<Day> d) { return FromOptionalDay(d, pc); };
  int64_t amount = duration.i * sign;
  switch (static_cast<DurationUnit>(duration.sub)) {
    case DurationUnit::Days:
      return day(AddDays(static_cast<Day>(date.i), amount));
    case DurationUnit::Weeks:
      if (amount > INT64_MAX / 7 || amount < INT64_MIN / 7)
        return Value::Overflow(pc);
      return day(AddDays(static_cast<Day>(date.i), amount * 7));
    case DurationUnit::Months:
      return day(AddMonths(static_cast<Day>(date.i), amount));
    case DurationUnit::Years:
      return day(AddYears(static_cast<Day>(date.i), amount));
  }
  return Value::Unknown(pc);
}

Value ConstantValue(const Program& program, uint32_t index) {
  const Constant& c = program.constants[index];
  switch (c.tag) {
    case Tag::String:
      return Value::String(c.text);
    case Tag::List:
      return Value::List(ListKind::Constants, index, static_cast<uint32_t>(c.items.size()));
    case Tag::Duration:
      return Value::Duration(c.i, static_cast<DurationUnit>(c.sub));
    case Tag::Bool:
      return Value::Bool(c.i != 0);
    case Tag::Int:
      return Value::Int(c.i);
    case Tag::Decimal:
      return Value::Decimal(c.i);
    case Tag::Date:
      return Value::Date(static_cast<Day>(c.i));
    case Tag::Code:
      return Value::Code(static_cast<uint64_t>(c.i));
    case Tag::None:
      return Value::None();
    case Tag::Unknown:
    case Tag::Record:
      return Value::Unknown(kNoPc);
  }
  return Value::Unknown(kNoPc);
}

Value ScopeValue(const OpContext& ctx, ScopeId scope, uint32_t pc) {
  const Claim& claim = ctx.claim;
  const LineRecord& line = claim.lines[ctx.line];
  switch (scope) {
    case ScopeId::line:
      return Value::Record(RecordKind::Line, ctx.line);
    case ScopeId::claim:
      return Value::Record(RecordKind::Claim, 0);
    case ScopeId::patient:
      return Value::Record(RecordKind::Patient, 0);
    case ScopeId::diagnoses:
      return Value::List(ListKind::Codes, line.diagnoses.begin, line.diagnoses.count);
    case ScopeId::history:
      return Value::List(ListKind::History, 0, static_cast<uint32_t>(claim.history.size()));
    case ScopeId::observations:
      return Value::List(ListKind::Observations, 0,
                         static_cast<uint32_t>(claim.observations.size()));
    case ScopeId::facts:
      return Value::Record(RecordKind::Facts, 0);
    case ScopeId::service_date:
      return Value::Date(ctx.dos);
    case ScopeId::age:
      if (!claim.present.Has(FieldId::patient_birth_date))
        return Value::Unknown(pc);
      return Value::Int(AgeOn(claim.birth_date, ctx.dos));
    case ScopeId::kCount:
      break;
  }
  return Value::Unknown(pc);
}

Value FieldValue(const OpContext& ctx, FieldId field, Value record, uint32_t pc) {
  if (record.is_unknown())
    return record;
  if (record.tag != Tag::Record)
    return Value::Unknown(pc);
  const Claim& claim = ctx.claim;
  auto str = [&](Range r, FieldId f, const Presence& p) {
    if (!p.Has(f))
      return Value::Unknown(pc);
    return Value::String(claim.Str(r));
  };
  auto date = [&](Day d, FieldId f, const Presence& p) {
    return p.Has(f) ? Value::Date(d) : Value::Unknown(pc);
  };
  auto codes = [](Range r) { return Value::List(ListKind::Codes, r.begin, r.count); };
  const LineRecord* line = nullptr;
  const HistoryRecord* history = nullptr;
  const ObservationRecord* observation = nullptr;
  switch (record.record_kind()) {
    case RecordKind::Line:
      if (record.i < 0 || static_cast<size_t>(record.i) >= claim.lines.size())
        return Value::Unknown(pc);
      line = &claim.lines[static_cast<size_t>(record.i)];
      break;
    case RecordKind::History:
      if (record.i < 0 || static_cast<size_t>(record.i) >= claim.history.size())
        return Value::Unknown(pc);
      history = &claim.history[static_cast<size_t>(record.i)];
      break;
    case RecordKind::Observation:
      if (record.i < 0 || static_cast<size_t>(record.i) >= claim.observations.size()) {
        return Value::Unknown(pc);
      }
      observation = &claim.observations[static_cast<size_t>(record.i)];
      break;
    case RecordKind::Claim:
    case RecordKind::Patient:
    case RecordKind::TableRow:
    case RecordKind::Facts:
    case RecordKind::Object:
      break;
  }
  switch (field) {
    case FieldId::claim_id:
      return str(claim.id, field, claim.present);
    case FieldId::claim_patient:
      return Value::Record(RecordKind::Patient, 0);
    case FieldId::claim_service_date:
      return date(claim.service_date, field, claim.present);
    case FieldId::claim_place_of_service:
      return Value::Code(claim.place_of_service);
    case FieldId::claim_claim_type:
      return Value::String(claim.Str(claim.claim_type));
    case FieldId::claim_diagnoses:
      return codes(claim.diagnoses);
    case FieldId::claim_lines:
      return Value::List(ListKind::Lines, 0, static_cast<uint32_t>(claim.lines.size()));
    case FieldId::claim_history:
      return Value::List(ListKind::History, 0, static_cast<uint32_t>(claim.history.size()));
    case FieldId::claim_observations:
      return Value::List(ListKind::Observations, 0,
                         static_cast<uint32_t>(claim.observations.size()));
    case FieldId::claim_facts:
      return Value::Record(RecordKind::Facts, 0);
    case FieldId::patient_id:
      return str(claim.patient_id, field, claim.present);
    case FieldId::patient_birth_date:
      return date(claim.birth_date, field, claim.present);
    case FieldId::patient_sex:
      return str(claim.sex, field, claim.present);
    case FieldId::patient_part_b_effective:
      return date(claim.part_b_effective, field, claim.present);
    case FieldId::line_index:
      return line ? Value::Int(record.i + 1) : Value::Unknown(pc);
    case FieldId::line_code:
      return line && line->present.Has(field) ? Value::Code(line->code) : Value::Unknown(pc);
    case FieldId::line_modifiers:
      return line ? codes(line->modifiers) : Value::Unknown(pc);
    case FieldId::line_units:
      return line ? Value::Int(line->units) : Value::Unknown(pc);
    case FieldId::line_dx_pointers:
      return line ? Value::List(ListKind::Ints, line->dx_pointers.begin, line->dx_pointers.count)
                  : Value::Unknown(pc);
    case FieldId::line_date:
      return line ? Value::Date(line->date) : Value::Unknown(pc);
    case FieldId::line_place_of_service:
      return line ? Value::Code(line->pos) : Value::Unknown(pc);
    case FieldId::history_code:
      return history && history->present.Has(field) ? Value::Code(history->code)
                                                    : Value::Unknown(pc);
    case FieldId::history_date:
      return history && history->present.Has(field) ? Value::Date(history->date)
                                                    : Value::Unknown(pc);
    case FieldId::history_status:
      return history ? str(history->status, field, history->present) : Value::Unknown(pc);
    // Absent lists are unknown, [] is empty (language.md §7).
    case FieldId::history_dx:
      return history && history->present.Has(field) ? codes(history->dx) : Value::Unknown(pc);
    case FieldId::history_units:
      return history ? Value::Int(history->units) : Value::Unknown(pc);
    case FieldId::history_modifiers:
      return history && history->present.Has(field) ? codes(history->modifiers)
                                                    : Value::Unknown(pc);
    case FieldId::observation_code:
      return observation && observation->present.Has(field) ? Value::Code(observation->code)
                                                            : Value::Unknown(pc);
    case FieldId::observation_value:
      return observation && observation->present.Has(field) ? Value::Decimal(observation->value)
                                                            : Value::Unknown(pc);
    case FieldId::observation_unit:
      return observation ? str(observation->unit, field, observation->present) : Value::Unknown(pc);
    case FieldId::observation_date:
      return observation && observation->present.Has(field) ? Value::Date(observation->date)
                                                            : Value::Unknown(pc);
    case FieldId::observation_context:
      return observation && observation->present.Has(field)
                 ? Value::List(ListKind::Context, observation->context.begin,
                               observation->context.count)
                 : Value::Unknown(pc);
    default:
      break;
  }
  return GenericField(ctx, static_cast<uint16_t>(field), record, pc);
}

// A field kept in its record instance's generic slots (runtime/records/schema.h): a pack's
// extension, a WARRANT_DATA base field, a field of a declared record.
Value GenericField(const OpContext& ctx, uint16_t id, const Value& record, uint32_t pc) {
  const Schema& schema = ctx.program.schema;
  if (id >= schema.fields().size())
    return Value::Unknown(pc);
  const FieldDef& f = schema.field(id);
  if (f.slot == kNoIndex16)
    return Value::Unknown(pc);
  const Claim& claim = ctx.claim;
  uint32_t base = 0;
  uint16_t of = 0;  // the schema record the instance is of
  const auto index = static_cast<size_t>(record.i);
  switch (record.record_kind()) {
    case RecordKind::Claim:
      base = claim.claim_values;
      of = static_cast<uint16_t>(RecordId::claim);
      break;
    case RecordKind::Patient:
      base = claim.patient_values;
      of = static_cast<uint16_t>(RecordId::patient);
      break;
    case RecordKind::Line:
      if (index >= claim.lines.size())
        return Value::Unknown(pc);
      base = claim.lines[index].values;
      of = static_cast<uint16_t>(RecordId::line);
      break;
    case RecordKind::History:
      if (index >= claim.history.size())
        return Value::Unknown(pc);
      base = claim.history[index].values;
      of = static_cast<uint16_t>(RecordId::history);
      break;
    case RecordKind::Observation:
      if (index >= claim.observations.size())
        return Value::Unknown(pc);
      base = claim.observations[index].values;
      of = static_cast<uint16_t>(RecordId::observation);
      break;
    case RecordKind::Object:
      if (index >= claim.objects.size())
        return Value::Unknown(pc);
      base = claim.objects[index].values;
      of = claim.objects[index].record;
      break;
    case RecordKind::TableRow:
    case RecordKind::Facts:
      return Value::Unknown(pc);
  }
  if (of != f.record || base + f.slot >= claim.values.size())
    return Value::Unknown(pc);
  const Value& v = claim.values[base + f.slot];
  return v.is_unknown() ? Value::Unknown(pc) : v;
}

Value ListElement(const OpContext& ctx, const Value& list, uint32_t index) {
  const Claim& claim = ctx.claim;
  uint64_t at = static_cast<uint64_t>(list.i) + index;
  switch (list.list_kind()) {
    case ListKind::Lines:
      return Value::Record(RecordKind::Line, static_cast<int64_t>(at));
    case ListKind::History:
      return Value::Record(RecordKind::History, static_cast<int64_t>(at));
    case ListKind::Observations:
      return Value::Record(RecordKind::Observation, static_cast<int64_t>(at));
    case ListKind::Codes:
      return at < claim.codes.size() ? Value::Code(claim.codes[at]) : Value::Unknown(kNoPc);
    case ListKind::Ints:
      return at < claim.ints.size() ? Value::Int(claim.ints[at]) : Value::Unknown(kNoPc);
    case ListKind::Context:
      return at < claim.pairs.size() ? Value::String(claim.Str(claim.pairs[at].first))
                                     : Value::Unknown(kNoPc);
    case ListKind::Constants: {
      const Constant& c = ctx.program.constants[static_cast<size_t>(list.i)];
      return index < c.items.size() ? ConstantValue(ctx.program, c.items[index])
                                    : Value::Unknown(kNoPc);
    }
    case ListKind::Decimals:
      return at < claim.ints.size() ? Value::Decimal(claim.ints[at]) : Value::Unknown(kNoPc);
    case ListKind::Dates:
      return at < claim.ints.size() ? Value::Date(static_cast<Day>(claim.ints[at]))
                                    : Value::Unknown(kNoPc);
    case ListKind::Bools:
      return at < claim.ints.size() ? Value::Bool(claim.ints[at] != 0) : Value::Unknown(kNoPc);
    case ListKind::Strings:
      return at < claim.texts.size() ? Value::String(claim.Str(claim.texts[at]))
                                     : Value::Unknown(kNoPc);
    case ListKind::Objects:
      return at < claim.refs.size() ? Value::Record(RecordKind::Object, claim.refs[at])
                                    : Value::Unknown(kNoPc);
    case ListKind::Empty:
      break;
  }
  return Value::Unknown(kNoPc);
}

namespace {

// The row of `key` in `table`, or -1.
int64_t FindRow(const TableData& table, const Value& key) {
  if (table.key_tag == Tag::String) {
    if (key.tag != Tag::String)
      return -1;
    auto it = std::lower_bound(table.string_keys.begin(), table.string_keys.end(), key.str());
    if (it == table.string_keys.end() || *it != key.str())
      return -1;
    return it - table.string_keys.begin();
  }
  int64_t k;
  if (table.key_tag == Tag::Code && key.tag == Tag::Code) {
    k = key.i;
  } else if (table.key_tag == Tag::Int && key.tag == Tag::Int) {
    k = key.i;
  } else {
    return -1;
  }
  auto it = std::lower_bound(table.int_keys.begin(), table.int_keys.end(), k);
  if (it == table.int_keys.end() || *it != k)
    return -1;
  return it - table.int_keys.begin();
}

Value CellValue(const TableData& table, size_t row, size_t column) {
  size_t index = row * table.columns.size() + column;
  if (index >= table.cells.size())
    return Value::Unknown(kNoPc);
  const Constant& c = table.cells[index];
  switch (c.tag) {
    case Tag::String:
      return Value::String(c.text);
    case Tag::None:
      return Value::None();
    case Tag::Bool:
    case Tag::Int:
    case Tag::Decimal:
    case Tag::Date:
    case Tag::Code:
    case Tag::Duration: {
      Value v;
      v.tag = c.tag;
      v.i = c.i;
      v.sub = c.sub;
      v.aux = 0;
      return v;
    }
    case Tag::Unknown:
    case Tag::List:
    case Tag::Record:
      break;
  }
  return Value::Unknown(kNoPc);
}

}  // namespace

Value TableLookup(const Program& program, uint16_t table_index, Value key, uint32_t pc) {
  if (key.is_unknown())
    return key;
  const TableData& table = program.tables[table_index];
  int64_t row = FindRow(table, key);
  if (row < 0)
    return Value::Unknown(pc);
  if (table.record_valued)
    return Value::Record(RecordKind::TableRow, row, table_index);
  Value v = CellValue(table, static_cast<size_t>(row), 0);
  if (v.tag == Tag::None || v.is_unknown())
    return Value::Unknown(pc);
  return v;
}

Value TableColumn(const Program& program, uint16_t column, Value row, uint32_t pc) {
  if (row.is_unknown())
    return row;
  if (row.tag != Tag::Record || row.record_kind() != RecordKind::TableRow ||
      row.aux >= program.tables.size()) {
    return Value::Unknown(pc);
  }
  const TableData& table = program.tables[row.aux];
  if (column >= table.columns.size())
    return Value::Unknown(pc);
  Value v = CellValue(table, static_cast<size_t>(row.i), column);
  if (v.tag == Tag::None || v.is_unknown())
    return Value::Unknown(pc);
  return v;
}

Value TableHasKey(const Program& program, uint16_t table, Value key) {
  if (key.is_unknown())
    return key;
  return Value::Bool(FindRow(program.tables[table], key) >= 0);
}

Value MapGet(const OpContext& ctx, Value map, Value key, uint32_t pc) {
  if (map.is_unknown())
    return map;
  if (key.is_unknown())
    return key;
  if (map.tag != Tag::List || map.list_kind() != ListKind::Context || key.tag != Tag::String) {
    return Value::Unknown(pc);
  }
  const Claim& claim = ctx.claim;
  for (uint32_t i = 0; i < map.aux; ++i) {
    const auto& pair = claim.pairs[static_cast<size_t>(map.i) + i];
    if (claim.Str(pair.first) == key.str())
      return Value::String(claim.Str(pair.second));
  }
  return Value::Unknown(pc);
}

Value HasMapKey(const OpContext& ctx, Value key, Value map) {
  if (map.is_unknown())
    return map;
  if (key.is_unknown())
    return key;
  if (map.tag != Tag::List || map.list_kind() != ListKind::Context || key.tag != Tag::String) {
    return Value::Bool(false);
  }
  const Claim& claim = ctx.claim;
  for (uint32_t i = 0; i < map.aux; ++i) {
    if (claim.Str(claim.pairs[static_cast<size_t>(map.i) + i].first) == key.str()) {
      return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

Value InCodeset(const Codeset& codeset, Value code) {
  if (code.is_unknown())
    return code;
  if (code.tag == Tag::Code)
    return Value::Bool(codeset.Contains(code.code()));
  if (code.tag == Tag::None)
    return Value::Unknown(kNoPc);
  if (code.tag == Tag::String) {
    // A string value (from a fact or a table) tested against a codeset: pack it in the set's
    // system, which the first interval's top byte names.
    auto intervals = codeset.intervals();
    if (intervals.empty())
      return Value::Bool(false);
    std::optional<CodeSystem> system = SystemOf(intervals.front().lo);
    if (!system)
      return Value::Bool(false);
    std::optional<uint64_t> packed = Pack(*system, code.str());
    return Value::Bool(packed && codeset.Contains(*packed));
  }
  return Value::Bool(false);
}

Value InList(const OpContext& ctx, Value x, Value list) {
  if (x.is_unknown())
    return x;
  if (list.is_unknown())
    return list;
  if (x.tag == Tag::None || list.tag != Tag::List)
    return Value::Unknown(kNoPc);
  for (uint32_t i = 0; i < list.aux; ++i) {
    Value e = ListElement(ctx, list, i);
    int order;
    if (Order(x, e, &order) && order == 0)
      return Value::Bool(true);
  }
  return Value::Bool(false);
}

Value CompareOp(Op op, Value a, Value b, uint32_t pc) {
  Value absent;
  if (Absent(a, b, pc, &absent))
    return absent;
  int order;
  if (!Order(a, b, &order)) {
    if (op == Op::Eq)
      return Value::Bool(false);
    if (op == Op::Ne)
      return Value::Bool(true);
    return Value::Unknown(pc);
  }
  switch (op) {
    case Op::Eq:
      return Value::Bool(order == 0);
    case Op::Ne:
      return Value::Bool(order != 0);
    case Op::Lt:
      return Value::Bool(order < 0);
    case Op::Le:
      return Value::Bool(order <= 0);
    case Op::Gt:
      return Value::Bool(order > 0);
    case Op::Ge:
      return Value::Bool(order >= 0);
    default:
      return Value::Unknown(pc);
  }
}

Value Negate(Value a, uint32_t pc) {
  if (a.is_unknown())
    return a;
  if (a.tag == Tag::Int || a.tag == Tag::Decimal || a.tag == Tag::Duration) {
    if (a.i == std::numeric_limits<int64_t>::min())
      return Value::Overflow(pc);
    a.i = -a.i;
    return a;
  }
  return Value::Unknown(pc);
}

Value Arithmetic(Op op, Value a, Value b, uint32_t pc) {
  Value absent;
  if (Absent(a, b, pc, &absent))
    return absent;
  bool numeric_a = a.tag == Tag::Int || a.tag == Tag::Decimal;
  bool numeric_b = b.tag == Tag::Int || b.tag == Tag::Decimal;
  if (numeric_a && numeric_b) {
    if (a.tag == Tag::Int && b.tag == Tag::Int && op != Op::Div) {
      // Whole numbers are 64-bit: overflow is unknown, never wrapped.
      int64_t r = 0;
      bool overflow = op == Op::Add   ? __builtin_add_overflow(a.i, b.i, &r)
                      : op == Op::Sub ? __builtin_sub_overflow(a.i, b.i, &r)
                                      : __builtin_mul_overflow(a.i, b.i, &r);
      return overflow ? Value::Overflow(pc) : Value::Int(r);
    }
    Int128 x = a.tag == Tag::Int ? static_cast<Int128>(a.i) * kDecimalScale : a.i;
    Int128 y = b.tag == Tag::Int ? static_cast<Int128>(b.i) * kDecimalScale : b.i;
    auto magnitude = [](Int128 v) { return v < 0 ? -v : v; };
    // Both operands are below 2^63 * 10^6 < 2^83; a product must stay below 2^126.
    constexpr Int128 kProductLimit = static_cast<Int128>(1) << 126;
    Int128 r;
    switch (op) {
      case Op::Add:
        r = x + y;
        break;
      case Op::Sub:
        r = x - y;
        break;
      case Op::Mul:
        if (y != 0 && magnitude(x) > kProductLimit / magnitude(y))
          return Value::Overflow(pc);
        r = x * y / kDecimalScale;
        break;
      case Op::Div: {
        if (y == 0)
          return Value::Unknown(pc, UnknownCause::DivisionByZero);
        Int128 scaled = x * kDecimalScale;
        // Round half away from zero to six places.
        Int128 q = scaled / y;
        Int128 rem = scaled % y;
        if (rem != 0 && 2 * magnitude(rem) >= magnitude(y)) {
          q += ((scaled < 0) != (y < 0)) ? -1 : 1;
        }
        r = q;
        break;
      }
      default:
        return Value::Unknown(pc);
    }
    constexpr Int128 kMax = std::numeric_limits<int64_t>::max();
    if (r > kMax || r < -kMax)
      return Value::Overflow(pc);
    return Value::Decimal(static_cast<int64_t>(r));
  }
  if (op == Op::Add || op == Op::Sub) {
    if (a.tag == Tag::Date && b.tag == Tag::Duration)
      return ShiftDate(a, b, op == Op::Add ? 1 : -1, pc);
    if (op == Op::Add && a.tag == Tag::Duration && b.tag == Tag::Date)
      return ShiftDate(b, a, 1, pc);
    if (a.tag == Tag::Duration && b.tag == Tag::Duration && a.sub == b.sub) {
      int64_t r = 0;
      if (op == Op::Add ? __builtin_add_overflow(a.i, b.i, &r)
                        : __builtin_sub_overflow(a.i, b.i, &r)) {
        return Value::Overflow(pc);
      }
      return Value::Duration(r, static_cast<DurationUnit>(a.sub));
    }
  }
  return Value::Unknown(pc);
}

Value WithinOp(Value d, Value duration, Value anchor, uint8_t dir, uint32_t pc) {
  if (d.is_unknown())
    return d;
  if (duration.is_unknown())
    return duration;
  if (anchor.is_unknown())
    return anchor;
  if (d.tag != Tag::Date || duration.tag != Tag::Duration || anchor.tag != Tag::Date) {
    return Value::Unknown(pc);
  }
  Value lo = ShiftDate(anchor, duration, -1, pc);
  Value hi = ShiftDate(anchor, duration, 1, pc);
  switch (static_cast<WindowSide>(dir)) {
    case WindowSide::Before:  // anchor - duration <= d < anchor
      if (lo.is_unknown())
        return lo;
      return Value::Bool(lo.i <= d.i && d.i < anchor.i);
    case WindowSide::After:  // anchor < d <= anchor + duration
      if (hi.is_unknown())
        return hi;
      return Value::Bool(anchor.i < d.i && d.i <= hi.i);
    default:  // Of: either side, inclusive
      if (lo.is_unknown())
        return lo;
      if (hi.is_unknown())
        return hi;
      return Value::Bool(lo.i <= d.i && d.i <= hi.i);
  }
}

Value CallBuiltin(const OpContext& ctx, BuiltinId id, const Value* args, uint32_t pc) {
  int arity = BuiltinArity(id);
  for (int i = 0; i < arity; ++i) {
    if (args[i].is_unknown())
      return args[i];
    if (args[i].tag == Tag::None)
      return Value::Unknown(pc);
  }
  auto day = [&](int i) { return static_cast<Day>(args[i].i); };
  auto need = [&](int i, Tag tag) { return args[i].tag == tag; };
  switch (id) {
    case BuiltinId::DaysBetween:
      if (!need(0, Tag::Date) || !need(1, Tag::Date))
        break;
      return Value::Int(DaysBetween(day(0), day(1)));
    case BuiltinId::MonthsBetween:
      if (!need(0, Tag::Date) || !need(1, Tag::Date))
        break;
      return Value::Int(MonthsBetween(day(0), day(1)));
    case BuiltinId::YearsBetween:
      if (!need(0, Tag::Date) || !need(1, Tag::Date))
        break;
      return Value::Int(YearsBetween(day(0), day(1)));
    case BuiltinId::MonthStart:
      if (!need(0, Tag::Date))
        break;
      return Value::Date(MonthStart(day(0)));
    case BuiltinId::MonthEnd:
      if (!need(0, Tag::Date))
        break;
      return Value::Date(MonthEnd(day(0)));
    case BuiltinId::Year:
      if (!need(0, Tag::Date))
        break;
      return Value::Int(Year(day(0)));
    case BuiltinId::Month:
      if (!need(0, Tag::Date))
        break;
      return Value::Int(CivilFromDays(day(0)).month);
    case BuiltinId::FiscalYear:
      if (!need(0, Tag::Date))
        break;
      return Value::Int(FiscalYear(day(0)));
    case BuiltinId::Birthday: {
      if (!need(0, Tag::Int) || !ctx.claim.present.Has(FieldId::patient_birth_date))
        break;
      return FromOptionalDay(Birthday(ctx.claim.birth_date, args[0].i), pc);
    }
    case BuiltinId::Billable: {
      if (!need(0, Tag::Code) || !ctx.terminology)
        break;
      std::optional<bool> billable = ctx.terminology->Billable(args[0].code(), ctx.dos);
      return billable ? Value::Bool(*billable) : Value::Unknown(pc);
    }
    case BuiltinId::Exists: {
      if (!need(0, Tag::Code) || !ctx.terminology)
        break;
      std::optional<bool> exists = ctx.terminology->Exists(args[0].code(), ctx.dos);
      return exists ? Value::Bool(*exists) : Value::Unknown(pc);
    }
    case BuiltinId::Length:
      if (!need(0, Tag::List))
        break;
      return Value::Int(args[0].aux);
    case BuiltinId::Abs: {
      Value v = args[0];
      if ((v.tag != Tag::Int && v.tag != Tag::Decimal) ||
          v.i == std::numeric_limits<int64_t>::min()) {
        break;
      }
      v.i = v.i < 0 ? -v.i : v.i;
      return v;
    }
    case BuiltinId::kCount:
      break;
  }
  return Value::Unknown(pc);
}

void Accumulate(const OpContext& ctx, Op op, Value& acc, Value p, Value x, uint32_t pc) {
  if (acc.is_unknown())
    return;  // once unknown, the aggregate stays unknown
  if (p.is_unknown()) {
    acc = p;
    return;
  }
  if (!p.is_true())
    return;
  switch (op) {
    case Op::AccSum:
      acc = Arithmetic(Op::Add, acc, x, pc);
      return;
    case Op::AccMin:
    case Op::AccMax: {
      if (x.is_unknown()) {
        acc = x;
        return;
      }
      if (acc.tag == Tag::None) {
        acc = x;
        return;
      }
      int order;
      if (!Order(x, acc, &order)) {
        acc = Value::Unknown(pc);
        return;
      }
      if ((op == Op::AccMin && order < 0) || (op == Op::AccMax && order > 0))
        acc = x;
      return;
    }
    case Op::AccLatest:
    case Op::AccEarliest: {
      Value scratch_x, scratch_acc;
      const Value* dx = DateOf(ctx, x, &scratch_x);
      if (!dx) {
        acc = Value::Unknown(pc);  // an element without a date: which is latest is unknown
        return;
      }
      if (acc.tag == Tag::None) {
        acc = x;
        return;
      }
      const Value* da = DateOf(ctx, acc, &scratch_acc);
      if (!da)
        return;
      // Ties keep the first element, so the choice is stable in input order.
      if ((op == Op::AccLatest && dx->i > da->i) || (op == Op::AccEarliest && dx->i < da->i)) {
        acc = x;
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace warrant
