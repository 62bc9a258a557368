// Offer rounds: filling an order's places without a phone. The coordinator
// starts rounds on an OPEN order with a strategy; each round offers the order
// to the best eligible experts the ranking gives (never to one who already
// had an offer or a place on it), the first acceptances fill the places and
// the other offers are withdrawn (order_lifecycle.h). A new round starts by
// itself while places are open and the rounds' deadline has not passed:
//   - BROADCAST: when every offer of the rounds is answered (or lapsed) and
//     places remain, or a held place was cancelled;
//   - TIERED: also when the tier interval passes with places open, the
//     earlier offers staying open (the circle widens);
//   - POOL: the offers ask who is available (OfferKind::kPool): a yes makes
//     her AVAILABLE, not placed, and the coordinator picks (confirms) until
//     and after the deadline; a new round starts when every offer is answered
//     and fewer have said yes than places are open. When the places fill,
//     those not picked stay as the order's backups (order_lifecycle.h).
// When no eligible expert is left the rounds are EXHAUSTED and the
// coordinator is told; until the deadline they start again by themselves
// when someone becomes eligible (a cancelled task frees her time). Every round is kept with what it
// offered; its outcome is read from the assignments it made, so the record of how an order was
// filled always agrees with them.
//
//   RoundStep step = NextRoundStep(rounds, order, assignments, now);
//   if (step.action == RoundStep::kStart)
//     experts = RoundExperts(ranking.candidates, assignments, rounds.round_size);
#ifndef KOKEMUS_SERVICES_DOMAIN_OFFER_ROUNDS_H_
#define KOKEMUS_SERVICES_DOMAIN_OFFER_ROUNDS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/enum_names.h"
#include "services/domain/matching.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

enum class RoundsState { kUnspecified = 0, kActive, kStopped, kEnded, kExhausted };
// Why a round started.
enum class RoundTrigger {
  kUnspecified = 0,
  kStarted,        // the coordinator started the rounds
  kNextTier,       // TIERED: the interval passed with places open
  kAllAnswered,    // every offer was answered or lapsed with places open
  kPlaceReopened,  // a held place was cancelled and is wanted still
  kNewlyEligible,  // EXHAUSTED rounds: someone the rules allow is free now
};

inline constexpr int kDefaultRoundSize = 5;
inline constexpr int kMaxRoundSize = 50;
inline constexpr absl::Duration kDefaultTierInterval = absl::Hours(4);
inline constexpr absl::Duration kMinTierInterval = absl::Minutes(15);
inline constexpr absl::Duration kMaxTierInterval = absl::Hours(7 * 24);
inline constexpr absl::Duration kDefaultAnswerWindow = absl::Hours(24);
inline constexpr absl::Duration kMinAnswerWindow = absl::Hours(1);
inline constexpr absl::Duration kMaxAnswerWindow = absl::Hours(7 * 24);

struct OfferRound {
  int number = 0;  // 1, 2, ...
  RoundTrigger trigger = RoundTrigger::kUnspecified;
  absl::Time start_time = absl::UnixEpoch();
  int places_open = 0;                  // places without an expert when it started
  std::vector<std::string> expert_ids;  // offered, best first
};

// An order's rounds: how they run and what each offered.
struct OfferRounds {
  std::string exchange_id;
  std::string order_id;
  OfferStrategy strategy = OfferStrategy::kUnspecified;
  int round_size = 0;                                   // 0: kDefaultRoundSize
  absl::Duration tier_interval = absl::ZeroDuration();  // TIERED; 0: kDefaultTierInterval
  // How long each offer of a round stays open (never past offer_deadline);
  // 0: kDefaultAnswerWindow.
  absl::Duration answer_window = absl::ZeroDuration();
  // No offer is open after it and no round starts after it: the order's
  // latest useful time. The epoch: not given.
  absl::Time offer_deadline = absl::UnixEpoch();
  RoundsState state = RoundsState::kUnspecified;
  std::vector<OfferRound> rounds;  // by number
  Meta meta;
};

