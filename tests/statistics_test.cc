// Statistics as pure functions: Helsinki months, the category split, the
// suppression of small groups and of the totals, feedback percentages.
#include "services/domain/statistics.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;

TaskRecord Task(const std::string& expert, absl::Time start) {
  TaskRecord t;
  t.exchange_id = "ph";
  t.order_id = expert;
  t.assignment_id = "a1";
  t.expert_id = expert;
  t.organization_id = "org";
  t.state = AssignmentState::kCompleted;
  t.start_time = start;
  t.minutes = 60;
  t.fee_cents = 10000;
  return t;
}

const absl::Time kNewYearUtc =
    absl::FromCivil(absl::CivilMinute(2025, 12, 31, 22, 30), absl::UTCTimeZone());

TEST(Statistics, MonthsAndYearsAreHelsinkiTime) {
  // 22:30 UTC on 31 December is 00:30 on 1 January in Helsinki.
  const TaskRecord t = Task("e1", kNewYearUtc);
  EXPECT_EQ(GroupValue(t, Grouping::kYear), "2026");
  EXPECT_EQ(GroupValue(t, Grouping::kMonth), "2026-01");
}

TEST(Statistics, SchoolsAreAKindOrTheEducationSector) {
  TaskRecord t = Task("e1", kNewYearUtc);
  t.kind = OrganizationKind::kOther;
  t.sector = Sector::kEducation;
  EXPECT_EQ(CategoryOf(t), "EDUCATIONAL_INSTITUTIONS");
  t.sector = Sector::kNgo;
  EXPECT_EQ(CategoryOf(t), "BASIC_SERVICES");
  t.kind = OrganizationKind::kEducationalInstitution;
  EXPECT_EQ(CategoryOf(t), "EDUCATIONAL_INSTITUTIONS");
  t.remote = true;
  EXPECT_EQ(GroupValue(t, Grouping::kMunicipality), "REMOTE");
}

TEST(Statistics, SmallGroupsAndTotalsAreSuppressedAtTheThreshold) {
  std::vector<TaskRecord> tasks;
  for (int i = 0; i < 4; ++i) tasks.push_back(Task("e" + std::to_string(i), kNewYearUtc));
  const std::vector<std::string> active = {"ph/e0", "ph/e1", "ph/e2", "ph/e3", "ph/e4"};
  Statistics four = ComputeStatistics(tasks, active, {Grouping::kExchange}, 5);
  ASSERT_EQ(four.rows.size(), 1u);
  EXPECT_TRUE(four.rows[0].suppressed);
  EXPECT_EQ(four.rows[0].figures.tasks, 0);
  EXPECT_TRUE(four.total.suppressed);
  EXPECT_EQ(four.active_trained_with_task, 0);  // 4 people: not shown either
  EXPECT_EQ(four.gini, 0);
  tasks.push_back(Task("e4", kNewYearUtc));
  Statistics five = ComputeStatistics(tasks, active, {Grouping::kExchange}, 5);
  EXPECT_FALSE(five.rows[0].suppressed);
  EXPECT_EQ(five.rows[0].figures.tasks, 5);
  EXPECT_EQ(five.rows[0].figures.experts_worked, 5);
  EXPECT_DOUBLE_EQ(five.rows[0].figures.hours, 5.0);
  EXPECT_EQ(five.active_trained_with_task, 5);
  EXPECT_DOUBLE_EQ(five.share_with_task, 1.0);
  // Without a threshold (one exchange's own figures) nothing is suppressed.
  EXPECT_FALSE(ComputeStatistics({tasks[0]}, active, {}, 0).total.suppressed);
}

TEST(Statistics, FeedbackPercentagesHaveOneDecimal) {
  std::vector<TaskRecord> tasks;
  for (int rating : {5, 4, 4}) {
    tasks.push_back(Task("e1", kNewYearUtc));
    tasks.back().orderer_overall = rating;
  }
  tasks[0].expert_setting_safe = 1;
  const auto groups = SummarizeFeedback(tasks, std::nullopt, 0);
  ASSERT_EQ(groups.size(), 1u);
  const QuestionSummary& overall = groups[0].questions[0];
  EXPECT_EQ(overall.answers, 3);
  EXPECT_DOUBLE_EQ(overall.options[3].percent, 66.7);
  EXPECT_DOUBLE_EQ(overall.options[4].percent, 33.3);
  EXPECT_NEAR(overall.mean, 13.0 / 3, 1e-12);
  const QuestionSummary& safe = groups[0].questions[3];
  EXPECT_EQ(safe.answers, 1);
  EXPECT_EQ(safe.options[0].n, 1);
  EXPECT_DOUBLE_EQ(safe.options[0].percent, 100.0);
}

// The reflection's "did I get support afterwards?", and an exchange that
// keeps its experts' reflections anonymous: behind fewer than 5 experts the
// expert.* questions are left out, the orderers' stay.
TEST(Statistics, SupportAfterwardsAndAnonymousReflections) {
  std::vector<TaskRecord> tasks;
  for (const char* support : {"yes", "no", "not_needed", "no", ""}) {
    tasks.push_back(Task(absl::StrCat("e", tasks.size() % 2), kNewYearUtc));
    tasks.back().expert_heaviness = 3;
    tasks.back().orderer_overall = 5;
    tasks.back().expert_support = support;
  }
  auto groups = SummarizeFeedback(tasks, std::nullopt, 0);
  ASSERT_EQ(groups[0].questions.size(), 5u);
  const QuestionSummary& support = groups[0].questions[4];
  EXPECT_EQ(support.question, "expert.support_afterwards");
  EXPECT_EQ(support.answers, 4);
  EXPECT_THAT(
      support.options, ElementsAre(
                           AnswerCount{"yes", 1, 25.0}, AnswerCount{"no", 2, 50.0},
                           AnswerCount{"not_needed", 1, 25.0}));
  EXPECT_EQ(support.mean, 0);
  groups = SummarizeFeedback(tasks, std::nullopt, 0, /*reflection_threshold=*/5);
  ASSERT_EQ(groups[0].questions.size(), 2u);  // two experts: their answers left out
  EXPECT_EQ(groups[0].questions[0].question, "orderer.overall_rating");
  EXPECT_EQ(groups[0].questions[1].question, "orderer.content_rating");
  EXPECT_EQ(SummarizeFeedback(tasks, std::nullopt, 0, 2)[0].questions.size(), 5u);
}

TEST(Statistics, OnlyFiguresAcrossExchangesHideSmallGroups) {
  EXPECT_EQ(SuppressionThreshold(/*across_exchanges=*/true), 5);
  EXPECT_EQ(SuppressionThreshold(/*across_exchanges=*/false), 0);
}

}  // namespace
}  // namespace kokemus::domain
