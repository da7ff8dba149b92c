// A 128-bit integer for exact fixed-point intermediates (products of two scaled decimals).
// GCC and Clang provide it as an extension; `__extension__` keeps -Wpedantic quiet about that.
#pragma once

namespace warrant {

__extension__ typedef __int128 Int128;

}  // namespace warrant
