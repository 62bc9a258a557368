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

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
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
  // The calling key's exchange ("": a national key), read by List; not part
  // of the record or its hash.
  std::string key_exchange_id;
};

struct AuditQuery {
  std::string exchange_id;  // "": every chain
  std::string resource;     // "": any; else this resource and what is under it
  std::string key_id;       // "": any
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  int page_size = 100;
  std::string after;  // the cursor of the last record read ("time/chain/seq"); "": from the newest
};

// Newest first; `next` is the cursor to continue from, "" on the last page.
struct AuditPage {
  std::vector<AuditRecord> records;
  std::string next;
};

class AuditStore final {
 public:
  explicit AuditStore(Database& db) : db_(db) {}

  // Appends inside an open write transaction; fills seq and hash. On
  // PostgreSQL the chain's head row is locked until the transaction ends.
  static absl::Status Append(soci::session& sql, Dialect dialect, AuditRecord& record);
  // Appends many, in the given order within each chain, with one lock and one
  // insert per chain (per 100 rows).
  static absl::Status AppendAll(
      soci::session& sql, Dialect dialect, const std::vector<AuditRecord*>& records);

  // Newest first.
  absl::StatusOr<AuditPage> List(const AuditQuery& query);
  // One line per problem found in the exchange's chain ("" : national); empty
  // when the chain is intact.
  absl::StatusOr<std::vector<std::string>> Verify(const std::string& exchange_id);

 private:
  Database& db_;
};

// The audit record of the call being served, written into the write
// transaction that the call makes (see RiderScope): the access and its
// record commit together. `record` is asked for it at commit time.
class AuditRider final : public TransactionRider {
 public:
  explicit AuditRider(std::function<AuditRecord()> record) : record_(std::move(record)) {}
  absl::Status Ride(soci::session& sql, Dialect dialect) override {
    AuditRecord record = record_();
    return AuditStore::Append(sql, dialect, record);
  }

 private:
  std::function<AuditRecord()> record_;
};

// Records of reads, written behind: Submit() queues a record and returns at
// once; a writer thread commits what is queued in groups, one transaction
// per group, within milliseconds. While the log can't be written (the
// database is away) or is too far behind, Submit() refuses with UNAVAILABLE
// and the read must not be answered; a failed group is kept and retried. A
// crash loses at most the records of the reads answered in the last moments
// before it (writes' records are in their own transactions, never lost).
//
//   AuditWriter writer(db);
//   if (!writer.Submit(record).ok()) return Unavailable(...);  // answer nothing
class AuditWriter final {
 public:
  static constexpr size_t kMaxQueued = 20000;
  static constexpr size_t kMaxGroup = 1000;
  // How long the writer gathers a group after its first record.
  static constexpr std::chrono::milliseconds kGather{20};

  explicit AuditWriter(Database& db);
  ~AuditWriter();  // writes what is queued (one try), then stops
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  absl::Status Submit(AuditRecord record);
  // Waits until everything submitted before the call is committed, or the
  // log is failing (its error).
  absl::Status Flush();

 private:
  void Run();

  Database& db_;
  std::mutex mu_;
  std::condition_variable wake_;     // the writer: work, or stop
  std::condition_variable flushed_;  // Flush(): a group committed or failed
  std::deque<AuditRecord> queue_;    // guarded by mu_
  uint64_t submitted_ = 0;           // records ever queued; guarded by mu_
  uint64_t committed_ = 0;           // records ever committed; guarded by mu_
  absl::Status failing_;             // the last group's error, until one commits
  bool stopping_ = false;            // guarded by mu_
  std::thread thread_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
