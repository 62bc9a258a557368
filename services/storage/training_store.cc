#include "services/storage/training_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/enum_names.h"
#include "services/reference/calendar.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

using domain::Course;
using domain::Trainee;

constexpr char kCourseColumns[] =
    "exchange_id, id, kind, title, provider, sessions, trainers, capacity, "
    "min_attendance_percent, revision, create_time, update_time";
constexpr char kInsertCourse[] =
    "INSERT INTO courses (exchange_id, id, kind, title, provider, sessions, trainers, capacity, "
    "min_attendance_percent, revision, create_time, update_time) VALUES (:exchange_id, :id, "
    ":kind, :title, :provider, :sessions, :trainers, :capacity, :min_attendance_percent, "
    ":revision, :create_time, :update_time)";
constexpr char kTouchCourse[] =
    "UPDATE courses SET update_time = :update_time WHERE exchange_id = :exchange_id AND id = :id";
// With the expert's name from the registry (empty before she is one).
constexpr char kSelectTrainees[] =
    "SELECT t.exchange_id, t.course_id, t.id, t.state, t.completion_date, t.expert_id, "
    "COALESCE(e.display_name, ''), t.display_name, t.email, t.phone, t.home_municipality, "
    "t.consent_time, t.consent_notice_version, t.attended, t.create_time, t.update_time "
    "FROM trainees t LEFT JOIN experts e ON e.exchange_id = t.exchange_id AND e.id = t.expert_id "
    "WHERE t.exchange_id = :exchange_id";
constexpr char kOneCourse[] = " AND t.course_id = :course_id";
constexpr char kOneTrainee[] = " AND t.course_id = :course_id AND t.id = :id";
constexpr char kTraineeOrder[] = " ORDER BY t.course_id, t.id";
constexpr char kInsertTrainee[] =
    "INSERT INTO trainees (exchange_id, course_id, id, state, completion_date, expert_id, "
    "display_name, email, phone, home_municipality, consent_time, consent_notice_version, "
    "attended, create_time, update_time) VALUES (:exchange_id, :course_id, :id, :state, "
    ":completion_date, :expert_id, :display_name, :email, :phone, :home_municipality, "
    ":consent_time, :consent_notice_version, :attended, :create_time, :update_time)";
constexpr char kUpdateTrainee[] =
    "UPDATE trainees SET state = :state, completion_date = :completion_date, expert_id = "
    ":expert_id, display_name = :display_name, email = :email, phone = :phone, "
    "home_municipality = :home_municipality, attended = :attended, update_time = :update_time "
    "WHERE exchange_id = :exchange_id AND course_id = :course_id AND id = :id";

Course ReadCourse(const soci::row& row) {
  RowReader r(row);
  Course c;
  c.exchange_id = r.Text();
  c.id = r.Text();
  c.kind = r.Enum<domain::CourseKind>();
  c.title = r.Text();
  c.provider = r.Text();
  for (const Json& s : r.JsonValue()) {
    c.sessions.push_back(
        {absl::FromUnixMicros(s.at("start_time").get<long long>()),
         s.at("duration_minutes").get<int>(), s.at("topic").get<std::string>()});
  }
  for (const Json& t : r.JsonValue()) {
    c.trainers.push_back(
        {t.at("display_name").get<std::string>(), t.at("expert_id").get<std::string>()});
  }
  c.capacity = static_cast<int>(r.Int());
  c.min_attendance_percent = static_cast<int>(r.Int());
  c.meta.revision = r.Int();
  c.meta.create_time = r.Time();
  c.meta.update_time = r.Time();
  return c;
}

Trainee ReadTrainee(const soci::row& row) {
  RowReader r(row);
  Trainee t;
  t.exchange_id = r.Text();
  t.course_id = r.Text();
  t.id = r.Text();
  t.state = r.Enum<domain::EnrolmentState>();
  const std::string completed = r.Text();
  if (!completed.empty()) absl::ParseCivilTime(completed, &t.completion_date);
  t.expert_id = r.Text();
  t.expert_name = r.Text();
  t.display_name = r.Text();
  t.email = r.Text();
  t.phone = r.Text();
  t.home_municipality = r.Text();
  t.consent.given_time = r.Time();
  t.consent.notice_version = r.Text();
  t.attended = r.JsonValue().get<std::vector<int>>();
  t.meta.create_time = r.Time();
  t.meta.update_time = r.Time();
  return t;
}

std::string CompletionText(const Trainee& t) {
  return t.state == domain::EnrolmentState::kCompleted ? absl::FormatCivilTime(t.completion_date)
                                                       : "";
}

absl::StatusOr<Course> SelectCourse(
    soci::session& sql, const std::string& exchange_id, const std::string& id) {
  auto rows = Query<Course>(
      sql,
      absl::StrCat(
          "SELECT ", kCourseColumns, " FROM courses WHERE exchange_id = :exchange_id AND id = :id"),
      {exchange_id, id}, ReadCourse);
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat(domain::FormatCourseName(exchange_id, id), " not found"));
  }
  return std::move(rows.front());
}

