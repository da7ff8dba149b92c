#include "runtime/records/record_scan.h"

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

// Bits of the members seen in one object: a repeated key is left to the full path, which refuses
// the record naming it (R0714), rather than decoded twice here. So is a null value or element.
class Seen {
 public:
  bool First(unsigned member) {
    const uint32_t bit = uint32_t{1} << member;
    if ((bits_ & bit) != 0)
      return false;
    bits_ |= bit;
    return true;
  }

 private:
  uint32_t bits_ = 0;
};

class Scanner {
 public:
  Scanner(const char* data, size_t size, Claim& claim, std::vector<size_t>& line_index,
          CodeCache& codes)
      : p_(data), end_(data + size), claim_(claim), line_index_(line_index), codes_(codes) {}

  bool Record() {
    line_index_.clear();
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
    return Number(token, /*fraction=*/true) && ParseDecimal(token, &out);
  }

  bool Date(Day& out) {
    std::string_view text;
    if (!String(text))
      return false;
    const std::optional<Day> day = ParseDate(text);
    if (!day)
      return false;
    out = *day;
    return true;
  }

  bool Code(CodeSystem system, uint64_t& out) {
    std::string_view text;
    if (!String(text))
      return false;
    const std::optional<uint64_t> packed = codes_.Pack(system, RecordCodeText(system, text));
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

  // ---- Records: the members each object takes, in the order of record_json.cpp ----

  static bool Set(bool ok, Presence& present, FieldId field) {
    if (ok)
      present.Set(field);
    return ok;
  }

  bool ClaimObject() {
    Seen seen;
    Claim& c = claim_;
    return Object([&](std::string_view key) {
      if (key == "id")
        return seen.First(0) && Set(StringRange(c.id), c.present, FieldId::claim_id);
      if (key == "patient")
        return seen.First(1) && Patient();
      if (key == "service_date") {
        return seen.First(2) && Set(Date(c.service_date), c.present, FieldId::claim_service_date);
      }
      if (key == "place_of_service") {
        return seen.First(3) && Set(Code(CodeSystem::Pos, c.place_of_service), c.present,
                                    FieldId::claim_place_of_service);
      }
      if (key == "claim_type") {
        return seen.First(4) &&
               Set(StringRange(c.claim_type), c.present, FieldId::claim_claim_type);
      }
      if (key == "diagnoses")
        return seen.First(5) && CodeList(CodeSystem::Icd10cm, kMaxDiagnoses, c.diagnoses);
      if (key == "lines")
        return seen.First(6) && Lines();
      if (key == "history")
        return seen.First(7) && History();
      if (key == "observations")
        return seen.First(8) && Observations();
      if (key == "facts")
        return false;  // typed by the pack's declarations: the full path
      return Skip(1);
    });
  }

  bool Patient() {
    Seen seen;
    Claim& c = claim_;
    c.present.Set(FieldId::claim_patient);
    return Object([&](std::string_view key) {
      if (key == "id")
        return seen.First(0) && Set(StringRange(c.patient_id), c.present, FieldId::patient_id);
      if (key == "birth_date") {
        return seen.First(1) && Set(Date(c.birth_date), c.present, FieldId::patient_birth_date);
      }
      if (key == "sex")
        return seen.First(2) && Set(StringRange(c.sex), c.present, FieldId::patient_sex);
      if (key == "part_b_effective") {
        return seen.First(3) &&
               Set(Date(c.part_b_effective), c.present, FieldId::patient_part_b_effective);
      }
      return Skip(2);
    });
  }

  bool Lines() {
    return Array(kMaxLines, [&](size_t index) {
      LineRecord& line = claim_.lines.emplace_back();
      line_index_.push_back(index);
      for (FieldId f : {FieldId::line_index, FieldId::line_units, FieldId::line_modifiers,
                        FieldId::line_dx_pointers}) {
        line.present.Set(f);
      }
      Seen seen;
      return Object([&](std::string_view key) {
        if (key == "code") {
          return seen.First(0) &&
                 Set(Code(CodeSystem::Hcpcs, line.code), line.present, FieldId::line_code);
        }
        if (key == "modifiers")
          return seen.First(1) && CodeList(CodeSystem::Modifier, kMaxListItems, line.modifiers);
        if (key == "units")
          return seen.First(2) && Int(line.units);
        if (key == "dx_pointers" || key == "dx_ptr")
          return seen.First(3) && IntList(line.dx_pointers);
        if (key == "date")
          return seen.First(4) && Set(Date(line.date), line.present, FieldId::line_date);
        if (key == "place_of_service") {
          return seen.First(5) &&
                 Set(Code(CodeSystem::Pos, line.pos), line.present, FieldId::line_place_of_service);
        }
        return Skip(3);
      });
    });
  }

  bool History() {
    return Array(kMaxHistory, [&](size_t) {
      HistoryRecord& h = claim_.history.emplace_back();
      for (FieldId f : {FieldId::history_dx, FieldId::history_modifiers, FieldId::history_units})
        h.present.Set(f);
      Seen seen;
      return Object([&](std::string_view key) {
        if (key == "code")
          return seen.First(0) &&
                 Set(Code(CodeSystem::Hcpcs, h.code), h.present, FieldId::history_code);
        if (key == "date")
          return seen.First(1) && Set(Date(h.date), h.present, FieldId::history_date);
        if (key == "status")
          return seen.First(2) && Set(StringRange(h.status), h.present, FieldId::history_status);
        if (key == "dx")
          return seen.First(3) && CodeList(CodeSystem::Icd10cm, kMaxListItems, h.dx);
        if (key == "units")
          return seen.First(4) && Int(h.units);
        if (key == "modifiers")
          return seen.First(5) && CodeList(CodeSystem::Modifier, kMaxListItems, h.modifiers);
        return Skip(3);
      });
    });
  }

  bool Observations() {
    return Array(kMaxObservations, [&](size_t) {
      ObservationRecord& o = claim_.observations.emplace_back();
      o.present.Set(FieldId::observation_context);
      Seen seen;
      return Object([&](std::string_view key) {
        if (key == "code") {
          return seen.First(0) &&
                 Set(Code(CodeSystem::Loinc, o.code), o.present, FieldId::observation_code);
        }
        if (key == "value")
          return seen.First(1) && Set(Decimal(o.value), o.present, FieldId::observation_value);
        if (key == "unit")
          return seen.First(2) && Set(StringRange(o.unit), o.present, FieldId::observation_unit);
        if (key == "date")
          return seen.First(3) && Set(Date(o.date), o.present, FieldId::observation_date);
        if (key == "context")
          return false;  // maps: the full path
        return Skip(3);
      });
    });
  }

  const char* p_;
  const char* end_;
  Claim& claim_;
  std::vector<size_t>& line_index_;
  CodeCache& codes_;
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

bool ScanClaim(const char* data, size_t size, Claim& out, std::vector<size_t>& line_index,
               CodeCache& codes) {
  return Scanner(data, size, out, line_index, codes).Record();
}

}  // namespace warrant
