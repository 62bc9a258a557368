// Offer rounds over real gRPC on both databases, with the server's own
// sweeper moving them on: broadcast, tiered, a place reopened by an illness,
// rounds that run out (the coordinator is told), bad starts, and a broadcast
// to fifty experts who all accept at once, two hundred times.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using testing_support::Backend;
using testing_support::Violations;

constexpr char kOrder[] = "exchanges/ph/orders/o1";
constexpr char kRounds[] = "exchanges/ph/orders/o1/offerRounds";

class OfferRoundsServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    orders_ = v1::OrderService::NewStub(server_.channel());
    matching_ = v1::MatchingService::NewStub(server_.channel());
    notifications_ = v1::NotificationService::NewStub(server_.channel());
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
  }

  void AddExperts(int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string id = absl::StrFormat("e%02d", i);
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/ph");
      req.set_expert_id(id);
      *req.mutable_expert() = testing_support::SampleExpert();
      req.mutable_expert()->set_display_name(absl::StrCat("Asiantuntija ", i));
      req.mutable_expert()->set_email(absl::StrCat(id, "@example.fi"));
      v1::CreateExpertResponse resp;
      ASSERT_TRUE(server_.registry().CreateExpert(&ctx, req, &resp).ok());
    }
  }

  void CreateOrder(const std::string& id, int places) {
    v1::Order o = testing_support::SampleOrder("ph", "lyseo", week_);
    o.set_experts_needed(places);
    testing_support::CreateOrder(*orders_, "ph", id, o);
  }

  grpc::Status Start(
      const std::string& order, v1::OfferStrategy strategy, int size, int interval,
      v1::OfferRounds* out) {
    grpc::ClientContext ctx;
    v1::StartOfferRoundsRequest req;
    req.set_parent(order);
    req.mutable_offer_rounds()->set_strategy(strategy);
    req.mutable_offer_rounds()->set_round_size(size);
    req.mutable_offer_rounds()->set_tier_interval_minutes(interval);
    *req.mutable_offer_rounds()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(72));
    v1::StartOfferRoundsResponse resp;
    grpc::Status s = orders_->StartOfferRounds(&ctx, req, &resp);
    *out = resp.offer_rounds();
    return s;
  }

  v1::OfferRounds Get(const std::string& name = kRounds) {
    grpc::ClientContext ctx;
    v1::GetOfferRoundsRequest req;
    req.set_name(name);
    v1::GetOfferRoundsResponse resp;
    grpc::Status s = orders_->GetOfferRounds(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.offer_rounds();
  }

  // The rounds once the sweeper has made `rounds` rounds or left ACTIVE.
  v1::OfferRounds AwaitRounds(int rounds) {
    const absl::Time until = absl::Now() + absl::Seconds(20);
    v1::OfferRounds r = Get();
    while ((r.rounds_size() < rounds && r.state() == v1::OfferRounds::STATE_ACTIVE) &&
           absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(20));
      r = Get();
    }
    return r;
  }

  v1::Assignment Assignment(const std::string& name) {
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name(name);
    v1::GetAssignmentResponse resp;
    EXPECT_TRUE(orders_->GetAssignment(&ctx, req, &resp).ok());
    return resp.assignment();
  }

  std::unique_ptr<v1::OrderService::Stub>& As(const std::string& expert_name) {
    const std::string id = expert_name.substr(expert_name.rfind('/') + 1);
    auto& stub = experts_[id];
    if (!stub) {
      stub = v1::OrderService::NewStub(testing_support::KeyChannel(
          server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", id)));
    }
    return stub;
  }

  grpc::Status Answer(const std::string& assignment, bool accept) {
    auto& stub = As(Assignment(assignment).expert());
    grpc::ClientContext ctx;
    if (accept) {
      v1::AcceptAssignmentRequest req;
      req.set_name(assignment);
      v1::AcceptAssignmentResponse resp;
      return stub->AcceptAssignment(&ctx, req, &resp);
    }
    v1::DeclineAssignmentRequest req;
    req.set_name(assignment);
    v1::DeclineAssignmentResponse resp;
    return stub->DeclineAssignment(&ctx, req, &resp);
  }

  // The experts of the best `n` candidates for the order, as ranked now.
  std::vector<std::string> Best(const std::string& order, int n) {
    grpc::ClientContext ctx;
    v1::RankExpertsRequest req;
    req.set_order(order);
    req.set_max_candidates(n);
    req.set_omit_excluded(true);
    v1::RankExpertsResponse resp;
    EXPECT_TRUE(matching_->RankExperts(&ctx, req, &resp).ok());
    std::vector<std::string> out;
    for (const auto& c : resp.candidates()) out.push_back(c.expert());
    return out;
  }

  // The experts a round offered to, in its order.
  std::vector<std::string> ExpertsOf(const v1::OfferRounds::Round& round) {
    std::vector<std::string> out;
    for (const std::string& a : round.assignments()) out.push_back(Assignment(a).expert());
    return out;
  }

  // How many messages pass `filter`, page by page.
  size_t CountMessages(const std::string& filter) {
    size_t n = 0;
    std::string token;
    do {
      grpc::ClientContext ctx;
      v1::ListMessagesRequest req;
      req.set_parent("exchanges/ph");
      req.set_page_size(1000);
      req.set_page_token(token);
      req.set_filter(filter);
      v1::ListMessagesResponse resp;
      grpc::Status s = notifications_->ListMessages(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return n;
      n += resp.messages_size();
      token = resp.next_page_token();
    } while (!token.empty());
    return n;
  }

  std::vector<v1::Message> Messages(const std::string& filter) {
    grpc::ClientContext ctx;
    v1::ListMessagesRequest req;
    req.set_parent("exchanges/ph");
    req.set_page_size(1000);
    req.set_filter(filter);
    v1::ListMessagesResponse resp;
    grpc::Status s = notifications_->ListMessages(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.messages().begin(), resp.messages().end()};
  }

  domain::FakeClock clock_{absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()))};
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        options.lapse_sweep_interval = absl::Milliseconds(20);
                                      }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::MatchingService::Stub> matching_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
  std::map<std::string, std::unique_ptr<v1::OrderService::Stub>> experts_;
  const absl::Time week_ = clock_.Now() + absl::Hours(24 * 7);
};

