// SHA-256 and HMAC-SHA256 as lowercase hex, from OpenSSL (already a
// dependency of gRPC).
//
//   Sha256Hex("abc") ==
//       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
//   HmacSha256Hex("key", "The quick brown fox jumps over the lazy dog") ==
//       "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
#ifndef KOKEMUS_SERVICES_DOMAIN_DIGEST_H_
#define KOKEMUS_SERVICES_DOMAIN_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kokemus::domain {

std::string Sha256Hex(absl::string_view data);
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_DIGEST_H_
