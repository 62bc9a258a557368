#include "services/domain/offer_rounds.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/strings/str_cat.h"

namespace kokemus::domain {
namespace {

constexpr std::array<absl::string_view, 5> kStrategies = {
    "UNSPECIFIED", "TARGETED", "BROADCAST", "TIERED", "POOL"};
constexpr std::array<absl::string_view, 5> kRoundsStates = {
    "UNSPECIFIED", "ACTIVE", "STOPPED", "ENDED", "EXHAUSTED"};
constexpr std::array<absl::string_view, 6> kTriggers = {
    "UNSPECIFIED", "STARTED", "NEXT_TIER", "ALL_ANSWERED", "PLACE_REOPENED", "NEWLY_ELIGIBLE"};

bool Placed(AssignmentState s) { return HoldsTime(s) || s == AssignmentState::kCompleted; }

bool InRounds(OfferStrategy s) {
  return s == OfferStrategy::kBroadcast || s == OfferStrategy::kTiered || s == OfferStrategy::kPool;
}

// Adds a violation for `field` unless `value` (0 allowed when `zero_ok`) is
// in [min, max]; durations are checked in minutes.
void CheckRange(
    int64_t value, int64_t min, int64_t max, bool zero_ok, const std::string& field,
    FieldViolations& v) {
  if ((zero_ok && value == 0) || (value >= min && value <= max)) return;
  v.Add(field, absl::StrCat("must be between ", min, " and ", max, zero_ok ? " (0: default)" : ""));
}

void CheckShape(
    int round_size, absl::Duration tier_interval, absl::Duration answer_window, bool zero_ok,
    absl::string_view prefix, FieldViolations& v) {
  CheckRange(round_size, 1, kMaxRoundSize, zero_ok, absl::StrCat(prefix, "round_size"), v);
  CheckRange(
      absl::ToInt64Minutes(tier_interval), absl::ToInt64Minutes(kMinTierInterval),
      absl::ToInt64Minutes(kMaxTierInterval), zero_ok,
      absl::StrCat(prefix, "tier_interval_minutes"), v);
  CheckRange(
      absl::ToInt64Minutes(answer_window), absl::ToInt64Minutes(kMinAnswerWindow),
      absl::ToInt64Minutes(kMaxAnswerWindow), zero_ok,
      absl::StrCat(prefix, "answer_window_minutes"), v);
}

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

void ApplyRoundsDefaults(OfferRounds& rounds, const MatchingSettings& exchange) {
  if (rounds.strategy == OfferStrategy::kUnspecified && InRounds(exchange.offer_strategy)) {
    rounds.strategy = exchange.offer_strategy;
  }
  if (rounds.round_size == 0) rounds.round_size = exchange.round_size;
  if (rounds.strategy == OfferStrategy::kTiered && rounds.tier_interval == absl::ZeroDuration()) {
    rounds.tier_interval = exchange.tier_interval;
  }
  if (rounds.answer_window == absl::ZeroDuration()) rounds.answer_window = exchange.answer_window;
}

void ValidateRoundsDefaults(
    const MatchingSettings& exchange, absl::string_view prefix, FieldViolations& v) {
  if (exchange.offer_strategy != OfferStrategy::kTargeted && !InRounds(exchange.offer_strategy)) {
    v.Add(absl::StrCat(prefix, "offer_strategy"), "must be TARGETED, BROADCAST, TIERED or POOL");
  }
  CheckShape(
      exchange.round_size, exchange.tier_interval, exchange.answer_window, /*zero_ok=*/true, prefix,
      v);
}

void PrepareOfferRounds(
    OfferRounds& rounds, const Order& order, absl::Time now, absl::string_view prefix,
    FieldViolations& v) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (rounds.strategy == OfferStrategy::kTargeted) {
    v.Add(field("strategy"), "TARGETED offers are made by hand (OfferAssignment), not in rounds");
  } else if (rounds.strategy == OfferStrategy::kUnspecified) {
    v.Add(
        field("strategy"),
        "is required: the exchange sets no default (MatchingSettings.offer_strategy)");
  } else if (!InRounds(rounds.strategy)) {
    v.Add(field("strategy"), "must be BROADCAST, TIERED or POOL");
  }
  const bool tiered = rounds.strategy == OfferStrategy::kTiered;
  if (rounds.round_size == 0) rounds.round_size = kDefaultRoundSize;
  if (tiered && rounds.tier_interval == absl::ZeroDuration()) {
    rounds.tier_interval = kDefaultTierInterval;
  }
  if (rounds.answer_window == absl::ZeroDuration()) rounds.answer_window = kDefaultAnswerWindow;
  // The tier interval's range only matters for TIERED rounds.
  CheckShape(
      rounds.round_size, tiered ? rounds.tier_interval : kDefaultTierInterval, rounds.answer_window,
      /*zero_ok=*/false, prefix, v);
  if (!tiered && rounds.tier_interval != absl::ZeroDuration()) {
    v.Add(field("tier_interval_minutes"), "is only for TIERED rounds");
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
  int open = PlacesOpen(order, assignments);
  if (rounds.strategy == OfferStrategy::kPool) {
    // A pool asks more people only while too few have said yes to pick from.
    for (const Assignment& a : assignments) {
      if (EffectiveState(a, now) == AssignmentState::kAvailable) --open;
    }
    open = std::max(open, 0);
  }
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
      case AssignmentState::kAvailable:
        ++o.available;
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
