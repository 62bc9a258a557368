// What Kokemus tells people, decided as pure functions: which message an
// event makes, in which language, with what text, and when it may go out
// (quiet hours, retries). Storage writes the messages to the outbox in the
// transaction of the event; the outbox worker delivers them.
//
//   for (Addressed m : MessagesForChange(from, to, by)) {   // who hears of a move
//     Notice notice{...};                                   // facts read in its transaction
//     absl::StatusOr<MessageText> text = ComposeMessage(m.kind, m.to, notice);
//   }
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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// The kinds of messages, stored by name in the outbox.
enum class MessageKind {
  kUnspecified = 0,
  kOfferMade = 1,            // expert: an offer to answer before its deadline
  kOfferWithdrawn = 2,       // expert: the places were filled or the order cancelled
  kAssignmentCancelled = 3,  // expert, orderer, coordinator: a held task is off (urgent)
  kOfferReminder = 4,        // expert: the offer lapses soon
  kOfferLapsed = 5,          // expert: the offer lapsed unanswered
  kOfferAccepted = 6,        // coordinator: to confirm
  kOfferDeclined = 7,        // coordinator: a place is still free
  kAssignmentConfirmed = 8,  // expert (with a calendar entry) and orderer
  kContractReady = 9,        // expert: a contract to accept
  kTaskReminder = 10,        // expert: the task is near (the exchange's lead times)
  kFeedbackRequest = 11,     // expert and orderer, after the task
  kKeyExpiring = 12,         // coordinator: an API key expires soon
  kSignInLink = 13,          // expert or orderer: the link they asked for (urgent)
  kOfferRoundsEnded = 14,    // coordinator: rounds ended with places open
  kExpertAvailable = 15,     // coordinator: a yes to a pool or backup offer
  kStandingBy = 16,          // expert: the places filled; she stays as a backup
  kPoolClosed = 17,          // coordinator: the pool's time ended; pick from it
  kEarningsNearLimit = 18,   // expert, coordinator: her pay in a payment month passed 80 %
  kCredentialLapsing = 19,   // expert, coordinator: a required credential stops counting soon
};
absl::string_view MessageKindName(MessageKind kind);  // "OFFER_MADE"
// The kind named so (MessageKindName), or kUnspecified.
MessageKind MessageKindFromName(absl::string_view name);

// Whom a message is for.
enum class Recipient {
  kExpert = 0,
  kOrderer = 1,      // the orderer organization's contact person
  kCoordinator = 2,  // the exchange's contact address
};
absl::string_view RecipientName(Recipient recipient);  // "EXPERT"

struct Addressed {
  MessageKind kind = MessageKind::kUnspecified;
  Recipient to = Recipient::kExpert;
  bool operator==(const Addressed&) const = default;
};

// Urgent messages go out during quiet hours too.
bool IsUrgent(MessageKind kind);
// Essential messages are sent even to a person who opted out of the others:
// offers, cancellations, confirmations, contracts, lapsed keys. Reminders and
// feedback requests are not.
bool IsEssential(MessageKind kind);

// The messages an assignment's move from `from` to `to` makes: a new offer
// (from UNSPECIFIED), an answer, a withdrawn or lapsed offer, a confirmation,
// a cancelled accepted or confirmed task (`by` whom decides who else hears of
// it), a completed task's feedback requests; a yes to a pool or backup
// offer, a place offered to a backup, a pool member kept as a backup (from
// AVAILABLE to AVAILABLE with `kind` now BACKUP).
std::vector<Addressed> MessagesForChange(
    AssignmentState from, AssignmentState to, CancelledBy by = CancelledBy::kUnspecified,
    OfferKind kind = OfferKind::kPlace);

// Quiet hours in Helsinki time: non-urgent messages wait until their end.
// From 21 to 8 unless the exchange sets others; equal hours: none.
struct QuietHours {
  int from_hour = 21;
  int until_hour = 8;
  bool operator==(const QuietHours&) const = default;
};

