// Ranking: each hard rule excludes an expert by exactly that rule, with the
// reason; the score's parts explain the order.
#include "services/domain/matching.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

absl::Time Helsinki(int y, int m, int d, int hh, int mm) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Helsinki", &tz));
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), tz);
}

// Tuesday 8 December 2026, 10:00-11:30 in Lahti, a lecture in Finnish on mental health.
Order TheOrder() {
  Order o;
  o.exchange_id = "ph";
  o.id = "o1";
  o.role = Role::kLecturer;
  o.start_time = Helsinki(2026, 12, 8, 10, 0);
  o.duration_minutes = 90;
  o.municipality = "398";
  o.language = "fi";
  o.experience_areas = {ExperienceArea::kMentalHealth};
  o.experts_needed = 1;
  return o;
}

FeeSchedule Fees() {
  FeeSchedule s;
  s.role_rules = {{Role::kLecturer, "2026-01-01", FeeKind::kFixed, 15000, 0, false}};
  return s;
}

ExpertRecord Eligible(const std::string& id) {
  ExpertRecord r;
  Expert& e = r.expert;
  e.exchange_id = "ph";
  e.id = id;
  e.state = ExpertState::kActive;
  e.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2024-05-31"}};
  e.roles = {Role::kLecturer};
  e.languages = {"fi"};
  e.experience_areas = {ExperienceArea::kMentalHealth};
  e.home_municipality = "398";
  e.max_travel_km = 50;
  e.payment_method = PaymentMethod::kInvoice;
  return r;
}

// A confirmed lecture (a heavy task) of the expert.
PastTask Held(absl::Time start, int minutes, int64_t fee = 15000) {
  PastTask t;
  t.start_time = start;
  t.end_time = start + absl::Minutes(minutes);
  t.fee_cents = fee;
  t.role = Role::kLecturer;
  return t;
}

PastTask Completed(absl::Time start, int minutes, int64_t fee = 15000) {
  PastTask t = Held(start, minutes, fee);
  t.completed = true;
  return t;
}

const absl::Time kNow =
    absl::FromCivil(absl::CivilMinute(2026, 11, 22, 12, 0), absl::UTCTimeZone());

struct RuleCase {
  ExclusionRule rule;
  std::function<void(ExpertRecord&)> break_it;
  std::string reason;
};

class HardRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(HardRule, ExcludesAnExpertByExactlyThatRule) {
  const RuleCase& c = GetParam();
  ExpertRecord broken = Eligible("broken");
  c.break_it(broken);
  MatchingSettings settings;
  settings.travel_buffer = absl::Minutes(30);
  Ranking r = RankExperts(TheOrder(), {Eligible("ok"), broken}, settings, Fees(), kNow);
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0].expert_id, "ok");
  ASSERT_EQ(r.excluded.size(), 1u);
  EXPECT_EQ(r.excluded[0].expert_id, "broken");
  EXPECT_EQ(ExclusionRuleName(r.excluded[0].rule), ExclusionRuleName(c.rule));
  EXPECT_EQ(r.excluded[0].reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, HardRule,
    ::testing::Values(
        RuleCase{
            ExclusionRule::kNotActive,
            [](ExpertRecord& r) { r.expert.state = ExpertState::kPaused; }, "the expert is PAUSED"},
        RuleCase{
            ExclusionRule::kNotTrained, [](ExpertRecord& r) { r.expert.trainings.clear(); },
            "no completed training is recorded"},
        RuleCase{
            ExclusionRule::kLacksRole,
            [](ExpertRecord& r) { r.expert.roles = {Role::kPeerSupport}; },
            "does not take the role LECTURER"},
        RuleCase{
            ExclusionRule::kLacksLanguage, [](ExpertRecord& r) { r.expert.languages = {"sv"}; },
            "does not work in the language fi"},
        RuleCase{
            ExclusionRule::kLacksExperience,
            [](ExpertRecord& r) { r.expert.experience_areas = {ExperienceArea::kGambling}; },
            "covers none of the wanted experience areas"},
        RuleCase{
            ExclusionRule::kNotAvailableWeekly,
            [](ExpertRecord& r) {
  r.expert.weekly_availability = {{Weekday::kTuesday, 12 * 60, 16 * 60}};
            },
            "the time is outside the weekly availability"},
        RuleCase{
            ExclusionRule::kUnavailablePeriod,
            [](ExpertRecord& r) {
  r.expert.unavailable_periods = {{Helsinki(2026, 12, 7, 0, 0), Helsinki(2026, 12, 9, 0, 0)}};
            },
            "the time falls in an unavailable period"},
    RuleCase{
        ExclusionRule::kOverlapping,
        [](ExpertRecord& r) {
  // Ends 9:40; with the 30 min buffer 10:00 is too soon.
  r.tasks = {Held(Helsinki(2026, 12, 8, 8, 40), 60)};
        },
        "already has an assignment at an overlapping time (travel buffer included)"},
    RuleCase{
        ExclusionRule::kTooFar, [](ExpertRecord& r) { r.expert.home_municipality = "091"; },
        "the place is about 127 km away, more than 50 km"},
    RuleCase{
        ExclusionRule::kMonthlyCap,
        [](ExpertRecord& r) {
  r.expert.max_assignments_per_month = 2;
  r.tasks = {Completed(Helsinki(2026, 12, 1, 10, 0), 60), Held(Helsinki(2026, 12, 2, 10, 0), 60)};
        },
        "already has 2 tasks this month (cap 2)"},
    RuleCase{
        ExclusionRule::kRestPeriod,
        [](ExpertRecord& r) { r.tasks = {Held(Helsinki(2026, 12, 7, 13, 0), 90)}; },
        "needs rest after a heavy task before the next one"},
    RuleCase{
        ExclusionRule::kEarningsLimit,
        [](ExpertRecord& r) {
  r.expert.monthly_earnings_limit_cents = 40000;
  r.tasks = {Completed(Helsinki(2026, 12, 1, 10, 0), 60, 30000)};
        },
        "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €450.00 of her "
        "€400.00 earnings limit"},
    RuleCase{
        ExclusionRule::kSaidNo,
        [](ExpertRecord& r) {
  r.said_no_orders = {"o0", "o1", "o2"};
        },
        "declined this order or cancelled her place on it"}),
    [](const auto& info) { return std::string(ExclusionRuleName(info.param.rule)); });

TEST(Ranking, EarningsLimitCountsOnlyTheSamePaymentMonthAndThisFee) {
  ExpertRecord r = Eligible("kaisa");
  r.expert.monthly_earnings_limit_cents = 45000;
  // Paid on the 15th of the month after: 30 November 23:30 in Helsinki is
  // November there (paid in December), whatever UTC says; the order of
  // 8 December is paid with the 1 December task in January.
  r.tasks = {
      Completed(Helsinki(2026, 11, 30, 23, 30), 20, 90000),
      Completed(Helsinki(2026, 12, 1, 10, 0), 60, 30000)};
  Ranking ok = RankExperts(TheOrder(), {r}, MatchingSettings{}, Fees(), kNow);
  EXPECT_EQ(ok.candidates.size(), 1u);  // 300 + 150 = 450 € is at the limit, not over
  r.expert.monthly_earnings_limit_cents = 44999;
  Ranking over = RankExperts(TheOrder(), {r}, MatchingSettings{}, Fees(), kNow);
  EXPECT_TRUE(over.candidates.empty());
}

