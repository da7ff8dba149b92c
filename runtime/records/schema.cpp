#include "runtime/records/schema.h"

#include <algorithm>
#include <charconv>
#include <cstddef>

#include <fmt/core.h>

#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/text.h"

namespace warrant {

const char* FieldName(FieldId id) {
  static const char* const kNames[] = {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc) #Record "." #Field,
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)  #Record "." #Field,
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
  };
  auto index = static_cast<size_t>(id);
  return index < sizeof(kNames) / sizeof(kNames[0]) ? kNames[index] : "?";
}

// ---- KeyTable ----------------------------------------------------------------------------------

void KeyTable::Add(std::string_view key, uint16_t value) {
  keys_.emplace_back(std::string(key), value);
  // At most half full; growing rehashes every key, otherwise only the new one goes in.
  if (keys_.size() * 2 > entries_.size()) {
    size_t capacity = 8;
    while (capacity < keys_.size() * 2)
      capacity *= 2;
    Rebuild(capacity);
  } else {
    Insert(keys_.size() - 1);
  }
}

void KeyTable::Insert(size_t index) {
  const auto& [key, value] = keys_[index];
  const uint64_t head = Head(key);
  size_t i = Hash(key, head) & mask_;
  while (entries_[i].value != kNoIndex16)
    i = (i + 1) & mask_;
  entries_[i] = Entry{head, key.size() > 8 ? Tail(key) : 0, static_cast<uint32_t>(key.size()),
                      value, static_cast<uint16_t>(index)};
}

void KeyTable::Rebuild(size_t capacity) {
  entries_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  for (size_t index = 0; index < keys_.size(); ++index)
    Insert(index);
}

bool Schema::Reaches(const SchemaType& type, uint16_t record) const {
  std::vector<bool> seen(records_.size(), false);
  std::vector<uint16_t> todo;
  auto visit = [&](const SchemaType& t) {
    const Kind k = t.kind == Kind::List ? t.elem : t.kind;
    if (k == Kind::Record && t.record < records_.size() && !seen[t.record]) {
      seen[t.record] = true;
      todo.push_back(t.record);
    }
  };
  visit(type);
  while (!todo.empty()) {
    const uint16_t r = todo.back();
    todo.pop_back();
    if (r == record)
      return true;
    for (uint16_t id : records_[r].fields) {
      if (id < fields_.size())
        visit(fields_[id].type);
    }
  }
  return false;
}

// ---- Building ----------------------------------------------------------------------------------

namespace {

struct BaseRow {
  const char* record;
  const char* field;
  const char* type;
  const char* absent;
  const char* doc;
  bool member;  // WARRANT_FIELD: a Claim member
};

constexpr BaseRow kBaseRows[] = {
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc) {#Record, #Field, Type, Absent, Doc, true},
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)  {#Record, #Field, Type, Absent, Doc, false},
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
};

struct BaseRecord {
  const char* name;
  const char* doc;
};

constexpr BaseRecord kBaseRecords[] = {
#define WARRANT_RECORD(Record, Doc) {#Record, Doc},
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc)
#define WARRANT_DATA(Record, Field, Type, Absent, Doc)
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
};

// Other spellings of base keys: `dx_ptr` is how the test conventions (criteria-examples.md)
// write diagnosis pointers.
struct KeyAlias {
  FieldId field;
  const char* name;  // the field's own name, checked: a schema read from a pack may be anything
  const char* key;
};

constexpr bool IsDigitChar(char c) {
  return c >= '0' && c <= '9';
}

// An optional minus and decimal digits, nothing else, within int64_t.
bool ParseWhole(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty() && text.front() != '+';
}

constexpr KeyAlias kAliases[] = {{FieldId::line_dx_pointers, "dx_pointers", "dx_ptr"}};

