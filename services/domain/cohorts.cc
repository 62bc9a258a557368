#include "services/domain/cohorts.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/domain/listing.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

void Trim(std::string& s) { absl::StripAsciiWhitespace(&s); }

constexpr size_t kMaxText = 200;

}  // namespace

void NormalizeCourse(Course& c) {
  Trim(c.title);
  Trim(c.provider);
  for (CourseSession& s : c.sessions) Trim(s.topic);
  for (Trainer& t : c.trainers) Trim(t.display_name);
  std::stable_sort(c.sessions.begin(), c.sessions.end(), [](const auto& a, const auto& b) {
    return a.start_time < b.start_time;
  });
}

void ValidateCourse(const Course& c, absl::string_view prefix, FieldViolations& v) {
  CheckRequiredEnum(c.kind, FieldPath(prefix, "kind"), v);
  CheckText(c.title, Text::kLine, kMaxText, true, FieldPath(prefix, "title"), v);
  CheckText(c.provider, Text::kLine, kMaxText, true, FieldPath(prefix, "provider"), v);
  const std::string sessions = FieldPath(prefix, "sessions");
  if (c.sessions.empty()) v.Add(sessions, "at least one session is required");
  if (c.sessions.size() > kMaxCourseSessions) {
    v.Add(sessions, absl::StrCat("at most ", kMaxCourseSessions, " sessions"));
  }
  for (size_t i = 0; i < c.sessions.size(); ++i) {
    const CourseSession& s = c.sessions[i];
    const std::string at = Indexed(sessions, i);
    if (s.start_time == absl::UnixEpoch()) v.Add(FieldPath(at, "start_time"), "is required");
    CheckRange(s.duration_minutes, 15, 600, FieldPath(at, "duration_minutes"), v);
    CheckText(s.topic, Text::kLine, kMaxText, false, FieldPath(at, "topic"), v);
    if (i > 0) {
      const CourseSession& before = c.sessions[i - 1];
      if (before.start_time + absl::Minutes(before.duration_minutes) > s.start_time) {
        v.Add(FieldPath(at, "start_time"), "overlaps the session before it");
      }
    }
  }
  const std::string trainers = FieldPath(prefix, "trainers");
  if (c.trainers.size() > kMaxTrainers) {
    v.Add(trainers, absl::StrCat("at most ", kMaxTrainers, " trainers"));
  }
  for (size_t i = 0; i < c.trainers.size(); ++i) {
    CheckText(
        c.trainers[i].display_name, Text::kLine, kMaxText, true,
        FieldPath(Indexed(trainers, i), "display_name"), v);
  }
  CheckRange(c.capacity, 1, kMaxCourseCapacity, FieldPath(prefix, "capacity"), v);
  CheckRange(c.min_attendance_percent, 0, 100, FieldPath(prefix, "min_attendance_percent"), v);
}

void NormalizeTrainee(Trainee& t) {
  Trim(t.display_name);
  Trim(t.email);
  Trim(t.phone);
  if (auto phone = NormalizePhone(t.phone)) t.phone = *phone;
  Trim(t.home_municipality);
  Trim(t.consent.notice_version);
}

void ValidateTrainee(
    const Trainee& t, absl::Time now, absl::string_view prefix, FieldViolations& v) {
  if (!t.expert_id.empty()) {
    for (const auto& [value, field] :
         {std::pair{&t.display_name, "display_name"},
          {&t.email, "email"},
          {&t.phone, "phone"},
          {&t.home_municipality, "home_municipality"}}) {
      if (!value->empty()) {
        v.Add(FieldPath(prefix, field), "must be empty for an expert: her record has it");
      }
    }
  } else {
    CheckText(t.display_name, Text::kLine, kMaxText, true, FieldPath(prefix, "display_name"), v);
    if (t.email.empty() && t.phone.empty()) {
      v.Add(FieldPath(prefix, "email"), "an e-mail address or a phone number is required");
    }
    if (!t.email.empty() && !IsValidEmail(t.email)) {
      v.Add(FieldPath(prefix, "email"), "not a valid e-mail address");
    }
    if (!t.phone.empty() && !NormalizePhone(t.phone)) {
      v.Add(FieldPath(prefix, "phone"), "not a phone number: use 040 123 4567 or +358 40 123 4567");
    }
    CheckMunicipality(t.home_municipality, false, FieldPath(prefix, "home_municipality"), v);
  }
  if (t.consent.given_time == absl::UnixEpoch()) {
    v.Add(
        FieldPath(prefix, "consent.given_time"),
        "is required: she consents to the course's records");
  } else if (t.consent.given_time > now + absl::Minutes(5)) {
    v.Add(FieldPath(prefix, "consent.given_time"), "must not be in the future");
  }
  CheckText(
      t.consent.notice_version, Text::kLine, 40, true, FieldPath(prefix, "consent.notice_version"),
      v);
}

