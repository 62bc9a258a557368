// The order, assignment and fee schedule stores on SQLite and PostgreSQL: that the
// lifecycle plans are written (fees, withdrawals, order states), and no double booking
// under 50 racing accepts.
#include "services/storage/order_store.h"

#include <latch>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/fees.h"
#include "services/domain/travel.h"
#include "services/domain/validation.h"
#include "services/storage/assignment_store.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/matching_store.h"
#include "soci/postgresql/soci-postgresql.h"
#include "soci/soci.h"
#include "tests/test_support.h"

namespace kokemus::storage {
namespace {

using domain::AssignmentState;
using domain::CancelledBy;
using domain::OrderState;
using ::testing::ElementsAre;
using testing_support::Backend;

class OrderStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto db = Database::Open(test_db_.url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    registry_ = std::make_unique<RegistryStore>(*db_);
    store_ = std::make_unique<OrderStore>(*db_);
    assignments_ = std::make_unique<AssignmentStore>(*db_);
    fees_ = std::make_unique<FeeScheduleStore>(*db_);
    ASSERT_TRUE(registry_
                    ->Create(
                        domain::Exchange{
                            .id = "ph",
                            .display_name = "PH",
                            .wellbeing_region = "PH",
                            .default_language = "fi",
                            .travel_buffer_minutes = 30},
                        {})
                    .ok());
    ASSERT_TRUE(registry_
                    ->Create(
                        domain::Exchange{
                            .id = "hel",
                            .display_name = "HEL",
                            .wellbeing_region = "HEL",
                            .default_language = "fi"},
                        {})
                    .ok());
    ASSERT_TRUE(registry_
                    ->Create(
                        domain::Organization{
                            .exchange_id = "ph",
                            .id = "lyseo",
                            .display_name = "Lyseo",
                            .sector = domain::Sector::kEducation,
                            .kind = domain::OrganizationKind::kEducationalInstitution,
                            .municipality = "398",
                            .state = domain::OrganizationState::kActive},
                        {})
                    .ok());
    for (const char* id : {"kaisa", "leena", "matti"}) AddExpert("ph", id);
    AddExpert("hel", "outsider");
    domain::FeeSchedule schedule;
    schedule.exchange_id = "ph";
    schedule.role_rules = {
        {domain::Role::kLecturer, "2020-01-01", domain::FeeKind::kFixed, 15000, 0, false},
        {domain::Role::kPeerSupport, "2020-01-01", domain::FeeKind::kHourly, 2500, 5000, true}};
    schedule.travel_rates = {{"2020-01-01", 25}};
    schedule.cancellation_rules = {{"2020-01-01", 14, 50, 0, 100}};
    ASSERT_TRUE(fees_->UpdateFeeSchedule(schedule, 0).ok());
    // These tests are about times, places and fees: no rest after a heavy
    // talk, so that an accept is refused only for what each test sets up.
    MatchingStore matching(*db_, *registry_, *store_, *fees_);
    domain::MatchingSettings no_rest;
    no_rest.rest_after_heavy = absl::ZeroDuration();
    ASSERT_TRUE(matching.UpdateSettings("ph", no_rest, 0).ok());
  }

  void AddExpert(
      const std::string& exchange, const std::string& id,
      domain::PaymentMethod payment = domain::PaymentMethod::kInvoice) {
    domain::Expert e;
    e.exchange_id = exchange;
    e.id = id;
    e.display_name = id;
    e.email = id + "@example.fi";
    e.home_municipality = "091";  // Helsinki: travel to Lahti
    e.languages = {"fi"};
    e.experience_areas = {domain::ExperienceArea::kMentalHealth};
    e.roles = {domain::Role::kLecturer};
    e.payment_method = payment;
    e.state = domain::ExpertState::kActive;
    ASSERT_TRUE(registry_->Create(e, {}).ok());
  }

