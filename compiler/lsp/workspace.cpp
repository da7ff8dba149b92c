#include "compiler/lsp/workspace.h"

#include <algorithm>

#include "compiler/codegen/codegen.h"

namespace warrant::lsp {
namespace fs = std::filesystem;

namespace {

fs::path Canonical(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : canonical;
}

}  // namespace

std::optional<FileId> Analysis::FileOf(const fs::path& canonical) const {
  for (FileId id = 0; id < sources.paths.size(); ++id) {
    if (sources.paths[id] == canonical)
      return id;
  }
  return std::nullopt;
}

bool Analysis::Partial(FileId fid) const {
  uint32_t f = index.AstFile(fid);
  return f != ast::kNone && sources.ast.files[f].syntax_errors;
}

std::map<fs::path, std::vector<const diag::Diagnostic*>> Analysis::ByFile() const {
  std::map<fs::path, std::vector<const diag::Diagnostic*>> out;
  // Every file of the pack gets an entry, so that one whose problems are fixed is cleared.
  for (FileId id = 0; id < sources.paths.size(); ++id) {
    if (!sources.paths[id].empty())
      out[sources.paths[id]];
  }
  const auto& all = sink.diagnostics();
  for (size_t i = 0; i < all.size(); ++i) {
    const diag::Diagnostic& d = all[i];
    if (d.file >= sources.paths.size() || sources.paths[d.file].empty())
      continue;
    if (i >= load_diagnostics && Partial(d.file))
      continue;  // checking what is left of a file with syntax errors says nothing reliable
    out[sources.paths[d.file]].push_back(&d);
  }
  for (auto& [path, diags] : out) {
    std::stable_sort(
        diags.begin(), diags.end(), [](const diag::Diagnostic* a, const diag::Diagnostic* b) {
          return a->span.begin != b->span.begin ? a->span.begin < b->span.begin : a->code < b->code;
        });
  }
  return out;
}

const Program* Analysis::Generated() {
  if (!generated_) {
    generated_ = true;
    if (!sink.has_errors()) {
      diag::DiagSink scratch;
      Program program;
      if (codegen::Generate(sources, checked, program, scratch))
        program_ = std::move(program);
    }
  }
  return program_ ? &*program_ : nullptr;
}

void Workspace::SetFolders(std::vector<fs::path> folders) {
  folders_.clear();
  for (const fs::path& f : folders)
    folders_.push_back(Canonical(f));
}

bool Workspace::Open(const std::string& uri, int64_t version, std::string text) {
  std::optional<fs::path> path = PathOfUri(uri);
  if (!path)
    return false;
  fs::path canonical = Canonical(*path);
  PackScope scope = FindPack(canonical, folders_);
  open_.erase(uri);
  open_.emplace(uri, OpenFile{Document(uri, version, std::move(text)), canonical, scope.root});
  Pack& pack = packs_[scope.root];
  pack.scope = scope;
  pack.dirty = true;
  return true;
}

void Workspace::Close(const std::string& uri) {
  auto it = open_.find(uri);
  if (it == open_.end())
    return;
  auto pack = packs_.find(it->second.root);
  if (pack != packs_.end())
    pack->second.dirty = true;
  open_.erase(it);
}

Document* Workspace::Find(const std::string& uri) {
  auto it = open_.find(uri);
  return it == open_.end() ? nullptr : &it->second.document;
}

void Workspace::Touch(const std::string& uri) {
  if (Pack* pack = PackOf(uri))
    pack->dirty = true;
}

void Workspace::TouchAll() {
  for (auto& [root, pack] : packs_)
    pack.dirty = true;
}

Workspace::Pack* Workspace::PackOf(const std::string& uri) {
  auto it = open_.find(uri);
  if (it == open_.end())
    return nullptr;
  auto pack = packs_.find(it->second.root);
  return pack == packs_.end() ? nullptr : &pack->second;
}

std::vector<Workspace::Pack*> Workspace::Packs() {
  std::vector<Pack*> out;
  for (auto& [root, pack] : packs_)
    out.push_back(&pack);
  return out;
}

std::vector<fs::path> Workspace::Orphans() const {
  std::vector<fs::path> out;
  for (const auto& entry : packs_) {
    const fs::path& root = entry.first;  // not a structured binding: clang 14 cannot capture one
    bool used = std::any_of(open_.begin(), open_.end(),
                            [&](const auto& open) { return open.second.root == root; });
    if (!used)
      out.push_back(root);
  }
  return out;
}

void Workspace::Drop(const fs::path& root) {
  packs_.erase(root);
}

std::string Workspace::UriOf(const fs::path& path) const {
  for (const auto& [uri, open] : open_) {
    if (open.path == path)
      return uri;
  }
  return UriOfPath(path);
}

std::optional<fs::path> Workspace::PathOf(const std::string& uri) const {
  auto it = open_.find(uri);
  if (it == open_.end())
    return std::nullopt;
  return it->second.path;
}

Analysis& Workspace::Analyzed(Pack& pack) {
  if (pack.dirty || !pack.analysis) {
    pack.analysis = Analyze(pack);
    pack.dirty = false;
    ++pack.generation;
  }
  return *pack.analysis;
}

std::unique_ptr<Analysis> Workspace::Analyze(const Pack& pack) const {
  auto analysis = std::make_unique<Analysis>();
  analysis->terminology = terminology_;
  std::map<fs::path, std::string> overlay;
  std::vector<fs::path> dirs;
  for (const auto& [uri, open] : open_) {
    if (open.root != pack.scope.root)
      continue;
    overlay[open.path] = open.document.text();
    dirs.push_back(open.path.parent_path());
  }
  // The inputs: the whole project, or the directories of the open files, none inside another
  // (sorted, so the analysis does not depend on the order files were opened in).
  std::vector<std::string> inputs;
  if (pack.scope.whole) {
    inputs.push_back(pack.scope.root.string());
  } else {
    std::sort(dirs.begin(), dirs.end());
    dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
    for (const fs::path& dir : dirs) {
      bool inside = std::any_of(dirs.begin(), dirs.end(), [&](const fs::path& other) {
        return other != dir && IsUnder(other, dir);
      });
      if (!inside)
        inputs.push_back(dir.string());
    }
  }
  frontend::LoadOptions options;
  options.overlay = &overlay;
  options.keep_partial = true;
  options.root = pack.scope.root;
  options.display_base = pack.scope.root;
  frontend::Load(inputs, analysis->sources, analysis->sink, options);
  analysis->load_diagnostics = analysis->sink.diagnostics().size();
  analysis->checked = check::Check(analysis->sources, analysis->sink, terminology_);
  analysis->index = Index::Build(analysis->sources, analysis->checked);
  return analysis;
}

}  // namespace warrant::lsp
