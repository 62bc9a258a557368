// From trainee to expert over real gRPC on both databases (issue 21): a cohort
// of 20 enrolled with consent, attendance recorded, 2 dropping out (their
// contact details erased), 18 completing and graduating into the registry
// with the training as structured data, 10 of them placed on tasks through the
// API: the cohort's figures exact (completed 18, worked within 12 months 10,
// 55.6 %) in GetCourse, ListCourses and GetStatistics. A school order leaves
// out an expert whose criminal-record extract was seen 13 months before the
// task (rule: 12), with its own rule and reason; the 30-day notice goes out
// through the outbox to her and the coordinator by SMTP, once.
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "kokemus/v1/training_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using testing_support::Backend;
using testing_support::Violations;

absl::Time Helsinki(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), reference::HelsinkiTimeZone());
}

std::string Id(int i) { return absl::StrFormat("t%02d", i); }

class TrainingServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    training_ = v1::TrainingService::NewStub(server_.channel());
    orders_ = v1::OrderService::NewStub(server_.channel());
    matching_ = v1::MatchingService::NewStub(server_.channel());
    reports_ = v1::ReportService::NewStub(server_.channel());
    notifications_ = v1::NotificationService::NewStub(server_.channel());
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
  }

  // The basic training of spring 2025: ten weekly sessions from 14.1.
  grpc::Status CreateCourse(int capacity, v1::Course* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CreateCourseRequest req;
    req.set_parent("exchanges/ph");
    req.set_course_id("kevat-2025");
    v1::Course* c = req.mutable_course();
    c->set_kind(v1::COURSE_KIND_BASIC);
    c->set_title("Kokemusasiantuntijakoulutus kevät 2025");
    c->set_provider("Lahden Klubitalo");
    c->set_capacity(capacity);
    c->set_min_attendance_percent(80);
    for (int week = 0; week < 10; ++week) {
      v1::CourseSession* s = c->add_sessions();
      *s->mutable_start_time() = rpc::ToProto(Helsinki(2025, 1, 14) + absl::Hours(24 * 7 * week));
      s->set_duration_minutes(180);
      s->set_topic(absl::StrCat("Osa ", week + 1));
    }
    c->add_trainers()->set_display_name("Leena Lehtori, LAB-ammattikorkeakoulu");
    v1::CreateCourseResponse resp;
    grpc::Status s = training_->CreateCourse(&ctx, req, &resp);
    if (out != nullptr) *out = resp.course();
    return s;
  }

  grpc::Status Enrol(const std::string& id, v1::Trainee* out = nullptr) {
    grpc::ClientContext ctx;
    v1::EnrolTraineeRequest req;
    req.set_parent("exchanges/ph/courses/kevat-2025");
    req.set_trainee_id(id);
    v1::Trainee* t = req.mutable_trainee();
    t->set_display_name(absl::StrCat("Trainee ", id));
    t->set_email(absl::StrCat(id, "@example.fi"));
    t->set_home_municipality("398");
    *t->mutable_consent()->mutable_given_time() = rpc::ToProto(Helsinki(2025, 1, 2));
    t->mutable_consent()->set_notice_version("2025-1");
    v1::EnrolTraineeResponse resp;
    grpc::Status s = training_->EnrolTrainee(&ctx, req, &resp);
    if (out != nullptr) *out = resp.trainee();
    return s;
  }

  grpc::Status Attend(int session, const std::vector<std::string>& present) {
    grpc::ClientContext ctx;
    v1::RecordAttendanceRequest req;
    req.set_course("exchanges/ph/courses/kevat-2025");
    req.set_session(session);
    for (const std::string& p : present) req.add_present(p);
    v1::RecordAttendanceResponse resp;
    return training_->RecordAttendance(&ctx, req, &resp);
  }

  grpc::Status SetState(
      const std::string& id, v1::Trainee::State state, const std::string& date,
      v1::Trainee* out = nullptr) {
    grpc::ClientContext ctx;
    v1::SetTraineeStateRequest req;
    req.set_name("exchanges/ph/courses/kevat-2025/trainees/" + id);
    req.set_state(state);
    req.set_completion_date(date);
    v1::SetTraineeStateResponse resp;
    grpc::Status s = training_->SetTraineeState(&ctx, req, &resp);
    if (out != nullptr) *out = resp.trainee();
    return s;
  }

  grpc::Status Graduate(const std::string& id, v1::GraduateTraineeResponse* out = nullptr) {
    grpc::ClientContext ctx;
    v1::GraduateTraineeRequest req;
    req.set_name("exchanges/ph/courses/kevat-2025/trainees/" + id);
    req.set_expert_id(id);
    v1::Expert* e = req.mutable_expert();
    e->add_languages("fi");
    e->add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
    e->add_roles(v1::ROLE_LECTURER);
    e->set_payment_method(v1::PAYMENT_METHOD_INVOICE);
    e->set_max_travel_km(50);
    v1::GraduateTraineeResponse resp;
    grpc::Status s = training_->GraduateTrainee(&ctx, req, &resp);
    if (out != nullptr) *out = resp;
    return s;
  }

  v1::Course GetCourse() {
    grpc::ClientContext ctx;
    v1::GetCourseRequest req;
    req.set_name("exchanges/ph/courses/kevat-2025");
    v1::GetCourseResponse resp;
    grpc::Status s = training_->GetCourse(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.course();
  }

  // A 90-minute lecture for `expert` on `start`: ordered, offered, accepted
  // by her, confirmed, then completed after it.
  void Work(const std::string& order, const std::string& expert, absl::Time start) {
    clock_.Set(start - absl::Hours(24 * 7));
    testing_support::CreateOrder(
        *orders_, "ph", order, testing_support::SampleOrder("ph", "lyseo", start));
    testing_support::PlaceExpert(server_, *orders_, "ph", order, expert, start);
    clock_.Set(start + absl::Hours(3));
    grpc::ClientContext ctx;
    v1::CompleteAssignmentRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order, "/assignments/", expert));
    v1::CompleteAssignmentResponse resp;
    grpc::Status s = orders_->CompleteAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status UpdateExchange(const v1::Exchange& patch, const std::string& path) {
    grpc::ClientContext ctx;
    v1::UpdateExchangeRequest req;
    *req.mutable_exchange() = patch;
    req.mutable_exchange()->set_name("exchanges/ph");
    req.mutable_update_mask()->add_paths(path);
    v1::UpdateExchangeResponse resp;
    return server_.registry().UpdateExchange(&ctx, req, &resp);
  }

  // Schools and child protection: the extract seen within the last 12 months.
  void RequireExtractForChildren() {
    v1::Exchange patch;
    v1::CredentialRequirement* r = patch.add_credential_requirements();
    r->set_kind(v1::CREDENTIAL_KIND_CRIMINAL_RECORD_EXTRACT_SEEN);
    r->add_orderer_kinds(v1::ORGANIZATION_KIND_EDUCATIONAL_INSTITUTION);
    r->add_orderer_kinds(v1::ORGANIZATION_KIND_CHILD_PROTECTION);
    r->set_max_age_months(12);
    grpc::Status s = UpdateExchange(patch, "credential_requirements");
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void CreateExpertSeen(const std::string& id, const std::string& name, const std::string& seen) {
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id(id);
    *req.mutable_expert() = testing_support::SampleExpert();
    req.mutable_expert()->set_display_name(name);
    req.mutable_expert()->set_email(id + "@example.fi");
    req.mutable_expert()->mutable_criminal_record_extract_seen()->set_seen_date(seen);
    req.mutable_expert()->mutable_criminal_record_extract_seen()->set_seen_by(
        "Maija Meikäläinen, koordinaattori");
    v1::CreateExpertResponse resp;
    grpc::Status s = server_.registry().CreateExpert(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::vector<v1::Message> Lapsing() {
    return testing_support::MessagesOfKind(*notifications_, "ph", "CREDENTIAL_LAPSING");
  }

  domain::FakeClock clock_{Helsinki(2025, 1, 5)};
  const int smtp_port_ = testing_support::FreePort();
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        testing_support::MailToSink(options, smtp_port_);
                                        options.outbox.web_base_url = "http://127.0.0.1:1/";
                                      }};
  std::unique_ptr<v1::TrainingService::Stub> training_;
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::MatchingService::Stub> matching_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
};

