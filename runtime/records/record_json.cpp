#include "runtime/records/record_json.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/text.h"
#include "runtime/records/record_scan.h"
#include "runtime/records/schema.h"

namespace warrant {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING, "NdjsonReader must pad for simdjson");

namespace {

namespace od = simdjson::ondemand;

struct ErrorRow {
  std::string_view id;
  std::string_view summary;
};

constexpr ErrorRow kErrorRows[] = {
#define WARRANT_RECORD_ERROR(Code, Name, Summary) {#Code, Summary},
#include "runtime/records/record_errors.def"
#undef WARRANT_RECORD_ERROR
};

// ---- Numbers --------------------------------------------------------------------------------
// Read from the token text, never through double: a lab value compares exactly as written. The
// JSON grammar is checked here; decimals are converted by runtime/core/decimal.h, the same parser
// the compiler reads decimal literals with.

constexpr int64_t kExponentCap = 1'000'000'000;  // any larger exponent over- or underflows anyway

struct NumberParts {
  bool negative = false;
  std::string_view whole;     // digits before the point
  std::string_view fraction;  // digits after it
  int64_t exponent = 0;       // saturated at ±kExponentCap
  bool integral = true;       // neither a fraction nor an exponent was written
};

// The JSON number grammar, exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool SplitNumber(std::string_view t, NumberParts& p) {
  const auto digits_end = [&](size_t from) {
    while (from < t.size() && t[from] >= '0' && t[from] <= '9')
      ++from;
    return from;
  };
  size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    p.negative = true;
    ++i;
  }
  size_t end = digits_end(i);
  if (end == i || (t[i] == '0' && end - i > 1))
    return false;
  p.whole = t.substr(i, end - i);
  i = end;
  if (i < t.size() && t[i] == '.') {
    end = digits_end(i + 1);
    if (end == i + 1)
      return false;
    p.fraction = t.substr(i + 1, end - i - 1);
    p.integral = false;
    i = end;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    p.integral = false;
    ++i;
    bool negative_exponent = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
      negative_exponent = t[i++] == '-';
    end = digits_end(i);
    if (end == i)
      return false;
    int64_t e = 0;
    for (; i < end; ++i)
      e = std::min<int64_t>(e * 10 + (t[i] - '0'), kExponentCap);
    p.exponent = negative_exponent ? -e : e;
  }
  return i == t.size();
}

bool ToInt(const NumberParts& p, int64_t& out) {
  const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (p.negative ? 1 : 0);
  uint64_t acc = 0;
  for (char c : p.whole) {
    const auto d = static_cast<uint64_t>(c - '0');
    if (acc > (limit - d) / 10)
      return false;
    acc = acc * 10 + d;
  }
  out = p.negative ? static_cast<int64_t>(0 - acc) : static_cast<int64_t>(acc);
  return true;
}

// ---- Message helpers ------------------------------------------------------------------------

// User text for a message: cut after `max` bytes and made safe to print (runtime/core/text.h), so
// a hostile record cannot blow up or drive the terminal showing an error line.
std::string Clip(std::string_view text, size_t max = 40) {
  return TerminalText(text, {.max = max});
}

std::string_view JsonProblem(simdjson::error_code e) {
  switch (e) {
    case simdjson::EMPTY:
      return "it is empty";
    case simdjson::UTF8_ERROR:
      return "it is not valid UTF-8";
    case simdjson::UNCLOSED_STRING:
      return "a string is not closed";
    case simdjson::STRING_ERROR:
      return "a string has an invalid escape";
    case simdjson::UNESCAPED_CHARS:
      return "a string holds an unescaped control character";
    case simdjson::T_ATOM_ERROR:
      return "a value starting with `t` is not `true`";
    case simdjson::F_ATOM_ERROR:
      return "a value starting with `f` is not `false`";
    case simdjson::N_ATOM_ERROR:
      return "a value starting with `n` is not `null`";
    case simdjson::NUMBER_ERROR:
      return "a number is malformed";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "an object or array is not closed";
    case simdjson::TAPE_ERROR:
      return "a value, comma, colon or bracket is missing or misplaced";
    case simdjson::DEPTH_ERROR:
      return "it is nested too deeply";
    case simdjson::TRAILING_CONTENT:
      return "there is more text after the object";
    default:
      return simdjson::error_message(e);  // simdjson's enum, not ours
  }
}

// ---- Paths ----------------------------------------------------------------------------------

// Where a value sits in the record: "lines[2].units". A chain of parent pointers through the
// callers' stack frames, so descending costs nothing; rendered only for an error. A child of the
// root does not point at it, so `Path().Key("lines")` may outlive its temporary root.
class Path {
 public:
  Path() = default;

  Path Key(std::string_view name) const { return Path(Parent(), name, kNoIndex); }

  Path At(size_t index) const { return Path(Parent(), {}, index); }

  std::string Str() const {
    std::string out;
    Append(out, false);
    return out;
  }

  // The path with every index written `[]`: "lines[].modifier", one name for the same field of
  // every line.
  void Pattern(std::string& out) const {
    out.clear();
    Append(out, true);
  }

 private:
  static constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

  Path(const Path* parent, std::string_view name, size_t index)
      : parent_(parent), name_(name), index_(index) {}

  const Path* Parent() const { return name_.empty() && index_ == kNoIndex ? nullptr : this; }

  void Append(std::string& out, bool pattern) const {
    if (parent_ != nullptr)
      parent_->Append(out, pattern);
    if (index_ != kNoIndex) {
      if (pattern) {
        out += "[]";
      } else {
        out += fmt::format("[{}]", index_);
      }
    } else if (!name_.empty()) {
      if (!out.empty())
        out += '.';
      out += name_;
    }
  }

  const Path* parent_ = nullptr;
  std::string_view name_;
  size_t index_ = kNoIndex;
};

// ---- Types in messages ----------------------------------------------------------------------

std::string_view TypeWord(const SchemaType& type) {
  switch (type.kind) {
    case Kind::Bool:
      return "true or false";
    case Kind::Int:
      return "an integer";
    case Kind::Decimal:
      return "a number";
    case Kind::Money:
      return "an amount (a number or a string with at most two decimal places)";
    case Kind::String:
      return "a string";
    case Kind::Date:
      return "a date string \"YYYY-MM-DD\"";
    case Kind::Code:
      return "a code written as a string";
    case Kind::List:
      return "an array";
    case Kind::Record:
    case Kind::Map:
      return "an object";
  }
  return "a value";
}

// Edit distance, for "did you mean" on an unknown key.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The field of `record` whose name is closest to `key`, if one is close: " (did you mean
// `modifiers`?)".
std::string Suggest(const Schema& schema, uint16_t record, std::string_view key) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, key.size() / 3) + 1;
  for (uint16_t id : schema.record(record).fields) {
    const FieldDef& f = schema.field(id);
    if (f.absent == Absence::Computed)
      continue;
    const size_t d = Distance(key, f.name);
    if (d < best_distance) {
      best_distance = d;
      best = f.name;
    }
  }
  return best.empty() ? std::string() : fmt::format(" (did you mean `{}`?)", best);
}

// ---- The decoding of one record -------------------------------------------------------------

enum class Got : uint8_t { Value, Absent, Failed };

uint64_t OfficePlaceOfService() {
  static const uint64_t kOffice = *Pack(CodeSystem::Pos, "11");
  return kOffice;
}

// The raw text of a scalar, without the whitespace simdjson keeps after it.
std::string_view Token(od::value& v) {
  std::string_view t = v.raw_json_token();
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r')) {
    t.remove_suffix(1);
  }
  return t;
}

std::string_view JsonKind(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "`true` or `false`";
    case od::json_type::null:
      return "`null`";
  }
  return "a value";
}

