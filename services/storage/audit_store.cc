#include "services/storage/audit_store.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "services/domain/digest.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kColumns[] =
    "chain, seq, time, key_id, role, exchange_id, method, resource, outcome, prev_hash, hash";
constexpr char kCreateHead[] =
    "INSERT INTO audit_heads (chain, seq, hash) VALUES (:chain, 0, '') ON CONFLICT (chain) "
    "DO NOTHING";
constexpr char kSelectHead[] = "SELECT seq, hash FROM audit_heads WHERE chain = :chain";
constexpr char kLockHead[] = "SELECT seq, hash FROM audit_heads WHERE chain = :chain FOR UPDATE";
constexpr char kUpdateHead[] =
    "UPDATE audit_heads SET seq = :seq, hash = :hash WHERE chain = :chain";
// The calling key's exchange; a key no longer kept (an erased expert's) was
// one of the record's exchange.
constexpr char kKeyExchange[] =
    "COALESCE((SELECT k.exchange_id FROM api_keys k WHERE k.id = audit_log.key_id), "
    "audit_log.exchange_id)";
// ListAuditRecords: newest first, by (time DESC, chain, seq DESC) from the
// cursor, in a time window, filtered.
constexpr char kRecordsInWindow[] = " WHERE time >= :from AND time < :to";
constexpr char kRecordsOfChain[] = " AND chain = :chain";
constexpr char kRecordsAbout[] = " AND (resource = :r OR resource LIKE :prefix)";
constexpr char kRecordsOfKey[] = " AND key_id = :key";
constexpr char kRecordsAfterCursor[] =
    " AND (time < :t1 OR (time = :t2 AND (chain > :c1 OR (chain = :c2 AND seq < :s))))";
constexpr char kRecordsPageOrder[] = " ORDER BY time DESC, chain, seq DESC LIMIT :limit";

// Rows per INSERT statement when a batch is appended.
constexpr size_t kRowsPerInsert = 100;

// The chain of an exchange; national actions have their own.
std::string ChainOf(const std::string& exchange_id) {
  return exchange_id.empty() ? "-" : exchange_id;
}

// A hash sealed with the audit key starts so; a plain SHA-256 is bare hex.
constexpr absl::string_view kSealed = "m1:";

// Every field length-prefixed, so no two records hash the same text.
std::string RecordHash(const AuditRecord& r, const std::string& prev_hash, const std::string& key) {
  std::string text;
  for (const std::string& field :
       {prev_hash, ChainOf(r.exchange_id), absl::StrCat(r.seq),
        absl::StrCat(absl::ToUnixMicros(r.time)), r.key_id, r.role, r.exchange_id, r.method,
        r.resource, r.outcome}) {
    absl::StrAppend(&text, field.size(), ":", field, ";");
  }
  if (key.empty()) return domain::Sha256Hex(text);
  return absl::StrCat(kSealed, domain::HmacSha256Hex(key, text));
}

// Stands for a resource name that could not be stored (the record is kept).
constexpr char kUnrecordable[] = "(resource name not recordable)";

struct Stored {
  AuditRecord record;
  std::string prev_hash;
};

Stored Read(const soci::row& row) {
  RowReader r(row);
  Stored s;
  r.Text();  // chain
  s.record.seq = r.Int();
  s.record.time = r.Time();
  s.record.key_id = r.Text();
  s.record.role = r.Text();
  s.record.exchange_id = r.Text();
  s.record.method = r.Text();
  s.record.resource = r.Text();
  s.record.outcome = r.Text();
  s.prev_hash = r.Text();
  s.record.hash = r.Text();
  return s;
}

}  // namespace

absl::Status AuditStore::Append(
    soci::session& sql, Dialect dialect, const std::string& key, AuditRecord& record) {
  std::vector<AuditRecord*> one = {&record};
  return AppendAll(sql, dialect, key, one);
}

