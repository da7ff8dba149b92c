#include "service/auth.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace warrant::service {
namespace {

TokenDigest Digest(std::string_view text) {
  TokenDigest digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos)
    return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

bool LoadToken(const std::string& path, TokenDigest& digest, std::string& problem,
               std::string& warning) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = fmt::format("cannot read the token file `{}`: {}", path, std::strerror(errno));
    return false;
  }
  std::string line;
  std::getline(in, line);
  const std::string_view token = Trim(line);
  if (token.empty()) {
    problem = fmt::format("the token file `{}` holds no token on its first line", path);
    return false;
  }
  digest = Digest(token);

  struct stat st {};

  if (stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    warning = fmt::format("the token file `{}` is readable by others (chmod 600 it)", path);
  return true;
}

bool Authorized(std::string_view authorization, const TokenDigest& token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size())
    return false;
  // The scheme is case-insensitive (RFC 7235); the token is not.
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return false;
  }
  const TokenDigest given = Digest(Trim(authorization.substr(kScheme.size())));
  return CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

}  // namespace warrant::service