std::string Found(od::value& v, od::json_type type) {
  switch (type) {
    case od::json_type::array:
    case od::json_type::object:
    case od::json_type::null:
      return std::string(JsonKind(type));
    case od::json_type::number:
      return fmt::format("the number {}", Clip(Token(v)));
    case od::json_type::string:
      return fmt::format("the string {}", Clip(Token(v)));
    case od::json_type::boolean:
      return fmt::format("`{}`", Clip(Token(v)));
  }
  return "a value";
}

// What is wrong with a scalar as JSON, or SUCCESS. Numbers, booleans and null are checked on
// their token text; a string is consumed (unescaping it checks its escapes).
simdjson::error_code CheckScalar(od::value& v, od::json_type type) {
  switch (type) {
    case od::json_type::array:
    case od::json_type::object:
      return simdjson::SUCCESS;
    case od::json_type::number: {
      NumberParts parts;
      return SplitNumber(Token(v), parts) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case od::json_type::boolean: {
      const std::string_view t = Token(v);
      if (t == "true" || t == "false")
        return simdjson::SUCCESS;
      return t.substr(0, 1) == "t" ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
    }
    case od::json_type::null:
      return Token(v) == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
  }
  return simdjson::TAPE_ERROR;
}

// A key without escapes, as it stands in the (validated, padded) input: no copy, no unescaping.
// Null when it holds a backslash.
std::string_view PlainKey(const od::field& member) {
  const char* begin = member.key().raw();
  const char* end = begin;
  while (*end != '"' && *end != '\\')
    ++end;
  return *end == '"' ? std::string_view(begin, static_cast<size_t>(end - begin))
                     : std::string_view();
}

}  // namespace

// Interned path patterns of ignored fields ("lines[].modifier") and how often each was seen.
// Outside the anonymous namespace: RecordDecoder::State holds one.
class IgnoredTable {
 public:
  // Paths past the first kMaxPatterns are counted together, so an input whose every record
  // invents a new key neither slows each lookup nor floods the summary.
  static constexpr size_t kMaxPatterns = 64;

  uint32_t Intern(std::string_view pattern) {
    for (size_t i = 0; i < patterns_.size(); ++i) {
      if (patterns_[i] == pattern)
        return static_cast<uint32_t>(i);
    }
    if (patterns_.size() == kMaxPatterns)
      pattern = "(other paths)";
    else if (patterns_.size() > kMaxPatterns)
      return static_cast<uint32_t>(kMaxPatterns);
    patterns_.emplace_back(pattern);
    totals_.push_back(0);
    return static_cast<uint32_t>(patterns_.size() - 1);
  }

  std::vector<std::string> patterns_;
  std::vector<uint64_t> totals_;  // over successfully decoded records
};

namespace {

class Decoding {
 public:
  Decoding(const Schema& schema, bool strict, Claim& claim, RecordError& error,
           IgnoredTable& ignored, std::vector<uint32_t>& ignored_here,
           std::vector<uint32_t>& scratch, std::vector<bool>& fact_seen)
      : schema_(schema),
        strict_(strict),
        claim_(claim),
        error_(error),
        ignored_(ignored),
        ignored_here_(ignored_here),
        scratch_(scratch),
        fact_seen_(fact_seen) {}

  // The claim's and the patient's generic slots, at the start of `values`; every fact unknown.
  static void Begin(const Schema& schema, Claim& claim) {
    claim.claim_values = 0;
    claim.patient_values = static_cast<uint32_t>(schema.record(RecordId::claim).initial.size());
    const std::span<const Value> start = schema.claim_start();
    claim.values.assign(start.begin(), start.end());
    if (!schema.facts().empty() || !claim.facts.empty())
      claim.facts.assign(schema.facts().size(), Value::Unknown(kNoPc));
  }

  bool Record(od::document& doc) {
    od::json_type type{};
    if (auto e = doc.type().get(type))
      return JsonFail(e, {});
    if (type != od::json_type::object) {
      // The type comes from the first character only: `nope` looks like null. Read the scalar
      // to tell a JSON value that is not an object from text that is not JSON at all.
      simdjson::error_code e = simdjson::SUCCESS;
      switch (type) {
        case od::json_type::null: {
          bool is_null = false;
          e = doc.is_null().get(is_null);
          if (!e && !is_null)
            e = simdjson::N_ATOM_ERROR;
          break;
        }
        case od::json_type::boolean: {
          bool b = false;
          e = doc.get_bool().get(b);
          break;
        }
        case od::json_type::number: {
          od::number n;
          e = doc.get_number().get(n);
          break;
        }
        case od::json_type::string: {
          std::string_view text;
          e = doc.get_string().get(text);
          break;
        }
        case od::json_type::array:
        case od::json_type::object:
          break;
      }
      if (e)
        return JsonFail(e, {});
      return Fail(RecordErrorCode::NotObject, {},
                  fmt::format("the record is {}, not a JSON object", JsonKind(type)));
    }
    od::object root;
    if (auto e = doc.get_object().get(root))
      return JsonFail(e, {});
    if (!ClaimFields(root))
      return false;
    // On Demand reads only what it is asked for: check that nothing follows the object.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS)
      return JsonFail(simdjson::TRAILING_CONTENT, {});
    return Finish();
  }

  bool JsonFail(simdjson::error_code e, const Path& path) {
    const std::string where = path.Str();
    return Fail(RecordErrorCode::NotJson, path,
                where.empty() ? fmt::format("the record is not valid JSON: {}", JsonProblem(e))
                              : fmt::format("the record is not valid JSON: {} (in `{}`)",
                                            JsonProblem(e), Clip(where, 80)),
                /*prefix=*/false);
  }

 private:
  bool Fail(RecordErrorCode code, const Path& path, std::string_view message, bool prefix = true) {
    error_.code = code;
    error_.field = path.Str();
    error_.message = prefix && !error_.field.empty()
                         ? fmt::format("`{}`: {}", Clip(error_.field, 80), message)
                         : std::string(message);
    error_.claim_id =
        claim_.present.Has(FieldId::claim_id) ? std::string(claim_.Str(claim_.id)) : "";
    return false;
  }

  // A member field read: present with a value (each key is read once: Once refuses a repeat).
  static bool Mark(Got got, Presence& present, FieldId field) {
    if (got == Got::Value)
      present.Set(field);
    return got != Got::Failed;
  }

  // A key the schema does not know in `record`: counted by its path pattern and stepped over,
  // or refused with --strict.
  bool Ignore(od::value& v, const Path& path, uint16_t record, std::string_view key, int depth) {
    if (strict_) {
      return Fail(RecordErrorCode::UnknownField, path,
                  fmt::format("the claim schema has no field `{}` here{}", Clip(key),
                              Suggest(schema_, record, key)));
    }
    path.Pattern(pattern_);
    ignored_here_.push_back(ignored_.Intern(pattern_));
    return Skip(v, path, depth);
  }

  // An integer checked against its field's bounds.
  bool InBounds(const SchemaType& type, int64_t n, const Path& path) {
    if (n < type.min) {
      return Fail(RecordErrorCode::OutOfRange, path,
                  fmt::format("{} is below the smallest value allowed, {}", n, type.min));
    }
    if (n > type.max) {
      return Fail(RecordErrorCode::OutOfRange, path,
                  fmt::format("{} is above the largest value allowed, {}", n, type.max));
    }
    return true;
  }

  // ---- Shapes ----

