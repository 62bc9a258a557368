#include "clients/kokemusctl/help.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/kokemusctl/proto_flags.h"
#include "google/protobuf/descriptor.h"

namespace kokemus::cli {
namespace {

// Values a person types, named once.
constexpr char kTime[] = "TIME";
constexpr char kDay[] = "DAY";
const FlagHelp kExchangeFlag{"--exchange", "EX", "the exchange (or KOKEMUS_EXCHANGE)"};
const FlagHelp kFrom{"--from", kDay, "first day, Helsinki time (2026-01-01)"};
const FlagHelp kTo{"--to", kDay, "the day after the last (2027-01-01)"};
const FlagHelp kOutFile{"-o", "FILE", "write the document there (default: standard output)"};
const FlagHelp kLanguage{
    "--language", "fi|sv|en", "the document's language (default: the exchange's)"};
const FlagHelp kListFlags{
    "--filter", "EXPR", "list only matching items; --page-size N, --all for every page"};
const FlagHelp kEtag{"--etag", "E", "fail with a conflict if it changed since you read it"};
const FlagHelp kRequestId{
    "--request-id", "UUID", "repeat a create safely (the first result comes back)"};

std::vector<CommandHelp> MakeCommands() {
  std::vector<CommandHelp> c;
  auto crud = [&](const std::string& noun, const std::string& id, const std::string& message,
                  const std::string& what, const std::string& create_example, bool in_exchange) {
    std::vector<FlagHelp> scope;
    if (in_exchange) scope.push_back(kExchangeFlag);
    auto with = [&](std::vector<FlagHelp> more) {
      std::vector<FlagHelp> all = scope;
      all.insert(all.end(), more.begin(), more.end());
      return all;
    };
    c.push_back(
        {noun, "create", id, absl::StrCat("add ", what), with({kRequestId}), message,
         create_example});
    c.push_back({noun, "get", id, absl::StrCat("show ", what), with({}), "", ""});
    c.push_back({noun, "list", "", absl::StrCat("list ", what, "s"), with({kListFlags}), "", ""});
    c.push_back(
        {noun, "update", id, absl::StrCat("change the fields given of ", what, "; the others stay"),
         with({kEtag}), message, ""});
  };
  crud(
      "exchange", "ID", "kokemus.v1.Exchange", "an exchange (national administrator)",
      "kokemusctl exchange create ph --display-name \"Päijät-Hämeen kokemusasiantuntijapankki\" "
      "--wellbeing-region PH --contact-email pankki@example.fi --postal-address \"Vesijärvenkatu "
      "11, 15140 Lahti\"",
      false);
  c.push_back(
      {"exchange",
       "privacy-notice",
       "ID",
       "the exchange's privacy notice (GDPR art. 13); needs its postal address and e-mail",
       {kLanguage, {"--format", "pdf|text", "default pdf"}, kOutFile},
       "",
       "kokemusctl exchange privacy-notice ph --language sv -o dataskyddsbeskrivning.pdf"});
  c.push_back(
      {"exchange",
       "apply-retention",
       "ID|-",
       "erase the experts the retention rule says are due (- : every exchange)",
       {},
       "",
       "kokemusctl exchange apply-retention ph"});
  crud(
      "expert", "ID", "kokemus.v1.Expert", "an expert by experience",
      "kokemusctl expert create kaisa --exchange ph --display-name \"Kaisa K.\" --email "
      "kaisa@example.fi --home-municipality Lahti --roles lecturer,peer_support",
      true);
  c.push_back(
      {"expert",
       "delete",
       "ID",
       "remove an expert who has no assignments",
       {kExchangeFlag, kEtag},
       "",
       ""});
  c.push_back(
      {"expert",
       "export",
       "ID",
       "everything held about the expert, as JSON (GDPR art. 15)",
       {kExchangeFlag, kOutFile},
       "",
       "kokemusctl expert export kaisa -o kaisa.json"});
  c.push_back(
      {"expert",
       "erase",
       "ID",
       "erase the expert's personal data; fees stay under a pseudonym",
       {kExchangeFlag,
        {"--force", "",
         "erase although she holds tasks still to come (recorded in the audit log)"}},
       "",
       "kokemusctl expert erase kaisa"});
  crud(
      "organization", "ID", "kokemus.v1.Organization", "an orderer organization",
      "kokemusctl organization create lyseo --exchange ph --display-name \"Lahden lyseon lukio\" "
      "--sector education --kind educational_institution --municipality Lahti",
      true);
  c.push_back(
      {"organization",
       "delete",
       "ID",
       "remove an organization without orders",
       {kExchangeFlag, kEtag},
       "",
       ""});
  crud(
      "order", "ID", "kokemus.v1.Order", "an order (a task wanted)",
      "kokemusctl order create lyseo-dec --organization lyseo --role lecturer --topic "
      "Toipumistarina --audience students --start-time \"2.12.2026 klo 10.00\" "
      "--duration-minutes 90 --address \"Kirkkokatu 1\" --municipality Lahti",
      true);
  c.push_back(
      {"order",
       "cancel",
       "ID",
       "cancel an order and its assignments",
       {kExchangeFlag, kEtag},
       "kokemus.v1.CancelOrderRequest",
       "kokemusctl order cancel lyseo-dec --reason \"the class was moved\""});
  const FlagHelp deadline{"--offer-deadline", kTime, "answers after it lapse (Helsinki time)"};
  c.push_back(
      {"assignment",
       "offer",
       "ORDER",
       "offer a task to an expert",
       {kExchangeFlag,
        {"--expert", "ID", "the expert"},
        deadline,
        {"--id", "ID", "the assignment's id (default: generated)"},
        {"--offer-kind", "place|pool|backup", "backup: she stands by (default place)"},
        {"--override-rules", "RULE,...", "rules she breaks, overridden knowingly"},
        kRequestId},
       "",
       "kokemusctl assignment offer lyseo-dec --expert kaisa --offer-deadline "
       "\"30.11.2026 klo 12.00\""});
  for (const auto& [verb, summary] : std::vector<std::pair<const char*, const char*>>{
           {"accept", "the expert says yes (her key or a regional system for her)"},
           {"confirm", "the coordinator confirms; also picks an AVAILABLE pool member or backup"},
           {"withdraw", "take an offer back"},
           {"get", "show an assignment"}}) {
    c.push_back({"assignment", verb, "ORDER/ASSIGNMENT", summary, {kExchangeFlag, kEtag}, "", ""});
  }
  c.push_back(
      {"assignment",
       "decline",
       "ORDER/ASSIGNMENT",
       "the expert says no",
       {kExchangeFlag, kEtag},
       "kokemus.v1.DeclineAssignmentRequest",
       "kokemusctl assignment decline lyseo-dec/kaisa --reason time"});
  c.push_back(
      {"assignment",
       "complete",
       "ORDER/ASSIGNMENT",
       "record the task as held",
       {kExchangeFlag, kEtag},
       "kokemus.v1.CompleteAssignmentRequest",
       "kokemusctl assignment complete lyseo-dec/kaisa --actual-duration-minutes 100"});
  c.push_back(
      {"assignment",
       "cancel",
       "ORDER/ASSIGNMENT",
       "cancel a confirmed task",
       {kExchangeFlag, kEtag},
       "kokemus.v1.CancelAssignmentRequest",
       ""});
  c.push_back(
      {"assignment",
       "list",
       "[ORDER]",
       "the assignments of an order, or of every order",
       {kExchangeFlag, kListFlags},
       "",
       ""});
  c.push_back(
      {"rounds",
       "start",
       "ORDER",
       "offer an order in rounds (no --strategy: the exchange's default)",
       {kExchangeFlag},
       "kokemus.v1.OfferRounds",
       "kokemusctl rounds start lyseo-dec --strategy broadcast --round-size 5 "
       "--offer-deadline \"30.11.2026 klo 12.00\""});
  c.push_back(
      {"rounds",
       "show",
       "ORDER",
       "how the order is being filled, round by round",
       {kExchangeFlag},
       "",
       ""});
  c.push_back({"rounds", "stop", "ORDER", "stop the rounds", {kExchangeFlag}, "", ""});
  c.push_back(
      {"feedback",
       "submit",
       "ORDER/ASSIGNMENT",
       "feedback on a held task",
       {kExchangeFlag},
       "kokemus.v1.Feedback",
       "kokemusctl feedback submit lyseo-dec/kaisa --source orderer --overall-rating 5"});
  c.push_back({"fees", "show", "", "the exchange's fee schedule", {kExchangeFlag}, "", ""});
  c.push_back(
      {"fees",
       "set",
       "",
       "add or replace the rules given (same role and date: replaced); the others stay",
       {kExchangeFlag, {"--replace", "", "replace the lists given whole (to remove a rule)"}},
       "kokemus.v1.FeeSchedule",
       "kokemusctl fees set --role-rules \"lecturer|2026-01-01|fixed|15000|0|false\""});
  c.push_back(
      {"earnings",
       "show",
       "EXPERT",
       "her pay by payment month, paid and coming, with her limit",
       {kExchangeFlag, {"--year", "YYYY", "the year of the payment dates (default: this year)"}},
       "",
       "kokemusctl earnings show kaisa --year 2027"});
  c.push_back(
      {"earnings",
       "letter",
       "EXPERT",
       "a letter for her benefit payer (Kela, a pension provider) as PDF: the work, this year's "
       "pay by payment month, her planned tasks",
       {kExchangeFlag, kLanguage, kOutFile},
       "",
       "kokemusctl earnings letter kaisa --language fi -o kela-selvitys.pdf"});
  c.push_back({"earnings", "floors", "", "the national table of earnings floors", {}, "", ""});
  c.push_back(
      {"earnings",
       "set-floor",
       "",
       "add or replace a figure of the national table (national administrator)",
       {},
       "kokemus.v1.EarningsFloors",
       "kokemusctl earnings set-floor --floors \"2025-01-01|100000|Eläketurvakeskus 2025\""});
  const FlagHelp trainee{"--trainee", "ID", "the trainee (her id on the course, or full name)"};
  c.push_back(
      {"course",
       "create",
       "ID",
       "plan a course: its kind, title, provider, sessions, trainers and capacity",
       {kExchangeFlag},
       "kokemus.v1.Course",
       "kokemusctl course create kevat-2027 --kind basic --title \"Kokemusasiantuntijakoulutus "
       "kevät 2027\" --provider \"Lahden Klubitalo\" --capacity 20 --sessions "
       "\"2027-01-12T09:00:00+02:00|180|Oma tarina\""});
  c.push_back(
      {"course",
       "get",
       "COURSE",
       "a course with its trainees and what became of the cohort",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"course",
       "list",
       "",
       "the courses with their cohorts' outcomes (enrolled, completed, in the registry, worked "
       "within 6 and 12 months)",
       {kExchangeFlag, kListFlags, {"--format", "table|csv", "a table (default) or CSV"}},
       "",
       "kokemusctl course list --format csv --all > kohortit.csv"});
  c.push_back(
      {"course",
       "enrol",
       "COURSE",
       "enrol a trainee with her consent (an expert taking a further training: --expert)",
       {kExchangeFlag, {"--id", "ID", "the trainee's id (default: generated)"}},
       "kokemus.v1.Trainee",
       "kokemusctl course enrol kevat-2027 --id aino --display-name \"Aino A\" --email "
       "aino@example.fi --consent.given-time 2026-12-01T10:00:00+02:00 "
       "--consent.notice-version 2026-1"});
  c.push_back(
      {"course",
       "attend",
       "COURSE",
       "record who attended a session (the others: absent)",
       {kExchangeFlag,
        {"--session", "N", "the session, numbered from 1"},
        {"--present", "ID,...", "the trainees present"}},
       "",
       "kokemusctl course attend kevat-2027 --session 1 --present aino,bert"});
  c.push_back(
      {"course",
       "complete",
       "COURSE",
       "mark a trainee COMPLETED (after enough attendance)",
       {kExchangeFlag, trainee, {"--date", "YYYY-MM-DD", "the day she completed it"}},
       "",
       "kokemusctl course complete kevat-2027 --trainee aino --date 2027-05-20"});
  c.push_back(
      {"course",
       "drop",
       "COURSE",
       "mark a trainee DROPPED (her contact details are erased)",
       {kExchangeFlag, trainee},
       "",
       ""});
  c.push_back(
      {"course",
       "graduate",
       "COURSE",
       "graduate a completed trainee into the registry with the training recorded",
       {kExchangeFlag, trainee, {"--expert-id", "ID", "the new expert's id"}},
       "kokemus.v1.Expert",
       "kokemusctl course graduate kevat-2027 --trainee aino --expert-id aino --home-municipality "
       "Lahti --languages fi --experience-areas mental_health --roles lecturer --payment-method "
       "invoice"});
  c.push_back(
      {"survey",
       "template",
       "",
       "the exchange's audience survey: the built-in questions and its own",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"survey",
       "set-template",
       "",
       "the exchange's own questions (single/multiple choice, agreement, free text) from a JSON "
       "file, how many days a task's survey stays open, the smallest group its figures show and "
       "whether its experts' reflections are anonymous",
       {kExchangeFlag, {"--file", "FILE", "the template as JSON (its own questions)"}},
       "kokemus.v1.SurveyTemplate",
       "kokemusctl survey set-template --file oma-kysely.json --open-days 7"});
  c.push_back(
      {"survey",
       "get",
       "ORDER",
       "a task's survey: its short link and when it is open; --format png|svg writes its QR "
       "code, pdf a page to print or show on a last slide",
       {kExchangeFlag, kLanguage, {"--format", "png|svg|pdf", "the QR code or the card"}, kOutFile},
       "",
       "kokemusctl survey get visit-1 --format pdf --language fi -o kysely.pdf"});
  c.push_back(
      {"survey",
       "results",
       "",
       "the answers' figures (n and %) of the tasks starting in the period: the exchange's, or "
       "--scope orders/ID, experts/ID, organizations/ID, or - for every exchange",
       {kExchangeFlag,
        {"--from", "DAY", "the first day"},
        {"--to", "DAY", "the day after the last"},
        {"--scope", "SCOPE", "orders/ID, experts/ID, organizations/ID or -"},
        kLanguage,
        {"--format", "table|csv", "a table (default) or CSV"}},
       "",
       "kokemusctl survey results --from 2026-01-01 --to 2027-01-01 --format csv > kysely.csv"});
  c.push_back(
      {"survey",
       "comments",
       "",
       "the free texts of the answers, to read before they reach reports or the expert",
       {kExchangeFlag, kListFlags, {"--state", "new|shown|hidden", "only those"}},
       "",
       "kokemusctl survey comments --state new"});
  c.push_back(
      {"survey",
       "show",
       "COMMENT",
       "show a free text in reports and to the expert",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"survey",
       "hide",
       "COMMENT",
       "hide a free text that identifies someone from every report and export",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"contract",
       "generate",
       "ORDER/ASSIGNMENT",
       "the contract of a confirmed assignment, as PDF",
       {kExchangeFlag, kLanguage, kOutFile},
       "",
       "kokemusctl contract generate lyseo-dec/kaisa --language fi -o contract.pdf"});
  c.push_back({"contract", "get", "CONTRACT", "a contract's record", {kExchangeFlag}, "", ""});
  c.push_back(
      {"contract", "list", "", "the contracts, newest first", {kExchangeFlag, kListFlags}, "", ""});
  c.push_back(
      {"contract",
       "document",
       "CONTRACT",
       "the contract's document (the accepted one once accepted)",
       {kExchangeFlag, {"--format", "pdf|text", "default pdf"}, kOutFile},
       "",
       ""});
  c.push_back(
      {"contract",
       "accept",
       "CONTRACT",
       "the expert accepts by typing her full name",
       {kExchangeFlag, {"--full-name", "NAME", "her full name"}},
       "",
       "kokemusctl contract accept 3f9k2 --full-name \"Kaisa Kokemus\""});
  c.push_back({"template", "list", "", "the uploaded contract templates", {kExchangeFlag}, "", ""});
  c.push_back(
      {"template",
       "get",
       "fi-1",
       "a template version (fi-0: the built-in one)",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"template",
       "activate",
       "fi-1",
       "use a template version (fi-0: the built-in one)",
       {kExchangeFlag},
       "",
       ""});
  const FlagHelp template_file{"--file", "FILE", "the template (mustache)"};
  c.push_back(
      {"template",
       "preview",
       "",
       "check a template and render it with sample data",
       {kExchangeFlag, kLanguage, template_file, kOutFile},
       "",
       "kokemusctl template preview --language fi --file oma.mustache -o esikatselu.pdf"});
  c.push_back(
      {"template",
       "upload",
       "",
       "store a template as the next version and use it",
       {kExchangeFlag, kLanguage, template_file},
       "",
       ""});
  c.push_back(
      {"match",
       "rank",
       "ORDER",
       "candidates with their score parts, and who is excluded why",
       {kExchangeFlag,
        {"--max-candidates", "N", "at most N candidates"},
        {"--omit-excluded", "true|false", "leave the excluded experts out"}},
       "",
       "kokemusctl match rank lyseo-dec --max-candidates 5"});
  c.push_back(
      {"match",
       "plan",
       "",
       "a plan for the open orders of a period, beside greedy's figures",
       {kExchangeFlag,
        {"--from", "DAY|TIME", "start of the period"},
        {"--to", "DAY|TIME", "end of the period"},
        {"--candidates-per-order", "N", "how many candidates each order considers"},
        {"--offer-deadline", kTime, "offer the whole plan at once, answers by then"}},
       "",
       "kokemusctl match plan --from 2026-12-01 --to 2027-01-01"});
  c.push_back(
      {"match",
       "settings",
       "",
       "the exchange's matching weights, rest rule and offer defaults (no flags: show)",
       {kExchangeFlag,
        {"--experience", "W", "weight of matching experience areas"},
        {"--role", "W", "weight of the role"},
        {"--travel", "W", "weight of a short journey"},
        {"--fairness", "W", "weight of spreading work evenly"},
        {"--preferred", "W", "weight of the orderer's preferred experts"},
        {"--feedback", "W", "weight of good feedback"}},
       "kokemus.v1.MatchingSettings",
       "kokemusctl match settings --fairness 5 --rest-after-heavy-hours 72"});
  const FlagHelp group_by{
      "--group-by", "G,...",
      "category, role, organization_kind, municipality, month, year, exchange (national)"};
  c.push_back(
      {"report",
       "stats",
       "",
       "tasks, hours and fees in a period",
       {kExchangeFlag, kFrom, kTo, group_by},
       "",
       "kokemusctl report stats --from 2026-01-01 --to 2027-01-01 --group-by category"});
  c.push_back(
      {"report",
       "feedback",
       "",
       "feedback summaries in a period",
       {kExchangeFlag, kFrom, kTo, {"--group-by", "role|month|year", ""}},
       "",
       ""});
  const FlagHelp csv_format{
      "--format", "excel", "semicolons, euros with a decimal comma, for Finnish Excel"};
  c.push_back(
      {"report",
       "export",
       "",
       "the assignments of a period as CSV (--exchange - : all)",
       {kExchangeFlag, kFrom, kTo, kOutFile, csv_format},
       "",
       "kokemusctl report export --from 2026-01-01 --to 2027-01-01 -o tehtavat.csv"});
  c.push_back(
      {"report",
       "payroll",
       "",
       "what to pay whom, as the payer reports it (kinds of pay, withholding, payment dates, "
       "the Incomes Register deadline), as CSV",
       {kExchangeFlag,
        kFrom,
        kTo,
        kOutFile,
        csv_format,
        {"--view", "lines|summary|due",
         "the lines (default), a summary per payment month and kind, or the lines due or past "
         "their Incomes Register deadline"},
        {"--by-payment-date", "true", "the period is of payment dates, not of task days"}},
       "",
       "kokemusctl report payroll --from 2027-01-01 --to 2027-02-01 --by-payment-date true "
       "--view due -o ilmoitettavat.csv"});
  c.push_back(
      {"report",
       "annual",
       "",
       "the annual report as PDF",
       {kExchangeFlag, {"--year", "YYYY", "the year"}, kLanguage, kOutFile},
       "",
       "kokemusctl report annual --year 2026 -o vuosiraportti.pdf"});
  c.push_back(
      {"notify",
       "list",
       "",
       "messages sent or to be sent",
       {kExchangeFlag,
        {"--state", "pending|sent|dead", ""},
        {"--kind", "K", "the kind of message"},
        {"--about", "ORDER[/ASSIGNMENT]", ""}},
       "",
       ""});
  c.push_back({"notify", "show", "MESSAGE", "one message", {kExchangeFlag}, "", ""});
  c.push_back({"notify", "resend", "MESSAGE", "send a message again", {kExchangeFlag}, "", ""});
  c.push_back(
      {"notify",
       "settings",
       "",
       "reminders, quiet hours, the sender (no flags: show)",
       {kExchangeFlag,
        {"--task-reminder-hours", "H,...", "before a task (168,24)"},
        {"--offer-reminder-hours", "H", "before an offer lapses"},
        {"--key-warning-days", "D", "before an API key expires"},
        {"--quiet-hours", "21-8", "no text messages then"},
        {"--sender-address", "EMAIL", ""}},
       "",
       ""});
  c.push_back(
      {"notify",
       "events",
       "",
       "what happened, for a regional system",
       {kExchangeFlag,
        {"--after", "CURSOR", "continue from there"},
        {"--follow", "", "keep watching"}},
       "",
       ""});
  c.push_back(
      {"webhook",
       "create",
       "",
       "post events to a URL",
       {kExchangeFlag, {"--url", "https://...", ""}, {"--organization", "ID", ""}},
       "",
       ""});
  c.push_back({"webhook", "list", "", "the webhooks", {kExchangeFlag}, "", ""});
  c.push_back({"webhook", "delete", "ID", "remove a webhook", {kExchangeFlag}, "", ""});
  const std::vector<FlagHelp> feed_flags = {
      kExchangeFlag, {"--expert", "ID", ""}, {"--organization", "ID", ""}};
  c.push_back(
      {"feed", "create", "", "a calendar feed (iCalendar) of an expert's or orderer's tasks",
       feed_flags, "", ""});
  c.push_back({"feed", "list", "", "the calendar feeds", feed_flags, "", ""});
  c.push_back({"feed", "revoke", "NAME", "stop a calendar feed", {kExchangeFlag}, "", ""});
  c.push_back(
      {"message-template", "list", "", "the message texts", {kExchangeFlag, kLanguage}, "", ""});
  c.push_back(
      {"message-template",
       "show",
       "ID",
       "one message text (offer-made-expert-fi)",
       {kExchangeFlag},
       "",
       ""});
  c.push_back(
      {"message-template", "reset", "ID", "back to the built-in text", {kExchangeFlag}, "", ""});
  c.push_back(
      {"message-template",
       "set",
       "ID",
       "the exchange's own wording",
       {kExchangeFlag,
        {"--subject", "S", ""},
        {"--file", "BODY", "the body (mustache)"},
        {"--validate-only", "true|false", "check only"}},
       "",
       ""});
  c.push_back(
      {"key",
       "create",
       "",
       "an API key (printed once)",
       {kExchangeFlag,
        {"--role", "coordinator|expert|orderer_system|national_admin", ""},
        {"--display-name", "N", "what the key is for"},
        {"--expires-in", "90d", "default 90 days"},
        {"--expire-time", "DAY|TIME", ""},
        {"--organization", "ID", "an orderer system's organization"},
        {"--expert", "ID", "an expert's own key"}},
       "",
       "kokemusctl key create --exchange ph --role coordinator --display-name Koordinaattori"});
  c.push_back({"key", "list", "", "the keys", {kExchangeFlag}, "", ""});
  c.push_back({"key", "revoke", "ID", "revoke a key", {kExchangeFlag}, "", ""});
  c.push_back({"key", "whoami", "", "the caller this key is", {}, "", ""});
  c.push_back(
      {"audit",
       "list",
       "",
       "who did what, newest first",
       {kExchangeFlag,
        {"--resource", "NAME", ""},
        {"--key", "ID", ""},
        {"--from", "DAY|TIME", ""},
        {"--to", "DAY|TIME", ""},
        {"--limit", "N", ""}},
       "",
       ""});
  c.push_back(
      {"audit",
       "verify",
       "",
       "check the audit chains (- : national)",
       {kExchangeFlag,
        {"--checkpoint", "FILE", "against a checkpoint kept elsewhere"},
        {"--every-chain", "true|false", ""}},
       "",
       ""});
  c.push_back(
      {"audit",
       "checkpoint",
       "",
       "the chains' heads, sealed: keep it elsewhere",
       {kOutFile},
       "",
       ""});
  c.push_back({"health", "check", "[SERVICE]", "is the server serving", {}, "", ""});
  c.push_back(
      {"agenda",
       "show",
       "",
       "today's orders (--week: seven days) with places unfilled, confirmed tasks without "
       "a contract and offers lapsing within a day; `kokemusctl agenda` for short",
       {kExchangeFlag, {"--week", "", "today and the six days after"}},
       "",
       "kokemusctl agenda --week --exchange ph"});
  c.push_back(
      {"completion",
       "bash",
       "",
       "bash completion: source <(kokemusctl completion bash)",
       {},
       "",
       ""});
  c.push_back(
      {"completion", "zsh", "", "zsh completion: source <(kokemusctl completion zsh)", {}, "", ""});
  return c;
}

// The command that calls each API method (kokemus.v1), for texts the
// server words for API callers ("RankExperts shows why"). A test checks
// that every method of every service is here and names a real command.
const std::vector<std::pair<std::string, std::string>>& MethodCommands() {
  static const auto* table = new std::vector<std::pair<std::string, std::string>>{
      {"CreateExchange", "exchange create"},
      {"GetExchange", "exchange get"},
      {"ListExchanges", "exchange list"},
      {"UpdateExchange", "exchange update"},
      {"RenderPrivacyNotice", "exchange privacy-notice"},
      {"ApplyRetention", "exchange apply-retention"},
      {"CreateExpert", "expert create"},
      {"GetExpert", "expert get"},
      {"ListExperts", "expert list"},
      {"UpdateExpert", "expert update"},
      {"DeleteExpert", "expert delete"},
      {"ExportExpertData", "expert export"},
      {"EraseExpert", "expert erase"},
      {"CreateOrganization", "organization create"},
      {"GetOrganization", "organization get"},
      {"ListOrganizations", "organization list"},
      {"UpdateOrganization", "organization update"},
      {"DeleteOrganization", "organization delete"},
      {"CreateOrder", "order create"},
      {"GetOrder", "order get"},
      {"ListOrders", "order list"},
      {"UpdateOrder", "order update"},
      {"CancelOrder", "order cancel"},
      {"OfferAssignment", "assignment offer"},
      {"AcceptAssignment", "assignment accept"},
      {"DeclineAssignment", "assignment decline"},
      {"WithdrawAssignment", "assignment withdraw"},
      {"ConfirmAssignment", "assignment confirm"},
      {"CompleteAssignment", "assignment complete"},
      {"CancelAssignment", "assignment cancel"},
      {"GetAssignment", "assignment get"},
      {"ListAssignments", "assignment list"},
      {"StartOfferRounds", "rounds start"},
      {"GetOfferRounds", "rounds show"},
      {"StopOfferRounds", "rounds stop"},
      {"SubmitFeedback", "feedback submit"},
      {"GetFeeSchedule", "fees show"},
      {"UpdateFeeSchedule", "fees set"},
      {"GetEarningsFloors", "earnings floors"},
      {"UpdateEarningsFloors", "earnings set-floor"},
      {"GetExpertEarnings", "earnings show"},
      {"RenderEarningsLetter", "earnings letter"},
      {"CreateCourse", "course create"},
      {"GetCourse", "course get"},
      {"ListCourses", "course list"},
      {"EnrolTrainee", "course enrol"},
      {"RecordAttendance", "course attend"},
      {"SetTraineeState", "course complete"},
      {"GraduateTrainee", "course graduate"},
      {"GetSurveyTemplate", "survey template"},
      {"UpdateSurveyTemplate", "survey set-template"},
      {"GetTaskSurvey", "survey get"},
      {"GetSurveyResults", "survey results"},
      {"ListSurveyComments", "survey comments"},
      {"ReviewSurveyComment", "survey hide"},
      {"GenerateContract", "contract generate"},
      {"GetContract", "contract get"},
      {"ListContracts", "contract list"},
      {"GetContractDocument", "contract document"},
      {"AcceptContract", "contract accept"},
      {"ListContractTemplates", "template list"},
      {"GetContractTemplate", "template get"},
      {"ActivateContractTemplate", "template activate"},
      {"CreateContractTemplate", "template upload"},
      {"RankExperts", "match rank"},
      {"PlanAssignments", "match plan"},
      {"OfferPlan", "match plan"},
      {"GetMatchingSettings", "match settings"},
      {"UpdateMatchingSettings", "match settings"},
      {"GetStatistics", "report stats"},
      {"GetFeedbackSummary", "report feedback"},
      {"ExportAssignments", "report export"},
      {"ExportPayroll", "report payroll"},
      {"RenderAnnualReport", "report annual"},
      {"ListMessages", "notify list"},
      {"GetMessage", "notify show"},
      {"ResendMessage", "notify resend"},
      {"GetNotificationSettings", "notify settings"},
      {"UpdateNotificationSettings", "notify settings"},
      {"WatchEvents", "notify events"},
      {"CreateWebhook", "webhook create"},
      {"ListWebhooks", "webhook list"},
      {"DeleteWebhook", "webhook delete"},
      {"CreateCalendarFeed", "feed create"},
      {"ListCalendarFeeds", "feed list"},
      {"RevokeCalendarFeed", "feed revoke"},
      {"ListMessageTemplates", "message-template list"},
      {"GetMessageTemplate", "message-template show"},
      {"UpdateMessageTemplate", "message-template set"},
      {"ResetMessageTemplate", "message-template reset"},
      {"CreateApiKey", "key create"},
      {"ListApiKeys", "key list"},
      {"RevokeApiKey", "key revoke"},
      {"GetCaller", "key whoami"},
      {"ListAuditRecords", "audit list"},
      {"VerifyAuditLog", "audit verify"},
      {"CreateAuditCheckpoint", "audit checkpoint"},
  };
  return *table;
}

const std::vector<FlagHelp>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagHelp>{
      {"--server", "HOST:PORT", ""}, {"--output", "table|json", ""}, {"--timeout", "30s", ""},
      {"--api-key", "KEY", ""},      {"--plaintext", "", ""},        {"--tls-ca", "F", ""},
      {"--tls-cert", "F", ""},       {"--tls-key", "F", ""},         {"--help", "", ""}};
  return *flags;
}

std::vector<FlagHelp> FieldFlagsOf(const CommandHelp& c) {
  if (c.fields.empty()) return {};
  const google::protobuf::Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(c.fields));
  return d == nullptr ? std::vector<FlagHelp>{} : FieldFlags(d);
}

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<CommandHelp>& Commands() {
  static const auto* commands = new std::vector<CommandHelp>(MakeCommands());
  return *commands;
}

