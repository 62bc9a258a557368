// API keys for machine callers and coordinators. A key is
// "kok_{id}_{secret}": the id finds the row, the 256-bit random secret is
// checked against a keyed BLAKE2b hash (libsodium crypto_generichash with the
// server's pepper) in constant time. The secret is never stored or logged;
// the whole key is returned once, at creation. Missing, unknown, expired and
// revoked keys all fail the same way.
//
//   KeyStore keys(db, pepper);
//   auto made = keys.Create(key, absl::Now());      // made->plaintext shown once
//   auto who = keys.Authenticate(made->plaintext, absl::Now());
#ifndef KOKEMUS_SERVICES_STORAGE_KEY_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_KEY_STORE_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/access.h"
#include "services/storage/database.h"
#include "services/storage/page.h"

namespace kokemus::storage {

struct ApiKey {
  std::string id;
  std::string display_name;
  domain::Principal principal;  // role and scope (principal.key_id == id)
  absl::Time create_time = absl::UnixEpoch();
  absl::Time expire_time = absl::UnixEpoch();
  absl::Time revoke_time = absl::UnixEpoch();  // UnixEpoch: not revoked
  std::string created_by;                      // the key id that made it ("" for the bootstrap key)
  // A session key of the self-service pages ends when unused this long;
  // zero for an API key.
  absl::Duration idle_timeout = absl::ZeroDuration();
  absl::Time last_used_time = absl::UnixEpoch();  // of a session key
  std::string created_by_exchange_id;             // that key's exchange ("" : national)
};

// Which keys a list reads: one exchange's, the national ones, or every key.
struct KeyScope {
  enum class Kind { kExchange, kNational, kEvery };
  Kind kind = Kind::kExchange;
  std::string exchange_id;  // for kExchange
};

struct CreatedKey {
  ApiKey key;
  std::string plaintext;  // "kok_{id}_{secret}"; not kept anywhere
};

class KeyStore final {
 public:
  // `pepper`: 32 bytes from the operator's secret file, or empty to use (and
  // on first use make) one kept in the database's server_secrets.
  KeyStore(Database& db, std::string pepper);

  // INVALID_ARGUMENT naming each field domain::ValidateNewKey refuses;
  // NOT_FOUND for a scope (exchange, organization, expert) that doesn't exist.
  absl::StatusOr<CreatedKey> Create(ApiKey key, absl::Time now);
  // The key's principal, or UNAUTHENTICATED "invalid API key" for anything
  // else (malformed, unknown, wrong secret, expired, revoked, a session key
  // idle too long). A session key's use is recorded (at most once a minute).
  // `expire_time`, when given, receives the key's expiry.
  absl::StatusOr<domain::Principal> Authenticate(
      absl::string_view plaintext, absl::Time now, absl::Time* expire_time = nullptr);
  // NOT_FOUND "apiKeys/{id} not found" for an unknown id.
  absl::StatusOr<ApiKey> Get(const std::string& id);
  absl::StatusOr<ApiKey> Revoke(const std::string& id, absl::Time now);
  // A page of the scope's keys by id, after `query.after_id`; never the
  // secrets.
  absl::StatusOr<Page<ApiKey>> List(const KeyScope& scope, const domain::ListQuery& query);

  // The audit chain's sealing key, derived from the pepper (HMAC-SHA256 of
  // a fixed label): outside the database when the pepper is.
  absl::StatusOr<std::string> AuditKey();
  // The 32-byte key that seals personal identity codes, derived from the
  // pepper the same way with its own label.
  absl::StatusOr<std::string> IdentityCodeKey();

 private:
  // The pepper, loaded (or made) from the database on first use when none
  // was configured. Concurrent callers share one load.
  absl::StatusOr<std::string> Pepper();

  Database& db_;
  std::mutex pepper_mu_;
  std::string pepper_;  // guarded by pepper_mu_
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_KEY_STORE_H_