TEST(Ranking, FairShareRanksTheLessWorkedHigherAndExplainsWhy) {
  ExpertRecord busy = Eligible("busy");
  // Older than 90 days: outside the fair share, still history in the role.
  busy.tasks.push_back(Completed(Helsinki(2026, 8, 1, 10, 0), 60, 15000));
  for (int day = 1; day <= 12; ++day) {
    busy.tasks.push_back(Completed(Helsinki(2026, 10, day, 10, 0), 60, 15000));
  }
  ExpertRecord quiet = Eligible("quiet");
  quiet.tasks = {Completed(Helsinki(2026, 11, 2, 10, 0), 60, 15000)};
  Ranking r = RankExperts(TheOrder(), {busy, quiet}, MatchingSettings{}, Fees(), kNow);
  ASSERT_EQ(r.candidates.size(), 2u);
  EXPECT_EQ(r.candidates[0].expert_id, "quiet");
  EXPECT_DOUBLE_EQ(r.candidates[1].parts.fairness, 0.0);
  EXPECT_NEAR(r.candidates[0].parts.fairness, 1 - (1.0 / 12 + 15000.0 / 180000) / 2, 1e-12);
  EXPECT_NEAR(r.candidates[0].parts.role, 1.0 / 13, 1e-12);  // 1 of busy's 13 lectures
  EXPECT_DOUBLE_EQ(r.candidates[1].parts.role, 1.0);
  EXPECT_EQ(r.candidates[0].fee_cents, 15000);
  // The score is the weighted sum of its parts.
  const MatchingSettings w;
  const ScoreParts& p = r.candidates[0].parts;
  EXPECT_DOUBLE_EQ(
      r.candidates[0].score, w.weight_experience * p.experience + w.weight_role * p.role +
                                 w.weight_travel * p.travel + w.weight_fairness * p.fairness +
                                 w.weight_preferred * p.preferred + w.weight_feedback * p.feedback);
}

TEST(Ranking, ServiceMunicipalitiesAndRemoteWidenTheReach) {
  ExpertRecord far = Eligible("far");
  far.expert.home_municipality = "091";
  far.expert.service_municipalities = {"398"};
  Ranking r = RankExperts(TheOrder(), {far}, MatchingSettings{}, Fees(), kNow);
  EXPECT_EQ(r.candidates.size(), 1u);
  Order remote = TheOrder();
  remote.remote = true;
  ExpertRecord no_remote = Eligible("local");
  Ranking rr = RankExperts(remote, {no_remote}, MatchingSettings{}, Fees(), kNow);
  ASSERT_EQ(rr.excluded.size(), 1u);
  EXPECT_EQ(rr.excluded[0].reason, "does not take remote tasks");
}

TEST(Ranking, RestFollowsOnlyAHeavyTaskAndHoldsInBothDirections) {
  MatchingSettings settings;
  // A co-development meeting the day before is not heavy: no rest needed.
  ExpertRecord light = Eligible("light");
  light.tasks = {Held(Helsinki(2026, 12, 7, 13, 0), 90)};
  light.tasks[0].role = Role::kCoDeveloper;
  // The lecture (heavy) would come the day before a confirmed co-development task.
  ExpertRecord later = Eligible("later");
  later.tasks = {Held(Helsinki(2026, 12, 9, 9, 0), 60)};
  later.tasks[0].role = Role::kCoDeveloper;
  Ranking r = RankExperts(TheOrder(), {light, later}, settings, Fees(), kNow);
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0].expert_id, "light");
  ASSERT_EQ(r.excluded.size(), 1u);
  EXPECT_EQ(r.excluded[0].rule, ExclusionRule::kRestPeriod);
  // The exchange's own rest period: 12 hours lets the next morning's task be.
  settings.rest_after_heavy = absl::Hours(12);
  EXPECT_EQ(RankExperts(TheOrder(), {later}, settings, Fees(), kNow).candidates.size(), 1u);
}

