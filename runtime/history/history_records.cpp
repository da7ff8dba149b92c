#include "runtime/history/history_records.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/core/decimal.h"
#include "runtime/core/text.h"

namespace warrant {
namespace {

namespace dom = simdjson::dom;

struct Reader {
  std::string& error;

  bool Fail(std::string message) {
    error = std::move(message);
    return false;
  }

  bool Text(dom::element e, std::string_view what, std::string& out) {
    std::string_view s;
    if (e.get_string().get(s))
      return Fail(fmt::format("{} is not a string", what));
    out = std::string(s);
    return true;
  }

  bool Code(dom::element e, CodeSystem system, std::string_view what, std::string& out) {
    std::string text;
    if (!Text(e, what, text))
      return false;
    std::optional<uint64_t> packed = Pack(system, text);
    std::optional<CodeText> shown = packed ? Unpack(*packed) : std::nullopt;
    if (!shown)
      return Fail(fmt::format("{} {} is not a valid code", what, JsonString(text)));
    out = shown->str();
    return true;
  }

  bool Codes(dom::element e, CodeSystem system, std::string_view what,
             std::optional<std::vector<std::string>>& out) {
    dom::array items;
    if (e.get_array().get(items))
      return Fail(fmt::format("{} is not a list", what));
    out.emplace();
    for (dom::element item : items) {
      if (!Code(item, system, what, out->emplace_back()))
        return false;
    }
    return true;
  }

  bool Amount(dom::element e, std::string_view what, std::string& out) {
    std::string_view text;
    std::string number;
    if (e.is_string()) {
      text = e.get_string().value_unsafe();
    } else if (e.is_number()) {
      number = simdjson::minify(e);
      text = number;
    } else if (e.is_null()) {
      out.clear();
      return true;
    } else {
      return Fail(fmt::format("{} is not an amount", what));
    }
    int64_t scaled = 0;
    if (!ParseDecimal(text, &scaled) || scaled < 0)
      return Fail(fmt::format("{} {} is not an amount", what, JsonString(text)));
    out = FormatDecimal(scaled);
    return true;
  }

