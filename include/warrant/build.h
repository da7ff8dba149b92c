// Compiling criteria into a pack from a program, as `warrant build` does. Part of the in-tree
// API the Python package binds; not installed with the C++ package, which carries the runtime
// only (compiling needs the whole compiler and its parser libraries).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "warrant/warrant.h"

namespace warrant::api {

// Compiles `inputs` (.warrant files or folders of them) with the terminology files named and
// returns the pack's bytes. Throws Error carrying the first error's code (E0201, ...) and every
// diagnostic rendered as `warrant build` prints them.
std::vector<std::uint8_t> Build(const std::vector<std::string>& inputs,
                                const std::vector<std::string>& terminology = {});

}  // namespace warrant::api
