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

#include <string>
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

  // Newest first.
  absl::StatusOr<std::vector<AuditRecord>> List(const AuditQuery& query);
  // One line per problem found in the exchange's chain ("" : national); empty
  // when the chain is intact.
  absl::StatusOr<std::vector<std::string>> Verify(const std::string& exchange_id);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
