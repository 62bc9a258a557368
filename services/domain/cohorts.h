// Courses, their trainees, and what became of each cohort (issue 21). An
// exchange plans a course (sessions, trainers, a capacity), enrols trainees
// with only what the course needs and their consent, records attendance per
// session, marks each COMPLETED or DROPPED, and graduates the completed into
// the registry with the training as structured data. Per cohort, how many
// enrolled, completed, entered the registry, did at least one task within 6
// and within 12 months of completing, and the tasks and hours since, as the
// Päijät-Häme Clubhouse project reports them ("55 % of the trained went on to
// do expert work").
//
//   CohortFigures f = CohortOutcome(trainees, tasks);   // f.share_worked_12_months: 55.6
#ifndef KOKEMUS_SERVICES_DOMAIN_COHORTS_H_
#define KOKEMUS_SERVICES_DOMAIN_COHORTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/statistics.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

struct CourseSession {
  absl::Time start_time = absl::UnixEpoch();
  int duration_minutes = 0;
  std::string topic;
  bool operator==(const CourseSession&) const = default;
};

// A professional, or an expert of the exchange co-teaching.
struct Trainer {
  std::string display_name;
  std::string expert_id;  // "" : not an expert of the exchange
  bool operator==(const Trainer&) const = default;
};

struct Course {
  std::string exchange_id;
  std::string id;
  CourseKind kind = CourseKind::kUnspecified;
  std::string title;
  std::string provider;
  std::vector<CourseSession> sessions;  // in time order
  std::vector<Trainer> trainers;
  int capacity = 0;
  int min_attendance_percent = 0;  // to complete; 0: not required
  Meta meta;
};

inline constexpr size_t kMaxCourseSessions = 60;
inline constexpr size_t kMaxTrainers = 20;
inline constexpr int kMaxCourseCapacity = 200;

// One trainee of a cohort, with only what the course needs.
struct Trainee {
  std::string exchange_id;
  std::string course_id;
  std::string id;
  EnrolmentState state = EnrolmentState::kUnspecified;
  absl::CivilDay completion_date;  // when COMPLETED
  // The expert she is: given on enrolment for an expert taking a further
  // training, set on graduation otherwise; "" before.
  std::string expert_id;
  std::string expert_name;  // the expert's display name, as the registry has it (read only)
  // Her details (none while she is an expert, and none once DROPPED).
  std::string display_name;
  std::string email;
  std::string phone;
  std::string home_municipality;
  Consent consent;
  std::vector<int> attended;  // session numbers from 1, ascending
  Meta meta;
};

// Trims, sorts sessions by start time.
void NormalizeCourse(Course& c);
// Under `prefix` ("course"): a known kind; title and provider of 1 to 200
// characters; 1 to kMaxCourseSessions sessions of 15 to 600 minutes that do
// not overlap, topics of at most 200; at most kMaxTrainers trainers with a
// name; a capacity of 1 to kMaxCourseCapacity; attendance 0 to 100 %.
void ValidateCourse(const Course& c, absl::string_view prefix, FieldViolations& violations);

// Trims and normalizes the contact details.
void NormalizeTrainee(Trainee& t);
// Under `prefix` ("trainee"): for an expert, no details of her own;
// otherwise a name and an e-mail address or a phone number, valid, and a
// known municipality if given; consent given (not in the future) with the
// notice's version.
void ValidateTrainee(
    const Trainee& t, absl::Time now, absl::string_view prefix, FieldViolations& violations);

// Whether `t` may join the course beside `others` (its trainees so far):
// ALREADY_EXISTS for a taken id or an expert on the course already,
// FAILED_PRECONDITION when the trainees not dropped out fill it.
absl::Status CheckEnrolment(const Course& c, const std::vector<Trainee>& others, const Trainee& t);

// Sets her attendance of `session` (from 1).
void MarkAttendance(Trainee& t, int session, bool present);
// Records session `session` of the course: the trainees whose ids `present`
// names attended it, the others (not dropped out) did not. INVALID_ARGUMENT
// for a session the course lacks (naming `session`), an id not on the
// course or named twice (naming `present[i]`); FAILED_PRECONDITION for a session not started
// by `now` or a trainee who dropped out. Returns the indexes of the trainees
// whose record changed.
absl::StatusOr<std::vector<size_t>> RecordSessionAttendance(
    const Course& c, std::vector<Trainee>& trainees, int session,
    const std::vector<std::string>& present, absl::Time now);
// Her attended sessions of the course's, in per cent rounded down.
int AttendancePercent(const Course& c, const Trainee& t);

// A state change by the coordinator: from ENROLLED only (FAILED_PRECONDITION
// otherwise), to COMPLETED or DROPPED (INVALID_ARGUMENT naming `state`).
// COMPLETED needs `completion_date` (YYYY-MM-DD) from the course's first
// session's day to `today` (INVALID_ARGUMENT naming it), and the course's
// attendance (FAILED_PRECONDITION: "attended 7 of 10 sessions (70 %); the
// course asks for 80 %"). DROPPED erases her contact details. Applies the
// change to `t` when OK.
absl::Status ChangeTraineeState(
    const Course& c, Trainee& t, EnrolmentState to, absl::string_view completion_date,
    absl::CivilDay today);

// The training a graduate's record gets: the course's provider, title and
// kind, her completion day, and the course's name.
Training GraduationTraining(const Course& c, const Trainee& t);
// FAILED_PRECONDITION unless she COMPLETED the course and is not in the
// registry through it yet: `expert` is the expert she is (nullptr before
// graduating), whose record must not hold the course's training already.
absl::Status CheckGraduation(const Course& c, const Trainee& t, const Expert* expert);
// A new expert from a graduate: `details` (the registry fields the
// coordinator gives) with her name, contact details, home municipality
// (unless given) and consent, and the training added.
Expert GraduatedExpert(const Course& c, const Trainee& t, Expert details);
// Adds (or, for the same course, replaces) the course's training on an
// expert's record.
void AddTraining(Expert& expert, Training training);

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

// The exchange's trained experts at work in a period [from, to), as training
// projects report it ("55 % of those we trained went on to do expert work").
struct TrainingFigures {
  int graduates = 0;            // experts graduated from its courses, completed before `to`
  int graduates_with_task = 0;  // of them, with a completed task in the period
  double share_graduates_with_task = 0;  // per cent, one decimal
  int courses = 0;                       // courses with a session in the period
  int completed_in_period = 0;           // trainees who completed a course in the period
};
// `tasks`: the period's tasks (completed ones count).
TrainingFigures TrainingInPeriod(
    const std::vector<Course>& courses, const std::vector<Trainee>& trainees,
    const std::vector<TaskRecord>& tasks, absl::Time from, absl::Time to);

// The training section of a year's report: who of the trained worked in
// the period [from, to), and each course begun before `to` with its
// cohort's outcome as of `to`.
struct CohortRow {
  std::string title;
  CohortFigures figures;
};
struct TrainingReport {
  TrainingFigures period;
  std::vector<CohortRow> cohorts;  // by the course's first session
};
// `tasks`: the exchange's tasks from its trainees' first completion on
// (those from `to` on are not counted).
TrainingReport TrainingReportFor(
    const std::vector<Course>& courses, const std::vector<Trainee>& trainees,
    const std::vector<TaskRecord>& tasks, absl::Time from, absl::Time to);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_COHORTS_H_
