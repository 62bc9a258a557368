#include "services/domain/matching.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/domain/enum_names.h"

namespace kokemus::domain {
namespace {


absl::CivilMonth MonthOf(absl::Time t) {
  return absl::CivilMonth(absl::ToCivilDay(t, HelsinkiTimeZone()));
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool FitsWeeklyWindows(const Expert& e, const Order& o) {
  if (e.weekly_availability.empty()) return true;
  const absl::CivilMinute start = absl::ToCivilMinute(o.start_time, HelsinkiTimeZone());
  const absl::CivilMinute end = absl::ToCivilMinute(o.end_time(), HelsinkiTimeZone());
  if (absl::CivilDay(start) != absl::CivilDay(end - 1)) return false;  // spans midnight
  const int weekday = static_cast<int>(absl::GetWeekday(absl::CivilDay(start)));  // Monday = 0
  const int from = start.hour() * 60 + start.minute();
  const int to = from + o.duration_minutes;
  for (const WeeklyWindow& w : e.weekly_availability) {
    if (static_cast<int>(w.day) - 1 == weekday && w.start_minute <= from && to <= w.end_minute) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::string_view ExclusionRuleName(ExclusionRule rule) {
  static constexpr absl::string_view kNames[] = {
      "NOT_ACTIVE",          "NOT_TRAINED",        "LACKS_ROLE",   "LACKS_LANGUAGE",
      "LACKS_EXPERIENCE",    "NOT_AVAILABLE_WEEKLY", "UNAVAILABLE_PERIOD", "OVERLAPPING",
      "TOO_FAR",             "MONTHLY_CAP",        "REST_PERIOD",  "EARNINGS_LIMIT"};
  return kNames[static_cast<int>(rule)];
}

bool IsHeavyRole(Role role) {
  return role == Role::kLecturer || role == Role::kCoTeacher || role == Role::kPeerSupport ||
         role == Role::kGroupFacilitator;
}

Ranking RankExperts(const Order& order, const std::vector<ExpertRecord>& experts,
                    const MatchingSettings& s, const FeeSchedule& schedule) {
  Ranking ranking;
  const absl::CivilMonth month = MonthOf(order.start_time);
  struct Eligible {
    const ExpertRecord* record;
    FeeQuote quote;
  };
  std::vector<Eligible> eligible;
  for (const ExpertRecord& r : experts) {
    const Expert& e = r.expert;
    auto exclude = [&](ExclusionRule rule, std::string reason) {
      ranking.excluded.push_back({e.id, rule, std::move(reason)});
    };
    if (e.state != ExpertState::kActive) {
      exclude(ExclusionRule::kNotActive, absl::StrCat("the expert is ", EnumName(e.state)));
      continue;
    }
    if (e.trainings.empty()) {
      exclude(ExclusionRule::kNotTrained, "no completed training is recorded");
      continue;
    }
    if (!Contains(e.roles, order.role)) {
      exclude(ExclusionRule::kLacksRole,
              absl::StrCat("does not take the role ", EnumName(order.role)));
      continue;
    }
    if (!Contains(e.languages, order.language)) {
      exclude(ExclusionRule::kLacksLanguage,
              absl::StrCat("does not work in the language ", order.language));
      continue;
    }
    if (!order.experience_areas.empty() &&
        std::none_of(order.experience_areas.begin(), order.experience_areas.end(),
                     [&](ExperienceArea a) { return Contains(e.experience_areas, a); })) {
      // Which areas are missing is health information: the reason does not say.
      exclude(ExclusionRule::kLacksExperience, "covers none of the wanted experience areas");
      continue;
    }
    if (!FitsWeeklyWindows(e, order)) {
      exclude(ExclusionRule::kNotAvailableWeekly, "the time is outside the weekly availability");
      continue;
    }
    if (std::any_of(e.unavailable_periods.begin(), e.unavailable_periods.end(),
                    [&](const Period& p) {
                      return p.start_time < order.end_time() && order.start_time < p.end_time;
                    })) {
      exclude(ExclusionRule::kUnavailablePeriod, "the time falls in an unavailable period");
      continue;
    }
    if (std::any_of(r.held.begin(), r.held.end(), [&](const Assignment& a) {
          return Conflicts(a.start_time, a.end_time, order.start_time, order.end_time(),
                           s.travel_buffer);
        })) {
      exclude(ExclusionRule::kOverlapping,
              "already has an assignment at an overlapping time (travel buffer included)");
      continue;
    }
    const int km = order.remote ? 0 : TravelKm(e.home_municipality, order.municipality);
    const bool serves_there = order.remote ? e.remote_ok
                                           : (km <= e.max_travel_km ||
                                              e.home_municipality == order.municipality ||
                                              Contains(e.service_municipalities, order.municipality));
    if (!serves_there) {
      exclude(ExclusionRule::kTooFar,
              order.remote ? std::string("does not take remote tasks")
                           : absl::StrCat("the place is about ", km, " km away, more than ",
                                          e.max_travel_km, " km"));
      continue;
    }
    int in_month = 0;
    int64_t earned_in_month = 0;
    for (const auto* list : {&r.held, &r.completed}) {
      for (const Assignment& a : *list) {
        if (MonthOf(a.start_time) != month) continue;
        ++in_month;
        earned_in_month += a.fee_cents;
      }
    }
    if (e.max_assignments_per_month > 0 && in_month >= e.max_assignments_per_month) {
      exclude(ExclusionRule::kMonthlyCap,
              absl::StrCat("already has ", in_month, " tasks this month (cap ",
                           e.max_assignments_per_month, ")"));
      continue;
    }
    if (IsHeavyRole(order.role) &&
        std::any_of(r.held.begin(), r.held.end(), [&](const Assignment& a) {
          return a.end_time <= order.start_time && order.start_time < a.end_time + s.rest_after_heavy;
        })) {
      exclude(ExclusionRule::kRestPeriod, "needs rest after a recent heavy task");
      continue;
    }
    auto quote = QuoteFee(schedule, order, order.duration_minutes, e.payment_method, km);
    const FeeQuote fee = quote.ok() ? *quote : FeeQuote{0, 0, km};
    if (e.monthly_earnings_limit_cents > 0 &&
        earned_in_month + fee.fee_cents > e.monthly_earnings_limit_cents) {
      exclude(ExclusionRule::kEarningsLimit,
              "this task's fee would take the month's earnings over the expert's own limit");
      continue;
    }
    eligible.push_back({&r, fee});
  }

  // Fairness is relative to the eligible group: the least worked score 1.
  int max_tasks = 0;
  int64_t max_fees = 0;
  int max_role = 0;
  for (const auto& el : eligible) {
    max_tasks = std::max(max_tasks, el.record->tasks_last_90_days);
    max_fees = std::max(max_fees, el.record->fees_last_90_days_cents);
    max_role = std::max<int>(max_role, std::count(el.record->completed_roles.begin(),
                                                  el.record->completed_roles.end(), order.role));
  }
  for (const auto& el : eligible) {
    const ExpertRecord& r = *el.record;
    Candidate c;
    c.expert_id = r.expert.id;
    c.fee_cents = el.quote.fee_cents;
    c.travel_km = el.quote.travel_km;
    ScoreParts& p = c.parts;
    if (order.experience_areas.empty()) {
      p.experience = 1;
    } else {
      int covered = 0;
      for (ExperienceArea a : order.experience_areas) covered += Contains(r.expert.experience_areas, a);
      p.experience = static_cast<double>(covered) / order.experience_areas.size();
    }
    const int in_role = std::count(r.completed_roles.begin(), r.completed_roles.end(), order.role);
    p.role = max_role == 0 ? 0 : static_cast<double>(in_role) / max_role;
    p.travel = order.remote ? 1 : 1.0 / (1.0 + el.quote.travel_km / 25.0);
    const double task_share = max_tasks == 0 ? 0 : static_cast<double>(r.tasks_last_90_days) / max_tasks;
    const double fee_share =
        max_fees == 0 ? 0 : static_cast<double>(r.fees_last_90_days_cents) / max_fees;
    p.fairness = 1 - (task_share + fee_share) / 2;
    p.preferred = r.preferred_by_orderer ? 1 : 0;
    p.feedback = r.average_rating > 0 ? (r.average_rating - 1) / 4 : 0.5;
    c.score = s.weight_experience * p.experience + s.weight_role * p.role +
              s.weight_travel * p.travel + s.weight_fairness * p.fairness +
              s.weight_preferred * p.preferred + s.weight_feedback * p.feedback;
    ranking.candidates.push_back(c);
  }
  std::sort(ranking.candidates.begin(), ranking.candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.score != b.score ? a.score > b.score : a.expert_id < b.expert_id;
            });
  return ranking;
}

}  // namespace kokemus::domain