// `course_id` "": every course's.
std::vector<Trainee> SelectTrainees(
    soci::session& sql, const std::string& exchange_id, const std::string& course_id) {
  Record values = {exchange_id};
  if (!course_id.empty()) values.push_back(course_id);
  return Query<Trainee>(
      sql, absl::StrCat(kSelectTrainees, course_id.empty() ? "" : kOneCourse, kTraineeOrder),
      std::move(values), ReadTrainee);
}

absl::StatusOr<Trainee> SelectTrainee(soci::session& sql, const domain::TraineeName& name) {
  auto rows = Query<Trainee>(
      sql, absl::StrCat(kSelectTrainees, kOneTrainee), {name.exchange_id, name.course_id, name.id},
      ReadTrainee);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(
        domain::FormatTraineeName(name.exchange_id, name.course_id, name.id), " not found"));
  }
  return std::move(rows.front());
}

// Writes a changed trainee and marks her course changed.
void StoreTrainee(soci::session& sql, Trainee& t, absl::Time now) {
  t.meta.update_time = std::max(now, t.meta.update_time);
  Execute(
      sql, kUpdateTrainee,
      {Name(t.state), CompletionText(t), t.expert_id, t.display_name, t.email, t.phone,
       t.home_municipality, Json(t.attended).dump(), Micros(t.meta.update_time), t.exchange_id,
       t.course_id, t.id});
  Execute(sql, kTouchCourse, {Micros(t.meta.update_time), t.exchange_id, t.course_id});
}

}  // namespace

absl::StatusOr<Course> TrainingStore::CreateCourse(Course course) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Course> {
    if (absl::Status s = CheckExchangeExists(sql, course.exchange_id); !s.ok()) return s;
    if (SelectCourse(sql, course.exchange_id, course.id).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(domain::FormatCourseName(course.exchange_id, course.id), " already exists"));
    }
    for (const domain::Trainer& t : course.trainers) {
      if (t.expert_id.empty()) continue;
      auto expert = registry_.GetIn<domain::Expert>(sql, {course.exchange_id, t.expert_id});
      if (!expert.ok()) return expert.status();
    }
    Json sessions = Json::array();
    for (const domain::CourseSession& s : course.sessions) {
      sessions.push_back(
          {{"start_time", Micros(s.start_time)},
           {"duration_minutes", s.duration_minutes},
           {"topic", s.topic}});
    }
    Json trainers = Json::array();
    for (const domain::Trainer& t : course.trainers) {
      trainers.push_back({{"display_name", t.display_name}, {"expert_id", t.expert_id}});
    }
    course.meta.revision = 1;
    course.meta.create_time = course.meta.update_time = db_.Now();
    Execute(
        sql, kInsertCourse,
        {course.exchange_id, course.id, Name(course.kind), course.title, course.provider,
         sessions.dump(), trainers.dump(), static_cast<long long>(course.capacity),
         static_cast<long long>(course.min_attendance_percent), course.meta.revision,
         Micros(course.meta.create_time), Micros(course.meta.update_time)});
    return course;
  });
}

absl::StatusOr<Course> TrainingStore::GetCourse(
    const std::string& exchange_id, const std::string& id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Course> {
    return SelectCourse(sql, exchange_id, id);
  });
}

absl::StatusOr<Page<Course>> TrainingStore::ListCourses(const domain::ListQuery& query) {
  auto exchange_id = domain::ParseExchangeName(query.scope, "parent");
  if (!exchange_id.ok()) return exchange_id.status();
  Page<Course> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, *exchange_id); !s.ok()) return s;
    page.items = Query<Course>(
        sql,
        absl::StrCat(
            "SELECT ", kCourseColumns,
            " FROM courses WHERE exchange_id = :exchange_id AND id > :after ORDER BY id LIMIT ",
            query.page_size + 1),
        {*exchange_id, query.after_id}, ReadCourse);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  FinishPage(page, query, [](const Course& c) { return c.id; });
  return page;
}

absl::StatusOr<std::vector<Trainee>> TrainingStore::Trainees(
    const std::string& exchange_id, const std::string& course_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::vector<Trainee>> {
    return SelectTrainees(sql, exchange_id, course_id);
  });
}