absl::Status AuditStore::AppendAll(
    soci::session& sql, Dialect dialect, const std::string& key,
    const std::vector<AuditRecord*>& records) {
  // Chains in name order, so concurrent batches lock their heads alike.
  std::map<std::string, std::vector<AuditRecord*>> chains;
  for (AuditRecord* r : records) chains[ChainOf(r->exchange_id)].push_back(r);
  const bool lock_head = dialect == Dialect::kPostgresql;
  for (auto& [chain, list] : chains) {
    Execute(sql, kCreateHead, {chain});
    long long seq = 0;
    std::string prev;
    Query<int>(sql, lock_head ? kLockHead : kSelectHead, {chain}, [&](const soci::row& row) {
      RowReader r(row);
      seq = r.Int();
      prev = r.Text();
      return 0;
    });
    for (size_t start = 0; start < list.size(); start += kRowsPerInsert) {
      const size_t end = std::min(list.size(), start + kRowsPerInsert);
      std::string insert = absl::StrCat("INSERT INTO audit_log (", kColumns, ") VALUES ");
      Record values;
      for (size_t i = start; i < end; ++i) {
        AuditRecord& record = *list[i];
        record.seq = ++seq;
        record.time = absl::FromUnixMicros(absl::ToUnixMicros(record.time));
        record.hash = RecordHash(record, prev, key);
        // SQLite binds equal names once: every row's names are its own.
        absl::StrAppend(
            &insert, i == start ? "" : ", ",
            absl::Substitute(
                "(:c$0, :s$0, :t$0, :k$0, :r$0, :x$0, :m$0, :o$0, :u$0, "
                ":p$0, :h$0)",
                i - start));
        for (Value v : Record{
                 chain, static_cast<long long>(record.seq), Micros(record.time), record.key_id,
                 record.role, record.exchange_id, record.method, record.resource, record.outcome,
                 prev, record.hash}) {
          values.push_back(std::move(v));
        }
        prev = record.hash;
      }
      Execute(sql, insert.c_str(), std::move(values));
    }
    Execute(sql, kUpdateHead, {seq, prev, chain});
  }
  return absl::OkStatus();
}

AuditWriter::AuditWriter(Database& db) : db_(db), thread_([this] { Run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

absl::Status AuditWriter::Submit(AuditRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return absl::UnavailableError("the audit log is closing");
  if (!failing_.ok() || queue_.size() >= kMaxQueued) {
    return absl::UnavailableError("the audit log can't be written now");
  }
  queue_.push_back(std::move(record));
  ++submitted_;
  // The writer waits for a first record, then gathers: wake it only then, or
  // when a group is full.
  if (queue_.size() == 1 || queue_.size() == kMaxGroup) wake_.notify_all();
  return absl::OkStatus();
}

absl::Status AuditWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = submitted_;
  flushed_.wait(lock, [&] { return committed_ >= target || !failing_.ok(); });
  return committed_ >= target ? absl::OkStatus() : failing_;
}

absl::Status AuditWriter::Write(const std::vector<AuditRecord*>& records) {
  return db_.Write([&](soci::session& sql) {
    return AuditStore::AppendAll(sql, db_.dialect(), db_.audit_key(), records);
  });
}

absl::Status AuditWriter::WriteOneByOne(std::vector<AuditRecord>& group, size_t& done) {
  for (done = 0; done < group.size(); ++done) {
    AuditRecord& record = group[done];
    absl::Status status = Write({&record});
    if (status.ok()) continue;
    if (status.code() == absl::StatusCode::kUnavailable) return status;
    // The call is still on record, without the name that broke it.
    record.resource = kUnrecordable;
    status = Write({&record});
    if (status.ok()) continue;
    if (status.code() == absl::StatusCode::kUnavailable) return status;
    dead_letters_.fetch_add(1, std::memory_order_relaxed);
  }
  return absl::OkStatus();
}

void AuditWriter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  int lost_races = 0;  // ABORTED tries of the group at the head of the queue
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to write
    // Gather a group for a moment: one transaction per few milliseconds, not
    // one per read.
    wake_.wait_for(lock, kGather, [this] { return stopping_ || queue_.size() >= kMaxGroup; });
    const size_t n = std::min(queue_.size(), kMaxGroup);
    std::vector<AuditRecord> group(
        std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + n);
    lock.unlock();
    std::vector<AuditRecord*> records;
    for (AuditRecord& r : group) records.push_back(&r);
    absl::Status status = Write(records);
    // Records of the group written (or dead-lettered) before a failure.
    size_t done = status.ok() ? n : 0;
    // A lost race with a concurrent transaction (ABORTED) is tried again, a
    // bounded number of times: a constraint the group breaks for good is
    // ABORTED too.
    const bool lost_race =
        status.code() == absl::StatusCode::kAborted && ++lost_races <= kRaceRetries;
    if (!status.ok() && !lost_race && status.code() != absl::StatusCode::kUnavailable) {
      // Not the database being away or a lost race: some record can't be
      // written (issue 18 found a resource name past PostgreSQL's index limit
      // retried for ever, stopping every audited read). Write the group one by
      // one and dead-letter what can't be written even alone.
      status = WriteOneByOne(group, done);
    }
    if (!lost_race) lost_races = 0;
    lock.lock();
    committed_ += done;
    if (status.ok()) {
      failing_ = absl::OkStatus();
    } else {
      // Kept, in order, for the next try (the records already written are
      // not: they would be recorded twice).
      const bool busy = lost_race;
      if (!busy) failing_ = status;  // new reads are refused meanwhile
      if (!stopping_) {
        queue_.insert(
            queue_.begin(), std::make_move_iterator(group.begin() + done),
            std::make_move_iterator(group.end()));
        flushed_.notify_all();
        // A lost race is tried again soon; an absent database in a moment.
        wake_.wait_for(
            lock, std::chrono::milliseconds(busy ? 5 : 200), [this] { return stopping_; });
        continue;
      }
    }
    flushed_.notify_all();
  }
}

