// The kokemus-server binary: restarts keep data, SIGTERM stops cleanly with
// exit 0, request log lines are structured and carry no personal data, and a
// database that can't be opened is one clear line and exit 1.
#include <signal.h>

#include <fstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "soci/soci.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::Backend;

// A channel with its own connection: with the process-wide subchannel pool a
// connection outlives its channel, and the server's shutdown waits for it.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// Waits until the server at `address` answers health checks with SERVING. A
// fresh channel per try: a channel refused once backs off for seconds.
bool WaitServing(const std::string& address) {
  for (int i = 0; i < 200; ++i) {
    auto health = grpc::health::v1::Health::NewStub(OwnChannel(address));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (health->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

class ServerProcessTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<testing_support::ChildProcess> StartServer() {
    address_ = absl::StrCat("127.0.0.1:", testing_support::FreePort());
    auto child = std::make_unique<testing_support::ChildProcess>(
        std::vector<std::string>{
            testing_support::BinaryPath("kokemus-server"), "--listen", address_, "--database",
            db_.url(), "--plaintext"},
        log_path_);
    EXPECT_TRUE(WaitServing(address_)) << testing_support::ReadFile(log_path_);
    stub_ = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address_, keys_));
    return child;
  }

  testing_support::TestDatabase db_{GetParam()};
  testing_support::TestKeys keys_{db_.url()};
  std::string log_dir_ = testing_support::MakeTempDir();
  std::string log_path_ = log_dir_ + "/server.log";
  std::string address_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_P(ServerProcessTest, DataSurvivesARestartAndSigtermExitsZero) {
  v1::Expert created;
  {
    auto server = StartServer();
    testing_support::CreateExchange(*stub_, "ph");
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id("kaisa");
    *req.mutable_expert() = testing_support::SampleExpert();
    v1::CreateExpertResponse resp;
    ASSERT_TRUE(stub_->CreateExpert(&ctx, req, &resp).ok());
    created = resp.expert();
    stub_.reset();  // closes the connection
    server->Signal(SIGTERM);
    EXPECT_EQ(server->Wait(), 0);
  }
  {
    auto server = StartServer();
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/kaisa");
    v1::GetExpertResponse resp;
    ASSERT_TRUE(stub_->GetExpert(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.expert().SerializeAsString(), created.SerializeAsString());
    stub_.reset();
    server->Signal(SIGINT);
    EXPECT_EQ(server->Wait(), 0);
  }
  const std::string log = testing_support::ReadFile(log_path_);
  EXPECT_THAT(
      log,
      HasSubstr(
          R"("method":"/kokemus.v1.RegistryService/CreateExpert","code":"OK","duration_ms":)"));
  EXPECT_THAT(log, HasSubstr(R"({"event":"stopping","signal":"SIGTERM"})"));
  EXPECT_THAT(log, HasSubstr(R"({"event":"stopped"})"));
  // No personal data in the log.
  EXPECT_THAT(log, Not(HasSubstr("kaisa@example.fi")));
  EXPECT_THAT(log, Not(HasSubstr("Kaisa")));
  EXPECT_THAT(log, Not(HasSubstr("+358401234567")));
  EXPECT_THAT(log, Not(HasSubstr("NOTICE")));  // every line is ours, and JSON
}

TEST_P(ServerProcessTest, TheOperatorsFirstKeyIsIssuedOnceAndWorks) {
  auto issued = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--database", db_.url(), "--issue_admin_key",
       "operator"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string key(absl::StripTrailingAsciiWhitespace(issued.out));
  EXPECT_THAT(key, ::testing::MatchesRegex("kok_[a-z0-9-]+_[A-Za-z0-9_-]{43}"));
  auto server = StartServer();
  auto access = v1::AccessService::NewStub(testing_support::KeyChannel(address_, key));
  grpc::ClientContext ctx;
  v1::GetCallerResponse who;
  ASSERT_TRUE(access->GetCaller(&ctx, v1::GetCallerRequest(), &who).ok());
  EXPECT_EQ(who.api_key().role(), v1::ACCESS_ROLE_NATIONAL_ADMIN);
  EXPECT_EQ(who.api_key().display_name(), "operator");
  EXPECT_EQ(who.api_key().creator(), "");
  // Only the hash is kept: the key is nowhere in the database.
  auto db = storage::Database::Open(db_.url());
  ASSERT_TRUE(db.ok());
  const std::string secret = key.substr(key.find('_', 4) + 1);
  ASSERT_TRUE((*db)
                  ->Read([&](soci::session& sql) {
                    int n = 0;
                    sql << "SELECT COUNT(*) FROM api_keys WHERE secret_hash LIKE '%' || :s || '%'",
                        soci::use(secret), soci::into(n);
                    EXPECT_EQ(n, 0);
                    return absl::OkStatus();
                  })
                  .ok());
  // The operator's scheduled retention run.
  auto retention = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--database", db_.url(),
       "--apply_retention"});
  EXPECT_EQ(retention.exit_code, 0) << retention.err;
  EXPECT_THAT(retention.out, HasSubstr(R"("event":"retention_applied","erased_experts":0)"));
  // The operator's hourly checkpoint, kept outside the database; the server
  // accepts its seal (the same audit key, from the same pepper).
  const std::string dir = testing_support::MakeTempDir();
  auto checkpointed = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--database", db_.url(),
       "--audit_checkpoint_dir", dir});
  ASSERT_EQ(checkpointed.exit_code, 0) << checkpointed.err;
  EXPECT_THAT(
      checkpointed.out,
      ::testing::MatchesRegex(
          R"(\{"event":"audit_checkpoint","file":".*/audit-checkpoint-[0-9]{8}T[0-9]{6}Z\.json"\}\s*)"));
  const std::string file = checkpointed.out.substr(
      checkpointed.out.find(dir), checkpointed.out.find(".json") + 5 - checkpointed.out.find(dir));
  v1::AuditCheckpoint checkpoint;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(testing_support::ReadFile(file), &checkpoint)
          .ok());
  {
    grpc::ClientContext verify_ctx;
    v1::VerifyAuditLogRequest verify;
    verify.set_parent("exchanges/-");
    *verify.mutable_checkpoint() = checkpoint;
    v1::VerifyAuditLogResponse verified;
    grpc::Status s = access->VerifyAuditLog(&verify_ctx, verify, &verified);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(verified.intact());
  }
  // Without the opt-in to plaintext and without a certificate, no start.
  auto refused = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--listen", "127.0.0.1:0", "--database",
       db_.url()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(
      refused.err,
      "kokemus-server: no TLS certificate: give --tls_cert_file and --tls_key_file, or "
      "--plaintext for local development\n");
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Db, ServerProcessTest, testing_support::kAllBackends, testing_support::BackendName);

TEST(ServerProcess, UnreachablePostgresqlIsOneLineAndExitOne) {
  auto result = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--listen", "127.0.0.1:0", "--database",
       absl::StrCat("postgresql://nobody@127.0.0.1:", testing_support::FreePort(), "/none")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, ::testing::StartsWith("kokemus-server: cannot open the database: "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST(ServerProcess, UnwritableSqlitePathIsOneLineAndExitOne) {
  const std::string dir = testing_support::MakeTempDir();
  const std::string file = dir + "/file";
  { std::ofstream(file) << "not a directory"; }
  auto result = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--database", file + "/kokemus.db"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, ::testing::StartsWith("kokemus-server: cannot create directory "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST(ServerProcess, NotASqliteFileIsOneLineAndExitOne) {
  const std::string dir = testing_support::MakeTempDir();
  const std::string file = dir + "/garbage.db";
  { std::ofstream(file) << std::string(4096, 'x'); }
  auto result = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemus-server"), "--database", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, ::testing::StartsWith("kokemus-server: "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

}  // namespace
}  // namespace kokemus
