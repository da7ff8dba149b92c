// The language server's view of the workspace: open documents, the packs they belong to, and
// one analysis (load + check + symbol index) per pack, redone when a document of it changes.
//
// An analysis loads the pack as `warrant check` does, but reads open documents from the editor
// instead of the disk and keeps what parsed of files with syntax errors (for hover and
// completion while a line is half typed); the checker's diagnostics for such a file are not
// shown, only its syntax errors, as on the command line. A pack is re-analysed whole: parsing
// and checking a 2,000-line file takes a few milliseconds. Nothing here speaks the protocol.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/frontend/sources.h"
#include "compiler/lsp/document.h"
#include "compiler/lsp/index.h"
#include "compiler/lsp/project.h"
#include "runtime/pack/program.h"
#include "runtime/terminology/terminology.h"

namespace warrant::lsp {

struct Analysis {
  frontend::Sources sources;
  diag::DiagSink sink;
  check::CheckedProgram checked;
  Index index;
  const Terminology* terminology = nullptr;  // nullptr when none is loaded
  size_t load_diagnostics = 0;               // sink's first diagnostics: loading and parsing

  std::optional<FileId> FileOf(const std::filesystem::path& canonical) const;
  // The file parsed with syntax errors (only what parsed is in the AST).
  bool Partial(FileId fid) const;
  // The diagnostics to show, by canonical path: all of a file that parsed, only the syntax errors
  // of one that did not. Files without a path (the standard library) are left out.
  std::map<std::filesystem::path, std::vector<const diag::Diagnostic*>> ByFile() const;
  // The pack compiled (expanded codesets), when it has no errors; nullptr otherwise.
  const Program* Generated();

 private:
  bool generated_ = false;
  std::optional<Program> program_;
};

class Workspace {
 public:
  struct Pack {
    PackScope scope;
    std::unique_ptr<Analysis> analysis;
    bool dirty = true;
    uint64_t generation = 0;            // analyses made so far
    uint64_t published_generation = 0;  // the analysis whose diagnostics were sent
    std::set<std::string> published;    // URIs last sent diagnostics (to clear them later)
  };

  explicit Workspace(const Terminology* terminology) : terminology_(terminology) {}

  void SetFolders(std::vector<std::filesystem::path> folders);

  // Opens (or reopens) a document; false for a URI that names no local file.
  bool Open(const std::string& uri, int64_t version, std::string text);
  void Close(const std::string& uri);
  Document* Find(const std::string& uri);
  // Marks the pack of `uri` for analysis (after an edit).
  void Touch(const std::string& uri);
  // Files changed on disk: every pack is analysed again.
  void TouchAll();

  Pack* PackOf(const std::string& uri);
  // The pack's analysis, redone first if it is out of date.
  Analysis& Analyzed(Pack& pack);
  std::vector<Pack*> Packs();
  // Packs without open documents, to clear their diagnostics and drop.
  std::vector<std::filesystem::path> Orphans() const;
  void Drop(const std::filesystem::path& root);

  // The URI to name `path` by: the open document's own, else a `file://` URI.
  std::string UriOf(const std::filesystem::path& path) const;
  // The canonical path of an open document.
  std::optional<std::filesystem::path> PathOf(const std::string& uri) const;

 private:
  struct OpenFile {
    Document document;
    std::filesystem::path path;  // canonical
    std::filesystem::path root;  // its pack's root
  };

  std::unique_ptr<Analysis> Analyze(const Pack& pack) const;

  const Terminology* terminology_;
  std::vector<std::filesystem::path> folders_;
  std::map<std::string, OpenFile> open_;  // by URI
  std::map<std::filesystem::path, Pack> packs_;
};

}  // namespace warrant::lsp
