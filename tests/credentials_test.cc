// Credentials that expire and training cohorts' outcomes (issue 21): a school
// order leaves out an expert whose criminal-record extract was seen 13 months
// before the task when the rule is 12, with the reason; the 30-day notice;
// required trainings; and a cohort of 20 (2 dropped out, 18 completed, 10 of
// them working within 12 months: 55.6 %).
#include "services/domain/credentials.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/annual_report.h"
#include "services/domain/cohorts.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Credential Extract(absl::CivilDay seen) {
  Credential c;
  c.kind = CredentialKind::kCriminalRecordExtractSeen;
  c.valid_from = seen;
  c.seen_by = "Maija Meikäläinen, koordinaattori";
  return c;
}

Credential Training(CourseKind course, absl::CivilDay done) {
  Credential c;
  c.kind = CredentialKind::kTraining;
  c.course = course;
  c.valid_from = done;
  return c;
}

// Schools and child protection: the extract seen within the last 12 months.
CredentialRequirement ExtractForChildren() {
  CredentialRequirement r;
  r.kind = CredentialKind::kCriminalRecordExtractSeen;
  r.orderer_kinds = {OrganizationKind::kEducationalInstitution, OrganizationKind::kChildProtection};
  r.max_age_months = 12;
  return r;
}

TEST(Calendar, MonthsLaterEndsOnTheSameDayOrTheMonthsLastDay) {
  EXPECT_EQ(reference::MonthsLater(absl::CivilDay(2025, 10, 1), 12), absl::CivilDay(2026, 10, 1));
  EXPECT_EQ(reference::MonthsLater(absl::CivilDay(2026, 8, 31), 6), absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(reference::MonthsLater(absl::CivilDay(2024, 2, 29), 12), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(reference::MonthsLater(absl::CivilDay(2027, 8, 31), 6), absl::CivilDay(2028, 2, 29));
}

TEST(Credentials, ASchoolOrderNeedsTheExtractSeenWithinTwelveMonths) {
  const std::vector<CredentialRequirement> rules = {ExtractForChildren()};
  const absl::CivilDay task(2026, 11, 12);
  // Seen 13 months before: left out, with the rule and the reason.
  auto gap = MissingCredential(
      {Extract(absl::CivilDay(2025, 10, 12))}, rules, Role::kLecturer,
      OrganizationKind::kEducationalInstitution, task);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(gap->requirement, &rules[0]);
  EXPECT_EQ(
      gap->reason,
      "the criminal-record extract seen of 2025-10-12 counts until 2026-10-11, before the task "
      "on 2026-11-12 (required for all tasks at EDUCATIONAL_INSTITUTION/CHILD_PROTECTION, within "
      "12 months)");
  // Seen 11 months before: fine; the last valid day is the day before the anniversary.
  EXPECT_FALSE(MissingCredential(
                   {Extract(absl::CivilDay(2025, 12, 12))}, rules, Role::kLecturer,
                   OrganizationKind::kEducationalInstitution, task)
                   .has_value());
  const Credential boundary = Extract(absl::CivilDay(2025, 11, 12));
  EXPECT_TRUE(Meets(boundary, rules[0], absl::CivilDay(2026, 11, 11)));
  EXPECT_FALSE(Meets(boundary, rules[0], absl::CivilDay(2026, 11, 12)));
  // An old one and a fresh one: the fresh one counts.
  EXPECT_FALSE(MissingCredential(
                   {Extract(absl::CivilDay(2024, 1, 5)), Extract(absl::CivilDay(2026, 3, 1))},
                   rules, Role::kLecturer, OrganizationKind::kChildProtection, task)
                   .has_value());
  // None at all.
  gap = MissingCredential({}, rules, Role::kPeerSupport, OrganizationKind::kChildProtection, task);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(
      gap->reason,
      "no criminal-record extract seen (required for all tasks at "
      "EDUCATIONAL_INSTITUTION/CHILD_PROTECTION, within 12 months)");
  // Seen only after the task's day.
  gap = MissingCredential(
      {Extract(absl::CivilDay(2026, 11, 20))}, rules, Role::kLecturer,
      OrganizationKind::kEducationalInstitution, task);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(
      gap->reason,
      "the criminal-record extract seen counts from 2026-11-20, after the task on 2026-11-12 "
      "(required for all tasks at EDUCATIONAL_INSTITUTION/CHILD_PROTECTION, within 12 months)");
  // Other orderers do not ask for it.
  EXPECT_FALSE(
      MissingCredential({}, rules, Role::kLecturer, OrganizationKind::kAdultSocialWork, task)
          .has_value());
}

TEST(Credentials, SomeRolesNeedAFurtherTrainingWhichMayHaveAnEnd) {
  CredentialRequirement further;
  further.kind = CredentialKind::kTraining;
  further.course = CourseKind::kFurther;
  further.roles = {Role::kPeerSupport};
  const std::vector<CredentialRequirement> rules = {further};
  const absl::CivilDay task(2026, 11, 12);
  const std::vector<Credential> basic_only = {
      Training(CourseKind::kBasic, absl::CivilDay(2024, 5, 31))};
  auto gap = MissingCredential(
      basic_only, rules, Role::kPeerSupport, OrganizationKind::kAdultSocialWork, task);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(gap->reason, "no FURTHER training (required for PEER_SUPPORT tasks)");
  EXPECT_FALSE(MissingCredential(
                   basic_only, rules, Role::kLecturer, OrganizationKind::kAdultSocialWork, task)
                   .has_value());
  Credential dated = Training(CourseKind::kFurther, absl::CivilDay(2025, 1, 15));
  dated.valid_until = absl::CivilDay(2026, 6, 30);
  gap = MissingCredential(
      {dated}, rules, Role::kPeerSupport, OrganizationKind::kAdultSocialWork, task);
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(
      gap->reason,
      "the FURTHER training of 2025-01-15 counts until 2026-06-30, before the task on 2026-11-12 "
      "(required for PEER_SUPPORT tasks)");
  EXPECT_EQ(LastValidDay(dated, further), absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(
      LastValidDay(Training(CourseKind::kFurther, absl::CivilDay(2025, 1, 15)), further),
      std::nullopt);
  EXPECT_EQ(
      LastValidDay(Training(CourseKind::kBasic, absl::CivilDay(2025, 1, 15)), further),
      std::nullopt);
}

TEST(Credentials, TheNoticeIsDueThirtyDaysBeforeOneStopsCounting) {
  const std::vector<CredentialRequirement> rules = {ExtractForChildren()};
  // Seen 1.1.2026: counts until 31.12.2026, stops counting on 1.1.2027.
  const std::vector<Credential> held = {
      Extract(absl::CivilDay(2026, 1, 1)),
      Training(CourseKind::kBasic, absl::CivilDay(2024, 5, 31))};
  EXPECT_THAT(LapsingCredentials(held, rules, absl::CivilDay(2026, 12, 1)), IsEmpty());
  const auto due = LapsingCredentials(held, rules, absl::CivilDay(2026, 12, 2));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].credential, 0u);
  EXPECT_EQ(due[0].last_valid, absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(due[0].what, "criminal-record extract seen");
  EXPECT_EQ(LapsingCredentials(held, rules, absl::CivilDay(2026, 12, 31)).size(), 1u);
  EXPECT_THAT(LapsingCredentials(held, rules, absl::CivilDay(2027, 1, 1)), IsEmpty());
  // Seen again: no notice for the old one.
  std::vector<Credential> renewed = held;
  renewed.push_back(Extract(absl::CivilDay(2026, 12, 10)));
  EXPECT_THAT(LapsingCredentials(renewed, rules, absl::CivilDay(2026, 12, 15)), IsEmpty());
  // No requirement about it: never lapses.
  EXPECT_THAT(LapsingCredentials(held, {}, absl::CivilDay(2026, 12, 15)), IsEmpty());
}

TEST(Credentials, BadCredentialsAndRequirementsAreNamed) {
  Credential extract = Extract(absl::CivilDay(2026, 1, 1));
  extract.seen_by = "";
  extract.course = CourseKind::kBasic;
  extract.valid_until = absl::CivilDay(2025, 12, 31);
  FieldViolations v;
  ValidateCredential(extract, "expert.credentials[0]", v);
  std::vector<std::string> fields;
  for (const auto& f : v.list()) fields.push_back(f.field + ": " + f.description);
  EXPECT_THAT(
      fields, ElementsAre(
                  "expert.credentials[0].course: is only for a TRAINING",
                  "expert.credentials[0].valid_until: must not be before valid_from",
                  "expert.credentials[0].seen_by: is required"));
  Credential training = Training(CourseKind::kUnspecified, absl::CivilDay(2026, 1, 1));
  training.seen_by = "x";
  FieldViolations t;
  ValidateCredential(training, "c", t);
  ASSERT_EQ(t.list().size(), 2u);
  EXPECT_EQ(t.list()[0].description, "must be BASIC, FURTHER, PEER_MENTOR or OTHER");
  EXPECT_EQ(t.list()[1].description, "is only for CRIMINAL_RECORD_EXTRACT_SEEN");

  CredentialRequirement r = ExtractForChildren();
  r.max_age_months = 121;
  r.roles = {Role::kUnspecified};
  FieldViolations rv;
  ValidateCredentialRequirement(r, "exchange.credential_requirements[0]", rv);
  fields.clear();
  for (const auto& f : rv.list()) fields.push_back(f.field + ": " + f.description);
  EXPECT_THAT(
      fields, ElementsAre(
                  "exchange.credential_requirements[0].roles[0]: unknown role",
                  "exchange.credential_requirements[0].max_age_months: must be from 0 (no age "
                  "limit) to 120"));
  FieldViolations ok;
  ValidateCredentialRequirement(ExtractForChildren(), "r", ok);
  ValidateCredential(Extract(absl::CivilDay(2026, 1, 1)), "c", ok);
  EXPECT_TRUE(ok.empty());
}

absl::Time HelsinkiNoon(absl::CivilDay d) {
  return absl::FromCivil(
      absl::CivilHour(d.year(), d.month(), d.day(), 12), reference::HelsinkiTimeZone());
}

TaskRecord Task(
    const std::string& expert, absl::CivilDay day,
    AssignmentState state = AssignmentState::kCompleted) {
  TaskRecord t;
  t.expert_id = expert;
  t.state = state;
  t.start_time = HelsinkiNoon(day);
  t.minutes = 90;
  return t;
}

// 20 trainees: 2 drop out, 18 complete on 31.5.2026 and are graduated into the
// registry; t0-t6 work within 6 months, t7-t9 within 12, t10 only after 12
// months; t11 only before completing and in a cancelled task.
TEST(Cohorts, TheFiguresOfACohortOfTwenty) {
  std::vector<Trainee> cohort;
  for (int i = 0; i < 20; ++i) {
    Trainee t;
    t.id = absl::StrCat("t", i);
    t.state = i >= 18 ? EnrolmentState::kDropped : EnrolmentState::kCompleted;
    if (i < 18) {
      t.completion_date = absl::CivilDay(2026, 5, 31);
      t.expert_id = absl::StrCat("e", i);
    }
    cohort.push_back(t);
  }
  std::vector<TaskRecord> tasks;
  for (int i = 0; i < 6; ++i)
    tasks.push_back(Task(absl::StrCat("e", i), absl::CivilDay(2026, 9, 1 + i)));
  // Six months from 31.5. end with 29.11. (30.11. is the "same day": the
  // first day after them).
  tasks.push_back(Task("e6", absl::CivilDay(2026, 11, 29)));
  tasks.push_back(Task("e7", absl::CivilDay(2026, 11, 30)));
  for (int i = 7; i < 10; ++i)
    tasks.push_back(Task(absl::StrCat("e", i), absl::CivilDay(2027, 5, 30)));
  tasks.push_back(Task("e10", absl::CivilDay(2027, 5, 31)));  // 12 months on the day: not within
  tasks.push_back(Task("e11", absl::CivilDay(2026, 5, 30)));  // before completing
  tasks.push_back(Task("e11", absl::CivilDay(2026, 10, 1), AssignmentState::kCancelled));
  tasks.push_back(Task("stranger", absl::CivilDay(2026, 10, 1)));
  const CohortFigures f = CohortOutcome(cohort, tasks);
  EXPECT_EQ(f.enrolled, 20);
  EXPECT_EQ(f.dropped, 2);
  EXPECT_EQ(f.completed, 18);
  EXPECT_EQ(f.in_registry, 18);
  EXPECT_EQ(f.worked_within_6_months, 7);
  EXPECT_EQ(f.worked_within_12_months, 10);
  EXPECT_EQ(f.tasks, 12);
  EXPECT_DOUBLE_EQ(f.hours, 18.0);
  EXPECT_DOUBLE_EQ(f.share_worked_12_months, 55.6);
}

Course TenWeeks() {
  Course c;
  c.exchange_id = "ph";
  c.id = "kevat";
  c.kind = CourseKind::kBasic;
  c.title = "Kokemusasiantuntijakoulutus";
  c.provider = "Lahden Klubitalo";
  c.capacity = 2;
  c.min_attendance_percent = 80;
  for (int w = 0; w < 10; ++w) {
    c.sessions.push_back(
        {absl::FromCivil(absl::CivilHour(2025, 1, 14 + 7 * w, 10), reference::HelsinkiTimeZone()),
         180, ""});
  }
  return c;
}

TEST(Courses, SessionsMustNotOverlapAndTheCourseHasRoom) {
  Course c = TenWeeks();
  c.sessions[1].start_time = c.sessions[0].start_time + absl::Minutes(120);
  FieldViolations v;
  ValidateCourse(c, "course", v);
  ASSERT_EQ(v.list().size(), 1u);
  EXPECT_EQ(
      v.ToStatus().message(),
      "invalid request: course.sessions[1].start_time: overlaps the session before it");
  // Two places: one taken, one dropped out (not counted); an expert once.
  std::vector<Trainee> others(2);
  others[0].id = "aino";
  others[0].exchange_id = others[1].exchange_id = "ph";
  others[0].course_id = others[1].course_id = "kevat";
  others[0].state = EnrolmentState::kEnrolled;
  others[0].expert_id = "aino";
  others[1].id = "bert";
  others[1].state = EnrolmentState::kDropped;
  Trainee cilla;
  cilla.exchange_id = "ph";
  cilla.course_id = "kevat";
  cilla.id = "cilla";
  EXPECT_TRUE(CheckEnrolment(c, others, cilla).ok());
  Trainee aino_again = cilla;
  aino_again.expert_id = "aino";
  const absl::Status twice = CheckEnrolment(c, others, aino_again);
  EXPECT_EQ(twice.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(
      twice.message(),
      "exchanges/ph/experts/aino is on the course already as exchanges/ph/courses/kevat/trainees/"
      "aino");
  EXPECT_EQ(
      CheckEnrolment(c, others, others[1]).message(),
      "exchanges/ph/courses/kevat/trainees/bert already exists");
  others.push_back(cilla);
  others.back().state = EnrolmentState::kEnrolled;
  Trainee dan = cilla;
  dan.id = "dan";
  const absl::Status full = CheckEnrolment(c, others, dan);
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(full.message(), "exchanges/ph/courses/kevat is full: 2 of 2 places taken");
}

TEST(Courses, ASessionsAttendanceIsRecordedForTheNamedOnly) {
  const Course c = TenWeeks();
  std::vector<Trainee> trainees(3);
  for (size_t i = 0; i < trainees.size(); ++i) {
    trainees[i].exchange_id = "ph";
    trainees[i].course_id = "kevat";
    trainees[i].id = std::string(1, static_cast<char>('a' + i));
    trainees[i].state = EnrolmentState::kEnrolled;
  }
  trainees[1].attended = {1};
  trainees[2].state = EnrolmentState::kDropped;
  const absl::Time after_first = c.sessions[0].start_time + absl::Hours(1);
  auto changed = RecordSessionAttendance(c, trainees, 1, {"a"}, after_first);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_THAT(*changed, ElementsAre(0u, 1u));  // a came, b's mark was taken back
  EXPECT_THAT(trainees[0].attended, ElementsAre(1));
  EXPECT_THAT(trainees[1].attended, IsEmpty());
  EXPECT_EQ(
      RecordSessionAttendance(c, trainees, 1, {"a", "a"}, after_first).status().message(),
      "invalid request: present[1]: is named twice");
  EXPECT_EQ(
      RecordSessionAttendance(c, trainees, 1, {"x"}, after_first).status().message(),
      "invalid request: present[0]: is not a trainee of exchanges/ph/courses/kevat");
  EXPECT_EQ(
      RecordSessionAttendance(c, trainees, 1, {"c"}, after_first).status().message(),
      "exchanges/ph/courses/kevat/trainees/c dropped out of the course");
  EXPECT_EQ(
      RecordSessionAttendance(c, trainees, 11, {}, after_first).status().message(),
      "invalid request: session: must be a session of the course, 1 to 10");
  EXPECT_EQ(
      RecordSessionAttendance(c, trainees, 2, {"a"}, after_first).status().message(),
      "session 2 has not started yet");
}

TEST(Courses, CompletingNeedsTheAttendanceAndDroppingErasesTheDetails) {
  const Course c = TenWeeks();
  Trainee t;
  t.exchange_id = "ph";
  t.course_id = "kevat";
  t.id = "aino";
  t.state = EnrolmentState::kEnrolled;
  t.display_name = "Aino";
  t.email = "aino@example.fi";
  for (int s = 1; s <= 7; ++s) MarkAttendance(t, s, true);
  MarkAttendance(t, 3, true);  // twice: once
  EXPECT_EQ(AttendancePercent(c, t), 70);
  const absl::CivilDay today(2025, 3, 25);
  EXPECT_EQ(
      ChangeTraineeState(c, t, EnrolmentState::kCompleted, "2025-03-25", today).message(),
      "exchanges/ph/courses/kevat/trainees/aino attended 7 of 10 sessions (70 %); the course "
      "asks for 80 %");
  MarkAttendance(t, 8, true);
  EXPECT_EQ(
      ChangeTraineeState(c, t, EnrolmentState::kCompleted, "2025-01-13", today).message(),
      "invalid request: completion_date: must not be before the course's first session on "
      "2025-01-14");
  EXPECT_EQ(
      ChangeTraineeState(c, t, EnrolmentState::kEnrolled, "", today).message(),
      "invalid request: state: must be COMPLETED or DROPPED");
  ASSERT_TRUE(ChangeTraineeState(c, t, EnrolmentState::kCompleted, "2025-03-25", today).ok());
  EXPECT_EQ(t.completion_date, absl::CivilDay(2025, 3, 25));
  const struct Training training = GraduationTraining(c, t);
  struct Training expected;
  expected.provider = "Lahden Klubitalo";
  expected.title = "Kokemusasiantuntijakoulutus";
  expected.completion_date = "2025-03-25";
  expected.kind = CourseKind::kBasic;
  expected.course = "exchanges/ph/courses/kevat";
  EXPECT_EQ(training, expected);
  Expert details;
  details.home_municipality = "398";
  const Expert e = GraduatedExpert(c, t, details);
  EXPECT_EQ(e.display_name, "Aino");
  EXPECT_EQ(e.email, "aino@example.fi");
  ASSERT_EQ(e.trainings.size(), 1u);
  Expert twice = e;
  AddTraining(twice, training);
  EXPECT_EQ(twice.trainings.size(), 1u);  // the same course's training replaced
  EXPECT_EQ(ExpertCredentials(e).size(), 1u);
  EXPECT_EQ(ExpertCredentials(e)[0].course, CourseKind::kBasic);

  Trainee bert = t;
  bert.state = EnrolmentState::kEnrolled;
  ASSERT_TRUE(ChangeTraineeState(c, bert, EnrolmentState::kDropped, "", today).ok());
  EXPECT_EQ(bert.display_name, "");
  EXPECT_EQ(bert.email, "");
  EXPECT_EQ(
      CheckGraduation(c, bert, nullptr).message(),
      "exchanges/ph/courses/kevat/trainees/aino is DROPPED: only a COMPLETED trainee graduates");
  // Graduated: her record holds the course's training.
  t.expert_id = "aino";
  EXPECT_TRUE(CheckGraduation(c, t, nullptr).ok());
  EXPECT_EQ(
      CheckGraduation(c, t, &e).message(),
      "exchanges/ph/courses/kevat/trainees/aino has graduated already: exchanges/ph/experts/aino");
  Expert elsewhere = e;
  elsewhere.trainings[0].course = "exchanges/ph/courses/syksy";
  EXPECT_TRUE(CheckGraduation(c, t, &elsewhere).ok());
}

TEST(Courses, TrainedExpertsAtWorkInAPeriod) {
  std::vector<Trainee> trainees(3);
  trainees[0].state = trainees[1].state = EnrolmentState::kCompleted;
  trainees[0].completion_date = trainees[1].completion_date = absl::CivilDay(2025, 3, 25);
  trainees[0].expert_id = "a";
  trainees[1].expert_id = "b";
  trainees[2].state = EnrolmentState::kDropped;
  TaskRecord task;
  task.expert_id = "a";
  task.state = AssignmentState::kCompleted;
  const absl::TimeZone h = reference::HelsinkiTimeZone();
  const TrainingFigures f = TrainingInPeriod(
      {TenWeeks()}, trainees, {task}, absl::FromCivil(absl::CivilDay(2025, 3, 1), h),
      absl::FromCivil(absl::CivilDay(2025, 4, 1), h));
  EXPECT_EQ(f.graduates, 2);
  EXPECT_EQ(f.graduates_with_task, 1);
  EXPECT_DOUBLE_EQ(f.share_graduates_with_task, 50.0);
  EXPECT_EQ(f.courses, 1);  // its sessions of 4.3. and later
  EXPECT_EQ(f.completed_in_period, 2);
}

TEST(Courses, CredentialLabelsInThreeLanguages) {
  EXPECT_EQ(
      CredentialLabel(CredentialKind::kCriminalRecordExtractSeen, CourseKind::kUnspecified, "fi"),
      "Rikosrekisteriotteen tarkastus");
  EXPECT_EQ(
      CredentialLabel(CredentialKind::kTraining, CourseKind::kFurther, "sv"), "Fortbildningen");
  EXPECT_EQ(
      CredentialLabel(CredentialKind::kTraining, CourseKind::kPeerMentor, "en"),
      "The peer-mentor training");
}

// The year's report: a completion after the year's end is not one yet, and
// a task after it is not counted.
TEST(Courses, TheYearsTrainingSectionCountsToTheYearsEnd) {
  const absl::TimeZone h = reference::HelsinkiTimeZone();
  std::vector<Trainee> trainees(3);
  for (size_t i = 0; i < trainees.size(); ++i) {
    trainees[i].course_id = "kevat";
    trainees[i].state = EnrolmentState::kCompleted;
    trainees[i].expert_id = std::string(1, static_cast<char>('a' + i));
    trainees[i].completion_date = absl::CivilDay(2025, 3, 25);
  }
  trainees[2].completion_date = absl::CivilDay(2026, 1, 10);
  std::vector<TaskRecord> tasks(2);
  tasks[0].expert_id = "a";
  tasks[0].state = AssignmentState::kCompleted;
  tasks[0].start_time = absl::FromCivil(absl::CivilDay(2025, 5, 5), h);
  tasks[0].minutes = 90;
  tasks[1] = tasks[0];
  tasks[1].expert_id = "b";
  tasks[1].start_time = absl::FromCivil(absl::CivilDay(2026, 2, 2), h);
  const TrainingReport r = TrainingReportFor(
      {TenWeeks()}, trainees, tasks, absl::FromCivil(absl::CivilDay(2025, 1, 1), h),
      absl::FromCivil(absl::CivilDay(2026, 1, 1), h));
  EXPECT_EQ(r.period.graduates, 2);
  EXPECT_EQ(r.period.graduates_with_task, 1);
  ASSERT_EQ(r.cohorts.size(), 1u);
  EXPECT_EQ(r.cohorts[0].title, "Kokemusasiantuntijakoulutus");
  EXPECT_EQ(r.cohorts[0].figures.completed, 2);
  EXPECT_EQ(r.cohorts[0].figures.worked_within_12_months, 1);
  EXPECT_EQ(r.cohorts[0].figures.tasks, 1);

  const Document doc = AnnualReportDocument({"Päijät-Häme", 2025, "en"}, {}, {}, nullptr, &r);
  auto at = std::find_if(doc.blocks.begin(), doc.blocks.end(), [](const Block& b) {
    return b.kind == Block::Kind::kHeading && b.text == "Training";
  });
  ASSERT_NE(at, doc.blocks.end());
  EXPECT_EQ(
      (at + 1)->text,
      "1 of 2 experts who joined the registry from our courses had at least one task in 2025 "
      "(50.0\u00a0%).");
  EXPECT_THAT(
      (at + 2)->rows,
      ElementsAre(
          ElementsAre("Kokemusasiantuntijakoulutus", ""), ElementsAre("Enrolled", "3"),
          ElementsAre("Dropped out", "0"), ElementsAre("Completed", "2"),
          ElementsAre("Joined the registry", "2"), ElementsAre("Had a task within 6 months", "1"),
          ElementsAre("Had a task within 12 months", "1 (50.0\u00a0%)")));
  // Without courses there is no such section.
  const Document without = AnnualReportDocument({"Päijät-Häme", 2025, "en"}, {}, {});
  EXPECT_TRUE(std::none_of(without.blocks.begin(), without.blocks.end(), [](const Block& b) {
    return b.text == "Training";
  }));
}

}  // namespace
}  // namespace kokemus::domain
