#include "runtime/records/record_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <simdjson.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/text.h"
#include "runtime/records/record_scan.h"

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

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The JSON number grammar, exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool SplitNumber(std::string_view t, NumberParts& p) {
  const auto digits_end = [&](size_t from) {
    while (from < t.size() && IsDigit(t[from]))
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
    Append(out);
    return out;
  }

 private:
  static constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

  Path(const Path* parent, std::string_view name, size_t index)
      : parent_(parent), name_(name), index_(index) {}

  const Path* Parent() const { return name_.empty() && index_ == kNoIndex ? nullptr : this; }

  void Append(std::string& out) const {
    if (parent_ != nullptr)
      parent_->Append(out);
    if (index_ != kNoIndex) {
      out += fmt::format("[{}]", index_);
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

// ---- Facts ----------------------------------------------------------------------------------

struct FactInfo {
  std::string name;
  Tag tag = Tag::Bool;
  std::vector<std::string> one_of;
};

class FactTable {
 public:
  explicit FactTable(std::span<const FactData> facts) {
    facts_.reserve(facts.size());
    for (const FactData& f : facts)
      facts_.push_back({f.name, f.tag, f.one_of});
    // Built after facts_ is complete: the views point into its strings.
    for (size_t i = 0; i < facts_.size(); ++i)
      index_.emplace_back(facts_[i].name, i);
    std::sort(index_.begin(), index_.end());
  }

  size_t size() const { return facts_.size(); }

  const FactInfo& operator[](size_t slot) const { return facts_[slot]; }

  // The slot of the fact named `name`, or size().
  size_t Find(std::string_view name) const {
    const auto it =
        std::lower_bound(index_.begin(), index_.end(), name,
                         [](const auto& entry, std::string_view n) { return entry.first < n; });
    return it != index_.end() && it->first == name ? it->second : facts_.size();
  }

  // "`a`, `b`, `c`", for a message about an undeclared fact.
  std::string Names() const {
    std::string out;
    for (const auto& [name, slot] : index_)
      out += fmt::format("{}`{}`", out.empty() ? "" : ", ", name);
    return out;
  }

 private:
  std::vector<FactInfo> facts_;
  std::vector<std::pair<std::string_view, size_t>> index_;  // sorted by name
};

std::string_view TypeWord(Tag tag) {
  switch (tag) {
    case Tag::Bool:
      return "true or false";
    case Tag::Int:
      return "an integer";
    case Tag::Decimal:
      return "a number";
    case Tag::String:
      return "a string";
    case Tag::Date:
      return "a date string \"YYYY-MM-DD\"";
    case Tag::Unknown:
    case Tag::None:
    case Tag::Duration:
    case Tag::Code:
    case Tag::List:
    case Tag::Record:
      break;
  }
  return "a value records cannot hold";
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

std::string_view Kind(od::json_type type) {
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
      return std::string(Kind(type));
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

class Decoding {
 public:
  Decoding(const FactTable& facts, std::vector<size_t>& line_index, Claim& claim,
           RecordError& error)
      : facts_(facts), line_index_(line_index), claim_(claim), error_(error) {}

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
                  fmt::format("the record is {}, not a JSON object", Kind(type)));
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

  static bool Mark(Got got, Presence& present, FieldId field) {
    if (got == Got::Value)
      present.Set(field);
    return got != Got::Failed;
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

  Got Object(od::value& v, const Path& path, od::object& out) {
    const Got got = Expect(v, path, od::json_type::object, "an object");
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

  // Calls each(element, path, index) for each element of the array `v`; null is an empty array.
  template <typename F>
  bool Elements(od::value& v, const Path& path, size_t max, std::string_view what, F&& each) {
    const Got got = Expect(v, path, od::json_type::array, "an array");
    if (got != Got::Value)
      return got == Got::Absent;
    od::array array;
    if (auto e = v.get_array().get(array))
      return JsonFail(e, path);
    size_t index = 0;
    for (auto item : array) {
      od::value element;
      if (auto e = item.get(element))
        return JsonFail(e, path);
      if (index == max) {
        return Fail(RecordErrorCode::TooLarge, path,
                    fmt::format("more than the limit of {} {}", max, what));
      }
      if (!each(element, path.At(index), index))
        return false;
      ++index;
    }
    return true;
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

  Got Code(od::value& v, const Path& path, CodeSystem system, uint64_t& out) {
    std::string_view text;
    const Got got = String(v, path, text, "a code written as a string");
    if (got != Got::Value)
      return got;
    text = RecordCodeText(system, text);
    const std::optional<uint64_t> packed = Pack(system, text);
    if (!packed) {
      constexpr size_t kLongest = 32;  // no valid code comes near: say so instead of echoing it
      Fail(RecordErrorCode::InvalidCode, path,
           text.size() > kLongest
               ? fmt::format("`{}` is not a valid {}: it is {} characters long",
                             Clip(text, kLongest), SystemNoun(system), text.size())
               : Validate(system, text)
                     .value_or(
                         fmt::format("`{}` is not a valid {}", Clip(text), SystemNoun(system))));
      return Got::Failed;
    }
    out = *packed;
    return Got::Value;
  }

  // ---- Lists ----

  bool CodeList(od::value& v, const Path& path, CodeSystem system, size_t max,
                std::string_view what, Range& out) {
    const size_t begin = claim_.codes.size();
    const bool ok = Elements(v, path, max, what, [&](od::value& element, const Path& at, size_t) {
      uint64_t code = 0;
      const Got got = Code(element, at, system, code);
      if (got == Got::Value)
        claim_.codes.push_back(code);
      return got != Got::Failed;
    });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.codes.size() - begin)};
    return ok;
  }

  bool IntList(od::value& v, const Path& path, Range& out) {
    const size_t begin = claim_.ints.size();
    const bool ok = Elements(v, path, kMaxListItems, "diagnosis pointers",
                             [&](od::value& element, const Path& at, size_t) {
                               int64_t n = 0;
                               const Got got = Int(element, at, n);
                               if (got == Got::Value)
                                 claim_.ints.push_back(n);
                               return got != Got::Failed;
                             });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.ints.size() - begin)};
    return ok;
  }

  // map<string>: string keys to string values; a null value drops the entry.
  bool Context(od::value& v, const Path& path, Range& out) {
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got == Got::Absent;
    const size_t begin = claim_.pairs.size();
    const bool ok =
        Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
          std::string_view text;
          const Got value = String(member, at, text);
          if (value == Got::Value)
            claim_.pairs.emplace_back(claim_.AddString(key), claim_.AddString(text));
          return value != Got::Failed;
        });
    out = {static_cast<uint32_t>(begin), static_cast<uint32_t>(claim_.pairs.size() - begin)};
    return ok;
  }

  // ---- Records ----

  bool ClaimFields(od::object& root) {
    return Fields(root, {}, [&](std::string_view key, od::value& v, const Path& path) {
      Claim& c = claim_;
      if (key == "id")
        return Mark(StringRange(v, path, c.id), c.present, FieldId::claim_id);
      if (key == "patient")
        return Patient(v, path);
      if (key == "service_date")
        return Mark(Date(v, path, c.service_date), c.present, FieldId::claim_service_date);
      if (key == "place_of_service") {
        return Mark(Code(v, path, CodeSystem::Pos, c.place_of_service), c.present,
                    FieldId::claim_place_of_service);
      }
      if (key == "claim_type")
        return Mark(StringRange(v, path, c.claim_type), c.present, FieldId::claim_claim_type);
      if (key == "diagnoses")
        return CodeList(v, path, CodeSystem::Icd10cm, kMaxDiagnoses, "diagnoses", c.diagnoses);
      if (key == "lines")
        return Lines(v, path);
      if (key == "history")
        return History(v, path);
      if (key == "observations")
        return Observations(v, path);
      if (key == "facts")
        return Facts(v, path);
      return Skip(v, path, 1);
    });
  }

  bool Patient(od::value& v, const Path& path) {
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got == Got::Absent;
    claim_.present.Set(FieldId::claim_patient);
    return Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
      Claim& c = claim_;
      if (key == "id")
        return Mark(StringRange(member, at, c.patient_id), c.present, FieldId::patient_id);
      if (key == "birth_date")
        return Mark(Date(member, at, c.birth_date), c.present, FieldId::patient_birth_date);
      if (key == "sex")
        return Mark(StringRange(member, at, c.sex), c.present, FieldId::patient_sex);
      if (key == "part_b_effective") {
        return Mark(Date(member, at, c.part_b_effective), c.present,
                    FieldId::patient_part_b_effective);
      }
      return Skip(member, at, 2);
    });
  }

  bool Lines(od::value& v, const Path& path) {
    claim_.lines.clear();  // a repeated key: the last one wins, as in most JSON readers
    line_index_.clear();
    return Elements(
        v, path, kMaxLines, "lines", [&](od::value& element, const Path& at, size_t index) {
          od::object object;
          const Got got = Object(element, at, object);
          if (got != Got::Value)
            return got == Got::Absent;
          LineRecord& line = claim_.lines.emplace_back();
          line_index_.push_back(index);
          // Known from the start: the position, and the fields whose absence means a default.
          for (FieldId f : {FieldId::line_index, FieldId::line_units, FieldId::line_modifiers,
                            FieldId::line_dx_pointers}) {
            line.present.Set(f);
          }
          return Fields(
              object, at, [&](std::string_view key, od::value& member, const Path& field) {
                if (key == "code")
                  return Mark(Code(member, field, CodeSystem::Hcpcs, line.code), line.present,
                              FieldId::line_code);
                if (key == "modifiers")
                  return CodeList(member, field, CodeSystem::Modifier, kMaxListItems, "modifiers",
                                  line.modifiers);
                if (key == "units")
                  return Int(member, field, line.units) != Got::Failed;  // 1 when absent
                // `dx_ptr` is how the test conventions (criteria-examples.md) spell it.
                if (key == "dx_pointers" || key == "dx_ptr")
                  return IntList(member, field, line.dx_pointers);
                if (key == "date")
                  return Mark(Date(member, field, line.date), line.present, FieldId::line_date);
                if (key == "place_of_service") {
                  return Mark(Code(member, field, CodeSystem::Pos, line.pos), line.present,
                              FieldId::line_place_of_service);
                }
                return Skip(member, field, 3);
              });
        });
  }

  bool History(od::value& v, const Path& path) {
    claim_.history.clear();
    return Elements(
        v, path, kMaxHistory, "history entries", [&](od::value& element, const Path& at, size_t) {
          od::object object;
          const Got got = Object(element, at, object);
          if (got != Got::Value)
            return got == Got::Absent;
          HistoryRecord& h = claim_.history.emplace_back();
          for (FieldId f :
               {FieldId::history_dx, FieldId::history_modifiers, FieldId::history_units})
            h.present.Set(f);
          return Fields(
              object, at, [&](std::string_view key, od::value& member, const Path& field) {
                if (key == "code")
                  return Mark(Code(member, field, CodeSystem::Hcpcs, h.code), h.present,
                              FieldId::history_code);
                if (key == "date")
                  return Mark(Date(member, field, h.date), h.present, FieldId::history_date);
                if (key == "status")
                  return Mark(StringRange(member, field, h.status), h.present,
                              FieldId::history_status);
                if (key == "dx")
                  return CodeList(member, field, CodeSystem::Icd10cm, kMaxListItems, "diagnoses",
                                  h.dx);
                if (key == "units")
                  return Int(member, field, h.units) != Got::Failed;  // 1 when absent
                if (key == "modifiers")
                  return CodeList(member, field, CodeSystem::Modifier, kMaxListItems, "modifiers",
                                  h.modifiers);
                return Skip(member, field, 3);
              });
        });
  }

  bool Observations(od::value& v, const Path& path) {
    claim_.observations.clear();
    return Elements(
        v, path, kMaxObservations, "observations", [&](od::value& element, const Path& at, size_t) {
          od::object object;
          const Got got = Object(element, at, object);
          if (got != Got::Value)
            return got == Got::Absent;
          ObservationRecord& o = claim_.observations.emplace_back();
          o.present.Set(FieldId::observation_context);
          return Fields(
              object, at, [&](std::string_view key, od::value& member, const Path& field) {
                if (key == "code")
                  return Mark(Code(member, field, CodeSystem::Loinc, o.code), o.present,
                              FieldId::observation_code);
                if (key == "value")
                  return Mark(Decimal(member, field, o.value), o.present,
                              FieldId::observation_value);
                if (key == "unit")
                  return Mark(StringRange(member, field, o.unit), o.present,
                              FieldId::observation_unit);
                if (key == "date")
                  return Mark(Date(member, field, o.date), o.present, FieldId::observation_date);
                if (key == "context")
                  return Context(member, field, o.context);
                return Skip(member, field, 3);
              });
        });
  }

  bool Facts(od::value& v, const Path& path) {
    od::object object;
    const Got got = Object(v, path, object);
    if (got != Got::Value)
      return got == Got::Absent;
    return Fields(object, path, [&](std::string_view key, od::value& member, const Path& at) {
      od::json_type type{};
      if (auto e = member.type().get(type))
        return JsonFail(e, at);
      if (type == od::json_type::null) {  // unknown, declared or not
        if (auto e = CheckScalar(member, type))
          return JsonFail(e, at);
        return true;
      }
      const size_t slot = facts_.Find(key);
      if (slot == facts_.size()) {
        return Fail(
            RecordErrorCode::InvalidFact, at,
            facts_.size() == 0
                ? fmt::format("the pack declares no facts, so `{}` cannot be given", Clip(key))
                : fmt::format("the pack declares no fact `{}` (it declares {})", Clip(key),
                              Clip(facts_.Names(), 200)));
      }
      return Fact(member, at, facts_[slot], claim_.facts[slot]);
    });
  }

  bool Fact(od::value& v, const Path& path, const FactInfo& fact, Value& out) {
    constexpr RecordErrorCode kCode = RecordErrorCode::InvalidFact;
    const std::string_view want = TypeWord(fact.tag);
    switch (fact.tag) {
      case Tag::Bool: {
        if (Expect(v, path, od::json_type::boolean, want, kCode) != Got::Value)
          return false;
        if (auto e = CheckScalar(v, od::json_type::boolean))
          return JsonFail(e, path);
        out = Value::Bool(Token(v) == "true");
        return true;
      }
      case Tag::Int: {
        int64_t n = 0;
        if (Int(v, path, n, kCode) != Got::Value)
          return false;
        out = Value::Int(n);
        return true;
      }
      case Tag::Decimal: {
        int64_t scaled = 0;
        if (Decimal(v, path, scaled, kCode) != Got::Value)
          return false;
        out = Value::Decimal(scaled);
        return true;
      }
      case Tag::String: {
        std::string_view text;
        if (String(v, path, text, want, kCode) != Got::Value)
          return false;
        if (!fact.one_of.empty() &&
            std::find(fact.one_of.begin(), fact.one_of.end(), text) == fact.one_of.end()) {
          std::string values;
          for (const std::string& s : fact.one_of)
            values += fmt::format("{}\"{}\"", values.empty() ? "" : ", ", s);
          return Fail(kCode, path,
                      fmt::format("\"{}\" is not one of the values of fact `{}`: {}", Clip(text),
                                  fact.name, Clip(values, 200)));
        }
        // claim.strings may still grow and move: keep the offset in `i` until Finish().
        const Range r = claim_.AddString(text);
        out = Value::String({});
        out.i = r.begin;
        out.aux = r.count;
        return true;
      }
      case Tag::Date: {
        Day day = 0;
        if (Date(v, path, day, kCode) != Got::Value)
          return false;
        out = Value::Date(day);
        return true;
      }
      case Tag::Unknown:
      case Tag::None:
      case Tag::Duration:
      case Tag::Code:
      case Tag::List:
      case Tag::Record:
        break;
    }
    return Fail(kCode, path, fmt::format("fact `{}` has a type a record cannot give", fact.name));
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
    for (FieldId f : {FieldId::claim_place_of_service, FieldId::claim_claim_type,
                      FieldId::claim_diagnoses, FieldId::claim_lines, FieldId::claim_history,
                      FieldId::claim_observations, FieldId::claim_facts}) {
      c.present.Set(f);
    }
    const Path lines = Path().Key("lines");
    if (c.lines.empty())
      return Fail(RecordErrorCode::NoLines, lines, "a claim needs at least one service line");
    for (size_t k = 0; k < c.lines.size(); ++k) {
      LineRecord& line = c.lines[k];
      const Path at = lines.At(line_index_[k]);
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
      if (!LineDiagnoses(line, at))
        return false;
    }
    // Every string is in place now: point the string facts at it.
    for (Value& fact : c.facts) {
      if (fact.tag != Tag::String)
        continue;
      fact = Value::String(c.Str({static_cast<uint32_t>(fact.i), fact.aux}));
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

  const FactTable& facts_;
  std::vector<size_t>& line_index_;  // the input position of each claim line, for messages
  Claim& claim_;
  RecordError& error_;
};

}  // namespace

