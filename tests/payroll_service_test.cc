// The payroll as the payer reports it, over real gRPC on both databases
// (issue 20): identity codes checked, sealed in the database (the raw column
// read here), never returned and shown only in the payroll export; the kinds
// of pay with the tax card's withholding, payment dates and the Incomes
// Register deadline; and the letter for the benefit payer as a real PDF.
#include <fstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "services/storage/database.h"
#include "services/storage/sql.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using testing_support::Backend;
using testing_support::Violations;

absl::Time Helsinki(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), reference::HelsinkiTimeZone());
}

constexpr char kAinoCode[] = "131052-308T";
constexpr char kDanCode[] = "010594Y9021";

class PayrollServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    orders_ = v1::OrderService::NewStub(server_.channel());
    reports_ = v1::ReportService::NewStub(server_.channel());
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
    auto db = storage::Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  grpc::Status CreateExpert(
      const std::string& id, v1::PaymentMethod method, const std::string& code,
      const std::string& withholding, v1::Expert* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id(id);
    *req.mutable_expert() = testing_support::SampleExpert();
    req.mutable_expert()->set_display_name(id);
    req.mutable_expert()->set_payment_method(method);
    req.mutable_expert()->mutable_payroll()->set_identity_code(code);
    req.mutable_expert()->mutable_payroll()->set_withholding_percent(withholding);
    v1::CreateExpertResponse resp;
    grpc::Status s = server_.registry().CreateExpert(&ctx, req, &resp);
    if (out != nullptr) *out = resp.expert();
    return s;
  }

  grpc::Status UpdatePayroll(
      const std::string& id, const v1::Expert& patch, const std::vector<std::string>& mask,
      v1::Expert* out = nullptr) {
    grpc::ClientContext ctx;
    v1::UpdateExpertRequest req;
    *req.mutable_expert() = patch;
    req.mutable_expert()->set_name("exchanges/ph/experts/" + id);
    for (const std::string& p : mask) req.mutable_update_mask()->add_paths(p);
    v1::UpdateExpertResponse resp;
    grpc::Status s = server_.registry().UpdateExpert(&ctx, req, &resp);
    if (out != nullptr) *out = resp.expert();
    return s;
  }

  std::pair<std::string, long long> RawPayroll(const std::string& id) {
    std::pair<std::string, long long> raw;
    EXPECT_TRUE(db_->Read(
                       [&](soci::session& sql) {
      sql << "SELECT identity_code_sealed, withholding_permille FROM experts "
             "WHERE exchange_id = 'ph' AND id = :id",
          soci::use(id), soci::into(raw.first), soci::into(raw.second);
      return absl::OkStatus();
    }).ok());
    return raw;
  }

  // A lecture on `start` for `expert`: offered, accepted by her, confirmed.
  void Place(const std::string& order, const std::string& expert, absl::Time start) {
    testing_support::CreateOrder(
        *orders_, "ph", order, testing_support::SampleOrder("ph", "lyseo", start));
    testing_support::PlaceExpert(server_, *orders_, "ph", order, expert, start);
  }

  grpc::Status Complete(
      const std::string& order, const std::string& expert, int64_t daily_allowance,
      v1::Assignment* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CompleteAssignmentRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order, "/assignments/", expert));
    req.set_daily_allowance_cents(daily_allowance);
    v1::CompleteAssignmentResponse resp;
    grpc::Status s = orders_->CompleteAssignment(&ctx, req, &resp);
    if (out != nullptr) *out = resp.assignment();
    return s;
  }

  std::string Payroll(
      v1::PayrollView view, absl::Time from, absl::Time to, bool by_payment_date,
      grpc::Status* status = nullptr) {
    grpc::ClientContext ctx;
    v1::ExportPayrollRequest req;
    req.set_parent("exchanges/ph");
    *req.mutable_start_time() = rpc::ToProto(from);
    *req.mutable_end_time() = rpc::ToProto(to);
    req.set_view(view);
    req.set_by_payment_date(by_payment_date);
    auto reader = reports_->ExportPayroll(&ctx, req);
    v1::ExportPayrollResponse chunk;
    std::string csv;
    while (reader->Read(&chunk)) csv += chunk.csv();
    grpc::Status s = reader->Finish();
    if (status != nullptr) *status = s;
    EXPECT_TRUE(status != nullptr || s.ok()) << s.error_message();
    return csv;
  }

  // Aino (wages, 17.5 %), Dan (work compensation, 60 %), Cilla (declines her
  // fee) and Bert (invoices) each give a December lecture; Aino's trip earns
  // a daily allowance. All are paid on Friday 15.1.2027.
  void December() {
    ASSERT_TRUE(CreateExpert("aino", v1::PAYMENT_METHOD_SALARY_TAX_CARD, kAinoCode, "17.5").ok());
    ASSERT_TRUE(CreateExpert("dan", v1::PAYMENT_METHOD_WORK_COMPENSATION, kDanCode, "60").ok());
    ASSERT_TRUE(CreateExpert("cilla", v1::PAYMENT_METHOD_FEE_DECLINED, "", "").ok());
    ASSERT_TRUE(CreateExpert("bert", v1::PAYMENT_METHOD_INVOICE, "", "").ok());
    int day = 7;
    for (const char* expert : {"aino", "dan", "cilla", "bert"}) {
      Place(absl::StrCat("d-", expert), expert, Helsinki(2026, 12, day++));
    }
    clock_.Set(Helsinki(2026, 12, 20));
    v1::Assignment done;
    ASSERT_TRUE(Complete("d-aino", "aino", 2500, &done).ok());
    EXPECT_EQ(done.fee_cents(), 15000);
    EXPECT_EQ(done.daily_allowance_cents(), 2500);
    EXPECT_EQ(done.total_cents(), 17500);
    ASSERT_TRUE(Complete("d-dan", "dan", 0).ok());
    ASSERT_TRUE(Complete("d-cilla", "cilla", 0, &done).ok());
    EXPECT_EQ(done.fee_cents(), 0);
    EXPECT_EQ(done.declined_fee_cents(), 15000);
    ASSERT_TRUE(Complete("d-bert", "bert", 0).ok());
  }

  domain::FakeClock clock_{Helsinki(2026, 12, 1)};
  testing_support::TestServer server_{
      GetParam(), [this](ServerOptions& options) { options.clock = &clock_; }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<storage::Database> db_;
};

