#include "services/domain/order_lifecycle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/travel.h"
#include "services/domain/validation.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);  // a fixed "now"

FeeSchedule Schedule() {
  FeeSchedule s;
  s.exchange_id = "ph";
  s.role_rules = {{Role::kLecturer, "2020-01-01", FeeKind::kFixed, 15000, 0, false}};
  s.travel_rates = {{"2020-01-01", 25}};
  // Orderer: 50 % under 14 days' notice; expert 0 %; exchange 100 %.
  s.cancellation_rules = {{"2020-01-01", 14, 50, 0, 100}};
  return s;
}

Order MakeOrder(int places = 1) {
  Order o;
  o.exchange_id = "ph";
  o.id = "o1";
  o.organization_id = "lyseo";
  o.role = Role::kLecturer;
  o.start_time = kNow + absl::Hours(24 * 20);
  o.duration_minutes = 90;
  o.municipality = "398";  // Lahti
  o.experts_needed = places;
  o.state = OrderState::kOpen;
  return o;
}

Assignment MakeAssignment(const Order& o, const std::string& id, AssignmentState state) {
  Assignment a;
  a.exchange_id = o.exchange_id;
  a.order_id = o.id;
  a.id = id;
  a.expert_id = id;
  a.state = state;
  a.offer_deadline = kNow + absl::Hours(24);
  a.start_time = o.start_time;
  a.end_time = o.end_time();
  a.fee_cents = 15000;
  a.travel_cents = 1000;
  return a;
}

ExpertFacts Active() { return {ExpertState::kActive, PaymentMethod::kInvoice, "398"}; }

std::vector<std::pair<std::string, std::string>> Violations(const absl::Status& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : ViolationsOf(s)) out.emplace_back(v.field, v.description);
  return out;
}

// --- Offers ------------------------------------------------------------------

TEST(Offer, QuotesTheFeeAndTravelAndTakesTheOrdersTimes) {
  const Order o = MakeOrder();
  Assignment offer;
  offer.exchange_id = "ph";
  offer.order_id = "o1";
  offer.id = "kaisa";
  offer.expert_id = "kaisa";
  offer.offer_deadline = kNow + absl::Hours(1);
  ExpertFacts from_helsinki = {ExpertState::kActive, PaymentMethod::kInvoice, "091"};
  auto made = PlanOffer(o, {}, from_helsinki, Schedule(), offer, kNow);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->state, AssignmentState::kOffered);
  EXPECT_EQ(made->start_time, o.start_time);
  EXPECT_EQ(made->end_time, o.start_time + absl::Minutes(90));
  EXPECT_EQ(made->fee_cents, 15000);
  EXPECT_EQ(made->travel_km, TravelKm("091", "398"));
  EXPECT_EQ(made->travel_cents, 2 * made->travel_km * 25);
}

TEST(Offer, OnlyAnOpenOrderTakesOffers) {
  Order o = MakeOrder();
  o.state = OrderState::kCancelled;
  Assignment offer = MakeAssignment(o, "kaisa", AssignmentState::kUnspecified);
  auto made = PlanOffer(o, {}, Active(), Schedule(), offer, kNow);
  EXPECT_EQ(
      made.status(),
      absl::FailedPreconditionError("the order is CANCELLED; only an OPEN order takes offers"));
}

TEST(Offer, APausedExpertTakesNoOffers) {
  const Order o = MakeOrder();
  ExpertFacts paused = Active();
  paused.state = ExpertState::kPaused;
  auto made = PlanOffer(
      o, {}, paused, Schedule(), MakeAssignment(o, "kaisa", AssignmentState::kUnspecified), kNow);
  EXPECT_EQ(
      made.status(), absl::FailedPreconditionError("the expert is PAUSED and takes no offers"));
}

TEST(Offer, TheDeadlineMustBeAheadAndNoLaterThanTheStart) {
  const Order o = MakeOrder();
  Assignment offer = MakeAssignment(o, "kaisa", AssignmentState::kUnspecified);
  offer.offer_deadline = kNow;
  auto past = PlanOffer(o, {}, Active(), Schedule(), offer, kNow);
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      Violations(past.status()), ElementsAre(Pair("offer_deadline", "must be in the future")));
  offer.offer_deadline = o.start_time + absl::Seconds(1);
  auto late = PlanOffer(o, {}, Active(), Schedule(), offer, kNow);
  EXPECT_THAT(
      Violations(late.status()),
      ElementsAre(Pair("offer_deadline", "must not be after the order's start_time")));
  offer.offer_deadline = o.start_time;
  EXPECT_TRUE(PlanOffer(o, {}, Active(), Schedule(), offer, kNow).ok());
}

