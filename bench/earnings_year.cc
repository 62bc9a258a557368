// A simulated year of one busy exchange run through ranking and the planner
// week by week, once with earnings counted by payment date (the exchange's
// pay rule) and once with the old rule (a task's fee counted in the task's
// own month, which is the pay rule "paid on the task's day"). Each year's
// tasks are then counted as Kela and the pension providers count them, by
// payment date: how many experts the plans took over their limit in some
// payment month (or year), and how many tasks the old rule placed wrongly.
//
//   build/bin/earnings_year                                 # the 15th of the month after
//   build/bin/earnings_year --pay_days_after 30             # 30 days after the task (invoices)
//
// Only the domain (matching, planner, earnings): no server, no database.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/domain/earnings.h"
#include "services/domain/matching.h"
#include "services/domain/planner.h"
#include "services/reference/calendar.h"

ABSL_FLAG(int, experts, 200, "experts in the exchange");
ABSL_FLAG(int, orders_per_week, 150, "orders of one place each per week");
ABSL_FLAG(int, year, 2027, "the year of the tasks");
ABSL_FLAG(int, pay_days_after, 0, "0: paid on the 15th of the month after; N: N days after");
ABSL_FLAG(int, seed, 20, "random seed");
ABSL_FLAG(double, plan_seconds, 2, "the planner's time limit per week");

