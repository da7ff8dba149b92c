#include "grammar/recovery.h"

#include <algorithm>

#include "grammar/token.h"

namespace warrant::grammar {
namespace {

bool SameLetters(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size())
    return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != keyword[i])
      return false;
  }
  return true;
}

// Statement keywords, in any case (`Require` starts a statement the parser will reject), and
// `if` that is not `if unknown` (which continues a `require`).
bool StartsStatement(std::string_view text, uint32_t pos, std::string_view word) {
  for (std::string_view k :
       {"let", "require", "when", "deny", "pend", "reject", "bundle", "flag"}) {
    if (SameLetters(word, k))
      return true;
  }
  if (word != "if")
    return false;
  uint32_t next = SkipSeparators(text, pos + 2);
  return text.substr(next, 7) != "unknown";
}

// Where the line holding `pos` starts.
uint32_t LineStart(std::string_view text, uint32_t pos) {
  size_t nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  if (pos == 0 || nl == std::string_view::npos)
    return 0;
  return static_cast<uint32_t>(nl) + 1;
}

// True when only spaces and tabs stand between the start of the line and `pos`.
bool StartsLine(std::string_view text, uint32_t pos) {
  for (uint32_t i = LineStart(text, pos); i < pos; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
      return false;
  }
  return true;
}

uint32_t Column(std::string_view text, uint32_t pos) {
  return pos - LineStart(text, pos);
}

// True when nothing but spaces or a comment follows `pos` on its line.
bool EndsLine(std::string_view text, uint32_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r'))
    ++pos;
  return pos >= text.size() || text[pos] == '\n' || text.substr(pos, 2) == "//" ||
         text.substr(pos, 2) == "/*";
}

// The word of the token after the one that ends at `end`.
std::string_view NextWord(std::string_view text, uint32_t end) {
  uint32_t next = SkipSeparators(text, end);
  Span token = TokenSpan(text, next);
  return text.substr(next, token.size());
}

}  // namespace

bool IsDeclarationKeyword(std::string_view word) {
  for (std::string_view k :
       {"policy", "import", "codeset", "table", "fact", "reason", "let", "rule", "test"}) {
    if (word == k)
      return true;
  }
  return false;
}

namespace {

// A declaration keyword in any case: `Rule` starts a declaration the parser will reject.
bool StartsDeclaration(std::string_view word) {
  for (std::string_view k :
       {"policy", "import", "codeset", "table", "fact", "reason", "let", "rule", "test"}) {
    if (SameLetters(word, k))
      return true;
  }
  return false;
}

}  // namespace

uint32_t Resync(std::string_view text, uint32_t item_start, uint32_t failed_at, SyncKind kind) {
  const auto size = static_cast<uint32_t>(text.size());
  item_start = SkipSeparators(text, item_start);
  const uint32_t item_column = Column(text, item_start);
  const bool item_first = StartsLine(text, item_start);
  const bool from_start = kind == SyncKind::TestGiven || kind == SyncKind::TestClause;
  uint32_t pos = from_start ? item_start : SkipSeparators(text, std::max(failed_at, item_start));
  // An item read in a loop skips at least its first token, so that an item that failed where it
  // started (a stray word) does not resume where it began.
  bool loop = kind != SyncKind::RuleBody && kind != SyncKind::TestGiven;
  uint32_t depth = 0;  // brackets opened since the scan began
  if (loop && pos <= item_start) {
    Span first_token = TokenSpan(text, item_start);
    std::string_view word = text.substr(item_start, first_token.size());
    depth = word == "(" || word == "[" || word == "{" ? 1 : 0;
    pos = std::max(first_token.end, item_start + 1);
  }
  // The scan keeps track of lines itself: a file may be one long line, and asking for each
  // token's line would make the scan quadratic.
  pos = SkipSeparators(text, pos);
  uint32_t line_start = LineStart(text, pos);
  bool token_on_line = !StartsLine(text, pos);
  uint32_t scanned = pos;  // newlines before this offset are accounted for
  while (true) {
    pos = SkipSeparators(text, pos);
    if (pos >= size)
      return kind == SyncKind::RuleBody ? kNoResync : size;
    for (uint32_t i = pos; i > scanned; --i) {
      if (text[i - 1] == '\n') {
        line_start = i;
        token_on_line = false;
        break;
      }
    }
    scanned = pos;
    Span token = TokenSpan(text, pos);
    std::string_view word = text.substr(pos, token.size());
    const bool first = !token_on_line;
    const uint32_t column = pos - line_start;
    token_on_line = true;
    // A declaration keyword starting a line ends everything but a rule-local `let`.
    bool declaration = first && IsDeclarationKeyword(word) && word != "let";
    switch (kind) {
      case SyncKind::Declaration:
        if (depth == 0 && first && column <= item_column && StartsDeclaration(word))
          return pos;
        break;
      case SyncKind::Statement:
        if (declaration)
          return pos;
        // The block's own `}` ends its line (one followed by more is a slip inside the
        // statement): the first unmatched one, but not one on a line of its own indented like
        // the statement (that closes a block inside it) unless nothing is indented; and one
        // left of the statement whatever is left open before it.
        if (word == "}" && EndsLine(text, token.end) &&
            ((depth == 0 && (!first || column < item_column || item_column == 0)) ||
             (first && column < item_column)))
          return pos;
        // A statement keyword starting a line left of the broken one ends it, even with a
        // bracket left open (unless nothing is indented, when only brackets tell).
        if (first && column <= item_column && (depth == 0 || item_column > 0) &&
            StartsStatement(text, pos, word))
          return pos;
        break;
      case SyncKind::RuleBody:
        if (depth == 0 && word == "{")
          return pos;
        if (declaration)
          return kNoResync;
        break;
      case SyncKind::TestGiven:
      case SyncKind::TestClause:
        // `expect` starting a line can only be a clause, whatever is left open before it.
        if (word == "expect" && (depth == 0 || first))
          return pos;
        // The test's `}`: the first unmatched one, but not one on a line of its own indented
        // like the clause (that closes a record's object); and one left of the clause whatever
        // is left open before it (the brackets of a broken record may not match). Never one
        // that an `expect` follows.
        if (word == "}" && NextWord(text, token.end) != "expect" &&
            ((depth == 0 && (!first || !item_first || column < item_column || item_column == 0)) ||
             (item_first && first && column < item_column)))
          return pos;
        if (declaration)
          return pos;
        break;
    }
    if (word == "(" || word == "[" || word == "{") {
      ++depth;
    } else if ((word == ")" || word == "]" || word == "}") && depth > 0) {
      --depth;
    }
    pos = std::max(token.end, pos + 1);
  }
}

}  // namespace warrant::grammar
