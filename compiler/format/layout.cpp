#include "compiler/format/layout.h"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "compiler/format/format.h"

namespace warrant::format {
namespace {

// Columns count code points, as the diagnostics' carets do.
size_t Columns(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++n;
  }
  return n;
}

struct Line {
  std::string code;      // indentation included
  std::string trailing;  // a comment after the code, aligned with its neighbours' at the end
};

bool IsBlockOpen(const Token* t) {
  return t != nullptr && (t->role == Role::BlockOpen || t->role == Role::BlockOpenOwn);
}

constexpr size_t kNone = static_cast<size_t>(-1);

class Printer {
 public:
  explicit Printer(const std::vector<Token>& tokens) : tokens_(tokens) {}

  std::string Run() {
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (tokens_[i].comment) {
        Comment(i);
      } else {
        Code(i);
      }
    }
    EndLine();
    return Render();
  }

 private:
  // An open bracket: where its contents go when they continue on another line.
  struct Open {
    size_t col_after = 0;          // column just after the bracket
    size_t line_indent = 0;        // indentation of the bracket's line
    bool decided = false;          // whether the next token has been placed
    bool content_follows = false;  // the next token is on the bracket's line: align with it
    size_t clause_indent = kNone;  // indentation of a `where` inside it that began a line

    size_t Contents() const { return content_follows ? col_after : line_indent + 2; }
  };

  void Code(size_t i) {
    const Token& t = tokens_[i];
    const Role r = t.role;
    bool brk = !open_;
    if (r == Role::StmtStart || r == Role::Clause || r == Role::BlockOpenOwn ||
        r == Role::BlockClose || force_break_ || IsBlockOpen(prev_)) {
      brk = true;
    }
    if (t.breakable && t.newlines_before > 0)
      brk = true;
    if (t.closer && !brackets_.empty()) {
      // A closing bracket goes where its contents started: on its own line if the opening
      // bracket ended its line, right after the last element otherwise.
      const Open& top = brackets_.back();
      brk = force_break_ || !open_ || (top.decided && !top.content_follows);
    }
    if (!brk && t.fill && open_) {
      size_t width = ChunkWidth(i);
      if (col_ + 1 + width > kWidth && IndentFor(t) < col_) {
        brk = true;
      }
    }
    if (!brackets_.empty() && !brackets_.back().decided) {
      brackets_.back().decided = true;
      brackets_.back().content_follows = !brk;
    }
    if (brk) {
      bool blank =
          t.newlines_before >= 2 && r == Role::StmtStart && !lines_.empty() && !after_open_;
      StartLine(IndentFor(t), blank);
    } else if (after_inline_comment_ ||
               (prev_ != nullptr && !prev_->glue_after && !t.glue_before)) {
      Append(" ");
    }
    if (r == Role::StmtStart)
      head_expr_col_ = kNone;
    if (t.head_expr && head_ && brackets_.empty() && head_expr_col_ == kNone)
      head_expr_col_ = col_;
    Append(t.text);
    after_inline_comment_ = false;
    force_break_ = false;
    after_open_ = t.opener || IsBlockOpen(&t);

    if (r == Role::StmtStart) {
      brackets_.clear();
      clause_indent_ = indent_;
      head_ = true;
    } else if ((r == Role::Clause || r == Role::SoftClause) && brk) {
      if (brackets_.empty()) {
        clause_indent_ = indent_;
        head_ = false;
      } else {
        brackets_.back().clause_indent = indent_;
      }
    }
    if (t.closer && !brackets_.empty())
      brackets_.pop_back();
    if (t.opener)
      brackets_.push_back(Open{col_, indent_, false, false, kNone});
    prev_ = &t;
  }

  void Comment(size_t i) {
    const Token& c = tokens_[i];
    const bool ends_line = c.line_comment || i + 1 == tokens_.size() ||
                           tokens_[i + 1].newlines_before > 0 ||
                           c.text.find('\n') != std::string_view::npos;
    if (open_ && c.newlines_before == 0 && !cur_.empty()) {
      if (ends_line) {
        // A comment after code stays at the end of that line.
        Line& line = cur_line();
        line.trailing += line.trailing.empty() ? "" : " ";
        line.trailing += c.text;
        force_break_ = true;
        DecideOpenBracket(false);
      } else {
        Append(" ");
        Append(c.text);
        after_inline_comment_ = true;
        DecideOpenBracket(true);
      }
      return;
    }
    // A comment on its own line: indented like the code that follows it.
    DecideOpenBracket(false);
    bool blank = c.newlines_before >= 2 && !lines_.empty() && !after_open_;
    StartLine(CommentIndent(i), blank);
    Append(c.text);
    after_open_ = false;
    if (ends_line) {
      force_break_ = true;
    } else {
      after_inline_comment_ = true;
    }
  }

  void DecideOpenBracket(bool content_follows) {
    if (!brackets_.empty() && !brackets_.back().decided) {
      brackets_.back().decided = true;
      brackets_.back().content_follows = content_follows;
    }
  }

