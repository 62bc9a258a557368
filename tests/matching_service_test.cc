// MatchingService.RankExperts over real gRPC on both databases, with the
// activity the stores hold (an accepted assignment makes an overlap).
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

class MatchingServiceTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    auto channel = grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials());
    orders_ = v1::OrderService::NewStub(channel);
    matching_ = v1::MatchingService::NewStub(channel);
    testing_support::CreateExchange(server_.registry(), "ph");
    AddExpert("kaisa", "Kaisa", [](v1::Expert&) {});
    AddExpert("leena", "Leena", [](v1::Expert&) {});
    AddExpert("paused", "Pauli", [](v1::Expert& e) { e.set_state(v1::Expert::STATE_PAUSED); });
    AddExpert("svensk", "Sven", [](v1::Expert& e) {
      e.clear_languages();
      e.add_languages("sv");
    });
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest org;
    org.set_parent("exchanges/ph");
    org.set_organization_id("lyseo");
    *org.mutable_organization() = testing_support::SampleOrganization();
    v1::CreateOrganizationResponse org_resp;
    ASSERT_TRUE(server_.registry().CreateOrganization(&ctx, org, &org_resp).ok());
    grpc::ClientContext fee_ctx;
    v1::UpdateFeeScheduleRequest fees;
    fees.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    auto* rule = fees.mutable_fee_schedule()->add_role_rules();
    rule->set_role(v1::ROLE_LECTURER);
    rule->set_valid_from("2020-01-01");
    rule->set_kind(v1::FEE_KIND_FIXED);
    rule->set_amount_cents(15000);
    v1::UpdateFeeScheduleResponse fee_resp;
    ASSERT_TRUE(orders_->UpdateFeeSchedule(&fee_ctx, fees, &fee_resp).ok());
    CreateOrder("o1", start_);
    CreateOrder("o2", start_ + absl::Minutes(30));
  }

  template <typename F>
  void AddExpert(const std::string& id, const std::string& name, F change) {
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id(id);
    *req.mutable_expert() = testing_support::SampleExpert();
    req.mutable_expert()->set_display_name(name);
    auto* t = req.mutable_expert()->add_trainings();
    t->set_provider("MIELI ry");
    t->set_title("Kokemusasiantuntijakoulutus");
    t->set_completion_date("2024-05-31");
    change(*req.mutable_expert());
    v1::CreateExpertResponse resp;
    ASSERT_TRUE(server_.registry().CreateExpert(&ctx, req, &resp).ok());
  }

  void CreateOrder(const std::string& id, absl::Time start) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_parent("exchanges/ph");
    req.set_order_id(id);
    auto* o = req.mutable_order();
    o->set_organization("exchanges/ph/organizations/lyseo");
    o->set_role(v1::ROLE_LECTURER);
    o->set_topic("Toipumistarina");
    o->set_audience(v1::AUDIENCE_STUDENTS);
    *o->mutable_start_time() = rpc::ToProto(start);
    o->set_duration_minutes(90);
    o->set_address("Kirkkokatu 1");
    o->set_municipality("398");
    o->set_language("fi");
    o->add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
    v1::CreateOrderResponse resp;
    ASSERT_TRUE(orders_->CreateOrder(&ctx, req, &resp).ok());
  }

  v1::RankExpertsResponse Rank(const std::string& order) {
    grpc::ClientContext ctx;
    v1::RankExpertsRequest req;
    req.set_order("exchanges/ph/orders/" + order);
    v1::RankExpertsResponse resp;
    grpc::Status s = matching_->RankExperts(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::MatchingService::Stub> matching_;
  const absl::Time start_ = absl::Now() + absl::Hours(24 * 7);
};

TEST_P(MatchingServiceTest, RanksCandidatesAndNamesTheRuleThatExcludedEachOther) {
  v1::RankExpertsResponse r = Rank("o1");
  std::vector<std::string> candidates;
  for (const auto& c : r.candidates()) candidates.push_back(c.display_name());
  EXPECT_THAT(candidates, ::testing::UnorderedElementsAre("Kaisa", "Leena"));
  EXPECT_EQ(r.candidates(0).fee_cents(), 15000);
  EXPECT_DOUBLE_EQ(r.candidates(0).parts().experience(), 1.0);
  ASSERT_EQ(r.excluded_size(), 2);
  EXPECT_EQ(r.excluded(0).expert(), "exchanges/ph/experts/paused");
  EXPECT_EQ(r.excluded(0).rule(), v1::EXCLUSION_RULE_NOT_ACTIVE);
  EXPECT_EQ(r.excluded(0).reason(), "the expert is PAUSED");
  EXPECT_EQ(r.excluded(1).display_name(), "Sven");
  EXPECT_EQ(r.excluded(1).rule(), v1::EXCLUSION_RULE_LACKS_LANGUAGE);
}

TEST_P(MatchingServiceTest, AnAcceptedAssignmentExcludesOverlappingOrders) {
  grpc::ClientContext offer_ctx;
  v1::OfferAssignmentRequest offer;
  offer.set_parent("exchanges/ph/orders/o1");
  offer.set_assignment_id("a1");
  offer.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
  *offer.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(absl::Now() + absl::Hours(1));
  v1::OfferAssignmentResponse offered;
  ASSERT_TRUE(orders_->OfferAssignment(&offer_ctx, offer, &offered).ok());
  grpc::ClientContext accept_ctx;
  v1::AcceptAssignmentRequest accept;
  accept.set_name(offered.assignment().name());
  v1::AcceptAssignmentResponse accepted;
  ASSERT_TRUE(orders_->AcceptAssignment(&accept_ctx, accept, &accepted).ok());

  v1::RankExpertsResponse r = Rank("o2");
  ASSERT_EQ(r.candidates_size(), 1);
  EXPECT_EQ(r.candidates(0).display_name(), "Leena");
  bool kaisa_overlaps = false;
  for (const auto& x : r.excluded()) {
    if (x.expert() == "exchanges/ph/experts/kaisa") {
      kaisa_overlaps = x.rule() == v1::EXCLUSION_RULE_OVERLAPPING;
    }
  }
  EXPECT_TRUE(kaisa_overlaps);

  grpc::ClientContext missing_ctx;
  v1::RankExpertsRequest missing;
  missing.set_order("exchanges/ph/orders/nope");
  v1::RankExpertsResponse resp;
  EXPECT_EQ(matching_->RankExperts(&missing_ctx, missing, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(Db, MatchingServiceTest, testing_support::kAllBackends,
                         testing_support::BackendName);

}  // namespace
}  // namespace kokemus
