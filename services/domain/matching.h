// Ranking experts for one order: hard rules that protect the experts first
// (every excluded expert is reported with the one rule that excluded them),
// then an explained score whose parts a coordinator can read. Pure functions
// over what storage gathers; weights and limits are per-exchange data.
//
//   Ranking r = RankExperts(order, candidates, settings, schedule, now);
//   r.candidates[0].parts.fairness ...; r.excluded[i].rule == ExclusionRule::kEarningsLimit
#ifndef KOKEMUS_SERVICES_DOMAIN_MATCHING_H_
#define KOKEMUS_SERVICES_DOMAIN_MATCHING_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/earnings.h"
#include "services/domain/fees.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

// How the score parts weigh, and the limits an exchange sets. Stored per
// exchange (MatchingService.UpdateMatchingSettings); these are the defaults.
struct MatchingSettings {
  double weight_experience = 3;  // share of the wanted experience areas covered
  double weight_role = 2;        // past tasks in this role
  double weight_travel = 1;      // nearer is better
  double weight_fairness = 3;    // fewer tasks and fees in the last 90 days
  double weight_preferred = 1;   // the orderer rated this expert 4 or 5 before
  double weight_feedback = 1;    // orderers' ratings
  // Rest after an emotionally heavy task (an own-story talk) before the next.
  absl::Duration rest_after_heavy = absl::Hours(48);
  // From the exchange: the gap kept between two tasks of one expert.
  absl::Duration travel_buffer = absl::ZeroDuration();
  // StartOfferRounds without a strategy (domain/offer_rounds.h): TARGETED is
  // no default; 0 sizes and durations: the built-in defaults.
  OfferStrategy offer_strategy = OfferStrategy::kTargeted;
  int round_size = 0;
  absl::Duration tier_interval = absl::ZeroDuration();
  absl::Duration answer_window = absl::ZeroDuration();
  // From the exchange and the national table: when fees are paid and the
  // earnings floors, for the experts' benefit limits.
  EarningsRules earnings;
  // From the exchange: the credentials some tasks need (domain/credentials.h),
  // and from the registry each orderer's kind, which they depend on.
  std::vector<CredentialRequirement> credential_requirements;
  std::map<std::string, OrganizationKind> orderer_kinds;
  int64_t revision = 0;  // 0: never stored, the defaults
  absl::Time update_time = absl::UnixEpoch();
};

inline constexpr double kMaxWeight = 10;
inline constexpr int kMaxRestHours = 14 * 24;

// Weights in [0, kMaxWeight], rest in whole hours up to kMaxRestHours, the
// offer rounds' defaults as ValidateRoundsDefaults takes them.
void ValidateMatchingSettings(
    const MatchingSettings& settings, absl::string_view prefix, FieldViolations& violations);

// One accepted, confirmed or completed task of an expert.
struct PastTask {
  absl::Time start_time = absl::UnixEpoch();
  absl::Time end_time = absl::UnixEpoch();
  int64_t fee_cents = 0;
  Role role = Role::kUnspecified;
  bool completed = false;  // false: accepted or confirmed, holding the time
  int orderer_rating = 0;  // the orderer's overall rating, 0 if none
  std::string organization_id;
};

// What storage knows of one expert for matching.
struct ExpertRecord {
  Expert expert;
  std::vector<PastTask> tasks;  // by start time (SortTasks)
  // The orders she declined or cancelled her place on, sorted (SortTasks):
  // not offered to her again unless the coordinator overrides SAID_NO.
  std::vector<std::string> said_no_orders;
};

// Puts each record's tasks in start-time order and its said-no orders in
// order, as ranking expects.
void SortTasks(std::vector<ExpertRecord>& experts);

absl::string_view ExclusionRuleName(ExclusionRule rule);  // "EARNINGS_LIMIT"
// The rule of a name ExclusionRuleName gives; nullopt for another text.
std::optional<ExclusionRule> ExclusionRuleFromName(absl::string_view name);

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
  std::vector<Candidate> candidates;               // best first; ties by expert id
  std::vector<Exclusion> excluded;                 // in the order given (if reported)
  int excluded_by_rule[kExclusionRuleCount] = {};  // always counted
};

// The order's start is compared in Helsinki time for weekly windows and the
// calendar month of caps and earnings; `now` bounds the 90 days of the fair
// share. Without `report_excluded` only the counts per rule are kept.
Ranking RankExperts(
    const Order& order, const std::vector<ExpertRecord>& experts, const MatchingSettings& settings,
    const FeeSchedule& schedule, absl::Time now, bool report_excluded = true);

// Who can be a candidate for a role at all, worked out once per load of the
// data: the active and trained experts by role, and the counts of the others.
struct ExpertIndex {
  std::vector<std::vector<int>> by_role;  // indexes into the experts, by Role value
  int not_active = 0;
  int not_trained = 0;  // active, no training
  int active_trained = 0;
};
ExpertIndex IndexExperts(const std::vector<ExpertRecord>& experts);

// RankExperts without the list of the excluded (their counts per rule are
// kept), reading only the experts who take the order's role: the same
// candidates and counts, in a fraction of the time for a large exchange.
Ranking RankExpertsIndexed(
    const Order& order, const std::vector<ExpertRecord>& experts, const ExpertIndex& index,
    const MatchingSettings& settings, const FeeSchedule& schedule, absl::Time now);

// Every hard rule `expert` breaks for `order`, in the rules' order, with
// reasons (empty: she may be offered it): what a coordinator is shown before
// offering by hand, and must override rule by rule.
std::vector<Exclusion> BrokenRules(
    const Order& order, const ExpertRecord& expert, const MatchingSettings& settings,
    const FeeSchedule& schedule, absl::Time now);

// What a coordinator's offer by hand records: every rule in `broken` must be
// in `overrides` (the rules the coordinator knowingly overrides), else
// FAILED_PRECONDITION naming each rule not overridden and its reason; the
// broken rules, to keep with the offer.
absl::StatusOr<std::vector<ExclusionRule>> CheckOverrides(
    const std::vector<Exclusion>& broken, const std::vector<ExclusionRule>& overrides);

// Whether an assignment is its expert saying no to the order: declined, or
// her own cancellation of her place.
bool SaidNo(const Assignment& a);

// Whether a role's task tells the expert's own story (emotionally heavy).
bool IsHeavyRole(Role role);

// Whether two tasks of one expert are too close: a heavy task needs
// `rest` before the next one starts (whichever of the two comes first).
bool BreaksRest(
    absl::Time start_a, absl::Time end_a, bool heavy_a, absl::Time start_b, absl::Time end_b,
    bool heavy_b, absl::Duration rest);

// The rules an accept checks again against what the expert holds at that
// moment, since offers made at once (a broadcast, her other orders' rounds)
// may all be accepted: her monthly cap of tasks, her benefit's earnings
// limit (`limit`, with this task's `fee_cents`, by payment date under
// `earnings`), and the rest after a heavy task. `held` are her other
// accepted, confirmed and completed tasks: those near the order's start for
// the rest and the cap, and those paid in the task's payment month (or
// year). A rule the coordinator overrode to make the offer (`overridden`) is
// not checked again. The task's earnings (to warn at 80 %), or
// FAILED_PRECONDITION naming the rule.
absl::StatusOr<EarningsCheck> CheckHoldLimits(
    const Order& order, int64_t fee_cents, int max_per_month, const LimitTerms& limit,
    const EarningsRules& earnings, const std::vector<PastTask>& held,
    absl::Duration rest_after_heavy, const std::vector<ExclusionRule>& overridden = {});

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_MATCHING_H_