TEST_P(
    OfferRoundsServiceTest, ABroadcastFillsThePlacesWithdrawsTheRestAndRefillsAnIllnessByItself) {
  AddExperts(6);
  CreateOrder("o1", 2);
  const std::vector<std::string> best = Best(kOrder, 6);
  ASSERT_EQ(best.size(), 6u);
  v1::OfferRounds started;
  grpc::Status s = Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 3, 0, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.name(), kRounds);
  EXPECT_EQ(started.state(), v1::OfferRounds::STATE_ACTIVE);
  EXPECT_EQ(started.round_size(), 3);
  EXPECT_EQ(started.places_open(), 2);
  ASSERT_EQ(started.rounds_size(), 1);
  const v1::OfferRounds::Round& first = started.rounds(0);
  EXPECT_EQ(first.trigger(), v1::OfferRounds::Round::TRIGGER_STARTED);
  EXPECT_EQ(first.places_open(), 2);
  EXPECT_EQ(first.waiting(), 3);
  ASSERT_THAT(
      first.assignments(),
      ElementsAre(
          "exchanges/ph/orders/o1/assignments/r1-1", "exchanges/ph/orders/o1/assignments/r1-2",
          "exchanges/ph/orders/o1/assignments/r1-3"));
  // The three best, best first, each told.
  EXPECT_THAT(ExpertsOf(first), ElementsAre(best[0], best[1], best[2]));
  EXPECT_EQ(Assignment(first.assignments(0)).offer_round(), 1);
  EXPECT_EQ(started.answer_window_minutes(), 1440);
  // Open for a day: the answer window, well before the rounds' deadline.
  EXPECT_EQ(
      rpc::FromProto(Assignment(first.assignments(0)).offer_deadline()),
      clock_.Now() + absl::Hours(24));
  EXPECT_EQ(Messages("kind=OFFER_MADE").size(), 3u);

  // The first two acceptances fill the places; the third offer is withdrawn.
  ASSERT_TRUE(Answer(first.assignments(2), true).ok());
  ASSERT_TRUE(Answer(first.assignments(0), true).ok());
  EXPECT_EQ(Assignment(first.assignments(1)).state(), v1::Assignment::STATE_WITHDRAWN);
  EXPECT_EQ(Answer(first.assignments(1), true).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::OfferRounds filled = Get();
  EXPECT_EQ(filled.places_open(), 0);
  EXPECT_EQ(filled.rounds(0).placed(), 2);
  EXPECT_EQ(filled.rounds(0).withdrawn(), 1);
  EXPECT_EQ(filled.rounds(0).waiting(), 0);
  clock_.Advance(absl::Minutes(5));
  absl::SleepFor(absl::Milliseconds(200));  // sweeps: nothing to do while filled
  EXPECT_EQ(Get().rounds_size(), 1);

  // She falls ill: the place is offered again by itself, to three who had
  // nothing on the order yet.
  {
    grpc::ClientContext ctx;
    v1::CancelAssignmentRequest req;
    req.set_name(first.assignments(0));
    req.set_cancelled_by(v1::CANCELLED_BY_EXPERT);
    req.set_reason(v1::CANCEL_REASON_ILLNESS);
    v1::CancelAssignmentResponse resp;
    grpc::Status cancelled = As(best[0])->CancelAssignment(&ctx, req, &resp);
    ASSERT_TRUE(cancelled.ok()) << cancelled.error_message();
  }
  const v1::OfferRounds refilled = AwaitRounds(2);
  ASSERT_EQ(refilled.rounds_size(), 2);
  const v1::OfferRounds::Round& second = refilled.rounds(1);
  EXPECT_EQ(second.trigger(), v1::OfferRounds::Round::TRIGGER_PLACE_REOPENED);
  EXPECT_EQ(second.places_open(), 1);
  EXPECT_EQ(second.waiting(), 3);
  EXPECT_THAT(ExpertsOf(second), ElementsAre(best[3], best[4], best[5]));
  EXPECT_EQ(refilled.rounds(0).cancelled(), 1);
  EXPECT_EQ(refilled.rounds(0).placed(), 1);
  EXPECT_EQ(refilled.places_open(), 1);
  EXPECT_EQ(Messages("kind=OFFER_MADE").size(), 6u);
  EXPECT_EQ(Messages("kind=OFFER_WITHDRAWN").size(), 1u);
}

