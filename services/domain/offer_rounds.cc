#include "services/domain/offer_rounds.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/strings/str_cat.h"

namespace kokemus::domain {
namespace {

constexpr std::array<absl::string_view, 4> kStrategies = {
    "UNSPECIFIED", "TARGETED", "BROADCAST", "TIERED"};
constexpr std::array<absl::string_view, 5> kRoundsStates = {
    "UNSPECIFIED", "ACTIVE", "STOPPED", "ENDED", "EXHAUSTED"};
constexpr std::array<absl::string_view, 6> kTriggers = {
    "UNSPECIFIED", "STARTED", "NEXT_TIER", "ALL_ANSWERED", "PLACE_REOPENED", "NEWLY_ELIGIBLE"};

bool Placed(AssignmentState s) { return HoldsTime(s) || s == AssignmentState::kCompleted; }

}  // namespace

template <>
std::span<const absl::string_view> EnumNames<OfferStrategy>() {
  return kStrategies;
}
template <>
std::span<const absl::string_view> EnumNames<RoundsState>() {
  return kRoundsStates;
}
template <>
std::span<const absl::string_view> EnumNames<RoundTrigger>() {
  return kTriggers;
}

void PrepareOfferRounds(
    OfferRounds& rounds, const Order& order, absl::Time now, absl::string_view prefix,
    FieldViolations& v) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (rounds.strategy == OfferStrategy::kTargeted) {
    v.Add(field("strategy"), "TARGETED offers are made by hand (OfferAssignment), not in rounds");
  } else if (
      rounds.strategy != OfferStrategy::kBroadcast && rounds.strategy != OfferStrategy::kTiered) {
    v.Add(field("strategy"), "must be BROADCAST or TIERED");
  }
  if (rounds.round_size == 0) rounds.round_size = kDefaultRoundSize;
  if (rounds.round_size < 1 || rounds.round_size > kMaxRoundSize) {
    v.Add(field("round_size"), absl::StrCat("must be between 1 and ", kMaxRoundSize));
  }
  if (rounds.strategy == OfferStrategy::kTiered) {
    if (rounds.tier_interval == absl::ZeroDuration()) rounds.tier_interval = kDefaultTierInterval;
    if (rounds.tier_interval < kMinTierInterval || rounds.tier_interval > kMaxTierInterval) {
      v.Add(
          field("tier_interval_minutes"),
          absl::StrCat(
              "must be between ", absl::ToInt64Minutes(kMinTierInterval), " and ",
              absl::ToInt64Minutes(kMaxTierInterval)));
    }
  } else if (rounds.tier_interval != absl::ZeroDuration()) {
    v.Add(field("tier_interval_minutes"), "is only for TIERED rounds");
  }
  if (rounds.answer_window == absl::ZeroDuration()) rounds.answer_window = kDefaultAnswerWindow;
  if (rounds.answer_window < kMinAnswerWindow || rounds.answer_window > kMaxAnswerWindow) {
    v.Add(
        field("answer_window_minutes"),
        absl::StrCat(
            "must be between ", absl::ToInt64Minutes(kMinAnswerWindow), " and ",
            absl::ToInt64Minutes(kMaxAnswerWindow)));
  }
  if (rounds.offer_deadline == absl::UnixEpoch()) {
    v.Add(field("offer_deadline"), "is required");
  } else if (rounds.offer_deadline <= now) {
    v.Add(field("offer_deadline"), "must be in the future");
  } else if (rounds.offer_deadline > order.start_time) {
    v.Add(field("offer_deadline"), "must not be after the order's start_time");
  }
}

int PlacesOpen(const Order& order, const std::vector<Assignment>& assignments) {
  int placed = 0;
  for (const Assignment& a : assignments) placed += Placed(a.state) ? 1 : 0;
  return std::max(0, order.experts_needed - placed);
}