  // The JSON type of `v` checked against `want`; null is Absent. A value of another type is
  // checked to be JSON first, so `tru` is R0701 rather than a type error.
  Got Expect(od::value& v, const Path& path, od::json_type want, std::string_view want_text,
             RecordErrorCode code = RecordErrorCode::WrongType) {
    od::json_type type{};
    if (auto e = v.type().get(type))
      return JsonFail(e, path), Got::Failed;
    if (type == want)
      return Got::Value;
    const std::string found = type == od::json_type::null ? std::string() : Found(v, type);
    if (auto e = CheckScalar(v, type))
      return JsonFail(e, path), Got::Failed;
    if (type == od::json_type::null)
      return Got::Absent;
    Fail(code, path, fmt::format("expected {}, found {}", want_text, found));
    return Got::Failed;
  }

  Got Object(od::value& v, const Path& path, od::object& out,
             RecordErrorCode code = RecordErrorCode::WrongType) {
    const Got got = Expect(v, path, od::json_type::object, "an object", code);
    if (got != Got::Value)
      return got;
    if (auto e = v.get_object().get(out))
      return JsonFail(e, path), Got::Failed;
    return Got::Value;
  }

  // Calls on_field(key, value, path) for each member of `object`.
  template <typename F>
  bool Fields(od::object& object, const Path& path, F&& on_field) {
    for (auto item : object) {
      od::field member;
      if (auto e = std::move(item).get(member))
        return JsonFail(e, path);
      std::string_view key = PlainKey(member);
      if (key.data() == nullptr) {  // the key has escapes: unescape it
        if (auto e = member.unescaped_key().get(key))
          return JsonFail(e, path);
      }
      od::value v = member.value();
      if (!on_field(key, v, path.Key(key)))
        return false;
    }
    return true;
  }

  // Calls each(element, path, index) for each element of the array `v`. The array itself may be
  // null (Absent); an element may not: null in a list is a record error, not a dropped element
  // (the later elements would shift, and messages name input positions).
  template <typename F>
  Got Elements(od::value& v, const Path& path, size_t max, std::string_view what, F&& each,
               RecordErrorCode code = RecordErrorCode::WrongType) {
    const Got got = Expect(v, path, od::json_type::array, "an array", code);
    if (got != Got::Value)
      return got;
    od::array array;
    if (auto e = v.get_array().get(array))
      return JsonFail(e, path), Got::Failed;
    size_t index = 0;
    for (auto item : array) {
      od::value element;
      if (auto e = item.get(element))
        return JsonFail(e, path), Got::Failed;
      if (index == max) {
        Fail(RecordErrorCode::TooLarge, path,
             fmt::format("more than the limit of {} {}", max, what));
        return Got::Failed;
      }
      const Path at = path.At(index);
      od::json_type type{};
      if (auto e = element.type().get(type))
        return JsonFail(e, at), Got::Failed;
      if (type == od::json_type::null) {
        if (auto e = CheckScalar(element, type))
          return JsonFail(e, at), Got::Failed;
        Fail(code, at, "an element of a list cannot be `null` (leave it out of the list)");
        return Got::Failed;
      }
      if (!each(element, at, index))
        return Got::Failed;
      ++index;
    }
    return Got::Value;
  }

  // Checks that a value the schema does not know is JSON, to a bounded depth (no unbounded
  // recursion on `[[[[...`), then drops it.
  bool Skip(od::value& v, const Path& path, int depth) {
    od::json_type type{};
    if (auto e = v.type().get(type))
      return JsonFail(e, path);
    switch (type) {
      case od::json_type::array:
      case od::json_type::object:
        if (depth > kMaxNestingDepth) {
          return Fail(RecordErrorCode::TooLarge, path,
                      fmt::format("nested more than {} levels deep", kMaxNestingDepth));
        }
        if (type == od::json_type::array) {
          od::array array;
          if (auto e = v.get_array().get(array))
            return JsonFail(e, path);
          for (auto item : array) {
            od::value element;
            if (auto e = item.get(element))
              return JsonFail(e, path);
            if (!Skip(element, path, depth + 1))
              return false;
          }
          return true;
        } else {
          od::object object;
          if (auto e = v.get_object().get(object))
            return JsonFail(e, path);
          return Fields(object, path, [&](std::string_view, od::value& member, const Path&) {
            return Skip(member, path, depth + 1);
          });
        }
      case od::json_type::number:
      case od::json_type::string:
      case od::json_type::boolean:
      case od::json_type::null:
        if (auto e = CheckScalar(v, type))
          return JsonFail(e, path);
        return true;
    }
    return JsonFail(simdjson::TAPE_ERROR, path);
  }

  // ---- Scalars (each writes `out` only for Got::Value) ----

  Got String(od::value& v, const Path& path, std::string_view& out,
             std::string_view want_text = "a string",
             RecordErrorCode code = RecordErrorCode::WrongType) {
    // Most values are strings of the right type: read them at once. Anything else (a value of
    // another type is left unread by the failed get_string) takes the checks below.
    if (const simdjson::error_code e = v.get_string().get(out); e == simdjson::INCORRECT_TYPE) {
      const Got got = Expect(v, path, od::json_type::string, want_text, code);
      if (got != Got::Value)
        return got;
      if (auto again = v.get_string().get(out))
        return JsonFail(again, path), Got::Failed;
    } else if (e) {
      return JsonFail(e, path), Got::Failed;
    }
    if (out.size() > kMaxStringBytes) {
      Fail(RecordErrorCode::TooLarge, path,
           fmt::format("a string longer than the limit of {} bytes", kMaxStringBytes));
      return Got::Failed;
    }
    return Got::Value;
  }

  Got StringRange(od::value& v, const Path& path, Range& out) {
    std::string_view s;
    const Got got = String(v, path, s);
    if (got == Got::Value)
      out = claim_.AddString(s);
    return got;
  }

  Got Int(od::value& v, const Path& path, int64_t& out,
          RecordErrorCode code = RecordErrorCode::WrongType) {
    const Got got = Expect(v, path, od::json_type::number, "an integer", code);
    if (got != Got::Value)
      return got;
    const std::string_view token = Token(v);
    NumberParts parts;
    if (!SplitNumber(token, parts))
      return JsonFail(simdjson::NUMBER_ERROR, path), Got::Failed;
    if (!parts.integral) {
      Fail(code, path, fmt::format("expected an integer, found the number {}", Clip(token)));
      return Got::Failed;
    }
    if (!ToInt(parts, out)) {
      Fail(code, path, fmt::format("the number {} is out of range for an integer", Clip(token)));
      return Got::Failed;
    }
    return Got::Value;
  }

  Got Decimal(od::value& v, const Path& path, int64_t& out,
              RecordErrorCode code = RecordErrorCode::WrongType) {
    const Got got = Expect(v, path, od::json_type::number, "a number", code);
    if (got != Got::Value)
      return got;
    const std::string_view token = Token(v);
    NumberParts parts;
    if (!SplitNumber(token, parts))
      return JsonFail(simdjson::NUMBER_ERROR, path), Got::Failed;
    if (!ParseDecimal(token, &out)) {
      Fail(code, path, fmt::format("the number {} is out of range for a decimal", Clip(token)));
      return Got::Failed;
    }
    if (!DecimalIsExact(token)) {
      Fail(RecordErrorCode::OutOfRange, path,
           fmt::format("the number {} has more than six decimal places", Clip(token)));
      return Got::Failed;
    }
    return Got::Value;
  }

  Got Date(od::value& v, const Path& path, Day& out,
           RecordErrorCode type_code = RecordErrorCode::WrongType) {
    std::string_view text;
    const Got got = String(v, path, text, "a date string \"YYYY-MM-DD\"", type_code);
    if (got != Got::Value)
      return got;
    const std::optional<Day> day = ParseDate(text);
    if (!day) {
      Fail(RecordErrorCode::InvalidDate, path,
           fmt::format("`{}` is not a calendar date written YYYY-MM-DD", Clip(text)));
      return Got::Failed;
    }
    out = *day;
    return Got::Value;
  }