TEST_P(OfferRoundsServiceTest, TieredRoundsWidenTheCircleAfterTheInterval) {
  AddExperts(5);
  CreateOrder("o1", 1);
  const std::vector<std::string> best = Best(kOrder, 5);
  v1::OfferRounds started;
  ASSERT_TRUE(Start(kOrder, v1::OFFER_STRATEGY_TIERED, 2, 60, &started).ok());
  EXPECT_EQ(started.tier_interval_minutes(), 60);
  ASSERT_EQ(started.rounds(0).assignments_size(), 2);
  clock_.Advance(absl::Minutes(59));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(Get().rounds_size(), 1);  // not yet
  clock_.Advance(absl::Minutes(1));
  const v1::OfferRounds widened = AwaitRounds(2);
  ASSERT_EQ(widened.rounds_size(), 2);
  EXPECT_EQ(widened.rounds(1).trigger(), v1::OfferRounds::Round::TRIGGER_NEXT_TIER);
  EXPECT_EQ(widened.rounds(0).waiting(), 2);  // the first tier's offers stay open
  EXPECT_THAT(ExpertsOf(widened.rounds(1)), ElementsAre(best[2], best[3]));
  // One of the second tier takes it: every other offer is withdrawn.
  ASSERT_TRUE(Answer(widened.rounds(1).assignments(1), true).ok());
  const v1::OfferRounds done = Get();
  EXPECT_EQ(done.rounds(0).withdrawn(), 2);
  EXPECT_EQ(done.rounds(1).withdrawn(), 1);
  EXPECT_EQ(done.rounds(1).placed(), 1);
  EXPECT_EQ(done.places_open(), 0);
  clock_.Advance(absl::Minutes(61));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(Get().rounds_size(), 2);  // filled: no third tier
}