absl::Status CheckEnrolment(const Course& c, const std::vector<Trainee>& others, const Trainee& t) {
  int enrolled = 0;
  for (const Trainee& o : others) {
    if (o.id == t.id) {
      return absl::AlreadyExistsError(
          absl::StrCat(FormatTraineeName(t.exchange_id, t.course_id, t.id), " already exists"));
    }
    if (o.state == EnrolmentState::kDropped) continue;
    ++enrolled;
    if (!t.expert_id.empty() && o.expert_id == t.expert_id) {
      return absl::AlreadyExistsError(absl::StrCat(
          ChildResourceName(t.exchange_id, "experts", t.expert_id), " is on the course already as ",
          FormatTraineeName(o.exchange_id, o.course_id, o.id)));
    }
  }
  if (enrolled >= c.capacity) {
    return absl::FailedPreconditionError(absl::StrCat(
        FormatCourseName(c.exchange_id, c.id), " is full: ", enrolled, " of ", c.capacity,
        " places taken"));
  }
  return absl::OkStatus();
}

void MarkAttendance(Trainee& t, int session, bool present) {
  auto it = std::lower_bound(t.attended.begin(), t.attended.end(), session);
  const bool recorded = it != t.attended.end() && *it == session;
  if (present && !recorded) t.attended.insert(it, session);
  if (!present && recorded) t.attended.erase(it);
}

absl::StatusOr<std::vector<size_t>> RecordSessionAttendance(
    const Course& c, std::vector<Trainee>& trainees, int session,
    const std::vector<std::string>& present, absl::Time now) {
  if (session < 1 || session > static_cast<int>(c.sessions.size())) {
    return InvalidField(
        "session", absl::StrCat("must be a session of the course, 1 to ", c.sessions.size()));
  }
  for (size_t i = 0; i < present.size(); ++i) {
    if (std::find(present.begin(), present.begin() + i, present[i]) != present.begin() + i) {
      return InvalidField(absl::StrCat("present[", i, "]"), "is named twice");
    }
    auto it = std::find_if(
        trainees.begin(), trainees.end(), [&](const Trainee& t) { return t.id == present[i]; });
    if (it == trainees.end()) {
      return InvalidField(
          absl::StrCat("present[", i, "]"),
          absl::StrCat("is not a trainee of ", FormatCourseName(c.exchange_id, c.id)));
    }
    if (it->state == EnrolmentState::kDropped) {
      return absl::FailedPreconditionError(absl::StrCat(
          FormatTraineeName(it->exchange_id, it->course_id, it->id), " dropped out of the course"));
    }
  }
  if (c.sessions[session - 1].start_time > now) {
    return absl::FailedPreconditionError(absl::StrCat("session ", session, " has not started yet"));
  }
  std::vector<size_t> changed;
  for (size_t i = 0; i < trainees.size(); ++i) {
    Trainee& t = trainees[i];
    if (t.state == EnrolmentState::kDropped) continue;
    const std::vector<int> before = t.attended;
    MarkAttendance(t, session, std::find(present.begin(), present.end(), t.id) != present.end());
    if (t.attended != before) changed.push_back(i);
  }
  return changed;
}

int AttendancePercent(const Course& c, const Trainee& t) {
  if (c.sessions.empty()) return 0;
  return static_cast<int>(100 * t.attended.size() / c.sessions.size());
}

absl::Status ChangeTraineeState(
    const Course& c, Trainee& t, EnrolmentState to, absl::string_view completion_date,
    absl::CivilDay today) {
  if (to != EnrolmentState::kCompleted && to != EnrolmentState::kDropped) {
    return InvalidField("state", "must be COMPLETED or DROPPED");
  }
  const std::string name = FormatTraineeName(t.exchange_id, t.course_id, t.id);
  if (t.state != EnrolmentState::kEnrolled) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is ", EnumName(t.state), ", not ENROLLED"));
  }
  if (to == EnrolmentState::kDropped) {
    if (!completion_date.empty()) {
      return InvalidField("completion_date", "is only for COMPLETED");
    }
    t.state = to;
    t.display_name.clear();
    t.email.clear();
    t.phone.clear();
    t.home_municipality.clear();
    return absl::OkStatus();
  }
  absl::CivilDay day;
  if (!IsValidDate(completion_date) || !absl::ParseCivilTime(completion_date, &day)) {
    return InvalidField("completion_date", "is required for COMPLETED, as a date YYYY-MM-DD");
  }
  const absl::CivilDay first =
      absl::ToCivilDay(c.sessions.front().start_time, reference::HelsinkiTimeZone());
  if (day < first) {
    return InvalidField(
        "completion_date",
        absl::StrCat(
            "must not be before the course's first session on ", absl::FormatCivilTime(first)));
  }
  if (day > today) return InvalidField("completion_date", "must not be in the future");
  const int percent = AttendancePercent(c, t);
  if (percent < c.min_attendance_percent) {
    return absl::FailedPreconditionError(absl::StrCat(
        name, " attended ", t.attended.size(), " of ", c.sessions.size(), " sessions (", percent,
        " %); the course asks for ", c.min_attendance_percent, " %"));
  }
  t.state = to;
  t.completion_date = day;
  return absl::OkStatus();
}

