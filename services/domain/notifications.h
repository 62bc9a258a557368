// What Kokemus tells people, decided as pure functions: which message an
// event makes, in which language, with what text, and when it may go out
// (quiet hours, retries). Storage writes the messages to the outbox in the
// transaction of the event; the outbox worker delivers them.
//
//   OfferNotice notice{...};                       // facts read in the offer's transaction
//   absl::StatusOr<MessageText> text = ComposeOfferMade(notice);
//   absl::Time when = NextSendTime(now, /*urgent=*/false);   // 08:00 if it is night
//
// No message holds health-related data: never an expert's experience areas,
// an order's notes or anything about the audience's clientele; the texts
// carry time, place, role, topic, the orderer and whom to answer.
#ifndef KOKEMUS_SERVICES_DOMAIN_NOTIFICATIONS_H_
#define KOKEMUS_SERVICES_DOMAIN_NOTIFICATIONS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// The kinds of messages, stored by name in the outbox.
enum class MessageKind {
  kUnspecified = 0,
  kOfferMade = 1,            // to the expert: an offer to answer before its deadline
  kOfferWithdrawn = 2,       // to the expert: the places were filled or the order cancelled
  kAssignmentCancelled = 3,  // to the expert: a task she held is off (urgent)
};
absl::string_view MessageKindName(MessageKind kind);  // "OFFER_MADE"

// Urgent messages go out during quiet hours too.
bool IsUrgent(MessageKind kind);

// The message an assignment's move from `from` to `to` makes for its expert,
// if any: a new offer (from UNSPECIFIED), a withdrawn offer, a cancelled
// accepted or confirmed task.
std::optional<MessageKind> MessageForChange(AssignmentState from, AssignmentState to);

// Delivery: at most this many tries, then the message is DEAD (kept, shown
// to the coordinator, not tried again).
inline constexpr int kMaxDeliveryAttempts = 8;

// Quiet hours in Helsinki time: non-urgent messages wait until their end.
inline constexpr int kQuietFromHour = 21;
inline constexpr int kQuietUntilHour = 8;

// The facts an offer message states, read in the offer's transaction.
struct OfferNotice {
  std::string language;       // fi, sv or en (MessageLanguage)
  std::string exchange_name;  // the sender's name
  std::string reply_to;       // the exchange's contact e-mail ("" : none)
  std::string orderer_name;
  Role role = Role::kUnspecified;
  std::string topic;
  absl::Time start_time = absl::UnixEpoch();
  int duration_minutes = 0;
  bool remote = false;
  std::string address;
  std::string municipality;  // a code; its name is shown
  absl::Time offer_deadline = absl::UnixEpoch();
  int64_t total_cents = 0;  // for a cancelled task: what is still paid
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
};

struct MessageText {
  std::string subject;  // one line
  std::string body;     // plain text, short lines, ends with a newline
};

// The language of a person's messages: the first of the expert's languages
// that Kokemus writes (fi, sv, en), else the exchange's default, else fi.
std::string MessageLanguage(const Expert& expert, const Exchange& exchange);

// The message of `kind` in the notice's language.
absl::StatusOr<MessageText> ComposeMessage(MessageKind kind, const OfferNotice& notice);
inline absl::StatusOr<MessageText> ComposeOfferMade(const OfferNotice& notice) {
  return ComposeMessage(MessageKind::kOfferMade, notice);
}

// When a message made at `now` may go out: now, or for a non-urgent message
// during quiet hours, their end (08:00 Helsinki time).
absl::Time NextSendTime(absl::Time now, bool urgent);

// How long to wait after the `attempts`-th failed try: 1 minute, doubling,
// at most an hour.
absl::Duration RetryDelay(int attempts);
// When a message whose `attempts`-th try failed at `now` is tried again;
// nullopt after kMaxDeliveryAttempts: it is DEAD.
std::optional<absl::Time> NextTryAfterFailure(int attempts, absl::Time now);

// The Message-ID of an outbox message: stable, so a repeat after a crash is
// folded by mail clients.
std::string MessageIdFor(absl::string_view outbox_id);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_NOTIFICATIONS_H_
