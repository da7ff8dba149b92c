// "Did you mean" suggestions: the closest candidate by edit distance, if it is close enough.
//
// Deterministic: ties go to the alphabetically first candidate. Used by the checker for names,
// fields, functions, reasons and facts. Suggest() also attaches the replacement as the
// diagnostic's fix, so an editor can apply it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "runtime/core/span.h"

namespace warrant::check {

size_t EditDistance(std::string_view a, std::string_view b);

// The candidate within max(1, |word| / 3) edits of `word` (transpositions count once), if any.
std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "did you mean `code`?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// When a candidate is close to `word`: sets `d.help` to "did you mean `X`?" and `d.fix` to write
// X over `span` (as a string literal when `quoted`: the span is a literal, quotes included) and
// returns true. Otherwise leaves `d` as it is and returns false.
bool Suggest(diag::Diagnostic& d, std::string_view word, const std::vector<std::string>& candidates,
             Span span, bool quoted = false);

}  // namespace warrant::check
