#include "services/domain/validation.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(BusinessId, AcceptsValidCheckDigits) {
  EXPECT_TRUE(IsValidBusinessId("0112038-9"));  // a real one
  EXPECT_TRUE(IsValidBusinessId("1234567-1"));  // 153 % 11 = 10 -> 1
  EXPECT_TRUE(IsValidBusinessId("0000001-9"));  // 2 % 11 = 2 -> 9
}

TEST(BusinessId, RefusesWrongDigitShapeAndRemainderOne) {
  EXPECT_FALSE(IsValidBusinessId("0112038-8"));
  EXPECT_FALSE(IsValidBusinessId("01120389"));
  EXPECT_FALSE(IsValidBusinessId("112038-9"));
  EXPECT_FALSE(IsValidBusinessId("0112038-X"));
  EXPECT_FALSE(IsValidBusinessId(""));
  // 0000005: 5*2 = 10 ... remainder 10 -> check 1; 0000006: 12 % 11 = 1 -> never issued.
  EXPECT_TRUE(IsValidBusinessId("0000005-1"));
  EXPECT_FALSE(IsValidBusinessId("0000006-0"));
  EXPECT_FALSE(IsValidBusinessId("0000006-1"));
}

TEST(Email, AcceptsPlainAddresses) {
  EXPECT_TRUE(IsValidEmail("kaisa@example.fi"));
  EXPECT_TRUE(IsValidEmail("kaisa.k+pankki@sub.example-domain.com"));
}

TEST(Email, RefusesMalformedAddresses) {
  for (const char* bad :
       {"kaisa", "kaisa@", "@example.fi", "kaisa@example", "kai sa@example.fi", "kaisa@@example.fi",
        "kaisa@example..fi", "kaisa@-example.fi", ".k@example.fi", "kaisa@example.f1"}) {
    EXPECT_FALSE(IsValidEmail(bad)) << bad;
  }
  EXPECT_FALSE(IsValidEmail(std::string(250, 'a') + "@example.fi"));
}

TEST(Phone, NormalizesFinnishAndInternationalNumbersToE164) {
  EXPECT_EQ(NormalizePhone("040 123 4567"), "+358401234567");
  EXPECT_EQ(NormalizePhone("+358 40 123 4567"), "+358401234567");
  EXPECT_EQ(NormalizePhone("00358-40-1234567"), "+358401234567");
  EXPECT_EQ(NormalizePhone("(03) 814 111"), "+3583814111");
  EXPECT_EQ(NormalizePhone("+46 8 123 456 78"), "+46812345678");
}

TEST(Phone, RefusesNonNumbers) {
  EXPECT_EQ(NormalizePhone("12345"), std::nullopt);
  EXPECT_EQ(NormalizePhone("040 abc"), std::nullopt);
  EXPECT_EQ(NormalizePhone("+0401234567"), std::nullopt);
  EXPECT_EQ(NormalizePhone("+1234567890123456"), std::nullopt);
  EXPECT_EQ(NormalizePhone("040+1234567"), std::nullopt);
}

TEST(LanguageTag, CanonicalizesCase) {
  EXPECT_EQ(CanonicalLanguageTag("FI"), "fi");
  EXPECT_EQ(CanonicalLanguageTag("sv-fi"), "sv-FI");
  EXPECT_EQ(CanonicalLanguageTag("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(CanonicalLanguageTag("es-419"), "es-419");
  EXPECT_EQ(CanonicalLanguageTag("smn"), "smn");
}

TEST(LanguageTag, RefusesMalformedTags) {
  for (const char* bad : {"", "f", "finnish", "fi_FI", "fi-", "fi-FI-FI", "12", "fi-Latn-Latn"}) {
    EXPECT_EQ(CanonicalLanguageTag(bad), std::nullopt) << bad;
  }
}

TEST(Ids, FollowTheResourceIdRules) {
  EXPECT_TRUE(IsValidId("ph"));
  EXPECT_TRUE(IsValidId("kaisa-k-2"));
  EXPECT_TRUE(IsValidId(std::string(63, 'a')));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("Kaisa"));
  EXPECT_FALSE(IsValidId("-kaisa"));
  EXPECT_FALSE(IsValidId("kaisa-"));
  EXPECT_FALSE(IsValidId("kaisa_k"));
  EXPECT_FALSE(IsValidId("käisä"));
  const std::string generated = GenerateId();
  EXPECT_EQ(generated.size(), 12u);
  EXPECT_TRUE(IsValidId(generated));
  EXPECT_NE(GenerateId(), generated);
}

TEST(Uuid, AcceptsCanonicalForm) {
  EXPECT_TRUE(IsValidUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsValidUuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(IsValidUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsValidUuid("123e4567-e89b-12d3-a456-42661417400g"));
}

TEST(Dates, AreRealCalendarDays) {
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_FALSE(IsValidDate("2023-02-29"));
  EXPECT_FALSE(IsValidDate("2024-2-1"));
  EXPECT_FALSE(IsValidDate("2024-13-01"));
}

Expert ValidExpert() {
  Expert e;
  e.exchange_id = "ph";
  e.id = "kaisa";
  e.display_name = " Kaisa K. ";
  e.email = "kaisa@example.fi";
  e.phone = "040 123 4567";
  e.home_municipality = "398";
  e.languages = {"FI", "sv"};
  e.experience_areas = {ExperienceArea::kMentalHealth};
  e.roles = {Role::kLecturer};
  e.payment_method = PaymentMethod::kInvoice;
  e.state = ExpertState::kActive;
  return e;
}

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 22, 12, 0, 0), absl::UTCTimeZone());

