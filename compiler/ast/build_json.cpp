// JSON (the `given` record of a test): CST -> AST (see build.h).
#include <charconv>
#include <string>

#include <fmt/core.h>

#include "compiler/ast/build.h"

namespace warrant::ast {
namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The four hex digits after `\u` at `body[at]` (validated by the grammar).
uint32_t Hex4(std::string_view body, size_t at) {
  uint32_t value = 0;
  std::from_chars(body.data() + at, body.data() + at + 4, value, 16);
  return value;
}

bool IsHighSurrogate(uint32_t u) {
  return u >= 0xD800 && u <= 0xDBFF;
}

bool IsLowSurrogate(uint32_t u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

}  // namespace

// Unescapes a JSON string literal (quotes included). UTF-16 surrogate pairs written as two `\u`
// escapes become one code point; a surrogate without its partner cannot be UTF-8 and is an error.
std::string Builder::JsonStringValue(CstId id) {
  std::string_view literal = Text(id);
  std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    char c = body[++i];
    switch (c) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t unit = Hex4(body, i + 1);
        size_t escape_begin = i - 1;
        i += 4;
        if (IsHighSurrogate(unit) && i + 6 < body.size() && body.substr(i + 1, 2) == "\\u" &&
            IsLowSurrogate(Hex4(body, i + 3))) {
          uint32_t low = Hex4(body, i + 3);
          AppendUtf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
          i += 6;
        } else if (IsHighSurrogate(unit) || IsLowSurrogate(unit)) {
          auto begin = static_cast<uint32_t>(Node(id).span.begin + 1 + escape_begin);
          Fail(diag::DiagCode::InvalidJson, Span{begin, begin + 6},
               {fmt::format("`{}` is half of a UTF-16 surrogate pair without the other half",
                            body.substr(escape_begin, 6))});
        } else {
          AppendUtf8(out, unit);
        }
        break;
      }
      default:  // `"`, `\`, `/`
        out += c;
        break;
    }
  }
  return out;
}

JsonId Builder::BuildJson(CstId id) {
  const grammar::CstNode& node = Node(id);
  Json j;
  j.span = node.span;
  switch (node.kind) {
    case CstKind::JsonObject:
      j.kind = JsonKind::Object;
      for (CstId member : node.children) {
        CstId key = Kids(member)[0];
        j.keys.push_back(Name{JsonStringValue(key), Node(key).span});
        j.items.push_back(BuildJson(Kids(member)[1]));
      }
      break;
    case CstKind::JsonArray:
      j.kind = JsonKind::Array;
      for (CstId item : node.children)
        j.items.push_back(BuildJson(item));
      break;
    case CstKind::JsonString:
      j.kind = JsonKind::String;
      j.text = JsonStringValue(id);
      break;
    case CstKind::JsonNumber:
      j.kind = JsonKind::Number;
      j.text = std::string(Text(id));
      break;
    case CstKind::JsonGenerate: {
      // Int(count) template Duration(Int DurationUnit) Date(from)
      const auto& kids = Kids(id);
      j.kind = JsonKind::Generate;
      j.count = MakeInt(kids[0]);
      j.count_span = Node(kids[0]).span;
      j.items.push_back(BuildJson(kids[1]));
      const auto& step = Kids(kids[2]);
      j.step = MakeInt(step[0]);
      std::string_view unit = Text(step[1]);
      j.unit = unit.substr(0, 3) == "day"     ? DurationUnit::Days
               : unit.substr(0, 4) == "week"  ? DurationUnit::Weeks
               : unit.substr(0, 5) == "month" ? DurationUnit::Months
                                              : DurationUnit::Years;
      j.step_span = Node(kids[2]).span;
      j.from = MakeDate(kids[3]);
      break;
    }
    case CstKind::JsonTrue:
    case CstKind::JsonFalse:
      j.kind = JsonKind::Bool;
      j.boolean = node.kind == CstKind::JsonTrue;
      break;
    default:  // JsonNull
      j.kind = JsonKind::Null;
      break;
  }
  ast_.json.push_back(std::move(j));
  return static_cast<JsonId>(ast_.json.size() - 1);
}

}  // namespace warrant::ast
