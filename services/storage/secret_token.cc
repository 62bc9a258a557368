#include "services/storage/secret_token.h"

#include <sodium.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/domain/validation.h"

namespace kokemus::storage {
namespace {

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no secure random numbers: nothing safe to do
}

}  // namespace

std::string NewSecret() {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string secret(
      sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(
      secret.data(), secret.size(), bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  secret.resize(secret.size() - 1);  // the terminating NUL
  sodium_memzero(bytes, sizeof bytes);
  return secret;
}

std::string NewShortCode() {
  InitSodium();
  // No 0/o, 1/l/i: read off a slide and typed on a phone.
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string code(kShortCodeLength, ' ');
  for (char& c : code) c = kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return code;
}

std::string SecretHash(absl::string_view secret) {
  InitSodium();
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(
      out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
      nullptr, 0);
  std::string hex(sizeof out * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, sizeof out);
  hex.resize(sizeof out * 2);
  return hex;
}

bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<domain::Principal> PersonOf(const std::string& name, absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() == 4 && parts[0] == "exchanges" && !parts[1].empty() && !parts[3].empty()) {
    domain::Principal p;
    p.exchange_id = parts[1];
    if (parts[2] == "experts") {
      p.role = domain::AccessRole::kExpert;
      p.expert_id = parts[3];
      return p;
    }
    if (parts[2] == "organizations") {
      p.role = domain::AccessRole::kOrdererSystem;
      p.organization_id = parts[3];
      return p;
    }
  }
  return domain::InvalidField(
      std::string(field), absl::StrCat("\"", name, "\" is not an expert or an organization"));
}

}  // namespace kokemus::storage
