#include "services/domain/filling.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/annual_report.h"

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

TEST(FillingTest, TheAnnualReportShowsHowOrdersWereFilledWithoutAFalseTotal) {
  FillingFigures f;
  f.places = 40;
  f.places_filled = 36;
  f.fill_rate = 0.9;
  f.median_hours_to_fill = 26.5;
  f.orders_with_rounds = 30;
  f.mean_rounds = 1.4;
  f.offers = 120;
  f.declined = 50;
  f.lapsed = 12;
  f.decline_reasons = {{DeclineReason::kTime, 30}, {DeclineReason::kDistance, 20}};
  f.expert_cancel_reasons = {{CancelReason::kIllness, 3}};
  const Document doc = AnnualReportDocument({"Päijät-Häme", 2026, "en"}, {}, {}, &f);
  auto at = std::find_if(doc.blocks.begin(), doc.blocks.end(), [](const Block& b) {
    return b.kind == Block::Kind::kHeading && b.text == "How orders were filled";
  });
  ASSERT_NE(at, doc.blocks.end());
  const Block& figures = *(at + 1);
  EXPECT_FALSE(figures.total_row);  // its last row is a figure like the others
  EXPECT_THAT(
      figures.rows, ElementsAre(
                        ElementsAre("Places ordered", "40"),
                        ElementsAre("Filled by a trained expert", "36 (90.0\u00a0%)"),
                        ElementsAre("From order to its last place taken (median, hours)", "26.5"),
                        ElementsAre("Orders offered in rounds (rounds on average)", "30 (1.4)"),
                        ElementsAre("Offers (declined / lapsed)", "120 (50 / 12)")));
  EXPECT_EQ((at + 2)->text, "Why offers were declined");
  EXPECT_THAT(
      (at + 3)->rows, ElementsAre(
                          ElementsAre("Reason", "Count"), ElementsAre("The time", "30"),
                          ElementsAre("The distance", "20")));
  EXPECT_EQ((at + 4)->text, "Why experts cancelled (illness carries no blame)");
  EXPECT_THAT(
      (at + 5)->rows, ElementsAre(ElementsAre("Reason", "Count"), ElementsAre("Illness", "3")));
  f.suppressed_reasons = 2;
  const Document suppressed = AnnualReportDocument({"Päijät-Häme", 2026, "en"}, {}, {}, &f);
  EXPECT_EQ(
      std::count_if(
          suppressed.blocks.begin(), suppressed.blocks.end(),
          [](const Block& b) {
    return b.text == "Reasons so few that they could point at someone were left out: 2.";
          }),
      1);
  // Without the figures there is no such section.
  const Document without = AnnualReportDocument({"Päijät-Häme", 2026, "en"}, {}, {});
  EXPECT_EQ(
      std::count_if(
          without.blocks.begin(), without.blocks.end(),
          [](const Block& b) { return b.text == "How orders were filled"; }),
      0);
}

// Issue 17: a year without tasks printed headings with nothing under them;
// "0,0 %" was split over two lines in Swedish.
TEST(AnnualReport, AYearWithoutTasksHasNoEmptySectionsAndPercentagesStayWhole) {
  FillingFigures none;
  const Document doc = AnnualReportDocument({"Päijät-Häme", 2026, "sv"}, {}, {"ph/kaisa"}, &none);
  std::vector<std::string> headings;
  for (const Block& b : doc.blocks) {
    if (b.kind == Block::Kind::kHeading) headings.push_back(b.text);
  }
  EXPECT_THAT(headings, ElementsAre("Nyckeltal", "Arbetets fördelning"));
  const Block& key_figures = doc.blocks[3];
  ASSERT_EQ(key_figures.kind, Block::Kind::kTable);
  EXPECT_THAT(key_figures.rows[8][1], ::testing::EndsWith("0 (0,0\u00a0%)"));
  EXPECT_THAT(doc.blocks.back().rows.back(), ElementsAre("Totalt", "1"));
}

// Issue 17: one answer was drawn as a 100 % bar, which can say who gave it.
TEST(FillingTest, TheAnnualReportDrawsNoFeedbackDistributionFromFewerThanFiveAnswers) {
  auto task = [](int overall, int heaviness) {
    TaskRecord t;
    t.state = AssignmentState::kCompleted;
    t.start_time = absl::FromUnixSeconds(1780000000);
    t.role = Role::kLecturer;
    t.minutes = 60;
    t.orderer_overall = overall;
    t.expert_heaviness = heaviness;
    return t;
  };
  std::vector<TaskRecord> tasks = {task(5, 2), task(4, 0), task(5, 0), task(3, 0), task(5, 0)};
  const Document doc = AnnualReportDocument({"Päijät-Häme", 2026, "en"}, tasks, {});
  auto find = [&](absl::string_view text) {
    return std::find_if(doc.blocks.begin(), doc.blocks.end(), [&](const Block& b) {
      return absl::StartsWith(b.text, text);
    });
  };
  // Five orderers' ratings: drawn, with their table.
  auto overall = find("Orderers' overall rating (1–5) (Answers 5)");
  ASSERT_NE(overall, doc.blocks.end());
  EXPECT_EQ((overall + 1)->kind, Block::Kind::kChart);
  EXPECT_EQ((overall + 2)->kind, Block::Kind::kTable);
  // One expert's heaviness: the count only.
  auto heaviness = find("The expert's load (1–5)");
  ASSERT_NE(heaviness, doc.blocks.end());
  EXPECT_THAT(heaviness->text, ::testing::HasSubstr("(Answers 1)"));
  EXPECT_EQ(
      (heaviness + 1)->text,
      "The distribution is not shown for fewer than 5 answers, so that no one can be "
      "recognised.");
  EXPECT_EQ((heaviness + 1)->kind, Block::Kind::kParagraph);
}

}  // namespace
}  // namespace kokemus::domain
