#include "services/storage/database.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libpq-fe.h"
#include "soci/postgresql/soci-postgresql.h"
#include "soci/soci.h"
#include "soci/sqlite3/soci-sqlite3.h"

namespace kokemus {
// Defined in the file that cmake/Embed.cmake generates from
// services/storage/migrations/*.sql.
const std::vector<std::pair<absl::string_view, absl::string_view>>& EmbeddedMigrations();
}  // namespace kokemus

namespace kokemus::storage {
namespace {

constexpr size_t kPostgresqlPoolSize = 8;
constexpr size_t kSqlitePoolSize = 4;
// Any constant: all Kokemus servers on one PostgreSQL database take this
// advisory lock while migrating, so that replicas starting together agree.
constexpr long long kMigrationLockKey = 0x6b6f6b656d7573;  // "kokemus"

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_time BIGINT NOT NULL)";
constexpr char kSelectMigrations[] = "SELECT version FROM schema_migrations ORDER BY version";
constexpr char kInsertMigration[] =
    "INSERT INTO schema_migrations (version, name, applied_time)"
    " VALUES (:version, :name, :applied_time)";

struct Migration {
  int version = 0;
  std::string name;
  std::vector<std::string> statements;
};

// Splits a migration into statements at lines that end with ';'. Migrations
// are written so (no ';' at the end of a line inside a literal); SQLite and
// SOCI run one statement per call.
std::vector<std::string> SplitStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      current.erase(current.find_last_of(';'));
      statements.push_back(std::move(current));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.push_back(std::move(current));
  }
  return statements;
}

// Migrations for `dialect`: "NNNN_name.sql" apply to both databases,
// "NNNN_name.postgresql.sql" and "NNNN_name.sqlite.sql" to one.
std::vector<Migration> MigrationsFor(Dialect dialect) {
  const absl::string_view own = dialect == Dialect::kSqlite ? ".sqlite.sql" : ".postgresql.sql";
  const absl::string_view other = dialect == Dialect::kSqlite ? ".postgresql.sql" : ".sqlite.sql";
  std::map<int, Migration> by_version;
  for (const auto& [file, contents] : EmbeddedMigrations()) {
    if (absl::EndsWith(file, other)) continue;
    int version = 0;
    if (file.size() < 5 || !absl::SimpleAtoi(file.substr(0, 4), &version)) {
      continue;
    }
    Migration& m = by_version[version];
    if (!m.statements.empty() && !absl::EndsWith(file, own)) continue;
    m.version = version;
    m.name = std::string(file);
    m.statements = SplitStatements(contents);
  }
  std::vector<Migration> out;
  for (auto& [version, m] : by_version) out.push_back(std::move(m));
  return out;
}

}  // namespace

absl::StatusOr<std::string> PostgresqlConnectString(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error ? error : "malformed URL";
    PQfreemem(error);
    reason = reason.substr(0, reason.find('\n'));
    return absl::InvalidArgumentError(absl::StrCat("bad PostgreSQL URL: ", reason));
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\'' || *c == '\\') value.push_back('\\');
      value.push_back(*c);
    }
    absl::StrAppend(&out, out.empty() ? "" : " ", o->keyword, "='", value, "'");
  }
  PQconninfoFree(options);
  return out;
}

namespace {

long long NowMicros() { return absl::ToUnixMicros(absl::Now()); }

void IgnoreNotice(void*, const char*) {}

// libpq prints the server's notices on stderr ("WARNING: terminating
// connection due to immediate shutdown"), which would break the JSON log
// stream; the server's own log says what failed.
void QuietNotices(soci::session& sql) {
  if (sql.get_backend_name() != "postgresql") return;
  // soci exports no type information for its backends: checked by name.
  auto* pg = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  PQsetNoticeProcessor(pg->conn_, IgnoreNotice, nullptr);
}

// A pooled PostgreSQL session outlives a database restart broken; reconnect
// it so that the server recovers without a restart of its own. While the
// database can't be reached the call is UNAVAILABLE: clients retry it.
absl::Status EnsureConnected(soci::session& sql) {
  if (sql.is_connected()) return absl::OkStatus();
  try {
    sql.reconnect();
  } catch (const std::exception&) {
    return absl::UnavailableError("database unavailable; retry");
  }
  QuietNotices(sql);
  return absl::OkStatus();
}

// What a failure inside a transaction means to the caller: whatever the
// statement's error says, a connection found broken after it means the
// database went away (soci reports that as a plain error, no SQLSTATE).
absl::Status StatusOfFailure(const std::exception& e, soci::session& sql) {
  bool connected = true;
  try {
    connected = sql.is_connected();
  } catch (const std::exception&) {
    connected = false;
  }
  if (!connected) return absl::UnavailableError("database connection lost; retry");
  return StatusFromException(e);
}

}  // namespace