TEST_P(PayrollServiceTest, IdentityCodesAreCheckedSealedAndNeverReturned) {
  v1::Expert aino;
  ASSERT_TRUE(
      CreateExpert("aino", v1::PAYMENT_METHOD_SALARY_TAX_CARD, " 131052-308t ", "17,5", &aino)
          .ok());
  EXPECT_EQ(aino.payroll().identity_code(), "");
  EXPECT_TRUE(aino.payroll().identity_code_recorded());
  EXPECT_EQ(aino.payroll().withholding_percent(), "17.5");
  ASSERT_TRUE(CreateExpert("aino2", v1::PAYMENT_METHOD_SALARY_TAX_CARD, kAinoCode, "").ok());

  // In the database: sealed, different each time, never the code.
  const auto [sealed, permille] = RawPayroll("aino");
  EXPECT_EQ(permille, 175);
  EXPECT_THAT(sealed, ::testing::StartsWith("v1."));
  EXPECT_THAT(sealed, Not(HasSubstr("131052")));
  EXPECT_THAT(sealed, Not(HasSubstr("308T")));
  EXPECT_NE(RawPayroll("aino2").first, sealed);

  // Reads return only that there is one.
  for (domain::AccessRole role : {domain::AccessRole::kCoordinator, domain::AccessRole::kExpert}) {
    auto stub = v1::RegistryService::NewStub(testing_support::KeyChannel(
        server_.address(),
        server_.keys().Make(role, "ph", "", role == domain::AccessRole::kExpert ? "aino" : "")));
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/aino");
    v1::GetExpertResponse resp;
    ASSERT_TRUE(stub->GetExpert(&ctx, req, &resp).ok());
    EXPECT_TRUE(resp.expert().payroll().identity_code_recorded());
    EXPECT_THAT(resp.expert().SerializeAsString(), Not(HasSubstr("308T")));
    grpc::ClientContext ectx;
    v1::ExportExpertDataRequest ereq;
    ereq.set_name("exchanges/ph/experts/aino");
    v1::ExportExpertDataResponse eresp;
    ASSERT_TRUE(stub->ExportExpertData(&ectx, ereq, &eresp).ok());
    EXPECT_THAT(eresp.SerializeAsString(), HasSubstr("\"identity_code_recorded\": true"));
    EXPECT_THAT(eresp.SerializeAsString(), Not(HasSubstr("308T")));
  }

  // Refused, naming the field and never the code; nothing stored.
  grpc::Status s = CreateExpert("bert", v1::PAYMENT_METHOD_INVOICE, kAinoCode, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair(
          "expert.payroll.identity_code",
          "is kept only for an expert paid wages or work compensation (payment_method "
          "SALARY_TAX_CARD or WORK_COMPENSATION)")));
  v1::Expert patch;
  patch.mutable_payroll()->set_identity_code("131052-308U");
  patch.mutable_payroll()->set_withholding_percent("17.55");
  s = UpdatePayroll("aino", patch, {});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(s).size(), 2u);
  EXPECT_EQ(Violations(s)[0].first, "expert.payroll.identity_code");
  EXPECT_THAT(
      Violations(s)[1], Pair(
                            "expert.payroll.withholding_percent",
                            "must be a percentage from 0 to 100 with at most one decimal (17.5)"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("131052")));
  EXPECT_EQ(RawPayroll("aino").first, sealed);

  // A change of something else keeps the code; its own path with "" erases it.
  v1::Expert rename;
  rename.set_display_name("Aino A.");
  v1::Expert renamed;
  ASSERT_TRUE(UpdatePayroll("aino", rename, {}, &renamed).ok());
  EXPECT_TRUE(renamed.payroll().identity_code_recorded());
  EXPECT_EQ(RawPayroll("aino").first, sealed);
  v1::Expert erased;
  ASSERT_TRUE(UpdatePayroll("aino", v1::Expert(), {"payroll.identity_code"}, &erased).ok());
  EXPECT_FALSE(erased.payroll().identity_code_recorded());
  EXPECT_EQ(erased.payroll().withholding_percent(), "17.5");
  EXPECT_EQ(RawPayroll("aino").first, "");

  // Invoicing from now on: nothing of the payroll's is kept.
  v1::Expert invoices;
  invoices.set_payment_method(v1::PAYMENT_METHOD_INVOICE);
  ASSERT_TRUE(UpdatePayroll("aino2", invoices, {}).ok());
  EXPECT_EQ(RawPayroll("aino2"), std::make_pair(std::string(), -1LL));
}

