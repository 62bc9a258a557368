// The secrets of sign-in links, calendar feeds and webhooks: 256 random bits
// (libsodium) as URL-safe base64, their BLAKE2b hash as hex (what is kept),
// and the person a token is for.
#ifndef KOKEMUS_SERVICES_STORAGE_SECRET_TOKEN_H_
#define KOKEMUS_SERVICES_STORAGE_SECRET_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/access.h"

namespace kokemus::storage {

// 43 characters of URL-safe base64 (32 random bytes).
std::string NewSecret();
// A task survey's short code: 10 of 31 letters and digits that are not
// mistaken for each other (about 50 bits): enough against guessing behind a
// rate limit, short enough to type from a slide.
inline constexpr int kShortCodeLength = 10;
std::string NewShortCode();
// 64 hex characters; compare with sodium_memcmp.
std::string SecretHash(absl::string_view secret);
// Whether two hashes are equal, in constant time.
bool SameHash(const std::string& a, const std::string& b);

// "exchanges/x/experts/y" -> the expert; ".../organizations/y" -> its
// orderer role. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<domain::Principal> PersonOf(const std::string& name, absl::string_view field);

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_SECRET_TOKEN_H_
