// Earnings as Kela counts them (issue 20): payment dates from the exchange's
// pay rule, limits by payment month or year, the floor of the payment's
// year, personal 40 % and 60 % limits, and the 80 % warning.
#include "services/domain/earnings.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;

absl::Time Helsinki(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), reference::HelsinkiTimeZone());
}

PayRule DaysAfter(int days) { return {PayRuleKind::kDaysAfterTask, 15, days}; }

Expert WithLimit(int64_t monthly_cents) {
  Expert e;
  e.monthly_earnings_limit_cents = monthly_cents;
  return e;
}

Expert OfKind(BenefitLimitKind kind) {
  Expert e;
  e.benefit_limit.kind = kind;
  return e;
}

// The floor of 2024 and, for these tests, a made-up 2027 figure.
std::vector<EarningsFloor> TwoFloors() {
  return {{absl::CivilDay(2024, 1, 1), 97659, "2024"}, {absl::CivilDay(2027, 1, 1), 100000, "t"}};
}

// Payments on the days of 2021 come from tasks up to 125 days before and two
// days after: a Saturday task paid the same day moves to Friday 31.12.2021.
TEST(PaymentDate, ThePaymentsOfAPeriodComeFromTasksBeforeAndJustAfterIt) {
  const TaskStarts starts =
      TasksPaidBetween(absl::CivilDay(2021, 1, 1), absl::CivilDay(2022, 1, 1));
  EXPECT_EQ(starts.from, Helsinki(2020, 8, 29, 0));
  EXPECT_EQ(starts.to, Helsinki(2022, 1, 3, 0));
  const absl::Time saturday = Helsinki(2022, 1, 1);
  EXPECT_EQ(PaymentDate(DaysAfter(0), saturday), absl::CivilDay(2021, 12, 31));
  EXPECT_LT(saturday, starts.to);
  // The longest rule, 120 days after the task: paid on Friday 1.1.2021.
  EXPECT_EQ(PaymentDate(DaysAfter(120), Helsinki(2020, 9, 3)), absl::CivilDay(2021, 1, 1));
  EXPECT_GE(Helsinki(2020, 9, 3), starts.from);
}

TEST(PaymentDate, TheFifteenthOfTheMonthAfterTheTaskOrTheFridayBefore) {
  const PayRule usual;
  EXPECT_EQ(PaymentDate(usual, Helsinki(2026, 12, 10)), absl::CivilDay(2027, 1, 15));  // Friday
  EXPECT_EQ(PaymentDate(usual, Helsinki(2026, 12, 31)), absl::CivilDay(2027, 1, 15));
  // 15.5.2027 is a Saturday: paid on Friday the 14th.
  EXPECT_EQ(PaymentDate(usual, Helsinki(2027, 4, 20)), absl::CivilDay(2027, 5, 14));
  // The task's day is Helsinki's: 23:30 UTC on New Year's Eve is 1.1. in Helsinki.
  const absl::Time new_year =
      absl::FromCivil(absl::CivilMinute(2026, 12, 31, 23, 30), absl::UTCTimeZone());
  EXPECT_EQ(PaymentDate(usual, new_year), absl::CivilDay(2027, 2, 15));
  // The 31st in February is its last day, 28.2.2027, a Sunday: Friday 26.2.
  EXPECT_EQ(
      PaymentDate({PayRuleKind::kDayOfFollowingMonth, 31, 0}, Helsinki(2027, 1, 12)),
      absl::CivilDay(2027, 2, 26));
}

