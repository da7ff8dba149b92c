// The .wterm byte form of a Terminology: what `warrant terminology import` writes and packs
// embed.
//
// Little-endian and versioned; deterministic (a Terminology has exactly one byte form, and the
// reader rejects every other, so equal terminologies hash equal). Sorted codes are stored as
// varint deltas, titles front-coded against the previous title, billable flags as bits; a
// SHA-256 of the whole closes the file. Reading validates everything and never trusts a count
// before the bytes behind it are there: allocation stays within a small multiple of the input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/terminology/terminology.h"

namespace warrant {

inline constexpr uint32_t kTerminologyFormatVersion = 1;

struct TerminologyDecode {
  Terminology terminology;
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
};

std::vector<uint8_t> SerializeTerminology(const Terminology& terminology);
TerminologyDecode DeserializeTerminology(std::span<const uint8_t> bytes);

}  // namespace warrant