TEST(Offer, AnExpertGetsOneLiveOfferOrPlacePerOrderButMayBeAskedAgainAfterALapse) {
  const Order o = MakeOrder(2);
  Assignment live = MakeAssignment(o, "first", AssignmentState::kOffered);
  live.expert_id = "kaisa";
  Assignment offer = MakeAssignment(o, "second", AssignmentState::kUnspecified);
  offer.expert_id = "kaisa";
  auto again = PlanOffer(o, {live}, Active(), Schedule(), offer, kNow);
  EXPECT_EQ(
      again.status(),
      absl::FailedPreconditionError("the expert already has an OFFERED assignment "
                                    "exchanges/ph/orders/o1/assignments/first on this order"));
  // The same offer, once its deadline has passed, is LAPSED: a new one may be made.
  live.offer_deadline = kNow;
  EXPECT_TRUE(PlanOffer(o, {live}, Active(), Schedule(), offer, kNow).ok());
  // An id already used on the order is taken, whoever it was for.
  offer.id = "first";
  offer.expert_id = "other";
  EXPECT_EQ(
      PlanOffer(o, {live}, Active(), Schedule(), offer, kNow).status(),
      absl::AlreadyExistsError("exchanges/ph/orders/o1/assignments/first already exists"));
}

TEST(Offer, NoFeeRuleForTheRoleIsAFailedPrecondition) {
  Order o = MakeOrder();
  o.role = Role::kPeerSupport;
  auto made = PlanOffer(
      o, {}, Active(), Schedule(), MakeAssignment(o, "kaisa", AssignmentState::kUnspecified), kNow);
  EXPECT_EQ(made.status().code(), absl::StatusCode::kFailedPrecondition);
}

// --- Transitions ---------------------------------------------------------------

struct World {
  Order order = MakeOrder();
  std::vector<Assignment> siblings;
  ExpertFacts expert = Active();
  FeeSchedule schedule = Schedule();
  int overlapping = 0;
  absl::Duration buffer = absl::Minutes(30);
  std::vector<PastTask> held;  // her other tasks, checked on accept

  absl::StatusOr<TransitionPlan> Move(
      const std::string& id, TransitionRequest request, absl::Time now = kNow) {
    const Assignment* a = nullptr;
    for (const Assignment& s : siblings) {
      if (s.id == id) a = &s;
    }
    TransitionFacts facts{order,       *a,     siblings, &expert,        schedule,
                          overlapping, buffer, &held,    absl::Hours(48)};
    return PlanTransition(facts, request, now);
  }
};

TEST(Transition, AcceptingTheLastPlaceWithdrawsTheOtherOffersAndReservesTheBuffer) {
  World w;
  w.siblings = {
      MakeAssignment(w.order, "a", AssignmentState::kOffered),
      MakeAssignment(w.order, "b", AssignmentState::kOffered),
      MakeAssignment(w.order, "c", AssignmentState::kDeclined)};
  auto plan = w.Move("a", {AssignmentState::kAccepted});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->assignment.state, AssignmentState::kAccepted);
  EXPECT_EQ(plan->block_end, w.order.end_time() + absl::Minutes(30));
  ASSERT_EQ(plan->withdrawn.size(), 1u);
  EXPECT_EQ(plan->withdrawn[0].id, "b");
  EXPECT_EQ(plan->withdrawn[0].state, AssignmentState::kWithdrawn);
  // Accepted is not yet confirmed: the order stays OPEN.
  EXPECT_FALSE(plan->order_state.has_value());
}

TEST(Transition, AcceptingOneOfTwoPlacesLeavesTheOtherOffersOpen) {
  World w;
  w.order = MakeOrder(2);
  w.siblings = {
      MakeAssignment(w.order, "a", AssignmentState::kOffered),
      MakeAssignment(w.order, "b", AssignmentState::kOffered)};
  auto plan = w.Move("a", {AssignmentState::kAccepted});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->withdrawn.empty());
}

TEST(Transition, AcceptIsRefusedForEachMissingFactInTurn) {
  World w;
  w.siblings = {
      MakeAssignment(w.order, "a", AssignmentState::kOffered),
      MakeAssignment(w.order, "b", AssignmentState::kAccepted)};
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError("the order's places are already filled"));
  w.siblings.pop_back();
  w.overlapping = 1;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError(
          "the expert already has an accepted or confirmed assignment at an overlapping "
          "time (travel buffer included)"));
  w.expert.state = ExpertState::kInactive;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError("the expert is INACTIVE and can't accept"));
  w.order.state = OrderState::kAssigned;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError("the order is ASSIGNED; the offer can't be accepted"));
}

