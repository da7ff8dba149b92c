// SHA-256 of a byte string, through OpenSSL's libcrypto (a reviewed implementation; Debian's
// libssl-dev). Used for pack content hashes and source and terminology fingerprints.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace warrant {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::span<const uint8_t> bytes);
Sha256Digest Sha256(std::string_view text);
// Lowercase hex, 64 characters.
std::string HexDigest(const Sha256Digest& digest);

}  // namespace warrant