TEST_P(OfferRoundsServiceTest, RoundsThatRunOutTellTheCoordinatorAndNeverAskTwice) {
  AddExperts(8);
  CreateOrder("o1", 1);
  v1::OfferRounds r;
  ASSERT_TRUE(Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 3, 0, &r).ok());
  std::set<std::string> asked;
  for (int round = 1; round <= 3; ++round) {
    r = AwaitRounds(round);
    ASSERT_EQ(r.rounds_size(), round);
    const auto& made = r.rounds(round - 1);
    EXPECT_EQ(made.assignments_size(), round < 3 ? 3 : 2);
    EXPECT_EQ(
        made.trigger(), round == 1 ? v1::OfferRounds::Round::TRIGGER_STARTED
                                   : v1::OfferRounds::Round::TRIGGER_ALL_ANSWERED);
    for (const std::string& a : made.assignments()) {
      EXPECT_TRUE(asked.insert(Assignment(a).expert()).second) << a;
      ASSERT_TRUE(Answer(a, false).ok());
    }
  }
  EXPECT_EQ(asked.size(), 8u);
  r = AwaitRounds(4);
  EXPECT_EQ(r.state(), v1::OfferRounds::STATE_EXHAUSTED);
  EXPECT_EQ(r.rounds_size(), 3);
  EXPECT_EQ(r.places_open(), 1);
  EXPECT_EQ(r.rounds(2).declined(), 2);
  const std::vector<v1::Message> told = Messages("kind=OFFER_ROUNDS_ENDED");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].recipient_kind(), v1::Message::RECIPIENT_KIND_COORDINATOR);
  EXPECT_EQ(told[0].recipient(), "pankki@example.fi");
  EXPECT_EQ(told[0].resource(), kOrder);
  // Started again, there is nobody left: refused, nothing changes.
  v1::OfferRounds again;
  grpc::Status s = Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 3, 0, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      s.error_message(),
      "no eligible expert is left to offer the order to (RankExperts shows why)");
  EXPECT_EQ(Get().state(), v1::OfferRounds::STATE_EXHAUSTED);
}