TEST_P(PayrollServiceTest, EachKindOfPayWithWithholdingDatesAndTheDeadline) {
  December();
  clock_.Set(Helsinki(2027, 1, 18));
  const std::string csv =
      Payroll(v1::PAYROLL_VIEW_LINES, Helsinki(2026, 12, 1, 0), Helsinki(2027, 1, 1, 0), false);
  const std::string payer = "ph,Päijät-Hämeen kokemusasiantuntijapankki,0112038-9,";
  EXPECT_THAT(
      std::vector<std::string>(absl::StrSplit(csv, "\r\n", absl::SkipEmpty())),
      ElementsAre(
          "payer,payer_name,payer_business_id,expert,display_name,identity_code,payment_method,"
          "kind,payment_date,incomes_register_deadline,incomes_register,period_start,period_end,"
          "tasks,amount_cents,withholding_percent,withholding_cents",
          payer + "aino,aino,131052-308T,SALARY_TAX_CARD,WAGES,2027-01-15,2027-01-20,DUE,"
                  "2026-12-07,2026-12-07,1,15000,17.5,2625",
          payer + "aino,aino,131052-308T,SALARY_TAX_CARD,DAILY_ALLOWANCE,2027-01-15,2027-01-20,"
                  "DUE,2026-12-07,2026-12-07,1,2500,,0",
          payer + "bert,bert,,INVOICE,INVOICE,2027-01-15,2027-01-20,,2026-12-10,2026-12-10,1,"
                  "15000,,0",
          payer + "cilla,cilla,,FEE_DECLINED,DECLINED_FEE,2027-01-15,2027-01-20,,2026-12-09,"
                  "2026-12-09,1,15000,,0",
          payer + "dan,dan,010594Y9021,WORK_COMPENSATION,WORK_COMPENSATION,2027-01-15,"
                  "2027-01-20,DUE,2026-12-08,2026-12-08,1,15000,60,9000"));

  // The summary per payment month and kind; by payment date the same month.
  const std::string summary =
      Payroll(v1::PAYROLL_VIEW_SUMMARY, Helsinki(2027, 1, 1, 0), Helsinki(2027, 2, 1, 0), true);
  EXPECT_THAT(
      std::vector<std::string>(absl::StrSplit(summary, "\r\n", absl::SkipEmpty())),
      ElementsAre(
          "payer,payer_name,payer_business_id,payment_month,kind,experts,lines,amount_cents,"
          "withholding_cents,due_lines,past_lines",
          payer + "2027-01,WAGES,1,1,15000,2625,1,0",
          payer + "2027-01,WORK_COMPENSATION,1,1,15000,9000,1,0",
          payer + "2027-01,INVOICE,1,1,15000,0,0,0", payer + "2027-01,DECLINED_FEE,1,1,15000,0,0,0",
          payer + "2027-01,DAILY_ALLOWANCE,1,1,2500,0,1,0"));
  EXPECT_THAT(summary, Not(HasSubstr("308T")));
  EXPECT_EQ(
      Payroll(v1::PAYROLL_VIEW_LINES, Helsinki(2026, 12, 1, 0), Helsinki(2027, 1, 1, 0), true),
      "payer,payer_name,payer_business_id,expert,display_name,identity_code,payment_method,"
      "kind,payment_date,incomes_register_deadline,incomes_register,period_start,period_end,"
      "tasks,amount_cents,withholding_percent,withholding_cents\r\n");

  // After the deadline the reported lines are PAST; the others are not listed.
  clock_.Set(Helsinki(2027, 1, 21));
  const std::string due =
      Payroll(v1::PAYROLL_VIEW_DUE, Helsinki(2026, 12, 1, 0), Helsinki(2027, 1, 1, 0), false);
  const std::vector<std::string> rows = absl::StrSplit(due, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 4u);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_THAT(rows[i], HasSubstr(",PAST,"));

  // No other export shows the codes.
  grpc::ClientContext ctx;
  v1::ExportAssignmentsRequest req;
  req.set_parent("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 1, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0));
  auto reader = reports_->ExportAssignments(&ctx, req);
  v1::ExportAssignmentsResponse chunk;
  std::string assignments;
  while (reader->Read(&chunk)) assignments += chunk.csv();
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_THAT(assignments, HasSubstr(",aino,"));
  EXPECT_THAT(assignments, Not(HasSubstr("308T")));
  EXPECT_THAT(assignments, Not(HasSubstr("Y9021")));

  // A daily allowance is checked and takes a trip.
  grpc::Status s = Complete("d-bert", "bert", 20001);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s), ElementsAre(Pair("daily_allowance_cents", "must be between 0 and 20000")));
  EXPECT_EQ(
      Payroll(v1::PayrollView(7), Helsinki(2026, 12, 1, 0), Helsinki(2027, 1, 1, 0), false, &s),
      "");
  EXPECT_THAT(Violations(s), ElementsAre(Pair("view", "unknown enum value")));
}

