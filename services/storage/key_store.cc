#include "services/storage/key_store.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/digest.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/domain/session.h"
#include "services/domain/validation.h"
#include "services/storage/secret_token.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kPrefix[] = "kok_";
constexpr char kPepperName[] = "api_key_pepper";

// The creator's exchange comes along, to name the creator (AIP-122).
constexpr char kKeyColumns[] =
    "id, display_name, role, exchange_id, organization_id, expert_id, secret_hash, "
    "create_time, expire_time, revoke_time, created_by, idle_seconds, last_used_time, "
    "COALESCE((SELECT c.exchange_id FROM api_keys c WHERE c.id = api_keys.created_by), '')";
constexpr char kSelectPepper[] = "SELECT value FROM server_secrets WHERE name = :name";
constexpr char kInsertPepper[] =
    "INSERT INTO server_secrets (name, value) VALUES (:name, :value) ON CONFLICT (name) "
    "DO NOTHING";
constexpr char kCountOrganization[] =
    "SELECT COUNT(*) FROM organizations WHERE exchange_id = :x AND id = :id";
constexpr char kCountExpert[] = "SELECT COUNT(*) FROM experts WHERE exchange_id = :x AND id = :id";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys (id, display_name, role, exchange_id, organization_id, "
    "expert_id, secret_hash, create_time, expire_time, revoke_time, created_by, idle_seconds, "
    "last_used_time) VALUES (:id, :name, :role, :x, :org, :expert, :hash, :c, :e, 0, :by, :idle, "
    ":used)";
constexpr char kTouchKey[] = "UPDATE api_keys SET last_used_time = :t WHERE id = :id";
constexpr char kRevokeKey[] =
    "UPDATE api_keys SET revoke_time = :t WHERE id = :id AND revoke_time = 0";
// ListApiKeys: by id from the page token's cursor, in one scope.
constexpr char kKeysAfter[] = " WHERE id > :after";
constexpr char kKeysOfExchange[] = " AND exchange_id = :x";
constexpr char kNationalKeys[] = " AND exchange_id = ''";
constexpr char kKeysPageOrder[] = " ORDER BY id LIMIT :limit";

absl::Status Unauthenticated() { return absl::UnauthenticatedError("invalid API key"); }

struct Row {
  ApiKey key;
  std::string secret_hash;
};

Row ReadKey(const soci::row& row) {
  RowReader r(row);
  Row out;
  ApiKey& k = out.key;
  k.id = r.Text();
  k.display_name = r.Text();
  k.principal.key_id = k.id;
  k.principal.role = domain::AccessRoleFromName(r.Text());
  k.principal.exchange_id = r.Text();
  k.principal.organization_id = r.Text();
  k.principal.expert_id = r.Text();
  out.secret_hash = r.Text();
  k.create_time = r.Time();
  k.expire_time = r.Time();
  k.revoke_time = r.Time();
  k.created_by = r.Text();
  k.idle_timeout = absl::Seconds(r.Int());
  k.last_used_time = r.Time();
  k.created_by_exchange_id = r.Text();
  return out;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.resize(n * 2);
  return hex;
}

// The key with `id`: one row, or none.
std::vector<Row> RowsById(soci::session& sql, const std::string& id) {
  static const std::string kSelectById =
      absl::StrCat("SELECT ", kKeyColumns, " FROM api_keys WHERE id = :id");
  return Query<Row>(sql, kSelectById, {id}, ReadKey);
}

}  // namespace

KeyStore::KeyStore(Database& db, std::string pepper) : db_(db), pepper_(std::move(pepper)) {
  if (sodium_init() < 0) std::abort();  // no secure random numbers: nothing safe to do
}

absl::StatusOr<std::string> KeyStore::AuditKey() {
  auto pepper = Pepper();
  if (!pepper.ok()) return pepper.status();
  return domain::HmacSha256Hex(*pepper, "kokemus audit chain v1");
}

