#include "services/domain/earnings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/documents.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr int64_t kMaxLimitCents = 100'000'000;  // a million euros: beyond any benefit

absl::CivilDay HelsinkiDay(absl::Time t) {
  return absl::ToCivilDay(t, reference::HelsinkiTimeZone());
}

// Saturday and Sunday back to the Friday before.
absl::CivilDay BankingDayOnOrBefore(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::saturday:
      return day - 1;
    case absl::Weekday::sunday:
      return day - 2;
    default:
      return day;
  }
}

std::string DayText(absl::CivilDay d) {
  return absl::StrCat(d.day(), ".", d.month(), ".", d.year());
}

}  // namespace

void ValidatePayRule(const PayRule& rule, absl::string_view prefix, FieldViolations& violations) {
  if (rule.kind == PayRuleKind::kUnspecified || !IsKnown(rule.kind)) {
    violations.Add(FieldPath(prefix, "kind"), "must be DAY_OF_FOLLOWING_MONTH or DAYS_AFTER_TASK");
  }
  if (rule.day_of_month < 1 || rule.day_of_month > 31) {
    violations.Add(FieldPath(prefix, "day_of_month"), "must be from 1 to 31");
  }
  if (rule.days_after < 0 || rule.days_after > 120) {
    violations.Add(FieldPath(prefix, "days_after"), "must be from 0 to 120");
  }
}

absl::CivilDay PaymentDate(const PayRule& rule, absl::Time task_start) {
  const absl::CivilDay task_day = HelsinkiDay(task_start);
  if (rule.kind == PayRuleKind::kDaysAfterTask) {
    return BankingDayOnOrBefore(task_day + rule.days_after);
  }
  const absl::CivilMonth next = absl::CivilMonth(task_day) + 1;
  const absl::CivilDay last = absl::CivilDay(next + 1) - 1;
  const absl::CivilDay wanted(next.year(), next.month(), rule.day_of_month);
  // CivilDay normalizes 31.2. into March: keep to the month's last day.
  return BankingDayOnOrBefore(std::min(wanted, last));
}

TaskStarts TasksPaidBetween(absl::CivilDay first, absl::CivilDay end) {
  const absl::TimeZone& tz = reference::HelsinkiTimeZone();
  return {absl::FromCivil(first - kLongestPayLagDays, tz), absl::FromCivil(end + 2, tz)};
}

absl::CivilDay IncomesRegisterDeadline(absl::CivilDay payment_date) {
  return payment_date + kIncomesRegisterDays;
}

const std::vector<EarningsFloor>& KnownEarningsFloors() {
  static const auto* const floors = new std::vector<EarningsFloor>{
      {absl::CivilDay(2024, 1, 1), 97659,
       "Työkyvyttömyyseläkkeen ansaintaraja 2024: 976,59 €/kk (Kela, Eläketurvakeskus)"},
  };
  return *floors;
}

std::optional<EarningsFloor> FloorOn(const std::vector<EarningsFloor>& floors, absl::CivilDay day) {
  const EarningsFloor* in_force = nullptr;
  for (const EarningsFloor& f : floors) {
    if (f.valid_from <= day && (in_force == nullptr || in_force->valid_from < f.valid_from)) {
      in_force = &f;
    }
  }
  if (in_force == nullptr) return std::nullopt;
  return *in_force;
}

void ValidateEarningsFloor(
    const EarningsFloor& floor, absl::string_view prefix, FieldViolations& violations) {
  if (floor.valid_from < absl::CivilDay(2000, 1, 1) ||
      floor.valid_from > absl::CivilDay(2200, 1, 1)) {
    violations.Add(FieldPath(prefix, "valid_from"), "must be a date from 2000 to 2200");
  }
  if (floor.monthly_cents < 1 || floor.monthly_cents > 10'000'000) {
    violations.Add(FieldPath(prefix, "monthly_cents"), "must be from 1 cent to 100000 euros");
  }
  if (floor.source.empty() || floor.source.size() > 500) {
    violations.Add(FieldPath(prefix, "source"), "must be 1 to 500 characters");
  }
}