bool IsConstraintViolation(const std::exception& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    return pg->get_error_category() == soci::soci_error::constraint_violation;
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    return (lite->result() & 0xff) == 19;  // SQLITE_CONSTRAINT
  }
  return false;
}

absl::Status StatusFromException(const std::exception& e) {
  if (IsConstraintViolation(e)) {
    return absl::AbortedError("a concurrent change conflicted with this one; retry");
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    if ((lite->result() & 0xff) == 5) {  // SQLITE_BUSY
      return absl::UnavailableError("database busy; retry");
    }
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    switch (soci_error->get_error_category()) {
      case soci::soci_error::connection_error:
        return absl::UnavailableError("database connection failed");
      case soci::soci_error::unknown_transaction_state:
        return absl::UnavailableError("database transaction state unknown");
      default:
        break;
    }
    if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
      // Class 08: connection exception; 57P: operator intervention (shutdown).
      const std::string state = pg->sqlstate();
      if (absl::StartsWith(state, "08") || absl::StartsWith(state, "57P")) {
        return absl::UnavailableError("database unavailable");
      }
      return absl::InternalError(absl::StrCat("database error, SQLSTATE ", state));
    }
  }
  return absl::InternalError("database error");
}

Database::Database(Dialect dialect, size_t pool_size)
    : dialect_(dialect), pool_size_(pool_size), pool_(pool_size) {}

Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(absl::string_view url) {
  const bool postgresql =
      absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://");
  std::string connect_string;
  if (postgresql) {
    auto parsed = PostgresqlConnectString(std::string(url));
    if (!parsed.ok()) return parsed.status();
    connect_string = *std::move(parsed);
  } else {
    if (url.empty()) return absl::InvalidArgumentError("database path is empty");
    if (url.find('"') != absl::string_view::npos) {
      return absl::InvalidArgumentError("database path must not contain '\"'");
    }
    std::filesystem::path path{std::string(url)};
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec) {
        return absl::UnavailableError(absl::StrCat(
            "cannot create directory ", path.parent_path().string(), ": ", ec.message()));
      }
    }
    // synchronous=FULL is set in Connect, after the busy timeout: soci runs a
    // "synchronous" connect option before it sets the timeout, so a second
    // process opening the file while another writes failed at once with
    // "database is locked".
    connect_string = absl::StrCat("db=\"", url, "\" timeout=10");
  }
  std::unique_ptr<Database> db(new Database(
      postgresql ? Dialect::kPostgresql : Dialect::kSqlite,
      postgresql ? kPostgresqlPoolSize : kSqlitePoolSize));
  if (absl::Status s = db->Connect(connect_string); !s.ok()) return s;
  if (absl::Status s = db->Migrate(); !s.ok()) return s;
  return db;
}

absl::Status Database::Connect(const std::string& connect_string) {
  for (size_t i = 0; i < pool_size_; ++i) {
    soci::session& sql = pool_.at(i);
    try {
      if (dialect_ == Dialect::kPostgresql) {
        sql.open(soci::postgresql, connect_string);
        QuietNotices(sql);
      } else {
        sql.open(soci::sqlite3, connect_string);
        // A committed write survives a power loss, not only a crash of the
        // process (acknowledged data is never lost).
        sql << "PRAGMA synchronous=FULL";
        sql << "PRAGMA journal_mode=WAL";
        sql << "PRAGMA foreign_keys=ON";
      }
    } catch (const std::exception& e) {
      // libpq's message can name the host and user but never data; keep
      // only its first line so the server's error stays one line.
      std::string reason = e.what();
      reason = reason.substr(0, reason.find('\n'));
      return absl::UnavailableError(absl::StrCat("cannot open the database: ", reason));
    }
  }
  return absl::OkStatus();
}

