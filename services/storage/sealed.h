// Personal identity codes sealed at rest (issue 20): XChaCha20-Poly1305
// (libsodium's crypto_aead_xchacha20poly1305_ietf) with a random nonce, under
// the key the server derives from its key pepper (KeyStore::IdentityCodeKey),
// bound to the expert's resource name as associated data so that a sealed
// value copied to another row does not open. Stored as "v1." and base64 of
// the nonce and the ciphertext.
//
//   auto sealed = SealIdentityCode(db.identity_key(), "131052-308T", "exchanges/ph/experts/aino");
//   auto code = OpenIdentityCode(db.identity_key(), *sealed, "exchanges/ph/experts/aino");
#ifndef KOKEMUS_SERVICES_STORAGE_SEALED_H_
#define KOKEMUS_SERVICES_STORAGE_SEALED_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kokemus::storage {

// FAILED_PRECONDITION when the server has no key (it never stores a code in
// the clear).
absl::StatusOr<std::string> SealIdentityCode(
    absl::string_view key, absl::string_view code, absl::string_view bound_to);
// INTERNAL when the value does not open with this key for this resource
// (damaged, moved, or sealed under another pepper); the message names no code.
absl::StatusOr<std::string> OpenIdentityCode(
    absl::string_view key, absl::string_view sealed, absl::string_view bound_to);

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_SEALED_H_
