// The outbox end to end: an offer over real gRPC, its e-mail delivered over
// SMTP to a real server on loopback (Debian's python3-aiosmtpd, writing a
// Maildir) and read back with Python's e-mail parser; on both databases.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "services/storage/outbox_store.h"
#include "services/storage/sign_in_store.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::Backend;

absl::Time Helsinki(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), reference::HelsinkiTimeZone());
}

// The token of the one sign-in link in a delivered text ("" : none).
std::string LinkToken(const std::string& text) {
  static const std::regex kLink("https://kokemus\\.example\\.fi/s/([A-Za-z0-9_-]+)");
  std::smatch match;
  if (!std::regex_search(text, match, kLink)) {
    ADD_FAILURE() << "no sign-in link in: " << text;
    return "";
  }
  return match[1];
}

class OutboxTest : public ::testing::TestWithParam<Backend> {
 protected:
  // 1.12.2026 at 10.00 Helsinki time: office hours.
  domain::FakeClock clock_{Helsinki(2026, 12, 1, 10, 0)};
  const int smtp_port_ = testing_support::FreePort();
  const int sms_port_ = testing_support::FreePort();
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        testing_support::MailToSink(options, smtp_port_);
                                        options.lapse_sweep_interval = absl::Milliseconds(100);
                                        options.sms.url =
                                            absl::StrCat("http://127.0.0.1:", sms_port_, "/v1/sms");
                                        options.sms.authorization = "Bearer gw-secret";
                                        options.outbox.web_base_url = "https://kokemus.example.fi/";
                                        options.webhooks.poll = absl::Milliseconds(100);
                                        options.web_listen = "127.0.0.1:0";
                                      }};

  void SetUp() override {
    auto& registry = server_.registry();
    testing_support::CreateExchange(registry, "ph");
    {
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/ph");
      req.set_expert_id("kaisa");
      *req.mutable_expert() = testing_support::SampleExpert();
      v1::CreateExpertResponse resp;
      ASSERT_TRUE(registry.CreateExpert(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      v1::CreateOrganizationRequest req;
      req.set_parent("exchanges/ph");
      req.set_organization_id("lyseo");
      *req.mutable_organization() = testing_support::SampleOrganization();
      v1::CreateOrganizationResponse resp;
      ASSERT_TRUE(registry.CreateOrganization(&ctx, req, &resp).ok());
    }
    orders_ = v1::OrderService::NewStub(server_.channel());
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
  }

  // An order on 10.12.2026 at 10.00 offered to kaisa until `deadline`.
  void OrderAndOffer(const std::string& id, absl::Time deadline = Helsinki(2026, 12, 3, 12, 0)) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_parent("exchanges/ph");
    req.set_order_id(id);
    v1::Order* o = req.mutable_order();
    o->set_organization("exchanges/ph/organizations/lyseo");
    o->set_role(v1::ROLE_LECTURER);
    o->set_topic("Toipumistarina");
    o->set_audience(v1::AUDIENCE_STUDENTS);
    *o->mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 10, 10, 0));
    o->set_duration_minutes(90);
    o->set_address("Kirkkokatu 1");
    o->set_municipality("398");
    o->set_language("fi");
    o->set_notes("Ryhmässä on päihdekuntoutujia");  // never in a message
    v1::CreateOrderResponse resp;
    ASSERT_TRUE(orders_->CreateOrder(&ctx, req, &resp).ok());
    grpc::ClientContext offer_ctx;
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/" + id);
    offer.set_assignment_id("kaisa");
    offer.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *offer.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(deadline);
    // Every order here is at the same time: a second offer while she holds a
    // first overrides the overlap knowingly (messages are what is tested).
    offer.add_override_rules(v1::EXCLUSION_RULE_OVERLAPPING);
    v1::OfferAssignmentResponse offered;
    grpc::Status s = orders_->OfferAssignment(&offer_ctx, offer, &offered);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // accept, confirm or complete kaisa's assignment of `order`.
  void Move(const std::string& verb, const std::string& order) {
    const std::string name = absl::StrCat("exchanges/ph/orders/", order, "/assignments/kaisa");
    grpc::ClientContext ctx;
    grpc::Status s;
    if (verb == "accept") {
      v1::AcceptAssignmentRequest req;
      req.set_name(name);
      v1::AcceptAssignmentResponse resp;
      s = orders_->AcceptAssignment(&ctx, req, &resp);
    } else if (verb == "confirm") {
      v1::ConfirmAssignmentRequest req;
      req.set_name(name);
      v1::ConfirmAssignmentResponse resp;
      s = orders_->ConfirmAssignment(&ctx, req, &resp);
    } else {
      v1::CompleteAssignmentRequest req;
      req.set_name(name);
      v1::CompleteAssignmentResponse resp;
      s = orders_->CompleteAssignment(&ctx, req, &resp);
    }
    ASSERT_TRUE(s.ok()) << verb << ": " << s.error_message();
  }

  // The subjects of the delivered messages to `to`, sorted (messages made at
  // one clock time have one Date).
  static std::vector<std::string> SubjectsTo(
      const nlohmann::json& messages, const std::string& to) {
    std::vector<std::string> out;
    for (const auto& m : messages) {
      if (m["to"] == to) out.push_back(m["subject"]);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<storage::OutboxMessage> Outbox() {
    auto db = storage::Database::Open(server_.database_url());
    EXPECT_TRUE(db.ok());
    storage::OutboxStore outbox(**db);
    domain::ListQuery query;
    query.page_size = 1000;
    auto list = outbox.List("ph", query);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? list->items : std::vector<storage::OutboxMessage>();
  }

  std::unique_ptr<v1::OrderService::Stub> orders_;
};

TEST_P(OutboxTest, AnOfferReachesTheExpertByEmailInHerLanguageWithoutHealthData) {
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");
  nlohmann::json messages = sink.Messages(1);
  ASSERT_EQ(messages.size(), 1u) << messages.dump();
  const nlohmann::json& m = messages[0];
  EXPECT_EQ(m["to"], "kaisa@example.fi");
  EXPECT_EQ(m["from"], "Päijät-Hämeen kokemusasiantuntijapankki <kokemus@example.fi>");
  EXPECT_EQ(m["reply_to"], "pankki@example.fi");
  EXPECT_EQ(m["subject"], "Tarjous: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_EQ(m["language"], "fi");
  EXPECT_EQ(m["content_type"], "text/plain");
  EXPECT_EQ(m["charset"], "utf-8");
  EXPECT_THAT(
      m["message_id"].get<std::string>(), ::testing::MatchesRegex("<[a-z0-9]+@kokemus.invalid>"));
  // The link to the offer, made as the message went: single use, hers only.
  const std::string token = LinkToken(m["body"]);
  EXPECT_EQ(
      m["body"],
      "Hei,\n"
      "\n"
      "Päijät-Hämeen kokemusasiantuntijapankki tarjoaa sinulle tehtävää.\n"
      "\n"
      "Tehtävä: luennoitsija tai kouluttaja\n"
      "Aihe: Toipumistarina\n"
      "Tilaaja: Lahden lyseon lukio\n"
      "Aika: 10.12.2026 klo 10.00, 90 min\n"
      "Paikka: Kirkkokatu 1, Lahti\n"
      "Palkkio ja matkat yhteensä: 150,00\u00a0€\n"
      "\n"
      "Vastaathan viimeistään 3.12.2026 klo 12.00.\n"
      "\n"
      "Avaa: https://kokemus.example.fi/s/" +
          token +
          "\n"
          "\n"
          "Päijät-Hämeen kokemusasiantuntijapankki\n"
          "Kysyttävää? pankki@example.fi\n");
  EXPECT_TRUE(m["calendar"].is_null());
  EXPECT_THAT(m["body"].get<std::string>(), Not(HasSubstr("päihde")));
  EXPECT_THAT(m["body"].get<std::string>(), Not(HasSubstr("Mielenterveys")));
  // The outbox records it as sent, once.
  std::vector<storage::OutboxMessage> outbox;
  for (int i = 0; i < 50; ++i) {
    outbox = Outbox();
    if (!outbox.empty() && outbox[0].state == "SENT") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].state, "SENT");
  EXPECT_EQ(outbox[0].attempts, 1);
  EXPECT_EQ(outbox[0].kind, "OFFER_MADE");
  EXPECT_EQ(outbox[0].resource, "exchanges/ph/orders/lyseo-dec/assignments/kaisa");
  EXPECT_EQ(m["message_id"], absl::StrCat("<", outbox[0].id, "@kokemus.invalid>"));
  // What a coordinator can read of it holds no link, only where it went.
  EXPECT_THAT(outbox[0].body, HasSubstr("\nAvaa: [[sign-in-link]]\n"));
  EXPECT_THAT(outbox[0].body, Not(HasSubstr(token)));
  EXPECT_EQ(outbox[0].link_for, "exchanges/ph/experts/kaisa");
  {
    auto db = storage::Database::Open(server_.database_url());
    ASSERT_TRUE(db.ok());
    storage::SignInStore links(**db);
    auto grant = links.Redeem(token, clock_.Now());
    ASSERT_TRUE(grant.ok()) << grant.status();
    EXPECT_EQ(grant->principal.role, domain::AccessRole::kExpert);
    EXPECT_EQ(grant->principal.expert_id, "kaisa");
    EXPECT_EQ(grant->target, "exchanges/ph/orders/lyseo-dec/assignments/kaisa");
    EXPECT_EQ(grant->email, "kaisa@example.fi");
    // 72 hours from sending, and once.
    EXPECT_EQ(links.Check(token, clock_.Now()).message(), "this sign-in link has been used");
  }
  // Erased, she leaves no address or text behind in the outbox.
  grpc::ClientContext ctx;
  v1::EraseExpertRequest erase;
  erase.set_name("exchanges/ph/experts/kaisa");
  erase.set_force(true);  // her tasks to come go to the pseudonym
  v1::EraseExpertResponse erased;
  ASSERT_TRUE(server_.registry().EraseExpert(&ctx, erase, &erased).ok());
  outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].recipient, "");
  EXPECT_EQ(outbox[0].subject, "");
  EXPECT_EQ(outbox[0].body, "");
  EXPECT_EQ(outbox[0].state, "SENT");
}

