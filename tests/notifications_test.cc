// The messages' rules without a database: texts per language, what they
// never say, quiet hours, retries.
#include "services/domain/notifications.h"

#include <set>

#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/digest.h"
#include "services/domain/enum_names.h"
#include "services/domain/events.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time Helsinki(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), reference::HelsinkiTimeZone());
}

Notice MakeNotice(const std::string& language) {
  Notice n;
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

absl::StatusOr<MessageText> Offer(const Notice& n) {
  return ComposeMessage(MessageKind::kOfferMade, Recipient::kExpert, n);
}

TEST(Notifications, TheOfferInFinnishSaysWhatToDecideAndWhomToAsk) {
  auto text = Offer(MakeNotice("fi"));
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
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki\n"
      "Kysyttävää? pankki@example.fi\n");
}

TEST(Notifications, SwedishAndEnglishAndRemoteTasks) {
  Notice sv = MakeNotice("sv");
  sv.remote = true;
  auto text = Offer(sv);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Erbjudande: föreläsare eller utbildare 10.12.2026");
  EXPECT_THAT(text->body, HasSubstr("Plats: på distans\n"));
  EXPECT_THAT(text->body, HasSubstr("Svara senast 3.12.2026 kl. 12.00.\n"));
  Notice en = MakeNotice("en");
  en.reply_to = "";
  text = Offer(en);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Offer: lecturer or trainer on 10 December 2026");
  EXPECT_THAT(text->body, HasSubstr("Place: Kirkkokatu 1, Lahti\n"));
  EXPECT_THAT(text->body, Not(HasSubstr("Questions?")));
  // A language Kokemus doesn't write falls back to Finnish.
  text = Offer(MakeNotice("de"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(text->subject, ::testing::StartsWith("Tarjous: "));
}

TEST(Notifications, ACancelledTaskSaysByWhomAndWhatIsPaidAndIsUrgent) {
  Notice n = MakeNotice("fi");
  n.cancelled_by = CancelledBy::kOrderer;
  n.total_cents = 7500;
  auto text = ComposeMessage(MessageKind::kAssignmentCancelled, Recipient::kExpert, n);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->subject, "Tehtävä peruttu: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_EQ(
      text->body,
      "Hei,\n"
      "\n"
      "Tehtäväsi on peruttu (tilaaja perui).\n"
      "\n"
      "Tehtävä: luennoitsija tai kouluttaja\n"
      "Aihe: Toipumistarina & nuoret\n"
      "Tilaaja: Lahden lyseon lukio\n"
      "Aika: 10.12.2026 klo 10.00, 90 min\n"
      "Paikka: Kirkkokatu 1, Lahti\n"
      "Sinulle maksetaan peruutuksesta: 75,00\u00a0€\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki\n"
      "Kysyttävää? pankki@example.fi\n");
  n.total_cents = 0;
  n.language = "en";
  n.cancelled_by = CancelledBy::kExchange;
  text = ComposeMessage(MessageKind::kAssignmentCancelled, Recipient::kExpert, n);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(text->body, HasSubstr("Your task has been cancelled (by the exchange).\n"));
  EXPECT_THAT(text->body, HasSubstr("No fee is paid for the cancellation.\n"));
  text = ComposeMessage(MessageKind::kOfferWithdrawn, Recipient::kExpert, MakeNotice("sv"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Erbjudandet gäller inte längre: föreläsare eller utbildare 10.12.2026");
  EXPECT_TRUE(IsUrgent(MessageKind::kAssignmentCancelled));
  EXPECT_FALSE(IsUrgent(MessageKind::kOfferMade));
  EXPECT_FALSE(IsUrgent(MessageKind::kOfferWithdrawn));
}

TEST(Notifications, WhichMovesMakeWhichMessagesForWhom) {
  using S = AssignmentState;
  using K = MessageKind;
  using R = Recipient;
  using V = std::vector<Addressed>;
  EXPECT_EQ(MessagesForChange(S::kUnspecified, S::kOffered), (V{{K::kOfferMade, R::kExpert}}));
  EXPECT_EQ(MessagesForChange(S::kOffered, S::kWithdrawn), (V{{K::kOfferWithdrawn, R::kExpert}}));
  EXPECT_EQ(MessagesForChange(S::kOffered, S::kLapsed), (V{{K::kOfferLapsed, R::kExpert}}));
  EXPECT_EQ(
      MessagesForChange(S::kOffered, S::kAccepted), (V{{K::kOfferAccepted, R::kCoordinator}}));
  EXPECT_EQ(
      MessagesForChange(S::kOffered, S::kDeclined), (V{{K::kOfferDeclined, R::kCoordinator}}));
  EXPECT_EQ(
      MessagesForChange(S::kAccepted, S::kConfirmed),
      (V{{K::kAssignmentConfirmed, R::kExpert}, {K::kAssignmentConfirmed, R::kOrderer}}));
  EXPECT_EQ(
      MessagesForChange(S::kConfirmed, S::kCompleted),
      (V{{K::kFeedbackRequest, R::kExpert}, {K::kFeedbackRequest, R::kOrderer}}));
  // A cancelled task: the expert always; the orderer of a confirmed visit
  // unless it cancelled; the coordinator unless the exchange cancelled.
  EXPECT_EQ(
      MessagesForChange(S::kConfirmed, S::kCancelled, CancelledBy::kExpert),
      (V{{K::kAssignmentCancelled, R::kExpert},
         {K::kAssignmentCancelled, R::kOrderer},
         {K::kAssignmentCancelled, R::kCoordinator}}));
  EXPECT_EQ(
      MessagesForChange(S::kConfirmed, S::kCancelled, CancelledBy::kOrderer),
      (V{{K::kAssignmentCancelled, R::kExpert}, {K::kAssignmentCancelled, R::kCoordinator}}));
  EXPECT_EQ(
      MessagesForChange(S::kConfirmed, S::kCancelled, CancelledBy::kExchange),
      (V{{K::kAssignmentCancelled, R::kExpert}, {K::kAssignmentCancelled, R::kOrderer}}));
  EXPECT_EQ(
      MessagesForChange(S::kAccepted, S::kCancelled, CancelledBy::kExchange),
      (V{{K::kAssignmentCancelled, R::kExpert}}));
  EXPECT_EQ(MessagesForChange(S::kCancelled, S::kCancelled), V{});
  EXPECT_EQ(MessagesForChange(S::kOffered, S::kCancelled), V{});
  // Pools and backups: a yes tells the coordinator; a pick confirms; a
  // backup offered a freed place gets an offer; a pool member kept as a
  // backup is told so; one who steps back or moves nowhere, nothing.
  const CancelledBy none = CancelledBy::kUnspecified;
  EXPECT_EQ(
      MessagesForChange(S::kOffered, S::kAvailable, none, OfferKind::kPool),
      (V{{K::kExpertAvailable, R::kCoordinator}}));
  EXPECT_EQ(
      MessagesForChange(S::kAvailable, S::kConfirmed, none, OfferKind::kPool),
      (V{{K::kAssignmentConfirmed, R::kExpert}, {K::kAssignmentConfirmed, R::kOrderer}}));
  EXPECT_EQ(MessagesForChange(S::kAvailable, S::kOffered), (V{{K::kOfferMade, R::kExpert}}));
  EXPECT_EQ(
      MessagesForChange(S::kAvailable, S::kWithdrawn, none, OfferKind::kBackup),
      (V{{K::kOfferWithdrawn, R::kExpert}}));
  EXPECT_EQ(
      MessagesForChange(S::kAvailable, S::kAvailable, none, OfferKind::kBackup),
      (V{{K::kStandingBy, R::kExpert}}));
  EXPECT_EQ(MessagesForChange(S::kAvailable, S::kAvailable, none, OfferKind::kPool), V{});
  EXPECT_EQ(MessagesForChange(S::kAvailable, S::kDeclined, none, OfferKind::kBackup), V{});
  EXPECT_EQ(MessageKindName(K::kPoolClosed), "POOL_CLOSED");
  EXPECT_EQ(MessageKindFromName("STANDING_BY"), K::kStandingBy);
}

TEST(Notifications, EveryMessageRendersInEveryLanguageWithoutHealthData) {
  using K = MessageKind;
  using R = Recipient;
  int rendered = 0;
  for (int k = 1; k <= 13; ++k) {
    for (R to : {R::kExpert, R::kOrderer, R::kCoordinator}) {
      for (const char* language : {"fi", "sv", "en"}) {
        Notice n = MakeNotice(language);
        n.expert_name = "Kaisa K.";
        n.key_name = "Lahden järjestelmä";
        n.key_expire_time = Helsinki(2026, 12, 20, 0, 0);
        auto text = ComposeMessage(static_cast<K>(k), to, n);
        if (!text.ok()) continue;  // not a message for this recipient
        ++rendered;
        EXPECT_FALSE(text->subject.empty());
        EXPECT_THAT(text->subject, Not(HasSubstr("\n")));
        EXPECT_THAT(text->body + text->subject, Not(HasSubstr("{{")));
        EXPECT_THAT(text->body, ::testing::EndsWith("\n"));
        EXPECT_THAT(text->body, Not(HasSubstr("\n\n\n")));
        for (absl::string_view area : EnumNames<ExperienceArea>()) {
          EXPECT_THAT(text->body, Not(HasSubstr(std::string(area))));
        }
        EXPECT_THAT(text->body, HasSubstr("Päijät-Hämeen kokemusasiantuntijapankki\n"));
      }
    }
  }
  // 18 (kind, recipient) pairs in 3 languages.
  EXPECT_EQ(rendered, 54);
  auto none = ComposeMessage(K::kOfferMade, R::kOrderer, MakeNotice("fi"));
  EXPECT_EQ(none.status().message(), "no message OFFER_MADE for ORDERER");
}

// A credential stopping soon: which one and its last day, nothing more.
TEST(Compose, TheCredentialNoticeNamesTheCredentialAndItsLastDay) {
  using K = MessageKind;
  using R = Recipient;
  Notice n = MakeNotice("fi");
  n.credential_kind = CredentialKind::kTraining;
  n.credential_course = CourseKind::kFurther;
  n.credential_last_day = absl::CivilDay(2027, 1, 31);
  auto expert = ComposeMessage(K::kCredentialLapsing, R::kExpert, n);
  ASSERT_TRUE(expert.ok()) << expert.status();
  EXPECT_EQ(expert->subject, "Pätevyytesi vanhenee: Jatkokoulutus");
  EXPECT_THAT(expert->body, HasSubstr("Jatkokoulutus on voimassa 31.1.2027 asti."));
  n.language = "sv";
  n.expert_name = "Kaisa K.";
  auto coordinator = ComposeMessage(K::kCredentialLapsing, R::kCoordinator, n);
  ASSERT_TRUE(coordinator.ok()) << coordinator.status();
  EXPECT_EQ(coordinator->subject, "Behörighet går ut: Kaisa K., Fortbildningen");
  EXPECT_THAT(
      coordinator->body, HasSubstr("Kaisa K.: Fortbildningen gäller till och med 31.1.2027."));
  EXPECT_FALSE(ComposeMessage(K::kCredentialLapsing, R::kOrderer, n).ok());
}

// Her pay nearing her limit: the payment month, a link to her page, the task;
// no figures and never the benefit.
TEST(Compose, TheEarningsWarningNamesThePaymentMonthNotTheBenefitOrFigures) {
  using K = MessageKind;
  using R = Recipient;
  Notice n = MakeNotice("fi");
  n.pay_period = "1/2027";
  n.link = "https://kokemus.example.fi/s/x";
  auto expert = ComposeMessage(K::kEarningsNearLimit, R::kExpert, n);
  ASSERT_TRUE(expert.ok()) << expert.status();
  EXPECT_EQ(expert->subject, "Palkkiosi lähestyy ansaintarajaasi: 1/2027");
  EXPECT_THAT(
      expert->body, HasSubstr("Hyväksymäsi tehtävä nostaa palkkiosi 1/2027 (maksupäivän mukaan) "
                              "yli 80 prosenttiin ansaintarajastasi."));
  EXPECT_THAT(expert->body, HasSubstr("Avaa: https://kokemus.example.fi/s/x"));
  n.expert_name = "Kaisa K.";
  n.link.clear();
  n.language = "en";
  auto coordinator = ComposeMessage(K::kEarningsNearLimit, R::kCoordinator, n);
  ASSERT_TRUE(coordinator.ok());
  EXPECT_EQ(coordinator->subject, "Earnings limit near: Kaisa K. 1/2027");
  for (const MessageText* text : {&*expert, &*coordinator}) {
    EXPECT_THAT(text->body, Not(HasSubstr("pension")));
    EXPECT_THAT(text->body, Not(HasSubstr("eläke")));
    EXPECT_THAT(text->subject + text->body, Not(HasSubstr("976")));
  }
  EXPECT_EQ(MessageKindName(K::kEarningsNearLimit), "EARNINGS_NEAR_LIMIT");
  EXPECT_EQ(MessageKindFromName("CREDENTIAL_LAPSING"), K::kCredentialLapsing);
  EXPECT_TRUE(IsEssential(K::kEarningsNearLimit));
  EXPECT_FALSE(IsUrgent(K::kEarningsNearLimit));
}

TEST(MessageTemplates, EveryBuiltInOneIsValidAndNamedOnce) {
  std::set<std::string> ids;
  for (const MessageTemplate& t : BuiltInMessageTemplates()) {
    const std::string id = MessageTemplateId(t.kind, t.to, t.language);
    EXPECT_TRUE(ids.insert(id).second) << id;
    EXPECT_TRUE(ValidateMessageTemplate(t, "").ok())
        << id << ": " << ValidateMessageTemplate(t, "");
    auto parsed = ParseMessageTemplateId(id, "name");
    ASSERT_TRUE(parsed.ok()) << id;
    EXPECT_EQ(*parsed, &t);
    auto preview = PreviewMessage(t);
    ASSERT_TRUE(preview.ok()) << id;
    EXPECT_THAT(preview->subject, Not(HasSubstr("{{")));
    EXPECT_THAT(preview->body, Not(HasSubstr("{{")));
  }
  EXPECT_EQ(ids.size(), 78u);  // 26 messages and recipients, 3 languages
  EXPECT_TRUE(ids.count("earnings-near-limit-expert-fi"));
  EXPECT_TRUE(ids.count("earnings-near-limit-coordinator-en"));
  EXPECT_TRUE(ids.count("standing-by-expert-sv"));
  EXPECT_TRUE(ids.count("offer-rounds-ended-coordinator-en"));
  EXPECT_TRUE(ids.count("offer-made-expert-fi"));
  EXPECT_TRUE(ids.count("assignment-cancelled-coordinator-sv"));
  EXPECT_EQ(
      ParseMessageTemplateId("offer-made-orderer-fi", "name").status().message(),
      "invalid request: name: must name a message, its recipient and language, such as "
      "offer-made-expert-fi (ListMessageTemplates lists them)");
  EXPECT_FALSE(ParseMessageTemplateId("offer-made-expert-de", "name").ok());
}

TEST(MessageTemplates, AnExchangesOwnWordingIsUsedWithTheSameFacts) {
  MessageTemplate own = *BuiltInMessageTemplate(MessageKind::kOfferMade, Recipient::kExpert, "fi");
  own.subject = "Keikka {{date}}: {{topic}}";
  own.body =
      "Moi!\n\n{{orderer}} toivoo sinua {{time}} ({{place}}).\nPalkkio {{total}}.\n"
      "Vastaa {{deadline}} mennessä: {{link}}\n\nTerveisin {{exchange_name}}";
  ASSERT_TRUE(ValidateMessageTemplate(own, "message_template.").ok());
  Notice n = MakeNotice("fi");
  n.link = "https://k.example.fi/s/x";
  auto text = ComposeMessage(MessageKind::kOfferMade, Recipient::kExpert, n, &own);
  ASSERT_TRUE(text.ok()) << text.status();
  // Double braces too print the text as it is: "&" stays "&".
  EXPECT_EQ(text->subject, "Keikka 10.12.2026: Toipumistarina & nuoret");
  EXPECT_EQ(
      text->body,
      "Moi!\n\nLahden lyseon lukio toivoo sinua 10.12.2026 klo 10.00 (Kirkkokatu 1, Lahti).\n"
      "Palkkio 150,00\u00a0€.\nVastaa 3.12.2026 klo 12.00 mennessä: https://k.example.fi/s/x\n\n"
      "Terveisin Päijät-Hämeen kokemusasiantuntijapankki\n");  // a final newline added
}

TEST(MessageTemplates, TyposMissingFactsAndForeignVariablesAreRefusedByField) {
  const MessageTemplate base =
      *BuiltInMessageTemplate(MessageKind::kOfferMade, Recipient::kExpert, "fi");
  auto refused = [&](auto change) {
    MessageTemplate t = base;
    change(t);
    return std::string(ValidateMessageTemplate(t, "message_template.").message());
  };
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.body += "{{expert_nmae}}"; }),
      "invalid request: message_template.body: {{expert_nmae}} is not a variable of this "
      "template; it may use exchange_name, reply_to, role, topic, orderer, expert_name, date, "
      "time, duration, place, total, paid, deadline, cancelled_by, link");
  // Nothing health-related can be reached: no variable holds it.
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.subject = "{{{experience_areas}}} {{date}}"; }),
      "invalid request: message_template.subject: {{experience_areas}} is not a variable of "
      "this template; it may use exchange_name, reply_to, role, topic, orderer, expert_name, "
      "date, time, duration, place, total, paid, deadline, cancelled_by, link");
  EXPECT_EQ(
      refused([](MessageTemplate& t) {
        t.body = absl::StrReplaceAll(t.body, {{"{{{deadline}}}", "pian"}});
      }),
      "invalid request: message_template.body: must use {{deadline}}");
  EXPECT_EQ(
      refused([](MessageTemplate& t) {
        t.body =
            absl::StrReplaceAll(t.body, {{"{{#link}}", ""}, {"{{/link}}", ""}, {"{{{link}}}", ""}});
      }),
      "invalid request: message_template.body: must use {{link}}");
  EXPECT_EQ(
      refused([](MessageTemplate& t) {
        t.subject = "Tarjous";
        t.body = "Vastaa {{deadline}}: {{link}}";
      }),
      "invalid request: message_template.body: must use {{date}} or {{time}}: say when the "
      "task is");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.body += "{{#paid}}kyllä\n"; }),
      "invalid request: message_template.body: template error on line 19: Unclosed section "
      "\"paid\"");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.body += "{{> footer}}"; }),
      "invalid request: message_template.body: partials ({{> footer}}) can't be used in a "
      "template");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.body = "{{=<% %>=}}" + t.body; }),
      "invalid request: message_template.body: changing delimiters ({{=<% %>=}}) can't be used "
      "in a template");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.subject = "Rivi\nToinen {{date}}"; }),
      "invalid request: message_template.subject: must be one line");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.subject = "  "; }),
      "invalid request: message_template.subject: is required");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.subject = std::string(201, 'x'); }),
      "invalid request: message_template.subject: must be at most 200 characters");
  EXPECT_EQ(
      refused([](MessageTemplate& t) { t.body = std::string(4001, 'x'); }),
      "invalid request: message_template.body: must be at most 4000 characters");
  // The deadline in the subject is enough; comments are no variables.
  MessageTemplate ok = base;
  ok.subject = "Vastaa {{deadline}} mennessä";
  ok.body = "{{! lyhyt }}{{time}}\n{{link}}\n";
  EXPECT_TRUE(ValidateMessageTemplate(ok, "").ok());
  // A key warning has no task and no link, and must name the key.
  MessageTemplate key =
      *BuiltInMessageTemplate(MessageKind::kKeyExpiring, Recipient::kCoordinator, "en");
  key.body = "{{key_name}} expires on {{key_date}}. {{date}}";
  EXPECT_EQ(
      std::string(ValidateMessageTemplate(key, "").message()),
      "invalid request: body: {{date}} is not a variable of this template; it may use "
      "exchange_name, reply_to, key_name, key_date");
  key.subject = "An API key expires";  // the subject named the date
  key.body = "{{key_name}} expires soon.";
  EXPECT_EQ(
      std::string(ValidateMessageTemplate(key, "").message()),
      "invalid request: body: must use {{key_date}}");
}

