#include "runtime/records/record_scan.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
// RunShape::Match has an AVX2 form, chosen at run time (GCC and clang on x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#define WARRANT_MATCH_AVX2 1
#include <immintrin.h>
#else
#define WARRANT_MATCH_AVX2 0
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

// Token readers over a cursor `p` that stops at `end` (the input is padded past it), inlined
// where they are used as the scanner's members were. The scanner keeps its position in a member,
// which it stores back after every byte it reads (a char may alias it); loops that read many
// tokens hold a local copy instead, which stays in a register.

[[gnu::always_inline]] inline void SkipSpaceAt(const char*& p, const char* end) {
  while (p < end && IsSpace(*p))
    ++p;
}

// Skips white space, then consumes `c` if it comes next.
[[gnu::always_inline]] inline bool EatAt(const char*& p, const char* end, char c) {
  if (p < end && *p == c) {  // compact JSON: no white space to skip
    ++p;
    return true;
  }
  SkipSpaceAt(p, end);
  if (p < end && *p == c) {
    ++p;
    return true;
  }
  return false;
}

// The next byte after white space, consumed; '\0' at the end of the record. Compact JSON has no
// white space between tokens, so the first test nearly always decides.
[[gnu::always_inline]] inline char TakeAt(const char*& p, const char* end) {
  if (p<end&& static_cast<unsigned char>(*p)> ' ')
    return *p++;
  SkipSpaceAt(p, end);
  return p < end ? *p++ : '\0';
}

#if defined(__SSE2__)
// The bytes a plain string may not hold: a quote, a backslash, a control character, or (a signed
// compare with 0x20) a byte past ASCII. Made once where a loop reads many strings, so the
// constants stay in registers.
struct StopBytes {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);

  // A bit for each of the 16 bytes at `at` that is one of them.
  [[gnu::always_inline]] unsigned At(const char* at) const {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_cmplt_epi8(bytes, space));
    return static_cast<unsigned>(_mm_movemask_epi8(stop));
  }
};
#endif

// The rest of a plain string whose opening quote was just taken; `out` views the input.
[[gnu::always_inline]] inline bool StringRestAt(const char*& p, const char* end,
                                                std::string_view& out) {
  const char* begin = p;
#if defined(__SSE2__)
  // 16 bytes at a time (the input is padded): stop at the first byte that is not plain.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  const auto stops = [&](const char* at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_cmplt_epi8(bytes, space));
    return static_cast<unsigned>(_mm_movemask_epi8(stop));
  };
  // Most strings (codes, dates, names, keys) end within 16 bytes, well under the size limit.
  if (const unsigned mask = stops(p); mask != 0) {
    p += __builtin_ctz(mask);
    if (p >= end || *p != '"')
      return false;
    out = std::string_view(begin, static_cast<size_t>(p - begin));
    ++p;
    return true;
  }
  for (;;) {
    p += 16;
    if (p >= end)
      return false;
    const unsigned mask = stops(p);
    if (mask != 0) {
      p += __builtin_ctz(mask);
      break;
    }
  }
#else
  while (p < end && IsPlain(*p))
    ++p;
#endif
  if (p >= end || *p != '"')
    return false;
  const auto size = static_cast<size_t>(p - begin);
  if (size > kMaxStringBytes)
    return false;
  out = std::string_view(begin, size);
  ++p;
  return true;
}

// A plain string, its opening quote next (after white space).
[[gnu::always_inline]] inline bool StringAt(const char*& p, const char* end,
                                            std::string_view& out) {
  return EatAt(p, end, '"') && StringRestAt(p, end, out);
}

[[gnu::always_inline]] inline bool SkipWordAt(const char*& p, const char* end,
                                              std::string_view rest) {
  if (static_cast<size_t>(end - p) < rest.size() || std::string_view(p, rest.size()) != rest)
    return false;
  p += rest.size();
  return true;
}

// -?(0|[1-9][0-9]*), a JSON number's integer part.
[[gnu::always_inline]] inline bool IntegerPartAt(const char*& p, const char* end) {
  if (p < end && *p == '-')
    ++p;
  const char* digits = p;
  while (p < end && IsDigit(*p))
    ++p;
  return p != digits && (*digits != '0' || p - digits == 1);
}

// (.[0-9]+)?, a JSON number's fraction.
[[gnu::always_inline]] inline bool FractionAt(const char*& p, const char* end) {
  if (p == end || *p != '.')
    return true;
  const char* after = ++p;
  while (p < end && IsDigit(*p))
    ++p;
  return p != after;
}

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, the JSON number grammar.
bool SkipNumberAt(const char*& p, const char* end) {
  if (!IntegerPartAt(p, end) || !FractionAt(p, end))
    return false;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-'))
      ++p;
    const char* after = p;
    while (p < end && IsDigit(*p))
      ++p;
    if (p == after)
      return false;
  }
  return true;
}

// A number, `true`, `false` or `null` at `p`, as SkippedValue reads one.
[[gnu::always_inline]] inline bool ScalarAt(const char*& p, const char* end) {
  if (p == end)
    return false;
  switch (*p) {
    case 't':
      return SkipWordAt(++p, end, "rue");
    case 'f':
      return SkipWordAt(++p, end, "alse");
    case 'n':
      return SkipWordAt(++p, end, "ull");
    default:
      return SkipNumberAt(p, end);
  }
}

// The end of the number or literal at `p` in text the token path accepted.
const char* ScalarEnd(const char* p, const char* end) {
  while (p < end && (IsDigit(*p) || (*p >= 'a' && *p <= 'z') || *p == '.' || *p == 'E' ||
                     *p == '+' || *p == '-'))
    ++p;
  return p;
}

