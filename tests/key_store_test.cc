// API keys on both databases: shown once, stored only as a keyed hash, and
// every kind of bad key (malformed, unknown, wrong secret, expired, revoked)
// fails the same way.
#include "services/storage/key_store.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/sql.h"
#include "tests/test_support.h"

namespace kokemus::storage {
namespace {

using domain::AccessRole;
using ::testing::ElementsAre;

std::vector<std::pair<std::string, std::string>> Fields(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : domain::ViolationsOf(status)) out.emplace_back(v.field, v.description);
  return out;
}

class KeyStoreTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    auto db = Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    keys_ = std::make_unique<KeyStore>(*db_, "");
  }

  ApiKey Key(AccessRole role, const std::string& exchange) {
    ApiKey k;
    k.display_name = "Lahden kaupungin tilausjärjestelmä";
    k.principal.role = role;
    k.principal.exchange_id = exchange;
    k.expire_time = now_ + absl::Hours(24 * 90);
    return k;
  }

  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<Database> db_;
  std::unique_ptr<KeyStore> keys_;
  const absl::Time now_ = absl::Now();
};

TEST_P(KeyStoreTest, AKeyIsShownOnceAndOnlyItsHashIsKept) {
  auto made = keys_->Create(Key(AccessRole::kCoordinator, "ph"), now_);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string& plaintext = made->plaintext;
  EXPECT_EQ(plaintext.substr(0, 4 + made->key.id.size() + 1), "kok_" + made->key.id + "_");
  const std::string secret = plaintext.substr(4 + made->key.id.size() + 1);
  EXPECT_EQ(secret.size(), 43u);  // 32 random bytes, URL-safe base64
  auto who = keys_->Authenticate(plaintext, now_);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->key_id, made->key.id);
  EXPECT_EQ(who->role, AccessRole::kCoordinator);
  EXPECT_EQ(who->exchange_id, "ph");
  // Nothing in the row holds the secret.
  ASSERT_TRUE(db_->Read(
                     [&](soci::session& sql) {
    auto rows = Query<std::string>(
        sql,
        "SELECT id || display_name || role || exchange_id || secret_hash || "
        "created_by FROM api_keys WHERE display_name NOT LIKE 'test %'",
        {}, [](const soci::row& row) { return RowReader(row).Text(); });
    EXPECT_EQ(rows.size(), 1u);
    for (const auto& r : rows) EXPECT_THAT(r, ::testing::Not(::testing::HasSubstr(secret)));
    return absl::OkStatus();
  }).ok());
  // Another server on the same database shares the pepper kept there; another
  // pepper can't check the key.
  EXPECT_TRUE(KeyStore(*db_, "").Authenticate(plaintext, now_).ok());
  EXPECT_EQ(
      KeyStore(*db_, std::string(32, 'p')).Authenticate(plaintext, now_).status().code(),
      absl::StatusCode::kUnauthenticated);
  // Callers racing on a fresh store share one load of the pepper.
  KeyStore fresh(*db_, "");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += fresh.Authenticate(plaintext, now_).ok(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
}

