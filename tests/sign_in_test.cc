// Sign-in links' rules without a database: which messages link, where the
// link goes in a stored text, the token's form, when a link may be spent;
// and the web sessions a link becomes: cookies, CSRF tokens, idleness, language.
#include "services/domain/sign_in.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/session.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using K = MessageKind;
using R = Recipient;

Notice OfferNotice() {
  Notice n;
  n.language = "fi";
  n.exchange_name = "Päijät-Hämeen kokemusasiantuntijapankki";
  n.reply_to = "pankki@example.fi";
  n.orderer_name = "Lahden lyseon lukio";
  n.role = Role::kLecturer;
  n.topic = "Toipumistarina";
  n.start_time =
      absl::FromCivil(absl::CivilSecond(2026, 12, 10, 10, 0, 0), reference::HelsinkiTimeZone());
  n.offer_deadline = n.start_time - absl::Hours(24 * 7);
  n.duration_minutes = 90;
  n.remote = true;
  n.total_cents = 15000;
  n.link = kLinkPlaceholder;
  return n;
}

TEST(SignIn, ExpertsAndOrderersGetLinksToTheirMattersCoordinatorsNone) {
  EXPECT_TRUE(CarriesLink(K::kOfferMade, R::kExpert));
  EXPECT_TRUE(CarriesLink(K::kContractReady, R::kExpert));
  EXPECT_TRUE(CarriesLink(K::kTaskReminder, R::kExpert));
  EXPECT_TRUE(CarriesLink(K::kStandingBy, R::kExpert));
  EXPECT_FALSE(CarriesLink(K::kExpertAvailable, R::kCoordinator));
  EXPECT_TRUE(CarriesLink(K::kAssignmentConfirmed, R::kOrderer));
  EXPECT_TRUE(CarriesLink(K::kSignInLink, R::kOrderer));
  // Nothing to do on the pages about a lapsed or withdrawn offer.
  EXPECT_FALSE(CarriesLink(K::kOfferLapsed, R::kExpert));
  EXPECT_FALSE(CarriesLink(K::kOfferWithdrawn, R::kExpert));
  EXPECT_FALSE(CarriesLink(K::kOfferAccepted, R::kCoordinator));
  EXPECT_FALSE(CarriesLink(K::kKeyExpiring, R::kCoordinator));
  EXPECT_FALSE(CarriesLink(K::kAssignmentCancelled, R::kCoordinator));
}

TEST(SignIn, TheLinkTakesThePlaceholdersPlaceOrItsLineGoes) {
  auto text = ComposeMessage(K::kOfferMade, R::kExpert, OfferNotice());
  ASSERT_TRUE(text.ok());
  const std::string tail =
      "Vastaathan viimeistään 3.12.2026 klo 10.00.\n"
      "\n"
      "Avaa: [[sign-in-link]]\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki\n"
      "Kysyttävää? pankki@example.fi\n";
  ASSERT_THAT(text->body, ::testing::EndsWith(tail));
  const std::string head = text->body.substr(0, text->body.size() - tail.size());
  EXPECT_EQ(
      WithLink(text->body, "https://kokemus.example.fi/s/ab12_XyZ-_9"),
      head +
          "Vastaathan viimeistään 3.12.2026 klo 10.00.\n"
          "\n"
          "Avaa: https://kokemus.example.fi/s/ab12_XyZ-_9\n"
          "\n"
          "Päijät-Hämeen kokemusasiantuntijapankki\n"
          "Kysyttävää? pankki@example.fi\n");
  // No pages served: the message reads as if it never had a link.
  EXPECT_EQ(
      WithLink(text->body, ""), head +
                                    "Vastaathan viimeistään 3.12.2026 klo 10.00.\n"
                                    "\n"
                                    "Päijät-Hämeen kokemusasiantuntijapankki\n"
                                    "Kysyttävää? pankki@example.fi\n");
  Notice plain = OfferNotice();
  plain.link.clear();
  EXPECT_EQ(WithLink(text->body, ""), ComposeMessage(K::kOfferMade, R::kExpert, plain)->body);
  // A text message has the link on a line of its own, no blank lines.
  const std::string sms = SmsText(*text, OfferNotice());
  EXPECT_EQ(
      WithLink(sms, ""),
      "Tarjous: luennoitsija tai kouluttaja 10.12.2026\n"
      "Päijät-Hämeen kokemusasiantuntijapankki pankki@example.fi");
  EXPECT_EQ(
      WithLink(sms, "https://k.fi/s/a_b"),
      "Tarjous: luennoitsija tai kouluttaja 10.12.2026\n"
      "https://k.fi/s/a_b\n"
      "Päijät-Hämeen kokemusasiantuntijapankki pankki@example.fi");
}

TEST(SignIn, TheAskedForLinkMessageSaysHowLongItWorks) {
  Notice n;
  n.language = "sv";
  n.exchange_name = "Kokemuspankki";
  n.link = kLinkPlaceholder;
  auto text = ComposeMessage(K::kSignInLink, R::kExpert, n);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Inloggningslänk: Kokemuspankki");
  EXPECT_EQ(
      WithLink(text->body, "https://k.fi/s/a_b"),
      "Hej,\n\nDu bad om en länk för att logga in i Kokemuspankki. Länken fungerar en gång och i "
      "30 minuter. Om du inte bad om länken kan du bortse från meddelandet.\n\n"
      "Öppna: https://k.fi/s/a_b\n\nKokemuspankki\n");
  EXPECT_TRUE(IsUrgent(K::kSignInLink));  // the person is waiting: no quiet hours
  EXPECT_EQ(MessageKindName(K::kSignInLink), "SIGN_IN_LINK");
}