// Whether the bytes at `p` are those of `literal` (without its terminating zero): two loads that
// may overlap, each compared with a constant, where memcmp of a size it cannot inline would be a
// call. At least 8 bytes past `p` must be readable.
template <size_t N>
[[gnu::always_inline]] inline bool SameBytes(const char* p, const char (&literal)[N]) {
  constexpr size_t kSize = N - 1;
  static_assert(kSize >= 1 && kSize <= 16);
  const auto same = [&](auto word, size_t at) {
    decltype(word) want;
    std::memcpy(&word, p + at, sizeof word);
    std::memcpy(&want, literal + at, sizeof want);
    return word ^ want;
  };
  if constexpr (kSize >= 8)
    return (same(uint64_t{}, 0) | same(uint64_t{}, kSize - 8)) == 0;
  else if constexpr (kSize >= 4)
    return (same(uint32_t{}, 0) | same(uint32_t{}, kSize - 4)) == 0;
  else
    return std::memcmp(p, literal, kSize) == 0;
}

// Checks that a value the schema does not know, at `p`, is JSON (plain strings only), to the full
// path's depth limit for a value at `depth`, and returns its end (nullptr: not of that kind); the
// full path would check it and drop it too. The cursor is a local, held in a register. One loop
// over the tokens, the open containers kept as bits (1: an object), rather than a call per token:
// feeds pad records with blocks of fields no schema declares.
const char* SkippedValue(const char* p, const char* end, int depth) {
  uint64_t objects = 0;  // bit k: the k-th open container is an object
  int open = 0;
  std::string_view text;
  for (;;) {
    // A value.
    const char c = TakeAt(p, end);
    switch (c) {
      case '"':
        if (!StringRestAt(p, end, text))
          return nullptr;
        break;
      case '[':
      case '{':
        if (depth + open > kMaxNestingDepth || open == 64)
          return nullptr;  // too deep (the bits hold 64 levels: deeper is the full path's)
        if (EatAt(p, end, c == '[' ? ']' : '}'))
          break;  // empty: a whole value
        objects = (objects & ~(uint64_t{1} << open)) | (uint64_t{c == '{'} << open);
        ++open;
        if (c == '{' && !(StringAt(p, end, text) && EatAt(p, end, ':')))
          return nullptr;
        continue;  // its first value
      case 't':
        if (!SkipWordAt(p, end, "rue"))
          return nullptr;
        break;
      case 'f':
        if (!SkipWordAt(p, end, "alse"))
          return nullptr;
        break;
      case 'n':
        if (!SkipWordAt(p, end, "ull"))
          return nullptr;
        break;
      default:
        if (c != '-' && !IsDigit(c))
          return nullptr;
        --p;
        if (!SkipNumberAt(p, end))
          return nullptr;
        break;
    }
    // After a value: close what ends here, or go on to the next member or element.
    for (;;) {
      if (open == 0)
        return p;
      const bool object = ((objects >> (open - 1)) & 1) != 0;
      const char next = TakeAt(p, end);
      if (next == ',') {
        if (!object)
          break;
        if (!(StringAt(p, end, text) && EatAt(p, end, ':')))
          return nullptr;
        // The member's value: a plain string most often, read here as the top of the loop
        // would read it, without the dispatch.
        if (!(p < end && *p == '"'))
          break;
        ++p;
        if (!StringRestAt(p, end, text))
          return nullptr;
        continue;
      }
      if (next != (object ? '}' : ']'))
        return nullptr;
      --open;
    }
  }
}

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
  Scanner(const Schema& schema, const char* data, size_t size, Claim& claim, ScanMemory& memory,
          std::vector<uint32_t>& scratch, std::vector<ScannedKey>& ignored,
          std::vector<uint32_t>& patterns)
      : schema_(schema),
        p_(data),
        end_(data + size),
        claim_(claim),
        codes_(memory.codes),
        dates_(memory.dates),
        keys_(memory.keys),
        scratch_(scratch),
        ignored_(ignored),
        unread_(memory.unread),
        bulk_(memory.bulk),
        shapes_(memory.shapes),
        wide_(memory.wide),
        patient_positions_(memory.patient_members),
        compact_(memory.compact),
        runs_(memory.runs),
        patterns_(patterns) {}

  bool Record() {
    ignored_.clear();
    patterns_.clear();
    if (!ClaimObject())
      return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  // ---- Tokens ----

  void SkipSpace() { SkipSpaceAt(p_, end_); }

  // Skips white space, then consumes `c` if it comes next.
  bool Eat(char c) { return EatAt(p_, end_, c); }

  // The next byte after white space, consumed; '\0' at the end of the record.
  char Take() { return TakeAt(p_, end_); }

  // A plain string, its opening quote next (after white space); `out` views the input. Inlined
  // by hand: GCC's inliner, which did so on its own before the run's shapes were added, then
  // called it, and the unpadded claims cost 2% more instructions.
  [[gnu::always_inline]] bool String(std::string_view& out) { return StringAt(p_, end_, out); }

  // The rest of a plain string whose opening quote was just taken.
  bool StringRest(std::string_view& out) { return StringRestAt(p_, end_, out); }

  // The digits of -?(0|[1-9][0-9]*), then (`fraction`) an optional .[0-9]+; the token is followed
  // by neither a digit nor a point nor an exponent. Exponents are left to the full path.
  bool Number(std::string_view& out, bool fraction) {
    SkipSpace();
    const char* begin = p_;
    if (!IntegerPartAt(p_, end_) || (fraction && !FractionAt(p_, end_)))
      return false;
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
    return Number(token, /*fraction=*/true) &&
           ParseExactDecimal(token, &out);  // else the full path reports it
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

  // Calls member(position, key) for each member of an object of base record `id`: `position` is
  // the key's in the record, kNoIndex16 for a key it does not know. The key of the same member of
  // the previous object is tried first (KeyOrder).
  template <typename F>
  bool Members(RecordId id, F&& member) {
    if (!Eat('{'))
      return false;
    if (Eat('}'))
      return true;
    return MembersFrom(id, 0, member);
  }

  // Members from member `first` on: the input is at its key, after the comma before it.
  template <typename F>
  bool MembersFrom(RecordId id, size_t first, F&& member) {
    const KeyTable& table = schema_.record(id).keys;
    for (size_t index = first;; ++index) {
      uint16_t position = kNoIndex16;
      std::string_view key;
      uint16_t* guess = index < KeyOrder::kMembers ? &keys_.guess(id, index) : nullptr;
      if (guess != nullptr && *guess < KeyOrder::kUnknown && Written(keys_.token(id, *guess))) {
        const uint8_t size = keys_.token(id, *guess).size;
        key = std::string_view(p_ + 1, size - 3u);
        p_ += size;
        position = *guess;
        unknown_ = nullptr;
      } else if (guess != nullptr && *guess == KeyOrder::kUnknown &&
                 Written(keys_.unknown(id, index))) {
        if (bulk_ && keys_.unknown(id, index).pattern != KeyOrder::kNoPattern &&
            IgnoredDepth(id) != 0) {
          switch (SkipUnknownRun(id, index)) {
            case Run::kFailed:
              return false;
            case Run::kClosed:
              return true;
            case Run::kMore:
              continue;  // the input is at the key of member `index + 1`
          }
        }
        unknown_ = &keys_.unknown(id, index);
        const uint8_t size = unknown_->size;
        key = std::string_view(p_ + 1, size - 3u);
        p_ += size;
      } else {
        unknown_ = nullptr;
        SkipSpace();
        const char* begin = p_;  // the key's opening quote, if any
        if (!String(key) || !Eat(':'))
          return false;
        position = table.FindPadded(key);
        if (guess != nullptr) {
          *guess =
              position != kNoIndex16 && keys_.token(id, position).size != 0 ? position : kNoIndex16;
          if (position == kNoIndex16 && Remember(keys_.unknown(id, index), begin)) {
            *guess = KeyOrder::kUnknown;
            unknown_ = &keys_.unknown(id, index);
          }
        }
      }
      if (!member(position, key))
        return false;
      const char next = Take();
      if (next != ',')
        return next == '}';
    }
  }

  enum class Run : uint8_t { kFailed, kClosed, kMore };

  // Members `index`, `index + 1`, ... of an object of base record `id` (the input is at the key
  // of member `index`, the remembered unknown key there), for as long as each is a key remembered
  // as unknown at its index whose pattern is known, reported and checked as Ignore would. Leaves
  // `index` at the last member read; kMore: the input is at the next member's key, which the
  // caller reads. What is decided is what the member loop would decide. The run is first checked
  // against the shape of the one last read from this member index (RunShape), and reported as
  // one unit if it has it; else it is read token by token (ReadRun), and its shape kept.
  [[gnu::noinline]] Run SkipUnknownRun(RecordId id, size_t& index) {
    const char* value_end = nullptr;
    if (!shapes_)
      return ReadRun(id, index, value_end);
    std::unique_ptr<RunShape>& slot = runs_[static_cast<size_t>(id)][index];
    if (slot == nullptr)
      slot = std::make_unique<RunShape>();
    RunShape& shape = *slot;
    if (!shape.Due())
      return ReadRun(id, index, value_end);
    if (!shape.empty()) {
      if (const char* after = shape.Match(p_, end_, wide_); after != nullptr) {
        shape.Matched();
        if (shape.learning())
          shape.Learn(std::string_view(p_, static_cast<size_t>(after - p_)));
        return AfterShape(shape, after, index);
      }
      shape.Missed();
    }
    const char* const begin = p_;
    const size_t reported = patterns_.size();
    const Run run = ReadRun(id, index, value_end);
    if (run != Run::kFailed && shape.Stale()) {
      shape.Make(std::string_view(begin, static_cast<size_t>(value_end - begin)),
                 std::vector<uint32_t>(patterns_.begin() + static_cast<ptrdiff_t>(reported),
                                       patterns_.end()));
    }
    return run;
  }

  // After a run that had `shape` (its last value ends at `after`): its members' patterns
  // reported together, and the input at the byte after the run, as ReadRun leaves it.
  Run AfterShape(const RunShape& shape, const char* after, size_t& index) {
    const std::vector<uint32_t>& patterns = shape.patterns();
    patterns_.insert(patterns_.end(), patterns.begin(), patterns.end());
    index += patterns.size() - 1;
    p_ = after;
    const char next = Take();
    return next == ',' ? Run::kMore : next == '}' ? Run::kClosed : Run::kFailed;
  }

  // The run read token by token, each member's value by the same Skip loop as Ignore's (a plain
  // string without the call), in one loop rather than a member callback each; `value_end` is
  // where its last value ends.
  [[gnu::noinline]] Run ReadRun(RecordId id, size_t& index, const char*& value_end) {
    // Locals, not members, in the loop: a member would be reloaded after each byte stored.
    const int depth = IgnoredDepth(id);
    const char* p = p_;
    const char* const end = end_;
    std::vector<uint32_t>& patterns = patterns_;
    const KeyOrder::UnknownToken* tokens = &keys_.unknown(id, 0);
    const uint16_t* guesses = &keys_.guess(id, 0);
    size_t at = index;
    Run run = Run::kMore;
    for (;;) {
      const KeyOrder::UnknownToken& token = tokens[at];
      patterns.push_back(token.pattern);
      p += token.size;
      // A plain string, the most common value, read as SkippedValue reads it, without the call.
      bool ok = false;
      if (p < end && *p == '"') {
        ++p;
        std::string_view text;
        ok = StringRestAt(p, end, text);
      } else if (const char* after = SkippedValue(p, end, depth); after != nullptr) {
        p = after;
        ok = true;
      }
      value_end = p;
      const char next = ok ? TakeAt(p, end) : '\0';
      if (next != ',') {
        run = next == '}' ? Run::kClosed : Run::kFailed;
        break;
      }
      const size_t following = at + 1;
      if (following == KeyOrder::kMembers || guesses[following] != KeyOrder::kUnknown ||
          tokens[following].pattern == KeyOrder::kNoPattern || !WrittenAt(p, tokens[following]))
        break;
      at = following;
    }
    p_ = p;
    index = at;
    return run;
  }

  // Remembers the unknown key just read, from `begin` (its opening quote) to `p_` (after its
  // colon), when it was written compactly and fits the token.
  bool Remember(KeyOrder::UnknownToken& token, const char* begin) const {
    const auto size = static_cast<size_t>(p_ - begin);
    if (size > token.bytes.size() || *begin != '"' || p_[-1] != ':' || p_[-2] != '"')
      return false;
    token.bytes.fill('\0');
    std::memcpy(token.bytes.data(), begin, size);
    token.size = static_cast<uint8_t>(size);
    token.mask = size == 32 ? UINT32_MAX : (uint32_t{1} << size) - 1;
    token.pattern = KeyOrder::kNoPattern;
    return true;
  }

  // Whether the input goes on with the unknown key `token` (32 bytes are readable: the input is
  // padded).
  bool Written(const KeyOrder::UnknownToken& token) const { return WrittenAt(p_, token); }

  static bool WrittenAt(const char* p, const KeyOrder::UnknownToken& token) {
#if defined(__SSE2__)
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i want_lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(token.bytes.data()));
    const __m128i want_hi =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(token.bytes.data() + 16));
    const auto equal =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(lo, want_lo))) |
        (static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(hi, want_hi))) << 16);
    return (equal & token.mask) == token.mask;