TEST(Notifications, TheCoordinatorAndTheOrdererSeeTheExpertsNameAndKeysHaveNoTask) {
  Notice n = MakeNotice("fi");
  n.expert_name = "Kaisa K.";
  auto text = ComposeMessage(MessageKind::kOfferAccepted, Recipient::kCoordinator, n);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "Tarjous hyväksytty: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_THAT(text->body, HasSubstr("Kaisa K. hyväksyi tarjouksen. Vahvista tehtävä.\n"));
  EXPECT_THAT(text->body, HasSubstr("Kokemusasiantuntija: Kaisa K.\n"));
  n.key_name = "Lahden järjestelmä";
  n.key_expire_time = Helsinki(2026, 12, 20, 0, 0);
  n.link = "https://kokemus.example.fi/k/abc";  // a key warning has no link line
  text = ComposeMessage(MessageKind::kKeyExpiring, Recipient::kCoordinator, n);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->subject, "API-avain vanhenee 20.12.2026");
  EXPECT_EQ(
      text->body,
      "Hei,\n"
      "\n"
      "API-avain \"Lahden järjestelmä\" vanhenee 20.12.2026. Luo uusi avain ja vaihda se "
      "käyttöön ennen sitä.\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki\n"
      "Kysyttävää? pankki@example.fi\n");
}

