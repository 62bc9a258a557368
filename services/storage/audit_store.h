// The audit log of accesses to personal data (experts' records, contracts):
// time, caller (key and role), exchange, method, resource and outcome. Records
// are appended inside the caller's write transaction, so an access and its
// record commit together or not at all, and are chained per exchange: each
// record's hash covers the previous record's hash, and the chain's head
// (last sequence number and hash) is kept beside it. Verify() finds an edited,
// removed or reordered record, and removed newest records.
//
// The hash is an HMAC-SHA256 with the server's audit key ("m1:" + hex),
// which is kept outside the database (derived from the key pepper): someone
// who can write the database but hasn't the key can't re-hash a chain after
// changing it. Records written before the key are plain SHA-256 (hex); once
// a chain has a sealed record, a plain one after it is reported. Truncation
// (newest records removed and the head rewound, or a whole chain deleted) is
// found against a checkpoint: the chains' heads sealed with the key and kept
// outside the database (Heads(), SealOf(), Verify(..., at)).
//
//   db.Write([&](soci::session& sql) {
//     ...; return AuditStore::Append(sql, db.dialect(), db.audit_key(), r); });
//   auto problems = audit.Verify("ph");   // empty: intact
#ifndef KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_

#include <atomic>
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

// The head of one chain at a checkpoint.
struct AuditHead {
  std::string exchange_id;  // "" : the national chain
  int64_t seq = 0;
  std::string hash;
};

struct AuditCheckpoint {
  absl::Time time = absl::UnixEpoch();
  std::vector<AuditHead> heads;  // by exchange id
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

  // Appends inside an open write transaction; fills seq and hash (sealed
  // with `key`, plain SHA-256 when it is empty). On PostgreSQL the chain's
  // head row is locked until the transaction ends.
  static absl::Status Append(
      soci::session& sql, Dialect dialect, const std::string& key, AuditRecord& record);
  // Appends many, in the given order within each chain, with one lock and one
  // insert per chain (per 100 rows).
  static absl::Status AppendAll(
      soci::session& sql, Dialect dialect, const std::string& key,
      const std::vector<AuditRecord*>& records);

  // Newest first.
  absl::StatusOr<AuditPage> List(const AuditQuery& query);
  // One line per problem found in the exchange's chain ("" : national); empty
  // when the chain is intact. With `at` (the chain's head at a checkpoint),
  // the record it names must still be there, as it was.
  absl::StatusOr<std::vector<std::string>> Verify(
      const std::string& exchange_id, const AuditHead* at = nullptr,
      absl::Time checkpoint_time = absl::UnixEpoch());

  // Every chain's head now, at `now`.
  absl::StatusOr<AuditCheckpoint> Heads(absl::Time now);
  // The checkpoint's seal: HMAC-SHA256 (hex) with the database's audit key
  // over its time and heads.
  std::string SealOf(const AuditCheckpoint& checkpoint) const;
  // Whether `seal` is the checkpoint's, compared in constant time.
  bool SealMatches(const AuditCheckpoint& checkpoint, const std::string& seal) const;

 private:
  Database& db_;
};

// The audit record of the call being served, written into the write
// transaction that the call makes (see RiderScope): the access and its
// record commit together. `record` is asked for it at commit time.
class AuditRider final : public TransactionRider {
 public:
  AuditRider(const std::string& key, std::function<AuditRecord()> record)
      : key_(key), record_(std::move(record)) {}
  absl::Status Ride(soci::session& sql, Dialect dialect) override {
    AuditRecord record = record_();
    return AuditStore::Append(sql, dialect, key_, record);
  }

 private:
  const std::string& key_;
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
  // How often a group that lost a race (ABORTED) is tried again, 5 ms apart,
  // before it is written one by one.
  static constexpr int kRaceRetries = 20;

  explicit AuditWriter(Database& db);
  ~AuditWriter();  // writes what is queued (one try), then stops
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  absl::Status Submit(AuditRecord record);
  // Waits until everything submitted before the call is committed, or the
  // log is failing (its error).
  absl::Status Flush();
  // Records that could not be written even alone (and without their resource
  // name), dropped so that the log goes on; a metric.
  uint64_t dead_letters() const { return dead_letters_.load(std::memory_order_relaxed); }

 private:
  void Run();
  absl::Status Write(const std::vector<AuditRecord*>& records);
  // Sets `done` to the number of records written or dead-lettered; stops
  // at UNAVAILABLE.
  absl::Status WriteOneByOne(std::vector<AuditRecord>& group, size_t& done);

  Database& db_;
  std::mutex mu_;
  std::condition_variable wake_;     // the writer: work, or stop
  std::condition_variable flushed_;  // Flush(): a group committed or failed
  std::deque<AuditRecord> queue_;    // guarded by mu_
  uint64_t submitted_ = 0;           // records ever queued; guarded by mu_
  uint64_t committed_ = 0;           // records ever committed; guarded by mu_
  absl::Status failing_;             // the last group's error, until one commits
  bool stopping_ = false;            // guarded by mu_
  std::atomic<uint64_t> dead_letters_{0};
  std::thread thread_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_AUDIT_STORE_H_