TEST_P(OutboxTest, MessagesWaitWhileSmtpIsDownAndDuringQuietHours) {
  // No SMTP server yet: the offer is made, its message waits and is retried.
  OrderAndOffer("lyseo-dec");
  std::vector<storage::OutboxMessage> outbox;
  for (int i = 0; i < 100; ++i) {
    outbox = Outbox();
    if (!outbox.empty() && outbox[0].attempts == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].state, "PENDING");
  EXPECT_EQ(outbox[0].attempts, 1);
  EXPECT_THAT(outbox[0].last_error, HasSubstr("SMTP: "));
  EXPECT_EQ(outbox[0].not_before, Helsinki(2026, 12, 1, 10, 1));  // a minute later
  // SMTP is back at 22.00: quiet hours, nothing goes out, and a new offer
  // waits for 08.00 too.
  testing_support::SmtpSink sink(smtp_port_);
  clock_.Set(Helsinki(2026, 12, 1, 22, 0));
  OrderAndOffer("lyseo-jan");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(sink.Messages(0).size(), 0u);
  outbox = Outbox();
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].resource, "exchanges/ph/orders/lyseo-jan/assignments/kaisa");
  EXPECT_EQ(outbox[0].not_before, Helsinki(2026, 12, 2, 8, 0));
  EXPECT_EQ(outbox[1].attempts, 1);
  // At 08.00 both go, each once.
  clock_.Set(Helsinki(2026, 12, 2, 8, 0));
  nlohmann::json messages = sink.Messages(2);
  ASSERT_EQ(messages.size(), 2u);
  for (int i = 0; i < 50; ++i) {
    outbox = Outbox();
    if (outbox.size() == 2 && outbox[0].state == "SENT" && outbox[1].state == "SENT") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(outbox[0].state, "SENT");
  EXPECT_EQ(outbox[0].attempts, 1);
  EXPECT_EQ(outbox[1].state, "SENT");
  EXPECT_EQ(outbox[1].attempts, 2);
  EXPECT_EQ(outbox[1].last_error, "");
  EXPECT_EQ(sink.Messages(2).size(), 2u);
}

TEST_P(OutboxTest, ACancellationAtNightGoesAtOnceAndAWithdrawnOfferWaitsForMorning) {
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");
  ASSERT_EQ(sink.Messages(1).size(), 1u);
  for (const char* verb : {"accept", "confirm"}) {
    grpc::ClientContext ctx;
    grpc::Status s;
    if (std::string(verb) == "accept") {
      v1::AcceptAssignmentRequest req;
      req.set_name("exchanges/ph/orders/lyseo-dec/assignments/kaisa");
      v1::AcceptAssignmentResponse resp;
      s = orders_->AcceptAssignment(&ctx, req, &resp);
    } else {
      v1::ConfirmAssignmentRequest req;
      req.set_name("exchanges/ph/orders/lyseo-dec/assignments/kaisa");
      v1::ConfirmAssignmentResponse resp;
      s = orders_->ConfirmAssignment(&ctx, req, &resp);
    }
    ASSERT_TRUE(s.ok()) << verb << ": " << s.error_message();
  }
  // The coordinator heard of the acceptance; the expert got the confirmation
  // with its calendar entry, the orderer's contact that the expert comes.
  nlohmann::json messages = sink.Messages(4);
  ASSERT_EQ(messages.size(), 4u) << messages.dump();
  auto last_of = [](const nlohmann::json& all, const std::string& subject) {
    nlohmann::json found;
    for (const auto& m : all) {
      if (m["subject"] == subject) found = m;
    }
    return found;
  };
  const nlohmann::json accepted =
      last_of(messages, "Tarjous hyväksytty: luennoitsija tai kouluttaja 10.12.2026");
  ASSERT_FALSE(accepted.is_null()) << messages.dump();
  EXPECT_EQ(accepted["to"], "pankki@example.fi");
  const nlohmann::json confirmed =
      last_of(messages, "Tehtävä vahvistettu: luennoitsija tai kouluttaja 10.12.2026");
  ASSERT_FALSE(confirmed.is_null()) << messages.dump();
  EXPECT_EQ(confirmed["to"], "kaisa@example.fi");
  const nlohmann::json& ics = confirmed["calendar"];
  ASSERT_FALSE(ics.is_null());
  EXPECT_EQ(ics["method"], "REQUEST");
  EXPECT_EQ(ics["content_type"], "text/calendar;method=REQUEST");
  EXPECT_EQ(ics["filename"], "invite.ics");
  ASSERT_EQ(ics["events"].size(), 1u);
  const std::string uid = "exchanges.ph.orders.lyseo-dec.assignments.kaisa@kokemus.invalid";
  EXPECT_EQ(ics["events"][0]["uid"], uid);
  EXPECT_EQ(ics["events"][0]["sequence"], 0);
  EXPECT_EQ(ics["events"][0]["status"], "CONFIRMED");
  EXPECT_EQ(ics["events"][0]["start"], "2026-12-10T10:00:00+02:00");
  EXPECT_EQ(ics["events"][0]["end"], "2026-12-10T11:30:00+02:00");
  EXPECT_EQ(ics["events"][0]["tzid"], "Europe/Helsinki");
  EXPECT_EQ(ics["events"][0]["summary"], "luennoitsija tai kouluttaja: Toipumistarina");
  EXPECT_EQ(ics["events"][0]["location"], "Kirkkokatu 1, Lahti");
  EXPECT_EQ(ics["events"][0]["attendee"], "mailto:kaisa@example.fi");
  const nlohmann::json comes = last_of(messages, "Kokemusasiantuntija tulee: 10.12.2026");
  ASSERT_FALSE(comes.is_null()) << messages.dump();
  EXPECT_EQ(comes["to"], testing_support::SampleOrganization().contact_email());
  EXPECT_THAT(
      comes["body"].get<std::string>(),
      HasSubstr(absl::StrCat(
          "Kokemusasiantuntija: ", testing_support::SampleExpert().display_name(), "\n")));
  EXPECT_TRUE(comes["calendar"].is_null());

  OrderAndOffer("lyseo-jan");
  ASSERT_EQ(sink.Messages(5).size(), 5u);
  // At 22.30 the orderer cancels both orders: the confirmed task's messages
  // (to the expert, with the calendar's cancellation, and to the coordinator)
  // are urgent and go now, the withdrawn offer's waits for 08.00.
  clock_.Set(Helsinki(2026, 12, 1, 22, 30));
  for (const char* order : {"lyseo-dec", "lyseo-jan"}) {
    grpc::ClientContext ctx;
    v1::CancelOrderRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order));
    req.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
    v1::CancelOrderResponse resp;
    grpc::Status s = orders_->CancelOrder(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  messages = sink.Messages(7);
  ASSERT_EQ(messages.size(), 7u);
  nlohmann::json cancelled;
  for (const auto& m : messages) {
    if (m["subject"] == "Tehtävä peruttu: luennoitsija tai kouluttaja 10.12.2026" &&
        m["to"] == "kaisa@example.fi") {
      cancelled = m;
    }
  }
  ASSERT_FALSE(cancelled.is_null()) << messages.dump();
  EXPECT_THAT(
      cancelled["body"].get<std::string>(), HasSubstr("Tehtäväsi on peruttu (tilaaja perui).\n"));
  EXPECT_THAT(
      cancelled["body"].get<std::string>(), HasSubstr("Peruutuksesta ei makseta palkkiota.\n"));
  ASSERT_FALSE(cancelled["calendar"].is_null());
  EXPECT_EQ(cancelled["calendar"]["method"], "CANCEL");
  EXPECT_EQ(cancelled["calendar"]["filename"], "cancel.ics");
  EXPECT_EQ(cancelled["calendar"]["events"][0]["uid"], uid);
  EXPECT_EQ(cancelled["calendar"]["events"][0]["sequence"], 1);
  EXPECT_EQ(cancelled["calendar"]["events"][0]["status"], "CANCELLED");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(sink.Messages(7).size(), 7u);
  clock_.Set(Helsinki(2026, 12, 2, 8, 0));
  messages = sink.Messages(8);
  ASSERT_EQ(messages.size(), 8u);
  EXPECT_FALSE(
      last_of(messages, "Tarjous ei ole enää voimassa: luennoitsija tai kouluttaja 10.12.2026")
          .is_null())
      << messages.dump();
}

