// Earnings by payment date over real gRPC on both databases (issue 20): the
// national table of floors, an expert's benefit limit, accepts guarded by her
// pay in the payment month with the 80 % warning once, and her pay by month.
#include <map>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
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

class EarningsServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    orders_ = v1::OrderService::NewStub(server_.channel());
    notifications_ = v1::NotificationService::NewStub(server_.channel());
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 40000);
    v1::Expert kaisa = testing_support::SampleExpert();
    kaisa.mutable_benefit_limit()->set_kind(v1::BenefitLimit::KIND_DISABILITY_PENSION_FLOOR);
    testing_support::CreateExpert(server_.registry(), "ph", "kaisa", kaisa);
  }

  std::unique_ptr<v1::RegistryService::Stub> As(
      domain::AccessRole role, const std::string& x = "") {
    return v1::RegistryService::NewStub(testing_support::KeyChannel(
        server_.address(),
        server_.keys().Make(role, x, "", role == domain::AccessRole::kExpert ? "kaisa" : "")));
  }

  grpc::Status SetFloors(
      v1::RegistryService::Stub& stub,
      const std::vector<std::tuple<std::string, int64_t, std::string>>& floors,
      const std::vector<std::string>& mask, v1::EarningsFloors* out, const std::string& etag = "") {
    grpc::ClientContext ctx;
    v1::UpdateEarningsFloorsRequest req;
    req.mutable_earnings_floors()->set_name("earningsFloors");
    req.mutable_earnings_floors()->set_etag(etag);
    for (const auto& [from, cents, source] : floors) {
      v1::EarningsFloor* f = req.mutable_earnings_floors()->add_floors();
      f->set_valid_from(from);
      f->set_monthly_cents(cents);
      f->set_source(source);
    }
    for (const std::string& p : mask) req.mutable_update_mask()->add_paths(p);
    v1::UpdateEarningsFloorsResponse resp;
    grpc::Status s = stub.UpdateEarningsFloors(&ctx, req, &resp);
    if (out != nullptr) *out = resp.earnings_floors();
    return s;
  }

  // A lecture of 90 minutes on `start`, offered to Kaisa.
  void OrderAndOffer(const std::string& id, absl::Time start) {
    testing_support::CreateOrder(
        *orders_, "ph", id, testing_support::SampleOrder("ph", "lyseo", start));
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent(absl::StrCat("exchanges/ph/orders/", id));
    req.set_assignment_id("kaisa");
    req.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *req.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(start - absl::Hours(48));
    v1::OfferAssignmentResponse resp;
    grpc::Status s = orders_->OfferAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status Accept(const std::string& order) {
    auto stub = v1::OrderService::NewStub(testing_support::KeyChannel(
        server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order, "/assignments/kaisa"));
    v1::AcceptAssignmentResponse resp;
    return stub->AcceptAssignment(&ctx, req, &resp);
  }

  v1::ExpertEarnings Earnings(
      v1::RegistryService::Stub& stub, int year, grpc::Status* status = nullptr) {
    grpc::ClientContext ctx;
    v1::GetExpertEarningsRequest req;
    req.set_name("exchanges/ph/experts/kaisa");
    req.set_year(year);
    v1::GetExpertEarningsResponse resp;
    grpc::Status s = stub.GetExpertEarnings(&ctx, req, &resp);
    if (status != nullptr) *status = s;
    EXPECT_TRUE(status != nullptr || s.ok()) << s.error_message();
    return resp.earnings();
  }

  std::vector<v1::Message> Warnings() {
    return testing_support::MessagesOfKind(*notifications_, "ph", "EARNINGS_NEAR_LIMIT");
  }

  domain::FakeClock clock_{Helsinki(2026, 12, 1)};
  const int smtp_port_ = testing_support::FreePort();
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        testing_support::MailToSink(options, smtp_port_);
                                        options.outbox.web_base_url = "http://127.0.0.1:1/";
                                      }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
};