// The lead times of reminders, per exchange.
struct NotificationSettings {
  std::vector<int> task_reminder_hours = {7 * 24, 24};  // before the task; empty: none
  int offer_reminder_hours = 24;                        // before an offer lapses; 0: none
  int key_warning_days = 14;                            // before an API key expires; 0: none
  QuietHours quiet_hours;
  // The From address of the exchange's e-mail ("" : the server's); the mail
  // relay must let the server send as it.
  std::string sender_address;
};
// OK, or INVALID_ARGUMENT naming the field under `prefix`: at most 5
// reminders, each 1..1440 hours, no repeats; offer reminder 0..336 hours; key
// warning 0..90 days; quiet hours 0..23; a sender address that is one.
absl::Status ValidateNotificationSettings(
    const NotificationSettings& settings, absl::string_view prefix);

// The task reminder due at `now` for a task starting at `start` that was last
// changed (confirmed) at `changed`: the lead of the nearest reminder whose
// time has come (start - lead <= now < start), unless the task was confirmed
// after that time (the confirmation said it all). nullopt: none is due.
// A reminder is sent once per lead (the outbox's dedupe key).
std::optional<int> DueTaskReminder(
    absl::Time start, absl::Time changed, const std::vector<int>& lead_hours, absl::Time now);
// Whether the reminder of an offer made at `offered` and lapsing at
// `deadline` is due at `now`: from `lead_hours` before the deadline, if the
// offer was made before that.
bool OfferReminderDue(absl::Time offered, absl::Time deadline, int lead_hours, absl::Time now);
// Whether an API key expiring at `expires` should be warned of at `now`.
bool KeyWarningDue(absl::Time expires, int warning_days, absl::Time now);
// The server logs a key in use this many days before it expires.
inline constexpr int kKeyExpiryLogDays = 7;
// The key that keeps a scheduled message from being made twice.
std::string DedupeKey(MessageKind kind, absl::string_view resource, int lead = 0);

// Delivery: at most this many tries, then the message is DEAD (kept, shown
// to the coordinator, not tried again).
inline constexpr int kMaxDeliveryAttempts = 8;

// The facts a message states, read in the event's transaction. Never
// health-related data: no experience areas, no notes on the clientele.
struct Notice {
  std::string language;       // fi, sv or en (MessageLanguage)
  std::string exchange_name;  // the sender's name
  std::string reply_to;       // the exchange's contact e-mail ("" : none)
  std::string orderer_name;
  std::string expert_name;  // the expert's display name, for the orderer and the coordinator
  Role role = Role::kUnspecified;
  std::string topic;
  absl::Time start_time = absl::UnixEpoch();
  int duration_minutes = 0;
  bool remote = false;
  std::string address;
  std::string municipality;  // a code; its name is shown
  absl::Time offer_deadline = absl::UnixEpoch();
  int64_t total_cents = 0;  // the fee and travel (for a cancelled task: what is still paid)
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
  int lead_hours = 0;    // a reminder's lead time
  std::string key_name;  // an expiring key's display name
  absl::Time key_expire_time = absl::UnixEpoch();
  std::string link;  // a sign-in link to the matter ("" : none)
  // The payment month ("1/2027") or year ("2027") whose pay nears her limit.
  std::string pay_period;
  // A lapsing credential (domain/credentials.h) and its last valid day.
  CredentialKind credential_kind = CredentialKind::kUnspecified;
  CourseKind credential_course = CourseKind::kUnspecified;
  absl::CivilDay credential_last_day;
};

struct MessageText {
  std::string subject;  // one line
  std::string body;     // plain text, short lines, ends with a newline
};

// The language of an expert's messages: her preferred language, else the
// first of her languages that Kokemus writes (fi, sv, en), else the
// exchange's default, else fi. Orderers and coordinators get the exchange's.
std::string MessageLanguage(const Expert& expert, const Exchange& exchange);