  Got Code(od::value& v, const Path& path, CodeSystem system, uint64_t& out,
           RecordErrorCode type_code = RecordErrorCode::WrongType) {
    std::string_view text;
    const Got got = String(v, path, text, "a code written as a string", type_code);
    if (got != Got::Value)
      return got;
    return PackCode(path, system, RecordCodeText(system, text), out);
  }

  // An observation's code: bare (LOINC), or `SYSTEM|CODE` naming LOINC or a declared system.
  Got ObservationCode(od::value& v, const Path& path, uint64_t& out) {
    std::string_view text;
    const Got got = String(v, path, text, "a code written as a string");
    if (got != Got::Value)
      return got;
    const ObservationCodeText split = SplitObservationCode(schema_, text);
    if (!split.system) {
      std::string declared;
      for (const CodeSystemDef& d : schema_.systems())
        declared += fmt::format(", `{}`", d.name);
      Fail(RecordErrorCode::UnknownCodeSystem, path,
           fmt::format(
               "`{}` names no code system of this pack: write LOINC codes bare or "
               "`LOINC|CODE`{}",
               Clip(split.qualifier),
               declared.empty() ? std::string() : "; the pack declares " + declared.substr(2)));
      return Got::Failed;
    }
    return PackCode(path, *split.system, split.code, out);
  }

  // The packing of `text` as a code of `system`, or an error naming the field.
  Got PackCode(const Path& path, CodeSystem system, std::string_view text, uint64_t& out) {
    const std::optional<uint64_t> packed = Pack(system, text);
    if (!packed) {
      constexpr size_t kLongest = 32;  // no valid code comes near: say so instead of echoing it
      // A declared system is named as the pack names it: "`SL-1!` is not a valid payer_local code".
      const CodeSystemDef* declared = schema_.Declared(system);
      const std::string noun =
          declared ? declared->name + " code" : std::string(SystemNoun(system));
      std::string message;
      if (text.size() > kLongest) {
        message = fmt::format("`{}` is not a valid {}: it is {} characters long",
                              Clip(text, kLongest), noun, text.size());
      } else if (declared) {
        message = fmt::format("`{}` is not a valid {}: {}", Clip(text), noun,
                              ValidateReason(system, text).value_or("it is not valid"));
      } else {
        message = Validate(system, text)
                      .value_or(fmt::format("`{}` is not a valid {}", Clip(text), noun));
      }
      Fail(RecordErrorCode::InvalidCode, path, message);
      return Got::Failed;
    }
    out = *packed;
    return Got::Value;
  }

  // money: a number, or a string holding one, with at most two decimal places, never negative.
  Got Money(od::value& v, const Path& path, int64_t& out,
            RecordErrorCode code = RecordErrorCode::WrongType) {
    od::json_type type{};
    if (auto e = v.type().get(type))
      return JsonFail(e, path), Got::Failed;
    std::string_view text;
    if (type == od::json_type::string) {
      const Got got = String(v, path, text, "an amount", code);
      if (got != Got::Value)
        return got;
    } else {
      const Got got = Expect(v, path, od::json_type::number,
                             "an amount (a number, or a string holding one)", code);
      if (got != Got::Value)
        return got;
      text = Token(v);
      NumberParts parts;
      if (!SplitNumber(text, parts))
        return JsonFail(simdjson::NUMBER_ERROR, path), Got::Failed;
    }
    switch (ParseMoney(text, kMaxMoney, &out)) {
      case MoneyProblem::None:
        return Got::Value;
      case MoneyProblem::Malformed:
        Fail(code, path,
             fmt::format("expected an amount written with digits and at most two decimal "
                         "places, found {}",
                         Clip(type == od::json_type::string ? Token(v) : text)));
        return Got::Failed;
      case MoneyProblem::Negative:
        Fail(RecordErrorCode::OutOfRange, path,
             fmt::format("the amount {} is negative", Clip(text)));
        return Got::Failed;
      case MoneyProblem::TooPrecise:
        Fail(RecordErrorCode::OutOfRange, path,
             fmt::format("the amount {} has more than two decimal places (cents)", Clip(text)));
        return Got::Failed;
      case MoneyProblem::TooLarge:
        Fail(RecordErrorCode::OutOfRange, path,
             fmt::format("the amount {} is above the largest allowed, {}", Clip(text),
                         FormatDecimal(kMaxMoney)));
        return Got::Failed;
    }
    return Got::Failed;
  }

  // ---- Lists of the member fields ----

