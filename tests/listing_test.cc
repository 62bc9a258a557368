#include "services/domain/listing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/matching.h"
#include "services/domain/validation.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;

TEST(ResourceNames, ParseAndFormat) {
  EXPECT_EQ(*ParseExchangeName("exchanges/ph", "name"), "ph");
  auto child = ParseChildName("exchanges/ph/experts/kaisa", "experts", "name");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->exchange_id, "ph");
  EXPECT_EQ(child->id, "kaisa");
  EXPECT_EQ(ChildResourceName("ph", "organizations", "lyseo"), "exchanges/ph/organizations/lyseo");
  EXPECT_EQ(ExchangeName("ph"), "exchanges/ph");
}

TEST(ResourceNames, RefuseOtherShapesNamingTheField) {
  for (const char* bad :
       {"", "ph", "exchanges/", "exchanges/PH", "exchanges/ph/x", "exchange/ph"}) {
    auto id = ParseExchangeName(bad, "parent");
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(
        ViolationsOf(id.status()),
        ElementsAre(FieldViolation{"parent", "must be a resource name exchanges/{exchange}"}));
  }
  EXPECT_FALSE(ParseChildName("exchanges/ph/organizations/x", "experts", "name").ok());
  EXPECT_FALSE(ParseChildName("exchanges/ph/experts/Kaisa", "experts", "name").ok());
}

TEST(Filter, ParsesTermsIntoCanonicalValues) {
  auto terms =
      ParseFilter("state = paused AND home_municipality = \"Lahti\"", ExpertFilterFields());
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_THAT(
      *terms, ElementsAre(FilterTerm{"state", "PAUSED"}, FilterTerm{"home_municipality", "398"}));
  EXPECT_TRUE(ParseFilter("  ", ExpertFilterFields())->empty());
}

TEST(Filter, RefusesUnknownFieldsAndValues) {
  auto unknown = ParseFilter("email = x@y.fi", ExpertFilterFields());
  EXPECT_THAT(
      ViolationsOf(unknown.status()),
      ElementsAre(
          FieldViolation{"filter", "can filter only by state, home_municipality, payment_method"}));
  auto bad_value = ParseFilter("kind = castle", OrganizationFilterFields());
  EXPECT_THAT(
      ViolationsOf(bad_value.status()),
      ElementsAre(FieldViolation{"filter", "not a valid value for kind"}));
  EXPECT_FALSE(ParseFilter("state", ExpertFilterFields()).ok());
}

TEST(ListQuery, ClampsPageSizeAndRoundTripsTokens) {
  auto first =
      ParseListQuery("exchanges/ph", "experts", 0, "", "state = ACTIVE", ExpertFilterFields());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->page_size, kDefaultPageSize);
  EXPECT_EQ(
      ParseListQuery("exchanges/ph", "experts", 100000, "", "", ExpertFilterFields())->page_size,
      kMaxPageSize);
  EXPECT_EQ(
      ParseListQuery("exchanges/ph", "experts", -1, "", "", ExpertFilterFields()).status().code(),
      absl::StatusCode::kInvalidArgument);

  const std::string token = NextPageToken(*first, "kaisa");
  auto second =
      ParseListQuery("exchanges/ph", "experts", 0, token, "state = ACTIVE", ExpertFilterFields());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->after_id, "kaisa");

  auto other_filter = ParseListQuery("exchanges/ph", "experts", 0, token, "", ExpertFilterFields());
  EXPECT_THAT(
      ViolationsOf(other_filter.status()),
      ElementsAre(
          FieldViolation{"page_token", "belongs to a request with another parent or filter"}));
  auto other_parent =
      ParseListQuery("exchanges/hel", "experts", 0, token, "state = ACTIVE", ExpertFilterFields());
  EXPECT_FALSE(other_parent.ok());
  auto garbage =
      ParseListQuery("exchanges/ph", "experts", 0, "not-a-token", "", ExpertFilterFields());
  EXPECT_THAT(
      ViolationsOf(garbage.status()),
      ElementsAre(FieldViolation{"page_token", "not a page token from this service"}));
}

// Issue 18, defect 10: a ListExperts page token was taken by
// ListOrganizations of the same parent; a filter of 5,000 terms was INTERNAL.
TEST(ListQuery, APageTokenFitsOneListAndFiltersAreBounded) {
  auto experts = ParseListQuery("exchanges/ph", "experts", 0, "", "", ExpertFilterFields());
  ASSERT_TRUE(experts.ok());
  const std::string token = NextPageToken(*experts, "kaisa");
  EXPECT_THAT(
      ViolationsOf(
          ParseListQuery("exchanges/ph", "organizations", 0, token, "", OrganizationFilterFields())
              .status()),
      ElementsAre(FieldViolation{"page_token", "is not a page token of a list of organizations"}));

  std::string terms = "state = ACTIVE";
  for (size_t i = 1; i < kMaxFilterTerms; ++i) absl::StrAppend(&terms, " AND state = ACTIVE");
  EXPECT_TRUE(ParseFilter(terms, ExpertFilterFields()).ok());
  EXPECT_THAT(
      ViolationsOf(ParseFilter(terms + " AND state = ACTIVE", ExpertFilterFields()).status()),
      ElementsAre(FieldViolation{"filter", "at most 8 terms"}));
  EXPECT_THAT(
      ViolationsOf(
          ParseFilter(std::string(kMaxFilterLength + 1, 'x'), ExpertFilterFields()).status()),
      ElementsAre(FieldViolation{"filter", "at most 1000 characters"}));
}