TEST_P(EarningsServiceTest, TheNationalTableIsTheAdministratorsShippedFiguresFirst) {
  auto expert = As(domain::AccessRole::kExpert, "ph");
  grpc::ClientContext ctx;
  v1::GetEarningsFloorsRequest get;
  get.set_name("earningsFloors");
  v1::GetEarningsFloorsResponse shipped;
  ASSERT_TRUE(expert->GetEarningsFloors(&ctx, get, &shipped).ok());
  ASSERT_EQ(shipped.earnings_floors().floors_size(), 1);
  EXPECT_EQ(shipped.earnings_floors().floors(0).valid_from(), "2024-01-01");
  EXPECT_EQ(shipped.earnings_floors().floors(0).monthly_cents(), 97659);
  EXPECT_EQ(shipped.earnings_floors().etag(), "\"0\"");
  EXPECT_FALSE(shipped.earnings_floors().has_update_time());

  auto coordinator = As(domain::AccessRole::kCoordinator, "ph");
  EXPECT_EQ(
      SetFloors(*coordinator, {{"2027-01-01", 100000, "x"}}, {}, nullptr).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  auto admin = As(domain::AccessRole::kNationalAdmin);
  grpc::Status bad = SetFloors(*admin, {{"2027-02-30", 0, ""}}, {}, nullptr);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(bad),
      ElementsAre(
          Pair("earnings_floors.floors[0].valid_from", "must be a date YYYY-MM-DD"),
          Pair("earnings_floors.floors[0].monthly_cents", "must be from 1 cent to 100000 euros"),
          Pair("earnings_floors.floors[0].source", "must be 1 to 500 characters")));
  v1::EarningsFloors table;
  ASSERT_TRUE(SetFloors(*admin, {{"2027-01-01", 100000, "a 2027 figure"}}, {}, &table).ok());
  ASSERT_EQ(table.floors_size(), 2);
  EXPECT_EQ(table.floors(0).monthly_cents(), 97659);
  EXPECT_EQ(table.floors(1).valid_from(), "2027-01-01");
  EXPECT_EQ(table.etag(), "\"1\"");
  // A stale etag is refused; the same date is replaced; "floors" replaces the table.
  EXPECT_EQ(
      SetFloors(*admin, {{"2027-01-01", 100100, "y"}}, {}, nullptr, "\"0\"").error_code(),
      grpc::StatusCode::ABORTED);
  ASSERT_TRUE(SetFloors(*admin, {{"2027-01-01", 100100, "y"}}, {}, &table, "\"1\"").ok());
  ASSERT_EQ(table.floors_size(), 2);
  EXPECT_EQ(table.floors(1).monthly_cents(), 100100);
  ASSERT_TRUE(SetFloors(*admin, {{"2024-01-01", 97659, "z"}}, {"floors"}, &table).ok());
  ASSERT_EQ(table.floors_size(), 1);
  EXPECT_EQ(table.floors(0).source(), "z");
  grpc::Status empty = SetFloors(*admin, {}, {"floors"}, nullptr);
  EXPECT_THAT(
      Violations(empty),
      ElementsAre(Pair("earnings_floors.floors", "must hold at least one figure")));
  EXPECT_EQ(
      SetFloors(*admin, {}, {"source"}, nullptr).error_message(),
      "invalid request: update_mask: may name only floors or * (empty: add or replace by date)");
}

