// The self-service pages in a real browser: Debian's Chromium driven by
// Playwright (tests/web/browse.mjs), against a real server on both
// databases, signing in with the link from a really delivered e-mail; axe
// checks every page against WCAG 2.1 A and AA.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing_support::Backend;

absl::Time Helsinki(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), reference::HelsinkiTimeZone());
}

// Where screenshots go: build/web-shots (looked at by hand; kept after the test).
std::string ShotsDir() {
  const std::string dir = std::filesystem::current_path().string() + "/web-shots";
  std::filesystem::create_directories(dir);
  return dir;
}

class WebPagesTest : public ::testing::TestWithParam<Backend> {
 protected:
  domain::FakeClock clock_{Helsinki(2026, 12, 1, 10, 0)};
  const int smtp_port_ = testing_support::FreePort();
  const int web_port_ = testing_support::FreePort();
  const std::string base_ = absl::StrCat("http://127.0.0.1:", web_port_, "/");
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        testing_support::MailToSink(options, smtp_port_);
                                        options.outbox.web_base_url = base_;
                                        options.web_listen = absl::StrCat("127.0.0.1:", web_port_);
                                        // Six sign-in posts per address, then hardly any.
                                        options.web_sign_in_limit = {
                                            .per_second = 0.001, .burst = 6};
                                      }};

  void SetUp() override {
    auto& registry = server_.registry();
    testing_support::CreateExchange(registry, "ph");
    testing_support::CreateExpert(registry, "ph", "kaisa", testing_support::SampleExpert());
    testing_support::CreateOrganization(registry, "ph", "lyseo");
    orders_ = v1::OrderService::NewStub(server_.channel());
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
  }

  // An order on 10.12.2026 at 10.00 offered to `expert` until 3.12. at 12.00.
  void OrderAndOffer(
      const std::string& id, const std::string& expert = "kaisa",
      v1::OfferKind kind = v1::OFFER_KIND_UNSPECIFIED) {
    v1::Order o = testing_support::SampleOrder("ph", "lyseo", Helsinki(2026, 12, 10, 10, 0));
    testing_support::CreateOrder(*orders_, "ph", id, o);
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/" + id);
    offer.set_assignment_id(expert);
    offer.mutable_assignment()->set_expert("exchanges/ph/experts/" + expert);
    offer.mutable_assignment()->set_offer_kind(kind);
    *offer.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(Helsinki(2026, 12, 3, 12, 0));
    v1::OfferAssignmentResponse offered;
    grpc::Status s = orders_->OfferAssignment(&ctx, offer, &offered);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // The sign-in link in a delivered message's text.
  std::string LinkIn(const std::string& body) {
    const std::regex link(absl::StrCat("http://127\\.0\\.0\\.1:", web_port_, "/s/[A-Za-z0-9_-]+"));
    std::smatch match;
    if (!std::regex_search(body, match, link)) {
      ADD_FAILURE() << "no link in: " << body;
      return "";
    }
    return match[0];
  }

  v1::Assignment::State StateOf(const std::string& order, const std::string& expert = "kaisa") {
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order, "/assignments/", expert));
    v1::GetAssignmentResponse resp;
    EXPECT_TRUE(orders_->GetAssignment(&ctx, req, &resp).ok());
    return resp.assignment().state();
  }

  // Runs a browser scenario (tests/web/browse.mjs); what it saw.
  nlohmann::json Browse(nlohmann::json steps, const std::string& locale = "fi-FI") {
    return Node("browse.mjs", {{"steps", steps}, {"shots", ShotsDir()}, {"locale", locale}});
  }

  // Runs tests/web/`script` with `input` on its stdin; the JSON it printed.
  nlohmann::json Node(const std::string& script, const nlohmann::json& input) {
    const std::string path = std::filesystem::temp_directory_path().string() +
                             absl::StrCat("/kokemus-browse-", web_port_, ".json");
    {
      std::ofstream out(path);
      out << input.dump();
    }
    auto run = testing_support::RunProcess(
        {"/bin/sh", "-c",
         absl::StrCat(
             "KOKEMUS_NODE_TOOLS=", KOKEMUS_NODE_TOOLS, " node ", KOKEMUS_SOURCE_DIR, "/tests/web/",
             script, " < ", path)});
    std::filesystem::remove(path);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    nlohmann::json seen = nlohmann::json::parse(run.out, nullptr, false);
    if (seen.is_discarded()) {
      ADD_FAILURE() << script << " printed: " << run.out << run.err;
      return nlohmann::json::object();
    }
    EXPECT_THAT(seen["errors"], IsEmpty()) << seen["errors"].dump();
    return seen;
  }

  // The first delivered message whose subject starts with `subject`
  // (waiting up to 15 s for it among the others).
  nlohmann::json MailStartingWith(testing_support::SmtpSink& sink, const std::string& subject) {
    for (size_t n = 1; n <= 10; ++n) {
      for (const auto& m : sink.Messages(n)) {
        if (absl::StartsWith(m["subject"].get<std::string>(), subject)) return m;
      }
    }
    ADD_FAILURE() << "no message \"" << subject << "\"";
    return nlohmann::json::object();
  }

  // Moves an assignment as the coordinator ("accept" or "confirm").
  void Move(const std::string& order, const std::string& expert, const std::string& how) {
    const std::string name = absl::StrCat("exchanges/ph/orders/", order, "/assignments/", expert);
    grpc::ClientContext ctx;
    grpc::Status s;
    if (how == "accept") {
      v1::AcceptAssignmentRequest req;
      req.set_name(name);
      v1::AcceptAssignmentResponse resp;
      s = orders_->AcceptAssignment(&ctx, req, &resp);
    } else {
      v1::ConfirmAssignmentRequest req;
      req.set_name(name);
      v1::ConfirmAssignmentResponse resp;
      s = orders_->ConfirmAssignment(&ctx, req, &resp);
    }
    ASSERT_TRUE(s.ok()) << how << ": " << s.error_message();
  }

  // The coordinator generates the confirmed assignment's contract.
  v1::Contract Generate(const std::string& order, const std::string& expert) {
    auto contracts = v1::ContractService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    v1::GenerateContractRequest req;
    req.set_assignment(absl::StrCat("exchanges/ph/orders/", order, "/assignments/", expert));
    req.set_language("fi");
    v1::GenerateContractResponse resp;
    grpc::Status s = contracts->GenerateContract(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.contract();
  }

  v1::Contract GetContract(const std::string& name) {
    auto contracts = v1::ContractService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    v1::GetContractRequest req;
    req.set_name(name);
    v1::GetContractResponse resp;
    EXPECT_TRUE(contracts->GetContract(&ctx, req, &resp).ok());
    return resp.contract();
  }

  // axe found nothing on any page that was checked.
  static void ExpectAccessible(const nlohmann::json& pages) {
    for (const auto& page : pages) {
      if (page.contains("violations")) {
        EXPECT_THAT(page["violations"], IsEmpty()) << page["url"] << ": " << page["violations"];
      }
    }
  }

  std::unique_ptr<v1::OrderService::Stub> orders_;
};

