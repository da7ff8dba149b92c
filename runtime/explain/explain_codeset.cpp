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

#include "runtime/core/code.h"
#include "runtime/explain/explain.h"

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
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
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
    while (pos_ < text_.size() && (IsIdent(text_[pos_]) || text_[pos_] == '.'))
      ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  // The member texts of a `[...]` list (the scanner is on `[`), without comments.
  std::vector<std::string> List() {
    std::vector<std::string> members;
    std::string current;
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != ']') {
      if (text_.substr(pos_).starts_with("//")) {
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
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
    if (pos_ < text_.size())
      ++pos_;  // ']'
    return members;
  }

 private:
  static void Push(std::vector<std::string>& members, std::string& current) {
    size_t b = current.find_first_not_of(" \t\r\"");
    size_t e = current.find_last_not_of(" \t\r\"");
    if (b != std::string::npos)
      members.push_back(current.substr(b, e - b + 1));
    current.clear();
  }

  std::string_view text_;
  size_t pos_;
};

// The interval of packed codes one written member covers, or nullopt.
std::optional<CodeInterval> MemberInterval(CodeSystem system, std::string_view member) {
  auto trim = [](std::string_view s) {
    size_t b = s.find_first_not_of(" \t\"");
    size_t e = s.find_last_not_of(" \t\"");
    return b == std::string_view::npos ? std::string_view() : s.substr(b, e - b + 1);
  };
  size_t dots = member.find("..");
  if (dots != std::string_view::npos) {
    return RangeInterval(system, trim(member.substr(0, dots)), trim(member.substr(dots + 2)));
  }
  if (!member.empty() && member.back() == '*') {
    CodeResult<CodeInterval> r = PrefixInterval(system, member);
    if (!r.ok())
      return std::nullopt;
    return r.value;
  }
  std::optional<uint64_t> exact = Pack(system, member);
  if (!exact)
    return std::nullopt;
  return CodeInterval{*exact, *exact};
}

// Reads one declaration's expression, starting after its `=`, into `out`.
void ReadExpression(std::string_view text, size_t pos, CodeSystem system,
                    std::vector<CodesetSources::Member>& out) {
  Scanner s(text, pos);
  bool subtract = false;
  for (;;) {
    s.Skip(true);
    if (s.Peek() == '[') {
      std::vector<std::string> members = s.List();
      if (!subtract) {
        for (std::string& m : members) {
          if (std::optional<CodeInterval> iv = MemberInterval(system, m)) {
            out.push_back({std::move(m), *iv, CodesetSources::Kind::Codes});
          }
        }
      }
    } else if (IsIdent(s.Peek())) {
      std::string_view word = s.Ident();
      if (word == "load") {
        s.Skip(false);
        size_t begin = s.pos();
        if (s.Peek() == '"') {
          s.Advance();
          while (!s.AtEnd() && s.Peek() != '"')
            s.Advance();
          s.Advance();
        }
        if (!subtract) {
          out.push_back({"listed in " + std::string(text.substr(begin, s.pos() - begin)),
                         {},
                         CodesetSources::Kind::Load});
        }
        continue;
      }
      if (!subtract)
        out.push_back({std::string(word), {}, CodesetSources::Kind::Reference});
    } else {
      return;
    }
    s.Skip(false);
    if (s.Peek() == '\n')
      s.Skip(true);
    if (s.Peek() == '+' || s.Peek() == '-') {
      subtract = s.Peek() == '-';
      s.Advance();
      continue;
    }
    return;
  }
}

}  // namespace

CodesetSources CodesetSources::Build(const Program& program) {
  CodesetSources index;
  for (uint32_t f = 0; f < program.sources.size(); ++f) {
    std::string_view text = program.sources[f].text;
    size_t at = 0;
    while ((at = text.find("codeset", at)) != std::string_view::npos) {
      bool line_start = at == 0 || text[at - 1] == '\n';
      Scanner s(text, at + 7);
      at += 7;
      if (!line_start)
        continue;
      s.Skip(false);
      std::string name(s.Ident());
      s.Skip(false);
      if (name.empty() || s.Peek() != ':')
        continue;
      s.Advance();
      s.Skip(false);
      std::optional<CodeSystem> system = SystemFromName(s.Ident());
      s.Skip(false);
      if (!system || s.Peek() != '=')
        continue;
      s.Advance();
      Declaration d;
      d.file = f;
      ReadExpression(text, s.pos(), *system, d.members);
      index.declarations_[name].push_back(std::move(d));
    }
  }
  return index;
}

std::string CodesetSources::Find(std::string_view name, uint64_t code, uint32_t file,
                                 int depth) const {
  if (depth > 8)
    return "";
  // `dm.diabetes_dx` names `diabetes_dx` in the file imported as `dm`.
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos)
    name = name.substr(dot + 1);
  auto it = declarations_.find(std::string(name));
  if (it == declarations_.end())
    return "";
  // The declaration in `file` first: two files may each declare a codeset of the same name.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Declaration& d : it->second) {
      if ((pass == 0) != (d.file == file))
        continue;
      std::string load;
      for (const Member& m : d.members) {
        if (m.kind == Kind::Codes && m.interval.lo <= code && code <= m.interval.hi)
          return m.text;
        if (m.kind == Kind::Reference) {
          std::string found = Find(m.text, code, UINT32_MAX, depth + 1);
          if (!found.empty())
            return found + " (in `" + m.text + "`)";
        }
        if (m.kind == Kind::Load && load.empty())
          load = m.text;
      }
      if (!load.empty())
        return load;
    }
  }
  return "";
}

}  // namespace warrant
