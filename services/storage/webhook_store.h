// Webhooks of an exchange (or of one of its organizations), and their
// delivery state. The secret is made here (256 random bits, libsodium) and
// shown once, at creation; the server keeps it to sign each call.
//
//   WebhookStore hooks(db);
//   auto made = hooks.Create(hook, now);                 // made->secret shown once
//   auto due = hooks.ClaimDue(now, absl::Seconds(30));   // leased for delivery
//   hooks.Delivered(due[0], last_seq, now);  /  hooks.Failed(due[0], error, now);
#ifndef KOKEMUS_SERVICES_STORAGE_WEBHOOK_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_WEBHOOK_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct Webhook {
  std::string exchange_id;
  std::string id;
  std::string organization_id;  // "" : the whole exchange's events
  std::string url;
  std::string secret;  // only from Create and ClaimDue
  int64_t cursor = 0;  // the last event delivered
  int failures = 0;    // failed calls in a row
  absl::Time next_try = absl::UnixEpoch();
  std::string last_error;
  absl::Time last_delivery = absl::UnixEpoch();
  absl::Time create_time = absl::UnixEpoch();
};

class WebhookStore final {
 public:
  explicit WebhookStore(Database& db);

  // Validates the URL and the organization, makes the id and the secret;
  // the webhook starts after the last event so far.
  absl::StatusOr<Webhook> Create(Webhook hook, absl::Time now);
  // The exchange's webhooks (without their secrets); `organization_id` ""
  // for all, else that organization's only.
  absl::StatusOr<std::vector<Webhook>> List(
      const std::string& exchange_id, const std::string& organization_id);
  absl::StatusOr<Webhook> Get(const std::string& exchange_id, const std::string& id);
  absl::Status Delete(const std::string& exchange_id, const std::string& id);

  // Leases the webhooks due at `now` for `lease` (another replica skips
  // them), with their secrets.
  absl::StatusOr<std::vector<Webhook>> ClaimDue(absl::Time now, absl::Duration lease);
  // Delivered up to event `cursor`: due again at once (more may wait).
  absl::Status Delivered(const Webhook& hook, int64_t cursor, absl::Time now);
  // Nothing new to deliver: looked at again after `poll`.
  absl::Status Idle(const Webhook& hook, absl::Time next_try);
  // A failed call: tried again after domain::RetryDelay(failures).
  absl::Status Failed(const Webhook& hook, const std::string& error, absl::Time now);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_WEBHOOK_STORE_H_
