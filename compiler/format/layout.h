// format::Layout: the formatter's printer (internal to compiler/format). Token stream in, text out.
//
// Decides every line break, indentation and space from the tokens' roles (tokens.h); never looks
// at the tree or the original text beyond what the tokens carry. docs/authoring.md describes the
// layout it produces.
#pragma once

#include <string>
#include <vector>

#include "compiler/format/tokens.h"

namespace warrant::format {

std::string Layout(const std::vector<Token>& tokens);

}  // namespace warrant::format
