// Earnings as the benefit payers count them (issue 20). Kela and the pension
// providers read an expert's pay from the Incomes Register by the day it was
// paid, not the day of the task: each exchange's pay rule gives every task a
// payment date, and an expert's benefit limit (the statutory floor of the
// payment's year, her personal limit, or a yearly one) is counted over the
// tasks paid in the same month (or year).
//
//   PayRule rule;                                  // the 15th of the month after the task
//   absl::CivilDay paid = PaymentDate(rule, task_start);
//   EarningsCheck c = CheckEarnings(expert, {rule, KnownEarningsFloors()}, held,
//                                   task_start, fee_cents);
//   if (c.over) ...   // the task would take her pay in c.period over c.limit_cents
//   if (c.warns) ...  // it takes her pay to 80 % of the limit: tell her and the coordinator
//
// Travel reimbursements are tax-free and no earnings; only fees count.
#ifndef KOKEMUS_SERVICES_DOMAIN_EARNINGS_H_
#define KOKEMUS_SERVICES_DOMAIN_EARNINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

// OK, or the fields under `prefix` named: a known kind, a day of the month
// from 1 to 31, from 0 to 120 days after the task.
void ValidatePayRule(const PayRule& rule, absl::string_view prefix, FieldViolations& violations);

// The day a task starting at `task_start` (its Helsinki day) is paid. A
// payday on a Saturday or Sunday moves to the Friday before it, as payers
// pay on the banking day before (weekday holidays are not moved).
absl::CivilDay PaymentDate(const PayRule& rule, absl::Time task_start);

// The payer reports a payment to the Incomes Register within 5 calendar days
// of the payment date.
inline constexpr int kIncomesRegisterDays = 5;
absl::CivilDay IncomesRegisterDeadline(absl::CivilDay payment_date);

// The statutory earnings floor: a disability pensioner may earn this much a
// month without the pension being affected, and a personal limit of an
// earnings-related pension is never below it. Indexed every year; the
// national administrator keeps the table (RegistryService.*EarningsFloor).
struct EarningsFloor {
  absl::CivilDay valid_from;  // in force from this day until the next entry's
  int64_t monthly_cents = 0;
  std::string source;  // where the figure comes from
  bool operator==(const EarningsFloor&) const = default;
};

// The figures Kokemus ships with (only published ones): 976.59 € a month
// from 1.1.2024.
const std::vector<EarningsFloor>& KnownEarningsFloors();

// The entry in force on `day` (the latest whose valid_from is not after it),
// or nullopt before the first.
std::optional<EarningsFloor> FloorOn(const std::vector<EarningsFloor>& floors, absl::CivilDay day);

// OK, or the fields under `prefix` named: a date from 2000 on, 1 cent to
// 100,000 €, a source of 1 to 500 characters.
void ValidateEarningsFloor(
    const EarningsFloor& floor, absl::string_view prefix, FieldViolations& violations);

// The payments a benefit limit counts: a month's or a calendar year's, by
// payment date.
enum class LimitPeriod { kMonth = 0, kYear = 1 };

// The limit that applies to a payment on `payment_date` for `expert`
// (Expert.benefit_limit):
//   UNSPECIFIED: her self-declared monthly amount as it is (as before the
//     kinds existed; she may want to earn less than a benefit allows), or none;
//   DISABILITY_PENSION_FLOOR: the floor in force on that day;
//   PERSONAL_MONTHLY: her amount (monthly_earnings_limit_cents), or the
//     percentage (40 or 60) of her earlier monthly income, never below the
//     floor in force;
//   YEARLY: her yearly amount over the payment's calendar year.
// nullopt: no limit (NONE, or a floor not known for that day).
// What an expert's limit is made of: Expert.monthly_earnings_limit_cents and
// Expert.benefit_limit.
struct LimitTerms {
  int64_t monthly_cents = 0;
  BenefitLimit benefit;
  bool operator==(const LimitTerms&) const = default;
};
inline LimitTerms LimitTermsOf(const Expert& e) {
  return {e.monthly_earnings_limit_cents, e.benefit_limit};
}

struct AppliedLimit {
  LimitPeriod period = LimitPeriod::kMonth;
  int64_t limit_cents = 0;
  absl::CivilDay period_start;  // the first day of the month or year
  absl::CivilDay period_end;    // the first day after it
  bool floor_applied = false;   // the national floor decided the amount
};
std::optional<AppliedLimit> LimitFor(
    const LimitTerms& terms, const std::vector<EarningsFloor>& floors, absl::CivilDay payment_date);