// Offers made at once may all be accepted: each accept checks the expert's
// cap, her earnings limit and her rest against what she holds by then.
TEST(Transition, AnAcceptKeepsTheExpertsCapLimitAndRest) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kOffered)};  // fee 15000
  auto task = [&](absl::Duration from_order, Role role, int64_t fee) {
    PastTask t;
    t.start_time = w.order.start_time + from_order;
    t.end_time = t.start_time + absl::Minutes(60);
    t.role = role;
    t.fee_cents = fee;
    return t;
  };
  // Two other tasks that month, neither heavy nor near: fine as it is.
  w.held = {
      task(absl::Hours(24 * 5), Role::kCoDeveloper, 8000),
      task(-absl::Hours(24 * 5), Role::kCoDeveloper, 8000)};
  ASSERT_TRUE(w.Move("a", {AssignmentState::kAccepted}).ok());
  w.expert.max_assignments_per_month = 2;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError(
          "the expert already holds 2 tasks that month, her cap (MONTHLY_CAP)"));
  w.expert.max_assignments_per_month = 3;
  // All three are December tasks, paid on 15.1.2027 under the usual pay rule.
  w.expert.limit.monthly_cents = 30000;  // 8000 + 8000 + 15000 = 31000
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError(
          "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €310.00 of her "
          "€300.00 earnings limit (EARNINGS_LIMIT)"));
  w.expert.limit.monthly_cents = 31000;
  auto at_limit = w.Move("a", {AssignmentState::kAccepted});
  ASSERT_TRUE(at_limit.ok());
  // 160 € was under 80 % of 310 €, 310 € is over it: she and the coordinator are told.
  ASSERT_TRUE(at_limit->earnings_warning.has_value());
  EXPECT_EQ(at_limit->earnings_warning->payment_date, absl::CivilDay(2027, 1, 15));
  EXPECT_EQ(at_limit->earnings_warning->before_cents, 16000);
  EXPECT_EQ(at_limit->earnings_warning->after_cents, 31000);
  w.expert.limit.monthly_cents = 100000;  // 310 € of 1 000 €: no warning
  EXPECT_FALSE(w.Move("a", {AssignmentState::kAccepted})->earnings_warning.has_value());
  w.expert.limit.monthly_cents = 31000;
  // A heavy talk the day before: she rests 48 hours first.
  w.held.push_back(task(-absl::Hours(24), Role::kLecturer, 0));
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError(
          "the expert needs rest after a heavy task before the next one (REST_PERIOD)"));
  // A rule the coordinator overrode knowingly to offer it is not checked again.
  w.siblings[0].overridden_rules = {ExclusionRule::kRestPeriod, ExclusionRule::kMonthlyCap};
  w.expert.max_assignments_per_month = 1;
  EXPECT_TRUE(w.Move("a", {AssignmentState::kAccepted}).ok());
  w.expert.limit.monthly_cents = 100;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status().message(),
      "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €310.00 of her €1.00 "
      "earnings limit (EARNINGS_LIMIT)");
}

TEST(Transition, AnOfferPastItsDeadlineHasLapsedAndCantBeAccepted) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kOffered)};
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}, kNow + absl::Hours(24)).status(),
      absl::FailedPreconditionError("the assignment is LAPSED and can't become ACCEPTED"));
}

TEST(Transition, ConfirmingEveryPlaceAssignsTheOrder) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kAccepted)};
  auto plan = w.Move("a", {AssignmentState::kConfirmed});
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->block_end.has_value());  // the accept's reservation stays
  EXPECT_EQ(plan->order_state, OrderState::kAssigned);
}

TEST(Transition, CompletionNeedsTheTaskStartedAndQuotesTheActualDuration) {
  World w;
  w.order.role = Role::kPeerSupport;
  w.schedule.role_rules.push_back(
      {Role::kPeerSupport, "2020-01-01", FeeKind::kHourly, 2500, 0, false});
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kConfirmed)};
  w.siblings[0].travel_km = 10;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kCompleted}).status(),
      absl::FailedPreconditionError("the task has not started yet"));
  const absl::Time after = w.order.end_time();
  auto as_ordered = w.Move("a", {AssignmentState::kCompleted}, after);
  ASSERT_TRUE(as_ordered.ok());
  EXPECT_EQ(as_ordered->assignment.actual_duration_minutes, 90);
  EXPECT_EQ(as_ordered->assignment.fee_cents, 3750);  // 1.5 h * 25 €
  EXPECT_EQ(as_ordered->assignment.travel_cents, 2 * 10 * 25);
  EXPECT_EQ(as_ordered->order_state, OrderState::kCompleted);
  TransitionRequest longer{AssignmentState::kCompleted};
  longer.actual_duration_minutes = 120;
  EXPECT_EQ(w.Move("a", longer, after)->assignment.fee_cents, 5000);
}

TEST(Transition, CancellationNeedsItsPartyAndChargesTheScheduledShare) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kConfirmed)};
  w.order.state = OrderState::kAssigned;
  EXPECT_THAT(
      Violations(w.Move("a", {AssignmentState::kCancelled}).status()),
      ElementsAre(Pair("cancelled_by", "is required (must not be UNSPECIFIED)")));
  // 20 days ahead: the orderer's notice (14 days) was kept, nothing is due.
  auto early = w.Move("a", {AssignmentState::kCancelled, CancelledBy::kOrderer});
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->assignment.state, AssignmentState::kCancelled);
  EXPECT_EQ(early->assignment.cancelled_by, CancelledBy::kOrderer);
  EXPECT_EQ(early->assignment.cancel_time, kNow);
  EXPECT_EQ(early->assignment.fee_cents, 0);
  EXPECT_EQ(early->assignment.travel_cents, 0);
  // The place is free again: the order reopens.
  EXPECT_EQ(early->order_state, OrderState::kOpen);
  // Ten days before: half the fee.
  auto late = w.Move(
      "a", {AssignmentState::kCancelled, CancelledBy::kOrderer},
      w.order.start_time - absl::Hours(24 * 10));
  EXPECT_EQ(late->assignment.fee_cents, 7500);
  // The expert falling ill: recorded as her reason.
  auto ill =
      w.Move("a", {AssignmentState::kCancelled, CancelledBy::kExpert, CancelReason::kIllness});
  ASSERT_TRUE(ill.ok()) << ill.status();
  EXPECT_EQ(ill->assignment.cancelled_by, CancelledBy::kExpert);
  EXPECT_EQ(ill->assignment.cancel_reason, CancelReason::kIllness);
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kCancelled, CancelledBy::kOrderer, CancelReason::kIllness})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  // The exchange cancelling pays the whole fee.
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kCancelled, CancelledBy::kExchange})->assignment.fee_cents,
      15000);
}