TEST_P(OutboxTest, RemindersComeOnceOffersLapseAndFeedbackIsAskedAfterTheTask) {
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");  // 1.12. 10.00, answer by 3.12. 12.00
  ASSERT_EQ(sink.Messages(1).size(), 1u);
  // A day before the deadline: a reminder, once.
  clock_.Set(Helsinki(2026, 12, 2, 12, 0));
  ASSERT_EQ(sink.Messages(2).size(), 2u);
  // At the deadline the offer lapses, and she hears of it.
  clock_.Set(Helsinki(2026, 12, 3, 12, 0));
  nlohmann::json messages = sink.Messages(3);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(
      SubjectsTo(messages, "kaisa@example.fi"),
      (std::vector<std::string>{
          "Muistutus: tarjous raukeaa 3.12.2026 klo 12.00",
          "Tarjous raukesi: luennoitsija tai kouluttaja 10.12.2026",
          "Tarjous: luennoitsija tai kouluttaja 10.12.2026"}));
  // A new offer, answered and confirmed at once: less than a week is left,
  // so the week's reminder is not sent; the day's is, once.
  OrderAndOffer("lyseo-dec2", Helsinki(2026, 12, 4, 12, 0));
  Move("accept", "lyseo-dec2");
  Move("confirm", "lyseo-dec2");
  ASSERT_EQ(sink.Messages(7).size(), 7u);
  clock_.Set(Helsinki(2026, 12, 9, 10, 0));
  ASSERT_EQ(sink.Messages(8).size(), 8u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // After the task, both the expert and the orderer are asked for feedback.
  clock_.Set(Helsinki(2026, 12, 10, 12, 0));
  Move("complete", "lyseo-dec2");
  messages = sink.Messages(10);
  ASSERT_EQ(messages.size(), 10u);
  EXPECT_EQ(
      SubjectsTo(messages, "kaisa@example.fi"),
      (std::vector<std::string>{
          "Miten tehtävä meni? 10.12.2026", "Muistutus: luennoitsija tai kouluttaja 10.12.2026",
          "Muistutus: tarjous raukeaa 3.12.2026 klo 12.00",
          "Tarjous raukesi: luennoitsija tai kouluttaja 10.12.2026",
          "Tarjous: luennoitsija tai kouluttaja 10.12.2026",
          "Tarjous: luennoitsija tai kouluttaja 10.12.2026",
          "Tehtävä vahvistettu: luennoitsija tai kouluttaja 10.12.2026"}));
  EXPECT_EQ(
      SubjectsTo(messages, "rehtori@example.fi"),
      (std::vector<std::string>{
          "Kokemusasiantuntija tulee: 10.12.2026",
          "Palautetta kokemusasiantuntijan käynnistä 10.12.2026"}));
  EXPECT_EQ(
      SubjectsTo(messages, "pankki@example.fi"),
      (std::vector<std::string>{"Tarjous hyväksytty: luennoitsija tai kouluttaja 10.12.2026"}));
  // No message holds the order's notes or the expert's experience areas.
  for (const storage::OutboxMessage& m : Outbox()) {
    EXPECT_THAT(m.body, Not(HasSubstr("päihde"))) << m.kind;
    EXPECT_THAT(m.body, Not(HasSubstr("MENTAL_HEALTH"))) << m.kind;
    EXPECT_THAT(m.attachment, Not(HasSubstr("päihde"))) << m.kind;
  }
}

TEST_P(OutboxTest, AnExpertWhoChoseTextMessagesGetsThemThroughTheGateway) {
  const std::filesystem::path received =
      std::filesystem::temp_directory_path() / absl::StrCat("kokemus-sms-", sms_port_, ".jsonl");
  std::filesystem::remove(received);
  testing_support::ChildProcess gateway(
      {"/usr/bin/python3", std::string(KOKEMUS_SOURCE_DIR) + "/tests/mail/http_receiver.py",
       absl::StrCat(sms_port_), received.string()},
      received.string() + ".log");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  {
    grpc::ClientContext ctx;
    v1::UpdateExpertRequest req;
    v1::Expert* e = req.mutable_expert();
    e->set_name("exchanges/ph/experts/kaisa");
    e->set_notification_channel(v1::NOTIFICATION_CHANNEL_SMS);
    e->set_preferred_language("sv");
    req.mutable_update_mask()->add_paths("notification_channel");
    req.mutable_update_mask()->add_paths("preferred_language");
    v1::UpdateExpertResponse resp;
    grpc::Status s = server_.registry().UpdateExpert(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.expert().notification_channel(), v1::NOTIFICATION_CHANNEL_SMS);
  }
  OrderAndOffer("lyseo-dec");
  std::vector<nlohmann::json> posts;
  for (int i = 0; i < 100 && posts.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(received);
    for (std::string line; std::getline(in, line);) posts.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["path"], "/v1/sms");
  EXPECT_EQ(posts[0]["authorization"], "Bearer gw-secret");
  EXPECT_EQ(posts[0]["content_type"], "application/json");
  const nlohmann::json body = nlohmann::json::parse(posts[0]["body"].get<std::string>());
  EXPECT_EQ(body["to"], "+358401234567");
  const std::string token = LinkToken(body["text"]);
  EXPECT_EQ(
      body["text"],
      "Erbjudande: föreläsare eller utbildare 10.12.2026\n"
      "https://kokemus.example.fi/s/" +
          token +
          "\n"
          "Päijät-Hämeen kokemusasiantuntijapankki pankki@example.fi");
  std::vector<storage::OutboxMessage> outbox;
  for (int i = 0; i < 50; ++i) {
    outbox = Outbox();
    if (outbox.size() == 1 && outbox[0].state == "SENT") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].channel, "SMS");
  EXPECT_EQ(outbox[0].recipient, "+358401234567");
  EXPECT_EQ(outbox[0].state, "SENT");
  std::filesystem::remove(received);
}