TEST(Notifications, TaskRemindersComeOnceAtTheNearestLeadUnlessJustConfirmed) {
  const absl::Time start = Helsinki(2026, 12, 10, 10, 0);
  const absl::Time confirmed = Helsinki(2026, 11, 20, 12, 0);
  const std::vector<int> leads = {168, 24};
  EXPECT_EQ(DueTaskReminder(start, confirmed, leads, Helsinki(2026, 12, 3, 9, 59)), std::nullopt);
  EXPECT_EQ(DueTaskReminder(start, confirmed, leads, Helsinki(2026, 12, 3, 10, 0)), 168);
  EXPECT_EQ(DueTaskReminder(start, confirmed, leads, Helsinki(2026, 12, 9, 9, 0)), 168);
  EXPECT_EQ(DueTaskReminder(start, confirmed, leads, Helsinki(2026, 12, 9, 10, 0)), 24);
  EXPECT_EQ(DueTaskReminder(start, confirmed, leads, start), std::nullopt);
  // Confirmed two days before: no week reminder, the day reminder still.
  const absl::Time late = Helsinki(2026, 12, 8, 10, 0);
  EXPECT_EQ(DueTaskReminder(start, late, leads, Helsinki(2026, 12, 8, 11, 0)), std::nullopt);
  EXPECT_EQ(DueTaskReminder(start, late, leads, Helsinki(2026, 12, 9, 10, 30)), 24);
  EXPECT_EQ(DueTaskReminder(start, confirmed, {}, Helsinki(2026, 12, 9, 10, 30)), std::nullopt);

  const absl::Time offered = Helsinki(2026, 12, 1, 9, 0);
  const absl::Time deadline = Helsinki(2026, 12, 3, 12, 0);
  EXPECT_FALSE(OfferReminderDue(offered, deadline, 24, Helsinki(2026, 12, 2, 11, 59)));
  EXPECT_TRUE(OfferReminderDue(offered, deadline, 24, Helsinki(2026, 12, 2, 12, 0)));
  EXPECT_FALSE(OfferReminderDue(offered, deadline, 24, deadline));
  EXPECT_FALSE(OfferReminderDue(offered, deadline, 0, Helsinki(2026, 12, 3, 11, 0)));
  // An offer made with less than the lead left gets no reminder.
  EXPECT_FALSE(
      OfferReminderDue(Helsinki(2026, 12, 3, 0, 0), deadline, 24, Helsinki(2026, 12, 3, 1, 0)));

  const absl::Time expires = Helsinki(2026, 12, 20, 0, 0);
  EXPECT_FALSE(KeyWarningDue(expires, 14, Helsinki(2026, 12, 5, 23, 59)));
  EXPECT_TRUE(KeyWarningDue(expires, 14, Helsinki(2026, 12, 6, 0, 0)));
  EXPECT_FALSE(KeyWarningDue(expires, 14, expires));
  EXPECT_EQ(
      DedupeKey(MessageKind::kTaskReminder, "exchanges/ph/orders/o1/assignments/a1", 24),
      "TASK_REMINDER:exchanges/ph/orders/o1/assignments/a1:24");
  EXPECT_EQ(DedupeKey(MessageKind::kKeyExpiring, "apiKeys/k1"), "KEY_EXPIRING:apiKeys/k1");
}

