#include "compiler/diag/diagnostic.h"

#include <algorithm>

namespace warrant::diag {

std::vector<Diagnostic> DiagSink::Sorted() const {
  std::vector<Diagnostic> sorted = diags_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file)
      return a.file < b.file;
    if (a.span.begin != b.span.begin)
      return a.span.begin < b.span.begin;
    return a.code < b.code;
  });
  return sorted;
}

}  // namespace warrant::diag
