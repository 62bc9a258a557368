// An expert's export and erasure on both databases, with real data made
// through the API (an order, an accepted contract) and a past task with
// feedback: afterwards no table holds the expert's name, e-mail, phone or
// id (the audit log keeps resource names by design), and the fee records
// remain under the pseudonym.
#include "services/storage/data_subject_store.h"

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/rpc/convert.h"
#include "services/storage/key_store.h"
#include "services/storage/sql.h"
#include "tests/test_support.h"

namespace kokemus::storage {
namespace {

using ::testing::HasSubstr;

class DataSubjectTest : public ::testing::TestWithParam<testing_support::Backend> {
 protected:
  void SetUp() override {
    auto channel = server_.channel();
    orders_ = v1::OrderService::NewStub(channel);
    contracts_ = v1::ContractService::NewStub(channel);
    testing_support::CreateExchange(server_.registry(), "ph");
    testing_support::CreateOrganization(server_.registry(), "ph", "lyseo");
    v1::Expert e = testing_support::SampleExpert();
    e.set_display_name("Kaisa Kokemus");
    e.set_email("kaisa.kokemus@example.fi");
    e.set_phone("+358401234567");
    testing_support::CreateExpert(server_.registry(), "ph", "kaisa-k", e);
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
    testing_support::CreateOrder(
        *orders_, "ph", "o1",
        testing_support::SampleOrder("ph", "lyseo", absl::Now() + absl::Hours(24 * 7)));
    auto db = Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok());
    db_ = *std::move(db);
  }

