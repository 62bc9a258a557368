// RegistryService over real gRPC on a loopback port, on SQLite and PostgreSQL.
#include <thread>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using testing_support::Backend;
using testing_support::TestServer;

using testing_support::Violations;

class RegistryServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { testing_support::CreateExchange(stub(), "ph"); }

  v1::RegistryService::Stub& stub() { return server_.registry(); }

  grpc::Status CreateExpert(
      const std::string& id, const v1::Expert& expert, v1::Expert* out = nullptr,
      const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id(id);
    req.set_request_id(request_id);
    *req.mutable_expert() = expert;
    v1::CreateExpertResponse resp;
    grpc::Status status = stub().CreateExpert(&ctx, req, &resp);
    if (out) *out = resp.expert();
    return status;
  }

  std::vector<std::string> ExpertNames(const std::string& filter = "") {
    grpc::ClientContext ctx;
    v1::ListExpertsRequest req;
    req.set_parent("exchanges/ph");
    req.set_filter(filter);
    v1::ListExpertsResponse resp;
    EXPECT_TRUE(stub().ListExperts(&ctx, req, &resp).ok());
    std::vector<std::string> names;
    for (const auto& e : resp.experts()) names.push_back(e.name());
    return names;
  }

  TestServer server_{GetParam()};
};

TEST_P(RegistryServiceTest, CreatesAndGetsAnExpertWithNormalizedValues) {
  v1::Expert created;
  grpc::Status status = CreateExpert("kaisa", testing_support::SampleExpert(), &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), "exchanges/ph/experts/kaisa");
  EXPECT_EQ(created.phone(), "+358401234567");
  EXPECT_EQ(created.state(), v1::Expert::STATE_ACTIVE);
  EXPECT_EQ(created.etag(), "\"1\"");
  EXPECT_GT(created.create_time().seconds(), 0);

  grpc::ClientContext ctx;
  v1::GetExpertRequest req;
  req.set_name("exchanges/ph/experts/kaisa");
  v1::GetExpertResponse resp;
  ASSERT_TRUE(stub().GetExpert(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.expert().SerializeAsString(), created.SerializeAsString());
}

TEST_P(RegistryServiceTest, GeneratesAnIdWhenNoneIsGiven) {
  v1::Expert created;
  ASSERT_TRUE(CreateExpert("", testing_support::SampleExpert(), &created).ok());
  EXPECT_THAT(created.name(), ::testing::MatchesRegex("exchanges/ph/experts/[a-z0-9]{12}"));
}

TEST_P(RegistryServiceTest, BadInputNamesEveryFieldAndStoresNothing) {
  v1::Expert bad = testing_support::SampleExpert();
  bad.set_email("kaisa-at-example");
  bad.set_phone("12");
  bad.set_home_municipality("000");
  bad.clear_languages();
  bad.add_languages("suomi");
  bad.add_experience_areas(v1::EXPERIENCE_AREA_UNSPECIFIED);
  bad.set_payment_method(v1::PAYMENT_METHOD_UNSPECIFIED);
  auto* period = bad.add_unavailable_periods();
  period->mutable_start_time()->set_seconds(1800000000);
  period->mutable_end_time()->set_seconds(1799999999);
  grpc::Status status = CreateExpert("Bad_Id", bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(
          Pair(
              "expert_id",
              "must be 1 to 63 lowercase letters, digits or hyphens, not starting or "
              "ending with a hyphen"),
          Pair("expert.email", "not a valid e-mail address"),
          Pair("expert.phone", "not a phone number: use 040 123 4567 or +358 40 123 4567"),
          Pair(
              "expert.home_municipality",
              "not a Statistics Finland municipality code (3 digits, 398 is Lahti)"),
          Pair("expert.languages[0]", "not a BCP-47 language tag such as fi, sv or en"),
          Pair("expert.experience_areas[1]", "unknown or UNSPECIFIED enum value"),
          Pair("expert.unavailable_periods[0].end_time", "must be after start_time"),
          Pair("expert.payment_method", "is required (must not be UNSPECIFIED)")));
  EXPECT_THAT(ExpertNames(), ElementsAre());
}