#else
    return std::memcmp(p, token.bytes.data(), token.size) == 0;
#endif
  }

  // Whether the input goes on with `token` (16 bytes are readable: the input is padded).
  bool Written(const KeyOrder::Token& token) const {
#if defined(__SSE2__)
    // Most keys with their quotes and colon fit in 16 bytes; a longer one (`"place_of_service":`)
    // takes a second compare rather than a look-up of the key.
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
    const __m128i want = _mm_loadu_si128(reinterpret_cast<const __m128i*>(token.bytes.data()));
    auto equal = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, want)));
    if (token.size > 16) {
      const __m128i more = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + 16));
      const __m128i want_more =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(token.bytes.data() + 16));
      equal |= static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(more, want_more))) << 16;
    }
    return (equal & token.mask) == token.mask;
#else
    return std::memcmp(p_, token.bytes.data(), token.size) == 0;
#endif
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

  bool SkipWord(std::string_view rest) {
    return SkipWordAt(p_, end_, rest);
  }

  // Steps over a value the schema does not know at `depth` (SkippedValue).
  bool Skip(int depth) {
    const char* after = SkippedValue(p_, end_, depth);
    if (after == nullptr)
      return false;
    p_ = after;
    return true;
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
    if (f.id < unread_.size() && unread_[f.id])
      return StepOver(f.type);
    Value v;
    if (!ScanValue(f.type, v))
      return false;
    claim_.values[base + f.slot] = v;
    return true;
  }

  // The depth Ignore checks the unknown members of base record `id` at (0: its unknown keys are
  // the full path's, as the facts' are).
  static int IgnoredDepth(RecordId id) {
    switch (id) {
      case RecordId::claim:
        return 1;
      case RecordId::patient:
        return 2;
      case RecordId::line:
      case RecordId::history:
      case RecordId::observation:
        return 3;
      default:
        return 0;
    }
  }

  // A key a base record does not know: reported, then checked to be JSON and stepped over.
  bool Ignore(RecordId record, std::string_view key) {
    // A remembered key matched the input, so its pattern, if known, is this key's; else the
    // decoder looks it up.
    if (unknown_ != nullptr && unknown_->pattern != KeyOrder::kNoPattern) {
      patterns_.push_back(unknown_->pattern);
    } else {
      ignored_.push_back(
          {static_cast<uint8_t>(record), key, unknown_, static_cast<uint32_t>(patterns_.size())});
      patterns_.push_back(KeyOrder::kNoPattern);
    }
    return Skip(IgnoredDepth(record));
  }

  // A value of a field nothing reads (UnreadFields): checked as ScanValue checks it, and left
  // undecoded, its slot keeping its initial value.
  bool StepOver(const SchemaType& type) {
    std::string_view text;
    if (type.kind == Kind::String)
      return String(text);
    return Array(kMaxListItems, [&](size_t) { return String(text); });
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
    return Members(RecordId::claim, [&](uint16_t position, std::string_view key) {
      if (position == kNoIndex16)
        return Ignore(RecordId::claim, key);
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
    Claim& c = claim_;
    c.present.Set(FieldId::claim_patient);
    Seen seen;
    const RecordDef& r = schema_.record(RecordId::patient);
    const auto member = [&](uint16_t position, std::string_view key) {
      if (position == kNoIndex16)
        return Ignore(RecordId::patient, key);
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
    };
    if (Compact(RecordId::patient)) {
      // Its first members read by fixed compares; the rest, if any, by the member loop.
      const int read = CompactPatient();
      if (read == 0)
        return true;
      if (read > 0) {
        for (int i = 0; i < read; ++i)
          seen.First(patient_positions_[static_cast<size_t>(i)]);
        return MembersFrom(RecordId::patient, static_cast<size_t>(read), member);
      }
    }
    return Members(RecordId::patient, member);
  }

  bool Lines() {
    const RecordDef& r = schema_.record(RecordId::line);
    return Array(kMaxLines, [&](size_t) {
      if (Compact(RecordId::line) && CompactLine(r))
        return true;
      LineRecord& line = claim_.AddLine(r);
      Seen seen;
      return Members(RecordId::line, [&](uint16_t position, std::string_view key) {
        if (position == kNoIndex16)
          return Ignore(RecordId::line, key);
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
      if (Compact(RecordId::history) && CompactHistory(r))
        return true;
      HistoryRecord& h = claim_.AddHistory(r);
      Seen seen;
      return Members(RecordId::history, [&](uint16_t position, std::string_view key) {
        if (position == kNoIndex16)
          return Ignore(RecordId::history, key);
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

  // ---- Objects written compactly (ScanMemory::compact) ----
  //
  // An object whose members come in their usual order with no white space between them is read
  // by comparing each key, with its quotes, colon and the comma before it, at once, and its value
  // by the reader the member loop would call, without the loop's look-ups. At the first thing
  // that differs the object is undone (the cursor and every pool put back) and the member loop
  // reads it from its start, deciding it as before: a record refused here is refused there.

  bool Compact(RecordId record) const {
    return compact_[static_cast<size_t>(record)];
  }

  // Steps over `bytes` (a literal: its size known, so the compare is a few loads) if they come
  // next, within the line.
  template <size_t N>
  [[gnu::always_inline]] bool Literal(const char (&bytes)[N]) {
    constexpr size_t kSize = N - 1;
    if (static_cast<size_t>(end_ - p_) < kSize || !SameBytes(p_, bytes))
      return false;
    p_ += kSize;
    return true;
  }

  // Where an object's reading began, to undo it.
  struct Undo {
    const char* p;
    size_t values, codes, strings;
  };

  Undo Mark() const {
    return {p_, claim_.values.size(), claim_.codes.size(), claim_.strings.size()};
  }

  void Back(const Undo& undo) {
    p_ = undo.p;
    claim_.values.resize(undo.values);
    claim_.codes.resize(undo.codes);
    claim_.strings.resize(undo.strings);
  }

  bool CompactLine(const RecordDef& r) {
    const Undo undo = Mark();
    if (!Literal("{\"code\":"))
      return false;
    LineRecord& line = claim_.AddLine(r);
    bool ok = Set(Code(CodeSystem::Hcpcs, line.code), line.present, FieldId::line_code);
    if (ok && Literal(",\"modifiers\":"))
      ok = CodeList(CodeSystem::Modifier, kMaxListItems, line.modifiers);
    if (ok && Literal(",\"units\":"))
      ok = Units(FieldId::line_units, line.units);
    if (ok && Literal("}"))
      return true;
    claim_.lines.pop_back();
    Back(undo);
    return false;
  }

  bool CompactObservation(const RecordDef& r) {
    const Undo undo = Mark();
    if (!Literal("{\"code\":"))
      return false;
    ObservationRecord& o = claim_.AddObservation(r);
    bool ok = Set(ObservationCode(o.code), o.present, FieldId::observation_code);
    if (ok && Literal(",\"value\":"))
      ok = Set(Decimal(o.value), o.present, FieldId::observation_value);
    if (ok && Literal(",\"unit\":"))
      ok = Set(StringRange(o.unit), o.present, FieldId::observation_unit);
    if (ok && Literal(",\"date\":"))
      ok = Set(Date(o.date), o.present, FieldId::observation_date);
    if (ok && Literal("}"))
      return true;
    claim_.observations.pop_back();
    Back(undo);
    return false;
  }

  // After `"patient":`; the claim's presence bit for it is set already. 0: the whole object was
  // read; n > 0: its first n members (id, birth_date, sex in that order) were, and the comma
  // after them, and the input is at the key of member n; -1: nothing was (the input is as it
  // was), for the member loop to read it from its start.
  int CompactPatient() {
    const Undo undo = Mark();
    Claim& c = claim_;
    const Presence present = c.present;
    const Range id = c.patient_id, sex = c.sex;
    const Day birth_date = c.birth_date;
    if (!Literal("{\"id\":"))
      return -1;
    int read = 0;
    if (Set(StringRange(c.patient_id), c.present, FieldId::patient_id)) {
      read = 1;
      if (Literal(",\"birth_date\":"))
        read = Set(Date(c.birth_date), c.present, FieldId::patient_birth_date) ? 2 : 0;
      if (read == 2 && Literal(",\"sex\":"))
        read = Set(StringRange(c.sex), c.present, FieldId::patient_sex) ? 3 : 0;
    }
    if (read > 0) {
      if (Literal("}"))
        return 0;
      if (Literal(","))
        return read;
    }
    c.present = present;
    c.patient_id = id;
    c.sex = sex;
    c.birth_date = birth_date;
    Back(undo);
    return -1;
  }

  // A history entry as feeds and the documentation write it, `{"code":"C","date":"D"}` with no
  // white space: read by four fixed compares, the code and date through the caches, and stored
  // as the member loop would store it. The loop takes about 390 instructions an entry, and
  // entries are most of a claim's members. Anything else (other keys, another order, white space,
  // an escape, a code or date the caches refuse, an entry running past the line) leaves the input
  // untouched for the member loop, which decides it as before.
  bool CompactHistory(const RecordDef& r) {
    static constexpr char kOpen[] = "{\"code\":\"";
    static constexpr char kBetween[] = "\",\"date\":\"";
    constexpr size_t kDate = 10;  // YYYY-MM-DD
    // Every read below lies within 48 bytes of p_, which is at most end_: padding.
    static_assert(kJsonPadding >= 48);
    const char* p = p_;
    if (!SameBytes(p, kOpen))
      return false;
    p += sizeof kOpen - 1;
#if defined(__SSE2__)
    const unsigned stops = StopBytes().At(p);  // the code's closing quote within 16 bytes
    if (stops == 0)
      return false;
    const auto size = static_cast<unsigned>(__builtin_ctz(stops));
    if (p[size] != '"')
      return false;
#else
    unsigned size = 0;
    const auto plain = [](unsigned char c) {
      return c >= ' ' && c < 0x80 && c != '"' && c != '\\';
    };
    while (size < 16 && plain(static_cast<unsigned char>(p[size])))
      ++size;
    if (size == 16 || p[size] != '"')
      return false;
#endif
    const std::string_view code(p, size);
    p += size;
    if (!SameBytes(p, kBetween))
      return false;
    p += sizeof kBetween - 1;
    const std::string_view date(p, kDate);
    if (p[kDate] != '"' || p[kDate + 1] != '}')
      return false;
    p += kDate + 2;
    if (p > end_)
      return false;
    const std::optional<uint64_t> packed = codes_.Pack(CodeSystem::Hcpcs, code);
    const std::optional<Day> day = dates_.Parse(date);
    if (!packed || !day)
      return false;
    HistoryRecord& h = claim_.AddHistory(r);
    h.code = *packed;
    h.present.Set(FieldId::history_code);
    h.date = *day;
    h.present.Set(FieldId::history_date);
    p_ = p;
    return true;
  }

  bool Observations() {
    const RecordDef& r = schema_.record(RecordId::observation);
    return Array(kMaxObservations, [&](size_t) {
      if (Compact(RecordId::observation) && CompactObservation(r))
        return true;
      ObservationRecord& o = claim_.AddObservation(r);
      Seen seen;
      return Members(RecordId::observation, [&](uint16_t position, std::string_view key) {
        if (position == kNoIndex16)
          return Ignore(RecordId::observation, key);
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
    return Members(RecordId::facts, [&](uint16_t position, std::string_view) {
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
  KeyOrder& keys_;
  std::vector<uint32_t>& scratch_;
  std::vector<ScannedKey>& ignored_;
  KeyOrder::UnknownToken* unknown_ = nullptr;  // the current member's remembered unknown key
  const std::vector<bool>& unread_;
  const bool bulk_;
  const bool shapes_;
  const bool wide_;
  const std::array<uint16_t, 3>& patient_positions_;
  const decltype(ScanMemory::compact)& compact_;
  decltype(ScanMemory::runs)& runs_;
  std::vector<uint32_t>& patterns_;
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

std::optional<uint64_t> CodeCache::Miss(Entry& e, CodeSystem system, std::string_view text,
                                        uint64_t word) {
  const std::optional<uint64_t> packed = warrant::Pack(system, text);
  if (packed)
    e = Entry{word, *packed, static_cast<uint8_t>(system), static_cast<uint8_t>(text.size())};
  return packed;
}

bool DateCache::Fill(Entry& e, uint64_t head, std::string_view text) {
  // The month's first day, through the one parser that says what a date is.
  char first[10];
  std::memcpy(first, text.data(), 8);
  first[8] = '0';
  first[9] = '1';
  const std::optional<Day> day = ParseDate(std::string_view(first, 10));
  if (!day)
    return false;
  // ParseDate checked the digits.
  const auto digit = [&](size_t i) { return static_cast<int32_t>(text[i] - '0'); };
  const int32_t year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const int32_t month = digit(5) * 10 + digit(6);
  e = Entry{head, *day, static_cast<uint32_t>(DaysInMonth(year, month))};
  return true;
}

ScanMemory::ScanMemory(const Schema& schema) : keys(schema) {
  // Whether every key of `members` is read as the base field beside it.
  const auto reads = [&](RecordId record,
                         std::initializer_list<std::pair<std::string_view, FieldId>> members) {
    const RecordDef& r = schema.record(record);
    for (const auto& [key, id] : members) {
      const uint16_t position = r.keys.Find(key);
      if (position == kNoIndex16 || position >= r.fields.size())
        return false;
      const FieldDef& f = schema.field(r.fields[position]);
      if (f.id != static_cast<uint16_t>(id) || f.slot != kNoIndex16)
        return false;
    }
    return true;
  };
  const auto set = [&](RecordId record, bool on) { compact[static_cast<size_t>(record)] = on; };
  set(RecordId::history,
      reads(RecordId::history, {{"code", FieldId::history_code}, {"date", FieldId::history_date}}));
  set(RecordId::line, reads(RecordId::line, {{"code", FieldId::line_code},
                                             {"modifiers", FieldId::line_modifiers},
                                             {"units", FieldId::line_units}}));
  set(RecordId::observation, reads(RecordId::observation, {{"code", FieldId::observation_code},
                                                           {"value", FieldId::observation_value},
                                                           {"unit", FieldId::observation_unit},
                                                           {"date", FieldId::observation_date}}));
  set(RecordId::patient, reads(RecordId::patient, {{"id", FieldId::patient_id},
                                                   {"birth_date", FieldId::patient_birth_date},
                                                   {"sex", FieldId::patient_sex}}));
  const KeyTable& patient = schema.record(RecordId::patient).keys;
  patient_members = {patient.Find("id"), patient.Find("birth_date"), patient.Find("sex")};
}

KeyOrder::KeyOrder(const Schema& schema) {
  for (auto& record : guesses_)
    record.fill(kNoIndex16);
  for (size_t id = 0; id < tokens_.size(); ++id) {
    const RecordDef& r = schema.record(static_cast<RecordId>(id));
    for (uint16_t field : r.fields) {
      const std::string written = "\"" + schema.field(field).name + "\":";
      Token& t = tokens_[id].emplace_back();
      if (written.size() > t.bytes.size())
        continue;
      std::memcpy(t.bytes.data(), written.data(), written.size());
      t.size = static_cast<uint8_t>(written.size());
      t.mask = written.size() == 32 ? UINT32_MAX : (uint32_t{1} << written.size()) - 1;
    }
  }
}

bool RunShape::Make(std::string_view text, std::vector<uint32_t> patterns) {
  Clear();
  if (text.size() > kMaxText || patterns.empty()) {
    Missed();  // a run that cannot be kept is read token by token, and tried again seldom
    return false;
  }
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* from = p;  // the current step's bytes start here
  const auto step = [&](const char* to, Value value) {
    AddStep(text_, std::string_view(from, static_cast<size_t>(to - from)), value);
  };
  // The token path accepted the text, so its strings are plain and end at the next quote, and a
  // string followed by a colon is a key.
  while (p < end) {
    const char c = *p;
    if (c == '"') {
      const auto* close =
          static_cast<const char*>(std::memchr(p + 1, '"', static_cast<size_t>(end - p - 1)));
      if (close == nullptr)
        break;
      if (close + 1 < end && close[1] == ':') {
        p = close + 2;  // a key and its colon: bytes to repeat
        continue;
      }
      step(p + 1, Value::kString);
      p = from = close + 1;
    } else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',') {
      ++p;
    } else if (c == '-' || IsDigit(c) || c == 't' || c == 'f' || c == 'n') {
      step(p, Value::kScalar);
      p = from = ScalarEnd(p, end);
    } else {
      break;  // white space: written otherwise than compactly, left to the token path
    }
  }
  if (p != end) {
    Clear();
    Missed();
    return false;
  }
  step(end, Value::kEnd);
  text_.append(32, '\0');
  wild_.assign(text_.size(), '\0');
  patterns_ = std::move(patterns);
  source_.assign(text);
  source_.append(32, '\0');  // Values reads it as it reads a record
  same_.assign(steps_.size(), true);
  same_width_.assign(steps_.size(), true);
  learned_ = 0;
  return true;
}

void RunShape::AddStep(std::string& text, std::string_view bytes, Value value) {
  const auto size = static_cast<uint32_t>(bytes.size());
  // Bytes in the last 32 compared (RepeatsAt, which compares 32 at a time): 1 to 32.
  const uint32_t tail = size <= 32 ? size : (size - 1) % 32 + 1;
  steps_.push_back({size, tail == 32 ? UINT32_MAX : (uint32_t{1} << tail) - 1, value});
  text.append(bytes);
}

void RunShape::AddStep(std::string& text, std::string& wild, std::string_view bytes,
                       std::string_view wild_bytes, Value value) {
  AddStep(text, bytes, value);
  wild.append(wild_bytes);
  steps_.back().wild = wild_bytes.find('\xFF') != std::string_view::npos;
}

void RunShape::Clear() {
  text_.clear();
  wild_.clear();
  steps_.clear();
  patterns_.clear();
  source_.clear();
  same_.clear();
  same_width_.clear();
  learned_ = 0;
}

bool RunShape::Values(std::string_view text, std::vector<std::string_view>& out) const {
  // `text` has the shape (Match said so), so its strings are plain and end at the next quote, and
  // its scalars end where Make ends them.
  out.clear();
  const char* p = text.data();
  const char* const end = p + text.size();
  for (const Step& step : steps_) {
    if (static_cast<size_t>(end - p) < step.size)
      return false;
    p += step.size;
    const char* const begin = p;
    if (step.value == Value::kString) {
      const auto* close =
          static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      if (close == nullptr)
        return false;
      p = close + 1;
    } else if (step.value == Value::kScalar) {
      p = ScalarEnd(p, end);
    }
    out.emplace_back(begin, static_cast<size_t>(p - begin));
  }
  return p == end;
}

void RunShape::Learn(std::string_view text) {
  std::vector<std::string_view> seen, first;
  if (!Values(text, seen) || !Values(Source(), first) || seen.size() != same_.size()) {
    source_.clear();  // not expected: the run matched this shape; stop learning
    return;
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    same_[i] = same_[i] && seen[i] == first[i];
    same_width_[i] = same_width_[i] && seen[i].size() == first[i].size();
  }
  if (++learned_ < kLearn)
    return;
  std::vector<bool> same, same_width;
  same.swap(same_);
  same_width.swap(same_width_);
  Fold(same, same_width);
  source_.clear();
}

void RunShape::Fold(const std::vector<bool>& same, const std::vector<bool>& same_width) {
  std::vector<std::string_view> values;
  if (!Values(Source(), values))
    return;
  const std::vector<Step> steps = std::move(steps_);
  const std::string old_text = std::move(text_);
  steps_.clear();
  std::string text, wild;
  std::string bytes, wild_bytes;  // the current step's
  size_t at = 0;                  // in old_text
  for (size_t i = 0; i < steps.size(); ++i) {
    bytes.append(old_text, at, steps[i].size);
    wild_bytes.append(steps[i].size, '\0');
    at += steps[i].size;
    const Value value = steps[i].value;
    // A number or literal stays a value at the run's end, where no byte after it would show
    // that it ends there (a longer number would match its first digits).
    const bool ends_run = i + 2 == steps.size() && steps[i + 1].size == 0;
    if (value != Value::kEnd && same[i] && !(value == Value::kScalar && ends_run)) {
      bytes.append(values[i]);  // the value's bytes join the step's
      wild_bytes.append(values[i].size(), '\0');
      continue;
    }
    if (value == Value::kString && same_width[i]) {
      // Values() views a string with its closing quote, which the input must repeat; its bytes
      // before that are wild.
      bytes.append(values[i]);
      wild_bytes.append(values[i].size() - 1, '\xFF');
      wild_bytes.push_back('\0');
      continue;
    }
    AddStep(text, wild, bytes, wild_bytes, value);
    bytes.clear();
    wild_bytes.clear();
  }
  text.append(32, '\0');
  wild.append(32, '\0');
  text_ = std::move(text);
  wild_ = std::move(wild);
}

// Byte compares for RunShape::Match (run_shape_match.inc), one set per instruction set: masks
// with a bit per byte, the first byte's lowest. Equal: the bytes at `a` are those at `b`. Fits:
// likewise where `w` is 0, a plain string byte where it is 0xFF. Quotes and Others look at kSpan
// bytes: the quotes; the backslashes, control and non-ASCII bytes. Made once per match, so the
// constants stay in registers.
namespace {

#if defined(__SSE2__)
namespace match_sse2 {

struct Ops {
  static constexpr unsigned kSpan = 16;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);

  [[gnu::always_inline]] static __m128i Load(const char* at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  }

  [[gnu::always_inline]] __m128i NotPlain(__m128i bytes) const {
    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
        _mm_cmplt_epi8(bytes, space));  // signed: non-ASCII bytes too
  }

  [[gnu::always_inline]] static uint32_t Equal16(const char* a, const char* b) {
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(Load(a), Load(b))));
  }

  [[gnu::always_inline]] uint32_t Equal32(const char* a, const char* b) const {
    return Equal16(a, b) | Equal16(a + 16, b + 16) << 16;
  }

  [[gnu::always_inline]] uint32_t Fits16(const char* a, const char* b, const char* w) const {
    const __m128i bytes = Load(a);
    const __m128i wild = Load(w);
    return static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(wild, _mm_cmpeq_epi8(bytes, Load(b))),
                                       _mm_andnot_si128(NotPlain(bytes), wild))));
  }

  [[gnu::always_inline]] uint32_t Fits32(const char* a, const char* b, const char* w) const {
    return Fits16(a, b, w) | Fits16(a + 16, b + 16, w + 16) << 16;
  }

  [[gnu::always_inline]] uint32_t Quotes(const char* a) const {
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(Load(a), quote)));
  }

  [[gnu::always_inline]] uint32_t Others(const char* a) const {
    const __m128i bytes = Load(a);
    return static_cast<uint32_t>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, backslash), _mm_cmplt_epi8(bytes, space))));
  }
};

#include "runtime/records/run_shape_match.inc"

}  // namespace match_sse2

namespace match_base = match_sse2;
#else
namespace match_base {

struct Ops {
  static constexpr unsigned kSpan = 16;

  static uint32_t Equal(const char* a, const char* b, const char* w, unsigned n) {
    uint32_t mask = 0;
    for (unsigned i = 0; i < n; ++i) {
      const bool fits = w != nullptr && w[i] != 0 ? IsPlain(a[i]) : a[i] == b[i];
      mask |= uint32_t{fits} << i;
    }
    return mask;
  }

  uint32_t Equal16(const char* a, const char* b) const { return Equal(a, b, nullptr, 16); }

  uint32_t Equal32(const char* a, const char* b) const { return Equal(a, b, nullptr, 32); }

  uint32_t Fits16(const char* a, const char* b, const char* w) const { return Equal(a, b, w, 16); }

  uint32_t Fits32(const char* a, const char* b, const char* w) const { return Equal(a, b, w, 32); }

  uint32_t Quotes(const char* a) const {
    uint32_t mask = 0;
    for (unsigned i = 0; i < kSpan; ++i)
      mask |= uint32_t{a[i] == '"'} << i;
    return mask;
  }

  uint32_t Others(const char* a) const {
    uint32_t mask = 0;
    for (unsigned i = 0; i < kSpan; ++i)
      mask |= uint32_t{a[i] != '"' && !IsPlain(a[i])} << i;
    return mask;
  }
};

#include "runtime/records/run_shape_match.inc"

}  // namespace match_base
#endif

#if WARRANT_MATCH_AVX2
// The same loop with AVX2's 32-byte compares, for processors that have them (HasAvx2): the
// region below is compiled for AVX2 whatever the build's baseline.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
namespace match_avx2 {

struct Ops {
  static constexpr unsigned kSpan = 32;

  // Written out: an implicit constructor would not be compiled for AVX2. The empty asm hides the
  // constants' values, so they stay in registers rather than being made again at each use.
  Ops()
      : quote(_mm256_set1_epi8('"')),
        backslash(_mm256_set1_epi8('\\')),
        space(_mm256_set1_epi8(0x20)) {
    __asm__("" : "+x"(quote), "+x"(backslash), "+x"(space));
  }

  __m256i quote;
  __m256i backslash;
  __m256i space;
  const match_sse2::Ops narrow;

  [[gnu::always_inline]] static __m256i Load(const char* at) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
  }

  [[gnu::always_inline]] __m256i NotPlain(__m256i bytes) const {
    return _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(bytes, quote), _mm256_cmpeq_epi8(bytes, backslash)),
        _mm256_cmpgt_epi8(space, bytes));  // signed: non-ASCII bytes too
  }

  [[gnu::always_inline]] uint32_t Equal16(const char* a, const char* b) const {
    return narrow.Equal16(a, b);
  }

  [[gnu::always_inline]] uint32_t Equal32(const char* a, const char* b) const {
    return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(Load(a), Load(b))));
  }

  [[gnu::always_inline]] uint32_t Fits16(const char* a, const char* b, const char* w) const {
    return narrow.Fits16(a, b, w);
  }

  [[gnu::always_inline]] uint32_t Fits32(const char* a, const char* b, const char* w) const {
    const __m256i bytes = Load(a);
    const __m256i wild = Load(w);
    return static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_andnot_si256(wild, _mm256_cmpeq_epi8(bytes, Load(b))),
                        _mm256_andnot_si256(NotPlain(bytes), wild))));
  }

  [[gnu::always_inline]] uint32_t Quotes(const char* a) const {
    return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(Load(a), quote)));
  }

  [[gnu::always_inline]] uint32_t Others(const char* a) const {
    const __m256i bytes = Load(a);
    return static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(bytes, backslash), _mm256_cmpgt_epi8(space, bytes))));
  }
};

