// /metrics is served, scraped over HTTP and parsed; every RPC carries a
// request id back to the caller.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "services/observability/metrics.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A plain HTTP/1.0 GET on 127.0.0.1; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) response.append(buf, n);
  close(fd);
  return response;
}

// Sample lines of the Prometheus text format: "name{labels}" -> value.
std::map<std::string, double> ParseSamples(const std::string& text) {
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &value)) << line;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

TEST(Metrics, RendersCountersHistogramsAndGauges) {
  observability::Metrics m;
  m.RecordRequest("/a.B/C", "OK", 0.002);
  m.RecordRequest("/a.B/C", "OK", 0.2);
  m.RecordRequest("/a.B/C", "NOT_FOUND", 7);
  m.RecordOperation("matching", 0.01);
  m.AddGauge("kokemus_test_gauge", "A gauge.", [] { return 3.0; });
  auto s = ParseSamples(m.Render());
  EXPECT_EQ(s[R"(kokemus_grpc_requests_total{method="/a.B/C",code="OK"})"], 2);
  EXPECT_EQ(s[R"(kokemus_grpc_requests_total{method="/a.B/C",code="NOT_FOUND"})"], 1);
  EXPECT_EQ(s[R"(kokemus_grpc_request_duration_seconds_bucket{method="/a.B/C",le="0.0025"})"], 1);
  EXPECT_EQ(s[R"(kokemus_grpc_request_duration_seconds_bucket{method="/a.B/C",le="0.25"})"], 2);
  EXPECT_EQ(s[R"(kokemus_grpc_request_duration_seconds_bucket{method="/a.B/C",le="+Inf"})"], 3);
  EXPECT_EQ(s[R"(kokemus_grpc_request_duration_seconds_count{method="/a.B/C"})"], 3);
  EXPECT_NEAR(s[R"(kokemus_grpc_request_duration_seconds_sum{method="/a.B/C"})"], 7.202, 1e-9);
  EXPECT_EQ(s[R"(kokemus_operation_duration_seconds_count{operation="matching"})"], 1);
  EXPECT_EQ(s["kokemus_test_gauge"], 3);
}

TEST(Metrics, AreServedOverHttpAndCountRealRpcs) {
  testing_support::TestDatabase db(testing_support::Backend::kSqlite);
  auto server = Server::Start(
      {.listen = "127.0.0.1:0",
       .database = db.url(),
       .log_requests = false,
       .plaintext = true,
       .metrics_listen = "127.0.0.1:0"});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->metrics_port(), 0);
  testing_support::TestKeys keys(db.url());
  auto stub = v1::RegistryService::NewStub(
      testing_support::AutoKeyChannel(absl::StrCat("127.0.0.1:", (*server)->port()), keys));
  testing_support::CreateExchange(*stub, "ph");
  grpc::ClientContext ctx;
  v1::GetExchangeRequest req;
  req.set_name("exchanges/nope");
  v1::GetExchangeResponse resp;
  EXPECT_EQ(stub->GetExchange(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string response = HttpGet((*server)->metrics_port(), "/metrics");
  ASSERT_THAT(response, ::testing::StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  auto samples = ParseSamples(response.substr(response.find("\r\n\r\n") + 4));
  EXPECT_EQ(
      samples
          [R"(kokemus_grpc_requests_total{method="/kokemus.v1.RegistryService/CreateExchange",code="OK"})"],
      1);
  EXPECT_EQ(
      samples
          [R"(kokemus_grpc_requests_total{method="/kokemus.v1.RegistryService/GetExchange",code="NOT_FOUND"})"],
      1);
  EXPECT_EQ(
      samples
          [R"(kokemus_grpc_request_duration_seconds_count{method="/kokemus.v1.RegistryService/GetExchange"})"],
      1);
  EXPECT_EQ(samples["kokemus_db_pool_size"], 4);
  EXPECT_EQ(samples["kokemus_db_pool_in_use"], 0);
  EXPECT_THAT(HttpGet((*server)->metrics_port(), "/other"), ::testing::StartsWith("HTTP/1.1 404"));
}

TEST(RequestId, IsEchoedOrGeneratedInTheTrailer) {
  testing_support::TestServer server(testing_support::Backend::kSqlite);
  grpc::ClientContext given;
  given.AddMetadata("x-request-id", "region-it-42");
  v1::ListExchangesRequest req;
  v1::ListExchangesResponse resp;
  ASSERT_TRUE(server.registry().ListExchanges(&given, req, &resp).ok());
  auto it = given.GetServerTrailingMetadata().find("x-request-id");
  ASSERT_NE(it, given.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "region-it-42");

  grpc::ClientContext unsafe;  // not a plain token: replaced
  unsafe.AddMetadata("x-request-id", "a\"b");
  ASSERT_TRUE(server.registry().ListExchanges(&unsafe, req, &resp).ok());
  auto generated = unsafe.GetServerTrailingMetadata().find("x-request-id");
  ASSERT_NE(generated, unsafe.GetServerTrailingMetadata().end());
  EXPECT_THAT(
      std::string(generated->second.data(), generated->second.size()),
      MatchesRegex("[a-z0-9]{12}"));
}

// Issue 18, defect 10: bytes that don't parse as the request were answered
// INTERNAL with no message (counted as a server failure), before any
// authentication.
TEST(UnparseableRequest, IsInvalidArgumentWithAMessage) {
  testing_support::TestServer server(testing_support::Backend::kSqlite);
  grpc::GenericStub stub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  const std::string garbage = "\xff\xff\xff\xff";  // field 0x7ff..., no end: not a message
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext ctx;
  std::promise<grpc::Status> done;
  stub.UnaryCall(
      &ctx, "/kokemus.v1.RegistryService/GetExpert", grpc::StubOptions(), &request, &response,
      [&](grpc::Status s) { done.set_value(s); });
  const grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      status.error_message(),
      "request: the message is not a valid protocol buffer of the method's request type");
}

}  // namespace
}  // namespace kokemus
