// A month of an exchange filling its orders without a phone, through the
// real server on both databases with a fake clock: 300 orders offered in
// rounds (broadcast and tiered), experts who accept, decline with reasons or
// let offers lapse, the coordinator confirming, illnesses and other
// cancellations that reopen places, orderers calling orders off. At the end:
// every place is filled or its rounds ended and the coordinator was told; no
// expert is double booked or over her monthly cap or earnings limit; nobody
// was offered an order twice (so never again after saying no); and every
// order's record of rounds agrees with its assignments, as do the figures.
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using testing_support::Backend;

constexpr int kExperts = 36;
constexpr int kDays = 30;
constexpr int kOrdersPerDay = 10;

class SimulatedMonthTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    orders_ = v1::OrderService::NewStub(server_.channel());
    notifications_ = v1::NotificationService::NewStub(server_.channel());
    reports_ = v1::ReportService::NewStub(server_.channel());
    matching_ = v1::MatchingService::NewStub(server_.channel());
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    grpc::ClientContext fee_ctx;
    v1::UpdateFeeScheduleRequest fees;
    v1::FeeSchedule* schedule = fees.mutable_fee_schedule();
    schedule->set_name("exchanges/ph/feeSchedule");
    auto* lecturer = schedule->add_role_rules();
    lecturer->set_role(v1::ROLE_LECTURER);
    lecturer->set_valid_from("2020-01-01");
    lecturer->set_kind(v1::FEE_KIND_FIXED);
    lecturer->set_amount_cents(15000);
    auto* developer = schedule->add_role_rules();
    developer->set_role(v1::ROLE_CO_DEVELOPER);
    developer->set_valid_from("2020-01-01");
    developer->set_kind(v1::FEE_KIND_FIXED);
    developer->set_amount_cents(8000);
    auto* cancel = schedule->add_cancellation_rules();
    cancel->set_valid_from("2020-01-01");
    cancel->set_orderer_notice_days(14);
    cancel->set_orderer_late_percent(50);
    auto* tier = cancel->add_orderer_tiers();
    tier->set_notice_days(2);
    tier->set_percent(100);
    v1::UpdateFeeScheduleResponse fee_resp;
    ASSERT_TRUE(orders_->UpdateFeeSchedule(&fee_ctx, fees, &fee_resp).ok());
    for (int i = 1; i <= kExperts; ++i) {
      const std::string id = absl::StrFormat("e%02d", i);
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/ph");
      req.set_expert_id(id);
      v1::Expert* e = req.mutable_expert();
      *e = testing_support::SampleExpert();
      e->set_display_name(absl::StrCat("Asiantuntija ", i));
      e->set_email(absl::StrCat(id, "@example.fi"));
      e->add_roles(v1::ROLE_CO_DEVELOPER);
      // Some take few tasks a month, some must keep their earnings low.
      if (i % 4 == 0) e->set_max_assignments_per_month(3);
      if (i % 5 == 0) e->set_monthly_earnings_limit_cents(30000);
      v1::CreateExpertResponse resp;
      ASSERT_TRUE(server_.registry().CreateExpert(&ctx, req, &resp).ok());
      caps_[resp.expert().name()] = {
          e->max_assignments_per_month(), e->monthly_earnings_limit_cents()};
      experts_[resp.expert().name()] = v1::OrderService::NewStub(testing_support::KeyChannel(
          server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", id)));
    }
  }

  std::vector<v1::Assignment> Assignments(const std::string& filter) {
    std::vector<v1::Assignment> out;
    std::string token;
    do {
      grpc::ClientContext ctx;
      v1::ListAssignmentsRequest req;
      req.set_parent("exchanges/ph/orders/-");
      req.set_page_size(1000);
      req.set_page_token(token);
      req.set_filter(filter);
      v1::ListAssignmentsResponse resp;
      grpc::Status s = orders_->ListAssignments(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), resp.assignments().begin(), resp.assignments().end());
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  }

  domain::FakeClock clock_{absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()))};
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        options.lapse_sweep_interval =
                                            absl::Hours(1);  // the test sweeps itself
                                      }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::MatchingService::Stub> matching_;
  std::map<std::string, std::unique_ptr<v1::OrderService::Stub>> experts_;
  std::map<std::string, std::pair<int, int64_t>> caps_;  // expert: monthly cap, earnings limit
};