// The exchange's default strategy is a pool: the yeses are collected, the
// coordinator picks, the others stand by, and a freed place goes to the
// best-ranked backup before any round.
TEST_P(OfferRoundsServiceTest, APoolIsPickedFromAndItsOthersStandByForAFreedPlace) {
  AddExperts(6);
  CreateOrder("o1", 1);
  {
    grpc::ClientContext get_ctx;
    v1::GetMatchingSettingsRequest get;
    get.set_name("exchanges/ph/matchingSettings");
    v1::GetMatchingSettingsResponse got;
    ASSERT_TRUE(matching_->GetMatchingSettings(&get_ctx, get, &got).ok());
    EXPECT_EQ(got.matching_settings().offer_strategy(), v1::OFFER_STRATEGY_TARGETED);
    grpc::ClientContext ctx;
    v1::UpdateMatchingSettingsRequest req;
    *req.mutable_matching_settings() = got.matching_settings();
    req.mutable_matching_settings()->set_offer_strategy(v1::OFFER_STRATEGY_POOL);
    req.mutable_matching_settings()->set_round_size(4);
    v1::UpdateMatchingSettingsResponse resp;
    grpc::Status s = matching_->UpdateMatchingSettings(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.matching_settings().offer_strategy(), v1::OFFER_STRATEGY_POOL);
    EXPECT_EQ(resp.matching_settings().round_size(), 4);
  }
  v1::OfferRounds r;
  grpc::Status s = Start(kOrder, v1::OFFER_STRATEGY_UNSPECIFIED, 0, 0, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.strategy(), v1::OFFER_STRATEGY_POOL);
  EXPECT_EQ(r.round_size(), 4);
  ASSERT_EQ(r.rounds(0).assignments_size(), 4);
  const auto& made = r.rounds(0).assignments();
  EXPECT_EQ(Assignment(made[0]).offer_kind(), v1::OFFER_KIND_POOL);
  for (int i : {0, 1, 2}) {
    ASSERT_TRUE(Answer(made[i], true).ok());
    const v1::Assignment yes = Assignment(made[i]);
    EXPECT_EQ(yes.state(), v1::Assignment::STATE_AVAILABLE);
    EXPECT_EQ(yes.backup_rank(), i + 1);
  }
  EXPECT_EQ(Messages("kind=EXPERT_AVAILABLE").size(), 3u);
  v1::OfferRounds pooled = Get();
  EXPECT_EQ(pooled.rounds(0).available(), 3);
  EXPECT_EQ(pooled.rounds(0).waiting(), 1);
  EXPECT_EQ(pooled.rounds(0).placed(), 0);
  EXPECT_EQ(pooled.places_open(), 1);  // a yes holds no place
  clock_.Advance(absl::Minutes(5));
  absl::SleepFor(absl::Milliseconds(200));  // enough to pick from: no new round
  EXPECT_EQ(Get().rounds_size(), 1);

  // The coordinator picks the second; the waiting offer is withdrawn, the
  // other two stand by in the order they said yes.
  {
    grpc::ClientContext ctx;
    v1::ConfirmAssignmentRequest req;
    req.set_name(made[1]);
    v1::ConfirmAssignmentResponse resp;
    grpc::Status picked = orders_->ConfirmAssignment(&ctx, req, &resp);
    ASSERT_TRUE(picked.ok()) << picked.error_message();
    EXPECT_EQ(resp.assignment().state(), v1::Assignment::STATE_CONFIRMED);
    EXPECT_EQ(resp.assignment().backup_rank(), 0);
  }
  EXPECT_EQ(Assignment(made[3]).state(), v1::Assignment::STATE_WITHDRAWN);
  for (int i : {0, 2}) {
    const v1::Assignment backup = Assignment(made[i]);
    EXPECT_EQ(backup.state(), v1::Assignment::STATE_AVAILABLE);
    EXPECT_EQ(backup.offer_kind(), v1::OFFER_KIND_BACKUP);
    EXPECT_EQ(backup.backup_rank(), i + 1);
  }
  EXPECT_EQ(Messages("kind=STANDING_BY").size(), 2u);
  EXPECT_EQ(Messages("kind=OFFER_WITHDRAWN").size(), 1u);
  {
    grpc::ClientContext ctx;
    v1::GetOrderRequest req;
    req.set_name(kOrder);
    v1::GetOrderResponse resp;
    ASSERT_TRUE(orders_->GetOrder(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.order().state(), v1::Order::STATE_ASSIGNED);
  }
  // A fourth is asked by hand to stand by on the filled order.
  std::string fresh;
  for (int i = 1; i <= 6; ++i) {
    const std::string e = absl::StrFormat("exchanges/ph/experts/e%02d", i);
    bool asked = false;
    for (const std::string& a : made) asked = asked || Assignment(a).expert() == e;
    if (!asked) fresh = e;
  }
  ASSERT_FALSE(fresh.empty());
  {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent(kOrder);
    req.set_assignment_id("backup-4");
    req.mutable_assignment()->set_expert(fresh);
    req.mutable_assignment()->set_offer_kind(v1::OFFER_KIND_BACKUP);
    *req.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(24));
    v1::OfferAssignmentResponse resp;
    grpc::Status asked = orders_->OfferAssignment(&ctx, req, &resp);
    ASSERT_TRUE(asked.ok()) << asked.error_message();
    ASSERT_TRUE(Answer("exchanges/ph/orders/o1/assignments/backup-4", true).ok());
    EXPECT_EQ(Assignment("exchanges/ph/orders/o1/assignments/backup-4").backup_rank(), 4);
  }

  // The placed expert falls ill: the first backup is offered the place for
  // twelve hours, before any round, and takes it.
  {
    grpc::ClientContext ctx;
    v1::CancelAssignmentRequest req;
    req.set_name(made[1]);
    req.set_cancelled_by(v1::CANCELLED_BY_EXPERT);
    req.set_reason(v1::CANCEL_REASON_ILLNESS);
    v1::CancelAssignmentResponse resp;
    grpc::Status cancelled = As(Assignment(made[1]).expert())->CancelAssignment(&ctx, req, &resp);
    ASSERT_TRUE(cancelled.ok()) << cancelled.error_message();
  }
  const v1::Assignment offered = Assignment(made[0]);
  EXPECT_EQ(offered.state(), v1::Assignment::STATE_OFFERED);
  EXPECT_EQ(offered.offer_kind(), v1::OFFER_KIND_PLACE);
  EXPECT_EQ(offered.backup_rank(), 0);
  EXPECT_EQ(rpc::FromProto(offered.offer_deadline()), clock_.Now() + absl::Hours(12));
  EXPECT_EQ(Assignment(made[2]).state(), v1::Assignment::STATE_AVAILABLE);
  EXPECT_EQ(Messages("kind=OFFER_MADE").size(), 6u);  // 4 in the pool, the backup by hand, now
  clock_.Advance(absl::Minutes(5));
  absl::SleepFor(absl::Milliseconds(200));  // the backup's offer waits: no round
  EXPECT_EQ(Get().rounds_size(), 1);
  ASSERT_TRUE(Answer(made[0], true).ok());
  EXPECT_EQ(Assignment(made[0]).state(), v1::Assignment::STATE_ACCEPTED);
  EXPECT_EQ(Assignment(made[2]).state(), v1::Assignment::STATE_AVAILABLE);  // still standing by
}

