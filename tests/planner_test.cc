// The planner: equal to the exact optimum (found by trying every subset) on
// small random instances, never worse than greedy, every hard rule held
// across orders, work spread, and the Gini coefficient as reported.
#include "services/domain/planner.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/statistics.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;

const absl::Time kMonday =
    absl::FromCivil(absl::CivilMinute(2026, 12, 7, 8, 0), absl::UTCTimeZone());

Order MakeOrder(
    const std::string& id, absl::Time start, int minutes, Role role = Role::kCoDeveloper) {
  Order o;
  o.exchange_id = "ph";
  o.id = id;
  o.role = role;
  o.start_time = start;
  o.duration_minutes = minutes;
  o.experts_needed = 1;
  return o;
}

PlanOrder Plan1(
    Order o, std::vector<std::pair<std::string, double>> candidates, int places = 1,
    int64_t fee = 10000) {
  PlanOrder p;
  p.order = std::move(o);
  p.open_places = places;
  for (const auto& [id, score] : candidates) {
    Candidate c;
    c.expert_id = id;
    c.score = score;
    c.fee_cents = fee;
    p.candidates.push_back(c);
  }
  return p;
}

ExpertRecord Record(const std::string& id, int cap = 0, int64_t limit = 0) {
  ExpertRecord r;
  r.expert.id = id;
  r.expert.max_assignments_per_month = cap;
  r.expert.monthly_earnings_limit_cents = limit;
  return r;
}

std::vector<std::string> Pairs(const std::vector<PlanOrder>& orders, const Plan& plan) {
  std::vector<std::string> out;
  for (const Proposal& p : plan.proposals) {
    out.push_back(orders[p.order_index].order.id + ":" + p.expert_id);
  }
  return out;
}

MatchingSettings NoSpreading() {
  MatchingSettings s;
  s.weight_fairness = 0;
  return s;
}

TEST(Planner, BeatsGreedyWhenTheFirstOrderTakesTheOnlyExpertOfTheSecond) {
  // Both at the same time. Greedy gives "a" to x (best), leaving "b" empty.
  std::vector<PlanOrder> orders = {
      Plan1(MakeOrder("a", kMonday, 60), {{"x", 10}, {"y", 9}}),
      Plan1(MakeOrder("b", kMonday, 60), {{"x", 8}})};
  std::vector<ExpertRecord> experts = {Record("x"), Record("y")};
  Plan plan = PlanAssignments(orders, experts, NoSpreading(), absl::Seconds(10));
  EXPECT_THAT(Pairs(orders, plan), ElementsAre("a:y", "b:x"));
  EXPECT_EQ(plan.method, PlanMethod::kOptimal);
  EXPECT_EQ(plan.quality.places_filled, 2);
  EXPECT_DOUBLE_EQ(plan.quality.total_score, 17);
  EXPECT_EQ(plan.greedy.places_filled, 1);
  EXPECT_DOUBLE_EQ(plan.greedy.total_score, 10);
  EXPECT_THAT(Pairs(orders, {GreedyPlan(orders, experts, NoSpreading())}), ElementsAre("a:x"));
}

