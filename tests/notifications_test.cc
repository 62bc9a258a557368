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

TEST(Notifications, ACancelledTaskSaysByWhomAndWhatIsPaidAndIsUrgent) {
  OfferNotice n = Notice("fi");
  n.cancelled_by = CancelledBy::kOrderer;
  n.total_cents = 7500;
  auto text = ComposeMessage(MessageKind::kAssignmentCancelled, n);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->subject, "Tehtävä peruttu: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_EQ(
      text->body,
      "Hei,\n"
      "\n"
      "Tehtäväsi on peruttu (tilaaja perui).\n"
      "\n"
      "Tehtävä: luennoitsija tai kouluttaja\n"
      "Tilaaja: Lahden lyseon lukio\n"
      "Aika: 10.12.2026 klo 10.00\n"
      "Paikka: Kirkkokatu 1, Lahti\n"
      "Sinulle maksetaan peruutuksesta: 75,00\u00a0€\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki\n"
      "Kysyttävää? pankki@example.fi\n");
  n.total_cents = 0;
  n.language = "en";
  n.cancelled_by = CancelledBy::kExchange;
  text = ComposeMessage(MessageKind::kAssignmentCancelled, n);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(text->body, HasSubstr("Your task has been cancelled (by the exchange).\n"));
  EXPECT_THAT(text->body, HasSubstr("No fee is paid for the cancellation.\n"));
  text = ComposeMessage(MessageKind::kOfferWithdrawn, Notice("sv"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Erbjudandet gäller inte längre: föreläsare eller utbildare 10.12.2026");
  EXPECT_TRUE(IsUrgent(MessageKind::kAssignmentCancelled));
  EXPECT_FALSE(IsUrgent(MessageKind::kOfferMade));
  EXPECT_FALSE(IsUrgent(MessageKind::kOfferWithdrawn));
}

TEST(Notifications, WhichMovesMakeAMessage) {
  using S = AssignmentState;
  EXPECT_EQ(MessageForChange(S::kUnspecified, S::kOffered), MessageKind::kOfferMade);
  EXPECT_EQ(MessageForChange(S::kOffered, S::kWithdrawn), MessageKind::kOfferWithdrawn);
  EXPECT_EQ(MessageForChange(S::kAccepted, S::kCancelled), MessageKind::kAssignmentCancelled);
  EXPECT_EQ(MessageForChange(S::kConfirmed, S::kCancelled), MessageKind::kAssignmentCancelled);
  EXPECT_EQ(MessageForChange(S::kOffered, S::kAccepted), std::nullopt);
  EXPECT_EQ(MessageForChange(S::kOffered, S::kDeclined), std::nullopt);
  EXPECT_EQ(MessageForChange(S::kConfirmed, S::kCompleted), std::nullopt);
  EXPECT_EQ(MessageForChange(S::kCancelled, S::kCancelled), std::nullopt);
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
  const absl::Time t = Helsinki(2026, 12, 1, 10, 0);
  EXPECT_EQ(NextTryAfterFailure(1, t), t + absl::Minutes(1));
  EXPECT_EQ(NextTryAfterFailure(7, t), t + absl::Hours(1));
  EXPECT_EQ(NextTryAfterFailure(8, t), std::nullopt);  // DEAD
  EXPECT_EQ(MessageIdFor("abc123"), "<abc123@kokemus.invalid>");
  EXPECT_EQ(MessageKindName(MessageKind::kOfferMade), "OFFER_MADE");
  EXPECT_EQ(MessageKindName(MessageKind::kAssignmentCancelled), "ASSIGNMENT_CANCELLED");
}

}  // namespace
}  // namespace kokemus::domain
