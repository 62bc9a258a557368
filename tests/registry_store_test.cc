// RegistryStore on SQLite and on PostgreSQL: the same behaviour on both.
#include "services/storage/registry_store.h"

#include <numeric>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/validation.h"
#include "tests/test_support.h"

namespace kokemus::storage {
namespace {

using domain::Exchange;
using domain::Expert;
using domain::Organization;
using ::testing::ElementsAre;
using testing_support::Backend;

class RegistryStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto db = Database::Open(test_db_.url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    store_ = std::make_unique<RegistryStore>(*db_);
    ASSERT_TRUE(store_->Create(MakeExchange("ph"), {}).ok());
  }

  static Exchange MakeExchange(const std::string& id) {
    return {
        .id = id,
        .display_name = "Pankki " + id,
        .wellbeing_region = "PH",
        .default_language = "fi"};
  }

  static Expert MakeExpert(const std::string& id) {
    Expert e;
    e.exchange_id = "ph";
    e.id = id;
    e.display_name = "Expert " + id;
    e.email = id + "@example.fi";
    e.home_municipality = "398";
    e.languages = {"fi", "sv"};
    e.experience_areas = {
        domain::ExperienceArea::kMentalHealth, domain::ExperienceArea::kFamilyMember};
    e.roles = {domain::Role::kLecturer};
    e.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2024-05-31"}};
    e.service_municipalities = {"091", "109"};
    e.max_travel_km = 80;
    e.remote_ok = true;
    e.weekly_availability = {{domain::Weekday::kMonday, 540, 960}};
    e.unavailable_periods = {
        {absl::FromUnixSeconds(1800000000), absl::FromUnixSeconds(1800086400)}};
    e.max_assignments_per_month = 4;
    e.monthly_earnings_limit_cents = 50000;
    e.payment_method = domain::PaymentMethod::kInvoice;
    e.state = domain::ExpertState::kActive;
    e.consent = {absl::FromUnixSeconds(1790000000), "2026-1"};
    return e;
  }

