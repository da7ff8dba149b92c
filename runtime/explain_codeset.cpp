// Which member of a codeset, as the source wrote it, holds a code: `E11.*`, `O24.01 .. O24.03`,
// `G0328`. A pack keeps codesets as merged intervals (one binary search per test), so the
// written member is recovered from the declaration in the pack's source text: the member lists
// of `codeset NAME: SYSTEM = [...] + other - [...]`, following named codesets (also through
// an import alias) and skipping subtracted lists.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/code.h"
#include "runtime/explain.h"

namespace warrant {
namespace {

bool IsIdent(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Scanner {
 public:
  explicit Scanner(std::string_view text, size_t pos = 0) : text_(text), pos_(pos) {}

  // Skips blanks and `//` comments; across line ends only when `lines` is set.
  void Skip(bool lines) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || (lines && c == '\n')) {
        ++pos_;
      } else if (text_.substr(pos_).starts_with("//")) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void Advance() { ++pos_; }
  size_t pos() const { return pos_; }
  std::string_view Ident() {
    size_t begin = pos_;
    while (pos_ < text_.size() && (IsIdent(text_[pos_]) || text_[pos_] == '.')) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }
  // The member texts of a `[...]` list (the scanner is on `[`), without comments.
  std::vector<std::string> List() {
    std::vector<std::string> members;
    std::string current;
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != ']') {
      if (text_.substr(pos_).starts_with("//")) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        continue;
      }
      char c = text_[pos_++];
      if (c == ',' || c == '\n') {
        Push(members, current);
      } else {
        current += c;
      }
    }
    Push(members, current);
    if (pos_ < text_.size()) ++pos_;  // ']'
    return members;
  }

 private:
  static void Push(std::vector<std::string>& members, std::string& current) {
    size_t b = current.find_first_not_of(" \t\r\"");
    size_t e = current.find_last_not_of(" \t\r\"");
    if (b != std::string::npos) members.push_back(current.substr(b, e - b + 1));
    current.clear();
  }

  std::string_view text_;
  size_t pos_;
};

bool MemberHolds(CodeSystem system, std::string_view member, uint64_t code) {
  size_t dots = member.find("..");
  if (dots != std::string_view::npos) {
    auto trim = [](std::string_view s) {
      size_t b = s.find_first_not_of(" \t\"");
      size_t e = s.find_last_not_of(" \t\"");
      return b == std::string_view::npos ? std::string_view() : s.substr(b, e - b + 1);
    };
    std::optional<uint64_t> lo = Pack(system, trim(member.substr(0, dots)));
    std::string_view hi_text = trim(member.substr(dots + 2));
    std::optional<uint64_t> hi = Pack(system, hi_text);
    if (!lo || !hi) return false;
    uint64_t top = *hi;
    // An ICD-10-CM upper bound includes its descendants (language.md §5).
    CodeResult<CodeInterval> below = PrefixInterval(system, hi_text);
    if (system == CodeSystem::Icd10cm && below.ok()) top = std::max(top, below.value.hi);
    return *lo <= code && code <= top;
  }
  if (!member.empty() && member.back() == '*') {
    CodeResult<CodeInterval> r = PrefixInterval(system, member);
    return r.ok() && r.value.lo <= code && code <= r.value.hi;
  }
  std::optional<uint64_t> exact = Pack(system, member);
  return exact && *exact == code;
}

std::string Find(const Program& program, std::string_view name, uint64_t code, CodeSystem system,
                 int depth, uint32_t first_file);

// Searches one declaration's expression, starting after its `=`.
std::string FromExpression(const Program& program, std::string_view text, size_t pos,
                           uint64_t code, CodeSystem system, int depth) {
  Scanner s(text, pos);
  bool subtract = false;
  for (;;) {
    s.Skip(true);
    if (s.Peek() == '[') {
      std::vector<std::string> members = s.List();
      if (!subtract) {
        for (const std::string& m : members) {
          if (MemberHolds(system, m, code)) return m;
        }
      }
    } else if (IsIdent(s.Peek())) {
      std::string_view word = s.Ident();
      if (word == "load") {
        s.Skip(false);
        size_t begin = s.pos();
        if (s.Peek() == '"') {
          s.Advance();
          while (!s.AtEnd() && s.Peek() != '"') s.Advance();
          s.Advance();
        }
        if (!subtract) return "listed in " + std::string(text.substr(begin, s.pos() - begin));
        continue;
      }
      if (!subtract) {
        std::string found = Find(program, word, code, system, depth + 1, UINT32_MAX);
        if (!found.empty()) return found + " (in `" + std::string(word) + "`)";
      }
    } else {
      return "";
    }
    s.Skip(false);
    if (s.Peek() == '\n') s.Skip(true);
    if (s.Peek() == '+' || s.Peek() == '-') {
      subtract = s.Peek() == '-';
      s.Advance();
      continue;
    }
    return "";
  }
}

std::string Find(const Program& program, std::string_view name, uint64_t code, CodeSystem system,
                 int depth, uint32_t first_file) {
  if (depth > 8) return "";
  // `dm.diabetes_dx` names `diabetes_dx` in the file imported as `dm`.
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) name = name.substr(dot + 1);
  // The file the test is in first: two files may each declare a codeset of the same name.
  for (size_t k = 0; k <= program.sources.size(); ++k) {
    size_t f = k == 0 ? first_file : k - 1;
    if (f >= program.sources.size() || (k > 0 && f == first_file)) continue;
    std::string_view text = program.sources[f].text;
    size_t at = 0;
    while ((at = text.find("codeset", at)) != std::string_view::npos) {
      bool line_start = at == 0 || text[at - 1] == '\n';
      Scanner s(text, at + 7);
      at += 7;
      if (!line_start) continue;
      s.Skip(false);
      if (s.Ident() != name) continue;
      s.Skip(false);
      if (s.Peek() != ':') continue;
      while (!s.AtEnd() && s.Peek() != '=' && s.Peek() != '\n') s.Advance();
      if (s.Peek() != '=') continue;
      s.Advance();
      std::string found = FromExpression(program, text, s.pos(), code, system, depth);
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::string WrittenMember(const Program& program, std::string_view codeset, uint64_t code,
                          uint32_t file) {
  std::optional<CodeSystem> system = SystemOf(code);
  if (!system) return "";
  return Find(program, codeset, code, *system, 0, file);
}

}  // namespace warrant
