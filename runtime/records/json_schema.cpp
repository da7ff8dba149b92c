#include "runtime/records/json_schema.h"

#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "runtime/core/decimal.h"
#include "runtime/core/text.h"
#include "runtime/records/record_json.h"

namespace warrant {
namespace {

// A JSON value being built; an object keeps its members in the order they were set, so the
// document comes out the same every time.
class Node {
 public:
  static Node Raw(std::string text) {
    Node n;
    n.raw_ = std::move(text);
    return n;
  }

  static Node Str(std::string_view text) { return Raw(JsonString(text)); }

  static Node Object() {
    Node n;
    n.shape_ = Shape::Object;
    return n;
  }

  static Node Array() {
    Node n;
    n.shape_ = Shape::Array;
    return n;
  }

  Node& Set(std::string_view key, Node value) {
    members_.emplace_back(std::string(key), std::move(value));
    return *this;
  }

  Node& Push(Node value) {
    items_.push_back(std::move(value));
    return *this;
  }

  bool Empty() const { return members_.empty() && items_.empty(); }

  // Adds the members of the object `other` this object does not have yet.
  void Merge(Node other) {
    for (auto& [key, value] : other.members_) {
      bool have = false;
      for (const auto& member : members_)
        have = have || member.first == key;
      if (!have)
        members_.emplace_back(key, std::move(value));
    }
  }

  // An array of literals stays on one line: "type": ["string", "null"].
  void Write(std::string& out, int indent) const {
    const std::string pad(static_cast<size_t>(indent + 2), ' ');
    switch (shape_) {
      case Shape::Raw:
        out += raw_;
        return;
      case Shape::Array: {
        bool flat = true;
        for (const Node& item : items_)
          flat = flat && item.shape_ == Shape::Raw;
        out += '[';
        for (size_t i = 0; i < items_.size(); ++i) {
          out += i ? (flat ? ", " : ",\n") : (flat ? "" : "\n");
          if (!flat)
            out += pad;
          items_[i].Write(out, indent + 2);
        }
        if (!flat && !items_.empty())
          out += '\n' + std::string(static_cast<size_t>(indent), ' ');
        out += ']';
        return;
      }
      case Shape::Object:
        if (members_.empty()) {
          out += "{}";
          return;
        }
        out += "{\n";
        for (size_t i = 0; i < members_.size(); ++i) {
          out += pad;
          AppendJsonString(out, members_[i].first);
          out += ": ";
          members_[i].second.Write(out, indent + 2);
          out += i + 1 < members_.size() ? ",\n" : "\n";
        }
        out += std::string(static_cast<size_t>(indent), ' ') + '}';
        return;
    }
  }

 private:
  enum class Shape : uint8_t { Raw, Object, Array };
  Shape shape_ = Shape::Raw;
  std::string raw_;
  std::vector<std::pair<std::string, Node>> members_;
  std::vector<Node> items_;
};

// "string" or ["string", "null"].
Node Types(std::initializer_list<std::string_view> types, bool nullable) {
  if (types.size() == 1 && !nullable)
    return Node::Str(*types.begin());
  Node array = Node::Array();
  for (std::string_view t : types)
    array.Push(Node::Str(t));
  if (nullable)
    array.Push(Node::Str("null"));
  return array;
}

}  // namespace

// The spellings runtime/core/code.h accepts for a code of `system`, as the decoder reads them
// (RecordCodeText: LOINC may carry its system). tests/unit/json_schema_test.cpp holds them to
// Pack.
std::string_view JsonSchemaCodePattern(CodeSystem system) {
  switch (system) {
    case CodeSystem::Icd10cm:
      return R"(^([A-Za-z][0-9]|[Qq][A-Za-z])[A-Za-z0-9](\.?[A-Za-z0-9]{1,4})?$)";
    case CodeSystem::Hcpcs:
      return R"(^([0-9]{4}[0-9FMTUfmtu]|[A-Va-v][0-9]{4})$)";
    case CodeSystem::Loinc:
      return R"(^(LOINC\|)?(http://loinc\.org\|)?[1-9][0-9]{0,6}-[0-9]$)";
    case CodeSystem::Pos:
      return R"(^(0[1-9]|[1-9][0-9])$)";
    case CodeSystem::Modifier:
      return R"(^[A-Za-z0-9]{2}$)";
    case CodeSystem::Ndc:
      return R"(^([0-9]{11}|[0-9]{5}-[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$)";
    case CodeSystem::Npi:
      return R"(^[0-9]{10}$)";
    case CodeSystem::Taxonomy:
      return R"(^[A-Za-z0-9]{9}[Xx]$)";
    case CodeSystem::Revenue:
      return R"(^[0-9]{3,4}$)";
    case CodeSystem::BillType:
      return R"(^0?[1-9][0-9]{2}$)";
  }
  return "";
}

namespace {

// What a pattern cannot check about a code.
std::string_view CodeNote(CodeSystem system) {
  switch (system) {
    case CodeSystem::Loinc:
      return "its mod-10 check digit is checked by the decoder";
    case CodeSystem::Npi:
      return "its Luhn check digit (over 80840 and the first nine digits) is checked by the "
             "decoder";
    default:
      return "";
  }
}

// The money amounts ParseMoney takes as a string: digits, at most two significant decimal
// places (trailing zeros beyond are fine), up to kMaxMoney; a negative zero is zero.
constexpr std::string_view kMoneyPattern = R"(^(-?0(\.0+)?|(0|[1-9][0-9]{0,8})(\.[0-9]{1,2}0*)?)$)";
constexpr std::string_view kDatePattern = R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}$)";
// A code of a system the pack declares: 1 to 9 letters, digits, `-` or `.` (code_local.cpp).
constexpr std::string_view kDeclaredCodePattern = R"(^[A-Za-z0-9.-]{1,9}$)";

