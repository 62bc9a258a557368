// Faults from outside: a PostgreSQL that crashes and comes back under a
// running server. Each test starts its own throwaway PostgreSQL (not the
// shared `postgres` fixture, which other tests use at the same time).
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/storage/database.h"
#include "soci/postgresql/soci-postgresql.h"
#include "soci/soci.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using testing_support::KeyChannel;
using testing_support::MakeTempDir;
using testing_support::ReadFile;
using testing_support::RunProcess;

// scripts/pg-throwaway.sh for this test alone.
class OwnPostgres final {
 public:
  OwnPostgres() : dir_(MakeTempDir() + "/pg") {
    Run("start");
    std::string url = ReadFile(dir_ + "/url");
    url = url.substr(0, url.find('\n'));
    soci::session admin(soci::postgresql, *storage::PostgresqlConnectString(url + "/postgres"));
    admin << "CREATE DATABASE kokemus";
    url_ = url + "/kokemus";
  }
  ~OwnPostgres() { Run("stop"); }
  const std::string& url() const { return url_; }
  // A crash: the postmaster and every backend stop at once.
  void Crash() { Run("pause"); }
  void Restart() { Run("resume"); }

 private:
  void Run(const std::string& command) {
    auto result =
        RunProcess({std::string(KOKEMUS_SOURCE_DIR) + "/scripts/pg-throwaway.sh", command, dir_});
    ASSERT_EQ(result.exit_code, 0) << command << ": " << result.err;
  }

  std::string dir_;
  std::string url_;
};

grpc::StatusCode Code(const grpc::Status& s) { return s.error_code(); }

// A server on `pg` for tests that call fast.
absl::StatusOr<std::unique_ptr<Server>> StartOn(const OwnPostgres& pg) {
  ServerOptions options{.listen = "127.0.0.1:0", .database = pg.url(), .log_requests = false};
  options.plaintext = true;
  options.access.rate_limit = {.per_second = 100000, .burst = 100000};
  options.access.failed_authentications = {.per_second = 100000, .burst = 100000};
  return Server::Start(options);
}

// Defect 5 of issue 18: while PostgreSQL is down, every call answered
// INTERNAL "database error" (GetExchange, GetCaller, ListOrders, an unknown
// key's check) instead of UNAVAILABLE, so clients did not retry.
TEST(PostgresqlOutage, EveryCallIsUnavailableAndTheServerRecoversByItself) {
  OwnPostgres pg;
  auto server = StartOn(pg);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  testing_support::TestKeys keys(pg.url());
  {
    auto registry = v1::RegistryService::NewStub(KeyChannel(address, keys.Admin()));
    testing_support::CreateExchange(*registry, "x");
  }
  const std::string coordinator = keys.Make(domain::AccessRole::kCoordinator, "x");
  auto registry = v1::RegistryService::NewStub(KeyChannel(address, coordinator));
  auto orders = v1::OrderService::NewStub(KeyChannel(address, coordinator));
  auto access = v1::AccessService::NewStub(KeyChannel(address, coordinator));
  auto stranger = v1::RegistryService::NewStub(KeyChannel(address, "kok_unknown_notasecretatall"));

  // Each kind of call a client makes: audited reads, the caller's own key, a
  // list, a write, and a key the server has never seen.
  auto calls = [&]() {
    std::vector<std::pair<std::string, grpc::Status>> out;
    {
      grpc::ClientContext ctx;
      v1::GetExchangeRequest req;
      req.set_name("exchanges/x");
      v1::GetExchangeResponse resp;
      out.emplace_back("GetExchange", registry->GetExchange(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetCallerRequest req;
      v1::GetCallerResponse resp;
      out.emplace_back("GetCaller", access->GetCaller(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::ListOrdersRequest req;
      req.set_parent("exchanges/x");
      v1::ListOrdersResponse resp;
      out.emplace_back("ListOrders", orders->ListOrders(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/x");
      *req.mutable_expert() = testing_support::SampleExpert();
      v1::CreateExpertResponse resp;
      out.emplace_back("CreateExpert", registry->CreateExpert(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetExchangeRequest req;
      req.set_name("exchanges/x");
      v1::GetExchangeResponse resp;
      out.emplace_back("unknown key", stranger->GetExchange(&ctx, req, &resp));
    }
    return out;
  };
  for (const auto& [name, status] : calls()) {
    if (name == "unknown key") {
      EXPECT_EQ(Code(status), grpc::StatusCode::UNAUTHENTICATED) << name;
    } else {
      EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    }
  }

  pg.Crash();
  // Three passes: the first finds the pooled connections broken, the later
  // ones find no server to reconnect to.
  for (int pass = 0; pass < 3; ++pass) {
    for (const auto& [name, status] : calls()) {
      EXPECT_EQ(Code(status), grpc::StatusCode::UNAVAILABLE)
          << "pass " << pass << ", " << name << ": " << status.error_message();
    }
  }

  pg.Restart();
  // Back without a restart of the server: within 10 s every call works again.
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    recovered = true;
    for (const auto& [name, status] : calls()) {
      if (name == "unknown key" ? Code(status) != grpc::StatusCode::UNAUTHENTICATED
                                : !status.ok()) {
        recovered = false;
      }
    }
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recovered);
  (*server)->Shutdown(absl::Seconds(5));
}

// The harness's restart under load: writers keep creating experts while
// PostgreSQL crashes and comes back. No call is INTERNAL (only UNAVAILABLE
// while it is down), and every write the server acknowledged is there after.
TEST(PostgresqlOutage, CrashUnderLoadLosesNoAcknowledgedWrite) {
  OwnPostgres pg;
  auto server = StartOn(pg);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  testing_support::TestKeys keys(pg.url());
  auto registry = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address, keys));
  testing_support::CreateExchange(*registry, "x");

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        const std::string id = absl::StrCat("w", w, "-", i);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::CreateExpertRequest req;
        req.set_parent("exchanges/x");
        req.set_expert_id(id);
        *req.mutable_expert() = testing_support::SampleExpert();
        v1::CreateExpertResponse resp;
        grpc::Status status = registry->CreateExpert(&ctx, req, &resp);
        std::lock_guard<std::mutex> lock(mu);
        ++codes[status.error_code()];
        if (status.ok()) acknowledged.push_back(id);
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  pg.Crash();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  pg.Restart();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop = true;
  for (auto& t : writers) t.join();

  std::string tally;
  for (const auto& [code, n] : codes) absl::StrAppend(&tally, " ", code, ":", n);
  EXPECT_EQ(codes.size(), 2u) << "codes seen:" << tally;
  EXPECT_GT(codes[grpc::StatusCode::OK], 0) << tally;
  EXPECT_GT(codes[grpc::StatusCode::UNAVAILABLE], 0) << tally;
  for (const std::string& id : acknowledged) {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/x/experts/" + id);
    v1::GetExpertResponse resp;
    ASSERT_TRUE(registry->GetExpert(&ctx, req, &resp).ok()) << id << " was acknowledged";
  }
  std::cout << "[ figures ] " << acknowledged.size() << " acknowledged, 0 lost; codes" << tally
            << "\n";
  (*server)->Shutdown(absl::Seconds(5));
}

}  // namespace
}  // namespace kokemus
