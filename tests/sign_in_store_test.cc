// Sign-in links on both databases: only a hash is kept, a link is spent once
// (also by racing redeemers), expires, binds one person; a link asked for by
// address goes to everyone with it and to no one else, a few times an hour.
#include "services/storage/sign_in_store.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/sign_in.h"
#include "services/storage/outbox_store.h"
#include "services/storage/sql.h"
#include "tests/test_support.h"

namespace kokemus::storage {
namespace {

using domain::AccessRole;
using ::testing::HasSubstr;

class SignInStoreTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateExpert(
        server_.registry(), "ph", "kaisa", testing_support::SampleExpert());
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    auto db = Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    links_ = std::make_unique<SignInStore>(*db_);
  }

  std::string MintOne(const std::string& link_for, absl::Duration lifetime) {
    auto tokens =
        links_->Mint({{link_for, "kaisa@example.fi", "exchanges/ph/orders/o1", lifetime}}, now_);
    EXPECT_TRUE(tokens.ok()) << tokens.status();
    return tokens.ok() ? tokens->at(0) : "";
  }

  std::vector<std::string> Column(const std::string& query) {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Read(
                       [&](soci::session& sql) {
      out = Query<std::string>(
          sql, query, {}, [](const soci::row& row) { return RowReader(row).Text(); });
      return absl::OkStatus();
    }).ok());
    return out;
  }

  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<Database> db_;
  std::unique_ptr<SignInStore> links_;
  const absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_P(SignInStoreTest, ALinkSignsInItsPersonOnceAndOnlyItsHashIsKept) {
  const std::string token = MintOne("exchanges/ph/experts/kaisa", domain::kMessageLinkLifetime);
  auto parts = domain::ParseLinkToken(token);
  ASSERT_TRUE(parts.has_value()) << token;
  EXPECT_EQ(parts->secret.size(), 43u);  // 32 random bytes, URL-safe base64
  const std::vector<std::string> hashes = Column("SELECT secret_hash FROM sign_in_links");
  ASSERT_EQ(hashes.size(), 1u);
  EXPECT_EQ(hashes[0].size(), 64u);
  EXPECT_THAT(hashes[0], ::testing::Not(HasSubstr(parts->secret)));

  EXPECT_TRUE(links_->Check(token, now_).ok());
  auto grant = links_->Redeem(token, now_ + absl::Hours(1));
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ(grant->principal.role, AccessRole::kExpert);
  EXPECT_EQ(grant->principal.exchange_id, "ph");
  EXPECT_EQ(grant->principal.expert_id, "kaisa");
  EXPECT_EQ(grant->principal.organization_id, "");
  EXPECT_EQ(grant->principal.key_id, parts->id);
  EXPECT_EQ(grant->email, "kaisa@example.fi");
  EXPECT_EQ(grant->target, "exchanges/ph/orders/o1");

  auto again = links_->Redeem(token, now_ + absl::Hours(1));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "this sign-in link has been used");
  EXPECT_EQ(links_->Check(token, now_).message(), "this sign-in link has been used");
}

TEST_P(SignInStoreTest, AnOrganizationsLinkIsItsOrdererRole) {
  auto grant = links_->Redeem(
      MintOne("exchanges/ph/organizations/lyseo", domain::kMessageLinkLifetime), now_);
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ(grant->principal.role, AccessRole::kOrdererSystem);
  EXPECT_EQ(grant->principal.organization_id, "lyseo");
  EXPECT_EQ(grant->principal.expert_id, "");
}

