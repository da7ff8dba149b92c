#include "compiler/format/tokens.h"

#include <algorithm>

namespace warrant::format {
namespace {

using grammar::Cst;
using grammar::CstId;
using grammar::CstKind;
using grammar::CstNode;

bool IsLeafKind(const CstNode& node) {
  switch (node.kind) {
    case CstKind::Op:
    case CstKind::Ident:
    case CstKind::FieldName:
    case CstKind::String:
    case CstKind::Int:
    case CstKind::Decimal:
    case CstKind::Date:
    case CstKind::DurationUnit:
    case CstKind::True:
    case CstKind::False:
    case CstKind::NoneLit:
    case CstKind::Decision:
    case CstKind::OutcomeKind:
    case CstKind::QuantKind:
    case CstKind::WithinDir:
    case CstKind::MemberPrefix:
    case CstKind::JsonString:
    case CstKind::JsonNumber:
    case CstKind::JsonTrue:
    case CstKind::JsonFalse:
    case CstKind::JsonNull:
      return true;
    case CstKind::Code:
      return node.children.empty();  // a quoted code has a String child
    default:
      return false;
  }
}

enum class What : uint8_t { SetRole, Breakable, Fill, GlueBefore, Glue, GlueAfter, HeadExpr };

// A fact about the token that starts at `offset` (or, with `after`, the first token at or after
// it, comments skipped).
struct Mark {
  uint32_t offset;
  bool after;
  What what;
  Role role;
  uint16_t depth;
};

class Walker {
 public:
  Walker(const Cst& cst, std::vector<Mark>& marks, std::vector<CstId>& leaves)
      : cst_(cst), marks_(marks), leaves_(leaves) {}

  void Walk(CstId id, uint16_t depth) {
    const CstNode& n = cst_.node(id);
    if (IsLeafKind(n)) {
      leaves_.push_back(id);
      return;
    }
    const auto& c = n.children;
    switch (n.kind) {
      case CstKind::File:
        for (CstId child : c) {
          At(child, Role::StmtStart, 0);
          Walk(child, 0);
        }
        return;
      case CstKind::Policy:
      case CstKind::Rule:
        for (CstId child : c) {
          CstKind k = cst_.node(child).kind;
          if (k == CstKind::Effective || k == CstKind::PolicySource || k == CstKind::Applies) {
            At(child, Role::Clause, depth);
          }
          if (k == CstKind::Block) {
            WalkBlock(child, depth, Role::BlockOpenOwn);
          } else {
            Walk(child, depth);
          }
        }
        return;
      case CstKind::When:
        Flag(c[0], What::HeadExpr);
        Walk(c[0], depth);
        WalkBlock(c[1], depth, Role::BlockOpen);
        return;
      case CstKind::Let:
      case CstKind::Codeset:
        Flag(c.back(), What::HeadExpr);
        break;
      case CstKind::Require:
        Flag(c[0], What::HeadExpr);
        After(cst_.node(c[0]).span.end, What::SetRole, Role::Clause, depth);  // `else`
        if (c.size() > 2)
          At(c[2], Role::Clause, depth);  // `if unknown`
        break;
      case CstKind::Direct:
        After(cst_.node(c[0]).span.end, What::SetRole, Role::Clause, depth);  // `when`
        break;
      case CstKind::Reason:
        After(cst_.node(c[1]).span.end, What::Glue, Role::Other, depth);  // `-` of `CO-119`
        for (size_t i = 3; i < c.size(); ++i) {
          CstKind k = cst_.node(c[i]).kind;
          if (k == CstKind::String)
            At(c[i], Role::SoftClause, depth);
          if (k == CstKind::AltGroup)
            At(c[i], Role::Clause, depth);
        }
        break;
      case CstKind::Fact:
        if (c.size() > 2)
          At(c[2], Role::SoftClause, depth);  // the title
        break;
      case CstKind::Expect:
        // A long expectation may put its message, flags or `also` clauses on their own lines,
        // as a reason may.
        for (size_t i = 1; i < c.size(); ++i) {
          CstKind k = cst_.node(c[i]).kind;
          if (k == CstKind::String || k == CstKind::ExpectFlag || k == CstKind::ExpectAlso)
            At(c[i], Role::SoftClause, depth);
        }
        break;
      case CstKind::ExpectCarc:
        After(cst_.node(c[0]).span.end, What::Glue, Role::Other, depth);  // `-` of `CO-119`
        break;
      case CstKind::Test: {
        // The name, then `pack` and `needs terminology` (words, no leaves), then the block.
        size_t body = 1;
        while (body < c.size() && cst_.node(c[body]).kind != CstKind::Given)
          ++body;
        After(cst_.node(c[body - 1]).span.end, What::SetRole, Role::BlockOpen, depth);  // `{`
        marks_.push_back(Mark{n.span.end - 1, false, What::SetRole, Role::BlockClose, depth});
        Walk(c[0], depth);
        for (size_t i = body; i < c.size(); ++i) {
          At(c[i], Role::StmtStart, static_cast<uint16_t>(depth + 1));
          Walk(c[i], static_cast<uint16_t>(depth + 1));
        }
        return;
      }
      case CstKind::JsonGenerate:
        // `every ... from ...` may go on the next line, as written or when the line is too long.
        After(cst_.node(c[1]).span.end, What::Breakable, Role::Other, depth);
        After(cst_.node(c[1]).span.end, What::Fill, Role::Other, depth);
        break;
      case CstKind::Where:
        At(id, Role::SoftClause, depth);
        Flag(id, What::Fill);
        break;
      case CstKind::Or:
      case CstKind::And:
        for (CstId child : c) {
          if (cst_.node(child).kind == CstKind::Op) {
            Flag(child, What::Breakable);
            Flag(child, What::Fill);
          }
        }
        break;
      case CstKind::Add:
      case CstKind::Mul:
      case CstKind::CsBinary:
        for (CstId child : c) {
          if (cst_.node(child).kind == CstKind::Op)
            Flag(child, What::Breakable);
        }
        break;
      case CstKind::CmpTail:
        Flag(id, What::Breakable);
        break;
      case CstKind::If:
        After(cst_.node(c[0]).span.end, What::Breakable, Role::Other, depth);  // `then`
        After(cst_.node(c[1]).span.end, What::Breakable, Role::Other, depth);  // `else`
        break;
      case CstKind::Call:
        After(cst_.node(c[0]).span.end, What::GlueBefore, Role::Other, depth);  // `(`
        break;
      case CstKind::IndexAccess:
        Flag(id, What::GlueBefore);
        break;
      case CstKind::Neg:
        Flag(id, What::GlueAfter);
        break;
      default:
        break;
    }
    for (CstId child : c)
      Walk(child, depth);
  }