// The exchange's defaults (MatchingSettings) where `rounds` leaves a field
// unset: the strategy (when it is BROADCAST, TIERED or POOL), the round
// size, the tier interval (TIERED) and the answer window. Before
// PrepareOfferRounds, which fills in the built-in ones.
void ApplyRoundsDefaults(OfferRounds& rounds, const MatchingSettings& exchange);
// The exchange's defaults are a strategy and, each 0 or in the range
// PrepareOfferRounds takes, a round size, tier interval and answer window.
void ValidateRoundsDefaults(
    const MatchingSettings& exchange, absl::string_view prefix, FieldViolations& violations);

// Fills in the defaults (round size, tier interval, answer window) and
// checks a start: BROADCAST, TIERED or POOL (TARGETED offers are made by hand), a
// round size of 1 to kMaxRoundSize, a tier interval of kMinTierInterval to
// kMaxTierInterval, an answer window of kMinAnswerWindow to
// kMaxAnswerWindow, a deadline (required) after `now` and no later than the
// order's start. Violations
// name the fields under `prefix`.
void PrepareOfferRounds(
    OfferRounds& rounds, const Order& order, absl::Time now, absl::string_view prefix,
    FieldViolations& violations);

// OK if rounds may start on `order`: it is OPEN and has places to fill, and
// no rounds are ACTIVE on it (FAILED_PRECONDITION otherwise).
absl::Status CheckRoundsMayStart(
    const Order& order, const std::vector<Assignment>& assignments, const OfferRounds* current,
    absl::Time now);

// What the rounds do next.
struct RoundStep {
  enum Action { kWait, kStart, kEnd };
  Action action = kWait;
  RoundTrigger trigger = RoundTrigger::kUnspecified;  // kStart
  int places_open = 0;                                // kStart
  RoundsState end_state = RoundsState::kUnspecified;  // kEnd: ENDED
  // kWait: when to look again at the latest (a change may come sooner).
  absl::Time next_check = absl::InfiniteFuture();
};

// The places of `order` no expert holds (accepted, confirmed or completed).
int PlacesOpen(const Order& order, const std::vector<Assignment>& assignments);

// The next step of ACTIVE rounds on `order` at `now` (see the file comment);
// with no round yet, the first one starts. EXHAUSTED rounds try again
// (NEWLY_ELIGIBLE) when places are open and no offer waits; others wait.
RoundStep NextRoundStep(
    const OfferRounds& rounds, const Order& order, const std::vector<Assignment>& assignments,
    absl::Time now);

// Until when an offer made at `now` in `rounds` stays open: the answer
// window, but never past the rounds' deadline.
absl::Time RoundOfferDeadline(const OfferRounds& rounds, absl::Time now);

// The experts a round offers to: the best `round_size` candidates (best
// first, as ranked) who have no assignment on the order in any state.
std::vector<std::string> RoundExperts(
    const std::vector<Candidate>& candidates, const std::vector<Assignment>& assignments,
    int round_size);

// What became of one round's offers, read from the order's assignments.
struct RoundOutcome {
  int offered = 0;
  int waiting = 0;  // still OFFERED
  int placed = 0;   // accepted, confirmed or completed
  int declined = 0;
  int lapsed = 0;
  int withdrawn = 0;
  int cancelled = 0;  // accepted, then cancelled
  int available = 0;  // said yes to a pool or backup offer, not placed (yet)
};
RoundOutcome OutcomeOf(int round, const std::vector<Assignment>& assignments, absl::Time now);

// Names for EnumName and ParseEnum: "BROADCAST", "ACTIVE", "NEXT_TIER".
template <>
std::span<const absl::string_view> EnumNames<OfferStrategy>();
template <>
std::span<const absl::string_view> EnumNames<RoundsState>();
template <>
std::span<const absl::string_view> EnumNames<RoundTrigger>();

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_OFFER_ROUNDS_H_