absl::StatusOr<std::string> KeyStore::IdentityCodeKey() {
  auto pepper = Pepper();
  if (!pepper.ok()) return pepper.status();
  const std::string hex = domain::HmacSha256Hex(*pepper, "kokemus identity codes v1");
  std::string key(32, '\0');
  size_t len = 0;
  if (sodium_hex2bin(
          reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(), hex.size(), nullptr,
          &len, nullptr) != 0 ||
      len != key.size()) {
    return absl::InternalError("could not derive the identity code key");
  }
  return key;
}

absl::StatusOr<std::string> KeyStore::Pepper() {
  std::lock_guard<std::mutex> lock(pepper_mu_);
  if (!pepper_.empty()) return pepper_;
  std::string pepper;
  auto read = [&](soci::session& sql) {
    auto rows = Query<std::string>(
        sql, kSelectPepper, {std::string(kPepperName)},
        [](const soci::row& row) { return RowReader(row).Text(); });
    if (!rows.empty()) pepper = rows.front();
    return absl::OkStatus();
  };
  // Read first: only the very first start writes.
  absl::Status status = db_.Read(read);
  if (status.ok() && pepper.empty())
    status = db_.Write([&](soci::session& sql) {
      unsigned char fresh[crypto_generichash_KEYBYTES];
      randombytes_buf(fresh, sizeof fresh);
      Execute(sql, kInsertPepper, {std::string(kPepperName), Hex(fresh, sizeof fresh)});
      return read(sql);  // ours, or one another replica made first
    });
  if (!status.ok()) return status;
  if (pepper.empty()) return absl::InternalError("no key pepper");
  std::string bytes(crypto_generichash_KEYBYTES, '\0');
  size_t len = 0;
  if (sodium_hex2bin(
          reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), pepper.data(),
          pepper.size(), nullptr, &len, nullptr) != 0 ||
      len != bytes.size()) {
    return absl::InternalError("the stored key pepper is damaged");
  }
  pepper_ = bytes;
  return pepper_;
}

namespace {

std::string HashSecret(absl::string_view secret, const std::string& pepper) {
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(
      out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
      reinterpret_cast<const unsigned char*>(pepper.data()), pepper.size());
  return Hex(out, sizeof out);
}

}  // namespace