Training GraduationTraining(const Course& c, const Trainee& t) {
  Training training;
  training.provider = c.provider;
  training.title = c.title;
  training.completion_date = absl::FormatCivilTime(t.completion_date);
  training.kind = c.kind;
  training.course = FormatCourseName(c.exchange_id, c.id);
  return training;
}

absl::Status CheckGraduation(const Course& c, const Trainee& t, const Expert* expert) {
  const std::string name = FormatTraineeName(t.exchange_id, t.course_id, t.id);
  if (t.state != EnrolmentState::kCompleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is ", EnumName(t.state), ": only a COMPLETED trainee graduates"));
  }
  const std::string course = FormatCourseName(c.exchange_id, c.id);
  if (expert != nullptr &&
      std::any_of(
          expert->trainings.begin(), expert->trainings.end(),
          [&](const Training& training) { return training.course == course; })) {
    return absl::FailedPreconditionError(absl::StrCat(
        name,
        " has graduated already: ", ChildResourceName(t.exchange_id, "experts", t.expert_id)));
  }
  return absl::OkStatus();
}

Expert GraduatedExpert(const Course& c, const Trainee& t, Expert details) {
  details.display_name = t.display_name;
  details.email = t.email;
  details.phone = t.phone;
  if (details.home_municipality.empty()) details.home_municipality = t.home_municipality;
  details.consent = t.consent;
  AddTraining(details, GraduationTraining(c, t));
  return details;
}

void AddTraining(Expert& expert, Training training) {
  for (Training& t : expert.trainings) {
    if (!training.course.empty() && t.course == training.course) {
      t = std::move(training);
      return;
    }
  }
  expert.trainings.push_back(std::move(training));
}

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

TrainingFigures TrainingInPeriod(
    const std::vector<Course>& courses, const std::vector<Trainee>& trainees,
    const std::vector<TaskRecord>& tasks, absl::Time from, absl::Time to) {
  const absl::TimeZone helsinki = reference::HelsinkiTimeZone();
  const absl::CivilDay first = absl::ToCivilDay(from, helsinki);
  const absl::CivilDay end = absl::ToCivilDay(to - absl::Nanoseconds(1), helsinki) + 1;
  TrainingFigures f;
  std::set<std::string> graduates;
  for (const Trainee& t : trainees) {
    if (t.state != EnrolmentState::kCompleted) continue;
    if (t.completion_date >= first && t.completion_date < end) ++f.completed_in_period;
    if (!t.expert_id.empty() && t.completion_date < end) graduates.insert(t.expert_id);
  }
  std::set<std::string> worked;
  for (const TaskRecord& task : tasks) {
    if (task.state == AssignmentState::kCompleted && graduates.count(task.expert_id) > 0) {
      worked.insert(task.expert_id);
    }
  }
  for (const Course& c : courses) {
    if (std::any_of(c.sessions.begin(), c.sessions.end(), [&](const CourseSession& s) {
          return s.start_time >= from && s.start_time < to;
        })) {
      ++f.courses;
    }
  }
  f.graduates = static_cast<int>(graduates.size());
  f.graduates_with_task = static_cast<int>(worked.size());
  f.share_graduates_with_task =
      f.graduates == 0 ? 0 : std::round(1000.0 * f.graduates_with_task / f.graduates) / 10.0;
  return f;
}

TrainingReport TrainingReportFor(
    const std::vector<Course>& courses, const std::vector<Trainee>& trainees,
    const std::vector<TaskRecord>& tasks, absl::Time from, absl::Time to) {
  std::vector<TaskRecord> before_end, in_period;
  for (const TaskRecord& t : tasks) {
    if (t.start_time >= to) continue;
    before_end.push_back(t);
    if (t.start_time >= from) in_period.push_back(t);
  }
  TrainingReport report;
  report.period = TrainingInPeriod(courses, trainees, in_period, from, to);
  std::vector<const Course*> begun;
  for (const Course& c : courses) {
    if (!c.sessions.empty() && c.sessions.front().start_time < to) begun.push_back(&c);
  }
  std::stable_sort(begun.begin(), begun.end(), [](const Course* a, const Course* b) {
    return a->sessions.front().start_time < b->sessions.front().start_time;
  });
  for (const Course* c : begun) {
    std::vector<Trainee> cohort;
    for (const Trainee& t : trainees) {
      if (t.course_id != c->id) continue;
      cohort.push_back(t);
      // A completion after the period's end is not one yet.
      if (t.state == EnrolmentState::kCompleted &&
          absl::FromCivil(t.completion_date, reference::HelsinkiTimeZone()) >= to) {
        cohort.back().state = EnrolmentState::kEnrolled;
      }
    }
    report.cohorts.push_back({c->title, CohortOutcome(cohort, before_end)});
  }
  return report;
}

}  // namespace kokemus::domain