TEST(PaymentDate, DaysAfterTheTaskCrossTheMonth) {
  // 20.12.2026 + 14 = Sunday 3.1.2027: Friday 1.1.2027 (holidays are not moved).
  EXPECT_EQ(PaymentDate(DaysAfter(14), Helsinki(2026, 12, 20)), absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(PaymentDate(DaysAfter(14), Helsinki(2026, 12, 1)), absl::CivilDay(2026, 12, 15));
  EXPECT_EQ(PaymentDate(DaysAfter(0), Helsinki(2026, 12, 1)), absl::CivilDay(2026, 12, 1));
}

TEST(PaymentDate, TheIncomesRegisterDeadlineIsFiveCalendarDaysLater) {
  EXPECT_EQ(IncomesRegisterDeadline(absl::CivilDay(2027, 1, 15)), absl::CivilDay(2027, 1, 20));
  EXPECT_EQ(IncomesRegisterDeadline(absl::CivilDay(2026, 12, 29)), absl::CivilDay(2027, 1, 3));
}

TEST(EarningsFloors, TheEntryInForceOnTheDayApplies) {
  ASSERT_EQ(KnownEarningsFloors().size(), 1u);
  EXPECT_EQ(KnownEarningsFloors()[0].valid_from, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(KnownEarningsFloors()[0].monthly_cents, 97659);
  const auto floors = TwoFloors();
  EXPECT_FALSE(FloorOn(floors, absl::CivilDay(2023, 12, 31)).has_value());
  EXPECT_EQ(FloorOn(floors, absl::CivilDay(2024, 1, 1))->monthly_cents, 97659);
  EXPECT_EQ(FloorOn(floors, absl::CivilDay(2026, 12, 31))->monthly_cents, 97659);
  EXPECT_EQ(FloorOn(floors, absl::CivilDay(2027, 1, 1))->monthly_cents, 100000);
  // Order in the table does not matter.
  const std::vector<EarningsFloor> reversed = {floors[1], floors[0]};
  EXPECT_EQ(FloorOn(reversed, absl::CivilDay(2027, 3, 1))->monthly_cents, 100000);
}

TEST(LimitFor, TheFloorOfThePaymentsYearApplies) {
  const Expert e = OfKind(BenefitLimitKind::kDisabilityPensionFloor);
  // A November task is paid in December 2026, a December one in January 2027.
  auto december = LimitFor(e, TwoFloors(), PaymentDate({}, Helsinki(2026, 11, 10)));
  auto january = LimitFor(e, TwoFloors(), PaymentDate({}, Helsinki(2026, 12, 10)));
  ASSERT_TRUE(december && january);
  EXPECT_EQ(december->limit_cents, 97659);
  EXPECT_EQ(january->limit_cents, 100000);
  EXPECT_TRUE(january->floor_applied);
  EXPECT_EQ(january->period, LimitPeriod::kMonth);
  EXPECT_EQ(january->period_start, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(january->period_end, absl::CivilDay(2027, 2, 1));
  EXPECT_EQ(PeriodLabel(*january), "2027-01");
  // Before any figure is known, no limit can be applied.
  EXPECT_FALSE(LimitFor(e, TwoFloors(), absl::CivilDay(2023, 6, 15)).has_value());
}

TEST(LimitFor, PersonalLimitsAre40Or60PercentNeverBelowTheFloor) {
  Expert e = OfKind(BenefitLimitKind::kPersonalMonthly);
  e.benefit_limit.earlier_monthly_income_cents = 300000;
  e.benefit_limit.earlier_income_percent = 40;
  const absl::CivilDay day(2026, 6, 15);
  EXPECT_EQ(LimitFor(e, TwoFloors(), day)->limit_cents, 120000);
  EXPECT_FALSE(LimitFor(e, TwoFloors(), day)->floor_applied);
  e.benefit_limit.earlier_income_percent = 60;
  EXPECT_EQ(LimitFor(e, TwoFloors(), day)->limit_cents, 180000);
  // 40 % of 2 000 € is 800 €, below the floor: the floor.
  e.benefit_limit.earlier_monthly_income_cents = 200000;
  e.benefit_limit.earlier_income_percent = 40;
  EXPECT_EQ(LimitFor(e, TwoFloors(), day)->limit_cents, 97659);
  EXPECT_TRUE(LimitFor(e, TwoFloors(), day)->floor_applied);
  // Her own amount in euros, also never below the floor.
  Expert own = WithLimit(150000);
  own.benefit_limit.kind = BenefitLimitKind::kPersonalMonthly;
  EXPECT_EQ(LimitFor(own, TwoFloors(), day)->limit_cents, 150000);
  own.monthly_earnings_limit_cents = 50000;
  EXPECT_EQ(LimitFor(own, TwoFloors(), day)->limit_cents, 97659);
}

TEST(LimitFor, AnAmountWithoutAKindIsTheOldPersonalMonthlyLimitAndNoneIsNone) {
  // Before the kinds existed, the amount was the limit: her own wish, kept even under the floor.
  EXPECT_EQ(
      LimitFor(WithLimit(120000), TwoFloors(), absl::CivilDay(2026, 6, 15))->limit_cents, 120000);
  EXPECT_EQ(
      LimitFor(WithLimit(50000), TwoFloors(), absl::CivilDay(2026, 6, 15))->limit_cents, 50000);
  EXPECT_FALSE(LimitFor(WithLimit(50000), TwoFloors(), absl::CivilDay(2026, 6, 15))->floor_applied);
  EXPECT_FALSE(LimitFor(WithLimit(0), TwoFloors(), absl::CivilDay(2026, 6, 15)).has_value());
  EXPECT_FALSE(LimitFor(OfKind(BenefitLimitKind::kNone), TwoFloors(), absl::CivilDay(2026, 6, 15))
                   .has_value());
}

TEST(LimitFor, AYearlyLimitCountsTheCalendarYearOfPayments) {
  Expert e = OfKind(BenefitLimitKind::kYearly);
  e.benefit_limit.yearly_limit_cents = 500000;
  auto limit = LimitFor(e, TwoFloors(), absl::CivilDay(2027, 1, 15));
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->period, LimitPeriod::kYear);
  EXPECT_EQ(limit->limit_cents, 500000);
  EXPECT_EQ(limit->period_start, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(limit->period_end, absl::CivilDay(2028, 1, 1));
  EXPECT_EQ(PeriodLabel(*limit), "2027");
}

TEST(CheckEarnings, ADecemberTaskPaidInJanuaryCountsInJanuary) {
  const Expert e = WithLimit(100000);  // 1 000 € a month
  const EarningsRules rules{DaysAfter(14), TwoFloors()};
  // Paid 1.1.2027 (20.12. + 14 days, a Sunday, back to Friday) and 15.12.2026.
  const std::vector<PaidTask> held = {
      {Helsinki(2026, 12, 20), 60000}, {Helsinki(2026, 12, 1), 45000}};
  // A task on 10.1.2027 (paid Friday 22.1.2027) shares January with the first.
  EarningsCheck c = CheckEarnings(e, rules, held, Helsinki(2027, 1, 10), 50000);
  EXPECT_EQ(c.payment_date, absl::CivilDay(2027, 1, 22));
  EXPECT_EQ(c.before_cents, 60000);
  EXPECT_EQ(c.after_cents, 110000);
  EXPECT_TRUE(c.over);
  EXPECT_FALSE(c.warns);
  EXPECT_EQ(
      OverLimitReason(c),
      "this task (paid 22.1.2027) would bring the expert's pay in 1/2027 to €1,100.00 of her "
      "€1,000.00 earnings limit");
  // A task on 2.12.2026 is paid on 16.12.2026: December holds only the 45 € task.
  c = CheckEarnings(e, rules, held, Helsinki(2026, 12, 2), 50000);
  EXPECT_EQ(c.payment_date, absl::CivilDay(2026, 12, 16));
  EXPECT_EQ(c.before_cents, 45000);
  EXPECT_EQ(c.after_cents, 95000);
  EXPECT_FALSE(c.over);
  EXPECT_TRUE(c.warns);  // 450 € was under 80 %, 950 € is over it
}

TEST(CheckEarnings, TheYearlyLimitTakesTheDecemberTaskIntoTheNextYear) {
  Expert e = OfKind(BenefitLimitKind::kYearly);
  e.benefit_limit.yearly_limit_cents = 300000;
  const EarningsRules rules{PayRule{}, TwoFloors()};
  const std::vector<PaidTask> held = {
      {Helsinki(2026, 11, 5), 150000},   // paid 15.12.2026: the year 2026
      {Helsinki(2026, 12, 5), 150000}};  // paid 15.1.2027: the year 2027
  EarningsCheck c = CheckEarnings(e, rules, held, Helsinki(2027, 3, 3), 150000);
  EXPECT_EQ(c.before_cents, 150000);
  EXPECT_EQ(c.after_cents, 300000);
  EXPECT_FALSE(c.over);  // exactly the limit is allowed
  EXPECT_TRUE(c.warns);
  c = CheckEarnings(e, rules, held, Helsinki(2027, 3, 3), 150001);
  EXPECT_TRUE(c.over);
  EXPECT_EQ(
      OverLimitReason(c),
      "this task (paid 15.4.2027) would bring the expert's pay in 2027 to €3,000.01 of her "
      "€3,000.00 yearly earnings limit");
}

TEST(CheckEarnings, TheWarningIsGivenOnceWhenPayCrosses80Percent) {
  const Expert e = WithLimit(100000);
  const EarningsRules rules{PayRule{}, {}};
  const absl::Time task = Helsinki(2027, 2, 10);
  auto check = [&](int64_t before, int64_t fee) {
    return CheckEarnings(e, rules, {{Helsinki(2027, 2, 1), before}}, task, fee);
  };
  EXPECT_TRUE(check(70000, 10000).warns);   // 700 -> 800: exactly 80 %
  EXPECT_FALSE(check(70000, 9999).warns);   // 700 -> 799.99
  EXPECT_FALSE(check(80000, 10000).warns);  // already past 80 %: told before
  EXPECT_FALSE(check(70000, 40000).warns);  // over: refused, not warned
  EXPECT_TRUE(check(70000, 40000).over);
  // No limit: neither.
  EarningsCheck none = CheckEarnings(WithLimit(0), rules, {}, task, 900000);
  EXPECT_FALSE(none.limit.has_value());
  EXPECT_FALSE(none.over || none.warns);
  EXPECT_EQ(none.payment_date, absl::CivilDay(2027, 3, 15));
  EXPECT_EQ(OverLimitReason(none), "");
}

std::vector<std::string> Fields(const FieldViolations& v);

TEST(PayOfYear, PaidAndComingByPaymentMonthWithTheLimitInForce) {
  Expert e = OfKind(BenefitLimitKind::kDisabilityPensionFloor);
  const EarningsRules rules{PayRule{}, TwoFloors()};
  const std::vector<PaidTask> held = {
      {Helsinki(2026, 12, 3), 15000, true},   // paid 15.1.2027
      {Helsinki(2026, 12, 10), 20000, true},  // paid 15.1.2027
      {Helsinki(2027, 1, 20), 30000, true},   // paid 15.2.2027, after "today"
      {Helsinki(2027, 2, 2), 25000, false},   // paid 15.3.2027, not held yet
      {Helsinki(2026, 11, 2), 99900, true}};  // paid 15.12.2026: another year
  const YearPay pay = PayOfYear(LimitTermsOf(e), rules, held, 2027, absl::CivilDay(2027, 2, 1));
  ASSERT_EQ(pay.months.size(), 12u);
  EXPECT_EQ(pay.months[0].month, absl::CivilMonth(2027, 1));
  EXPECT_EQ(pay.months[0].paid_cents, 35000);
  EXPECT_EQ(pay.months[0].coming_cents, 0);
  EXPECT_EQ(pay.months[0].tasks, 2);
  EXPECT_EQ(pay.months[0].limit_cents, 100000);
  EXPECT_EQ(pay.months[1].paid_cents, 0);
  EXPECT_EQ(pay.months[1].coming_cents, 30000);
  EXPECT_EQ(pay.months[2].coming_cents, 25000);
  EXPECT_EQ(pay.paid_cents, 35000);
  EXPECT_EQ(pay.coming_cents, 55000);
  EXPECT_EQ(pay.yearly_limit_cents, 0);
  const YearPay before = PayOfYear(LimitTermsOf(e), rules, held, 2026, absl::CivilDay(2027, 2, 1));
  EXPECT_EQ(before.months[11].paid_cents, 99900);
  EXPECT_EQ(before.months[11].limit_cents, 97659);
  Expert yearly = OfKind(BenefitLimitKind::kYearly);
  yearly.benefit_limit.yearly_limit_cents = 600000;
  const YearPay y = PayOfYear(LimitTermsOf(yearly), rules, held, 2027, absl::CivilDay(2027, 2, 1));
  EXPECT_EQ(y.yearly_limit_cents, 600000);
  EXPECT_EQ(y.months[0].limit_cents, 0);
}

TEST(EarningsFloorsTable, AnUpdateAddsOrReplacesByDateOrReplacesTheWhole) {
  const std::vector<EarningsFloor> shipped = KnownEarningsFloors();
  const EarningsFloor next{absl::CivilDay(2025, 1, 1), 100000, "x"};
  auto merged = MergeEarningsFloors(shipped, {next}, false);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0], shipped[0]);
  EXPECT_EQ(merged[1], next);
  const EarningsFloor fixed{absl::CivilDay(2024, 1, 1), 97660, "corrected"};
  merged = MergeEarningsFloors(merged, {fixed}, false);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0], fixed);
  EXPECT_EQ(MergeEarningsFloors(merged, {next}, true), std::vector<EarningsFloor>{next});
  FieldViolations v;
  ValidateEarningsFloors({next, next}, "earnings_floors", v);
  EXPECT_THAT(
      Fields(v),
      ElementsAre("earnings_floors.floors[1].valid_from: repeats an earlier figure's date"));
  v = {};
  ValidateEarningsFloors({}, "earnings_floors", v);
  EXPECT_THAT(Fields(v), ElementsAre("earnings_floors.floors: must hold at least one figure"));
}

