// The API over HTTP/JSON (the transcoder) through a real server's web
// listener, with libcurl as the client: every served method has a route, the
// foundation scenario, errors as google.rpc.Status, streamed CSV, request ids
// and failed keys counted per HTTP client.
#include <curl/curl.h>

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/transcode/openapi.h"
#include "services/transcode/transcoder.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

using testing_support::Http;
using testing_support::HttpResult;

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

class HttpApi : public ::testing::Test {
 protected:
  HttpApi()
      : server_(testing_support::Backend::kSqlite, [this](ServerOptions& options) {
          options.web_listen = absl::StrCat("127.0.0.1:", web_port_);
          options.access.failed_authentications = {.per_second = 0.01, .burst = 3};
        }) {}

  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", web_port_, path);
  }
  std::string Bearer(const std::string& key) const { return "Authorization: Bearer " + key; }

  const int web_port_ = testing_support::FreePort();
  testing_support::TestServer server_;
};

TEST_F(HttpApi, EveryServedMethodHasARouteAndAnOperation) {
  std::set<std::string> services;
  std::set<std::string> methods;
  for (const std::string& name : testing_support::ServiceNames(server_.address())) {
    if (!absl::StartsWith(name, "kokemus.")) continue;
    services.insert(name);
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i)
      methods.insert(service->method(i)->full_name());
  }
  EXPECT_EQ(methods.size(), 97u);
  auto transcoder = transcode::Transcoder::ForServices(
      server_.channel(), std::vector<std::string>(services.begin(), services.end()));
  ASSERT_TRUE(transcoder.ok()) << transcoder.status();
  std::set<std::string> routed;
  for (const auto& route : (*transcoder)->routes()) routed.insert(route.method->full_name());
  for (const std::string& m : methods) EXPECT_TRUE(routed.count(m)) << m << " has no HTTP route";
  // The served OpenAPI document describes each of them.
  HttpResult openapi = Http("GET", Url("/v1/openapi.json"));
  ASSERT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.headers["content-type"], "application/json");
  EXPECT_EQ(openapi.body, transcode::OpenApiDocument());
  std::set<std::string> described;
  const Json document = openapi.json();
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [verb, operation] : operations.items()) {
      const std::string text = operation["description"];
      const size_t at = text.rfind("gRPC: `");
      ASSERT_NE(at, std::string::npos) << path;
      described.insert(text.substr(at + 7, text.size() - at - 9));
    }
  }
  EXPECT_EQ(described, methods);
}

