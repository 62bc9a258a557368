// Ranking experts for one order: hard rules that protect the experts first
// (every excluded expert is reported with the one rule that excluded them),
// then an explained score whose parts a coordinator can read. Pure functions
// over what storage gathers; weights and limits are per-exchange data.
//
//   Ranking r = RankExperts(order, candidates, settings, schedule, now);
//   r.candidates[0].parts.fairness ...; r.excluded[i].rule == ExclusionRule::kEarningsLimit
#ifndef KOKEMUS_SERVICES_DOMAIN_MATCHING_H_
#define KOKEMUS_SERVICES_DOMAIN_MATCHING_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// How the score parts weigh, and the limits an exchange sets.
struct MatchingSettings {
  double weight_experience = 3;  // share of the wanted experience areas covered
  double weight_role = 2;        // past tasks in this role
  double weight_travel = 1;      // nearer is better
  double weight_fairness = 3;    // fewer tasks and fees in the last 90 days
  double weight_preferred = 1;   // the orderer asked for this expert before
  double weight_feedback = 1;    // orderers' ratings
  absl::Duration travel_buffer = absl::ZeroDuration();
  // Rest after an emotionally heavy task (an own-story talk) before the next.
  absl::Duration rest_after_heavy = absl::Hours(48);
};

// What storage knows of one expert for matching.
struct ExpertRecord {
  Expert expert;
  // Accepted and confirmed assignments (their times), and completed ones.
  std::vector<Assignment> held;
  std::vector<Assignment> completed;  // with fee_cents as paid
  std::vector<Role> completed_roles;  // role of each completed assignment, same order
  int tasks_last_90_days = 0;
  int64_t fees_last_90_days_cents = 0;
  double average_rating = 0;  // 0: no ratings
  bool preferred_by_orderer = false;
};

enum class ExclusionRule {
  kNotActive,
  kNotTrained,
  kLacksRole,
  kLacksLanguage,
  kLacksExperience,
  kNotAvailableWeekly,
  kUnavailablePeriod,
  kOverlapping,
  kTooFar,
  kMonthlyCap,
  kRestPeriod,
  kEarningsLimit,
};

absl::string_view ExclusionRuleName(ExclusionRule rule);  // "EARNINGS_LIMIT"

struct ScoreParts {
  double experience = 0;  // each part in [0, 1] before its weight
  double role = 0;
  double travel = 0;
  double fairness = 0;
  double preferred = 0;
  double feedback = 0;
};

struct Candidate {
  std::string expert_id;
  double score = 0;  // the weighted sum of the parts
  ScoreParts parts;
  int64_t fee_cents = 0;  // what this task would pay the expert
  int travel_km = 0;
};

struct Exclusion {
  std::string expert_id;
  ExclusionRule rule;
  std::string reason;  // for the coordinator; never health data
};

struct Ranking {
  std::vector<Candidate> candidates;  // best first; ties by expert id
  std::vector<Exclusion> excluded;    // in the order given
};

// The order's start is compared in Helsinki time for weekly windows and the
// calendar month of caps and earnings.
Ranking RankExperts(const Order& order, const std::vector<ExpertRecord>& experts,
                    const MatchingSettings& settings, const FeeSchedule& schedule);

// Whether a role's task tells the expert's own story (emotionally heavy).
bool IsHeavyRole(Role role);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_MATCHING_H_