  domain::Order NewOrder(const std::string& id, absl::Time start, int needed = 1) {
    domain::Order o;
    o.exchange_id = "ph";
    o.id = id;
    o.organization_id = "lyseo";
    o.role = domain::Role::kLecturer;
    o.topic = "Toipumistarina";
    o.audience = domain::Audience::kStudents;
    o.start_time = start;
    o.duration_minutes = 90;
    o.address = "Kirkkokatu 1";
    o.municipality = "398";
    o.language = "fi";
    o.experts_needed = needed;
    o.state = OrderState::kOpen;
    auto created = store_->CreateOrder(o, {});
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : o;
  }

  absl::StatusOr<domain::Assignment> Offer(
      const std::string& order, const std::string& id, const std::string& expert,
      absl::Duration deadline = absl::Hours(24)) {
    domain::Assignment a;
    a.exchange_id = "ph";
    a.order_id = order;
    a.id = id;
    a.expert_id = expert;
    a.offer_deadline = now_ + deadline;
    return assignments_->Offer(a, {}, now_);
  }

  absl::StatusOr<domain::Assignment> Move(
      const std::string& order, const std::string& id, AssignmentState to,
      TransitionOptions options = {}) {
    return assignments_->Transition({"ph", order, id}, to, options, now_);
  }

  OrderState StateOf(const std::string& order) { return store_->GetOrder({"ph", order})->state; }

  const absl::Time now_ = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  const absl::Time week_ = now_ + absl::Hours(24 * 7);
  testing_support::TestDatabase test_db_{GetParam()};
  std::unique_ptr<Database> db_;
  std::unique_ptr<RegistryStore> registry_;
  std::unique_ptr<OrderStore> store_;
  std::unique_ptr<AssignmentStore> assignments_;
  std::unique_ptr<FeeScheduleStore> fees_;
};

TEST_P(OrderStoreTest, OfferQuotesFeeAndTravelFromTheSchedule) {
  NewOrder("o1", week_);
  auto offer = Offer("o1", "a1", "kaisa");
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_EQ(offer->state, AssignmentState::kOffered);
  EXPECT_EQ(offer->fee_cents, 15000);
  EXPECT_EQ(offer->travel_km, domain::TravelKm("091", "398"));
  EXPECT_EQ(offer->travel_cents, offer->travel_km * 2 * 25);
  EXPECT_EQ(offer->total_cents(), 15000 + offer->travel_cents);
  EXPECT_EQ(offer->end_time, week_ + absl::Minutes(90));
}

TEST_P(OrderStoreTest, FullLifecycleOfATwoExpertOrder) {
  NewOrder("o1", week_, /*needed=*/2);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  ASSERT_TRUE(Offer("o1", "a2", "leena").ok());
  ASSERT_TRUE(Offer("o1", "a3", "matti").ok());
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  EXPECT_EQ(Move("o1", "a3", AssignmentState::kDeclined)->state, AssignmentState::kDeclined);
  ASSERT_TRUE(Move("o1", "a2", AssignmentState::kAccepted).ok());
  EXPECT_EQ(StateOf("o1"), OrderState::kOpen);  // accepted, not yet confirmed
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kConfirmed).ok());
  EXPECT_EQ(StateOf("o1"), OrderState::kOpen);
  ASSERT_TRUE(Move("o1", "a2", AssignmentState::kConfirmed).ok());
  EXPECT_EQ(StateOf("o1"), OrderState::kAssigned);

  // Completion waits for the task to start.
  auto early = Move("o1", "a1", AssignmentState::kCompleted);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  auto done = assignments_->Transition(
      {"ph", "o1", "a1"}, AssignmentState::kCompleted, {.actual_duration_minutes = 120},
      week_ + absl::Hours(3));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->actual_duration_minutes, 120);
  EXPECT_EQ(done->fee_cents, 15000);  // fixed fee
  EXPECT_EQ(StateOf("o1"), OrderState::kAssigned);
  ASSERT_TRUE(
      assignments_
          ->Transition({"ph", "o1", "a2"}, AssignmentState::kCompleted, {}, week_ + absl::Hours(3))
          .ok());
  EXPECT_EQ(StateOf("o1"), OrderState::kCompleted);
}

