#include "runtime/terminology/terminology_serialize.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "runtime/core/sha256.h"

namespace warrant {
namespace {

// Layout (every integer little-endian; varint = unsigned LEB128, shortest form):
//   "WTRM"  u32 format version  u32 version count
//   per version:
//     u8 system  u8 name length  name  i32 from  i32 until  32 bytes source SHA-256
//     u32 code count  varint first code  varint delta to each next code (>= 1)
//     billable bits: ceil(count / 8) bytes, code i is bit i % 8 of byte i / 8, unused bits 0
//     u32 total title bytes, then per code: varint bytes shared with the previous title (the
//       longest common prefix), varint suffix length, the suffix
//   SHA-256 of everything before it
constexpr std::array<uint8_t, 4> kMagic = {'W', 'T', 'R', 'M'};
constexpr size_t kHashBytes = 32;
constexpr size_t kHeaderBytes = kMagic.size() + 4 + 4;
constexpr size_t kMaxVarintBytes = 10;
// Front coding lets a few input bytes stand for a long title; real files expand about 2x. A
// declared total above this multiple of the input (plus a little, for tiny inputs) is
// rejected before anything is reserved.
constexpr uint64_t kMaxTitleExpansion = 16;
constexpr uint64_t kTitleSlack = 1 << 16;

// ---- Writing --------------------------------------------------------------------------------

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  void U8(uint8_t value) { out_.push_back(value); }

  void U32(uint32_t value) {
    for (int i = 0; i < 4; ++i)
      out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }

  void Varint(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<uint8_t>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(value));
  }

  void Bytes(std::string_view bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

  // Magic numbers and digests, a few bytes each. Byte by byte: GCC 12 at -O3 misreads a range
  // insert into the freshly reserved vector as an overflow (-Wstringop-overflow).
  void Bytes(std::span<const uint8_t> bytes) {
    for (const uint8_t byte : bytes)
      out_.push_back(byte);
  }

 private:
  std::vector<uint8_t>& out_;
};

size_t CommonPrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

void WriteVersion(Writer& w, const CodeSystemVersion& v) {
  w.U8(static_cast<uint8_t>(v.system));
  w.U8(static_cast<uint8_t>(v.name.size()));  // CheckVersion keeps it within 1..255
  w.Bytes(v.name);
  w.U32(static_cast<uint32_t>(v.from));
  w.U32(static_cast<uint32_t>(v.until));
  w.Bytes(std::span<const uint8_t>(v.source_sha256));
  const size_t n = v.size();
  w.U32(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i)
    w.Varint(i == 0 ? v.codes[0] : v.codes[i] - v.codes[i - 1]);
  for (size_t i = 0; i < n; i += 8) {
    uint8_t bits = 0;
    for (size_t j = i; j < std::min(n, i + 8); ++j)
      bits |= static_cast<uint8_t>(v.billable[j] << (j - i));
    w.U8(bits);
  }
  w.U32(static_cast<uint32_t>(v.titles.size()));
  std::string_view previous;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view title = v.Title(i);
    const size_t shared = CommonPrefix(previous, title);
    w.Varint(shared);
    w.Varint(title.size() - shared);
    w.Bytes(title.substr(shared));
    previous = title;
  }
}

// ---- Reading --------------------------------------------------------------------------------

