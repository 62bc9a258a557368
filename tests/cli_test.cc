// kokemusctl, the real binary, against a real server on both databases.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "clients/kokemusctl/help.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/reference/calendar.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::Backend;
using testing_support::ProcessResult;

class CliTest : public ::testing::TestWithParam<Backend> {
 protected:
  // Runs kokemusctl as a coordinator would: with the national administrator's
  // key to make and list exchanges (and for `--exchange -`), else with the
  // key of the coordinator of --exchange (ph when none is given).
  ProcessResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {
        testing_support::BinaryPath("kokemusctl"), "--server", server_.address(), "--plaintext"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string exchange = "ph";
    bool national = false;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--exchange") exchange = args[i + 1];
      if (args[i] == "exchange" && (args[i + 1] == "create" || args[i + 1] == "list")) {
        national = true;
      }
    }
    national = national || exchange == "-";
    const std::string key =
        national ? server_.keys().Admin() : server_.keys().Coordinator(exchange);
    return testing_support::RunProcess(argv, {{"KOKEMUS_API_KEY", key}});
  }

  void CreateFixtures() {
    ProcessResult ex = Ctl(
        {"exchange", "create", "ph", "--display-name", "Päijät-Hämeen kokemusasiantuntijapankki",
         "--wellbeing-region", "PH", "--business-id", "0112038-9"});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    ProcessResult org = Ctl(
        {"organization", "create", "lyseo", "--exchange", "ph", "--display-name", "Lahden lyseo",
         "--sector", "education", "--kind", "educational_institution", "--municipality", "Lahti"});
    ASSERT_EQ(org.exit_code, 0) << org.err;
    ProcessResult expert = Ctl(
        {"expert",
         "create",
         "kaisa",
         "--exchange",
         "ph",
         "--display-name",
         "Kaisa K.",
         "--email",
         "kaisa@example.fi",
         "--home-municipality",
         "Lahtis",
         "--languages",
         "fi,sv",
         "--experience-areas",
         "mental_health",
         "--roles",
         "lecturer,peer_support",
         "--payment-method",
         "invoice",
         "--trainings",
         "MIELI ry|Kokemusasiantuntijakoulutus|2024-05-31",
         "--weekly-availability",
         "monday 09:00-16:00",
         "--remote-ok",
         "true"});
    ASSERT_EQ(expert.exit_code, 0) << expert.err;
  }

  // Ctl with --output json: the parsed answer, failing the test on an error.
  nlohmann::json CtlJson(std::vector<std::string> args) {
    args.insert(args.begin(), {"--output", "json"});
    ProcessResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }

  // `order create ID` of a 90-minute lecture at the lyseo starting at `start`.
  static std::vector<std::string> OrderCreate(const std::string& id, const std::string& start) {
    return {
        "order",
        "create",
        id,
        "--exchange",
        "ph",
        "--organization",
        "lyseo",
        "--role",
        "lecturer",
        "--topic",
        "Toipumistarina",
        "--audience",
        "students",
        "--start-time",
        start,
        "--duration-minutes",
        "90",
        "--address",
        "Kirkkokatu 1",
        "--municipality",
        "Lahti",
        "--language",
        "fi"};
  }

  testing_support::TestServer server_{GetParam()};
};

TEST_P(CliTest, CreatesAndListsAsTables) {
  CreateFixtures();
  ProcessResult experts = Ctl({"expert", "list", "--exchange", "ph"});
  ASSERT_EQ(experts.exit_code, 0) << experts.err;
  // Tables for a person (issue 17): short ids, municipality names, the
  // enum values one types; --output json keeps the API's values.
  EXPECT_EQ(
      experts.out,
      "NAME   DISPLAY_NAME  STATE   HOME_MUNICIPALITY  LANGUAGES  ROLES\n"
      "kaisa  Kaisa K.      active  Lahti              fi, sv     lecturer, peer_support\n");
  ProcessResult orgs = Ctl({"organization", "list", "--exchange", "ph"});
  EXPECT_EQ(
      orgs.out,
      "NAME   DISPLAY_NAME  STATE   KIND                     MUNICIPALITY\n"
      "lyseo  Lahden lyseo  active  educational_institution  Lahti\n");
  ProcessResult exchanges = Ctl({"exchange", "list"});
  EXPECT_EQ(
      exchanges.out,
      "NAME  DISPLAY_NAME                             WELLBEING_REGION  DEFAULT_LANGUAGE\n"
      "ph    Päijät-Hämeen kokemusasiantuntijapankki  PH                fi\n");
}

TEST_P(CliTest, PrintsTheProtoJsonMapping) {
  CreateFixtures();
  ProcessResult got = Ctl({"--output", "json", "expert", "get", "kaisa", "--exchange", "ph"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  auto json = nlohmann::json::parse(got.out);
  const auto& e = json.at("expert");
  EXPECT_EQ(e.at("name"), "exchanges/ph/experts/kaisa");
  EXPECT_EQ(e.at("homeMunicipality"), "398");
  EXPECT_EQ(e.at("roles"), nlohmann::json({"ROLE_LECTURER", "ROLE_PEER_SUPPORT"}));
  EXPECT_EQ(e.at("trainings")[0].at("provider"), "MIELI ry");
  EXPECT_EQ(e.at("weeklyAvailability")[0].at("startMinute"), 540);
  EXPECT_EQ(e.at("remoteOk"), true);
  EXPECT_EQ(e.at("etag"), "\"1\"");
}

TEST_P(CliTest, UpdatesOnlyTheGivenFields) {
  CreateFixtures();
  ProcessResult up = Ctl(
      {"--output", "json", "expert", "update", "kaisa", "--exchange", "ph", "--state", "paused",
       "--max-travel-km", "25"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  auto e = nlohmann::json::parse(up.out).at("expert");
  EXPECT_EQ(e.at("state"), "STATE_PAUSED");
  EXPECT_EQ(e.at("maxTravelKm"), 25);
  EXPECT_EQ(e.at("displayName"), "Kaisa K.");
  EXPECT_EQ(e.at("etag"), "\"2\"");
  ProcessResult stale = Ctl(
      {"expert", "update", "kaisa", "--exchange", "ph", "--etag", "\"1\"", "--state", "active"});
  EXPECT_EQ(stale.exit_code, 6);
  EXPECT_THAT(stale.err, HasSubstr("kokemusctl: conflict: etag does not match"));
}

TEST_P(CliTest, ValidationErrorsArePerFieldOnOneLineWithExitCode3) {
  CreateFixtures();
  ProcessResult bad = Ctl(
      {"expert", "create", "bad", "--exchange", "ph", "--display-name", "X", "--email", "nope",
       "--home-municipality", "Atlantis", "--languages", "fi", "--experience-areas", "gambling",
       "--roles", "lecturer", "--payment-method", "invoice"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_EQ(
      bad.err,
      "kokemusctl: invalid argument: expert.email: not a valid e-mail address; "
      "expert.home_municipality: not a Statistics Finland municipality code (3 digits, "
      "398 is Lahti)\n");
  EXPECT_EQ(bad.out, "");
  ProcessResult list = Ctl({"expert", "list", "--exchange", "ph"});
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("bad")));
}

TEST_P(CliTest, ExitCodesForNotFoundConflictUsageAndUnreachableServer) {
  CreateFixtures();
  ProcessResult missing = Ctl({"expert", "get", "nobody", "--exchange", "ph"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_EQ(missing.err, "kokemusctl: not found: exchanges/ph/experts/nobody not found\n");
  ProcessResult taken =
      Ctl({"exchange", "create", "ph", "--display-name", "Again", "--wellbeing-region", "PH"});
  EXPECT_EQ(taken.exit_code, 5);
  ProcessResult usage = Ctl({"expert", "fly"});
  EXPECT_EQ(usage.exit_code, 2);
  // A usage error is one line (issue 17: the whole usage buried it).
  EXPECT_EQ(
      usage.err,
      "kokemusctl: expert has no verb fly (expert takes create, get, list, update, delete, "
      "export, erase) (see kokemusctl expert --help)\n");
  // A switch of another command is pointed out, not silently ignored.
  for (const auto& [argv, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"expert", "delete", "kaisa", "--exchange", "ph", "--force"},
            "--force is only for expert erase"},
           {{"fees", "show", "--exchange", "ph", "--replace"}, "--replace is only for fees set"},
           {{"notify", "list", "--exchange", "ph", "--follow"},
            "--follow is only for notify events"}}) {
    ProcessResult misplaced = Ctl(argv);
    EXPECT_EQ(misplaced.exit_code, 2) << message;
    // Found while reading the command line, before the command is known: the whole usage.
    EXPECT_EQ(misplaced.err, "kokemusctl: " + message + " (see kokemusctl --help)\n");
  }
  ProcessResult no_exchange = Ctl({"expert", "list"});
  EXPECT_EQ(no_exchange.exit_code, 2);
  EXPECT_EQ(
      no_exchange.err,
      "kokemusctl: --exchange (or KOKEMUS_EXCHANGE) is required (see kokemusctl expert list "
      "--help)\n");
  // A malformed etag is not a conflict.
  ProcessResult etag =
      Ctl({"expert", "update", "kaisa", "--exchange", "ph", "--etag", "1", "--max-travel-km", "9"});
  EXPECT_EQ(etag.exit_code, 3);
  EXPECT_EQ(
      etag.err,
      "kokemusctl: invalid argument: expert.etag: is not an etag this service gave: give it back "
      "as read, with its quotes (\"3\")\n");
  ProcessResult version = Ctl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "kokemusctl 0.1.0 (API kokemus.v1)\n");
  // No key, and TLS to a server without it: what to do, not what gRPC logged.
  ProcessResult no_key = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemusctl"), "--server", server_.address(), "--plaintext",
       "expert", "list", "--exchange", "ph"},
      {{"KOKEMUS_API_KEY", ""}});
  EXPECT_EQ(no_key.exit_code, 8);
  EXPECT_EQ(
      no_key.err,
      "kokemusctl: not authenticated: no API key given: set KOKEMUS_API_KEY or "
      "--api-key\n");
  ProcessResult tls = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemusctl"), "--server", server_.address(), "--timeout", "5s",
       "expert", "list", "--exchange", "ph"},
      {{"KOKEMUS_API_KEY", server_.keys().Coordinator("ph")}, {"KOKEMUS_PLAINTEXT", ""}});
  EXPECT_EQ(tls.exit_code, 2);
  EXPECT_EQ(
      tls.err, absl::StrCat(
                   "kokemusctl: no TLS connection to ", server_.address(),
                   ": a local development server without TLS needs --plaintext (or "
                   "KOKEMUS_PLAINTEXT=true); otherwise check --server and --tls-ca\n"));
  ProcessResult bad_enum =
      Ctl({"expert", "update", "kaisa", "--exchange", "ph", "--state", "sleeping"});
  EXPECT_EQ(bad_enum.exit_code, 2);
  EXPECT_THAT(bad_enum.err, HasSubstr("--state: one of active, paused, inactive"));
  ProcessResult deleted = Ctl({"organization", "delete", "lyseo", "--exchange", "ph"});
  EXPECT_EQ(deleted.exit_code, 0);
  EXPECT_EQ(deleted.out, "deleted exchanges/ph/organizations/lyseo\n");

  ProcessResult down = testing_support::RunProcess(
      {testing_support::BinaryPath("kokemusctl"), "--timeout", "2s", "exchange", "list"},
      {{"KOKEMUS_SERVER", absl::StrCat("127.0.0.1:", testing_support::FreePort())}});
  EXPECT_EQ(down.exit_code, 7);
  EXPECT_THAT(down.err, HasSubstr("kokemusctl: "));
}

