#include "services/domain/offer_rounds.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);

Order MakeOrder(int places) {
  Order o;
  o.exchange_id = "ph";
  o.id = "o1";
  o.start_time = kNow + absl::Hours(24 * 10);
  o.duration_minutes = 90;
  o.experts_needed = places;
  o.state = OrderState::kOpen;
  return o;
}

Assignment Made(const std::string& expert, AssignmentState state, int round = 1) {
  Assignment a;
  a.exchange_id = "ph";
  a.order_id = "o1";
  a.id = expert;
  a.expert_id = expert;
  a.state = state;
  a.offer_deadline = kNow + absl::Hours(48);
  a.start_time = kNow + absl::Hours(24 * 10);  // the order's
  a.offer_round = round;
  return a;
}

OfferRounds Running(OfferStrategy strategy, absl::Time first_round) {
  OfferRounds r;
  r.strategy = strategy;
  r.round_size = 3;
  r.tier_interval = strategy == OfferStrategy::kTiered ? absl::Hours(4) : absl::ZeroDuration();
  r.offer_deadline = kNow + absl::Hours(48);
  r.state = RoundsState::kActive;
  r.rounds = {{1, RoundTrigger::kStarted, first_round, 1, {}}};
  return r;
}

std::vector<std::pair<std::string, std::string>> Violations(const FieldViolations& v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const FieldViolation& f : v.list()) out.emplace_back(f.field, f.description);
  return out;
}

TEST(OfferRoundsTest, AStartIsCheckedFieldByFieldAndGetsItsDefaults) {
  const Order order = MakeOrder(1);
  OfferRounds r;
  r.strategy = OfferStrategy::kBroadcast;
  r.offer_deadline = kNow + absl::Hours(24);
  FieldViolations ok;
  PrepareOfferRounds(r, order, kNow, "offer_rounds.", ok);
  EXPECT_TRUE(ok.empty());
  EXPECT_EQ(r.round_size, kDefaultRoundSize);
  EXPECT_EQ(r.tier_interval, absl::ZeroDuration());

  OfferRounds tiered;
  tiered.strategy = OfferStrategy::kTiered;
  tiered.offer_deadline = kNow + absl::Hours(24);
  FieldViolations none;
  PrepareOfferRounds(tiered, order, kNow, "", none);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(tiered.tier_interval, absl::Hours(4));

  OfferRounds bad;
  bad.strategy = OfferStrategy::kTargeted;
  bad.round_size = 51;
  bad.tier_interval = absl::Minutes(30);
  bad.offer_deadline = order.start_time + absl::Minutes(1);
  FieldViolations v;
  PrepareOfferRounds(bad, order, kNow, "offer_rounds.", v);
  EXPECT_THAT(
      Violations(v),
      ElementsAre(
          Pair(
              "offer_rounds.strategy",
              "TARGETED offers are made by hand (OfferAssignment), not in rounds"),
          Pair("offer_rounds.round_size", "must be between 1 and 50"),
          Pair("offer_rounds.tier_interval_minutes", "is only for TIERED rounds"),
          Pair("offer_rounds.offer_deadline", "must not be after the order's start_time")));

  OfferRounds unset;
  unset.strategy = OfferStrategy::kTiered;
  unset.tier_interval = absl::Minutes(14);
  FieldViolations w;
  PrepareOfferRounds(unset, order, kNow, "", w);
  EXPECT_THAT(
      Violations(w), ElementsAre(
                         Pair("tier_interval_minutes", "must be between 15 and 10080"),
                         Pair("offer_deadline", "is required")));
  OfferRounds past;
  past.strategy = OfferStrategy::kUnspecified;
  past.offer_deadline = kNow;
  FieldViolations x;
  PrepareOfferRounds(past, order, kNow, "", x);
  EXPECT_THAT(
      Violations(x), ElementsAre(
                         Pair(
                             "strategy",
                             "is required: the exchange sets no default "
                             "(MatchingSettings.offer_strategy)"),
                         Pair("offer_deadline", "must be in the future")));
}

TEST(OfferRoundsTest, EachRoundsOffersStayOpenForTheAnswerWindowNotPastTheDeadline) {
  const Order order = MakeOrder(1);
  OfferRounds r;
  r.strategy = OfferStrategy::kBroadcast;
  r.offer_deadline = kNow + absl::Hours(30);
  FieldViolations v;
  PrepareOfferRounds(r, order, kNow, "", v);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(r.answer_window, absl::Hours(24));
  EXPECT_EQ(RoundOfferDeadline(r, kNow), kNow + absl::Hours(24));
  EXPECT_EQ(RoundOfferDeadline(r, kNow + absl::Hours(10)), kNow + absl::Hours(30));
  r.answer_window = absl::Minutes(59);
  FieldViolations short_window;
  PrepareOfferRounds(r, order, kNow, "", short_window);
  EXPECT_THAT(
      Violations(short_window),
      ElementsAre(Pair("answer_window_minutes", "must be between 60 and 10080")));
}