class Writer {
 public:
  explicit Writer(const Schema& schema) : schema_(schema) {}

  std::string Document() {
    Node root = Node::Object();
    root.Set("$schema", Node::Str("https://json-schema.org/draft/2020-12/schema"));
    root.Set("title", Node::Str("Warrant claim"));
    std::string description =
        "One claim as `warrant run` reads it: one JSON object per line of NDJSON (docs/language.md "
        "§9). null means absent wherever it is allowed. Keys the claim schema does not declare are "
        "allowed here because the decoder ignores them (and counts them in the run summary); "
        "`warrant run --strict` refuses them (R0717). Inside `facts`, undeclared keys are always "
        "refused (R0706). A key given twice in one object is refused (R0714).";
    if (schema_.Extended() || !schema_.facts().empty())
      description += " Includes the fields and facts the pack declares.";
    root.Set("description", Node::Str(description));
    root.Set("$ref", Node::Str("#/$defs/claim"));
    Node defs = Node::Object();
    for (size_t i = 0; i < schema_.records().size(); ++i) {
      const RecordDef& r = schema_.record(static_cast<uint16_t>(i));
      if (r.name.empty())
        continue;  // a record type written in place: inlined where it is used
      defs.Set(r.name, RecordNode(static_cast<uint16_t>(i), false, false));
    }
    root.Set("$defs", std::move(defs));
    std::string out;
    root.Write(out, 0);
    out += '\n';
    return out;
  }

 private:
  // A record's object schema. `in_facts`: the decoder refuses unknown keys there.
  Node RecordNode(uint16_t index, bool in_facts, bool nullable) {
    const RecordDef& r = schema_.record(index);
    const bool facts = index == static_cast<uint16_t>(RecordId::facts);
    in_facts = in_facts || facts;
    Node node = Node::Object();
    std::string description = r.doc;
    if (facts) {
      description += (description.empty() ? "" : ". ") +
                     std::string(
                         "A key the pack declares no fact for is refused (R0706) unless it "
                         "is null; an absent or null fact is unknown to the rules");
    } else if (in_facts) {
      description += (description.empty() ? "" : ". ") +
                     std::string(
                         "Inside `facts`: a key the record does not declare is refused "
                         "(R0706)");
    }
    if (!description.empty())
      node.Set("description", Node::Str(description));
    node.Set("type", Types({"object"}, nullable));
    Node properties = Node::Object();
    Node required = Node::Array();
    std::string_view alias;
    std::string aliased;
    for (uint16_t id : r.fields) {
      const FieldDef& f = schema_.field(id);
      if (f.absent == Absence::Computed)
        continue;  // not an input key: given, it is ignored like any other
      properties.Set(f.name, FieldNode(f, in_facts));
      if (f.absent == Absence::Required)
        required.Push(Node::Str(f.name));
      if (std::string_view key = schema_.Alias(id); !key.empty()) {
        Node same = FieldNode(f, in_facts);
        properties.Set(key, std::move(same));
        alias = key;
        aliased = f.name;
      }
    }
    node.Set("properties", std::move(properties));
    if (in_facts)
      node.Set("additionalProperties",
               facts ? Node::Object().Set("type", Node::Str("null")) : Node::Raw("false"));
    if (!alias.empty()) {
      node.Set("not",
               Node::Object().Set("required",
                                  Node::Array().Push(Node::Str(aliased)).Push(Node::Str(alias))));
    }
    if (!required.Empty())
      node.Set("required", std::move(required));
    return node;
  }

