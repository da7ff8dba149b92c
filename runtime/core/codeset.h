// Codeset: an immutable set of packed codes (runtime/core/code.h) as sorted, disjoint intervals.
//
// Every member form of a source codeset (exact code, prefix, range) is an interval of packed
// values, so membership is one binary search whatever the set was written as. Sets are built
// and combined (union, difference) at compile time, then frozen into the pack through the
// byte serialization below. A Codeset does not know its code system; the compiler keeps that
// in the type, and packed codes carry it in their top byte anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/code.h"

namespace warrant {

class Codeset;

// Collects members in any order, overlapping or not; Build() sorts and merges them.
class CodesetBuilder {
 public:
  void AddCode(uint64_t packed) { intervals_.push_back({packed, packed}); }

  // A prefix (PrefixInterval) or an inclusive range. False, and nothing added, if lo > hi.
  [[nodiscard]] bool AddInterval(CodeInterval interval);

  Codeset Build() const;

 private:
  std::vector<CodeInterval> intervals_;
};

struct CodesetDecode;

class Codeset {
 public:
  Codeset() = default;

  // One binary search over the interval starts, narrowed first by the bucket index in large
  // sets; no allocation.
  bool Contains(uint64_t packed) const;

  // The number of intervals (not of codes).
  size_t size() const { return intervals_.size(); }

  bool empty() const { return intervals_.empty(); }

  // Sorted by lo; any two are separated by at least one value that is not a member.
  std::span<const CodeInterval> intervals() const { return intervals_; }

  static Codeset Union(const Codeset& a, const Codeset& b);
  // The members of `a` that are not in `b`.
  static Codeset Difference(const Codeset& a, const Codeset& b);

  // Little-endian: u32 interval count, then per interval u64 lo, u64 hi. Equal sets give equal
  // bytes (the form is canonical), which keeps packs deterministic.
  std::vector<uint8_t> Serialize() const;
  void AppendTo(std::vector<uint8_t>& out) const;
  // Reads what Serialize wrote from the front of `bytes`, checking the sizes, that lo <= hi in
  // each interval, and that intervals are sorted, disjoint and not adjacent. With `consumed`
  // null, bytes after the codeset are an error; otherwise their offset is stored there.
  static CodesetDecode Deserialize(std::span<const uint8_t> bytes, size_t* consumed = nullptr);

  // The same members (the index is derived from them).
  friend bool operator==(const Codeset& a, const Codeset& b) {
    return a.intervals_ == b.intervals_;
  }

  // Sets of at least this many intervals get the bucket index.
  static constexpr size_t kIndexFrom = 16;

 private:
  friend class CodesetBuilder;
  // `sorted` must be sorted by lo; overlapping and adjacent intervals are merged.
  static Codeset FromSorted(std::span<const CodeInterval> sorted);
  // Builds the bucket index of a large set; called wherever intervals_ is set.
  void Index();

  std::vector<CodeInterval> intervals_;
  // The bucket index: the values from intervals_.front().lo to intervals_.back().hi in equal
  // buckets of 2^shift_ values, and for each bucket boundary the last interval starting at or
  // before it (0 when none). A value's interval can only be one of those between its bucket's
  // two boundaries, so the binary search runs over a few intervals instead of all: a diagnosis
  // set has hundreds, and every membership test of every rule comes here.
  std::vector<uint32_t> bucket_;
  unsigned shift_ = 0;
};

struct CodesetDecode {
  Codeset codeset;
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
};

}  // namespace warrant
