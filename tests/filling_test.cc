#include "services/domain/filling.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using S = AssignmentState;

const absl::Time kT = absl::FromUnixSeconds(1796000000);

FillOffer Offer(S state, absl::Duration accepted_after = absl::ZeroDuration()) {
  FillOffer a;
  a.state = state;
  if (accepted_after > absl::ZeroDuration()) a.accept_time = kT + accepted_after;
  return a;
}

FillRecord Order(int places, std::vector<FillOffer> offers, int rounds = 0) {
  return {OrderState::kOpen, places, kT, rounds, std::move(offers)};
}

TEST(FillingTest, FillRateCountsPlacesHeldByTrainedExperts) {
  FillOffer untrained = Offer(S::kConfirmed, absl::Hours(1));
  untrained.untrained = true;
  FillRecord cancelled = Order(3, {Offer(S::kWithdrawn)});
  cancelled.state = OrderState::kCancelled;
  const FillingFigures f = ComputeFilling(
      {Order(2, {Offer(S::kCompleted, absl::Hours(10)), Offer(S::kAccepted, absl::Hours(30))}, 1),
       Order(1, {untrained}, 3), Order(1, {Offer(S::kDeclined), Offer(S::kLapsed)}), cancelled},
      0);
  EXPECT_EQ(f.orders, 3);  // the cancelled order is no place to fill
  EXPECT_EQ(f.places, 4);
  EXPECT_EQ(f.places_filled, 2);  // the untrained expert's place does not count
  EXPECT_DOUBLE_EQ(f.fill_rate, 0.5);
  EXPECT_EQ(f.orders_filled, 2);
  EXPECT_DOUBLE_EQ(f.median_hours_to_fill, (30.0 + 1.0) / 2);  // the last place taken of each
  EXPECT_EQ(f.orders_with_rounds, 2);
  EXPECT_DOUBLE_EQ(f.mean_rounds, 2.0);
  EXPECT_EQ(f.offers, 6);
  EXPECT_EQ(f.declined, 1);
  EXPECT_EQ(f.lapsed, 1);
  EXPECT_EQ(f.withdrawn, 1);
}

TEST(FillingTest, ReasonsAreCountedAndSmallCountsSuppressedAcrossExchanges) {
  auto declined = [](DeclineReason r) {
    FillOffer a = Offer(S::kDeclined);
    a.decline_reason = r;
    return a;
  };
  auto cancelled = [](CancelledBy by, CancelReason r) {
    FillOffer a = Offer(S::kCancelled);
    a.cancelled_by = by;
    a.cancel_reason = r;
    return a;
  };
  const std::vector<FillRecord> orders = {Order(
      1, {declined(DeclineReason::kTime), declined(DeclineReason::kTime),
          declined(DeclineReason::kTime), declined(DeclineReason::kWellbeing),
          cancelled(CancelledBy::kExpert, CancelReason::kIllness),
          cancelled(CancelledBy::kOrderer, CancelReason::kUnspecified),
          cancelled(CancelledBy::kExchange, CancelReason::kUnspecified)})};
  const FillingFigures own = ComputeFilling(orders, 0);
  EXPECT_THAT(
      own.decline_reasons,
      ElementsAre(Pair(DeclineReason::kTime, 3), Pair(DeclineReason::kWellbeing, 1)));
  EXPECT_THAT(own.expert_cancel_reasons, ElementsAre(Pair(CancelReason::kIllness, 1)));
  EXPECT_EQ(own.cancelled_by_orderer, 1);
  EXPECT_EQ(own.cancelled_by_expert, 1);
  EXPECT_EQ(own.cancelled_by_exchange, 1);
  EXPECT_EQ(own.suppressed_reasons, 0);
  EXPECT_EQ(own.orders_filled, 0);
  EXPECT_DOUBLE_EQ(own.median_hours_to_fill, 0);
  const FillingFigures national = ComputeFilling(orders, 3);
  EXPECT_THAT(national.decline_reasons, ElementsAre(Pair(DeclineReason::kTime, 3)));
  EXPECT_TRUE(national.expert_cancel_reasons.empty());
  EXPECT_EQ(national.suppressed_reasons, 2);
}

TEST(FillingTest, AnOrderWithoutKnownAcceptanceTimesIsLeftOutOfTheMedian) {
  const FillingFigures f = ComputeFilling(
      {Order(1, {Offer(S::kConfirmed)}), Order(1, {Offer(S::kConfirmed, absl::Hours(5))}),
       Order(1, {Offer(S::kConfirmed, absl::Hours(7))}),
       Order(1, {Offer(S::kConfirmed, absl::Hours(20))})},
      0);
  EXPECT_EQ(f.orders_filled, 4);
  EXPECT_DOUBLE_EQ(f.median_hours_to_fill, 7);
  EXPECT_TRUE(ComputeFilling({}, 0).decline_reasons.empty());
}

}  // namespace
}  // namespace kokemus::domain