TEST(Planner, KeepsTheTravelBufferTheMonthlyCapTheEarningsLimitAndRest) {
  MatchingSettings s = NoSpreading();
  s.travel_buffer = absl::Minutes(30);
  s.rest_after_heavy = absl::Hours(48);
  // Each pair of orders is one rule; only "x" can take them.
  std::vector<PlanOrder> buffer = {
      Plan1(MakeOrder("a", kMonday, 60), {{"x", 5}}),
      Plan1(MakeOrder("b", kMonday + absl::Minutes(80), 60), {{"x", 6}})};  // 20 min gap
  Plan p1 = PlanAssignments(buffer, {Record("x")}, s, absl::Seconds(10));
  EXPECT_THAT(Pairs(buffer, p1), ElementsAre("b:x"));

  std::vector<PlanOrder> month = {
      Plan1(MakeOrder("a", kMonday, 60), {{"x", 5}}),
      Plan1(MakeOrder("b", kMonday + absl::Hours(24), 60), {{"x", 6}}),
      Plan1(MakeOrder("c", kMonday + absl::Hours(48), 60), {{"x", 7}})};
  ExpertRecord capped = Record("x", /*cap=*/3);
  PastTask held;  // one task already this month
  held.start_time = kMonday - absl::Hours(72);
  held.end_time = held.start_time + absl::Hours(1);
  held.role = Role::kCoDeveloper;
  capped.tasks = {held};
  Plan p2 = PlanAssignments(month, {capped}, s, absl::Seconds(10));
  EXPECT_THAT(Pairs(month, p2), ElementsAre("b:x", "c:x"));

  ExpertRecord limited = Record("x", 0, /*limit=*/25000);  // 10,000 per task
  Plan p3 = PlanAssignments(month, {limited}, s, absl::Seconds(10));
  EXPECT_THAT(Pairs(month, p3), ElementsAre("b:x", "c:x"));

  std::vector<PlanOrder> heavy = {
      Plan1(MakeOrder("talk", kMonday, 60, Role::kLecturer), {{"x", 5}}),
      Plan1(MakeOrder("next", kMonday + absl::Hours(24), 60), {{"x", 6}}),
      Plan1(MakeOrder("later", kMonday + absl::Hours(50), 60), {{"x", 1}})};
  Plan p4 = PlanAssignments(heavy, {Record("x")}, s, absl::Seconds(10));
  // talk + later (5 + 1) loses to next + later (6 + 1): rest holds both ways.
  EXPECT_THAT(Pairs(heavy, p4), ElementsAre("next:x", "later:x"));
  for (const auto* orders : {&buffer, &month, &heavy}) {
    EXPECT_TRUE(CheckPlan(
                    *orders, {capped}, s,
                    PlanAssignments(*orders, {capped}, s, absl::Seconds(10)).proposals)
                    .empty());
  }
}

TEST(Planner, CheckPlanNamesWhatBreaksARule) {
  MatchingSettings s = NoSpreading();
  std::vector<PlanOrder> orders = {
      Plan1(MakeOrder("a", kMonday, 60), {{"x", 5}}),
      Plan1(MakeOrder("b", kMonday + absl::Minutes(30), 60), {{"x", 6}, {"y", 1}}),
      Plan1(MakeOrder("c", kMonday + absl::Hours(30), 60), {{"x", 1}}),
      Plan1(MakeOrder("d", kMonday + absl::Hours(60), 60), {{"y", 1}, {"x", 1}})};
  std::vector<ExpertRecord> experts = {Record("x", 0, 15000), Record("y")};
  std::vector<std::string> problems = CheckPlan(
      orders, experts, s,
      {{0, "x"}, {1, "x"}, {1, "y"}, {1, "y"}, {2, "x"}, {3, "y"}, {3, "x"}, {0, "z"}});
  EXPECT_THAT(
      problems,
      ElementsAre(
          "expert x for order b: overlaps (or leaves too little rest) with order a",
          "expert y for order b: proposed twice",
          "expert x for order c: over the expert's earnings limit in the task's payment period",
          "expert x for order d: more experts than the order's open places",
          "expert z for order a: not a candidate the hard rules allow"));
}

TEST(Planner, SpreadsWorkAndReportsTheGiniBesideGreedys) {
  // Two separate days; x scores a little higher for both.
  std::vector<PlanOrder> orders = {
      Plan1(MakeOrder("mon", kMonday, 60), {{"x", 5}, {"y", 4.5}}),
      Plan1(MakeOrder("tue", kMonday + absl::Hours(24), 60), {{"x", 5}, {"y", 4.5}})};
  std::vector<ExpertRecord> experts = {Record("x"), Record("y")};
  MatchingSettings s;  // weight_fairness 3: a second task costs 3
  Plan plan = PlanAssignments(orders, experts, s, absl::Seconds(10));
  EXPECT_THAT(Pairs(orders, plan), ElementsAre("mon:x", "tue:y"));
  EXPECT_DOUBLE_EQ(plan.quality.objective, 9.5);
  EXPECT_DOUBLE_EQ(plan.quality.gini, 0.0);
  EXPECT_EQ(plan.quality.experts_with_tasks, 2);
  EXPECT_EQ(plan.quality.eligible_experts, 2);
  // Greedy gives both to x: objective 10 - 3, Gini of {2, 0} is 0.5.
  EXPECT_DOUBLE_EQ(plan.greedy.objective, 7.0);
  EXPECT_DOUBLE_EQ(plan.greedy.gini, 0.5);
  EXPECT_EQ(plan.greedy.experts_with_tasks, 1);
  // Without the spreading cost x takes both.
  Plan uneven = PlanAssignments(orders, experts, NoSpreading(), absl::Seconds(10));
  EXPECT_THAT(Pairs(orders, uneven), ElementsAre("mon:x", "tue:x"));
}