  Got CodeList(od::value& v, const Path& path, CodeSystem system, size_t max, std::string_view what,
               Range& out) {
    const size_t begin = claim_.codes.size();
    const Got got = Elements(v, path, max, what, [&](od::value& element, const Path& at, size_t) {
      uint64_t code = 0;
      if (Code(element, at, system, code) != Got::Value)
        return false;
      claim_.codes.push_back(code);
      return true;
    });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.codes.size() - begin)};
    return got;
  }

  Got IntList(od::value& v, const Path& path, Range& out) {
    const size_t begin = claim_.ints.size();
    const Got got = Elements(v, path, kMaxListItems, "diagnosis pointers",
                             [&](od::value& element, const Path& at, size_t) {
                               int64_t n = 0;
                               if (Int(element, at, n) != Got::Value)
                                 return false;
                               claim_.ints.push_back(n);
                               return true;
                             });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.ints.size() - begin)};
    return got;
  }

  // map<string>: string keys to string values, each key once; a null value leaves its key out.
  Got Context(od::value& v, const Path& path, Range& out) {
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got;
    const size_t begin = claim_.pairs.size();
    const bool ok =
        Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
          std::string_view text;
          const Got value = String(member, at, text);
          if (value == Got::Failed)
            return false;
          auto& pairs = claim_.pairs;
          // As for the schema's keys (R0714): of two values, which was meant is not guessed.
          if (std::any_of(pairs.begin() + static_cast<ptrdiff_t>(begin), pairs.end(),
                          [&](const auto& p) { return claim_.Str(p.first) == key; })) {
            return Fail(RecordErrorCode::DuplicateKey, at, "the key is given twice in one object");
          }
          if (pairs.size() - begin == kMaxListItems) {
            return Fail(RecordErrorCode::TooLarge, path,
                        fmt::format("more than the limit of {} keys", kMaxListItems));
          }
          if (value == Got::Value)
            pairs.emplace_back(claim_.AddString(key), claim_.AddString(text));
          return true;
        });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.pairs.size() - begin)};
    return ok ? Got::Value : Got::Failed;
  }

  // ---- Values of declared types (fields a pack adds, facts, WARRANT_DATA base fields) ----

  // Reads `v` as a `type` into `out`. `code` is the error of a value of the wrong shape (R0706
  // inside facts).
  Got Generic(od::value& v, const Path& path, const SchemaType& type, Value& out,
              RecordErrorCode code) {
    switch (type.kind) {
      case Kind::Bool: {
        const Got got = Expect(v, path, od::json_type::boolean, TypeWord(type), code);
        if (got != Got::Value)
          return got;
        if (auto e = CheckScalar(v, od::json_type::boolean))
          return JsonFail(e, path), Got::Failed;
        out = Value::Bool(Token(v) == "true");
        return Got::Value;
      }
      case Kind::Int: {
        int64_t n = 0;
        const Got got = Int(v, path, n, code);
        if (got != Got::Value)
          return got;
        if (!InBounds(type, n, path))
          return Got::Failed;
        out = Value::Int(n);
        return Got::Value;
      }
      case Kind::Decimal: {
        int64_t n = 0;
        const Got got = Decimal(v, path, n, code);
        if (got == Got::Value)
          out = Value::Decimal(n);
        return got;
      }
      case Kind::Money: {
        int64_t n = 0;
        const Got got = Money(v, path, n, code);
        if (got == Got::Value)
          out = Value::Decimal(n);
        return got;
      }
      case Kind::String: {
        std::string_view text;
        const Got got = String(v, path, text, TypeWord(type), code);
        if (got != Got::Value)
          return got;
        if (type.one_of != kNoIndex16) {
          const std::vector<std::string>& values = schema_.enums()[type.one_of];
          if (std::find(values.begin(), values.end(), text) == values.end()) {
            std::string list;
            for (const std::string& s : values)
              list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", s);
            Fail(code == RecordErrorCode::InvalidFact ? code : RecordErrorCode::OutOfRange, path,
                 fmt::format("\"{}\" is not one of the allowed values: {}", Clip(text),
                             Clip(list, 200)));
            return Got::Failed;
          }
        }
        out = claim_.PendingString(text);
        return Got::Value;
      }
      case Kind::Date: {
        Day day = 0;
        const Got got = Date(v, path, day, code);
        if (got == Got::Value)
          out = Value::Date(day);
        return got;
      }
      case Kind::Code: {
        uint64_t packed = 0;
        const Got got = Code(v, path, type.system, packed, code);
        if (got == Got::Value)
          out = Value::Code(packed);
        return got;
      }
      case Kind::List:
        return List(v, path, type, out, code);
      case Kind::Record:
        return Object(v, path, type.record, out, code);
      case Kind::Map: {
        Range r;
        const Got got = Context(v, path, r);
        if (got == Got::Value)
          out = Value::List(ListKind::Context, r.begin, r.count);
        return got;
      }
    }
    return Got::Failed;
  }

  // A list of a declared type (ListBuilder says where its elements go).
  Got List(od::value& v, const Path& path, const SchemaType& type, Value& out,
           RecordErrorCode code) {
    const SchemaType elem = type.Element();
    ListBuilder list(claim_, scratch_, Schema::ListKindOf(type.elem));
    const Got got = Elements(
        v, path, kMaxListItems, "list elements",
        [&](od::value& element, const Path& at, size_t) {
          Value item;
          if (Generic(element, at, elem, item, code) != Got::Value)
            return false;
          list.Add(item);
          return true;
        },
        code);
    if (got != Got::Value) {
      list.Abandon();
      return got;
    }
    out = list.Finish();
    return Got::Value;
  }

  // A record of a declared type: a new object whose slots start as the record says.
  Got Object(od::value& v, const Path& path, uint16_t record, Value& out, RecordErrorCode code) {
    od::object object;
    const Got got = Object(v, path, object, code);
    if (got != Got::Value)
      return got;
    const RecordDef& r = schema_.record(record);
    const auto index = static_cast<uint32_t>(claim_.objects.size());
    const auto base = static_cast<uint32_t>(claim_.values.size());
    claim_.objects.push_back(ObjectRecord{base, record});
    claim_.values.insert(claim_.values.end(), r.initial.begin(), r.initial.end());
    Seen seen;
    const bool ok =
        Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
          const uint16_t position = r.keys.Find(key);
          if (position == kNoIndex16) {
            if (code == RecordErrorCode::InvalidFact) {
              return Fail(code, at,
                          fmt::format("the fact's record has no field `{}`{}", Clip(key),
                                      Suggest(schema_, record, key)));
            }
            return Ignore(member, at, record, key, 2);
          }
          if (!Once(seen, position, key, at))
            return false;
          return Slot(member, at, schema_.field(r.fields[position]), base, code);
        });
    if (!ok)
      return Got::Failed;
    out = Value::Record(RecordKind::Object, index);
    return Got::Value;
  }

  // A generic field of the record instance whose slots start at `base`: its value, or what it
  // is when absent (null clears an earlier key's value).
  bool Slot(od::value& v, const Path& path, const FieldDef& f, uint32_t base,
            RecordErrorCode code = RecordErrorCode::WrongType) {
    Value value;
    const Got got = Generic(v, path, f.type, value, code);
    if (got == Got::Failed)
      return false;
    claim_.values[base + f.slot] =
        got == Got::Value ? value : schema_.record(f.record).initial[f.slot];
    return true;
  }

  // The field `key` of a base record, or null; `position` is its place among the record's fields.
  const FieldDef* Lookup(RecordId record, std::string_view key, uint16_t& position) const {
    const RecordDef& r = schema_.record(record);
    position = r.keys.Find(key);
    return position == kNoIndex16 ? nullptr : &schema_.field(r.fields[position]);
  }

  // The positions of a record's fields given so far in one object (facts have their own, in
  // fact_seen_: there may be more of them than a record has fields).
  using Seen = std::bitset<kMaxFields>;

  // A key the schema knows may be given once per object: of two values (or a value and a null),
  // which one was meant is not ours to guess, so the record is refused naming the key. Keys the
  // schema does not know are dropped whatever they repeat.
  bool Once(Seen& seen, uint16_t position, std::string_view key, const Path& path) {
    if (!seen.test(position)) {
      seen.set(position);
      return true;
    }
    return Fail(RecordErrorCode::DuplicateKey, path,
                key == "dx_ptr" || key == "dx_pointers"
                    ? "the key is given twice in one object (`dx_ptr` is another name for "
                      "`dx_pointers`)"
                    : "the key is given twice in one object");
  }

  // ---- Records ----

  bool ClaimFields(od::object& root) {
    Seen seen;
    return Fields(root, {}, [&](std::string_view key, od::value& v, const Path& path) {
      Claim& c = claim_;
      uint16_t position = 0;
      const FieldDef* f = Lookup(RecordId::claim, key, position);
      if (f == nullptr)
        return Ignore(v, path, static_cast<uint16_t>(RecordId::claim), key, 1);
      if (!Once(seen, position, key, path))
        return false;
      if (f->slot != kNoIndex16)
        return Slot(v, path, *f, c.claim_values);
      switch (static_cast<FieldId>(f->id)) {
        case FieldId::claim_id:
          return Mark(StringRange(v, path, c.id), c.present, FieldId::claim_id);
        case FieldId::claim_patient:
          return Patient(v, path);
        case FieldId::claim_service_date:
          return Mark(Date(v, path, c.service_date), c.present, FieldId::claim_service_date);
        case FieldId::claim_place_of_service:
          return Mark(Code(v, path, CodeSystem::Pos, c.place_of_service), c.present,
                      FieldId::claim_place_of_service);
        case FieldId::claim_claim_type:
          return Mark(StringRange(v, path, c.claim_type), c.present, FieldId::claim_claim_type);
        case FieldId::claim_diagnoses:
          return CodeList(v, path, CodeSystem::Icd10cm, kMaxDiagnoses, "diagnoses", c.diagnoses) !=
                 Got::Failed;
        case FieldId::claim_lines:
          return Lines(v, path);
        case FieldId::claim_history:
          return History(v, path);
        case FieldId::claim_observations:
          return Observations(v, path);
        case FieldId::claim_facts:
          return Facts(v, path);
        default:
          return Skip(v, path, 1);
      }
    });
  }

  // `patient`: null is absent (every patient field unknown).
  bool Patient(od::value& v, const Path& path) {
    Claim& c = claim_;
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got == Got::Absent;
    c.present.Set(FieldId::claim_patient);
    Seen seen;
    return Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
      uint16_t position = 0;
      const FieldDef* f = Lookup(RecordId::patient, key, position);
      if (f == nullptr)
        return Ignore(member, at, static_cast<uint16_t>(RecordId::patient), key, 2);
      if (!Once(seen, position, key, at))
        return false;
      if (f->slot != kNoIndex16)
        return Slot(member, at, *f, c.patient_values);
      switch (static_cast<FieldId>(f->id)) {
        case FieldId::patient_id:
          return Mark(StringRange(member, at, c.patient_id), c.present, FieldId::patient_id);
        case FieldId::patient_birth_date:
          return Mark(Date(member, at, c.birth_date), c.present, FieldId::patient_birth_date);
        case FieldId::patient_sex:
          return Mark(StringRange(member, at, c.sex), c.present, FieldId::patient_sex);
        case FieldId::patient_part_b_effective:
          return Mark(Date(member, at, c.part_b_effective), c.present,
                      FieldId::patient_part_b_effective);
        default:
          return Skip(member, at, 2);
      }
    });
  }

  // A unit count: an integer within the field's bounds; null is the default, 1.
  bool Units(od::value& v, const Path& path, FieldId field, int64_t& out) {
    const Got got = Int(v, path, out);
    if (got == Got::Absent)
      out = 1;
    return got == Got::Absent ||
           (got == Got::Value && InBounds(schema_.field(field).type, out, path));
  }

  bool Lines(od::value& v, const Path& path) {
    claim_.lines.clear();
    return Elements(v, path, kMaxLines, "lines", [&](od::value& element, const Path& at, size_t) {
             od::object object;
             if (Object(element, at, object) != Got::Value)
               return false;
             return Line(object, at);
           }) != Got::Failed;
  }

  bool Line(od::object& object, const Path& at) {
    const RecordDef& record = schema_.record(RecordId::line);
    LineRecord& line = claim_.AddLine(record);
    Seen seen;
    return Fields(object, at, [&](std::string_view key, od::value& member, const Path& field) {
      uint16_t position = 0;
      const FieldDef* f = Lookup(RecordId::line, key, position);
      if (f == nullptr)
        return Ignore(member, field, static_cast<uint16_t>(RecordId::line), key, 3);
      if (!Once(seen, position, key, field))
        return false;
      if (f->slot != kNoIndex16)
        return Slot(member, field, *f, line.values);
      switch (static_cast<FieldId>(f->id)) {
        case FieldId::line_code:
          return Mark(Code(member, field, CodeSystem::Hcpcs, line.code), line.present,
                      FieldId::line_code);
        case FieldId::line_modifiers:
          return CodeList(member, field, CodeSystem::Modifier, kMaxListItems, "modifiers",
                          line.modifiers) != Got::Failed;
        case FieldId::line_units:
          return Units(member, field, FieldId::line_units, line.units);
        case FieldId::line_dx_pointers:
          return IntList(member, field, line.dx_pointers) != Got::Failed;
        case FieldId::line_date:
          return Mark(Date(member, field, line.date), line.present, FieldId::line_date);
        case FieldId::line_place_of_service:
          return Mark(Code(member, field, CodeSystem::Pos, line.pos), line.present,
                      FieldId::line_place_of_service);
        default:
          return Skip(member, field, 3);
      }
    });
  }

  bool History(od::value& v, const Path& path) {
    claim_.history.clear();
    const RecordDef& record = schema_.record(RecordId::history);
    return Elements(v, path, kMaxHistory, "history entries",
                    [&](od::value& element, const Path& at, size_t) {
                      od::object object;
                      if (Object(element, at, object) != Got::Value)
                        return false;
                      HistoryRecord& h = claim_.AddHistory(record);
                      Seen seen;
                      return Fields(
                          object, at,
                          [&](std::string_view key, od::value& member, const Path& field) {
                            uint16_t position = 0;
                            const FieldDef* f = Lookup(RecordId::history, key, position);
                            if (f == nullptr) {
                              return Ignore(member, field, static_cast<uint16_t>(RecordId::history),
                                            key, 3);
                            }
                            if (!Once(seen, position, key, field))
                              return false;
                            if (f->slot != kNoIndex16)
                              return Slot(member, field, *f, h.values);
                            switch (static_cast<FieldId>(f->id)) {
                              case FieldId::history_code:
                                return Mark(Code(member, field, CodeSystem::Hcpcs, h.code),
                                            h.present, FieldId::history_code);
                              case FieldId::history_date:
                                return Mark(Date(member, field, h.date), h.present,
                                            FieldId::history_date);
                              case FieldId::history_status:
                                return Mark(StringRange(member, field, h.status), h.present,
                                            FieldId::history_status);
                              // Absent lists are unknown, [] is empty (language.md §7).
                              case FieldId::history_dx:
                                return Mark(CodeList(member, field, CodeSystem::Icd10cm,
                                                     kMaxListItems, "diagnoses", h.dx),
                                            h.present, FieldId::history_dx);
                              case FieldId::history_units:
                                return Units(member, field, FieldId::history_units, h.units);
                              case FieldId::history_modifiers:
                                return Mark(CodeList(member, field, CodeSystem::Modifier,
                                                     kMaxListItems, "modifiers", h.modifiers),
                                            h.present, FieldId::history_modifiers);
                              default:
                                return Skip(member, field, 3);
                            }
                          });
                    }) != Got::Failed;
  }

  bool Observations(od::value& v, const Path& path) {
    claim_.observations.clear();
    const RecordDef& record = schema_.record(RecordId::observation);
    return Elements(v, path, kMaxObservations, "observations",
                    [&](od::value& element, const Path& at, size_t) {
                      od::object object;
                      if (Object(element, at, object) != Got::Value)
                        return false;
                      ObservationRecord& o = claim_.AddObservation(record);
                      Seen seen;
                      return Fields(
                          object, at,
                          [&](std::string_view key, od::value& member, const Path& field) {
                            uint16_t position = 0;
                            const FieldDef* f = Lookup(RecordId::observation, key, position);
                            if (f == nullptr) {
                              return Ignore(member, field,
                                            static_cast<uint16_t>(RecordId::observation), key, 3);
                            }
                            if (!Once(seen, position, key, field))
                              return false;
                            if (f->slot != kNoIndex16)
                              return Slot(member, field, *f, o.values);
                            switch (static_cast<FieldId>(f->id)) {
                              case FieldId::observation_code:
                                return Mark(ObservationCode(member, field, o.code), o.present,
                                            FieldId::observation_code);
                              case FieldId::observation_value:
                                return Mark(Decimal(member, field, o.value), o.present,
                                            FieldId::observation_value);
                              case FieldId::observation_unit:
                                return Mark(StringRange(member, field, o.unit), o.present,
                                            FieldId::observation_unit);
                              case FieldId::observation_date:
                                return Mark(Date(member, field, o.date), o.present,
                                            FieldId::observation_date);
                              case FieldId::observation_context:
                                return Mark(Context(member, field, o.context), o.present,
                                            FieldId::observation_context);
                              default:
                                return Skip(member, field, 3);
                            }
                          });
                    }) != Got::Failed;
  }

  // The claim's `facts`, checked against the declarations.
  bool Facts(od::value& v, const Path& path) {
    for (Value& fact : claim_.facts)
      fact = Value::Unknown(kNoPc);
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got == Got::Absent;
    const RecordDef& record = schema_.record(RecordId::facts);
    std::vector<bool>& seen = fact_seen_;
    seen.assign(record.fields.size(), false);
    return Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
      const uint16_t position = record.keys.Find(key);
      if (position != kNoIndex16) {
        if (seen[position])
          return Fail(RecordErrorCode::DuplicateKey, at, "the fact is given twice");
        seen[position] = true;
      }
      if (position == kNoIndex16) {
        od::json_type type{};
        if (auto e = member.type().get(type))
          return JsonFail(e, at);
        if (type == od::json_type::null) {  // unknown, declared or not
          if (auto e = CheckScalar(member, type))
            return JsonFail(e, at);
          return true;
        }
        return Fail(
            RecordErrorCode::InvalidFact, at,
            record.fields.empty()
                ? fmt::format("the pack declares no facts, so `{}` cannot be given", Clip(key))
                : fmt::format("the pack declares no fact `{}` (it declares {})", Clip(key),
                              Clip(FactNames(), 200)));
      }
      const FieldDef& fact = schema_.field(record.fields[position]);
      Value value;
      const Got read = Generic(member, at, fact.type, value, RecordErrorCode::InvalidFact);
      if (read == Got::Failed)
        return false;
      claim_.facts[position] = read == Got::Value ? value : Value::Unknown(kNoPc);
      return true;
    });
  }

  // "`a`, `b`, `c`", sorted, for a message about an undeclared fact.
  std::string FactNames() const {
    std::vector<std::string_view> names;
    for (uint16_t id : schema_.facts())
      names.push_back(schema_.field(id).name);
    std::sort(names.begin(), names.end());
    std::string out;
    for (std::string_view name : names)
      out += fmt::format("{}`{}`", out.empty() ? "" : ", ", name);
    return out;
  }

  // ---- After the whole object: defaults, cross-field checks, derived data ----

 public:
  // Also run after the fast path (record_scan.h) has read the object.
  bool Finish() {
    Claim& c = claim_;
    if (!c.present.Has(FieldId::claim_place_of_service))
      c.place_of_service = OfficePlaceOfService();
    if (!c.present.Has(FieldId::claim_claim_type))
      c.claim_type = c.AddString("professional");
    // Every string is in place now (Finish adds no more): point the generic slots' strings at it.
    // The walk stops at the last one.
    uint32_t pending = c.pending_strings;
    for (auto* values : {&c.values, &c.facts}) {
      for (auto v = values->begin(); pending != 0 && v != values->end(); ++v) {
        if (v->tag == Tag::String && v->sub == 1) {
          *v = Value::String(c.Str({static_cast<uint32_t>(v->i), v->aux}));
          --pending;
        }
      }
    }
    for (FieldId f : {FieldId::claim_place_of_service, FieldId::claim_claim_type,
                      FieldId::claim_diagnoses, FieldId::claim_lines, FieldId::claim_history,
                      FieldId::claim_observations, FieldId::claim_facts}) {
      c.present.Set(f);
    }
    const Path lines = Path().Key("lines");
    if (c.lines.empty())
      return Fail(RecordErrorCode::NoLines, lines, "a claim needs at least one service line");
    const std::span<const std::pair<uint16_t, uint16_t>> inherited =
        schema_.record(RecordId::line).inherited;
    for (size_t k = 0; k < c.lines.size(); ++k) {
      LineRecord& line = c.lines[k];
      const Path at = lines.At(k);
      // A line is decided by its procedure code: without one nothing can be said of it (and the
      // code index could not find its rules), so the record is refused rather than half-decided.
      if (!line.present.Has(FieldId::line_code)) {
        return Fail(RecordErrorCode::NoCode, at.Key("code"), "the line has no procedure `code`");
      }
      if (!line.present.Has(FieldId::line_place_of_service))
        line.pos = c.place_of_service;
      line.present.Set(FieldId::line_place_of_service);
      if (!line.present.Has(FieldId::line_date)) {
        if (!c.present.Has(FieldId::claim_service_date)) {
          return Fail(RecordErrorCode::NoServiceDate, at.Key("date"),
                      "the line has no `date` and the claim has no `service_date`");
        }
        line.date = c.service_date;
        line.present.Set(FieldId::line_date);
      }
      if (c.present.Has(FieldId::patient_birth_date) && c.birth_date > line.date) {
        return Fail(
            RecordErrorCode::Inconsistent, Path().Key("patient").Key("birth_date"),
            fmt::format("the birth date {} is after the date of service {} of `{}`",
                        FormatDate(c.birth_date).str(), FormatDate(line.date).str(), at.Str()));
      }
      for (const auto& [slot, claim_slot] : inherited) {
        Value& mine = c.values[line.values + slot];
        if (mine.is_unknown())
          mine = c.values[c.claim_values + claim_slot];
      }
      if (!LineDiagnoses(line, at))
        return false;
    }
    return true;
  }

 private:
  // The pointed-to diagnoses, else all of the claim's.
  bool LineDiagnoses(LineRecord& line, const Path& at) {
    Claim& c = claim_;
    if (line.dx_pointers.count == 0) {
      line.diagnoses = c.diagnoses;
      return true;
    }
    const size_t begin = c.codes.size();
    for (uint32_t j = 0; j < line.dx_pointers.count; ++j) {
      const int64_t pointer = c.ints[line.dx_pointers.begin + j];
      if (pointer < 1 || pointer > c.diagnoses.count) {
        return Fail(
            RecordErrorCode::DxPointerRange, at.Key("dx_pointers"),
            c.diagnoses.count == 0
                ? fmt::format("pointer {} points nowhere: the claim has no diagnoses", pointer)
                : fmt::format("pointer {} is out of range: the claim has {} diagnos{} (1..{})",
                              pointer, c.diagnoses.count, c.diagnoses.count == 1 ? "is" : "es",
                              c.diagnoses.count));
      }
      const uint64_t code = c.codes[c.diagnoses.begin + static_cast<uint32_t>(pointer - 1)];
      c.codes.push_back(code);
    }
    line.diagnoses = {static_cast<uint32_t>(begin), static_cast<uint32_t>(c.codes.size() - begin)};
    return true;
  }

  const Schema& schema_;
  const bool strict_;
  Claim& claim_;
  RecordError& error_;
  IgnoredTable& ignored_;
  std::vector<uint32_t>& ignored_here_;  // this record's ignored fields
  std::vector<uint32_t>& scratch_;       // objects of lists being read
  std::vector<bool>& fact_seen_;         // by position: the declared facts the `facts` object gave
  std::string pattern_;
};

}  // namespace

