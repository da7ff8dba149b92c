#include "runtime/records/schema_listing.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "runtime/core/text.h"

namespace warrant {
namespace {

// What a field is when it is absent or null.
std::string AbsentText(const FieldDef& f) {
  switch (f.absent) {
    case Absence::Unknown:
      return "unknown";
    case Absence::Required:
      return "required";
    case Absence::Computed:
      return "computed";
    case Absence::Empty:
      return f.type.kind == Kind::List ? "[]" : "{}";
    case Absence::Default:
      return f.default_text;
    case Absence::FromClaim:
      return "claim." + f.default_text;
  }
  return "";
}

struct Row {
  std::string mark;  // "+" for an extension
  std::string name;
  std::string type;
  std::string absent;
  std::string doc;
};

// Types longer than this do not widen the column; their row runs past it.
constexpr size_t kTypeColumn = 34;

void AppendRows(const std::vector<Row>& rows, std::string& out) {
  size_t name = 0, type = 0, absent = 0;
  for (const Row& r : rows) {
    name = std::max(name, r.name.size());
    if (r.type.size() <= kTypeColumn)
      type = std::max(type, r.type.size());
    absent = std::max(absent, r.absent.size());
  }
  for (const Row& r : rows) {
    std::string line = fmt::format("  {:1} {:<{}}  ", r.mark, r.name, name);
    if (r.type.size() > type) {  // a long type has its line; the other columns go under it
      line += r.type + '\n';
      out += line;
      line = std::string(name + 6 + type, ' ');
    } else {
      line += fmt::format("{:<{}}  ", r.type, type);
    }
    line += fmt::format("{:<{}}  {}", r.absent, absent, r.doc);
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + '\n';
  }
}

}  // namespace

std::string SchemaListing(const Schema& schema) {
  size_t extensions = 0;
  const auto facts = static_cast<uint16_t>(RecordId::facts);
  for (const FieldDef& f : schema.fields()) {
    if (!f.base && f.record != facts && !schema.record(f.record).name.empty())
      ++extensions;
  }
  std::string out = "The claim schema: ";
  out += extensions == 0 && schema.facts().empty()
             ? "the base records, no pack declarations.\n"
             : fmt::format(
                   "the base records, {} field{} added with `extend` (marked +) and {} "
                   "fact{}.\n",
                   extensions, extensions == 1 ? "" : "s", schema.facts().size(),
                   schema.facts().size() == 1 ? "" : "s");
  out +=
      "Columns: field, type, what it is when absent or null (unknown; required; computed: not "
      "read; [] or {}: empty; a default; claim.FIELD: the claim's), description.\n";
  for (size_t i = 0; i < schema.records().size(); ++i) {
    const RecordDef& r = schema.record(static_cast<uint16_t>(i));
    if (r.name.empty())
      continue;  // a record type written in place: shown in its field's type
    // Names, descriptions and defaults come from the pack, which may be anyone's file.
    out += fmt::format("\n{}: {}\n", TerminalText(r.name), TerminalText(r.doc));
    std::vector<Row> rows;
    for (uint16_t id : r.fields) {
      const FieldDef& f = schema.field(id);
      Row row;
      row.mark = !f.base && i != facts ? "+" : "";
      row.name = TerminalText(f.name);
      row.type = TerminalText(schema.TypeName(f.type));
      row.absent = TerminalText(AbsentText(f));
      row.doc = TerminalText(f.doc);
      if (std::string_view alias = schema.Alias(id); !alias.empty())
        row.doc += fmt::format(" (also `{}`)", alias);
      rows.push_back(std::move(row));
    }
    if (rows.empty())
      out += i == facts ? "  (the pack declares no facts)\n" : "";
    AppendRows(rows, out);
  }
  return out;
}

}  // namespace warrant