absl::StatusOr<AuditPage> AuditStore::List(const AuditQuery& q) {
  AuditPage page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    static const std::string kSelect =
        absl::StrCat("SELECT ", kColumns, ", ", kKeyExchange, " FROM audit_log");
    std::string query = absl::StrCat(kSelect, kRecordsInWindow);
    Record values;
    const long long from = Micros(q.from == absl::InfinitePast() ? absl::UnixEpoch() : q.from);
    const long long to =
        q.to == absl::InfiniteFuture() ? std::numeric_limits<long long>::max() : Micros(q.to);
    values.emplace_back(std::in_place_type<long long>, from);
    values.emplace_back(std::in_place_type<long long>, to);
    if (!q.exchange_id.empty()) {
      absl::StrAppend(&query, kRecordsOfChain);
      values.push_back(q.exchange_id);
    }
    if (!q.resource.empty()) {
      absl::StrAppend(&query, kRecordsAbout);
      values.push_back(q.resource);
      values.push_back(q.resource + "/%");
    }
    if (!q.key_id.empty()) {
      absl::StrAppend(&query, kRecordsOfKey);
      values.push_back(q.key_id);
    }
    if (!q.after.empty()) {
      std::vector<std::string> cursor = absl::StrSplit(q.after, '/');
      long long time = 0;
      long long seq = 0;
      if (cursor.size() != 3 || !absl::SimpleAtoi(cursor[0], &time) ||
          !absl::SimpleAtoi(cursor[2], &seq)) {
        return absl::InvalidArgumentError("not a cursor of the audit log");
      }
      absl::StrAppend(&query, kRecordsAfterCursor);
      values.insert(values.end(), {time, time, cursor[1], cursor[1], seq});
    }
    absl::StrAppend(&query, kRecordsPageOrder);
    values.emplace_back(std::in_place_type<long long>, q.page_size + 1);
    auto read = [](const soci::row& row) {
      Stored s = Read(row);
      s.record.key_exchange_id = row.get<std::string>(11);
      return s;
    };
    for (Stored& s : Query<Stored>(sql, query, std::move(values), read)) {
      page.records.push_back(std::move(s.record));
    }
    if (page.records.size() > static_cast<size_t>(q.page_size)) {
      page.records.pop_back();
      const AuditRecord& last = page.records.back();
      page.next = absl::StrCat(Micros(last.time), "/", ChainOf(last.exchange_id), "/", last.seq);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<std::vector<std::string>> AuditStore::Verify(
    const std::string& exchange_id, const AuditHead* at, absl::Time checkpoint_time) {
  const std::string chain = ChainOf(exchange_id);
  const std::string& key = db_.audit_key();
  std::vector<std::string> problems;
  absl::Status status = db_.Read([&](soci::session& sql) {
    static const std::string kSelectChain =
        absl::StrCat("SELECT ", kColumns, " FROM audit_log WHERE chain = :chain ORDER BY seq");
    std::vector<Stored> records = Query<Stored>(sql, kSelectChain, {chain}, Read);
    std::string prev;
    int64_t expected = 1;
    bool sealed_before = false;
    bool checkpoint_found = false;
    for (const Stored& s : records) {
      const bool sealed = absl::StartsWith(s.record.hash, kSealed);
      if (sealed_before && !sealed) {
        problems.push_back(absl::StrCat(
            "record ", s.record.seq, " is not sealed with the audit key, unlike those before it"));
      }
      sealed_before = sealed_before || sealed;
      if (at != nullptr && s.record.seq == at->seq) {
        checkpoint_found = true;
        if (s.record.hash != at->hash) {
          problems.push_back(absl::StrCat(
              "record ", at->seq, " is not the one the checkpoint of ",
              absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", checkpoint_time, absl::UTCTimeZone()),
              " names"));
        }
      }
      if (s.record.seq != expected) {
        problems.push_back(
            absl::StrCat("records ", expected, " to ", s.record.seq - 1, " are missing"));
      } else if (s.prev_hash != prev) {
        problems.push_back(
            absl::StrCat("record ", s.record.seq, " does not follow the record before it"));
      }
      if (RecordHash(s.record, s.prev_hash, sealed ? key : std::string()) != s.record.hash) {
        problems.push_back(absl::StrCat("record ", s.record.seq, " was changed"));
      }
      prev = s.record.hash;
      expected = s.record.seq + 1;
    }
    long long head_seq = 0;
    std::string head_hash;
    Query<int>(sql, kSelectHead, {chain}, [&](const soci::row& row) {
      RowReader r(row);
      head_seq = r.Int();
      head_hash = r.Text();
      return 0;
    });
    if (head_seq != expected - 1 || head_hash != prev) {
      problems.push_back(
          absl::StrCat("the chain ends at record ", expected - 1, " but its head says ", head_seq));
    }
    if (at != nullptr && at->seq > 0 && !checkpoint_found) {
      problems.push_back(absl::StrCat(
          "record ", at->seq, ", the chain's head at the checkpoint of ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", checkpoint_time, absl::UTCTimeZone()),
          ", is missing"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return problems;
}

absl::StatusOr<AuditCheckpoint> AuditStore::Heads(absl::Time now) {
  AuditCheckpoint checkpoint;
  checkpoint.time = absl::FromUnixMicros(absl::ToUnixMicros(now));
  absl::Status status = db_.Read([&](soci::session& sql) {
    checkpoint.heads = Query<AuditHead>(
        sql, "SELECT chain, seq, hash FROM audit_heads WHERE seq > 0 ORDER BY chain", {},
        [](const soci::row& row) {
      RowReader r(row);
      AuditHead head;
      const std::string chain = r.Text();
      head.exchange_id = chain == "-" ? "" : chain;
      head.seq = r.Int();
      head.hash = r.Text();
      return head;
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return checkpoint;
}

bool AuditStore::SealMatches(const AuditCheckpoint& checkpoint, const std::string& seal) const {
  const std::string expected = SealOf(checkpoint);
  return seal.size() == expected.size() &&
         sodium_memcmp(seal.data(), expected.data(), expected.size()) == 0;
}

std::string AuditStore::SealOf(const AuditCheckpoint& checkpoint) const {
  std::string text;
  absl::StrAppend(&text, "kokemus audit checkpoint v1;", absl::ToUnixMicros(checkpoint.time), ";");
  for (const AuditHead& head : checkpoint.heads) {
    const std::string chain = ChainOf(head.exchange_id);
    for (const std::string& field : {chain, absl::StrCat(head.seq), head.hash}) {
      absl::StrAppend(&text, field.size(), ":", field, ";");
    }
  }
  return domain::HmacSha256Hex(db_.audit_key(), text);
}

}  // namespace kokemus::storage
