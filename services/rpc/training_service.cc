#include "services/rpc/training_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/domain/cohorts.h"
#include "services/domain/listing.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"

namespace kokemus::rpc {
namespace {

static_assert(static_cast<int>(domain::EnrolmentState::kCompleted) == v1::Trainee::STATE_COMPLETED);

domain::Course CourseFromProto(const v1::Course& p) {
  domain::Course c;
  c.kind = static_cast<domain::CourseKind>(p.kind());
  c.title = p.title();
  c.provider = p.provider();
  for (const v1::CourseSession& s : p.sessions()) {
    c.sessions.push_back(
        {s.has_start_time() ? FromProto(s.start_time()) : absl::UnixEpoch(), s.duration_minutes(),
         s.topic()});
  }
  for (const v1::Trainer& t : p.trainers()) {
    c.trainers.push_back({t.display_name(), t.expert()});
  }
  c.capacity = p.capacity();
  c.min_attendance_percent = p.min_attendance_percent();
  return c;
}

domain::Trainee TraineeFromProto(const v1::Trainee& p) {
  domain::Trainee t;
  t.display_name = p.display_name();
  t.email = p.email();
  t.phone = p.phone();
  t.home_municipality = p.home_municipality();
  if (p.consent().has_given_time()) t.consent.given_time = FromProto(p.consent().given_time());
  t.consent.notice_version = p.consent().notice_version();
  return t;
}

void OutcomeToProto(const domain::CohortFigures& f, v1::CohortOutcome& p) {
  p.set_enrolled(f.enrolled);
  p.set_dropped(f.dropped);
  p.set_completed(f.completed);
  p.set_in_registry(f.in_registry);
  p.set_worked_within_6_months(f.worked_within_6_months);
  p.set_worked_within_12_months(f.worked_within_12_months);
  p.set_tasks(f.tasks);
  p.set_hours(f.hours);
  p.set_share_worked_12_months(f.share_worked_12_months);
}

v1::Trainee TraineeProto(const domain::Trainee& t) {
  v1::Trainee p;
  p.set_name(domain::FormatTraineeName(t.exchange_id, t.course_id, t.id));
  p.set_display_name(t.display_name);
  p.set_email(t.email);
  p.set_phone(t.phone);
  p.set_home_municipality(t.home_municipality);
  if (!t.expert_id.empty()) {
    p.set_expert(domain::ChildResourceName(t.exchange_id, "experts", t.expert_id));
    p.set_display_name(t.expert_name);
  }
  if (t.consent.given_time != absl::UnixEpoch()) {
    *p.mutable_consent()->mutable_given_time() = ToProto(t.consent.given_time);
    p.mutable_consent()->set_notice_version(t.consent.notice_version);
  }
  p.set_state(static_cast<v1::Trainee::State>(t.state));
  if (t.state == domain::EnrolmentState::kCompleted) {
    p.set_completion_date(absl::FormatCivilTime(t.completion_date));
  }
  for (int session : t.attended) p.add_attended_sessions(session);
  *p.mutable_create_time() = ToProto(t.meta.create_time);
  *p.mutable_update_time() = ToProto(t.meta.update_time);
  return p;
}

// The course as the API shows it: its outcome, and with `with_trainees` its
// trainees.
v1::Course CourseProto(
    const domain::Course& c, const std::vector<domain::Trainee>& trainees,
    const std::vector<domain::TaskRecord>& tasks, bool with_trainees) {
  v1::Course p;
  p.set_name(domain::FormatCourseName(c.exchange_id, c.id));
  p.set_kind(static_cast<v1::CourseKind>(c.kind));
  p.set_title(c.title);
  p.set_provider(c.provider);
  for (const domain::CourseSession& s : c.sessions) {
    v1::CourseSession* out = p.add_sessions();
    *out->mutable_start_time() = ToProto(s.start_time);
    out->set_duration_minutes(s.duration_minutes);
    out->set_topic(s.topic);
  }
  for (const domain::Trainer& t : c.trainers) {
    v1::Trainer* out = p.add_trainers();
    out->set_display_name(t.display_name);
    if (!t.expert_id.empty()) {
      out->set_expert(domain::ChildResourceName(c.exchange_id, "experts", t.expert_id));
    }
  }
  p.set_capacity(c.capacity);
  p.set_min_attendance_percent(c.min_attendance_percent);
  std::vector<domain::Trainee> mine;
  for (const domain::Trainee& t : trainees) {
    if (t.course_id == c.id) mine.push_back(t);
  }
  p.set_enrolled(static_cast<int>(std::count_if(mine.begin(), mine.end(), [](const auto& t) {
    return t.state != domain::EnrolmentState::kDropped;
  })));
  OutcomeToProto(domain::CohortOutcome(mine, tasks), *p.mutable_outcome());
  if (with_trainees) {
    for (const domain::Trainee& t : mine) *p.add_trainees() = TraineeProto(t);
  }
  *p.mutable_create_time() = ToProto(c.meta.create_time);
  *p.mutable_update_time() = ToProto(c.meta.update_time);
  return p;
}

}  // namespace

grpc::Status TrainingService::CreateCourse(
    grpc::ServerContext* context, const v1::CreateCourseRequest* request,
    v1::CreateCourseResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/CreateCourse", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        domain::FieldViolations violations;
        domain::Course course = CourseFromProto(request->course());
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        course.exchange_id = *exchange_id;
        course.id = domain::IdOrGenerated(request->course_id(), "course_id", violations);
        for (int i = 0; i < request->course().trainers_size(); ++i) {
          const std::string& expert = request->course().trainers(i).expert();
          if (expert.empty()) continue;
          auto name = domain::ParseChildName(expert, "experts", "");
          if (!name.ok() || name->exchange_id != course.exchange_id) {
            violations.Add(
                absl::StrCat("course.trainers[", i, "].expert"),
                "must be an expert of the exchange, exchanges/{exchange}/experts/{expert}");
          } else {
            course.trainers[i].expert_id = name->id;
          }
        }
        domain::NormalizeCourse(course);
        domain::ValidateCourse(course, "course", violations);
        if (!violations.empty()) return violations.ToStatus();
        auto created = store_.CreateCourse(std::move(course));
        if (!created.ok()) return created.status();
        *response->mutable_course() = CourseProto(*created, {}, {}, true);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::GetCourse(
    grpc::ServerContext* context, const v1::GetCourseRequest* request,
    v1::GetCourseResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/GetCourse", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseCourseName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto course = store_.GetCourse(name->exchange_id, name->id);
        if (!course.ok()) return course.status();
        auto trainees = store_.Trainees(name->exchange_id, name->id);
        if (!trainees.ok()) return trainees.status();
        auto tasks = reports_.CohortTasks(name->exchange_id, *trainees, caller.now());
        if (!tasks.ok()) return tasks.status();
        *response->mutable_course() = CourseProto(*course, *trainees, *tasks, true);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::ListCourses(
    grpc::ServerContext* context, const v1::ListCoursesRequest* request,
    v1::ListCoursesResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/ListCourses", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto query = domain::ParseListQuery(
            request->parent(), "courses", request->page_size(), request->page_token(), "", {});
        if (!query.ok()) return query.status();
        auto page = store_.ListCourses(*query);
        if (!page.ok()) return page.status();
        auto trainees = store_.Trainees(*exchange_id, "");
        if (!trainees.ok()) return trainees.status();
        auto tasks = reports_.CohortTasks(*exchange_id, *trainees, caller.now());
        if (!tasks.ok()) return tasks.status();
        for (const domain::Course& c : page->items) {
          *response->add_courses() = CourseProto(c, *trainees, *tasks, false);
        }
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::EnrolTrainee(
    grpc::ServerContext* context, const v1::EnrolTraineeRequest* request,
    v1::EnrolTraineeResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/EnrolTrainee", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto course = domain::ParseCourseName(request->parent(), "parent");
        if (!course.ok()) return course.status();
        domain::FieldViolations violations;
        domain::Trainee trainee = TraineeFromProto(request->trainee());
        trainee.exchange_id = course->exchange_id;
        trainee.course_id = course->id;
        trainee.id = domain::IdOrGenerated(request->trainee_id(), "trainee_id", violations);
        if (!request->trainee().expert().empty()) {
          auto expert = domain::ParseChildName(request->trainee().expert(), "experts", "");
          if (!expert.ok() || expert->exchange_id != course->exchange_id) {
            violations.Add(
                "trainee.expert",
                "must be an expert of the course's exchange, "
                "exchanges/{exchange}/experts/{expert}");
          } else {
            trainee.expert_id = expert->id;
          }
        }
        caller.set_audit_resource(
            domain::FormatTraineeName(course->exchange_id, course->id, trainee.id));
        domain::NormalizeTrainee(trainee);
        domain::ValidateTrainee(trainee, absl::Now(), "trainee", violations);
        if (!violations.empty()) return violations.ToStatus();
        auto enrolled = store_.Enrol(std::move(trainee));
        if (!enrolled.ok()) return enrolled.status();
        *response->mutable_trainee() = TraineeProto(*enrolled);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::RecordAttendance(
    grpc::ServerContext* context, const v1::RecordAttendanceRequest* request,
    v1::RecordAttendanceResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/RecordAttendance", "course", request->course(),
      [&](Caller& caller) -> absl::Status {
        auto course = domain::ParseCourseName(request->course(), "course");
        if (!course.ok()) return course.status();
        // Ids or full names; the rules (on the course, not twice named as
        // present, not dropped out) are the domain's.
        std::vector<std::string> present;
        const std::string prefix = absl::StrCat(request->course(), "/trainees/");
        for (const std::string& given : request->present()) {
          absl::string_view id = given;
          absl::ConsumePrefix(&id, prefix);
          present.emplace_back(id);
        }
        auto recorded =
            store_.RecordAttendance(course->exchange_id, course->id, request->session(), present);
        if (!recorded.ok()) return recorded.status();
        auto tasks = reports_.CohortTasks(course->exchange_id, recorded->second, caller.now());
        if (!tasks.ok()) return tasks.status();
        *response->mutable_course() = CourseProto(recorded->first, recorded->second, *tasks, true);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::SetTraineeState(
    grpc::ServerContext* context, const v1::SetTraineeStateRequest* request,
    v1::SetTraineeStateResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/SetTraineeState", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto name = domain::ParseTraineeName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto changed = store_.ChangeState(
            *name, static_cast<domain::EnrolmentState>(request->state()),
            request->completion_date());
        if (!changed.ok()) return changed.status();
        *response->mutable_trainee() = TraineeProto(*changed);
        return absl::OkStatus();
      });
}

grpc::Status TrainingService::GraduateTrainee(
    grpc::ServerContext* context, const v1::GraduateTraineeRequest* request,
    v1::GraduateTraineeResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/GraduateTrainee", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto name = domain::ParseTraineeName(request->name(), "name");
        if (!name.ok()) return name.status();
        domain::FieldViolations id_violations;
        const std::string id =
            domain::IdOrGenerated(request->expert_id(), "expert_id", id_violations);
        if (!id_violations.empty()) return id_violations.ToStatus();
        auto graduated = store_.Graduate(
            *name,
            [&](const domain::Course& course,
                const domain::Trainee& trainee) -> absl::StatusOr<domain::Expert> {
              domain::Expert expert =
                  domain::GraduatedExpert(course, trainee, FromProto(request->expert()));
              expert.exchange_id = name->exchange_id;
              expert.id = id;
              domain::NormalizeExpert(expert);
              domain::FieldViolations violations;
              domain::ValidateExpert(expert, absl::Now(), "expert", violations);
              if (!violations.empty()) return violations.ToStatus();
              return expert;
            });
        if (!graduated.ok()) return graduated.status();
        *response->mutable_expert() = ToProto(graduated->first);
        *response->mutable_trainee() = TraineeProto(graduated->second);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