std::vector<std::string> Fields(const FieldViolations& v) {
  std::vector<std::string> fields;
  for (const FieldViolation& x : v.list()) fields.push_back(x.field + ": " + x.description);
  return fields;
}

TEST(ValidateBenefitLimit, EachKindTakesOnlyItsOwnAmounts) {
  Expert e = OfKind(BenefitLimitKind::kPersonalMonthly);
  FieldViolations v;
  ValidateBenefitLimit(e, "expert", v);
  EXPECT_THAT(
      Fields(v), ElementsAre("expert.monthly_earnings_limit_cents: is required for a "
                             "PERSONAL_MONTHLY limit (or an earlier income with 40 or 60 "
                             "percent)"));
  e.benefit_limit.earlier_monthly_income_cents = 250000;
  e.benefit_limit.earlier_income_percent = 50;
  v = {};
  ValidateBenefitLimit(e, "expert", v);
  EXPECT_THAT(
      Fields(v), ElementsAre("expert.benefit_limit.earlier_income_percent: must be 40 or 60"));
  e.benefit_limit.earlier_income_percent = 60;
  e.monthly_earnings_limit_cents = 100000;
  v = {};
  ValidateBenefitLimit(e, "expert", v);
  EXPECT_THAT(
      Fields(v), ElementsAre("expert.benefit_limit.earlier_monthly_income_cents: give either "
                             "monthly_earnings_limit_cents or an earlier income with a "
                             "percentage, not both"));
  Expert yearly = OfKind(BenefitLimitKind::kYearly);
  yearly.monthly_earnings_limit_cents = 100000;
  v = {};
  ValidateBenefitLimit(yearly, "expert", v);
  EXPECT_THAT(
      Fields(v), ElementsAre(
                     "expert.benefit_limit.yearly_limit_cents: is required for a YEARLY limit",
                     "expert.monthly_earnings_limit_cents: is only for a PERSONAL_MONTHLY limit"));
  Expert floor = OfKind(BenefitLimitKind::kDisabilityPensionFloor);
  v = {};
  ValidateBenefitLimit(floor, "expert", v);
  EXPECT_TRUE(v.empty());
  floor.benefit_limit.kind = static_cast<BenefitLimitKind>(9);
  ValidateBenefitLimit(floor, "expert", v);
  EXPECT_THAT(Fields(v), ElementsAre("expert.benefit_limit.kind: is not a known kind of limit"));
}

