// Access rules: every RPC the server offers has an explicit rule (listed from
// the service descriptors of what reflection reports, so a new RPC without
// one fails here), and the decision for each kind of caller.
#include "services/domain/access.h"

#include <set>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/domain/fees.h"
#include "services/domain/orders.h"
#include "services/reference/calendar.h"
#include "tests/test_support.h"

namespace kokemus::domain {
namespace {

// "kokemus.v1.X/Y" of every method of every kokemus.v1 service the server offers.
std::set<std::string> ServedMethods() {
  testing_support::TestServer server(testing_support::Backend::kSqlite);
  std::set<std::string> methods;
  for (const std::string& name : testing_support::ServiceNames(server.address())) {
    if (name.rfind("kokemus.", 0) != 0) continue;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert(name + "/" + service->method(i)->name());
    }
  }
  return methods;
}

TEST(AccessRules, EveryServedRpcHasExactlyOneRuleAndEveryRuleAnRpc) {
  const std::set<std::string> served = ServedMethods();
  EXPECT_EQ(served.size(), 97u);  // nine services; grows with the API
  std::set<std::string> ruled;
  for (const MethodRule& r : MethodRules()) {
    EXPECT_TRUE(ruled.insert(r.method).second) << "two rules for " << r.method;
    EXPECT_NE(r.roles, 0u) << r.method << " lets nobody in";
  }
  for (const std::string& m : served) EXPECT_TRUE(ruled.count(m)) << m << " has no access rule";
  for (const std::string& m : ruled) EXPECT_TRUE(served.count(m)) << m << " is not served";
  EXPECT_NE(RuleFor("/kokemus.v1.RegistryService/GetExpert"), nullptr);
  EXPECT_EQ(RuleFor("kokemus.v1.RegistryService/Nope"), nullptr);
}

TEST(AccessRules, HealthDataIsTheCoordinatorsAlone) {
  // Ranking reads experience areas; exports name experts.
  for (const char* m :
       {"kokemus.v1.MatchingService/RankExperts", "kokemus.v1.RegistryService/ListExperts",
        "kokemus.v1.ReportService/ExportAssignments"}) {
    EXPECT_EQ(RuleFor(m)->roles, RoleBit(AccessRole::kCoordinator)) << m;
    EXPECT_TRUE(RuleFor(m)->personal_data) << m;
  }
  const MethodRule& get_expert = *RuleFor("kokemus.v1.RegistryService/GetExpert");
  EXPECT_EQ(get_expert.orderer, Ownership::kOrganization);
  EXPECT_EQ(get_expert.expert, Ownership::kSelf);
}

Principal Key(AccessRole role, const std::string& exchange) {
  Principal p;
  p.key_id = "k1";
  p.role = role;
  p.exchange_id = exchange;
  return p;
}

TEST(AccessDecision, AnotherExchangesObjectsLookMissingAndOtherRolesAreRefused) {
  const MethodRule& get_expert = *RuleFor("kokemus.v1.RegistryService/GetExpert");
  const Principal coordinator = Key(AccessRole::kCoordinator, "ph");
  EXPECT_TRUE(Decide(get_expert, coordinator, "ph", "exchanges/ph/experts/kaisa").ok());
  const absl::Status other = Decide(get_expert, coordinator, "hus", "exchanges/hus/experts/kaisa");
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(other.message(), "exchanges/hus/experts/kaisa not found");
  const absl::Status reporter =
      Decide(get_expert, Key(AccessRole::kReporter, "ph"), "ph", "exchanges/ph/experts/kaisa");
  EXPECT_EQ(reporter.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(reporter.message(), "a REPORTER key may not call kokemus.v1.RegistryService/GetExpert");
  // The national administrator creates exchanges but reads no one's personal data.
  EXPECT_TRUE(Decide(
                  *RuleFor("kokemus.v1.RegistryService/CreateExchange"),
                  Key(AccessRole::kNationalAdmin, ""), "", "exchanges")
                  .ok());
  EXPECT_EQ(
      Decide(get_expert, Key(AccessRole::kNationalAdmin, ""), "ph", "exchanges/ph/experts/kaisa")
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(AccessDecision, FiguresAcrossExchangesNeedANationalKey) {
  const MethodRule& stats = *RuleFor("kokemus.v1.ReportService/GetStatistics");
  EXPECT_TRUE(Decide(stats, Key(AccessRole::kReporter, ""), "", "exchanges/-").ok());
  EXPECT_TRUE(Decide(stats, Key(AccessRole::kReporter, ""), "ph", "exchanges/ph").ok());
  EXPECT_TRUE(Decide(stats, Key(AccessRole::kReporter, "ph"), "ph", "exchanges/ph").ok());
  const absl::Status regional = Decide(stats, Key(AccessRole::kReporter, "ph"), "", "exchanges/-");
  EXPECT_EQ(regional.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      regional.message(),
      "kokemus.v1.ReportService/GetStatistics across exchanges needs a national key");
  // A method that always names an exchange is never national.
  EXPECT_EQ(
      Decide(
          *RuleFor("kokemus.v1.OrderService/ListOrders"), Key(AccessRole::kCoordinator, ""), "",
          "exchanges/-")
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(OwnRecord, AnExpertChangesAnythingButRolesAndTrainings) {
  Expert current;
  current.roles = {Role::kLecturer};
  current.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2024-05-31"}};
  Expert updated = current;
  updated.phone = "+358407654321";
  updated.state = ExpertState::kPaused;
  EXPECT_TRUE(CheckOwnExpertUpdate(current, updated).ok());
  updated.roles.push_back(Role::kEvaluator);
  EXPECT_EQ(CheckOwnExpertUpdate(current, updated).code(), absl::StatusCode::kPermissionDenied);
  updated.roles = current.roles;
  updated.trainings.clear();
  EXPECT_EQ(
      CheckOwnExpertUpdate(current, updated).message(),
      "an EXPERT key may not change expert.roles, expert.trainings or "
      "expert.criminal_record_extract_seen");
}

TEST(OwnSide, OrdererSystemsAndExpertsSpeakForThemselves) {
  EXPECT_TRUE(CheckOwnSide(AccessRole::kOrdererSystem, CancelledBy::kOrderer, "cancelled_by").ok());
  EXPECT_TRUE(CheckOwnSide(AccessRole::kExpert, FeedbackSource::kExpert, "feedback.source").ok());
  EXPECT_TRUE(CheckOwnSide(AccessRole::kCoordinator, CancelledBy::kExchange, "cancelled_by").ok());
  const absl::Status orderer =
      CheckOwnSide(AccessRole::kOrdererSystem, CancelledBy::kExpert, "cancelled_by");
  EXPECT_EQ(orderer.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ViolationsOf(orderer), ::testing::ElementsAre(::testing::FieldsAre(
                                 "cancelled_by", "must be the caller's own side")));
  EXPECT_EQ(
      CheckOwnSide(AccessRole::kExpert, FeedbackSource::kOrderer, "feedback.source").code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(Retention, TheCutoffIsTheStartOfAHelsinkiMonthMonthsBack) {
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  // 2026-11-22 14:00 Helsinki: 24 months back is 2024-11-01 00:00 Helsinki (EET, UTC+2).
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 11, 22, 14, 0, 0), helsinki);
  EXPECT_EQ(RetentionCutoff(now, 24), absl::FromUnixSeconds(1730412000));  // 2024-10-31T22:00:00Z
  // Midnight on the 1st of a month in Helsinki is still that month.
  const absl::Time first = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), helsinki);
  EXPECT_EQ(RetentionCutoff(first, 1), absl::FromCivil(absl::CivilMonth(2026, 2), helsinki));
  EXPECT_EQ(RetentionCutoff(first, 0), first);
}

TEST(OrderNotes, OnlyTheCoordinatorAndTheAdministratorReadThemAndUnseenOnesAreKept) {
  EXPECT_TRUE(SeesOrderNotes(AccessRole::kCoordinator));
  EXPECT_TRUE(SeesOrderNotes(AccessRole::kNationalAdmin));
  EXPECT_FALSE(SeesOrderNotes(AccessRole::kOrdererSystem));
  EXPECT_FALSE(SeesOrderNotes(AccessRole::kExpert));
  EXPECT_FALSE(SeesOrderNotes(AccessRole::kReporter));
  Order current;
  current.notes = "stored";
  Order sent;  // as she read it: without notes
  KeepUnseenNotes(AccessRole::kOrdererSystem, {}, current, sent);
  EXPECT_EQ(sent.notes, "stored");
  Order named;
  named.notes = "new";
  KeepUnseenNotes(AccessRole::kOrdererSystem, {"topic", "notes"}, current, named);
  EXPECT_EQ(named.notes, "new");
  Order coordinator;
  KeepUnseenNotes(AccessRole::kCoordinator, {}, current, coordinator);
  EXPECT_EQ(coordinator.notes, "");  // she reads them: what she sends is what she wants
}

}  // namespace
}  // namespace kokemus::domain