TEST(Notifications, SettingsAreCheckedFieldByField) {
  NotificationSettings s;
  EXPECT_TRUE(ValidateNotificationSettings(s, "notification_settings.").ok());
  s.task_reminder_hours = {24, 0};
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.task_reminder_hours[1]: must be 1 to 1440 hours (60 "
      "days)");
  s.task_reminder_hours = {24, 24};
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.task_reminder_hours[1]: repeats an earlier value");
  s.task_reminder_hours = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.task_reminder_hours: at most 5 reminders");
  s.task_reminder_hours = {};
  s.offer_reminder_hours = 400;
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.offer_reminder_hours: must be 0 (none) to 336 hours "
      "(14 days)");
  s.offer_reminder_hours = 0;
  s.quiet_hours.until_hour = 24;
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.quiet_until_hour: must be an hour from 0 to 23");
  s.quiet_hours.until_hour = 8;
  s.key_warning_days = -1;
  EXPECT_EQ(
      ValidateNotificationSettings(s, "notification_settings.").message(),
      "invalid request: notification_settings.key_warning_days: must be 0 (none) to 90 days");
}

TEST(Notifications, TheCalendarEntryOfATaskHasItsTimesPlaceAndNoHealthData) {
  const CalendarEvent e = CalendarEventFor(
      MakeNotice("fi"), "exchanges/ph/orders/o1/assignments/a1", 2, true,
      Helsinki(2026, 12, 1, 9, 0));
  EXPECT_EQ(e.uid, "exchanges.ph.orders.o1.assignments.a1@kokemus.invalid");
  EXPECT_EQ(e.sequence, 2);
  EXPECT_TRUE(e.cancelled);
  EXPECT_EQ(e.summary, "luennoitsija tai kouluttaja: Toipumistarina & nuoret");
  EXPECT_EQ(e.location, "Kirkkokatu 1, Lahti");
  EXPECT_EQ(
      e.description,
      "Tilaaja: Lahden lyseon lukio\nPäijät-Hämeen kokemusasiantuntijapankki, pankki@example.fi");
  EXPECT_EQ(e.start, Helsinki(2026, 12, 10, 10, 0));
  EXPECT_EQ(e.end, Helsinki(2026, 12, 10, 11, 30));
  EXPECT_EQ(e.organizer_email, "pankki@example.fi");
}

