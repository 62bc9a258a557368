#include "services/storage/sealed.h"

#include <sodium.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kokemus::storage {
namespace {

constexpr absl::string_view kVersion = "v1.";
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::string> SealIdentityCode(
    absl::string_view key, absl::string_view code, absl::string_view bound_to) {
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return absl::FailedPreconditionError(
        "this server has no key for identity codes; start it with its key pepper");
  }
  if (sodium_init() < 0) std::abort();  // no secure random numbers: nothing safe to do
  std::string box(kNonce + code.size() + kTag, '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + kNonce, &written, Bytes(code), code.size(), Bytes(bound_to), bound_to.size(), nullptr,
      out, Bytes(key));
  std::string text(sodium_base64_encoded_len(box.size(), kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), out, box.size(), kBase64);
  text.resize(text.size() - 1);  // the terminating NUL
  return absl::StrCat(kVersion, text);
}

absl::StatusOr<std::string> OpenIdentityCode(
    absl::string_view key, absl::string_view sealed, absl::string_view bound_to) {
  const absl::Status damaged = absl::InternalError(
      absl::StrCat("the identity code of ", bound_to, " does not open with this server's key"));
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
      !absl::StartsWith(sealed, kVersion)) {
    return damaged;
  }
  sealed.remove_prefix(kVersion.size());
  std::string box(sealed.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(
          reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(),
          nullptr, &len, nullptr, kBase64) != 0 ||
      len < kNonce + kTag) {
    return damaged;
  }
  const unsigned char* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string code(len - kNonce - kTag, '\0');
  unsigned long long opened = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(code.data()), &opened, nullptr, in + kNonce,
          len - kNonce, Bytes(bound_to), bound_to.size(), in, Bytes(key)) != 0) {
    return damaged;
  }
  code.resize(opened);
  return code;
}

}  // namespace kokemus::storage
