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
    result.failure = std::move(e.failure);
    return result;
  }
  // `file` always matches (or raises) and is selected, so exactly its node is left.
  result.cst.nodes = std::move(state.nodes);
  result.cst.root = state.pending.back();
  return result;
}

}  // namespace warrant::grammar
