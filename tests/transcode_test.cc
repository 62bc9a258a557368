// The HTTP rules' path templates (unit tests of the transcode layer).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/registry_service.pb.h"
#include "services/transcode/http_rules.h"
#include "services/transcode/path_template.h"

namespace kokemus::transcode {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(PathTemplate, BindsANamedResourceToItsVariable) {
  auto t = PathTemplate::Parse("/v1/{name=exchanges/*/experts/*}");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->variables().size(), 1u);
  EXPECT_THAT(t->variables()[0].field_path, ElementsAre("name"));
  EXPECT_THAT(
      t->Match("/v1/exchanges/ph/experts/kaisa"),
      Optional(ElementsAre("exchanges/ph/experts/kaisa")));
  EXPECT_EQ(t->Match("/v1/exchanges/ph/experts"), std::nullopt);
  EXPECT_EQ(t->Match("/v1/exchanges/ph/experts/kaisa/more"), std::nullopt);
  EXPECT_EQ(t->Match("/v1/exchanges/ph/orders/kaisa"), std::nullopt);
  EXPECT_EQ(t->Match("/v1/exchanges//experts/kaisa"), std::nullopt);
  EXPECT_EQ(t->Match("/v1/exchanges/ph/experts/"), std::nullopt);
  EXPECT_EQ(t->Match("v1/exchanges/ph/experts/kaisa"), std::nullopt);
}

TEST(PathTemplate, ANestedFieldPathAndLiteralsAfterTheVariable) {
  auto t = PathTemplate::Parse("/v1/{expert.name=exchanges/*/experts/*}/calendarFeeds");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->variables()[0].field_path, ElementsAre("expert", "name"));
  EXPECT_THAT(
      t->Match("/v1/exchanges/ph/experts/kaisa/calendarFeeds"),
      Optional(ElementsAre("exchanges/ph/experts/kaisa")));
}

TEST(PathTemplate, ACustomVerbMustBeThereAndOnlyWhereTheTemplateHasOne) {
  auto custom = PathTemplate::Parse("/v1/{name=exchanges/*/experts/*}:erase");
  auto plain = PathTemplate::Parse("/v1/{name=exchanges/*/experts/*}");
  ASSERT_TRUE(custom.ok() && plain.ok());
  EXPECT_EQ(custom->verb(), "erase");
  EXPECT_THAT(
      custom->Match("/v1/exchanges/ph/experts/kaisa:erase"),
      Optional(ElementsAre("exchanges/ph/experts/kaisa")));
  EXPECT_EQ(custom->Match("/v1/exchanges/ph/experts/kaisa"), std::nullopt);
  EXPECT_EQ(custom->Match("/v1/exchanges/ph/experts/kaisa:restore"), std::nullopt);
  EXPECT_EQ(plain->Match("/v1/exchanges/ph/experts/kaisa:erase"), std::nullopt);
}

TEST(PathTemplate, PercentEscapesAreDecodedInValues) {
  auto t = PathTemplate::Parse("/v1/{name=exchanges/*}");
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->Match("/v1/exchanges/p%68"), Optional(ElementsAre("exchanges/ph")));
  EXPECT_EQ(t->Match("/v1/exchanges/p%6"), std::nullopt);
  EXPECT_EQ(t->Match("/v1/exchanges/p%zz"), std::nullopt);
}

TEST(PathTemplate, WildcardsWithoutVariablesAndTheRest) {
  auto t = PathTemplate::Parse("/v1/*/files/{path=**}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->Match("/v1/x/files/a/b/c"), Optional(ElementsAre("a/b/c")));
  auto single = PathTemplate::Parse("/v1/{name}");
  ASSERT_TRUE(single.ok());
  EXPECT_THAT(single->Match("/v1/abc"), Optional(ElementsAre("abc")));
}

TEST(PathTemplate, MalformedTemplatesAreRefusedWithThePosition) {
  for (const char* bad :
       {"v1/x", "/v1/{name=exchanges/*", "/v1/{=x}", "/v1/{a={b}}", "/v1/**/x", "/v1/x:", "/v1//x",
        "/v1/{a..b}"}) {
    auto t = PathTemplate::Parse(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(
      std::string(PathTemplate::Parse("/v1/{name=exchanges/*").status().message()),
      "template \"/v1/{name=exchanges/*\": expected \"}\" at position 21");
}

TEST(PathTemplate, OpenApiPathsNameEachIdAfterItsCollection) {
  std::vector<std::string> names;
  auto t = PathTemplate::Parse("/v1/{name=exchanges/*/contractTemplates/*}:activate");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(
      t->OpenApiPath(&names),
      "/v1/exchanges/{exchange}/contractTemplates/{contract_template}:activate");
  EXPECT_THAT(names, ElementsAre("exchange", "contract_template"));
  names.clear();
  auto keys = PathTemplate::Parse("/v1/{name=apiKeys/*}:revoke");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->OpenApiPath(&names), "/v1/apiKeys/{api_key}:revoke");
}

TEST(PercentDecode, DecodesEscapesAndRefusesBrokenOnes) {
  EXPECT_EQ(PercentDecode("a%2Fb%20c"), "a/b c");
  EXPECT_EQ(PercentDecode("%"), std::nullopt);
  EXPECT_EQ(PercentDecode("%4"), std::nullopt);
  EXPECT_EQ(PercentDecode("%G0"), std::nullopt);
}

TEST(HttpRoutes, ReadTheRulesOfTheRegistryFromTheCompiledProtos) {
  // Through a message of the file, so that the linker keeps its descriptors.
  const auto* service =
      v1::GetExpertRequest::descriptor()->file()->FindServiceByName("RegistryService");
  ASSERT_NE(service, nullptr);
  auto routes = HttpRoutes(*service);
  ASSERT_TRUE(routes.ok()) << routes.status();
  ASSERT_EQ(routes->size(), 21u);
  const HttpRoute* update = nullptr;
  for (const HttpRoute& route : *routes) {
    if (route.method->name() == "UpdateExpert") update = &route;
  }
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->http_method, "PATCH");
  EXPECT_EQ(update->path_text, "/v1/{expert.name=exchanges/*/experts/*}");
  EXPECT_EQ(update->body, "expert");
  ASSERT_EQ(update->path_fields.size(), 1u);
  ASSERT_EQ(update->path_fields[0].size(), 2u);
  EXPECT_EQ(update->path_fields[0][1]->full_name(), "kokemus.v1.Expert.name");
}

}  // namespace
}  // namespace kokemus::transcode