TEST(Ranking, FindsTheOneOverlappingTaskAmongManyInStartOrder) {
  ExpertRecord r = Eligible("busy");
  for (int week = 0; week < 40; ++week) {
    PastTask t = Completed(Helsinki(2026, 1, 5, 10, 0) + absl::Hours(24 * 7 * week), 60);
    t.role = Role::kCoDeveloper;
    r.tasks.push_back(t);
  }
  PastTask clash = Held(Helsinki(2026, 12, 8, 11, 0), 60);  // during the lecture
  clash.role = Role::kCoDeveloper;
  r.tasks.push_back(clash);
  r.tasks.push_back(Held(Helsinki(2027, 3, 1, 10, 0), 60));
  std::reverse(r.tasks.begin(), r.tasks.end());
  std::vector<ExpertRecord> experts = {r};
  SortTasks(experts);
  Ranking ranking = RankExperts(TheOrder(), experts, MatchingSettings{}, Fees(), kNow);
  ASSERT_EQ(ranking.excluded.size(), 1u);
  EXPECT_EQ(ranking.excluded[0].rule, ExclusionRule::kOverlapping);
}

TEST(Ranking, PreferredAndFeedbackComeFromOrderersRatings) {
  Order order = TheOrder();
  order.organization_id = "lyseo";
  ExpertRecord liked = Eligible("liked");
  liked.tasks = {
      Completed(Helsinki(2026, 6, 1, 10, 0), 60), Completed(Helsinki(2026, 6, 8, 10, 0), 60)};
  liked.tasks[0].orderer_rating = 5;
  liked.tasks[0].organization_id = "lyseo";
  liked.tasks[1].orderer_rating = 2;
  liked.tasks[1].organization_id = "other";
  ExpertRecord unrated = Eligible("unrated");
  Ranking r = RankExperts(order, {liked, unrated}, MatchingSettings{}, Fees(), kNow);
  ASSERT_EQ(r.candidates.size(), 2u);
  const Candidate& l = r.candidates[0].expert_id == "liked" ? r.candidates[0] : r.candidates[1];
  const Candidate& u = r.candidates[0].expert_id == "liked" ? r.candidates[1] : r.candidates[0];
  EXPECT_DOUBLE_EQ(l.parts.preferred, 1.0);
  EXPECT_DOUBLE_EQ(l.parts.feedback, (3.5 - 1) / 4);  // average of 5 and 2
  EXPECT_DOUBLE_EQ(u.parts.preferred, 0.0);
  EXPECT_DOUBLE_EQ(u.parts.feedback, 0.5);
}

TEST(Ranking, WithoutReportingExcludedOnlyCountsEachRule) {
  ExpertRecord paused = Eligible("paused");
  paused.expert.state = ExpertState::kPaused;
  ExpertRecord swede = Eligible("swede");
  swede.expert.languages = {"sv"};
  ExpertRecord swede2 = swede;
  swede2.expert.id = "swede2";
  Ranking r = RankExperts(
      TheOrder(), {paused, swede, swede2, Eligible("ok")}, MatchingSettings{}, Fees(), kNow,
      /*report_excluded=*/false);
  EXPECT_TRUE(r.excluded.empty());
  EXPECT_EQ(r.excluded_by_rule[static_cast<int>(ExclusionRule::kNotActive)], 1);
  EXPECT_EQ(r.excluded_by_rule[static_cast<int>(ExclusionRule::kLacksLanguage)], 2);
  EXPECT_EQ(r.candidates.size(), 1u);
}