TEST_P(KeyStoreTest, EveryBadKeyFailsTheSameWay) {
  auto made = keys_->Create(Key(AccessRole::kReporter, "ph"), now_);
  ASSERT_TRUE(made.ok()) << made.status();
  std::string wrong = made->plaintext;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(""), std::string("Bearer x"), std::string("kok_"), std::string("kok_nosecret"),
        "kok_zzzzzzzzzzzz_" + std::string(43, 'a'), wrong}) {
    auto who = keys_->Authenticate(bad, now_);
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << bad;
    EXPECT_EQ(who.status().message(), "invalid API key") << bad;
  }
  // Expired: 90 days on.
  EXPECT_EQ(
      keys_->Authenticate(made->plaintext, now_ + absl::Hours(24 * 91)).status().message(),
      "invalid API key");
  // Revoked.
  auto revoked = keys_->Revoke(made->key.id, now_);
  ASSERT_TRUE(revoked.ok());
  EXPECT_NE(revoked->revoke_time, absl::UnixEpoch());
  EXPECT_EQ(
      keys_->Authenticate(made->plaintext, now_ + absl::Seconds(1)).status().message(),
      "invalid API key");
  EXPECT_EQ(keys_->Revoke("nope", now_).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(KeyStoreTest, ASessionKeyEndsWhenIdleAndItsUseIsWrittenAtMostOnceAMinute) {
  ApiKey session = Key(AccessRole::kCoordinator, "ph");
  session.expire_time = now_ + absl::Hours(12);
  session.idle_timeout = absl::Minutes(30);
  auto made = keys_->Create(session, now_);
  ASSERT_TRUE(made.ok()) << made.status();
  auto last_used = [&] {
    auto key = keys_->Get(made->key.id);
    EXPECT_TRUE(key.ok());
    return key->last_used_time;
  };
  EXPECT_EQ(absl::ToUnixMicros(last_used()), absl::ToUnixMicros(now_));
  EXPECT_TRUE(keys_->Authenticate(made->plaintext, now_ + absl::Seconds(30)).ok());
  EXPECT_EQ(absl::ToUnixMicros(last_used()), absl::ToUnixMicros(now_));  // not yet written again
  EXPECT_TRUE(keys_->Authenticate(made->plaintext, now_ + absl::Minutes(20)).ok());
  EXPECT_EQ(absl::ToUnixMicros(last_used()), absl::ToUnixMicros(now_ + absl::Minutes(20)));
  // Used at 20 min, alive until 50 min; idle after that.
  EXPECT_TRUE(keys_->Authenticate(made->plaintext, now_ + absl::Minutes(49)).ok());
  EXPECT_EQ(
      keys_->Authenticate(made->plaintext, now_ + absl::Minutes(80)).status().message(),
      "invalid API key");
  // A plain API key never idles out.
  auto plain = keys_->Create(Key(AccessRole::kReporter, "ph"), now_);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(keys_->Authenticate(plain->plaintext, now_ + absl::Hours(24 * 60)).ok());
}

TEST_P(KeyStoreTest, EachRoleHasItsScope) {
  ApiKey orderer = Key(AccessRole::kOrdererSystem, "ph");
  ApiKey national = Key(AccessRole::kNationalAdmin, "ph");
  national.expire_time = now_ - absl::Hours(1);
  EXPECT_THAT(
      Fields(keys_->Create(orderer, now_).status()),
      ElementsAre(std::pair<std::string, std::string>(
          "api_key.organization", "is required for ORDERER_SYSTEM and only for it")));
  EXPECT_THAT(
      Fields(keys_->Create(national, now_).status()),
      ElementsAre(
          std::pair<std::string, std::string>(
              "parent", "must be empty for a national administrator (the top-level apiKeys)"),
          std::pair<std::string, std::string>("api_key.expire_time", "must be in the future")));
  orderer.principal.organization_id = "nope";
  EXPECT_EQ(
      keys_->Create(orderer, now_).status().message(), "exchanges/ph/organizations/nope not found");
  orderer.principal.organization_id = "lyseo";
  EXPECT_TRUE(keys_->Create(orderer, now_).ok());
  ApiKey far = Key(AccessRole::kCoordinator, "ph");
  far.expire_time = now_ + absl::Hours(24 * 800);
  EXPECT_EQ(keys_->Create(far, now_).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      keys_->Create(Key(AccessRole::kCoordinator, "hus"), now_).status().message(),
      "exchanges/hus not found");
  auto listed = keys_->List({KeyScope::Kind::kExchange, "ph"}, domain::ListQuery());
  ASSERT_TRUE(listed.ok());
  // The test channel's own coordinator key is there too.
  std::vector<std::string> roles;
  for (const ApiKey& k : listed->items) {
    roles.push_back(std::string(AccessRoleName(k.principal.role)));
  }
  EXPECT_THAT(roles, ::testing::UnorderedElementsAre("COORDINATOR", "ORDERER_SYSTEM"));
  EXPECT_EQ(listed->next_page_token, "");
  for (const ApiKey& k : listed->items) {
    if (k.principal.role == AccessRole::kOrdererSystem) {
      EXPECT_EQ(k.principal.organization_id, "lyseo");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Db, KeyStoreTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus::storage