// Bounds-checked reads; the first failure is kept with its byte offset and later reads fail.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t offset() const { return at_; }

  size_t remaining() const { return bytes_.size() - at_; }

  bool failed() const { return !error_.empty(); }

  const std::string& error() const { return error_; }

  bool Fail(std::string_view what) {
    if (error_.empty())
      error_ = fmt::format("corrupt terminology at byte {}: {}", at_, what);
    return false;
  }

  bool U8(uint8_t& value, std::string_view what) {
    if (!Need(1, what))
      return false;
    value = bytes_[at_++];
    return true;
  }

  bool U32(uint32_t& value, std::string_view what) {
    if (!Need(4, what))
      return false;
    value = 0;
    for (int i = 3; i >= 0; --i)
      value = (value << 8) | bytes_[at_ + static_cast<size_t>(i)];
    at_ += 4;
    return true;
  }

  bool I32(int32_t& value, std::string_view what) {
    uint32_t raw = 0;
    if (!U32(raw, what))
      return false;
    value = static_cast<int32_t>(raw);
    return true;
  }

  bool Varint(uint64_t& value, std::string_view what) {
    value = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (!Need(1, what))
        return false;
      const uint8_t byte = bytes_[at_++];
      // The tenth byte holds bit 63 only.
      if (i == kMaxVarintBytes - 1 && byte > 1)
        return Fail(fmt::format("{}: varint overflows 64 bits", what));
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        // Shortest form only, so each value has one encoding.
        if (i > 0 && byte == 0)
          return Fail(fmt::format("{}: over-long varint", what));
        return true;
      }
    }
    return Fail(fmt::format("{}: varint longer than {} bytes", what, kMaxVarintBytes));
  }

  bool Bytes(size_t count, std::span<const uint8_t>& out, std::string_view what) {
    if (!Need(count, what))
      return false;
    out = bytes_.subspan(at_, count);
    at_ += count;
    return true;
  }

 private:
  bool Need(size_t count, std::string_view what) {
    if (failed())
      return false;
    if (remaining() < count) {
      return Fail(fmt::format("{}: needs {} bytes, {} remain", what, count, remaining()));
    }
    return true;
  }

  std::span<const uint8_t> bytes_;
  size_t at_ = 0;
  std::string error_;
};

std::string_view AsText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool ReadCodes(Reader& r, CodeSystemVersion& v, uint32_t count) {
  // Every code takes at least one byte, so `count` is checked against the input before the
  // reservation.
  if (count > r.remaining())
    return r.Fail(fmt::format("{} codes cannot fit in {} bytes", count, r.remaining()));
  v.codes.reserve(count);
  uint64_t code = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t delta = 0;
    if (!r.Varint(delta, "code"))
      return false;
    if (i > 0 && delta == 0)
      return r.Fail(fmt::format("code {} repeats the one before", i));
    if (i > 0 && delta > std::numeric_limits<uint64_t>::max() - code) {
      return r.Fail(fmt::format("code {} overflows", i));
    }
    code = i == 0 ? delta : code + delta;
    v.codes.push_back(code);
  }
  return true;
}

bool ReadBillable(Reader& r, CodeSystemVersion& v, uint32_t count) {
  std::span<const uint8_t> bits;
  if (!r.Bytes((static_cast<size_t>(count) + 7) / 8, bits, "billable flags"))
    return false;
  v.billable.resize(count);
  for (size_t i = 0; i < count; ++i)
    v.billable[i] = (bits[i / 8] >> (i % 8)) & 1;
  if (count % 8 != 0 && (bits.back() >> (count % 8)) != 0)
    return r.Fail("unused billable bits are set");
  return true;
}

bool ReadTitles(Reader& r, CodeSystemVersion& v, uint32_t count) {
  uint32_t total = 0;
  if (!r.U32(total, "title size"))
    return false;
  if (total > kMaxTitleExpansion * r.remaining() + kTitleSlack) {
    return r.Fail(fmt::format("{} title bytes cannot come from {} bytes", total, r.remaining()));
  }
  v.titles.reserve(total);
  v.title_offsets.reserve(static_cast<size_t>(count) + 1);
  v.title_offsets.push_back(0);
  size_t previous_begin = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t shared = 0;
    uint64_t suffix_size = 0;
    if (!r.Varint(shared, "title prefix") || !r.Varint(suffix_size, "title suffix"))
      return false;
    const size_t previous_size = v.titles.size() - previous_begin;
    if (shared > previous_size)
      return r.Fail(fmt::format("title {} shares more than the title before", i));
    if (suffix_size > total - v.titles.size() || shared > total - v.titles.size() - suffix_size) {
      return r.Fail(fmt::format("title {} runs past the declared {} title bytes", i, total));
    }
    std::span<const uint8_t> suffix;
    if (!r.Bytes(suffix_size, suffix, "title"))
      return false;
    // The longest common prefix only, so the encoding is unique.
    if (shared < previous_size && !suffix.empty() &&
        static_cast<uint8_t>(v.titles[previous_begin + shared]) == suffix[0]) {
      return r.Fail(fmt::format("title {} does not share its longest common prefix", i));
    }
    const size_t begin = v.titles.size();
    // Copy within the string: reserve() above means append never reallocates while reading.
    v.titles.append(v.titles, previous_begin, shared);
    v.titles.append(AsText(suffix));
    previous_begin = begin;
    v.title_offsets.push_back(static_cast<uint32_t>(v.titles.size()));
  }
  if (v.titles.size() != total) {
    return r.Fail(fmt::format("titles hold {} bytes, not the declared {}", v.titles.size(), total));
  }
  return true;
}

