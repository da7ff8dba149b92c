// Which member of a codeset, as the source wrote it, holds a code: `E11.*`, `O24.01 .. O24.03`,
// `G0328`. A pack keeps codesets as merged intervals (one binary search per test); the members
// as written are in its debug tables (Program::debug.codesets, recorded by the code generator),
// so the answer never needs the source text.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/explain/explain.h"

namespace warrant {
namespace {

// How many named codesets deep a member is looked for; also bounds a cycle of references in a
// corrupt pack.
constexpr int kMaxDepth = 8;

std::string Find(const Program& program, uint32_t set, uint64_t code, int depth) {
  const std::vector<CodesetDebug>& sets = program.debug.codesets;
  if (depth > kMaxDepth || set >= sets.size())
    return "";
  const CodesetDebug& d = sets[set];
  // A code written in its own spelling is the member that holds it.
  if (std::binary_search(d.codes.begin(), d.codes.end(), code)) {
    if (std::optional<CodeText> text = Unpack(code))
      return text->str();
  }
  std::string load;
  for (const CodesetMemberDebug& m : d.members) {
    switch (m.kind) {
      case CodesetMemberKind::Codes:
        if (m.codes.lo <= code && code <= m.codes.hi)
          return m.text;
        break;
      case CodesetMemberKind::Reference: {
        std::string found = Find(program, m.index, code, depth + 1);
        if (!found.empty())
          return found + " (in `" + m.text + "`)";
        break;
      }
      case CodesetMemberKind::Load:
        // A file's codes are named by the file, after any member written out.
        if (load.empty() && m.index < d.loads.size() && d.loads[m.index].Contains(code))
          load = "listed in " + m.text;
        break;
    }
  }
  return load;
}

}  // namespace

std::string WrittenMember(const Program& program, uint32_t codeset, uint64_t code) {
  return Find(program, codeset, code, 0);
}

}  // namespace warrant
