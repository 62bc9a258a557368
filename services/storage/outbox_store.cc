#include "services/storage/outbox_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/calendar/ics.h"
#include "services/domain/credentials.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/sign_in.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"
#include "services/storage/event_store.h"
#include "services/storage/message_template_store.h"
#include "services/storage/order_rows.h"
#include "services/storage/registry_store.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

using domain::Addressed;
using domain::MessageKind;
using domain::Recipient;
using order_rows::OrderTx;

constexpr char kColumns[] =
    "id, exchange_id, kind, resource, recipient_kind, channel, recipient, sender_name, reply_to, "
    "language, subject, body, attachment, state, attempts, not_before, last_error, create_time, "
    "sent_time, link_for, sender_address";
// A message whose dedupe key exists is not made again (a reminder made by
// two replicas at once). Messages of events use their own id as the key.
constexpr char kInsert[] =
    "INSERT INTO outbox (id, exchange_id, kind, resource, recipient_kind, channel, recipient, "
    "sender_name, reply_to, language, subject, body, attachment, urgent, state, attempts, "
    "not_before, lease_until, last_error, create_time, sent_time, dedupe, link_for, "
    "sender_address) VALUES (:id, :x, :kind, :resource, :rkind, :channel, :recipient, :sender, "
    ":reply, :language, :subject, :body, :attachment, :urgent, 'PENDING', 0, :not_before, 0, '', "
    ":create_time, 0, :dedupe, :link_for, :sender_address) ON CONFLICT DO NOTHING";
constexpr char kExpertContact[] =
    "SELECT email, phone, languages, display_name, preferred_language, notification_channel, "
    "essential_messages_only FROM experts WHERE exchange_id = :x AND id = :id";
constexpr char kExchangeSender[] =
    "SELECT display_name, contact_email, default_language FROM exchanges WHERE id = :x";
// Whom a sign-in link asked for `email` goes to: every expert and every
// organization (its contact person) with the address, in any exchange.
constexpr char kPeopleByEmail[] =
    "SELECT exchange_id, id, 'experts', languages, preferred_language FROM experts "
    "WHERE lower(email) = :e UNION ALL SELECT exchange_id, id, 'organizations', '[]', '' "
    "FROM organizations WHERE lower(contact_email) = :e2";
constexpr char kLinksAskedSince[] =
    "SELECT COUNT(*) FROM outbox WHERE kind = 'SIGN_IN_LINK' AND recipient = :e AND "
    "create_time >= :since";
constexpr char kOrdererContact[] =
    "SELECT display_name, contact_email FROM organizations WHERE exchange_id = :x AND id = :id";
// The calendar entries the recipient was sent for the resource so far: the
// next entry's SEQUENCE.
constexpr char kCalendarEntriesSent[] =
    "SELECT COUNT(*) FROM outbox WHERE resource = :resource AND recipient = :recipient AND "
    "attachment <> ''";
constexpr char kDedupeExists[] = "SELECT COUNT(*) FROM outbox WHERE dedupe = :dedupe";
constexpr char kCredentialRequirements[] =
    "SELECT credential_requirements FROM exchanges WHERE id = :id";
// Urgent ones first; more than the batch, since some may wait for their
// exchange's quiet hours to end.
constexpr char kDueIds[] =
    "SELECT id, urgent, exchange_id FROM outbox WHERE state = 'PENDING' AND not_before <= :now "
    "AND lease_until <= :now2 ORDER BY urgent DESC, not_before, id LIMIT :limit";
constexpr char kAttempts[] = "SELECT attempts, urgent, exchange_id FROM outbox WHERE id = :id";
constexpr char kMarkSent[] =
    "UPDATE outbox SET state = 'SENT', attempts = attempts + 1, sent_time = :t, lease_until = 0, "
    "last_error = '' WHERE id = :id";
constexpr char kRetry[] =
    "UPDATE outbox SET attempts = :attempts, not_before = :next, lease_until = 0, "
    "last_error = :error WHERE id = :id";
constexpr char kDead[] =
    "UPDATE outbox SET state = 'DEAD', attempts = :attempts, lease_until = 0, "
    "last_error = :error WHERE id = :id";
constexpr char kResend[] =
    "INSERT INTO outbox (id, exchange_id, kind, resource, recipient_kind, channel, recipient, "
    "sender_name, reply_to, language, subject, body, attachment, urgent, state, attempts, "
    "not_before, lease_until, last_error, create_time, sent_time, dedupe, link_for, "
    "sender_address) SELECT :new_id, exchange_id, kind, resource, recipient_kind, channel, "
    "recipient, sender_name, reply_to, language, subject, body, attachment, 1, 'PENDING', 0, "
    ":now, 0, '', :now2, 0, :dedupe, link_for, sender_address FROM outbox WHERE exchange_id = :x "
    "AND id = :id";
