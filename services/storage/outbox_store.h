// The outbox: messages written in the transaction of the event that makes
// them (so a committed event always has its messages), claimed by a delivery
// worker for a lease, and marked SENT, retried later, or DEAD after
// domain::kMaxDeliveryAttempts. A worker that dies mid-delivery leaves the
// lease to run out: the message goes again (same Message-ID), never lost.
//
//   // inside the offer's db.Write:
//   OutboxStore::EnqueueChange(sql, AssignmentState::kUnspecified, offer, order, now);
//   // the worker:
//   for (OutboxMessage& m : *outbox.ClaimDue(now, absl::Minutes(2), 50)) { ...send...;
//     outbox.MarkSent(m.id, now); }
#ifndef KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct OutboxMessage {
  std::string id;
  std::string exchange_id;
  std::string kind;       // domain::MessageKindName
  std::string resource;   // what it is about: an assignment's name
  std::string recipient;  // an e-mail address
  std::string sender_name;
  std::string reply_to;
  std::string language;
  std::string subject;
  std::string body;
  std::string state;  // PENDING, SENT or DEAD
  int attempts = 0;
  absl::Time not_before = absl::UnixEpoch();
  std::string last_error;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time sent_time = absl::UnixEpoch();
};

class OutboxStore final {
 public:
  explicit OutboxStore(Database& db) : db_(db) {}

  // Inside the write transaction of an assignment's move from `from` to its
  // state: the message the move makes for its expert (domain::
  // MessageForChange), in her language, not before quiet hours end unless
  // urgent. Nothing for a move without a message or an expert without an
  // e-mail address.
  static absl::Status EnqueueChange(
      soci::session& sql, domain::AssignmentState from, const domain::Assignment& assignment,
      const domain::Order& order, absl::Time now);

  // Leases up to `limit` messages that are due at `now` for `lease`; during
  // quiet hours (`urgent_only`) only urgent ones.
  absl::StatusOr<std::vector<OutboxMessage>> ClaimDue(
      absl::Time now, absl::Duration lease, int limit, bool urgent_only = false);
  absl::Status MarkSent(const std::string& id, absl::Time now);
  // Counts a failed try: retried after domain::RetryDelay, or DEAD.
  absl::Status MarkFailed(const std::string& id, const std::string& error, absl::Time now);

  // The exchange's messages, newest first.
  absl::StatusOr<std::vector<OutboxMessage>> List(const std::string& exchange_id, int limit);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_
