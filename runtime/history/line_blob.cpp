#include "runtime/history/line_blob.h"

#include <cstdint>
#include <optional>

namespace warrant {
namespace {

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// Units and line numbers are signed in the interface: zigzag keeps small negatives small.
void PutSigned(int64_t v, std::string& out) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

void PutText(std::string_view text, std::string& out) {
  PutVarint(text.size(), out);
  out += text;
}

// 0: unknown (nullopt); else the count plus one, then the codes.
void PutCodes(const std::optional<std::vector<std::string>>& codes, std::string& out) {
  if (!codes) {
    PutVarint(0, out);
    return;
  }
  PutVarint(codes->size() + 1, out);
  for (const std::string& c : *codes)
    PutText(c, out);
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

  bool Text(std::string& out) {
    uint64_t n;
    if (!Varint(n) || n > static_cast<uint64_t>(end - p))
      return false;
    out.assign(p, static_cast<size_t>(n));
    p += n;
    return true;
  }

  bool Codes(std::optional<std::vector<std::string>>& out) {
    uint64_t n;
    if (!Varint(n))
      return false;
    if (n == 0) {
      out.reset();
      return true;
    }
    // Every code takes at least its length byte: a count past the blob is damage, not a size to
    // allocate.
    if (n - 1 > static_cast<uint64_t>(end - p))
      return false;
    out.emplace().resize(static_cast<size_t>(n - 1));
    for (std::string& code : *out) {
      if (!Text(code))
        return false;
    }
    return true;
  }
};

}  // namespace

void PackLines(std::span<const HistoryLine> lines, std::string& out) {
  for (const HistoryLine& l : lines) {
    PutSigned(l.line, out);
    PutText(l.code, out);
    PutText(l.date, out);
    PutText(l.status, out);
    PutCodes(l.dx, out);
    PutCodes(l.modifiers, out);
    PutSigned(l.units, out);
    PutText(l.charge, out);
    PutText(l.allowed, out);
  }
}

bool UnpackLines(std::string_view blob, std::string_view claim, std::vector<HistoryLine>& out) {
  Cursor in{blob.data(), blob.data() + blob.size()};
  while (in.p != in.end) {
    HistoryLine& l = out.emplace_back();
    l.claim = claim;
    if (!in.Signed(l.line) || !in.Text(l.code) || !in.Text(l.date) || !in.Text(l.status) ||
        !in.Codes(l.dx) || !in.Codes(l.modifiers) || !in.Signed(l.units) || !in.Text(l.charge) ||
        !in.Text(l.allowed)) {
      return false;
    }
  }
  return true;
}

}  // namespace warrant