TEST(ValidatePayRule, NamesEachBadField) {
  FieldViolations v;
  ValidatePayRule({PayRuleKind::kUnspecified, 0, 121}, "exchange.pay_rule", v);
  EXPECT_THAT(
      Fields(v), ElementsAre(
                     "exchange.pay_rule.kind: must be DAY_OF_FOLLOWING_MONTH or DAYS_AFTER_TASK",
                     "exchange.pay_rule.day_of_month: must be from 1 to 31",
                     "exchange.pay_rule.days_after: must be from 0 to 120"));
  v = {};
  ValidatePayRule({PayRuleKind::kDaysAfterTask, 31, 0}, "p", v);
  EXPECT_TRUE(v.empty());
}

TEST(ValidateEarningsFloor, NamesEachBadField) {
  FieldViolations v;
  ValidateEarningsFloor({absl::CivilDay(1999, 12, 31), 0, ""}, "earnings_floor", v);
  EXPECT_THAT(
      Fields(v), ElementsAre(
                     "earnings_floor.valid_from: must be a date from 2000 to 2200",
                     "earnings_floor.monthly_cents: must be from 1 cent to 100000 euros",
                     "earnings_floor.source: must be 1 to 500 characters"));
}

}  // namespace
}  // namespace kokemus::domain