absl::StatusOr<CreatedKey> KeyStore::Create(ApiKey key, absl::Time now) {
  domain::FieldViolations v;
  const domain::Principal& p = key.principal;
  domain::ValidateNewKey(key.display_name, p, key.expire_time, now, v);
  if (!v.empty()) return v.ToStatus();
  auto pepper = Pepper();
  if (!pepper.ok()) return pepper.status();

  std::string secret = NewSecret();

  key.id = domain::GenerateId();
  key.principal.key_id = key.id;
  key.create_time = db_.Now();
  key.expire_time = absl::FromUnixMicros(absl::ToUnixMicros(key.expire_time));
  key.revoke_time = absl::UnixEpoch();
  key.last_used_time = now;
  const std::string hash = HashSecret(secret, *pepper);
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (!p.exchange_id.empty()) {
      if (absl::Status s = CheckExchangeExists(sql, p.exchange_id); !s.ok()) return s;
    }
    if (!p.organization_id.empty() &&
        Count(sql, kCountOrganization, {p.exchange_id, p.organization_id}) == 0) {
      return absl::NotFoundError(absl::StrCat(
          domain::ChildResourceName(p.exchange_id, "organizations", p.organization_id),
          " not found"));
    }
    if (!p.expert_id.empty() && Count(sql, kCountExpert, {p.exchange_id, p.expert_id}) == 0) {
      return absl::NotFoundError(absl::StrCat(
          domain::ChildResourceName(p.exchange_id, "experts", p.expert_id), " not found"));
    }
    Execute(
        sql, kInsertKey,
        {key.id, key.display_name, std::string(domain::AccessRoleName(p.role)), p.exchange_id,
         p.organization_id, p.expert_id, hash, Micros(key.create_time), Micros(key.expire_time),
         key.created_by, static_cast<long long>(absl::ToInt64Seconds(key.idle_timeout)),
         Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  CreatedKey made{key, absl::StrCat(kPrefix, key.id, "_", secret)};
  sodium_memzero(secret.data(), secret.size());
  return made;
}

absl::StatusOr<domain::Principal> KeyStore::Authenticate(
    absl::string_view plaintext, absl::Time now, absl::Time* expire_time) {
  if (!absl::ConsumePrefix(&plaintext, kPrefix)) return Unauthenticated();
  const size_t cut = plaintext.find('_');
  if (cut == absl::string_view::npos) return Unauthenticated();
  const std::string id(plaintext.substr(0, cut));
  const absl::string_view secret = plaintext.substr(cut + 1);
  if (!domain::IsValidId(id) || secret.empty() || secret.size() > 100) return Unauthenticated();
  auto pepper = Pepper();
  if (!pepper.ok()) return pepper.status();
  std::vector<Row> rows;
  absl::Status status = db_.Read([&](soci::session& sql) {
    rows = RowsById(sql, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // The hash is computed even for an unknown id, so timing tells nothing.
  const std::string presented = HashSecret(secret, *pepper);
  if (rows.empty()) return Unauthenticated();
  const Row& row = rows.front();
  if (row.secret_hash.size() != presented.size() ||
      sodium_memcmp(row.secret_hash.data(), presented.data(), presented.size()) != 0) {
    return Unauthenticated();
  }
  if (now >= row.key.expire_time || row.key.revoke_time != absl::UnixEpoch()) {
    return Unauthenticated();
  }
  if (row.key.idle_timeout > absl::ZeroDuration()) {
    if (domain::SessionIdle(row.key.last_used_time, row.key.idle_timeout, now)) {
      return Unauthenticated();
    }
    if (domain::SessionTouchDue(row.key.last_used_time, now)) {
      absl::Status touched = db_.Write([&](soci::session& sql) {
        Execute(sql, kTouchKey, {Micros(now), id});
        return absl::OkStatus();
      });
      if (!touched.ok()) return touched;
    }
  }
  if (expire_time != nullptr) *expire_time = row.key.expire_time;
  domain::Principal who = row.key.principal;
  who.web_session = row.key.idle_timeout > absl::ZeroDuration();
  return who;
}

absl::StatusOr<ApiKey> KeyStore::Revoke(const std::string& id, absl::Time now) {
  std::vector<Row> rows;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(sql, kRevokeKey, {Micros(now), id});
    rows = RowsById(sql, id);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("apiKeys/", id, " not found"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows.front().key;
}

absl::StatusOr<ApiKey> KeyStore::Get(const std::string& id) {
  std::vector<Row> rows;
  absl::Status status = db_.Read([&](soci::session& sql) {
    rows = RowsById(sql, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("apiKeys/", id, " not found"));
  return rows.front().key;
}

absl::StatusOr<Page<ApiKey>> KeyStore::List(const KeyScope& scope, const domain::ListQuery& query) {
  Page<ApiKey> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    static const std::string kSelect = absl::StrCat("SELECT ", kKeyColumns, " FROM api_keys");
    std::string text = absl::StrCat(kSelect, kKeysAfter);
    Record values = {query.after_id};
    if (scope.kind == KeyScope::Kind::kExchange) {
      if (absl::Status s = CheckExchangeExists(sql, scope.exchange_id); !s.ok()) return s;
      absl::StrAppend(&text, kKeysOfExchange);
      values.push_back(scope.exchange_id);
    } else if (scope.kind == KeyScope::Kind::kNational) {
      absl::StrAppend(&text, kNationalKeys);
    }
    absl::StrAppend(&text, kKeysPageOrder);
    values.push_back(static_cast<long long>(query.page_size + 1));
    for (Row& r : Query<Row>(sql, text, std::move(values), ReadKey)) {
      page.items.push_back(std::move(r.key));
    }
    FinishPage(page, query, [](const ApiKey& k) { return k.id; });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

}  // namespace kokemus::storage
