#include "services/domain/order_lifecycle.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/travel.h"
#include "services/domain/validation.h"

namespace kokemus::domain {
namespace {

std::string AssignmentResourceName(const Assignment& a) {
  return absl::StrCat(
      ChildResourceName(a.exchange_id, "orders", a.order_id), "/assignments/", a.id);
}

int HeldPlaces(const std::vector<Assignment>& assignments) {
  int held = 0;
  for (const Assignment& a : assignments) held += HoldsTime(a.state) ? 1 : 0;
  return held;
}

// The expert can take the task: ACTIVE, no overlapping held assignment, and
// her cap, earnings limit and rest kept.
// What the task does to her earnings comes back, for the 80 % warning.
absl::StatusOr<EarningsCheck> CheckExpertFree(const TransitionFacts& f) {
  if (f.expert == nullptr) return absl::InternalError("the expert's facts were not read");
  if (f.expert->state != ExpertState::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("the expert is ", EnumName(f.expert->state), " and can't accept"));
  }
  if (f.overlapping_held > 0) {
    return absl::FailedPreconditionError(
        "the expert already has an accepted or confirmed assignment at an "
        "overlapping time (travel buffer included)");
  }
  if (f.held != nullptr) {
    return CheckHoldLimits(
        f.order, f.assignment.fee_cents, f.expert->max_assignments_per_month, f.expert->limit,
        f.earnings, *f.held, f.rest_after_heavy, f.assignment.overridden_rules);
  }
  return EarningsCheck{};
}

absl::StatusOr<EarningsCheck> CheckAccept(const TransitionFacts& f) {
  if (f.order.state != OrderState::kOpen) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order is ", EnumName(f.order.state), "; the offer can't be accepted"));
  }
  if (PlacesFilled(f.order, HeldPlaces(f.siblings))) {
    return absl::FailedPreconditionError("the order's places are already filled");
  }
  return CheckExpertFree(f);
}

// Saying yes to a pool or backup offer: she must be free and within her
// limits then, but takes no place; a backup may stand by for a filled order.
absl::StatusOr<EarningsCheck> CheckAvailable(const TransitionFacts& f) {
  const bool backup = f.assignment.offer_kind == OfferKind::kBackup;
  if (f.order.state != OrderState::kOpen && !(backup && f.order.state == OrderState::kAssigned)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order is ", EnumName(f.order.state), "; the offer can't be accepted"));
  }
  return CheckExpertFree(f);
}

int NextBackupRank(const std::vector<Assignment>& siblings) {
  int rank = 0;
  for (const Assignment& s : siblings) rank = std::max(rank, s.backup_rank);
  return rank + 1;
}

}  // namespace

AssignmentState AnswerState(const Assignment& offer, AssignmentState to) {
  if (to == AssignmentState::kAccepted && offer.offer_kind != OfferKind::kPlace) {
    return AssignmentState::kAvailable;
  }
  return to;
}

bool ChecksExpertHold(AssignmentState from, AssignmentState to) {
  return to == AssignmentState::kAccepted || to == AssignmentState::kAvailable ||
         (from == AssignmentState::kAvailable && to == AssignmentState::kConfirmed);
}

std::optional<Assignment> BackupToOffer(
    const Order& order, const std::vector<Assignment>& assignments, absl::Time now) {
  if (order.state != OrderState::kOpen || order.start_time <= now) return std::nullopt;
  int held = 0;
  const Assignment* best = nullptr;
  for (const Assignment& a : assignments) {
    const AssignmentState state = EffectiveState(a, now);
    if (HoldsTime(state)) ++held;
    if (state == AssignmentState::kAvailable && a.offer_kind == OfferKind::kBackup &&
        (best == nullptr || a.backup_rank < best->backup_rank)) {
      best = &a;
    }
  }
  if (best == nullptr || PlacesFilled(order, held)) return std::nullopt;
  Assignment offer = *best;
  offer.state = AssignmentState::kOffered;
  offer.offer_kind = OfferKind::kPlace;
  offer.backup_rank = 0;
  offer.offer_deadline = std::min(now + kBackupAnswerWindow, order.start_time);
  return offer;
}

