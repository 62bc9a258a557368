// The database behind Kokemus: a pool of SOCI sessions to SQLite (the
// embedded default) or PostgreSQL, the schema migrations, and the read and
// write-transaction wrappers that turn SOCI exceptions into statuses.
//
//   auto db = Database::Open("data/kokemus.db");          // or postgresql://...
//   absl::Status s = (*db)->Write([&](soci::session& sql) -> absl::Status {
//     sql << kInsertExpert, soci::use(...);
//     return absl::OkStatus();                            // commits
//   });
#ifndef KOKEMUS_SERVICES_STORAGE_DATABASE_H_
#define KOKEMUS_SERVICES_STORAGE_DATABASE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/clock.h"
#include "soci/connection-pool.h"
#include "soci/session.h"

namespace kokemus::storage {

enum class Dialect { kSqlite, kPostgresql };

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// Work added to a write transaction just before it commits: the audit record
// of the RPC being served, so the access and its record commit together.
class TransactionRider {
 public:
  virtual ~TransactionRider() = default;
  virtual absl::Status Ride(soci::session& sql, Dialect dialect) = 0;
};

// While alive, `rider` rides the next Write that commits on this thread (once;
// a Write that rolls back takes it off again). rode() tells whether one did.
class RiderScope final {
 public:
  explicit RiderScope(TransactionRider* rider);
  ~RiderScope();
  RiderScope(const RiderScope&) = delete;
  RiderScope& operator=(const RiderScope&) = delete;
  bool rode() const { return rode_; }

 private:
  friend class Database;
  TransactionRider* rider_;
  RiderScope* outer_;
  bool rode_ = false;
};

class Database final {
 public:
  using Work = std::function<absl::Status(soci::session&)>;

  // `url` is a `postgresql://` (or `postgres://`) URL, or a SQLite file path
  // whose directory is created if missing. Applies pending migrations.
  // UNAVAILABLE with a one-line reason when the database can't be opened.
  static absl::StatusOr<std::unique_ptr<Database>> Open(absl::string_view url);

  Dialect dialect() const { return dialect_; }

  // The clock the stores read "now" from (the system clock unless set; set it
  // before serving). Now() is to the microsecond, so a time returned from a
  // write equals what a later read gives.
  // The key that seals audit records (HMAC-SHA256), set by the server from
  // its secret before serving; empty: records are plain SHA-256 hashes.
  void set_audit_key(std::string key) { audit_key_ = std::move(key); }
  const std::string& audit_key() const { return audit_key_; }
  // The key that seals personal identity codes (storage/sealed.h), 32 bytes,
  // set by the server from its secret before serving; empty: none are taken.
  void set_identity_key(std::string key) { identity_key_ = std::move(key); }
  const std::string& identity_key() const { return identity_key_; }
  void set_clock(const domain::Clock& clock) { clock_ = &clock; }
  const domain::Clock& clock() const { return *clock_; }
  absl::Time Now() const { return absl::FromUnixMicros(absl::ToUnixMicros(clock_->Now())); }

  // Runs `work` on a pooled session, outside a transaction.
  absl::Status Read(const Work& work);
  // Runs `work` in a transaction that commits only if it returns OK. On SQLite
  // writers queue on an in-process lock and use BEGIN IMMEDIATE, so they never
  // meet SQLITE_BUSY from each other.
  absl::Status Write(const Work& work);

  // The same for work that returns a value, absl::StatusOr<T>; Write commits
  // only if it is OK. The database's own failure comes back as the status.
  //   absl::StatusOr<Order> order =
  //       db.Read([&](soci::session& sql) -> absl::StatusOr<Order> { return ...; });
  template <typename F, typename R = std::invoke_result_t<F&, soci::session&>>
  requires IsStatusOr<R>::value R Read(F&& work) {
    std::optional<R> result;
    absl::Status status = Read(Work([&](soci::session& sql) {
      result.emplace(work(sql));
      return result->status();
    }));
    if (!result || (!status.ok() && result->ok())) return status;
    return *std::move(result);
  }
  template <typename F, typename R = std::invoke_result_t<F&, soci::session&>>
  requires IsStatusOr<R>::value R Write(F&& work) {
    std::optional<R> result;
    absl::Status status = Write(Work([&](soci::session& sql) {
      result.emplace(work(sql));
      return result->status();
    }));
    if (!result || (!status.ok() && result->ok())) return status;
    return *std::move(result);
  }

  // Sessions of the pool, and how many are leased right now (for metrics).
  size_t pool_size() const { return pool_size_; }
  int sessions_in_use() const { return in_use_.load(); }

  // Grows after each committed Write: what this process may have changed
  // since a value read before.
  uint64_t committed_writes() const { return writes_.load(std::memory_order_acquire); }

  // Versions of the applied migrations, in order.
  absl::StatusOr<std::vector<int>> AppliedMigrations();

  ~Database();

 private:
  std::string audit_key_;
  std::string identity_key_;
  Database(Dialect dialect, size_t pool_size);
  absl::Status Connect(const std::string& connect_string);
  absl::Status Migrate();

  const Dialect dialect_;
  const domain::Clock* clock_ = &domain::SystemClock();
  const size_t pool_size_;
  soci::connection_pool pool_;
  std::mutex sqlite_writer_;
  std::atomic<int> in_use_{0};
  std::atomic<uint64_t> writes_{0};
};

// Maps a SOCI (or other std::exception) failure to a status whose message
// holds no data values: only the kind of failure.
absl::Status StatusFromException(const std::exception& e);

// SOCI's PostgreSQL backend reads its connect string as space-separated
// key=value pairs and garbles a URI, so libpq's own parser turns a
// postgresql:// URL into that form: "host='db' port='5432' dbname='k' ...".
absl::StatusOr<std::string> PostgresqlConnectString(const std::string& url);

// True if `e` reports a violated unique, foreign-key or exclusion constraint.
bool IsConstraintViolation(const std::exception& e);

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_DATABASE_H_