TEST_P(OfferRoundsServiceTest, APoolThatClosesAsksTheCoordinatorToPick) {
  AddExperts(3);
  CreateOrder("o1", 1);
  v1::OfferRounds r;
  ASSERT_TRUE(Start(kOrder, v1::OFFER_STRATEGY_POOL, 2, 0, &r).ok());
  ASSERT_EQ(r.rounds(0).assignments_size(), 2);
  ASSERT_TRUE(Answer(r.rounds(0).assignments(0), true).ok());
  ASSERT_TRUE(Answer(r.rounds(0).assignments(1), false).ok());
  // One yes for one place: no further round.
  clock_.Advance(absl::Minutes(5));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(Get().rounds_size(), 1);
  clock_.Advance(absl::Hours(72));
  const absl::Time until = absl::Now() + absl::Seconds(20);
  while (Get().state() == v1::OfferRounds::STATE_ACTIVE && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const v1::OfferRounds closed = Get();
  EXPECT_EQ(closed.state(), v1::OfferRounds::STATE_ENDED);
  EXPECT_EQ(closed.rounds(0).available(), 1);
  const std::vector<v1::Message> told = Messages("kind=POOL_CLOSED");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].recipient_kind(), v1::Message::RECIPIENT_KIND_COORDINATOR);
  EXPECT_EQ(told[0].resource(), kOrder);
  EXPECT_EQ(Messages("kind=OFFER_ROUNDS_ENDED").size(), 0u);
  // She is still there to pick after the pool closed.
  grpc::ClientContext ctx;
  v1::ConfirmAssignmentRequest req;
  req.set_name(r.rounds(0).assignments(0));
  v1::ConfirmAssignmentResponse resp;
  grpc::Status picked = orders_->ConfirmAssignment(&ctx, req, &resp);
  ASSERT_TRUE(picked.ok()) << picked.error_message();
  EXPECT_EQ(resp.assignment().state(), v1::Assignment::STATE_CONFIRMED);
}