std::string_view RecordErrorId(RecordErrorCode code) {
  return kErrorRows[static_cast<size_t>(code)].id;
}

std::string_view RecordErrorSummary(RecordErrorCode code) {
  return kErrorRows[static_cast<size_t>(code)].summary;
}

struct RecordDecoder::State {
  explicit State(const Schema& s) : schema(s) {}

  bool Decode(const char* data, size_t size, size_t capacity, Claim& out, RecordError& error) {
    out.Clear();
    Decoding::Begin(schema, out);
    ignored_here.clear();
    scratch.clear();
    Decoding decoding(schema, strict, out, error, ignored, ignored_here, scratch, fact_seen);
    if (fast_path && !strict) {
      // A record the scanner cannot take, or one whose Finish fails, is decoded again from the
      // start by the full path, which says what is wrong.
      if (ScanClaim(schema, data, size, out, memory, scratch, scanned_ignored, ignored_here) &&
          decoding.Finish()) {
        for (const ScannedKey& key : scanned_ignored)
          ignored_here[key.slot] = PatternOf(key);
        return Succeeded();
      }
      out.Clear();
      Decoding::Begin(schema, out);
      scratch.clear();
      ignored_here.clear();
    }
    od::document doc;
    if (auto e = parser.iterate(data, size, capacity).get(doc)) {
      decoding.JsonFail(e, {});
    } else if (decoding.Record(doc)) {
      return Succeeded();
    }
    ignored_here.clear();
    if (error.claim_id.empty())
      error.claim_id = FindId(data, size, capacity);
    return false;
  }