  bool Line(dom::object o, size_t position, std::string_view default_date,
            std::string_view default_status,
            const std::optional<std::vector<std::string>>& diagnoses, HistoryLine& h) {
    h.line = static_cast<int64_t>(position);
    h.date = std::string(default_date);
    std::vector<int64_t> pointers;
    const std::string where = fmt::format("lines[{}]", position - 1);
    for (auto [key, value] : o) {
      const std::string what = fmt::format("{}.{}", where, key);
      if (key == "line") {
        int64_t n = 0;
        if (value.get_int64().get(n) || n < 1)
          return Fail(fmt::format("{} is not a line number (1 or more)", what));
        h.line = n;
      } else if (key == "code") {
        if (!Code(value, CodeSystem::Hcpcs, what, h.code))
          return false;
      } else if (key == "date") {
        if (!Text(value, what, h.date))
          return false;
        if (!ParseDate(h.date))
          return Fail(fmt::format("{} {} is not a date YYYY-MM-DD", what, JsonString(h.date)));
      } else if (key == "status") {
        if (!Text(value, what, h.status))
          return false;
      } else if (key == "dx") {
        if (!Codes(value, CodeSystem::Icd10cm, what, h.dx))
          return false;
      } else if (key == "modifiers") {
        if (!Codes(value, CodeSystem::Modifier, what, h.modifiers))
          return false;
      } else if (key == "dx_pointers") {
        dom::array items;
        if (value.get_array().get(items))
          return Fail(fmt::format("{} is not a list", what));
        for (dom::element item : items) {
          int64_t n = 0;
          if (item.get_int64().get(n) || !diagnoses || n < 1 ||
              static_cast<size_t>(n) > diagnoses->size())
            return Fail(fmt::format("{} points to no diagnosis of the claim", what));
          pointers.push_back(n);
        }
      } else if (key == "units") {
        if (value.get_int64().get(h.units) || h.units < 1 || h.units > 9999999)
          return Fail(fmt::format("{} is not a number of units (1 to 9999999)", what));
      } else if (key == "charge") {
        if (!Amount(value, what, h.charge))
          return false;
      } else if (key == "allowed") {
        if (!Amount(value, what, h.allowed))
          return false;
      }
    }
    if (h.code.empty())
      return Fail(fmt::format("{} has no code", where));
    if (h.status.empty())
      h.status = std::string(default_status);
    if (h.status.empty())
      return Fail(fmt::format("{} has no status (\"paid\", \"denied\", ...)", where));
    if (!h.dx && diagnoses) {
      if (pointers.empty()) {
        h.dx = diagnoses;
      } else {
        h.dx.emplace();
        for (int64_t n : pointers)
          h.dx->push_back((*diagnoses)[static_cast<size_t>(n - 1)]);
      }
    }
    return true;
  }
};

}  // namespace

bool ReadHistoryRecord(std::string_view json, ClaimHistory& out, std::string& error,
                       std::string_view default_status) {
  thread_local dom::parser parser;
  out = ClaimHistory();
  Reader r{error};
  dom::element root;
  if (auto e = parser.parse(json.data(), json.size()).get(root))
    return r.Fail(fmt::format("not valid JSON ({})", simdjson::error_message(e)));
  dom::object o;
  if (root.get_object().get(o))
    return r.Fail("not a JSON object");
  std::string service_date;
  std::optional<std::vector<std::string>> diagnoses;
  dom::array lines;
  bool has_lines = false;
  for (auto [key, value] : o) {
    if (key == "id") {
      if (!r.Text(value, "id", out.claim))
        return false;
    } else if (key == "patient") {
      dom::element id;
      if (value.is_string()) {
        out.patient = std::string(value.get_string().value_unsafe());
      } else if (value.at_key("id").get(id) || !r.Text(id, "patient.id", out.patient)) {
        return r.Fail("patient is neither a patient id nor an object with an `id`");
      }
    } else if (key == "frequency") {
      if (!r.Text(value, "frequency", out.frequency))
        return false;
      if (out.frequency != "original" && out.frequency != "replacement" &&
          out.frequency != "void") {
        return r.Fail(fmt::format("frequency {} is not \"original\", \"replacement\" or \"void\"",
                                  JsonString(out.frequency)));
      }
    } else if (key == "original_id") {
      if (!r.Text(value, "original_id", out.original_id))
        return false;
    } else if (key == "service_date") {
      if (!r.Text(value, "service_date", service_date) || !ParseDate(service_date))
        return r.Fail("service_date is not a date YYYY-MM-DD");
    } else if (key == "diagnoses") {
      if (!r.Codes(value, CodeSystem::Icd10cm, "diagnoses", diagnoses))
        return false;
    } else if (key == "lines") {
      if (value.get_array().get(lines))
        return r.Fail("lines is not a list");
      has_lines = true;
    }
  }
  if (out.claim.empty())
    return r.Fail("the record has no claim `id`");
  if (out.patient.empty())
    return r.Fail("the record has no `patient` id");
  if (!has_lines && out.frequency != "void")
    return r.Fail("the record has no `lines`");
  if (has_lines) {
    size_t position = 0;
    for (dom::element line : lines) {
      dom::object lo;
      if (line.get_object().get(lo))
        return r.Fail(fmt::format("lines[{}] is not an object", position));
      if (!r.Line(lo, ++position, service_date, default_status, diagnoses,
                  out.lines.emplace_back()))
        return false;
    }
  }
  for (size_t i = 0; i < out.lines.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out.lines[i].line == out.lines[j].line)
        return r.Fail(fmt::format("two lines are line {}", out.lines[i].line));
    }
  }
  return true;
}

void AppendHistoryRecord(const ClaimHistory& c, std::string& out) {
  out += "{\"id\":";
  AppendJsonString(out, c.claim);
  out += ",\"patient\":{\"id\":";
  AppendJsonString(out, c.patient);
  out += '}';
  if (!c.frequency.empty()) {
    out += ",\"frequency\":";
    AppendJsonString(out, c.frequency);
  }
  if (!c.original_id.empty()) {
    out += ",\"original_id\":";
    AppendJsonString(out, c.original_id);
  }
  out += ",\"lines\":[";
  bool first = true;
  for (const HistoryLine& l : c.lines) {
    out += first ? "" : ",";
    first = false;
    out += fmt::format("{{\"line\":{},\"code\":", l.line);
    AppendJsonString(out, l.code);
    if (!l.date.empty()) {
      out += ",\"date\":";
      AppendJsonString(out, l.date);
    }
    out += ",\"status\":";
    AppendJsonString(out, l.status);
    auto codes = [&](const char* name, const std::optional<std::vector<std::string>>& list) {
      if (!list)
        return;
      out += fmt::format(",\"{}\":[", name);
      for (size_t i = 0; i < list->size(); ++i) {
        out += i ? "," : "";
        AppendJsonString(out, (*list)[i]);
      }
      out += ']';
    };
    codes("dx", l.dx);
    codes("modifiers", l.modifiers);
    out += fmt::format(",\"units\":{}", l.units);
    if (!l.charge.empty())
      out += fmt::format(",\"charge\":\"{}\"", l.charge);
    if (!l.allowed.empty())
      out += fmt::format(",\"allowed\":\"{}\"", l.allowed);
    out += '}';
  }
  out += "]}\n";
}

}  // namespace warrant
