#include "compiler/frontend/sources.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "compiler/ast/parse_file.h"
#include "stdlib/std_sources.h"

namespace warrant::frontend {
namespace fs = std::filesystem;

namespace {

// One byte more than the parser accepts is enough for it to report the limit.
constexpr size_t kMaxSourceBytes = size_t{8} << 20;

// A path is inside the root iff its canonical form starts with the root's components.
bool IsInside(const fs::path& root, const fs::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *r != *p)
      return false;
  }
  return true;
}

// Reads a whole source file, refusing anything that is not a regular file (a directory, a
// device such as /dev/zero that never ends) and stopping one byte past the size limit, which the
// parser then reports (E0502).
bool ReadWhole(const fs::path& path, std::string& text, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "it is a directory";
    return false;
  }
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    why = "it is not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return false;
  }
  text.resize(kMaxSourceBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  // A UTF-8 byte-order mark is not part of the text: drop it so columns count from the first
  // real character.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
    text.erase(0, 3);
  return true;
}

class Loader {
 public:
  Loader(Sources& out, diag::DiagSink& sink, const LoadOptions& options)
      : out_(out), sink_(sink), options_(options) {}

  // Loads one file; returns its ast.files index or kNone. `display` is the name diagnostics use.
  uint32_t LoadFile(const fs::path& canonical, const std::string& display) {
    auto found = by_path_.find(canonical);
    if (found != by_path_.end())
      return found->second;
    std::string text;
    std::string why;
    FileId id;
    const std::string* open = nullptr;
    if (options_.overlay) {
      auto it = options_.overlay->find(canonical);
      if (it != options_.overlay->end())
        open = &it->second;
    }
    if (open) {
      text =
          open->size() >= 3 && open->compare(0, 3, "\xEF\xBB\xBF") == 0 ? open->substr(3) : *open;
    } else if (!ReadWhole(canonical, text, why)) {
      // Register an empty file so the error has somewhere to point.
      id = out_.files.Add(display, "");
      out_.paths.push_back(canonical);
      sink_.Emit(diag::DiagCode::CannotReadFile, id, Span{}, display, why).located = false;
      by_path_[canonical] = ast::kNone;
      return ast::kNone;
    }
    id = out_.files.Add(display, std::move(text));
    out_.paths.push_back(canonical);
    return Parse(id, canonical);
  }

  // Loads a standard-library criterion (`std/...`) from the text built into the binary; it has
  // no path on disk (paths[id] stays empty) and is named by its `std/` path everywhere.
  uint32_t LoadStd(const std::string& path, std::string_view text) {
    fs::path key = fs::path("<std>") / path;
    auto found = by_path_.find(key);
    if (found != by_path_.end())
      return found->second;
    FileId id = out_.files.Add(path, std::string(text));
    out_.paths.emplace_back();
    return Parse(id, key);
  }

  // Resolves every import of the files loaded so far, loading the files they name.
  void ResolveImports() {
    while (!pending_.empty()) {
      uint32_t index = pending_.front();
      pending_.erase(pending_.begin());
      const ast::File& file = out_.ast.files[index];
      FileId from = file.file;
      std::vector<uint32_t> targets;
      for (size_t i = 0; i < out_.ast.files[index].imports.size(); ++i) {
        const ast::Import imp = out_.ast.files[index].imports[i];
        std::string why;
        if (imp.path.text.starts_with("std/")) {
          std::optional<std::string_view> text = stdlib::FindStdSource(imp.path.text);
          if (!text) {
            std::string known;
            for (const stdlib::StdSource& std_source : stdlib::StdSources()) {
              known += (known.empty() ? "" : ", ") + std::string(std_source.path);
            }
            sink_.Emit(diag::DiagCode::UnknownImport, from, imp.path.span, imp.path.text).help =
                "`std/` names a criterion built into warrant; there are: " + known;
            targets.push_back(ast::kNone);
          } else {
            targets.push_back(LoadStd(imp.path.text, *text));
          }
          continue;
        }
        fs::path target = ResolveInRoot(out_, from, imp.path.text, why);
        if (target.empty()) {
          auto code =
              why == "outside" ? diag::DiagCode::ImportOutsideRoot : diag::DiagCode::UnknownImport;
          sink_.Emit(code, from, imp.path.span, imp.path.text);
          targets.push_back(ast::kNone);
          continue;
        }
        fs::path display = DisplayFor(from, imp.path.text);
        targets.push_back(LoadFile(target, display.generic_string()));
      }
      out_.import_targets.resize(out_.ast.files.size());
      out_.import_targets[index] = std::move(targets);
    }
  }

 private:
  // Parses a registered file; `key` identifies it so it is loaded once.
  uint32_t Parse(FileId id, const fs::path& key) {
    size_t before = out_.ast.files.size();
    bool ok = ast::ParseFile(id, out_.files.Get(id), out_.ast, sink_, options_.keep_partial);
    if (out_.ast.files.size() == before) {
      by_path_[key] = ast::kNone;
      return ast::kNone;
    }
    uint32_t index = static_cast<uint32_t>(before);
    // What parsed of a file with syntax errors is kept, with its own imports, but is not
    // importable: its importers see a failed import, as when it is dropped.
    by_path_[key] = ok ? index : ast::kNone;
    out_.import_targets.resize(out_.ast.files.size());
    pending_.push_back(index);
    return ok ? index : ast::kNone;
  }

