#include "services/domain/matching.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/domain/credentials.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/offer_rounds.h"
#include "services/domain/travel.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

absl::CivilMonth MonthOf(absl::Time t) {
  return absl::CivilMonth(absl::ToCivilDay(t, reference::HelsinkiTimeZone()));
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// An order's place in the Helsinki week, worked out once per ranking.
struct WeekSlot {
  bool spans_midnight = false;
  int weekday = 0;  // Monday = 0
  int from = 0;     // minutes after midnight
  int to = 0;
};

WeekSlot WeekSlotOf(const Order& o) {
  const absl::CivilMinute start = absl::ToCivilMinute(o.start_time, reference::HelsinkiTimeZone());
  const absl::CivilMinute end = absl::ToCivilMinute(o.end_time(), reference::HelsinkiTimeZone());
  WeekSlot slot;
  slot.spans_midnight = absl::CivilDay(start) != absl::CivilDay(end - 1);
  slot.weekday = static_cast<int>(absl::GetWeekday(absl::CivilDay(start)));
  slot.from = start.hour() * 60 + start.minute();
  slot.to = slot.from + o.duration_minutes;
  return slot;
}

bool FitsWeeklyWindows(const Expert& e, const WeekSlot& slot) {
  if (e.weekly_availability.empty()) return true;
  if (slot.spans_midnight) return false;
  for (const WeeklyWindow& w : e.weekly_availability) {
    if (static_cast<int>(w.day) - 1 == slot.weekday && w.start_minute <= slot.from &&
        slot.to <= w.end_minute) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::string_view ExclusionRuleName(ExclusionRule rule) {
  static constexpr absl::string_view kNames[] = {
      "NOT_ACTIVE",       "NOT_TRAINED",          "LACKS_ROLE",         "LACKS_LANGUAGE",
      "LACKS_EXPERIENCE", "NOT_AVAILABLE_WEEKLY", "UNAVAILABLE_PERIOD", "OVERLAPPING",
      "TOO_FAR",          "MONTHLY_CAP",          "REST_PERIOD",        "EARNINGS_LIMIT",
      "SAID_NO",          "CREDENTIAL_MISSING"};
  return kNames[static_cast<int>(rule)];
}

std::optional<ExclusionRule> ExclusionRuleFromName(absl::string_view name) {
  for (int i = 0; i < kExclusionRuleCount; ++i) {
    if (ExclusionRuleName(static_cast<ExclusionRule>(i)) == name) {
      return static_cast<ExclusionRule>(i);
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<ExclusionRule>> CheckOverrides(
    const std::vector<Exclusion>& broken, const std::vector<ExclusionRule>& overrides) {
  std::vector<ExclusionRule> kept;
  std::vector<std::string> refused;
  for (const Exclusion& x : broken) {
    if (std::find(overrides.begin(), overrides.end(), x.rule) == overrides.end()) {
      refused.push_back(absl::StrCat(ExclusionRuleName(x.rule), " (", x.reason, ")"));
    } else {
      kept.push_back(x.rule);
    }
  }
  if (!refused.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the expert breaks matching rules: ", absl::StrJoin(refused, "; "),
        "; to offer anyway, name each in override_rules"));
  }
  return kept;
}

bool IsHeavyRole(Role role) {
  return role == Role::kLecturer || role == Role::kCoTeacher || role == Role::kPeerSupport ||
         role == Role::kGroupFacilitator;
}

void ValidateMatchingSettings(
    const MatchingSettings& s, absl::string_view prefix, FieldViolations& violations) {
  const std::pair<const char*, double> weights[] = {
      {"weights.experience", s.weight_experience}, {"weights.role", s.weight_role},
      {"weights.travel", s.weight_travel},         {"weights.fairness", s.weight_fairness},
      {"weights.preferred", s.weight_preferred},   {"weights.feedback", s.weight_feedback}};
  for (const auto& [field, w] : weights) {
    if (!(w >= 0 && w <= kMaxWeight)) {  // NaN fails too
      violations.Add(absl::StrCat(prefix, field), absl::StrCat("must be from 0 to ", kMaxWeight));
    }
  }
  if (s.rest_after_heavy < absl::ZeroDuration() ||
      s.rest_after_heavy > absl::Hours(kMaxRestHours) ||
      absl::Trunc(s.rest_after_heavy, absl::Hours(1)) != s.rest_after_heavy) {
    violations.Add(
        absl::StrCat(prefix, "rest_after_heavy_hours"),
        absl::StrCat("must be whole hours from 0 to ", kMaxRestHours));
  }
  ValidateRoundsDefaults(s, prefix, violations);
}

bool BreaksRest(
    absl::Time start_a, absl::Time end_a, bool heavy_a, absl::Time start_b, absl::Time end_b,
    bool heavy_b, absl::Duration rest) {
  return (heavy_a && end_a <= start_b && start_b < end_a + rest) ||
         (heavy_b && end_b <= start_a && start_a < end_b + rest);
}

void SortTasks(std::vector<ExpertRecord>& experts) {
  for (ExpertRecord& r : experts) {
    std::stable_sort(r.tasks.begin(), r.tasks.end(), [](const PastTask& a, const PastTask& b) {
      return a.start_time < b.start_time;
    });
    std::sort(r.said_no_orders.begin(), r.said_no_orders.end());
  }
}

bool SaidNo(const Assignment& a) {
  return a.state == AssignmentState::kDeclined ||
         (a.state == AssignmentState::kCancelled && a.cancelled_by == CancelledBy::kExpert);
}

ExpertIndex IndexExperts(const std::vector<ExpertRecord>& experts) {
  ExpertIndex index;
  index.by_role.resize(static_cast<int>(Role::kCommunications) + 1);
  for (size_t i = 0; i < experts.size(); ++i) {
    const Expert& e = experts[i].expert;
    if (e.state != ExpertState::kActive) {
      ++index.not_active;
    } else if (e.trainings.empty()) {
      ++index.not_trained;
    } else {
      ++index.active_trained;
      for (Role r : e.roles) {
        if (static_cast<size_t>(r) < index.by_role.size()) {
          index.by_role[static_cast<int>(r)].push_back(static_cast<int>(i));
        }
      }
    }
  }
  return index;
}

namespace {

// With `all_rules`, every rule an expert breaks is reported, not only the first.
Ranking Rank(
    const Order& order, const std::vector<ExpertRecord>& experts, const std::vector<int>* subset,
    const MatchingSettings& s, const FeeSchedule& schedule, absl::Time now, bool report_excluded,
    bool all_rules = false);

}  // namespace

Ranking RankExperts(
    const Order& order, const std::vector<ExpertRecord>& experts, const MatchingSettings& s,
    const FeeSchedule& schedule, absl::Time now, bool report_excluded) {
  return Rank(order, experts, nullptr, s, schedule, now, report_excluded);
}

Ranking RankExpertsIndexed(
    const Order& order, const std::vector<ExpertRecord>& experts, const ExpertIndex& index,
    const MatchingSettings& s, const FeeSchedule& schedule, absl::Time now) {
  static const std::vector<int> kNone;
  const size_t role = static_cast<size_t>(order.role);
  const std::vector<int>& with_role = role < index.by_role.size() ? index.by_role[role] : kNone;
  Ranking ranking = Rank(order, experts, &with_role, s, schedule, now, false);
  ranking.excluded_by_rule[static_cast<int>(ExclusionRule::kNotActive)] = index.not_active;
  ranking.excluded_by_rule[static_cast<int>(ExclusionRule::kNotTrained)] = index.not_trained;
  ranking.excluded_by_rule[static_cast<int>(ExclusionRule::kLacksRole)] =
      index.active_trained - static_cast<int>(with_role.size());
  return ranking;
}

namespace {

Ranking Rank(
    const Order& order, const std::vector<ExpertRecord>& experts, const std::vector<int>* subset,
    const MatchingSettings& s, const FeeSchedule& schedule, absl::Time now, bool report_excluded,
    bool all_rules) {
  Ranking ranking;
  // The order's Helsinki month as an interval of time: no time zone work per task.
  const absl::CivilMonth civil_month = MonthOf(order.start_time);
  const absl::Time month_start = absl::FromCivil(civil_month, reference::HelsinkiTimeZone());
  const absl::Time month_end = absl::FromCivil(civil_month + 1, reference::HelsinkiTimeZone());
  const WeekSlot slot = WeekSlotOf(order);
  // The credentials a task needs depend on its orderer's kind and its day.
  const auto kind_it = s.orderer_kinds.find(order.organization_id);
  const OrganizationKind orderer_kind =
      kind_it != s.orderer_kinds.end() ? kind_it->second : OrganizationKind::kUnspecified;
  const absl::CivilDay task_day = absl::ToCivilDay(order.start_time, reference::HelsinkiTimeZone());
  // Tasks this far from the order can't be in its Helsinki month.
  const absl::Time month_window_start = order.start_time - absl::Hours(24 * 32);
  const absl::Time month_window_end = order.start_time + absl::Hours(24 * 32);
  const absl::Time fair_share_start = now - absl::Hours(24 * 90);
  // The order's payment date, and the tasks that may be paid in its month or
  // year, worked out once.
  const absl::CivilDay order_paid = PaymentDate(s.earnings.pay_rule, order.start_time);
  const absl::CivilMonth paid_month(order_paid);
  const absl::CivilYear paid_year(order_paid);
  const TaskStarts month_tasks =
      TasksPaidBetween(absl::CivilDay(paid_month), absl::CivilDay(paid_month + 1));
  const TaskStarts year_tasks =
      TasksPaidBetween(absl::CivilDay(paid_year), absl::CivilDay(paid_year + 1));
  std::vector<PaidTask> paid;  // one expert's at a time
  // A task lasts at most 12 hours (orders are 15 to 720 minutes).
  const absl::Duration reach =
      std::max(s.travel_buffer, s.rest_after_heavy) + absl::Hours(12) + absl::Minutes(1);
  const bool heavy = IsHeavyRole(order.role);
  // The fee depends on the payment method only: quote each method once.
  std::map<PaymentMethod, FeeQuote> fees;
  auto fee_for = [&](PaymentMethod method) {
    auto it = fees.find(method);
    if (it != fees.end()) return it->second;
    auto quote = QuoteFee(schedule, order, order.duration_minutes, method, 0);
    return fees[method] = quote.ok() ? *quote : FeeQuote{};
  };
  // Distances to the order's place, once per home municipality (a region has
  // a few dozen; its experts, thousands).
  absl::flat_hash_map<std::string, int> km_by_home;
  auto km_from = [&](const std::string& home) {
    auto it = km_by_home.find(home);
    if (it != km_by_home.end()) return it->second;
    return km_by_home[home] = TravelKm(home, order.municipality);
  };
  struct Eligible {
    const ExpertRecord* record;
    int64_t fee_cents;
    int travel_km;
    int tasks;          // in the fair-share window
    int64_t fees;       // in the fair-share window
    int in_role;        // completed tasks in the order's role
    double rating_sum;  // orderers' ratings
    int ratings;
    bool preferred;
  };
  std::vector<Eligible> eligible;
  const size_t n = subset != nullptr ? subset->size() : experts.size();
  for (size_t i = 0; i < n; ++i) {
    const ExpertRecord& r = experts[subset != nullptr ? (*subset)[i] : i];
    const Expert& e = r.expert;
    // True when ranking goes on to the next expert (all_rules: never).
    bool broken = false;
    auto exclude = [&](ExclusionRule rule, auto&& reason) {
      broken = true;
      ++ranking.excluded_by_rule[static_cast<int>(rule)];
      if (report_excluded) ranking.excluded.push_back({e.id, rule, std::string(reason())});
      return !all_rules;
    };
    if (e.state != ExpertState::kActive) {
      if (exclude(ExclusionRule::kNotActive, [&] {
            return absl::StrCat("the expert is ", EnumName(e.state));
          }))
        continue;
    }
    if (e.trainings.empty()) {
      if (exclude(ExclusionRule::kNotTrained, [] { return "no completed training is recorded"; }))
        continue;
    }
    if (!Contains(e.roles, order.role)) {
      if (exclude(ExclusionRule::kLacksRole, [&] {
            return absl::StrCat("does not take the role ", EnumName(order.role));
          }))
        continue;
    }
    if (!s.credential_requirements.empty()) {
      auto gap = MissingCredential(
          ExpertCredentials(e), s.credential_requirements, order.role, orderer_kind, task_day);
      if (gap && exclude(ExclusionRule::kCredentialMissing, [&] { return gap->reason; })) continue;
    }
    if (std::binary_search(r.said_no_orders.begin(), r.said_no_orders.end(), order.id)) {
      if (exclude(ExclusionRule::kSaidNo, [] {
            return "declined this order or cancelled her place on it";
          }))
        continue;
    }
    if (!Contains(e.languages, order.language)) {
      if (exclude(ExclusionRule::kLacksLanguage, [&] {
            return absl::StrCat("does not work in the language ", order.language);
          }))
        continue;
    }
    if (!order.experience_areas.empty() &&
        std::none_of(
            order.experience_areas.begin(), order.experience_areas.end(),
            [&](ExperienceArea a) { return Contains(e.experience_areas, a); })) {
      // Which areas are missing is health information: the reason does not say.
      if (exclude(ExclusionRule::kLacksExperience, [] {
            return "covers none of the wanted experience areas";
          }))
        continue;
    }
    if (!FitsWeeklyWindows(e, slot)) {
      if (exclude(ExclusionRule::kNotAvailableWeekly, [] {
            return "the time is outside the weekly availability";
          }))
        continue;
    }
    if (std::any_of(
            e.unavailable_periods.begin(), e.unavailable_periods.end(), [&](const Period& p) {
              return p.start_time < order.end_time() && order.start_time < p.end_time;
            })) {
      if (exclude(ExclusionRule::kUnavailablePeriod, [] {
            return "the time falls in an unavailable period";
          }))
        continue;
    }
    // Only tasks starting near the order can overlap it or need rest around it.
    const auto near_begin = std::lower_bound(
        r.tasks.begin(), r.tasks.end(), order.start_time - reach,
        [](const PastTask& t, absl::Time x) { return t.start_time < x; });
    const auto near_end = std::upper_bound(
        near_begin, r.tasks.end(), order.end_time() + reach,
        [](absl::Time x, const PastTask& t) { return x < t.start_time; });
    if (std::any_of(near_begin, near_end, [&](const PastTask& t) {
          return !t.completed &&
                 Conflicts(
                     t.start_time, t.end_time, order.start_time, order.end_time(), s.travel_buffer);
        })) {
      if (exclude(ExclusionRule::kOverlapping, [] {
            return "already has an assignment at an overlapping time (travel buffer included)";
          }))
        continue;
    }
    const int km = order.remote ? 0 : km_from(e.home_municipality);
    const bool serves_there =
        order.remote ? e.remote_ok
                     : (km <= e.max_travel_km || e.home_municipality == order.municipality ||
                        Contains(e.service_municipalities, order.municipality));
    if (!serves_there) {
      if (exclude(ExclusionRule::kTooFar, [&] {
            return order.remote ? std::string("does not take remote tasks")
                                : absl::StrCat(
                                      "the place is about ", km, " km away, more than ",
                                      e.max_travel_km, " km");
          }))
        continue;
    }
    int in_month = 0;
    const auto month_begin = std::lower_bound(
        r.tasks.begin(), r.tasks.end(), month_window_start,
        [](const PastTask& t, absl::Time x) { return t.start_time < x; });
    for (auto t = month_begin; t != r.tasks.end() && t->start_time <= month_window_end; ++t) {
      if (t->start_time < month_start || t->start_time >= month_end) continue;
      ++in_month;
    }
    if (e.max_assignments_per_month > 0 && in_month >= e.max_assignments_per_month) {
      if (exclude(ExclusionRule::kMonthlyCap, [&] {
            return absl::StrCat(
                "already has ", in_month, " tasks this month (cap ", e.max_assignments_per_month,
                ")");
          }))
        continue;
    }
    if (std::any_of(near_begin, near_end, [&](const PastTask& t) {
          return BreaksRest(
              t.start_time, t.end_time, IsHeavyRole(t.role), order.start_time, order.end_time(),
              heavy, s.rest_after_heavy);
        })) {
      if (exclude(ExclusionRule::kRestPeriod, [] {
            return "needs rest after a heavy task before the next one";
          }))
        continue;
    }
    const FeeQuote fee = fee_for(e.payment_method);
    // Her pay in the order's payment month (or year), as the benefit payer counts it.
    const LimitTerms terms = LimitTermsOf(e);
    if (auto limit = LimitFor(terms, s.earnings.floors, order_paid)) {
      const auto& [from, to] = limit->period == LimitPeriod::kYear ? year_tasks : month_tasks;
      paid.clear();
      for (auto t = std::lower_bound(
               r.tasks.begin(), r.tasks.end(), from,
               [](const PastTask&t, absl::Time x) { return t.start_time < x; });
           t != r.tasks.end() && t->start_time < to; ++t) {
        paid.push_back({t->start_time, t->fee_cents});
      }
      const EarningsCheck check = CheckEarnings(terms, s.earnings, paid, order_paid, fee.fee_cents);
      if (check.over) {
        if (exclude(ExclusionRule::kEarningsLimit, [&] { return OverLimitReason(check); }))
          continue;
      }
    }
    if (broken) continue;
    Eligible el{&r, fee.fee_cents, km, 0, 0, 0, 0, 0, false};
    for (const PastTask& t : r.tasks) {
      if (t.start_time >= fair_share_start) {
        ++el.tasks;
        el.fees += t.fee_cents;
      }
      if (!t.completed) continue;
      el.in_role += t.role == order.role;
      if (t.orderer_rating > 0) {
        el.rating_sum += t.orderer_rating;
        ++el.ratings;
        if (t.organization_id == order.organization_id && t.orderer_rating >= 4) {
          el.preferred = true;
        }
      }
    }
    eligible.push_back(el);
  }

  // Fairness and role history are relative to the eligible group.
  int max_tasks = 0;
  int64_t max_fees = 0;
  int max_role = 0;
  for (const auto& el : eligible) {
    max_tasks = std::max(max_tasks, el.tasks);
    max_fees = std::max(max_fees, el.fees);
    max_role = std::max(max_role, el.in_role);
  }
  ranking.candidates.reserve(eligible.size());
  for (const auto& el : eligible) {
    const ExpertRecord& r = *el.record;
    Candidate c;
    c.expert_id = r.expert.id;
    c.fee_cents = el.fee_cents;
    c.travel_km = el.travel_km;
    ScoreParts& p = c.parts;
    if (order.experience_areas.empty()) {
      p.experience = 1;
    } else {
      int covered = 0;
      for (ExperienceArea a : order.experience_areas)
        covered += Contains(r.expert.experience_areas, a);
      p.experience = static_cast<double>(covered) / order.experience_areas.size();
    }
    p.role = max_role == 0 ? 0 : static_cast<double>(el.in_role) / max_role;
    p.travel = order.remote ? 1 : 1.0 / (1.0 + el.travel_km / 25.0);
    const double task_share = max_tasks == 0 ? 0 : static_cast<double>(el.tasks) / max_tasks;
    const double fee_share = max_fees == 0 ? 0 : static_cast<double>(el.fees) / max_fees;
    p.fairness = 1 - (task_share + fee_share) / 2;
    p.preferred = el.preferred ? 1 : 0;
    p.feedback = el.ratings > 0 ? (el.rating_sum / el.ratings - 1) / 4 : 0.5;
    c.score = s.weight_experience * p.experience + s.weight_role * p.role +
              s.weight_travel * p.travel + s.weight_fairness * p.fairness +
              s.weight_preferred * p.preferred + s.weight_feedback * p.feedback;
    ranking.candidates.push_back(std::move(c));
  }
  std::sort(
      ranking.candidates.begin(), ranking.candidates.end(),
      [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.expert_id < b.expert_id;
      });
  return ranking;
}

}  // namespace

std::vector<Exclusion> BrokenRules(
    const Order& order, const ExpertRecord& expert, const MatchingSettings& settings,
    const FeeSchedule& schedule, absl::Time now) {
  const std::vector<ExpertRecord> one = {expert};
  return Rank(order, one, nullptr, settings, schedule, now, true, true).excluded;
}

absl::StatusOr<EarningsCheck> CheckHoldLimits(
    const Order& order, int64_t fee_cents, int max_per_month, const LimitTerms& limit,
    const EarningsRules& earnings, const std::vector<PastTask>& held,
    absl::Duration rest_after_heavy, const std::vector<ExclusionRule>& overridden) {
  auto checked = [&](ExclusionRule rule) {
    return std::find(overridden.begin(), overridden.end(), rule) == overridden.end();
  };
  const absl::CivilMonth month =
      absl::ToCivilMonth(order.start_time, reference::HelsinkiTimeZone());
  const absl::Time month_start = absl::FromCivil(month, reference::HelsinkiTimeZone());
  const absl::Time month_end = absl::FromCivil(month + 1, reference::HelsinkiTimeZone());
  int in_month = 0;
  const bool heavy = IsHeavyRole(order.role);
  std::vector<PaidTask> paid;
  for (const PastTask& t : held) {
    if (t.start_time >= month_start && t.start_time < month_end) ++in_month;
    paid.push_back({t.start_time, t.fee_cents});
    if (checked(ExclusionRule::kRestPeriod) &&
        BreaksRest(
            t.start_time, t.end_time, IsHeavyRole(t.role), order.start_time, order.end_time(),
            heavy, rest_after_heavy)) {
      return absl::FailedPreconditionError(
          "the expert needs rest after a heavy task before the next one (REST_PERIOD)");
    }
  }
  if (checked(ExclusionRule::kMonthlyCap) && max_per_month > 0 && in_month >= max_per_month) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the expert already holds ", in_month, " tasks that month, her cap (MONTHLY_CAP)"));
  }
  EarningsCheck check = CheckEarnings(limit, earnings, paid, order.start_time, fee_cents);
  if (!checked(ExclusionRule::kEarningsLimit)) {
    check.over = false;  // the coordinator knowingly overrode it: no warning either
    check.warns = false;
  } else if (check.over) {
    return absl::FailedPreconditionError(absl::StrCat(OverLimitReason(check), " (EARNINGS_LIMIT)"));
  }
  return check;
}

}  // namespace kokemus::domain
