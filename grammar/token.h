// Hand-written lexical helpers shared by the PEGTL grammar, its error reporting and the AST
// builder.
//
// The grammar proper is PEGTL (rules.h); these plain functions answer the questions around it
// cheaply: where does the next token start, what is the token at an offset in user terms (for
// "found `else`"), is a word reserved. They never allocate except for descriptions and know
// nothing about meaning. Keep them in step with the lexical section of docs/grammar.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/span.h"

namespace warrant::grammar {

// True for the words of keywords.def.
bool IsKeyword(std::string_view word);

// The words of keywords.def, sorted.
std::span<const std::string_view> Keywords();

// True for a byte of an identifier-shaped word: `[A-Za-z0-9_]`.
bool IsWordChar(char c);

// Length of the identifier-shaped word `[A-Za-z_][A-Za-z0-9_]*` at the start of `text` (0 if none).
size_t WordLength(std::string_view text);

// The offset of the first byte at or after `pos` that is not whitespace or inside a comment (a
// UTF-8 byte order mark at offset 0 counts as whitespace). An unterminated `/* ...` is skipped to
// the end of the text; `*unclosed_comment` (if given) then receives the offset of its `/*`.
uint32_t SkipSeparators(std::string_view text, uint32_t pos, uint32_t* unclosed_comment = nullptr);

struct TokenInfo {
  Span span;                // the token (empty at the end of the text)
  std::string description;  // "`else`", "`}`", "end of file", "`\"paid\"`", "a string", ...
  bool unexpected = false;  // a character that starts no Warrant token (`@`, `'`, U+00A0, ...)
};

// The span of the token starting exactly at `pos`, as DescribeToken finds it: a word, a number or
// date, a string up to its closing quote or the end of the line, an operator, or one character
// (a whole UTF-8 sequence) that starts no token. Empty at the end of the text.
Span TokenSpan(std::string_view text, uint32_t pos);

// Describes the token starting exactly at `pos` (call SkipSeparators first).
TokenInfo DescribeToken(std::string_view text, uint32_t pos);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid lead bytes).
uint32_t Utf8Length(unsigned char lead);

// The code point at `pos` and its length in bytes. The text is valid UTF-8 by the time the
// parser runs; an invalid or cut sequence decodes as its first byte, so this never reads out of
// bounds.
uint32_t CodePointAt(std::string_view text, uint32_t pos, uint32_t* length);

}  // namespace warrant::grammar