TEST(Transition, TheOrdererSaysWhetherACancelledPlaceIsStillWanted) {
  // The orderer must say; the others keep the place; DROP is the orderer's.
  EXPECT_THAT(
      Violations(
          DropsPlace(CancelledBy::kOrderer, PlaceAfterCancel::kUnspecified, "place").status()),
      ElementsAre(Pair(
          "place",
          "is required when the orderer cancels: KEEP to have another expert, DROP for one "
          "fewer")));
  EXPECT_EQ(DropsPlace(CancelledBy::kOrderer, PlaceAfterCancel::kKeep, "place").value(), false);
  EXPECT_EQ(DropsPlace(CancelledBy::kOrderer, PlaceAfterCancel::kDrop, "place").value(), true);
  EXPECT_EQ(
      DropsPlace(CancelledBy::kExpert, PlaceAfterCancel::kUnspecified, "place").value(), false);
  EXPECT_EQ(DropsPlace(CancelledBy::kExchange, PlaceAfterCancel::kKeep, "place").value(), false);
  EXPECT_THAT(
      Violations(DropsPlace(CancelledBy::kExpert, PlaceAfterCancel::kDrop, "place").status()),
      ElementsAre(Pair("place", "only the orderer gives up a place")));
  EXPECT_THAT(
      Violations(
          DropsPlace(CancelledBy::kOrderer, static_cast<PlaceAfterCancel>(7), "place").status()),
      ElementsAre(Pair("place", "is not KEEP or DROP")));
}

TEST(Transition, DroppingAPlaceShrinksTheOrderInsteadOfReopeningIt) {
  World w;
  w.order = MakeOrder(2);
  w.order.state = OrderState::kAssigned;
  w.siblings = {
      MakeAssignment(w.order, "a", AssignmentState::kConfirmed),
      MakeAssignment(w.order, "b", AssignmentState::kConfirmed)};
  // Kept: the order is OPEN again for another expert.
  auto kept = w.Move("b", {AssignmentState::kCancelled, CancelledBy::kOrderer});
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->order_state, OrderState::kOpen);
  EXPECT_FALSE(kept->experts_needed.has_value());
  // Dropped: one place fewer, still ASSIGNED.
  TransitionRequest drop{AssignmentState::kCancelled, CancelledBy::kOrderer};
  drop.drop_place = true;
  auto dropped = w.Move("b", drop);
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(dropped->experts_needed, 1);
  EXPECT_FALSE(dropped->order_state.has_value());
  EXPECT_EQ(dropped->assignment.state, AssignmentState::kCancelled);
}

TEST(Transition, DroppingAPlaceWithdrawsTheOffersNoLongerNeeded) {
  World w;
  w.order = MakeOrder(2);
  w.siblings = {
      MakeAssignment(w.order, "a", AssignmentState::kConfirmed),
      MakeAssignment(w.order, "b", AssignmentState::kAccepted),
      MakeAssignment(w.order, "c", AssignmentState::kOffered)};
  TransitionRequest drop{AssignmentState::kCancelled, CancelledBy::kOrderer};
  drop.drop_place = true;
  auto plan = w.Move("b", drop);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->experts_needed, 1);
  ASSERT_EQ(plan->withdrawn.size(), 1u);
  EXPECT_EQ(plan->withdrawn[0].id, "c");
  EXPECT_EQ(plan->order_state, OrderState::kAssigned);  // the one place left is confirmed
  // An order of one place is cancelled as an order, not shrunk to none.
  World one;
  one.siblings = {MakeAssignment(one.order, "a", AssignmentState::kConfirmed)};
  EXPECT_EQ(
      one.Move("a", drop).status(),
      absl::FailedPreconditionError(
          "the order has one place; cancel the order instead of dropping its place"));
}

TEST(Transition, AnOfferCantBeCancelledOnlyDeclined) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kOffered)};
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kCancelled, CancelledBy::kExchange}).status(),
      absl::FailedPreconditionError("the assignment is OFFERED and can't become CANCELLED"));
  auto declined = w.Move("a", {AssignmentState::kDeclined});
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->assignment.state, AssignmentState::kDeclined);
  EXPECT_EQ(declined->assignment.decline_reason, DeclineReason::kUnspecified);
  EXPECT_FALSE(declined->order_state.has_value());
}

TEST(Transition, ADeclineKeepsItsReasonAndRefusesAnUnknownOne) {
  World w;
  w.siblings = {MakeAssignment(w.order, "a", AssignmentState::kOffered)};
  TransitionRequest far{AssignmentState::kDeclined};
  far.decline_reason = DeclineReason::kDistance;
  auto declined = w.Move("a", far);
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->assignment.decline_reason, DeclineReason::kDistance);
  EXPECT_EQ(declined->assignment.cancel_reason, CancelReason::kUnspecified);
  TransitionRequest unknown{AssignmentState::kDeclined};
  unknown.decline_reason = static_cast<DeclineReason>(6);
  EXPECT_THAT(
      Violations(w.Move("a", unknown).status()),
      ElementsAre(Pair("reason", "is not a known reason")));
  EXPECT_TRUE(CheckDeclineReason(DeclineReason::kWellbeing, "reason").ok());
  EXPECT_EQ(EnumName(DeclineReason::kWellbeing), "WELLBEING");
}

