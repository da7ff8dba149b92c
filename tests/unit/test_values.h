// Dates and codes the unit tests write as text. A typo fails the test loudly instead of becoming
// a sentinel value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "tests/unit/catch.h"

namespace warrant::test {

inline Day D(std::string_view text) {
  const std::optional<Day> day = ParseDate(text);
  if (!day)
    FAIL("bad test date " << std::string(text));
  return *day;
}

// The packed form of a code of `system`.
inline uint64_t P(CodeSystem system, std::string_view text) {
  const std::optional<uint64_t> packed = Pack(system, text);
  if (!packed)
    FAIL("not a valid code: " << std::string(text));
  return *packed;
}

inline uint64_t Icd(std::string_view text) {
  return P(CodeSystem::Icd10cm, text);
}

inline uint64_t Hcpcs(std::string_view text) {
  return P(CodeSystem::Hcpcs, text);
}

}  // namespace warrant::test
