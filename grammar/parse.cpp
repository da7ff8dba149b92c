#include "grammar/parse.h"

#include <tao/pegtl.hpp>

#include "grammar/control.h"
#include "grammar/rules.h"

namespace warrant::grammar {

ParseResult Parse(std::string_view text) {
  namespace pegtl = tao::pegtl;
  ParseResult result;
  peg::ParseState state(text);
  // Lazy tracking: we compute offsets ourselves and never ask PEGTL for line numbers.
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data(), text.data() + text.size(), "");
  try {
    pegtl::parse<peg::file, pegtl::nothing, peg::control>(in, state);
  } catch (peg::SyntaxException& e) {
    // Every error is caught by a recovery point of `file`; this is a safety net.
    state.failures.push_back(std::move(e.failure));
    state.nodes.clear();
    state.pending.clear();
  }
  result.failures = std::move(state.failures);
  if (state.pending.empty()) {
    state.nodes.push_back(CstNode{CstKind::File, Span{0, static_cast<uint32_t>(text.size())}, {}});
    state.pending.push_back(static_cast<CstId>(state.nodes.size() - 1));
  }
  // `file` always matches and is selected, so exactly its node is left.
  result.cst.nodes = std::move(state.nodes);
  result.cst.root = state.pending.back();
  return result;
}

}  // namespace warrant::grammar