TEST_P(CliTest, ListAllFollowsPageTokens) {
  CreateFixtures();
  for (int i = 0; i < 4; ++i) {
    ProcessResult r = Ctl(
        {"organization", "create", absl::StrCat("unit-", i), "--exchange", "ph", "--display-name",
         absl::StrCat("Unit ", i), "--sector", "public", "--kind", "adult_social_work",
         "--municipality", "091"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ProcessResult page = Ctl({"organization", "list", "--exchange", "ph", "--page-size", "2"});
  EXPECT_EQ(std::count(page.out.begin(), page.out.end(), '\n'), 3);  // header + 2
  EXPECT_EQ(page.err, "(more results: add --all to list every page)\n");
  ProcessResult all = Ctl(
      {"organization", "list", "--exchange", "ph", "--page-size", "2", "--all", "--filter",
       "municipality = Helsinki"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 5);  // header + 4
  EXPECT_THAT(all.out, ::testing::Not(HasSubstr("lyseo")));
}

TEST_P(CliTest, RunsAnOrderFromFeesToFeedback) {
  CreateFixtures();
  auto ok = [&](std::vector<std::string> args) { return CtlJson(std::move(args)); };
  auto fees = ok(
      {"fees", "set", "--exchange", "ph", "--role-rules", "lecturer|2020-01-01|fixed|15000|0|false",
       "--travel-rates", "2020-01-01|25", "--cancellation-rules", "2020-01-01|14|50|0|100"});
  EXPECT_EQ(fees["feeSchedule"]["roleRules"][0]["amountCents"], "15000");
  EXPECT_EQ(fees["feeSchedule"]["travelRates"][0]["centsPerKm"], "25");
  // Steps of the orderer's late fee: 25 % under 30 days, 100 % under 2.
  auto tiered =
      ok({"fees", "set", "--exchange", "ph", "--cancellation-rules",
          "2020-01-01|14|50|0|100|30:25+2:100"});
  EXPECT_EQ(
      tiered["feeSchedule"]["cancellationRules"][0]["ordererTiers"],
      nlohmann::json::parse(R"([{"noticeDays":30,"percent":25},{"noticeDays":2,"percent":100}])"));
  ProcessResult bad_tier = Ctl(
      {"fees", "set", "--exchange", "ph", "--cancellation-rules", "2020-01-01|14|50|0|100|2-100"});
  EXPECT_EQ(bad_tier.exit_code, 2);
  EXPECT_THAT(
      bad_tier.err,
      HasSubstr("--cancellation-rules: notice steps are DAYS:PERCENT, such as 2:100"));
  ok({"fees", "set", "--exchange", "ph", "--cancellation-rules", "2020-01-01|14|50|0|100"});
  // As a person reads it: each list of rules a labelled table, euros.
  ProcessResult fee_table = Ctl({"fees", "show", "--exchange", "ph"});
  ASSERT_EQ(fee_table.exit_code, 0) << fee_table.err;
  EXPECT_THAT(
      fee_table.out,
      ::testing::StartsWith("name:               exchanges/ph/feeSchedule\n"
                            "role_rules:\n"
                            "  ROLE      VALID_FROM  KIND   AMOUNT\n"
                            "  lecturer  2020-01-01  fixed  150,00 €\n"
                            "travel_rates:\n"
                            "  VALID_FROM  CENTS_PER_KM\n"
                            "  2020-01-01  25\n"
                            "cancellation_rules:\n"
                            "  VALID_FROM  ORDERER_NOTICE_DAYS  ORDERER_LATE_PERCENT  "
                            "EXCHANGE_PERCENT\n"
                            "  2020-01-01  14                   50                    100\n"
                            "etag:               \"3\"\n"));

  // A Monday at 10:00 in Helsinki, three weeks ahead: inside the expert's
  // weekly availability (Monday 9-16), so matching ranks her.
  absl::TimeZone helsinki;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Helsinki", &helsinki));
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), helsinki) + 21;
  while (absl::GetWeekday(day) != absl::Weekday::monday) ++day;
  const std::string start = absl::FormatTime(
      absl::RFC3339_sec,
      absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), 10, 0), helsinki),
      absl::UTCTimeZone());
  // The time as tables show it: Helsinki time, Finnish style.
  const std::string when = absl::StrFormat("%d.%d.%d 10.00", day.day(), day.month(), day.year());
  const std::string deadline =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  auto order = ok(OrderCreate("o1", start));
  EXPECT_EQ(order["order"]["state"], "STATE_OPEN");
  EXPECT_EQ(order["order"]["organization"], "exchanges/ph/organizations/lyseo");

  auto ranked = ok({"match", "rank", "o1", "--exchange", "ph"});
  EXPECT_EQ(ranked["candidates"][0]["displayName"], "Kaisa K.");
  EXPECT_EQ(ranked["candidates"][0]["feeCents"], "15000");
  ProcessResult table = Ctl({"match", "rank", "o1", "--exchange", "ph"});
  EXPECT_THAT(table.out, HasSubstr("experience=1.00 role=0.00 travel=1.00"));

  // The day's plan (days are Helsinki days), and a weight changed.
  ProcessResult plan = Ctl(
      {"match", "plan", "--exchange", "ph", "--from", absl::FormatCivilTime(day), "--to",
       absl::FormatCivilTime(day + 1)});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("Kaisa K."));
  EXPECT_THAT(plan.out, HasSubstr("open orders 1, open places 1, method PLAN_METHOD_OPTIMAL\n"));
  EXPECT_THAT(plan.out, HasSubstr("greedy: 1 places, score "));
  auto settings = ok({"match", "settings", "--exchange", "ph", "--fairness", "5"});
  EXPECT_EQ(settings["matchingSettings"]["weights"]["fairness"], 5);
  EXPECT_EQ(settings["matchingSettings"]["etag"], "\"1\"");
  ProcessResult weights = Ctl({"match", "settings", "--exchange", "ph"});
  EXPECT_THAT(
      weights.out, ::testing::StartsWith("name:                   exchanges/ph/matchingSettings\n"
                                         "weights:\n"
                                         "  experience: 3.00\n"
                                         "  role:       2.00\n"
                                         "  travel:     1.00\n"
                                         "  fairness:   5.00\n"
                                         "  preferred:  1.00\n"
                                         "  feedback:   1.00\n"
                                         "rest_after_heavy_hours: 48\n"));
  ProcessResult bad_weight = Ctl({"match", "settings", "--exchange", "ph", "--travel", "12"});
  EXPECT_EQ(bad_weight.exit_code, 3);
  EXPECT_EQ(
      bad_weight.err,
      "kokemusctl: invalid argument: matching_settings.weights.travel: must be from 0 to 10\n");
  // The exchange's default for offer rounds, kept with the weights.
  auto pool = ok(
      {"match", "settings", "--exchange", "ph", "--offer-strategy", "pool", "--round-size", "4"});
  EXPECT_EQ(pool["matchingSettings"]["offerStrategy"], "OFFER_STRATEGY_POOL");
  EXPECT_EQ(pool["matchingSettings"]["roundSize"], 4);
  EXPECT_EQ(pool["matchingSettings"]["weights"]["fairness"], 5);
  ProcessResult bad_window =
      Ctl({"match", "settings", "--exchange", "ph", "--answer-window-minutes", "30"});
  EXPECT_EQ(bad_window.exit_code, 3);
  EXPECT_EQ(
      bad_window.err,
      "kokemusctl: invalid argument: matching_settings.answer_window_minutes: must be between 60 "
      "and 10080 (0: default)\n");
  ok({"match", "settings", "--exchange", "ph", "--offer-strategy", "targeted", "--round-size",
      "0"});

  // A first offer she declines, saying why.
  ok({"assignment", "offer", "o1", "--exchange", "ph", "--id", "a0", "--expert", "kaisa",
      "--offer-deadline", deadline});
  auto declined =
      ok({"assignment", "decline", "o1/a0", "--exchange", "ph", "--reason", "distance"});
  EXPECT_EQ(declined["assignment"]["state"], "STATE_DECLINED");
  EXPECT_EQ(declined["assignment"]["declineReason"], "DECLINE_REASON_DISTANCE");

  // Offering it to her again is refused, naming the rule, until the
  // coordinator overrides it knowingly (she changed her mind on the phone).
  ProcessResult again = Ctl(
      {"assignment", "offer", "o1", "--exchange", "ph", "--id", "a1", "--expert", "kaisa",
       "--offer-deadline", deadline});
  EXPECT_EQ(again.exit_code, 6);
  EXPECT_EQ(
      again.err,
      "kokemusctl: failed precondition: the expert breaks matching rules: SAID_NO (declined this "
      "order or cancelled her place on it); to offer anyway, name each in override_rules\n");
  auto offer =
      ok({"assignment", "offer", "o1", "--exchange", "ph", "--id", "a1", "--expert", "kaisa",
          "--offer-deadline", deadline, "--override-rules", "said_no"});
  EXPECT_EQ(
      offer["assignment"]["overriddenRules"], nlohmann::json::array({"EXCLUSION_RULE_SAID_NO"}));
  EXPECT_EQ(offer["assignment"]["state"], "STATE_OFFERED");
  EXPECT_EQ(offer["assignment"]["feeCents"], "15000");
  EXPECT_FALSE(offer["assignment"].contains("travelKm"));  // 0: Lahti to Lahti

  EXPECT_EQ(
      ok({"assignment", "accept", "o1/a1", "--exchange", "ph"})["assignment"]["state"],
      "STATE_ACCEPTED");
  EXPECT_EQ(
      ok({"assignment", "confirm", "o1/a1", "--exchange", "ph"})["assignment"]["state"],
      "STATE_CONFIRMED");
  EXPECT_EQ(ok({"order", "get", "o1", "--exchange", "ph"})["order"]["state"], "STATE_ASSIGNED");
  // The order list names the orderer and the topic (issue 17).
  ProcessResult orders = Ctl({"order", "list", "--exchange", "ph"});
  EXPECT_EQ(
      orders.out, absl::StrCat(
                      "ORDER  TIME", std::string(when.size() - 2, ' '),
                      "ORDERER       TOPIC           ROLE      PLACES  STATE\n"
                      "o1     ",
                      when, "  Lahden lyseo  Toipumistarina  lecturer  1       assigned\n"));

  // What was sent: the offer and the confirmation to kaisa (the exchange and
  // the school have no address here), waiting for an SMTP server.
  auto messages = ok({"notify", "list", "--exchange", "ph", "--about", "o1/a1"});
  ASSERT_EQ(messages["messages"].size(), 2u) << messages.dump();
  EXPECT_EQ(messages["messages"][0]["kind"], "KIND_ASSIGNMENT_CONFIRMED");
  EXPECT_EQ(messages["messages"][0]["recipient"], "kaisa@example.fi");
  EXPECT_EQ(messages["messages"][0]["state"], "STATE_PENDING");
  EXPECT_TRUE(messages["messages"][0]["hasCalendarEntry"]);
  EXPECT_EQ(messages["messages"][1]["kind"], "KIND_OFFER_MADE");
  // Its own flags and --filter together narrow the list (before, the
  // session's --filter replaced the command's terms, and --about did nothing).
  auto offers_to_her =
      ok({"notify", "list", "--exchange", "ph", "--about", "o1/a0", "--filter", "kind=OFFER_MADE"});
  ASSERT_EQ(offers_to_her["messages"].size(), 1u) << offers_to_her.dump();
  EXPECT_EQ(offers_to_her["messages"][0]["resource"], "exchanges/ph/orders/o1/assignments/a0");
  EXPECT_FALSE(ok({"notify", "list", "--exchange", "ph", "--about", "o1/a0", "--state", "sent"})
                   .contains("messages"));
  const std::string message_id =
      messages["messages"][1]["name"].get<std::string>().substr(strlen("exchanges/ph/messages/"));
  auto shown = ok({"notify", "show", message_id, "--exchange", "ph"});
  EXPECT_THAT(
      shown["message"]["body"].get<std::string>(),
      HasSubstr("kokemusasiantuntijapankki tarjoaa sinulle tehtävää.\n"));
  auto resent = ok({"notify", "resend", message_id, "--exchange", "ph"});
  EXPECT_EQ(resent["message"]["kind"], "KIND_OFFER_MADE");
  EXPECT_NE(resent["message"]["name"], messages["messages"][1]["name"]);
  auto reminders = ok({"notify", "settings", "--exchange", "ph", "--task-reminder-hours", "48,2"});
  EXPECT_EQ(reminders["notificationSettings"]["taskReminderHours"], nlohmann::json({48, 2}));
  EXPECT_EQ(reminders["notificationSettings"]["offerReminderHours"], 24);
  ProcessResult bad_hours =
      Ctl({"notify", "settings", "--exchange", "ph", "--offer-reminder-hours", "999"});
  EXPECT_EQ(bad_hours.exit_code, 3);
  EXPECT_EQ(
      bad_hours.err,
      "kokemusctl: invalid argument: notification_settings.offer_reminder_hours: must be 0 "
      "(none) to 336 hours (14 days)\n");

  // The assignment's moves, as a regional system follows them.
  auto states_of_a1 = [](const nlohmann::json& events) {
    std::vector<std::string> states;
    for (const auto& e : events["events"]) {
      if (e["assignment"] == "exchanges/ph/orders/o1/assignments/a1") {
        states.push_back(e["assignmentState"]);
      }
    }
    return states;
  };
  auto events = ok({"notify", "events", "--exchange", "ph"});
  EXPECT_THAT(
      states_of_a1(events),
      ::testing::ElementsAre("STATE_OFFERED", "STATE_ACCEPTED", "STATE_CONFIRMED"));
  std::string offered_cursor;
  for (const auto& e : events["events"]) {
    if (e["assignmentState"] == "STATE_OFFERED") offered_cursor = e["cursor"];
  }
  EXPECT_THAT(
      states_of_a1(ok({"notify", "events", "--exchange", "ph", "--after", offered_cursor})),
      ::testing::ElementsAre("STATE_ACCEPTED", "STATE_CONFIRMED"));

  // A regional system's webhook, and a calendar feed this server does not serve.
  auto hook = ok({"webhook", "create", "--exchange", "ph", "--url", "http://127.0.0.1:9/hooks"});
  EXPECT_EQ(hook["webhook"]["url"], "http://127.0.0.1:9/hooks");
  EXPECT_THAT(hook["secret"].get<std::string>(), ::testing::StartsWith("whsec_"));
  const std::string hook_id =
      hook["webhook"]["name"].get<std::string>().substr(strlen("exchanges/ph/webhooks/"));
  EXPECT_EQ(ok({"webhook", "list", "--exchange", "ph"})["webhooks"].size(), 1u);
  ok({"webhook", "delete", hook_id, "--exchange", "ph"});
  EXPECT_FALSE(ok({"webhook", "list", "--exchange", "ph"}).contains("webhooks"));
  ProcessResult no_feed = Ctl({"feed", "create", "--exchange", "ph", "--expert", "kaisa"});
  EXPECT_NE(no_feed.exit_code, 0);
  EXPECT_THAT(
      no_feed.err, HasSubstr("this server serves no calendar feeds (it has no --web_base_url)"));

  // The contract as a PDF file, and the privacy notice as text.
  const std::string pdf_path = testing_support::MakeTempDir() + "/contract.pdf";
  auto contract =
      ok({"contract", "generate", "o1/a1", "--exchange", "ph", "--language", "sv", "-o", pdf_path});
  EXPECT_EQ(contract["contract"]["language"], "sv");
  EXPECT_EQ(contract["contract"]["version"], 1);
  EXPECT_EQ(testing_support::ReadFile(pdf_path).substr(0, 5), "%PDF-");
  const std::vector<std::string> accept = {
      "contract",    "accept",  contract["contract"]["name"].get<std::string>(), "--exchange", "ph",
      "--full-name", "Kaisa K."};
  // Only the expert herself accepts: the coordinator's key is refused.
  ProcessResult by_coordinator = Ctl(accept);
  EXPECT_EQ(by_coordinator.exit_code, 8) << by_coordinator.err;
  EXPECT_THAT(by_coordinator.err, HasSubstr("permission denied"));
  std::vector<std::string> argv = {
      testing_support::BinaryPath("kokemusctl"),
      "--server",
      server_.address(),
      "--plaintext",
      "--output",
      "json"};
  argv.insert(argv.end(), accept.begin(), accept.end());
  ProcessResult by_kaisa = testing_support::RunProcess(
      argv,
      {{"KOKEMUS_API_KEY", server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")}});
  ASSERT_EQ(by_kaisa.exit_code, 0) << by_kaisa.err;
  auto accepted = nlohmann::json::parse(by_kaisa.out);
  EXPECT_EQ(accepted["contract"]["acceptedName"], "Kaisa K.");
  EXPECT_EQ(accepted["contract"]["acceptedBy"], "exchanges/ph/experts/kaisa");
  EXPECT_EQ(accepted["contract"]["acceptedVia"], "ACCEPTANCE_CHANNEL_API_KEY");
  // The notice names its controller and how to reach them, or is not given.
  ProcessResult no_address =
      Ctl({"exchange", "privacy-notice", "ph", "--language", "en", "--format", "text"});
  EXPECT_EQ(no_address.exit_code, 6);
  EXPECT_EQ(
      no_address.err,
      "kokemusctl: failed precondition: the privacy notice must name the controller and how to "
      "reach them (GDPR art. 13(1)(a)): set the exchange's postal_address and contact_email "
      "first (kokemusctl exchange update ph --postal-address ...)\n");
  ProcessResult controller = Ctl(
      {"exchange", "update", "ph", "--postal-address", "Vesijärvenkatu 11, 15140 Lahti",
       "--contact-email", "pankki@example.fi"});
  ASSERT_EQ(controller.exit_code, 0) << controller.err;
  ProcessResult notice =
      Ctl({"exchange", "privacy-notice", "ph", "--language", "en", "--format", "text"});
  EXPECT_EQ(notice.exit_code, 0) << notice.err;
  EXPECT_THAT(notice.out, ::testing::StartsWith("Privacy notice: experts by experience\n"));
  EXPECT_THAT(notice.out, HasSubstr("Vesijärvenkatu 11, 15140 Lahti"));
  ProcessResult bad_language =
      Ctl({"contract", "generate", "o1/a1", "--exchange", "ph", "--language", "de"});
  EXPECT_EQ(bad_language.exit_code, 3);

  ProcessResult early = Ctl({"assignment", "complete", "o1/a1", "--exchange", "ph"});
  EXPECT_EQ(early.exit_code, 6);
  EXPECT_EQ(early.err, "kokemusctl: failed precondition: the task has not started yet\n");

  ProcessResult feedback = Ctl(
      {"feedback", "submit", "o1/a1", "--exchange", "ph", "--source", "orderer", "--overall-rating",
       "5"});
  EXPECT_EQ(feedback.exit_code, 6);

  auto cancelled =
      ok({"assignment", "cancel", "o1/a1", "--exchange", "ph", "--cancelled-by", "expert"});
  EXPECT_EQ(cancelled["assignment"]["state"], "STATE_CANCELLED");
  EXPECT_EQ(cancelled["assignment"]["cancelledBy"], "CANCELLED_BY_EXPERT");
  EXPECT_FALSE(cancelled["assignment"].contains("feeCents"));  // 0 %: nothing owed
  EXPECT_EQ(ok({"order", "get", "o1", "--exchange", "ph"})["order"]["state"], "STATE_OPEN");

  // Offer rounds ask only those who have not said no to the order: nobody is
  // left, and nothing is started.
  ProcessResult no_rounds = Ctl({"rounds", "show", "o1", "--exchange", "ph"});
  EXPECT_EQ(no_rounds.exit_code, 4);
  EXPECT_EQ(no_rounds.err, "kokemusctl: not found: exchanges/ph/orders/o1/offerRounds not found\n");
  ProcessResult targeted = Ctl(
      {"rounds", "start", "o1", "--exchange", "ph", "--strategy", "targeted", "--offer-deadline",
       deadline});
  EXPECT_EQ(targeted.exit_code, 3);
  EXPECT_EQ(
      targeted.err,
      "kokemusctl: invalid argument: offer_rounds.strategy: TARGETED offers are made by hand "
      "(kokemusctl assignment offer), not in rounds\n");
  ProcessResult nobody = Ctl(
      {"rounds", "start", "o1", "--exchange", "ph", "--strategy", "broadcast", "--offer-deadline",
       deadline, "--round-size", "3"});
  EXPECT_EQ(nobody.exit_code, 6);
  EXPECT_EQ(
      nobody.err,
      "kokemusctl: failed precondition: no eligible expert is left to offer the order to "
      "(kokemusctl match rank shows why)\n");

  ProcessResult list = Ctl({"assignment", "list", "--exchange", "ph"});
  // Short ids, Helsinki time, the order's topic, the expert's name, euros.
  EXPECT_EQ(
      list.out,
      absl::StrCat(
          "ASSIGNMENT  TIME", std::string(when.size() - 2, ' '),
          "TOPIC           EXPERT    STATE      ANSWER_BY  TOTAL\n"
          "o1/a0       ",
          when, "  Toipumistarina  Kaisa K.  declined              150,00 €\n", "o1/a1       ",
          when, "  Toipumistarina  Kaisa K.  cancelled             0,00 €\n"));
  auto order_cancelled =
      ok({"order", "cancel", "o1", "--exchange", "ph", "--cancelled-by", "orderer"});
  EXPECT_EQ(order_cancelled["order"]["state"], "STATE_CANCELLED");
  ProcessResult missing_party = Ctl({"assignment", "cancel", "o1/a1", "--exchange", "ph"});
  EXPECT_EQ(missing_party.exit_code, 3);

  // The day in the reports: no task, one cancellation by the expert.
  ProcessResult stats = Ctl(
      {"report", "stats", "--exchange", "ph", "--from", absl::FormatCivilTime(day), "--to",
       absl::FormatCivilTime(day + 1), "--group-by", "category,role"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, ::testing::StartsWith("CATEGORY"));
  EXPECT_THAT(stats.out, HasSubstr("LECTURER  0      0.0    0.00      0.00        0/1/0"));
  EXPECT_THAT(stats.out, HasSubstr("\nTOTAL "));
  EXPECT_THAT(
      stats.out,
      HasSubstr("active trained experts 1, with a task 0 (0.0 %), Gini of tasks 0.000\n"));
  const std::string csv_path = testing_support::MakeTempDir() + "/assignments.csv";
  ProcessResult exported = Ctl(
      {"report", "export", "--exchange", "ph", "--from", absl::FormatCivilTime(day), "--to",
       absl::FormatCivilTime(day + 1), "-o", csv_path});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<std::string> lines =
      absl::StrSplit(testing_support::ReadFile(csv_path), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], ::testing::StartsWith("assignment,start_time,"));
  EXPECT_THAT(lines[1], ::testing::StartsWith("exchanges/ph/orders/o1/assignments/a0,"));
  EXPECT_THAT(lines[1], HasSubstr(",90,DECLINED,,LECTURER,lyseo,"));
  EXPECT_THAT(lines[2], ::testing::StartsWith("exchanges/ph/orders/o1/assignments/a1,"));
  EXPECT_THAT(lines[2], HasSubstr(",90,CANCELLED,EXPERT,LECTURER,lyseo,"));
  // The same for Finnish Excel (issue 17): BOM, semicolons, euros, local times.
  ProcessResult excel = Ctl(
      {"report", "export", "--exchange", "ph", "--from", absl::FormatCivilTime(day), "--to",
       absl::FormatCivilTime(day + 1), "--format", "excel", "-o", csv_path});
  EXPECT_EQ(excel.exit_code, 0) << excel.err;
  std::vector<std::string> excel_lines =
      absl::StrSplit(testing_support::ReadFile(csv_path), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(excel_lines.size(), 3u);
  EXPECT_EQ(
      excel_lines[0],
      "\xEF\xBB\xBF"
      "assignment;start_time;duration_minutes;state;cancelled_by;role;organization;"
      "organization_name;organization_kind;sector;category;municipality;remote;expert;fee_eur;"
      "travel_eur;total_eur");
  EXPECT_EQ(
      excel_lines[2],
      absl::StrCat(
          "exchanges/ph/orders/o1/assignments/a1;", day.day(), ".", day.month(), ".", day.year(),
          " 10:00;90;CANCELLED;EXPERT;LECTURER;lyseo;Lahden lyseo;EDUCATIONAL_INSTITUTION;"
          "EDUCATION;EDUCATIONAL_INSTITUTIONS;398;false;kaisa;0,00;0,00;0,00"));
  const std::string pdf_report = testing_support::MakeTempDir() + "/annual.pdf";
  ProcessResult annual = Ctl(
      {"report", "annual", "--exchange", "ph", "--year", absl::StrCat(day.year()), "--language",
       "sv", "-o", pdf_report});
  EXPECT_EQ(annual.exit_code, 0) << annual.err;
  EXPECT_EQ(testing_support::ReadFile(pdf_report).substr(0, 5), "%PDF-");
  ProcessResult bad_group = Ctl(
      {"report", "stats", "--exchange", "ph", "--from", "2026-01-01", "--to", "2026-02-01",
       "--group-by", "planet"});
  EXPECT_EQ(bad_group.exit_code, 2);
  EXPECT_THAT(bad_group.err, HasSubstr("--group-by: unknown grouping planet"));
}

// Issue 17, the findings that lost or misstated data: a fee rule set alone
// deleted the others; a summer time with +02:00 was stored an hour late
// without a word; an expert with a task to come was erased; a template typo
// went live.
TEST_P(CliTest, TheDeskKeepsWhatItIsNotToldToChange) {
  CreateFixtures();
  auto json = [&](std::vector<std::string> args) { return CtlJson(std::move(args)); };
  json(
      {"fees", "set", "--exchange", "ph", "--role-rules", "lecturer|2020-01-01|fixed|15000|0|false",
       "--role-rules", "peer_support|2020-01-01|hourly|2500|5000|true"});
  auto fees = json(
      {"fees", "set", "--exchange", "ph", "--role-rules",
       "group_facilitator|2020-01-01|fixed|9000|0|false"});
  std::vector<std::string> roles;
  for (const auto& r : fees["feeSchedule"]["roleRules"]) roles.push_back(r["role"]);
  EXPECT_THAT(
      roles,
      ::testing::ElementsAre("ROLE_LECTURER", "ROLE_PEER_SUPPORT", "ROLE_GROUP_FACILITATOR"));
  fees = json(
      {"fees", "set", "--exchange", "ph", "--replace", "--role-rules",
       "lecturer|2020-01-01|fixed|16000|0|false"});
  ASSERT_EQ(fees["feeSchedule"]["roleRules"].size(), 1u);
  EXPECT_EQ(fees["feeSchedule"]["roleRules"][0]["amountCents"], "16000");

  // Helsinki time without an offset; a foreign offset is told.
  const int year = absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() + 1;
  const std::string june = absl::StrCat("15.6.", year, " klo 10.00");
  std::vector<std::string> order = OrderCreate("o1", june);
  auto local = json(order);
  EXPECT_EQ(local["order"]["startTime"], absl::StrCat(year, "-06-15T07:00:00Z"));
  order = OrderCreate("o2", absl::StrCat(year, "-06-15T10:00:00+02:00"));
  order.insert(order.begin(), {"--output", "json"});
  ProcessResult offset = Ctl(order);
  ASSERT_EQ(offset.exit_code, 0) << offset.err;
  EXPECT_EQ(
      offset.err,
      absl::StrCat(
          "warning: --start-time: the offset given is not Helsinki's on that day (+03:00); the "
          "time is 15.06.",
          year,
          " 11:00 Helsinki time. Leave the offset out to give Helsinki "
          "time.\n"));
  EXPECT_EQ(
      nlohmann::json::parse(offset.out)["order"]["startTime"],
      absl::StrCat(year, "-06-15T08:00:00Z"));
  ProcessResult vague =
      Ctl({"order", "update", "o1", "--exchange", "ph", "--start-time", "ensi kesänä"});
  EXPECT_EQ(vague.exit_code, 2);
  EXPECT_EQ(
      vague.err,
      "kokemusctl: --start-time: not a time such as 2026-12-01T09:00 or \"1.12.2026 klo "
      "9.00\" (Helsinki time), or 2026-12-01T09:00:00+02:00 (see kokemusctl order update "
      "--help)\n");

  // An expert with a task to come is not erased unless forced.
  const std::string deadline =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  json(
      {"assignment", "offer", "o1", "--exchange", "ph", "--id", "a1", "--expert", "kaisa",
       "--offer-deadline", deadline, "--override-rules", "not_available_weekly"});
  ProcessResult held = Ctl({"expert", "erase", "kaisa", "--exchange", "ph"});
  EXPECT_EQ(held.exit_code, 6);
  EXPECT_EQ(
      held.err,
      "kokemusctl: failed precondition: the expert holds 1 task still to come: "
      "exchanges/ph/orders/o1/assignments/a1; cancel or withdraw them first, or erase with "
      "force (recorded in the audit log)\n");
  ProcessResult forced = Ctl({"expert", "erase", "kaisa", "--exchange", "ph", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;

  // A template is previewed before it goes live; a typo is named.
  const std::string dir = testing_support::MakeTempDir();
  {
    std::ofstream(dir + "/t.mustache")
        << "# Sopimus\n\n{{exchange_name}} ja {{orderer_name}}: {{expert_nmae}}, {{date_time}}, "
           "{{fee}}\n";
  }
  ProcessResult typo = Ctl(
      {"template", "upload", "--exchange", "ph", "--language", "fi", "--file",
       dir + "/t.mustache"});
  EXPECT_EQ(typo.exit_code, 3);
  EXPECT_THAT(
      typo.err,
      ::testing::StartsWith("kokemusctl: invalid argument: contract_template.text: "
                            "{{expert_nmae}} is not a variable of this template; it may use "));
  {
    std::ofstream(dir + "/t.mustache")
        << "# Sopimus\n\n{{exchange_name}} ja {{orderer_name}}: {{expert_name}}, {{date_time}}, "
           "{{fee}}\n";
  }
  ProcessResult preview = Ctl(
      {"template", "preview", "--exchange", "ph", "--language", "fi", "--file", dir + "/t.mustache",
       "-o", dir + "/preview.pdf"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(testing_support::ReadFile(dir + "/preview.pdf"), ::testing::StartsWith("%PDF-"));
  auto templates = json({"template", "list", "--exchange", "ph"});
  EXPECT_FALSE(templates.contains("contractTemplates")) << templates.dump();
}

TEST_P(CliTest, AnExchangeRewordsAMessageChecksItFirstAndResetsIt) {
  CreateFixtures();
  const std::string body_file =
      (std::filesystem::temp_directory_path() / absl::StrCat("kokemus-wording-", ::getpid()))
          .string();
  {
    std::ofstream out(body_file);
    out << "Moi!\n{{orderer}} {{time}}, vastaa {{deadline}}:\n{{link}}\n";
  }
  ProcessResult typo = Ctl(
      {"message-template", "set", "offer-made-expert-fi", "--exchange", "ph", "--subject",
       "Keikka {{daet}}"});
  EXPECT_EQ(typo.exit_code, 3);
  EXPECT_EQ(
      typo.err,
      "kokemusctl: invalid argument: message_template.subject: {{daet}} is not a variable of "
      "this template; it may use exchange_name, reply_to, role, topic, orderer, expert_name, "
      "date, time, duration, place, total, paid, deadline, cancelled_by, link\n");
  ProcessResult checked = Ctl(
      {"message-template", "set", "offer-made-expert-fi", "--exchange", "ph", "--subject",
       "Keikka {{date}}", "--file", body_file, "--validate-only", "true"});
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(
      checked.out,
      "name: exchanges/ph/messageTemplates/offer-made-expert-fi\n"
      "customized: yes\n"
      "variables: exchange_name, reply_to, role, topic, orderer, expert_name, date, time, "
      "duration, place, total, paid, deadline, cancelled_by, link\n"
      "required: deadline, link\n"
      "subject: Keikka {{date}}\n"
      "--- body ---\n"
      "Moi!\n{{orderer}} {{time}}, vastaa {{deadline}}:\n{{link}}\n"
      "--- preview ---\n"
      "Subject: Keikka 15.3.2027\n\n"
      "Moi!\nEsimerkkikoulu 15.3.2027 klo 10.00, vastaa 1.3.2027 klo 16.00:\n"
      "https://kokemus.example.fi/s/esimerkki\n");
  EXPECT_EQ(checked.err, "(checked only: nothing was stored)\n");
  ProcessResult list = Ctl({"message-template", "list", "--exchange", "ph", "--language", "sv"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("\noffer-made-expert-sv "));
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("offer-made-expert-fi")));
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("true")));  // nothing customized yet
  ProcessResult set = Ctl(
      {"message-template", "set", "offer-made-expert-fi", "--exchange", "ph", "--subject",
       "Keikka {{date}}", "--file", body_file});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ProcessResult shown = Ctl(
      {"--output", "json", "message-template", "show", "offer-made-expert-fi", "--exchange", "ph"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const nlohmann::json t = nlohmann::json::parse(shown.out)["messageTemplate"];
  EXPECT_EQ(t["customized"], true);
  EXPECT_EQ(t["subject"], "Keikka {{date}}");
  ProcessResult reset =
      Ctl({"message-template", "reset", "offer-made-expert-fi", "--exchange", "ph"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_THAT(reset.out, HasSubstr("customized: no (Kokemus's wording)\n"));
  EXPECT_THAT(reset.out, HasSubstr("subject: Tarjous: {{{role}}} {{{date}}}\n"));
  std::filesystem::remove(body_file);
}

// Issue 17: the coordinator's days at a glance.
// What "can't be deleted; set its state to INACTIVE" points at (issue 17, 9).
TEST_P(CliTest, AnInactiveOrganizationTakesNoNewOrdersAndKeepsItsOwn) {
  CreateFixtures();
  const std::string start =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24 * 21), absl::UTCTimeZone());
  ASSERT_EQ(Ctl(OrderCreate("o1", start)).exit_code, 0);
  ProcessResult deleted = Ctl({"organization", "delete", "lyseo", "--exchange", "ph"});
  EXPECT_EQ(deleted.exit_code, 6);
  EXPECT_EQ(
      deleted.err,
      "kokemusctl: failed precondition: exchanges/ph/organizations/lyseo has orders or "
      "assignments and can't be deleted; set its state to INACTIVE instead (kokemusctl "
      "organization update)\n");
  ProcessResult off =
      Ctl({"organization", "update", "lyseo", "--exchange", "ph", "--state", "inactive"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_THAT(off.out, HasSubstr("\nstate:        inactive\n"));
  ProcessResult inactive =
      Ctl({"organization", "list", "--exchange", "ph", "--filter", "state = INACTIVE"});
  EXPECT_EQ(
      inactive.out,
      "NAME   DISPLAY_NAME  STATE     KIND                     MUNICIPALITY\n"
      "lyseo  Lahden lyseo  inactive  educational_institution  Lahti\n");
  ProcessResult refused = Ctl(OrderCreate("o2", start));
  EXPECT_EQ(refused.exit_code, 6);
  EXPECT_EQ(
      refused.err,
      "kokemusctl: failed precondition: exchanges/ph/organizations/lyseo is INACTIVE and takes "
      "no new orders; set its state to ACTIVE first (kokemusctl organization update)\n");
  EXPECT_EQ(Ctl({"order", "get", "o2", "--exchange", "ph"}).exit_code, 4);
  EXPECT_EQ(
      Ctl({"order", "update", "o1", "--exchange", "ph", "--topic", "Toipumistarina 2"}).exit_code,
      0);
  ASSERT_EQ(
      Ctl({"organization", "update", "lyseo", "--exchange", "ph", "--state", "active"}).exit_code,
      0);
  EXPECT_EQ(Ctl(OrderCreate("o2", start)).exit_code, 0);
}

// Issue 20: the national table of floors, and her pay by payment month.
TEST_P(CliTest, EarningsShowTheNationalFloorsAndHerPayByPaymentMonth) {
  CreateFixtures();
  ProcessResult floors = Ctl({"earnings", "floors", "--exchange", "ph"});
  ASSERT_EQ(floors.exit_code, 0) << floors.err;
  EXPECT_EQ(
      floors.out,
      "name:   earningsFloors\n"
      "floors:\n"
      "  VALID_FROM  MONTHLY   SOURCE\n"
      "  2024-01-01  976,59 €  Työkyvyttömyyseläkkeen ansaintaraja 2024: 976,59 €/kk (Kela, "
      "Eläketurvakeskus)\n"
      "etag:   \"0\"\n");
  // The coordinator may not change it; the national administrator may.
  EXPECT_EQ(
      Ctl({"earnings", "set-floor", "--exchange", "ph", "--floors", "2027-01-01|100000|Testi"})
          .exit_code,
      8);
  ProcessResult set =
      Ctl({"earnings", "set-floor", "--exchange", "-", "--floors", "2027-01-01|100000|Testi"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr("  2027-01-01  1 000,00 €  Testi\n"));
  ProcessResult bad =
      Ctl({"earnings", "set-floor", "--exchange", "-", "--floors", "2027-02-30|0|x"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_EQ(
      bad.err,
      "kokemusctl: invalid argument: earnings_floors.floors[0].valid_from: must be a date "
      "YYYY-MM-DD; earnings_floors.floors[0].monthly_cents: must be from 1 cent to 100000 euros\n");
  ASSERT_EQ(
      Ctl({"expert", "update", "kaisa", "--exchange", "ph", "--benefit-limit.kind",
           "disability_pension_floor"})
          .exit_code,
      0);
  ProcessResult pay = Ctl({"earnings", "show", "kaisa", "--exchange", "ph", "--year", "2027"});
  ASSERT_EQ(pay.exit_code, 0) << pay.err;
  std::string months;
  for (int m = 1; m <= 12; ++m) {
    months += absl::StrFormat("  2027-%02d  1 000,00 €\n", m);
  }
  EXPECT_EQ(pay.out, "expert: kaisa\nyear:   2027\nmonths:\n  MONTH    LIMIT\n" + months);

  // Her letter for the benefit payer; paid wages, her identity code sealed.
  const std::string letter = testing_support::MakeTempDir() + "/kela.pdf";
  ProcessResult made =
      Ctl({"earnings", "letter", "kaisa", "--exchange", "ph", "--language", "en", "-o", letter});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(testing_support::ReadFile(letter).substr(0, 5), "%PDF-");
  ProcessResult refused = Ctl(
      {"expert", "update", "kaisa", "--exchange", "ph", "--payroll.identity-code", "131052-308T"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_EQ(
      refused.err,
      "kokemusctl: invalid argument: expert.payroll.identity_code: is kept only for an expert "
      "paid wages or work compensation (payment_method SALARY_TAX_CARD or WORK_COMPENSATION)\n");
  ProcessResult wages = Ctl(
      {"--output", "json", "expert", "update", "kaisa", "--exchange", "ph", "--payment-method",
       "salary_tax_card", "--payroll.identity-code", "131052-308T", "--payroll.withholding-percent",
       "17.5"});
  ASSERT_EQ(wages.exit_code, 0) << wages.err;
  EXPECT_THAT(wages.out, HasSubstr("\"identityCodeRecorded\": true"));
  EXPECT_THAT(wages.out, HasSubstr("\"withholdingPercent\": \"17.5\""));
  EXPECT_THAT(wages.out, Not(HasSubstr("308T")));
  const std::string summary = testing_support::MakeTempDir() + "/summary.csv";
  ProcessResult payroll = Ctl(
      {"report", "payroll", "--exchange", "ph", "--from", "2027-01-01", "--to", "2027-02-01",
       "--by-payment-date", "true", "--view", "summary", "-o", summary});
  ASSERT_EQ(payroll.exit_code, 0) << payroll.err;
  EXPECT_EQ(
      testing_support::ReadFile(summary),
      "payer,payer_name,payer_business_id,payment_month,kind,experts,lines,amount_cents,"
      "withholding_cents,due_lines,past_lines\r\n");
  ProcessResult bad_view = Ctl(
      {"report", "payroll", "--exchange", "ph", "--from", "2027-01-01", "--to", "2027-02-01",
       "--view", "planet", "-o", summary});
  EXPECT_EQ(bad_view.exit_code, 2);
  EXPECT_THAT(bad_view.err, HasSubstr("--view: lines, summary or due"));
}

TEST_P(CliTest, TheAgendaShowsUnfilledPlacesMissingContractsAndLapsingOffers) {
  CreateFixtures();
  ASSERT_EQ(
      Ctl({"fees", "set", "--exchange", "ph", "--role-rules",
           "lecturer|2026-01-01|fixed|15000|0|false"})
          .exit_code,
      0);
  const absl::CivilDay tomorrow = absl::ToCivilDay(absl::Now(), reference::HelsinkiTimeZone()) + 1;
  const std::string day = absl::FormatCivilTime(tomorrow);
  ASSERT_EQ(Ctl(OrderCreate("o1", day + "T12:00")).exit_code, 0);
  ASSERT_EQ(Ctl(OrderCreate("o2", day + "T15:00")).exit_code, 0);
  const std::string deadline =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(3), absl::UTCTimeZone());
  for (const char* order : {"o1", "o2"}) {
    ProcessResult offer = Ctl(
        {"assignment", "offer", order, "--exchange", "ph", "--expert", "kaisa", "--id",
         std::string("a") + order, "--offer-deadline", deadline, "--override-rules",
         "not_available_weekly"});  // she is available on Mondays only
    ASSERT_EQ(offer.exit_code, 0) << offer.err;
  }
  ASSERT_EQ(Ctl({"assignment", "accept", "o2/ao2", "--exchange", "ph"}).exit_code, 0);
  ASSERT_EQ(Ctl({"assignment", "confirm", "o2/ao2", "--exchange", "ph"}).exit_code, 0);

  ProcessResult today = Ctl({"agenda", "--exchange", "ph"});
  ASSERT_EQ(today.exit_code, 0) << today.err;
  EXPECT_THAT(today.out, ::testing::StartsWith("No tasks today.\n"));
  ProcessResult week = Ctl({"agenda", "--week", "--exchange", "ph"});
  ASSERT_EQ(week.exit_code, 0) << week.err;
  EXPECT_THAT(
      week.out, HasSubstr("12.00  o1     Lahden lyseo  Toipumistarina  0/1     1 unfilled; "
                          "1 offer(s) open\n"));
  EXPECT_THAT(
      week.out,
      HasSubstr("15.00  o2     Lahden lyseo  Toipumistarina  1/1     no contract: Kaisa K.\n"));
  EXPECT_THAT(
      week.out, HasSubstr("\nOffers lapsing within 24 hours:\nASSIGNMENT  EXPERT    ANSWER_BY\n"
                          "o1/ao1      Kaisa K.  "));
  // The agenda reads every page, whatever the page size; a --filter given
  // to it does not reach the assignment lists it reads (their own requests).
  ProcessResult paged =
      Ctl({"agenda", "--week", "--exchange", "ph", "--page-size", "1", "--filter", "state = OPEN"});
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_EQ(paged.out, week.out);
  ASSERT_EQ(
      Ctl({"contract", "generate", "o2/ao2", "--exchange", "ph", "-o", "/dev/null"}).exit_code, 0);
  EXPECT_THAT(
      Ctl({"agenda", "--week", "--exchange", "ph"}).out,
      HasSubstr("15.00  o2     Lahden lyseo  Toipumistarina  1/1\n"));
  EXPECT_EQ(Ctl({"order", "list", "--exchange", "ph", "--week"}).exit_code, 2);
}

TEST_P(CliTest, KeysAuditAndAnExpertsRights) {
  CreateFixtures();
  ProcessResult made = Ctl(
      {"key", "create", "--exchange", "ph", "--role", "expert", "--expert", "kaisa",
       "--display-name", "Kaisa", "--expires-in", "30d"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string key(absl::StripTrailingAsciiWhitespace(made.out));
  EXPECT_THAT(key, ::testing::MatchesRegex("kok_[a-z0-9-]+_[A-Za-z0-9_-]{43}"));
  EXPECT_THAT(made.err, ::testing::EndsWith(": the key is shown only now; keep it safe\n"));
  // Days left before it stops working (issue 17), beside when.
  ProcessResult keys = Ctl({"key", "list", "--exchange", "ph"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  // EXPIRES is as wide as its longest time ("29.11.2026 0.40" before 10 a.m.).
  EXPECT_THAT(
      keys.out, ::testing::MatchesRegex("KEY           DISPLAY_NAME      ROLE         EXPIRES "
                                        "{10,11}DAYS_LEFT  REVOKED\n(.|\n)*"));
  EXPECT_THAT(
      keys.out,
      ::testing::MatchesRegex("(.|\n)*\n[a-z0-9]+  Kaisa +expert +[0-9.]+ [0-9.]+ +30\n(.|\n)*"));
  // The expert's own key reads her record, and nothing of the exchange's list.
  const std::vector<std::string> as_kaisa = {
      testing_support::BinaryPath("kokemusctl"), "--server", server_.address(), "--plaintext"};
  auto run_as_kaisa = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = as_kaisa;
    argv.insert(argv.end(), args.begin(), args.end());
    return testing_support::RunProcess(
        argv, {{"KOKEMUS_API_KEY", key}, {"KOKEMUS_EXCHANGE", "ph"}});
  };
  ProcessResult whoami = run_as_kaisa({"key", "whoami"});
  ASSERT_EQ(whoami.exit_code, 0) << whoami.err;
  EXPECT_THAT(whoami.out, HasSubstr("role:         expert\n"));
  EXPECT_THAT(whoami.out, HasSubstr("expert:       kaisa\n"));
  ProcessResult own = run_as_kaisa({"expert", "get", "kaisa"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr("home_municipality:    Lahti\n"));
  EXPECT_THAT(own.out, HasSubstr("roles:                lecturer, peer_support\n"));
  EXPECT_THAT(
      own.out, HasSubstr("trainings:\n"
                         "  PROVIDER  TITLE                        COMPLETION_DATE\n"
                         "  MIELI ry  Kokemusasiantuntijakoulutus  2024-05-31\n"
                         "remote_ok:            true\n"
                         "weekly_availability:  ma 9–16\n"));
  ProcessResult list = run_as_kaisa({"expert", "list"});
  EXPECT_EQ(list.exit_code, 8);
  EXPECT_EQ(
      list.err,
      "kokemusctl: permission denied: an EXPERT key may not run kokemusctl expert list\n");
  // Who accessed kaisa: her own read is there; the chain is intact.
  ProcessResult audit = Ctl({"audit", "list", "--exchange", "ph", "--resource", "kaisa"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("EXPERT       kokemus.v1.RegistryService/GetExpert"));
  ProcessResult verify = Ctl({"audit", "verify", "--exchange", "ph"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.out, "intact\n");
  // A sealed checkpoint kept in a file verifies every chain it names.
  const std::string checkpoint = testing_support::MakeTempDir() + "/checkpoint.json";
  ProcessResult sealed = Ctl({"audit", "checkpoint", "--exchange", "-", "-o", checkpoint});
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  const nlohmann::json heads =
      nlohmann::json::parse(testing_support::ReadFile(checkpoint))["heads"];
  std::vector<std::string> chains;
  for (const auto& head : heads) chains.push_back(head["chain"]);
  EXPECT_THAT(chains, ::testing::Contains("exchanges/ph"));
  ProcessResult checked = Ctl(
      {"audit", "verify", "--exchange", "-", "--checkpoint", checkpoint, "--every-chain", "true"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(checked.out, "intact\n");
  // Export, then erasure; afterwards her key is dead.
  const std::string file = testing_support::MakeTempDir() + "/kaisa.json";
  ProcessResult exported = run_as_kaisa({"expert", "export", "kaisa", "-o", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(
      nlohmann::json::parse(testing_support::ReadFile(file))["expert"]["email"],
      "kaisa@example.fi");
  ProcessResult erased = Ctl({"expert", "erase", "kaisa", "--exchange", "ph"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_THAT(
      erased.out,
      ::testing::StartsWith("erased; the kept assignments now name exchanges/ph/experts/erased-"));
  ProcessResult after = run_as_kaisa({"key", "whoami"});
  EXPECT_EQ(after.exit_code, 8);
  EXPECT_EQ(after.err, "kokemusctl: not authenticated: invalid API key\n");
}

// The survey's commands: the template with an own question from JSON, the
// results as CSV (nothing answered: every question left out), and a task's
// link refused without the pages' address.
TEST_P(CliTest, SurveyTemplateResultsAndLinks) {
  CreateFixtures();
  const std::string dir = testing_support::MakeTempDir();
  {
    std::ofstream(dir + "/oma.json") << R"({"questions": [{"id": "useful", "kind": "KIND_AGREEMENT",
        "text": {"fi": "Luento oli hyödyllinen"}}]})";
  }
  ProcessResult set = Ctl(
      {"survey", "set-template", "--exchange", "ph", "--file", dir + "/oma.json", "--open-days",
       "10", "--anonymous-reflections", "true"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(
      set.out, HasSubstr("open_days: 10\nsuppression_threshold: 5\n"
                         "anonymous_reflections: true\n"));
  EXPECT_THAT(
      set.out, HasSubstr("useful             agreement        yes  Luento oli hyödyllinen"));
  EXPECT_THAT(set.out, HasSubstr("fully_agree,partly_agree,partly_disagree,fully_disagree"));
  ProcessResult got = Ctl({"survey", "template", "--exchange", "ph"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("role               single_choice         Olen"));
  ProcessResult bad = Ctl({"survey", "set-template", "--exchange", "ph", "--file", dir + "/none"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--file: cannot read " + dir + "/none"));
  ProcessResult csv = Ctl(
      {"survey", "results", "--exchange", "ph", "--from", "2026-01-01", "--to", "2027-01-01",
       "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(
      csv.out,
      "QUESTION,RESPONDENTS,OPTION,N,PERCENT\n"
      "Olen,,(fewer than the threshold),,\n"
      "Kokemusasiantuntija herätti minussa…,,(fewer than the threshold),,\n"
      "Haluaisin kuulla enemmän kokemusasiantuntijoiden kertomuksia,,(fewer than the threshold),,\n"
      "Kokemusasiantuntija auttoi minua ymmärtämään mielenterveys- ja päihdeongelmia,,"
      "(fewer than the threshold),,\n"
      "Luento oli hyödyllinen,,(fewer than the threshold),,\n");
  ProcessResult link = Ctl({"survey", "get", "o1", "--exchange", "ph"});
  EXPECT_EQ(link.exit_code, 4) << link.err;  // no such order
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Db, CliTest, testing_support::kAllBackends, testing_support::BackendName);

// kokemusctl with no server behind it: help, "did you mean" and completion
// come before any call (issue 17, finding 6).
ProcessResult Offline(std::vector<std::string> args) {
  std::vector<std::string> argv = {
      testing_support::BinaryPath("kokemusctl"),
      "--server",
      "127.0.0.1:1",
      "--plaintext",
      "--timeout",
      "2s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing_support::RunProcess(argv, {{"KOKEMUS_API_KEY", "kok_offline"}});
}

TEST(CliHelp, EachCommandHasItsOwnHelpWithItsFlagsValuesAndAnExample) {
  ProcessResult order = Offline({"order", "create", "--help"});
  ASSERT_EQ(order.exit_code, 0) << order.err;
  EXPECT_THAT(
      order.out, ::testing::StartsWith("usage: kokemusctl order create ID [FLAGS]\n\n"
                                       "add an order (a task wanted)\n\nflags:\n"
                                       "  --exchange EX                   the exchange (or "
                                       "KOKEMUS_EXCHANGE)\n"));
  for (const char* line :
       {"  --role VALUE                    lecturer|co_teacher|peer_support|",
        "  --audience students|professionals|clients|mixed\n",
        "  --start-time TIME               Helsinki time: 2026-12-01T09:00 or \"1.12.2026 klo "
        "9.00\"\n",
        "  --municipality CODE|NAME        a municipality: 398 or Lahti\n",
        "  --remote true|false\n", "  --experience-areas VALUE,...    mental_health|",
        "example:\n  kokemusctl order create lyseo-dec --organization lyseo --role lecturer"}) {
    EXPECT_THAT(order.out, HasSubstr(line));
  }
  EXPECT_THAT(order.out, ::testing::Not(HasSubstr("--etag")));         // not on create
  EXPECT_THAT(order.out, ::testing::Not(HasSubstr("--create-time")));  // output only
  ProcessResult fees = Offline({"fees", "set", "--help"});
  EXPECT_THAT(
      fees.out,
      HasSubstr(
          "  --role-rules \"ROLE|VALID_FROM|KIND|AMOUNT_CENTS|MINIMUM_CENTS|PREPARATION_PAID\"\n"
          "                                  parts separated by | (the flag again for each)\n"));
  // Every line fits a 100-column terminal.
  for (const auto* help : {&fees.out, &order.out}) {
    for (absl::string_view line : absl::StrSplit(*help, '\n')) {
      EXPECT_LE(line.size(), 100u) << line;
    }
  }
  ProcessResult settings = Offline({"match", "settings", "--help"});
  EXPECT_THAT(
      settings.out, HasSubstr("  --fairness W                    weight of spreading work"));
  ProcessResult rounds = Offline({"rounds", "--help"});
  EXPECT_EQ(
      rounds.out,
      "usage: kokemusctl rounds VERB [ARGS] [FLAGS]\n\n"
      "  start ORDER                 offer an order in rounds (no --strategy: the exchange's "
      "default)\n"
      "  show ORDER                  how the order is being filled, round by round\n"
      "  stop ORDER                  stop the rounds\n"
      "\nkokemusctl rounds VERB --help: that command's flags\n");
  ProcessResult global = Offline({"--help"});
  EXPECT_EQ(global.exit_code, 0);
  EXPECT_THAT(global.out, HasSubstr("kokemusctl NOUN VERB --help"));
}

TEST(CliHelp, AMistypedCommandFlagOrValueGetsDidYouMean) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"ordr", "list"}, "unknown command ordr; did you mean order?"},
      {{"order", "lst"},
       "order has no verb lst; did you mean list? (order takes create, get, list, update, "
       "cancel)"},
      {{"expert", "create", "x", "--exchange", "ph", "--rols", "lecturer"},
       "unknown option --rols for Expert; did you mean --roles?"},
      {{"rounds", "start", "o1", "--exchange", "ph", "--strategi", "broadcast"},
       "unknown option --strategi for OfferRounds; did you mean --strategy?"},
      {{"match", "rank", "o1", "--exchange", "ph", "--max-candidate", "5"},
       "unknown option --max-candidate for match rank; did you mean --max-candidates?"},
      {{"order", "create", "o1", "--exchange", "ph", "--audience", "studnts"},
       "--audience: one of students, professionals, clients, mixed; did you mean students?"},
      {{"order", "create", "o1", "--exchange", "ph", "--zzzzzz", "1"},
       "unknown option --zzzzzz for Order"}};
  for (const auto& [args, message] : cases) {
    ProcessResult r = Offline(args);
    EXPECT_EQ(r.exit_code, 2) << message;
    // The pointer is to the narrowest help there is: the whole usage for an unknown noun, the
    // noun's for an unknown verb, else the command's own.
    const std::string help = args[0] == "ordr" ? "kokemusctl --help"
                             : args[1] == "lst"
                                 ? "kokemusctl order --help"
                                 : "kokemusctl " + args[0] + " " + args[1] + " --help";
    EXPECT_EQ(r.err, "kokemusctl: " + message + " (see " + help + ")\n");
  }
}

// Every command the help table names is one its handler runs (a verb the
// handler did not know would end in its own "verbs: ..." usage error).
TEST(CliHelp, EveryCommandInTheTableIsKnownToItsHandler) {
  for (const cli::CommandHelp& c : cli::Commands()) {
    if (c.noun == "completion") continue;
    ProcessResult r = Offline({c.noun, c.verb, "x", "--exchange", "ph"});
    for (const char* unknown : {"verbs:", "has one verb", "unknown verb", "unknown noun"}) {
      EXPECT_THAT(r.err, ::testing::Not(HasSubstr(unknown))) << c.noun << " " << c.verb;
    }
  }
  EXPECT_EQ(cli::Commands().size(), 101u);
}

// The server words its errors for API callers; the CLI names its own
// commands instead, for every method of the API.
TEST(CliHelp, EveryApiMethodNamesTheCommandThatCallsIt) {
  int methods = 0;
  for (const char* service :
       {"AccessService", "ContractService", "MatchingService", "NotificationService",
        "OrderService", "RegistryService", "ReportService", "SurveyService", "TrainingService"}) {
    const google::protobuf::ServiceDescriptor* d =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            absl::StrCat("kokemus.v1.", service));
    ASSERT_NE(d, nullptr) << service;
    for (int i = 0; i < d->method_count(); ++i, ++methods) {
      const std::optional<std::string> command = cli::CommandForMethod(d->method(i)->full_name());
      ASSERT_TRUE(command.has_value()) << d->method(i)->full_name();
      const std::vector<std::string> words = absl::StrSplit(*command, ' ');
      ASSERT_EQ(words.size(), 3u) << *command;
      EXPECT_NE(cli::FindCommand(words[1], words[2]), nullptr) << *command;
    }
  }
  EXPECT_EQ(methods, 97);
  EXPECT_EQ(
      cli::NameCommands("a REPORTER key may not call kokemus.v1.RegistryService/GetExpert"),
      "a REPORTER key may not run kokemusctl expert get");
  EXPECT_EQ(
      cli::NameCommands("no fee rule for the role; set one with UpdateFeeSchedule."),
      "no fee rule for the role; set one with kokemusctl fees set.");
  EXPECT_EQ(
      cli::NameCommands("expert.etag: a GetExpert etag (ListMessageTemplates lists them)"),
      "expert.etag: a kokemusctl expert get etag (kokemusctl message-template list lists them)");
  EXPECT_EQ(cli::NameCommands("RankExpertsX and Rank stay"), "RankExpertsX and Rank stay");
}

TEST(CliHelp, BashCompletesNounsVerbsAndTheCommandsFlags) {
  ProcessResult script = Offline({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/kokemusctl.bash") << script.out; }
  auto complete = [&](const std::string& words) {
    const std::string code = "source " + dir + "/kokemusctl.bash; COMP_WORDS=(" + words +
                             "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kokemusctl; "
                             "echo \"${COMPREPLY[*]}\"";
    return testing_support::RunProcess({"/bin/bash", "-c", code}).out;
  };
  EXPECT_EQ(complete("kokemusctl or"), "organization order\n");
  EXPECT_EQ(complete("kokemusctl rounds s"), "start show stop\n");
  EXPECT_EQ(complete("kokemusctl --server h:1 rounds start o1 --str"), "--strategy\n");
  EXPECT_EQ(complete("kokemusctl expert erase kaisa --f"), "--force\n");
  EXPECT_EQ(complete("kokemusctl order create o1 --start"), "--start-time\n");
  ProcessResult zsh = Offline({"completion", "zsh"});
  EXPECT_THAT(zsh.out, ::testing::StartsWith("autoload -U +X bashcompinit && bashcompinit\n"));
  EXPECT_EQ(Offline({"completion", "fish"}).exit_code, 2);
}

}  // namespace
}  // namespace kokemus