// ListMessages: newest first, keyset cursor "create_time/id".
constexpr char kMessagesOfExchange[] = " WHERE exchange_id = :x";
constexpr char kMessagesAfter[] = " AND (create_time < :t OR (create_time = :t2 AND id < :id))";
constexpr char kMessagesPageOrder[] = " ORDER BY create_time DESC, id DESC LIMIT :limit";
constexpr FilterSql kMessageFilters[] = {
    {"state", "=", "", "state = :v"},
    {"kind", "=", "", "kind = :v"},
    {"recipient_kind", "=", "", "recipient_kind = :v"},
    {"resource", "=", "", "resource = :v"},
};
// Scheduled messages: the candidates, which the domain's rules then decide on.
constexpr char kExchangeIds[] = "SELECT id FROM exchanges ORDER BY id";
constexpr char kSettings[] =
    "SELECT task_reminder_hours, offer_reminder_hours, key_warning_days, quiet_from_hour, "
    "quiet_until_hour, revision, sender_address FROM notification_settings WHERE exchange_id = "
    ":x";
constexpr char kInsertSettings[] =
    "INSERT INTO notification_settings (exchange_id, task_reminder_hours, offer_reminder_hours, "
    "key_warning_days, quiet_from_hour, quiet_until_hour, sender_address, revision, update_time) "
    "VALUES (:x, :hours, :offer, :keys, :qfrom, :quntil, :sender, 1, :t)";
constexpr char kUpdateSettings[] =
    "UPDATE notification_settings SET task_reminder_hours = :hours, offer_reminder_hours = "
    ":offer, key_warning_days = :keys, quiet_from_hour = :qfrom, quiet_until_hour = :quntil, "
    "sender_address = :sender, revision = revision + 1, update_time = :t WHERE exchange_id = :x "
    "AND revision = :revision";
// Confirmed tasks in one lead's window (starting in (:from, :until]) that got
// no reminder since the lead's time came: the sweep reads only those due.
constexpr char kTasksToRemind[] =
    "SELECT order_id, id FROM assignments a WHERE exchange_id = :x AND state = 'CONFIRMED' AND "
    "start_time > :from AND start_time <= :until AND NOT EXISTS (SELECT 1 FROM outbox o WHERE "
    "o.resource = 'exchanges/' || a.exchange_id || '/orders/' || a.order_id || '/assignments/' "
    "|| a.id AND o.kind = 'TASK_REMINDER' AND o.create_time >= a.start_time - :lead) "
    "ORDER BY start_time, id";
constexpr char kOffersToRemind[] =
    "SELECT order_id, id FROM assignments a WHERE exchange_id = :x AND state = 'OFFERED' AND "
    "offer_deadline > :from AND offer_deadline <= :until AND NOT EXISTS (SELECT 1 FROM outbox o "
    "WHERE o.resource = 'exchanges/' || a.exchange_id || '/orders/' || a.order_id || "
    "'/assignments/' || a.id AND o.kind = 'OFFER_REMINDER') ORDER BY offer_deadline, id";
constexpr char kKeysExpiringBy[] =
    "SELECT id, display_name, expire_time FROM api_keys WHERE exchange_id = :x AND "
    "revoke_time = 0 AND expire_time > :now AND expire_time <= :until ORDER BY id";
// The longest error text kept (an SMTP reply line is far shorter).
constexpr size_t kMaxErrorLength = 500;

OutboxMessage ReadMessage(const soci::row& row) {
  RowReader r(row);
  OutboxMessage m;
  m.id = r.Text();
  m.exchange_id = r.Text();
  m.kind = r.Text();
  m.resource = r.Text();
  m.recipient_kind = r.Text();
  m.channel = r.Text();
  m.recipient = r.Text();
  m.sender_name = r.Text();
  m.reply_to = r.Text();
  m.language = r.Text();
  m.subject = r.Text();
  m.body = r.Text();
  m.attachment = r.Text();
  m.state = r.Text();
  m.attempts = static_cast<int>(r.Int());
  m.not_before = r.Time();
  m.last_error = r.Text();
  m.create_time = r.Time();
  m.sent_time = r.Time();
  m.link_for = r.Text();
  m.sender_address = r.Text();
  return m;
}

// The exchange's settings, the defaults if it has set none.
domain::NotificationSettings ReadSettings(
    soci::session& sql, const std::string& exchange_id, int64_t* revision = nullptr) {
  domain::NotificationSettings settings;
  Query<int>(sql, kSettings, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    settings.task_reminder_hours = r.JsonValue().get<std::vector<int>>();
    settings.offer_reminder_hours = static_cast<int>(r.Int());
    settings.key_warning_days = static_cast<int>(r.Int());
    settings.quiet_hours.from_hour = static_cast<int>(r.Int());
    settings.quiet_hours.until_hour = static_cast<int>(r.Int());
    const long long rev = r.Int();
    if (revision != nullptr) *revision = rev;
    settings.sender_address = r.Text();
    return 0;
  });
  return settings;
}

// Who takes part in a task, as far as messages need: addresses, languages,
// names; never anything health-related.
struct Parties {
  bool has_expert = false;
  domain::Expert expert;
  domain::Exchange exchange;
  std::string orderer_name;
  std::string orderer_email;
};

