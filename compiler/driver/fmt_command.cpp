// `warrant fmt`: rewrite criteria files in the canonical layout (compiler/format), or with
// `--check` only report the files that would change. `-` formats standard input to standard
// output. A file that does not parse is reported and left untouched; the others are still done.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "compiler/diag/render.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/format/format.h"

namespace warrant::driver {
namespace {

namespace fs = std::filesystem;

// At most this many old and new lines are shown per changed file by `--check`.
constexpr size_t kDiffLines = 8;

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos)
      nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

// One unified-diff hunk spanning the first to the last differing line, shortened.
void PrintDiff(std::string_view name, std::string_view before, std::string_view after,
               std::ostream& out) {
  std::vector<std::string_view> a = SplitLines(before), b = SplitLines(after);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head])
    ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  size_t removed = a.size() - head - tail, added = b.size() - head - tail;
  out << "--- " << name << "\n+++ " << name << " (formatted)\n";
  out << fmt::format("@@ -{},{} +{},{} @@\n", head + 1, removed, head + 1, added);
  auto show = [&](const std::vector<std::string_view>& lines, size_t count, char sign) {
    for (size_t i = 0; i < std::min(count, kDiffLines); ++i) {
      out << sign << lines[head + i] << '\n';
    }
    if (count > kDiffLines) {
      out << sign << fmt::format(" ... ({} more lines)\n", count - kDiffLines);
    }
  };
  show(a, removed, '-');
  show(b, added, '+');
}

struct Input {
  fs::path path;
  std::string display;
};

}  // namespace

int RunFmt(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  diag::DiagSink sink;
  auto plain = [&](const std::string& name, diag::DiagCode code, const std::string& a,
                   const std::string& b) {
    FileId id = sources.Add(name, "");
    if (b.empty()) {
      sink.Emit(code, id, Span{}, a).located = false;
    } else {
      sink.Emit(code, id, Span{}, a, b).located = false;
    }
  };

  std::vector<Input> inputs;
  bool from_stdin = false;
  for (const std::string& input : options.inputs) {
    if (input == "-") {
      from_stdin = true;
      continue;
    }
    fs::path path(input);
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      inputs.push_back(Input{path, input});
      continue;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".warrant") {
        found.push_back(it->path());
      }
    }
    std::sort(found.begin(), found.end());
    if (found.empty())
      plain(input, diag::DiagCode::NoSourceFiles, input, "");
    for (const fs::path& file : found) {
      inputs.push_back(Input{file, file.lexically_normal().generic_string()});
    }
  }

  size_t changed = 0;
  bool write_failed = false;
  if (from_stdin) {
    std::string text, why;
    if (!ReadAll(in, text, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, "<stdin>", why);
      return kExitIo;
    }
    FileId id = sources.Add("<stdin>", std::move(text));
    const SourceFile& source = sources.Get(id);
    std::string formatted;
    if (format::Format(id, source, formatted, sink)) {
      if (!options.check) {
        out << formatted;
      } else if (formatted != source.text()) {
        ++changed;
        PrintDiff("<stdin>", source.text(), formatted, out);
      }
    }
  }
  for (const Input& input : inputs) {
    std::string text, why;
    if (!ReadWholeFile(input.path.string(), text, why)) {
      plain(input.display, diag::DiagCode::CannotReadFile, input.display, why);
      continue;
    }
    FileId id = sources.Add(input.display, std::move(text));
    const SourceFile& source = sources.Get(id);
    std::string formatted;
    if (!format::Format(id, source, formatted, sink))
      continue;
    if (formatted == source.text())
      continue;
    ++changed;
    if (options.check) {
      PrintDiff(input.display, source.text(), formatted, out);
      continue;
    }
    if (!WriteWholeFile(input.path, formatted, why)) {
      plain(input.display, diag::DiagCode::CannotWrite, input.display, why);
      write_failed = true;
      continue;
    }
    out << "formatted " << input.display << '\n';
  }

  std::vector<diag::Diagnostic> diags = sink.Sorted();
  diag::RenderText(sources, diags, err, options.color_err);
  size_t errors = sink.error_count();
  if (errors)
    err << fmt::format("{} error{}\n", errors, errors == 1 ? "" : "s");
  if (options.check && changed) {
    err << fmt::format("{} file{} not formatted (run `warrant fmt` on {})\n", changed,
                       changed == 1 ? "" : "s", changed == 1 ? "it" : "them");
  }
  if (write_failed)
    return kExitIo;
  return errors || (options.check && changed) ? 1 : 0;
}

}  // namespace warrant::driver
