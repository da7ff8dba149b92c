// Checking of test records (`given { ... }`) against the claim schema and the declared facts, so
// a misspelt field or a malformed date in a test is a compile error, not a silent `unknown`.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "runtime/core/date.h"

namespace warrant::check {

using diag::DiagCode;

namespace {

const char* JsonKindName(ast::JsonKind kind) {
  switch (kind) {
    case ast::JsonKind::Null:
      return "null";
    case ast::JsonKind::Bool:
      return "a boolean";
    case ast::JsonKind::Number:
      return "a number";
    case ast::JsonKind::String:
      return "a string";
    case ast::JsonKind::Array:
      return "a list";
    case ast::JsonKind::Object:
      return "an object";
    case ast::JsonKind::Generate:
      return "generated records";
  }
  return "a value";
}

bool IsInteger(const std::string& number) {
  return number.find_first_of(".eE") == std::string::npos;
}

}  // namespace

void Checker::CheckGiven(uint32_t f, ast::JsonId id, TypeId type, const std::string& where) {
  const ast::Json& j = ast_.json[id];
  const Type& t = types_.Get(type);
  if (j.kind == ast::JsonKind::Null)
    return;  // null is "absent": unknown at run time
  if (j.kind == ast::JsonKind::Generate && t.kind == TypeKind::List) {
    CheckGenerate(f, id, t.elem, where);
    return;
  }
  auto mismatch = [&](const std::string& expected) {
    auto& d = Error(f, j.span, DiagCode::GivenTypeMismatch, where, expected);
    d.help = fmt::format("found {}", JsonKindName(j.kind));
  };
  switch (t.kind) {
    case TypeKind::Error:
    case TypeKind::None:
    case TypeKind::Duration:
    case TypeKind::Codeset:
    case TypeKind::Table:
      return;
    case TypeKind::Bool:
      if (j.kind != ast::JsonKind::Bool)
        mismatch("true or false");
      return;
    case TypeKind::Int:
      if (j.kind != ast::JsonKind::Number || !IsInteger(j.text))
        mismatch("a whole number");
      return;
    case TypeKind::Decimal:
      if (j.kind != ast::JsonKind::Number)
        mismatch("a number");
      return;
    case TypeKind::String:
      if (j.kind != ast::JsonKind::String)
        mismatch("a string");
      return;
    case TypeKind::Date:
      if (j.kind != ast::JsonKind::String) {
        mismatch("a date \"YYYY-MM-DD\"");
      } else if (!ParseDate(j.text)) {
        Error(f, j.span, DiagCode::GivenTypeMismatch, where, "a date \"YYYY-MM-DD\"").help =
            fmt::format("`{}` is not a calendar date", j.text);
      }
      return;
    case TypeKind::Code: {
      if (j.kind != ast::JsonKind::String) {
        mismatch(fmt::format("a {} in quotes", SystemNoun(t.system)));
        return;
      }
      std::string text = j.text;
      // Observations may name their system the way FHIR-derived feeds do: "LOINC|4548-4".
      if (t.system == CodeSystem::Loinc && text.rfind("LOINC|", 0) == 0)
        text = text.substr(6);
      std::string why;
      if (!ValidCode(t.system, text, &why)) {
        Error(f, j.span, DiagCode::InvalidCode, j.text, SystemNoun(t.system)).help = why;
      }
      return;
    }
    case TypeKind::List:
      if (j.kind != ast::JsonKind::Array) {
        mismatch("a list");
        return;
      }
      for (size_t i = 0; i < j.items.size(); ++i) {
        if (ast_.json[j.items[i]].kind == ast::JsonKind::Generate) {
          CheckGenerate(f, j.items[i], t.elem, where);  // its records join the list
          continue;
        }
        CheckGiven(f, j.items[i], t.elem, fmt::format("{}[{}]", where, i + 1));
      }
      return;
    case TypeKind::Map:
      if (j.kind != ast::JsonKind::Object) {
        mismatch("an object");
        return;
      }
      for (size_t i = 0; i < j.items.size(); ++i) {
        CheckGiven(f, j.items[i], t.elem, where + "." + j.keys[i].text);
      }
      return;
    case TypeKind::Record: {
      if (j.kind != ast::JsonKind::Object) {
        mismatch("an object");
        return;
      }
      const Record& record = types_.GetRecord(t.record);
      std::vector<std::string> names;
      for (const Field& field : record.fields)
        names.push_back(field.name);
      for (size_t i = 0; i < j.items.size(); ++i) {
        const ast::Name& key = j.keys[i];
        const Field* field = record.Find(key.text);
        if (!field) {
          auto& d = Error(f, key.span, DiagCode::GivenFieldUnknown, key.text);
          d.message = fmt::format("`{}` has no field `{}`", where, key.text);
          if (!Suggest(d, key.text, names, key.span, true)) {
            std::string list;
            for (const std::string& n : names)
              list += (list.empty() ? "`" : ", `") + n + "`";
            d.help = "its fields are " + list;
          }
          continue;
        }
        CheckGiven(f, j.items[i], field->type, where + "." + key.text);
      }
      return;
    }
    case TypeKind::Facts: {
      if (j.kind != ast::JsonKind::Object) {
        mismatch("an object");
        return;
      }
      for (size_t i = 0; i < j.items.size(); ++i) {
        const ast::Name& key = j.keys[i];
        // A test of one policy sees its file's facts; a pack test every fact of the pack.
        std::optional<uint32_t> index;
        std::vector<std::string> one_of;
        if (given_facts_) {
          auto found = given_facts_->find(key.text);
          if (found != given_facts_->end()) {
            index = found->second.fact;
            for (const ast::Name& v :
                 ast_.files[found->second.file].facts[found->second.index].one_of)
              one_of.push_back(v.text);
          }
        } else if (auto found = facts_by_name_.find(key.text); found != facts_by_name_.end()) {
          index = found->second;
          one_of = out_.facts[found->second].one_of;
        }
        if (!index) {
          std::vector<std::string> names;
          if (given_facts_) {
            for (const auto& [name, ref] : *given_facts_)
              names.push_back(name);
          } else {
            for (const auto& [name, pack_index] : facts_by_name_)
              names.push_back(name);
          }
          auto& d = Error(f, key.span, DiagCode::UnknownFact, key.text);
          Suggest(d, key.text, names, key.span, true);
          continue;
        }
        const FactDecl& fact = out_.facts[*index];
        CheckGiven(f, j.items[i], fact.type, "facts." + key.text);
        const ast::Json& value = ast_.json[j.items[i]];
        if (!one_of.empty() && value.kind == ast::JsonKind::String &&
            std::find(one_of.begin(), one_of.end(), value.text) == one_of.end()) {
          auto& d = Error(f, value.span, DiagCode::FactValueNotAllowed, value.text, fact.name);
          d.help.clear();
          Suggest(d, value.text, one_of, value.span, true);
        }
      }
      return;
    }
  }
}

}  // namespace warrant::check
