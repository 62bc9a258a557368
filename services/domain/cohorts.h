// Training cohorts and what became of them (issue 21): per cohort, how many
// enrolled, completed, entered the registry, did at least one task within 6
// and within 12 months of completing, and the tasks and hours since, as the
// Päijät-Häme Clubhouse project reports them ("55 % of the trained went on to
// do expert work").
//
//   CohortFigures f = CohortOutcome(trainees, tasks);   // f.share_worked_12_months: 55.6
#ifndef KOKEMUS_SERVICES_DOMAIN_COHORTS_H_
#define KOKEMUS_SERVICES_DOMAIN_COHORTS_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/domain/statistics.h"

namespace kokemus::domain {

enum class EnrolmentState { kUnspecified = 0, kEnrolled, kDropped, kCompleted };

// One trainee of a cohort, with only what the course needs.
struct Trainee {
  std::string id;
  EnrolmentState state = EnrolmentState::kUnspecified;
  absl::CivilDay completion_date;  // when COMPLETED
  std::string expert_id;           // once graduated into the registry; "" before
};

struct CohortFigures {
  int enrolled = 0;  // every trainee, those who dropped out included
  int dropped = 0;
  int completed = 0;
  int in_registry = 0;  // completed and graduated into the registry
  // Of the completed: those with a completed task within 6 (12) months of
  // completing (from the completion day to the day before the same day 6
  // (12) months later).
  int worked_within_6_months = 0;
  int worked_within_12_months = 0;
  int tasks = 0;     // their completed tasks since completing
  double hours = 0;  // and their hours
  // worked_within_12_months of completed, in per cent to one decimal (0 when
  // none completed).
  double share_worked_12_months = 0;
};

// `tasks`: the exchange's completed (and cancelled: not counted) assignments
// of any time; a task counts for a trainee through her expert id.
CohortFigures CohortOutcome(
    const std::vector<Trainee>& trainees, const std::vector<TaskRecord>& tasks);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_COHORTS_H_