TEST(Transition, RequestChecksNameTheirFields) {
  EXPECT_TRUE(CheckActualDuration(0).ok());
  EXPECT_TRUE(CheckActualDuration(720).ok());
  EXPECT_THAT(
      Violations(CheckActualDuration(721)),
      ElementsAre(Pair("actual_duration_minutes", "must be between 0 and 720")));
  EXPECT_THAT(
      Violations(CheckActualDuration(-1)),
      ElementsAre(Pair("actual_duration_minutes", "must be between 0 and 720")));
  EXPECT_THAT(
      Violations(CheckCancelledBy(static_cast<CancelledBy>(99))),
      ElementsAre(Pair("cancelled_by", "is required (must not be UNSPECIFIED)")));
  EXPECT_TRUE(CheckCancelledBy(CancelledBy::kExpert).ok());
  // Only the expert gives a reason for her cancellation.
  EXPECT_TRUE(CheckCancelReason(CancelledBy::kExpert, CancelReason::kIllness, "reason").ok());
  EXPECT_TRUE(CheckCancelReason(CancelledBy::kOrderer, CancelReason::kUnspecified, "reason").ok());
  EXPECT_THAT(
      Violations(CheckCancelReason(CancelledBy::kOrderer, CancelReason::kIllness, "reason")),
      ElementsAre(Pair("reason", "only an expert's cancellation gives a reason")));
  EXPECT_THAT(
      Violations(CheckCancelReason(CancelledBy::kExpert, static_cast<CancelReason>(9), "reason")),
      ElementsAre(Pair("reason", "is not a known reason")));
}

// --- Pools and backups --------------------------------------------------------

Assignment Kind(Assignment a, OfferKind kind, int rank = 0) {
  a.offer_kind = kind;
  a.backup_rank = rank;
  return a;
}

TEST(Pool, AYesToAPoolOfferMakesHerAvailableInTurnWithoutAPlaceOrReservedTime) {
  World w;
  w.siblings = {
      Kind(MakeAssignment(w.order, "a", AssignmentState::kOffered), OfferKind::kPool),
      Kind(MakeAssignment(w.order, "b", AssignmentState::kAvailable), OfferKind::kPool, 3)};
  auto plan = w.Move("a", {AssignmentState::kAccepted});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->assignment.state, AssignmentState::kAvailable);
  EXPECT_EQ(plan->assignment.backup_rank, 4);  // after the highest rank given
  EXPECT_FALSE(plan->block_end.has_value());
  EXPECT_TRUE(plan->withdrawn.empty());
  EXPECT_FALSE(plan->order_state.has_value());
  // She must be free and within her limits to say yes.
  w.overlapping = 1;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError(
          "the expert already has an accepted or confirmed assignment at an overlapping "
          "time (travel buffer included)"));
}

TEST(Pool, TheCoordinatorsPickPlacesHerWithTheChecksOfAnAccept) {
  World w;
  w.siblings = {
      Kind(MakeAssignment(w.order, "a", AssignmentState::kAvailable), OfferKind::kPool, 1),
      Kind(MakeAssignment(w.order, "b", AssignmentState::kAvailable), OfferKind::kPool, 2),
      Kind(MakeAssignment(w.order, "c", AssignmentState::kOffered), OfferKind::kPool),
      Kind(MakeAssignment(w.order, "d", AssignmentState::kAvailable), OfferKind::kBackup, 3)};
  w.overlapping = 1;
  EXPECT_EQ(
      w.Move("b", {AssignmentState::kConfirmed}).status(),
      absl::FailedPreconditionError(
          "the expert already has an accepted or confirmed assignment at an overlapping "
          "time (travel buffer included)"));
  w.overlapping = 0;
  auto plan = w.Move("b", {AssignmentState::kConfirmed});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->assignment.state, AssignmentState::kConfirmed);
  EXPECT_EQ(plan->assignment.backup_rank, 0);
  EXPECT_EQ(plan->block_end, w.order.end_time() + absl::Minutes(30));
  EXPECT_EQ(plan->order_state, OrderState::kAssigned);
  // The place is filled: the waiting pool offer is withdrawn, the pool's
  // other available expert stays as a backup, the asked backup as she was.
  ASSERT_EQ(plan->withdrawn.size(), 1u);
  EXPECT_EQ(plan->withdrawn[0].id, "c");
  ASSERT_EQ(plan->standing_by.size(), 1u);
  EXPECT_EQ(plan->standing_by[0].id, "a");
  EXPECT_EQ(plan->standing_by[0].state, AssignmentState::kAvailable);
  EXPECT_EQ(plan->standing_by[0].offer_kind, OfferKind::kBackup);
  EXPECT_EQ(plan->standing_by[0].backup_rank, 1);
  // A pick once the places are filled is refused.
  w.siblings[1].state = AssignmentState::kConfirmed;
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kConfirmed}).status(),
      absl::FailedPreconditionError("the order's places are already filled"));
}