TEST(Gini, OfCounts) {
  EXPECT_DOUBLE_EQ(Gini({}), 0.0);
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(Gini({3, 3, 3}), 0.0);
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0, 4}), 0.75);  // all to one of four: (n - 1) / n
  EXPECT_DOUBLE_EQ(Gini({1, 2, 3}), 2.0 / 9);
}

// The best plan by trying every subset of candidate pairs.
PlanQuality ExhaustiveBest(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& s) {
  std::vector<Proposal> all;
  for (size_t o = 0; o < orders.size(); ++o) {
    for (const Candidate& c : orders[o].candidates) {
      all.push_back({o, c.expert_id, c.score, c.fee_cents, 0});
    }
  }
  PlanQuality best;
  bool any = false;
  for (uint32_t mask = 0; mask < (1u << all.size()); ++mask) {
    std::vector<Proposal> chosen;
    for (size_t i = 0; i < all.size(); ++i) {
      if (mask & (1u << i)) chosen.push_back(all[i]);
    }
    if (!CheckPlan(orders, experts, s, chosen).empty()) continue;
    PlanQuality q = QualityOf(orders, chosen, s);
    if (!any || q.places_filled > best.places_filled ||
        (q.places_filled == best.places_filled && q.objective > best.objective)) {
      best = q;
      any = true;
    }
  }
  return best;
}

TEST(Planner, EqualsTheExactOptimumOnSmallRandomInstances) {
  std::mt19937 rng(20261122);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<std::string> ids = {"e1", "e2", "e3", "e4", "e5"};
  int greedy_worse = 0;
  for (int instance = 0; instance < 60; ++instance) {
    MatchingSettings s;
    s.weight_fairness = uniform(0, 3);
    s.travel_buffer = absl::Minutes(30);
    s.rest_after_heavy = absl::Hours(uniform(0, 1) * 24);
    std::vector<ExpertRecord> experts;
    for (const std::string& id : ids) {
      experts.push_back(Record(id, uniform(0, 2), uniform(0, 1) * uniform(1, 3) * 10000));
    }
    std::vector<PlanOrder> orders;
    const int n_orders = uniform(3, 5);
    int pairs = 0;
    for (int o = 0; o < n_orders; ++o) {
      // Starts within two days on the hour: some overlap, some need rest.
      Order order = MakeOrder(
          absl::StrCat("o", o), kMonday + absl::Hours(uniform(0, 48)), 60 * uniform(1, 2),
          uniform(0, 2) == 0 ? Role::kLecturer : Role::kCoDeveloper);
      std::vector<std::pair<std::string, double>> candidates;
      for (const std::string& id : ids) {
        if (pairs < 12 && uniform(0, 1) == 1) {
          candidates.push_back({id, uniform(10, 100) / 10.0});
          ++pairs;
        }
      }
      orders.push_back(Plan1(std::move(order), candidates, uniform(1, 2), uniform(1, 2) * 10000));
    }
    const Plan plan = PlanAssignments(orders, experts, s, absl::Seconds(10));
    const PlanQuality best = ExhaustiveBest(orders, experts, s);
    SCOPED_TRACE(absl::StrCat("instance ", instance));
    EXPECT_EQ(plan.method, PlanMethod::kOptimal);
    EXPECT_TRUE(CheckPlan(orders, experts, s, plan.proposals).empty());
    EXPECT_EQ(plan.quality.places_filled, best.places_filled);
    EXPECT_NEAR(plan.quality.objective, best.objective, 1e-6);
    EXPECT_GE(plan.quality.places_filled, plan.greedy.places_filled);
    if (plan.quality.places_filled == plan.greedy.places_filled) {
      EXPECT_GE(plan.quality.objective, plan.greedy.objective - 1e-9);
    }
    greedy_worse += plan.quality.places_filled > plan.greedy.places_filled ||
                    plan.quality.objective > plan.greedy.objective + 1e-9;
  }
  // The instances are hard enough that greedy often misses the optimum.
  EXPECT_GT(greedy_worse, 10);
}

}  // namespace
}  // namespace kokemus::domain