TEST_P(TrainingServiceTest, ACohortOfTwentyFromEnrolmentToWork) {
  v1::Course course;
  ASSERT_TRUE(CreateCourse(20, &course).ok());
  EXPECT_EQ(course.name(), "exchanges/ph/courses/kevat-2025");
  EXPECT_EQ(course.sessions_size(), 10);
  for (int i = 1; i <= 20; ++i) ASSERT_TRUE(Enrol(Id(i)).ok()) << i;
  grpc::Status full = Enrol("t21");
  EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(full.error_message(), "exchanges/ph/courses/kevat-2025 is full: 20 of 20 places taken");
  // A session that has not started cannot be attended yet.
  grpc::Status early = Attend(1, {"t01"});
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(early.error_message(), "session 1 has not started yet");

  clock_.Set(Helsinki(2025, 3, 25, 16));
  std::vector<std::string> all, eighteen;
  for (int i = 1; i <= 20; ++i) all.push_back(Id(i));
  for (int i = 1; i <= 18; ++i) eighteen.push_back(Id(i));
  for (int session = 1; session <= 10; ++session) {
    ASSERT_TRUE(Attend(session, session <= 2 ? all : eighteen).ok()) << session;
  }
  grpc::Status unknown = Attend(3, {"t01", "nobody"});
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(unknown),
      ElementsAre(Pair("present[1]", "is not a trainee of exchanges/ph/courses/kevat-2025")));
  // Two sessions of ten are not the 80 % the course asks for.
  grpc::Status short_of = SetState("t19", v1::Trainee::STATE_COMPLETED, "2025-03-25");
  EXPECT_EQ(short_of.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      short_of.error_message(),
      "exchanges/ph/courses/kevat-2025/trainees/t19 attended 2 of 10 sessions (20 %); the course "
      "asks for 80 %");
  for (const char* dropped : {"t19", "t20"}) {
    v1::Trainee t;
    ASSERT_TRUE(SetState(dropped, v1::Trainee::STATE_DROPPED, "", &t).ok());
    EXPECT_EQ(t.state(), v1::Trainee::STATE_DROPPED);
    EXPECT_EQ(t.display_name(), "");
    EXPECT_EQ(t.email(), "");
    EXPECT_EQ(t.home_municipality(), "");
  }
  grpc::Status again = SetState("t19", v1::Trainee::STATE_COMPLETED, "2025-03-25");
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      again.error_message(),
      "exchanges/ph/courses/kevat-2025/trainees/t19 is DROPPED, not ENROLLED");
  grpc::Status future = SetState("t01", v1::Trainee::STATE_COMPLETED, "2025-03-26");
  EXPECT_THAT(
      Violations(future), ElementsAre(Pair("completion_date", "must not be in the future")));
  for (const std::string& id : eighteen) {
    v1::Trainee t;
    ASSERT_TRUE(SetState(id, v1::Trainee::STATE_COMPLETED, "2025-03-25", &t).ok()) << id;
    EXPECT_EQ(t.completion_date(), "2025-03-25");
    EXPECT_EQ(t.attended_sessions_size(), 10);
  }
  // Graduation: the registry record with the training as structured data.
  v1::GraduateTraineeResponse graduated;
  ASSERT_TRUE(Graduate("t01", &graduated).ok());
  const v1::Expert& first = graduated.expert();
  EXPECT_EQ(first.name(), "exchanges/ph/experts/t01");
  EXPECT_EQ(first.display_name(), "Trainee t01");
  EXPECT_EQ(first.email(), "t01@example.fi");
  EXPECT_EQ(first.home_municipality(), "398");
  EXPECT_EQ(first.consent().notice_version(), "2025-1");
  ASSERT_EQ(first.trainings_size(), 1);
  EXPECT_EQ(first.trainings(0).provider(), "Lahden Klubitalo");
  EXPECT_EQ(first.trainings(0).title(), "Kokemusasiantuntijakoulutus kevät 2025");
  EXPECT_EQ(first.trainings(0).completion_date(), "2025-03-25");
  EXPECT_EQ(first.trainings(0).kind(), v1::COURSE_KIND_BASIC);
  EXPECT_EQ(first.trainings(0).course(), "exchanges/ph/courses/kevat-2025");
  EXPECT_EQ(graduated.trainee().expert(), "exchanges/ph/experts/t01");
  EXPECT_EQ(graduated.trainee().display_name(), "Trainee t01");  // from her record
  EXPECT_EQ(graduated.trainee().email(), "");                    // kept there only
  grpc::Status twice = Graduate("t01");
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      twice.error_message(),
      "exchanges/ph/courses/kevat-2025/trainees/t01 has graduated already: "
      "exchanges/ph/experts/t01");
  grpc::Status dropped = Graduate("t20");
  EXPECT_EQ(dropped.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  for (int i = 2; i <= 18; ++i) ASSERT_TRUE(Graduate(Id(i)).ok()) << i;

  // 10 of them at work: 7 within 6 months of completing (before 25.9.2025),
  // 3 more within 12 (before 25.3.2026); two of them twice; one after 12
  // months only (not counted as working within 12, its task counted).
  int n = 0;
  for (int i = 1; i <= 7; ++i) {
    Work(absl::StrCat("o", ++n), Id(i), Helsinki(2025, 4 + (i % 5), 10 + i));
  }
  for (int i = 8; i <= 10; ++i) Work(absl::StrCat("o", ++n), Id(i), Helsinki(2026, 1, 10 + i));
  Work(absl::StrCat("o", ++n), Id(1), Helsinki(2025, 11, 5));
  Work(absl::StrCat("o", ++n), Id(2), Helsinki(2026, 2, 5));
  Work(absl::StrCat("o", ++n), Id(11), Helsinki(2026, 4, 2));
  clock_.Set(Helsinki(2026, 6, 1));

  const v1::Course now = GetCourse();
  const v1::CohortOutcome& o = now.outcome();
  EXPECT_EQ(o.enrolled(), 20);
  EXPECT_EQ(o.dropped(), 2);
  EXPECT_EQ(o.completed(), 18);
  EXPECT_EQ(o.in_registry(), 18);
  EXPECT_EQ(o.worked_within_6_months(), 7);
  EXPECT_EQ(o.worked_within_12_months(), 10);
  EXPECT_EQ(o.tasks(), 13);
  EXPECT_DOUBLE_EQ(o.hours(), 19.5);
  EXPECT_DOUBLE_EQ(o.share_worked_12_months(), 55.6);
  EXPECT_EQ(now.enrolled(), 18);
  ASSERT_EQ(now.trainees_size(), 20);
  EXPECT_EQ(now.trainees(0).display_name(), "Trainee t01");
  EXPECT_EQ(now.trainees(18).state(), v1::Trainee::STATE_DROPPED);

  {
    grpc::ClientContext ctx;
    v1::ListCoursesRequest req;
    req.set_parent("exchanges/ph");
    v1::ListCoursesResponse resp;
    ASSERT_TRUE(training_->ListCourses(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.courses_size(), 1);
    EXPECT_EQ(resp.courses(0).trainees_size(), 0);
    EXPECT_DOUBLE_EQ(resp.courses(0).outcome().share_worked_12_months(), 55.6);
  }
  // The exchange's trained experts at work in the year after the course.
  grpc::ClientContext ctx;
  v1::GetStatisticsRequest req;
  req.set_parent("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2025, 3, 26, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2026, 3, 26, 0));
  v1::GetStatisticsResponse stats;
  grpc::Status s = reports_->GetStatistics(&ctx, req, &stats);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(stats.training().graduates(), 18);
  EXPECT_EQ(stats.training().graduates_with_task(), 10);
  EXPECT_DOUBLE_EQ(stats.training().share_graduates_with_task(), 55.6);
  EXPECT_EQ(stats.training().courses(), 0);
  EXPECT_EQ(stats.training().completed_in_period(), 0);
  EXPECT_EQ(stats.total().figures().organizations(), 1);

  // The annual report of 2025: 7 of the 18 worked within the year (the other
  // three began in January 2026), and the cohort as of the year's end.
  grpc::ClientContext report_ctx;
  v1::RenderAnnualReportRequest report;
  report.set_parent("exchanges/ph");
  report.set_year(2025);
  report.set_language("fi");
  v1::RenderAnnualReportResponse pdf;
  s = reports_->RenderAnnualReport(&report_ctx, report, &pdf);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string text = testing_support::PdfText(pdf.content());
  EXPECT_THAT(
      text, HasSubstr("7/18kursseiltammerekisteriintulleestakokemusasiantuntijastatekivuonna2025"
                      "vähintäänyhdentehtävän(38,9%)."));
  EXPECT_THAT(
      text, HasSubstr("Kokemusasiantuntijakoulutuskevät2025Aloittaneita20Keskeyttäneitä2"
                      "Suorittaneita18Tulleitaasiantuntijarekisteriin18"
                      "Tehtäväntehneitä6kuukaudensisällä7Tehtäväntehneitä12kuukaudensisällä7"
                      "(38,9%)"));
}

TEST_P(TrainingServiceTest, BadCoursesAndTraineesAreRefusedNamingTheField) {
  grpc::ClientContext ctx;
  v1::CreateCourseRequest req;
  req.set_parent("exchanges/ph");
  req.set_course_id("Bad Id");
  req.mutable_course()->set_title("Kurssi");
  req.mutable_course()->set_capacity(0);
  req.mutable_course()->add_trainers();
  v1::CreateCourseResponse resp;
  grpc::Status s = training_->CreateCourse(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(
          Pair(
              "course_id",
              "must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending "
              "with a hyphen"),
          Pair("course.kind", "is required (must not be UNSPECIFIED)"),
          Pair("course.provider", "is required"),
          Pair("course.sessions", "at least one session is required"),
          Pair("course.trainers[0].display_name", "is required"),
          Pair("course.capacity", "must be between 1 and 200")));
  ASSERT_TRUE(CreateCourse(20).ok());
  EXPECT_EQ(CreateCourse(20).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  grpc::ClientContext enrol_ctx;
  v1::EnrolTraineeRequest enrol;
  enrol.set_parent("exchanges/ph/courses/kevat-2025");
  enrol.mutable_trainee()->set_display_name("Aino");
  enrol.mutable_trainee()->set_email("aino@");
  v1::EnrolTraineeResponse enrolled;
  grpc::Status bad = training_->EnrolTrainee(&enrol_ctx, enrol, &enrolled);
  EXPECT_THAT(
      Violations(bad),
      ElementsAre(
          Pair("trainee.email", "not a valid e-mail address"),
          Pair("trainee.consent.given_time", "is required: she consents to the course's records"),
          Pair("trainee.consent.notice_version", "is required")));
  EXPECT_TRUE(GetCourse().trainees().empty());  // nothing stored
}

TEST_P(TrainingServiceTest, AStaleExtractLeavesHerOutOfSchoolsAndSheIsToldAMonthAhead) {
  testing_support::SmtpSink sink(smtp_port_);
  clock_.Set(Helsinki(2026, 6, 1));
  RequireExtractForChildren();
  CreateExpertSeen("kaisa", "Kaisa Kokemus", "2025-10-12");
  CreateExpertSeen("ville", "Ville Väinö", "2026-05-20");
  testing_support::CreateOrder(
      *orders_, "ph", "koulu", testing_support::SampleOrder("ph", "lyseo", Helsinki(2026, 11, 12)));
  {
    grpc::ClientContext ctx;
    v1::RankExpertsRequest req;
    req.set_order("exchanges/ph/orders/koulu");
    v1::RankExpertsResponse resp;
    grpc::Status s = matching_->RankExperts(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(resp.candidates_size(), 1);
    EXPECT_EQ(resp.candidates(0).expert(), "exchanges/ph/experts/ville");
    ASSERT_EQ(resp.excluded_size(), 1);
    EXPECT_EQ(resp.excluded(0).expert(), "exchanges/ph/experts/kaisa");
    EXPECT_EQ(resp.excluded(0).rule(), v1::EXCLUSION_RULE_CREDENTIAL_MISSING);
    EXPECT_EQ(
        resp.excluded(0).reason(),
        "the criminal-record extract seen of 2025-10-12 counts until 2026-10-11, before the task "
        "on 2026-11-12 (required for all tasks at EDUCATIONAL_INSTITUTION/CHILD_PROTECTION, within "
        "12 months)");
  }
  {
    // Offered by hand, the rule is named unless overridden.
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent("exchanges/ph/orders/koulu");
    req.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *req.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(Helsinki(2026, 11, 1));
    v1::OfferAssignmentResponse resp;
    grpc::Status s = orders_->OfferAssignment(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(s.error_message(), HasSubstr("CREDENTIAL_MISSING"));
  }
  // Her extract counts until 11.10.2026: told on 12.9. (the 30 days from
  // then to that day, both included), once; Ville's counts until 19.5.2027.
  clock_.Set(Helsinki(2026, 9, 11, 9));
  server_.server().SweepNow();
  EXPECT_TRUE(Lapsing().empty());
  clock_.Set(Helsinki(2026, 9, 12, 9));
  server_.server().SweepNow();
  std::vector<v1::Message> told = Lapsing();
  ASSERT_EQ(told.size(), 2u);
  std::set<std::string> to;
  for (const v1::Message& m : told) to.insert(m.recipient());
  EXPECT_EQ(to, (std::set<std::string>{"kaisa@example.fi", "pankki@example.fi"}));
  // Delivered by e-mail over SMTP: which credential and its last day only.
  std::map<std::string, nlohmann::json> mails;
  for (size_t n = 2; n <= 12 && mails.size() < 2; ++n) {
    for (const auto& m : sink.Messages(n)) {
      if (absl::StartsWith(m["subject"].get<std::string>(), "Pätevyy")) {
        mails[m["to"].get<std::string>()] = m;
      }
    }
  }
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(
      mails["kaisa@example.fi"]["subject"], "Pätevyytesi vanhenee: Rikosrekisteriotteen tarkastus");
  EXPECT_THAT(
      mails["kaisa@example.fi"]["body"].get<std::string>(),
      HasSubstr("Rikosrekisteriotteen tarkastus on voimassa 11.10.2026 asti. Sen jälkeen sinulle "
                "ei tarjota tehtäviä, jotka sitä edellyttävät, ennen kuin se on uusittu."));
  EXPECT_EQ(
      mails["pankki@example.fi"]["subject"],
      "Pätevyys vanhenee: Kaisa Kokemus, Rikosrekisteriotteen tarkastus");
  EXPECT_THAT(
      mails["pankki@example.fi"]["body"].get<std::string>(),
      HasSubstr("Kaisa Kokemus: Rikosrekisteriotteen tarkastus on voimassa 11.10.2026 asti."));
  for (const auto& [address, m] : mails) {
    EXPECT_THAT(m["body"].get<std::string>(), ::testing::Not(HasSubstr("Maija"))) << address;
  }
  // Hours later the sweep finds the notice sent; once renewed, nothing is due.
  clock_.Set(Helsinki(2026, 9, 12, 12));
  server_.server().SweepNow();
  EXPECT_EQ(Lapsing().size(), 2u);
  {
    grpc::ClientContext ctx;
    v1::UpdateExpertRequest req;
    req.mutable_expert()->set_name("exchanges/ph/experts/kaisa");
    req.mutable_expert()->mutable_criminal_record_extract_seen()->set_seen_date("2026-09-12");
    req.mutable_expert()->mutable_criminal_record_extract_seen()->set_seen_by("Maija M.");
    req.mutable_update_mask()->add_paths("criminal_record_extract_seen");
    v1::UpdateExpertResponse resp;
    grpc::Status s = server_.registry().UpdateExpert(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.expert().criminal_record_extract_seen().seen_date(), "2026-09-12");
  }
  clock_.Set(Helsinki(2026, 10, 12, 9));  // the old one's first day past
  server_.server().SweepNow();
  EXPECT_EQ(Lapsing().size(), 2u);
  grpc::ClientContext ctx;
  v1::RankExpertsRequest req;
  req.set_order("exchanges/ph/orders/koulu");
  v1::RankExpertsResponse resp;
  grpc::Status s = matching_->RankExperts(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.candidates_size(), 2);  // she is offered school tasks again
}

INSTANTIATE_TEST_SUITE_P(
    Db, TrainingServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