// The wording of one message for one recipient in one language: mustache
// templates (triple braces or double: the text is plain, never escaped)
// over the variables MessageVariables names. Kokemus has one for every
// message, recipient and language; an exchange may set its own.
struct MessageTemplate {
  MessageKind kind = MessageKind::kUnspecified;
  Recipient to = Recipient::kExpert;
  std::string language;  // fi, sv or en
  std::string subject;   // one line
  std::string body;
  bool operator==(const MessageTemplate&) const = default;
};
// Every message Kokemus writes, for each recipient and language, with
// Kokemus's own wording.
const std::vector<MessageTemplate>& BuiltInMessageTemplates();
// Kokemus's wording of one message, or nullptr for a kind not sent to `to`
// or a language Kokemus doesn't write.
const MessageTemplate* BuiltInMessageTemplate(
    MessageKind kind, Recipient to, absl::string_view language);
// A template's id in its exchange: "offer-made-expert-fi".
std::string MessageTemplateId(MessageKind kind, Recipient to, absl::string_view language);
// The built-in template an id names, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<const MessageTemplate*> ParseMessageTemplateId(
    absl::string_view id, absl::string_view field);
// The variables a message of `kind` to `to` may use, and those it must use
// (in the subject or the body): the offer's deadline, the task's date, the
// key's name and date, the sign-in link of a message that carries one.
std::vector<std::string> MessageVariables(MessageKind kind, Recipient to);
std::vector<std::string> RequiredMessageVariables(MessageKind kind, Recipient to);
// OK, or INVALID_ARGUMENT naming `subject` or `body` under `prefix`: a
// subject of one line up to 200 characters and a body up to 4,000, both
// valid mustache with only the message's variables, the required ones
// used. A template can't reach anything health-related: no variable holds it.
absl::Status ValidateMessageTemplate(const MessageTemplate& t, absl::string_view prefix);

// Where a task is held, as people read it: "Kirkkokatu 1, Lahti" (the
// municipality's name in the language), or "etänä" / "på distans" / "remote".
std::string PlaceLabel(
    bool remote, absl::string_view address, absl::string_view municipality,
    absl::string_view language);

// The message of `kind` for `to` in the notice's language, in the
// exchange's own wording `custom` if it has one (nullptr: Kokemus's).
absl::StatusOr<MessageText> ComposeMessage(
    MessageKind kind, Recipient to, const Notice& notice, const MessageTemplate* custom = nullptr);
// The template rendered with made-up facts (a school visit next month), to
// see before saving it.
absl::StatusOr<MessageText> PreviewMessage(const MessageTemplate& t);

// A calendar entry of a task: the .ics attached to a confirmation (and its
// cancellation), and an event of a calendar feed.
struct CalendarEvent {
  std::string uid;   // stable per assignment (CalendarUid)
  int sequence = 0;  // raised on each change the expert was sent
  bool cancelled = false;
  bool tentative = false;   // accepted, not yet confirmed (a feed's entry)
  std::string summary;      // the role and the topic
  std::string location;     // the address and municipality, or "remote"
  std::string description;  // the orderer and whom to ask; nothing health-related
  absl::Time start = absl::UnixEpoch();
  absl::Time end = absl::UnixEpoch();
  absl::Time stamp = absl::UnixEpoch();  // when the entry was made
  std::string organizer_name;            // the exchange
  std::string organizer_email;           // its contact address ("" : none)
  std::string attendee_email;            // the expert ("" : none)
};
// A calendar feed shows tasks from this long ago on (the rest are upcoming).
inline constexpr absl::Duration kCalendarFeedLookBack = absl::Hours(24 * 7);

// The assignment's name with dots, "@kokemus.invalid": the same for every
// entry of the task, unique across exchanges and orders.
std::string CalendarUid(absl::string_view assignment_name);
// The calendar entry of the task in `notice`, in the notice's language.
CalendarEvent CalendarEventFor(
    const Notice& notice, absl::string_view assignment_name, int sequence, bool cancelled,
    absl::Time now);

// The text message (SMS) of a composed message: its subject, the link, and
// whom it is from; short, with nothing the subject doesn't already say.
std::string SmsText(const MessageText& text, const Notice& notice);

// When a message made at `now` may go out: now, or for a non-urgent message
// during quiet hours, their end (08:00 Helsinki time by default).
absl::Time NextSendTime(absl::Time now, bool urgent, const QuietHours& quiet = {});

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
