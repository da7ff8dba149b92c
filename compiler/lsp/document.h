// Open documents and LSP positions.
//
// LSP positions are a line and a character offset counted in UTF-16 code units; the compiler
// counts bytes. LineIndex converts between them for one text; Document holds an open file's text
// and applies the client's edits (whole-text or ranged, as `textDocument/didChange` sends them).
// URIs are `file://` URIs with percent-escapes. Nothing here parses Warrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/span.h"

namespace warrant::lsp {

struct Position {
  uint32_t line = 0;       // 0-based
  uint32_t character = 0;  // 0-based, UTF-16 code units
};

struct Range {
  Position start;
  Position end;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // A position past the end of its line is the line's end; a line past the end, the text's end.
  uint32_t Offset(Position position) const;
  Position PositionOf(uint32_t offset) const;

  Range RangeOf(Span span) const { return Range{PositionOf(span.begin), PositionOf(span.end)}; }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
};

class Document {
 public:
  Document(std::string uri, int64_t version, std::string text)
      : uri_(std::move(uri)), version_(version), text_(std::move(text)) {}

  const std::string& uri() const { return uri_; }

  int64_t version() const { return version_; }

  const std::string& text() const { return text_; }

  void set_version(int64_t version) { version_ = version; }

  // Replaces `range` (or everything, without one) with `text`.
  void Apply(const std::optional<Range>& range, std::string_view text);

 private:
  std::string uri_;
  int64_t version_;
  std::string text_;
};

// `file:///a/b%20c.warrant` -> `/a/b c.warrant`; nullopt for other schemes.
std::optional<std::filesystem::path> PathOfUri(std::string_view uri);
std::string UriOfPath(const std::filesystem::path& path);

}  // namespace warrant::lsp
