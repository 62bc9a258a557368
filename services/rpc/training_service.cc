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

// An id given, or a new one; INVALID_ARGUMENT naming `field` for a bad one.
absl::StatusOr<std::string> IdOrNew(const std::string& id, const std::string& field) {
  if (id.empty()) return domain::GenerateId();
  if (!domain::IsValidId(id)) {
    return domain::InvalidField(
        field,
        "must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a "
        "hyphen");
  }
  return id;
}

}  // namespace

absl::StatusOr<std::vector<domain::TaskRecord>> TrainingService::TasksSince(
    const std::string& exchange_id, const std::vector<domain::Trainee>& trainees) {
  std::optional<absl::CivilDay> first;
  for (const domain::Trainee& t : trainees) {
    if (t.state != domain::EnrolmentState::kCompleted) continue;
    if (!first || t.completion_date < *first) first = t.completion_date;
  }
  if (!first) return std::vector<domain::TaskRecord>();
  // Completed tasks have started: none lies past now and a day.
  return reports_.Tasks(
      exchange_id, absl::FromCivil(*first, reference::HelsinkiTimeZone()),
      absl::Now() + absl::Hours(24 * 400), false);
}

absl::StatusOr<v1::Trainee> TrainingService::TraineeProto(const domain::Trainee& t) {
  v1::Trainee p;
  p.set_name(domain::FormatTraineeName(t.exchange_id, t.course_id, t.id));
  p.set_display_name(t.display_name);
  p.set_email(t.email);
  p.set_phone(t.phone);
  p.set_home_municipality(t.home_municipality);
  if (!t.expert_id.empty()) {
    p.set_expert(domain::ChildResourceName(t.exchange_id, "experts", t.expert_id));
    auto expert = registry_.Get<domain::Expert>({t.exchange_id, t.expert_id});
    if (expert.ok()) p.set_display_name(expert->display_name);
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

absl::Status TrainingService::Fill(
    const domain::Course& c, const std::vector<domain::Trainee>& trainees,
    const std::vector<domain::TaskRecord>& tasks, bool with_trainees, v1::Course& p) {
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
    for (const domain::Trainee& t : mine) {
      auto trainee = TraineeProto(t);
      if (!trainee.ok()) return trainee.status();
      *p.add_trainees() = *std::move(trainee);
    }
  }
  *p.mutable_create_time() = ToProto(c.meta.create_time);
  *p.mutable_update_time() = ToProto(c.meta.update_time);
  return absl::OkStatus();
}

grpc::Status TrainingService::CreateCourse(
    grpc::ServerContext* context, const v1::CreateCourseRequest* request,
    v1::CreateCourseResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/CreateCourse", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        domain::FieldViolations violations;
        domain::Course course = CourseFromProto(request->course());
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (exchange_id.ok()) course.exchange_id = *exchange_id;
        if (!exchange_id.ok())
          violations.Add("parent", "must be a resource name exchanges/{exchange}");
        auto id = IdOrNew(request->course_id(), "course_id");
        if (id.ok()) course.id = *id;
        if (!id.ok()) violations.Add(id.status());
        for (int i = 0; i < request->course().trainers_size(); ++i) {
          const std::string& expert = request->course().trainers(i).expert();
          if (expert.empty()) continue;
          auto name = domain::ParseChildName(
              expert, "experts", absl::StrCat("course.trainers[", i, "].expert"));
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
        return Fill(*created, {}, {}, true, *response->mutable_course());
      });
}

grpc::Status TrainingService::GetCourse(
    grpc::ServerContext* context, const v1::GetCourseRequest* request,
    v1::GetCourseResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/GetCourse", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto name = domain::ParseCourseName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto course = store_.GetCourse(name->exchange_id, name->id);
        if (!course.ok()) return course.status();
        auto trainees = store_.Trainees(name->exchange_id, name->id);
        if (!trainees.ok()) return trainees.status();
        auto tasks = TasksSince(name->exchange_id, *trainees);
        if (!tasks.ok()) return tasks.status();
        return Fill(*course, *trainees, *tasks, true, *response->mutable_course());
      });
}