TEST(SignIn, UrlsAndTokens) {
  EXPECT_EQ(SignInUrl("https://k.example.fi/", "a1_b"), "https://k.example.fi/s/a1_b");
  EXPECT_EQ(SignInUrl("https://k.example.fi", "a1_b"), "https://k.example.fi/s/a1_b");
  auto token = ParseLinkToken("q0o6mpwzri9w_Ab-9_zz");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->id, "q0o6mpwzri9w");
  EXPECT_EQ(token->secret, "Ab-9_zz");
  EXPECT_FALSE(ParseLinkToken("noseparator").has_value());
  EXPECT_FALSE(ParseLinkToken("_secret").has_value());
  EXPECT_FALSE(ParseLinkToken("id_").has_value());
  EXPECT_FALSE(ParseLinkToken("id_sec/../x").has_value());
  EXPECT_FALSE(ParseLinkToken("i-d_secret").has_value());
  EXPECT_FALSE(ParseLinkToken("id_" + std::string(200, 'a')).has_value());
}

TEST(SignIn, ALinkIsSpentOnceAndOnlyBeforeItExpires) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_TRUE(CheckLinkUsable(now + absl::Minutes(1), absl::UnixEpoch(), now).ok());
  absl::Status expired = CheckLinkUsable(now, absl::UnixEpoch(), now);
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(expired.message(), "this sign-in link has expired");
  absl::Status used = CheckLinkUsable(now + absl::Hours(1), now - absl::Minutes(1), now);
  EXPECT_EQ(used.message(), "this sign-in link has been used");
  EXPECT_TRUE(LinkRequestAllowed(4));
  EXPECT_FALSE(LinkRequestAllowed(5));
  EXPECT_EQ(NormalizeEmail("  Kaisa@Example.FI "), "kaisa@example.fi");
}

TEST(Session, CookiesAreHttpOnlyStrictAndSecureUnlessPlaintextOnThisMachine) {
  EXPECT_EQ(
      SessionCookieHeader("kok_a_b", true),
      "kokemus_session=kok_a_b; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(
      ClearedSessionCookieHeader(false),
      "kokemus_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(
      LanguageCookieHeader("sv", true),
      "kokemus_lang=sv; Path=/; Max-Age=31536000; SameSite=Strict; Secure");
  EXPECT_TRUE(CookiesMustBeSecure("https://kokemus.example.fi/"));
  EXPECT_TRUE(CookiesMustBeSecure("http://kokemus.example.fi/"));
  EXPECT_TRUE(CookiesMustBeSecure("http://127.0.0.1.example.fi/"));
  EXPECT_FALSE(CookiesMustBeSecure("http://127.0.0.1:8080/"));
  EXPECT_FALSE(CookiesMustBeSecure("http://localhost"));
  EXPECT_EQ(
      CookieValue("a=1; kokemus_session=kok_x_y; kokemus_lang=sv", "kokemus_session"), "kok_x_y");
  EXPECT_EQ(CookieValue("xkokemus_session=1", "kokemus_session"), "");
  EXPECT_EQ(CookieValue("", "kokemus_lang"), "");
}

TEST(Session, CsrfTokensAreTheSessionsOwnAndIdleSessionsEnd) {
  const std::string token = CsrfToken("kok_a_secret");
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(CsrfTokenMatches("kok_a_secret", token));
  EXPECT_FALSE(CsrfTokenMatches("kok_b_secret", token));
  EXPECT_FALSE(CsrfTokenMatches("kok_a_secret", token.substr(1)));
  EXPECT_FALSE(CsrfTokenMatches("kok_a_secret", ""));
  const absl::Time t = absl::FromUnixSeconds(1800000000);
  EXPECT_FALSE(SessionIdle(t, kSessionIdleTimeout, t + absl::Minutes(29)));
  EXPECT_TRUE(SessionIdle(t, kSessionIdleTimeout, t + absl::Minutes(30)));
  EXPECT_FALSE(SessionTouchDue(t, t + absl::Seconds(59)));
  EXPECT_TRUE(SessionTouchDue(t, t + absl::Minutes(1)));
}

TEST(Session, PagesSpeakTheChosenLanguageElseTheBrowsersElseTheFallback) {
  EXPECT_EQ(PageLanguage("sv", "en-GB,en", "fi"), "sv");
  EXPECT_EQ(PageLanguage("de", "sv-FI,sv;q=0.9,en;q=0.8", "fi"), "sv");
  EXPECT_EQ(PageLanguage("", "de-DE, EN-us;q=0.5", "fi"), "en");
  EXPECT_EQ(PageLanguage("", "de", "sv"), "sv");
  EXPECT_EQ(PageLanguage("", "", "xx"), "fi");
}

}  // namespace
}  // namespace kokemus::domain
