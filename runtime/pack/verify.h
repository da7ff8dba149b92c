// The bytecode verifier: everything the VM relies on without checking it again.
//
// Checks that each code range (a rule's, a reason condition's) decodes within its bounds and
// ends in `return`, that jumps land on instruction boundaries of the same range, that every
// operand indexes something that exists, that the stack never underflows nor exceeds the
// declared max_stack on any path, that every loop has the shape the code generator emits (so
// every run ends: see CheckLoops in verify.cpp), that every accumulator sits in the slot just
// below the loop it is in (the traced VM reads that loop's index and element beside it), and
// that the tables cross-reference each other consistently. It does not check meaning (types,
// that a rule does what its title says): the checker did.
#pragma once

#include <string>

#include "runtime/pack/program.h"

namespace warrant {

// The first problem found, e.g. "rule `frequency`: jump at 0x0042 (`jump`) lands inside an
// instruction (0x0045)", or "" when `program` is safe to execute. Never reads out of bounds,
// whatever `program` holds.
std::string Verify(const Program& program);

}  // namespace warrant