grpc::Status TrainingService::ListCourses(
    grpc::ServerContext* context, const v1::ListCoursesRequest* request,
    v1::ListCoursesResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/ListCourses", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto query = domain::ParseListQuery(
            request->parent(), "courses", request->page_size(), request->page_token(), "", {});
        if (!query.ok()) return query.status();
        auto page = store_.ListCourses(*query);
        if (!page.ok()) return page.status();
        auto everything = store_.Everything(*exchange_id);
        if (!everything.ok()) return everything.status();
        auto tasks = TasksSince(*exchange_id, everything->second);
        if (!tasks.ok()) return tasks.status();
        for (const domain::Course& c : page->items) {
          if (absl::Status s = Fill(c, everything->second, *tasks, false, *response->add_courses());
              !s.ok()) {
            return s;
          }
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
      [&](Caller& caller) -> absl::
                              Status {
    auto course = domain::ParseCourseName(request->parent(), "parent");
    if (!course.ok()) return course.status();
    domain::FieldViolations violations;
    domain::Trainee trainee = TraineeFromProto(request->trainee());
    trainee.exchange_id = course->exchange_id;
    trainee.course_id = course->id;
    auto id = IdOrNew(request->trainee_id(), "trainee_id");
    if (id.ok()) trainee.id = *id;
    if (!id.ok()) violations.Add("trainee_id", std::string(id.status().message()));
    if (!request->trainee().expert().empty()) {
      auto expert = domain::ParseChildName(request->trainee().expert(), "experts", "");
      if (!expert.ok() || expert->exchange_id != course->exchange_id) {
        violations.Add(
            "trainee.expert",
            "must be an expert of the course's exchange, exchanges/{exchange}/experts/{expert}");
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
    auto proto = TraineeProto(*enrolled);
    if (!proto.ok()) return proto.status();
    *response->mutable_trainee() = *std::move(proto);
    return absl::OkStatus();
      });
}

grpc::Status TrainingService::RecordAttendance(
    grpc::ServerContext* context, const v1::RecordAttendanceRequest* request,
    v1::RecordAttendanceResponse* response) {
  return guard_.Run(
      context, *request, "TrainingService/RecordAttendance", "course", request->course(),
      [&](Caller&) -> absl::Status {
        auto course = domain::ParseCourseName(request->course(), "course");
        if (!course.ok()) return course.status();
        std::vector<std::string> present;
        const std::string prefix = absl::StrCat(request->course(), "/trainees/");
        for (int i = 0; i < request->present_size(); ++i) {
          absl::string_view id = request->present(i);
          absl::ConsumePrefix(&id, prefix);
          if (!domain::IsValidId(id)) {
            return domain::InvalidField(
                absl::StrCat("present[", i, "]"),
                "must be a trainee's id or resource name on this course");
          }
          if (std::find(present.begin(), present.end(), id) != present.end()) {
            return domain::InvalidField(absl::StrCat("present[", i, "]"), "is named twice");
          }
          present.emplace_back(id);
        }
        auto trainees =
            store_.RecordAttendance(course->exchange_id, course->id, request->session(), present);
        if (!trainees.ok()) return trainees.status();
        auto stored = store_.GetCourse(course->exchange_id, course->id);
        if (!stored.ok()) return stored.status();
        auto tasks = TasksSince(course->exchange_id, *trainees);
        if (!tasks.ok()) return tasks.status();
        return Fill(*stored, *trainees, *tasks, true, *response->mutable_course());
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
        auto proto = TraineeProto(*changed);
        if (!proto.ok()) return proto.status();
        *response->mutable_trainee() = *std::move(proto);
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
        auto id = IdOrNew(request->expert_id(), "expert_id");
        if (!id.ok()) return id.status();
        auto graduated = store_.Graduate(
            *name,
            [&](const domain::Course& course,
                const domain::Trainee& trainee) -> absl::StatusOr<domain::Expert> {
              domain::Expert expert =
                  domain::GraduatedExpert(course, trainee, FromProto(request->expert()));
              expert.exchange_id = name->exchange_id;
              expert.id = *id;
              domain::NormalizeExpert(expert);
              domain::FieldViolations violations;
              domain::ValidateExpert(expert, absl::Now(), "expert", violations);
              if (!violations.empty()) return violations.ToStatus();
              return expert;
            });
        if (!graduated.ok()) return graduated.status();
        *response->mutable_expert() = ToProto(graduated->first);
        auto trainee = TraineeProto(graduated->second);
        if (!trainee.ok()) return trainee.status();
        *response->mutable_trainee() = *std::move(trainee);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
