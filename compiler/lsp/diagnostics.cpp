// Diagnostics as LSP Diagnostics, and their fixes as quick fixes.
#include <fmt/format.h>

#include "compiler/lsp/features.h"

namespace warrant::lsp {
namespace {

int SeverityOf(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::Error:
      return 1;
    case diag::Severity::Warning:
      return 2;
    case diag::Severity::Note:
      return 3;
  }
  return 1;
}

Range RangeIn(const Analysis& analysis, FileId fid, Span span) {
  LineIndex lines(analysis.sources.files.Get(fid).text());
  return lines.RangeOf(span);
}

bool Touches(const Range& a, const Range& b) {
  auto before = [](Position x, Position y) {
    return x.line < y.line || (x.line == y.line && x.character < y.character);
  };
  return !before(a.end, b.start) && !before(b.end, a.start);
}

// "Change to `code`" for a "did you mean `code`?"; otherwise what the fix writes.
std::string Title(const diag::Diagnostic& d) {
  std::string_view help = d.help;
  if (help.starts_with("did you mean `"))
    return fmt::format("Change to `{}`", d.fix->text);
  return fmt::format("Write `{}`", d.fix->text);
}

}  // namespace

Json ToJson(Position position) {
  return Json::Object({{"line", position.line}, {"character", position.character}});
}

Json ToJson(const Range& range) {
  return Json::Object({{"start", ToJson(range.start)}, {"end", ToJson(range.end)}});
}

Position PositionFrom(const Json& json) {
  int64_t line = json["line"].Int("position.line");
  int64_t character = json["character"].Int("position.character");
  if (line < 0 || character < 0 || line > UINT32_MAX || character > UINT32_MAX)
    throw JsonTypeError("a position must not be negative");
  return Position{static_cast<uint32_t>(line), static_cast<uint32_t>(character)};
}

Range RangeFrom(const Json& json) {
  return Range{PositionFrom(json["start"]), PositionFrom(json["end"])};
}

Json DiagnosticJson(const Analysis& analysis, const diag::Diagnostic& d, const UriFor& uri_for) {
  Range range = d.located ? RangeIn(analysis, d.file, d.span) : Range{};
  std::string message = d.message;
  if (!d.help.empty())
    message += "\nhelp: " + d.help;
  Json out = Json::Object({{"range", ToJson(range)},
                           {"severity", SeverityOf(d.severity)},
                           {"code", std::string(diag::Info(d.code).code)},
                           {"source", "warrant"},
                           {"message", message}});
  Json related = Json::Array();
  for (const diag::Note& note : d.notes) {
    if (note.file >= analysis.sources.paths.size() || analysis.sources.paths[note.file].empty())
      continue;
    related.Push(Json::Object(
        {{"location", Json::Object({{"uri", uri_for(analysis.sources.paths[note.file])},
                                    {"range", ToJson(RangeIn(analysis, note.file, note.span))}})},
         {"message", note.message}}));
  }
  if (!related.Items("relatedInformation").empty())
    out.Set("relatedInformation", std::move(related));
  return out;
}

Json CodeActions(const Analysis& analysis, FileId fid, const Range& range, const UriFor& uri_for) {
  Json actions = Json::Array();
  const std::filesystem::path& path = analysis.sources.paths[fid];
  auto by_file = analysis.ByFile();
  auto it = by_file.find(path);
  if (it == by_file.end())
    return actions;
  std::string uri = uri_for(path);
  for (const diag::Diagnostic* d : it->second) {
    if (!d->fix || !d->located)
      continue;
    Json diagnostic = DiagnosticJson(analysis, *d, uri_for);
    if (!Touches(RangeIn(analysis, fid, d->span), range))
      continue;
    Json edit = Json::Object(
        {{"range", ToJson(RangeIn(analysis, fid, d->fix->span))}, {"newText", d->fix->text}});
    Json changes = Json::Object();
    changes.Set(uri, Json::Array({std::move(edit)}));
    actions.Push(Json::Object({{"title", Title(*d)},
                               {"kind", "quickfix"},
                               {"diagnostics", Json::Array({std::move(diagnostic)})},
                               {"isPreferred", true},
                               {"edit", Json::Object({{"changes", std::move(changes)}})}}));
  }
  return actions;
}

}  // namespace warrant::lsp