void ReadExchange(soci::session& sql, const std::string& exchange_id, domain::Exchange& exchange) {
  Query<int>(sql, kExchangeSender, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    exchange.id = exchange_id;
    exchange.display_name = r.Text();
    exchange.contact_email = r.Text();
    exchange.default_language = r.Text();
    return 0;
  });
}

Parties ReadParties(soci::session& sql, const domain::Assignment& a, const domain::Order& order) {
  Parties p;
  Query<int>(sql, kExpertContact, {a.exchange_id, a.expert_id}, [&](const soci::row& row) {
    RowReader r(row);
    domain::Expert& e = p.expert;
    e.email = r.Text();
    e.phone = r.Text();
    for (const auto& language : r.JsonValue()) e.languages.push_back(language);
    e.display_name = r.Text();
    e.preferred_language = r.Text();
    e.notification_channel = r.Enum<domain::NotificationChannel>();
    e.essential_messages_only = r.Int() != 0;
    p.has_expert = true;
    return 0;
  });
  ReadExchange(sql, a.exchange_id, p.exchange);
  Query<int>(
      sql, kOrdererContact, {order.exchange_id, order.organization_id}, [&](const soci::row& row) {
        RowReader r(row);
        p.orderer_name = r.Text();
        p.orderer_email = r.Text();
        return 0;
      });
  return p;
}

domain::Notice TaskNotice(const Parties& p, const domain::Assignment& a, const domain::Order& o) {
  domain::Notice n;
  n.exchange_name = p.exchange.display_name;
  n.reply_to = p.exchange.contact_email;
  n.orderer_name = p.orderer_name;
  n.role = o.role;
  n.topic = o.topic;
  n.start_time = o.start_time;
  n.duration_minutes = o.duration_minutes;
  n.remote = o.remote;
  n.address = o.address;
  n.municipality = o.municipality;
  n.offer_deadline = a.offer_deadline;
  n.total_cents = a.total_cents();
  n.cancelled_by = a.cancelled_by;
  return n;
}

// Where a message to `to` goes: channel, address, language; nullopt when
// the person has no address, or opted out of the non-essential `kind`.
struct Address {
  std::string channel;
  std::string to;
  std::string language;
};
std::optional<Address> AddressOf(const Parties& p, Recipient to, MessageKind kind) {
  const std::string exchange_language =
      domain::MessageLanguage(domain::Expert{}, p.exchange);  // the exchange's default
  switch (to) {
    case Recipient::kExpert: {
      if (!p.has_expert) return std::nullopt;
      const domain::Expert& e = p.expert;
      if (e.essential_messages_only && !domain::IsEssential(kind)) return std::nullopt;
      const std::string language = domain::MessageLanguage(e, p.exchange);
      if (e.notification_channel == domain::NotificationChannel::kSms && !e.phone.empty()) {
        return Address{"SMS", e.phone, language};
      }
      if (e.email.empty()) return std::nullopt;  // no address: the coordinator calls
      return Address{"EMAIL", e.email, language};
    }
    case Recipient::kOrderer:
      if (p.orderer_email.empty()) return std::nullopt;
      return Address{"EMAIL", p.orderer_email, exchange_language};
    case Recipient::kCoordinator:
      if (p.exchange.contact_email.empty()) return std::nullopt;
      return Address{"EMAIL", p.exchange.contact_email, exchange_language};
  }
  return std::nullopt;
}

// The message in the exchange's own wording if it has one, else Kokemus's;
// Kokemus's too if the exchange's fails to render (a message is never lost
// to a template).
absl::StatusOr<domain::MessageText> Compose(
    soci::session& sql, const std::string& exchange_id, Addressed m, const domain::Notice& notice) {
  const std::optional<domain::MessageTemplate> own =
      MessageTemplateStore::ReadCustom(sql, exchange_id, m.kind, m.to, notice.language);
  if (own) {
    auto text = domain::ComposeMessage(m.kind, m.to, notice, &*own);
    if (text.ok()) return text;
  }
  return domain::ComposeMessage(m.kind, m.to, notice);
}

// Writes one message; false if its dedupe key was taken.
bool Insert(
    soci::session& sql, const std::string& exchange_id, Addressed m, const std::string& resource,
    const Address& address, const domain::Exchange& exchange, const domain::MessageText& text,
    const std::string& attachment, absl::Time now, std::string dedupe = "",
    const std::string& link_for = "") {
  const std::string id = domain::GenerateId();
  if (dedupe.empty()) dedupe = id;
  const bool urgent = domain::IsUrgent(m.kind);
  const domain::NotificationSettings settings = ReadSettings(sql, exchange_id);
  return Execute(
             sql, kInsert,
             {id, exchange_id, std::string(domain::MessageKindName(m.kind)), resource,
              std::string(domain::RecipientName(m.to)), address.channel, address.to,
              exchange.display_name, exchange.contact_email, address.language, text.subject,
              text.body, attachment, static_cast<long long>(urgent ? 1 : 0),
              Micros(domain::NextSendTime(now, urgent, settings.quiet_hours)), Micros(now), dedupe,
              link_for, settings.sender_address}) == 1;
}

