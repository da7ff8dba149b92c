#include "compiler/ast/dump_text.h"

#include <optional>

#include <fmt/core.h>

#include "runtime/core/text.h"

namespace warrant::ast::dump {
namespace {

std::string List(const Ast& ast, const std::vector<ExprId>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += ExprString(ast, items[i]);
  }
  return out;
}

std::string Member(const CodeMember& m) {
  switch (m.kind) {
    case MemberKind::Exact:
      return m.text;
    case MemberKind::Prefix:
      return m.text + "*";
    case MemberKind::Range:
      return m.text + " .. " + m.high;
  }
  return "?";
}

// The one-line form of a JSON value, or nullopt once it grows past `limit` characters (so a huge
// record costs no more than `limit` per level to reject).
// " every 7 days from 2025-01-06"
std::string GenerateTail(const Json& j) {
  std::string unit = DurationUnitName(j.unit);
  if (j.step == 1)
    unit.pop_back();  // "1 month"
  return fmt::format(" every {} {} from {:04}-{:02}-{:02}", j.step, unit, j.from.year, j.from.month,
                     j.from.day);
}

std::optional<std::string> Compact(const Ast& ast, JsonId id, size_t limit) {
  const Json& j = ast.json[id];
  switch (j.kind) {
    case JsonKind::Null:
      return "null";
    case JsonKind::Bool:
      return j.boolean ? "true" : "false";
    case JsonKind::Number:
      return j.text;
    case JsonKind::String:
      return Quote(j.text);
    case JsonKind::Array:
    case JsonKind::Object: {
      bool object = j.kind == JsonKind::Object;
      std::string out = object ? "{" : "[";
      for (size_t i = 0; i < j.items.size(); ++i) {
        if (i > 0)
          out += ", ";
        if (object)
          out += Quote(j.keys[i].text) + ": ";
        if (out.size() > limit)
          return std::nullopt;
        std::optional<std::string> item = Compact(ast, j.items[i], limit - out.size());
        if (!item)
          return std::nullopt;
        out += *item;
      }
      out += object ? "}" : "]";
      if (out.size() > limit)
        return std::nullopt;
      return out;
    }
    case JsonKind::Generate: {
      std::string out = fmt::format("generate {} of ", j.count);
      if (out.size() > limit)
        return std::nullopt;
      std::optional<std::string> item = Compact(ast, j.items[0], limit - out.size());
      if (!item)
        return std::nullopt;
      out += *item + GenerateTail(j);
      if (out.size() > limit)
        return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string Quote(std::string_view text) {
  return JsonString(text);
}

std::string DateString(const Date& date) {
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::string ExprString(const Ast& ast, ExprId id) {
  if (id == kNone)
    return "_";
  const Expr& e = ast.expr(id);
  switch (e.kind) {
    case ExprKind::Bool:
      return e.ival ? "true" : "false";
    case ExprKind::Int:
      return std::to_string(e.ival);
    case ExprKind::Decimal:
    case ExprKind::NameRef:
      return e.text;
    case ExprKind::String:
      return Quote(e.text);
    case ExprKind::DateLit:
      return DateString(e.date);
    case ExprKind::Duration:
      return fmt::format("{} {}", e.ival, DurationUnitName(e.unit));
    case ExprKind::NoneLit:
      return "none";
    case ExprKind::Field:
      return ExprString(ast, e.a) + "." + e.text;
    case ExprKind::Index:
      return ExprString(ast, e.a) + "[" + ExprString(ast, e.b) + "]";
    case ExprKind::Call:
      return e.text + "(" + List(ast, e.list) + ")";
    case ExprKind::Unary:
      if (e.op == Operator::IsNone || e.op == Operator::IsKnown) {
        return fmt::format("({} {})", ExprString(ast, e.a), OpText(e.op));
      }
      if (e.op == Operator::Neg)
        return fmt::format("(-{})", ExprString(ast, e.a));
      return fmt::format("({} {})", OpText(e.op), ExprString(ast, e.a));
    case ExprKind::Binary:
      return fmt::format("({} {} {})", ExprString(ast, e.a), OpText(e.op), ExprString(ast, e.b));
    case ExprKind::Within:
      return fmt::format("({} within {} {} {})", ExprString(ast, e.a), ExprString(ast, e.b),
                         WindowSideName(e.dir), ExprString(ast, e.c));
    case ExprKind::If:
      return fmt::format("(if {} then {} else {})", ExprString(ast, e.a), ExprString(ast, e.b),
                         ExprString(ast, e.c));
    case ExprKind::List:
      return fmt::format("[{}]", List(ast, e.list));
    case ExprKind::Quantifier: {
      std::string out = fmt::format("({} ", QuantName(e.quant));
      if (e.c != kNone)
        out += ExprString(ast, e.c) + " for ";
      out += e.text + " in " + ExprString(ast, e.a);
      if (e.b != kNone)
        out += " where " + ExprString(ast, e.b);
      return out + ")";
    }
  }
  return "?";
}

std::string CodesetString(const Ast& ast, CodesetExprId id) {
  const CodesetExpr& e = ast.codeset_exprs[id];
  switch (e.kind) {
    case CodesetExprKind::Members: {
      std::string out = "[";
      for (size_t i = 0; i < e.members.size(); ++i) {
        if (i > 0)
          out += ", ";
        out += Member(e.members[i]);
      }
      return out + "]";
    }
    case CodesetExprKind::Ref: {
      std::string out;
      for (size_t i = 0; i < e.ref.size(); ++i)
        out += (i > 0 ? "." : "") + e.ref[i].text;
      return out;
    }
    case CodesetExprKind::Load:
      return fmt::format("load {} column {}", Quote(e.path.text), Quote(e.column.text));
    case CodesetExprKind::Union:
      return fmt::format("({} + {})", CodesetString(ast, e.a), CodesetString(ast, e.b));
    case CodesetExprKind::Difference:
      return fmt::format("({} - {})", CodesetString(ast, e.a), CodesetString(ast, e.b));
  }
  return "?";
}

std::string TypeString(const TypeExpr& type) {
  if (type.field_names.empty())
    return type.name.text;
  std::string out = "(";
  for (size_t i = 0; i < type.field_names.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += type.field_names[i].text + ": " + TypeString(type.field_types[i]);
  }
  return out + ")";
}

void AppendJson(const Ast& ast, JsonId id, size_t indent, size_t column, size_t width,
                std::string& out) {
  size_t room = width > column ? width - column : 0;
  if (std::optional<std::string> line = Compact(ast, id, room)) {
    out += *line;
    return;
  }
  const Json& j = ast.json[id];  // only arrays, objects and generators can be too wide
  if (j.kind == JsonKind::Generate) {
    std::string head = fmt::format("generate {} of ", j.count);
    out += head;
    AppendJson(ast, j.items[0], indent, column + head.size(), width, out);
    out += GenerateTail(j);
    return;
  }
  bool object = j.kind == JsonKind::Object;
  std::string pad(indent + 2, ' ');
  out += object ? "{\n" : "[\n";
  for (size_t i = 0; i < j.items.size(); ++i) {
    std::string key = object ? Quote(j.keys[i].text) + ": " : "";
    out += pad + key;
    AppendJson(ast, j.items[i], indent + 2, indent + 2 + key.size(), width, out);
    out += i + 1 < j.items.size() ? ",\n" : "\n";
  }
  out += std::string(indent, ' ') + (object ? "}" : "]");
}

}  // namespace warrant::ast::dump
