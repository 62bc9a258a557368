// The outbox: messages written in the transaction of the event that makes
// them (so a committed event always has its messages), claimed by a delivery
// worker for a lease, and marked SENT, retried later, or DEAD after
// domain::kMaxDeliveryAttempts. A worker that dies mid-delivery leaves the
// lease to run out: the message goes again (same Message-ID), never lost.
// Time-based messages (reminders, expiring keys) are made by EnqueueScheduled,
// once each (a dedupe key), also when two replicas run it at once.
//
//   // inside the offer's db.Write:
//   OutboxStore::EnqueueChange(sql, AssignmentState::kUnspecified, offer, order, now);
//   // the worker:
//   for (OutboxMessage& m : *outbox.ClaimDue(now, absl::Minutes(2), 50)) { ...send...;
//     outbox.MarkSent(m.id, now); }
#ifndef KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/earnings.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"
#include "services/storage/page.h"

namespace kokemus::storage {

struct OutboxMessage {
  std::string id;
  std::string exchange_id;
  std::string kind;            // domain::MessageKindName
  std::string resource;        // what it is about: an assignment's or a key's name
  std::string recipient_kind;  // domain::RecipientName
  std::string channel;         // EMAIL or SMS
  std::string recipient;       // an e-mail address or a phone number
  std::string sender_name;
  std::string reply_to;
  std::string language;
  std::string subject;
  std::string body;
  std::string attachment;  // an .ics calendar entry ("" : none)
  std::string state;       // PENDING, SENT or DEAD
  int attempts = 0;
  absl::Time not_before = absl::UnixEpoch();
  std::string last_error;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time sent_time = absl::UnixEpoch();
  // Whom the body's sign-in link signs in ("exchanges/x/experts/y" or
  // ".../organizations/y"); "" : the body has no link.
  std::string link_for;
  // The exchange's own From address ("" : the server's --smtp_from).
  std::string sender_address;
};

// The filter fields of ListMessages: state, kind, recipient_kind, resource.
const std::vector<domain::FilterField>& MessageFilterFields();

class OutboxStore final {
 public:
  explicit OutboxStore(Database& db) : db_(db) {}

  // Inside the write transaction of an assignment's move from `from` to its
  // state: its event (EventStore) and the messages the move makes (domain::MessagesForChange), each
  // in its recipient's language, not before quiet hours end unless urgent, a calendar entry with a
  // confirmation and its cancellation. Nothing for a recipient without an address, or a
  // non-essential message to an expert who wants only essential ones.
  static absl::Status EnqueueChange(
      soci::session& sql, domain::AssignmentState from, const domain::Assignment& assignment,
      const domain::Order& order, absl::Time now);
  // Tells the coordinator that an order's offer rounds ended with places
  // open (or, `pool`, that a pool closed and she picks from it), in the
  // caller's transaction.
  static absl::Status EnqueueRoundsEnded(
      soci::session& sql, const domain::Order& order, bool pool, absl::Time now);
  // Inside an accept's transaction when it takes the expert's pay in its
  // payment month (or year) across 80 % of her limit (domain::CheckEarnings):
  // she and the coordinator are told, once per expert and period.
  static absl::Status EnqueueEarningsWarning(
      soci::session& sql, const domain::Assignment& assignment, const domain::Order& order,
      const domain::EarningsCheck& check, absl::Time now);
  // Inside the transaction that makes an assignment's contract: its event,
  // and the expert is asked to accept it.
  static absl::Status EnqueueContractReady(
      soci::session& sql, const domain::Assignment& assignment, const domain::Order& order,
      absl::Time now);

  // Queues a sign-in link (SIGN_IN_LINK, urgent) to every expert and every
  // organization's contact person whose address is `email`, in any
  // exchange, unless the address already asked
  // domain::kLinkRequestsPerAddressPerHour times in the last hour. OK
  // whether or not anyone has the address: the asker learns nothing.
  absl::Status RequestSignInLink(absl::string_view email, absl::Time now);

  // Makes the time-based messages due at `now`, each once: task reminders,
  // reminders of offers about to lapse, warnings of keys about to expire (the
  // exchange's settings). At most `limit` per call; the count made.
  absl::StatusOr<int> EnqueueScheduled(absl::Time now, int limit = 500);

  // Leases up to `limit` messages that are due at `now` for `lease`; during
  // an exchange's quiet hours only its urgent ones.
  absl::StatusOr<std::vector<OutboxMessage>> ClaimDue(
      absl::Time now, absl::Duration lease, int limit);
  absl::Status MarkSent(const std::string& id, absl::Time now);
  // Counts a failed try: retried after domain::RetryDelay, or DEAD.
  absl::Status MarkFailed(const std::string& id, const std::string& error, absl::Time now);
  // The outcomes of a batch of tries in one transaction: an empty error is
  // sent, any other a failed try (as MarkSent and MarkFailed).
  struct Outcome {
    std::string id;
    std::string error;
  };
  absl::Status MarkOutcomes(const std::vector<Outcome>& outcomes, absl::Time now);

  // The exchange's messages, newest first.
  absl::StatusOr<Page<OutboxMessage>> List(
      const std::string& exchange_id, const domain::ListQuery& query);
  absl::StatusOr<OutboxMessage> Get(const std::string& exchange_id, const std::string& id);
  // A new copy of the message, to go out now (quiet hours aside); the
  // original stays as it was.
  absl::StatusOr<OutboxMessage> Resend(
      const std::string& exchange_id, const std::string& id, absl::Time now);

  // The exchange's reminder settings (the defaults until set) and their revision.
  absl::StatusOr<domain::NotificationSettings> GetSettings(
      const std::string& exchange_id, int64_t* revision = nullptr);
  absl::StatusOr<domain::NotificationSettings> UpdateSettings(
      const std::string& exchange_id, const domain::NotificationSettings& settings,
      int64_t expected_revision, absl::Time now, int64_t* revision = nullptr);  // -1: any

 private:
  // The notices of credentials that stop counting within 30 days
  // (domain::LapsingCredentials) for one exchange's experts and its
  // coordinator, once per credential and last day; the count written.
  absl::StatusOr<int> EnqueueCredentialNotices(
      soci::session& sql, const std::string& exchange_id, absl::Time now, int limit);

  Database& db_;
  // The credential sweep reads every expert who holds one: hourly, once it
  // went through every exchange (a batch cut short goes on in the next).
  std::mutex sweep_mu_;
  absl::Time next_credential_sweep_ = absl::InfinitePast();
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_OUTBOX_STORE_H_
