// Orders and assignments: the model, the assignment state machine and the
// validation of orders and feedback. Fees are in fees.h, travel distances in
// travel.h, the lifecycle decisions in order_lifecycle.h.
//
//   absl::Status s = CheckAssignmentTransition(a.state, AssignmentState::kAccepted);
//   OrderState next = OrderStateAfter(order, assignments);
#ifndef KOKEMUS_SERVICES_DOMAIN_ORDERS_H_
#define KOKEMUS_SERVICES_DOMAIN_ORDERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

enum class Audience { kUnspecified = 0, kStudents, kProfessionals, kClients, kMixed };
enum class OrderState { kUnspecified = 0, kOpen, kAssigned, kCompleted, kCancelled };
enum class CancelledBy { kUnspecified = 0, kOrderer, kExpert, kExchange };
// Why an expert cancelled her task. Illness carries no blame; the reason is
// health-related for ILLNESS, so it goes to the coordinator and the expert
// only, never to the orderer or into a message.
enum class CancelReason { kUnspecified = 0, kIllness, kPersonal, kOther };
// Why an expert declined an offer; WELLBEING is health-related and is kept
// like a cancellation's reason.
enum class DeclineReason { kUnspecified = 0, kTime, kDistance, kTask, kWellbeing, kOther };
enum class AssignmentState {
  kUnspecified = 0,
  kOffered,
  kAccepted,
  kDeclined,
  kConfirmed,
  kCompleted,
  kCancelled,
  kLapsed,
  kWithdrawn,
  // Said yes to a pool or backup offer: no place held, no time reserved; the
  // coordinator places her (CONFIRMED), or a place that frees is offered to
  // the best-ranked backup first (OFFERED again).
  kAvailable,
};
// What saying yes to an offer does: PLACE takes a place (ACCEPTED); POOL and
// BACKUP make the expert AVAILABLE (a pool the coordinator picks from; a
// backup who stands by for a place that frees).
enum class OfferKind { kUnspecified = 0, kPlace, kPool, kBackup };
// How an order's places are offered (domain/offer_rounds.h): by hand, or in
// rounds that broadcast, widen tier by tier, or gather a pool to pick from.
enum class OfferStrategy { kUnspecified = 0, kTargeted, kBroadcast, kTiered, kPool };
enum class FeedbackSource { kUnspecified = 0, kOrderer, kExpert };
// The expert's answer to "did I get support after the task?" (optional).
enum class SupportAfterwards { kUnspecified = 0, kYes, kNo, kNotNeeded };
// Whether a cancelled assignment's place is still wanted (the orderer says).
enum class PlaceAfterCancel { kUnspecified = 0, kKeep, kDrop };
// The hard rules of matching (domain/matching.h), each of which can exclude
// an expert from an order.
enum class ExclusionRule {
  kNotActive,
  kNotTrained,
  kLacksRole,
  kLacksLanguage,
  kLacksExperience,
  kNotAvailableWeekly,
  kUnavailablePeriod,
  kOverlapping,
  kTooFar,
  kMonthlyCap,
  kRestPeriod,
  kEarningsLimit,
  kSaidNo,
  kCredentialMissing,
};
inline constexpr int kExclusionRuleCount = 14;

struct Order {
  std::string exchange_id;
  std::string id;
  std::string organization_id;
  Role role = Role::kUnspecified;
  std::string topic;
  Audience audience = Audience::kUnspecified;
  int audience_size = 0;
  absl::Time start_time = absl::UnixEpoch();
  int duration_minutes = 0;
  int preparation_minutes = 0;
  bool remote = false;
  std::string address;
  std::string municipality;
  std::string language;
  std::vector<ExperienceArea> experience_areas;
  int experts_needed = 0;
  std::string notes;
  OrderState state = OrderState::kUnspecified;
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
  absl::Time cancel_time = absl::UnixEpoch();
  Meta meta;

  absl::Time end_time() const { return start_time + absl::Minutes(duration_minutes); }
};

