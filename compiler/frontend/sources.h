// Loading a pack's sources: the files and directories named on the command line, plus every file
// they import, parsed into one Ast.
//
// The pack root is the deepest directory holding every input (a directory given, or the folder
// of a file given); imports and `load` paths are resolved relative to the importing file and may
// not leave the root. Files are loaded in the order of their canonical paths, whatever the order
// of the inputs, so the pack and its hash do not depend on it. This module does not type-check.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/base/source_file.h"
#include "compiler/diag/diagnostic.h"

namespace warrant::frontend {

struct Sources {
  SourceManager files;
  ast::Ast ast;
  std::filesystem::path root;  // canonical pack root
  // For each ast.files[i] and each of its imports: the ast.files index it names, or ast::kNone.
  std::vector<std::vector<uint32_t>> import_targets;
  // For each FileId: its canonical path (empty for in-memory text).
  std::vector<std::filesystem::path> paths;
};

// How an editor loads a pack (`warrant lsp`); the command line uses the defaults.
struct LoadOptions {
  // The text of files open in an editor, by canonical path: read instead of the file on disk
  // (and loaded from a directory input even if the file is not on disk yet).
  const std::map<std::filesystem::path, std::string>* overlay = nullptr;
  // Keep what parsed of a file with syntax errors (ast::File::syntax_errors); imports of such a
  // file still resolve to ast::kNone, as when it is dropped.
  bool keep_partial = false;
  // The pack root, when not the first input (or its directory).
  std::filesystem::path root;
  // When set, diagnostics name the files of directory inputs relative to it (an editor passes
  // absolute paths but shows names relative to the workspace).
  std::filesystem::path display_base;
};

// Reads `inputs` (files or directories) and everything they import. Problems (unreadable files,
// syntax errors, imports outside the root) go to `sink`; the files that parsed are kept, so the
// checker can still report on them.
void Load(const std::vector<std::string>& inputs, Sources& out, diag::DiagSink& sink,
          const LoadOptions& options = {});

// Resolves `relative` against the directory of file `from`, refusing paths that leave the root.
// Returns the canonical path, or an empty path with `why` set.
std::filesystem::path ResolveInRoot(const Sources& sources, FileId from,
                                    const std::string& relative, std::string& why);

}  // namespace warrant::frontend
