#include "services/storage/event_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kNextSeq[] = "UPDATE event_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq";
constexpr char kInsertEvent[] =
    "INSERT INTO events (seq, exchange_id, organization_id, expert_id, kind, assignment, state, "
    "create_time) VALUES (:seq, :x, :org, :expert, :kind, :assignment, :state, :t)";
constexpr char kEventsAfter[] =
    "SELECT seq, kind, assignment, state, create_time FROM events WHERE exchange_id = :x AND "
    "seq > :after AND (:org = '' OR organization_id = :org2) AND (:expert = '' OR expert_id = "
    ":expert2) ORDER BY seq LIMIT :limit";

constexpr char kLastSeq[] = "SELECT seq FROM event_counter WHERE id = 1";

}  // namespace

int64_t EventStore::LastSeq(soci::session& sql) { return Count(sql, kLastSeq, {}); }

void EventStore::Record(
    soci::session& sql, domain::EventKind kind, const domain::Assignment& a,
    const domain::Order& order, absl::Time now) {
  const std::vector<long long> seq = Query<long long>(
      sql, kNextSeq, {}, [](const soci::row& row) { return RowReader(row).Int(); });
  Execute(
      sql, kInsertEvent,
      {seq.at(0), a.exchange_id, order.organization_id, a.expert_id,
       std::string(domain::EventKindName(kind)),
       absl::StrCat(
           domain::ChildResourceName(a.exchange_id, "orders", a.order_id), "/assignments/", a.id),
       Name(a.state), Micros(now)});
}

absl::StatusOr<std::vector<StoredEvent>> EventStore::After(
    const std::string& exchange_id, int64_t after_seq, const EventScope& scope, int limit) {
  std::vector<StoredEvent> events;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    events = Query<StoredEvent>(
        sql, kEventsAfter,
        {exchange_id, static_cast<long long>(after_seq), scope.organization_id,
         scope.organization_id, scope.expert_id, scope.expert_id, static_cast<long long>(limit)},
        [](const soci::row& row) {
      RowReader r(row);
      StoredEvent e;
      e.seq = r.Int();
      e.kind = domain::EventKindFromName(r.Text());
      e.assignment = r.Text();
      e.order = e.assignment.substr(0, e.assignment.find("/assignments/"));
      e.state = r.Enum<domain::AssignmentState>();
      e.time = r.Time();
      return e;
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace kokemus::storage