absl::StatusOr<std::pair<std::vector<Course>, std::vector<Trainee>>> TrainingStore::Everything(
    const std::string& exchange_id) {
  std::pair<std::vector<Course>, std::vector<Trainee>> out;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    out.first = Query<Course>(
        sql,
        absl::StrCat(
            "SELECT ", kCourseColumns,
            " FROM courses WHERE exchange_id = :exchange_id ORDER BY id"),
        {exchange_id}, ReadCourse);
    out.second = SelectTrainees(sql, exchange_id, "");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Trainee> TrainingStore::Enrol(Trainee trainee) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Trainee> {
    auto course = SelectCourse(sql, trainee.exchange_id, trainee.course_id);
    if (!course.ok()) return course.status();
    if (absl::Status s = domain::CheckEnrolment(
            *course, SelectTrainees(sql, trainee.exchange_id, trainee.course_id), trainee);
        !s.ok()) {
      return s;
    }
    if (!trainee.expert_id.empty()) {
      auto expert = registry_.GetIn<domain::Expert>(sql, {trainee.exchange_id, trainee.expert_id});
      if (!expert.ok()) return expert.status();
      trainee.expert_name = expert->display_name;
    }
    trainee.state = domain::EnrolmentState::kEnrolled;
    trainee.attended.clear();
    trainee.meta.create_time = trainee.meta.update_time = db_.Now();
    Execute(
        sql, kInsertTrainee,
        {trainee.exchange_id, trainee.course_id, trainee.id, Name(trainee.state), "",
         trainee.expert_id, trainee.display_name, trainee.email, trainee.phone,
         trainee.home_municipality, Micros(trainee.consent.given_time),
         trainee.consent.notice_version, "[]", Micros(trainee.meta.create_time),
         Micros(trainee.meta.update_time)});
    Execute(
        sql, kTouchCourse,
        {Micros(trainee.meta.update_time), trainee.exchange_id, trainee.course_id});
    return trainee;
  });
}

absl::StatusOr<std::pair<Course, std::vector<Trainee>>> TrainingStore::RecordAttendance(
    const std::string& exchange_id, const std::string& course_id, int session,
    const std::vector<std::string>& present) {
  return db_.Write(
      [&](soci::session& sql) -> absl::StatusOr<std::pair<Course, std::vector<Trainee>>> {
        auto course = SelectCourse(sql, exchange_id, course_id);
        if (!course.ok()) return course.status();
        std::vector<Trainee> trainees = SelectTrainees(sql, exchange_id, course_id);
        const absl::Time now = db_.Now();
        auto changed = domain::RecordSessionAttendance(*course, trainees, session, present, now);
        if (!changed.ok()) return changed.status();
        for (size_t i : *changed) StoreTrainee(sql, trainees[i], now);
        if (!changed->empty()) course->meta.update_time = std::max(now, course->meta.update_time);
        return std::make_pair(*std::move(course), std::move(trainees));
      });
}

absl::StatusOr<Trainee> TrainingStore::ChangeState(
    const domain::TraineeName& name, domain::EnrolmentState to,
    const std::string& completion_date) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Trainee> {
    auto course = SelectCourse(sql, name.exchange_id, name.course_id);
    if (!course.ok()) return course.status();
    auto trainee = SelectTrainee(sql, name);
    if (!trainee.ok()) return trainee.status();
    const absl::Time now = db_.Now();
    if (absl::Status s = domain::ChangeTraineeState(
            *course, *trainee, to, completion_date,
            absl::ToCivilDay(now, reference::HelsinkiTimeZone()));
        !s.ok()) {
      return s;
    }
    StoreTrainee(sql, *trainee, now);
    return *trainee;
  });
}

absl::StatusOr<std::pair<domain::Expert, Trainee>> TrainingStore::Graduate(
    const domain::TraineeName& name,
    const std::function<absl::StatusOr<domain::Expert>(const Course&, const Trainee&)>&
        make_expert) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<std::pair<domain::Expert, Trainee>> {
    auto course = SelectCourse(sql, name.exchange_id, name.course_id);
    if (!course.ok()) return course.status();
    auto trainee = SelectTrainee(sql, name);
    if (!trainee.ok()) return trainee.status();
    absl::StatusOr<domain::Expert> expert;
    if (!trainee->expert_id.empty()) {
      auto current = registry_.GetIn<domain::Expert>(sql, {name.exchange_id, trainee->expert_id});
      if (!current.ok()) return current.status();
      if (absl::Status s = domain::CheckGraduation(*course, *trainee, &*current); !s.ok()) return s;
      domain::Expert updated = *current;
      domain::AddTraining(updated, domain::GraduationTraining(*course, *trainee));
      expert = registry_.UpdateIn(sql, std::move(updated), current->meta.revision);
    } else {
      if (absl::Status s = domain::CheckGraduation(*course, *trainee, nullptr); !s.ok()) return s;
      auto made = make_expert(*course, *trainee);
      if (!made.ok()) return made.status();
      expert = registry_.CreateIn(sql, *std::move(made), {});
    }
    if (!expert.ok()) return expert.status();
    // Her details live in the registry from now on.
    trainee->expert_id = expert->id;
    trainee->expert_name = expert->display_name;
    trainee->display_name.clear();
    trainee->email.clear();
    trainee->phone.clear();
    trainee->home_municipality.clear();
    StoreTrainee(sql, *trainee, db_.Now());
    return std::make_pair(*std::move(expert), *std::move(trainee));
  });
}

}  // namespace kokemus::storage