TEST(Pool, AnAvailableExpertMayStepBackOrBeWithdrawnButNotAcceptOrLapse) {
  World w;
  w.siblings = {
      Kind(MakeAssignment(w.order, "a", AssignmentState::kAvailable), OfferKind::kPool, 1)};
  auto back = w.Move("a", {AssignmentState::kDeclined});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->assignment.state, AssignmentState::kDeclined);
  EXPECT_EQ(back->assignment.backup_rank, 0);
  auto withdrawn = w.Move("a", {AssignmentState::kWithdrawn});
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->assignment.state, AssignmentState::kWithdrawn);
  // A yes to a pool offer she already answered goes nowhere.
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kAccepted}).status(),
      absl::FailedPreconditionError("the assignment is AVAILABLE and can't become AVAILABLE"));
  EXPECT_EQ(
      w.Move("a", {AssignmentState::kOffered}).status(),
      absl::FailedPreconditionError("a backup is offered a place only when one frees"));
  // Her deadline passing changes nothing; the task starting without her does.
  Assignment a = w.siblings[0];
  EXPECT_EQ(EffectiveState(a, a.offer_deadline + absl::Hours(1)), AssignmentState::kAvailable);
  EXPECT_EQ(EffectiveState(a, a.start_time), AssignmentState::kWithdrawn);
}

TEST(Backup, MayBeAskedOnAFilledOrderButAPlaceOfferMayNot) {
  Order o = MakeOrder();
  o.state = OrderState::kAssigned;
  const std::vector<Assignment> held = {MakeAssignment(o, "kaisa", AssignmentState::kConfirmed)};
  Assignment offer;
  offer.exchange_id = "ph";
  offer.order_id = "o1";
  offer.id = "b1";
  offer.expert_id = "pekka";
  offer.offer_deadline = kNow + absl::Hours(1);
  EXPECT_EQ(
      PlanOffer(o, held, Active(), Schedule(), offer, kNow).status(),
      absl::FailedPreconditionError("the order is ASSIGNED; only an OPEN order takes offers"));
  offer.offer_kind = OfferKind::kBackup;
  auto made = PlanOffer(o, held, Active(), Schedule(), offer, kNow);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->state, AssignmentState::kOffered);
  EXPECT_EQ(made->offer_kind, OfferKind::kBackup);
  // Not to one who holds a place on it, nor with an unknown kind.
  offer.expert_id = "kaisa";
  EXPECT_EQ(
      PlanOffer(o, held, Active(), Schedule(), offer, kNow).status().code(),
      absl::StatusCode::kFailedPrecondition);
  offer.offer_kind = static_cast<OfferKind>(9);
  EXPECT_THAT(
      Violations(PlanOffer(o, held, Active(), Schedule(), offer, kNow).status()),
      ElementsAre(Pair("offer_kind", "is not a known kind")));
  // A yes to a backup offer on the filled order makes her AVAILABLE.
  World w;
  w.order = o;
  w.siblings = held;
  w.siblings.push_back(
      Kind(MakeAssignment(o, "pekka", AssignmentState::kOffered), OfferKind::kBackup));
  auto plan = w.Move("pekka", {AssignmentState::kAccepted});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->assignment.state, AssignmentState::kAvailable);
  EXPECT_EQ(plan->assignment.backup_rank, 1);
}

TEST(Backup, ACancelledPlaceStillWantedIsOfferedToTheBestRankedBackupFirst) {
  World w;
  w.order.state = OrderState::kAssigned;
  w.siblings = {
      MakeAssignment(w.order, "kaisa", AssignmentState::kConfirmed),
      Kind(MakeAssignment(w.order, "b2", AssignmentState::kAvailable), OfferKind::kBackup, 2),
      Kind(MakeAssignment(w.order, "b1", AssignmentState::kAvailable), OfferKind::kBackup, 1),
      Kind(MakeAssignment(w.order, "p", AssignmentState::kAvailable), OfferKind::kPool, 3)};
  TransitionRequest ill{AssignmentState::kCancelled, CancelledBy::kExpert};
  ill.cancel_reason = CancelReason::kIllness;
  auto plan = w.Move("kaisa", ill);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->order_state, OrderState::kOpen);
  ASSERT_TRUE(plan->backup_offered.has_value());
  EXPECT_EQ(plan->backup_offered->id, "b1");
  EXPECT_EQ(plan->backup_offered->state, AssignmentState::kOffered);
  EXPECT_EQ(plan->backup_offered->offer_kind, OfferKind::kPlace);
  EXPECT_EQ(plan->backup_offered->backup_rank, 0);
  EXPECT_EQ(plan->backup_offered->offer_deadline, kNow + kBackupAnswerWindow);
  // Close to the task, the answer is due at its start.
  auto late = w.Move("kaisa", ill, w.order.start_time - absl::Hours(2));
  ASSERT_TRUE(late.ok()) << late.status();
  ASSERT_TRUE(late->backup_offered.has_value());
  EXPECT_EQ(late->backup_offered->offer_deadline, w.order.start_time);
  // A place the orderer gives up needs nobody.
  w.order = MakeOrder(2);
  w.order.state = OrderState::kAssigned;
  w.siblings.insert(
      w.siblings.begin(), MakeAssignment(w.order, "liisa", AssignmentState::kConfirmed));
  TransitionRequest drop{AssignmentState::kCancelled, CancelledBy::kOrderer};
  drop.drop_place = true;
  auto dropped = w.Move("kaisa", drop);
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_FALSE(dropped->backup_offered.has_value());
}

