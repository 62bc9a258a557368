#include "services/storage/webhook_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/events.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/validation.h"
#include "services/storage/event_store.h"
#include "services/storage/secret_token.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kColumns[] =
    "exchange_id, id, organization_id, url, cursor, failures, next_try, last_error, "
    "last_delivery, create_time, secret";
constexpr char kInsert[] =
    "INSERT INTO webhooks (exchange_id, id, organization_id, url, secret, cursor, failures, "
    "next_try, last_error, last_delivery, create_time) VALUES (:x, :id, :org, :url, :secret, "
    ":cursor, 0, 0, '', 0, :t)";
constexpr char kCountOrganization[] =
    "SELECT COUNT(*) FROM organizations WHERE exchange_id = :x AND id = :id";
constexpr char kDelete[] = "DELETE FROM webhooks WHERE exchange_id = :x AND id = :id";
constexpr char kDueKeys[] = "SELECT exchange_id, id FROM webhooks WHERE next_try <= :now";
constexpr char kLease[] =
    "UPDATE webhooks SET next_try = :until WHERE exchange_id = :x AND id = :id AND "
    "next_try <= :now";
constexpr char kDelivered[] =
    "UPDATE webhooks SET cursor = :cursor, failures = 0, next_try = 0, last_error = '', "
    "last_delivery = :t WHERE exchange_id = :x AND id = :id";
constexpr char kIdle[] = "UPDATE webhooks SET next_try = :next WHERE exchange_id = :x AND id = :id";
constexpr char kFailed[] =
    "UPDATE webhooks SET failures = :failures, next_try = :next, last_error = :error WHERE "
    "exchange_id = :x AND id = :id";

Webhook ReadHook(const soci::row& row) {
  RowReader r(row);
  Webhook h;
  h.exchange_id = r.Text();
  h.id = r.Text();
  h.organization_id = r.Text();
  h.url = r.Text();
  h.cursor = r.Int();
  h.failures = static_cast<int>(r.Int());
  h.next_try = r.Time();
  h.last_error = r.Text();
  h.last_delivery = r.Time();
  h.create_time = r.Time();
  h.secret = r.Text();
  return h;
}

std::vector<Webhook> Select(
    soci::session& sql, const std::string& where, const Record& values, bool with_secret) {
  std::vector<Webhook> hooks = Query<Webhook>(
      sql, absl::StrCat("SELECT ", kColumns, " FROM webhooks ", where), values, ReadHook);
  if (!with_secret) {
    for (Webhook& h : hooks) h.secret.clear();
  }
  return hooks;
}

}  // namespace

WebhookStore::WebhookStore(Database& db) : db_(db) {}

absl::StatusOr<Webhook> WebhookStore::Create(Webhook hook, absl::Time now) {
  if (absl::Status s = domain::ValidateWebhookUrl(hook.url, "webhook.url"); !s.ok()) return s;
  hook.secret = absl::StrCat("whsec_", NewSecret());
  hook.id = domain::GenerateId();
  hook.create_time = absl::FromUnixMicros(Micros(now));
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, hook.exchange_id); !s.ok()) return s;
    if (!hook.organization_id.empty() &&
        Count(sql, kCountOrganization, {hook.exchange_id, hook.organization_id}) == 0) {
      return absl::NotFoundError(absl::StrCat(
          domain::ChildResourceName(hook.exchange_id, "organizations", hook.organization_id),
          " not found"));
    }
    hook.cursor = EventStore::LastSeq(sql);
    Execute(
        sql, kInsert,
        {hook.exchange_id, hook.id, hook.organization_id, hook.url, hook.secret,
         static_cast<long long>(hook.cursor), Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return hook;
}

absl::StatusOr<std::vector<Webhook>> WebhookStore::List(
    const std::string& exchange_id, const std::string& organization_id) {
  std::vector<Webhook> hooks;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    hooks = Select(
        sql, "WHERE exchange_id = :x AND (:org = '' OR organization_id = :org2) ORDER BY id",
        {exchange_id, organization_id, organization_id}, false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return hooks;
}

absl::StatusOr<Webhook> WebhookStore::Get(const std::string& exchange_id, const std::string& id) {
  std::vector<Webhook> hooks;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    hooks = Select(sql, "WHERE exchange_id = :x AND id = :id", {exchange_id, id}, false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (hooks.empty()) {
    return absl::NotFoundError(
        absl::StrCat(domain::ChildResourceName(exchange_id, "webhooks", id), " not found"));
  }
  return hooks[0];
}

absl::Status WebhookStore::Delete(const std::string& exchange_id, const std::string& id) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    if (Execute(sql, kDelete, {exchange_id, id}) == 0) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "webhooks", id), " not found"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Webhook>> WebhookStore::ClaimDue(absl::Time now, absl::Duration lease) {
  std::vector<Webhook> claimed;
  // Read first: most looks find nothing due, and need no write.
  std::vector<std::pair<std::string, std::string>> keys;
  absl::Status read = db_.Read([&](soci::session& sql) -> absl::Status {
    keys = Query<std::pair<std::string, std::string>>(
        sql, kDueKeys, {Micros(now)}, [](const soci::row& row) {
          RowReader r(row);
          std::string exchange_id = r.Text();
          return std::make_pair(exchange_id, r.Text());
        });
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (keys.empty()) return claimed;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    claimed.clear();
    for (const auto& [exchange_id, id] : keys) {
      if (Execute(sql, kLease, {Micros(now + lease), exchange_id, id, Micros(now)}) != 1) continue;
      for (Webhook& h :
           Select(sql, "WHERE exchange_id = :x AND id = :id", {exchange_id, id}, true)) {
        claimed.push_back(std::move(h));
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::Status WebhookStore::Delivered(const Webhook& hook, int64_t cursor, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(
        sql, kDelivered, {static_cast<long long>(cursor), Micros(now), hook.exchange_id, hook.id});
    return absl::OkStatus();
  });
}

absl::Status WebhookStore::Idle(const Webhook& hook, absl::Time next_try) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(sql, kIdle, {Micros(next_try), hook.exchange_id, hook.id});
    return absl::OkStatus();
  });
}

absl::Status WebhookStore::Failed(const Webhook& hook, const std::string& error, absl::Time now) {
  const int failures = hook.failures + 1;
  return db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(
        sql, kFailed,
        {static_cast<long long>(failures), Micros(now + domain::RetryDelay(failures)),
         error.substr(0, 500), hook.exchange_id, hook.id});
    return absl::OkStatus();
  });
}

}  // namespace kokemus::storage