  // One field: its description (doc, what the type cannot say, what absent means), then its type.
  Node FieldNode(const FieldDef& f, bool in_facts) {
    std::vector<std::string> parts;
    if (!f.doc.empty())
      parts.push_back(f.doc);
    if (std::string_view key = schema_.Alias(f.id); !key.empty())
      parts.push_back(
          fmt::format("`{}` is another name for `{}`: give one of the two", key, f.name));
    const SchemaType scalar = f.type.kind == Kind::List ? f.type.Element() : f.type;
    switch (scalar.kind) {
      case Kind::Money:
        parts.push_back(
            "exact cents: a number or a string holding one, at most two decimal places, never "
            "negative (a number written with an exponent or more places is refused)");
        break;
      case Kind::Decimal:
        parts.push_back("a number with at most six decimal places, compared exactly as written");
        break;
      case Kind::Date:
        parts.push_back("a calendar date YYYY-MM-DD");
        break;
      case Kind::Code:
        if (std::string_view note = CodeNote(scalar.system); !note.empty())
          parts.push_back(fmt::format("{}: {}", SystemNoun(scalar.system), note));
        break;
      default:
        break;
    }
    switch (static_cast<FieldId>(f.base ? f.id : uint16_t{UINT8_MAX})) {
      case FieldId::claim_service_date:
        parts.push_back(
            "a line without its own `date` takes it; without either the claim is "
            "refused (R0710)");
        break;
      case FieldId::claim_lines:
        parts.push_back("an empty list is refused (R0709)");
        break;
      case FieldId::line_dx_pointers:
        parts.push_back("each one 1-based into the claim's `diagnoses` (R0707)");
        break;
      default:
        break;
    }
    switch (f.absent) {
      case Absence::Unknown:
        parts.push_back(in_facts && f.record == static_cast<uint16_t>(RecordId::facts)
                            ? "absent or null: the fact is unknown"
                            : "absent or null: unknown");
        break;
      case Absence::Required:
        parts.push_back("required");
        break;
      case Absence::Computed:
        break;
      case Absence::Empty:
        parts.push_back(f.type.kind == Kind::List ? "absent or null: empty ([])"
                                                  : "absent or null: empty ({})");
        break;
      case Absence::Default:
        parts.push_back(fmt::format("absent or null: {}", f.default_text));
        break;
      case Absence::FromClaim:
        parts.push_back(fmt::format("absent or null: the claim's `{}`", f.default_text));
        break;
    }
    std::string description;
    for (const std::string& p : parts)
      description += (description.empty() ? "" : "; ") + p;

    Node node = Node::Object();
    node.Set("description", Node::Str(description));
    TypeInto(node, f.type, f.absent != Absence::Required, in_facts, MaxItems(f));
    if (f.absent == Absence::Default)
      node.Set("default", Node::Raw(f.default_text));
    if (f.base && f.id == static_cast<uint16_t>(FieldId::claim_lines))
      node.Set("minItems", Node::Raw("1"));
    return node;
  }

  static size_t MaxItems(const FieldDef& f) {
    if (!f.base)
      return kMaxListItems;
    switch (static_cast<FieldId>(f.id)) {
      case FieldId::claim_lines:
        return kMaxLines;
      case FieldId::claim_history:
        return kMaxHistory;
      case FieldId::claim_diagnoses:
        return kMaxDiagnoses;
      case FieldId::claim_observations:
        return kMaxObservations;
      default:
        return kMaxListItems;
    }
  }