absl::Status CheckCancelReason(CancelledBy by, CancelReason reason, absl::string_view field) {
  if (!IsKnown(reason)) return InvalidField(std::string(field), "is not a known reason");
  if (reason != CancelReason::kUnspecified && by != CancelledBy::kExpert) {
    return InvalidField(std::string(field), "only an expert's cancellation gives a reason");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> DropsPlace(CancelledBy by, PlaceAfterCancel place, absl::string_view field) {
  if (place != PlaceAfterCancel::kUnspecified && place != PlaceAfterCancel::kKeep &&
      place != PlaceAfterCancel::kDrop) {
    return InvalidField(std::string(field), "is not KEEP or DROP");
  }
  if (by == CancelledBy::kOrderer) {
    if (place == PlaceAfterCancel::kUnspecified) {
      return InvalidField(
          std::string(field),
          "is required when the orderer cancels: KEEP to have another expert, DROP for one fewer");
    }
    return place == PlaceAfterCancel::kDrop;
  }
  if (place == PlaceAfterCancel::kDrop) {
    return InvalidField(std::string(field), "only the orderer gives up a place");
  }
  return false;
}

absl::Status CheckDeclineReason(DeclineReason reason, absl::string_view field) {
  if (!IsKnown(reason)) return InvalidField(std::string(field), "is not a known reason");
  return absl::OkStatus();
}

absl::Status CheckCancelledBy(CancelledBy by) {
  if (!IsKnown(by) || by == CancelledBy::kUnspecified) {
    return InvalidField("cancelled_by", "is required (must not be UNSPECIFIED)");
  }
  return absl::OkStatus();
}

absl::Status CheckActualDuration(int minutes) {
  if (minutes < 0 || minutes > kMaxActualDurationMinutes) {
    return InvalidField(
        "actual_duration_minutes",
        absl::StrCat("must be between 0 and ", kMaxActualDurationMinutes));
  }
  return absl::OkStatus();
}

absl::Status CheckDailyAllowance(int64_t cents) {
  if (cents < 0 || cents > kMaxDailyAllowanceCents) {
    return InvalidField(
        "daily_allowance_cents", absl::StrCat("must be between 0 and ", kMaxDailyAllowanceCents));
  }
  return absl::OkStatus();
}

absl::Status CheckOrderTakesOffers(const Order& order) {
  if (order.state == OrderState::kOpen) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the order is ", EnumName(order.state), "; only an OPEN order takes offers"));
}

absl::Status CheckOfferDeadlineAhead(absl::Time deadline, absl::Time now) {
  if (deadline <= now) return InvalidField("offer_deadline", "must be in the future");
  return absl::OkStatus();
}

absl::Status CheckOfferDeadline(absl::Time deadline, const Order& order, absl::Time now) {
  if (absl::Status s = CheckOfferDeadlineAhead(deadline, now); !s.ok()) return s;
  if (deadline > order.start_time) {
    return InvalidField("offer_deadline", "must not be after the order's start_time");
  }
  return absl::OkStatus();
}

absl::StatusOr<Assignment> PlanOffer(
    const Order& order, const std::vector<Assignment>& existing, const ExpertFacts& expert,
    const FeeSchedule& schedule, Assignment offer, absl::Time now) {
  if (offer.offer_kind == OfferKind::kUnspecified) offer.offer_kind = OfferKind::kPlace;
  if (!IsKnown(offer.offer_kind)) return InvalidField("offer_kind", "is not a known kind");
  // A backup may be asked to stand by for places already filled.
  if (offer.offer_kind != OfferKind::kBackup || order.state != OrderState::kAssigned) {
    if (absl::Status s = CheckOrderTakesOffers(order); !s.ok()) return s;
  }
  if (expert.state != ExpertState::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("the expert is ", EnumName(expert.state), " and takes no offers"));
  }
  if (absl::Status s = CheckOfferDeadline(offer.offer_deadline, order, now); !s.ok()) return s;
  for (const Assignment& a : existing) {
    if (a.id == offer.id) {
      return absl::AlreadyExistsError(absl::StrCat(AssignmentResourceName(a), " already exists"));
    }
    const AssignmentState state = EffectiveState(a, now);
    if (a.expert_id == offer.expert_id && (StandsBy(state) || HoldsTime(state))) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the expert already has an ", EnumName(state), " assignment ", AssignmentResourceName(a),
          " on this order"));
    }
  }
  auto quote = QuoteFee(
      schedule, order, order.duration_minutes, expert.payment_method,
      TravelKm(expert.home_municipality, order.municipality));
  if (!quote.ok()) return quote.status();
  offer.state = AssignmentState::kOffered;
  offer.backup_rank = 0;
  offer.start_time = order.start_time;
  offer.end_time = order.end_time();
  offer.fee_cents = quote->fee_cents;
  offer.declined_fee_cents = quote->declined_fee_cents;
  offer.travel_cents = quote->travel_cents;
  offer.travel_km = quote->travel_km;
  return offer;
}

