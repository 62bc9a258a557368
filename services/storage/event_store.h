// Events for regional systems (domain/events.h), stored in the transaction
// of the change they tell of and read back in commit order.
//
//   EventStore::Record(sql, EventKind::kAssignmentChanged, assignment, order, now);  // in a write
//   auto page = events.After("ph", cursor, {.organization_id = "lyseo"}, 100);
#ifndef KOKEMUS_SERVICES_STORAGE_EVENT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_EVENT_STORE_H_

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/events.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"

namespace kokemus::storage {

using StoredEvent = domain::Event;

// Whose events a reader may see: "" is any.
struct EventScope {
  std::string organization_id;  // an orderer system's organization
  std::string expert_id;        // an expert herself
};

class EventStore final {
 public:
  explicit EventStore(Database& db) : db_(db) {}

  // Inside the change's write transaction: the event, with the next
  // sequence number (the counter row stays locked until commit).
  static void Record(
      soci::session& sql, domain::EventKind kind, const domain::Assignment& assignment,
      const domain::Order& order, absl::Time now);

  // Up to `limit` of the exchange's events after `after_seq` that `scope`
  // may see, oldest first. NOT_FOUND for an unknown exchange.
  absl::StatusOr<std::vector<StoredEvent>> After(
      const std::string& exchange_id, int64_t after_seq, const EventScope& scope, int limit);
  // The sequence number of the last event so far (0: none): where a new
  // webhook starts.
  static int64_t LastSeq(soci::session& sql);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_EVENT_STORE_H_
