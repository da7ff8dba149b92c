#include "compiler/lsp/json.h"

#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/core/text.h"

namespace warrant::lsp {
namespace {

const Json& Null() {
  static const Json null;
  return null;
}

std::string KindName(Json::Kind kind) {
  switch (kind) {
    case Json::Kind::Null:
      return "null";
    case Json::Kind::Bool:
      return "a boolean";
    case Json::Kind::Number:
      return "a number";
    case Json::Kind::String:
      return "a string";
    case Json::Kind::Array:
      return "an array";
    case Json::Kind::Object:
      return "an object";
  }
  return "?";
}

[[noreturn]] void Mismatch(std::string_view what, std::string_view want, Json::Kind got) {
  throw JsonTypeError(fmt::format("`{}` must be {}, not {}", what, want, KindName(got)));
}

// simdjson's DOM (which bounds nesting itself) to our tree.
Json Convert(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Json array = Json::Array();
      simdjson::dom::array items;
      if (element.get_array().get(items) != simdjson::SUCCESS)
        return array;
      for (simdjson::dom::element item : items)
        array.Push(Convert(item));
      return array;
    }
    case simdjson::dom::element_type::OBJECT: {
      Json object = Json::Object();
      simdjson::dom::object members;
      if (element.get_object().get(members) != simdjson::SUCCESS)
        return object;
      for (simdjson::dom::key_value_pair member : members)
        object.Add(std::string(member.key), Convert(member.value));
      return object;
    }
    case simdjson::dom::element_type::INT64:
      return Json(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: {
      uint64_t value = element.get_uint64().value_unsafe();
      if (value > static_cast<uint64_t>(INT64_MAX))
        return Json(static_cast<double>(value));
      return Json(static_cast<int64_t>(value));
    }
    case simdjson::dom::element_type::DOUBLE:
      return Json(element.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Json(element.get_string().value_unsafe());
    case simdjson::dom::element_type::BOOL:
      return Json(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      return Json();
  }
  return Json();
}

}  // namespace

Json Json::Object(std::vector<Member> members) {
  Json j;
  j.kind_ = Kind::Object;
  j.members_ = std::move(members);
  return j;
}

Json Json::Array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::Array;
  j.items_ = std::move(items);
  return j;
}

const Json& Json::operator[](std::string_view key) const {
  if (kind_ != Kind::Object)
    return Null();
  for (const Member& m : members_) {
    if (m.first == key)
      return m.second;
  }
  return Null();
}

bool Json::Has(std::string_view key) const {
  if (kind_ != Kind::Object)
    return false;
  for (const Member& m : members_) {
    if (m.first == key)
      return true;
  }
  return false;
}

const std::string& Json::String(std::string_view what) const {
  if (kind_ != Kind::String)
    Mismatch(what, "a string", kind_);
  return string_;
}

int64_t Json::Int(std::string_view what) const {
  if (kind_ != Kind::Number)
    Mismatch(what, "a number", kind_);
  if (is_int_)
    return int_;
  if (std::trunc(double_) != double_ || std::abs(double_) > 9.0e15)
    throw JsonTypeError(fmt::format("`{}` must be a whole number", what));
  return static_cast<int64_t>(double_);
}

bool Json::Bool(std::string_view what) const {
  if (kind_ != Kind::Bool)
    Mismatch(what, "a boolean", kind_);
  return bool_;
}

const std::vector<Json>& Json::Items(std::string_view what) const {
  if (kind_ != Kind::Array)
    Mismatch(what, "an array", kind_);
  return items_;
}

const std::vector<Json::Member>& Json::Members(std::string_view what) const {
  if (kind_ != Kind::Object)
    Mismatch(what, "an object", kind_);
  return members_;
}

Json& Json::Set(std::string_view key, Json value) {
  if (kind_ != Kind::Object)
    *this = Object();
  for (Member& m : members_) {
    if (m.first == key) {
      m.second = std::move(value);
      return *this;
    }
  }
  members_.emplace_back(std::string(key), std::move(value));
  return *this;
}

Json& Json::Add(std::string key, Json value) {
  if (kind_ != Kind::Object)
    *this = Object();
  members_.emplace_back(std::move(key), std::move(value));
  return *this;
}

Json& Json::Push(Json value) {
  if (kind_ != Kind::Array)
    *this = Array();
  items_.push_back(std::move(value));
  return *this;
}

std::optional<Json> ParseJson(std::string_view text, std::string& error) {
  // One parser per thread: it keeps its buffers between messages.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  simdjson::error_code code = parser.parse(padded).get(root);
  if (code != simdjson::SUCCESS) {
    error = simdjson::error_message(code);
    return std::nullopt;
  }
  return Convert(root);
}

void AppendJson(std::string& out, const Json& value) {
  switch (value.kind_) {
    case Json::Kind::Null:
      out += "null";
      return;
    case Json::Kind::Bool:
      out += value.bool_ ? "true" : "false";
      return;
    case Json::Kind::Number:
      if (value.is_int_) {
        out += std::to_string(value.int_);
      } else if (std::isfinite(value.double_)) {
        out += fmt::format("{}", value.double_);
      } else {
        out += "null";
      }
      return;
    case Json::Kind::String:
      AppendJsonString(out, value.string_);
      return;
    case Json::Kind::Array:
      out += '[';
      for (size_t i = 0; i < value.items_.size(); ++i) {
        if (i)
          out += ',';
        AppendJson(out, value.items_[i]);
      }
      out += ']';
      return;
    case Json::Kind::Object:
      out += '{';
      for (size_t i = 0; i < value.members_.size(); ++i) {
        if (i)
          out += ',';
        AppendJsonString(out, value.members_[i].first);
        out += ':';
        AppendJson(out, value.members_[i].second);
      }
      out += '}';
      return;
  }
}

std::string Write(const Json& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

}  // namespace warrant::lsp