absl::StatusOr<TransitionPlan> PlanTransition(
    const TransitionFacts& f, const TransitionRequest& request, absl::Time now) {
  const AssignmentState from = EffectiveState(f.assignment, now);
  const AssignmentState to = AnswerState(f.assignment, request.to);
  if (absl::Status s = CheckAssignmentTransition(from, to); !s.ok()) return s;
  if (to == AssignmentState::kOffered) {
    return absl::FailedPreconditionError("a backup is offered a place only when one frees");
  }
  TransitionPlan plan;
  Assignment& a = plan.assignment;
  a = f.assignment;
  a.backup_rank = 0;  // she leaves the queue, unless she joins it now
  // She takes a place: checked, her time reserved, her pay warned of at 80 %.
  auto take_place = [&]() -> absl::Status {
    auto earnings = CheckAccept(f);
    if (!earnings.ok()) return earnings.status();
    if (earnings->warns) plan.earnings_warning = *earnings;
    plan.block_end = BlockEnd(a, f.travel_buffer);
    return absl::OkStatus();
  };
  switch (to) {
    case AssignmentState::kAccepted:
      if (absl::Status s = take_place(); !s.ok()) return s;
      break;
    case AssignmentState::kAvailable:
      // She holds nothing yet: no warning until she takes a place.
      if (absl::Status s = CheckAvailable(f).status(); !s.ok()) return s;
      a.backup_rank = NextBackupRank(f.siblings);
      break;
    case AssignmentState::kConfirmed:
      if (from == AssignmentState::kAvailable) {  // the coordinator picks her
        if (absl::Status s = take_place(); !s.ok()) return s;
      }
      break;
    case AssignmentState::kCompleted: {
      if (now < a.start_time) {
        return absl::FailedPreconditionError("the task has not started yet");
      }
      if (f.expert == nullptr) return absl::InternalError("the expert's facts were not read");
      a.actual_duration_minutes = request.actual_duration_minutes > 0
                                      ? request.actual_duration_minutes
                                      : f.order.duration_minutes;
      auto quote = QuoteFee(
          f.schedule, f.order, a.actual_duration_minutes, f.expert->payment_method, a.travel_km);
      if (!quote.ok()) return quote.status();
      if (absl::Status s = CheckDailyAllowance(request.daily_allowance_cents); !s.ok()) return s;
      if (request.daily_allowance_cents > 0 && f.order.remote) {
        return InvalidField("daily_allowance_cents", "must be 0 for a remote task (no trip)");
      }
      a.fee_cents = quote->fee_cents;
      a.declined_fee_cents = quote->declined_fee_cents;
      a.travel_cents = quote->travel_cents;
      a.daily_allowance_cents = request.daily_allowance_cents;
      break;
    }
    case AssignmentState::kDeclined:
      if (absl::Status s = CheckDeclineReason(request.decline_reason, "reason"); !s.ok()) {
        return s;
      }
      a.decline_reason = request.decline_reason;
      break;
    case AssignmentState::kCancelled:
      if (absl::Status s = CheckCancelledBy(request.cancelled_by); !s.ok()) return s;
      if (absl::Status s = CheckCancelReason(request.cancelled_by, request.cancel_reason, "reason");
          !s.ok()) {
        return s;
      }
      if (request.drop_place) {
        if (request.cancelled_by != CancelledBy::kOrderer) {
          return InvalidField("place", "only the orderer gives up a place");
        }
        if (f.order.experts_needed <= 1) {
          return absl::FailedPreconditionError(
              "the order has one place; cancel the order instead of dropping its place");
        }
        plan.experts_needed = f.order.experts_needed - 1;
      }
      a.cancelled_by = request.cancelled_by;
      a.cancel_reason = request.cancel_reason;
      a.cancel_time = now;
      a.fee_cents = CancellationFee(f.schedule, f.order, a.fee_cents, request.cancelled_by, now);
      a.declined_fee_cents =
          CancellationFee(f.schedule, f.order, a.declined_fee_cents, request.cancelled_by, now);
      a.travel_cents = 0;
      break;
    default:
      break;
  }
  a.state = to;

  std::vector<Assignment> after = f.siblings;
  for (Assignment& s : after) {
    if (s.id == a.id) s = a;
  }
  Order order = f.order;
  if (plan.experts_needed) order.experts_needed = *plan.experts_needed;
  const bool placed = plan.block_end.has_value();
  if ((placed || plan.experts_needed) && PlacesFilled(order, HeldPlaces(after))) {
    // The places are filled: offers for a place or the pool are withdrawn;
    // the pool's available experts stay as backups, in the order they said
    // yes; asked backups stay as they are.
    for (Assignment& s : after) {
      if (s.offer_kind == OfferKind::kBackup) continue;
      const AssignmentState state = EffectiveState(s, now);
      if (state == AssignmentState::kOffered) {
        s.state = AssignmentState::kWithdrawn;
        plan.withdrawn.push_back(s);
      } else if (state == AssignmentState::kAvailable) {
        s.offer_kind = OfferKind::kBackup;
        plan.standing_by.push_back(s);
      }
    }
  }
  const OrderState next = OrderStateAfter(order, after);
  if (next != f.order.state) plan.order_state = next;
  if (to == AssignmentState::kCancelled) {
    order.state = next;
    plan.backup_offered = BackupToOffer(order, after, now);
  }
  return plan;
}