TEST_P(SimulatedMonthTest, EveryFillablePlaceIsFilledWithinEveryRule) {
  std::mt19937 random(20261127);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(random) < p; };
  const absl::Time t0 = clock_.Now();
  struct Planned {
    std::string id;
    absl::Time create;
    absl::Time start;
    int places;
    v1::OfferStrategy strategy;
    v1::Role role;
  };
  std::vector<Planned> planned;
  for (int d = 0; d < kDays; ++d) {
    for (int i = 0; i < kOrdersPerDay; ++i) {
      const int n = d * kOrdersPerDay + i;
      planned.push_back(
          {absl::StrFormat("m%03d", n), t0 + absl::Hours(24 * d + i),
           t0 + absl::Hours(24 * (d + 8) + 7 + (i * 5) % 9), chance(0.3) ? 2 : 1,
           n % 5 == 2   ? v1::OFFER_STRATEGY_POOL
           : n % 2 == 1 ? v1::OFFER_STRATEGY_TIERED
                        : v1::OFFER_STRATEGY_BROADCAST,
           n % 3 == 0 ? v1::ROLE_CO_DEVELOPER : v1::ROLE_LECTURER});
    }
  }
  size_t next_order = 0;
  std::set<std::string> answered, cancelled_orders;
  int illnesses = 0, other_cancellations = 0, orderer_cancellations = 0, picks = 0;
  const absl::Duration step = absl::Hours(2);
  const absl::Time end = t0 + absl::Hours(24 * (kDays + 9));
  for (absl::Time now = t0; now < end; now += step) {
    // Experts answer each offer once, the step after it was made: yes, no
    // with a reason, or not at all (a backup offered a freed place answers
    // that offer anew).
    for (const v1::Assignment& a : Assignments("state=OFFERED")) {
      if (!answered.insert(absl::StrCat(a.name(), "@", a.offer_deadline().seconds())).second) {
        continue;
      }
      grpc::ClientContext ctx;
      auto& expert = experts_[a.expert()];
      if (chance(0.45)) {
        v1::AcceptAssignmentRequest req;
        req.set_name(a.name());
        v1::AcceptAssignmentResponse resp;
        grpc::Status s = expert->AcceptAssignment(&ctx, req, &resp);
        // Another took the last place, or she took another task meanwhile.
        ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
            << s.error_message();
      } else if (chance(0.55)) {
        v1::DeclineAssignmentRequest req;
        req.set_name(a.name());
        req.set_reason(
            static_cast<v1::DeclineReason>(std::uniform_int_distribution<int>(0, 5)(random)));
        v1::DeclineAssignmentResponse resp;
        grpc::Status s = expert->DeclineAssignment(&ctx, req, &resp);
        ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
            << s.error_message();
      }
    }
    // New orders, each offered in rounds at once.
    while (next_order < planned.size() && planned[next_order].create <= now) {
      const Planned& p = planned[next_order++];
      v1::Order o = testing_support::SampleOrder("ph", "lyseo", p.start);
      o.set_role(p.role);
      o.set_experts_needed(p.places);
      testing_support::CreateOrder(*orders_, "ph", p.id, o);
      grpc::ClientContext start_ctx;
      v1::StartOfferRoundsRequest start;
      start.set_parent(absl::StrCat("exchanges/ph/orders/", p.id));
      start.mutable_offer_rounds()->set_strategy(p.strategy);
      start.mutable_offer_rounds()->set_round_size(4);
      if (p.strategy == v1::OFFER_STRATEGY_TIERED) {
        start.mutable_offer_rounds()->set_tier_interval_minutes(240);
      }
      *start.mutable_offer_rounds()->mutable_offer_deadline() =
          rpc::ToProto(p.start - absl::Hours(48));
      v1::StartOfferRoundsResponse started;
      grpc::Status s = orders_->StartOfferRounds(&start_ctx, start, &started);
      // Nobody eligible at all is a refusal the coordinator sees at once.
      ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
          << s.error_message();
    }
    // The coordinator confirms what was accepted, and picks from each pool
    // the first who said yes (refused when the places are filled or she took
    // another task meanwhile).
    for (const v1::Assignment& a : Assignments("state=ACCEPTED")) {
      grpc::ClientContext ctx;
      v1::ConfirmAssignmentRequest req;
      req.set_name(a.name());
      v1::ConfirmAssignmentResponse resp;
      grpc::Status s = orders_->ConfirmAssignment(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    std::vector<v1::Assignment> pool = Assignments("state=AVAILABLE");
    std::erase_if(
        pool, [](const v1::Assignment& a) { return a.offer_kind() != v1::OFFER_KIND_POOL; });
    std::sort(pool.begin(), pool.end(), [](const v1::Assignment& a, const v1::Assignment& b) {
      return a.backup_rank() < b.backup_rank();
    });
    for (const v1::Assignment& a : pool) {
      grpc::ClientContext ctx;
      v1::ConfirmAssignmentRequest req;
      req.set_name(a.name());
      v1::ConfirmAssignmentResponse resp;
      grpc::Status s = orders_->ConfirmAssignment(&ctx, req, &resp);
      ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
          << s.error_message();
      picks += s.ok();
    }
    // Now and then an expert falls ill or cancels for another reason, and an
    // orderer calls a visit off.
    if (chance(0.12)) {
      std::vector<v1::Assignment> held = Assignments("state=CONFIRMED");
      std::erase_if(held, [&](const v1::Assignment& a) {
        return rpc::FromProto(a.start_time()) < now + absl::Hours(72);
      });
      if (!held.empty()) {
        const v1::Assignment& a =
            held[std::uniform_int_distribution<size_t>(0, held.size() - 1)(random)];
        const bool ill = chance(0.7);
        grpc::ClientContext ctx;
        v1::CancelAssignmentRequest req;
        req.set_name(a.name());
        req.set_cancelled_by(v1::CANCELLED_BY_EXPERT);
        req.set_reason(ill ? v1::CANCEL_REASON_ILLNESS : v1::CANCEL_REASON_PERSONAL);
        v1::CancelAssignmentResponse resp;
        grpc::Status s = experts_[a.expert()]->CancelAssignment(&ctx, req, &resp);
        ASSERT_TRUE(s.ok()) << s.error_message();
        ++(ill ? illnesses : other_cancellations);
      }
    }
    if (chance(0.02) && next_order > 20) {
      const std::string id = planned[next_order - 15].id;
      if (cancelled_orders.insert(id).second) {
        grpc::ClientContext ctx;
        v1::CancelOrderRequest req;
        req.set_name(absl::StrCat("exchanges/ph/orders/", id));
        req.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
        v1::CancelOrderResponse resp;
        grpc::Status s = orders_->CancelOrder(&ctx, req, &resp);
        ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
            << s.error_message();
        if (s.ok()) ++orderer_cancellations;
      }
    }
    clock_.Advance(step);
    server_.server().SweepNow();  // lapses and the rounds due
  }
  EXPECT_GT(illnesses, 5);
  EXPECT_GT(orderer_cancellations, 0);
  EXPECT_GT(picks, 20);

  // Every assignment, and what each expert holds.
  const std::vector<v1::Assignment> all = Assignments("");
  std::map<std::string, std::vector<v1::Assignment>> by_order, held_by_expert;
  for (const v1::Assignment& a : all) {
    by_order[a.name().substr(0, a.name().find("/assignments/"))].push_back(a);
    if (a.state() == v1::Assignment::STATE_CONFIRMED ||
        a.state() == v1::Assignment::STATE_ACCEPTED) {
      held_by_expert[a.expert()].push_back(a);
    }
  }
  // No double booking; nobody over her monthly cap or earnings limit.
  for (const auto& [expert, held] : held_by_expert) {
    std::map<std::string, std::pair<int, int64_t>> month;
    for (size_t i = 0; i < held.size(); ++i) {
      for (size_t j = i + 1; j < held.size(); ++j) {
        EXPECT_FALSE(
            held[i].start_time().seconds() < held[j].end_time().seconds() &&
            held[j].start_time().seconds() < held[i].end_time().seconds())
            << held[i].name() << " overlaps " << held[j].name();
      }
      const std::string m = absl::FormatTime(
          "%Y-%m", rpc::FromProto(held[i].start_time()), reference::HelsinkiTimeZone());
      ++month[m].first;
      month[m].second += held[i].fee_cents();
    }
    const auto [cap, limit] = caps_[expert];
    for (const auto& [m, figures] : month) {
      if (cap > 0) EXPECT_LE(figures.first, cap) << expert << " " << m;
      if (limit > 0) EXPECT_LE(figures.second, limit) << expert << " " << m;
    }
  }
  // Per order: nobody asked twice; places filled or the coordinator told;
  // the rounds' record agrees with the assignments.
  std::set<std::string> told;
  for (const char* kind : {"OFFER_ROUNDS_ENDED", "POOL_CLOSED"}) {
    grpc::ClientContext ctx;
    v1::ListMessagesRequest req;
    req.set_parent("exchanges/ph");
    req.set_page_size(1000);
    req.set_filter(absl::StrCat("kind=", kind));
    v1::ListMessagesResponse resp;
    grpc::Status s = notifications_->ListMessages(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& m : resp.messages()) told.insert(m.resource());
  }
  int places = 0, filled = 0, unfilled_told = 0;
  for (const Planned& p : planned) {
    const std::string order = absl::StrCat("exchanges/ph/orders/", p.id);
    const std::vector<v1::Assignment>& as = by_order[order];
    std::set<std::string> asked;
    int held = 0;
    for (const v1::Assignment& a : as) {
      EXPECT_TRUE(asked.insert(a.expert()).second) << a.expert() << " asked twice on " << order;
      held += a.state() == v1::Assignment::STATE_CONFIRMED ||
              a.state() == v1::Assignment::STATE_ACCEPTED;
    }
    grpc::ClientContext ctx;
    v1::GetOfferRoundsRequest get;
    get.set_name(order + "/offerRounds");
    v1::GetOfferRoundsResponse got;
    grpc::Status s = orders_->GetOfferRounds(&ctx, get, &got);
    if (!s.ok()) {
      // Rounds refused at the start: nobody eligible then.
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << order;
      continue;
    }
    const v1::OfferRounds& r = got.offer_rounds();
    int in_rounds = 0;
    for (const auto& round : r.rounds()) {
      EXPECT_EQ(
          round.assignments_size(), round.waiting() + round.placed() + round.declined() +
                                        round.lapsed() + round.withdrawn() + round.cancelled() +
                                        round.available())
          << order;
      in_rounds += round.assignments_size();
    }
    EXPECT_EQ(in_rounds, static_cast<int>(as.size())) << order;  // every offer came from a round
    if (cancelled_orders.count(p.id)) continue;
    places += p.places;
    filled += std::min(held, p.places);
    EXPECT_EQ(r.places_open(), std::max(0, p.places - held)) << order;
    if (held < p.places) {
      // Not filled: the rounds ended, and the coordinator heard of it; and
      // nobody the rules allow is left unasked.
      EXPECT_NE(r.state(), v1::OfferRounds::STATE_ACTIVE) << order;
      EXPECT_TRUE(told.count(order)) << order << " " << v1::OfferRounds::State_Name(r.state());
      ++unfilled_told;
      if (r.state() == v1::OfferRounds::STATE_EXHAUSTED) {
        grpc::ClientContext rank_ctx;
        v1::RankExpertsRequest rank;
        rank.set_order(order);
        rank.set_omit_excluded(true);
        v1::RankExpertsResponse ranked;
        ASSERT_TRUE(matching_->RankExperts(&rank_ctx, rank, &ranked).ok());
        for (const auto& c : ranked.candidates()) {
          EXPECT_TRUE(asked.count(c.expert())) << c.expert() << " never asked on " << order;
        }
      }
    }
  }
  // The figures agree with the orders.
  grpc::ClientContext stats_ctx;
  v1::GetStatisticsRequest stats;
  stats.set_parent("exchanges/ph");
  *stats.mutable_start_time() = rpc::ToProto(t0);
  *stats.mutable_end_time() = rpc::ToProto(end + absl::Hours(24));
  v1::GetStatisticsResponse figures;
  grpc::Status s = reports_->GetStatistics(&stats_ctx, stats, &figures);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(figures.filling().places_filled(), filled);
  EXPECT_EQ(figures.filling().offers(), static_cast<int>(all.size()));
  EXPECT_GT(figures.filling().orders_with_rounds(), 250);
  EXPECT_GT(static_cast<double>(filled) / places, 0.8)
      << filled << " of " << places << " places; " << unfilled_told << " orders told";
  std::cout << "simulated month: " << planned.size() << " orders, " << all.size() << " offers, "
            << filled << "/" << places << " places filled, " << unfilled_told
            << " orders ended unfilled (coordinator told), " << illnesses << " illnesses, "
            << other_cancellations << " other cancellations by experts, " << orderer_cancellations
            << " orders cancelled; mean rounds " << figures.filling().mean_rounds()
            << ", median hours to fill " << figures.filling().median_hours_to_fill() << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Db, SimulatedMonthTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
