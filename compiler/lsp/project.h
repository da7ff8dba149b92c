// Which pack an open file belongs to, for `warrant lsp`.
//
// A directory holding a `warrant.toml` project file is a pack root: every `.warrant` file under
// it is checked together, as `warrant check DIR` would. Without one, the pack is the files under
// the directories of the open files (with everything they import), and imports may reach
// anywhere in the workspace folder that holds them (or the file's directory, outside every
// folder). The project file's contents are not read here yet: when `warrant.toml` gains settings
// (terminology paths, the pack's inputs), FindPack is the one place to read them.
#pragma once

#include <filesystem>
#include <vector>

namespace warrant::lsp {

inline constexpr const char* kProjectFile = "warrant.toml";

struct PackScope {
  std::filesystem::path root;  // canonical
  bool whole = false;          // a project root: check every file under it
};

// Whether `path` is `dir` or lies under it (both canonical).
bool IsUnder(const std::filesystem::path& dir, const std::filesystem::path& path);

// `file` and `folders` are canonical paths.
PackScope FindPack(const std::filesystem::path& file,
                   const std::vector<std::filesystem::path>& folders);

}  // namespace warrant::lsp
