// The lifecycle decisions of orders and assignments, as pure functions over
// the facts that storage reads inside its transaction: whether an offer may
// be made and what it holds, what an assignment's move to a new state changes
// (the assignment, the sibling offers withdrawn, the order's new state),
// what cancelling or changing an order does to its assignments. Storage locks
// the rows, reads the facts, calls these and writes the plan they return;
// nothing here touches a database, so every rule has a unit test without one
// (tests/order_lifecycle_test.cc).
//
//   absl::StatusOr<TransitionPlan> plan = PlanTransition(
//       {order, assignment, siblings, &expert, schedule, overlapping, buffer},
//       {AssignmentState::kAccepted}, now);
//   // plan->assignment is written; plan->withdrawn too; plan->order_state if set.
//
// Errors name the assignment's own fields ("offer_deadline", "cancelled_by");
// the RPC layer places them in its request (rpc::WithFieldPrefix).
#ifndef KOKEMUS_SERVICES_DOMAIN_ORDER_LIFECYCLE_H_
#define KOKEMUS_SERVICES_DOMAIN_ORDER_LIFECYCLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/fees.h"
#include "services/domain/matching.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// What the lifecycle rules need of an expert.
struct ExpertFacts {
  ExpertState state = ExpertState::kUnspecified;
  PaymentMethod payment_method = PaymentMethod::kUnspecified;
  std::string home_municipality;
  int max_assignments_per_month = 0;  // 0: no cap
  LimitTerms limit;                   // her benefit's earnings limit (domain/earnings.h)
};

// The longest task recorded on completion (12 hours); 0 means "as ordered".
inline constexpr int kMaxActualDurationMinutes = 720;

// OK if `reason` may go with a cancellation by `by`: any known reason from
// the expert, none from the others; INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckCancelReason(CancelledBy by, CancelReason reason, absl::string_view field);

// Whether a cancellation by `by` gives up its place: the orderer must say
// (KEEP or DROP), the others keep it (DROP is the orderer's alone);
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<bool> DropsPlace(CancelledBy by, PlaceAfterCancel place, absl::string_view field);

// OK if `reason` is a known decline reason (UNSPECIFIED included);
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckDeclineReason(DeclineReason reason, absl::string_view field);

// OK if `by` names a party; INVALID_ARGUMENT for cancelled_by otherwise.
absl::Status CheckCancelledBy(CancelledBy by);
// OK if 0 (as ordered) to kMaxActualDurationMinutes; INVALID_ARGUMENT for
// actual_duration_minutes otherwise.
absl::Status CheckActualDuration(int minutes);
// The largest daily allowance recorded for one task, in euro cents.
inline constexpr int64_t kMaxDailyAllowanceCents = 20000;
// OK if 0 to kMaxDailyAllowanceCents; INVALID_ARGUMENT for
// daily_allowance_cents otherwise.
absl::Status CheckDailyAllowance(int64_t cents);

// OK if `order` takes offers: only an OPEN one does.
absl::Status CheckOrderTakesOffers(const Order& order);
// OK if an offer's answer is due after `now`; INVALID_ARGUMENT for
// offer_deadline otherwise.
absl::Status CheckOfferDeadlineAhead(absl::Time deadline, absl::Time now);
// OK if an offer's answer is due after `now` and no later than the order's
// start; INVALID_ARGUMENT for offer_deadline otherwise.
absl::Status CheckOfferDeadline(absl::Time deadline, const Order& order, absl::Time now);

// The offer to insert: `offer` (its ids, expert and deadline set) made
// OFFERED on `order` with the order's times and the fee, travel and distance
// quoted from `schedule` for `expert`. Refused when the order takes no
// offers, the expert is not ACTIVE, the deadline is wrong, the id is taken on
// the order (ALREADY_EXISTS) or the expert already has a live offer or a
// place on it; `existing` are the order's assignments as stored.
absl::StatusOr<Assignment> PlanOffer(
    const Order& order, const std::vector<Assignment>& existing, const ExpertFacts& expert,
    const FeeSchedule& schedule, Assignment offer, absl::Time now);

// The facts of one assignment's move, read in the transaction.
struct TransitionFacts {
  const Order& order;
  const Assignment& assignment;
  // Every assignment of the order as stored (the moving one included).
  const std::vector<Assignment>& siblings;
  // The expert, read for an accept (row locked) or a completion; else null.
  const ExpertFacts* expert = nullptr;
  const FeeSchedule& schedule;
  // For an accept: the expert's accepted or confirmed assignments whose
  // blocked time overlaps [start, BlockEnd(assignment, travel_buffer)).
  int overlapping_held = 0;
  absl::Duration travel_buffer = absl::ZeroDuration();
  // For an accept: the expert's other accepted, confirmed and completed
  // tasks near the order's start (CheckHoldLimits), and the exchange's rest
  // after a heavy task. Null: not checked.
  const std::vector<PastTask>* held = nullptr;
  absl::Duration rest_after_heavy = absl::ZeroDuration();
  // For an accept: when the exchange pays, and the national floors.
  EarningsRules earnings;
};

struct TransitionRequest {
  AssignmentState to = AssignmentState::kUnspecified;
  CancelledBy cancelled_by = CancelledBy::kUnspecified;  // for CANCELLED
  // For an expert's cancellation only (CheckCancelReason).
  CancelReason cancel_reason = CancelReason::kUnspecified;
  // For CANCELLED: the order needs one expert fewer (DropsPlace).
  bool drop_place = false;
  // For DECLINED: why, if she said (CheckDeclineReason).
  DeclineReason decline_reason = DeclineReason::kUnspecified;
  // For COMPLETED: 0 (as ordered) to kMaxActualDurationMinutes, checked with
  // CheckActualDuration when the request arrives.
  int actual_duration_minutes = 0;
  // For COMPLETED: a tax-free daily allowance (CheckDailyAllowance); refused
  // for a remote task.
  int64_t daily_allowance_cents = 0;
};