namespace kokemus::domain {
namespace {

struct Run {
  std::vector<ExpertRecord> experts;
  int places_filled = 0;
  int weeks = 0;
  int optimal_weeks = 0;  // the planner proved its plan optimal in time
};

std::vector<ExpertRecord> MakeExperts(int n, absl::BitGen& gen) {
  std::vector<ExpertRecord> out;
  for (int i = 0; i < n; ++i) {
    ExpertRecord r;
    Expert& e = r.expert;
    e.exchange_id = "sim";
    e.id = absl::StrFormat("e%04d", i);
    e.home_municipality = "398";
    e.languages = {"fi"};
    e.experience_areas = {ExperienceArea::kMentalHealth};
    e.roles = {Role::kLecturer, Role::kPeerSupport};
    e.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2024-05-31"}};
    e.max_travel_km = 50;
    e.payment_method = PaymentMethod::kSalaryTaxCard;
    e.state = ExpertState::kActive;
    const double kind = absl::Uniform(gen, 0.0, 1.0);
    if (kind < 0.35) {  // a disability pension: the national floor
      e.benefit_limit.kind = BenefitLimitKind::kDisabilityPensionFloor;
    } else if (kind < 0.45) {  // an earnings-related pension: 40 or 60 % of earlier pay
      e.benefit_limit.kind = BenefitLimitKind::kPersonalMonthly;
      e.benefit_limit.earlier_monthly_income_cents = absl::Uniform(gen, 200000, 320000);
      e.benefit_limit.earlier_income_percent = absl::Bernoulli(gen, 0.5) ? 40 : 60;
    } else if (kind < 0.50) {  // a benefit that counts by year
      e.benefit_limit.kind = BenefitLimitKind::kYearly;
      e.benefit_limit.yearly_limit_cents = absl::Uniform(gen, 300000, 800000);
    } else if (kind < 0.65) {  // her own wish
      e.monthly_earnings_limit_cents = absl::Uniform(gen, 30000, 90000);
    }
    out.push_back(std::move(r));
  }
  return out;
}

// One week's orders: lectures (200 € fixed) and peer support (25 €/h, 2-6 h)
// on weekdays between 8 and 16 in Lahti.
std::vector<Order> WeekOrders(absl::CivilDay monday, int n, int week, absl::BitGen& gen) {
  std::vector<Order> out;
  for (int i = 0; i < n; ++i) {
    Order o;
    o.exchange_id = "sim";
    o.id = absl::StrFormat("w%02d-%03d", week, i);
    o.organization_id = absl::StrFormat("org%02d", absl::Uniform(gen, 0, 40));
    const bool lecture = absl::Bernoulli(gen, 0.6);
    o.role = lecture ? Role::kLecturer : Role::kPeerSupport;
    o.duration_minutes = lecture ? 90 : 60 * absl::Uniform(gen, 2, 7);
    const absl::CivilDay day = monday + absl::Uniform(gen, 0, 5);
    const int hour = absl::Uniform(gen, 8, 17 - (o.duration_minutes + 59) / 60);
    o.start_time = absl::FromCivil(
        absl::CivilHour(day.year(), day.month(), day.day(), hour), reference::HelsinkiTimeZone());
    o.municipality = "398";
    o.language = "fi";
    o.experience_areas = {ExperienceArea::kMentalHealth};
    o.experts_needed = 1;
    o.state = OrderState::kOpen;
    out.push_back(std::move(o));
  }
  return out;
}

FeeSchedule Fees() {
  FeeSchedule s;
  s.exchange_id = "sim";
  s.role_rules = {
      {Role::kLecturer, "2020-01-01", FeeKind::kFixed, 20000, 0, false},
      {Role::kPeerSupport, "2020-01-01", FeeKind::kHourly, 2500, 5000, false}};
  return s;
}

// The year planned week by week under `earnings` (what matching believes).
Run PlanYear(
    std::vector<ExpertRecord> experts, const EarningsRules& earnings, int year, int orders_per_week,
    int seed) {
  absl::BitGen gen(std::seed_seq{seed});  // the same orders in both runs
  MatchingSettings settings;
  settings.earnings = earnings;
  const FeeSchedule fees = Fees();
  Run run;
  absl::CivilDay monday(year, 1, 1);
  while (absl::GetWeekday(monday) != absl::Weekday::monday) ++monday;
  for (int week = 0; monday.year() == year; ++week, monday += 7) {
    const std::vector<Order> orders = WeekOrders(monday, orders_per_week, week, gen);
    const absl::Time now = absl::FromCivil(monday - 3, reference::HelsinkiTimeZone());
    SortTasks(experts);
    const ExpertIndex index = IndexExperts(experts);
    std::vector<PlanOrder> plan_orders;
    for (const Order& o : orders) {
      Ranking ranking = RankExpertsIndexed(o, experts, index, settings, fees, now);
      if (ranking.candidates.size() > 20) ranking.candidates.resize(20);
      plan_orders.push_back({o, 1, std::move(ranking.candidates)});
    }
    const Plan plan = PlanAssignments(
        plan_orders, experts, settings, absl::Seconds(absl::GetFlag(FLAGS_plan_seconds)));
    run.optimal_weeks += plan.method == PlanMethod::kOptimal ? 1 : 0;
    ++run.weeks;
    std::map<std::string, ExpertRecord*> by_id;
    for (ExpertRecord& r : experts) by_id[r.expert.id] = &r;
    for (const Proposal& p : plan.proposals) {
      const Order& o = plan_orders[p.order_index].order;
      PastTask t;
      t.start_time = o.start_time;
      t.end_time = o.end_time();
      t.fee_cents = p.fee_cents;
      t.role = o.role;
      t.organization_id = o.organization_id;
      by_id[p.expert_id]->tasks.push_back(t);
      ++run.places_filled;
    }
  }
  run.experts = std::move(experts);
  return run;
}

struct Verdict {
  int experts_over = 0;
  int periods_over = 0;
  int64_t cents_over = 0;
  int tasks_paid = 0;
};

// The year's tasks as the benefit payers count them, under `real`.
Verdict CountAsPaid(const Run& run, const EarningsRules& real) {
  Verdict v;
  for (const ExpertRecord& r : run.experts) {
    std::map<absl::CivilDay, std::pair<int64_t, int64_t>> periods;  // start: limit, paid
    for (const PastTask& t : r.tasks) {
      const absl::CivilDay paid = PaymentDate(real.pay_rule, t.start_time);
      ++v.tasks_paid;
      const auto limit = LimitFor(r.expert, real.floors, paid);
      if (!limit) continue;
      auto& [cap, sum] = periods[limit->period_start];
      cap = limit->limit_cents;
      sum += t.fee_cents;
    }
    bool over = false;
    for (const auto& [start, figures] : periods) {
      if (figures.second > figures.first) {
        over = true;
        ++v.periods_over;
        v.cents_over += figures.second - figures.first;
      }
    }
    v.experts_over += over ? 1 : 0;
  }
  return v;
}

int Main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int year = absl::GetFlag(FLAGS_year);
  const int days_after = absl::GetFlag(FLAGS_pay_days_after);
  absl::BitGen gen(std::seed_seq{absl::GetFlag(FLAGS_seed)});
  const std::vector<ExpertRecord> experts = MakeExperts(absl::GetFlag(FLAGS_experts), gen);
  EarningsRules real;
  if (days_after > 0) real.pay_rule = {PayRuleKind::kDaysAfterTask, 15, days_after};
  // The old rule: a fee counted in the task's own month is a fee paid that day.
  EarningsRules old_rule = real;
  old_rule.pay_rule = {PayRuleKind::kDaysAfterTask, 15, 0};
  const int per_week = absl::GetFlag(FLAGS_orders_per_week);
  const absl::Time start = absl::Now();
  const Run by_payment = PlanYear(experts, real, year, per_week, absl::GetFlag(FLAGS_seed));
  const Run by_task_month = PlanYear(experts, old_rule, year, per_week, absl::GetFlag(FLAGS_seed));
  const Verdict now = CountAsPaid(by_payment, real);
  const Verdict before = CountAsPaid(by_task_month, real);
  std::printf(
      "%d experts, %d orders a week in %d, paid %s; both years in %.1f s\n",
      absl::GetFlag(FLAGS_experts), per_week, year,
      days_after > 0 ? absl::StrFormat("%d days after the task", days_after).c_str()
                     : "on the 15th of the month after the task",
      absl::ToDoubleSeconds(absl::Now() - start));
  std::printf(
      "by payment date: %d places filled (%d of %d weekly plans optimal); over a limit as paid: "
      "%d experts, %d payment periods\n",
      by_payment.places_filled, by_payment.optimal_weeks, by_payment.weeks, now.experts_over,
      now.periods_over);
  std::printf(
      "by task month (the old rule): %d places filled; over a limit as paid: %d experts, %d "
      "payment periods, %.2f EUR over in all\n",
      by_task_month.places_filled, before.experts_over, before.periods_over,
      static_cast<double>(before.cents_over) / 100);
  return now.experts_over == 0 ? 0 : 1;
}

}  // namespace
}  // namespace kokemus::domain

int main(int argc, char** argv) { return kokemus::domain::Main(argc, argv); }