TEST(ValidateExpert, AcceptsANormalizedExpertAndFillsDefaults) {
  Expert e = ValidExpert();
  NormalizeExpert(e);
  FieldViolations v;
  ValidateExpert(e, kNow, "expert", v);
  EXPECT_THAT(v.list(), IsEmpty());
  EXPECT_EQ(e.display_name, "Kaisa K.");
  EXPECT_EQ(e.phone, "+358401234567");
  EXPECT_THAT(e.languages, ElementsAre("fi", "sv"));
  EXPECT_EQ(e.state, ExpertState::kActive);
}

TEST(ValidateExpert, MessagesGoInAWrittenLanguageAndTextMessagesNeedAPhone) {
  Expert e;
  e.display_name = "Kaisa";
  e.email = "kaisa@example.fi";
  e.home_municipality = "398";
  e.languages = {"fi"};
  e.experience_areas = {ExperienceArea::kMentalHealth};
  e.roles = {Role::kLecturer};
  e.payment_method = PaymentMethod::kInvoice;
  NormalizeExpert(e);
  EXPECT_EQ(e.notification_channel, NotificationChannel::kEmail);
  e.preferred_language = "de";
  e.notification_channel = NotificationChannel::kSms;
  FieldViolations v;
  ValidateExpert(e, kNow, "expert", v);
  std::vector<std::string> out;
  for (const auto& f : v.list()) out.push_back(absl::StrCat(f.field, ": ", f.description));
  EXPECT_THAT(
      out, ElementsAre(
               "expert.preferred_language: must be fi, sv or en (or empty)",
               "expert.notification_channel: SMS needs a phone number"));
}

TEST(ValidateExpert, NamesEveryBadField) {
  Expert e = ValidExpert();
  e.display_name = "";
  e.email = "not-an-email";
  e.phone = "123";
  e.home_municipality = "999";
  e.languages = {"fi", "xx-yy-zz", "fi"};
  e.experience_areas = {ExperienceArea::kUnspecified, static_cast<ExperienceArea>(42)};
  e.roles = {};
  e.trainings = {{"MIELI ry", "", "2030-01-01"}};
  e.service_municipalities = {"091", "091"};
  e.max_travel_km = -1;
  e.weekly_availability = {{Weekday::kMonday, 600, 540}};
  e.unavailable_periods = {{kNow, kNow - absl::Hours(1)}};
  e.max_assignments_per_month = 101;
  e.monthly_earnings_limit_cents = -5;
  e.payment_method = PaymentMethod::kUnspecified;
  e.consent = {kNow + absl::Hours(1), "v1"};
  FieldViolations v;
  ValidateExpert(e, kNow, "expert", v);
  std::vector<std::string> fields;
  for (const auto& f : v.list()) fields.push_back(f.field);
  EXPECT_THAT(
      fields, ElementsAre(
                  "expert.display_name", "expert.email", "expert.phone", "expert.home_municipality",
                  "expert.languages[1]", "expert.languages[2]", "expert.experience_areas[0]",
                  "expert.experience_areas[1]", "expert.roles", "expert.trainings[0].title",
                  "expert.trainings[0].completion_date", "expert.service_municipalities[1]",
                  "expert.max_travel_km", "expert.weekly_availability[0].end_minute",
                  "expert.unavailable_periods[0].end_time", "expert.max_assignments_per_month",
                  "expert.monthly_earnings_limit_cents", "expert.payment_method",
                  "expert.consent.given_time"));
  EXPECT_EQ(v.list()[0].description, "is required");
  EXPECT_EQ(v.list()[1].description, "not a valid e-mail address");
  EXPECT_EQ(v.list()[5].description, "duplicate value");
}

TEST(ValidateExpert, RequiresEmailOrPhone) {
  Expert e = ValidExpert();
  e.email.clear();
  e.phone.clear();
  NormalizeExpert(e);
  FieldViolations v;
  ValidateExpert(e, kNow, "expert", v);
  EXPECT_THAT(
      v.list(), ElementsAre(FieldViolation{
                    "expert.email", "an e-mail address or a phone number is required"}));
}

TEST(ValidateExpert, DescriptionsNeverRepeatTheValue) {
  Expert e = ValidExpert();
  e.email = "secret-person@nowhere";
  FieldViolations v;
  ValidateExpert(e, kNow, "expert", v);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.ToStatus().message().find("secret-person"), absl::string_view::npos);
}