TEST_F(HttpApi, TheFoundationScenarioOverJson) {
  const std::string admin = Bearer(server_.keys().Admin());
  v1::Exchange exchange = testing_support::SampleExchange();
  HttpResult created = Http("POST", Url("/v1/exchanges?exchangeId=ph"), ToJson(exchange), {admin});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.json()["exchange"]["name"], "exchanges/ph");
  ASSERT_EQ(
      Http("POST", Url("/v1/exchanges?exchange_id=vantaa"), ToJson(exchange), {admin}).status, 200);
  const std::string coordinator = Bearer(server_.keys().Coordinator("ph"));

  v1::Expert expert = testing_support::SampleExpert();
  for (const char* id : {"kaisa", "matti", "liisa"}) {
    HttpResult made = Http(
        "POST", Url(absl::StrCat("/v1/exchanges/ph/experts?expertId=", id)), ToJson(expert),
        {coordinator});
    ASSERT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(made.json()["expert"]["name"], absl::StrCat("exchanges/ph/experts/", id));
  }
  HttpResult got = Http("GET", Url("/v1/exchanges/ph/experts/kaisa"), "", {coordinator});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.headers["content-type"], "application/json");
  EXPECT_EQ(got.json()["expert"]["displayName"], expert.display_name());
  const std::string etag = got.json()["expert"]["etag"];

  // Two pages of two and one.
  HttpResult page1 = Http("GET", Url("/v1/exchanges/ph/experts?pageSize=2"), "", {coordinator});
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.json()["experts"].size(), 2u);
  const std::string token = page1.json()["nextPageToken"];
  ASSERT_FALSE(token.empty());
  HttpResult page2 = Http(
      "GET", Url(absl::StrCat("/v1/exchanges/ph/experts?pageSize=2&pageToken=", token)), "",
      {coordinator});
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(page2.json()["experts"].size(), 1u);
  EXPECT_FALSE(page2.json().contains("nextPageToken"));

  // An update of one field with a mask leaves the others.
  HttpResult patched = Http(
      "PATCH", Url("/v1/exchanges/ph/experts/kaisa?updateMask=displayName"),
      Json{{"displayName", "Kaisa K."}, {"etag", etag}}.dump(), {coordinator});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["expert"]["displayName"], "Kaisa K.");
  EXPECT_EQ(patched.json()["expert"]["email"], expert.email());

  // A bad request names its field; nothing is stored.
  v1::Expert bad = expert;
  bad.set_email("not an address");
  HttpResult refused =
      Http("POST", Url("/v1/exchanges/ph/experts?expertId=bad"), ToJson(bad), {coordinator});
  ASSERT_EQ(refused.status, 400) << refused.body;
  const Json status = refused.json();
  EXPECT_EQ(status["code"], 3);
  ASSERT_EQ(status["details"].size(), 1u);
  EXPECT_EQ(status["details"][0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
  EXPECT_EQ(status["details"][0]["fieldViolations"][0]["field"], "expert.email");
  EXPECT_EQ(Http("GET", Url("/v1/exchanges/ph/experts/bad"), "", {coordinator}).status, 404);

  // Another exchange's expert is NOT_FOUND; no key is UNAUTHENTICATED.
  HttpResult elsewhere = Http("GET", Url("/v1/exchanges/vantaa/experts/kaisa"), "", {coordinator});
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;
  EXPECT_EQ(elsewhere.json()["code"], 5);
  HttpResult anonymous = Http("GET", Url("/v1/exchanges/ph/experts/kaisa"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.json()["code"], 16);
  EXPECT_THAT(anonymous.json()["message"].get<std::string>(), HasSubstr("missing credentials"));

  // Delete with its etag: 200, then gone.
  const std::string matti_etag =
      Http("GET", Url("/v1/exchanges/ph/experts/matti"), "", {coordinator})
          .json()["expert"]["etag"];
  EXPECT_EQ(
      Http("DELETE", Url("/v1/exchanges/ph/experts/matti?etag=" + matti_etag), "", {coordinator})
          .status,
      200);
  EXPECT_EQ(Http("GET", Url("/v1/exchanges/ph/experts/matti"), "", {coordinator}).status, 404);
}

TEST_F(HttpApi, RequestsThatFitNoRuleAreRefusedWithTheReason) {
  const std::string admin = Bearer(server_.keys().Admin());
  HttpResult unknown = Http("GET", Url("/v1/exchanges?colour=red"), "", {admin});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["details"][0]["fieldViolations"][0]["field"], "colour");
  EXPECT_EQ(unknown.json()["message"], "colour: no such query parameter");

  HttpResult not_int = Http("GET", Url("/v1/exchanges?pageSize=many"), "", {admin});
  EXPECT_EQ(not_int.status, 400);
  EXPECT_EQ(not_int.json()["message"], "pageSize: must be an integer");

  HttpResult bad_json =
      Http("POST", Url("/v1/exchanges?exchangeId=x"), "{\"displayName\":", {admin});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.json()["details"][0]["fieldViolations"][0]["field"], "exchange");

  HttpResult unknown_field =
      Http("POST", Url("/v1/exchanges?exchangeId=x"), R"({"colour":"red"})", {admin});
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(unknown_field.json()["message"].get<std::string>(), HasSubstr("colour"));

  // A value the JSON mapping refuses names its field, as the API's own checks do.
  HttpResult bad_enum = Http(
      "POST", Url("/v1/exchanges/ph/experts?expertId=x"),
      R"({"displayName":"X","roles":["ROLE_NOPE"]})", {admin});
  EXPECT_EQ(bad_enum.status, 400);
  EXPECT_EQ(bad_enum.json()["details"][0]["fieldViolations"][0]["field"], "expert.roles[0]");
  EXPECT_EQ(
      bad_enum.json()["details"][0]["fieldViolations"][0]["description"],
      "not valid JSON: invalid value \"ROLE_NOPE\" for type "
      "type.googleapis.com/kokemus.v1.Role");

  HttpResult in_body =
      Http("POST", Url("/v1/exchanges/ph/experts/kaisa:erase?force=true"), "{}", {admin});
  EXPECT_EQ(in_body.status, 400);
  EXPECT_EQ(in_body.json()["message"], "force: belongs in the JSON body, not the query");

  HttpResult get_body = Http("GET", Url("/v1/exchanges"), R"({"pageSize":1})", {admin});
  EXPECT_EQ(get_body.status, 400);
  EXPECT_EQ(get_body.json()["details"][0]["fieldViolations"][0]["field"], "body");

  HttpResult wrong_verb = Http("PUT", Url("/v1/exchanges/ph"), "", {admin});
  EXPECT_EQ(wrong_verb.status, 405);
  EXPECT_EQ(wrong_verb.headers["allow"], "GET, PATCH");

  HttpResult huge = Http(
      "POST", Url("/v1/exchanges?exchangeId=x"),
      absl::StrCat("{\"displayName\":\"", std::string(5 << 20, 'x'), "\"}"), {admin});
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.json()["message"], "body: larger than 4 MiB");

  HttpResult nowhere = Http("GET", Url("/v1/nowhere"), "", {admin});
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_EQ(nowhere.json()["code"], 5);

  HttpResult timeout = Http("GET", Url("/v1/exchanges"), "", {admin, "X-Server-Timeout: soon"});
  EXPECT_EQ(timeout.status, 400);
  EXPECT_EQ(timeout.json()["details"][0]["fieldViolations"][0]["field"], "X-Server-Timeout");
}