  // The members that say a value is of `type` (null too when `nullable`).
  void TypeInto(Node& node, const SchemaType& t, bool nullable, bool in_facts, size_t max_items) {
    switch (t.kind) {
      case Kind::Bool:
        node.Set("type", Types({"boolean"}, nullable));
        return;
      case Kind::Int:
        node.Set("type", Types({"integer"}, nullable));
        if (t.min != INT64_MIN)
          node.Set("minimum", Node::Raw(fmt::format("{}", t.min)));
        if (t.max != INT64_MAX)
          node.Set("maximum", Node::Raw(fmt::format("{}", t.max)));
        return;
      case Kind::Decimal:
        node.Set("type", Types({"number"}, nullable));
        return;
      case Kind::Money:
        node.Set("type", Types({"number", "string"}, nullable));
        node.Set("minimum", Node::Raw("0"));
        node.Set("maximum", Node::Raw(FormatDecimal(kMaxMoney)));
        node.Set("pattern", Node::Str(kMoneyPattern));
        return;
      case Kind::String:
        if (t.one_of != kNoIndex16 && t.one_of < schema_.enums().size()) {
          Node values = Node::Array();
          for (const std::string& v : schema_.enums()[t.one_of])
            values.Push(Node::Str(v));
          if (nullable)
            values.Push(Node::Raw("null"));
          node.Set("enum", std::move(values));
          return;
        }
        node.Set("type", Types({"string"}, nullable));
        return;
      case Kind::Date:
        node.Set("type", Types({"string"}, nullable));
        node.Set("format", Node::Str("date"));
        node.Set("pattern", Node::Str(kDatePattern));
        return;
      case Kind::Code:
        node.Set("type", Types({"string"}, nullable));
        node.Set("pattern", Node::Str(CodePattern(t.system)));
        return;
      case Kind::List: {
        node.Set("type", Types({"array"}, nullable));
        Node items = Node::Object();
        TypeInto(items, t.Element(), false, in_facts, kMaxListItems);
        node.Set("items", std::move(items));
        node.Set("maxItems", Node::Raw(fmt::format("{}", max_items)));
        return;
      }
      case Kind::Record: {
        if (t.record >= schema_.records().size())
          return;
        const RecordDef& r = schema_.record(t.record);
        if (!r.name.empty() && !in_facts) {
          const Node ref = Node::Object().Set("$ref", Node::Str("#/$defs/" + r.name));
          if (!nullable) {
            node.Set("$ref", Node::Str("#/$defs/" + r.name));
            return;
          }
          node.Set("anyOf",
                   Node::Array().Push(ref).Push(Node::Object().Set("type", Node::Str("null"))));
          return;
        }
        node.Merge(RecordNode(t.record, in_facts, nullable));
        return;
      }
      case Kind::Map:
        node.Set("type", Types({"object"}, nullable));
        node.Set("additionalProperties", Node::Object().Set("type", Types({"string"}, true)));
        return;
    }
  }

  // A code of `system`; a LOINC code may also be "SYSTEM|CODE" of a system the pack declares
  // (by name or uri, the shared syntax of declared systems), as observation codes are read.
  std::string CodePattern(CodeSystem system) const {
    if (static_cast<unsigned>(system) >= kFirstDeclaredSystem)
      return std::string(kDeclaredCodePattern);
    const std::string_view own = JsonSchemaCodePattern(system);
    if (system != CodeSystem::Loinc || schema_.systems().empty())
      return std::string(own);
    std::string names;
    for (const CodeSystemDef& def : schema_.systems()) {
      for (const std::string& name : {def.name, def.uri}) {
        if (name.empty())
          continue;
        if (!names.empty())
          names += '|';
        names += RegexEscape(name);
      }
    }
    // `own` is ^...$: its body, then the declared systems' form.
    return fmt::format("^({}|({})\\|[A-Za-z0-9.-]{{1,9}})$", own.substr(1, own.size() - 2), names);
  }

  static std::string RegexEscape(std::string_view text) {
    std::string out;
    for (char c : text) {
      if (std::string_view(R"(\^$.|?*+()[]{}/)").find(c) != std::string_view::npos)
        out += '\\';
      out += c;
    }
    return out;
  }

  const Schema& schema_;
};

}  // namespace

std::string JsonSchema(const Schema& schema) {
  return Writer(schema).Document();
}

}  // namespace warrant