// Three December lectures of 400 € each are paid on 15.1.2027, when the floor
// is 1 000 € (a 2027 figure the administrator added): the second accept takes
// her January pay to 80 % (she and the coordinator are told once), the third
// would take it over and is refused.
TEST_P(EarningsServiceTest, AcceptsAreGuardedByThePaymentMonthAndWarnOnceAt80Percent) {
  testing_support::SmtpSink sink(smtp_port_);
  auto admin = As(domain::AccessRole::kNationalAdmin);
  ASSERT_TRUE(SetFloors(*admin, {{"2027-01-01", 100000, "a 2027 figure"}}, {}, nullptr).ok());
  OrderAndOffer("o1", Helsinki(2026, 12, 10));
  OrderAndOffer("o2", Helsinki(2026, 12, 14));
  OrderAndOffer("o3", Helsinki(2026, 12, 18));
  ASSERT_TRUE(Accept("o1").ok());
  EXPECT_TRUE(Warnings().empty());  // 400 € of 1 000 €
  ASSERT_TRUE(Accept("o2").ok());
  std::vector<v1::Message> told = Warnings();
  ASSERT_EQ(told.size(), 2u);
  std::set<std::string> to;
  for (const v1::Message& m : told) to.insert(m.recipient());
  EXPECT_EQ(to, (std::set<std::string>{"kaisa@example.fi", "pankki@example.fi"}));
  // Delivered by e-mail over SMTP: the month, never the figures or the benefit.
  std::map<std::string, nlohmann::json> mails;
  for (size_t n = 1; n <= 12 && mails.size() < 2; ++n) {
    for (const auto& m : sink.Messages(n)) {
      const std::string subject = m["subject"];
      if (absl::StartsWith(subject, "Palkkiosi lähestyy") ||
          absl::StartsWith(subject, "Ansaintaraja lähellä")) {
        mails[m["to"].get<std::string>()] = m;
      }
    }
  }
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails["kaisa@example.fi"]["subject"], "Palkkiosi lähestyy ansaintarajaasi: 1/2027");
  EXPECT_THAT(
      mails["kaisa@example.fi"]["body"].get<std::string>(),
      HasSubstr("Hyväksymäsi tehtävä nostaa palkkiosi 1/2027 (maksupäivän mukaan) yli 80 "
                "prosenttiin ansaintarajastasi."));
  EXPECT_EQ(mails["pankki@example.fi"]["subject"], "Ansaintaraja lähellä: Kaisa Kokemus 1/2027");
  for (const auto& [to, m] : mails) {
    const std::string text = m["subject"].get<std::string>() + m["body"].get<std::string>();
    EXPECT_THAT(text, Not(HasSubstr("800"))) << to;
    EXPECT_THAT(text, Not(HasSubstr("1 000"))) << to;
    EXPECT_THAT(text, Not(HasSubstr("eläke"))) << to;
  }
  grpc::Status over = Accept("o3");
  EXPECT_EQ(over.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      over.error_message(),
      "this task (paid 15.1.2027) would bring the expert's pay in 1/2027 to €1,200.00 of her "
      "€1,000.00 earnings limit (EARNINGS_LIMIT)");

  // Her pay by payment month: January holds the two, at the 2027 floor;
  // December 2026 none, at the 2024 floor.
  auto expert = As(domain::AccessRole::kExpert, "ph");
  const v1::ExpertEarnings y2027 = Earnings(*expert, 2027);
  ASSERT_EQ(y2027.months_size(), 12);
  EXPECT_EQ(y2027.months(0).month(), "2027-01");
  EXPECT_EQ(y2027.months(0).coming_cents(), 80000);
  EXPECT_EQ(y2027.months(0).paid_cents(), 0);
  EXPECT_EQ(y2027.months(0).task_count(), 2);
  EXPECT_EQ(y2027.months(0).limit_cents(), 100000);
  EXPECT_EQ(y2027.coming_cents(), 80000);
  const v1::ExpertEarnings y2026 = Earnings(*expert, 2026);
  EXPECT_EQ(y2026.months(11).limit_cents(), 97659);
  EXPECT_EQ(y2026.months(11).coming_cents(), 0);

  // Paid 14 days after the task instead, both are December's pay (24.12. and
  // 28.12.), and the third fits January alone: now it is accepted.
  {
    grpc::ClientContext ctx;
    v1::UpdateExchangeRequest req;
    req.mutable_exchange()->set_name("exchanges/ph");
    req.mutable_exchange()->mutable_pay_rule()->set_kind(v1::PayRule::KIND_DAYS_AFTER_TASK);
    req.mutable_exchange()->mutable_pay_rule()->set_days_after(14);
    req.mutable_update_mask()->add_paths("pay_rule.kind");
    req.mutable_update_mask()->add_paths("pay_rule.days_after");
    v1::UpdateExchangeResponse resp;
    ASSERT_TRUE(server_.registry().UpdateExchange(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.exchange().pay_rule().day_of_month(), 15);
  }
  const v1::ExpertEarnings december = Earnings(*expert, 2026);
  EXPECT_EQ(december.months(11).coming_cents(), 80000);
  EXPECT_EQ(december.months(11).task_count(), 2);
  ASSERT_TRUE(Accept("o3").ok());  // paid 1.1.2027 (a Friday): 400 € of January's 1 000 €
  EXPECT_EQ(Earnings(*expert, 2027).months(0).coming_cents(), 40000);
  EXPECT_EQ(Warnings().size(), 2u);  // still once
}