 private:
  void WalkBlock(CstId block, uint16_t depth, Role open) {
    const CstNode& b = cst_.node(block);
    marks_.push_back(Mark{b.span.begin, false, What::SetRole, open, depth});
    marks_.push_back(Mark{b.span.end - 1, false, What::SetRole, Role::BlockClose, depth});
    for (CstId stmt : b.children) {
      At(stmt, Role::StmtStart, static_cast<uint16_t>(depth + 1));
      Walk(stmt, static_cast<uint16_t>(depth + 1));
    }
  }

  void At(CstId id, Role role, uint16_t depth) {
    marks_.push_back(Mark{cst_.node(id).span.begin, false, What::SetRole, role, depth});
  }

  void Flag(CstId id, What what) {
    marks_.push_back(Mark{cst_.node(id).span.begin, false, what, Role::Other, 0});
  }

  void After(uint32_t offset, What what, Role role, uint16_t depth) {
    marks_.push_back(Mark{offset, true, what, role, depth});
  }

  const Cst& cst_;
  std::vector<Mark>& marks_;
  std::vector<CstId>& leaves_;
};

bool IsWordStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsWordChar(char c) {
  return IsWordStart(c) || (c >= '0' && c <= '9');
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>& out) : text_(text), out_(out) {}

  // Splits text[from, to), which holds only whitespace, comments, keywords and punctuation.
  void Gap(uint32_t from, uint32_t to) {
    uint32_t pos = from;
    if (pos == 0 && text_.substr(0, 3) == "\xEF\xBB\xBF")
      pos = 3;  // a byte order mark
    while (pos < to) {
      char c = text_[pos];
      if (c == '\n') {
        ++newlines_;
        ++pos;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
        ++pos;
      } else if (c == '/' && pos + 1 < to && text_[pos + 1] == '/') {
        uint32_t end = pos;
        while (end < to && text_[end] != '\n')
          ++end;
        while (end > pos && text_[end - 1] == '\r')
          --end;
        Push(pos, end, true, true);
        pos = end;
      } else if (c == '/' && pos + 1 < to && text_[pos + 1] == '*') {
        size_t close = text_.find("*/", pos + 2);
        uint32_t end = close == std::string_view::npos ? to : static_cast<uint32_t>(close) + 2;
        Push(pos, std::min(end, to), true, false);
        pos = std::min(end, to);
      } else if (IsWordStart(c)) {
        uint32_t end = pos;
        while (end < to && IsWordChar(text_[end]))
          ++end;
        Push(pos, end, false, false);
        pos = end;
      } else {
        uint32_t end = pos + 1;
        if (pos + 1 < to) {
          std::string_view two = text_.substr(pos, 2);
          if (two == ".." || two == "->" || two == "==" || two == "!=" || two == "<=" ||
              two == ">=") {
            end = pos + 2;
          }
        }
        Push(pos, end, false, false);
        pos = end;
      }
    }
  }