  // The pattern id of a key the scanner reports ignored: kept in its remembered token, so the
  // same key at the same member of the next record costs one compare.
  uint32_t PatternOf(const ScannedKey& scanned) {
    KeyOrder::UnknownToken* token = scanned.token;
    const std::string_view key = scanned.key;
    const bool names_key = token != nullptr && token->size == key.size() + 3 &&
                           std::memcmp(token->bytes.data() + 1, key.data(), key.size()) == 0;
    if (names_key && token->pattern != KeyOrder::kNoPattern)
      return token->pattern;
    const uint32_t id = InternScanned(scanned.record, key);
    if (names_key && id < IgnoredTable::kMaxPatterns)
      token->pattern = id;
    return id;
  }

  // The pattern id of key `key` the scanner reports ignored in base record `record`. Feeds
  // repeat the same unknown keys in every record: each is interned once and then found in that
  // record's table of them, without building its pattern.
  uint32_t InternScanned(uint8_t record, std::string_view key) {
    KeyTable& seen = scanned_patterns[record];
    const uint16_t known = seen.FindPadded(key);
    if (known != kNoIndex16)
      return known;
    pattern.assign(kBasePatterns[record]);
    pattern.append(key);
    const uint32_t id = ignored.Intern(pattern);
    if (id < IgnoredTable::kMaxPatterns)  // never "(other paths)": its keys are not bounded
      seen.Add(key, static_cast<uint16_t>(id));
    return id;
  }

