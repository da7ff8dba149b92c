// The two flat containers a history store keeps a batch's rows in between its reads and writes:
// bytes that never move once copied (so views of them stay valid until the store forgets the
// batch), and a table from such a view to a number. A run records a claim and reads a patient
// per claim line; with these neither allocates per claim, and forgetting a batch keeps the memory
// for the next one. Knows nothing of claims, lines or SQLite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace warrant {

// Bytes in blocks that are never moved or freed until Clear.
class ByteArena {
 public:
  // A copy of `bytes` that stays valid until Clear.
  std::string_view Copy(std::string_view bytes);
  // Forgets every copy; keeps the blocks for the copies that follow.
  void Clear();

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> sizes_;  // each block's size (a copy larger than kBlockBytes gets its own)
  size_t block_ = 0;           // the block copies go to
  size_t used_ = 0;            // bytes used of it
};

// Text → a uint32_t. The texts are views the caller keeps valid (in a ByteArena, say) until
// Clear. Open addressing with linear probing; no entry is ever removed except by Clear.
class ViewIndex {
 public:
  // The value of `key`, or null.
  const uint32_t* Find(std::string_view key) const { return Find(key, Hash(key)); }

  // The same, given Hash(key): one text looked up in several indexes is hashed once.
  const uint32_t* Find(std::string_view key, size_t hash) const;
  // A hash of `key` for Find; ids are short, so a few multiplies rather than a library call.
  static size_t Hash(std::string_view key);
  // `key`'s value: the one it had (false), or `value`, inserted (true).
  std::pair<uint32_t*, bool> Insert(std::string_view key, uint32_t value);

  bool empty() const { return used_ == 0; }

  size_t size() const { return used_; }

  void Clear();

 private:
  struct Slot {
    const char* data = nullptr;  // null: empty
    uint32_t size = 0;
    uint32_t value = 0;
  };

  void Grow();

  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t used_ = 0;
};

}  // namespace warrant
