#include "runtime/history/line_blob.h"

#include <algorithm>
#include <cstdint>

namespace warrant {
namespace {

constexpr uint8_t kAllKnown = PackedLine::kCode | PackedLine::kDate | PackedLine::kDx |
                              PackedLine::kModifiers | PackedLine::kCharge | PackedLine::kAllowed;

// Flags of the `known` byte that say a field is the line before's and is not written again: a
// claim's lines carry the claim's diagnoses and mostly one status, so a claim of three lines
// would otherwise store its diagnoses three times (a quarter of a run's bytes, docs/history.md).
constexpr uint8_t kSameStatus = 0x40;
constexpr uint8_t kSameDx = 0x80;

// Writes go through a pointer into space reserved for the worst case: a claim's row is packed
// for every claim a run decides.
constexpr size_t kMaxVarint = 10;

char* PutVarint(uint64_t v, char* out) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

// Line numbers, units, days and amounts are signed: zigzag keeps small negatives small.
char* PutSigned(int64_t v, char* out) {
  return PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

// A packed code has its system in the top byte: 8 bytes, little-endian, whatever its value.
char* PutCode(uint64_t code, char* out) {
  for (int i = 0; i < 8; ++i)
    *out++ = static_cast<char>(code >> (8 * i));
  return out;
}

char* PutCodes(std::span<const uint64_t> codes, char* out) {
  out = PutVarint(codes.size(), out);
  for (uint64_t c : codes)
    out = PutCode(c, out);
  return out;
}

struct Cursor {
  const char* p;
  const char* end;

  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        return false;
      const auto byte = static_cast<uint8_t>(*p++);
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0)
        return true;
    }
    return false;
  }

  bool Signed(int64_t& v) {
    uint64_t z;
    if (!Varint(z))
      return false;
    v = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
    return true;
  }

  bool Text(PackedLines& out, Range& r) {
    uint64_t n;
    if (!Varint(n) || n > static_cast<uint64_t>(end - p))
      return false;
    r = out.AddText(std::string_view(p, static_cast<size_t>(n)));
    p += n;
    return true;
  }

  bool Codes(PackedLines& out, Range& r) {
    uint64_t n;
    // A count past the blob is damage, not a size to allocate.
    if (!Varint(n) || n > static_cast<uint64_t>(end - p) / 8)
      return false;
    r = {static_cast<uint32_t>(out.codes.size()), static_cast<uint32_t>(n)};
    out.codes.resize(out.codes.size() + n);
    for (uint64_t* to = out.codes.data() + r.begin; n-- > 0;)
      *to++ = FixedCode();
    return true;
  }

  // The caller has checked that 8 bytes are left.
  uint64_t FixedCode() {
    uint64_t code = 0;
    for (int b = 0; b < 8; ++b)
      code |= uint64_t{static_cast<uint8_t>(p[b])} << (8 * b);
    p += 8;
    return code;
  }

  bool Code(uint64_t& code) {
    if (end - p < 8)
      return false;
    code = FixedCode();
    return true;
  }
};

}  // namespace

void PackLines(const PackedLines& lines, std::string& out) {
  size_t bound = 0;
  for (const PackedLine& l : lines.lines) {
    bound += 1 + 8 * kMaxVarint + l.status.count + 8 * (1 + l.dx.count + l.modifiers.count);
  }
  const size_t at = out.size();
  out.resize(at + bound);
  char* p = out.data() + at;
  const PackedLine* before = nullptr;
  for (const PackedLine& l : lines.lines) {
    const std::string_view status = lines.Text(l.status);
    // The same range is the same text or codes (lines described from a claim share them).
    const bool same_status =
        before != nullptr && (before->status == l.status || lines.Text(before->status) == status);
    const bool same_dx =
        before != nullptr && l.Has(PackedLine::kDx) && before->Has(PackedLine::kDx) &&
        (before->dx == l.dx || std::ranges::equal(lines.Codes(before->dx), lines.Codes(l.dx)));
    *p++ = static_cast<char>(l.known | (same_status ? kSameStatus : 0) | (same_dx ? kSameDx : 0));
    p = PutSigned(l.line, p);
    if (l.Has(PackedLine::kCode))
      p = PutCode(l.code, p);
    if (l.Has(PackedLine::kDate))
      p = PutSigned(l.date, p);
    if (!same_status) {
      p = PutVarint(status.size(), p);
      p = std::copy(status.begin(), status.end(), p);
    }
    if (l.Has(PackedLine::kDx) && !same_dx)
      p = PutCodes(lines.Codes(l.dx), p);
    if (l.Has(PackedLine::kModifiers))
      p = PutCodes(lines.Codes(l.modifiers), p);
    p = PutSigned(l.units, p);
    if (l.Has(PackedLine::kCharge))
      p = PutSigned(l.charge, p);
    if (l.Has(PackedLine::kAllowed))
      p = PutSigned(l.allowed, p);
    before = &l;
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

bool UnpackLines(std::string_view blob, std::string_view claim, PackedLines& out) {
  Cursor in{blob.data(), blob.data() + blob.size()};
  const Range claim_text = out.AddText(claim);
  const size_t first = out.lines.size();
  while (in.p != in.end) {
    PackedLine& l = out.lines.emplace_back();
    l.claim = claim_text;
    const auto flags = static_cast<uint8_t>(*in.p++);
    l.known = flags & kAllKnown;
    // A field that is the line before's needs a line before, and a dx list known on both.
    const PackedLine* before = out.lines.size() > first + 1 ? &out.lines.end()[-2] : nullptr;
    const bool same_status = (flags & kSameStatus) != 0;
    const bool same_dx = (flags & kSameDx) != 0;
    if ((same_status || same_dx) && before == nullptr)
      return false;
    if (same_dx && (!l.Has(PackedLine::kDx) || !before->Has(PackedLine::kDx)))
      return false;
    if (!in.Signed(l.line))
      return false;
    if (l.Has(PackedLine::kCode) && !in.Code(l.code))
      return false;
    if (l.Has(PackedLine::kDate)) {
      int64_t day;
      if (!in.Signed(day) || day < kMinDay || day > kMaxDay)
        return false;
      l.date = static_cast<Day>(day);
    }
    if (same_status)
      l.status = before->status;  // the same text, not a copy of it
    else if (!in.Text(out, l.status))
      return false;
    if (same_dx)
      l.dx = before->dx;
    else if (l.Has(PackedLine::kDx) && !in.Codes(out, l.dx))
      return false;
    if (l.Has(PackedLine::kModifiers) && !in.Codes(out, l.modifiers))
      return false;
    if (!in.Signed(l.units))
      return false;
    if (l.Has(PackedLine::kCharge) && !in.Signed(l.charge))
      return false;
    if (l.Has(PackedLine::kAllowed) && !in.Signed(l.allowed))
      return false;
  }
  return true;
}

}  // namespace warrant