TEST_P(WebPagesTest, AnExpertSignsInFromHerEmailAndAcceptsAnOffer) {
  v1::Expert pekka = testing_support::SampleExpert();
  pekka.set_email("");  // no address: his offer makes no e-mail
  testing_support::CreateExpert(server_.registry(), "ph", "pekka", pekka);
  OrderAndOffer("lyseo-pekka", "pekka");
  {
    // Her own limit of monthly earnings: 200 € (the offer pays 150 €, on
    // 15.1.2027 under the usual pay rule).
    grpc::ClientContext ctx;
    v1::UpdateExpertRequest req;
    req.mutable_expert()->set_name("exchanges/ph/experts/kaisa");
    req.mutable_expert()->set_monthly_earnings_limit_cents(20000);
    req.mutable_update_mask()->add_paths("monthly_earnings_limit_cents");
    v1::UpdateExpertResponse resp;
    ASSERT_TRUE(server_.registry().UpdateExpert(&ctx, req, &resp).ok());
  }
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");
  nlohmann::json mail = sink.Messages(1);
  ASSERT_EQ(mail.size(), 1u);
  ASSERT_EQ(mail[0]["to"], "kaisa@example.fi");
  const std::string link = LinkIn(mail[0]["body"]);
  ASSERT_FALSE(link.empty());
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  nlohmann::json seen = Browse({
      {{"goto", link}},
      {{"check", true}},
      {{"shot", "link-" + suffix}},
      {{"click", "Kirjaudu sisään"}},
      {{"check", true}},
      {{"shot", "offers-phone-" + suffix}},
      {{"width", 1280}},
      {{"shot", "offers-desktop-" + suffix}},
      {{"width", 390}},
      {{"cookies", true}},
      {{"post", base_ + "offers/accept"},
       {"form", {{"assignment", "exchanges/ph/orders/lyseo-dec/assignments/kaisa"}}}},
      {{"post", base_ + "offers/accept"},
       {"form",
        {{"assignment", "exchanges/ph/orders/lyseo-dec/assignments/kaisa"},
         {"csrf", std::string(64, 'a')}}}},
      {{"post", base_ + "offers/accept"},
       {"form", {{"assignment", "exchanges/ph/orders/lyseo-pekka/assignments/pekka"}}},
       {"csrf", true}},
      {{"click", "Otan tehtävän"}},
      {{"check", true}},
      {{"shot", "accepted-" + suffix}},
      {{"fetch", base_ + "tasks/letter.pdf"}},
      {{"goto", link}},
      {{"check", true}},
      {{"click", "Kirjaudu ulos"}},
      {{"check", true}},
      {{"goto", base_ + "offers"}},
      {{"check", true}},
      {{"setcookie", "kok_abcdefgh_" + std::string(43, 'x')}, {"url", base_}},
      {{"goto", base_ + "offers"}},
      {{"check", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 11u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  // The link's page: opening it spends nothing.
  EXPECT_EQ(pages[0]["status"], 200);
  EXPECT_EQ(pages[0]["h1"], "Kirjaudu sisään");
  EXPECT_EQ(pages[0]["lang"], "fi");
  // The offer with everything needed to decide, on a page under 50 KB.
  EXPECT_EQ(pages[1]["url"], base_ + "offers");
  EXPECT_EQ(pages[1]["h1"], "Tarjoukseni");
  const std::string offer = pages[1]["text"];
  EXPECT_THAT(offer, HasSubstr("luennoitsija tai kouluttaja: Toipumistarina"));
  EXPECT_THAT(offer, HasSubstr("10.12.2026 klo 10.00, 90 min"));
  EXPECT_THAT(offer, HasSubstr("Kirkkokatu 1, Lahti"));
  EXPECT_THAT(offer, HasSubstr("150,00\u00a0€"));
  EXPECT_THAT(offer, HasSubstr("3.12.2026 klo 12.00"));
  // Who ordered it and whom to contact there; what it does to her limit.
  EXPECT_THAT(offer, HasSubstr("Tilaaja\nLahden lyseon lukio"));
  EXPECT_THAT(offer, HasSubstr("Yhteyshenkilö\nrehtori@example.fi"));
  EXPECT_THAT(
      offer, HasSubstr("Ansiorajasi\n1/2027 (maksetaan 15.1.2027): tämän tehtävän kanssa "
                       "150,00\u00a0€ / 200,00\u00a0€"));
  EXPECT_LT(pages[1]["bytes"].get<int>(), 50 * 1024);
  // The session cookie: HttpOnly, SameSite=Strict; not Secure on plaintext loopback.
  bool found = false;
  for (const auto& c : seen["cookies"]) {
    if (c["name"] != "kokemus_session") continue;
    found = true;
    EXPECT_EQ(c["httpOnly"], true);
    EXPECT_EQ(c["sameSite"], "Strict");
    EXPECT_EQ(c["secure"], false);
    EXPECT_THAT(c["value"].get<std::string>(), ::testing::StartsWith("kok_"));
  }
  EXPECT_TRUE(found) << seen["cookies"].dump();
  // Posts without the page's CSRF token, or with a wrong one, are refused.
  EXPECT_EQ(pages[2]["status"], 403);
  EXPECT_EQ(pages[3]["status"], 403);
  EXPECT_THAT(pages[3]["text"].get<std::string>(), HasSubstr("Lomake oli vanhentunut"));
  // Another expert's offer, even with a valid token: NOT_FOUND, unchanged.
  EXPECT_EQ(pages[4]["status"], 404);
  EXPECT_EQ(StateOf("lyseo-pekka", "pekka"), v1::Assignment::STATE_OFFERED);
  // Accepted through the API, as herself.
  EXPECT_EQ(pages[5]["url"], base_ + "tasks?done=accepted");
  EXPECT_EQ(pages[5]["h1"], "Tehtäväni");
  EXPECT_EQ(pages[5]["flash"], "Kiitos! Hyväksyit tarjouksen. Välitys vahvistaa tehtävän.");
  EXPECT_THAT(pages[5]["text"].get<std::string>(), HasSubstr("Hyväksytty, odottaa vahvistusta"));
  // Her pay by payment month: the December task is January's, 75 % of her 200 €.
  EXPECT_THAT(
      pages[5]["text"].get<std::string>(),
      HasSubstr("Palkkiosi maksukuukausittain\n\nKela ja eläkkeen maksaja katsovat tulosi "
                "maksupäivän mukaan."));
  EXPECT_THAT(
      pages[5]["text"].get<std::string>(),
      HasSubstr(
          "Kuukausi\tMaksettu\tTulossa\tRaja\n1/2027\t0,00\u00a0€\t150,00\u00a0€\t200,00\u00a0€"));
  EXPECT_THAT(
      pages[5]["text"].get<std::string>(),
      HasSubstr("Selvitys palkkioistasi Kelalle tai eläkkeen maksajalle (PDF)"));
  EXPECT_EQ(StateOf("lyseo-dec"), v1::Assignment::STATE_ACCEPTED);
  // The letter for her benefit payer, as herself.
  EXPECT_EQ(pages[6]["status"], 200);
  EXPECT_EQ(pages[6]["type"], "application/pdf");
  EXPECT_EQ(pages[6]["head"], "%PDF-");
  // The link works once.
  EXPECT_EQ(pages[7]["status"], 410);
  EXPECT_THAT(pages[7]["text"].get<std::string>(), HasSubstr("on jo käytetty"));
  // Signing out ends the session on the server.
  EXPECT_EQ(pages[8]["flash"], "Olet kirjautunut ulos.");
  EXPECT_EQ(pages[9]["url"], base_ + "signin");
  // A made-up session cookie is no session.
  EXPECT_EQ(pages[10]["url"], base_ + "signin?ended=1");
  EXPECT_EQ(pages[10]["flash"], "Istuntosi päättyi. Kirjaudu uudelleen.");
  for (const auto& page : pages) {
    if (page.contains("violations")) {
      EXPECT_THAT(page["violations"], IsEmpty()) << page["url"] << ": " << page["violations"];
      EXPECT_EQ(page["scripts"], 0) << page["url"];  // works without JavaScript
    }
  }
}

// A pool's offer asks whether she is available; her yes gives no place,
// she sees that she waits for the coordinator's pick, and may step back.
TEST_P(WebPagesTest, AnExpertSaysSheIsAvailableForAPoolAndStepsBack) {
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-pool", "kaisa", v1::OFFER_KIND_POOL);
  nlohmann::json mail = MailStartingWith(sink, "Tarjous:");
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  nlohmann::json seen = Browse({
      {{"goto", LinkIn(mail["body"])}},
      {{"click", "Kirjaudu sisään"}},
      {{"check", true}},
      {{"click", "Olen käytettävissä"}},
      {{"check", true}},
      {{"shot", "pool-available-" + suffix}},
      {{"goto", base_ + "offers?lang=en"}},
      {{"check", true}},
      {{"click", "I step back"}, {"role", "link"}},
      {{"check", true}},
      {{"click", "Yes, I cannot take it"}},
      {{"check", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 5u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  EXPECT_EQ(pages[0]["url"], base_ + "offers");
  EXPECT_THAT(
      pages[0]["text"].get<std::string>(),
      HasSubstr("Tässä kysytään, oletko käytettävissä. Koordinaattori valitsee tekijät"));
  EXPECT_EQ(pages[1]["url"], base_ + "offers?done=available_saved");
  EXPECT_EQ(pages[1]["flash"], "Kiitos! Vastauksesi on tallennettu.");
  EXPECT_THAT(
      pages[1]["text"].get<std::string>(),
      HasSubstr("Kerroit olevasi käytettävissä. Koordinaattori valitsee tekijät"));
  EXPECT_THAT(pages[1]["text"].get<std::string>(), ::testing::Not(HasSubstr("Olen käytettävissä")));
  EXPECT_THAT(
      pages[2]["text"].get<std::string>(),
      HasSubstr("You said you are available. The coordinator picks who takes the task"));
  EXPECT_EQ(pages[3]["status"], 200);
  EXPECT_EQ(pages[4]["url"], base_ + "offers?done=declined");
  EXPECT_EQ(StateOf("lyseo-pool"), v1::Assignment::STATE_DECLINED);
  ExpectAccessible(pages);
}

TEST_P(WebPagesTest, EveryPageInEveryLanguagePassesAxeAndALinkIsAskedForByAddress) {
  testing_support::SmtpSink sink(smtp_port_);
  nlohmann::json steps = nlohmann::json::array();
  for (const char* lang : {"fi", "sv", "en"}) {
    for (const char* page : {"signin", "accessibility", "s/nope_nope"}) {
      steps.push_back({{"goto", absl::StrCat(base_, page, "?lang=", lang)}});
      steps.push_back({{"check", true}});
      steps.push_back(
          {{"shot", absl::StrCat(page[0] == 's' && page[1] == '/' ? "badlink" : page, "-", lang)}});
    }
  }
  steps.push_back({{"goto", base_ + "signin?lang=fi"}});
  steps.push_back({{"click", "Lähetä linkki"}});
  steps.push_back({{"check", true}});
  steps.push_back({{"shot", "signin-error-fi"}});
  steps.push_back({{"fill", "Sähköpostiosoite"}, {"value", "KAISA@example.fi "}});
  steps.push_back({{"click", "Lähetä linkki"}});
  steps.push_back({{"check", true}});
  // From one address: four more asks pass (six in all), then asking and
  // signing in with any link are refused for a while.
  for (int i = 0; i < 5; ++i) {
    steps.push_back(
        {{"post", base_ + "signin"},
         {"form", {{"email", absl::StrCat("nobody", i, "@example.fi")}}}});
  }
  steps.push_back({{"post", base_ + "s/nope_nope"}, {"form", nlohmann::json::object()}});
  nlohmann::json seen = Browse(steps);
  ASSERT_EQ(seen["pages"].size(), 17u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  const char* signin_titles[] = {"Kirjaudu sisään", "Logga in", "Sign in"};
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(pages[3 * l]["h1"], signin_titles[l]);
    EXPECT_EQ(pages[3 * l]["lang"], std::string(l == 0 ? "fi" : l == 1 ? "sv" : "en"));
    EXPECT_EQ(pages[3 * l + 2]["status"], 410);  // a link that is none
  }
  EXPECT_EQ(pages[4]["h1"], "Tillgänglighetsutlåtande");
  // An empty address is refused by its field; then the same answer for anyone.
  EXPECT_EQ(pages[9]["status"], 400);
  EXPECT_THAT(pages[9]["text"].get<std::string>(), HasSubstr("Anna sähköpostiosoite"));
  EXPECT_EQ(pages[10]["h1"], "Tarkista sähköpostisi");
  for (int i = 11; i < 15; ++i) EXPECT_EQ(pages[i]["status"], 200) << i;
  EXPECT_EQ(pages[15]["status"], 429);
  EXPECT_THAT(pages[15]["text"].get<std::string>(), HasSubstr("Odota hetki"));
  EXPECT_EQ(pages[16]["status"], 429);
  ExpectAccessible(pages);
  nlohmann::json mail = sink.Messages(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0]["to"], "kaisa@example.fi");
  EXPECT_EQ(mail[0]["subject"], "Kirjautumislinkki: Päijät-Hämeen kokemusasiantuntijapankki");
  EXPECT_FALSE(LinkIn(mail[0]["body"]).empty());
}

TEST_P(WebPagesTest, AnOrderersContactPlacesAnOrderAndCancelsAnother) {
  testing_support::SmtpSink sink(smtp_port_);
  // Cancelling within 14 days of the task costs the orderer half the fee.
  {
    grpc::ClientContext ctx;
    v1::UpdateFeeScheduleRequest req;
    req.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    auto* rule = req.mutable_fee_schedule()->add_role_rules();
    rule->set_role(v1::ROLE_LECTURER);
    rule->set_valid_from("2020-01-01");
    rule->set_kind(v1::FEE_KIND_FIXED);
    rule->set_amount_cents(15000);
    auto* cancel = req.mutable_fee_schedule()->add_cancellation_rules();
    cancel->set_valid_from("2020-01-01");
    cancel->set_orderer_notice_days(14);
    cancel->set_orderer_late_percent(50);
    v1::UpdateFeeScheduleResponse resp;
    ASSERT_TRUE(orders_->UpdateFeeSchedule(&ctx, req, &resp).ok());
  }
  v1::Organization library = testing_support::SampleOrganization();
  library.set_contact_email("kirjasto@example.fi");
  testing_support::CreateOrganization(server_.registry(), "ph", "kirjasto", library);
  testing_support::CreateOrder(
      *orders_, "ph", "kirjasto-dec",
      testing_support::SampleOrder("ph", "kirjasto", Helsinki(2026, 12, 11, 10, 0)));
  OrderAndOffer("lyseo-dec");
  Move("lyseo-dec", "kaisa", "accept");
  Move("lyseo-dec", "kaisa", "confirm");
  nlohmann::json asked = Browse({
      {{"goto", base_ + "signin?lang=en"}},
      {{"fill", "E-mail address"}, {"value", "rehtori@example.fi"}},
      {{"click", "Send the link"}},
      {{"check", true}},
  });
  ASSERT_EQ(asked["pages"].size(), 1u) << asked.dump();
  EXPECT_EQ(asked["pages"][0]["h1"], "Check your e-mail");
  nlohmann::json mail = MailStartingWith(sink, "Kirjautumislinkki");
  ASSERT_EQ(mail["to"], "rehtori@example.fi");
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  nlohmann::json seen = Browse({
      {{"goto", LinkIn(mail["body"])}},
      {{"click", "Kirjaudu sisään"}},
      {{"check", true}},
      {{"shot", "orders-" + suffix}},
      {{"click", "Uusi tilaus"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "order-form-" + suffix}},
      {{"click", "Lähetä tilaus"}},
      {{"check", true}},
      {{"shot", "order-form-errors-" + suffix}},
      {{"fill", "Aihe *"}, {"value", "Mielenterveys nuorena"}},
      {{"fill", "Yleisön koko (henkeä)"}, {"value", "28"}},
      {{"fill", "Päivä *"}, {"value", "2026-12-15"}},
      {{"fill", "Alkamisaika (Suomen aikaa) *"}, {"value", "09:00"}},
      {{"fill", "Kesto minuutteina *"}, {"value", "75"}},
      {{"fill", "Osoite"}, {"value", "Kirkkokatu 1"}},
      {{"fill", "Kunta *"}, {"value", "Lahti"}},
      {{"tick", "mielenterveys"}},
      {{"tick", "päihteet"}},
      {{"click", "Lähetä tilaus"}},
      {{"check", true}},
      {{"shot", "order-created-" + suffix}},
      {{"goto", base_ + "orders/lyseo-dec"}},
      {{"check", true}},
      {{"click", "Peru tilaus"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "order-cancel-" + suffix}},
      {{"click", "Kyllä, peru tilaus"}},
      {{"check", true}},
      {{"goto", base_ + "orders/kirjasto-dec"}},
      {{"check", true}},
      {{"post", base_ + "orders/kirjasto-dec/cancel"},
       {"form", nlohmann::json::object()},
       {"csrf", true}},
      {{"goto", base_ + "offers"}},
      {{"check", true}},
      {{"goto", base_ + "orders?lang=sv"}},
      {{"check", true}},
      // Every page of the orderer's in Swedish and English too (axe below).
      {{"goto", base_ + "orders/new"}},
      {{"check", true}},
      {{"goto", base_ + "orders/lyseo-dec"}},
      {{"check", true}},
      {{"goto", base_ + "orders/new?lang=en"}},
      {{"check", true}},
      {{"goto", base_ + "orders/lyseo-dec"}},
      {{"check", true}},
      {{"goto", base_ + "orders"}},
      {{"check", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 16u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  // Its own orders, not another organization's.
  EXPECT_EQ(pages[0]["url"], base_ + "orders");
  EXPECT_EQ(pages[0]["h1"], "Organisaatiomme tilaukset");
  EXPECT_THAT(pages[0]["text"].get<std::string>(), HasSubstr("10.12.2026 klo 10.00"));
  EXPECT_THAT(pages[0]["text"].get<std::string>(), HasSubstr("Täytetty"));
  EXPECT_THAT(pages[0]["text"].get<std::string>(), ::testing::Not(HasSubstr("11.12.2026")));
  EXPECT_EQ(pages[1]["h1"], "Uusi tilaus");
  // An empty form: refused by its fields, nothing stored.
  EXPECT_EQ(pages[2]["status"], 400);
  const std::string errors = pages[2]["text"];
  EXPECT_THAT(errors, HasSubstr("Tarkista nämä kentät:"));
  EXPECT_THAT(errors, HasSubstr("Anna päivä, esimerkiksi 2027-01-15."));
  EXPECT_THAT(errors, HasSubstr("Kirjoita aihe (enintään 200 merkkiä)."));
  EXPECT_THAT(errors, HasSubstr("Kirjoita kunnan nimi, esimerkiksi Lahti."));
  // The order, as typed, in Helsinki time.
  EXPECT_EQ(pages[3]["flash"], "Kiitos! Tilaus on vastaanotettu.");
  const std::string created_url = pages[3]["url"];
  EXPECT_THAT(created_url, ::testing::EndsWith("?done=order_created"));
  const std::string id = created_url.substr(
      (base_ + "orders/").size(), created_url.find('?') - (base_ + "orders/").size());
  {
    grpc::ClientContext ctx;
    v1::GetOrderRequest req;
    req.set_name("exchanges/ph/orders/" + id);
    v1::GetOrderResponse resp;
    ASSERT_TRUE(orders_->GetOrder(&ctx, req, &resp).ok()) << id;
    const v1::Order& o = resp.order();
    EXPECT_EQ(o.organization(), "exchanges/ph/organizations/lyseo");
    EXPECT_EQ(o.role(), v1::ROLE_LECTURER);
    EXPECT_EQ(o.topic(), "Mielenterveys nuorena");
    EXPECT_EQ(o.audience(), v1::AUDIENCE_STUDENTS);
    EXPECT_EQ(o.audience_size(), 28);
    EXPECT_EQ(rpc::FromProto(o.start_time()), Helsinki(2026, 12, 15, 9, 0));
    EXPECT_EQ(o.duration_minutes(), 75);
    EXPECT_EQ(o.address(), "Kirkkokatu 1");
    EXPECT_EQ(o.municipality(), "398");
    EXPECT_EQ(o.language(), "fi");
    EXPECT_THAT(
        o.experience_areas(),
        ::testing::ElementsAre(
            v1::EXPERIENCE_AREA_MENTAL_HEALTH, v1::EXPERIENCE_AREA_SUBSTANCE_USE));
    EXPECT_EQ(o.experts_needed(), 1);
    EXPECT_EQ(o.state(), v1::Order::STATE_OPEN);
  }
  // The filled order shows its expert; cancelling shows the fee first.
  EXPECT_THAT(pages[4]["text"].get<std::string>(), HasSubstr("Kaisa"));
  EXPECT_EQ(pages[5]["url"], base_ + "orders/lyseo-dec/cancel");
  EXPECT_THAT(
      pages[5]["text"].get<std::string>(),
      HasSubstr("Jos perut nyt, välitys laskuttaa peruutuksesta 75,00\u00a0€."));
  EXPECT_EQ(pages[6]["url"], base_ + "orders/lyseo-dec?done=order_cancelled");
  EXPECT_EQ(pages[6]["flash"], "Tilaus on peruttu.");
  EXPECT_EQ(StateOf("lyseo-dec"), v1::Assignment::STATE_CANCELLED);
  // Another organization's order is not there for it, nor to cancel.
  EXPECT_EQ(pages[7]["status"], 404);
  EXPECT_EQ(pages[8]["status"], 404);
  {
    grpc::ClientContext ctx;
    v1::GetOrderRequest req;
    req.set_name("exchanges/ph/orders/kirjasto-dec");
    v1::GetOrderResponse resp;
    ASSERT_TRUE(orders_->GetOrder(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.order().state(), v1::Order::STATE_OPEN);
  }
  // An expert's page is none of its business.
  EXPECT_EQ(pages[9]["status"], 404);
  EXPECT_EQ(pages[10]["h1"], "Vår organisations beställningar");
  EXPECT_EQ(pages[11]["lang"], "sv");
  EXPECT_EQ(pages[12]["lang"], "sv");
  EXPECT_EQ(pages[13]["lang"], "en");
  EXPECT_EQ(pages[15]["lang"], "en");
  ExpectAccessible(pages);
}

TEST_P(WebPagesTest, AnExpertReadsAndAcceptsHerContractWithHerFullName) {
  v1::Expert pekka = testing_support::SampleExpert();
  pekka.set_email("");
  testing_support::CreateExpert(server_.registry(), "ph", "pekka", pekka);
  testing_support::SmtpSink sink(smtp_port_);
  OrderAndOffer("lyseo-dec");
  OrderAndOffer("lyseo-pekka", "pekka");
  OrderAndOffer("lyseo-no");  // an offer she will decline
  for (const auto& [order, expert] :
       {std::pair<std::string, std::string>{"lyseo-dec", "kaisa"}, {"lyseo-pekka", "pekka"}}) {
    Move(order, expert, "accept");
    Move(order, expert, "confirm");
  }
  const v1::Contract hers = Generate("lyseo-dec", "kaisa");
  const v1::Contract his = Generate("lyseo-pekka", "pekka");
  const std::string his_id = his.name().substr(his.name().rfind('/') + 1);
  const std::string her_id = hers.name().substr(hers.name().rfind('/') + 1);
  // The message that the contract is ready carries her sign-in link.
  nlohmann::json ready = MailStartingWith(sink, "Sopimus hyväksyttäväksi");
  ASSERT_EQ(ready["to"], "kaisa@example.fi");
  const std::string link = LinkIn(ready["body"]);
  ASSERT_FALSE(link.empty());
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  const std::string cancel_hers =
      base_ + "tasks/cancel?assignment=exchanges/ph/orders/lyseo-dec/assignments/kaisa";
  const std::string decline_it =
      base_ + "offers/decline?assignment=exchanges/ph/orders/lyseo-no/assignments/kaisa";
  nlohmann::json seen = Browse({
      {{"goto", link}},
      {{"click", "Kirjaudu sisään"}},
      {{"click", "Sopimukset"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "contracts-phone-" + suffix}},
      // The pages with her contract and her task, in Swedish and English too.
      {{"goto", base_ + "contracts?lang=sv"}},
      {{"check", true}},
      {{"goto", base_ + "contracts?lang=en"}},
      {{"check", true}},
      {{"goto", cancel_hers + "&lang=sv"}},
      {{"check", true}},
      {{"goto", cancel_hers + "&lang=en"}},
      {{"check", true}},
      {{"goto", base_ + "contracts?lang=fi"}},
      {{"width", 1280}},
      {{"shot", "contracts-desktop-" + suffix}},
      {{"width", 390}},
      {{"fetch", base_ + "contracts/" + her_id + ".pdf"}},
      {{"fetch", base_ + "contracts/" + his_id + ".pdf"}},
      {{"post", base_ + "contracts/accept"},
       {"form", {{"contract", his.name()}, {"full_name", "Kaisa Kokemus"}}},
       {"csrf", true}},
      {{"click", "Hyväksyn sopimuksen"}},
      {{"check", true}},
      {{"shot", "contract-name-missing-" + suffix}},
      {{"fill", "Koko nimesi"}, {"value", "Kaisa Kokemus"}},
      {{"click", "Hyväksyn sopimuksen"}},
      {{"check", true}},
      {{"shot", "contract-accepted-" + suffix}},
      {{"post", base_ + "contracts/accept"},
       {"form", {{"contract", hers.name()}, {"full_name", "Kaisa Kokemus"}}},
       {"csrf", true}},
      // She falls ill: cancelling her task, with the reason.
      {{"click", "Tehtäväni"}, {"role", "link"}},
      {{"click", "Peru tehtävä: luennoitsija tai kouluttaja, 10.12.2026 klo 10.00"},
       {"role", "link"}},
      {{"check", true}},
      {{"shot", "cancel-task-" + suffix}},
      {{"goto",
        base_ + "tasks/cancel?assignment=exchanges/ph/orders/lyseo-pekka/assignments/pekka"}},
      {{"check", true}},
      {{"goto", cancel_hers}},
      {{"tick", "Sairastuin"}},
      {{"click", "Kyllä, peru tehtävä"}},
      {{"check", true}},
      // The other offer does not suit her: declined, with a reason.
      {{"post", base_ + "offers/decline"},
       {"form",
        {{"assignment", "exchanges/ph/orders/lyseo-no/assignments/kaisa"}, {"reason", "SICK"}}},
       {"csrf", true}},
      {{"goto", decline_it + "&lang=sv"}},
      {{"check", true}},
      {{"goto", decline_it + "&lang=en"}},
      {{"check", true}},
      {{"goto", base_ + "offers?lang=fi"}},
      {{"click", "En voi ottaa"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "decline-" + suffix}},
      {{"tick", "Paikka on liian kaukana"}},
      {{"click", "Kyllä, en voi ottaa tätä"}},
      {{"check", true}},
      {{"post", base_ + "offers/decline"},
       {"form", {{"assignment", "exchanges/ph/orders/lyseo-no/assignments/kaisa"}}},
       {"csrf", true}},
      {{"post", base_ + "offers/decline"},
       {"form",
        {{"assignment", "exchanges/ph/orders/lyseo-pekka/assignments/pekka"}, {"reason", "TIME"}}},
       {"csrf", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 21u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  EXPECT_EQ(pages[0]["url"], base_ + "contracts");
  EXPECT_EQ(pages[0]["h1"], "Sopimukseni");
  const std::string list = pages[0]["text"];
  EXPECT_THAT(list, HasSubstr("luennoitsija tai kouluttaja: Toipumistarina"));
  EXPECT_THAT(list, HasSubstr("10.12.2026 klo 10.00"));
  EXPECT_THAT(list, HasSubstr("Lue sopimus (PDF)"));
  EXPECT_THAT(list, ::testing::Not(HasSubstr("pekka")));
  // Her PDF; his is as missing as a made-up one.
  EXPECT_EQ(pages[5]["status"], 200);
  EXPECT_EQ(pages[5]["type"], "application/pdf");
  EXPECT_EQ(pages[5]["head"], "%PDF-");
  EXPECT_EQ(pages[6]["status"], 404);
  EXPECT_EQ(pages[6]["type"], "text/html; charset=utf-8");
  // His contract, even with her valid token: not found, not accepted.
  EXPECT_EQ(pages[7]["status"], 404);
  EXPECT_FALSE(GetContract(his.name()).has_accepted_time());
  // No name: refused at the field, nothing stored.
  EXPECT_EQ(pages[8]["status"], 400);
  EXPECT_THAT(pages[8]["text"].get<std::string>(), HasSubstr("Kirjoita koko nimesi"));
  // Accepted by her, through the pages, under the name she typed.
  EXPECT_EQ(pages[9]["url"], base_ + "contracts?done=contract_accepted");
  EXPECT_EQ(pages[9]["flash"], "Kiitos! Hyväksyit sopimuksen.");
  EXPECT_THAT(pages[9]["text"].get<std::string>(), HasSubstr("Hyväksyjän nimi\nKaisa Kokemus"));
  const v1::Contract accepted = GetContract(hers.name());
  EXPECT_EQ(accepted.accepted_name(), "Kaisa Kokemus");
  EXPECT_EQ(accepted.accepted_by(), "exchanges/ph/experts/kaisa");
  EXPECT_EQ(accepted.accepted_via(), v1::ACCEPTANCE_CHANNEL_SELF_SERVICE_PAGE);
  // Accepting again changes nothing.
  EXPECT_EQ(pages[10]["status"], 409);
  EXPECT_EQ(GetContract(hers.name()).accepted_time().seconds(), accepted.accepted_time().seconds());
  // The cancel page says illness carries no blame; his task is not hers to cancel.
  EXPECT_EQ(pages[11]["h1"], "Tehtävän peruminen");
  EXPECT_THAT(
      pages[11]["text"].get<std::string>(),
      HasSubstr("Sairastuminen ei ole kenenkään vika: se ei vaikuta tuleviin tarjouksiisi."));
  EXPECT_EQ(pages[12]["status"], 404);
  EXPECT_EQ(StateOf("lyseo-pekka", "pekka"), v1::Assignment::STATE_CONFIRMED);
  EXPECT_EQ(pages[13]["url"], base_ + "tasks?done=task_cancelled");
  EXPECT_EQ(pages[13]["flash"], "Tehtävä on peruttu. Kiitos, että kerroit.");
  {
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name("exchanges/ph/orders/lyseo-dec/assignments/kaisa");
    v1::GetAssignmentResponse resp;
    ASSERT_TRUE(orders_->GetAssignment(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.assignment().state(), v1::Assignment::STATE_CANCELLED);
    EXPECT_EQ(resp.assignment().cancelled_by(), v1::CANCELLED_BY_EXPERT);
    EXPECT_EQ(resp.assignment().cancel_reason(), v1::CANCEL_REASON_ILLNESS);
  }
  // The same pages in Swedish and English.
  EXPECT_EQ(pages[1]["h1"], "Mina avtal");
  EXPECT_EQ(pages[1]["lang"], "sv");
  EXPECT_EQ(pages[2]["h1"], "My contracts");
  EXPECT_EQ(pages[3]["h1"], "Avboka ett uppdrag");
  EXPECT_EQ(pages[4]["h1"], "Cancelling a task");
  EXPECT_EQ(pages[4]["lang"], "en");
  // Declining: a reason that is none is refused on the page; nothing changes.
  EXPECT_EQ(pages[14]["status"], 400);
  EXPECT_THAT(pages[14]["text"].get<std::string>(), HasSubstr("Tarjouksesta kieltäytyminen"));
  // The page in three languages, the reason kept for the exchange.
  EXPECT_EQ(pages[15]["h1"], "Tacka nej till ett erbjudande");
  EXPECT_EQ(pages[16]["h1"], "Declining an offer");
  EXPECT_EQ(pages[17]["url"], decline_it);
  EXPECT_EQ(pages[17]["h1"], "Tarjouksesta kieltäytyminen");
  EXPECT_THAT(
      pages[17]["text"].get<std::string>(),
      HasSubstr("Kieltäytyminen ei vaikuta tuleviin tarjouksiisi."));
  EXPECT_EQ(pages[18]["url"], base_ + "offers?done=declined");
  EXPECT_EQ(pages[18]["flash"], "Kiitos vastauksesta. Tarjous on hylätty.");
  {
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name("exchanges/ph/orders/lyseo-no/assignments/kaisa");
    v1::GetAssignmentResponse resp;
    ASSERT_TRUE(orders_->GetAssignment(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.assignment().state(), v1::Assignment::STATE_DECLINED);
    EXPECT_EQ(resp.assignment().decline_reason(), v1::DECLINE_REASON_DISTANCE);
  }
  // Declining again, or another's offer: refused, nothing changes.
  EXPECT_EQ(pages[19]["status"], 409);
  EXPECT_EQ(pages[20]["status"], 404);
  EXPECT_EQ(StateOf("lyseo-pekka", "pekka"), v1::Assignment::STATE_CONFIRMED);
  ExpectAccessible(pages);
}

TEST_P(WebPagesTest, AfterTheTaskTheExpertReflectsAndTheOrdererRatesTheVisit) {
  v1::Expert pekka = testing_support::SampleExpert();
  pekka.set_email("");
  pekka.set_display_name("Pekka Puhuja");
  testing_support::CreateExpert(server_.registry(), "ph", "pekka", pekka);
  OrderAndOffer("lyseo-dec");
  OrderAndOffer("lyseo-pekka", "pekka");
  for (const auto& [order, expert] :
       {std::pair<std::string, std::string>{"lyseo-dec", "kaisa"}, {"lyseo-pekka", "pekka"}}) {
    Move(order, expert, "accept");
    Move(order, expert, "confirm");
  }
  // The day after, the coordinator records both tasks as held.
  clock_.Set(Helsinki(2026, 12, 11, 9, 0));
  for (const char* order : {"lyseo-dec", "lyseo-pekka"}) {
    grpc::ClientContext ctx;
    v1::CompleteAssignmentRequest req;
    req.set_name(absl::StrCat(
        "exchanges/ph/orders/", order, "/assignments/",
        order == std::string("lyseo-dec") ? "kaisa" : "pekka"));
    v1::CompleteAssignmentResponse resp;
    grpc::Status s = orders_->CompleteAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string hers = "exchanges/ph/orders/lyseo-dec/assignments/kaisa";
  const std::string his = "exchanges/ph/orders/lyseo-pekka/assignments/pekka";
  testing_support::SmtpSink sink(smtp_port_);
  nlohmann::json asked = Browse({
      {{"goto", base_ + "signin"}},
      {{"fill", "Sähköpostiosoite"}, {"value", "kaisa@example.fi"}},
      {{"click", "Lähetä linkki"}},
      {{"goto", base_ + "signin"}},
      {{"fill", "Sähköpostiosoite"}, {"value", "rehtori@example.fi"}},
      {{"click", "Lähetä linkki"}},
  });
  // Their sign-in links, among the messages of the offers and confirmations.
  std::map<std::string, std::string> links;
  for (size_t n = 2; n <= 12 && links.size() < 2; ++n) {
    for (const auto& m : sink.Messages(n)) {
      if (absl::StartsWith(m["subject"].get<std::string>(), "Kirjautumislinkki")) {
        links[m["to"]] = LinkIn(m["body"]);
      }
    }
  }
  ASSERT_EQ(links.size(), 2u);
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  nlohmann::json seen = Browse({
      {{"goto", links["kaisa@example.fi"]}},
      {{"click", "Kirjaudu sisään"}},
      {{"click", "Tehtäväni"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "tasks-" + suffix}},
      {{"click", "Anna palaute: luennoitsija tai kouluttaja, 10.12.2026 klo 10.00"},
       {"role", "link"}},
      {{"check", true}},
      {{"shot", "feedback-expert-" + suffix}},
      {{"click", "Lähetä palaute"}},
      {{"check", true}},
      {{"shot", "feedback-expert-errors-" + suffix}},
      {{"tick", "4"}, {"in", "Kuinka raskaalta tehtävä tuntui? *"}},
      {{"tick", "5"}, {"in", "Miten tehtävä mielestäsi onnistui?"}},
      {{"tick", "Kyllä"}, {"in", "Oliko tilanne turvallinen ja kunnioittava? *"}},
      {{"tick", "Ei"}, {"in", "Sainko tukea tehtävän jälkeen?"}},
      {{"fill", "Vapaa sana"}, {"value", "Luokka kuunteli hyvin."}},
      {{"click", "Lähetä palaute"}},
      {{"check", true}},
      {{"goto", base_ + "feedback?assignment=" + hers}},
      {{"check", true}},
      {{"goto", base_ + "feedback?assignment=" + his}},
      {{"check", true}},
      {{"post", base_ + "feedback"},
       {"form", {{"assignment", his}, {"heaviness", "1"}, {"setting_safe", "no"}}},
       {"csrf", true}},
      {{"goto", base_ + "tasks?lang=sv"}},
      {{"check", true}},
      {{"click", "Logga ut"}},
      {{"goto", links["rehtori@example.fi"]}},
      {{"click", "Logga in"}},
      {{"goto", base_ + "orders/lyseo-dec?lang=fi"}},
      {{"check", true}},
      {{"click", "Anna palaute: Kaisa Kokemus"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "feedback-orderer-" + suffix}},
      {{"tick", "5"}, {"in", "Kokonaisarvio käynnistä *"}},
      {{"tick", "4"}, {"in", "Miten sisältö vastasi tarvettanne?"}},
      {{"click", "Lähetä palaute"}},
      {{"check", true}},
      {{"goto", base_ + "feedback?assignment=" + his + "&lang=en"}},
      {{"check", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 12u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  // Her done task, with the way to give feedback.
  EXPECT_EQ(pages[0]["url"], base_ + "tasks");
  EXPECT_THAT(pages[0]["text"].get<std::string>(), HasSubstr("Tehdyt tehtävät (viimeinen vuosi)"));
  EXPECT_THAT(pages[0]["text"].get<std::string>(), HasSubstr("Sinulla ei ole tulevia tehtäviä."));
  EXPECT_THAT(pages[0]["text"].get<std::string>(), HasSubstr("Pidetty"));
  EXPECT_EQ(pages[1]["h1"], "Palaute tehtävästä");
  EXPECT_THAT(
      pages[1]["text"].get<std::string>(), HasSubstr("näkee vain välityksen koordinaattori"));
  // Nothing chosen: each required question says so, nothing stored.
  EXPECT_EQ(pages[2]["status"], 400);
  EXPECT_THAT(pages[2]["text"].get<std::string>(), HasSubstr("Valitse yksi vaihtoehto."));
  // Stored as hers; given once.
  EXPECT_EQ(pages[3]["url"], base_ + "tasks?done=feedback_thanks");
  EXPECT_EQ(pages[3]["flash"], "Kiitos palautteesta!");
  EXPECT_THAT(pages[3]["text"].get<std::string>(), HasSubstr("Palaute annettu, kiitos."));
  EXPECT_EQ(pages[4]["status"], 409);
  EXPECT_THAT(pages[4]["text"].get<std::string>(), HasSubstr("on jo annettu"));
  // His task is not hers to reflect on, by page or by post.
  EXPECT_EQ(pages[5]["status"], 404);
  EXPECT_EQ(pages[6]["status"], 404);
  EXPECT_EQ(pages[7]["h1"], "Mina uppdrag");
  // The orderer rates the visit by the expert's name.
  EXPECT_THAT(pages[8]["text"].get<std::string>(), HasSubstr("Kaisa Kokemus: Pidetty"));
  EXPECT_EQ(pages[9]["h1"], "Palaute tehtävästä");
  EXPECT_EQ(pages[10]["url"], base_ + "orders/lyseo-dec?done=feedback_thanks");
  EXPECT_EQ(pages[10]["flash"], "Kiitos palautteesta!");
  EXPECT_THAT(pages[10]["text"].get<std::string>(), ::testing::Not(HasSubstr("Anna palaute")));
  // His task is the school's too: its contact may rate it (in English here).
  EXPECT_EQ(pages[11]["h1"], "Feedback on the task");
  ExpectAccessible(pages);
  // What was stored, as the coordinator sees it: her reflection and its rating.
  grpc::ClientContext ctx;
  v1::ExportExpertDataRequest req;
  req.set_name("exchanges/ph/experts/kaisa");
  v1::ExportExpertDataResponse resp;
  ASSERT_TRUE(server_.registry().ExportExpertData(&ctx, req, &resp).ok());
  const nlohmann::json feedback = nlohmann::json::parse(resp.json())["feedback"];
  ASSERT_EQ(feedback.size(), 2u) << feedback.dump();
  std::map<std::string, nlohmann::json> by_source;
  for (const auto& f : feedback) by_source[f["source"]] = f;
  EXPECT_EQ(by_source["EXPERT"]["heaviness"], 4);
  EXPECT_EQ(by_source["EXPERT"]["overall_rating"], 5);
  EXPECT_EQ(by_source["EXPERT"]["setting_safe"], true);
  EXPECT_EQ(by_source["EXPERT"]["support_afterwards"], "no");
  EXPECT_EQ(by_source["ORDERER"]["support_afterwards"], "");
  EXPECT_EQ(by_source["EXPERT"]["comment"], "Luokka kuunteli hyvin.");
  EXPECT_EQ(by_source["ORDERER"]["overall_rating"], 5);
  EXPECT_EQ(by_source["ORDERER"]["content_rating"], 4);
  grpc::ClientContext his_ctx;
  v1::GetAssignmentRequest get;
  get.set_name(his);
  v1::GetAssignmentResponse got;
  ASSERT_TRUE(orders_->GetAssignment(&his_ctx, get, &got).ok());
  EXPECT_THAT(got.assignment().feedback_given(), IsEmpty());
}

TEST_P(WebPagesTest, AnExpertSetsHerTimesAndMessagesMakesACalendarLinkAndSeesWhoReadHerData) {
  {
    // The coordinator reads her record before she looks.
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/kaisa");
    v1::GetExpertResponse resp;
    ASSERT_TRUE(server_.registry().GetExpert(&ctx, req, &resp).ok());
  }
  testing_support::SmtpSink sink(smtp_port_);
  Browse({
      {{"goto", base_ + "signin"}},
      {{"fill", "Sähköpostiosoite"}, {"value", "kaisa@example.fi"}},
      {{"click", "Lähetä linkki"}},
  });
  nlohmann::json mail = MailStartingWith(sink, "Kirjautumislinkki");
  const std::string suffix = GetParam() == Backend::kSqlite ? "sqlite" : "pg";
  nlohmann::json seen = Browse({
      {{"goto", LinkIn(mail["body"])}},
      {{"click", "Kirjaudu sisään"}},
      {{"click", "Omat tiedot"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "me-phone-" + suffix}},
      {{"width", 1280}},
      {{"shot", "me-desktop-" + suffix}},
      {{"width", 390}},
      {{"fill", "Maanantai"}, {"value", "9-16"}},
      {{"fill", "Tiistai"}, {"value", "aamu"}},
      {{"fill", "Ensimmäinen päivä"}, {"value", "2026-12-24"}},
      {{"fill", "Viimeinen päivä"}, {"value", "2026-12-20"}},
      {{"click", "Tallenna ajat"}},
      {{"check", true}},
      {{"shot", "me-errors-" + suffix}},
      {{"fill", "Tiistai"}, {"value", "9.00-12.00, 13-15"}},
      {{"fill", "Viimeinen päivä"}, {"value", "2026-12-26"}},
      {{"tick", "Pidän taukoa: en ota nyt vastaan tarjouksia"}},
      {{"click", "Tallenna ajat"}},
      {{"check", true}},
      {{"tick", "svenska"}},
      {{"tick", "Vain välttämättömät viestit"}},
      {{"click", "Tallenna viestiasetukset"}},
      {{"check", true}},
      {{"click", "Tee uusi kalenterilinkki"}},
      {{"check", true}},
      {{"shot", "calendar-link-" + suffix}},
      {{"goto", base_ + "me"}},
      {{"click", "Poista käytöstä: 1.12.2026 klo 10.00"}},
      {{"check", true}},
      {{"click", "Katso, kuka on käsitellyt tietojasi, ja lataa kaikki tietosi"}, {"role", "link"}},
      {{"check", true}},
      {{"shot", "my-data-" + suffix}},
      {{"fetch", base_ + "me/data.json"}},
      {{"post", base_ + "me/availability"},
       // An etag from before her saves above (a malformed one is a 400).
       {"form", {{"etag", "\"1\""}, {"day_1", ""}}},
       {"csrf", true}},
      {{"goto", base_ + "me?lang=sv"}},
      {{"check", true}},
      {{"goto", base_ + "me/data?lang=en"}},
      {{"check", true}},
      // Every page of the expert's in Swedish and English too (axe below).
      {{"goto", base_ + "offers"}},
      {{"check", true}},
      {{"goto", base_ + "tasks"}},
      {{"check", true}},
      {{"goto", base_ + "contracts"}},
      {{"check", true}},
      {{"goto", base_ + "me"}},
      {{"check", true}},
      {{"goto", base_ + "offers?lang=sv"}},
      {{"check", true}},
      {{"goto", base_ + "tasks"}},
      {{"check", true}},
      {{"goto", base_ + "contracts"}},
      {{"check", true}},
      {{"goto", base_ + "me/data"}},
      {{"check", true}},
  });
  ASSERT_EQ(seen["pages"].size(), 19u) << seen.dump();
  const nlohmann::json& pages = seen["pages"];
  EXPECT_EQ(pages[0]["url"], base_ + "me");
  EXPECT_EQ(pages[0]["h1"], "Omat tietoni");
  // Wrong times and a period ending before it starts: refused at their fields.
  EXPECT_EQ(pages[1]["status"], 400);
  EXPECT_THAT(
      pages[1]["text"].get<std::string>(),
      HasSubstr("Tiistai: Kirjoita ajat muodossa 9–16 tai 9.00–12.00, 13.30–16.00."));
  EXPECT_THAT(
      pages[1]["text"].get<std::string>(),
      HasSubstr("Poissa: Anna ensimmäinen päivä ja viimeinen päivä, joka ei ole ennen sitä."));
  EXPECT_EQ(pages[2]["url"], base_ + "me?done=details_saved");
  EXPECT_EQ(pages[2]["flash"], "Tallennettu.");
  EXPECT_THAT(pages[2]["text"].get<std::string>(), HasSubstr("24.12.2026–26.12.2026"));
  EXPECT_EQ(pages[3]["flash"], "Tallennettu.");
  // The calendar link, shown once.
  EXPECT_EQ(pages[4]["h1"], "Uusi kalenterilinkki");
  EXPECT_EQ(pages[5]["flash"], "Kalenterilinkki on poistettu käytöstä.");
  // Who else read her record: the coordinator, after adding her.
  const std::string accesses = pages[6]["text"];
  EXPECT_THAT(accesses, HasSubstr("Välityksen koordinaattori\tluki tietosi\n"));
  EXPECT_THAT(accesses, ::testing::EndsWith("Välityksen koordinaattori\tlisäsi sinut"));
  EXPECT_THAT(accesses, ::testing::Not(HasSubstr("muutti")));
  EXPECT_EQ(pages[7]["status"], 200);
  EXPECT_EQ(pages[7]["type"], "application/json; charset=utf-8");
  // A save over a change made meanwhile changes nothing.
  EXPECT_EQ(pages[8]["status"], 409);
  EXPECT_EQ(pages[9]["h1"], "Mina uppgifter");
  EXPECT_EQ(pages[10]["h1"], "My data");
  for (int i = 11; i < 19; ++i) EXPECT_EQ(pages[i]["lang"], i < 15 ? "en" : "sv") << i;
  ExpectAccessible(pages);
  grpc::ClientContext ctx;
  v1::GetExpertRequest req;
  req.set_name("exchanges/ph/experts/kaisa");
  v1::GetExpertResponse resp;
  ASSERT_TRUE(server_.registry().GetExpert(&ctx, req, &resp).ok());
  const v1::Expert& e = resp.expert();
  ASSERT_EQ(e.weekly_availability_size(), 3);
  EXPECT_EQ(e.weekly_availability(0).day(), v1::WEEKDAY_MONDAY);
  EXPECT_EQ(e.weekly_availability(0).start_minute(), 540);
  EXPECT_EQ(e.weekly_availability(0).end_minute(), 960);
  EXPECT_EQ(e.weekly_availability(1).day(), v1::WEEKDAY_TUESDAY);
  EXPECT_EQ(e.weekly_availability(1).end_minute(), 720);
  EXPECT_EQ(e.weekly_availability(2).start_minute(), 780);
  EXPECT_EQ(e.weekly_availability(2).end_minute(), 900);
  ASSERT_EQ(e.unavailable_periods_size(), 1);
  EXPECT_EQ(rpc::FromProto(e.unavailable_periods(0).start_time()), Helsinki(2026, 12, 24, 0, 0));
  EXPECT_EQ(rpc::FromProto(e.unavailable_periods(0).end_time()), Helsinki(2026, 12, 27, 0, 0));
  EXPECT_EQ(e.state(), v1::Expert::STATE_PAUSED);
  EXPECT_EQ(e.preferred_language(), "sv");
  EXPECT_TRUE(e.essential_messages_only());
  EXPECT_EQ(e.notification_channel(), v1::NOTIFICATION_CHANNEL_EMAIL);
  // The rest of her record is as it was.
  EXPECT_EQ(e.display_name(), "Kaisa Kokemus");
  EXPECT_EQ(e.phone(), "+358401234567");
  EXPECT_EQ(e.max_travel_km(), 50);
}

// A class answers its visit's survey (issue 19): 30 students, each in a
// browser context of her own, tick their answers and send; the figures are
// exactly theirs; the same browser is then refused; the form has no script
// and no axe violation in Finnish, Swedish or English.
TEST_P(WebPagesTest, ThirtyStudentsAnswerTheVisitsSurveyOnce) {
  const absl::Time visit = Helsinki(2026, 12, 10, 10, 0);
  testing_support::CreateOrder(
      *orders_, "ph", "visit", testing_support::SampleOrder("ph", "lyseo", visit));
  testing_support::PlaceExpert(server_, *orders_, "ph", "visit", "kaisa", visit);
  auto surveys = v1::SurveyService::NewStub(server_.channel());
  grpc::ClientContext ctx;
  v1::GetTaskSurveyRequest get;
  get.set_name("exchanges/ph/orders/visit/survey");
  v1::GetTaskSurveyResponse survey;
  ASSERT_TRUE(surveys->GetTaskSurvey(&ctx, get, &survey).ok());
  clock_.Set(visit + absl::Minutes(80));  // the last slide

  // The plan: who ticks what (and the counts it must give).
  const char* agree[] = {"fully_agree", "partly_agree", "partly_disagree", "fully_disagree"};
  nlohmann::json students = nlohmann::json::array();
  std::map<std::pair<std::string, std::string>, int> expected;
  std::map<std::string, int> respondents;
  for (int i = 0; i < 30; ++i) {
    nlohmann::json s;
    s["role"] = i < 26 ? "student" : i < 28 ? "employee" : "other";
    if (i >= 28) s["what"] = {{"role.other", "Ohjaaja"}};
    s["feelings"] = i % 3 == 0   ? nlohmann::json{"hope", "understanding"}
                    : i % 3 == 1 ? nlohmann::json{"compassion"}
                                 : nlohmann::json{"understanding", "anxiety"};
    s["hear_more"] = agree[i % 4];
    if (i % 5 != 0) s["helped_understand"] = agree[(i / 5) % 2];
    if (i == 7) s["free_word"] = "Kiitos, oli tosi hyvä!";
    for (const auto& [q, chosen] : s.items()) {
      if (q == "what" || q == "free_word") continue;
      ++respondents[q];
      for (const auto& o : chosen.is_array() ? chosen : nlohmann::json::array({chosen})) {
        ++expected[{q, o.get<std::string>()}];
      }
    }
    students.push_back(s);
  }
  nlohmann::json seen = Node(
      "survey_crowd.mjs", {{"url", survey.survey().url()},
                           {"shots", ShotsDir()},
                           {"languages", {"fi", "sv", "en"}},
                           {"students", students}});
  ASSERT_EQ(seen["languages"].size(), 3u);
  const char* titles[] = {"Palautekysely", "Responsenkät", "Feedback survey"};
  for (int l = 0; l < 3; ++l) {
    const auto& page = seen["languages"][l];
    EXPECT_EQ(page["status"], 200);
    EXPECT_EQ(page["h1"], titles[l]);
    EXPECT_EQ(page["html_lang"], std::string(l == 0 ? "fi" : l == 1 ? "sv" : "en"));
    EXPECT_EQ(page["scripts"], 0);
    EXPECT_THAT(page["violations"], IsEmpty()) << page["violations"].dump();
  }
  ASSERT_EQ(seen["answers"].size(), 30u);
  for (const auto& a : seen["answers"]) {
    EXPECT_EQ(a["status"], 200) << a.dump();  // the thanks page after the redirect
    EXPECT_EQ(a["h1"], "Kiitos vastauksestasi!") << a.dump();
    EXPECT_EQ(a["again_h1"], "Palautekysely") << a.dump();
    EXPECT_THAT(a["again_text"].get<std::string>(), HasSubstr("on jo vastattu"));
    EXPECT_EQ(a["replay_status"], 409) << a.dump();
  }

  // The figures are exactly the class's (the coordinator's view of her task).
  grpc::ClientContext rctx;
  v1::GetSurveyResultsRequest req;
  req.set_scope("exchanges/ph/orders/visit");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 1, 0, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0, 0));
  v1::GetSurveyResultsResponse results;
  ASSERT_TRUE(surveys->GetSurveyResults(&rctx, req, &results).ok());
  EXPECT_EQ(results.answers(), 30);
  std::map<std::pair<std::string, std::string>, int> counted;
  for (const auto& q : results.questions()) {
    EXPECT_EQ(q.respondents(), respondents[q.question()]) << q.question();
    for (const auto& o : q.options()) {
      if (o.n() > 0) counted[{q.question(), o.option()}] = o.n();
    }
  }
  EXPECT_EQ(counted, expected);
  EXPECT_EQ(respondents["helped_understand"], 24);
  const std::pair<std::string, std::string> understanding = {"feelings", "understanding"};
  EXPECT_EQ(expected[understanding], 20);
  // The free word and the "what?"s wait for the coordinator.
  grpc::ClientContext lctx;
  v1::ListSurveyCommentsRequest list;
  list.set_parent("exchanges/ph");
  v1::ListSurveyCommentsResponse comments;
  ASSERT_TRUE(surveys->ListSurveyComments(&lctx, list, &comments).ok());
  std::multiset<std::string> texts;
  for (const auto& c : comments.comments()) {
    EXPECT_EQ(c.state(), v1::SurveyComment::STATE_NEW);
    texts.insert(c.text());
  }
  const std::multiset<std::string> written = {"Kiitos, oli tosi hyvä!", "Ohjaaja", "Ohjaaja"};
  EXPECT_EQ(texts, written);

  // The coordinator shows the free word; the expert reads her audiences'
  // answers on her page and prints the card; so does the teacher.
  for (const auto& c : comments.comments()) {
    grpc::ClientContext review_ctx;
    v1::ReviewSurveyCommentRequest review;
    review.set_name(c.name());
    review.set_state(
        c.text() == "Ohjaaja" ? v1::SurveyComment::STATE_HIDDEN : v1::SurveyComment::STATE_SHOWN);
    v1::ReviewSurveyCommentResponse reviewed;
    ASSERT_TRUE(surveys->ReviewSurveyComment(&review_ctx, review, &reviewed).ok());
  }
  // Keys lasting past the visit's day on the server's clock.
  const std::string kaisa =
      server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa", absl::Hours(24 * 30));
  seen = Browse({
      {{"setcookie", kaisa}, {"url", base_}},
      {{"goto", base_ + "tasks/audience"}},
      {{"check", true}},
      {{"shot", "survey-audience"}},
      {{"goto", base_ + "tasks"}},
      {{"check", true}},
      {{"fetch", base_ + "tasks/survey.pdf?order=visit"}},
      {{"fetch", base_ + "tasks/survey.pdf?order=someone-elses"}},
  });
  ASSERT_EQ(seen["pages"].size(), 4u) << seen.dump();
  const auto& audience = seen["pages"][0];
  EXPECT_EQ(audience["status"], 200);
  EXPECT_EQ(audience["h1"], "Yleisöjesi palaute");
  EXPECT_THAT(audience["violations"], IsEmpty()) << audience["violations"].dump();
  const std::string text = audience["text"];
  EXPECT_THAT(text, HasSubstr("Vastauksia: 30"));
  EXPECT_THAT(text, HasSubstr("Olen (vastaajia 30)"));
  // 26, 2 and 2 of 30, adding up to 100.0 (the tie's tenth to the first).
  EXPECT_THAT(text, HasSubstr("Opiskelija\t26\t86,7\u00a0%"));
  EXPECT_THAT(text, HasSubstr("Työntekijä\t2\t6,7\u00a0%"));
  EXPECT_THAT(text, HasSubstr("Muu, mikä?\t2\t6,6\u00a0%"));
  EXPECT_THAT(text, HasSubstr("Kiitos, oli tosi hyvä!"));
  EXPECT_THAT(text, Not(HasSubstr("Ohjaaja")));
  EXPECT_THAT(
      seen["pages"][1]["text"].get<std::string>(),
      HasSubstr("Yleisön palautekysely: QR-koodi tulostettavaksi (PDF)"));
  EXPECT_EQ(seen["pages"][2]["status"], 200);
  EXPECT_EQ(seen["pages"][2]["type"], "application/pdf");
  EXPECT_EQ(seen["pages"][2]["head"], "%PDF-");
  EXPECT_EQ(seen["pages"][3]["status"], 404);
  const std::string teacher = server_.keys().Make(
      domain::AccessRole::kOrdererSystem, "ph", "lyseo", "", absl::Hours(24 * 30));
  seen = Browse({
      {{"setcookie", teacher}, {"url", base_}},
      {{"goto", base_ + "orders/visit"}},
      {{"check", true}},
      {{"fetch", base_ + "orders/visit/survey.pdf"}},
  });
  ASSERT_EQ(seen["pages"].size(), 2u) << seen.dump();
  EXPECT_THAT(
      seen["pages"][0]["text"].get<std::string>(),
      HasSubstr("Yleisön palautekysely: QR-koodi tulostettavaksi (PDF)"));
  EXPECT_EQ(seen["pages"][1]["status"], 200);
  EXPECT_EQ(seen["pages"][1]["head"], "%PDF-");
}

INSTANTIATE_TEST_SUITE_P(
    Db, WebPagesTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