struct Assignment {
  std::string exchange_id;
  std::string order_id;
  std::string id;
  std::string expert_id;
  AssignmentState state = AssignmentState::kUnspecified;
  absl::Time offer_deadline = absl::UnixEpoch();
  absl::Time start_time = absl::UnixEpoch();
  absl::Time end_time = absl::UnixEpoch();
  int actual_duration_minutes = 0;
  int64_t fee_cents = 0;
  int64_t travel_cents = 0;
  int travel_km = 0;
  int64_t declined_fee_cents = 0;     // the fee she declined (FEE_DECLINED); not paid
  int64_t daily_allowance_cents = 0;  // tax-free, recorded on completion
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
  CancelReason cancel_reason = CancelReason::kUnspecified;     // an expert's cancellation
  DeclineReason decline_reason = DeclineReason::kUnspecified;  // an expert's decline
  // The matching rules the coordinator overrode to make this offer by hand.
  std::vector<ExclusionRule> overridden_rules;
  // The offer round that made the offer (domain/offer_rounds.h); 0: by hand.
  int offer_round = 0;
  OfferKind offer_kind = OfferKind::kPlace;
  // While AVAILABLE: her place in the order's queue of backups and pool
  // members, 1 first (gaps are left by those who moved on); 0 otherwise.
  int backup_rank = 0;
  absl::Time cancel_time = absl::UnixEpoch();
  std::string contract_id;                     // the current contract, if one was generated
  std::vector<FeedbackSource> feedback_given;  // whose feedback it has (read only)
  Meta meta;

  int64_t total_cents() const { return fee_cents + travel_cents + daily_allowance_cents; }
};

struct Feedback {
  FeedbackSource source = FeedbackSource::kUnspecified;
  int overall_rating = 0;
  int content_rating = 0;
  int heaviness = 0;
  bool setting_safe = false;
  std::string comment;
  absl::Time create_time = absl::UnixEpoch();
  SupportAfterwards support_afterwards = SupportAfterwards::kUnspecified;  // expert only
};

// Assignments in these states hold the expert's time.
bool HoldsTime(AssignmentState state);
// The state an assignment is in at `now`: an offer past its deadline has
// lapsed; an AVAILABLE expert is no longer needed once the task starts
// (WITHDRAWN).
AssignmentState EffectiveState(const Assignment& a, absl::Time now);
// OFFERED or AVAILABLE: she has said nothing final and holds no place.
bool StandsBy(AssignmentState state);
// A task the expert still holds at `now`: offered (open), available,
// accepted or confirmed, and not yet started. Erasing her would leave it to a
// pseudonym nobody can reach.
bool HeldAtErasure(const Assignment& a, absl::Time now);
// OK when `held` (the resource names of the tasks she holds) is empty or the
// erasure is forced; FAILED_PRECONDITION naming them (at most 10) otherwise.
absl::Status CheckErasure(const std::vector<std::string>& held, bool force);
// OK if `from` may become `to`; FAILED_PRECONDITION naming `from` otherwise.
absl::Status CheckAssignmentTransition(AssignmentState from, AssignmentState to);
// The time an assignment blocks in the expert's calendar: [start, end + buffer).
// Two assignments of one expert conflict if their blocks overlap.
bool Conflicts(
    absl::Time start_a, absl::Time end_a, absl::Time start_b, absl::Time end_b,
    absl::Duration buffer);

// The order follows its assignments: ASSIGNED when every place is confirmed,
// COMPLETED when nothing is held any more and something was completed, OPEN
// while a place is free. A CANCELLED order stays so.
OrderState OrderStateAfter(const Order& order, const std::vector<Assignment>& assignments);
// Whether `held` accepted or confirmed assignments fill the order's places.
inline bool PlacesFilled(const Order& order, int held) { return held >= order.experts_needed; }

void NormalizeOrder(Order& order);
// `creating`: the start must be in the future.
void ValidateOrder(
    const Order& order, absl::Time now, bool creating, absl::string_view prefix,
    FieldViolations& violations);
void ValidateFeedback(
    const Feedback& feedback, absl::string_view prefix, FieldViolations& violations);
// "yes", "no", "not_needed", or "" unanswered: as stored and summarized.
absl::string_view SupportAnswerName(SupportAfterwards answer);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_ORDERS_H_
