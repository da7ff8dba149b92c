// Bearer-token authentication for the service: the token comes from a file (never the command
// line, where `ps` would show it), and a request's token is compared in constant time.
//
// Both tokens are hashed (SHA-256) and the digests compared with CRYPTO_memcmp, so the time taken
// depends neither on where the tokens differ nor on their lengths.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace warrant::service {

using TokenDigest = std::array<uint8_t, 32>;

// The token of `path`: its first line without surrounding blanks. False with `problem` set when
// the file cannot be read or holds no token. `warning` is set when the file is readable by
// others than its owner.
bool LoadToken(const std::string& path, TokenDigest& digest, std::string& problem,
               std::string& warning);

// Whether an Authorization header value is "Bearer <the token>".
bool Authorized(std::string_view authorization, const TokenDigest& token);

}  // namespace warrant::service