Schema BuildBase() {
  Schema s;
  for (const BaseRecord& r : kBaseRecords)
    s.AddRecord(r.name, r.doc);
  for (const BaseRow& row : kBaseRows) {
    const auto record = static_cast<uint16_t>(
        std::find_if(std::begin(kBaseRecords), std::end(kBaseRecords),
                     [&](const BaseRecord& r) { return std::string_view(r.name) == row.record; }) -
        std::begin(kBaseRecords));
    FieldDef f;
    f.name = row.field;
    const std::optional<SchemaType> type = s.ParseType(row.type);
    if (!type)
      throw std::logic_error(fmt::format("schema.def: {}.{}: bad type", row.record, row.field));
    f.type = *type;
    f.doc = row.doc;
    f.base = true;
    const std::string_view absent = row.absent;
    if (absent == "unknown") {
      f.absent = Absence::Unknown;
    } else if (absent == "required") {
      f.absent = Absence::Required;
    } else if (absent == "computed") {
      f.absent = Absence::Computed;
    } else if (absent == "[]" || absent == "{}") {
      f.absent = Absence::Empty;
    } else if (absent.substr(0, 6) == "claim.") {
      f.absent = Absence::FromClaim;
      f.default_text = std::string(absent.substr(6));
    } else {
      f.absent = Absence::Default;
      f.default_text = std::string(absent);
    }
    if (!row.member)
      f.slot = 0;  // numbered by Finish
    s.AddField(record, std::move(f));
  }
  if (std::optional<std::string> problem = s.Finish())
    throw std::logic_error("schema.def: " + *problem);
  return s;
}

// The Value of a Default literal for a generic field, or nullopt when it does not fit.
std::optional<Value> DefaultValue(const SchemaType& type, std::string_view text) {
  int64_t n = 0;
  switch (type.kind) {
    case Kind::Bool:
      if (text == "true" || text == "false")
        return Value::Bool(text == "true");
      return std::nullopt;
    case Kind::Int:
      if (!ParseDecimal(text, &n) || n % kDecimalScale != 0)
        return std::nullopt;
      n /= kDecimalScale;
      if (n < type.min || n > type.max)
        return std::nullopt;
      return Value::Int(n);
    case Kind::Decimal:
    case Kind::Money:
      if (!ParseDecimal(text, &n))
        return std::nullopt;
      return Value::Decimal(n);
    case Kind::Date:
    case Kind::Code: {
      if (text.size() < 2 || text.front() != '"' || text.back() != '"')
        return std::nullopt;
      const std::string_view inner = text.substr(1, text.size() - 2);
      if (type.kind == Kind::Date) {
        const std::optional<Day> day = ParseDate(inner);
        return day ? std::optional<Value>(Value::Date(*day)) : std::nullopt;
      }
      const std::optional<uint64_t> packed = Pack(type.system, inner);
      return packed ? std::optional<Value>(Value::Code(*packed)) : std::nullopt;
    }
    case Kind::String:  // strings live in the claim: a generic field has no string default
    case Kind::List:
    case Kind::Record:
    case Kind::Map:
      break;
  }
  return std::nullopt;
}

}  // namespace

const Schema& Schema::Base() {
  static const Schema base = BuildBase();
  return base;
}

uint16_t Schema::AddRecord(std::string name, std::string doc) {
  RecordDef r;
  r.name = std::move(name);
  r.doc = std::move(doc);
  records_.push_back(std::move(r));
  return static_cast<uint16_t>(records_.size() - 1);
}

uint16_t Schema::AddField(uint16_t record, FieldDef field) {
  field.id = static_cast<uint16_t>(fields_.size());
  field.record = record;
  if (!field.base)
    field.slot = 0;  // every declared field is generic
  records_[record].fields.push_back(field.id);
  fields_.push_back(std::move(field));
  return static_cast<uint16_t>(fields_.size() - 1);
}

uint16_t Schema::AddEnum(std::vector<std::string> values) {
  for (size_t i = 0; i < enums_.size(); ++i) {
    if (enums_[i] == values)
      return static_cast<uint16_t>(i);
  }
  enums_.push_back(std::move(values));
  return static_cast<uint16_t>(enums_.size() - 1);
}

ListKind Schema::ListKindOf(Kind elem) {
  switch (elem) {
    case Kind::Code:
      return ListKind::Codes;
    case Kind::Int:
      return ListKind::Ints;
    case Kind::Decimal:
    case Kind::Money:
      return ListKind::Decimals;
    case Kind::Date:
      return ListKind::Dates;
    case Kind::Bool:
      return ListKind::Bools;
    case Kind::String:
      return ListKind::Strings;
    case Kind::Record:
      return ListKind::Objects;
    case Kind::List:
    case Kind::Map:
      break;
  }
  return ListKind::Empty;
}

