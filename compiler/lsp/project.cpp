#include "compiler/lsp/project.h"

namespace warrant::lsp {
namespace fs = std::filesystem;

bool IsUnder(const fs::path& dir, const fs::path& path) {
  auto d = dir.begin();
  auto p = path.begin();
  for (; d != dir.end(); ++d, ++p) {
    if (p == path.end() || *d != *p)
      return false;
  }
  return true;
}

PackScope FindPack(const fs::path& file, const std::vector<fs::path>& folders) {
  std::error_code ec;
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / kProjectFile, ec))
      return PackScope{dir, true};
    if (dir == dir.root_path())
      break;
  }
  // The innermost workspace folder holding the file.
  const fs::path* best = nullptr;
  for (const fs::path& folder : folders) {
    if (IsUnder(folder, file) && (!best || folder.native().size() > best->native().size()))
      best = &folder;
  }
  if (best)
    return PackScope{*best, false};
  return PackScope{file.parent_path(), false};
}

}  // namespace warrant::lsp
