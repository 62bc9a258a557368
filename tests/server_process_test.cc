// The kokemus-server binary: restarts keep data, SIGTERM stops cleanly with
// exit 0, request log lines are structured and carry no personal data, and a
// database that can't be opened is one clear line and exit 1.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "gtest/gtest.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
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
  std::unique_ptr<testing_support::ChildProcess> StartServer(
      const std::vector<std::string>& flags = {}) {
    address_ = absl::StrCat("127.0.0.1:", testing_support::FreePort());
    std::vector<std::string> argv = {
        testing_support::BinaryPath("kokemus-server"),
        "--listen",
        address_,
        "--database",
        db_.url(),
        "--plaintext"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto child = std::make_unique<testing_support::ChildProcess>(argv, log_path_);
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

// Identity codes (issue 20) go into the database sealed and come out only in
// the payroll export: neither a good one nor a refused one reaches the log.
TEST_P(ServerProcessTest, IdentityCodesNeverReachTheLog) {
  auto server = StartServer();
  testing_support::CreateExchange(*stub_, "ph");
  for (const char* code : {"131052-308U", "131052-308T"}) {  // a wrong check character, then right
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id("aino");
    *req.mutable_expert() = testing_support::SampleExpert();
    req.mutable_expert()->set_payment_method(v1::PAYMENT_METHOD_SALARY_TAX_CARD);
    req.mutable_expert()->mutable_payroll()->set_identity_code(code);
    v1::CreateExpertResponse resp;
    grpc::Status s = stub_->CreateExpert(&ctx, req, &resp);
    EXPECT_EQ(s.ok(), code[10] == 'T') << s.error_message();
    EXPECT_THAT(s.error_message(), Not(HasSubstr("131052")));
  }
  auto reports = v1::ReportService::NewStub(testing_support::AutoKeyChannel(address_, keys_));
  grpc::ClientContext ctx;
  v1::ExportPayrollRequest req;
  req.set_parent("exchanges/ph");
  const auto now = google::protobuf::util::TimeUtil::GetCurrentTime();
  *req.mutable_start_time() = now - google::protobuf::util::TimeUtil::HoursToDuration(24 * 30);
  *req.mutable_end_time() = now;
  auto reader = reports->ExportPayroll(&ctx, req);
  v1::ExportPayrollResponse chunk;
  std::string csv;
  while (reader->Read(&chunk)) csv += chunk.csv();
  grpc::Status finished = reader->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_THAT(csv, ::testing::StartsWith("payer,"));
  stub_.reset();
  reports.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
  const std::string log = testing_support::ReadFile(log_path_);
  EXPECT_THAT(log, HasSubstr("ReportService/ExportPayroll"));
  EXPECT_THAT(log, Not(HasSubstr("131052")));
  EXPECT_THAT(log, Not(HasSubstr("308T")));
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

// A string field with invalid UTF-8 is refused INVALID_ARGUMENT, and
// libprotobuf's plain stderr line about it (request_fuzz found one per bad
// call) no longer reaches the log: every line is the server's JSON.
// Issue 17 (9): a key in use is logged a week before it expires, once a day,
// by its resource name only (a display name may name a person).
TEST_P(ServerProcessTest, AKeyInUseIsLoggedAWeekBeforeItExpires) {
  auto server = StartServer();
  testing_support::CreateExchange(*stub_, "ph");
  auto admin = v1::AccessService::NewStub(testing_support::KeyChannel(address_, keys_.Admin()));
  std::string key_name, key;
  for (const int days : {3, 30}) {
    grpc::ClientContext ctx;
    v1::CreateApiKeyRequest req;
    req.set_parent("exchanges/ph");
    req.mutable_api_key()->set_role(v1::ACCESS_ROLE_COORDINATOR);
    req.mutable_api_key()->set_display_name("Maija Meikäläinen");
    req.mutable_api_key()->mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * days + 1)));
    v1::CreateApiKeyResponse resp;
    ASSERT_TRUE(admin->CreateApiKey(&ctx, req, &resp).ok());
    // Each used twice: the three-day key is logged once, the other never.
    auto used = v1::RegistryService::NewStub(testing_support::KeyChannel(address_, resp.key()));
    for (int i = 0; i < 2; ++i) {
      grpc::ClientContext get_ctx;
      v1::GetExchangeRequest get;
      get.set_name("exchanges/ph");
      v1::GetExchangeResponse got;
      ASSERT_TRUE(used->GetExchange(&get_ctx, get, &got).ok());
    }
    if (days == 3) key_name = resp.api_key().name();
  }
  admin.reset();
  stub_.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
  const std::string log = testing_support::ReadFile(log_path_);
  std::vector<std::string> expiring;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    // (The test's own administrator key expires within the hour: logged too.)
    if (absl::StrContains(line, "api_key_expiring") && absl::StrContains(line, "exchanges/ph/")) {
      expiring.emplace_back(line);
    }
  }
  ASSERT_EQ(expiring.size(), 1u) << log;
  EXPECT_THAT(
      expiring[0],
      ::testing::StartsWith(absl::StrCat(
          R"({"event":"api_key_expiring","key":")", key_name, R"(","expire_time":")")));
  EXPECT_THAT(expiring[0], ::testing::EndsWith(R"(,"days_left":3})"));
  EXPECT_THAT(log, Not(HasSubstr("Maija")));
}

TEST_P(ServerProcessTest, InvalidUtf8IsRefusedWithoutAPlainLogLine) {
  auto server = StartServer();
  testing_support::CreateExchange(*stub_, "ph");
  const std::string request = "\x0a\x04\xff\xfe\xfd\xfc";  // GetExpertRequest.name
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  grpc::ClientContext ctx;
  // A key of its own: the test's usual channel reads the request to choose one.
  auto channel = testing_support::KeyChannel(address_, keys_.Coordinator("ph"));
  const grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(),
      grpc::internal::RpcMethod(
          "/kokemus.v1.RegistryService/GetExpert", grpc::internal::RpcMethod::NORMAL_RPC),
      &ctx, in, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  channel.reset();
  stub_.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
  const std::string log = testing_support::ReadFile(log_path_);
  EXPECT_THAT(log, Not(HasSubstr("libprotobuf")));
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{") && absl::EndsWith(line, "}")) << line;
  }
}