TEST(ValidateOrganization, NamesEveryBadField) {
  Organization o;
  o.display_name = std::string(201, 'x');
  o.business_id = "0112038-8";
  o.sector = Sector::kUnspecified;
  o.kind = static_cast<OrganizationKind>(99);
  o.municipality = "";
  o.contact_email = "x@";
  o.contact_phone = "abc";
  o.state = static_cast<OrganizationState>(9);
  FieldViolations v;
  ValidateOrganization(o, "organization", v);
  std::vector<std::string> fields;
  for (const auto& f : v.list()) fields.push_back(f.field);
  EXPECT_THAT(
      fields, ElementsAre(
                  "organization.display_name", "organization.business_id", "organization.sector",
                  "organization.kind", "organization.municipality", "organization.contact_email",
                  "organization.contact_phone", "organization.state"));
  EXPECT_EQ(v.list()[0].description, "must be at most 200 characters");
  EXPECT_EQ(v.list()[3].description, "unknown enum value");
  EXPECT_EQ(v.list()[7].description, "unknown enum value");
  // Normalizing makes an organization without a state ACTIVE.
  Organization fresh;
  NormalizeOrganization(fresh);
  EXPECT_EQ(fresh.state, OrganizationState::kActive);
}

TEST(ValidateExchange, ChecksRegionAndLanguage) {
  Exchange e{
      .id = "ph", .display_name = "Pankki", .wellbeing_region = "ph", .default_language = ""};
  NormalizeExchange(e);
  FieldViolations ok;
  ValidateExchange(e, "exchange", ok);
  EXPECT_TRUE(ok.empty());
  EXPECT_EQ(e.wellbeing_region, "PH");
  EXPECT_EQ(e.default_language, "fi");

  e.wellbeing_region = "XX";
  e.default_language = "de";
  FieldViolations v;
  ValidateExchange(e, "exchange", v);
  EXPECT_THAT(
      v.list(),
      ElementsAre(
          FieldViolation{
              "exchange.wellbeing_region", "not a wellbeing region code (for example PH, HEL, VS)"},
          FieldViolation{"exchange.default_language", "must be fi, sv or en"}));
}

TEST(FieldViolations, RoundTripThroughStatus) {
  FieldViolations v;
  v.Add("a.b", "is required");
  v.Add("c[1]", "duplicate value");
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid request: a.b: is required; c[1]: duplicate value");
  EXPECT_THAT(
      ViolationsOf(s),
      ElementsAre(FieldViolation{"a.b", "is required"}, FieldViolation{"c[1]", "duplicate value"}));
  EXPECT_THAT(ViolationsOf(absl::NotFoundError("x")), IsEmpty());
  EXPECT_TRUE(FieldViolations().ToStatus().ok());
}

TEST(Text, RefusesControlCharactersAndBadUtf8) {
  Organization o;
  o.sector = Sector::kNgo;
  o.kind = OrganizationKind::kOther;
  o.municipality = "091";
  o.state = OrganizationState::kActive;
  o.display_name = "Tab\there";
  FieldViolations v;
  ValidateOrganization(o, "o", v);
  EXPECT_THAT(
      v.list(), ElementsAre(FieldViolation{
                    "o.display_name", "must be UTF-8 text without control characters"}));
  o.display_name = "bad \xc3";
  FieldViolations v2;
  ValidateOrganization(o, "o", v2);
  EXPECT_EQ(v2.list().size(), 1u);
  o.display_name = "Åbo Akademi – Vasa";  // multi-byte letters and a dash
  FieldViolations v3;
  ValidateOrganization(o, "o", v3);
  EXPECT_TRUE(v3.empty());
}

TEST(FieldViolations, AnErrorStaysSmallWhateverTheRequestHolds) {
  FieldViolations v;
  std::string long_field(150, 'a');
  for (int i = 0; i < 100; ++i) long_field += "ä";  // two bytes each: a cut must not split one
  v.Add(long_field, std::string(5000, 'b'));
  for (int i = 0; i < 999; ++i) v.Add(absl::StrCat("update_mask.paths[", i, "]"), "is unknown");
  const absl::Status status = v.ToStatus();
  const std::vector<FieldViolation> sent = ViolationsOf(status);
  ASSERT_EQ(sent.size(), kMaxViolations + 1);
  EXPECT_LE(sent[0].field.size(), kMaxViolationText);
  EXPECT_EQ(sent[0].field.substr(0, 150), std::string(150, 'a'));
  EXPECT_EQ(sent[0].field.size(), 196u + 3u);  // 150 + 23 whole "ä", then "…"
  EXPECT_TRUE(absl::EndsWith(sent[0].field, "ä\u2026"));
  EXPECT_EQ(sent[0].description, std::string(197, 'b') + "\u2026");
  EXPECT_EQ(sent[19].field, "update_mask.paths[18]");
  EXPECT_EQ(sent[20].field, "request");
  EXPECT_EQ(sent[20].description, "980 more violations not listed");
  EXPECT_LT(status.message().size(), 6000u);
}

}  // namespace
}  // namespace kokemus::domain
