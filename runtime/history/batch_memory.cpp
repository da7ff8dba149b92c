#include "runtime/history/batch_memory.h"

#include <algorithm>
#include <cstring>

namespace warrant {

std::string_view ByteArena::Copy(std::string_view bytes) {
  if (bytes.empty())
    return std::string_view();
  while (block_ < blocks_.size() && used_ + bytes.size() > sizes_[block_]) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    const size_t size = std::max(kBlockBytes, bytes.size());
    blocks_.push_back(std::make_unique<char[]>(size));
    sizes_.push_back(size);
    used_ = 0;
  }
  char* to = blocks_[block_].get() + used_;
  std::memcpy(to, bytes.data(), bytes.size());
  used_ += bytes.size();
  return std::string_view(to, bytes.size());
}

void ByteArena::Clear() {
  // A block made for one large copy is let go; the ordinary ones are kept for the next batch.
  size_t kept = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (sizes_[i] == kBlockBytes) {
      blocks_[kept] = std::move(blocks_[i]);
      sizes_[kept] = sizes_[i];
      ++kept;
    }
  }
  blocks_.resize(kept);
  sizes_.resize(kept);
  block_ = 0;
  used_ = 0;
}

size_t ViewIndex::Hash(std::string_view key) {
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = 0x9E3779B97F4A7C15u ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * 0x9E3779B97F4A7C15u;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i)
    tail |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  h ^= tail;
  // Every input bit reaches the low bits a slot is chosen by (MurmurHash3's 64-bit finalizer):
  // ids differ mostly in their last characters, the high bytes of their last word.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDu;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53u;
  h ^= h >> 33;
  return static_cast<size_t>(h);
}

const uint32_t* ViewIndex::Find(std::string_view key, size_t hash) const {
  if (used_ == 0)
    return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.data == nullptr)
      return nullptr;
    if (s.size == key.size() && std::memcmp(s.data, key.data(), key.size()) == 0)
      return &s.value;
  }
}

std::pair<uint32_t*, bool> ViewIndex::Insert(std::string_view key, uint32_t value) {
  if (2 * (used_ + 1) > slots_.size())
    Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.data == nullptr) {
      // An empty view still needs a non-null address to mark the slot used.
      static constexpr char kEmpty = 0;
      s.data = key.empty() ? &kEmpty : key.data();
      s.size = static_cast<uint32_t>(key.size());
      s.value = value;
      ++used_;
      return {&s.value, true};
    }
    if (s.size == key.size() && std::memcmp(s.data, key.data(), key.size()) == 0)
      return {&s.value, false};
  }
}

void ViewIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : 2 * old.size(), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.data == nullptr)
      continue;
    size_t i = Hash(std::string_view(s.data, s.size)) & mask;
    while (slots_[i].data != nullptr)
      i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void ViewIndex::Clear() {
  if (used_ == 0)
    return;
  std::fill(slots_.begin(), slots_.end(), Slot{});
  used_ = 0;
}

}  // namespace warrant