struct TransitionPlan {
  Assignment assignment;  // in its new state
  // Set when the assignment now reserves the expert's time (an accept): where
  // its blocked time ends, travel buffer included. Otherwise the stored one stays.
  std::optional<absl::Time> block_end;
  // Sibling offers withdrawn because the accept filled the last place.
  std::vector<Assignment> withdrawn;
  // The pool's AVAILABLE experts kept as backups when the last place filled
  // (offer_kind now BACKUP; each is told she stands by).
  std::vector<Assignment> standing_by;
  // After a cancellation that leaves a place wanted: the best-ranked backup,
  // now OFFERED the place (BackupToOffer).
  std::optional<Assignment> backup_offered;
  // The order's new state, when it changes.
  std::optional<OrderState> order_state;
  // The order's new number of places, when the orderer gave one up.
  std::optional<int> experts_needed;
  // An accept that takes her pay in its payment month (or year) across 80 %
  // of her limit: she and the coordinator are told, once per period.
  std::optional<EarningsCheck> earnings_warning;
};

// How long a backup has to answer the place offered to her (never past the
// task's start): she agreed to stand by, so a day is not needed.
inline constexpr absl::Duration kBackupAnswerWindow = absl::Hours(12);

// The state an answer of yes moves `offer` to: ACCEPTED for a place,
// AVAILABLE for a pool or backup offer; other moves stay as asked.
AssignmentState AnswerState(const Assignment& offer, AssignmentState to);
// Whether moving from `from` to `to` checks the expert's calendar and limits
// (storage reads and locks the expert for it): an accept, a yes to a pool
// or backup offer, and the coordinator's pick of an AVAILABLE expert.
bool ChecksExpertHold(AssignmentState from, AssignmentState to);
// The backup to offer a place to: on an OPEN order whose task has not
// started, with a place no expert holds, the AVAILABLE backup of
// the lowest rank, returned OFFERED for a place with kBackupAnswerWindow to
// answer; nullopt when there is none or no place waits.
std::optional<Assignment> BackupToOffer(
    const Order& order, const std::vector<Assignment>& assignments, absl::Time now);

// Moves an assignment to ACCEPTED, DECLINED, CONFIRMED, COMPLETED or
// CANCELLED (an accept of a pool or backup offer makes her AVAILABLE, the
// coordinator's confirmation of an AVAILABLE expert places her, with the
// checks of an accept): an accept needs an OPEN order with a free place, an ACTIVE
// expert, no overlapping held assignment (travel buffer included) and the
// expert's cap, earnings limit and rest still kept (CheckHoldLimits); a
// completion needs the task to have started and quotes the fee for the actual
// duration; a cancellation needs the party and charges the schedule's
// cancellation fee, and when the orderer drops the place the order needs one
// expert fewer (its offers beyond the places left are withdrawn); a
// cancelled place still wanted is offered to the best-ranked backup.
absl::StatusOr<TransitionPlan> PlanTransition(
    const TransitionFacts& facts, const TransitionRequest& request, absl::Time now);

// The end of the time an assignment blocks in the expert's calendar.
inline absl::Time BlockEnd(const Assignment& a, absl::Duration travel_buffer) {
  return a.end_time + travel_buffer;
}

// Feedback from `source` is taken once, after the task was completed:
// FAILED_PRECONDITION before, ALREADY_EXISTS when that side already gave it.
absl::Status CheckFeedbackTaken(
    AssignmentState state, FeedbackSource source, bool already_submitted);

// A contract is accepted once, and only its current version:
// FAILED_PRECONDITION naming the newer contract, or saying it is accepted.
// `superseded_by` is the newer contract's resource name ("" if none).
absl::Status CheckContractAcceptance(absl::string_view superseded_by, bool accepted);

struct OrderCancellationPlan {
  Order order;                      // CANCELLED, by whom and when
  std::vector<Assignment> changed;  // offers WITHDRAWN, held places CANCELLED with their fee
};

// Cancels an OPEN or ASSIGNED order: live offers are withdrawn and held
// places cancelled by `by` with the schedule's cancellation fee.
absl::StatusOr<OrderCancellationPlan> PlanOrderCancellation(
    const Order& order, const std::vector<Assignment>& assignments, const FeeSchedule& schedule,
    CancelledBy by, absl::Time now);

// Changing an OPEN order: `updated` keeps the stored state, cancellation and
// revision of `current`; a new time is refused while an expert holds a place,
// and moves the live offers with it (returned in `retimed`).
struct OrderUpdatePlan {
  Order order;
  std::vector<Assignment> retimed;
};
// `organization_state`: the state of the updated order's organization, nullopt
// when the exchange has none such (NOT_FOUND); an order keeps an organization
// that became INACTIVE but is not moved to one (CheckOrderer).
absl::StatusOr<OrderUpdatePlan> PlanOrderUpdate(
    const Order& current, Order updated, std::optional<OrganizationState> organization_state,
    const std::vector<Assignment>& assignments);

// Whether a new order may name the organization: NOT_FOUND when the exchange
// has none such (`state` nullopt), FAILED_PRECONDITION when it is INACTIVE.
absl::Status CheckOrderer(
    std::optional<OrganizationState> state, absl::string_view exchange_id,
    absl::string_view organization_id);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_ORDER_LIFECYCLE_H_