  void Leaf(Span span) { Push(span.begin, span.end, false, false); }

 private:
  void Push(uint32_t begin, uint32_t end, bool comment, bool line_comment) {
    Token t;
    t.text = text_.substr(begin, end - begin);
    t.begin = begin;
    t.end = end;
    t.comment = comment;
    t.line_comment = line_comment;
    t.newlines_before = static_cast<uint8_t>(std::min(newlines_, 2U));
    newlines_ = 0;
    out_.push_back(t);
  }

  std::string_view text_;
  std::vector<Token>& out_;
  unsigned newlines_ = 0;
};

}  // namespace

std::vector<Token> BuildTokens(std::string_view text, const grammar::Cst& cst) {
  std::vector<Mark> marks;
  std::vector<CstId> leaves;
  Walker(cst, marks, leaves).Walk(cst.root, 0);

  std::vector<Token> tokens;
  Lexer lexer(text, tokens);
  uint32_t pos = 0;
  for (CstId id : leaves) {
    const CstNode& leaf = cst.node(id);
    lexer.Gap(pos, leaf.span.begin);
    // An operator may be two words with a comment between them (`not /* ... */ in`).
    if (leaf.kind == CstKind::Op) {
      lexer.Gap(leaf.span.begin, leaf.span.end);
    } else {
      lexer.Leaf(leaf.span);
    }
    pos = leaf.span.end;
  }
  lexer.Gap(pos, static_cast<uint32_t>(text.size()));

  // Resolve the marks against the code tokens (comments never carry a role).
  std::vector<uint32_t> code;  // indices of non-comment tokens, by source position
  for (uint32_t i = 0; i < tokens.size(); ++i) {
    if (!tokens[i].comment)
      code.push_back(i);
  }
  std::vector<bool> depth_set(tokens.size(), false);
  for (const Mark& m : marks) {
    auto it = std::lower_bound(code.begin(), code.end(), m.offset,
                               [&](uint32_t i, uint32_t off) { return tokens[i].begin < off; });
    if (it == code.end())
      continue;
    Token& t = tokens[*it];
    if (!m.after && t.begin != m.offset)
      continue;
    switch (m.what) {
      case What::SetRole:
        t.role = m.role;
        t.depth = m.depth;
        depth_set[*it] = true;
        break;
      case What::Breakable:
        t.breakable = true;
        break;
      case What::Fill:
        t.fill = true;
        break;
      case What::GlueBefore:
        t.glue_before = true;
        break;
      case What::Glue:
        t.glue_before = true;
        t.glue_after = true;
        break;
      case What::GlueAfter:
        t.glue_after = true;
        break;
      case What::HeadExpr:
        t.head_expr = true;
        break;
    }
  }

  // Punctuation, and the depth of unmarked tokens (that of the statement they are in).
  uint16_t depth = 0;
  const Token* prev = nullptr;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Token& t = tokens[i];
    if (depth_set[i]) {
      depth = t.depth;
    } else {
      t.depth = depth;
    }
    if (t.comment)
      continue;
    bool block =
        t.role == Role::BlockOpen || t.role == Role::BlockOpenOwn || t.role == Role::BlockClose;
    if (!block && (t.text == "(" || t.text == "[" || t.text == "{")) {
      t.opener = true;
      t.glue_after = true;
    }
    if (!block && (t.text == ")" || t.text == "]" || t.text == "}")) {
      t.closer = true;
      t.glue_before = true;
      t.breakable = true;
    }
    if (t.text == "," || t.text == ":")
      t.glue_before = true;
    if (t.text == ".") {
      t.glue_before = true;
      t.glue_after = true;
    }
    if (prev != nullptr && (prev->text == "," || prev->opener))
      t.breakable = true;
    if (prev != nullptr && prev->text == ",")
      t.fill = true;
    if (t.role == Role::SoftClause)
      t.breakable = true;
    prev = &t;
  }
  return tokens;
}

}  // namespace warrant::format