absl::Status CheckFeedbackTaken(
    AssignmentState state, FeedbackSource source, bool already_submitted) {
  if (state != AssignmentState::kCompleted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the assignment is ", EnumName(state), "; feedback is taken after completion"));
  }
  if (already_submitted) {
    return absl::AlreadyExistsError(absl::StrCat(
        "feedback from the ", absl::AsciiStrToLower(EnumName(source)), " was already submitted"));
  }
  return absl::OkStatus();
}

absl::Status CheckContractAcceptance(absl::string_view superseded_by, bool accepted) {
  if (!superseded_by.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the contract is superseded by ", superseded_by, "; accept that one"));
  }
  if (accepted) return absl::FailedPreconditionError("the contract is already accepted");
  return absl::OkStatus();
}

absl::StatusOr<OrderCancellationPlan> PlanOrderCancellation(
    const Order& order, const std::vector<Assignment>& assignments, const FeeSchedule& schedule,
    CancelledBy by, absl::Time now) {
  if (absl::Status s = CheckCancelledBy(by); !s.ok()) return s;
  if (order.state != OrderState::kOpen && order.state != OrderState::kAssigned) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order is ", EnumName(order.state), " and can't be cancelled"));
  }
  OrderCancellationPlan plan;
  for (Assignment a : assignments) {
    const AssignmentState state = EffectiveState(a, now);
    if (StandsBy(state)) {
      a.state = AssignmentState::kWithdrawn;
      a.backup_rank = 0;
    } else if (HoldsTime(state)) {
      a.state = AssignmentState::kCancelled;
      a.cancelled_by = by;
      a.cancel_time = now;
      a.fee_cents = CancellationFee(schedule, order, a.fee_cents, by, now);
      a.declined_fee_cents = CancellationFee(schedule, order, a.declined_fee_cents, by, now);
      a.travel_cents = 0;
    } else {
      continue;
    }
    plan.changed.push_back(std::move(a));
  }
  plan.order = order;
  plan.order.state = OrderState::kCancelled;
  plan.order.cancelled_by = by;
  plan.order.cancel_time = now;
  return plan;
}

absl::Status CheckOrderer(
    std::optional<OrganizationState> state, absl::string_view exchange_id,
    absl::string_view organization_id) {
  const std::string name = ChildResourceName(exchange_id, "organizations", organization_id);
  if (!state.has_value()) return absl::NotFoundError(absl::StrCat(name, " not found"));
  if (*state == OrganizationState::kInactive) {
    return absl::FailedPreconditionError(absl::StrCat(
        name,
        " is INACTIVE and takes no new orders; set its state to ACTIVE first "
        "(UpdateOrganization)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<OrderUpdatePlan> PlanOrderUpdate(
    const Order& current, Order updated, std::optional<OrganizationState> organization_state,
    const std::vector<Assignment>& assignments) {
  if (current.state != OrderState::kOpen) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order is ", EnumName(current.state), "; only an OPEN order changes"));
  }
  if (updated.organization_id != current.organization_id || !organization_state.has_value()) {
    if (absl::Status s =
            CheckOrderer(organization_state, updated.exchange_id, updated.organization_id);
        !s.ok()) {
      return s;
    }
  }
  OrderUpdatePlan plan;
  const bool time_changed = updated.start_time != current.start_time ||
                            updated.duration_minutes != current.duration_minutes;
  if (time_changed) {
    for (Assignment a : assignments) {
      if (HoldsTime(a.state)) {
        return absl::FailedPreconditionError(
            "the order's time can't change while an expert holds it; cancel the "
            "assignments first");
      }
      if (StandsBy(a.state)) {
        a.start_time = updated.start_time;
        a.end_time = updated.end_time();
        plan.retimed.push_back(std::move(a));
      }
    }
  }
  updated.state = current.state;
  updated.cancelled_by = current.cancelled_by;
  updated.cancel_time = current.cancel_time;
  updated.meta = current.meta;
  plan.order = std::move(updated);
  return plan;
}

}  // namespace kokemus::domain
