// Planning many orders at once: which experts to offer which open places so
// that the most places are filled, then with the best total score, while
// every hard rule holds across the orders (no overlaps with the travel
// buffer, rest after heavy tasks, monthly caps, the experts' own earnings
// limits) and work is spread: an expert's k-th task in the plan costs
// weight_fairness * (k - 1).
//
// The plan is an integer program solved with CBC (Debian's coinor-libcbc) in
// two phases: the most places first, then the best score among plans with
// that many. A greedy one-order-at-a-time plan is always computed beside it;
// the planner's plan is never worse than it (if the solver stops on its time
// limit with something worse, the greedy plan is returned and said so).
//
//   std::vector<PlanOrder> orders = ...;  // each with RankExperts' candidates
//   Plan plan = PlanAssignments(orders, experts, settings, absl::Seconds(20));
//   plan.proposals[0].expert_id; plan.quality.gini; plan.greedy.places_filled;
#ifndef KOKEMUS_SERVICES_DOMAIN_PLANNER_H_
#define KOKEMUS_SERVICES_DOMAIN_PLANNER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/matching.h"

namespace kokemus::domain {

// An order to plan: its places not yet held or offered, and the experts the
// hard rules allow for it alone (from RankExperts, best first).
struct PlanOrder {
  Order order;
  int open_places = 0;
  std::vector<Candidate> candidates;
};

struct Proposal {
  size_t order_index = 0;  // into the PlanOrder list
  std::string expert_id;
  double score = 0;
  int64_t fee_cents = 0;
  int travel_km = 0;
};

// How good a plan is. `objective` is the total score less the spreading
// cost; `gini` is the Gini coefficient of tasks in the plan among the experts
// eligible for at least one order (0: perfectly even).
struct PlanQuality {
  int places_filled = 0;
  double total_score = 0;
  double objective = 0;
  double gini = 0;
  int experts_with_tasks = 0;
  int eligible_experts = 0;
};

enum class PlanMethod { kOptimal, kTimeLimit, kGreedy };

struct Plan {
  std::vector<Proposal> proposals;  // by order, then score
  PlanQuality quality;
  PlanQuality greedy;  // the greedy baseline's figures
  PlanMethod method = PlanMethod::kGreedy;
};

Plan PlanAssignments(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings, absl::Duration time_limit);

// Orders by start time; each open place gets the best-scored candidate the
// picks so far still allow.
std::vector<Proposal> GreedyPlan(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings);

PlanQuality QualityOf(
    const std::vector<PlanOrder>& orders, const std::vector<Proposal>& proposals,
    const MatchingSettings& settings);

// What breaks a hard rule across the proposals (each also must be a candidate
// of its order and fit the order's open places): one line per problem, empty
// when the plan holds. The lines name orders and experts, never health data.
std::vector<std::string> CheckPlan(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings, const std::vector<Proposal>& proposals);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_PLANNER_H_