TEST_P(EarningsServiceTest, HerPayIsHersAndTheCoordinatorsOnly) {
  grpc::Status status;
  auto orderer = v1::RegistryService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "lyseo")));
  Earnings(*orderer, 2027, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  testing_support::CreateExpert(server_.registry(), "ph", "pekka", testing_support::SampleExpert());
  auto pekka = v1::RegistryService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "pekka")));
  Earnings(*pekka, 2027, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  auto coordinator = As(domain::AccessRole::kCoordinator, "ph");
  Earnings(*coordinator, 1999, &status);
  EXPECT_THAT(
      Violations(status), ElementsAre(Pair("year", "must be from 2000 to 2200 (0: this year)")));
  EXPECT_EQ(Earnings(*coordinator, 0).year(), 2026);  // this year in Helsinki
}

TEST_P(EarningsServiceTest, AnExpertsLimitKindIsCheckedAndUpdatedFieldByField) {
  v1::Expert bad = testing_support::SampleExpert();
  bad.mutable_benefit_limit()->set_kind(v1::BenefitLimit::KIND_PERSONAL_MONTHLY);
  bad.mutable_benefit_limit()->set_earlier_monthly_income_cents(250000);
  bad.mutable_benefit_limit()->set_earlier_income_percent(50);
  grpc::ClientContext ctx;
  v1::CreateExpertRequest create;
  create.set_parent("exchanges/ph");
  create.set_expert_id("x");
  *create.mutable_expert() = bad;
  v1::CreateExpertResponse created;
  grpc::Status s = server_.registry().CreateExpert(&ctx, create, &created);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("expert.benefit_limit.earlier_income_percent", "must be 40 or 60")));
  // 40 % of 2 500 €; then only the percentage changes.
  v1::UpdateExpertRequest update;
  update.mutable_expert()->set_name("exchanges/ph/experts/kaisa");
  update.mutable_expert()->mutable_benefit_limit()->set_kind(
      v1::BenefitLimit::KIND_PERSONAL_MONTHLY);
  update.mutable_expert()->mutable_benefit_limit()->set_earlier_monthly_income_cents(250000);
  update.mutable_expert()->mutable_benefit_limit()->set_earlier_income_percent(40);
  {
    grpc::ClientContext c;
    v1::UpdateExpertResponse resp;
    ASSERT_TRUE(server_.registry().UpdateExpert(&c, update, &resp).ok());
  }
  update.mutable_expert()->clear_benefit_limit();
  update.mutable_expert()->mutable_benefit_limit()->set_earlier_income_percent(60);
  update.mutable_update_mask()->add_paths("benefit_limit.earlier_income_percent");
  v1::UpdateExpertResponse resp;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(server_.registry().UpdateExpert(&c, update, &resp).ok());
  }
  EXPECT_EQ(resp.expert().benefit_limit().kind(), v1::BenefitLimit::KIND_PERSONAL_MONTHLY);
  EXPECT_EQ(resp.expert().benefit_limit().earlier_monthly_income_cents(), 250000);
  EXPECT_EQ(resp.expert().benefit_limit().earlier_income_percent(), 60);
  // 60 % of 2 500 € is her monthly limit in every month.
  auto coordinator = As(domain::AccessRole::kCoordinator, "ph");
  EXPECT_EQ(Earnings(*coordinator, 2027).months(5).limit_cents(), 150000);
}

INSTANTIATE_TEST_SUITE_P(
    Db, EarningsServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
