// Storage of orders. Every method is one transaction; the rules come from
// domain/order_lifecycle.h and are applied to the facts read inside the
// transaction (the order row locked), so two callers never both pass a check
// that only one may pass. Assignments are in assignment_store.h, fee schedules
// in fee_schedule_store.h.
//
//   OrderStore orders(db);
//   auto order = orders.CreateOrder(order, {});
//   auto cancelled = orders.CancelOrder(key, CancelledBy::kOrderer, 0, now);
#ifndef KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

class OrderStore final {
 public:
  explicit OrderStore(Database& db) : db_(db) {}

  // The organization must exist in the order's exchange (NOT_FOUND).
  absl::StatusOr<domain::Order> CreateOrder(domain::Order order, const CreateOptions& options);
  absl::StatusOr<domain::Order> GetOrder(const Key& key);
  // The order and, in the same query, the exchange's matching_versions counter
  // (see MatchingStore): ranking reads the database once.
  absl::StatusOr<domain::Order> GetOrderForMatching(const Key& key, int64_t* matching_version);
  // Every order of the exchange starting at or after `from`.
  absl::StatusOr<std::vector<domain::Order>> OrdersFrom(
      const std::string& exchange_id, absl::Time from);
  // `query.scope` is the exchange's name; orders come by start time.
  absl::StatusOr<Page<domain::Order>> ListOrders(const domain::ListQuery& query);
  // Only an OPEN order changes; its time only while no expert holds it.
  absl::StatusOr<domain::Order> UpdateOrder(domain::Order order, int64_t expected_revision);
  // Withdraws open offers and cancels held assignments with the schedule's
  // cancellation fee.
  // With `validate_only`, the plan is returned and nothing is stored (the
  // page that shows the cancellation fee before the orderer confirms).
  absl::StatusOr<domain::OrderCancellationPlan> CancelOrder(
      const Key& key, domain::CancelledBy by, int64_t expected_revision, absl::Time now,
      bool validate_only = false);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_