TEST(Notifications, TheLanguageIsTheExpertsPreferredOrFirstWrittenOneOrTheExchanges) {
  Expert expert;
  Exchange exchange;
  expert.preferred_language = "sv";
  expert.languages = {"fi"};
  EXPECT_EQ(MessageLanguage(expert, exchange), "sv");
  expert.preferred_language = "";
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
  // An exchange's own hours; equal hours: none.
  const QuietHours evenings{18, 9};
  EXPECT_EQ(
      NextSendTime(Helsinki(2026, 12, 1, 18, 30), false, evenings), Helsinki(2026, 12, 2, 9, 0));
  EXPECT_EQ(
      NextSendTime(Helsinki(2026, 12, 2, 8, 30), false, evenings), Helsinki(2026, 12, 2, 9, 0));
  EXPECT_EQ(
      NextSendTime(Helsinki(2026, 12, 1, 23, 0), false, {0, 0}), Helsinki(2026, 12, 1, 23, 0));
  const QuietHours lunch{12, 13};
  EXPECT_EQ(
      NextSendTime(Helsinki(2026, 12, 1, 12, 15), false, lunch), Helsinki(2026, 12, 1, 13, 0));
  EXPECT_EQ(NextSendTime(Helsinki(2026, 12, 1, 23, 0), false, lunch), Helsinki(2026, 12, 1, 23, 0));
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

TEST(Events, CursorsAreSequenceNumbersAndNothingElse) {
  EXPECT_EQ(*ParseEventCursor("", "after"), 0);
  EXPECT_EQ(*ParseEventCursor("42", "after"), 42);
  EXPECT_EQ(FormatEventCursor(42), "42");
  for (const char* bad : {"-1", "042", "4 2", "abc", "99999999999999999999", "1e3"}) {
    auto parsed = ParseEventCursor(bad, "after");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(
        ViolationsOf(parsed.status()).at(0).description,
        absl::StrCat("\"", bad, "\" is not a cursor of this stream"));
  }
  EXPECT_TRUE(IsEvent(AssignmentState::kUnspecified, AssignmentState::kOffered));
  EXPECT_TRUE(IsEvent(AssignmentState::kOffered, AssignmentState::kLapsed));
  EXPECT_FALSE(IsEvent(AssignmentState::kConfirmed, AssignmentState::kConfirmed));
  EXPECT_EQ(EventKindFromName(EventKindName(EventKind::kContractReady)), EventKind::kContractReady);
}

TEST(Events, WebhooksAreSignedAndGoToHttpsOrThisMachine) {
  // RFC 4231 test case 2.
  EXPECT_EQ(
      HmacSha256Hex("Jefe", "what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(
      WebhookSignature("Jefe", 1800000000, "{}"), "v1=" + HmacSha256Hex("Jefe", "1800000000.{}"));
  for (const char* good :
       {"https://integraatio.phhyky.fi/kokemus", "https://x.fi:8443/a?b=c",
        "http://127.0.0.1:9000/h", "http://localhost/h", "http://[::1]:80/h"}) {
    EXPECT_TRUE(ValidateWebhookUrl(good, "webhook.url").ok()) << good;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "is required"},
      {"ftp://x.fi/", "must be an https:// address"},
      {"http://10.0.0.5/h", "must be an https:// address (http only to this machine)"},
      {"http://127.0.0.1.evil.fi/h", "must be an https:// address (http only to this machine)"},
      {"https://user:pw@x.fi/", "must not hold a user name or password"},
      {"https:///path", "has no host"},
      {"https://x.fi/a b", "must not hold spaces or control characters"},
      {"https://x.fi/" + std::string(2000, 'a'), "must be at most 2000 characters"},
  };
  for (const auto& [url, why] : bad) {
    absl::Status s = ValidateWebhookUrl(url, "webhook.url");
    ASSERT_EQ(ViolationsOf(s).size(), 1u) << url;
    EXPECT_EQ(ViolationsOf(s)[0].field, "webhook.url");
    EXPECT_EQ(ViolationsOf(s)[0].description, why) << url;
  }
}

}  // namespace
}  // namespace kokemus::domain