const CommandHelp* FindCommand(absl::string_view noun, absl::string_view verb) {
  for (const CommandHelp& c : Commands()) {
    if (c.noun == noun && c.verb == verb) return &c;
  }
  return nullptr;
}

std::vector<std::string> Nouns() {
  std::vector<std::string> nouns;
  for (const CommandHelp& c : Commands()) {
    if (std::find(nouns.begin(), nouns.end(), c.noun) == nouns.end()) nouns.emplace_back(c.noun);
  }
  return nouns;
}

std::vector<std::string> VerbsOf(absl::string_view noun) {
  std::vector<std::string> verbs;
  for (const CommandHelp& c : Commands()) {
    if (c.noun == noun) verbs.emplace_back(c.verb);
  }
  return verbs;
}

std::vector<std::string> FlagsOf(const CommandHelp& command) {
  std::vector<std::string> flags;
  for (const auto* list : {&command.flags, &GlobalFlags()}) {
    for (const FlagHelp& f : *list) flags.push_back(f.flag);
  }
  for (const FlagHelp& f : FieldFlagsOf(command)) flags.push_back(f.flag);
  return flags;
}

std::string CommandHelpText(const CommandHelp& c) {
  std::string out = absl::StrCat("usage: kokemusctl ", c.noun, " ", c.verb);
  if (!c.args.empty()) absl::StrAppend(&out, " ", c.args);
  absl::StrAppend(&out, " [FLAGS]\n\n", c.summary, "\n");
  // Fits a 100-column terminal: the text in a column of its own, wrapped at
  // spaces and at the | between values.
  constexpr size_t kColumn = 34, kWidth = 100;
  auto table = [&](absl::string_view heading, const std::vector<FlagHelp>& flags) {
    if (flags.empty()) return;
    absl::StrAppend(&out, "\n", heading, ":\n");
    for (const FlagHelp& f : flags) {
      std::string line = absl::StrCat("  ", f.flag, f.value.empty() ? "" : " ", f.value);
      if (f.text.empty()) {
        absl::StrAppend(&out, line, "\n");
        continue;
      }
      if (line.size() + 2 > kColumn) {
        absl::StrAppend(&out, line, "\n");
        line.clear();
      }
      line.resize(kColumn, ' ');
      absl::string_view rest = f.text;
      while (!rest.empty()) {
        size_t take = rest.size();
        if (kColumn + take > kWidth) {
          take = kWidth - kColumn;
          const size_t cut = rest.substr(0, take).find_last_of(" |");
          if (cut != absl::string_view::npos && cut > 0) take = cut + 1;
        }
        absl::StrAppend(&out, line, absl::StripTrailingAsciiWhitespace(rest.substr(0, take)), "\n");
        rest = absl::StripLeadingAsciiWhitespace(rest.substr(take));
        line.assign(kColumn, ' ');
      }
    }
  };
  table("flags", c.flags);
  table(
      c.verb == "update" || c.verb == "set" || c.verb == "settings"
          ? "fields (the API's names, - for _; only those given change)"
          : "fields (the API's names, - for _)",
      FieldFlagsOf(c));
  absl::StrAppend(
      &out,
      "\nglobal: --server HOST:PORT --output table|json --timeout 30s --api-key KEY --plaintext\n"
      "        --tls-ca F [--tls-cert F --tls-key F]; KOKEMUS_SERVER, KOKEMUS_EXCHANGE,\n"
      "        KOKEMUS_API_KEY, KOKEMUS_PLAINTEXT=true\n");
  if (!c.example.empty()) {
    // Broken before a flag, as a shell continues a line.
    absl::StrAppend(&out, "\nexample:\n");
    std::string line = "  ";
    for (absl::string_view part : absl::StrSplit(c.example, " --")) {
      const std::string piece = line == "  " ? std::string(part) : absl::StrCat("--", part);
      if (line.size() > 4 && line.size() + piece.size() + 3 > kWidth) {
        absl::StrAppend(&out, line, " \\\n");
        line = "    ";
      } else if (line.size() > 4) {
        line += " ";
      }
      line += piece;
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string NounHelpText(absl::string_view noun) {
  std::string out = absl::StrCat("usage: kokemusctl ", noun, " VERB [ARGS] [FLAGS]\n\n");
  for (const CommandHelp& c : Commands()) {
    if (c.noun != noun) continue;
    std::string left = absl::StrCat("  ", c.verb, c.args.empty() ? "" : " ", c.args);
    left.resize(std::max<size_t>(left.size() + 2, 30), ' ');
    absl::StrAppend(&out, left, c.summary, "\n");
  }
  absl::StrAppend(&out, "\nkokemusctl ", noun, " VERB --help: that command's flags\n");
  return out;
}

std::optional<std::string> Suggest(absl::string_view typed, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  size_t best_distance = 3;
  for (const std::string& k : known) {
    const size_t d = EditDistance(typed, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (best) return best;
  std::vector<std::string> prefixed;
  for (const std::string& k : known) {
    if (typed.size() >= 3 && absl::StartsWith(k, typed)) prefixed.push_back(k);
  }
  if (prefixed.size() == 1) return prefixed.front();
  return std::nullopt;
}

std::string DidYouMean(absl::string_view typed, const std::vector<std::string>& known) {
  auto s = Suggest(typed, known);
  return s ? absl::StrCat("; did you mean ", *s, "?") : "";
}

std::optional<std::string> CompletionScript(absl::string_view shell) {
  if (shell != "bash" && shell != "zsh") return std::nullopt;
  // One bash function from the table; zsh runs it through bashcompinit.
  std::string verbs_case;
  std::string flags_case;
  for (const std::string& noun : Nouns()) {
    absl::StrAppend(
        &verbs_case, "      ", noun, ") words=\"", absl::StrJoin(VerbsOf(noun), " "), "\" ;;\n");
  }
  for (const CommandHelp& c : Commands()) {
    absl::StrAppend(
        &flags_case, "      \"", c.noun, " ", c.verb, "\") words=\"",
        absl::StrJoin(FlagsOf(c), " "), "\" ;;\n");
  }
  std::string script = absl::StrCat(
      shell == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : "",
      "# kokemusctl completion (", shell, "): source <(kokemusctl completion ", shell, ")\n",
      "_kokemusctl() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} noun= verb= i words=\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${COMP_WORDS[i]} in\n"
      "      -o|--server|--output|--timeout|--api-key|--tls-ca|--tls-cert|--tls-key) ((i++)) ;;\n"
      "      --*) ;;\n"
      "      *) if [[ -z $noun ]]; then noun=${COMP_WORDS[i]}; "
      "elif [[ -z $verb ]]; then verb=${COMP_WORDS[i]}; fi ;;\n"
      "    esac\n"
      "  done\n"
      "  if [[ $cur == -* && -n $verb ]]; then\n"
      "    case \"$noun $verb\" in\n",
      flags_case,
      "    esac\n"
      "  elif [[ -z $noun ]]; then\n"
      "    words=\"",
      absl::StrJoin(Nouns(), " "),
      "\"\n"
      "  elif [[ -z $verb ]]; then\n"
      "    case $noun in\n",
      verbs_case,
      "    esac\n"
      "  fi\n"
      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      "}\n"
      "complete -F _kokemusctl kokemusctl\n");
  return script;
}

std::optional<std::string> CommandForMethod(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  // "kokemus.v1.MatchingService/RankExperts" (as gRPC names it) or
  // "kokemus.v1.MatchingService.RankExperts" (as its descriptor does).
  if (const size_t cut = method.find_last_of("/."); cut != absl::string_view::npos) {
    method.remove_prefix(cut + 1);
  }
  for (const auto& [name, command] : MethodCommands()) {
    if (name == method) return absl::StrCat("kokemusctl ", command);
  }
  return std::nullopt;
}

std::string NameCommands(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto word_char = [&](size_t at) {
      const char c = text[at];
      return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/';
    };
    if (!word_char(i)) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && word_char(end)) ++end;
    absl::string_view word = text.substr(i, end - i);
    // A full stop ending a sentence is not part of the name.
    size_t kept = word.size();
    while (kept > 0 && (word[kept - 1] == '.' || word[kept - 1] == '/')) --kept;
    const std::optional<std::string> command = CommandForMethod(word.substr(0, kept));
    if (command.has_value()) {
      absl::StrAppend(&out, *command, word.substr(kept));
    } else {
      absl::StrAppend(&out, word);
    }
    i = end;
  }
  return absl::StrReplaceAll(out, {{"may not call kokemusctl", "may not run kokemusctl"}});
}

}  // namespace kokemus::cli