std::string_view RecordErrorId(RecordErrorCode code) {
  return kErrorRows[static_cast<size_t>(code)].id;
}

std::string_view RecordErrorSummary(RecordErrorCode code) {
  return kErrorRows[static_cast<size_t>(code)].summary;
}

struct RecordDecoder::State {
  explicit State(std::span<const FactData> fact_data) : facts(fact_data) {}

  bool Decode(const char* data, size_t size, size_t capacity, Claim& out, RecordError& error) {
    out.Clear();
    out.facts.assign(facts.size(), Value::Unknown(kNoPc));
    Decoding decoding(facts, line_index, out, error);
    if (fast_path) {
      // A record the scanner cannot take, or one whose Finish fails, is decoded again from the
      // start by the full path, which says what is wrong.
      if (ScanClaim(data, size, out, line_index, codes) && decoding.Finish())
        return true;
      out.Clear();
      out.facts.assign(facts.size(), Value::Unknown(kNoPc));
    }
    od::document doc;
    if (auto e = parser.iterate(data, size, capacity).get(doc)) {
      decoding.JsonFail(e, {});
    } else if (decoding.Record(doc)) {
      return true;
    }
    if (error.claim_id.empty())
      error.claim_id = FindId(data, size, capacity);
    return false;
  }

  // The "id" of a record that failed before (or without) its id was read: a second, forgiving
  // pass that stops at the first problem. Only on the error path.
  std::string FindId(const char* data, size_t size, size_t capacity) {
    od::document doc;
    od::object root;
    if (parser.iterate(data, size, capacity).get(doc) || doc.get_object().get(root))
      return "";
    for (auto item : root) {
      od::field member;
      std::string_view key;
      if (std::move(item).get(member) || member.unescaped_key().get(key))
        return "";
      if (key != "id")
        continue;
      std::string_view id;
      if (member.value().get_string().get(id))
        return "";
      return std::string(id);
    }
    return "";
  }

  static bool TooLarge(RecordError& error) {
    error.code = RecordErrorCode::TooLarge;
    error.message = fmt::format("the record is larger than the limit of {} MiB ({} bytes)",
                                kMaxRecordBytes >> 20, kMaxRecordBytes);
    error.claim_id.clear();
    error.field.clear();
    return false;
  }

  od::parser parser{kMaxRecordBytes};
  bool fast_path = true;
  CodeCache codes;  // the fast path's
  FactTable facts;
  std::vector<char> padded;  // Decode(string_view) copies the record here
  std::vector<size_t> line_index;
};

RecordDecoder::RecordDecoder(std::span<const FactData> facts)
    : state_(std::make_unique<State>(facts)) {}

RecordDecoder::~RecordDecoder() = default;

void RecordDecoder::SetFastPath(bool on) {
  state_->fast_path = on;
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

}  // namespace warrant
