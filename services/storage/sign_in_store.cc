#include "services/storage/sign_in_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/sign_in.h"
#include "services/domain/validation.h"
#include "services/storage/secret_token.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kInsertLink[] =
    "INSERT INTO sign_in_links (id, exchange_id, role, expert_id, organization_id, email, target, "
    "secret_hash, create_time, expire_time, used_time) VALUES (:id, :x, :role, :expert, :org, "
    ":email, :target, :hash, :create_time, :expire_time, 0)";
constexpr char kSelectLink[] =
    "SELECT exchange_id, role, expert_id, organization_id, email, target, secret_hash, "
    "expire_time, used_time FROM sign_in_links WHERE id = :id";
// Spent once: a second redeemer, however close in time, changes no row.
constexpr char kSpend[] =
    "UPDATE sign_in_links SET used_time = :now WHERE id = :id AND used_time = 0 AND "
    "expire_time > :now2";
constexpr char kSweep[] = "DELETE FROM sign_in_links WHERE expire_time < :before";

struct Row {
  LinkGrant grant;
  std::string hash;
  absl::Time expire_time;
  absl::Time used_time;
};

absl::StatusOr<Row> Find(soci::session& sql, absl::string_view token) {
  const absl::Status invalid = absl::NotFoundError("this sign-in link is not valid");
  std::optional<domain::LinkToken> parts = domain::ParseLinkToken(token);
  if (!parts) return invalid;
  std::vector<Row> rows = Query<Row>(sql, kSelectLink, {parts->id}, [&](const soci::row& row) {
    RowReader r(row);
    Row out;
    out.grant.principal.key_id = parts->id;
    out.grant.principal.exchange_id = r.Text();
    out.grant.principal.role = domain::AccessRoleFromName(r.Text());
    out.grant.principal.expert_id = r.Text();
    out.grant.principal.organization_id = r.Text();
    out.grant.email = r.Text();
    out.grant.target = r.Text();
    out.hash = r.Text();
    out.expire_time = r.Time();
    out.used_time = r.Time();
    return out;
  });
  // In constant time: a wrong secret for a known id tells nothing more.
  if (rows.empty() || !SameHash(rows[0].hash, SecretHash(parts->secret))) return invalid;
  return rows[0];
}

}  // namespace

SignInStore::SignInStore(Database& db) : db_(db) {}

absl::StatusOr<std::vector<std::string>> SignInStore::Mint(
    const std::vector<LinkRequest>& requests, absl::Time now) {
  std::vector<std::string> tokens;
  std::vector<Record> rows;
  for (const LinkRequest& request : requests) {
    auto person = PersonOf(request.link_for, "link_for");
    if (!person.ok()) return person.status();
    const std::string id = domain::GenerateId();
    const std::string secret = NewSecret();
    rows.push_back(
        {id, person->exchange_id, std::string(domain::AccessRoleName(person->role)),
         person->expert_id, person->organization_id, request.email, request.target,
         SecretHash(secret), Micros(now), Micros(now + request.lifetime)});
    tokens.push_back(absl::StrCat(id, "_", secret));
  }
  if (rows.empty()) return tokens;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    for (const Record& row : rows) Execute(sql, kInsertLink, row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return tokens;
}

absl::Status SignInStore::Check(absl::string_view token, absl::Time now) {
  return db_.Read([&](soci::session& sql) -> absl::Status {
    auto row = Find(sql, token);
    if (!row.ok()) return row.status();
    return domain::CheckLinkUsable(row->expire_time, row->used_time, now);
  });
}

absl::StatusOr<LinkGrant> SignInStore::Redeem(absl::string_view token, absl::Time now) {
  LinkGrant grant;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    auto row = Find(sql, token);
    if (!row.ok()) return row.status();
    if (absl::Status s = domain::CheckLinkUsable(row->expire_time, row->used_time, now); !s.ok()) {
      return s;
    }
    if (Execute(sql, kSpend, {Micros(now), row->grant.principal.key_id, Micros(now)}) != 1) {
      return domain::CheckLinkUsable(row->expire_time, now, now);  // spent meanwhile
    }
    grant = row->grant;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return grant;
}

absl::StatusOr<int> SignInStore::Sweep(absl::Time before) {
  int removed = 0;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    removed = static_cast<int>(Execute(sql, kSweep, {Micros(before)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return removed;
}

}  // namespace kokemus::storage
