// A small JSON value for the language server's messages: read with simdjson, written here.
//
// Requests are parsed into a Json tree (ParseJson) that handlers read with the accessors below;
// responses are built as Json trees and serialized with Write(). Reading a member that is absent
// gives null; reading a value as the wrong kind throws JsonTypeError, which the server answers
// with "invalid params". Objects keep their members in insertion order, so output is
// deterministic. This module knows nothing of the protocol.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warrant::lsp {

// A value of the wrong kind, or a missing required member.
class JsonTypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json {
 public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Json>;

  Json() = default;

  Json(std::nullptr_t) {}  // NOLINT: null from `nullptr`, as JSON reads

  Json(bool value) : kind_(Kind::Bool), bool_(value) {}  // NOLINT

  template <std::integral T>

  requires(!std::same_as<T, bool>) Json(T value)
      : kind_(Kind::Number), int_(static_cast<int64_t>(value)) {}  // NOLINT

  Json(double value) : kind_(Kind::Number), is_int_(false), double_(value) {}  // NOLINT

  Json(const char* text) : kind_(Kind::String), string_(text) {}  // NOLINT

  Json(std::string text) : kind_(Kind::String), string_(std::move(text)) {}  // NOLINT

  Json(std::string_view text) : kind_(Kind::String), string_(text) {}  // NOLINT

  static Json Object(std::vector<Member> members = {});
  static Json Array(std::vector<Json> items = {});

  Kind kind() const { return kind_; }

  bool is_null() const { return kind_ == Kind::Null; }

  bool is_object() const { return kind_ == Kind::Object; }

  bool is_array() const { return kind_ == Kind::Array; }

  bool is_string() const { return kind_ == Kind::String; }

  bool is_number() const { return kind_ == Kind::Number; }

  // The member `key` of an object, or null (also for a value that is not an object).
  const Json& operator[](std::string_view key) const;

  // Whether an object has the member `key` (even a null one).
  bool Has(std::string_view key) const;

  // Typed reads; each throws JsonTypeError naming `what` when the value is of another kind.
  const std::string& String(std::string_view what) const;
  int64_t Int(std::string_view what) const;  // a number without a fraction
  bool Bool(std::string_view what) const;
  const std::vector<Json>& Items(std::string_view what) const;  // an array's items
  const std::vector<Member>& Members(std::string_view what) const;

  // Builders: Set replaces an existing member of that name, Add appends (a parsed object may
  // repeat a name; lookups find the first).
  Json& Set(std::string_view key, Json value);
  Json& Add(std::string key, Json value);
  Json& Push(Json value);

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  bool is_int_ = true;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;

  friend void AppendJson(std::string& out, const Json& value);
};

// Parses one JSON text (RFC 8259). nullopt with `error` set when it is not valid JSON.
std::optional<Json> ParseJson(std::string_view text, std::string& error);

// Compact JSON text.
void AppendJson(std::string& out, const Json& value);
std::string Write(const Json& value);

}  // namespace warrant::lsp
