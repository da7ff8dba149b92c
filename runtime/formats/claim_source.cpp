#include "runtime/formats/claim_source.h"

#include <array>
#include <streambuf>

namespace warrant {
namespace {

struct FormatRow {
  InputFormat format;
  std::string_view word;
};

constexpr std::array kFormats = {
#define WARRANT_INPUT_FORMAT_ROW(Name, Word, Doc) FormatRow{InputFormat::Name, Word},
    WARRANT_INPUT_FORMATS(WARRANT_INPUT_FORMAT_ROW)
#undef WARRANT_INPUT_FORMAT_ROW
};

constexpr bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view SkipBlanks(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  while (!text.empty() && IsBlank(text.front()))
    text.remove_prefix(1);
  return text;
}

// Whether a JSON object's text has "resourceType" as a key of its top level, within `text`.
bool HasTopLevelResourceType(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool key_position = false;  // the next string at depth 1 is a key
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        if (depth == 1 && key_position && text.substr(i + 1, 13) == "resourceType\"")
          return true;
        in_string = true;
        key_position = false;
        break;
      case '{':
        ++depth;
        key_position = depth == 1;
        break;
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth <= 0)
          return false;
        break;
      case ',':
        key_position = depth == 1;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

std::string_view InputFormatName(InputFormat format) {
  return kFormats[static_cast<size_t>(format)].word;
}

std::optional<InputFormat> InputFormatNamed(std::string_view word) {
  for (const FormatRow& row : kFormats) {
    if (row.word == word)
      return row.format;
  }
  return std::nullopt;
}

std::vector<std::string> ReadClaims(InputFormat format, std::string_view text,
                                    std::string_view name, const ClaimSink& sink) {
  switch (format) {
    case InputFormat::X12:
      return ReadX12(text, name, sink);
    case InputFormat::Fhir:
      return ReadFhir(text, name, sink);
    case InputFormat::Ndjson:
      break;
  }
  return {std::string(name) + ": NDJSON is read line by line, not by ReadClaims"};
}

namespace {

// Reads a view of memory without copying it.
class ViewBuffer final : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

TextClaimStream::TextClaimStream(std::string_view text) : text_(text) {}

TextClaimStream::~TextClaimStream() = default;

std::istream* TextClaimStream::Open() {
  buffers_.push_back(std::make_unique<ViewBuffer>(text_));
  streams_.push_back(std::make_unique<std::istream>(buffers_.back().get()));
  return streams_.back().get();
}

std::vector<std::string> ReadClaims(InputFormat format, ClaimStream& input, std::string_view name,
                                    const ClaimSink& sink) {
  if (const auto whole = input.Whole())
    return ReadClaims(format, *whole, name, sink);
  switch (format) {
    case InputFormat::X12:
      return ReadX12(*input.Open(), name, sink, input.ChunkBytes());
    case InputFormat::Fhir:
      return ReadFhir(input, name, sink);
    case InputFormat::Ndjson:
      break;
  }
  return {std::string(name) + ": NDJSON is read line by line, not by ReadClaims"};
}

InputFormat SniffFormat(std::string_view head) {
  const std::string_view text = SkipBlanks(head);
  if (text.substr(0, 3) == "ISA")
    return InputFormat::X12;
  if (!text.empty() && text.front() == '{' && HasTopLevelResourceType(text))
    return InputFormat::Fhir;
  return InputFormat::Ndjson;
}

}  // namespace warrant