TEST_P(OrderStoreTest, FillingThePlacesWithdrawsTheOtherOffers) {
  NewOrder("o1", week_);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  ASSERT_TRUE(Offer("o1", "a2", "leena").ok());
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  auto withdrawn = assignments_->GetAssignment({"ph", "o1", "a2"}, now_);
  EXPECT_EQ(withdrawn->state, AssignmentState::kWithdrawn);
  auto late = Move("o1", "a2", AssignmentState::kAccepted);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "the assignment is WITHDRAWN and can't become ACCEPTED");
}

TEST_P(OrderStoreTest, LapsedOffersCannotBeAcceptedAndTheSweepMarksThem) {
  NewOrder("o1", week_);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa", absl::Minutes(5)).ok());
  const absl::Time later = now_ + absl::Minutes(6);
  EXPECT_EQ(
      assignments_->GetAssignment({"ph", "o1", "a1"}, later)->state, AssignmentState::kLapsed);
  auto accept = assignments_->Transition({"ph", "o1", "a1"}, AssignmentState::kAccepted, {}, later);
  EXPECT_EQ(accept.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*assignments_->LapseExpiredOffers(later), 1);
  EXPECT_EQ(assignments_->GetAssignment({"ph", "o1", "a1"}, now_)->state, AssignmentState::kLapsed);
  EXPECT_EQ(*assignments_->LapseExpiredOffers(later), 0);
}

TEST_P(OrderStoreTest, OverlapWithinTheTravelBufferIsRefused) {
  NewOrder("o1", week_);                       // 10:00-11:30
  NewOrder("o2", week_ + absl::Minutes(110));  // 11:50: inside the 30 min buffer
  NewOrder("o3", week_ + absl::Minutes(120));  // 12:00: just outside
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  ASSERT_TRUE(Offer("o2", "a2", "kaisa").ok());
  ASSERT_TRUE(Offer("o3", "a3", "kaisa").ok());
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  auto clash = Move("o2", "a2", AssignmentState::kAccepted);
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      clash.status().message(),
      "the expert already has an accepted or confirmed assignment at an overlapping "
      "time (travel buffer included)");
  EXPECT_TRUE(Move("o3", "a3", AssignmentState::kAccepted).ok());
  // Cancelling the first frees the slot.
  ASSERT_TRUE(
      Move("o1", "a1", AssignmentState::kCancelled, {.cancelled_by = CancelledBy::kExpert}).ok());
  EXPECT_EQ(
      Move("o2", "a2", AssignmentState::kAccepted).status().code(),
      absl::StatusCode::kFailedPrecondition);  // still clashes with o3 (11:50-13:20)
}

TEST_P(OrderStoreTest, CancellationFeesFollowWhoCancelledAndWhen) {
  NewOrder("soon", now_ + absl::Hours(24 * 3));
  NewOrder("later", now_ + absl::Hours(24 * 30));
  ASSERT_TRUE(Offer("soon", "a1", "kaisa").ok());
  ASSERT_TRUE(Offer("later", "a2", "leena").ok());
  ASSERT_TRUE(Move("soon", "a1", AssignmentState::kAccepted).ok());
  ASSERT_TRUE(Move("later", "a2", AssignmentState::kAccepted).ok());

  // Validating only: the plan (the fee to show) and nothing stored.
  auto preview = store_->CancelOrder({"ph", "soon"}, CancelledBy::kOrderer, 0, now_, true);
  ASSERT_TRUE(preview.ok()) << preview.status();
  EXPECT_EQ(preview->order.state, OrderState::kCancelled);
  ASSERT_EQ(preview->changed.size(), 1u);
  EXPECT_EQ(preview->changed[0].fee_cents, 7500);
  EXPECT_EQ(store_->GetOrder({"ph", "soon"})->state, OrderState::kOpen);
  EXPECT_EQ(
      assignments_->GetAssignment({"ph", "soon", "a1"}, now_)->state, AssignmentState::kAccepted);

  auto late = store_->CancelOrder({"ph", "soon"}, CancelledBy::kOrderer, 0, now_);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->order.state, OrderState::kCancelled);
  EXPECT_EQ(late->order.cancelled_by, CancelledBy::kOrderer);
  auto a1 = assignments_->GetAssignment({"ph", "soon", "a1"}, now_);
  EXPECT_EQ(a1->state, AssignmentState::kCancelled);
  EXPECT_EQ(a1->fee_cents, 7500);  // 50 % within 14 days
  EXPECT_EQ(a1->travel_cents, 0);

  auto by_expert =
      Move("later", "a2", AssignmentState::kCancelled, {.cancelled_by = CancelledBy::kExpert});
  ASSERT_TRUE(by_expert.ok());
  EXPECT_EQ(by_expert->fee_cents, 0);
  EXPECT_EQ(by_expert->cancelled_by, CancelledBy::kExpert);
  EXPECT_EQ(StateOf("later"), OrderState::kOpen);

  EXPECT_EQ(
      store_->CancelOrder({"ph", "soon"}, CancelledBy::kOrderer, 0, now_).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_P(OrderStoreTest, ExpertWhoDeclinesTheFeeStillGetsTravel) {
  AddExpert("ph", "vapaa", domain::PaymentMethod::kFeeDeclined);
  NewOrder("o1", week_);
  auto offer = Offer("o1", "a1", "vapaa");
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->fee_cents, 0);
  EXPECT_GT(offer->travel_cents, 0);
}

