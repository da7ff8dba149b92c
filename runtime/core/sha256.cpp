#include "runtime/core/sha256.h"

// The digest functions themselves (SHA256_Init and the rest), not EVP_Digest: OpenSSL 3 marks
// them deprecated but keeps them, and they run the same assembly (SHA extensions where the CPU
// has them). EVP's first use sets up the provider machinery, about 1.5 ms of every process that
// reads a pack; these need none of it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace warrant {

Sha256Digest Sha256(std::span<const uint8_t> bytes) {
  Sha256Digest digest{};
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, bytes.data(), bytes.size());
  SHA256_Final(digest.data(), &context);
  return digest;
}

Sha256Digest Sha256(std::string_view text) {
  return Sha256(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string HexDigest(const Sha256Digest& digest) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace warrant