std::optional<AppliedLimit> LimitFor(
    const LimitTerms& terms, const std::vector<EarningsFloor>& floors,
    absl::CivilDay payment_date) {
  const BenefitLimit& b = terms.benefit;
  AppliedLimit limit;
  const absl::CivilMonth month(payment_date);
  limit.period_start = absl::CivilDay(month);
  limit.period_end = absl::CivilDay(month + 1);
  const std::optional<EarningsFloor> floor = FloorOn(floors, payment_date);
  switch (b.kind) {
    case BenefitLimitKind::kUnspecified:
      // Her own monthly amount, as she declared it (she may want less than a
      // benefit allows); none without one.
      if (terms.monthly_cents <= 0) return std::nullopt;
      limit.limit_cents = terms.monthly_cents;
      return limit;
    case BenefitLimitKind::kDisabilityPensionFloor:
      if (!floor) return std::nullopt;
      limit.limit_cents = floor->monthly_cents;
      limit.floor_applied = true;
      return limit;
    case BenefitLimitKind::kPersonalMonthly: {
      const int64_t own = terms.monthly_cents > 0
                              ? terms.monthly_cents
                              : b.earlier_monthly_income_cents * b.earlier_income_percent / 100;
      limit.limit_cents = own;
      if (floor && floor->monthly_cents > own) {
        limit.limit_cents = floor->monthly_cents;
        limit.floor_applied = true;
      }
      if (limit.limit_cents <= 0) return std::nullopt;
      return limit;
    }
    case BenefitLimitKind::kYearly: {
      if (b.yearly_limit_cents <= 0) return std::nullopt;
      const absl::CivilYear year(payment_date);
      limit.period = LimitPeriod::kYear;
      limit.period_start = absl::CivilDay(year);
      limit.period_end = absl::CivilDay(year + 1);
      limit.limit_cents = b.yearly_limit_cents;
      return limit;
    }
    default:
      return std::nullopt;
  }
}

void ValidateBenefitLimit(
    const Expert& expert, absl::string_view prefix, FieldViolations& violations) {
  const BenefitLimit& b = expert.benefit_limit;
  const std::string at = FieldPath(prefix, "benefit_limit");
  if (!IsKnown(b.kind)) {
    violations.Add(FieldPath(at, "kind"), "is not a known kind of limit");
    return;
  }
  const bool by_percent = b.earlier_monthly_income_cents != 0 || b.earlier_income_percent != 0;
  if (b.earlier_monthly_income_cents < 0 || b.earlier_monthly_income_cents > kMaxLimitCents) {
    violations.Add(
        FieldPath(at, "earlier_monthly_income_cents"), "must be from 0 to 100000000 cents");
  }
  if (b.yearly_limit_cents < 0 || b.yearly_limit_cents > kMaxLimitCents) {
    violations.Add(FieldPath(at, "yearly_limit_cents"), "must be from 0 to 100000000 cents");
  }
  switch (b.kind) {
    case BenefitLimitKind::kPersonalMonthly:
      if (by_percent && expert.monthly_earnings_limit_cents > 0) {
        violations.Add(
            FieldPath(at, "earlier_monthly_income_cents"),
            "give either monthly_earnings_limit_cents or an earlier income with a percentage, "
            "not both");
      } else if (by_percent) {
        if (b.earlier_monthly_income_cents <= 0) {
          violations.Add(
              FieldPath(at, "earlier_monthly_income_cents"),
              "is required with earlier_income_percent");
        }
        if (b.earlier_income_percent != 40 && b.earlier_income_percent != 60) {
          violations.Add(FieldPath(at, "earlier_income_percent"), "must be 40 or 60");
        }
      } else if (expert.monthly_earnings_limit_cents <= 0) {
        violations.Add(
            FieldPath(prefix, "monthly_earnings_limit_cents"),
            "is required for a PERSONAL_MONTHLY limit (or an earlier income with 40 or 60 "
            "percent)");
      }
      break;
    case BenefitLimitKind::kYearly:
      if (b.yearly_limit_cents <= 0) {
        violations.Add(FieldPath(at, "yearly_limit_cents"), "is required for a YEARLY limit");
      }
      break;
    default:
      break;
  }
  if (b.kind != BenefitLimitKind::kPersonalMonthly && by_percent) {
    violations.Add(FieldPath(at, "earlier_income_percent"), "is only for a PERSONAL_MONTHLY limit");
  }
  if (b.kind != BenefitLimitKind::kYearly && b.yearly_limit_cents != 0) {
    violations.Add(FieldPath(at, "yearly_limit_cents"), "is only for a YEARLY limit");
  }
  if (b.kind != BenefitLimitKind::kPersonalMonthly && b.kind != BenefitLimitKind::kUnspecified &&
      expert.monthly_earnings_limit_cents != 0) {
    violations.Add(
        FieldPath(prefix, "monthly_earnings_limit_cents"), "is only for a PERSONAL_MONTHLY limit");
  }
}

EarningsCheck CheckEarnings(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    absl::Time task_start, int64_t fee_cents) {
  return CheckEarnings(terms, rules, held, PaymentDate(rules.pay_rule, task_start), fee_cents);
}

