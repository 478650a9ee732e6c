// meta.config_sha256 through OpenSSL's libcrypto (architecture doc, Decisions).
#include "sim/report/report.hpp"

#include <openssl/evp.h>

#include <cstdio>

namespace iosim
{

std::string sha256_hex(const std::string& data)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

} // namespace iosim
