// The audit log of accesses to personal data (experts' records, contracts):
// time, caller (key and role), exchange, method, resource and outcome. Records
// are appended inside the caller's write transaction, so an access and its
// record commit together or not at all, and are chained per exchange: each
// record's SHA-256 covers the previous record's hash, and the chain's head
// (last sequence number and hash) is kept beside it. Verify() finds an edited,
// removed or reordered record, and removed newest records.
//
//   db.Write([&](soci::session& sql) { ...; return AuditStore::Append(sql, db.dialect(), r); });
//   auto problems = audit.Verify("ph");   // empty: intact
#ifndef KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct AuditRecord {
  std::string exchange_id;  // "" for national actions (their own chain)
  int64_t seq = 0;          // set by Append: 1, 2, ... per chain
  absl::Time time = absl::UnixEpoch();
  std::string key_id;
  std::string role;
  std::string method;    // "kokemus.v1.RegistryService/GetExpert"
  std::string resource;  // "exchanges/ph/experts/kaisa"
  std::string outcome;   // "OK" or the status code's name
  std::string hash;      // set by Append
};

struct AuditQuery {
  std::string exchange_id;  // "": every chain
  std::string resource;     // "": any; else this resource and what is under it
  std::string key_id;       // "": any
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  int limit = 1000;
};

class AuditStore final {
 public:
  explicit AuditStore(Database& db) : db_(db) {}

  // Appends inside an open write transaction; fills seq and hash. On
  // PostgreSQL the chain's head row is locked until the transaction ends.
  static absl::Status Append(soci::session& sql, Dialect dialect, AuditRecord& record);
  // Appends many, in the given order within each chain, with one lock and one
  // insert per chain (per 100 rows).
  static absl::Status AppendAll(soci::session& sql, Dialect dialect,
                                const std::vector<AuditRecord*>& records);

  // Newest first.
  absl::StatusOr<std::vector<AuditRecord>> List(const AuditQuery& query);
  // One line per problem found in the exchange's chain ("" : national); empty
  // when the chain is intact.
  absl::StatusOr<std::vector<std::string>> Verify(const std::string& exchange_id);

 private:
  Database& db_;
};

// Records of reads, written in groups: Write() returns once its record is
// committed, and every record that arrived while a group was being committed
// goes in the next group's one transaction (group commit). Reads stay
// unanswered until their record is kept, without one transaction each.
//
//   AuditWriter writer(db);
//   if (!writer.Write(record).ok()) return Unavailable(...);  // answer nothing
class AuditWriter final {
 public:
  explicit AuditWriter(Database& db);
  ~AuditWriter();  // writes what is queued, then stops
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Blocks until `record` is committed; the write's status.
  absl::Status Write(AuditRecord record);

 private:
  struct Pending {
    AuditRecord record;
    absl::Status status;
    bool done = false;
  };
  void Run();

  Database& db_;
  std::mutex mu_;
  std::condition_variable wake_;  // the writer: work or stop
  std::condition_variable done_;  // the callers: a group committed
  std::vector<Pending*> queue_;   // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::thread thread_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
