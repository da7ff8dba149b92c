// SourceFile: one loaded criteria file, its text, and offset -> line:column mapping.
//
// The mapping is the runtime's line table (runtime/core/line_table.h), built once per file; the
// code generator stores the same line starts in the pack. Columns are 1-based and counted in
// UTF-8 code points (tabs count as one column), so carets line up for non-ASCII text. A file id
// is its index in the SourceManager; diagnostics carry that id. This module does no parsing and
// no I/O beyond reading whole files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/line_table.h"
#include "runtime/core/span.h"

namespace warrant {

class SourceFile {
 public:
  // `display_name` is how diagnostics name the file (the path as the user gave it).
  SourceFile(std::string display_name, std::string text);

  const std::string& name() const { return name_; }

  const std::string& text() const { return text_; }

  LineCol Locate(uint32_t offset) const { return Lines().Locate(offset); }

  // The text of 1-based `line` without its line terminator.
  std::string_view LineText(uint32_t line) const { return Lines().LineText(line); }

  uint32_t LineCount() const { return static_cast<uint32_t>(line_starts_.size()); }

  // The byte offset of each line's start (runtime/core/line_table.h).
  const std::vector<uint32_t>& line_starts() const { return line_starts_; }

  LineTable Lines() const { return LineTable(line_starts_, text_); }

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

using FileId = uint32_t;

// Owns every file of one compilation; ids are stable indices.
class SourceManager {
 public:
  FileId Add(std::string display_name, std::string text);

  const SourceFile& Get(FileId id) const { return files_[id]; }

  size_t size() const { return files_.size(); }

 private:
  std::vector<SourceFile> files_;
};

}  // namespace warrant
