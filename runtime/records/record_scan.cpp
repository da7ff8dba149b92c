#include "runtime/records/record_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/records/record_json.h"

namespace warrant {
namespace {

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

constexpr bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

#if !defined(__SSE2__)
// A byte a plain string may hold: no quote, backslash, control character or non-ASCII byte
// (those are for the full path, which unescapes and validates UTF-8).
constexpr bool IsPlain(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
}
#endif

// Positions of the members seen in one object: a repeated key is left to the full path, which
// refuses the record naming it (R0714), rather than decoded twice here; so is a record with more
// than 64 fields, and a null value or element.
class Seen {
 public:
  bool First(unsigned member) {
    if (member >= 64)
      return false;
    const uint64_t bit = uint64_t{1} << member;
    if ((bits_ & bit) != 0)
      return false;
    bits_ |= bit;
    return true;
  }

 private:
  uint64_t bits_ = 0;
};

class Scanner {
 public:
  Scanner(const Schema& schema, const char* data, size_t size, Claim& claim, CodeCache& codes,
          DateCache& dates, std::vector<uint32_t>& scratch,
          std::vector<std::pair<uint8_t, std::string_view>>& ignored)
      : schema_(schema),
        p_(data),
        end_(data + size),
        claim_(claim),
        codes_(codes),
        dates_(dates),
        scratch_(scratch),
        ignored_(ignored) {}