TEST_P(OfferRoundsServiceTest, BadStartsAreRefusedByFieldAndStoreNothing) {
  AddExperts(2);
  CreateOrder("o1", 1);
  grpc::ClientContext ctx;
  v1::StartOfferRoundsRequest req;
  req.set_parent(kOrder);
  req.mutable_offer_rounds()->set_strategy(v1::OFFER_STRATEGY_TARGETED);
  req.mutable_offer_rounds()->set_round_size(51);
  req.mutable_offer_rounds()->set_tier_interval_minutes(30);
  v1::StartOfferRoundsResponse resp;
  grpc::Status s = orders_->StartOfferRounds(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s), ElementsAre(
                         Pair(
                             "offer_rounds.strategy",
                             "TARGETED offers are made by hand (OfferAssignment), not in rounds"),
                         Pair("offer_rounds.round_size", "must be between 1 and 50"),
                         Pair("offer_rounds.tier_interval_minutes", "is only for TIERED rounds"),
                         Pair("offer_rounds.offer_deadline", "is required")));
  {
    grpc::ClientContext get_ctx;
    v1::GetOfferRoundsRequest get;
    get.set_name(kRounds);
    v1::GetOfferRoundsResponse got;
    grpc::Status missing = orders_->GetOfferRounds(&get_ctx, get, &got);
    EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(missing.error_message(), "exchanges/ph/orders/o1/offerRounds not found");
    grpc::ClientContext bad_ctx;
    get.set_name(kOrder);
    EXPECT_THAT(
        Violations(orders_->GetOfferRounds(&bad_ctx, get, &got)),
        ElementsAre(Pair("name", "must be exchanges/{exchange}/orders/{order}/offerRounds")));
  }
  v1::OfferRounds r;
  EXPECT_EQ(
      Start("exchanges/ph/orders/nope", v1::OFFER_STRATEGY_BROADCAST, 0, 0, &r).error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 0, 0, &r).ok());
  EXPECT_EQ(r.round_size(), 5);
  EXPECT_EQ(r.rounds(0).assignments_size(), 2);  // all there are
  s = Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 0, 0, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "offer rounds are already running on the order; stop them first");
  grpc::ClientContext stop_ctx;
  v1::StopOfferRoundsRequest stop;
  stop.set_name(kRounds);
  v1::StopOfferRoundsResponse stopped;
  ASSERT_TRUE(orders_->StopOfferRounds(&stop_ctx, stop, &stopped).ok());
  EXPECT_EQ(stopped.offer_rounds().state(), v1::OfferRounds::STATE_STOPPED);
  EXPECT_EQ(stopped.offer_rounds().rounds(0).waiting(), 2);  // the offers stay open
  grpc::ClientContext again_ctx;
  s = orders_->StopOfferRounds(&again_ctx, stop, &stopped);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "the offer rounds are STOPPED, not running");
}