absl::Status Database::Migrate() {
  try {
    soci::session sql(pool_);
    if (dialect_ == Dialect::kPostgresql) {
      sql << "SELECT pg_advisory_lock(" << kMigrationLockKey << ")";
    }
    absl::Status status = absl::OkStatus();
    try {
      sql << kCreateMigrationsTable;
      std::vector<long long> applied(1000);
      sql << kSelectMigrations, soci::into(applied);
      for (const Migration& m : MigrationsFor(dialect_)) {
        if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) {
          continue;
        }
        std::unique_lock<std::mutex> lock(sqlite_writer_, std::defer_lock);
        if (dialect_ == Dialect::kSqlite) {
          lock.lock();
          sql << "BEGIN IMMEDIATE";
        } else {
          sql << "BEGIN";
        }
        try {
          for (const std::string& statement : m.statements) sql << statement;
          long long version = m.version;
          long long now = NowMicros();
          sql << kInsertMigration, soci::use(version), soci::use(m.name), soci::use(now);
          sql << "COMMIT";
        } catch (...) {
          sql << "ROLLBACK";
          throw;
        }
      }
    } catch (const std::exception& e) {
      status = absl::UnavailableError(
          absl::StrCat("database migration failed: ", StatusFromException(e).message()));
    }
    if (dialect_ == Dialect::kPostgresql) {
      sql << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
    }
    return status;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

absl::StatusOr<std::vector<int>> Database::AppliedMigrations() {
  std::vector<int> versions;
  absl::Status s = Read([&](soci::session& sql) {
    std::vector<long long> applied(1000);
    sql << kSelectMigrations, soci::into(applied);
    versions.assign(applied.begin(), applied.end());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return versions;
}

namespace {
// Counts a leased session for as long as it lives.
class InUse final {
 public:
  explicit InUse(std::atomic<int>& n) : n_(n) { ++n_; }
  ~InUse() { --n_; }

 private:
  std::atomic<int>& n_;
};
}  // namespace

namespace {
thread_local RiderScope* current_rider = nullptr;
}  // namespace

RiderScope::RiderScope(TransactionRider* rider) : rider_(rider), outer_(current_rider) {
  current_rider = this;
}

RiderScope::~RiderScope() { current_rider = outer_; }

absl::Status Database::Read(const Work& work) {
  InUse in_use(in_use_);
  try {
    soci::session sql(pool_);
    if (absl::Status s = EnsureConnected(sql); !s.ok()) return s;
    try {
      return work(sql);
    } catch (const std::exception& e) {
      return StatusOfFailure(e, sql);
    }
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

absl::Status Database::Write(const Work& work) {
  std::unique_lock<std::mutex> lock(sqlite_writer_, std::defer_lock);
  if (dialect_ == Dialect::kSqlite) lock.lock();
  InUse in_use(in_use_);
  try {
    soci::session sql(pool_);
    if (absl::Status s = EnsureConnected(sql); !s.ok()) return s;
    absl::Status status;
    RiderScope* rider = nullptr;
    try {
      sql << (dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
      status = work(sql);
      if (status.ok() && current_rider != nullptr && !current_rider->rode_) {
        status = current_rider->rider_->Ride(sql, dialect_);
        rider = current_rider;
      }
      sql << (status.ok() ? "COMMIT" : "ROLLBACK");
    } catch (const std::exception& e) {
      status = StatusOfFailure(e, sql);
      try {
        sql << "ROLLBACK";
      } catch (const std::exception&) {
        // The connection is gone or no transaction is open: nothing to undo.
      }
      return status;
    } catch (...) {
      sql << "ROLLBACK";
      throw;
    }
    if (status.ok()) {
      writes_.fetch_add(1, std::memory_order_release);
      if (rider != nullptr) rider->rode_ = true;
    }
    return status;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace kokemus::storage
