// One include for the test framework, so moving to Catch2 v3 is a one-line change.
#pragma once
#include <cstddef>

#include <catch2/catch.hpp>

namespace warrant::test {

// Exhaustive and randomised tests take every case in plain builds and a fixed share of them in
// sanitizer builds (WARRANT_SANITIZE), where each case costs ten times as much: the sanitizers
// check memory and undefined behaviour on the paths, and a third of the cases still walks all of
// them; the plain builds keep the full sweep. `Sampled(i)` says whether case i is taken.
#ifdef WARRANT_SANITIZED
inline constexpr size_t kSampleEvery = 3;
#else
inline constexpr size_t kSampleEvery = 1;
#endif
inline constexpr bool Sampled(size_t i) {
  return i % kSampleEvery == 0;
}

}  // namespace warrant::test
