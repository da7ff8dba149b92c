#include "compiler/lsp/document.h"

#include <algorithm>

#include <fmt/format.h>

#include "grammar/token.h"

namespace warrant::lsp {
namespace {

// UTF-16 code units of the UTF-8 sequence starting with `lead` (invalid bytes count as one).
uint32_t Utf16Units(unsigned char lead) {
  return lead >= 0xF0 && lead < 0xF8 ? 2 : 1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n')
      starts_.push_back(i + 1);
  }
}

uint32_t LineIndex::Offset(Position position) const {
  if (position.line >= starts_.size())
    return static_cast<uint32_t>(text_.size());
  uint32_t offset = starts_[position.line];
  uint32_t end = position.line + 1 < starts_.size() ? starts_[position.line + 1] - 1
                                                    : static_cast<uint32_t>(text_.size());
  uint32_t units = 0;
  while (offset < end && units < position.character) {
    auto lead = static_cast<unsigned char>(text_[offset]);
    units += Utf16Units(lead);
    offset = std::min(end, offset + grammar::Utf8Length(lead));
  }
  return offset;
}

Position LineIndex::PositionOf(uint32_t offset) const {
  offset = std::min(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  auto line = static_cast<uint32_t>(it - starts_.begin()) - 1;
  uint32_t units = 0;
  for (uint32_t i = starts_[line]; i < offset;) {
    auto lead = static_cast<unsigned char>(text_[i]);
    units += Utf16Units(lead);
    i += grammar::Utf8Length(lead);
  }
  return Position{line, units};
}

void Document::Apply(const std::optional<Range>& range, std::string_view text) {
  if (!range) {
    text_.assign(text);
    return;
  }
  LineIndex index(text_);
  uint32_t begin = index.Offset(range->start);
  uint32_t end = std::max(begin, index.Offset(range->end));
  text_.replace(begin, end - begin, text);
}

std::optional<std::filesystem::path> PathOfUri(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.substr(0, kScheme.size()) != kScheme)
    return std::nullopt;
  std::string_view rest = uri.substr(kScheme.size());
  // `file://host/path`: only the local host (empty or `localhost`) names a local file.
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost")
    return std::nullopt;
  rest.remove_prefix(slash);
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 &&
        HexValue(rest[i + 2]) >= 0) {
      path += static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]));
      i += 2;
    } else if (rest[i] == '?' || rest[i] == '#') {
      break;
    } else {
      path += rest[i];
    }
  }
  return std::filesystem::path(path);
}

std::string UriOfPath(const std::filesystem::path& path) {
  std::string uri = "file://";
  for (unsigned char c : path.generic_string()) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain)
      uri += static_cast<char>(c);
    else
      uri += fmt::format("%{:02X}", c);
  }
  return uri;
}

}  // namespace warrant::lsp
