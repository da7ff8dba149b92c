// The FHIR R4 reader: documents, Bundles and NDJSON of resources (fhir.h); one claim's mapping
// is fhir_claim.cpp's.
#include "runtime/formats/fhir.h"

#include <charconv>
#include <cstddef>
#include <functional>

#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/formats/fhir_claim.h"
#include "runtime/formats/fhir_json.h"
#include "runtime/records/ndjson.h"

namespace warrant {
namespace {

using fhir::Element;
using fhir::ResourceIndex;

bool IsClaim(std::string_view type) {
  return type == "Claim" || type == "ExplanationOfBenefit";
}

// Resources a claim's reference may name.
bool IsReferenced(std::string_view type) {
  return type == "Patient" || type == "Organization" || type == "Practitioner" ||
         type == "PractitionerRole";
}

void Index(Element resource, std::string_view full_url, ResourceIndex& index) {
  const std::string_view type = fhir::StringMember(resource, "resourceType").value_or("");
  if (!IsReferenced(type))
    return;
  if (const auto id = fhir::StringMember(resource, "id"))
    index.emplace(fmt::format("{}/{}", type, *id), resource);
  if (!full_url.empty())
    index.emplace(std::string(full_url), resource);
}

class FhirReader {
 public:
  FhirReader(std::string_view name, const ClaimSink& sink, FhirCounts& counts)
      : name_(name), sink_(sink), counts_(counts) {}

  // One resource at `path`, found on `line` (0: a whole document). False: the sink said stop.
  bool Resource(Element resource, const std::string& path, uint64_t line,
                const ResourceIndex& index) {
    const std::string_view type = fhir::StringMember(resource, "resourceType").value_or("");
    if (IsClaim(type)) {
      counts_.claims++;
      // Reused, buffers and all, from one claim to the next.
      ConvertedClaim& claim = claim_;
      claim.json.clear();
      claim.id.clear();
      claim.error.clear();
      claim.item_sequences.clear();
      claim.line = line;
      if (!path.empty()) {
        claim.where = path;
      } else if (line) {
        claim.where = "line ";
        char digits[24];
        claim.where.append(digits, std::to_chars(digits, digits + sizeof digits, line).ptr);
      } else {
        claim.where = type;
      }
      fhir::MapClaim(resource, path, index, map_memory_, claim, before_lookup_);
      if (gather_failed_)
        return false;  // the input could not be read again for what the claim references
      return sink_(claim);
    }
    if (type != "Patient")
      counts_.skipped[type.empty() ? std::string("(no resourceType)") : std::string(type)]++;
    return true;
  }

  // A whole document: a Bundle, a Claim or EOB, or another resource.
  void Document(Element doc, std::vector<std::string>& problems) {
    const auto type = fhir::StringMember(doc, "resourceType");
    if (!type) {
      problems.push_back(fmt::format("{}: not a FHIR resource: {} without a resourceType", name_,
                                     fhir::JsonTypeNoun(doc)));
      return;
    }
    if (*type != "Bundle") {
      Resource(doc, "", 0, {});
      return;
    }
    const auto entries = fhir::ArrayMember(doc, "entry");
    if (!entries)
      return;
    ResourceIndex index;
    for (Element entry : *entries) {
      if (const auto resource = fhir::Member(entry, "resource"))
        Index(*resource, fhir::StringMember(entry, "fullUrl").value_or(""), index);
    }
    size_t i = 0;
    for (Element entry : *entries) {
      const auto resource = fhir::Member(entry, "resource");
      if (!resource || !fhir::StringMember(*resource, "resourceType")) {
        problems.push_back(fmt::format(
            "{}: entry[{}]: {}", name_, i,
            resource ? "a resource without a resourceType" : "an entry without a resource"));
      } else if (!Resource(*resource, fmt::format("entry[{}].resource", i), 0, index)) {
        return;
      }
      ++i;
    }
  }

  // NDJSON: one resource a line. Referenced resources anywhere in the input are found first.
  void Lines(std::string_view text) {
    ForEachLine(text, [&](std::string_view line, uint64_t) {
      Gather(line);
      return true;
    });
    IndexGathered();
    const char* const end = text.data() + text.size();
    ForEachLine(text, [&](std::string_view line, uint64_t number) {
      // In place when the input goes on for simdjson's padding past the line (every line but the
      // last few bytes); copied otherwise.
      const bool padded = end - (line.data() + line.size()) >=
                          static_cast<std::ptrdiff_t>(simdjson::SIMDJSON_PADDING);
      return Line(line, number, padded);
    });
  }

