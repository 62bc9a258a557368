// Storage of assignments (offers and the places experts hold) and their
// feedback. Every method is one transaction: it locks the order row (and on
// an accept the expert's), reads the facts, lets domain/order_lifecycle.h
// decide, and writes the plan, so two callers never both pass a check that
// only one may pass. No double booking: each accept counts the expert's held
// assignments overlapping the new one with the exchange's travel buffer under
// those locks, and on PostgreSQL an exclusion constraint holds it whatever
// the code does.
//
//   AssignmentStore assignments(db);
//   auto offer = assignments.Offer(assignment, {}, now);
//   auto accepted = assignments.Transition(key, AssignmentState::kAccepted, {}, now);
#ifndef KOKEMUS_SERVICES_STORAGE_ASSIGNMENT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_ASSIGNMENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/listing.h"
#include "services/domain/orders.h"
#include "services/storage/database.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

struct AssignmentKey {
  std::string exchange_id;
  std::string order_id;
  std::string id;
};

struct TransitionOptions {
  int64_t expected_revision = 0;  // 0: any
  domain::CancelledBy cancelled_by = domain::CancelledBy::kUnspecified;
  domain::CancelReason cancel_reason = domain::CancelReason::kUnspecified;
  domain::DeclineReason decline_reason = domain::DeclineReason::kUnspecified;
  bool drop_place = false;            // on the orderer's cancellation
  int actual_duration_minutes = 0;    // on completion; 0: as ordered
  int64_t daily_allowance_cents = 0;  // on completion
};

class AssignmentStore final {
 public:
  explicit AssignmentStore(Database& db) : db_(db) {}

  // Offers an OPEN order to an ACTIVE expert of the same exchange; the fee
  // and travel are quoted from the fee schedule.
  absl::StatusOr<domain::Assignment> Offer(
      domain::Assignment offer, const CreateOptions& options, absl::Time now);
  // The offer an earlier call with the same `options.request_id` made on the
  // order, if any: a replay gets it back without any check made again
  // (INVALID_ARGUMENT naming request_id if that call asked something else).
  absl::StatusOr<std::optional<domain::Assignment>> ReplayedOffer(
      const std::string& exchange_id, const std::string& order_id, const CreateOptions& options,
      absl::Time now);
  // Makes every offer (as Offer does) in one transaction, or none: the first
  // failure is returned, and the index of its offer in `failed_index`.
  absl::StatusOr<std::vector<domain::Assignment>> OfferAll(
      std::vector<domain::Assignment> offers, absl::Time now, size_t* failed_index = nullptr);
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

  // Marks offers whose deadline has passed as LAPSED; returns how many.
  absl::StatusOr<int> LapseExpiredOffers(absl::Time now);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_ASSIGNMENT_STORE_H_
