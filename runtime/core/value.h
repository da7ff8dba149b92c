// Value: what the VM computes with — a 16-byte tagged value, trivially copyable, never owning.
//
// Strings point into the pack's constant pool or the current record's string arena; lists and
// records are (kind, index) references into the current record (runtime/records/record.h) or the
// pack's tables. `Unknown` is the third truth value and the value of every missing datum: it
// carries the program counter of the instruction that found the datum missing, so a pended line can
// say exactly what was missing. Decimals are fixed-point with six places, so lab values compare
// exactly as written.
#pragma once

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

namespace warrant {

// Why a value is unknown, so a pend can say so: a datum the claim does not give (the common
// case), or arithmetic whose result is out of range (a number past 64 bits, a date outside
// 0001..9999) or divides by zero.
enum class UnknownCause : uint8_t { Missing, Overflow, DivisionByZero };

enum class Tag : uint8_t {
  Unknown,   // aux = pc of the instruction that produced it (kNoPc if none), sub = UnknownCause
  None,      // `none`: the absence `latest` returns for an empty list; `x is none` is true
  Bool,      // i = 0/1
  Int,       // i
  Decimal,   // i = value * kDecimalScale
  String,    // ptr/len
  Date,      // i = Day
  Duration,  // i = amount, sub = DurationUnit
  Code,      // i = packed code (runtime/core/code.h)
  List,      // sub = ListKind, i = first element index, aux = length
  Record,    // sub = RecordKind, i = index (meaning depends on the kind)
};

inline constexpr int64_t kDecimalScale = 1000000;
inline constexpr uint32_t kNoPc = UINT32_MAX;

enum class DurationUnit : uint8_t { Days, Weeks, Months, Years };

// "days", "weeks", "months", "years": listings, dumps and messages.
constexpr const char* DurationUnitName(DurationUnit unit) {
  switch (unit) {
    case DurationUnit::Days:
      return "days";
    case DurationUnit::Weeks:
      return "weeks";
    case DurationUnit::Months:
      return "months";
    case DurationUnit::Years:
      return "years";
  }
  return "?";
}

// Where a `within` window lies against its anchor date: `d within 12 months before a` is
// a - 12 months <= d < a; `after` is a < d <= a + 12 months; `of` is either side, inclusive. The
// values are the `within` instruction's operand; the names are how source writes them.
enum class WindowSide : uint8_t { Before, After, Of };
inline constexpr const char* kWindowSideNames[] = {"before", "after", "of"};

constexpr const char* WindowSideName(WindowSide side) {
  const auto index = static_cast<size_t>(side);
  return index < std::size(kWindowSideNames) ? kWindowSideNames[index] : "?";
}

// What a List value ranges over. Element i of a list is element (value.i + i) of the backing
// array named here.
enum class ListKind : uint8_t {
  Lines,         // claim lines
  History,       // history entries
  Observations,  // observations
  Codes,         // packed codes in the record's code pool (diagnoses, modifiers, history dx)
  Ints,          // ints in the record's int pool (dx_pointers)
  Context,       // key/value string pairs of an observation context (a map)
  Constants,     // pack constants (a list literal): element = constant (i + k)
  Empty,
  Decimals,  // decimals (and money) in the record's int pool, scaled
  Dates,     // days in the record's int pool
  Bools,     // 0/1 in the record's int pool
  Strings,   // string ranges in the record's text pool
  Objects,   // records of a declared type: element = object (refs[i + k]) of the record
};

enum class RecordKind : uint8_t {
  Claim,        // i unused
  Patient,      // i unused
  Line,         // i = line index (0-based)
  History,      // i = history index
  Observation,  // i = observation index
  TableRow,     // i = row index in the table; aux = table index
  Facts,        // i unused
  Object,       // i = object index in the record (a record of a declared type: a provider, an
                // element of a list of records)
};

// 16 bytes, so that values travel in two registers through calls and returns. A string keeps
// its pointer in `i` and its length in `aux`.
struct Value {
  int64_t i = 0;
  uint32_t aux = kNoPc;
  Tag tag = Tag::Unknown;
  uint8_t sub = 0;

  static Value Unknown(uint32_t pc) {
    Value v;
    v.aux = pc;
    return v;
  }

  static Value Unknown(uint32_t pc, UnknownCause cause) {
    Value v;
    v.aux = pc;
    v.sub = static_cast<uint8_t>(cause);
    return v;
  }

  static Value Overflow(uint32_t pc) { return Unknown(pc, UnknownCause::Overflow); }

  UnknownCause unknown_cause() const { return static_cast<UnknownCause>(sub); }

  static Value None() { return Make(Tag::None, 0); }

  static Value Bool(bool b) { return Make(Tag::Bool, b ? 1 : 0); }

  static Value Int(int64_t n) { return Make(Tag::Int, n); }

  static Value Decimal(int64_t scaled) { return Make(Tag::Decimal, scaled); }

  static Value Date(int32_t day) { return Make(Tag::Date, day); }

  static Value Code(uint64_t packed) { return Make(Tag::Code, static_cast<int64_t>(packed)); }

  static Value Duration(int64_t amount, DurationUnit unit) {
    Value v = Make(Tag::Duration, amount);
    v.sub = static_cast<uint8_t>(unit);
    return v;
  }

  static Value String(std::string_view s) {
    Value v = Make(Tag::String, static_cast<int64_t>(reinterpret_cast<intptr_t>(s.data())));
    v.aux = static_cast<uint32_t>(s.size());
    return v;
  }

  static Value List(ListKind kind, int64_t first, uint32_t length) {
    Value v = Make(Tag::List, first);
    v.sub = static_cast<uint8_t>(kind);
    v.aux = length;
    return v;
  }

  static Value Record(RecordKind kind, int64_t index, uint32_t aux = 0) {
    Value v = Make(Tag::Record, index);
    v.sub = static_cast<uint8_t>(kind);
    v.aux = aux;
    return v;
  }

  bool is_unknown() const { return tag == Tag::Unknown; }

  bool is_true() const { return tag == Tag::Bool && i != 0; }

  bool is_false() const { return tag == Tag::Bool && i == 0; }

  std::string_view str() const {
    return {reinterpret_cast<const char*>(static_cast<intptr_t>(i)), aux};
  }

  uint64_t code() const { return static_cast<uint64_t>(i); }

  ListKind list_kind() const { return static_cast<ListKind>(sub); }

  RecordKind record_kind() const { return static_cast<RecordKind>(sub); }

 private:
  static Value Make(Tag tag, int64_t i) {
    Value v;
    v.tag = tag;
    v.i = i;
    v.aux = 0;
    return v;
  }
};

static_assert(sizeof(Value) == 16, "Value must stay two registers wide");

}  // namespace warrant
