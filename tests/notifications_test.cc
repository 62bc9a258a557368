// The messages' rules without a database: texts per language, what they
// never say, quiet hours, retries.
#include "services/domain/notifications.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time Helsinki(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), reference::HelsinkiTimeZone());
}

OfferNotice Notice(const std::string& language) {
  OfferNotice n;
  n.language = language;
  n.exchange_name = "Päijät-Hämeen kokemusasiantuntijapankki";
  n.reply_to = "pankki@example.fi";
  n.orderer_name = "Lahden lyseon lukio";
  n.role = Role::kLecturer;
  n.topic = "Toipumistarina & nuoret";
  n.start_time = Helsinki(2026, 12, 10, 10, 0);
  n.duration_minutes = 90;
  n.address = "Kirkkokatu 1";
  n.municipality = "398";
  n.offer_deadline = Helsinki(2026, 12, 3, 12, 0);
  n.total_cents = 15000;
  return n;
}

TEST(Notifications, TheOfferInFinnishSaysWhatToDecideAndWhomToAsk) {
  auto text = ComposeOfferMade(Notice("fi"));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->subject, "Tarjous: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_EQ(
      text->body,
      "Hei,\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki tarjoaa sinulle tehtävää.\n"
      "\n"
      "Tehtävä: luennoitsija tai kouluttaja\n"
      "Aihe: Toipumistarina & nuoret\n"
      "Tilaaja: Lahden lyseon lukio\n"
      "Aika: 10.12.2026 klo 10.00, 90 min\n"
      "Paikka: Kirkkokatu 1, Lahti\n"
      "Palkkio ja matkat yhteensä: 150,00\u00a0€\n"
      "\n"
      "Vastaathan viimeistään 3.12.2026 klo 12.00.\n"
      "Kysyttävää? pankki@example.fi\n");
}

TEST(Notifications, SwedishAndEnglishAndRemoteTasks) {
  OfferNotice sv = Notice("sv");
  sv.remote = true;
  auto text = ComposeOfferMade(sv);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Erbjudande: föreläsare eller utbildare 10.12.2026");
  EXPECT_THAT(text->body, HasSubstr("Plats: på distans\n"));
  EXPECT_THAT(text->body, HasSubstr("Svara senast 3.12.2026 kl. 12.00.\n"));
  OfferNotice en = Notice("en");
  en.reply_to = "";
  text = ComposeOfferMade(en);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Offer: lecturer or trainer on 10 December 2026");
  EXPECT_THAT(text->body, HasSubstr("Place: Kirkkokatu 1, Lahti\n"));
  EXPECT_THAT(text->body, Not(HasSubstr("Questions?")));
  // A language Kokemus doesn't write falls back to Finnish.
  text = ComposeOfferMade(Notice("de"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(text->subject, ::testing::StartsWith("Tarjous: "));
}

TEST(Notifications, TheLanguageIsTheExpertsFirstWrittenOneOrTheExchanges) {
  Expert expert;
  Exchange exchange;
  exchange.default_language = "sv";
  expert.languages = {"ru", "en", "fi"};
  EXPECT_EQ(MessageLanguage(expert, exchange), "en");
  expert.languages = {"ru"};
  EXPECT_EQ(MessageLanguage(expert, exchange), "sv");
  exchange.default_language = "";
  EXPECT_EQ(MessageLanguage(expert, exchange), "fi");
}

TEST(Notifications, QuietHoursHoldNonUrgentMessagesUntilEight) {
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 1, 10, 0), false), Helsinki(2026, 12, 1, 10, 0));
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 1, 20, 59), false), Helsinki(2026, 12, 1, 20, 59));
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 1, 21, 0), false), Helsinki(2026, 12, 2, 8, 0));
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 2, 3, 30), false), Helsinki(2026, 12, 2, 8, 0));
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 1, 23, 0), true), Helsinki(2026, 12, 1, 23, 0));
  // Over the change to summer time the hour is still 08:00 Helsinki time.
  EXPECT_EQ(NextSendTime(Helsinki(2027, 3, 27, 22, 0), false), Helsinki(2027, 3, 28, 8, 0));
}

TEST(Notifications, RetriesBackOffToAnHourAndMessageIdsAreStable) {
  EXPECT_EQ(RetryDelay(1), absl::Minutes(1));
  EXPECT_EQ(RetryDelay(2), absl::Minutes(2));
  EXPECT_EQ(RetryDelay(5), absl::Minutes(16));
  EXPECT_EQ(RetryDelay(7), absl::Hours(1));
  EXPECT_EQ(RetryDelay(20), absl::Hours(1));
  EXPECT_EQ(MessageIdFor("abc123"), "<abc123@kokemus.invalid>");
  EXPECT_EQ(MessageKindName(MessageKind::kOfferMade), "OFFER_MADE");
}

}  // namespace
}  // namespace kokemus::domain