bool ReadVersion(Reader& r, CodeSystemVersion& v) {
  uint8_t system = 0;
  uint8_t name_size = 0;
  std::span<const uint8_t> name;
  std::span<const uint8_t> sha;
  uint32_t count = 0;
  if (!r.U8(system, "code system") || !r.U8(name_size, "name size") ||
      !r.Bytes(name_size, name, "name") || !r.I32(v.from, "from") || !r.I32(v.until, "until") ||
      !r.Bytes(kHashBytes, sha, "source SHA-256") || !r.U32(count, "code count")) {
    return false;
  }
  v.system = static_cast<CodeSystem>(system);  // CheckVersion rejects unknown systems
  v.name = AsText(name);
  std::copy(sha.begin(), sha.end(), v.source_sha256.begin());
  return ReadCodes(r, v, count) && ReadBillable(r, v, count) && ReadTitles(r, v, count);
}

}  // namespace

std::vector<uint8_t> SerializeTerminology(const Terminology& terminology) {
  std::vector<uint8_t> out;
  size_t estimate = kHeaderBytes + kHashBytes;
  for (const CodeSystemVersion& v : terminology.versions())
    estimate += 4 * v.size() + v.titles.size();
  out.reserve(estimate);
  Writer w(out);
  w.Bytes(std::span<const uint8_t>(kMagic));
  w.U32(kTerminologyFormatVersion);
  w.U32(static_cast<uint32_t>(terminology.versions().size()));
  for (const CodeSystemVersion& v : terminology.versions())
    WriteVersion(w, v);
  const Sha256Digest digest = Sha256(std::span<const uint8_t>(out));
  w.Bytes(std::span<const uint8_t>(digest));
  return out;
}

TerminologyDecode DeserializeTerminology(std::span<const uint8_t> bytes) {
  TerminologyDecode result;
  if (bytes.size() < kHeaderBytes + kHashBytes) {
    result.error = fmt::format("not a terminology file: {} bytes is too short", bytes.size());
    return result;
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    result.error = "not a terminology file: bad magic (expected \"WTRM\")";
    return result;
  }
  const std::span<const uint8_t> body = bytes.first(bytes.size() - kHashBytes);
  const Sha256Digest digest = Sha256(body);
  if (!std::equal(digest.begin(), digest.end(), bytes.end() - kHashBytes)) {
    result.error = "corrupt terminology: the SHA-256 at its end does not match its contents";
    return result;
  }
  Reader r(body);
  std::span<const uint8_t> magic;
  uint32_t format = 0;
  uint32_t count = 0;
  r.Bytes(kMagic.size(), magic, "magic");
  if (!r.U32(format, "format version"))
    return {{}, r.error()};
  if (format != kTerminologyFormatVersion) {
    result.error =
        fmt::format("terminology format version {} is not supported (this build reads {})", format,
                    kTerminologyFormatVersion);
    return result;
  }
  if (!r.U32(count, "version count"))
    return {{}, r.error()};
  for (uint32_t i = 0; i < count; ++i) {
    CodeSystemVersion v;
    if (!ReadVersion(r, v))
      return {{}, r.error()};
    // Serialization writes the versions in the Terminology's order (system, then from); any
    // other order would be a second encoding of the same terminology.
    const std::span<const CodeSystemVersion> held = result.terminology.versions();
    if (!held.empty() &&
        std::pair{v.system, v.from} <= std::pair{held.back().system, held.back().from}) {
      return {{}, fmt::format("corrupt terminology: version {} ({}) is out of order", i, v.name)};
    }
    if (std::optional<std::string> error = result.terminology.Add(std::move(v))) {
      return {{}, fmt::format("corrupt terminology: version {}: {}", i, *error)};
    }
  }
  if (r.remaining() != 0) {
    return {{},
            fmt::format("corrupt terminology: {} unexpected bytes after the last version",
                        r.remaining())};
  }
  return result;
}

}  // namespace warrant