  // The same over a stream, a line at a time: `lines` has given its first two lines that are not
  // blank, `first` and `second` (`first` copied: the reader's buffer moved on). The referenced
  // resources are looked for (a first pass over `input` opened again) only when a claim names one
  // outside itself; most inputs (contained Patients, no Organization or Practitioner references)
  // are then read once. False: reading failed.
  bool Lines(NdjsonReader& lines, const NdjsonLine& first, std::string_view first_text,
             const NdjsonLine& second, ClaimStream& input) {
    const std::function<void()> gather = [&] { GatherOnce(input); };
    before_lookup_ = &gather;
    const bool read = [&] {
      if (!StreamLine(NdjsonLine{first_text, first.number, first.truncated}, false) ||
          !StreamLine(second, true))
        return !gather_failed_;
      NdjsonLine line;
      while (lines.Next(line)) {
        if (!StreamLine(line, true))
          return !gather_failed_;
      }
      return !lines.failed();
    }();
    before_lookup_ = nullptr;
    return read;
  }

 private:
  // One line of a streamed input. `padded`: simdjson's padding follows it. False: stop.
  bool StreamLine(const NdjsonLine& line, bool padded) {
    static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);
    if (line.truncated) {
      ConvertedClaim bad;
      bad.line = line.number;
      bad.where = fmt::format("line {}", line.number);
      bad.error = fmt::format("line {}: longer than {} MB", line.number,
                              NdjsonReader::kDefaultMaxLineBytes >> 20);
      return sink_(bad);
    }
    return Line(line.text, line.number, padded);
  }

  // The first pass, done once, when a claim first looks a reference up: the input opened again
  // and read whole, a line at a time. A failure stops the reader (gather_failed_).
  void GatherOnce(ClaimStream& input) {
    if (gathered_)
      return;
    gathered_ = true;
    std::istream* again = input.Open();
    if (!again) {
      gather_failed_ = true;
      return;
    }
    NdjsonReader pass(*again, input.ChunkBytes());
    NdjsonLine line;
    while (pass.Next(line))
      Gather(line.text);
    if (pass.failed()) {
      gather_failed_ = true;
      return;
    }
    IndexGathered();
  }

 public:
 private:
  // First pass: a line that holds a resource claims may reference is kept, when it is JSON (one
  // bad line is skipped, as any other).
  void Gather(std::string_view line) {
    const size_t at = line.find("\"resourceType\"");
    if (at == std::string_view::npos)
      return;
    // The type's quoted name within the next 4 bytes (`:`, blanks), compared in place: a search
    // would stop at every quote of the line.
    const std::string_view rest = line.substr(at + 14, 40);
    bool referenced = false;
    for (std::string_view type : {"\"Patient\"", "\"Organization\"", "\"Practitioner\""}) {
      for (size_t p = 0; p < 4 && p < rest.size() && !referenced; ++p)
        referenced = rest[p] == '"' && rest.substr(p, type.size()) == type;
    }
    if (!referenced)
      return;
    Element doc;
    if (check_.parse(line.data(), line.size()).get(doc) == simdjson::SUCCESS) {
      if (referenced_lines_.size() > 1)
        referenced_lines_ += ',';
      referenced_lines_ += line;
    }
  }

  // The referenced resources must outlive every claim's mapping. They are gathered into one
  // JSON array parsed by one parser (a parser per resource would hold its buffers each).
  void IndexGathered() {
    referenced_lines_ += ']';
    simdjson::dom::array referenced;
    if (referenced_lines_.size() > 2 &&
        kept_.parse(referenced_lines_).get(referenced) == simdjson::SUCCESS) {
      for (Element doc : referenced)
        Index(doc, "", index_);
    }
  }

  // Second pass: one line's resource. `padded`: simdjson's padding follows the line. False: the
  // sink said stop.
  bool Line(std::string_view line, uint64_t number, bool padded) {
    Element doc;
    if (const auto error =
            parser_.parse(reinterpret_cast<const uint8_t*>(line.data()), line.size(), !padded)
                .get(doc)) {
      ConvertedClaim bad;
      bad.line = number;
      bad.where = fmt::format("line {}", number);
      bad.error = fmt::format("line {}: not JSON ({})", number, simdjson::error_message(error));
      return sink_(bad);
    }
    if (!fhir::StringMember(doc, "resourceType")) {
      ConvertedClaim bad;
      bad.line = number;
      bad.where = fmt::format("line {}", number);
      bad.error = fmt::format("line {}: not a FHIR resource: {} without a resourceType", number,
                              fhir::JsonTypeNoun(doc));
      return sink_(bad);
    }
    return Resource(doc, "", number, index_);
  }

 public:
  // Calls `f(line, number)` for each line that is not blank, until it returns false.
  template <typename F>
  static void ForEachLine(std::string_view text, F&& f) {
    uint64_t number = 0;
    while (!text.empty()) {
      const size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      ++number;
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos)
        continue;
      if (!f(line, number))
        return;
    }
  }

