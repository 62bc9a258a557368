// A rolling upgrade is safe: on shutdown the health service says NOT_SERVING
// before the listener goes away, new calls are refused, and a call already in
// flight finishes and its data is kept.
#include <thread>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/storage/registry_store.h"
#include "soci/soci.h"
#include "soci/sqlite3/soci-sqlite3.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& address) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  if (!health->Check(&ctx, req, &resp).ok()) return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  return resp.status();
}

TEST(Drain, HealthFlipsFirstAndTheCallInFlightFinishes) {
  testing_support::TestDatabase db(testing_support::Backend::kSqlite);
  const std::string health_address = absl::StrCat("127.0.0.1:", testing_support::FreePort());
  auto server = Server::Start(
      {.listen = "127.0.0.1:0",
       .database = db.url(),
       .log_requests = false,
       .plaintext = true,
       .health_listen = health_address});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  testing_support::TestKeys keys(db.url());
  keys.Admin();  // made before the database is locked below
  ASSERT_EQ(Health(health_address), grpc::health::v1::HealthCheckResponse::SERVING);

  // Another process's write lock keeps the server's next write waiting: a
  // call in flight for as long as the test wants.
  soci::session blocker(soci::sqlite3, absl::StrCat("db=\"", db.url(), "\" timeout=10"));
  blocker << "BEGIN IMMEDIATE";
  grpc::Status in_flight_status;
  std::thread in_flight([&] {
    auto stub = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address, keys));
    grpc::ClientContext ctx;
    v1::CreateExchangeRequest req;
    req.set_exchange_id("ph");
    *req.mutable_exchange() = testing_support::SampleExchange();
    v1::CreateExchangeResponse resp;
    in_flight_status = stub->CreateExchange(&ctx, req, &resp);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  std::thread stopper([&] { (*server)->Shutdown(absl::Seconds(10)); });
  // The probe sees NOT_SERVING while the call is still running.
  auto status = grpc::health::v1::HealthCheckResponse::SERVING;
  for (int i = 0; i < 50 && status == grpc::health::v1::HealthCheckResponse::SERVING; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = Health(health_address);
  }
  EXPECT_EQ(status, grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  // New calls are refused while the old one drains.
  {
    auto stub = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address, keys));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::ListExchangesRequest req;
    v1::ListExchangesResponse resp;
    EXPECT_NE(stub->ListExchanges(&ctx, req, &resp).error_code(), grpc::StatusCode::OK);
  }

  blocker << "COMMIT";
  in_flight.join();
  stopper.join();
  EXPECT_TRUE(in_flight_status.ok()) << in_flight_status.error_message();

  auto reopened = storage::Database::Open(db.url());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(storage::RegistryStore(**reopened).Get<domain::Exchange>({"", "ph"}).ok());
}

// Issue 18, defect 9: the listener closed 37 to 54 ms after SIGTERM, so no
// probe ever saw NOT_SERVING. During the drain delay health says
// NOT_SERVING and calls are still served.
TEST(Drain, ServesWithHealthNotServingDuringTheDrainDelay) {
  testing_support::TestServer server(testing_support::Backend::kSqlite);
  server.registry();  // keys made before the drain
  ASSERT_EQ(Health(server.address()), grpc::health::v1::HealthCheckResponse::SERVING);
  std::thread drain([&] {
    server.server().Drain(absl::Seconds(2));
    server.server().Shutdown(absl::Seconds(5));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Health(server.address()), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  grpc::ClientContext ctx;
  v1::ListExchangesRequest req;
  v1::ListExchangesResponse resp;
  grpc::Status s = server.registry().ListExchanges(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  drain.join();
}

// Issue 18, defect 10: a second server on the same port started silently
// and took half the connections (SO_REUSEPORT).
TEST(Listen, ASecondServerOnTheSamePortDoesNotStart) {
  testing_support::TestServer first(testing_support::Backend::kSqlite);
  testing_support::TestDatabase db(testing_support::Backend::kSqlite);
  auto second = Server::Start(
      {.listen = first.address(), .database = db.url(), .log_requests = false, .plaintext = true});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), absl::StrCat("cannot listen on ", first.address()));
}

}  // namespace
}  // namespace kokemus