#include "runtime/records/run_shape_match.inc"

}  // namespace match_avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

const char* RunShape::Match(const char* p, const char* const end, bool wide) const {
#if WARRANT_MATCH_AVX2
  if (wide && HasAvx2())
    return match_avx2::MatchSteps(steps_.data(), text_.data(), wild_.data(), p, end);
#else
  (void)wide;
#endif
  return match_base::MatchSteps(steps_.data(), text_.data(), wild_.data(), p, end);
}

std::vector<bool> UnreadFields(const Schema& schema, const std::vector<bool>& read) {
  std::vector<bool> unread(schema.fields().size(), false);
  if (read.size() != unread.size())
    return {};
  bool any = false;
  for (const FieldDef& f : schema.fields()) {
    const SchemaType& t = f.type;
    const bool plain_string = t.kind == Kind::String && t.one_of == kNoIndex16;
    const bool string_list =
        t.kind == Kind::List && t.elem == Kind::String && t.one_of == kNoIndex16;
    if (!read[f.id] && f.slot != kNoIndex16 && (plain_string || string_list)) {
      unread[f.id] = true;
      any = true;
    }
  }
  return any ? unread : std::vector<bool>{};
}

bool ScanClaim(const Schema& schema, const char* data, size_t size, Claim& out, ScanMemory& memory,
               std::vector<uint32_t>& scratch, std::vector<ScannedKey>& ignored,
               std::vector<uint32_t>& patterns) {
  return Scanner(schema, data, size, out, memory, scratch, ignored, patterns).Record();
}

}  // namespace warrant