// The task's messages `messages` to whom they are for; the count written.
absl::StatusOr<int> EnqueueTask(
    soci::session& sql, const std::vector<Addressed>& messages, const domain::Assignment& a,
    const domain::Order& order, absl::Time now, const std::string& dedupe = "", int lead_hours = 0,
    const std::string& pay_period = "") {
  int written = 0;
  if (messages.empty()) return written;
  const Parties parties = ReadParties(sql, a, order);
  // About the order itself when no assignment is named.
  const std::string order_name = domain::ChildResourceName(a.exchange_id, "orders", a.order_id);
  const std::string resource =
      a.id.empty() ? order_name : absl::StrCat(order_name, "/assignments/", a.id);
  for (const Addressed& m : messages) {
    const std::optional<Address> address = AddressOf(parties, m.to, m.kind);
    if (!address) continue;
    domain::Notice notice = TaskNotice(parties, a, order);
    notice.language = address->language;
    notice.lead_hours = lead_hours;
    notice.pay_period = pay_period;
    if (m.to != Recipient::kExpert) notice.expert_name = parties.expert.display_name;
    // The link to the matter is made when the message goes (domain/sign_in.h).
    std::string link_for;
    if (domain::CarriesLink(m.kind, m.to)) {
      notice.link = domain::kLinkPlaceholder;
      link_for =
          m.to == Recipient::kExpert
              ? domain::ChildResourceName(a.exchange_id, "experts", a.expert_id)
              : domain::ChildResourceName(a.exchange_id, "organizations", order.organization_id);
    }
    auto text = Compose(sql, a.exchange_id, m, notice);
    if (!text.ok()) return text.status();
    if (address->channel == "SMS") text->body = domain::SmsText(*text, notice);
    // A confirmation carries the task's calendar entry; a cancellation
    // cancels an entry sent before.
    std::string attachment;
    const bool confirmed = m.kind == MessageKind::kAssignmentConfirmed;
    if (m.to == Recipient::kExpert && address->channel == "EMAIL" &&
        (confirmed || m.kind == MessageKind::kAssignmentCancelled)) {
      const int sent = static_cast<int>(Count(sql, kCalendarEntriesSent, {resource, address->to}));
      if (confirmed || sent > 0) {
        domain::CalendarEvent event =
            domain::CalendarEventFor(notice, resource, sent, !confirmed, now);
        event.attendee_email = address->to;
        attachment = calendar::IcsText(
            {event}, confirmed ? calendar::IcsMethod::kRequest : calendar::IcsMethod::kCancel);
      }
    }
    if (Insert(
            sql, a.exchange_id, m, resource, *address, parties.exchange, *text, attachment, now,
            dedupe.empty() ? "" : absl::StrCat(dedupe, ":", domain::RecipientName(m.to)),
            link_for)) {
      ++written;
    }
  }
  return written;
}

std::string SettingsJson(const std::vector<int>& hours) { return Json(hours).dump(); }

}  // namespace

const std::vector<domain::FilterField>& MessageFilterFields() {
  static const auto* fields = new std::vector<domain::FilterField>{
      {"state",
       [](absl::string_view v) -> std::optional<std::string> {
         if (v == "PENDING" || v == "SENT" || v == "DEAD") return std::string(v);
         return std::nullopt;
       }},
      {"kind",
       [](absl::string_view v) -> std::optional<std::string> {
         if (domain::MessageKindFromName(v) == MessageKind::kUnspecified) return std::nullopt;
         return std::string(v);
       }},
      {"recipient_kind",
       [](absl::string_view v) -> std::optional<std::string> {
         if (v == "EXPERT" || v == "ORDERER" || v == "COORDINATOR") return std::string(v);
         return std::nullopt;
       }},
      {"resource",
       [](absl::string_view v) -> std::optional<std::string> { return std::string(v); }},
  };
  return *fields;
}

absl::Status OutboxStore::EnqueueChange(
    soci::session& sql, domain::AssignmentState from, const domain::Assignment& a,
    const domain::Order& order, absl::Time now) {
  if (domain::IsEvent(from, a.state)) {
    EventStore::Record(sql, domain::EventKind::kAssignmentChanged, a, order, now);
  }
  return EnqueueTask(
             sql, domain::MessagesForChange(from, a.state, a.cancelled_by, a.offer_kind), a, order,
             now)
      .status();
}

absl::Status OutboxStore::EnqueueRoundsEnded(
    soci::session& sql, const domain::Order& order, bool pool, absl::Time now) {
  domain::Assignment about;  // no assignment, no expert: the order itself
  about.exchange_id = order.exchange_id;
  about.order_id = order.id;
  const MessageKind kind = pool ? MessageKind::kPoolClosed : MessageKind::kOfferRoundsEnded;
  return EnqueueTask(sql, {{kind, Recipient::kCoordinator}}, about, order, now).status();
}