  size_t IndentFor(const Token& t) const {
    const size_t stmt = size_t{2} * t.depth;
    switch (t.role) {
      case Role::StmtStart:
      case Role::BlockOpenOwn:
      case Role::BlockClose:
        return stmt;
      case Role::Clause:
        return stmt + 2;
      default:
        break;
    }
    if (!brackets_.empty()) {
      const Open& top = brackets_.back();
      if (t.closer)
        return top.line_indent;
      if (t.role == Role::SoftClause)
        return top.Contents() + 2;
      return top.clause_indent != kNone ? top.clause_indent + 2 : top.Contents();
    }
    if (t.role == Role::SoftClause)
      return clause_indent_ + 2;
    if (!head_)
      return clause_indent_ + 2;
    // A statement's first clause continues aligned with its expression (`require a` / `or b`).
    return head_expr_col_ != kNone ? head_expr_col_ : clause_indent_ + 4;
  }

  size_t CommentIndent(size_t i) const {
    size_t j = i + 1;
    while (j < tokens_.size() && tokens_[j].comment)
      ++j;
    if (j == tokens_.size())
      return 0;
    const Token& next = tokens_[j];
    if (next.role == Role::BlockClose)
      return size_t{2} * next.depth + 2;
    if (next.closer && !brackets_.empty())
      return brackets_.back().Contents();
    return IndentFor(next);
  }

  // The width of token i and what must follow it on the same line (up to the next place where a
  // line may break), for deciding whether to break before it. A quantifier's `where` goes to the
  // next line unless its whole condition fits, as the examples write it.
  size_t ChunkWidth(size_t i) const {
    const bool whole = tokens_[i].role == Role::SoftClause;
    size_t width = Columns(tokens_[i].text);
    const Token* prev = &tokens_[i];
    for (size_t j = i + 1; j < tokens_.size(); ++j) {
      const Token& t = tokens_[j];
      if (t.comment || (t.fill && !whole) || (t.breakable && t.newlines_before > 0) ||
          t.role == Role::StmtStart || t.role == Role::Clause || t.role == Role::BlockOpenOwn ||
          t.role == Role::BlockClose || IsBlockOpen(prev)) {
        break;
      }
      width += (prev->glue_after || t.glue_before ? 0 : 1) + Columns(t.text);
      prev = &t;
    }
    return width;
  }

  Line& cur_line() { return lines_.back(); }

  void StartLine(size_t indent, bool blank) {
    EndLine();
    if (blank)
      lines_.push_back(Line{});
    lines_.push_back(Line{std::string(indent, ' '), ""});
    cur_.clear();
    indent_ = indent;
    col_ = indent;
    open_ = true;
  }

  void EndLine() {
    if (!open_)
      return;
    cur_line().code = std::string(indent_, ' ') + cur_;
    open_ = false;
  }

  void Append(std::string_view text) {
    cur_ += text;
    size_t nl = text.rfind('\n');
    col_ = nl == std::string_view::npos ? col_ + Columns(text) : Columns(text.substr(nl + 1));
  }

  // Trailing comments of consecutive lines start in one column, two spaces after the longest code.
  std::string Render() {
    std::string out;
    size_t i = 0;
    while (i < lines_.size()) {
      size_t j = i;
      size_t column = 0;
      while (j < lines_.size() && !lines_[j].trailing.empty() &&
             lines_[j].code.find('\n') == std::string::npos) {
        column = std::max(column, Columns(lines_[j].code));
        ++j;
      }
      if (j == i)
        j = i + 1;
      for (size_t k = i; k < j; ++k) {
        std::string code = lines_[k].code;
        while (!code.empty() && code.back() == ' ')
          code.pop_back();
        out += code;
        std::string trailing = lines_[k].trailing;
        while (!trailing.empty() && (trailing.back() == ' ' || trailing.back() == '\t')) {
          trailing.pop_back();
        }
        if (!trailing.empty()) {
          size_t at = std::max(column, Columns(code));
          out += std::string(at - Columns(code) + 2, ' ');
          out += trailing;
        }
        out += '\n';
      }
      i = j;
    }
    return out;
  }

  const std::vector<Token>& tokens_;
  std::vector<Line> lines_;
  std::string cur_;  // code of the open line, without indentation
  size_t indent_ = 0;
  size_t col_ = 0;
  bool open_ = false;  // a line has been started and not ended
  std::vector<Open> brackets_;
  size_t clause_indent_ = 0;      // indentation of the line that began the current clause
  bool head_ = true;              // still in a statement's first clause
  size_t head_expr_col_ = kNone;  // column of the first clause's expression
  bool force_break_ = false;      // the next token starts a line (after a line comment, ...)
  bool after_inline_comment_ = false;
  bool after_open_ = false;      // the last token or comment placed was an opening bracket or brace
  const Token* prev_ = nullptr;  // the last code token placed
};

}  // namespace

std::string Layout(const std::vector<Token>& tokens) {
  return Printer(tokens).Run();
}

}  // namespace warrant::format
