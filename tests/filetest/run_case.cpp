#include "tests/filetest/run_case.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdlib.h>
#include <string_view>

#include "compiler/driver/driver.h"

namespace warrant::filetest {
namespace {

namespace fs = std::filesystem;

// A directory under $TMPDIR that is removed with everything in it when the case is done.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "warrant_filetest.XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      // Canonical, so the path the driver prints (if it resolves symlinks) is the one we replace.
      path_ = fs::weakly_canonical(pattern).string();
    }
  }

  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty if creation failed.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Whitespace-separated words; "double quotes" group a word with spaces.
std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
      }
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  return words;
}

// Expands %s, %S (the case file's copy in the temporary directory, for cases whose inputs must
// share that folder), %{name}, %{tmp} and %% in one word; unknown names set `error`.
std::string Expand(std::string_view word, const std::string& path, const CaseFile& case_file,
                   const std::string& tmp, std::string& error) {
  std::string expanded;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '%' || i + 1 == word.size()) {
      expanded += word[i];
    } else if (word[i + 1] == 's') {
      expanded += path;
      ++i;
    } else if (word[i + 1] == 'S') {
      expanded += tmp + "/" + fs::path(path).filename().string();
      ++i;
    } else if (word[i + 1] == '%') {
      expanded += '%';
      ++i;
    } else if (word[i + 1] == '{' && word.find('}', i) != std::string_view::npos) {
      std::size_t close = word.find('}', i);
      std::string name(word.substr(i + 2, close - i - 2));
      bool known = name == "tmp";
      for (const SplitFile& split : case_file.splits) {
        known = known || (split.name == name && name != kStdinSplit);
      }
      if (!known) {
        error = "ARGS names `%{" + name + "}` but the case has no split file `" + name + "`";
      }
      expanded += name == "tmp" ? tmp : tmp + "/" + name;
      i = close;
    } else {
      expanded += word[i];
    }
  }
  return expanded;
}

void ReplaceAll(std::string& text, const std::string& from, std::string_view to) {
  if (from.empty()) {
    return;
  }
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

std::string ShellQuote(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t'\"\\$`*?;&|<>()") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

}  // namespace

RunResult RunCase(const std::string& path, const CaseFile& case_file,
                  const std::string& default_args) {
  RunResult result;
  std::optional<TempDir> tmp_dir;
  std::string stdin_text;
  bool needs_dir = false;
  for (const SplitFile& split : case_file.splits) {
    needs_dir = needs_dir || split.name != kStdinSplit;
  }
  const std::string& args_template = case_file.args ? *case_file.args : default_args;
  const bool copy_self = args_template.find("%S") != std::string::npos;
  needs_dir = needs_dir || copy_self || args_template.find("%{tmp}") != std::string::npos;

  std::string tmp;
  if (needs_dir) {
    tmp_dir.emplace();
    tmp = tmp_dir->path();
    if (tmp.empty()) {
      result.error = "cannot create a temporary directory";
      return result;
    }
  }
  if (copy_self) {
    std::error_code failed;
    fs::copy_file(path, fs::path(tmp) / fs::path(path).filename(),
                  fs::copy_options::overwrite_existing, failed);
    if (failed) {
      result.error = "cannot copy the case file into " + tmp;
      return result;
    }
  }
  for (const SplitFile& split : case_file.splits) {
    if (split.name == kStdinSplit) {
      stdin_text = split.content;
      continue;
    }
    fs::path file = fs::path(tmp) / split.name;
    std::error_code ignored;
    fs::create_directories(file.parent_path(), ignored);
    std::ofstream stream(file, std::ios::binary);
    stream << split.content;
    if (!stream) {
      result.error = "cannot write split file " + file.string();
      return result;
    }
  }

  std::vector<std::string> args;
  result.command = "warrant";
  for (const std::string& word : SplitWords(args_template)) {
    args.push_back(Expand(word, path, case_file, tmp, result.error));
    std::string shown = args.back();
    ReplaceAll(shown, tmp, "%{tmp}");
    result.command += " " + ShellQuote(shown);
  }
  if (!result.error.empty()) {
    return result;
  }

  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  try {
    result.exit_code = warrant::driver::Run(args, in, out, err);
  } catch (const std::exception& e) {
    result.error = std::string("the driver threw an exception: ") + e.what();
  } catch (...) {
    result.error = "the driver threw a non-standard exception";
  }
  std::string out_text = out.str();
  std::string err_text = err.str();
  if (!tmp.empty()) {
    ReplaceAll(out_text, tmp, "%{tmp}");
    ReplaceAll(err_text, tmp, "%{tmp}");
  }
  result.stdout_lines = SplitLines(out_text);
  result.stderr_lines = SplitLines(err_text);
  return result;
}

}  // namespace warrant::filetest
