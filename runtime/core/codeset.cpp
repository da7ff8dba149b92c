#include "runtime/core/codeset.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include <fmt/core.h>

#include "runtime/core/bytes.h"

namespace warrant {
namespace {

constexpr size_t kCountBytes = 4;
constexpr size_t kIntervalBytes = 16;
constexpr uint64_t kMaxPacked = std::numeric_limits<uint64_t>::max();

bool ByLo(const CodeInterval& a, const CodeInterval& b) {
  return a.lo < b.lo;
}

// True when `next` (whose lo is >= prev.lo) overlaps or touches `prev`, i.e. the two must merge.
bool Touches(const CodeInterval& prev, const CodeInterval& next) {
  return prev.hi == kMaxPacked || next.lo <= prev.hi + 1;
}

void AppendLe(std::vector<uint8_t>& out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) {
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

}  // namespace

bool CodesetBuilder::AddInterval(CodeInterval interval) {
  if (interval.lo > interval.hi) {
    return false;
  }
  intervals_.push_back(interval);
  return true;
}

Codeset CodesetBuilder::Build() const {
  std::vector<CodeInterval> sorted = intervals_;
  std::sort(sorted.begin(), sorted.end(), ByLo);
  return Codeset::FromSorted(sorted);
}

Codeset Codeset::FromSorted(std::span<const CodeInterval> sorted) {
  Codeset set;
  for (const CodeInterval& interval : sorted) {
    if (!set.intervals_.empty() && Touches(set.intervals_.back(), interval)) {
      set.intervals_.back().hi = std::max(set.intervals_.back().hi, interval.hi);
    } else {
      set.intervals_.push_back(interval);
    }
  }
  set.Index();
  return set;
}

void Codeset::Index() {
  bucket_.clear();
  shift_ = 0;
  const size_t n = intervals_.size();
  if (n < kIndexFrom)
    return;
  // At most kBuckets buckets over the span of the set.
  constexpr uint64_t kBuckets = 1024;
  const uint64_t base = intervals_.front().lo;
  const uint64_t span = intervals_.back().hi - base;
  while ((span >> shift_) >= kBuckets)
    ++shift_;
  const uint64_t buckets = (span >> shift_) + 1;
  // Boundary b is base + b * 2^shift_ (at most base + span) for b below `buckets`; boundary
  // `buckets`, the last bucket's upper one, is the set's last code.
  bucket_.resize(buckets + 1);
  size_t last = 0;  // the last interval with lo <= the boundary, carried forward
  for (uint64_t b = 0; b <= buckets; ++b) {
    const uint64_t boundary = b == buckets ? base + span : base + (b << shift_);
    while (last + 1 < n && intervals_[last + 1].lo <= boundary)
      ++last;
    bucket_[b] = static_cast<uint32_t>(last);
  }
}

bool Codeset::Contains(uint64_t packed) const {
  // The last interval starting at or before `packed`; only it can hold `packed`. The search
  // halves the range without a branch per step (a conditional move), which matters because
  // every membership test of every rule comes here and its outcome is unpredictable.
  size_t n = intervals_.size();
  if (n == 0)
    return false;
  const CodeInterval* base = intervals_.data();
  if (!bucket_.empty()) {
    if (packed < base->lo || packed > intervals_.back().hi)
      return false;
    const uint64_t b = (packed - base->lo) >> shift_;
    const uint32_t first = bucket_[b];
    n = bucket_[b + 1] - first + 1;
    base += first;
  }
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half].lo <= packed ? base + half : base;
    n -= half;
  }
  return base->lo <= packed && packed <= base->hi;
}

Codeset Codeset::Union(const Codeset& a, const Codeset& b) {
  std::vector<CodeInterval> merged;
  merged.reserve(a.size() + b.size());
  std::merge(a.intervals_.begin(), a.intervals_.end(), b.intervals_.begin(), b.intervals_.end(),
             std::back_inserter(merged), ByLo);
  return FromSorted(merged);
}

Codeset Codeset::Difference(const Codeset& a, const Codeset& b) {
  std::vector<CodeInterval> out;
  size_t first = 0;  // the first interval of b that can still reach the current one of a
  for (const CodeInterval& keep : a.intervals_) {
    while (first < b.size() && b.intervals_[first].hi < keep.lo) {
      ++first;
    }
    uint64_t from = keep.lo;  // the start of the part of `keep` not yet decided
    bool rest_removed = false;
    size_t k = first;
    for (; k < b.size() && b.intervals_[k].lo <= keep.hi; ++k) {
      const CodeInterval& cut = b.intervals_[k];
      if (cut.lo > from) {
        out.push_back({from, cut.lo - 1});
      }
      if (cut.hi >= keep.hi) {
        rest_removed = true;
        break;
      }
      from = std::max(from, cut.hi + 1);
    }
    if (!rest_removed) {
      out.push_back({from, keep.hi});
    }
    // Intervals of b before k end inside `keep`, so they cannot reach the next interval of a.
    first = k;
  }
  return FromSorted(out);
}

std::vector<uint8_t> Codeset::Serialize() const {
  std::vector<uint8_t> out;
  AppendTo(out);
  return out;
}

void Codeset::AppendTo(std::vector<uint8_t>& out) const {
  out.reserve(out.size() + kCountBytes + intervals_.size() * kIntervalBytes);
  // A codeset has far fewer than 2^32 intervals: each comes from a source member or CSV row.
  AppendLe(out, intervals_.size(), kCountBytes);
  for (const CodeInterval& interval : intervals_) {
    AppendLe(out, interval.lo, 8);
    AppendLe(out, interval.hi, 8);
  }
}

CodesetDecode Codeset::Deserialize(std::span<const uint8_t> bytes, size_t* consumed) {
  CodesetDecode result;
  if (bytes.size() < kCountBytes) {
    result.error =
        fmt::format("codeset truncated: {} bytes, too few for the interval count", bytes.size());
    return result;
  }
  const uint64_t count = ReadLe(bytes, 0, kCountBytes);
  // count < 2^32, so this cannot overflow a 64-bit size_t.
  const uint64_t needed = kCountBytes + count * kIntervalBytes;
  if (bytes.size() < needed) {
    result.error = fmt::format("codeset truncated: {} intervals need {} bytes, only {} remain",
                               count, needed, bytes.size());
    return result;
  }
  if (consumed == nullptr && bytes.size() != needed) {
    result.error = fmt::format("{} unexpected bytes after the codeset", bytes.size() - needed);
    return result;
  }
  // Reserved only now that the bytes are known to hold `count` intervals.
  std::vector<CodeInterval> intervals;
  intervals.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t at = kCountBytes + i * kIntervalBytes;
    const CodeInterval interval{ReadLe(bytes, at, 8), ReadLe(bytes, at + 8, 8)};
    if (interval.lo > interval.hi) {
      result.error = fmt::format("codeset interval {} is reversed (lo > hi)", i);
      return result;
    }
    if (!intervals.empty() &&
        (interval.lo < intervals.back().lo || Touches(intervals.back(), interval))) {
      result.error =
          fmt::format("codeset interval {} is out of order, overlaps or touches the one before", i);
      return result;
    }
    intervals.push_back(interval);
  }
  result.codeset.intervals_ = std::move(intervals);
  result.codeset.Index();
  if (consumed != nullptr) {
    *consumed = needed;
  }
  return result;
}

}  // namespace warrant
