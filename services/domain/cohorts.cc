#include "services/domain/cohorts.h"

#include <cmath>
#include <map>

#include "services/reference/calendar.h"

namespace kokemus::domain {

CohortFigures CohortOutcome(
    const std::vector<Trainee>& trainees, const std::vector<TaskRecord>& tasks) {
  // Each graduate's completed task days and hours.
  std::map<std::string, std::vector<std::pair<absl::CivilDay, double>>> worked;
  for (const Trainee& t : trainees) {
    if (t.state == EnrolmentState::kCompleted && !t.expert_id.empty()) worked[t.expert_id];
  }
  for (const TaskRecord& task : tasks) {
    if (task.state != AssignmentState::kCompleted) continue;
    auto it = worked.find(task.expert_id);
    if (it == worked.end()) continue;
    it->second.emplace_back(
        absl::ToCivilDay(task.start_time, reference::HelsinkiTimeZone()), task.minutes / 60.0);
  }
  CohortFigures f;
  for (const Trainee& t : trainees) {
    ++f.enrolled;
    f.dropped += t.state == EnrolmentState::kDropped;
    if (t.state != EnrolmentState::kCompleted) continue;
    ++f.completed;
    if (t.expert_id.empty()) continue;
    ++f.in_registry;
    bool within6 = false, within12 = false;
    const absl::CivilDay six = reference::MonthsLater(t.completion_date, 6);
    const absl::CivilDay twelve = reference::MonthsLater(t.completion_date, 12);
    for (const auto& [day, hours] : worked[t.expert_id]) {
      if (day < t.completion_date) continue;
      ++f.tasks;
      f.hours += hours;
      within6 = within6 || day < six;
      within12 = within12 || day < twelve;
    }
    f.worked_within_6_months += within6;
    f.worked_within_12_months += within12;
  }
  f.share_worked_12_months =
      f.completed == 0 ? 0 : std::round(1000.0 * f.worked_within_12_months / f.completed) / 10.0;
  return f;
}

}  // namespace kokemus::domain
