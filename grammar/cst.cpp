#include "grammar/cst.h"

#include <string>
#include <utility>

namespace warrant::grammar {

const char* CstKindName(CstKind kind) {
  switch (kind) {
#define WARRANT_CST(Kind, Shape) \
  case CstKind::Kind:            \
    return #Kind;
#include "grammar/cst_kind.def"
#undef WARRANT_CST
  }
  return "?";
}

void DumpCst(const Cst& cst, std::string_view source, std::ostream& out) {
  if (cst.nodes.empty())
    return;
  // (node, depth) pairs; children are pushed in reverse so they print in source order.
  std::vector<std::pair<CstId, uint32_t>> stack = {{cst.root, 0}};
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    const CstNode& node = cst.node(id);
    out << std::string(depth * 2, ' ') << CstKindName(node.kind) << " [" << node.span.begin << ","
        << node.span.end << ")";
    if (node.children.empty())
      out << " " << cst.Text(id, source);
    out << "\n";
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
      stack.emplace_back(*it, depth + 1);
    }
  }
}

}  // namespace warrant::grammar