TEST_P(RegistryServiceTest, OrganizationBusinessIdAndEnumsAreChecked) {
  grpc::ClientContext ctx;
  v1::CreateOrganizationRequest req;
  req.set_parent("exchanges/ph");
  req.set_organization_id("lyseo");
  *req.mutable_organization() = testing_support::SampleOrganization();
  req.mutable_organization()->set_business_id("1234567-2");
  req.mutable_organization()->set_kind(v1::ORGANIZATION_KIND_UNSPECIFIED);
  req.mutable_organization()->set_sector(static_cast<v1::Sector>(77));
  v1::CreateOrganizationResponse resp;
  grpc::Status status = stub().CreateOrganization(&ctx, req, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // An unknown enum value is refused before the method's own checks.
  EXPECT_THAT(Violations(status), ElementsAre(Pair("organization.sector", "unknown enum value")));
  req.mutable_organization()->set_sector(v1::SECTOR_PUBLIC);
  grpc::ClientContext known_ctx;
  status = stub().CreateOrganization(&known_ctx, req, &resp);
  EXPECT_THAT(
      Violations(status), ElementsAre(
                              Pair(
                                  "organization.business_id",
                                  "not a Finnish business id (Y-tunnus) of the form 1234567-8 "
                                  "with a valid check digit"),
                              Pair("organization.kind", "is required (must not be UNSPECIFIED)")));
  grpc::ClientContext get_ctx;
  v1::GetOrganizationRequest get;
  get.set_name("exchanges/ph/organizations/lyseo");
  v1::GetOrganizationResponse got;
  EXPECT_EQ(stub().GetOrganization(&get_ctx, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(RegistryServiceTest, ExchangeRegionAndLanguageAreChecked) {
  grpc::ClientContext ctx;
  v1::CreateExchangeRequest req;
  req.set_exchange_id("x");
  req.mutable_exchange()->set_display_name("X");
  req.mutable_exchange()->set_wellbeing_region("ZZ");
  req.mutable_exchange()->set_default_language("de");
  req.mutable_exchange()->set_contact_email("nope");
  v1::CreateExchangeResponse resp;
  grpc::Status status = stub().CreateExchange(&ctx, req, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(
          Pair(
              "exchange.wellbeing_region", "not a wellbeing region code (for example PH, HEL, VS)"),
          Pair("exchange.default_language", "must be fi, sv or en"),
          Pair("exchange.contact_email", "not a valid e-mail address")));
}

TEST_P(RegistryServiceTest, TakenIdIsAlreadyExistsAndUnknownParentNotFound) {
  ASSERT_TRUE(CreateExpert("kaisa", testing_support::SampleExpert()).ok());
  grpc::Status again = CreateExpert("kaisa", testing_support::SampleExpert());
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  grpc::ClientContext ctx;
  v1::CreateExpertRequest req;
  req.set_parent("exchanges/nowhere");
  *req.mutable_expert() = testing_support::SampleExpert();
  v1::CreateExpertResponse resp;
  grpc::Status status = stub().CreateExpert(&ctx, req, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "exchanges/nowhere not found");
}

TEST_P(RegistryServiceTest, RequestIdMakesCreateIdempotent) {
  const std::string request_id = "0b7f3c5e-2a8d-4f7e-9a51-5c3d2e1f0a9b";
  v1::Expert first, second;
  ASSERT_TRUE(CreateExpert("", testing_support::SampleExpert(), &first, request_id).ok());
  ASSERT_TRUE(CreateExpert("", testing_support::SampleExpert(), &second, request_id).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_THAT(ExpertNames(), ElementsAre(first.name()));

  v1::Expert other = testing_support::SampleExpert();
  other.set_display_name("Someone Else");
  grpc::Status status = CreateExpert("", other, nullptr, request_id);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(Pair("request_id", "was already used for a request with other content")));
  EXPECT_EQ(
      CreateExpert("", other, nullptr, "not-a-uuid").error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(RegistryServiceTest, UpdateAppliesTheMaskAndChecksTheEtag) {
  v1::Expert created;
  ASSERT_TRUE(CreateExpert("kaisa", testing_support::SampleExpert(), &created).ok());

  grpc::ClientContext ctx;
  v1::UpdateExpertRequest req;
  req.mutable_expert()->set_name(created.name());
  req.mutable_expert()->set_etag(created.etag());
  req.mutable_expert()->set_state(v1::Expert::STATE_PAUSED);
  req.mutable_expert()->set_display_name("ignored: not in the mask");
  req.mutable_update_mask()->add_paths("state");
  v1::UpdateExpertResponse resp;
  ASSERT_TRUE(stub().UpdateExpert(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.expert().state(), v1::Expert::STATE_PAUSED);
  EXPECT_EQ(resp.expert().display_name(), "Kaisa Kokemus");
  EXPECT_EQ(resp.expert().etag(), "\"2\"");
  EXPECT_EQ(resp.expert().create_time().seconds(), created.create_time().seconds());

  grpc::ClientContext stale_ctx;  // the old etag
  v1::UpdateExpertResponse stale;
  EXPECT_EQ(stub().UpdateExpert(&stale_ctx, req, &stale).error_code(), grpc::StatusCode::ABORTED);

  grpc::ClientContext bad_ctx;
  req.mutable_expert()->clear_etag();
  req.mutable_expert()->set_email("broken");
  req.mutable_update_mask()->add_paths("email");
  v1::UpdateExpertResponse bad;
  grpc::Status status = stub().UpdateExpert(&bad_ctx, req, &bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("expert.email", "not a valid e-mail address")));

  grpc::ClientContext mask_ctx;
  req.mutable_update_mask()->add_paths("create_time");
  v1::UpdateExpertResponse bad_mask;
  status = stub().UpdateExpert(&mask_ctx, req, &bad_mask);
  EXPECT_THAT(
      Violations(status), ElementsAre(Pair("update_mask.paths[2]", "not an updatable field")));

  grpc::ClientContext get_ctx;
  v1::GetExpertRequest get;
  get.set_name(created.name());
  v1::GetExpertResponse got;
  ASSERT_TRUE(stub().GetExpert(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.expert().email(), "kaisa@example.fi");
  EXPECT_EQ(got.expert().etag(), "\"2\"");
}

TEST_P(RegistryServiceTest, ListPagesThroughEveryExpertOnceAndFilters) {
  for (int i = 0; i < 7; ++i) {
    v1::Expert e = testing_support::SampleExpert();
    if (i % 3 == 0) e.set_state(v1::Expert::STATE_PAUSED);
    ASSERT_TRUE(CreateExpert("e" + std::to_string(i), e).ok());
  }
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListExpertsRequest req;
    req.set_parent("exchanges/ph");
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListExpertsResponse resp;
    ASSERT_TRUE(stub().ListExperts(&ctx, req, &resp).ok());
    for (const auto& e : resp.experts()) names.push_back(e.name());
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names.size(), 7u);
  EXPECT_EQ(names.front(), "exchanges/ph/experts/e0");
  EXPECT_EQ(names.back(), "exchanges/ph/experts/e6");
  EXPECT_THAT(
      ExpertNames("state = PAUSED"),
      ElementsAre("exchanges/ph/experts/e0", "exchanges/ph/experts/e3", "exchanges/ph/experts/e6"));

  grpc::ClientContext ctx;
  v1::ListExpertsRequest req;
  req.set_parent("exchanges/ph");
  req.set_filter("email = x");
  v1::ListExpertsResponse resp;
  grpc::Status status = stub().ListExperts(&ctx, req, &resp);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(Pair("filter", "can filter only by state, home_municipality, payment_method")));
}

TEST_P(RegistryServiceTest, DeleteRemovesTheExpert) {
  v1::Expert created;
  ASSERT_TRUE(CreateExpert("kaisa", testing_support::SampleExpert(), &created).ok());
  grpc::ClientContext wrong_ctx;
  v1::DeleteExpertRequest req;
  req.set_name(created.name());
  req.set_etag("\"9\"");
  v1::DeleteExpertResponse resp;
  EXPECT_EQ(stub().DeleteExpert(&wrong_ctx, req, &resp).error_code(), grpc::StatusCode::ABORTED);
  grpc::ClientContext ctx;
  req.set_etag(created.etag());
  EXPECT_TRUE(stub().DeleteExpert(&ctx, req, &resp).ok());
  EXPECT_THAT(ExpertNames(), ElementsAre());
  grpc::ClientContext again;
  EXPECT_EQ(stub().DeleteExpert(&again, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(RegistryServiceTest, MalformedNamesAreInvalidArgument) {
  auto coordinator = v1::RegistryService::NewStub(
      testing_support::KeyChannel(server_.address(), server_.keys().Coordinator("ph")));
  grpc::ClientContext ctx;
  v1::GetExpertRequest req;
  req.set_name("experts/kaisa");
  v1::GetExpertResponse resp;
  grpc::Status status = coordinator->GetExpert(&ctx, req, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(Pair("name", "must be a resource name exchanges/{exchange}/experts/{id}")));
}

TEST_P(RegistryServiceTest, ExchangesListAndUpdate) {
  testing_support::CreateExchange(stub(), "hel");
  grpc::ClientContext ctx;
  v1::ListExchangesRequest req;
  req.set_filter("wellbeing_region = PH");
  v1::ListExchangesResponse resp;
  ASSERT_TRUE(stub().ListExchanges(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.exchanges_size(), 2);  // both sample exchanges are in PH
  EXPECT_EQ(resp.exchanges(0).name(), "exchanges/hel");

  grpc::ClientContext up_ctx;
  v1::UpdateExchangeRequest up;
  up.mutable_exchange()->set_name("exchanges/hel");
  up.mutable_exchange()->set_wellbeing_region("HEL");
  up.mutable_update_mask()->add_paths("wellbeing_region");
  v1::UpdateExchangeResponse updated;
  ASSERT_TRUE(stub().UpdateExchange(&up_ctx, up, &updated).ok());
  EXPECT_EQ(updated.exchange().wellbeing_region(), "HEL");
  EXPECT_EQ(updated.exchange().display_name(), testing_support::SampleExchange().display_name());
}

TEST_P(RegistryServiceTest, ARequestOverFourMebibytesIsRefusedAndNothingIsStored) {
  auto channel = server_.channel();
  auto stub = v1::RegistryService::NewStub(channel);
  grpc::ClientContext ctx;
  v1::CreateExchangeRequest req;
  req.set_exchange_id("huge");
  *req.mutable_exchange() = testing_support::SampleExchange();
  req.mutable_exchange()->set_display_name(std::string(5 * 1024 * 1024, 'x'));
  v1::CreateExchangeResponse resp;
  EXPECT_EQ(
      stub->CreateExchange(&ctx, req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  grpc::ClientContext get_ctx;
  v1::GetExchangeRequest get;
  get.set_name("exchanges/huge");
  v1::GetExchangeResponse got;
  EXPECT_EQ(stub->GetExchange(&get_ctx, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(RegistryServiceTest, HealthIsServingAndReflectionListsTheServices) {
  // Probes and tools need no key for health and reflection.
  auto channel = testing_support::KeyChannel(server_.address(), "");
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  const std::vector<std::string> services = testing_support::ServiceNames(server_.address());
  EXPECT_THAT(
      services,
      UnorderedElementsAre(
          "kokemus.v1.RegistryService", "kokemus.v1.OrderService", "kokemus.v1.ContractService",
          "kokemus.v1.MatchingService", "kokemus.v1.ReportService", "kokemus.v1.AccessService",
          "kokemus.v1.NotificationService", "kokemus.v1.SurveyService",
          "kokemus.v1.TrainingService", "grpc.health.v1.Health",
          "grpc.reflection.v1alpha.ServerReflection"));
}

TEST_P(RegistryServiceTest, ShutdownTurnsHealthNotServing) {
  auto channel = server_.channel();
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  auto watch = health->Watch(&ctx, req);
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  std::thread stopper([&] { server_.server().Shutdown(absl::Seconds(5)); });
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  ctx.TryCancel();
  stopper.join();
}

INSTANTIATE_TEST_SUITE_P(
    Db, RegistryServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