  bool Succeeded() {
    for (uint32_t id : ignored_here)
      ignored.totals_[id]++;
    return true;
  }

  // The "id" of a record that failed before (or without) its id was read: a second, forgiving
  // pass that stops at the first problem. Only on the error path.
  std::string FindId(const char* data, size_t size, size_t capacity) {
    od::document doc;
    od::object root;
    if (parser.iterate(data, size, capacity).get(doc) || doc.get_object().get(root))
      return "";
    std::string id;
    for (auto item : root) {  // of repeated ids (refused as R0714), the message names the last
      od::field member;
      std::string_view key;
      if (std::move(item).get(member) || member.unescaped_key().get(key))
        return id;
      if (key != "id")
        continue;
      std::string_view text;
      if (member.value().get_string().get(text))
        return id;
      id = std::string(text);
    }
    return id;
  }

  static bool TooLarge(RecordError& error) {
    error.code = RecordErrorCode::TooLarge;
    error.message = fmt::format("the record is larger than the limit of {} MiB ({} bytes)",
                                kMaxRecordBytes >> 20, kMaxRecordBytes);
    error.claim_id.clear();
    error.field.clear();
    return false;
  }

  // The patterns of the base records the fast path reports ignored keys in (ScanRecord order).
  static constexpr std::string_view kBasePatterns[] = {"", "patient.", "lines[].", "history[].",
                                                       "observations[]."};

  const Schema& schema;
  od::parser parser{kMaxRecordBytes};
  bool fast_path = true;
  bool strict = false;
  ScanMemory memory{schema};  // the fast path's
  std::vector<char> padded;   // Decode(string_view) copies the record here
  IgnoredTable ignored;
  std::vector<uint32_t> ignored_here;
  std::vector<uint32_t> scratch;
  std::vector<bool> fact_seen;
  std::vector<ScannedKey> scanned_ignored;
  // Per base record of kBasePatterns: the ignored keys interned so far, to their pattern ids.
  std::array<KeyTable, std::size(kBasePatterns)> scanned_patterns;
  std::string pattern;
};

RecordDecoder::RecordDecoder(const Schema& schema) : state_(std::make_unique<State>(schema)) {}

RecordDecoder::~RecordDecoder() = default;

void RecordDecoder::SetFastPath(bool on) {
  state_->fast_path = on;
}

void RecordDecoder::SetBulkSkip(bool on) {
  state_->memory.bulk = on;
}

void RecordDecoder::SetRunShapes(bool on) {
  state_->memory.shapes = on;
}

void RecordDecoder::SetWideShapes(bool on) {
  state_->memory.wide = on;
}

void RecordDecoder::SetStrict(bool on) {
  state_->strict = on;
}

void RecordDecoder::SetFieldsRead(const std::vector<bool>& read) {
  state_->memory.unread = read.empty() ? std::vector<bool>{} : UnreadFields(state_->schema, read);
}

bool RecordDecoder::Decode(std::string_view json, Claim& out, RecordError& error) {
  if (json.size() > kMaxRecordBytes)
    return State::TooLarge(error);
  std::vector<char>& padded = state_->padded;
  if (padded.size() < json.size() + kJsonPadding)
    padded.resize(json.size() + kJsonPadding);
  if (!json.empty())
    std::memcpy(padded.data(), json.data(), json.size());
  // simdjson may peek at the byte after a truncated document: make the padding the same for
  // every record, or the error a record gets would depend on the record decoded before it.
  std::memset(padded.data() + json.size(), 0, kJsonPadding);
  return state_->Decode(padded.data(), json.size(), padded.size(), out, error);
}

bool RecordDecoder::Decode(const NdjsonLine& line, Claim& out, RecordError& error) {
  if (line.truncated || line.text.size() > kMaxRecordBytes)
    return State::TooLarge(error);
  return state_->Decode(line.text.data(), line.text.size(), line.text.size() + kJsonPadding, out,
                        error);
}

std::vector<std::string_view> RecordDecoder::LastIgnored() const {
  std::vector<std::string_view> out;
  for (uint32_t id : state_->ignored_here)
    out.push_back(state_->ignored.patterns_[id]);
  return out;
}

std::vector<std::pair<std::string, uint64_t>> RecordDecoder::IgnoredTotals() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (size_t i = 0; i < state_->ignored.patterns_.size(); ++i) {
    if (state_->ignored.totals_[i] > 0)
      out.emplace_back(state_->ignored.patterns_[i], state_->ignored.totals_[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Skips JSON whitespace from `p`.
const char* SkipSpace(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    ++p;
  return p;
}

// After the first `"key"` in [p, end) and the colon that follows it, or null. `key` is a literal
// with its quotes: compared in place, without a call.
template <size_t N>
const char* AfterKey(const char* p, const char* end, const char (&key)[N]) {
  constexpr size_t n = N - 1;
  while (static_cast<size_t>(end - p) >= n) {
    p = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p) - n + 1));
    if (p == nullptr)
      return nullptr;
    if (std::memcmp(p, key, n) == 0) {
      const char* q = SkipSpace(p + n, end);
      if (q < end && *q == ':')
        return SkipSpace(q + 1, end);
    }
    ++p;
  }
  return nullptr;
}

}  // namespace

bool PeekPatientId(std::string_view json, std::string& id) {
  // The layout most feeds write, `{"id":"…","patient":{"id":"…"`, read in place: the search
  // below stops at every quote before the patient's key.
  constexpr std::string_view kHead = R"({"id":")";
  constexpr std::string_view kPatient = R"(","patient":{"id":")";
  // The first quote or backslash from `at` (find_first_of would look each byte up in the set
  // with a call).
  const auto stop = [&json](size_t at) {
    while (at < json.size() && json[at] != '"' && json[at] != '\\')
      ++at;
    return at < json.size() ? at : std::string_view::npos;
  };
  if (json.substr(0, kHead.size()) == kHead) {
    const size_t close = stop(kHead.size());
    if (close != std::string_view::npos && json.substr(close, kPatient.size()) == kPatient) {
      const size_t from = close + kPatient.size();
      const size_t to = stop(from);
      if (to != std::string_view::npos && json[to] == '"') {
        id.assign(json.substr(from, to - from));
        return true;
      }
    }
  }
  const char* end = json.data() + json.size();
  const char* p = AfterKey(json.data(), end, "\"patient\"");
  if (p == nullptr || p == end || *p != '{')
    return false;
  p = AfterKey(p + 1, end, "\"id\"");
  if (p == nullptr || p == end || *p != '"')
    return false;
  const char* from = ++p;
  while (p < end && *p != '"' && *p != '\\')
    ++p;
  if (p == end || *p != '"')
    return false;
  id.assign(from, p);
  return true;
}

}  // namespace warrant