TEST_P(OrderStoreTest, BadOffersChangeNothing) {
  NewOrder("o1", week_);
  EXPECT_EQ(Offer("o1", "a1", "nobody").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Offer("o1", "a1", "outsider").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      Offer("o1", "a1", "kaisa", -absl::Minutes(1)).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Offer("o1", "a1", "kaisa", absl::Hours(24 * 30)).status().code(),
      absl::StatusCode::kInvalidArgument);  // after the start
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  EXPECT_EQ(Offer("o1", "a2", "kaisa").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Offer("o1", "a1", "leena").status().code(), absl::StatusCode::kAlreadyExists);
  domain::ListQuery all;
  all.page_size = 50;
  EXPECT_EQ(assignments_->ListAssignments("ph", "o1", all, now_)->items.size(), 1u);

  domain::Order orphan = NewOrder("o9", week_);
  EXPECT_EQ(orphan.state, OrderState::kOpen);
  domain::Order bad = orphan;
  bad.id = "o10";
  bad.organization_id = "nowhere";
  EXPECT_EQ(store_->CreateOrder(bad, {}).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(OrderStoreTest, ExpertsAndOrganizationsWithAssignmentsAreNotDeleted) {
  NewOrder("o1", week_);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  absl::Status expert = registry_->Delete<domain::Expert>({"ph", "kaisa"}, 0);
  EXPECT_EQ(expert.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      expert.message(),
      "exchanges/ph/experts/kaisa has orders or assignments and can't be deleted; set its "
      "state to INACTIVE instead (UpdateExpert)");
  EXPECT_EQ(
      registry_->Delete<domain::Organization>({"ph", "lyseo"}, 0),
      absl::FailedPreconditionError(
          "exchanges/ph/organizations/lyseo has orders or assignments and can't be deleted; set "
          "its state to INACTIVE instead (UpdateOrganization)"));
  EXPECT_TRUE(registry_->Get<domain::Expert>({"ph", "kaisa"}).ok());
  EXPECT_TRUE(registry_->Delete<domain::Expert>({"ph", "leena"}, 0).ok());

  // INACTIVE, as the message says: no new orders, its order still changes.
  auto lyseo = registry_->Get<domain::Organization>({"ph", "lyseo"});
  ASSERT_TRUE(lyseo.ok());
  EXPECT_EQ(lyseo->state, domain::OrganizationState::kActive);
  lyseo->state = domain::OrganizationState::kInactive;
  ASSERT_TRUE(registry_->Update(*lyseo, lyseo->meta.revision).ok());
  EXPECT_EQ(
      registry_->Get<domain::Organization>({"ph", "lyseo"})->state,
      domain::OrganizationState::kInactive);
  auto o1 = store_->GetOrder({"ph", "o1"});
  ASSERT_TRUE(o1.ok());
  domain::Order o2 = *o1;
  o2.id = "o2";
  EXPECT_EQ(
      store_->CreateOrder(o2, {}).status(),
      absl::FailedPreconditionError(
          "exchanges/ph/organizations/lyseo is INACTIVE and takes no new orders; set its state to "
          "ACTIVE first (UpdateOrganization)"));
  EXPECT_EQ(store_->GetOrder({"ph", "o2"}).status().code(), absl::StatusCode::kNotFound);
  o1->topic = "Toipumistarina, osa 2";
  EXPECT_TRUE(store_->UpdateOrder(*o1, o1->meta.revision).ok());
}

TEST_P(OrderStoreTest, FeedbackOncePerSideAfterCompletion) {
  NewOrder("o1", week_);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  domain::Feedback orderer{domain::FeedbackSource::kOrderer, 5, 4, 0, false, "Kiitos"};
  EXPECT_EQ(
      assignments_->SubmitFeedback({"ph", "o1", "a1"}, orderer, now_).status().code(),
      absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kConfirmed).ok());
  ASSERT_TRUE(
      assignments_
          ->Transition({"ph", "o1", "a1"}, AssignmentState::kCompleted, {}, week_ + absl::Hours(2))
          .ok());
  EXPECT_THAT(
      assignments_->GetAssignment({"ph", "o1", "a1"}, now_)->feedback_given, ::testing::IsEmpty());
  EXPECT_TRUE(assignments_->SubmitFeedback({"ph", "o1", "a1"}, orderer, now_).ok());
  EXPECT_EQ(
      assignments_->SubmitFeedback({"ph", "o1", "a1"}, orderer, now_).status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(
      assignments_->GetAssignment({"ph", "o1", "a1"}, now_)->feedback_given,
      ::testing::ElementsAre(domain::FeedbackSource::kOrderer));
  domain::Feedback expert{domain::FeedbackSource::kExpert, 0, 0, 4, true, ""};
  EXPECT_TRUE(assignments_->SubmitFeedback({"ph", "o1", "a1"}, expert, now_).ok());
  EXPECT_THAT(
      assignments_->GetAssignment({"ph", "o1", "a1"}, now_)->feedback_given,
      ::testing::ElementsAre(domain::FeedbackSource::kOrderer, domain::FeedbackSource::kExpert));
}

TEST_P(OrderStoreTest, OrderTimeIsFixedOnceAnExpertHoldsIt) {
  domain::Order o = NewOrder("o1", week_);
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  o.start_time = week_ + absl::Hours(1);
  auto moved = store_->UpdateOrder(o, 1);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(
      assignments_->GetAssignment({"ph", "o1", "a1"}, now_)->start_time, week_ + absl::Hours(1));
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  o = *store_->GetOrder({"ph", "o1"});
  o.start_time = week_ + absl::Hours(2);
  EXPECT_EQ(
      store_->UpdateOrder(o, o.meta.revision).status().code(),
      absl::StatusCode::kFailedPrecondition);
  o.start_time = week_ + absl::Hours(1);
  o.topic = "Uusi aihe";
  EXPECT_TRUE(store_->UpdateOrder(o, o.meta.revision).ok());
}

TEST_P(OrderStoreTest, ListsOrdersByStartTimeAcrossPagesWithFilters) {
  for (int i = 0; i < 5; ++i) NewOrder(absl::StrCat("o", 5 - i), week_ + absl::Hours(i));
  auto query =
      domain::ParseListQuery("exchanges/ph", "orders", 2, "", "", domain::OrderFilterFields());
  std::vector<std::string> ids;
  while (true) {
    auto page = store_->ListOrders(*query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& o : page->items) ids.push_back(o.id);
    if (page->next_page_token.empty()) break;
    query = domain::ParseListQuery(
        "exchanges/ph", "orders", 2, page->next_page_token, "", domain::OrderFilterFields());
  }
  EXPECT_THAT(ids, ElementsAre("o5", "o4", "o3", "o2", "o1"));
  const std::string from =
      absl::FormatTime(absl::RFC3339_full, week_ + absl::Hours(1), absl::UTCTimeZone());
  const std::string to =
      absl::FormatTime(absl::RFC3339_full, week_ + absl::Hours(3), absl::UTCTimeZone());
  auto period = domain::ParseListQuery(
      "exchanges/ph", "orders", 0, "",
      absl::StrCat(
          "start_time >= ", from, " AND start_time < ", to,
          " AND organization = lyseo AND state = OPEN"),
      domain::OrderFilterFields());
  ASSERT_TRUE(period.ok()) << period.status();
  // Held in a variable: a range-for over a member of the temporary StatusOr
  // read freed memory (ASan, stack-use-after-scope).
  auto listed = store_->ListOrders(*period);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> in_period;
  for (const auto& o : listed->items) in_period.push_back(o.id);
  EXPECT_THAT(in_period, ElementsAre("o4", "o3"));
}

// 50 accepts race for overlapping slots of one expert, 200 rounds: exactly one
// wins each round, the others get FAILED_PRECONDITION or ABORTED, and the
// expert's held assignments never overlap.
TEST_P(OrderStoreTest, FiftyRacingAcceptsLetExactlyOneWinEveryRound) {
  constexpr int kRacers = 50;
  constexpr int kRounds = 200;
  int failed_rounds = 0;
  for (int round = 0; round < kRounds; ++round) {
    const absl::Time base = week_ + absl::Hours(24 * round);
    for (int i = 0; i < kRacers; ++i) {
      const std::string order = absl::StrCat("r", round, "-", i);
      NewOrder(order, base + absl::Minutes(i));  // all overlap each other
      ASSERT_TRUE(Offer(order, "a", "kaisa").ok());
    }
    std::atomic<int> won{0}, lost{0}, other{0};
    std::latch start(kRacers);
    std::vector<std::thread> racers;
    for (int i = 0; i < kRacers; ++i) {
      racers.emplace_back([&, i] {
        start.arrive_and_wait();
        auto s = Move(absl::StrCat("r", round, "-", i), "a", AssignmentState::kAccepted).status();
        if (s.ok()) {
          ++won;
        } else if (
            s.code() == absl::StatusCode::kFailedPrecondition ||
            s.code() == absl::StatusCode::kAborted) {
          ++lost;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : racers) t.join();
    if (won != 1 || lost != kRacers - 1 || other != 0) ++failed_rounds;
  }
  EXPECT_EQ(failed_rounds, 0);

  // History: exactly one held assignment per round, none overlapping.
  domain::ListQuery all;
  all.page_size = kRounds * kRacers + 1;
  all.terms = {{"expert", "kaisa"}, {"state", "ACCEPTED"}};
  auto held = assignments_->ListAssignments("ph", "", all, now_);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->items.size(), static_cast<size_t>(kRounds));
  std::vector<domain::Assignment> sorted = held->items;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.start_time < b.start_time;
  });
  for (size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_FALSE(domain::Conflicts(
        sorted[i - 1].start_time, sorted[i - 1].end_time, sorted[i].start_time, sorted[i].end_time,
        absl::Minutes(30)));
  }
}

// The database itself refuses overlapping held assignments on PostgreSQL,
// whatever the code does.
TEST_P(OrderStoreTest, PostgresqlExclusionConstraintRefusesOverlapsWrittenDirectly) {
  if (GetParam() != Backend::kPostgresql) GTEST_SKIP() << "PostgreSQL's constraint";
  NewOrder("o1", week_);
  NewOrder("o2", week_ + absl::Minutes(30));
  ASSERT_TRUE(Offer("o1", "a1", "kaisa").ok());
  ASSERT_TRUE(Offer("o2", "a2", "kaisa").ok());
  ASSERT_TRUE(Move("o1", "a1", AssignmentState::kAccepted).ok());
  soci::session sql(soci::postgresql, *PostgresqlConnectString(test_db_.url()));
  try {
    sql << "UPDATE assignments SET state = 'ACCEPTED' WHERE order_id = 'o2'";
    FAIL() << "the exclusion constraint let an overlapping assignment through";
  } catch (const soci::postgresql_soci_error& e) {
    EXPECT_EQ(e.sqlstate(), "23P01");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Db, OrderStoreTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus::storage
