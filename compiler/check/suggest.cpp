#include "compiler/check/suggest.h"

#include <algorithm>

namespace warrant::check {

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, the typo a
// keyboard makes most (`cdoe` for `code`).
size_t EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= m; ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  if (word.size() > 64)
    return std::nullopt;
  size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == word || c.size() > 64)
      continue;
    size_t distance = EditDistance(word, c);
    if (distance < best_distance || (distance == best_distance && best && c < *best)) {
      best = c;
      best_distance = distance;
    }
  }
  if (best_distance > limit)
    return std::nullopt;
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  auto best = Closest(word, candidates);
  return best ? "did you mean `" + *best + "`?" : "";
}

bool Suggest(diag::Diagnostic& d, std::string_view word, const std::vector<std::string>& candidates,
             Span span, bool quoted) {
  auto best = Closest(word, candidates);
  if (!best)
    return false;
  d.help = "did you mean `" + *best + "`?";
  std::string text;
  if (quoted)
    text.push_back('"');
  for (char c : *best) {
    if (quoted && (c == '"' || c == '\\'))
      text.push_back('\\');
    text.push_back(c);
  }
  if (quoted)
    text.push_back('"');
  d.fix = diag::Fix{span, std::move(text)};
  return true;
}

}  // namespace warrant::check