TEST(Ranking, TheRoleIndexGivesTheSameCandidatesAndCounts) {
  std::vector<ExpertRecord> experts;
  int n = 0;
  for (const auto& change : std::vector<std::function<void(ExpertRecord&)>>{
           [](ExpertRecord&) {}, [](ExpertRecord& r) { r.expert.state = ExpertState::kInactive; },
           [](ExpertRecord& r) { r.expert.trainings.clear(); },
           [](ExpertRecord& r) { r.expert.roles = {Role::kCoDeveloper}; },
           [](ExpertRecord& r) {
    r.expert.roles = {Role::kCoDeveloper, Role::kLecturer};
           },
           [](ExpertRecord& r) { r.expert.languages = {"sv"}; },
           [](ExpertRecord& r) { r.expert.home_municipality = "091"; },
           [](ExpertRecord& r) { r.tasks = {Held(Helsinki(2026, 12, 8, 9, 0), 60)}; },
           [](ExpertRecord&) {}}) {
    experts.push_back(Eligible(absl::StrCat("e", n++)));
    change(experts.back());
  }
  MatchingSettings s;
  const Ranking plain = RankExperts(TheOrder(), experts, s, Fees(), kNow, false);
  const Ranking indexed =
      RankExpertsIndexed(TheOrder(), experts, IndexExperts(experts), s, Fees(), kNow);
  // e0, e4 and e8; e7's lecture ends as this one starts: rest.
  ASSERT_EQ(indexed.candidates.size(), 3u);
  ASSERT_EQ(plain.candidates.size(), indexed.candidates.size());
  for (size_t i = 0; i < plain.candidates.size(); ++i) {
    EXPECT_EQ(plain.candidates[i].expert_id, indexed.candidates[i].expert_id);
    EXPECT_DOUBLE_EQ(plain.candidates[i].score, indexed.candidates[i].score);
  }
  for (int rule = 0; rule < kExclusionRuleCount; ++rule) {
    EXPECT_EQ(plain.excluded_by_rule[rule], indexed.excluded_by_rule[rule]) << rule;
  }
  EXPECT_EQ(indexed.excluded_by_rule[static_cast<int>(ExclusionRule::kLacksRole)], 1);
  EXPECT_EQ(indexed.excluded_by_rule[static_cast<int>(ExclusionRule::kRestPeriod)], 1);
  EXPECT_TRUE(indexed.excluded.empty());
}

TEST(Ranking, SheIsNotOfferedAnOrderSheSaidNoToButStillOthers) {
  ExpertRecord r = Eligible("kaisa");
  r.said_no_orders = {"o2", "o1"};
  std::vector<ExpertRecord> experts = {r};
  SortTasks(experts);
  EXPECT_EQ(experts[0].said_no_orders, (std::vector<std::string>{"o1", "o2"}));
  const Ranking first = RankExperts(TheOrder(), experts, {}, Fees(), kNow);
  EXPECT_TRUE(first.candidates.empty());
  EXPECT_EQ(first.excluded_by_rule[static_cast<int>(ExclusionRule::kSaidNo)], 1);
  Order other = TheOrder();
  other.id = "o3";
  ASSERT_EQ(RankExperts(other, experts, {}, Fees(), kNow).candidates.size(), 1u);
  // The role index finds the same.
  const Ranking indexed =
      RankExpertsIndexed(TheOrder(), experts, IndexExperts(experts), {}, Fees(), kNow);
  EXPECT_TRUE(indexed.candidates.empty());
  EXPECT_EQ(indexed.excluded_by_rule[static_cast<int>(ExclusionRule::kSaidNo)], 1);
}

TEST(SaidNo, IsADeclineOrHerOwnCancellation) {
  Assignment a;
  a.state = AssignmentState::kDeclined;
  EXPECT_TRUE(SaidNo(a));
  a.state = AssignmentState::kCancelled;
  a.cancelled_by = CancelledBy::kExpert;
  EXPECT_TRUE(SaidNo(a));
  a.cancelled_by = CancelledBy::kOrderer;
  EXPECT_FALSE(SaidNo(a));
  a.cancelled_by = CancelledBy::kExchange;
  EXPECT_FALSE(SaidNo(a));
  for (AssignmentState s :
       {AssignmentState::kLapsed, AssignmentState::kWithdrawn, AssignmentState::kOffered,
        AssignmentState::kCompleted}) {
    a.state = s;
    EXPECT_FALSE(SaidNo(a)) << EnumName(s);
  }
}

