// Checking of test records (`given { ... }`) against the claim schema and the declared facts, so
// a misspelt field or a malformed date in a test is a compile error, not a silent `unknown`.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/records/record_scan.h"

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

void Checker::CheckGiven(uint32_t f, ast::JsonId id, TypeId type, const std::string& where,
                         const SchemaType* declared, bool in_facts) {
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
    case TypeKind::Int: {
      const bool bounded = declared && (declared->min != INT64_MIN || declared->max != INT64_MAX);
      const std::string want =
          bounded ? fmt::format("a whole number from {} to {}", declared->min, declared->max)
                  : std::string("a whole number");
      if (j.kind != ast::JsonKind::Number || !IsInteger(j.text)) {
        mismatch(want);
        return;
      }
      int64_t scaled = 0;
      if (bounded && (!ParseDecimal(j.text, &scaled) || scaled / kDecimalScale < declared->min ||
                      scaled / kDecimalScale > declared->max)) {
        Error(f, j.span, DiagCode::GivenTypeMismatch, where, want).help =
            fmt::format("{} is out of range", j.text);
      }
      return;
    }
    case TypeKind::Decimal:
      if (j.kind != ast::JsonKind::Number)
        mismatch("a number");
      return;
    case TypeKind::Money: {
      const std::string want = "an amount with at most two decimal places, not negative";
      if (j.kind != ast::JsonKind::Number && j.kind != ast::JsonKind::String) {
        mismatch(want);
        return;
      }
      int64_t scaled = 0;
      switch (ParseMoney(j.text, kMaxMoney, &scaled)) {
        case MoneyProblem::None:
          return;
        case MoneyProblem::Malformed:
          Error(f, j.span, DiagCode::GivenTypeMismatch, where, want).help =
              fmt::format("`{}` is not an amount", j.text);
          return;
        case MoneyProblem::Negative:
          Error(f, j.span, DiagCode::GivenTypeMismatch, where, want).help =
              fmt::format("{} is negative", j.text);
          return;
        case MoneyProblem::TooPrecise:
          Error(f, j.span, DiagCode::GivenTypeMismatch, where, want).help =
              fmt::format("{} has more than two decimal places", j.text);
          return;
        case MoneyProblem::TooLarge:
          Error(f, j.span, DiagCode::GivenTypeMismatch, where, want).help =
              fmt::format("{} is above the largest amount, {}", j.text, FormatDecimal(kMaxMoney));
          return;
      }
      return;
    }
    case TypeKind::String:
      if (j.kind != ast::JsonKind::String) {
        mismatch("a string");
        return;
      }
      if (declared && declared->one_of != kNoIndex16) {
        const std::vector<std::string>& values = out_.schema.enums()[declared->one_of];
        if (std::find(values.begin(), values.end(), j.text) == values.end()) {
          std::string list;
          for (const std::string& v : values)
            list += (list.empty() ? "\"" : ", \"") + v + "\"";
          auto& d = Error(f, j.span, DiagCode::GivenTypeMismatch, where, "one of " + list);
          if (!Suggest(d, j.text, values, j.span, true))
            d.help = fmt::format("found \"{}\"", j.text);
        }
      }
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
        mismatch(fmt::format("a {} in quotes", Noun(t.system)));
        return;
      }
      std::string text = j.text;
      CodeSystem system = t.system;
      // An observation's code may name its system the way FHIR-derived feeds do,
      // "LOINC|4548-4", "payer_local|SL0001": LOINC or a system the pack declares.
      if (const size_t bar = text.find('|'); t.open && bar != std::string::npos) {
        const std::optional<CodeSystem> named = out_.schema.ObservationSystem(text.substr(0, bar));
        if (!named) {
          auto& d = Error(f, j.span, DiagCode::InvalidCode, j.text, "observation code");
          d.help = fmt::format("`{}` is not LOINC or a code system this pack declares",
                               text.substr(0, bar));
          return;
        }
        system = *named;
        text = text.substr(bar + 1);
      } else if (!t.open) {
        text = std::string(RecordCodeText(system, text));  // as the decoders read a LOINC field
      }
      std::string why;
      if (!ValidCode(system, text, &why)) {
        Error(f, j.span, DiagCode::InvalidCode, j.text, Noun(system)).help = why;
      }
      return;
    }
    case TypeKind::List: {
      if (j.kind != ast::JsonKind::Array) {
        mismatch("a list");
        return;
      }
      std::optional<SchemaType> element;
      if (declared && declared->kind == Kind::List)
        element = declared->Element();
      for (size_t i = 0; i < j.items.size(); ++i) {
        const std::string at = fmt::format("{}[{}]", where, i + 1);
        if (ast_.json[j.items[i]].kind == ast::JsonKind::Null) {
          auto& d = Error(f, ast_.json[j.items[i]].span, DiagCode::GivenTypeMismatch, at,
                          "a value (an element of a list cannot be null)");
          d.help = "remove the element";
          continue;
        }
        if (ast_.json[j.items[i]].kind == ast::JsonKind::Generate) {
          CheckGenerate(f, j.items[i], t.elem, where);  // its records join the list
          continue;
        }
        CheckGiven(f, j.items[i], t.elem, at, element ? &*element : nullptr, in_facts);
      }
      return;
    }
    case TypeKind::Map:
      if (j.kind != ast::JsonKind::Object) {
        mismatch("an object");
        return;
      }
      for (size_t i = 0; i < j.items.size(); ++i) {
        CheckGiven(f, j.items[i], t.elem, where + "." + j.keys[i].text, nullptr, in_facts);
      }
      return;
    case TypeKind::Record: {
      if (j.kind != ast::JsonKind::Object) {
        mismatch("an object");
        return;
      }
      const Record& record = types_.GetRecord(t.record);
      std::vector<std::string> names;
      for (const Field& field : record.fields) {
        if (field.id == UINT16_MAX || out_.schema.field(field.id).absent != Absence::Computed)
          names.push_back(field.name);
      }
      for (size_t i = 0; i < j.items.size(); ++i) {
        const ast::Name& key = j.keys[i];
        // Input keys as the decoders read them: aliases (`dx_ptr`) count, computed fields do not.
        const FieldDef* def = record.schema != UINT32_MAX
                                  ? out_.schema.Find(static_cast<uint16_t>(record.schema), key.text)
                                  : nullptr;
        const Field* field = nullptr;
        if (def && def->absent != Absence::Computed) {
          for (const Field& candidate : record.fields) {
            if (candidate.id == def->id)
              field = &candidate;
          }
        } else if (record.schema == UINT32_MAX) {
          field = record.Find(key.text);
        }
        if (!field) {
          // As the decoder: ignored (with a warning) unless strict, or inside `facts`, or in a
          // record the decoder does not read.
          const bool error = strict_given_ || in_facts || record.schema == UINT32_MAX;
          auto& d = error ? Error(f, key.span, DiagCode::GivenFieldUnknown, key.text)
                          : Error(f, key.span, DiagCode::GivenFieldIgnored, where, key.text);
          if (error)
            d.message = fmt::format("`{}` has no field `{}`", where, key.text);
          if (!Suggest(d, key.text, names, key.span, true)) {
            std::string list;
            for (const std::string& n : names)
              list += (list.empty() ? "`" : ", `") + n + "`";
            d.help = "its fields are " + list;
          }
          continue;
        }
        CheckGiven(f, j.items[i], field->type, where + "." + key.text,
                   field->id != UINT16_MAX ? &out_.schema.field(field->id).type : nullptr,
                   in_facts);
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
        const ast::Json& value = ast_.json[j.items[i]];
        if (!one_of.empty() && value.kind == ast::JsonKind::String &&
            std::find(one_of.begin(), one_of.end(), value.text) == one_of.end()) {
          auto& d = Error(f, value.span, DiagCode::FactValueNotAllowed, value.text, fact.name);
          d.help.clear();
          Suggest(d, value.text, one_of, value.span, true);
          continue;
        }
        CheckGiven(f, j.items[i], fact.type, "facts." + key.text,
                   fact.field != UINT16_MAX ? &out_.schema.field(fact.field).type : nullptr, true);
      }
      return;
    }
  }
}

}  // namespace warrant::check
