#include "services/storage/outbox_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/validation.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kColumns[] =
    "id, exchange_id, kind, resource, recipient, sender_name, reply_to, language, subject, body, "
    "state, attempts, not_before, last_error, create_time, sent_time";
constexpr char kInsert[] =
    "INSERT INTO outbox (id, exchange_id, kind, resource, recipient, sender_name, reply_to, "
    "language, subject, body, urgent, state, attempts, not_before, lease_until, last_error, "
    "create_time, sent_time) VALUES (:id, :x, :kind, :resource, :recipient, :sender, :reply, "
    ":language, :subject, :body, :urgent, 'PENDING', 0, :not_before, 0, '', :create_time, 0)";
constexpr char kExpertContact[] =
    "SELECT email, languages FROM experts WHERE exchange_id = :x AND id = :id";
constexpr char kExchangeSender[] =
    "SELECT display_name, contact_email, default_language FROM exchanges WHERE id = :x";
constexpr char kOrdererName[] =
    "SELECT display_name FROM organizations WHERE exchange_id = :x AND id = :id";
constexpr char kDueIds[] =
    "SELECT id FROM outbox WHERE state = 'PENDING' AND not_before <= :now AND "
    "lease_until <= :now2 AND urgent >= :urgent ORDER BY not_before, id LIMIT :limit";
constexpr char kLease[] =
    "UPDATE outbox SET lease_until = :until WHERE id = :id AND state = 'PENDING' AND "
    "lease_until <= :now";
constexpr char kAttempts[] = "SELECT attempts FROM outbox WHERE id = :id";
constexpr char kMarkSent[] =
    "UPDATE outbox SET state = 'SENT', attempts = attempts + 1, sent_time = :t, lease_until = 0, "
    "last_error = '' WHERE id = :id";
constexpr char kRetry[] =
    "UPDATE outbox SET attempts = :attempts, not_before = :next, lease_until = 0, "
    "last_error = :error WHERE id = :id";
constexpr char kDead[] =
    "UPDATE outbox SET state = 'DEAD', attempts = :attempts, lease_until = 0, "
    "last_error = :error WHERE id = :id";
// The longest error text kept (an SMTP reply line is far shorter).
constexpr size_t kMaxErrorLength = 500;

OutboxMessage ReadMessage(const soci::row& row) {
  RowReader r(row);
  OutboxMessage m;
  m.id = r.Text();
  m.exchange_id = r.Text();
  m.kind = r.Text();
  m.resource = r.Text();
  m.recipient = r.Text();
  m.sender_name = r.Text();
  m.reply_to = r.Text();
  m.language = r.Text();
  m.subject = r.Text();
  m.body = r.Text();
  m.state = r.Text();
  m.attempts = static_cast<int>(r.Int());
  m.not_before = r.Time();
  m.last_error = r.Text();
  m.create_time = r.Time();
  m.sent_time = r.Time();
  return m;
}

}  // namespace

absl::Status OutboxStore::EnqueueChange(
    soci::session& sql, domain::AssignmentState from, const domain::Assignment& offer,
    const domain::Order& order, absl::Time now) {
  const std::optional<domain::MessageKind> kind = domain::MessageForChange(from, offer.state);
  if (!kind) return absl::OkStatus();
  domain::Expert expert;
  bool found = false;
  Query<int>(sql, kExpertContact, {offer.exchange_id, offer.expert_id}, [&](const soci::row& row) {
    RowReader r(row);
    expert.email = r.Text();
    for (const auto& language : r.JsonValue()) expert.languages.push_back(language);
    found = true;
    return 0;
  });
  if (!found || expert.email.empty()) return absl::OkStatus();  // no address: the coordinator calls
  domain::Exchange exchange;
  Query<int>(sql, kExchangeSender, {offer.exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    exchange.display_name = r.Text();
    exchange.contact_email = r.Text();
    exchange.default_language = r.Text();
    return 0;
  });
  std::string orderer;
  Query<int>(
      sql, kOrdererName, {order.exchange_id, order.organization_id}, [&](const soci::row& row) {
        orderer = RowReader(row).Text();
        return 0;
      });
  domain::OfferNotice notice;
  notice.language = domain::MessageLanguage(expert, exchange);
  notice.exchange_name = exchange.display_name;
  notice.reply_to = exchange.contact_email;
  notice.orderer_name = orderer;
  notice.role = order.role;
  notice.topic = order.topic;
  notice.start_time = order.start_time;
  notice.duration_minutes = order.duration_minutes;
  notice.remote = order.remote;
  notice.address = order.address;
  notice.municipality = order.municipality;
  notice.offer_deadline = offer.offer_deadline;
  notice.total_cents = offer.total_cents();
  notice.cancelled_by = offer.cancelled_by;
  auto text = domain::ComposeMessage(*kind, notice);
  if (!text.ok()) return text.status();
  Execute(
      sql, kInsert,
      {domain::GenerateId(), offer.exchange_id, std::string(domain::MessageKindName(*kind)),
       absl::StrCat(
           domain::ChildResourceName(offer.exchange_id, "orders", offer.order_id), "/assignments/",
           offer.id),
       expert.email, exchange.display_name, exchange.contact_email, notice.language, text->subject,
       text->body, static_cast<long long>(domain::IsUrgent(*kind) ? 1 : 0),
       Micros(domain::NextSendTime(now, domain::IsUrgent(*kind))), Micros(now)});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OutboxMessage>> OutboxStore::ClaimDue(
    absl::Time now, absl::Duration lease, int limit, bool urgent_only) {
  std::vector<OutboxMessage> claimed;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    claimed.clear();
    const long long t = Micros(now);
    std::vector<std::string> ids = Query<std::string>(
        sql, kDueIds,
        {t, t, static_cast<long long>(urgent_only ? 1 : 0), static_cast<long long>(limit)},
        [](const soci::row& row) { return RowReader(row).Text(); });
    static const std::string kSelect =
        absl::StrCat("SELECT ", kColumns, " FROM outbox WHERE id = :id");
    for (const std::string& id : ids) {
      if (Execute(sql, kLease, {Micros(now + lease), id, t}) != 1) continue;
      for (OutboxMessage& m : Query<OutboxMessage>(sql, kSelect, {id}, ReadMessage)) {
        claimed.push_back(std::move(m));
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::Status OutboxStore::MarkSent(const std::string& id, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(sql, kMarkSent, {Micros(now), id});
    return absl::OkStatus();
  });
}

absl::Status OutboxStore::MarkFailed(
    const std::string& id, const std::string& error, absl::Time now) {
  const std::string kept = error.substr(0, kMaxErrorLength);
  return db_.Write([&](soci::session& sql) -> absl::Status {
    const long long attempts = Count(sql, kAttempts, {id}) + 1;
    if (auto next = domain::NextTryAfterFailure(static_cast<int>(attempts), now)) {
      Execute(sql, kRetry, {attempts, Micros(*next), kept, id});
    } else {
      Execute(sql, kDead, {attempts, kept, id});
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<OutboxMessage>> OutboxStore::List(
    const std::string& exchange_id, int limit) {
  std::vector<OutboxMessage> out;
  absl::Status status = db_.Read([&](soci::session& sql) {
    static const std::string kSelect = absl::StrCat(
        "SELECT ", kColumns,
        " FROM outbox WHERE exchange_id = :x ORDER BY create_time DESC, id LIMIT :limit");
    out = Query<OutboxMessage>(
        sql, kSelect, {exchange_id, static_cast<long long>(limit)}, ReadMessage);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace kokemus::storage