  testing_support::TestDatabase test_db_{GetParam()};
  std::unique_ptr<Database> db_;
  std::unique_ptr<RegistryStore> store_;
};

TEST_P(RegistryStoreTest, RecordsAppliedMigrations) {
  auto applied = db_->AppliedMigrations();
  ASSERT_TRUE(applied.ok());
  std::vector<int> every(32);
  std::iota(every.begin(), every.end(), 1);  // 0001 to 0032
  EXPECT_THAT(*applied, ::testing::ElementsAreArray(every));
  // Opening again applies nothing new and keeps the data.
  auto again = Database::Open(test_db_.url());
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(*(*again)->AppliedMigrations(), ::testing::ElementsAreArray(every));
  EXPECT_TRUE(RegistryStore(**again).Get<Exchange>({"", "ph"}).ok());
  if (GetParam() == testing_support::Backend::kSqlite) {
    // A committed write survives a power loss: synchronous=FULL (2), in WAL.
    int synchronous = 0;
    std::string journal;
    ASSERT_TRUE((*again)
                    ->Read([&](soci::session& sql) {
                      sql << "PRAGMA synchronous", soci::into(synchronous);
                      sql << "PRAGMA journal_mode", soci::into(journal);
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_EQ(synchronous, 2);
    EXPECT_EQ(journal, "wal");
  }
}

TEST_P(RegistryStoreTest, CreatedExpertReadsBackFieldForField) {
  auto created = store_->Create(MakeExpert("kaisa"), {});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->meta.revision, 1);
  EXPECT_EQ(created->meta.create_time, created->meta.update_time);

  auto read = store_->Get<Expert>({"ph", "kaisa"});
  ASSERT_TRUE(read.ok()) << read.status();
  const Expert want = MakeExpert("kaisa");
  EXPECT_EQ(read->display_name, want.display_name);
  EXPECT_EQ(read->email, want.email);
  EXPECT_EQ(read->languages, want.languages);
  EXPECT_EQ(read->experience_areas, want.experience_areas);
  EXPECT_EQ(read->roles, want.roles);
  EXPECT_EQ(read->trainings, want.trainings);
  EXPECT_EQ(read->service_municipalities, want.service_municipalities);
  EXPECT_EQ(read->max_travel_km, 80);
  EXPECT_TRUE(read->remote_ok);
  EXPECT_EQ(read->weekly_availability, want.weekly_availability);
  EXPECT_EQ(read->unavailable_periods, want.unavailable_periods);
  EXPECT_EQ(read->max_assignments_per_month, 4);
  EXPECT_EQ(read->monthly_earnings_limit_cents, 50000);
  EXPECT_EQ(read->payment_method, domain::PaymentMethod::kInvoice);
  EXPECT_EQ(read->state, domain::ExpertState::kActive);
  EXPECT_EQ(read->consent.given_time, want.consent.given_time);
  EXPECT_EQ(read->consent.notice_version, "2026-1");
  EXPECT_EQ(read->meta.revision, 1);
  EXPECT_EQ(read->meta.create_time, created->meta.create_time);
}

TEST_P(RegistryStoreTest, RefusesTakenIdsAndMissingExchanges) {
  ASSERT_TRUE(store_->Create(MakeExpert("kaisa"), {}).ok());
  auto again = store_->Create(MakeExpert("kaisa"), {});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "exchanges/ph/experts/kaisa already exists");

  Expert orphan = MakeExpert("x");
  orphan.exchange_id = "nowhere";
  auto missing = store_->Create(orphan, {});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "exchanges/nowhere not found");
  EXPECT_EQ(
      store_->Create(MakeExchange("ph"), {}).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(RegistryStoreTest, RequestIdReturnsTheFirstResultAndRefusesOtherContent) {
  CreateOptions options{"123e4567-e89b-12d3-a456-426614174000", "digest-a"};
  auto first = store_->Create(MakeExpert("kaisa"), options);
  ASSERT_TRUE(first.ok());
  auto repeat = store_->Create(MakeExpert("kaisa"), options);
  ASSERT_TRUE(repeat.ok()) << repeat.status();
  EXPECT_EQ(repeat->id, "kaisa");
  EXPECT_EQ(repeat->meta.create_time, first->meta.create_time);

  // A generated id differs on the retry; the request id still finds the first.
  auto retry_with_other_id = store_->Create(MakeExpert("other"), options);
  ASSERT_TRUE(retry_with_other_id.ok());
  EXPECT_EQ(retry_with_other_id->id, "kaisa");
  EXPECT_EQ(store_->Get<Expert>({"ph", "other"}).status().code(), absl::StatusCode::kNotFound);

  auto conflicting = store_->Create(MakeExpert("kaisa"), {options.request_id, "digest-b"});
  EXPECT_EQ(conflicting.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      domain::ViolationsOf(conflicting.status()),
      ElementsAre(domain::FieldViolation{
          "request_id", "was already used for a request with other content"}));
}

TEST_P(RegistryStoreTest, ListsInIdOrderAcrossPagesWithFilters) {
  for (const char* id : {"e5", "e1", "e4", "e2", "e3"}) {
    Expert e = MakeExpert(id);
    if (std::string(id) == "e4") e.state = domain::ExpertState::kPaused;
    ASSERT_TRUE(store_->Create(e, {}).ok());
  }
  auto query =
      domain::ParseListQuery("exchanges/ph", "experts", 2, "", "", domain::ExpertFilterFields());
  std::vector<std::string> ids;
  int pages = 0;
  while (true) {
    auto page = store_->List<Expert>(*query);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& e : page->items) ids.push_back(e.id);
    if (page->next_page_token.empty()) break;
    query = domain::ParseListQuery(
        "exchanges/ph", "experts", 2, page->next_page_token, "", domain::ExpertFilterFields());
    ASSERT_TRUE(query.ok());
  }
  EXPECT_THAT(ids, ElementsAre("e1", "e2", "e3", "e4", "e5"));
  EXPECT_EQ(pages, 3);

  auto active = domain::ParseListQuery(
      "exchanges/ph", "experts", 0, "", "state = ACTIVE", domain::ExpertFilterFields());
  auto page = store_->List<Expert>(*active);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> active_ids;
  for (const auto& e : page->items) active_ids.push_back(e.id);
  EXPECT_THAT(active_ids, ElementsAre("e1", "e2", "e3", "e5"));
  EXPECT_EQ(page->next_page_token, "");
}

TEST_P(RegistryStoreTest, ListOfAnUnknownExchangeIsNotFound) {
  auto query = domain::ParseListQuery(
      "exchanges/nowhere", "organizations", 0, "", "", domain::OrganizationFilterFields());
  EXPECT_EQ(store_->List<Organization>(*query).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(RegistryStoreTest, ExchangesAreIsolated) {
  ASSERT_TRUE(store_->Create(MakeExchange("hel"), {}).ok());
  ASSERT_TRUE(store_->Create(MakeExpert("kaisa"), {}).ok());
  Expert other = MakeExpert("kaisa");
  other.exchange_id = "hel";
  other.display_name = "Another Kaisa";
  ASSERT_TRUE(store_->Create(other, {}).ok());
  EXPECT_EQ(store_->Get<Expert>({"ph", "kaisa"})->display_name, "Expert kaisa");
  EXPECT_EQ(store_->Get<Expert>({"hel", "kaisa"})->display_name, "Another Kaisa");
  auto query =
      domain::ParseListQuery("exchanges/hel", "experts", 0, "", "", domain::ExpertFilterFields());
  EXPECT_EQ(store_->List<Expert>(*query)->items.size(), 1u);
}

TEST_P(RegistryStoreTest, UpdateBumpsRevisionAndRefusesStaleRevisions) {
  auto created = store_->Create(MakeExpert("kaisa"), {});
  ASSERT_TRUE(created.ok());
  Expert changed = *created;
  changed.display_name = "Kaisa K.";
  auto updated = store_->Update(changed, 1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->meta.revision, 2);
  EXPECT_EQ(updated->meta.create_time, created->meta.create_time);
  EXPECT_GE(updated->meta.update_time, created->meta.update_time);
  EXPECT_EQ(store_->Get<Expert>({"ph", "kaisa"})->display_name, "Kaisa K.");

  changed.display_name = "Lost update";
  auto stale = store_->Update(changed, 1);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Get<Expert>({"ph", "kaisa"})->display_name, "Kaisa K.");

  changed.id = "nobody";
  EXPECT_EQ(store_->Update(changed, 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(RegistryStoreTest, ConcurrentUpdatesOfOneRevisionLetExactlyOneWin) {
  ASSERT_TRUE(store_->Create(MakeExpert("kaisa"), {}).ok());
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Expert e = MakeExpert("kaisa");
      e.display_name = "Writer " + std::to_string(i);
      auto s = store_->Update(e, 1).status();
      if (s.ok()) ++ok;
      if (s.code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kWriters - 1);
  EXPECT_EQ(store_->Get<Expert>({"ph", "kaisa"})->meta.revision, 2);
}

TEST_P(RegistryStoreTest, DeleteRemovesAndChecksRevision) {
  Organization o{
      .exchange_id = "ph",
      .id = "lyseo",
      .display_name = "Lyseo",
      .sector = domain::Sector::kEducation,
      .kind = domain::OrganizationKind::kEducationalInstitution,
      .municipality = "398"};
  ASSERT_TRUE(store_->Create(o, {}).ok());
  EXPECT_EQ(store_->Delete<Organization>({"ph", "lyseo"}, 7).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(store_->Get<Organization>({"ph", "lyseo"}).ok());
  EXPECT_TRUE(store_->Delete<Organization>({"ph", "lyseo"}, 1).ok());
  EXPECT_EQ(
      store_->Get<Organization>({"ph", "lyseo"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Delete<Organization>({"ph", "lyseo"}, 0).code(), absl::StatusCode::kNotFound);
}

TEST_P(RegistryStoreTest, KeepsUnicodeTextIntact) {
  Expert e = MakeExpert("aino");
  e.display_name = "Åsa Öhman-Šťastná 😊";
  ASSERT_TRUE(store_->Create(e, {}).ok());
  EXPECT_EQ(store_->Get<Expert>({"ph", "aino"})->display_name, "Åsa Öhman-Šťastná 😊");
}

INSTANTIATE_TEST_SUITE_P(
    Db, RegistryStoreTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus::storage