TEST(OfferRoundsTest, RoundsStartOnlyOnAnOpenOrderWithPlacesAndNotTwice) {
  Order order = MakeOrder(1);
  EXPECT_TRUE(CheckRoundsMayStart(order, {}, nullptr, kNow).ok());
  const OfferRounds running = Running(OfferStrategy::kBroadcast, kNow);
  EXPECT_EQ(
      CheckRoundsMayStart(order, {}, &running, kNow).message(),
      "offer rounds are already running on the order; stop them first");
  OfferRounds stopped = running;
  stopped.state = RoundsState::kStopped;
  EXPECT_TRUE(CheckRoundsMayStart(order, {}, &stopped, kNow).ok());
  EXPECT_EQ(
      CheckRoundsMayStart(order, {Made("a", AssignmentState::kAccepted)}, nullptr, kNow).message(),
      "every place of the order is already held");
  order.state = OrderState::kAssigned;
  EXPECT_EQ(
      CheckRoundsMayStart(order, {}, nullptr, kNow).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OfferRoundsTest, BroadcastWaitsForAnswersThenOffersTheNextBest) {
  const Order order = MakeOrder(1);
  const OfferRounds r = Running(OfferStrategy::kBroadcast, kNow);
  // Two of three still open: wait, whatever the time.
  std::vector<Assignment> as = {
      Made("a", AssignmentState::kDeclined), Made("b", AssignmentState::kOffered),
      Made("c", AssignmentState::kOffered)};
  RoundStep step = NextRoundStep(r, order, as, kNow + absl::Hours(30));
  EXPECT_EQ(step.action, RoundStep::kWait);
  EXPECT_EQ(step.next_check, r.offer_deadline);
  // Every one answered no: the next round.
  as[1].state = AssignmentState::kDeclined;
  as[2].state = AssignmentState::kWithdrawn;
  step = NextRoundStep(r, order, as, kNow + absl::Hours(1));
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kAllAnswered);
  EXPECT_EQ(step.places_open, 1);
  // An offer past its deadline counts as answered (lapsed).
  as[1].state = AssignmentState::kOffered;
  as[1].offer_deadline = kNow + absl::Minutes(30);
  EXPECT_EQ(NextRoundStep(r, order, as, kNow + absl::Hours(1)).action, RoundStep::kStart);
  // Filled: nothing to do.
  as[0].state = AssignmentState::kAccepted;
  EXPECT_EQ(NextRoundStep(r, order, as, kNow + absl::Hours(1)).action, RoundStep::kWait);
}

TEST(OfferRoundsTest, ACancelledPlaceStartsARoundThatSaysSo) {
  Order order = MakeOrder(2);
  const OfferRounds r = Running(OfferStrategy::kBroadcast, kNow);
  Assignment cancelled = Made("a", AssignmentState::kCancelled);
  cancelled.cancelled_by = CancelledBy::kExpert;
  cancelled.cancel_reason = CancelReason::kIllness;
  cancelled.cancel_time = kNow + absl::Hours(2);
  std::vector<Assignment> as = {
      cancelled, Made("b", AssignmentState::kConfirmed), Made("c", AssignmentState::kWithdrawn)};
  const RoundStep step = NextRoundStep(r, order, as, kNow + absl::Hours(3));
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kPlaceReopened);
  EXPECT_EQ(step.places_open, 1);
}

TEST(OfferRoundsTest, RoundsThatRanOutTryAgainWhileNoOfferWaits) {
  const Order order = MakeOrder(1);
  OfferRounds r = Running(OfferStrategy::kBroadcast, kNow);
  r.state = RoundsState::kExhausted;
  RoundStep step = NextRoundStep(r, order, {Made("a", AssignmentState::kDeclined)}, kNow);
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kNewlyEligible);
  // An offer by hand is waiting, or the place is held: nothing to do.
  EXPECT_EQ(
      NextRoundStep(r, order, {Made("b", AssignmentState::kOffered, 0)}, kNow).action,
      RoundStep::kWait);
  EXPECT_EQ(
      NextRoundStep(r, order, {Made("b", AssignmentState::kConfirmed)}, kNow).action,
      RoundStep::kWait);
  EXPECT_EQ(NextRoundStep(r, order, {}, r.offer_deadline).action, RoundStep::kEnd);
}