// Found by tests/fuzz/listing_fuzz: a parent holding a newline made a page
// token that its own list refused.
TEST(ListQuery, ATokenRoundTripsAnyBytes) {
  const std::string parent("exchanges/\n\\x\0y", 15);
  auto first = ParseListQuery(parent, "experts", 0, "", "", ExpertFilterFields());
  ASSERT_TRUE(first.ok());
  auto next =
      ParseListQuery(parent, "experts", 0, NextPageToken(*first, "a\nb"), "", ExpertFilterFields());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->after_id, "a\nb");
}

TEST(Etag, MatchesOnlyTheCurrentRevision) {
  EXPECT_EQ(FormatEtag(3), "\"3\"");
  EXPECT_TRUE(CheckEtag("", 3).ok());
  EXPECT_TRUE(CheckEtag("\"3\"", 3).ok());
  EXPECT_EQ(CheckEtag("\"2\"", 3).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CheckEtag("3", 3).code(), absl::StatusCode::kInvalidArgument);  // malformed
  EXPECT_EQ(*ParseEtag(""), 0);
  EXPECT_EQ(*ParseEtag("\"0\""), 0);
  EXPECT_EQ(*ParseEtag("\"12\""), 12);
  // Malformed (issue 17: `--etag 1` reported a conflict).
  EXPECT_THAT(
      ViolationsOf(ParseEtag("12", "expert.etag").status()),
      ElementsAre(FieldViolation{
          "expert.etag",
          "is not an etag this service gave: give it back as read, with its quotes (\"3\")"}));
  EXPECT_EQ(ParseEtag("\"-1\"").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckEtag("1", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckEtag("\"2\"", 1).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(CheckEtag("\"1\"", 1).ok());
}

TEST(FieldMask, CopiesOnlyTheNamedFields) {
  Expert target;
  target.display_name = "Old";
  target.email = "old@example.fi";
  target.max_travel_km = 10;
  Expert patch;
  patch.display_name = "New";
  patch.email = "";
  patch.max_travel_km = 99;
  std::vector<std::string> applied;
  ASSERT_TRUE(
      ApplyExpertMask(patch, {{"display_name", "max_travel_km"}, {}}, target, &applied).ok());
  EXPECT_EQ(target.display_name, "New");
  EXPECT_EQ(target.email, "old@example.fi");
  EXPECT_EQ(target.max_travel_km, 99);
  EXPECT_THAT(applied, ElementsAre("display_name", "max_travel_km"));
}

// AIP-134: no paths means the fields the request sets; a regional system that
// sends one field must not wipe the others.
TEST(FieldMask, AnEmptyMaskTakesTheFieldsTheRequestSets) {
  Organization target;
  target.display_name = "Old";
  target.contact_name = "Someone";
  target.contact_email = "someone@example.fi";
  Organization patch;
  patch.display_name = "New";
  std::vector<std::string> applied;
  // "name" and "etag" are set in every update: not updatable, so passed over.
  ASSERT_TRUE(
      ApplyOrganizationMask(patch, {{}, {"name", "display_name", "etag"}}, target, &applied).ok());
  EXPECT_EQ(target.display_name, "New");
  EXPECT_EQ(target.contact_name, "Someone");
  EXPECT_EQ(target.contact_email, "someone@example.fi");
  EXPECT_THAT(applied, ElementsAre("display_name"));
}

TEST(FieldMask, StarReplacesEverything) {
  Organization target;
  target.display_name = "Old";
  target.contact_name = "Someone";
  Organization patch;
  patch.display_name = "New";
  std::vector<std::string> applied;
  ASSERT_TRUE(ApplyOrganizationMask(patch, {{"*"}, {"display_name"}}, target, &applied).ok());
  EXPECT_EQ(target.display_name, "New");
  EXPECT_EQ(target.contact_name, "");
  EXPECT_THAT(applied, ElementsAre("*"));
}

TEST(FieldMask, MatchingSettingsChangeWeightByWeight) {
  MatchingSettings target;  // the defaults: experience 3, role 2, travel 1, ...
  MatchingSettings patch;
  patch.weight_travel = 0;
  patch.weight_fairness = 5;
  patch.round_size = 7;
  // Implicit: weights.fairness and round_size are set (travel 0 is not).
  ASSERT_TRUE(
      ApplyMatchingSettingsMask(patch, {{}, {"name", "weights.fairness", "round_size"}}, target)
          .ok());
  EXPECT_EQ(target.weight_fairness, 5);
  EXPECT_EQ(target.weight_travel, 1);
  EXPECT_EQ(target.weight_experience, 3);
  EXPECT_EQ(target.round_size, 7);
  // Named, a 0 is a value.
  ASSERT_TRUE(ApplyMatchingSettingsMask(patch, {{"weights.travel"}, {}}, target).ok());
  EXPECT_EQ(target.weight_travel, 0);
  EXPECT_EQ(target.weight_role, 2);
  absl::Status bad = ApplyMatchingSettingsMask(patch, {{"weights.speed", "*"}, {}}, target);
  EXPECT_THAT(
      ViolationsOf(bad),
      ElementsAre(
          FieldViolation{"update_mask.paths[0]", "not an updatable field"},
          FieldViolation{"update_mask.paths[1]", "\"*\" must be the only path"}));
}

TEST(FieldMask, RefusesUnknownAndOutputOnlyPathsAndChangesNothing) {
  Exchange target;
  target.display_name = "Old";
  Exchange patch;
  patch.display_name = "New";
  absl::Status s = ApplyExchangeMask(patch, {{"display_name", "etag", "nope"}, {}}, target);
  EXPECT_THAT(
      ViolationsOf(s), ElementsAre(
                           FieldViolation{"update_mask.paths[1]", "not an updatable field"},
                           FieldViolation{"update_mask.paths[2]", "not an updatable field"}));
  EXPECT_EQ(target.display_name, "Old");
}

}  // namespace
}  // namespace kokemus::domain
