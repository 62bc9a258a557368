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
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
    CreateOrder("o1", start_);
    CreateOrder("o2", start_ + absl::Minutes(30));
  }

  template <typename F>
  void AddExpert(const std::string& id, const std::string& name, F change) {
    v1::Expert expert = testing_support::SampleExpert();
    expert.set_display_name(name);
    auto* t = expert.add_trainings();
    t->set_provider("MIELI ry");
    t->set_title("Kokemusasiantuntijakoulutus");
    t->set_completion_date("2024-05-31");
    change(expert);
    testing_support::CreateExpert(server_.registry(), "ph", id, expert);
  }

  void CreateOrder(const std::string& id, absl::Time start) {
    v1::Order order = testing_support::SampleOrder("ph", "lyseo", start);
    order.add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
    testing_support::CreateOrder(*orders_, "ph", id, order);
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