std::optional<std::string> Schema::Finish() {
  if (records_.size() < static_cast<size_t>(RecordId::kCount))
    return "the schema lacks the base records";
  if (systems_.size() > kMaxDeclaredSystems) {
    return fmt::format("the schema declares {} code systems; a pack may declare at most {}",
                       systems_.size(), kMaxDeclaredSystems);
  }
  for (size_t i = 0; i < systems_.size(); ++i) {
    const std::string& name = systems_[i].name;
    const bool word =
        !name.empty() && !IsDigitChar(name[0]) && std::all_of(name.begin(), name.end(), [](char c) {
          return c == '_' || IsDigitChar(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
    if (!word)
      return fmt::format("code system {} has no valid name", i + 1);
    if (warrant::SystemFromName(name) ||
        FindSystem(name) != static_cast<CodeSystem>(kFirstDeclaredSystem + i)) {
      return fmt::format("code system `{}` is declared twice, or is a built-in system", name);
    }
    if (name == "LOINC" || name.find('|') != std::string::npos ||
        systems_[i].uri.find('|') != std::string::npos) {
      return fmt::format("code system `{}` cannot be told apart in a claim", name);
    }
  }
  // The `field` instruction numbers fields with one byte; facts are read by their own
  // instruction, so they come last and do not count.
  size_t addressed = 0;
  for (const FieldDef& f : fields_) {
    if (f.record != static_cast<uint16_t>(RecordId::facts))
      addressed = std::max<size_t>(addressed, f.id + size_t{1});
  }
  if (addressed > kMaxFields || fields_.size() >= kNoIndex16) {
    return fmt::format("the schema numbers {} fields; a pack may have at most {} besides its facts",
                       addressed, kMaxFields);
  }
  auto check_type = [&](const SchemaType& t,
                        const std::string& where) -> std::optional<std::string> {
    const Kind k = t.kind == Kind::List ? t.elem : t.kind;
    if (t.kind == Kind::List && (t.elem == Kind::List || t.elem == Kind::Map))
      return where + ": a list holds scalars or records";
    if (k == Kind::Record && t.record >= records_.size())
      return where + ": its record type does not exist";
    if (k == Kind::String && t.one_of != kNoIndex16 && t.one_of >= enums_.size())
      return where + ": its list of values does not exist";
    if (k == Kind::Code && !Knows(t.system))
      return where + ": unknown code system";
    if (t.min > t.max)
      return where + ": its bounds are empty";
    return std::nullopt;
  };
  for (RecordDef& r : records_) {
    r.initial.clear();
    r.date_field = kNoIndex16;
    r.keys = KeyTable();
    r.inherited.clear();
    for (size_t position = 0; position < r.fields.size(); ++position) {
      FieldDef& f = fields_[r.fields[position]];
      const std::string where = fmt::format("field `{}.{}`", r.name, f.name);
      if (auto problem = check_type(f.type, where))
        return problem;
      // A declared field of a record type: the decoders fill only generic slots there, so not
      // the claim's own records (their fields are Claim members) nor the facts.
      const Kind k = f.type.kind == Kind::List ? f.type.elem : f.type.kind;
      if (!f.base && k == Kind::Record &&
          (f.type.record == static_cast<uint16_t>(RecordId::facts) ||
           std::any_of(records_[f.type.record].fields.begin(), records_[f.type.record].fields.end(),
                       [&](uint16_t id) { return fields_[id].slot == kNoIndex16; }))) {
        return where + ": the claim's own records and the facts are not field types";
      }
      if (Reaches(f.type, static_cast<uint16_t>(&r - records_.data())))
        return where + ": a record type cannot contain itself";
      if (f.name == "date" && f.type.kind == Kind::Date)
        r.date_field = f.id;
      if (f.absent != Absence::Computed)
        r.keys.Add(f.name, static_cast<uint16_t>(position));
      if (f.absent == Absence::FromClaim) {
        const FieldDef* from = Find(static_cast<uint16_t>(RecordId::claim), f.default_text);
        if (!from || from->type != f.type)
          return where + ": it takes its value from a claim field that does not match it";
        f.from = from->id;
        if (f.slot != kNoIndex16)
          r.inherited.emplace_back(f.id, from->id);  // field ids until every slot is known
      }
      if (f.slot == kNoIndex16)
        continue;  // a Claim member: the C++ fills it
      f.slot = static_cast<uint16_t>(r.initial.size());
      Value initial = Value::Unknown(kNoPc);
      switch (f.absent) {
        case Absence::Unknown:
        case Absence::Required:
        case Absence::Computed:
        case Absence::FromClaim:
          break;
        case Absence::Empty:
          if (f.type.kind == Kind::List) {
            initial = Value::List(ListKindOf(f.type.elem), 0, 0);
          } else if (f.type.kind == Kind::Map) {
            initial = Value::List(ListKind::Context, 0, 0);
          } else {
            return where + ": only a list or a map can be empty";
          }
          break;
        case Absence::Default: {
          const std::optional<Value> v = DefaultValue(f.type, f.default_text);
          if (!v)
            return fmt::format("{}: its default {} does not fit its type", where, f.default_text);
          initial = *v;
          break;
        }
      }
      r.initial.push_back(initial);
    }
  }
  for (RecordDef& r : records_) {
    for (auto& [mine, claim] : r.inherited) {
      mine = fields_[mine].slot;
      claim = fields_[claim].slot;
    }
  }
  const RecordDef& claim = records_[static_cast<size_t>(RecordId::claim)];
  const RecordDef& patient = records_[static_cast<size_t>(RecordId::patient)];
  claim_start_ = claim.initial;
  claim_start_.insert(claim_start_.end(), patient.initial.begin(), patient.initial.end());
  for (const KeyAlias& alias : kAliases) {
    const auto id = static_cast<size_t>(alias.field);
    if (id >= fields_.size() || !fields_[id].base || fields_[id].name != alias.name)
      continue;
    const FieldDef& f = fields_[id];
    RecordDef& r = records_[f.record];
    const auto position =
        static_cast<uint16_t>(std::find(r.fields.begin(), r.fields.end(), f.id) - r.fields.begin());
    r.keys.Add(alias.key, position);
  }
  return std::nullopt;
}

const FieldDef* Schema::Find(uint16_t record, std::string_view name) const {
  if (record >= records_.size())
    return nullptr;
  const RecordDef& r = records_[record];
  const uint16_t position = r.keys.Find(name);
  if (position != kNoIndex16)
    return &fields_[r.fields[position]];
  for (uint16_t id : r.fields) {  // computed fields have no key
    if (fields_[id].name == name)
      return &fields_[id];
  }
  return nullptr;
}

uint16_t Schema::FindRecord(std::string_view name) const {
  for (size_t i = 0; i < records_.size(); ++i) {
    if (!records_[i].name.empty() && records_[i].name == name)
      return static_cast<uint16_t>(i);
  }
  return kNoIndex16;
}

std::string_view Schema::Alias(uint16_t field) const {
  for (const KeyAlias& alias : kAliases) {
    const auto id = static_cast<size_t>(alias.field);
    if (id == field && id < fields_.size() && fields_[id].base && fields_[id].name == alias.name)
      return alias.key;
  }
  return {};
}

CodeSystem Schema::AddSystem(CodeSystemDef def) {
  systems_.push_back(std::move(def));
  // Past the last prefix byte the number wraps; Finish refuses such a schema.
  return static_cast<CodeSystem>(kFirstDeclaredSystem +
                                 (systems_.size() - 1) % kMaxDeclaredSystems);
}

bool Schema::Knows(CodeSystem system) const {
  return Declared(system) != nullptr ||
         std::find(std::begin(kBuiltinCodeSystems), std::end(kBuiltinCodeSystems), system) !=
             std::end(kBuiltinCodeSystems);
}

std::string_view Schema::SystemName(CodeSystem system) const {
  if (const CodeSystemDef* def = Declared(system))
    return def->name;
  return warrant::SystemName(system);
}

std::optional<CodeSystem> Schema::FindSystem(std::string_view name) const {
  if (std::optional<CodeSystem> builtin = warrant::SystemFromName(name))
    return builtin;
  for (size_t i = 0; i < systems_.size() && i < kMaxDeclaredSystems; ++i) {
    if (systems_[i].name == name)
      return static_cast<CodeSystem>(kFirstDeclaredSystem + i);
  }
  return std::nullopt;
}

std::optional<CodeSystem> Schema::ObservationSystem(std::string_view qualifier) const {
  if (qualifier == "LOINC" || qualifier == "http://loinc.org")
    return CodeSystem::Loinc;
  for (size_t i = 0; i < systems_.size() && i < kMaxDeclaredSystems; ++i) {
    if (systems_[i].name == qualifier || (!systems_[i].uri.empty() && systems_[i].uri == qualifier))
      return static_cast<CodeSystem>(kFirstDeclaredSystem + i);
  }
  return std::nullopt;
}

bool Schema::Extended() const {
  for (const FieldDef& f : fields_) {
    if (!f.base && f.record != static_cast<uint16_t>(RecordId::facts))
      return true;
  }
  return false;
}

std::string Schema::TypeName(const SchemaType& t) const {
  switch (t.kind) {
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      if (t.min != INT64_MIN || t.max != INT64_MAX)
        return fmt::format("int[{}..{}]", t.min, t.max);
      return "int";
    case Kind::Decimal:
      return "decimal";
    case Kind::Money:
      return "money";
    case Kind::String: {
      if (t.one_of == kNoIndex16 || t.one_of >= enums_.size())
        return "string";
      std::string out = "one of [";
      for (size_t i = 0; i < enums_[t.one_of].size(); ++i)
        out += fmt::format("{}{}", i ? ", " : "", QuotedText(enums_[t.one_of][i]));
      return out + "]";
    }
    case Kind::Date:
      return "date";
    case Kind::Code:
      return fmt::format("code<{}>", SystemName(t.system));  // a declared one by its name
    case Kind::List:
      return fmt::format("list<{}>", TypeName(t.Element()));
    case Kind::Map:
      return "map<string>";
    case Kind::Record: {
      if (t.record >= records_.size())
        return "?";
      const RecordDef& r = records_[t.record];
      if (!r.name.empty())
        return r.name;
      std::string out = "(";
      for (size_t i = 0; i < r.fields.size(); ++i) {
        const FieldDef& f = fields_[r.fields[i]];
        out += fmt::format("{}{}: {}", i ? ", " : "", f.name, TypeName(f.type));
      }
      return out + ")";
    }
  }
  return "?";
}

std::optional<SchemaType> Schema::ParseType(std::string_view s) {
  auto inner = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (s.size() > prefix.size() + 1 && s.substr(0, prefix.size()) == prefix && s.back() == '>')
      return s.substr(prefix.size(), s.size() - prefix.size() - 1);
    return std::nullopt;
  };
  SchemaType t;
  if (s == "bool") {
    t.kind = Kind::Bool;
  } else if (s == "int") {
    t.kind = Kind::Int;
  } else if (s.substr(0, 4) == "int[" && s.back() == ']') {
    // Whole numbers only: `int[1.5..2e3]` is a typo in a table, not a range.
    const std::string_view range = s.substr(4, s.size() - 5);
    const size_t dots = range.find("..");
    int64_t lo = 0, hi = 0;
    if (dots == std::string_view::npos || !ParseWhole(range.substr(0, dots), &lo) ||
        !ParseWhole(range.substr(dots + 2), &hi) || lo > hi) {
      return std::nullopt;
    }
    t.kind = Kind::Int;
    t.min = lo;
    t.max = hi;
  } else if (s == "decimal") {
    t.kind = Kind::Decimal;
  } else if (s == "money") {
    t.kind = Kind::Money;
  } else if (s == "string") {
    t.kind = Kind::String;
  } else if (s == "date") {
    t.kind = Kind::Date;
  } else if (s == "map<string>") {
    t.kind = Kind::Map;
  } else if (s.substr(0, 7) == "one of ") {
    std::vector<std::string> values;
    std::string_view rest = s.substr(7);
    if (rest.empty() || rest.front() != '[' || rest.back() != ']')
      return std::nullopt;
    rest = rest.substr(1, rest.size() - 2);
    // Exactly `"a", "b"`, the spelling TypeName writes: anything between the values is an error.
    while (!rest.empty()) {
      if (!values.empty()) {
        if (rest.substr(0, 2) != ", ")
          return std::nullopt;
        rest.remove_prefix(2);
      }
      if (rest.empty() || rest.front() != '"')
        return std::nullopt;
      const size_t close = rest.find('"', 1);
      if (close == std::string_view::npos)
        return std::nullopt;
      values.emplace_back(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
    }
    if (values.empty())
      return std::nullopt;
    t.kind = Kind::String;
    t.one_of = AddEnum(std::move(values));
  } else if (auto in = inner("code<")) {
    const std::optional<CodeSystem> system = FindSystem(*in);
    if (!system)
      return std::nullopt;
    t.kind = Kind::Code;
    t.system = *system;
  } else if (auto list = inner("list<")) {
    const std::optional<SchemaType> elem = ParseType(*list);
    if (!elem || elem->kind == Kind::List || elem->kind == Kind::Map)
      return std::nullopt;
    t = *elem;
    t.kind = Kind::List;
    t.elem = elem->kind;
  } else {
    for (size_t i = 0; i < records_.size(); ++i) {
      if (!records_[i].name.empty() && records_[i].name == s) {
        t.kind = Kind::Record;
        t.record = static_cast<uint16_t>(i);
        return t;
      }
    }
    return std::nullopt;
  }
  return t;
}

}  // namespace warrant