TEST(OfferRoundsTest, TieredWidensTheCircleAfterTheIntervalWithOffersStillOpen) {
  const Order order = MakeOrder(1);
  const OfferRounds r = Running(OfferStrategy::kTiered, kNow);
  const std::vector<Assignment> as = {
      Made("a", AssignmentState::kOffered), Made("b", AssignmentState::kDeclined)};
  RoundStep step = NextRoundStep(r, order, as, kNow + absl::Hours(4) - absl::Seconds(1));
  EXPECT_EQ(step.action, RoundStep::kWait);
  EXPECT_EQ(step.next_check, kNow + absl::Hours(4));
  step = NextRoundStep(r, order, as, kNow + absl::Hours(4));
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kNextTier);
}

TEST(OfferRoundsTest, RoundsEndAtTheirDeadlineOrWithTheOrder) {
  Order order = MakeOrder(1);
  OfferRounds r = Running(OfferStrategy::kTiered, kNow);
  RoundStep step = NextRoundStep(r, order, {}, r.offer_deadline);
  EXPECT_EQ(step.action, RoundStep::kEnd);
  EXPECT_EQ(step.end_state, RoundsState::kEnded);
  order.state = OrderState::kCancelled;
  EXPECT_EQ(NextRoundStep(r, order, {}, kNow).action, RoundStep::kEnd);
  // Stopped rounds do nothing.
  order.state = OrderState::kOpen;
  r.state = RoundsState::kStopped;
  EXPECT_EQ(NextRoundStep(r, order, {}, r.offer_deadline).action, RoundStep::kWait);
  // The first round of new rounds starts at once.
  OfferRounds fresh = Running(OfferStrategy::kBroadcast, kNow);
  fresh.rounds.clear();
  step = NextRoundStep(fresh, order, {}, kNow);
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kStarted);
}

TEST(OfferRoundsTest, ARoundOffersTheBestWhoHadNothingOnTheOrder) {
  const std::vector<Candidate> ranked = {
      {"anna", 9, {}, 0, 0},
      {"bea", 8, {}, 0, 0},
      {"cecilia", 7, {}, 0, 0},
      {"doris", 6, {}, 0, 0},
      {"eeva", 5, {}, 0, 0}};
  // Bea declined, Cecilia's offer lapsed: neither is offered the order again.
  const std::vector<Assignment> as = {
      Made("bea", AssignmentState::kDeclined), Made("cecilia", AssignmentState::kLapsed)};
  EXPECT_THAT(RoundExperts(ranked, as, 2), ElementsAre("anna", "doris"));
  EXPECT_THAT(RoundExperts(ranked, as, 10), ElementsAre("anna", "doris", "eeva"));
  EXPECT_TRUE(RoundExperts(ranked, {Made("anna", AssignmentState::kOffered)}, 0).empty());
}

TEST(OfferRoundsTest, APoolAsksMoreOnlyWhileTooFewHaveSaidYes) {
  const Order order = MakeOrder(2);
  OfferRounds pool = Running(OfferStrategy::kPool, kNow - absl::Hours(1));
  Assignment yes = Made("a", AssignmentState::kAvailable);
  yes.offer_kind = OfferKind::kPool;
  // Every offer answered, one yes for two places: the next round asks more.
  RoundStep step = NextRoundStep(pool, order, {yes, Made("b", AssignmentState::kDeclined)}, kNow);
  EXPECT_EQ(step.action, RoundStep::kStart);
  EXPECT_EQ(step.trigger, RoundTrigger::kAllAnswered);
  EXPECT_EQ(step.places_open, 1);
  // Two said yes: the coordinator picks; no round while she has enough.
  Assignment yes2 = yes;
  yes2.id = yes2.expert_id = "c";
  step = NextRoundStep(pool, order, {yes, yes2}, kNow);
  EXPECT_EQ(step.action, RoundStep::kWait);
  EXPECT_EQ(step.next_check, pool.offer_deadline);
  // The pool closes at its deadline.
  step = NextRoundStep(pool, order, {yes, yes2}, pool.offer_deadline);
  EXPECT_EQ(step.action, RoundStep::kEnd);
  EXPECT_EQ(step.end_state, RoundsState::kEnded);
  Assignment placed = Made("d", AssignmentState::kConfirmed);
  const RoundOutcome o = OutcomeOf(1, {yes, yes2, placed}, kNow);
  EXPECT_EQ(o.available, 2);
  EXPECT_EQ(o.placed, 1);
  EXPECT_EQ(PlacesOpen(order, {yes, yes2, placed}), 1);  // a yes holds no place
  FieldViolations v;
  OfferRounds start;
  start.strategy = OfferStrategy::kPool;
  start.offer_deadline = kNow + absl::Hours(24);
  PrepareOfferRounds(start, order, kNow, "", v);
  EXPECT_TRUE(v.empty());
}

