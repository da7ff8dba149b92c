// "Did you mean" suggestions: the closest candidate by edit distance, if it is close enough.
//
// Deterministic: ties go to the alphabetically first candidate. Used by the checker for names,
// fields, functions, reasons and facts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warrant::check {

size_t EditDistance(std::string_view a, std::string_view b);

// The candidate within max(1, |word| / 3) edits of `word` (transpositions count once), if any.
std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "did you mean `code`?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace warrant::check