absl::Status OutboxStore::EnqueueEarningsWarning(
    soci::session& sql, const domain::Assignment& a, const domain::Order& order,
    const domain::EarningsCheck& check, absl::Time now) {
  if (!check.limit) return absl::OkStatus();
  // Once per expert and payment month (or year), whichever task crossed it.
  const std::string dedupe = absl::StrCat(
      domain::DedupeKey(
          MessageKind::kEarningsNearLimit,
          domain::ChildResourceName(a.exchange_id, "experts", a.expert_id)),
      ":", domain::PeriodLabel(*check.limit));
  return EnqueueTask(
             sql,
             {{MessageKind::kEarningsNearLimit, Recipient::kExpert},
              {MessageKind::kEarningsNearLimit, Recipient::kCoordinator}},
             a, order, now, dedupe, 0, domain::PeriodText(*check.limit))
      .status();
}

absl::Status OutboxStore::EnqueueContractReady(
    soci::session& sql, const domain::Assignment& a, const domain::Order& order, absl::Time now) {
  EventStore::Record(sql, domain::EventKind::kContractReady, a, order, now);
  return EnqueueTask(sql, {{MessageKind::kContractReady, Recipient::kExpert}}, a, order, now)
      .status();
}

absl::Status OutboxStore::RequestSignInLink(absl::string_view email, absl::Time now) {
  const std::string address = domain::NormalizeEmail(email);
  if (address.empty() || address.size() > 254) return absl::OkStatus();
  return db_.Write([&](soci::session& sql) -> absl::Status {
    if (!domain::LinkRequestAllowed(static_cast<int>(
            Count(sql, kLinksAskedSince, {address, Micros(now - absl::Hours(1))})))) {
      return absl::OkStatus();  // the same answer; nothing more is sent
    }
    struct Person {
      std::string exchange_id, id, collection;
      domain::Expert expert;
    };
    const std::vector<Person> people =
        Query<Person>(sql, kPeopleByEmail, {address, address}, [](const soci::row& row) {
          RowReader r(row);
          Person p;
          p.exchange_id = r.Text();
          p.id = r.Text();
          p.collection = r.Text();
          for (const auto& language : r.JsonValue()) p.expert.languages.push_back(language);
          p.expert.preferred_language = r.Text();
          return p;
        });
    for (const Person& p : people) {
      domain::Exchange exchange;
      ReadExchange(sql, p.exchange_id, exchange);
      const bool expert = p.collection == "experts";
      const Addressed m{
          MessageKind::kSignInLink, expert ? Recipient::kExpert : Recipient::kOrderer};
      domain::Notice notice;
      notice.language = domain::MessageLanguage(p.expert, exchange);
      notice.exchange_name = exchange.display_name;
      notice.link = domain::kLinkPlaceholder;
      auto text = Compose(sql, p.exchange_id, m, notice);
      if (!text.ok()) return text.status();
      const std::string person = domain::ChildResourceName(p.exchange_id, p.collection, p.id);
      Insert(
          sql, p.exchange_id, m, person, Address{"EMAIL", address, notice.language}, exchange,
          *text, "", now, "", person);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<int> OutboxStore::EnqueueCredentialNotices(
    soci::session& sql, const std::string& exchange_id, absl::Time now, int limit) {
  std::vector<domain::CredentialRequirement> requirements;
  Query<int>(sql, kCredentialRequirements, {exchange_id}, [&](const soci::row& row) {
    requirements = CredentialRequirementsFrom(RowReader(row).JsonValue());
    return 0;
  });
  if (requirements.empty()) return 0;
  const absl::CivilDay today = absl::ToCivilDay(now, reference::HelsinkiTimeZone());
  RegistryStore registry(db_);
  const std::vector<std::string> ids = registry.ActiveExpertsWithCredentialsIn(sql, exchange_id);
  int made = 0;
  Parties parties;
  ReadExchange(sql, exchange_id, parties.exchange);
  for (const std::string& id : ids) {
    if (made >= limit) break;
    auto expert = registry.GetIn<domain::Expert>(sql, {exchange_id, id});
    if (!expert.ok()) return expert.status();
    const std::vector<domain::Credential> credentials = domain::ExpertCredentials(*expert);
    for (const domain::CredentialLapse& lapse :
         domain::LapsingCredentials(credentials, requirements, today)) {
      const domain::Credential& c = credentials[lapse.credential];
      const std::string resource = domain::ChildResourceName(exchange_id, "experts", id);
      // Once per credential and last day: a renewed one is told about again.
      const std::string dedupe = absl::StrCat(
          domain::DedupeKey(MessageKind::kCredentialLapsing, resource), ":",
          domain::CredentialName(c.kind, c.course), ":", absl::FormatCivilTime(lapse.last_valid));
      parties.expert = *expert;
      parties.has_expert = true;
      for (Recipient to : {Recipient::kExpert, Recipient::kCoordinator}) {
        const std::string key = absl::StrCat(dedupe, ":", domain::RecipientName(to));
        if (Count(sql, kDedupeExists, {key}) > 0) continue;
        const Addressed m{MessageKind::kCredentialLapsing, to};
        const std::optional<Address> address = AddressOf(parties, to, m.kind);
        if (!address) continue;
        domain::Notice notice;
        notice.language = address->language;
        notice.exchange_name = parties.exchange.display_name;
        notice.reply_to = parties.exchange.contact_email;
        if (to == Recipient::kCoordinator) notice.expert_name = expert->display_name;
        notice.credential_kind = c.kind;
        notice.credential_course = c.course;
        notice.credential_last_day = lapse.last_valid;
        auto text = Compose(sql, exchange_id, m, notice);
        if (!text.ok()) return text.status();
        if (address->channel == "SMS") text->body = domain::SmsText(*text, notice);
        if (Insert(
                sql, exchange_id, m, resource, *address, parties.exchange, *text, "", now, key)) {
          ++made;
        }
      }
    }
  }
  return made;
}

absl::StatusOr<int> OutboxStore::EnqueueScheduled(absl::Time now, int limit) {
  bool sweep_credentials = false;
  {
    std::lock_guard<std::mutex> lock(sweep_mu_);
    sweep_credentials = now >= next_credential_sweep_;
  }
  int made = 0;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    made = 0;
    OrderTx tx(sql, db_.dialect());
    const std::vector<std::string> exchanges = Query<std::string>(
        sql, kExchangeIds, {}, [](const soci::row& row) { return RowReader(row).Text(); });
    for (const std::string& x : exchanges) {
      if (made >= limit) break;
      const domain::NotificationSettings settings = ReadSettings(sql, x);
      // The candidates of a window, which the domain's rules then decide on.
      auto each = [&](const char* query, Record window, auto&& handle) -> absl::Status {
        Record values = {x};
        values.insert(values.end(), window.begin(), window.end());
        const auto keys = Query<std::pair<std::string, std::string>>(
            sql, query, std::move(values), [](const soci::row& row) {
              RowReader r(row);
              std::string order_id = r.Text();
              return std::make_pair(order_id, r.Text());
            });
        for (const auto& [order_id, id] : keys) {
          if (made >= limit) break;
          auto a = tx.GetAssignment({x, order_id, id}, false);
          if (!a.ok()) return a.status();
          if (absl::Status s = handle(*a); !s.ok()) return s;
        }
        return absl::OkStatus();
      };
      auto schedule = [&](const domain::Assignment& a, MessageKind kind, int lead) {
        const std::string dedupe = domain::DedupeKey(
            kind,
            absl::StrCat(domain::ChildResourceName(x, "orders", a.order_id), "/assignments/", a.id),
            lead);
        if (Count(sql, kDedupeExists, {absl::StrCat(dedupe, ":EXPERT")}) > 0) {
          return absl::OkStatus();
        }
        auto order = tx.GetOrder(x, a.order_id, false);
        if (!order.ok()) return order.status();
        auto written = EnqueueTask(sql, {{kind, Recipient::kExpert}}, a, *order, now, dedupe, lead);
        if (!written.ok()) return written.status();
        made += *written;
        return absl::OkStatus();
      };
      // Each lead's window: tasks starting after the next shorter lead and
      // within this one.
      std::vector<int> leads = settings.task_reminder_hours;
      std::sort(leads.begin(), leads.end());
      for (size_t i = 0; i < leads.size(); ++i) {
        const absl::Duration shorter = i == 0 ? absl::ZeroDuration() : absl::Hours(leads[i - 1]);
        const absl::Duration lead = absl::Hours(leads[i]);
        if (absl::Status s = each(
                kTasksToRemind,
                {Micros(now + shorter), Micros(now + lead),
                 static_cast<long long>(absl::ToInt64Microseconds(lead))},
                [&](const domain::Assignment& a) -> absl::Status {
                  const std::optional<int> due = domain::DueTaskReminder(
                      a.start_time, a.meta.update_time, settings.task_reminder_hours, now);
                  if (!due) return absl::OkStatus();
                  return schedule(a, MessageKind::kTaskReminder, *due);
                });
            !s.ok()) {
          return s;
        }
      }
      if (settings.offer_reminder_hours > 0) {
        if (absl::Status s = each(
                kOffersToRemind,
                {Micros(now), Micros(now + absl::Hours(settings.offer_reminder_hours))},
                [&](const domain::Assignment& a) -> absl::Status {
                  if (!domain::OfferReminderDue(
                          a.meta.create_time, a.offer_deadline, settings.offer_reminder_hours,
                          now)) {
                    return absl::OkStatus();
                  }
                  return schedule(a, MessageKind::kOfferReminder, 0);
                });
            !s.ok()) {
          return s;
        }
      }
      if (sweep_credentials && made < limit) {
        auto lapsing = EnqueueCredentialNotices(sql, x, now, limit - made);
        if (!lapsing.ok()) return lapsing.status();
        made += *lapsing;
      }
      if (settings.key_warning_days > 0 && made < limit) {
        domain::Exchange exchange;
        ReadExchange(sql, x, exchange);
        if (exchange.contact_email.empty()) continue;
        struct Key {
          std::string id, name;
          absl::Time expires;
        };
        const auto keys = Query<Key>(
            sql, kKeysExpiringBy,
            {x, Micros(now), Micros(now + absl::Hours(24 * settings.key_warning_days))},
            [](const soci::row& row) {
          RowReader r(row);
          Key k;
          k.id = r.Text();
          k.name = r.Text();
          k.expires = r.Time();
          return k;
            });
        for (const Key& k : keys) {
          if (made >= limit) break;
          if (!domain::KeyWarningDue(k.expires, settings.key_warning_days, now)) continue;
          const std::string resource = domain::ApiKeyName(x, k.id);
          const std::string dedupe = domain::DedupeKey(MessageKind::kKeyExpiring, resource);
          if (Count(sql, kDedupeExists, {dedupe}) > 0) continue;
          domain::Notice notice;
          notice.language = domain::MessageLanguage(domain::Expert{}, exchange);
          notice.exchange_name = exchange.display_name;
          notice.key_name = k.name;
          notice.key_expire_time = k.expires;
          const Addressed m{MessageKind::kKeyExpiring, Recipient::kCoordinator};
          auto text = Compose(sql, x, m, notice);
          if (!text.ok()) return text.status();
          if (Insert(
                  sql, x, m, resource, Address{"EMAIL", exchange.contact_email, notice.language},
                  exchange, *text, "", now, dedupe)) {
            ++made;
          }
        }
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // A batch that reached its limit may have left exchanges out: the next
  // batch sweeps again; a full pass makes the next one due in an hour.
  if (sweep_credentials && made < limit) {
    std::lock_guard<std::mutex> lock(sweep_mu_);
    next_credential_sweep_ = now + absl::Hours(1);
  }
  return made;
}

namespace {

// ":i0, :i1, ..." for an IN list of `n` values.
std::string IdPlaceholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i == 0 ? "" : ", ", ":i", i);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<OutboxMessage>> OutboxStore::ClaimDue(
    absl::Time now, absl::Duration lease, int limit) {
  std::vector<OutboxMessage> claimed;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    claimed.clear();
    const long long t = Micros(now);
    struct Due {
      std::string id;
      bool urgent;
      std::string exchange_id;
    };
    const std::vector<Due> due = Query<Due>(
        sql, kDueIds, {t, t, static_cast<long long>(limit) * 4}, [](const soci::row& row) {
          RowReader r(row);
          Due d;
          d.id = r.Text();
          d.urgent = r.Int() != 0;
          d.exchange_id = r.Text();
          return d;
        });
    // During an exchange's quiet hours only its urgent messages go.
    std::map<std::string, domain::QuietHours> quiet;
    std::vector<std::string> ids;
    for (const Due& d : due) {
      if (static_cast<int>(ids.size()) >= limit) break;
      if (!d.urgent) {
        auto it = quiet.find(d.exchange_id);
        if (it == quiet.end()) {
          it = quiet.emplace(d.exchange_id, ReadSettings(sql, d.exchange_id).quiet_hours).first;
        }
        if (domain::NextSendTime(now, false, it->second) != now) continue;
      }
      ids.push_back(d.id);
    }
    if (ids.empty()) return absl::OkStatus();
    // One statement leases them all and reads them back; a row another
    // replica leased meanwhile is not returned.
    Record values = {Micros(now + lease), t};
    values.insert(values.end(), ids.begin(), ids.end());
    claimed = Query<OutboxMessage>(
        sql,
        absl::StrCat(
            "UPDATE outbox SET lease_until = :until WHERE state = 'PENDING' AND lease_until <= "
            ":now AND id IN (",
            IdPlaceholders(ids.size()), ") RETURNING ", kColumns),
        values, ReadMessage);
    // In the order they were chosen: urgent first, then oldest.
    std::map<std::string, size_t> rank;
    for (size_t i = 0; i < ids.size(); ++i) rank[ids[i]] = i;
    std::sort(claimed.begin(), claimed.end(), [&](const auto& a, const auto& b) {
      return rank[a.id] < rank[b.id];
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claimed;
}

namespace {

void RecordOutcome(soci::session& sql, const OutboxStore::Outcome& o, absl::Time now) {
  if (o.error.empty()) {
    Execute(sql, kMarkSent, {Micros(now), o.id});
    return;
  }
  const std::string kept = o.error.substr(0, kMaxErrorLength);
  long long attempts = 1;
  bool urgent = false;
  std::string exchange_id;
  Query<int>(sql, kAttempts, {o.id}, [&](const soci::row& row) {
    RowReader r(row);
    attempts = r.Int() + 1;
    urgent = r.Int() != 0;
    exchange_id = r.Text();
    return 0;
  });
  if (auto next = domain::NextTryAfterFailure(static_cast<int>(attempts), now)) {
    // A retry falling into quiet hours waits for their end too.
    const absl::Time at =
        domain::NextSendTime(*next, urgent, ReadSettings(sql, exchange_id).quiet_hours);
    Execute(sql, kRetry, {attempts, Micros(at), kept, o.id});
  } else {
    Execute(sql, kDead, {attempts, kept, o.id});
  }
}

}  // namespace

absl::Status OutboxStore::MarkSent(const std::string& id, absl::Time now) {
  return MarkOutcomes({{id, ""}}, now);
}

absl::Status OutboxStore::MarkFailed(
    const std::string& id, const std::string& error, absl::Time now) {
  return MarkOutcomes({{id, error.empty() ? "failed" : error}}, now);
}

absl::Status OutboxStore::MarkOutcomes(const std::vector<Outcome>& outcomes, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    // The sent ones in one statement; a failure's retry is the domain's.
    Record sent = {Micros(now)};
    for (const Outcome& o : outcomes) {
      if (o.error.empty()) {
        sent.push_back(o.id);
      } else {
        RecordOutcome(sql, o, now);
      }
    }
    if (sent.size() > 1) {
      Execute(
          sql,
          absl::StrCat(
              "UPDATE outbox SET state = 'SENT', attempts = attempts + 1, sent_time = :t, "
              "lease_until = 0, last_error = '' WHERE id IN (",
              IdPlaceholders(sent.size() - 1), ")")
              .c_str(),
          sent);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<OutboxMessage>> OutboxStore::List(
    const std::string& exchange_id, const domain::ListQuery& query) {
  Page<OutboxMessage> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    std::string where = kMessagesOfExchange;
    Record values = {exchange_id};
    if (!query.after_id.empty()) {
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      long long t = 0;
      if (!absl::SimpleAtoi(cursor.first, &t)) {
        return absl::InvalidArgumentError("page_token: not a token of this list");
      }
      absl::StrAppend(&where, kMessagesAfter);
      values.insert(values.end(), {t, t, cursor.second});
    }
    if (absl::Status s = AppendFilters(kMessageFilters, query.terms, absl::Now(), where, values);
        !s.ok()) {
      return s;
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    static const std::string kSelect = absl::StrCat("SELECT ", kColumns, " FROM outbox");
    page.items = Query<OutboxMessage>(
        sql, absl::StrCat(kSelect, where, kMessagesPageOrder), std::move(values), ReadMessage);
    FinishPage(page, query, [](const OutboxMessage& m) {
      return absl::StrCat(Micros(m.create_time), "/", m.id);
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<OutboxMessage> OutboxStore::Get(
    const std::string& exchange_id, const std::string& id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<OutboxMessage> {
    static const std::string kSelect =
        absl::StrCat("SELECT ", kColumns, " FROM outbox WHERE exchange_id = :x AND id = :id");
    auto rows = Query<OutboxMessage>(sql, kSelect, {exchange_id, id}, ReadMessage);
    if (rows.empty()) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "messages", id), " not found"));
    }
    return rows.front();
  });
}

absl::StatusOr<OutboxMessage> OutboxStore::Resend(
    const std::string& exchange_id, const std::string& id, absl::Time now) {
  const std::string copy = domain::GenerateId();
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (Execute(sql, kResend, {copy, Micros(now), Micros(now), copy, exchange_id, id}) != 1) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "messages", id), " not found"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return Get(exchange_id, copy);
}

absl::StatusOr<domain::NotificationSettings> OutboxStore::GetSettings(
    const std::string& exchange_id, int64_t* revision) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<domain::NotificationSettings> {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    int64_t rev = 0;
    domain::NotificationSettings settings = ReadSettings(sql, exchange_id, &rev);
    if (revision != nullptr) *revision = rev;
    return settings;
  });
}

absl::StatusOr<domain::NotificationSettings> OutboxStore::UpdateSettings(
    const std::string& exchange_id, const domain::NotificationSettings& settings,
    int64_t expected_revision, absl::Time now, int64_t* revision) {
  if (absl::Status s = domain::ValidateNotificationSettings(settings, "notification_settings.");
      !s.ok()) {
    return s;
  }
  int64_t rev = 0;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    // Stored settings start at revision 1; 0 is the defaults.
    int64_t current = 0;
    ReadSettings(sql, exchange_id, &current);
    const bool exists = current > 0;
    if (expected_revision >= 0 && expected_revision != current) {
      return absl::AbortedError(absl::StrCat(
          "exchanges/", exchange_id, "/notificationSettings",
          " was changed by another request; retry"));
    }
    const std::string hours = SettingsJson(settings.task_reminder_hours);
    if (!exists) {
      Execute(
          sql, kInsertSettings,
          {exchange_id, hours, static_cast<long long>(settings.offer_reminder_hours),
           static_cast<long long>(settings.key_warning_days),
           static_cast<long long>(settings.quiet_hours.from_hour),
           static_cast<long long>(settings.quiet_hours.until_hour), settings.sender_address,
           Micros(now)});
      rev = 1;
    } else {
      Execute(
          sql, kUpdateSettings,
          {hours, static_cast<long long>(settings.offer_reminder_hours),
           static_cast<long long>(settings.key_warning_days),
           static_cast<long long>(settings.quiet_hours.from_hour),
           static_cast<long long>(settings.quiet_hours.until_hour), settings.sender_address,
           Micros(now), exchange_id, current});
      rev = current + 1;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (revision != nullptr) *revision = rev;
  return settings;
}

}  // namespace kokemus::storage