  template <typename Req, typename Resp, typename Rpc, typename Stub>
  Resp Call(Stub& stub, Rpc rpc, const Req& req) {
    grpc::ClientContext ctx;
    Resp resp;
    grpc::Status s = (stub.*rpc)(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  // A confirmed assignment with an accepted contract, a completed past task
  // with both feedbacks, and an API key of the expert.
  void MakeHistory() {
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/o1");
    offer.set_assignment_id("a1");
    offer.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa-k");
    *offer.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(absl::Now() + absl::Hours(1));
    Call<v1::OfferAssignmentRequest, v1::OfferAssignmentResponse>(
        *orders_, &v1::OrderService::Stub::OfferAssignment, offer);
    v1::AcceptAssignmentRequest accept;
    accept.set_name("exchanges/ph/orders/o1/assignments/a1");
    Call<v1::AcceptAssignmentRequest, v1::AcceptAssignmentResponse>(
        *orders_, &v1::OrderService::Stub::AcceptAssignment, accept);
    v1::ConfirmAssignmentRequest confirm;
    confirm.set_name("exchanges/ph/orders/o1/assignments/a1");
    Call<v1::ConfirmAssignmentRequest, v1::ConfirmAssignmentResponse>(
        *orders_, &v1::OrderService::Stub::ConfirmAssignment, confirm);
    v1::GenerateContractRequest generate;
    generate.set_assignment("exchanges/ph/orders/o1/assignments/a1");
    generate.set_language("fi");
    auto contract = Call<v1::GenerateContractRequest, v1::GenerateContractResponse>(
        *contracts_, &v1::ContractService::Stub::GenerateContract, generate);
    v1::AcceptContractRequest sign;
    sign.set_name(contract.contract().name());
    sign.set_full_name("Kaisa Kokemus");
    // Her key, which also accepts her contract (only she may).
    ApiKey key;
    key.display_name = "Kaisa Kokemuksen avain";
    key.principal.role = domain::AccessRole::kExpert;
    key.principal.exchange_id = "ph";
    key.principal.expert_id = "kaisa-k";
    key.expire_time = absl::Now() + absl::Hours(24);
    auto made = KeyStore(*db_, "").Create(key, absl::Now());
    ASSERT_TRUE(made.ok());
    auto as_kaisa = v1::ContractService::NewStub(
        testing_support::KeyChannel(server_.address(), made->plaintext));
    Call<v1::AcceptContractRequest, v1::AcceptContractResponse>(
        *as_kaisa, &v1::ContractService::Stub::AcceptContract, sign);

    const long long s = Micros(absl::Now() - absl::Hours(24 * 30));
    ASSERT_TRUE(db_->Write(
                       [&](soci::session& sql) {
      Execute(
          sql,
          "INSERT INTO orders (exchange_id, id, organization_id, role, topic, "
          "audience, audience_size, start_time, duration_minutes, "
          "preparation_minutes, remote, address, municipality, language, "
          "experience_areas, experts_needed, notes, state, cancelled_by, "
          "cancel_time, revision, create_time, update_time) VALUES ('ph', "
          "'past', 'lyseo', 'LECTURER', 'Tarina', 'STUDENTS', 30, :s, 90, 0, 0, "
          "'', '398', 'fi', '[]', 1, '', 'COMPLETED', 'UNSPECIFIED', 0, 1, :c, :u)",
          {s, s, s});
      Execute(
          sql,
          "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
          "offer_deadline, start_time, end_time, block_end, "
          "actual_duration_minutes, fee_cents, travel_cents, travel_km, "
          "cancelled_by, cancel_time, revision, create_time, update_time) VALUES "
          "('ph', 'past', 'a1', 'kaisa-k', 'COMPLETED', :d, :s, :e, :b, 90, "
          "15000, 500, 10, 'UNSPECIFIED', 0, 3, :c, :u)",
          {s, s, s, s, s, s});
      // An earlier offer of the same task she declined for her wellbeing.
      Execute(
          sql,
          "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
          "offer_deadline, start_time, end_time, block_end, "
          "actual_duration_minutes, fee_cents, travel_cents, travel_km, "
          "cancelled_by, decline_reason, cancel_time, revision, create_time, update_time) "
          "VALUES ('ph', 'past', 'a0', 'kaisa-k', 'DECLINED', :d, :s, :e, :b, 0, "
          "15000, 500, 10, 'UNSPECIFIED', 'WELLBEING', 0, 2, :c, :u)",
          {s, s, s, s, s, s});
      Execute(
          sql,
          "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
          "overall_rating, content_rating, heaviness, setting_safe, comment, "
          "create_time) VALUES ('ph', 'past', 'a1', 'EXPERT', 0, 0, 4, 1, "
          "'Kaisan oma palaute: raskas päivä', 0)",
          {});
      Execute(
          sql,
          "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
          "overall_rating, content_rating, heaviness, setting_safe, comment, "
          "create_time) VALUES ('ph', 'past', 'a1', 'ORDERER', 5, 5, 0, 0, "
          "'Kaisa Kokemus oli loistava', 0)",
          {});
      return absl::OkStatus();
    }).ok());
  }

  // Every text value of every table but the audit log that contains `needle`.
  std::vector<std::string> Containing(const std::string& needle) {
    std::vector<std::string> hits;
    EXPECT_TRUE(db_->Read(
                       [&](soci::session& sql) {
      const std::string list = db_->dialect() == Dialect::kPostgresql
                                   ? "SELECT table_name FROM information_schema.tables WHERE "
                                     "table_schema = 'public'"
                                   : "SELECT name FROM sqlite_master WHERE type = 'table'";
      std::vector<std::string> tables = Query<std::string>(
          sql, list, {}, [](const soci::row& row) { return RowReader(row).Text(); });
      for (const std::string& table : tables) {
        if (table == "audit_log") continue;
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT * FROM " + table);
        for (const soci::row& row : rows) {
          for (size_t i = 0; i < row.size(); ++i) {
            if (row.get_indicator(i) == soci::i_null ||
                row.get_properties(i).get_data_type() != soci::dt_string) {
              continue;
            }
            const std::string value = row.get<std::string>(i);
            if (value.find(needle) != std::string::npos) {
              hits.push_back(table + "." + row.get_properties(i).get_name());
            }
          }
        }
      }
      return absl::OkStatus();
    }).ok());
    return hits;
  }

  long long Count(const std::string& query) {
    long long n = 0;
    EXPECT_TRUE(db_->Read(
                       [&](soci::session& sql) {
      n = storage::Count(sql, query.c_str(), {});
      return absl::OkStatus();
    }).ok());
    return n;
  }

  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::ContractService::Stub> contracts_;
  std::unique_ptr<Database> db_;
};

TEST_P(DataSubjectTest, ExportsEverythingHeldAboutTheExpert) {
  MakeHistory();
  auto json = DataSubjectStore(*db_).Export("ph", "kaisa-k");
  ASSERT_TRUE(json.ok()) << json.status();
  const nlohmann::json j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["expert"]["name"], "exchanges/ph/experts/kaisa-k");
  EXPECT_EQ(j["expert"]["display_name"], "Kaisa Kokemus");
  EXPECT_EQ(j["expert"]["email"], "kaisa.kokemus@example.fi");
  ASSERT_EQ(j["assignments"].size(), 3u);
  EXPECT_EQ(j["assignments"][0]["name"], "exchanges/ph/orders/past/assignments/a0");
  EXPECT_EQ(j["assignments"][0]["state"], "DECLINED");
  EXPECT_EQ(j["assignments"][0]["decline_reason"], "WELLBEING");
  EXPECT_EQ(j["assignments"][1]["name"], "exchanges/ph/orders/past/assignments/a1");
  EXPECT_EQ(j["assignments"][1]["fee_cents"], 15000);
  EXPECT_EQ(j["assignments"][1]["decline_reason"], "UNSPECIFIED");
  ASSERT_EQ(j["feedback"].size(), 2u);
  EXPECT_EQ(j["feedback"][0]["source"], "EXPERT");
  EXPECT_EQ(j["feedback"][0]["heaviness"], 4);
  ASSERT_EQ(j["contracts"].size(), 1u);
  EXPECT_EQ(j["contracts"][0]["accepted_name"], "Kaisa Kokemus");
  ASSERT_EQ(j["api_keys"].size(), 1u);
  EXPECT_EQ(j["api_keys"][0]["display_name"], "Kaisa Kokemuksen avain");
  EXPECT_EQ(
      DataSubjectStore(*db_).Export("ph", "nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(DataSubjectTest, ErasureLeavesNothingPersonalAndKeepsTheFees) {
  MakeHistory();
  for (const char* needle : {"Kaisa", "kaisa.kokemus@example.fi", "+358401234567", "kaisa-k"}) {
    EXPECT_FALSE(Containing(needle).empty()) << needle;  // there is something to erase
  }
  // She holds a task still to come: refused, and nothing is touched.
  EXPECT_EQ(
      DataSubjectStore(*db_).Erase("ph", "kaisa-k", absl::Now()).status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(Containing("kaisa.kokemus@example.fi").empty());
  auto pseudonym = DataSubjectStore(*db_).Erase("ph", "kaisa-k", absl::Now(), /*force=*/true);
  ASSERT_TRUE(pseudonym.ok()) << pseudonym.status();
  EXPECT_THAT(*pseudonym, ::testing::StartsWith("erased-"));
  for (const char* needle : {"Kaisa", "kaisa.kokemus@example.fi", "+358401234567", "kaisa-k"}) {
    EXPECT_THAT(Containing(needle), ::testing::IsEmpty()) << needle;
  }
  // The documents that name her go too, the accepted one (stored in base64,
  // where no needle shows) included.
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM contracts WHERE accepted_pdf_base64 <> '' OR marked_text <> '' "
            "OR pdf_base64 <> ''"),
      0);
  // Bookkeeping keeps the assignments with their fees, under the pseudonym;
  // why she declined one (her wellbeing) goes.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assignments WHERE expert_id = '" + *pseudonym + "'"), 3);
  EXPECT_EQ(
      Count(
          "SELECT SUM(fee_cents) FROM assignments WHERE state <> 'DECLINED' AND expert_id = '" +
          *pseudonym + "'"),
      30000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assignments WHERE decline_reason <> 'UNSPECIFIED'"), 0);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM experts WHERE id = '" + *pseudonym + "' AND state = 'INACTIVE'"),
      1);
  // The expert's key no longer works.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM api_keys WHERE revoke_time = 0 AND role = 'EXPERT'"), 0);
  EXPECT_EQ(
      DataSubjectStore(*db_).Erase("ph", "kaisa-k", absl::Now()).status().code(),
      absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(
    Db, DataSubjectTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus::storage
