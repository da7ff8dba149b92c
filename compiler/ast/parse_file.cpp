#include "compiler/ast/parse_file.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/build.h"
#include "grammar/parse.h"
#include "grammar/token.h"
#include "runtime/pack/pack.h"

namespace warrant::ast {
namespace {

using diag::DiagCode;

// The first byte that makes `text` unacceptable as source: a NUL (E0004) or a byte that is not
// part of well-formed UTF-8 (E0003: overlong forms, surrogates and code points past U+10FFFF
// included).
struct BadByte {
  DiagCode code;
  uint32_t offset;
};

std::optional<BadByte> FindBadByte(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    unsigned char b = bytes[i];
    if (b == 0)
      return BadByte{DiagCode::NulByte, static_cast<uint32_t>(i)};
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0)
        lo = 0xA0;  // overlong
      if (b == 0xED)
        hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0)
        lo = 0x90;  // overlong
      if (b == 0xF4)
        hi = 0x8F;  // past U+10FFFF
    } else {
      return BadByte{DiagCode::NotUtf8, static_cast<uint32_t>(i)};
    }
    for (size_t k = 1; k < n; ++k) {
      unsigned char c = i + k < size ? bytes[i + k] : 0;
      bool ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
      if (!ok) {
        // Point at the byte that broke the sequence (a NUL there is still a NUL).
        if (i + k < size && c == 0)
          return BadByte{DiagCode::NulByte, static_cast<uint32_t>(i + k)};
        return BadByte{DiagCode::NotUtf8, static_cast<uint32_t>(i + k < size ? i + k : i)};
      }
    }
    i += n;
  }
  return std::nullopt;
}

DiagCode CodeOf(grammar::SyntaxError error) {
  using grammar::SyntaxError;
  switch (error) {
    case SyntaxError::ExpectedDeclaration:
      return DiagCode::ExpectedDeclaration;
    case SyntaxError::MisplacedPolicyHeader:
      return DiagCode::MisplacedPolicyHeader;
    case SyntaxError::ExpectedToken:
      return DiagCode::ExpectedToken;
    case SyntaxError::ExpectedExpression:
      return DiagCode::ExpectedExpression;
    case SyntaxError::UnterminatedString:
      return DiagCode::UnterminatedString;
    case SyntaxError::UnclosedBrace:
      return DiagCode::UnclosedBrace;
    case SyntaxError::InvalidEscape:
      return DiagCode::InvalidEscape;
    case SyntaxError::InvalidDate:
      return DiagCode::InvalidDate;
    case SyntaxError::IntegerOutOfRange:
      return DiagCode::IntegerOutOfRange;
    case SyntaxError::InvalidJson:
      return DiagCode::InvalidJson;
    case SyntaxError::UnexpectedCharacter:
      return DiagCode::UnexpectedCharacter;
    case SyntaxError::ExpectedCode:
      return DiagCode::ExpectedCode;
    case SyntaxError::ExpectedOutcome:
      return DiagCode::ExpectedOutcome;
    case SyntaxError::ChainedComparison:
      return DiagCode::ChainedComparison;
    case SyntaxError::UnclosedBlockComment:
      return DiagCode::UnclosedBlockComment;
    case SyntaxError::SingleEquals:
      return DiagCode::SingleEquals;
    case SyntaxError::NotAStatement:
      return DiagCode::NotAStatement;
    case SyntaxError::KeywordCase:
      return DiagCode::KeywordCase;
    case SyntaxError::UnknownDurationUnit:
      return DiagCode::UnknownDurationUnit;
    case SyntaxError::CurlyQuote:
      return DiagCode::CurlyQuote;
    case SyntaxError::UnquotedCode:
      return DiagCode::UnquotedCode;
    case SyntaxError::NestingTooDeep:
      return DiagCode::NestingTooDeep;
  }
  return DiagCode::ExpectedToken;
}

diag::Diagnostic& Emit(diag::DiagSink& sink, DiagCode code, FileId file, Span span,
                       const std::vector<std::string>& args) {
  switch (args.size()) {
    case 0:
      return sink.Emit(code, file, span);
    case 1:
      return sink.Emit(code, file, span, args[0]);
    default:
      return sink.Emit(code, file, span, args[0], args[1]);
  }
}

// Hints for characters and words people bring from other languages.
std::string HelpFor(DiagCode code, std::string_view found) {
  if (code == DiagCode::UnexpectedCharacter) {
    if (found == "!")
      return "write `not` for negation and `!=` for inequality";
    if (found == "&" || found == "|")
      return "write `and` / `or`";
    if (found == "'")
      return "strings are written in double quotes: \"text\"";
    if (found == ";")
      return "statements need no terminator";
  }
  if (code == DiagCode::ExpectedDeclaration) {
    for (std::string_view word : {"require", "when", "deny", "pend", "reject", "bundle", "flag"}) {
      if (found == word)
        return "statements belong inside a rule: `rule name applies to line where E { ... }`";
    }
    if (found == "given" || found == "expect") {
      return "`given` and `expect` belong inside a test: `test \"name\" { given {...} expect ... "
             "}`";
    }
  }
  return "";
}

}  // namespace

bool ParseFile(FileId file, const SourceFile& source, Ast& ast, diag::DiagSink& sink,
               bool keep_partial) {
  const std::string& text = source.text();
  if (text.size() > kMaxFileSize) {
    sink.Emit(DiagCode::FileTooLarge, file, Span{}, text.size(), kMaxFileSize);
    return false;
  }
  if (std::optional<BadByte> bad = FindBadByte(text)) {
    Span at{bad->offset, bad->offset + 1};
    if (bad->code == DiagCode::NulByte) {
      diag::Diagnostic& d = sink.Emit(DiagCode::NulByte, file, at);
      if (text.starts_with(kPackMagic)) {
        d.help =
            "this is a rule pack, not criteria: commands that compile (check, build, test, "
            "lint) read `.warrant` sources; run, explain and disasm read packs";
      }
    } else {
      sink.Emit(DiagCode::NotUtf8, file, at,
                static_cast<unsigned>(static_cast<unsigned char>(text[bad->offset])));
    }
    return false;
  }

  grammar::ParseResult parsed = grammar::Parse(text);
  for (const grammar::ParseFailure& failure : parsed.failures) {
    DiagCode code = CodeOf(failure.error);
    diag::Diagnostic& d = Emit(sink, code, file, failure.span, failure.args);
    std::string help =
        HelpFor(code, std::string_view(text).substr(failure.span.begin, failure.span.size()));
    if (!failure.help.empty())
      d.help = failure.help;
    else if (!help.empty())
      d.help = help;
    if (failure.fix)
      d.fix = diag::Fix{failure.fix->span, failure.fix->text};
  }
  if (!parsed.ok() && !keep_partial)
    return false;

  // Build into the shared arenas; on error, take back whatever this file added.
  const size_t exprs = ast.exprs.size(), stmts = ast.stmts.size(), json = ast.json.size(),
               codeset_exprs = ast.codeset_exprs.size();
  File out;
  Builder builder(text, parsed.cst, ast);
  if (std::optional<BuildError> error = builder.BuildFile(file, out)) {
    ast.exprs.resize(exprs);
    ast.stmts.resize(stmts);
    ast.json.resize(json);
    ast.codeset_exprs.resize(codeset_exprs);
    Emit(sink, error->code, file, error->span, error->args);
    return false;
  }
  out.syntax_errors = !parsed.ok();
  ast.files.push_back(std::move(out));
  return parsed.ok();
}

}  // namespace warrant::ast