TEST(Backup, NoneIsOfferedWithoutABackupOrAFreePlace) {
  Order o = MakeOrder(2);
  std::vector<Assignment> all = {
      MakeAssignment(o, "a", AssignmentState::kAccepted),
      Kind(MakeAssignment(o, "p", AssignmentState::kAvailable), OfferKind::kPool, 1)};
  EXPECT_FALSE(BackupToOffer(o, all, kNow).has_value());  // a pool member is picked, not offered
  all.push_back(Kind(MakeAssignment(o, "b", AssignmentState::kAvailable), OfferKind::kBackup, 2));
  EXPECT_EQ(BackupToOffer(o, all, kNow)->id, "b");
  all.push_back(MakeAssignment(o, "c", AssignmentState::kConfirmed));
  EXPECT_FALSE(BackupToOffer(o, all, kNow).has_value());  // both places held
  all.pop_back();
  EXPECT_FALSE(BackupToOffer(o, all, o.start_time).has_value());  // the task began
  o.state = OrderState::kCancelled;
  EXPECT_FALSE(BackupToOffer(o, all, kNow).has_value());
}

TEST(Backup, CancellingTheOrderWithdrawsItsBackupsAndANewTimeMovesThem) {
  Order o = MakeOrder();
  const std::vector<Assignment> all = {
      Kind(MakeAssignment(o, "b", AssignmentState::kAvailable), OfferKind::kBackup, 1)};
  auto cancelled = PlanOrderCancellation(o, all, Schedule(), CancelledBy::kOrderer, kNow);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  ASSERT_EQ(cancelled->changed.size(), 1u);
  EXPECT_EQ(cancelled->changed[0].state, AssignmentState::kWithdrawn);
  EXPECT_EQ(cancelled->changed[0].backup_rank, 0);
  Order later = o;
  later.start_time += absl::Hours(2);
  auto moved = PlanOrderUpdate(o, later, OrganizationState::kActive, all);
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->retimed.size(), 1u);
  EXPECT_EQ(moved->retimed[0].start_time, later.start_time);
}

TEST(Backup, WhatIsCheckedAgainstTheExpertsCalendar) {
  using S = AssignmentState;
  EXPECT_TRUE(ChecksExpertHold(S::kOffered, S::kAccepted));
  EXPECT_TRUE(ChecksExpertHold(S::kOffered, S::kAvailable));
  EXPECT_TRUE(ChecksExpertHold(S::kAvailable, S::kConfirmed));
  EXPECT_FALSE(ChecksExpertHold(S::kAccepted, S::kConfirmed));
  EXPECT_FALSE(ChecksExpertHold(S::kAvailable, S::kDeclined));
  Assignment pool;
  pool.offer_kind = OfferKind::kPool;
  EXPECT_EQ(AnswerState(pool, S::kAccepted), S::kAvailable);
  EXPECT_EQ(AnswerState(pool, S::kDeclined), S::kDeclined);
  Assignment place;
  EXPECT_EQ(AnswerState(place, S::kAccepted), S::kAccepted);
}

TEST(Feedback, IsTakenOncePerSideAfterCompletion) {
  EXPECT_EQ(
      CheckFeedbackTaken(AssignmentState::kConfirmed, FeedbackSource::kOrderer, false),
      absl::FailedPreconditionError(
          "the assignment is CONFIRMED; feedback is taken after completion"));
  EXPECT_TRUE(
      CheckFeedbackTaken(AssignmentState::kCompleted, FeedbackSource::kOrderer, false).ok());
  EXPECT_EQ(
      CheckFeedbackTaken(AssignmentState::kCompleted, FeedbackSource::kExpert, true),
      absl::AlreadyExistsError("feedback from the expert was already submitted"));
}

TEST(Contract, OnlyTheCurrentVersionIsAcceptedAndOnlyOnce) {
  EXPECT_TRUE(CheckContractAcceptance("", false).ok());
  EXPECT_EQ(
      CheckContractAcceptance("exchanges/ph/contracts/c2", false),
      absl::FailedPreconditionError(
          "the contract is superseded by exchanges/ph/contracts/c2; accept that one"));
  EXPECT_EQ(
      CheckContractAcceptance("", true),
      absl::FailedPreconditionError("the contract is already accepted"));
}

// --- Orders ----------------------------------------------------------------------