EarningsCheck CheckEarnings(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    absl::CivilDay payment_date, int64_t fee_cents) {
  EarningsCheck c;
  c.payment_date = payment_date;
  c.limit = LimitFor(terms, rules.floors, c.payment_date);
  if (!c.limit) return c;
  for (const PaidTask& t : held) {
    const absl::CivilDay paid = PaymentDate(rules.pay_rule, t.start_time);
    if (paid >= c.limit->period_start && paid < c.limit->period_end) c.before_cents += t.fee_cents;
  }
  c.after_cents = c.before_cents + fee_cents;
  const int64_t limit = c.limit->limit_cents;
  c.over = c.after_cents > limit;
  c.warns = !c.over && c.before_cents * 100 < limit * kEarningsWarningPercent &&
            c.after_cents * 100 >= limit * kEarningsWarningPercent;
  return c;
}

YearPay PayOfYear(
    const LimitTerms& terms, const EarningsRules& rules, const std::vector<PaidTask>& held,
    int year, absl::CivilDay today) {
  YearPay pay;
  pay.year = year;
  for (int m = 1; m <= 12; ++m) {
    MonthPay month;
    month.month = absl::CivilMonth(year, m);
    // The limit of a payment in that month: the floor may change on any day,
    // so the month's first day stands for it.
    if (auto limit = LimitFor(terms, rules.floors, absl::CivilDay(month.month))) {
      if (limit->period == LimitPeriod::kMonth) {
        month.limit_cents = limit->limit_cents;
      } else {
        pay.yearly_limit_cents = limit->limit_cents;
      }
    }
    pay.months.push_back(month);
  }
  for (const PaidTask& t : held) {
    const absl::CivilDay paid = PaymentDate(rules.pay_rule, t.start_time);
    if (paid.year() != year) continue;
    MonthPay& month = pay.months[paid.month() - 1];
    ++month.tasks;
    if (t.completed && paid <= today) {
      month.paid_cents += t.fee_cents;
      pay.paid_cents += t.fee_cents;
    } else {
      month.coming_cents += t.fee_cents;
      pay.coming_cents += t.fee_cents;
    }
  }
  return pay;
}

std::vector<EarningsFloor> MergeEarningsFloors(
    const std::vector<EarningsFloor>& current, const std::vector<EarningsFloor>& given,
    bool replace) {
  std::vector<EarningsFloor> out = replace ? given : current;
  if (!replace) {
    for (const EarningsFloor& f : given) {
      auto same = std::find_if(out.begin(), out.end(), [&](const EarningsFloor& o) {
        return o.valid_from == f.valid_from;
      });
      if (same != out.end()) {
        *same = f;
      } else {
        out.push_back(f);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const EarningsFloor& a, const EarningsFloor& b) {
    return a.valid_from < b.valid_from;
  });
  return out;
}

void ValidateEarningsFloors(
    const std::vector<EarningsFloor>& floors, absl::string_view prefix,
    FieldViolations& violations) {
  if (floors.empty()) {
    violations.Add(FieldPath(prefix, "floors"), "must hold at least one figure");
  }
  if (floors.size() > 200) {
    violations.Add(FieldPath(prefix, "floors"), "must hold at most 200 figures");
    return;
  }
  for (size_t i = 0; i < floors.size(); ++i) {
    const std::string at = absl::StrCat(FieldPath(prefix, "floors"), "[", i, "]");
    ValidateEarningsFloor(floors[i], at, violations);
    for (size_t j = 0; j < i; ++j) {
      if (floors[j].valid_from == floors[i].valid_from) {
        violations.Add(FieldPath(at, "valid_from"), "repeats an earlier figure's date");
        break;
      }
    }
  }
}

std::string PeriodLabel(const AppliedLimit& limit) {
  const absl::CivilDay d = limit.period_start;
  if (limit.period == LimitPeriod::kYear) return absl::StrCat(d.year());
  return absl::StrCat(d.year(), "-", d.month() < 10 ? "0" : "", d.month());
}

std::string PeriodText(const AppliedLimit& limit) {
  const absl::CivilDay d = limit.period_start;
  if (limit.period == LimitPeriod::kYear) return absl::StrCat(d.year());
  return absl::StrCat(d.month(), "/", d.year());
}

std::string OverLimitReason(const EarningsCheck& check) {
  if (!check.limit) return "";
  const AppliedLimit& l = *check.limit;
  return absl::StrCat(
      "this task (paid ", DayText(check.payment_date), ") would bring the expert's pay in ",
      PeriodText(l), " to ", FormatMoney(check.after_cents, "en"), " of her ",
      FormatMoney(l.limit_cents, "en"), l.period == LimitPeriod::kYear ? " yearly" : "",
      " earnings limit");
}

}  // namespace kokemus::domain