// pdftotext's words of a PDF (checked with qpdf first), one space apart.
std::string PdfText(const std::string& pdf, const std::string& name) {
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/" + name, std::ios::binary) << pdf; }
  auto qpdf = testing_support::RunProcess({"/usr/bin/qpdf", "--check", dir + "/" + name});
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.out << qpdf.err;
  auto text = testing_support::RunProcess({"/usr/bin/pdftotext", "-layout", dir + "/" + name, "-"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  // Pages are looked at with `pdftoppm -png` on the kept file (KOKEMUS_KEEP_PDF).
  if (const char* keep = std::getenv("KOKEMUS_KEEP_PDF")) {
    std::ofstream(std::string(keep) + "/" + name, std::ios::binary) << pdf;
  }
  // Words as they read, whatever the lines and columns.
  std::vector<std::string> words =
      absl::StrSplit(text.out, absl::ByAnyChar(" \n\f"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

TEST_P(PayrollServiceTest, TheLetterForTheBenefitPayerInThreeLanguages) {
  December();
  Place("feb", "aino", Helsinki(2027, 2, 4, 12));
  clock_.Set(Helsinki(2027, 1, 20));
  auto letter = [&](domain::AccessRole role, const std::string& expert_key,
                    const std::string& language, grpc::Status* status) {
    auto stub = v1::RegistryService::NewStub(testing_support::KeyChannel(
        server_.address(),
        server_.keys().Make(
            role, "ph", role == domain::AccessRole::kOrdererSystem ? "lyseo" : "", expert_key)));
    grpc::ClientContext ctx;
    v1::RenderEarningsLetterRequest req;
    req.set_name("exchanges/ph/experts/aino");
    req.set_language(language);
    v1::RenderEarningsLetterResponse resp;
    *status = stub->RenderEarningsLetter(&ctx, req, &resp);
    EXPECT_TRUE(!status->ok() || resp.mime_type() == "application/pdf");
    return resp.content();
  };
  grpc::Status s;
  const std::string fi =
      PdfText(letter(domain::AccessRole::kExpert, "aino", "", &s), "letter-fi.pdf");
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const char* text :
       {"Selvitys kokemusasiantuntijan palkkioista", "20.1.2027", "aino",
        "Päijät-Hämeen kokemusasiantuntijapankki (Y-tunnus 0112038-9)",
        "Palkka, ennakonpidätys verokortin mukaan",
        "Palkkio maksetaan tehtävää seuraavan kuukauden 15. päivänä",
        "Palkkiot vuonna 2027 maksupäivän mukaan", "Sovitut tulevat tehtävät"}) {
    EXPECT_THAT(fi, HasSubstr(text)) << fi;
  }
  EXPECT_THAT(fi, HasSubstr("1/2027 1 150,00 € 0,00 €"));
  EXPECT_THAT(fi, HasSubstr("3/2027 1 0,00 € 150,00 €"));
  EXPECT_THAT(fi, HasSubstr("Yhteensä 2 150,00 € 150,00 €"));
  EXPECT_THAT(fi, HasSubstr("Luennoitsija tai 4.2.2027 150,00 € 15.3.2027 kouluttaja, 90 min"));
  EXPECT_THAT(fi, Not(HasSubstr("308T")));
  EXPECT_THAT(fi, Not(HasSubstr("eläke ")));  // no benefit named as hers

  const std::string sv =
      PdfText(letter(domain::AccessRole::kCoordinator, "", "sv", &s), "letter-sv.pdf");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(sv, HasSubstr("Intyg om erfarenhetsexpertens arvoden"));
  EXPECT_THAT(sv, HasSubstr("Avtalade kommande uppdrag"));
  const std::string en =
      PdfText(letter(domain::AccessRole::kCoordinator, "", "en", &s), "letter-en.pdf");
  EXPECT_THAT(en, HasSubstr("Statement of an expert by experience's fees"));
  EXPECT_THAT(en, HasSubstr("January 2027 1 €150.00 €0.00"));
  EXPECT_THAT(en, HasSubstr("Lecturer or trainer, 90 4 February €150.00 15 March min 2027 2027"));
  EXPECT_THAT(en, HasSubstr("March 2027 1 €0.00 €150.00"));

  letter(domain::AccessRole::kExpert, "dan", "", &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  letter(domain::AccessRole::kOrdererSystem, "", "", &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  letter(domain::AccessRole::kCoordinator, "", "de", &s);
  EXPECT_THAT(Violations(s), ElementsAre(Pair("language", "must be fi, sv or en (or empty)")));
}

INSTANTIATE_TEST_SUITE_P(
    Db, PayrollServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