 private:
  std::string_view name_;
  const ClaimSink& sink_;
  FhirCounts& counts_;
  ConvertedClaim claim_;
  fhir::MapMemory map_memory_;
  // A streamed NDJSON input: the first pass, done when a claim first needs it.
  const std::function<void()>* before_lookup_ = nullptr;
  bool gathered_ = false;
  bool gather_failed_ = false;
  // NDJSON: the lines of referenced resources ("[" then each, comma-separated), their index.
  simdjson::dom::parser check_, kept_, parser_;
  std::string referenced_lines_ = "[";
  ResourceIndex index_;
};

// Whether the input is NDJSON: its first line that is not blank is a whole JSON value, and more
// follows it. Decided on that line alone, so a large NDJSON input is never parsed whole.
bool IsNdjson(std::string_view text) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      if (end == std::string_view::npos ||
          text.find_first_not_of(" \t\r\n", end) == std::string_view::npos)
        return false;  // one line: a document
      simdjson::dom::parser parser;
      Element doc;
      return parser.parse(line.data(), line.size()).get(doc) == simdjson::SUCCESS;
    }
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return false;
}

// Says so when the input held no claim (and no other problem).
void NoClaims(std::string_view name, const FhirCounts& counts, std::vector<std::string>& problems) {
  if (!problems.empty() || counts.claims > 0)
    return;
  std::string skipped;
  for (const auto& [type, n] : counts.skipped)
    skipped += fmt::format("{}{} {}", skipped.empty() ? "" : ", ", n, TerminalText(type));
  problems.push_back(fmt::format("{}: no Claim or ExplanationOfBenefit resource{}", name,
                                 skipped.empty() ? "" : fmt::format(" (found {})", skipped)));
}

}  // namespace

std::vector<std::string> ReadFhirCounted(std::string_view text, std::string_view name,
                                         const ClaimSink& sink, FhirCounts& counts) {
  std::vector<std::string> problems;
  FhirReader reader(name, sink, counts);
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  // An empty input says so, rather than simdjson's "no JSON found".
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    problems.push_back(fmt::format("{}: empty: no FHIR resource", name));
    return problems;
  }
  if (IsNdjson(text)) {
    reader.Lines(text);
  } else {
    simdjson::dom::parser parser;
    Element doc;
    if (const auto error = parser.parse(text.data(), text.size()).get(doc))
      problems.push_back(fmt::format("{}: not JSON ({})", name, simdjson::error_message(error)));
    else
      reader.Document(doc, problems);
  }
  NoClaims(name, counts, problems);
  return problems;
}

std::vector<std::string> ReadFhirCounted(ClaimStream& input, std::string_view name,
                                         const ClaimSink& sink, FhirCounts& counts) {
  if (const auto whole = input.Whole())
    return ReadFhirCounted(*whole, name, sink, counts);
  std::vector<std::string> problems;
  const std::string failed = fmt::format("{}: reading the input failed part way", name);
  std::istream* in = input.Open();
  // Read whole: an input that cannot be read twice, or a document (a Bundle, one resource).
  auto whole = [&](std::istream* from) {
    std::string text;
    char chunk[1 << 16];
    while (from && from->read(chunk, sizeof chunk))
      text.append(chunk, sizeof chunk);
    if (from)
      text.append(chunk, static_cast<size_t>(std::max<std::streamsize>(from->gcount(), 0)));
    if (!from || from->bad())
      return std::vector<std::string>{failed};
    return ReadFhirCounted(text, name, sink, counts);
  };
  if (!input.Reopens())
    return whole(in);
  // NDJSON when its first line that is not blank is a whole JSON value and another follows.
  NdjsonReader lines(*in, input.ChunkBytes());
  NdjsonLine first, second;
  if (!lines.Next(first)) {
    problems.push_back(lines.failed() ? failed : fmt::format("{}: empty: no FHIR resource", name));
    return problems;
  }
  bool ndjson = false;
  if (!first.truncated) {
    simdjson::dom::parser parser;
    Element doc;
    ndjson =
        parser.parse(first.text.data(), first.text.size(), false).get(doc) == simdjson::SUCCESS;
  }
  // Kept for the first pass: the reader's buffer moves on.
  const std::string first_text(first.text);
  if (!ndjson || !lines.Next(second))
    return whole(input.Open());
  FhirReader reader(name, sink, counts);
  if (!reader.Lines(lines, first, first_text, second, input))
    problems.push_back(failed);
  NoClaims(name, counts, problems);
  return problems;
}

std::vector<std::string> ReadFhir(ClaimStream& input, std::string_view name,
                                  const ClaimSink& sink) {
  FhirCounts counts;
  return ReadFhirCounted(input, name, sink, counts);
}

std::vector<std::string> ReadFhir(std::string_view text, std::string_view name,
                                  const ClaimSink& sink) {
  FhirCounts counts;
  return ReadFhirCounted(text, name, sink, counts);
}

}  // namespace warrant
