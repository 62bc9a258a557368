// Storage of orders, assignments, feedback and fee schedules. Every method is
// one transaction; lifecycle rules come from domain/orders.h and are checked
// inside the transaction, so two callers never both pass a check that only
// one may pass. No double booking: each accept checks the expert's held
// assignments with the exchange's travel buffer under a row lock, and on
// PostgreSQL an exclusion constraint holds it whatever the code does.
//
//   OrderStore store(db);
//   auto offer = store.Offer(assignment, {}, absl::Now());
//   auto accepted = store.Transition(key, AssignmentState::kAccepted, {}, absl::Now());
#ifndef KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

struct AssignmentKey {
  std::string exchange_id;
  std::string order_id;
  std::string id;
};

// An OPEN order with its places not yet held or offered, and the experts who
// already have an offer or hold a place on it.
struct OpenOrder {
  domain::Order order;
  int open_places = 0;
  std::vector<std::string> engaged_experts;
};

struct TransitionOptions {
  int64_t expected_revision = 0;  // 0: any
  domain::CancelledBy cancelled_by = domain::CancelledBy::kUnspecified;
  int actual_duration_minutes = 0;  // on completion; 0: as ordered
};

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
  absl::StatusOr<domain::Order> CancelOrder(
      const Key& key, domain::CancelledBy by, int64_t expected_revision, absl::Time now);

  // Offers an OPEN order to an ACTIVE expert of the same exchange; the fee
  // and travel are quoted from the fee schedule.
  absl::StatusOr<domain::Assignment> Offer(
      domain::Assignment offer, const CreateOptions& options, absl::Time now);
  // Makes every offer (as Offer does) in one transaction, or none: the first
  // failure is returned, and the index of its offer in `failed_index`.
  absl::StatusOr<std::vector<domain::Assignment>> OfferAll(
      std::vector<domain::Assignment> offers, absl::Time now, size_t* failed_index = nullptr);
  // OPEN orders starting in [from, to), by start time.
  absl::StatusOr<std::vector<OpenOrder>> OpenOrders(
      const std::string& exchange_id, absl::Time from, absl::Time to, absl::Time now);
  // Moves an assignment to `to` (ACCEPTED, DECLINED, CONFIRMED, COMPLETED,
  // CANCELLED) and the order along with it.
  absl::StatusOr<domain::Assignment> Transition(
      const AssignmentKey& key, domain::AssignmentState to, const TransitionOptions& options,
      absl::Time now);
  absl::StatusOr<domain::Assignment> GetAssignment(const AssignmentKey& key, absl::Time now);
  // The assignments of `order_id`, or of every order of the exchange when it
  // is empty; `query.scope` is the parent name as given.
  absl::StatusOr<Page<domain::Assignment>> ListAssignments(
      const std::string& exchange_id, const std::string& order_id, const domain::ListQuery& query,
      absl::Time now);

  // One feedback per source on a COMPLETED assignment.
  absl::StatusOr<domain::Feedback> SubmitFeedback(
      const AssignmentKey& key, domain::Feedback feedback, absl::Time now);

  // An exchange without a stored schedule has an empty one (revision 0).
  absl::StatusOr<domain::FeeSchedule> GetFeeSchedule(const std::string& exchange_id);
  absl::StatusOr<domain::FeeSchedule> UpdateFeeSchedule(
      domain::FeeSchedule schedule, int64_t expected_revision);

  // What matching needs of each expert's work in the exchange: accepted,
  // confirmed and completed assignments with their role, fee, organization
  // and the orderer's rating. Filled into `experts` by expert id.
  absl::Status FillActivity(
      const std::string& exchange_id, std::vector<domain::ExpertRecord>& experts);

  // Marks offers whose deadline has passed as LAPSED; returns how many.
  absl::StatusOr<int> LapseExpiredOffers(absl::Time now);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_ORDER_STORE_H_