TEST(BrokenRules, ListsEveryRuleSheBreaksAndEachMustBeOverridden) {
  ExpertRecord r = Eligible("kaisa");
  r.expert.languages = {"sv"};
  r.expert.weekly_availability = {{Weekday::kTuesday, 12 * 60, 16 * 60}};
  r.said_no_orders = {"o1"};
  const std::vector<Exclusion> broken = BrokenRules(TheOrder(), r, {}, Fees(), kNow);
  ASSERT_EQ(broken.size(), 3u);
  EXPECT_EQ(broken[0].rule, ExclusionRule::kSaidNo);
  EXPECT_EQ(broken[1].rule, ExclusionRule::kLacksLanguage);
  EXPECT_EQ(broken[2].rule, ExclusionRule::kNotAvailableWeekly);
  EXPECT_TRUE(BrokenRules(TheOrder(), Eligible("ok"), {}, Fees(), kNow).empty());

  EXPECT_EQ(
      CheckOverrides(broken, {ExclusionRule::kLacksLanguage}).status(),
      absl::FailedPreconditionError(
          "the expert breaks matching rules: SAID_NO (declined this order or cancelled her place "
          "on it); NOT_AVAILABLE_WEEKLY (the time is outside the weekly availability); to offer "
          "anyway, name each in override_rules"));
  auto kept = CheckOverrides(
      broken, {ExclusionRule::kNotAvailableWeekly, ExclusionRule::kSaidNo,
               ExclusionRule::kLacksLanguage, ExclusionRule::kTooFar});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(
      *kept, (std::vector<ExclusionRule>{
                 ExclusionRule::kSaidNo, ExclusionRule::kLacksLanguage,
                 ExclusionRule::kNotAvailableWeekly}));
  EXPECT_TRUE(CheckOverrides({}, {})->empty());
  EXPECT_EQ(ExclusionRuleFromName("SAID_NO"), ExclusionRule::kSaidNo);
  EXPECT_EQ(ExclusionRuleFromName("said_no"), std::nullopt);
}

// An exchange that pays 14 days after the task: the order of 8 December is
// paid on 22 December, with a task of 25 November (paid 9 December), not
// with a task of 20 December (paid on Friday 1 January).
TEST(Ranking, EarningsCountByTheExchangesPaymentDatesNotTheTasksMonth) {
  MatchingSettings s;
  s.earnings.pay_rule = {PayRuleKind::kDaysAfterTask, 15, 14};
  ExpertRecord r = Eligible("kaisa");
  r.expert.monthly_earnings_limit_cents = 40000;
  r.tasks = {
      Completed(Helsinki(2026, 11, 25, 10, 0), 60, 30000),
      Held(Helsinki(2026, 12, 20, 10, 0), 60, 30000)};
  Ranking over = RankExperts(TheOrder(), {r}, s, Fees(), kNow);
  ASSERT_EQ(over.excluded.size(), 1u);
  EXPECT_EQ(over.excluded[0].rule, ExclusionRule::kEarningsLimit);
  EXPECT_EQ(
      over.excluded[0].reason,
      "this task (paid 22.12.2026) would bring the expert's pay in 12/2026 to €450.00 of her "
      "€400.00 earnings limit");
  // Under the usual rule the November task is paid in December, the order in
  // January with the task of 20 December: 300 + 150 = 450 € again over.
  Ranking usual = RankExperts(TheOrder(), {r}, MatchingSettings{}, Fees(), kNow);
  ASSERT_EQ(usual.excluded.size(), 1u);
  EXPECT_EQ(
      usual.excluded[0].reason,
      "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €450.00 of her "
      "€400.00 earnings limit");
  // Without the task of 20 December, January holds only this one.
  r.tasks.pop_back();
  EXPECT_EQ(RankExperts(TheOrder(), {r}, MatchingSettings{}, Fees(), kNow).candidates.size(), 1u);
}

// The disability-pension floor of the payment's year applies.
TEST(Ranking, TheFloorOfThePaymentsYearIsTheLimit) {
  MatchingSettings s;
  s.earnings.floors = {{absl::CivilDay(2024, 1, 1), 97659, "2024"}};
  ExpertRecord r = Eligible("kaisa");
  r.expert.benefit_limit.kind = BenefitLimitKind::kDisabilityPensionFloor;
  r.tasks = {Completed(Helsinki(2026, 12, 1, 10, 0), 60, 85000)};  // paid 15.1.2027
  Ranking over = RankExperts(TheOrder(), {r}, s, Fees(), kNow);    // 850 + 150 > 976.59
  ASSERT_EQ(over.excluded.size(), 1u);
  EXPECT_EQ(
      over.excluded[0].reason,
      "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €1,000.00 of her "
      "€976.59 earnings limit");
  // A higher figure from 2027 on lets it through.
  s.earnings.floors.push_back({absl::CivilDay(2027, 1, 1), 100000, "a later figure"});
  EXPECT_EQ(RankExperts(TheOrder(), {r}, s, Fees(), kNow).candidates.size(), 1u);
}