  bool Record() {
    ignored_.clear();
    if (!ClaimObject())
      return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  // ---- Tokens ----

  void SkipSpace() {
    while (p_ < end_ && IsSpace(*p_))
      ++p_;
  }

  // Skips white space, then consumes `c` if it comes next.
  bool Eat(char c) {
    if (p_ < end_ && *p_ == c) {  // compact JSON: no white space to skip
      ++p_;
      return true;
    }
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // The next byte after white space, consumed; '\0' at the end of the record. Compact JSON
  // has no white space between tokens, so the first test nearly always decides.
  char Take() {
    if (p_<end_&& static_cast<unsigned char>(*p_)> ' ')
      return *p_++;
    SkipSpace();
    return p_ < end_ ? *p_++ : '\0';
  }

  // A plain string, its opening quote next (after white space); `out` views the input.
  bool String(std::string_view& out) {
    if (!Eat('"'))
      return false;
    const char* begin = p_;
#if defined(__SSE2__)
    // 16 bytes at a time (the input is padded): stop at the first byte that is not plain. A signed
    // compare with 0x20 also catches every byte >= 0x80.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (;;) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      const __m128i stop =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                       _mm_cmplt_epi8(bytes, space));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
      if (mask != 0) {
        p_ += __builtin_ctz(mask);
        break;
      }
      p_ += 16;
      if (p_ >= end_)
        return false;
    }
#else
    while (p_ < end_ && IsPlain(*p_))
      ++p_;
#endif
    if (p_ >= end_ || *p_ != '"')
      return false;
    const auto size = static_cast<size_t>(p_ - begin);
    if (size > kMaxStringBytes)
      return false;
    out = std::string_view(begin, size);
    ++p_;
    return true;
  }

  // The digits of -?(0|[1-9][0-9]*), then (`fraction`) an optional .[0-9]+; the token is followed
  // by neither a digit nor a point nor an exponent. Exponents are left to the full path.
  bool Number(std::string_view& out, bool fraction) {
    SkipSpace();
    const char* begin = p_;
    if (p_ < end_ && *p_ == '-')
      ++p_;
    const char* digits = p_;
    while (p_ < end_ && IsDigit(*p_))
      ++p_;
    if (p_ == digits || (*digits == '0' && p_ - digits > 1))
      return false;
    if (fraction && p_ < end_ && *p_ == '.') {
      const char* after = ++p_;
      while (p_ < end_ && IsDigit(*p_))
        ++p_;
      if (p_ == after)
        return false;
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      return false;
    out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    return true;
  }

  bool Int(int64_t& out) {
    std::string_view token;
    if (!Number(token, /*fraction=*/false))
      return false;
    const bool negative = token.front() == '-';
    if (negative)
      token.remove_prefix(1);
    if (token.size() > 18)  // cannot overflow below; longer ones are for the full path
      return false;
    int64_t value = 0;
    for (char c : token)
      value = value * 10 + (c - '0');
    out = negative ? -value : value;
    return true;
  }

  bool Decimal(int64_t& out) {
    std::string_view token;
    return Number(token, /*fraction=*/true) && ParseDecimal(token, &out) &&
           DecimalIsExact(token);  // else the full path reports it
  }

  bool Date(Day& out) {
    std::string_view text;
    if (!String(text))
      return false;
    const std::optional<Day> day = dates_.Parse(text);
    if (!day)
      return false;
    out = *day;
    return true;
  }

  bool Code(CodeSystem system, uint64_t& out) {
    std::string_view text;
    if (!String(text))
      return false;
    // Only observation codes may name their system: other codes skip the call.
    const std::optional<uint64_t> packed =
        codes_.Pack(system, system == CodeSystem::Loinc ? RecordCodeText(system, text) : text);
    if (!packed)
      return false;
    out = *packed;
    return true;
  }

  // Plain LOINC codes take one scan for `|` more than any other code; a code that names a
  // system nothing declares is the full path's to report.
  bool ObservationCode(uint64_t& out) {
    std::string_view text;
    if (!String(text))
      return false;
    const ObservationCodeText split = SplitObservationCode(schema_, text);
    if (!split.system)
      return false;
    const std::optional<uint64_t> packed = codes_.Pack(*split.system, split.code);
    if (!packed)
      return false;
    out = *packed;
    return true;
  }

  bool StringRange(Range& out) {
    std::string_view text;
    if (!String(text))
      return false;
    out = claim_.AddString(text);
    return true;
  }

  // ---- Structure ----

  // Calls each(index) for each element of an array, at most `max` of them.
  template <typename F>
  bool Array(size_t max, F&& each) {
    if (!Eat('['))
      return false;
    if (Eat(']'))
      return true;
    for (size_t index = 0;; ++index) {
      if (index == max || !each(index))
        return false;
      const char next = Take();
      if (next != ',')
        return next == ']';
    }
  }

  // Calls member(key) for each member of an object; `member` reads the value.
  template <typename F>
  bool Object(F&& member) {
    if (!Eat('{'))
      return false;
    if (Eat('}'))
      return true;
    for (;;) {
      std::string_view key;
      if (!String(key) || !Eat(':') || !member(key))
        return false;
      const char next = Take();
      if (next != ',')
        return next == '}';
    }
  }

  bool CodeList(CodeSystem system, size_t max, Range& out) {
    const auto begin = static_cast<uint32_t>(claim_.codes.size());
    const bool ok = Array(max, [&](size_t) {
      uint64_t code = 0;
      if (!Code(system, code))
        return false;
      claim_.codes.push_back(code);
      return true;
    });
    out = {begin, static_cast<uint32_t>(claim_.codes.size()) - begin};
    return ok;
  }

  bool IntList(Range& out) {
    const auto begin = static_cast<uint32_t>(claim_.ints.size());
    const bool ok = Array(kMaxListItems, [&](size_t) {
      int64_t n = 0;
      if (!Int(n))
        return false;
      claim_.ints.push_back(n);
      return true;
    });
    out = {begin, static_cast<uint32_t>(claim_.ints.size()) - begin};
    return ok;
  }

  // ---- Values the schema does not know ----

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, the JSON number grammar.
  bool SkipNumber() {
    if (p_ < end_ && *p_ == '-')
      ++p_;
    const char* digits = p_;
    while (p_ < end_ && IsDigit(*p_))
      ++p_;
    if (p_ == digits || (*digits == '0' && p_ - digits > 1))
      return false;
    if (p_ < end_ && *p_ == '.') {
      const char* after = ++p_;
      while (p_ < end_ && IsDigit(*p_))
        ++p_;
      if (p_ == after)
        return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-'))
        ++p_;
      const char* after = p_;
      while (p_ < end_ && IsDigit(*p_))
        ++p_;
      if (p_ == after)
        return false;
    }
    return true;
  }

  bool SkipWord(std::string_view rest) {
    if (static_cast<size_t>(end_ - p_) < rest.size() || std::string_view(p_, rest.size()) != rest)
      return false;
    p_ += rest.size();
    return true;
  }

  // Checks that a member the schema does not know is JSON (plain strings only), to the full
  // path's depth limit, and steps over it; the full path would check it and drop it too.
  bool Skip(int depth) {
    SkipSpace();
    if (p_ >= end_)
      return false;
    const char c = *p_;
    if (c == '"') {
      std::string_view text;
      return String(text);
    }
    if (c == '-' || IsDigit(c))
      return SkipNumber();
    ++p_;
    switch (c) {
      case 't':
        return SkipWord("rue");
      case 'f':
        return SkipWord("alse");
      case 'n':
        return SkipWord("ull");
      case '[':
        if (depth > kMaxNestingDepth)
          return false;
        if (Eat(']'))
          return true;
        for (;;) {
          if (!Skip(depth + 1))
            return false;
          const char next = Take();
          if (next != ',')
            return next == ']';
        }
      case '{':
        if (depth > kMaxNestingDepth)
          return false;
        if (Eat('}'))
          return true;
        for (;;) {
          std::string_view key;
          if (!String(key) || !Eat(':') || !Skip(depth + 1))
            return false;
          const char next = Take();
          if (next != ',')
            return next == '}';
        }
      default:
        return false;
    }
  }

  // ---- Values of declared types ----

  bool Word(std::string_view word) {
    SkipSpace();
    return SkipWord(word);
  }

  // A value of `type` (never null: that is the full path's), as the full path's Generic reads it.
  bool ScanValue(const SchemaType& type, Value& out) {
    switch (type.kind) {
      case Kind::Bool:
        if (Word("true")) {
          out = Value::Bool(true);
          return true;
        }
        if (Word("false")) {
          out = Value::Bool(false);
          return true;
        }
        return false;
      case Kind::Int: {
        int64_t n = 0;
        if (!Int(n) || n < type.min || n > type.max)
          return false;
        out = Value::Int(n);
        return true;
      }
      case Kind::Decimal: {
        int64_t n = 0;
        if (!Decimal(n))
          return false;
        out = Value::Decimal(n);
        return true;
      }
      case Kind::Money: {
        std::string_view text;
        SkipSpace();
        if (!(p_ < end_ && *p_ == '"' ? String(text) : Number(text, /*fraction=*/true)))
          return false;
        int64_t n = 0;
        if (ParseMoney(text, kMaxMoney, &n) != MoneyProblem::None)
          return false;
        out = Value::Decimal(n);
        return true;
      }
      case Kind::String: {
        std::string_view text;
        if (!String(text))
          return false;
        if (type.one_of != kNoIndex16) {
          const std::vector<std::string>& values = schema_.enums()[type.one_of];
          if (std::find(values.begin(), values.end(), text) == values.end())
            return false;
        }
        out = claim_.PendingString(text);
        return true;
      }
      case Kind::Date: {
        Day day = 0;
        if (!Date(day))
          return false;
        out = Value::Date(day);
        return true;
      }
      case Kind::Code: {
        uint64_t packed = 0;
        if (!Code(type.system, packed))
          return false;
        out = Value::Code(packed);
        return true;
      }
      case Kind::List:
        return ScanList(type, out);
      case Kind::Record:
        return ScanObject(type.record, out);
      case Kind::Map:
        return false;  // maps: the full path
    }
    return false;
  }

  bool ScanList(const SchemaType& type, Value& out) {
    const SchemaType elem = type.Element();
    ListBuilder list(claim_, scratch_, Schema::ListKindOf(type.elem));
    const bool ok = Array(kMaxListItems, [&](size_t) {
      Value item;
      if (!ScanValue(elem, item))
        return false;
      list.Add(item);
      return true;
    });
    if (!ok) {
      list.Abandon();
      return false;
    }
    out = list.Finish();
    return true;
  }

  bool ScanObject(uint16_t record, Value& out) {
    const RecordDef& r = schema_.record(record);
    const auto index = static_cast<uint32_t>(claim_.objects.size());
    const auto base = static_cast<uint32_t>(claim_.values.size());
    claim_.objects.push_back(ObjectRecord{base, record});
    claim_.values.insert(claim_.values.end(), r.initial.begin(), r.initial.end());
    Seen seen;
    if (!Object([&](std::string_view key) {
          const uint16_t position = r.keys.FindPadded(key);
          return position != kNoIndex16 && seen.First(position) &&
                 Slot(schema_.field(r.fields[position]), base);
        })) {
      return false;
    }
    out = Value::Record(RecordKind::Object, index);
    return true;
  }

  // A generic field of the record instance whose slots start at `base`.
  bool Slot(const FieldDef& f, uint32_t base) {
    Value v;
    if (!ScanValue(f.type, v))
      return false;
    claim_.values[base + f.slot] = v;
    return true;
  }

  // A key a base record does not know: reported, then checked to be JSON and stepped over.
  bool Ignore(RecordId record, std::string_view key, int depth) {
    ignored_.emplace_back(static_cast<uint8_t>(record), key);
    return Skip(depth);
  }

  // ---- Records: the members each object takes, as record_json.cpp reads them ----

  static bool Set(bool ok, Presence& present, FieldId field) {
    if (ok)
      present.Set(field);
    return ok;
  }

  bool Units(FieldId field, int64_t& out) {
    const SchemaType& type = schema_.field(field).type;
    return Int(out) && out >= type.min && out <= type.max;
  }

  bool ClaimObject() {
    Seen seen;
    Claim& c = claim_;
    const RecordDef& r = schema_.record(RecordId::claim);
    return Object([&](std::string_view key) {
      const uint16_t position = r.keys.FindPadded(key);
      if (position == kNoIndex16)
        return Ignore(RecordId::claim, key, 1);
      if (!seen.First(position))
        return false;
      const FieldDef& f = schema_.field(r.fields[position]);
      if (f.slot != kNoIndex16)
        return Slot(f, c.claim_values);
      switch (static_cast<FieldId>(f.id)) {
        case FieldId::claim_id:
          return Set(StringRange(c.id), c.present, FieldId::claim_id);
        case FieldId::claim_patient:
          return Patient();
        case FieldId::claim_service_date:
          return Set(Date(c.service_date), c.present, FieldId::claim_service_date);
        case FieldId::claim_place_of_service:
          return Set(Code(CodeSystem::Pos, c.place_of_service), c.present,
                     FieldId::claim_place_of_service);
        case FieldId::claim_claim_type:
          return Set(StringRange(c.claim_type), c.present, FieldId::claim_claim_type);
        case FieldId::claim_diagnoses:
          return CodeList(CodeSystem::Icd10cm, kMaxDiagnoses, c.diagnoses);
        case FieldId::claim_lines:
          return Lines();
        case FieldId::claim_history:
          return History();
        case FieldId::claim_observations:
          return Observations();
        case FieldId::claim_facts:
          return Facts();
        default:
          return false;
      }
    });
  }

  bool Patient() {
    Seen seen;
    Claim& c = claim_;
    c.present.Set(FieldId::claim_patient);
    const RecordDef& r = schema_.record(RecordId::patient);
    return Object([&](std::string_view key) {
      const uint16_t position = r.keys.FindPadded(key);
      if (position == kNoIndex16)
        return Ignore(RecordId::patient, key, 2);
      if (!seen.First(position))
        return false;
      const FieldDef& f = schema_.field(r.fields[position]);
      if (f.slot != kNoIndex16)
        return Slot(f, c.patient_values);
      switch (static_cast<FieldId>(f.id)) {
        case FieldId::patient_id:
          return Set(StringRange(c.patient_id), c.present, FieldId::patient_id);
        case FieldId::patient_birth_date:
          return Set(Date(c.birth_date), c.present, FieldId::patient_birth_date);
        case FieldId::patient_sex:
          return Set(StringRange(c.sex), c.present, FieldId::patient_sex);
        case FieldId::patient_part_b_effective:
          return Set(Date(c.part_b_effective), c.present, FieldId::patient_part_b_effective);
        default:
          return false;
      }
    });
  }

  bool Lines() {
    const RecordDef& r = schema_.record(RecordId::line);
    return Array(kMaxLines, [&](size_t) {
      LineRecord& line = claim_.lines.emplace_back();
      line.values = static_cast<uint32_t>(claim_.values.size());
      claim_.values.insert(claim_.values.end(), r.initial.begin(), r.initial.end());
      for (FieldId f : {FieldId::line_index, FieldId::line_units, FieldId::line_modifiers,
                        FieldId::line_dx_pointers}) {
        line.present.Set(f);
      }
      Seen seen;
      return Object([&](std::string_view key) {
        const uint16_t position = r.keys.FindPadded(key);
        if (position == kNoIndex16)
          return Ignore(RecordId::line, key, 3);
        if (!seen.First(position))
          return false;
        const FieldDef& f = schema_.field(r.fields[position]);
        if (f.slot != kNoIndex16)
          return Slot(f, line.values);
        switch (static_cast<FieldId>(f.id)) {
          case FieldId::line_code:
            return Set(Code(CodeSystem::Hcpcs, line.code), line.present, FieldId::line_code);
          case FieldId::line_modifiers:
            return CodeList(CodeSystem::Modifier, kMaxListItems, line.modifiers);
          case FieldId::line_units:
            return Units(FieldId::line_units, line.units);
          case FieldId::line_dx_pointers:
            return IntList(line.dx_pointers);
          case FieldId::line_date:
            return Set(Date(line.date), line.present, FieldId::line_date);
          case FieldId::line_place_of_service:
            return Set(Code(CodeSystem::Pos, line.pos), line.present,
                       FieldId::line_place_of_service);
          default:
            return false;
        }
      });
    });
  }

  bool History() {
    const RecordDef& r = schema_.record(RecordId::history);
    return Array(kMaxHistory, [&](size_t) {
      HistoryRecord& h = claim_.history.emplace_back();
      h.values = static_cast<uint32_t>(claim_.values.size());
      claim_.values.insert(claim_.values.end(), r.initial.begin(), r.initial.end());
      h.present.Set(FieldId::history_units);
      Seen seen;
      return Object([&](std::string_view key) {
        const uint16_t position = r.keys.FindPadded(key);
        if (position == kNoIndex16)
          return Ignore(RecordId::history, key, 3);
        if (!seen.First(position))
          return false;
        const FieldDef& f = schema_.field(r.fields[position]);
        if (f.slot != kNoIndex16)
          return Slot(f, h.values);
        switch (static_cast<FieldId>(f.id)) {
          case FieldId::history_code:
            return Set(Code(CodeSystem::Hcpcs, h.code), h.present, FieldId::history_code);
          case FieldId::history_date:
            return Set(Date(h.date), h.present, FieldId::history_date);
          case FieldId::history_status:
            return Set(StringRange(h.status), h.present, FieldId::history_status);
          case FieldId::history_dx:
            return Set(CodeList(CodeSystem::Icd10cm, kMaxListItems, h.dx), h.present,
                       FieldId::history_dx);
          case FieldId::history_units:
            return Units(FieldId::history_units, h.units);
          case FieldId::history_modifiers:
            return Set(CodeList(CodeSystem::Modifier, kMaxListItems, h.modifiers), h.present,
                       FieldId::history_modifiers);
          default:
            return false;
        }
      });
    });
  }

  bool Observations() {
    const RecordDef& r = schema_.record(RecordId::observation);
    return Array(kMaxObservations, [&](size_t) {
      ObservationRecord& o = claim_.observations.emplace_back();
      o.values = static_cast<uint32_t>(claim_.values.size());
      claim_.values.insert(claim_.values.end(), r.initial.begin(), r.initial.end());
      Seen seen;
      return Object([&](std::string_view key) {
        const uint16_t position = r.keys.FindPadded(key);
        if (position == kNoIndex16)
          return Ignore(RecordId::observation, key, 3);
        if (!seen.First(position))
          return false;
        const FieldDef& f = schema_.field(r.fields[position]);
        if (f.slot != kNoIndex16)
          return Slot(f, o.values);
        switch (static_cast<FieldId>(f.id)) {
          case FieldId::observation_code:
            return Set(ObservationCode(o.code), o.present, FieldId::observation_code);
          case FieldId::observation_value:
            return Set(Decimal(o.value), o.present, FieldId::observation_value);
          case FieldId::observation_unit:
            return Set(StringRange(o.unit), o.present, FieldId::observation_unit);
          case FieldId::observation_date:
            return Set(Date(o.date), o.present, FieldId::observation_date);
          default:
            return false;  // context (a map): the full path
        }
      });
    });
  }

  // The declared facts; an undeclared one, or null, is the full path's to report or skip.
  bool Facts() {
    const RecordDef& r = schema_.record(RecordId::facts);
    Seen seen;
    return Object([&](std::string_view key) {
      const uint16_t position = r.keys.FindPadded(key);
      return position != kNoIndex16 && seen.First(position) &&
             ScanValue(schema_.field(r.fields[position]).type, claim_.facts[position]);
    });
  }

  const Schema& schema_;
  const char* p_;
  const char* end_;
  Claim& claim_;
  CodeCache& codes_;
  DateCache& dates_;
  std::vector<uint32_t>& scratch_;
  std::vector<std::pair<uint8_t, std::string_view>>& ignored_;
};

}  // namespace

std::string_view RecordCodeText(CodeSystem system, std::string_view text) {
  if (system == CodeSystem::Loinc) {
    for (std::string_view prefix :
         {std::string_view("LOINC|"), std::string_view("http://loinc.org|")}) {
      if (text.substr(0, prefix.size()) == prefix)
        text.remove_prefix(prefix.size());
    }
  }
  return text;
}

ObservationCodeText SplitObservationCode(const Schema& schema, std::string_view text) {
  const size_t bar = text.find('|');
  if (bar == std::string_view::npos)
    return {CodeSystem::Loinc, text, {}};
  const std::string_view qualifier = text.substr(0, bar);
  return {schema.ObservationSystem(qualifier), text.substr(bar + 1), qualifier};
}

std::optional<uint64_t> CodeCache::Pack(CodeSystem system, std::string_view text) {
  if (text.empty() || text.size() > 8)
    return warrant::Pack(system, text);
  uint64_t word = 0;
  std::memcpy(&word, text.data(), 8);
  if (text.size() < 8)
    word &= (uint64_t{1} << (8 * text.size())) - 1;
  const auto sys = static_cast<uint8_t>(system);
  Entry& e = entries_[((word + sys) * 0x9E3779B97F4A7C15u) >> (64 - kBits)];
  if (e.text == word && e.size == text.size() && e.system == sys)
    return e.packed;
  const std::optional<uint64_t> packed = warrant::Pack(system, text);
  if (packed)
    e = Entry{word, *packed, sys, static_cast<uint8_t>(text.size())};
  return packed;
}

std::optional<Day> DateCache::Parse(std::string_view text) {
  if (text.size() != 10)
    return std::nullopt;
  uint64_t head = 0;
  std::memcpy(&head, text.data(), 8);
  Entry& e = entries_[(head * 0x9E3779B97F4A7C15u) >> (64 - kBits)];
  if (e.head != head) {
    // The month's first day, through the one parser that says what a date is.
    char first[10];
    std::memcpy(first, text.data(), 8);
    first[8] = '0';
    first[9] = '1';
    const std::optional<Day> day = ParseDate(std::string_view(first, 10));
    if (!day)
      return std::nullopt;
    const Civil c = CivilFromDays(*day);
    e = Entry{head, *day, static_cast<uint32_t>(DaysInMonth(c.year, c.month))};
  }
  const uint32_t d0 = static_cast<uint32_t>(static_cast<unsigned char>(text[8])) - uint32_t{'0'};
  const uint32_t d1 = static_cast<uint32_t>(static_cast<unsigned char>(text[9])) - uint32_t{'0'};
  const uint32_t d = d0 * 10 + d1;
  if (d0 > 9 || d1 > 9 || d == 0 || d > e.days)
    return std::nullopt;
  return e.first + static_cast<Day>(d - 1);
}

bool ScanClaim(const Schema& schema, const char* data, size_t size, Claim& out, CodeCache& codes,
               DateCache& dates, std::vector<uint32_t>& scratch,
               std::vector<std::pair<uint8_t, std::string_view>>& ignored) {
  return Scanner(schema, data, size, out, codes, dates, scratch, ignored).Record();
}

}  // namespace warrant