TEST_P(SignInStoreTest, ExpiredWrongAndMalformedLinksAreRefused) {
  const std::string token = MintOne("exchanges/ph/experts/kaisa", domain::kRequestedLinkLifetime);
  auto late = links_->Redeem(token, now_ + absl::Minutes(30));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "this sign-in link has expired");
  const auto parts = domain::ParseLinkToken(token);
  // Another secret for a real id, an unknown id, not a token: one answer.
  for (const std::string& bad :
       {parts->id + "_" + std::string(43, 'A'), "zzzzzzzzzzzz_" + parts->secret, std::string("x"),
        std::string(""), token + "/"}) {
    auto refused = links_->Redeem(bad, now_);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound) << bad;
    EXPECT_EQ(refused.status().message(), "this sign-in link is not valid") << bad;
  }
  EXPECT_EQ(Column("SELECT id FROM sign_in_links WHERE used_time <> 0").size(), 0u);

  auto nobody = links_->Mint(
      {{"exchanges/ph/experts/kaisa", "a@b.fi", "", absl::Minutes(1)},
       {"exchanges/ph/keys/k1", "a@b.fi", "", absl::Minutes(1)}},
      now_);
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      nobody.status().message(),
      "invalid request: link_for: \"exchanges/ph/keys/k1\" is not an expert or an organization");
  EXPECT_EQ(Column("SELECT id FROM sign_in_links").size(), 1u);  // nothing stored

  auto swept = links_->Sweep(now_ + absl::Minutes(31));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(Column("SELECT id FROM sign_in_links").size(), 0u);
}

TEST_P(SignInStoreTest, RacingRedeemersSpendALinkOnce) {
  const std::string token = MintOne("exchanges/ph/experts/kaisa", domain::kMessageLinkLifetime);
  std::atomic<int> signed_in{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto db = Database::Open(server_.database_url());
      ASSERT_TRUE(db.ok()) << db.status();
      SignInStore mine(**db);
      auto grant = mine.Redeem(token, now_);
      if (grant.ok()) {
        ++signed_in;
      } else if (grant.status().message() == "this sign-in link has been used") {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(signed_in.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

TEST_P(SignInStoreTest, ALinkAskedForByAddressGoesToEveryoneWithItAFewTimesAnHour) {
  testing_support::CreateExchange(server_.registry(), "ks");
  v1::Expert other = testing_support::SampleExpert();
  other.set_email("Kaisa@Example.fi");
  other.set_preferred_language("sv");
  testing_support::CreateExpert(server_.registry(), "ks", "kaisa-k", other);
  OutboxStore outbox(*db_);
  ASSERT_TRUE(outbox.RequestSignInLink("  KAISA@example.fi ", now_).ok());
  ASSERT_TRUE(outbox.RequestSignInLink("nobody@example.fi", now_).ok());  // the same answer
  auto query = domain::ParseListQuery("", "messages", 100, "", "", MessageFilterFields());
  ASSERT_TRUE(query.ok());
  auto ph = outbox.List("ph", *query);
  auto ks = outbox.List("ks", *query);
  ASSERT_TRUE(ph.ok() && ks.ok());
  ASSERT_EQ(ph->items.size(), 1u);
  ASSERT_EQ(ks->items.size(), 1u);
  const OutboxMessage& m = ph->items[0];
  EXPECT_EQ(m.kind, "SIGN_IN_LINK");
  EXPECT_EQ(m.recipient, "kaisa@example.fi");
  EXPECT_EQ(m.recipient_kind, "EXPERT");
  EXPECT_EQ(m.link_for, "exchanges/ph/experts/kaisa");
  EXPECT_EQ(m.resource, "exchanges/ph/experts/kaisa");
  EXPECT_EQ(m.language, "fi");
  EXPECT_THAT(m.body, HasSubstr("Avaa: [[sign-in-link]]\n"));
  EXPECT_EQ(m.not_before, now_);  // urgent: no quiet hours
  EXPECT_EQ(ks->items[0].link_for, "exchanges/ks/experts/kaisa-k");
  EXPECT_EQ(ks->items[0].language, "sv");
  // Once five links went to an address within the hour, asking sends
  // nothing more (and says so to no one): each ask here makes two.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(outbox.RequestSignInLink("kaisa@example.fi", now_ + absl::Minutes(i)).ok());
  }
  EXPECT_EQ(Column("SELECT id FROM outbox WHERE kind = 'SIGN_IN_LINK'").size(), 6u);
  // An hour after the first ones, she may ask again.
  ASSERT_TRUE(outbox.RequestSignInLink("kaisa@example.fi", now_ + absl::Minutes(61)).ok());
  EXPECT_EQ(Column("SELECT id FROM outbox WHERE kind = 'SIGN_IN_LINK'").size(), 8u);
}

INSTANTIATE_TEST_SUITE_P(
    Db, SignInStoreTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus::storage
