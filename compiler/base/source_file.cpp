#include "compiler/base/source_file.h"

#include <utility>

namespace warrant {

SourceFile::SourceFile(std::string display_name, std::string text)
    : name_(std::move(display_name)), text_(std::move(text)), line_starts_(LineStarts(text_)) {}

FileId SourceManager::Add(std::string display_name, std::string text) {
  files_.emplace_back(std::move(display_name), std::move(text));
  return static_cast<FileId>(files_.size() - 1);
}

}  // namespace warrant