  // Diagnostics name imported files relative to the importing file's display name.
  fs::path DisplayFor(FileId from, const std::string& relative) {
    fs::path base = fs::path(out_.files.Get(from).name()).parent_path();
    return (base / relative).lexically_normal();
  }

  Sources& out_;
  diag::DiagSink& sink_;
  const LoadOptions& options_;
  std::map<fs::path, uint32_t> by_path_;
  std::vector<uint32_t> pending_;
};

}  // namespace

fs::path ResolveInRoot(const Sources& sources, FileId from, const std::string& relative,
                       std::string& why) {
  fs::path rel(relative);
  if (rel.is_absolute()) {
    why = "outside";
    return {};
  }
  const fs::path& base_file = sources.paths[from];
  fs::path candidate = (base_file.parent_path() / rel).lexically_normal();
  std::error_code ec;
  // weakly_canonical resolves symlinks of the existing prefix, so a link that points out of the
  // root is caught too.
  fs::path canonical = fs::weakly_canonical(candidate, ec);
  if (ec)
    canonical = candidate;
  if (!IsInside(sources.root, canonical)) {
    why = "outside";
    return {};
  }
  if (!fs::exists(canonical, ec)) {
    why = "missing";
    return {};
  }
  return canonical;
}

// The deepest directory that holds every path in `folders` (canonical, absolute).
fs::path CommonAncestor(const std::vector<fs::path>& folders) {
  fs::path common = folders.front();
  for (const fs::path& folder : folders) {
    fs::path shared;
    auto a = common.begin();
    auto b = folder.begin();
    for (; a != common.end() && b != folder.end() && *a == *b; ++a, ++b)
      shared /= *a;
    common = shared;
  }
  return common;
}

void Load(const std::vector<std::string>& inputs, Sources& out, diag::DiagSink& sink,
          const LoadOptions& options) {
  Loader loader(out, sink, options);
  std::error_code ec;

  // Every source file the inputs name, then loaded in the order of their canonical paths: the
  // order the inputs are given in changes neither the pack nor its hash.
  struct Named {
    fs::path canonical;
    std::string display;
  };

  std::vector<Named> named;
  std::vector<fs::path> folders;  // each input's folder: the directory itself, or a file's
  for (const std::string& input : inputs) {
    fs::path path(input);
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec)
      canonical = fs::absolute(path);
    if (!fs::is_directory(canonical, ec)) {
      folders.push_back(canonical.parent_path());
      named.push_back({canonical, input});
      continue;
    }
    folders.push_back(canonical);
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(
             canonical, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".warrant") {
        found.push_back(it->path());
      }
    }
    // Files open in an editor but not saved yet belong to the directory too.
    if (options.overlay) {
      for (const auto& [open, text] : *options.overlay) {
        if (open.extension() == ".warrant" && IsInside(canonical, open) &&
            std::find(found.begin(), found.end(), open) == found.end()) {
          found.push_back(open);
        }
      }
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      FileId id = out.files.Add(input, "");
      out.paths.push_back(canonical);
      sink.Emit(diag::DiagCode::NoSourceFiles, id, Span{}, input).located = false;
      continue;
    }
    for (const fs::path& file : found) {
      fs::path target = fs::weakly_canonical(file, ec);
      // A symbolic link in the directory may point anywhere: only files under it count.
      if (!IsInside(canonical, target)) {
        fs::path display = (path / file.lexically_relative(canonical)).lexically_normal();
        FileId id = out.files.Add(display.generic_string(), "");
        out.paths.push_back(target);
        sink.Emit(diag::DiagCode::CannotReadFile, id, Span{}, display.generic_string(),
                  "it is a link to a file outside the directory")
            .located = false;
        continue;
      }
      fs::path display = options.display_base.empty()
                             ? (path / fs::relative(file, canonical, ec)).lexically_normal()
                             : target.lexically_relative(options.display_base);
      named.push_back({target, display.generic_string()});
    }
  }
  if (folders.empty())
    return;
  // The pack root: the deepest folder that holds every input, so imports and loads may reach
  // anything beside any named file, and nothing outside what the inputs span (E0210). Inputs
  // that share only the filesystem root would open every file on the machine to `load`.
  // An editor names the root it opened; otherwise it is the deepest folder holding every input.
  out.root = options.root.empty() ? CommonAncestor(folders) : options.root;
  if (options.root.empty() && out.root == out.root.root_path() &&
      std::any_of(folders.begin(), folders.end(),
                  [](const fs::path& f) { return f != f.root_path(); })) {
    FileId id = out.files.Add(inputs.front(), "");
    out.paths.emplace_back();
    sink.Emit(diag::DiagCode::NoCommonRoot, id, Span{}, out.root.generic_string()).located = false;
    return;
  }
  // By canonical path; a file named twice keeps the first of its names in that order.
  std::stable_sort(named.begin(), named.end(), [](const Named& a, const Named& b) {
    return a.canonical != b.canonical ? a.canonical < b.canonical : a.display < b.display;
  });
  for (const Named& file : named)
    loader.LoadFile(file.canonical, file.display);
  loader.ResolveImports();
  out.import_targets.resize(out.ast.files.size());
}

}  // namespace warrant::frontend