TEST_F(HttpApi, TheRequestIdComesBackAndTheCsvExportStreams) {
  const std::string admin = Bearer(server_.keys().Admin());
  ASSERT_EQ(
      Http(
          "POST", Url("/v1/exchanges?exchangeId=ph"), ToJson(testing_support::SampleExchange()),
          {admin})
          .status,
      200);
  HttpResult traced = Http("GET", Url("/v1/exchanges/ph"), "", {admin, "X-Request-Id: trace-42"});
  EXPECT_EQ(traced.status, 200);
  EXPECT_EQ(traced.headers["x-request-id"], "trace-42");

  const std::string coordinator = Bearer(server_.keys().Coordinator("ph"));
  HttpResult csv = Http(
      "GET",
      // An offset's "+" unescaped (a space in form encoding) is taken as "+".
      Url("/v1/exchanges/ph:exportAssignments?startTime=2026-01-01T02:00:00+02:00"
          "&endTime=2027-01-01T00:00:00Z"),
      "", {coordinator});
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(csv.headers["transfer-encoding"], "chunked");
  EXPECT_THAT(csv.body, StartsWith("assignment,"));
  // A stream refused before its first chunk answers with its status.
  HttpResult missing = Http("GET", Url("/v1/exchanges/ph:exportPayroll"), "", {coordinator});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.json()["code"], 3);
}

TEST_F(HttpApi, FailedKeysAreCountedPerHttpClientNotForEveryone) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Http("GET", Url("/v1/exchanges"), "", {Bearer("kok_wrong")}).status, 401);
  }
  HttpResult throttled = Http("GET", Url("/v1/exchanges"), "", {Bearer("kok_wrong")});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.json()["code"], 8);
  // Another HTTP client still has its tries, and a right key still works.
  HttpResult other = Http("GET", Url("/v1/exchanges"), "", {Bearer("kok_wrong")}, "127.0.0.2");
  EXPECT_EQ(other.status, 401) << other.body;
  EXPECT_EQ(
      Http("GET", Url("/v1/exchanges"), "", {Bearer(server_.keys().Admin())}, "127.0.0.2").status,
      200);
  // A gRPC caller from the same machine has a bucket of its own, and cannot
  // claim an HTTP client's address to get another one.
  auto stub =
      v1::RegistryService::NewStub(testing_support::KeyChannel(server_.address(), "kok_wrong"));
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 4; ++i) {
    grpc::ClientContext context;
    context.AddMetadata(transcode::kHttpClientAddressKey, absl::StrCat("10.0.0.", i));
    v1::ListExchangesResponse listed;
    codes.push_back(
        stub->ListExchanges(&context, v1::ListExchangesRequest(), &listed).error_code());
  }
  EXPECT_THAT(
      codes, ::testing::ElementsAre(
                 grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::UNAUTHENTICATED,
                 grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::RESOURCE_EXHAUSTED));
}

}  // namespace
}  // namespace kokemus
