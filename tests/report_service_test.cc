// ReportService over real gRPC on both databases with a synthetic year shaped
// like the seed figures (2021: 1,119 tasks, 84 of them in educational
// institutions). The past is written with SQL into the real tables (the API
// refuses orders in the past); every figure is asserted exactly.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/domain/orders.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "services/storage/database.h"
#include "services/storage/sql.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;

absl::Time Helsinki(int y, int m, int d, int hh) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), reference::HelsinkiTimeZone());
}

class ReportServiceTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    auto channel = server_.channel();
    reports_ = v1::ReportService::NewStub(channel);
    auto db = storage::Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  // An exchange with `experts` active trained experts (and two inactive),
  // the school "lyseo" and basic-services orderers "sos" and "paja".
  void CreateRegion(const std::string& exchange, int experts) {
    testing_support::CreateExchange(server_.registry(), exchange);
    for (int i = 0; i < experts + 2; ++i) {
      v1::Expert e = testing_support::SampleExpert();
      e.set_display_name(absl::StrCat("Asiantuntija ", i));
      auto* t = e.add_trainings();
      t->set_provider("MIELI ry");
      t->set_title("Kokemusasiantuntijakoulutus");
      t->set_completion_date("2020-05-31");
      if (i >= experts) e.set_state(v1::Expert::STATE_INACTIVE);
      testing_support::CreateExpert(server_.registry(), exchange, absl::StrCat("e", i), e);
    }
    for (const auto& [id, kind, sector] :
         {std::tuple{"lyseo", v1::ORGANIZATION_KIND_EDUCATIONAL_INSTITUTION, v1::SECTOR_EDUCATION},
          std::tuple{"sos", v1::ORGANIZATION_KIND_ADULT_SOCIAL_WORK, v1::SECTOR_PUBLIC},
          std::tuple{"paja", v1::ORGANIZATION_KIND_REHABILITATIVE_WORK, v1::SECTOR_NGO}}) {
      grpc::ClientContext ctx;
      v1::CreateOrganizationRequest req;
      req.set_parent("exchanges/" + exchange);
      req.set_organization_id(id);
      *req.mutable_organization() = testing_support::SampleOrganization();
      req.mutable_organization()->set_display_name(absl::StrCat("Org ", id, ", Lahti"));
      req.mutable_organization()->set_kind(kind);
      req.mutable_organization()->set_sector(sector);
      v1::CreateOrganizationResponse resp;
      ASSERT_TRUE(server_.registry().CreateOrganization(&ctx, req, &resp).ok());
    }
  }

  // One assignment (and its order) in the past, straight into the tables.
  void AddTask(
      const std::string& exchange, const std::string& id, const std::string& expert,
      const std::string& organization, absl::Time start, const std::string& role,
      const std::string& state = "COMPLETED", const std::string& cancelled_by = "UNSPECIFIED",
      int64_t fee = 15000, int64_t travel = 500) {
    const long long s = storage::Micros(start);
    const long long e = storage::Micros(start + absl::Minutes(90));
    ASSERT_TRUE(db_->Write(
                       [&](soci::session& sql) {
      storage::Execute(
          sql,
          "INSERT INTO orders (exchange_id, id, organization_id, role, topic, "
          "audience, audience_size, start_time, duration_minutes, "
          "preparation_minutes, remote, address, municipality, language, "
          "experience_areas, experts_needed, notes, state, cancelled_by, "
          "cancel_time, revision, create_time, update_time) VALUES (:x, :id, "
          ":org, :role, 'Tarina', 'STUDENTS', 30, :start, 90, 0, 0, '', '398', "
          "'fi', '[]', 1, '', 'COMPLETED', 'UNSPECIFIED', 0, 1, :c, :u)",
          {exchange, id, organization, role, s, s, s});
      storage::Execute(
          sql,
          "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
          "offer_deadline, start_time, end_time, block_end, "
          "actual_duration_minutes, fee_cents, travel_cents, travel_km, "
          "cancelled_by, cancel_time, revision, create_time, update_time) VALUES "
          "(:x, :o, 'a1', :expert, :state, :d, :s, :e, :b, 90, :fee, :travel, 10, "
          ":by, 0, 3, :c, :u)",
          {exchange, id, expert, state, s, s, e, e, fee, travel, cancelled_by, s, s});
      return absl::OkStatus();
    }).ok());
  }

  void AddFeedback(
      const std::string& exchange, const std::string& order, const std::string& source, int overall,
      int content, int heaviness, int safe) {
    ASSERT_TRUE(db_->Write(
                       [&](soci::session& sql) {
      storage::Execute(
          sql,
          "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
          "overall_rating, content_rating, heaviness, setting_safe, comment, "
          "create_time) VALUES (:x, :o, 'a1', :source, :overall, :content, "
          ":heaviness, :safe, '', 0)",
          {exchange, order, source, static_cast<long long>(overall),
           static_cast<long long>(content), static_cast<long long>(heaviness),
           static_cast<long long>(safe)});
      return absl::OkStatus();
    }).ok());
  }

  // 2021 in Päijät-Häme as the seed counts it: 1,119 tasks, 84 at the school;
  // 15 of the 20 active trained experts worked; six held assignments were
  // cancelled (three by the orderer with a 75 € fee).
  void LoadYear() {
    CreateRegion("ph", 20);
    for (int i = 0; i < 1119; ++i) {
      const std::string org = i < 84 ? "lyseo" : (i % 2 == 0 ? "sos" : "paja");
      const char* roles[] = {"LECTURER", "CO_DEVELOPER", "PEER_SUPPORT"};
      AddTask(
          "ph", absl::StrCat("t", i), absl::StrCat("e", i % 15), org,
          Helsinki(2021, 1 + i % 12, 1 + i % 28, 10), roles[i % 3]);
    }
    AddTask(
        "ph", "c1", "e0", "sos", Helsinki(2021, 3, 1, 12), "LECTURER", "CANCELLED", "ORDERER", 7500,
        0);
    AddTask(
        "ph", "c2", "e1", "sos", Helsinki(2021, 3, 2, 12), "LECTURER", "CANCELLED", "ORDERER", 7500,
        0);
    AddTask(
        "ph", "c3", "e2", "lyseo", Helsinki(2021, 3, 3, 12), "LECTURER", "CANCELLED", "ORDERER",
        7500, 0);
    AddTask(
        "ph", "c4", "e3", "sos", Helsinki(2021, 3, 4, 12), "LECTURER", "CANCELLED", "EXPERT", 0, 0);
    AddTask(
        "ph", "c5", "e4", "sos", Helsinki(2021, 3, 5, 12), "LECTURER", "CANCELLED", "EXPERT", 0, 0);
    AddTask(
        "ph", "c6", "e5", "paja", Helsinki(2021, 3, 6, 12), "LECTURER", "CANCELLED", "EXCHANGE", 0,
        0);
    // Outside the year: not counted.
    AddTask("ph", "next", "e0", "sos", Helsinki(2022, 1, 1, 10), "LECTURER");
    // Orderers' ratings of the first 100 tasks: 40 × 5, 35 × 4, 20 × 3, 5 × 2;
    // experts' own answers on 50: heaviness 2 and safe, 5 of them not safe.
    for (int i = 0; i < 100; ++i) {
      AddFeedback(
          "ph", absl::StrCat("t", i), "ORDERER",
          i < 40   ? 5
          : i < 75 ? 4
          : i < 95 ? 3
                   : 2,
          4, 0, 0);
    }
    for (int i = 0; i < 50; ++i) {
      AddFeedback("ph", absl::StrCat("t", i), "EXPERT", 0, 0, 2, i < 45 ? 1 : 0);
    }
  }

  v1::GetStatisticsResponse Stats(
      const std::string& parent, std::vector<v1::StatisticsGrouping> group_by) {
    grpc::ClientContext ctx;
    v1::GetStatisticsRequest req;
    req.set_parent(parent);
    *req.mutable_start_time() = rpc::ToProto(Helsinki(2021, 1, 1, 0));
    *req.mutable_end_time() = rpc::ToProto(Helsinki(2022, 1, 1, 0));
    for (auto g : group_by) req.add_group_by(g);
    v1::GetStatisticsResponse resp;
    grpc::Status s = reports_->GetStatistics(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  template <typename Request, typename Response, typename Rpc>
  std::string Export(Rpc rpc, const std::string& parent) {
    grpc::ClientContext ctx;
    Request req;
    req.set_parent(parent);
    *req.mutable_start_time() = rpc::ToProto(Helsinki(2021, 1, 1, 0));
    *req.mutable_end_time() = rpc::ToProto(Helsinki(2022, 1, 1, 0));
    auto reader = ((*reports_).*rpc)(&ctx, req);
    Response chunk;
    std::string csv;
    while (reader->Read(&chunk)) csv += chunk.csv();
    grpc::Status s = reader->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return csv;
  }

  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<storage::Database> db_;
};

TEST_P(ReportServiceTest, CountsTheYearAsTheRegionDoes) {
  LoadYear();
  v1::GetStatisticsResponse r = Stats("exchanges/ph", {v1::STATISTICS_GROUPING_CATEGORY});
  const v1::StatisticsFigures& t = r.total().figures();
  EXPECT_EQ(t.tasks(), 1119);
  EXPECT_DOUBLE_EQ(t.hours(), 1678.5);
  EXPECT_EQ(t.fees_cents(), 1119 * 15000 + 3 * 7500);
  EXPECT_EQ(t.travel_cents(), 1119 * 500);
  EXPECT_EQ(t.cancelled_by_orderer(), 3);
  EXPECT_EQ(t.cancelled_by_expert(), 2);
  EXPECT_EQ(t.cancelled_by_exchange(), 1);
  EXPECT_EQ(t.experts_worked(), 15);
  EXPECT_EQ(t.organizations(), 3);
  ASSERT_EQ(r.rows_size(), 2);
  EXPECT_THAT(r.rows(0).key(), ElementsAre("BASIC_SERVICES"));
  EXPECT_EQ(r.rows(0).figures().tasks(), 1035);
  EXPECT_EQ(r.rows(0).figures().organizations(), 2);
  EXPECT_EQ(r.rows(0).figures().cancelled_by_orderer(), 2);
  EXPECT_THAT(r.rows(1).key(), ElementsAre("EDUCATIONAL_INSTITUTIONS"));
  EXPECT_EQ(r.rows(1).figures().tasks(), 84);
  EXPECT_EQ(r.rows(1).figures().fees_cents(), 84 * 15000 + 7500);
  EXPECT_EQ(r.rows(1).figures().experts_worked(), 15);
  EXPECT_EQ(r.active_trained_experts(), 20);
  EXPECT_EQ(r.active_trained_with_task(), 15);
  EXPECT_DOUBLE_EQ(r.share_with_task(), 0.75);
  EXPECT_EQ(r.active_trained_without_task(), 5);
  // 9 experts with 75 tasks, 6 with 74, 5 with none.
  EXPECT_NEAR(r.gini(), 0.2524128686327078, 1e-12);
  EXPECT_EQ(r.suppression_threshold(), 0);

  v1::GetStatisticsResponse by_month =
      Stats("exchanges/ph", {v1::STATISTICS_GROUPING_YEAR, v1::STATISTICS_GROUPING_MONTH});
  ASSERT_EQ(by_month.rows_size(), 12);
  EXPECT_THAT(by_month.rows(0).key(), ElementsAre("2021", "2021-01"));
  EXPECT_EQ(by_month.rows(0).figures().tasks(), 94);  // i % 12 == 0 for 94 of 1,119
  EXPECT_EQ(by_month.rows(11).figures().tasks(), 93);
  v1::GetStatisticsResponse by_role = Stats("exchanges/ph", {v1::STATISTICS_GROUPING_ROLE});
  ASSERT_EQ(by_role.rows_size(), 3);
  EXPECT_THAT(by_role.rows(0).key(), ElementsAre("CO_DEVELOPER"));
  EXPECT_EQ(by_role.rows(0).figures().tasks(), 373);
  EXPECT_THAT(by_role.rows(1).key(), ElementsAre("LECTURER"));
  EXPECT_EQ(by_role.rows(1).figures().tasks(), 373);
  EXPECT_EQ(by_role.rows(1).figures().cancelled_by_expert(), 2);
}

TEST_P(ReportServiceTest, AcrossExchangesFewerThanFiveExpertsAreSuppressed) {
  CreateRegion("ph", 6);
  CreateRegion("pieni", 6);
  for (int i = 0; i < 5; ++i) {
    AddTask(
        "ph", absl::StrCat("t", i), absl::StrCat("e", i), "sos", Helsinki(2021, 5, 3 + i, 10),
        "LECTURER");
  }
  for (int i = 0; i < 4; ++i) {
    AddTask(
        "pieni", absl::StrCat("t", i), absl::StrCat("e", i), "sos", Helsinki(2021, 5, 3 + i, 10),
        "LECTURER");
  }
  v1::GetStatisticsResponse national = Stats("exchanges/-", {v1::STATISTICS_GROUPING_EXCHANGE});
  EXPECT_EQ(national.suppression_threshold(), 5);
  ASSERT_EQ(national.rows_size(), 2);
  EXPECT_THAT(national.rows(0).key(), ElementsAre("ph"));
  EXPECT_FALSE(national.rows(0).suppressed());  // 5 experts: shown
  EXPECT_EQ(national.rows(0).figures().tasks(), 5);
  EXPECT_THAT(national.rows(1).key(), ElementsAre("pieni"));
  EXPECT_TRUE(national.rows(1).suppressed());  // 4 experts: suppressed
  EXPECT_EQ(national.rows(1).figures().tasks(), 0);
  EXPECT_EQ(national.suppressed_rows(), 1);
  EXPECT_EQ(national.total().figures().tasks(), 9);
  EXPECT_EQ(national.total().figures().experts_worked(), 9);
  // The exchange's own figures are not suppressed.
  EXPECT_EQ(Stats("exchanges/pieni", {}).total().figures().tasks(), 4);

  AddTask("pieni", "t4", "e4", "sos", Helsinki(2021, 6, 1, 10), "LECTURER");
  national = Stats("exchanges/-", {v1::STATISTICS_GROUPING_EXCHANGE});
  EXPECT_FALSE(national.rows(1).suppressed());
  EXPECT_EQ(national.rows(1).figures().tasks(), 5);

  grpc::ClientContext ctx;
  v1::GetStatisticsRequest req;
  req.set_parent("exchanges/-");
  req.add_group_by(v1::STATISTICS_GROUPING_EXPERT);
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2021, 1, 1, 0));
  v1::GetStatisticsResponse resp;
  grpc::Status s = reports_->GetStatistics(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(s),
      ElementsAre(
          std::pair<std::string, std::string>("end_time", "is required"),
          std::pair<std::string, std::string>("group_by[0]", "EXPERT only within one exchange")));
  grpc::ClientContext missing_ctx;
  req.set_parent("exchanges/nope");
  req.clear_group_by();
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2022, 1, 1, 0));
  EXPECT_EQ(
      reports_->GetStatistics(&missing_ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ReportServiceTest, SummarizesFeedbackAsTheSurveyReportsIt) {
  LoadYear();
  grpc::ClientContext ctx;
  v1::GetFeedbackSummaryRequest req;
  req.set_parent("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2021, 1, 1, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2022, 1, 1, 0));
  v1::GetFeedbackSummaryResponse resp;
  ASSERT_TRUE(reports_->GetFeedbackSummary(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.groups_size(), 1);
  const auto& q = resp.groups(0).questions();
  ASSERT_EQ(q.size(), 5);
  EXPECT_EQ(q[0].question(), "orderer.overall_rating");
  EXPECT_EQ(q[0].answers(), 100);
  std::vector<std::tuple<std::string, int, double>> options;
  for (const auto& o : q[0].options()) options.emplace_back(o.option(), o.n(), o.percent());
  EXPECT_THAT(
      options, ElementsAre(
                   std::tuple{"1", 0, 0.0}, std::tuple{"2", 5, 5.0}, std::tuple{"3", 20, 20.0},
                   std::tuple{"4", 35, 35.0}, std::tuple{"5", 40, 40.0}));
  EXPECT_DOUBLE_EQ(q[0].mean(), 4.1);
  EXPECT_EQ(q[2].question(), "expert.heaviness");
  EXPECT_EQ(q[2].options(1).n(), 50);
  EXPECT_EQ(q[3].question(), "expert.setting_safe");
  EXPECT_EQ(q[3].options(0).option(), "yes");
  EXPECT_EQ(q[3].options(0).n(), 45);
  EXPECT_DOUBLE_EQ(q[3].options(0).percent(), 90.0);
  EXPECT_EQ(q[3].options(1).n(), 5);
  EXPECT_EQ(q[4].question(), "expert.support_afterwards");
  EXPECT_EQ(q[4].answers(), 0);  // not asked in 2021
  EXPECT_EQ(q[4].options_size(), 3);
}

TEST_P(ReportServiceTest, ExportsAssignmentsAndPayrollAsCsv) {
  LoadYear();
  const std::string csv = Export<v1::ExportAssignmentsRequest, v1::ExportAssignmentsResponse>(
      &v1::ReportService::Stub::ExportAssignments, "exchanges/ph");
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1 + 1119 + 6u);
  EXPECT_EQ(
      lines[0],
      "assignment,start_time,duration_minutes,state,cancelled_by,role,organization,"
      "organization_name,organization_kind,sector,category,municipality,remote,expert,"
      "fee_cents,travel_cents,total_cents");
  EXPECT_EQ(
      lines[1],
      "exchanges/ph/orders/t0/assignments/a1,2021-01-01T10:00:00+02:00,90,COMPLETED,,"
      "LECTURER,lyseo,\"Org lyseo, Lahti\",EDUCATIONAL_INSTITUTION,EDUCATION,"
      "EDUCATIONAL_INSTITUTIONS,398,false,e0,15000,500,15500");

  const std::string payroll = Export<v1::ExportPayrollRequest, v1::ExportPayrollResponse>(
      &v1::ReportService::Stub::ExportPayroll, "exchanges/ph");
  std::vector<std::string> rows = absl::StrSplit(payroll, "\r\n", absl::SkipEmpty());
  EXPECT_EQ(
      rows[0],
      "payer,payer_name,payer_business_id,expert,display_name,identity_code,payment_method,kind,"
      "payment_date,incomes_register_deadline,incomes_register,period_start,period_end,tasks,"
      "amount_cents,withholding_percent,withholding_cents");
  // e0 in January: tasks i = 0, 60, 120, ... with i % 15 == 0 and i % 12 == 0, paid on
  // Monday 15.2.2021 (the pay rule's 15th); invoiced, so not the exchange's to report.
  const std::string payer = "ph,Päijät-Hämeen kokemusasiantuntijapankki,0112038-9,";
  EXPECT_EQ(
      rows[1], payer +
                   "e0,Asiantuntija 0,,INVOICE,INVOICE,2021-02-15,2021-02-20,,2021-01-01,"
                   "2021-01-25,19,285000,,0");
  EXPECT_EQ(
      rows[2], payer +
                   "e0,Asiantuntija 0,,INVOICE,KILOMETRE_ALLOWANCE,2021-02-15,2021-02-20,,"
                   "2021-01-01,2021-01-25,19,9500,,0");
  // March: e0 has no task (no i with i % 15 == 0 and i % 12 == 2), only a paid cancellation.
  EXPECT_THAT(
      payroll, ::testing::HasSubstr(
                   "\r\n" + payer +
                   "e0,Asiantuntija 0,,INVOICE,INVOICE,2021-04-15,2021-04-20,,2021-03-01,"
                   "2021-03-01,1,7500,,0\r\n"));
}

using testing_support::PdfText;

TEST_P(ReportServiceTest, RendersTheAnnualReportWithItsNumbers) {
  LoadYear();
  auto render = [&](const std::string& language) {
    grpc::ClientContext ctx;
    v1::RenderAnnualReportRequest req;
    req.set_parent("exchanges/ph");
    req.set_year(2021);
    req.set_language(language);
    v1::RenderAnnualReportResponse resp;
    grpc::Status s = reports_->RenderAnnualReport(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.content();
  };
  const std::string pdf = render("fi");
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_EQ(render("fi"), pdf);  // the same data, the same bytes
  const std::string text = PdfText(pdf);
  for (const char* want :
       {"Vuosiraportti2021:", "Tehtäviä1119", "–oppilaitoksissa84", "–peruspalveluissa1035",
        "Tunteja1678,5", "Palkkiot168075,00€", "Matkakulut5595,00€",
        "Työskennelleitäkokemusasiantuntijoita15", "Aktiivisiakoulutettujaasiantuntijoita20",
        "Heistätehtävänsaaneita15(75,0%)", "Tilaajaorganisaatioita3",
        "Peruttuja(tilaaja/asiantuntija/välitys)3/2/1",
        "tammi78794",  // January: 7 at the school, 87 in basic services
        "Yhteensä8410351119", "Gini-kerroinon0,252", "Vastaus n%", "5 40 40,0"}) {
    std::string squeezed = absl::StrReplaceAll(want, {{" ", ""}});
    EXPECT_THAT(text, ::testing::HasSubstr(squeezed)) << want;
  }
  EXPECT_THAT(PdfText(render("en")), ::testing::HasSubstr("Annualreport2021:"));
  // A year without tasks: tables of zeros, no empty charts, no complaints from PLplot.
  ::testing::internal::CaptureStderr();
  grpc::ClientContext empty_ctx;
  v1::RenderAnnualReportRequest empty;
  empty.set_parent("exchanges/ph");
  empty.set_year(2030);
  v1::RenderAnnualReportResponse empty_pdf;
  EXPECT_TRUE(reports_->RenderAnnualReport(&empty_ctx, empty, &empty_pdf).ok());
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(PdfText(empty_pdf.content()), ::testing::HasSubstr("Tehtäviä0"));
  grpc::ClientContext bad_ctx;
  v1::RenderAnnualReportRequest bad;
  bad.set_parent("exchanges/ph");
  bad.set_year(1999);
  bad.set_language("de");
  v1::RenderAnnualReportResponse resp;
  grpc::Status s = reports_->RenderAnnualReport(&bad_ctx, bad, &resp);
  EXPECT_THAT(
      testing_support::Violations(s),
      ElementsAre(
          std::pair<std::string, std::string>("year", "must be from 2000 to 2100"),
          std::pair<std::string, std::string>("language", "must be fi, sv or en")));
}

INSTANTIATE_TEST_SUITE_P(
    Db, ReportServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