// The crash test of issue 18: writers keep a ledger of every create the
// server acknowledged while the server is killed with SIGKILL at random
// moments (KOKEMUS_CRASH_KILLS times, 3 in CI; more by hand). After each
// restart the creates whose answer was lost are sent again with their request
// id and must succeed once. In the end every acknowledged expert is there,
// nothing else is, and the audit chain is intact.
TEST_P(ServerProcessTest, SigkillLosesNoAcknowledgedWrite) {
  const char* kills_env = std::getenv("KOKEMUS_CRASH_KILLS");
  const int kills = kills_env ? std::atoi(kills_env) : 3;
  struct Write {
    std::string id;
    std::string request_id;
  };
  std::mutex mu;
  std::vector<Write> acknowledged;
  std::vector<Write> uncertain;  // sent, answer lost: sent again after the restart
  std::map<grpc::StatusCode, int> codes;
  int next = 0;
  std::mt19937 random(18);
  auto create = [&](v1::RegistryService::Stub& stub, const Write& w) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id(w.id);
    req.set_request_id(w.request_id);
    *req.mutable_expert() = testing_support::SampleExpert();
    req.mutable_expert()->set_display_name(w.id);
    v1::CreateExpertResponse resp;
    return stub.CreateExpert(&ctx, req, &resp);
  };
  std::unique_ptr<testing_support::ChildProcess> server;  // the last one stays up
  for (int round = 0; round <= kills; ++round) {
    // As fast as the writers can: the per-key rate limit is not under test.
    server = StartServer({"--rate_limit", "100000", "--rate_burst", "100000"});
    if (round == 0) testing_support::CreateExchange(*stub_, "ph");
    for (const Write& w : uncertain) {
      const grpc::Status status = create(*stub_, w);
      ASSERT_TRUE(status.ok()) << w.id << ": " << status.error_message();
      acknowledged.push_back(w);
    }
    uncertain.clear();
    if (round == kills) break;
    std::atomic<bool> killed{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&] {
        auto stub = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address_, keys_));
        while (!killed.load()) {
          Write w;
          {
            std::lock_guard<std::mutex> lock(mu);
            w.id = absl::StrCat("e", next);
            w.request_id =
                absl::StrCat("6f1c2a4e-0000-4000-8000-", absl::Dec(next, absl::kZeroPad12));
            ++next;
          }
          const grpc::Status status = create(*stub, w);
          std::lock_guard<std::mutex> lock(mu);
          ++codes[status.error_code()];
          (status.ok() ? acknowledged : uncertain).push_back(w);
          if (!status.ok()) break;  // the server is gone
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 500));
    server->Signal(SIGKILL);
    EXPECT_EQ(server->Wait(), 128 + SIGKILL);
    killed = true;
    for (auto& w : writers) w.join();
    stub_.reset();
  }
  // Only OK, and UNAVAILABLE for the calls the kill cut off.
  for (const auto& [code, n] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << "code " << code << " x" << n;
  }
  std::set<std::string> listed;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListExpertsRequest req;
    req.set_parent("exchanges/ph");
    req.set_page_size(1000);
    req.set_page_token(token);
    v1::ListExpertsResponse resp;
    const grpc::Status status = stub_->ListExperts(&ctx, req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& e : resp.experts()) listed.insert(e.display_name());
    token = resp.next_page_token();
  } while (!token.empty());
  std::set<std::string> expected;
  for (const Write& w : acknowledged) expected.insert(w.id);
  EXPECT_EQ(listed, expected);
  EXPECT_GT(expected.size(), static_cast<size_t>(kills * 4));
  auto access = v1::AccessService::NewStub(testing_support::AutoKeyChannel(address_, keys_));
  grpc::ClientContext ctx;
  v1::VerifyAuditLogRequest verify;
  verify.set_parent("exchanges/ph");
  v1::VerifyAuditLogResponse verified;
  ASSERT_TRUE(access->VerifyAuditLog(&ctx, verify, &verified).ok());
  EXPECT_TRUE(verified.intact()) << absl::StrJoin(verified.problems(), "; ");
  size_t lost = 0;
  for (const std::string& id : expected) lost += listed.count(id) == 0 ? 1 : 0;
  std::printf(
      "[ crash test ] %d kills, %zu acknowledged creates, %zu lost\n", kills, expected.size(),
      lost);
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