TEST_P(OutboxTest, TheCoordinatorSeesWhatWasSentResendsAndSetsTheReminders) {
  auto notify = v1::NotificationService::NewStub(server_.channel());
  OrderAndOffer("lyseo-dec");  // no SMTP server: it waits, with the reason
  std::vector<storage::OutboxMessage> outbox;
  for (int i = 0; i < 100; ++i) {
    outbox = Outbox();
    if (!outbox.empty() && outbox[0].attempts == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(outbox.size(), 1u);
  v1::ListMessagesResponse list;
  {
    grpc::ClientContext ctx;
    v1::ListMessagesRequest req;
    req.set_parent("exchanges/ph");
    req.set_filter("state=PENDING");
    grpc::Status s = notify->ListMessages(&ctx, req, &list);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_EQ(list.messages_size(), 1);
  const v1::Message& m = list.messages(0);
  EXPECT_EQ(m.name(), "exchanges/ph/messages/" + outbox[0].id);
  EXPECT_EQ(m.kind(), v1::Message::KIND_OFFER_MADE);
  EXPECT_EQ(m.resource(), "exchanges/ph/orders/lyseo-dec/assignments/kaisa");
  EXPECT_EQ(m.recipient_kind(), v1::Message::RECIPIENT_KIND_EXPERT);
  EXPECT_EQ(m.channel(), v1::NOTIFICATION_CHANNEL_EMAIL);
  EXPECT_EQ(m.recipient(), "kaisa@example.fi");
  EXPECT_EQ(m.subject(), "Tarjous: luennoitsija tai kouluttaja 10.12.2026");
  EXPECT_EQ(m.body(), "");  // lists carry no texts
  EXPECT_EQ(m.state(), v1::Message::STATE_PENDING);
  EXPECT_EQ(m.attempts(), 1);
  EXPECT_THAT(m.last_error(), HasSubstr("SMTP: "));
  EXPECT_EQ(rpc::FromProto(m.send_after()), Helsinki(2026, 12, 1, 10, 1));
  EXPECT_FALSE(m.has_send_time());
  {
    grpc::ClientContext ctx;
    v1::ListMessagesRequest req;
    req.set_parent("exchanges/ph");
    req.set_filter("state=SENT");
    v1::ListMessagesResponse none;
    ASSERT_TRUE(notify->ListMessages(&ctx, req, &none).ok());
    EXPECT_EQ(none.messages_size(), 0);
    grpc::ClientContext bad_ctx;
    req.set_filter("state=LOST");
    grpc::Status s = notify->ListMessages(&bad_ctx, req, &none);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    v1::GetMessageRequest req;
    req.set_name(m.name());
    v1::GetMessageResponse got;
    ASSERT_TRUE(notify->GetMessage(&ctx, req, &got).ok());
    EXPECT_THAT(got.message().body(), HasSubstr("Vastaathan viimeistään 3.12.2026 klo 12.00.\n"));
    grpc::ClientContext missing_ctx;
    req.set_name("exchanges/ph/messages/nope");
    grpc::Status s = notify->GetMessage(&missing_ctx, req, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(), "exchanges/ph/messages/nope not found");
  }
  // SMTP is back; a resend goes at once as a copy with its own Message-ID.
  testing_support::SmtpSink sink(smtp_port_);
  {
    grpc::ClientContext ctx;
    v1::ResendMessageRequest req;
    req.set_name(m.name());
    v1::ResendMessageResponse copy;
    grpc::Status s = notify->ResendMessage(&ctx, req, &copy);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_NE(copy.message().name(), m.name());
    EXPECT_EQ(copy.message().state(), v1::Message::STATE_PENDING);
    EXPECT_EQ(copy.message().subject(), m.subject());
  }
  nlohmann::json delivered = sink.Messages(1);
  ASSERT_GE(delivered.size(), 1u);
  // The reads were audited.
  {
    auto access = v1::AccessService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    v1::ListAuditRecordsRequest req;
    req.set_parent("exchanges/ph");
    req.set_resource(m.name());
    v1::ListAuditRecordsResponse records;
    ASSERT_TRUE(access->ListAuditRecords(&ctx, req, &records).ok());
    std::vector<std::string> methods;
    for (const auto& r : records.audit_records()) methods.push_back(r.method());
    EXPECT_THAT(
        methods, ::testing::UnorderedElementsAre(
                     "kokemus.v1.NotificationService/ResendMessage",
                     "kokemus.v1.NotificationService/GetMessage"));
  }
  // Settings: the defaults, then one field by mask; a stale etag is ABORTED,
  // a bad value names its field.
  v1::NotificationSettings settings;
  {
    grpc::ClientContext ctx;
    v1::GetNotificationSettingsRequest req;
    req.set_name("exchanges/ph/notificationSettings");
    v1::GetNotificationSettingsResponse got;
    ASSERT_TRUE(notify->GetNotificationSettings(&ctx, req, &got).ok());
    settings = got.notification_settings();
    EXPECT_THAT(settings.task_reminder_hours(), ::testing::ElementsAre(168, 24));
    EXPECT_EQ(settings.offer_reminder_hours(), 24);
    EXPECT_EQ(settings.key_warning_days(), 14);
    EXPECT_EQ(settings.etag(), "\"0\"");
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateNotificationSettingsRequest req;
    req.mutable_notification_settings()->set_name("exchanges/ph/notificationSettings");
    req.mutable_notification_settings()->add_task_reminder_hours(48);
    req.mutable_notification_settings()->set_etag(settings.etag());
    v1::UpdateNotificationSettingsResponse updated;
    grpc::Status s = notify->UpdateNotificationSettings(&ctx, req, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_THAT(updated.notification_settings().task_reminder_hours(), ::testing::ElementsAre(48));
    EXPECT_EQ(updated.notification_settings().offer_reminder_hours(), 24);  // untouched
    EXPECT_EQ(updated.notification_settings().etag(), "\"1\"");
    grpc::ClientContext stale_ctx;
    s = notify->UpdateNotificationSettings(&stale_ctx, req, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
    grpc::ClientContext bad_ctx;
    req.mutable_notification_settings()->clear_etag();
    req.mutable_notification_settings()->set_offer_reminder_hours(400);
    req.mutable_update_mask()->add_paths("offer_reminder_hours");
    s = notify->UpdateNotificationSettings(&bad_ctx, req, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(
        s.error_message(),
        "invalid request: notification_settings.offer_reminder_hours: must be 0 (none) to 336 "
        "hours (14 days)");
    grpc::ClientContext mask_ctx;
    req.mutable_update_mask()->add_paths("quiet_hours");
    s = notify->UpdateNotificationSettings(&mask_ctx, req, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("update_mask: unknown field \"quiet_hours\""));
  }
  // A second change (stored settings updated in place): the exchange's own
  // sender address and quiet hours; the reminders stay as set.
  {
    grpc::ClientContext ctx;
    v1::UpdateNotificationSettingsRequest req;
    req.mutable_notification_settings()->set_name("exchanges/ph/notificationSettings");
    req.mutable_notification_settings()->set_etag("\"1\"");
    req.mutable_notification_settings()->set_sender_address("kokemus@phhyky.fi");
    req.mutable_notification_settings()->set_quiet_from_hour(22);
    req.mutable_notification_settings()->set_quiet_until_hour(7);
    v1::UpdateNotificationSettingsResponse updated;
    grpc::Status s = notify->UpdateNotificationSettings(&ctx, req, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(updated.notification_settings().etag(), "\"2\"");
    EXPECT_EQ(updated.notification_settings().sender_address(), "kokemus@phhyky.fi");
    EXPECT_EQ(updated.notification_settings().quiet_from_hour(), 22);
    EXPECT_EQ(updated.notification_settings().quiet_until_hour(), 7);
    grpc::ClientContext get_ctx;
    v1::GetNotificationSettingsRequest get;
    get.set_name("exchanges/ph/notificationSettings");
    v1::GetNotificationSettingsResponse read;
    ASSERT_TRUE(notify->GetNotificationSettings(&get_ctx, get, &read).ok());
    EXPECT_EQ(read.notification_settings().sender_address(), "kokemus@phhyky.fi");
    EXPECT_THAT(read.notification_settings().task_reminder_hours(), ::testing::ElementsAre(48));
    EXPECT_EQ(read.notification_settings().quiet_until_hour(), 7);
    grpc::ClientContext bad_ctx;
    req.mutable_notification_settings()->clear_etag();
    req.mutable_notification_settings()->set_sender_address("not an address");
    s = notify->UpdateNotificationSettings(&bad_ctx, req, &updated);
    EXPECT_EQ(
        s.error_message(),
        "invalid request: notification_settings.sender_address: must be an e-mail address");
  }
  // The exchange's messages now go from its own address.
  OrderAndOffer("lyseo-jan");
  const std::string own = "Päijät-Hämeen kokemusasiantuntijapankki <kokemus@phhyky.fi>";
  int from_own = 0;
  for (int i = 0; i < 50 && from_own == 0; ++i) {
    for (const auto& m : sink.Messages(1)) from_own += m["from"] == own ? 1 : 0;
    if (from_own == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(from_own, 1);  // the new offer; the resent copy went as before
}

// The server as a separate process, so that it can be killed.
TEST_P(OutboxTest, AnExchangesOwnWordingIsCheckedPreviewedSentAndReset) {
  auto notify = v1::NotificationService::NewStub(server_.channel());
  const std::string name = "exchanges/ph/messageTemplates/offer-made-expert-fi";
  {
    grpc::ClientContext ctx;
    v1::ListMessageTemplatesRequest req;
    req.set_parent("exchanges/ph");
    v1::ListMessageTemplatesResponse list;
    ASSERT_TRUE(notify->ListMessageTemplates(&ctx, req, &list).ok());
    ASSERT_EQ(list.message_templates_size(), 78);
    const v1::MessageTemplate& first = list.message_templates(0);
    EXPECT_EQ(first.name(), name);
    EXPECT_EQ(first.kind(), v1::Message::KIND_OFFER_MADE);
    EXPECT_EQ(first.recipient_kind(), v1::Message::RECIPIENT_KIND_EXPERT);
    EXPECT_EQ(first.language(), "fi");
    EXPECT_FALSE(first.customized());
    EXPECT_EQ(first.subject(), "Tarjous: {{{role}}} {{{date}}}");
    EXPECT_EQ(first.preview_subject(), "Tarjous: luennoitsija tai kouluttaja 15.3.2027");
    EXPECT_THAT(first.preview_body(), HasSubstr("Vastaathan viimeistään 1.3.2027 klo 16.00.\n"));
    EXPECT_THAT(first.required_variables(), ElementsAre("deadline", "link"));
    EXPECT_FALSE(first.has_update_time());
  }
  auto update = [&](const std::string& subject, const std::string& body, bool validate_only,
                    v1::MessageTemplate* out = nullptr) {
    grpc::ClientContext ctx;
    v1::UpdateMessageTemplateRequest req;
    req.mutable_message_template()->set_name(name);
    req.mutable_message_template()->set_subject(subject);
    req.mutable_message_template()->set_body(body);
    req.set_validate_only(validate_only);
    v1::UpdateMessageTemplateResponse resp;
    grpc::Status s = notify->UpdateMessageTemplate(&ctx, req, &resp);
    if (out != nullptr) *out = resp.message_template();
    return s;
  };
  auto get = [&] {
    grpc::ClientContext ctx;
    v1::GetMessageTemplateRequest req;
    req.set_name(name);
    v1::GetMessageTemplateResponse resp;
    EXPECT_TRUE(notify->GetMessageTemplate(&ctx, req, &resp).ok());
    return resp.message_template();
  };
  // A typo is refused by field, and nothing is stored.
  grpc::Status typo = update("Keikka {{date}}", "Hei {{expert_nmae}}", false);
  EXPECT_EQ(typo.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      typo.error_message(),
      HasSubstr("message_template.body: {{expert_nmae}} is not a variable of this template"));
  EXPECT_FALSE(get().customized());
  // Checked and previewed only.
  const std::string body =
      "Moi!\n\n{{orderer}} toivoo sinua {{time}} ({{place}}).\n"
      "Vastaa {{deadline}} mennessä:\n{{link}}\n\n{{exchange_name}}\n";
  v1::MessageTemplate previewed;
  ASSERT_TRUE(update("Keikka {{date}}: {{topic}}", body, true, &previewed).ok());
  EXPECT_EQ(previewed.preview_subject(), "Keikka 15.3.2027: Hyvinvointi koulussa");
  EXPECT_EQ(
      previewed.preview_body(),
      "Moi!\n\nEsimerkkikoulu toivoo sinua 15.3.2027 klo 10.00 (Esimerkkikatu 1, Helsinki).\n"
      "Vastaa 1.3.2027 klo 16.00 mennessä:\nhttps://kokemus.example.fi/s/esimerkki\n\n"
      "Välitys (esimerkki)\n");
  EXPECT_FALSE(get().customized());
  // Stored: the next offer goes out in the exchange's words.
  v1::MessageTemplate stored;
  ASSERT_TRUE(update("Keikka {{date}}: {{topic}}", body, false, &stored).ok());
  EXPECT_TRUE(stored.customized());
  EXPECT_EQ(rpc::FromProto(stored.update_time()), clock_.Now());
  EXPECT_EQ(get().body(), body);
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");
  nlohmann::json messages = sink.Messages(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["subject"], "Keikka 10.12.2026: Toipumistarina");
  const std::string token = LinkToken(messages[0]["body"]);
  EXPECT_EQ(
      messages[0]["body"],
      "Moi!\n\nLahden lyseon lukio toivoo sinua 10.12.2026 klo 10.00 (Kirkkokatu 1, Lahti).\n"
      "Vastaa 3.12.2026 klo 12.00 mennessä:\nhttps://kokemus.example.fi/s/" +
          token + "\n\nPäijät-Hämeen kokemusasiantuntijapankki\n");
  // Only the subject changes when only it is given; the body stays.
  {
    grpc::ClientContext ctx;
    v1::UpdateMessageTemplateRequest req;
    req.mutable_message_template()->set_name(name);
    req.mutable_message_template()->set_subject("Uusi keikka {{date}}");
    v1::UpdateMessageTemplateResponse resp;
    ASSERT_TRUE(notify->UpdateMessageTemplate(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.message_template().subject(), "Uusi keikka {{date}}");
    EXPECT_EQ(resp.message_template().body(), body);
    grpc::ClientContext bad_ctx;
    req.mutable_update_mask()->add_paths("kind");
    grpc::Status bad = notify->UpdateMessageTemplate(&bad_ctx, req, &resp);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        bad.error_message(),
        HasSubstr("update_mask: unknown field \"kind\"; the fields are subject and body"));
  }
  // Reset: Kokemus's words again.
  {
    grpc::ClientContext ctx;
    v1::ResetMessageTemplateRequest req;
    req.set_name(name);
    v1::ResetMessageTemplateResponse resp;
    ASSERT_TRUE(notify->ResetMessageTemplate(&ctx, req, &resp).ok());
    EXPECT_FALSE(resp.message_template().customized());
    EXPECT_EQ(resp.message_template().subject(), "Tarjous: {{{role}}} {{{date}}}");
  }
  OrderAndOffer("lyseo-jan");
  messages = sink.Messages(2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_THAT(
      SubjectsTo(messages, "kaisa@example.fi"),
      ElementsAre(
          "Keikka 10.12.2026: Toipumistarina", "Tarjous: luennoitsija tai kouluttaja 10.12.2026"));
  // Names that are no message, and other exchanges.
  for (const auto& [bad_name, code, text] :
       std::vector<std::tuple<std::string, grpc::StatusCode, std::string>>{
           {"exchanges/ph/messageTemplates/offer-made-orderer-fi",
            grpc::StatusCode::INVALID_ARGUMENT, "name: must name a message"},
           {"exchanges/ph/templates/offer-made-expert-fi", grpc::StatusCode::INVALID_ARGUMENT,
            "name: must be a resource name exchanges/{exchange}/messageTemplates/{id}"},
       }) {
    grpc::ClientContext ctx;
    v1::GetMessageTemplateRequest req;
    req.set_name(bad_name);
    v1::GetMessageTemplateResponse resp;
    grpc::Status s = notify->GetMessageTemplate(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), code) << bad_name;
    EXPECT_THAT(s.error_message(), HasSubstr(text)) << bad_name;
  }
}

class OutboxCrashTest : public ::testing::TestWithParam<Backend> {};

// The server process killed with SIGKILL 20 times, right after an offer
// committed (before or during its delivery): afterwards every message has
// reached the SMTP server, repeats only under the same Message-ID.
TEST_P(OutboxCrashTest, NoMessageIsLostWhenTheServerIsKilled) {
  testing_support::TestDatabase db(GetParam());
  testing_support::TestKeys keys(db.url());
  const int smtp_port = testing_support::FreePort();
  testing_support::SmtpSink sink(smtp_port);
  const std::string log_dir = testing_support::MakeTempDir();
  std::string address;
  auto start = [&] {
    address = absl::StrCat("127.0.0.1:", testing_support::FreePort());
    auto child = std::make_unique<testing_support::ChildProcess>(
        std::vector<std::string>{
            testing_support::BinaryPath("kokemus-server"), "--listen", address, "--database",
            db.url(), "--plaintext", "--smtp_url", absl::StrCat("smtp://127.0.0.1:", smtp_port),
            "--smtp_from", "kokemus@example.fi", "--outbox_lease", "1s"},
        log_dir + "/server.log");
    // Up to 60 s to answer (a loaded machine starts it slowly).
    bool up = false;
    for (const absl::Time until = absl::Now() + absl::Seconds(60); !up && absl::Now() < until;) {
      auto registry = v1::RegistryService::NewStub(testing_support::AutoKeyChannel(address, keys));
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      v1::ListExchangesRequest req;
      v1::ListExchangesResponse resp;
      up = registry->ListExchanges(&ctx, req, &resp).ok();
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(up) << "the server did not answer within 60 s";
    return child;
  };
  {
    auto server = start();
    auto channel = testing_support::AutoKeyChannel(address, keys);
    auto registry = v1::RegistryService::NewStub(channel);
    testing_support::CreateExchange(*registry, "ph");
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_expert_id("kaisa");
    *req.mutable_expert() = testing_support::SampleExpert();
    v1::CreateExpertResponse resp;
    ASSERT_TRUE(registry->CreateExpert(&ctx, req, &resp).ok());
    grpc::ClientContext org_ctx;
    v1::CreateOrganizationRequest org;
    org.set_parent("exchanges/ph");
    org.set_organization_id("lyseo");
    *org.mutable_organization() = testing_support::SampleOrganization();
    org.mutable_organization()->clear_contact_email();
    v1::CreateOrganizationResponse org_resp;
    ASSERT_TRUE(registry->CreateOrganization(&org_ctx, org, &org_resp).ok());
    auto orders = v1::OrderService::NewStub(channel);
    testing_support::SetFixedFee(*orders, "ph", v1::ROLE_LECTURER, 15000);
    // The real clock runs here: no quiet hours, whatever the time of day.
    auto notify = v1::NotificationService::NewStub(channel);
    grpc::ClientContext quiet_ctx;
    v1::UpdateNotificationSettingsRequest quiet;
    quiet.mutable_notification_settings()->set_name("exchanges/ph/notificationSettings");
    quiet.mutable_update_mask()->add_paths("quiet_from_hour");
    quiet.mutable_update_mask()->add_paths("quiet_until_hour");
    v1::UpdateNotificationSettingsResponse quiet_resp;
    grpc::Status quiet_status = notify->UpdateNotificationSettings(&quiet_ctx, quiet, &quiet_resp);
    ASSERT_TRUE(quiet_status.ok()) << quiet_status.error_message();
    server->Signal(SIGKILL);
    server->Wait();
  }
  const int kKills = 20;
  for (int i = 0; i < kKills; ++i) {
    auto server = start();
    auto orders = v1::OrderService::NewStub(testing_support::AutoKeyChannel(address, keys));
    const std::string id = absl::StrCat("o", i);
    testing_support::CreateOrder(
        *orders, "ph", id,
        testing_support::SampleOrder("ph", "lyseo", absl::Now() + absl::Hours(24 * (30 + i))));
    if (::testing::Test::HasFatalFailure()) return;
    grpc::ClientContext offer_ctx;
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/" + id);
    offer.set_assignment_id("kaisa");
    offer.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *offer.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(absl::Now() + absl::Hours(24 * 7));
    v1::OfferAssignmentResponse offered;
    grpc::Status s = orders->OfferAssignment(&offer_ctx, offer, &offered);
    ASSERT_TRUE(s.ok()) << s.error_message();
    // Killed at once (before delivery) or a moment later (during it).
    std::this_thread::sleep_for(std::chrono::milliseconds(i % 2 == 0 ? 0 : 5 * (i % 7)));
    server->Signal(SIGKILL);
    EXPECT_EQ(server->Wait(), 128 + SIGKILL);
  }
  auto server = start();
  auto outbox_db = storage::Database::Open(db.url());
  ASSERT_TRUE(outbox_db.ok());
  storage::OutboxStore outbox(**outbox_db);
  auto query = domain::ParseListQuery(
      "exchanges/ph", "messages", 1000, "", "kind = OFFER_MADE", storage::MessageFilterFields());
  ASSERT_TRUE(query.ok());
  std::vector<storage::OutboxMessage> rows;
  for (int i = 0; i < 100; ++i) {
    auto page = outbox.List("ph", *query);
    ASSERT_TRUE(page.ok());
    rows = page->items;
    if (std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.state == "SENT"; })) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Every row was sent: the sink has filed each before answering.
  nlohmann::json messages = sink.Messages(kKills);
  std::set<std::string> ids;
  size_t offers = 0;
  for (const auto& m : messages) {
    if (m["to"] != "kaisa@example.fi") continue;  // a key warning to the exchange
    ++offers;
    ids.insert(m["message_id"].get<std::string>());
  }
  // Every offer's message arrived; a repeat carries the same Message-ID.
  EXPECT_EQ(ids.size(), static_cast<size_t>(kKills)) << offers << " offers delivered";
  std::printf("%zu offer messages delivered for %d offers\n", offers, kKills);
  EXPECT_GE(offers, static_cast<size_t>(kKills));
  ASSERT_EQ(rows.size(), static_cast<size_t>(kKills));
  for (const auto& r : rows) {
    EXPECT_EQ(r.state, "SENT") << r.id;
    EXPECT_EQ(ids.count(absl::StrCat("<", r.id, "@kokemus.invalid>")), 1u) << r.id;
  }
  server->Signal(SIGTERM);
  server->Wait();
}

// One watch of the exchange's events as the key's holder, until `n` came or
// the stream ended.
struct Watched {
  std::vector<v1::Event> events;
  grpc::Status status;
};
Watched Watch(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& after, size_t n,
    absl::Duration deadline = absl::Milliseconds(2500)) {
  auto notify = v1::NotificationService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  v1::WatchEventsRequest req;
  req.set_parent("exchanges/ph");
  req.set_after(after);
  auto reader = notify->WatchEvents(&ctx, req);
  Watched w;
  v1::WatchEventsResponse resp;
  while (w.events.size() < n && reader->Read(&resp)) {
    for (const v1::Event& e : resp.events()) w.events.push_back(e);
  }
  if (w.events.size() >= n) ctx.TryCancel();
  w.status = reader->Finish();
  return w;
}

std::vector<std::string> Described(const std::vector<v1::Event>& events) {
  std::vector<std::string> out;
  for (const v1::Event& e : events) {
    out.push_back(absl::StrCat(
        v1::Event::Kind_Name(e.kind()), " ", e.assignment(), " ",
        v1::Assignment::State_Name(e.assignment_state())));
  }
  return out;
}

TEST_P(OutboxTest, RegionalSystemsWatchEventsFromACursorWithinTheirAccess) {
  testing_support::CreateOrganization(server_.registry(), "ph", "muu");
  OrderAndOffer("lyseo-dec");
  {
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name("exchanges/ph/orders/lyseo-dec/assignments/kaisa");
    v1::AcceptAssignmentResponse resp;
    grpc::Status s = orders_->AcceptAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string a = "exchanges/ph/orders/lyseo-dec/assignments/kaisa";
  // The coordinator's watch ends (OK) before its deadline, with both moves.
  Watched all = Watch(server_.channel(), "", 100);
  EXPECT_TRUE(all.status.ok()) << all.status.error_message();
  EXPECT_THAT(
      Described(all.events), ::testing::ElementsAre(
                                 "KIND_ASSIGNMENT_CHANGED " + a + " STATE_OFFERED",
                                 "KIND_ASSIGNMENT_CHANGED " + a + " STATE_ACCEPTED"));
  ASSERT_EQ(all.events.size(), 2u);
  EXPECT_EQ(all.events[0].order(), "exchanges/ph/orders/lyseo-dec");
  EXPECT_EQ(rpc::FromProto(all.events[0].time()), Helsinki(2026, 12, 1, 10, 0));
  // A deadline too near to wait still gets what is there.
  EXPECT_EQ(Watch(server_.channel(), "", 100, absl::Milliseconds(500)).events.size(), 2u);
  // From a cursor: only what came after it.
  Watched rest = Watch(server_.channel(), all.events[0].cursor(), 100);
  EXPECT_THAT(
      Described(rest.events),
      ::testing::ElementsAre("KIND_ASSIGNMENT_CHANGED " + a + " STATE_ACCEPTED"));
  // An orderer system sees its organization's, an expert her own.
  auto as = [&](domain::AccessRole role, const std::string& org, const std::string& expert) {
    return testing_support::KeyChannel(
        server_.address(), server_.keys().Make(role, "ph", org, expert));
  };
  EXPECT_EQ(Watch(as(domain::AccessRole::kOrdererSystem, "lyseo", ""), "", 100).events.size(), 2u);
  EXPECT_EQ(Watch(as(domain::AccessRole::kOrdererSystem, "muu", ""), "", 100).events.size(), 0u);
  EXPECT_EQ(Watch(as(domain::AccessRole::kExpert, "", "kaisa"), "", 100).events.size(), 2u);
  // A watch in progress gets a new event as it commits.
  Watched live;
  std::thread watcher(
      [&] { live = Watch(server_.channel(), all.events[1].cursor(), 1, absl::Seconds(10)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  OrderAndOffer("lyseo-jan");
  watcher.join();
  EXPECT_THAT(
      Described(live.events),
      ::testing::ElementsAre(
          "KIND_ASSIGNMENT_CHANGED exchanges/ph/orders/lyseo-jan/assignments/kaisa "
          "STATE_OFFERED"));
  EXPECT_EQ(live.status.error_code(), grpc::StatusCode::CANCELLED);  // the test hung up
  Watched bad = Watch(server_.channel(), "1; DROP TABLE events", 1);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      bad.status.error_message(),
      "invalid request: after: \"1; DROP TABLE events\" is not a cursor of this stream");
}

// The JSON lines a tests/mail/http_receiver.py wrote, once there are `n`.
std::vector<nlohmann::json> Posts(const std::filesystem::path& file, size_t n) {
  std::vector<nlohmann::json> posts;
  for (int i = 0; i < 100; ++i) {
    posts.clear();
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) posts.push_back(nlohmann::json::parse(line));
    if (posts.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return posts;
}

TEST_P(OutboxTest, AWebhookGetsTheOrganizationsEventsSignedAndRetried) {
  testing_support::CreateOrganization(server_.registry(), "ph", "muu");
  const int port = testing_support::FreePort();
  const std::filesystem::path received =
      std::filesystem::temp_directory_path() / absl::StrCat("kokemus-hook-", port, ".jsonl");
  std::filesystem::remove(received);
  // The receiver is down for the first call (503).
  testing_support::ChildProcess receiver(
      {"/usr/bin/python3", std::string(KOKEMUS_SOURCE_DIR) + "/tests/mail/http_receiver.py",
       absl::StrCat(port), received.string(), "204", "1"},
      received.string() + ".log");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto notify = v1::NotificationService::NewStub(server_.channel());
  v1::CreateWebhookRequest create;
  create.set_parent("exchanges/ph");
  create.mutable_webhook()->set_url("http://example.fi/hooks");
  create.mutable_webhook()->set_organization("exchanges/ph/organizations/lyseo");
  v1::CreateWebhookResponse made;
  {
    grpc::ClientContext ctx;
    grpc::Status s = notify->CreateWebhook(&ctx, create, &made);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(
        s.error_message(),
        "invalid request: webhook.url: must be an https:// address (http only to this machine)");
  }
  create.mutable_webhook()->set_url(absl::StrCat("http://127.0.0.1:", port, "/hooks/kokemus"));
  {
    grpc::ClientContext ctx;
    grpc::Status s = notify->CreateWebhook(&ctx, create, &made);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string name = made.webhook().name();
  EXPECT_THAT(name, ::testing::StartsWith("exchanges/ph/webhooks/"));
  EXPECT_EQ(made.webhook().organization(), "exchanges/ph/organizations/lyseo");
  EXPECT_THAT(made.secret(), ::testing::MatchesRegex("whsec_[A-Za-z0-9_-]{43}"));

  OrderAndOffer("lyseo-dec");
  std::vector<nlohmann::json> posts = Posts(received, 1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["status"], 503);
  auto list = [&](const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    v1::ListWebhooksRequest req;
    req.set_parent("exchanges/ph");
    v1::ListWebhooksResponse resp;
    grpc::Status s = v1::NotificationService::NewStub(channel)->ListWebhooks(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  };
  v1::ListWebhooksResponse failing;
  for (int i = 0; i < 50; ++i) {
    failing = list(server_.channel());
    if (failing.webhooks_size() == 1 && failing.webhooks(0).failures() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(failing.webhooks_size(), 1);
  EXPECT_EQ(failing.webhooks(0).failures(), 1);
  EXPECT_EQ(failing.webhooks(0).last_error(), "the receiver answered HTTP 503");
  EXPECT_FALSE(failing.webhooks(0).has_last_delivery_time());
  // A minute on, it is tried again, with the same events.
  clock_.Set(Helsinki(2026, 12, 1, 10, 1) + absl::Seconds(1));
  posts = Posts(received, 2);
  ASSERT_EQ(posts.size(), 2u);
  const nlohmann::json& ok = posts[1];
  EXPECT_EQ(ok["status"], 204);
  EXPECT_EQ(ok["path"], "/hooks/kokemus");
  EXPECT_EQ(ok["content_type"], "application/json");
  EXPECT_EQ(ok["webhook"], name);
  EXPECT_EQ(ok["body"], posts[0]["body"]);
  const nlohmann::json body = nlohmann::json::parse(ok["body"].get<std::string>());
  ASSERT_EQ(body["events"].size(), 1u) << body.dump();
  const std::string cursor = body["events"][0]["cursor"];
  EXPECT_EQ(
      body, nlohmann::json::parse(absl::StrCat(
                R"({"webhook": ")", name, R"(", "events": [{"cursor": ")", cursor,
                R"(", "kind": "KIND_ASSIGNMENT_CHANGED",)",
                R"( "assignment": "exchanges/ph/orders/lyseo-dec/assignments/kaisa",)",
                R"( "order": "exchanges/ph/orders/lyseo-dec", "assignmentState": "STATE_OFFERED",)",
                R"( "time": "2026-12-01T08:00:00Z"}]})")));
  EXPECT_EQ(ok["timestamp"], absl::StrCat(absl::ToUnixSeconds(clock_.Now())));
  // The signature, checked with Python's own hmac.
  auto expected = testing_support::RunProcess(
      {"/usr/bin/python3", "-c",
       "import hashlib, hmac, sys; print('v1=' + hmac.new(sys.argv[1].encode(), (sys.argv[2] + "
       "'.' + sys.argv[3]).encode(), hashlib.sha256).hexdigest(), end='')",
       made.secret(), ok["timestamp"].get<std::string>(), ok["body"].get<std::string>()});
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  EXPECT_EQ(ok["signature"], expected.out);

  v1::ListWebhooksResponse delivered;
  for (int i = 0; i < 50; ++i) {
    delivered = list(server_.channel());
    if (delivered.webhooks(0).failures() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(delivered.webhooks(0).cursor(), cursor);
  EXPECT_EQ(delivered.webhooks(0).failures(), 0);
  EXPECT_EQ(delivered.webhooks(0).last_error(), "");
  EXPECT_EQ(rpc::FromProto(delivered.webhooks(0).last_delivery_time()), clock_.Now());
  // Another organization's orderer system neither sees nor deletes it.
  auto muu = testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "muu", ""));
  EXPECT_EQ(list(muu).webhooks_size(), 0);
  v1::DeleteWebhookRequest del;
  del.set_name(name);
  v1::DeleteWebhookResponse deleted;
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(
        v1::NotificationService::NewStub(muu)->DeleteWebhook(&ctx, del, &deleted).error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(notify->DeleteWebhook(&ctx, del, &deleted).ok());
  }
  EXPECT_EQ(list(server_.channel()).webhooks_size(), 0);
  // Events of another organization's orders never went to it.
  EXPECT_EQ(Posts(received, 3).size(), 2u);
}

// A calendar feed read over HTTP with python3-icalendar (tests/mail/fetch_feed.py).
nlohmann::json FetchFeed(const std::string& url, const std::string& method = "GET") {
  auto fetched = testing_support::RunProcess(
      {"/usr/bin/python3", std::string(KOKEMUS_SOURCE_DIR) + "/tests/mail/fetch_feed.py", url,
       method});
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  return fetched.exit_code == 0 ? nlohmann::json::parse(fetched.out) : nlohmann::json();
}

TEST_P(OutboxTest, ACalendarFeedShowsTheExpertsTasksUntilRevoked) {
  auto notify_as = [](const std::shared_ptr<grpc::Channel>& channel) {
    return v1::NotificationService::NewStub(channel);
  };
  OrderAndOffer("lyseo-dec");
  const std::string a = "exchanges/ph/orders/lyseo-dec/assignments/kaisa";
  {
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name(a);
    v1::AcceptAssignmentResponse resp;
    ASSERT_TRUE(orders_->AcceptAssignment(&ctx, req, &resp).ok());
  }
  // Her own key makes her feed; another expert's may not.
  v1::Expert liisa = testing_support::SampleExpert();
  liisa.set_email("liisa@example.fi");
  testing_support::CreateExpert(server_.registry(), "ph", "liisa", liisa);
  auto kaisa = testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa"));
  auto other = testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "liisa"));
  v1::CreateCalendarFeedRequest create;
  create.set_parent("exchanges/ph/experts/kaisa");
  v1::CreateCalendarFeedResponse made;
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(
        v1::NotificationService::NewStub(other)
            ->CreateCalendarFeed(&ctx, create, &made)
            .error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    grpc::Status s =
        v1::NotificationService::NewStub(kaisa)->CreateCalendarFeed(&ctx, create, &made);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_THAT(
      made.calendar_feed().name(),
      ::testing::StartsWith("exchanges/ph/experts/kaisa/calendarFeeds/"));
  const std::string prefix = "https://kokemus.example.fi/calendar/";
  ASSERT_THAT(made.url(), ::testing::StartsWith(prefix));
  const std::string local = absl::StrCat(
      "http://127.0.0.1:", server_.server().web_port(), "/calendar/",
      made.url().substr(prefix.size()));
  nlohmann::json feed = FetchFeed(local);
  EXPECT_EQ(feed["status"], 200);
  EXPECT_EQ(feed["content_type"], "text/calendar; charset=utf-8");
  EXPECT_EQ(feed["referrer_policy"], "no-referrer");
  EXPECT_EQ(feed["method"], "PUBLISH");
  EXPECT_EQ(feed["name"], "Päijät-Hämeen kokemusasiantuntijapankki");  // shown by calendars
  EXPECT_EQ(feed["refresh"], "PT1H");
  ASSERT_EQ(feed["events"].size(), 1u) << feed.dump();
  EXPECT_EQ(
      feed["events"][0]["uid"], "exchanges.ph.orders.lyseo-dec.assignments.kaisa@kokemus.invalid");
  EXPECT_EQ(feed["events"][0]["status"], "TENTATIVE");  // accepted, not confirmed
  EXPECT_EQ(feed["events"][0]["sequence"], 1);
  EXPECT_EQ(feed["events"][0]["start"], "2026-12-10T10:00:00+02:00");
  EXPECT_EQ(feed["events"][0]["summary"], "luennoitsija tai kouluttaja: Toipumistarina");
  EXPECT_EQ(feed["events"][0]["location"], "Kirkkokatu 1, Lahti");
  {
    grpc::ClientContext ctx;
    v1::ConfirmAssignmentRequest req;
    req.set_name(a);
    v1::ConfirmAssignmentResponse resp;
    ASSERT_TRUE(orders_->ConfirmAssignment(&ctx, req, &resp).ok());
  }
  feed = FetchFeed(local);
  ASSERT_EQ(feed["events"].size(), 1u);
  EXPECT_EQ(feed["events"][0]["status"], "CONFIRMED");
  EXPECT_EQ(feed["events"][0]["sequence"], 2);  // raised by the change
  // The school's contact sees the confirmed visit in its own feed.
  auto lyseo = testing_support::KeyChannel(
      server_.address(),
      server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "lyseo", ""));
  create.set_parent("exchanges/ph/organizations/lyseo");
  v1::CreateCalendarFeedResponse school;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(
        v1::NotificationService::NewStub(lyseo)->CreateCalendarFeed(&ctx, create, &school).ok());
  }
  EXPECT_EQ(
      FetchFeed(absl::StrCat(
          "http://127.0.0.1:", server_.server().web_port(), "/calendar/",
          school.url().substr(prefix.size())))["events"]
          .size(),
      1u);
  // Wrong addresses and methods.
  const std::string base = absl::StrCat("http://127.0.0.1:", server_.server().web_port());
  EXPECT_EQ(
      FetchFeed(base + "/calendar/abc_def.ics"),
      nlohmann::json::parse(R"({"status": 404, "body": "no such calendar feed\n"})"));
  EXPECT_EQ(FetchFeed(local + "x")["status"], 404);
  EXPECT_EQ(FetchFeed(base + "/nothing")["status"], 404);
  EXPECT_EQ(FetchFeed(local, "POST")["status"], 405);
  // Revoked, the address answers 404.
  v1::RevokeCalendarFeedRequest revoke;
  revoke.set_name(made.calendar_feed().name());
  v1::RevokeCalendarFeedResponse revoked;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(
        v1::NotificationService::NewStub(kaisa)->RevokeCalendarFeed(&ctx, revoke, &revoked).ok());
  }
  EXPECT_EQ(FetchFeed(local)["status"], 404);
  v1::ListCalendarFeedsRequest list;
  list.set_parent("exchanges/ph/experts/kaisa");
  v1::ListCalendarFeedsResponse feeds;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(
        v1::NotificationService::NewStub(kaisa)->ListCalendarFeeds(&ctx, list, &feeds).ok());
  }
  EXPECT_EQ(feeds.calendar_feeds_size(), 0);
  // Erasing her takes her feeds with her.
  create.set_parent("exchanges/ph/experts/kaisa");
  v1::CreateCalendarFeedResponse again;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(notify_as(kaisa)->CreateCalendarFeed(&ctx, create, &again).ok());
  }
  const std::string again_local =
      absl::StrCat(base, "/calendar/", again.url().substr(prefix.size()));
  EXPECT_EQ(FetchFeed(again_local)["status"], 200);
  {
    grpc::ClientContext ctx;
    v1::EraseExpertRequest erase;
    erase.set_name("exchanges/ph/experts/kaisa");
    erase.set_force(true);
    erase.set_force(true);  // her tasks to come go to the pseudonym
    v1::EraseExpertResponse erased;
    ASSERT_TRUE(server_.registry().EraseExpert(&ctx, erase, &erased).ok());
  }
  EXPECT_EQ(FetchFeed(again_local)["status"], 404);
}

INSTANTIATE_TEST_SUITE_P(
    Db, OutboxTest, testing_support::kAllBackends, testing_support::BackendName);

INSTANTIATE_TEST_SUITE_P(
    Db, OutboxCrashTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
