// MatchingService.RankExperts over real gRPC on both databases, with the
// activity the stores hold (an accepted assignment makes an overlap).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/rpc/convert.h"
#include "services/storage/matching_store.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

class MatchingServiceTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    auto channel = server_.channel();
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

  v1::PlanAssignmentsResponse Plan() {
    grpc::ClientContext ctx;
    v1::PlanAssignmentsRequest req;
    req.set_parent("exchanges/ph");
    *req.mutable_start_time() = rpc::ToProto(start_ - absl::Hours(1));
    *req.mutable_end_time() = rpc::ToProto(start_ + absl::Hours(1));
    v1::PlanAssignmentsResponse resp;
    grpc::Status s = matching_->PlanAssignments(&ctx, req, &resp);
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
  *offer.mutable_assignment()->mutable_offer_deadline() =
      rpc::ToProto(absl::Now() + absl::Hours(1));
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
  EXPECT_EQ(
      matching_->RankExperts(&missing_ctx, missing, &resp).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_P(MatchingServiceTest, CutsTheCandidateListAndCountsExclusionsPerRule) {
  grpc::ClientContext ctx;
  v1::RankExpertsRequest req;
  req.set_order("exchanges/ph/orders/o1");
  req.set_max_candidates(1);
  req.set_omit_excluded(true);
  v1::RankExpertsResponse r;
  ASSERT_TRUE(matching_->RankExperts(&ctx, req, &r).ok());
  EXPECT_EQ(r.candidates_size(), 1);
  EXPECT_EQ(r.total_candidates(), 2);
  EXPECT_EQ(r.excluded_size(), 0);
  ASSERT_EQ(r.exclusion_counts_size(), 2);
  EXPECT_EQ(r.exclusion_counts(0).rule(), v1::EXCLUSION_RULE_NOT_ACTIVE);
  EXPECT_EQ(r.exclusion_counts(0).count(), 1);
  EXPECT_EQ(r.exclusion_counts(1).rule(), v1::EXCLUSION_RULE_LACKS_LANGUAGE);
  EXPECT_EQ(r.exclusion_counts(1).count(), 1);

  grpc::ClientContext bad_ctx;
  req.set_max_candidates(-1);
  grpc::Status bad = matching_->RankExperts(&bad_ctx, req, &r);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(bad), ::testing::ElementsAre(std::pair<std::string, std::string>(
                                            "max_candidates", "must not be negative")));
}

TEST_P(MatchingServiceTest, WeightsAndRestAreDataOfTheExchange) {
  grpc::ClientContext get_ctx;
  v1::GetMatchingSettingsRequest get;
  get.set_name("exchanges/ph/matchingSettings");
  v1::GetMatchingSettingsResponse got;
  ASSERT_TRUE(matching_->GetMatchingSettings(&get_ctx, get, &got).ok());
  const v1::MatchingSettings& d = got.matching_settings();
  EXPECT_EQ(d.name(), "exchanges/ph/matchingSettings");
  EXPECT_EQ(d.weights().experience(), 3);
  EXPECT_EQ(d.weights().role(), 2);
  EXPECT_EQ(d.weights().travel(), 1);
  EXPECT_EQ(d.weights().fairness(), 3);
  EXPECT_EQ(d.weights().preferred(), 1);
  EXPECT_EQ(d.weights().feedback(), 1);
  EXPECT_EQ(d.rest_after_heavy_hours(), 48);
  EXPECT_FALSE(d.has_update_time());

  v1::MatchingSettings wanted = d;
  wanted.mutable_weights()->set_experience(0);
  wanted.mutable_weights()->set_role(0);
  wanted.mutable_weights()->set_travel(0);
  wanted.mutable_weights()->set_fairness(0);
  wanted.mutable_weights()->set_preferred(0);
  wanted.mutable_weights()->set_feedback(10);  // only orderers' ratings count
  wanted.set_rest_after_heavy_hours(24);
  grpc::ClientContext update_ctx;
  v1::UpdateMatchingSettingsRequest update;
  *update.mutable_matching_settings() = wanted;
  update.mutable_update_mask()->add_paths("*");  // zeros too: every setting as sent
  v1::UpdateMatchingSettingsResponse updated;
  ASSERT_TRUE(matching_->UpdateMatchingSettings(&update_ctx, update, &updated).ok());
  EXPECT_EQ(updated.matching_settings().weights().feedback(), 10);
  EXPECT_EQ(updated.matching_settings().rest_after_heavy_hours(), 24);
  EXPECT_EQ(updated.matching_settings().etag(), "\"1\"");
  EXPECT_TRUE(updated.matching_settings().has_update_time());
  // Nobody is rated: feedback is 0.5 for all, so every score is 10 * 0.5.
  v1::RankExpertsResponse r = Rank("o1");
  ASSERT_EQ(r.candidates_size(), 2);
  EXPECT_DOUBLE_EQ(r.candidates(0).score(), 5.0);
  EXPECT_DOUBLE_EQ(r.candidates(1).score(), 5.0);

  // The etag read before the update is stale now; nothing changes.
  grpc::ClientContext stale_ctx;
  EXPECT_EQ(
      matching_->UpdateMatchingSettings(&stale_ctx, update, &updated).error_code(),
      grpc::StatusCode::ABORTED);
  grpc::ClientContext bad_ctx;
  update.mutable_matching_settings()->clear_etag();
  update.mutable_matching_settings()->mutable_weights()->set_travel(11);
  update.mutable_matching_settings()->set_rest_after_heavy_hours(-1);
  grpc::Status bad = matching_->UpdateMatchingSettings(&bad_ctx, update, &updated);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(bad),
      ::testing::ElementsAre(
          std::pair<std::string, std::string>(
              "matching_settings.weights.travel", "must be from 0 to 10"),
          std::pair<std::string, std::string>(
              "matching_settings.rest_after_heavy_hours", "must be whole hours from 0 to 336")));
  grpc::ClientContext again_ctx;
  ASSERT_TRUE(matching_->GetMatchingSettings(&again_ctx, get, &got).ok());
  EXPECT_EQ(got.matching_settings().weights().travel(), 0);
  EXPECT_EQ(got.matching_settings().etag(), "\"1\"");

  // Without a mask only what is sent changes (AIP-134), weight by weight.
  grpc::ClientContext one_ctx;
  v1::UpdateMatchingSettingsRequest one;
  one.mutable_matching_settings()->set_name("exchanges/ph/matchingSettings");
  one.mutable_matching_settings()->mutable_weights()->set_travel(2);
  ASSERT_TRUE(matching_->UpdateMatchingSettings(&one_ctx, one, &updated).ok());
  EXPECT_EQ(updated.matching_settings().weights().travel(), 2);
  EXPECT_EQ(updated.matching_settings().weights().feedback(), 10);
  EXPECT_EQ(updated.matching_settings().weights().experience(), 0);
  EXPECT_EQ(updated.matching_settings().rest_after_heavy_hours(), 24);
  EXPECT_EQ(updated.matching_settings().etag(), "\"2\"");
  grpc::ClientContext path_ctx;
  one.mutable_matching_settings()->mutable_weights()->set_travel(0);
  one.mutable_update_mask()->add_paths("weights.travel");
  one.mutable_update_mask()->add_paths("weights.speed");
  EXPECT_THAT(
      testing_support::Violations(matching_->UpdateMatchingSettings(&path_ctx, one, &updated)),
      ::testing::ElementsAre(
          std::pair<std::string, std::string>("update_mask.paths[1]", "not an updatable field")));

  grpc::ClientContext missing_ctx;
  get.set_name("exchanges/nope/matchingSettings");
  EXPECT_EQ(
      matching_->GetMatchingSettings(&missing_ctx, get, &got).error_code(),
      grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext malformed_ctx;
  get.set_name("exchanges/ph");
  EXPECT_EQ(
      matching_->GetMatchingSettings(&malformed_ctx, get, &got).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(MatchingServiceTest, AReplicaRanksWithWhatAnotherReplicaChanged) {
  EXPECT_EQ(Rank("o1").candidates_size(), 2);  // this replica now holds the data
  auto other = Server::Start(
      {.listen = "127.0.0.1:0",
       .database = server_.database_url(),
       .log_requests = false,
       .plaintext = true});
  ASSERT_TRUE(other.ok()) << other.status();
  auto other_registry = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(
      absl::StrCat("127.0.0.1:", (*other)->port()), server_.keys()));
  grpc::ClientContext ctx;
  v1::UpdateExpertRequest pause;
  pause.mutable_expert()->set_name("exchanges/ph/experts/kaisa");
  pause.mutable_expert()->set_state(v1::Expert::STATE_PAUSED);
  pause.mutable_update_mask()->add_paths("state");
  v1::UpdateExpertResponse paused;
  const grpc::Status updated = other_registry->UpdateExpert(&ctx, pause, &paused);
  ASSERT_TRUE(updated.ok()) << updated.error_code() << " " << updated.error_message();
  (*other)->Shutdown(absl::Seconds(1));

  // This replica checks the exchange's counter again within kMatchingRecheck.
  const absl::Time deadline = absl::Now() + storage::kMatchingRecheck + absl::Seconds(2);
  v1::RankExpertsResponse r = Rank("o1");
  while (r.candidates_size() != 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    r = Rank("o1");
  }
  ASSERT_EQ(r.candidates_size(), 1);
  EXPECT_EQ(r.candidates(0).display_name(), "Leena");
  EXPECT_EQ(r.excluded(0).expert(), "exchanges/ph/experts/kaisa");
  EXPECT_EQ(r.excluded(0).rule(), v1::EXCLUSION_RULE_NOT_ACTIVE);
}

TEST_P(MatchingServiceTest, PlansTheOpenOrdersAndOffersThePlanInOneCall) {
  // o1 and o2 overlap: each of the two eligible experts gets one.
  v1::PlanAssignmentsResponse plan = Plan();
  EXPECT_EQ(plan.open_orders(), 2);
  EXPECT_EQ(plan.open_places(), 2);
  ASSERT_EQ(plan.proposals_size(), 2);
  EXPECT_EQ(plan.proposals(0).order(), "exchanges/ph/orders/o1");
  EXPECT_EQ(plan.proposals(1).order(), "exchanges/ph/orders/o2");
  EXPECT_NE(plan.proposals(0).expert(), plan.proposals(1).expert());
  EXPECT_EQ(plan.proposals(0).fee_cents(), 15000);
  EXPECT_EQ(plan.method(), v1::PLAN_METHOD_OPTIMAL);
  EXPECT_EQ(plan.quality().places_filled(), 2);
  EXPECT_EQ(plan.quality().experts_with_tasks(), 2);
  EXPECT_EQ(plan.quality().eligible_experts(), 2);
  EXPECT_DOUBLE_EQ(plan.quality().gini(), 0.0);
  EXPECT_EQ(plan.greedy().places_filled(), 2);
  EXPECT_EQ(plan.unfilled_size(), 0);

  grpc::ClientContext ctx;
  v1::OfferPlanRequest offer;
  offer.set_parent("exchanges/ph");
  *offer.mutable_proposals() = plan.proposals();
  *offer.mutable_offer_deadline() = rpc::ToProto(absl::Now() + absl::Hours(24));
  v1::OfferPlanResponse offered;
  grpc::Status s = matching_->OfferPlan(&ctx, offer, &offered);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(offered.assignments_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(offered.assignments(i).expert(), plan.proposals(i).expert());
    EXPECT_EQ(offered.assignments(i).state(), v1::Assignment::STATE_OFFERED);
    EXPECT_EQ(offered.assignments(i).fee_cents(), 15000);
    EXPECT_TRUE(absl::StartsWith(
        offered.assignments(i).name(), plan.proposals(i).order() + "/assignments/"));
  }
  // Offered places are not open any more.
  v1::PlanAssignmentsResponse after = Plan();
  EXPECT_EQ(after.open_orders(), 2);
  EXPECT_EQ(after.open_places(), 0);
  EXPECT_EQ(after.proposals_size(), 0);
  grpc::ClientContext again_ctx;
  grpc::Status again = matching_->OfferPlan(&again_ctx, offer, &offered);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(again.error_message(), "exchanges/ph/orders/o1 has no open places left");
}

TEST_P(MatchingServiceTest, AnOfferPlanThatBreaksARuleStoresNothing) {
  grpc::ClientContext ctx;
  v1::OfferPlanRequest offer;
  offer.set_parent("exchanges/ph");
  for (const char* order : {"o1", "o2"}) {  // one expert for two overlapping orders
    auto* p = offer.add_proposals();
    p->set_order(absl::StrCat("exchanges/ph/orders/", order));
    p->set_expert("exchanges/ph/experts/kaisa");
  }
  auto* paused = offer.add_proposals();
  paused->set_order("exchanges/ph/orders/o1");
  paused->set_expert("exchanges/ph/experts/paused");
  *offer.mutable_offer_deadline() = rpc::ToProto(absl::Now() + absl::Hours(24));
  v1::OfferPlanResponse offered;
  grpc::Status s = matching_->OfferPlan(&ctx, offer, &offered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      s.error_message(),
      "the plan no longer holds: expert kaisa for order o2: overlaps (or leaves too "
      "little rest) with order o1; expert paused for order o1: not a candidate the hard "
      "rules allow");
  EXPECT_EQ(Plan().open_places(), 2);  // nothing was offered

  grpc::ClientContext past_ctx;
  *offer.mutable_offer_deadline() = rpc::ToProto(absl::Now() - absl::Hours(1));
  grpc::Status past = matching_->OfferPlan(&past_ctx, offer, &offered);
  EXPECT_EQ(past.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(past), ::testing::ElementsAre(std::pair<std::string, std::string>(
                                             "offer_deadline", "must be in the future")));
  grpc::ClientContext foreign_ctx;
  *offer.mutable_offer_deadline() = rpc::ToProto(absl::Now() + absl::Hours(24));
  offer.mutable_proposals(0)->set_expert("exchanges/other/experts/kaisa");
  EXPECT_EQ(
      matching_->OfferPlan(&foreign_ctx, offer, &offered).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_P(MatchingServiceTest, PlanningNamesEachBadField) {
  grpc::ClientContext ctx;
  v1::PlanAssignmentsRequest req;
  req.set_parent("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(start_);
  *req.mutable_end_time() = rpc::ToProto(start_ + absl::Hours(24 * 93));
  req.set_candidates_per_order(101);
  v1::PlanAssignmentsResponse resp;
  grpc::Status s = matching_->PlanAssignments(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(s),
      ::testing::ElementsAre(
          std::pair<std::string, std::string>(
              "end_time", "must be at most 92 days after start_time"),
          std::pair<std::string, std::string>("candidates_per_order", "must be from 1 to 100")));
  grpc::ClientContext missing_ctx;
  req.set_parent("exchanges/nope");
  req.set_candidates_per_order(0);
  *req.mutable_end_time() = rpc::ToProto(start_ + absl::Hours(1));
  EXPECT_EQ(
      matching_->PlanAssignments(&missing_ctx, req, &resp).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(
    Db, MatchingServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