absl::Status CheckRoundsMayStart(
    const Order& order, const std::vector<Assignment>& assignments, const OfferRounds* current,
    absl::Time now) {
  if (order.state != OrderState::kOpen) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the order is ", EnumName(order.state), "; rounds start only on an OPEN order"));
  }
  if (current != nullptr && current->state == RoundsState::kActive &&
      current->offer_deadline > now) {
    return absl::FailedPreconditionError(
        "offer rounds are already running on the order; stop them first");
  }
  if (PlacesOpen(order, assignments) == 0) {
    return absl::FailedPreconditionError("every place of the order is already held");
  }
  return absl::OkStatus();
}

RoundStep NextRoundStep(
    const OfferRounds& rounds, const Order& order, const std::vector<Assignment>& assignments,
    absl::Time now) {
  RoundStep step;
  const bool exhausted = rounds.state == RoundsState::kExhausted;
  if (rounds.state != RoundsState::kActive && !exhausted) return step;
  if (order.state == OrderState::kCompleted || order.state == OrderState::kCancelled ||
      now >= rounds.offer_deadline) {
    step.action = RoundStep::kEnd;
    step.end_state = RoundsState::kEnded;
    return step;
  }
  step.next_check = rounds.offer_deadline;
  const int open = PlacesOpen(order, assignments);
  if (rounds.rounds.empty()) {
    step.action = RoundStep::kStart;
    step.trigger = RoundTrigger::kStarted;
    step.places_open = open;
    return step;
  }
  if (open == 0) return step;  // filled; a cancellation may open a place again
  const OfferRound& last = rounds.rounds.back();
  bool waiting = false, reopened = false;
  for (const Assignment& a : assignments) {
    if (EffectiveState(a, now) == AssignmentState::kOffered) waiting = true;
    if (a.state == AssignmentState::kCancelled && a.cancel_time >= last.start_time) {
      reopened = true;
    }
  }
  if (!waiting) {
    step.action = RoundStep::kStart;
    step.trigger = exhausted  ? RoundTrigger::kNewlyEligible
                   : reopened ? RoundTrigger::kPlaceReopened
                              : RoundTrigger::kAllAnswered;
    step.places_open = open;
    return step;
  }
  if (exhausted) return step;
  if (rounds.strategy == OfferStrategy::kTiered) {
    const absl::Time next_tier = last.start_time + rounds.tier_interval;
    if (now >= next_tier) {
      step.action = RoundStep::kStart;
      step.trigger = RoundTrigger::kNextTier;
      step.places_open = open;
      return step;
    }
    step.next_check = std::min(step.next_check, next_tier);
  }
  return step;
}

absl::Time RoundOfferDeadline(const OfferRounds& rounds, absl::Time now) {
  return std::min(now + rounds.answer_window, rounds.offer_deadline);
}

std::vector<std::string> RoundExperts(
    const std::vector<Candidate>& candidates, const std::vector<Assignment>& assignments,
    int round_size) {
  std::set<std::string> engaged;
  for (const Assignment& a : assignments) engaged.insert(a.expert_id);
  std::vector<std::string> out;
  for (const Candidate& c : candidates) {
    if (static_cast<int>(out.size()) >= round_size) break;
    if (engaged.count(c.expert_id)) continue;
    out.push_back(c.expert_id);
  }
  return out;
}

RoundOutcome OutcomeOf(int round, const std::vector<Assignment>& assignments, absl::Time now) {
  RoundOutcome o;
  for (const Assignment& a : assignments) {
    if (a.offer_round != round) continue;
    ++o.offered;
    switch (EffectiveState(a, now)) {
      case AssignmentState::kOffered:
        ++o.waiting;
        break;
      case AssignmentState::kAccepted:
      case AssignmentState::kConfirmed:
      case AssignmentState::kCompleted:
        ++o.placed;
        break;
      case AssignmentState::kDeclined:
        ++o.declined;
        break;
      case AssignmentState::kLapsed:
        ++o.lapsed;
        break;
      case AssignmentState::kWithdrawn:
        ++o.withdrawn;
        break;
      case AssignmentState::kCancelled:
        ++o.cancelled;
        break;
      default:
        break;
    }
  }
  return o;
}

}  // namespace kokemus::domain