TEST_P(OfferRoundsServiceTest, ARoundWorksAroundAnIdTakenByHand) {
  AddExperts(3);
  CreateOrder("o1", 1);
  {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent(kOrder);
    req.set_assignment_id("r1-1");
    req.mutable_assignment()->set_expert("exchanges/ph/experts/e03");
    *req.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(1));
    v1::OfferAssignmentResponse resp;
    ASSERT_TRUE(orders_->OfferAssignment(&ctx, req, &resp).ok());
  }
  v1::OfferRounds r;
  grpc::Status s = Start(kOrder, v1::OFFER_STRATEGY_BROADCAST, 2, 0, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(r.rounds(0).assignments_size(), 2);
  EXPECT_THAT(
      r.rounds(0).assignments(0),
      ::testing::StartsWith(std::string(kOrder) + "/assignments/r1-1-"));
  EXPECT_EQ(r.rounds(0).assignments(1), std::string(kOrder) + "/assignments/r1-2");
  EXPECT_EQ(r.rounds(0).waiting(), 2);  // the offer by hand is not the round's
}

// Fifty experts accept one broadcast at the same moment, two hundred times:
// exactly the order's places are taken, every other offer ends WITHDRAWN and
// its expert is told.
TEST_P(OfferRoundsServiceTest, FiftyExpertsAcceptingABroadcastAtOnceFillExactlyThePlaces) {
  constexpr int kExperts = 50, kRoundsRun = 200, kPlaces = 3;
  AddExperts(kExperts);
  for (int i = 1; i <= kExperts; ++i) As(absl::StrFormat("e%02d", i));  // keys first
  int withdrawn_total = 0;
  for (int round = 0; round < kRoundsRun; ++round) {
    const std::string id = absl::StrCat("b", round);
    const std::string order = absl::StrCat("exchanges/ph/orders/", id);
    CreateOrder(id, kPlaces);
    v1::OfferRounds r;
    grpc::Status s = Start(order, v1::OFFER_STRATEGY_BROADCAST, kExperts, 0, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(r.rounds(0).assignments_size(), kExperts);
    std::vector<std::pair<std::string, std::string>> offers;  // assignment, expert id
    for (int i = 1; i <= kExperts; ++i) {
      offers.emplace_back(absl::StrCat(order, "/assignments/r1-", i), "");
    }
    {
      grpc::ClientContext ctx;
      v1::ListAssignmentsRequest req;
      req.set_parent(order);
      req.set_page_size(100);
      v1::ListAssignmentsResponse resp;
      ASSERT_TRUE(orders_->ListAssignments(&ctx, req, &resp).ok());
      for (const auto& a : resp.assignments()) {
        for (auto& [name, expert] : offers) {
          if (name == a.name()) expert = a.expert();
        }
      }
    }
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (const auto& [name, expert] : offers) {
      threads.emplace_back([&, name = name, expert = expert] {
        grpc::ClientContext ctx;
        v1::AcceptAssignmentRequest req;
        req.set_name(name);
        v1::AcceptAssignmentResponse resp;
        if (As(expert)->AcceptAssignment(&ctx, req, &resp).ok()) ++accepted;
      });
    }
    for (std::thread& t : threads) t.join();
    ASSERT_EQ(accepted.load(), kPlaces) << "round " << round;
    const v1::OfferRounds after = Get(order + "/offerRounds");
    ASSERT_EQ(after.rounds(0).placed(), kPlaces);
    ASSERT_EQ(after.rounds(0).withdrawn(), kExperts - kPlaces);
    ASSERT_EQ(after.places_open(), 0);
    withdrawn_total += after.rounds(0).withdrawn();
    // The exchange calls it off, so the experts are free for the next one.
    grpc::ClientContext ctx;
    v1::CancelOrderRequest cancel;
    cancel.set_name(order);
    cancel.set_cancelled_by(v1::CANCELLED_BY_EXCHANGE);
    v1::CancelOrderResponse cancelled;
    ASSERT_TRUE(orders_->CancelOrder(&ctx, cancel, &cancelled).ok());
  }
  EXPECT_EQ(withdrawn_total, kRoundsRun * (kExperts - kPlaces));
  EXPECT_EQ(CountMessages("kind=OFFER_WITHDRAWN"), static_cast<size_t>(withdrawn_total));
}

INSTANTIATE_TEST_SUITE_P(
    Db, OfferRoundsServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