inline std::optional<AppliedLimit> LimitFor(
    const Expert& expert, const std::vector<EarningsFloor>& floors, absl::CivilDay payment_date) {
  return LimitFor(LimitTermsOf(expert), floors, payment_date);
}

// OK, or the fields under `prefix` named: a known kind; PERSONAL_MONTHLY
// with either the amount (`monthly_earnings_limit_cents`, checked with the
// expert) or an earlier income with 40 or 60 percent, not both; YEARLY with
// a yearly amount; no amounts for the other kinds.
void ValidateBenefitLimit(
    const Expert& expert, absl::string_view prefix, FieldViolations& violations);

// What an exchange's earnings rules are: its pay rule and the national floors.
struct EarningsRules {
  PayRule pay_rule;
  std::vector<EarningsFloor> floors = KnownEarningsFloors();
};

// A task paid within a period started at most this many days before the
// period's first day (the longest pay rule: 120 days after the task, or in
// the month after it).
inline constexpr int kLongestPayLagDays = 125;

// When the tasks started that can be paid on the Helsinki days from `first` to
// the day before `end`: from kLongestPayLagDays before `first` until two days
// after `end` (a weekend payday moves to the Friday before, so a weekend
// task may be paid before its own day).
struct TaskStarts {
  absl::Time from;
  absl::Time to;  // exclusive
};
TaskStarts TasksPaidBetween(absl::CivilDay first, absl::CivilDay end);

// A fee-bearing task an expert holds (accepted, confirmed or completed).
struct PaidTask {
  absl::Time start_time;
  int64_t fee_cents = 0;
  bool completed = false;
};

// A share of a limit at which the expert and the coordinator are told.
inline constexpr int kEarningsWarningPercent = 80;

// What a task with `fee_cents` starting at `task_start` does to an expert's
// pay in its payment period.
struct EarningsCheck {
  absl::CivilDay payment_date;
  std::optional<AppliedLimit> limit;  // nullopt: no limit applies
  int64_t before_cents = 0;           // her other tasks paid in the period
  int64_t after_cents = 0;            // with this one
  bool over = false;                  // after > limit: the guard refuses
  bool warns = false;  // this task takes her pay across 80 % of the limit, not over it
};
EarningsCheck CheckEarnings(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    absl::Time task_start, int64_t fee_cents);
// The same for a task whose payment date is known.
EarningsCheck CheckEarnings(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    absl::CivilDay payment_date, int64_t fee_cents);
inline EarningsCheck CheckEarnings(
    const Expert& expert, const EarningsRules& rules, const std::vector<PaidTask>& held,
    absl::Time task_start, int64_t fee_cents) {
  return CheckEarnings(LimitTermsOf(expert), rules, held, task_start, fee_cents);
}

// An expert's pay in one payment month: paid (completed tasks whose
// payment date has come) and coming (the rest), and the monthly limit in
// force (0: none).
struct MonthPay {
  absl::CivilMonth month;
  int64_t paid_cents = 0;
  int64_t coming_cents = 0;
  int64_t limit_cents = 0;
  int tasks = 0;
};
// Her pay over a calendar year of payment dates, month by month.
struct YearPay {
  int year = 0;
  std::vector<MonthPay> months;    // January to December
  int64_t yearly_limit_cents = 0;  // a YEARLY limit's amount (0: none)
  int64_t paid_cents = 0;
  int64_t coming_cents = 0;
};
YearPay PayOfYear(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    int year, absl::CivilDay today);

// The national table changed by an update: `given` figures added, or
// replacing the stored one with the same valid_from (`replace`: the table is
// `given`). Sorted by valid_from.
std::vector<EarningsFloor> MergeEarningsFloors(
    const std::vector<EarningsFloor>& current, const std::vector<EarningsFloor>& given,
    bool replace);
// Each figure valid (ValidateEarningsFloor, under `prefix`.floors[i]), no
// two with the same valid_from, at least one.
void ValidateEarningsFloors(
    const std::vector<EarningsFloor>& floors, absl::string_view prefix,
    FieldViolations& violations);

// "2027-01" for a month's period, "2027" for a year's: the period a warning
// is given once for (the outbox's dedupe key) and shown by.
std::string PeriodLabel(const AppliedLimit& limit);

// "1/2027" for a month's period, "2027" for a year's: how messages and
// reasons name it.
std::string PeriodText(const AppliedLimit& limit);

// The reason an expert is excluded or an accept refused, with the figures:
// "this task would bring her pay in 1/2027 (paid 15.1.2027) to 1 050,00 € of
// her 976,59 € limit". Pay is not health data, and the kind of benefit is
// never named.
std::string OverLimitReason(const EarningsCheck& check);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_EARNINGS_H_