TEST(OrderCancellation, WithdrawsOffersAndCancelsHeldPlacesWithTheirFee) {
  Order o = MakeOrder(3);
  std::vector<Assignment> all = {
      MakeAssignment(o, "offered", AssignmentState::kOffered),
      MakeAssignment(o, "held", AssignmentState::kConfirmed),
      MakeAssignment(o, "lapsed", AssignmentState::kOffered),
      MakeAssignment(o, "declined", AssignmentState::kDeclined)};
  all[2].offer_deadline = kNow - absl::Minutes(1);
  const absl::Time late = o.start_time - absl::Hours(24 * 3);
  all[0].offer_deadline = late + absl::Hours(1);
  auto plan = PlanOrderCancellation(o, all, Schedule(), CancelledBy::kOrderer, late);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->order.state, OrderState::kCancelled);
  EXPECT_EQ(plan->order.cancelled_by, CancelledBy::kOrderer);
  EXPECT_EQ(plan->order.cancel_time, late);
  ASSERT_EQ(plan->changed.size(), 2u);
  EXPECT_EQ(plan->changed[0].id, "offered");
  EXPECT_EQ(plan->changed[0].state, AssignmentState::kWithdrawn);
  EXPECT_EQ(plan->changed[1].id, "held");
  EXPECT_EQ(plan->changed[1].state, AssignmentState::kCancelled);
  EXPECT_EQ(plan->changed[1].fee_cents, 7500);
  EXPECT_EQ(plan->changed[1].travel_cents, 0);
}

TEST(OrderCancellation, ACompletedOrCancelledOrderStaysAsItIs) {
  Order o = MakeOrder();
  o.state = OrderState::kCompleted;
  EXPECT_EQ(
      PlanOrderCancellation(o, {}, Schedule(), CancelledBy::kExchange, kNow).status(),
      absl::FailedPreconditionError("the order is COMPLETED and can't be cancelled"));
  EXPECT_EQ(
      PlanOrderCancellation(MakeOrder(), {}, Schedule(), CancelledBy::kUnspecified, kNow)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(OrderUpdate, ANewTimeMovesTheOffersButNotAHeldPlace) {
  const Order current = MakeOrder(2);
  Order updated = current;
  updated.topic = "Toipumistarina";
  updated.start_time += absl::Hours(2);
  updated.state = OrderState::kCancelled;  // not the caller's to change
  std::vector<Assignment> all = {
      MakeAssignment(current, "a", AssignmentState::kOffered),
      MakeAssignment(current, "b", AssignmentState::kDeclined)};
  auto plan = PlanOrderUpdate(current, updated, OrganizationState::kActive, all);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->order.topic, "Toipumistarina");
  EXPECT_EQ(plan->order.state, OrderState::kOpen);
  ASSERT_EQ(plan->retimed.size(), 1u);
  EXPECT_EQ(plan->retimed[0].start_time, updated.start_time);
  EXPECT_EQ(plan->retimed[0].end_time, updated.start_time + absl::Minutes(90));

  all.push_back(MakeAssignment(current, "c", AssignmentState::kAccepted));
  EXPECT_EQ(
      PlanOrderUpdate(current, updated, OrganizationState::kActive, all).status(),
      absl::FailedPreconditionError("the order's time can't change while an expert holds "
                                    "it; cancel the assignments first"));
  // The same time with a held place: other fields may change.
  updated.start_time = current.start_time;
  EXPECT_TRUE(PlanOrderUpdate(current, updated, OrganizationState::kActive, all).ok());
}

TEST(OrderUpdate, OnlyAnOpenOrderOfAKnownOrganizationChanges) {
  Order current = MakeOrder();
  EXPECT_EQ(
      PlanOrderUpdate(current, current, std::nullopt, {}).status(),
      absl::NotFoundError("exchanges/ph/organizations/lyseo not found"));
  current.state = OrderState::kAssigned;
  EXPECT_EQ(
      PlanOrderUpdate(current, current, OrganizationState::kActive, {}).status(),
      absl::FailedPreconditionError("the order is ASSIGNED; only an OPEN order changes"));
}

// An INACTIVE organization takes no new orders; its own orders still change.
TEST(OrderUpdate, AnInactiveOrganizationKeepsItsOrdersButTakesNoNewOnes) {
  EXPECT_EQ(CheckOrderer(OrganizationState::kActive, "ph", "lyseo"), absl::OkStatus());
  EXPECT_EQ(
      CheckOrderer(std::nullopt, "ph", "lyseo"),
      absl::NotFoundError("exchanges/ph/organizations/lyseo not found"));
  const absl::Status inactive = absl::FailedPreconditionError(
      "exchanges/ph/organizations/lyseo is INACTIVE and takes no new orders; set its state to "
      "ACTIVE first (UpdateOrganization)");
  EXPECT_EQ(CheckOrderer(OrganizationState::kInactive, "ph", "lyseo"), inactive);

  Order current = MakeOrder();
  Order updated = current;
  updated.topic = "Toipumistarina";
  EXPECT_TRUE(PlanOrderUpdate(current, updated, OrganizationState::kInactive, {}).ok());
  current.organization_id = "kansalaisopisto";
  EXPECT_EQ(PlanOrderUpdate(current, updated, OrganizationState::kInactive, {}).status(), inactive);
}

TEST(FieldPrefix, MovesViolationsUnderTheRequestsField) {
  const absl::Status s =
      WithFieldPrefix(InvalidField("offer_deadline", "must be in the future"), "assignment");
  EXPECT_THAT(
      Violations(s), ElementsAre(Pair("assignment.offer_deadline", "must be in the future")));
  EXPECT_EQ(s.message(), "invalid request: assignment.offer_deadline: must be in the future");
  const absl::Status other = absl::FailedPreconditionError("x");
  EXPECT_EQ(WithFieldPrefix(other, "assignment"), other);
}

}  // namespace
}  // namespace kokemus::domain