TEST(OfferRoundsTest, TheExchangesDefaultsFillWhatAStartLeavesUnset) {
  MatchingSettings exchange;
  exchange.offer_strategy = OfferStrategy::kTiered;
  exchange.round_size = 8;
  exchange.tier_interval = absl::Hours(2);
  exchange.answer_window = absl::Hours(6);
  OfferRounds unset;
  ApplyRoundsDefaults(unset, exchange);
  EXPECT_EQ(unset.strategy, OfferStrategy::kTiered);
  EXPECT_EQ(unset.round_size, 8);
  EXPECT_EQ(unset.tier_interval, absl::Hours(2));
  EXPECT_EQ(unset.answer_window, absl::Hours(6));
  // What the start names wins; a tier interval only goes with TIERED.
  OfferRounds named;
  named.strategy = OfferStrategy::kBroadcast;
  named.round_size = 3;
  ApplyRoundsDefaults(named, exchange);
  EXPECT_EQ(named.strategy, OfferStrategy::kBroadcast);
  EXPECT_EQ(named.round_size, 3);
  EXPECT_EQ(named.tier_interval, absl::ZeroDuration());
  EXPECT_EQ(named.answer_window, absl::Hours(6));
  // TARGETED is no default: the start must name one.
  exchange.offer_strategy = OfferStrategy::kTargeted;
  OfferRounds none;
  ApplyRoundsDefaults(none, exchange);
  EXPECT_EQ(none.strategy, OfferStrategy::kUnspecified);

  FieldViolations ok;
  ValidateRoundsDefaults(MatchingSettings{}, "matching_settings.", ok);
  EXPECT_TRUE(ok.empty());
  MatchingSettings bad;
  bad.offer_strategy = OfferStrategy::kUnspecified;
  bad.round_size = 51;
  bad.tier_interval = absl::Minutes(10);
  bad.answer_window = absl::Minutes(30);
  FieldViolations v;
  ValidateRoundsDefaults(bad, "matching_settings.", v);
  EXPECT_THAT(
      Violations(v),
      ElementsAre(
          Pair("matching_settings.offer_strategy", "must be TARGETED, BROADCAST, TIERED or POOL"),
          Pair("matching_settings.round_size", "must be between 1 and 50 (0: default)"),
          Pair(
              "matching_settings.tier_interval_minutes",
              "must be between 15 and 10080 (0: default)"),
          Pair(
              "matching_settings.answer_window_minutes",
              "must be between 60 and 10080 (0: default)")));
}

TEST(OfferRoundsTest, ARoundsOutcomeIsReadFromItsAssignments) {
  Assignment lapsing = Made("e", AssignmentState::kOffered);
  lapsing.offer_deadline = kNow - absl::Minutes(1);
  const std::vector<Assignment> as = {
      Made("a", AssignmentState::kConfirmed),
      Made("b", AssignmentState::kDeclined),
      Made("c", AssignmentState::kWithdrawn),
      Made("d", AssignmentState::kOffered, 2),
      lapsing,
      Made("f", AssignmentState::kCancelled),
      Made("g", AssignmentState::kOffered, 0)};
  const RoundOutcome one = OutcomeOf(1, as, kNow);
  EXPECT_EQ(one.offered, 5);
  EXPECT_EQ(one.placed, 1);
  EXPECT_EQ(one.declined, 1);
  EXPECT_EQ(one.withdrawn, 1);
  EXPECT_EQ(one.lapsed, 1);
  EXPECT_EQ(one.cancelled, 1);
  EXPECT_EQ(one.waiting, 0);
  const RoundOutcome two = OutcomeOf(2, as, kNow);
  EXPECT_EQ(two.offered, 1);
  EXPECT_EQ(two.waiting, 1);
  EXPECT_EQ(PlacesOpen(MakeOrder(3), as), 2);  // the confirmed one holds a place
  EXPECT_EQ(EnumName(RoundTrigger::kPlaceReopened), "PLACE_REOPENED");
  EXPECT_EQ(ParseEnum<OfferStrategy>("tiered"), OfferStrategy::kTiered);
}

}  // namespace
}  // namespace kokemus::domain