TEST(MatchingSettingsValidation, NamesEachBadField) {
  MatchingSettings s;
  s.weight_travel = -1;
  s.weight_feedback = 11;
  s.rest_after_heavy = absl::Minutes(90);
  FieldViolations v;
  ValidateMatchingSettings(s, "matching_settings.", v);
  ASSERT_EQ(v.list().size(), 3u);
  EXPECT_EQ(v.list()[0].field, "matching_settings.weights.travel");
  EXPECT_EQ(v.list()[0].description, "must be from 0 to 10");
  EXPECT_EQ(v.list()[1].field, "matching_settings.weights.feedback");
  EXPECT_EQ(v.list()[2].field, "matching_settings.rest_after_heavy_hours");
  EXPECT_EQ(v.list()[2].description, "must be whole hours from 0 to 336");
  FieldViolations none;
  ValidateMatchingSettings(MatchingSettings{}, "", none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace kokemus::domain

namespace kokemus::domain {
namespace {

// Issue 21: a task at a school needs the criminal-record extract seen within
// 12 months; one seen longer ago, or never, leaves her out with its own rule.
TEST(CredentialRule, LeavesOutAnExpertWithoutACountingCredential) {
  MatchingSettings settings;
  CredentialRequirement r;
  r.kind = CredentialKind::kCriminalRecordExtractSeen;
  r.orderer_kinds = {OrganizationKind::kEducationalInstitution};
  r.max_age_months = 12;
  settings.credential_requirements = {r};
  settings.orderer_kinds = {{"lyseo", OrganizationKind::kEducationalInstitution}};
  Order order = TheOrder();
  order.organization_id = "lyseo";
  ExpertRecord fresh = Eligible("fresh");
  fresh.expert.record_extract = {"2026-06-01", "Maija"};
  ExpertRecord stale = Eligible("stale");
  stale.expert.record_extract = {"2025-11-01", "Maija"};
  ExpertRecord never = Eligible("never");
  Ranking ranking = RankExperts(order, {fresh, stale, never}, settings, Fees(), kNow);
  ASSERT_EQ(ranking.candidates.size(), 1u);
  EXPECT_EQ(ranking.candidates[0].expert_id, "fresh");
  ASSERT_EQ(ranking.excluded.size(), 2u);
  EXPECT_EQ(ranking.excluded[0].rule, ExclusionRule::kCredentialMissing);
  EXPECT_EQ(ExclusionRuleName(ranking.excluded[0].rule), "CREDENTIAL_MISSING");
  EXPECT_EQ(
      ranking.excluded[0].reason,
      "the criminal-record extract seen of 2025-11-01 counts until 2026-10-31, before the task on "
      "2026-12-08 (required for all tasks at EDUCATIONAL_INSTITUTION, within 12 months)");
  EXPECT_EQ(
      ranking.excluded[1].reason,
      "no criminal-record extract seen (required for all tasks at EDUCATIONAL_INSTITUTION, "
      "within 12 months)");
  EXPECT_EQ(ranking.excluded_by_rule[static_cast<int>(ExclusionRule::kCredentialMissing)], 2);
  // Another orderer's task needs no extract.
  settings.orderer_kinds = {{"lyseo", OrganizationKind::kAdultSocialWork}};
  EXPECT_EQ(
      RankExperts(order, {fresh, stale, never}, settings, Fees(), kNow).candidates.size(), 3u);
}

}  // namespace
}  // namespace kokemus::domain
