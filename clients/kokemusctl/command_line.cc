#include "clients/kokemusctl/command_line.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/reference/calendar.h"

namespace kokemus::cli {

const absl::string_view kUsage =
    "usage: kokemusctl [--server HOST:PORT] [--output table|json] [--timeout 30s]\n"
    "                  [--api-key KEY] [--plaintext | --tls-ca F [--tls-cert F --tls-key F]]\n"
    "                  NOUN VERB [ID] [--FIELD VALUE]...\n"
    "  exchange      create|get|list|update ID\n"
    "  expert        create|get|list|update|delete ID            --exchange EX\n"
    "  organization  create|get|list|update|delete ID            --exchange EX\n"
    "  order         create|get|list|update|cancel ID            --exchange EX\n"
    "  assignment    offer ORDER --expert E --offer-deadline T   --exchange EX\n"
    "                      [--override-rules RULE,...]  (rules she breaks, knowingly)\n"
    "                      [--offer-kind place|pool|backup]  (backup: stands by)\n"
    "                accept|decline|withdraw|confirm|complete|cancel|get ORDER/ASSIGNMENT\n"
    "                confirm ... (also picks an AVAILABLE pool member or backup)\n"
    "                decline ... [--reason time|distance|task|wellbeing|other]\n"
    "                list [ORDER]\n"
    "  rounds        start ORDER --strategy broadcast|tiered|pool --offer-deadline T\n"
    "                      (no --strategy: the exchange's default, match settings)\n"
    "                      [--round-size 5] [--tier-interval-minutes 240]\n"
    "                      [--answer-window-minutes 1440]\n"
    "                show|stop ORDER   (how the order is being filled)\n"
    "  feedback      submit ORDER/ASSIGNMENT --source orderer|expert ...\n"
    "  fees          show|set [--role-rules R] [--travel-rates T] [--cancellation-rules C]\n"
    "                      (adds or replaces the rules given; --replace: the lists whole)\n"
    "  earnings      show EXPERT [--year Y]  (pay by payment month, with her limit);\n"
    "                letter EXPERT [--language fi] -o FILE.pdf  (for her benefit payer);\n"
    "                floors; set-floor --floors \"2025-01-01|CENTS|SOURCE\"\n"
    "  course        create ID --kind basic --title T --provider P --capacity N\n"
    "                       --sessions \"TIME|MINUTES|TOPIC\" ...; get COURSE; list [--format "
    "csv]\n"
    "                enrol COURSE --display-name N --email E --consent.given-time T ...;\n"
    "                attend COURSE --session N --present A,B; complete COURSE --trainee T\n"
    "                --date DAY; drop COURSE --trainee T; graduate COURSE --trainee T ...\n"
    "  survey        template; set-template [--file T.json] --open-days N ...; get ORDER "
    "[--format\n"
    "                png|svg|pdf] [-o FILE]; results --from DAY --to DAY [--scope S]\n"
    "                [--format csv]; comments [--state new]; show|hide COMMENT\n"
    "  contract      generate ORDER/ASSIGNMENT [--language fi] [-o contract.pdf]\n"
    "                get|accept|document CONTRACT; list          --exchange EX\n"
    "  template      list; get|activate fi-1; preview --language fi --file F -o P.pdf;\n"
    "                upload --language fi --file F   (stored and active)\n"
    "  exchange      privacy-notice ID [--language fi] [--format pdf|text] [-o F]\n"
    "                apply-retention ID|-   (erase what the retention rule says is due)\n"
    "  match         rank ORDER [--max-candidates N] [--omit-excluded true]\n"
    "                plan --from DAY|TIME --to DAY|TIME [--offer-deadline TIME]\n"
    "                settings [--experience|--role|--travel|--fairness|--preferred|\n"
    "                          --feedback W] [--rest-after-heavy-hours H]\n"
    "                         [--offer-strategy broadcast|tiered|pool|targeted]\n"
    "                         [--round-size N] [--tier-interval-minutes M]\n"
    "                         [--answer-window-minutes M]  (defaults of rounds)\n"
    "  report        stats --from DAY --to DAY [--group-by category,role,...]\n"
    "                feedback --from DAY --to DAY [--group-by role|month|year]\n"
    "                export|payroll --from DAY --to DAY -o FILE.csv  (--exchange - : all)\n"
    "                payroll [--view lines|summary|due] [--by-payment-date true]\n"
    "                      [--format excel]  (semicolons, euros with a comma, for Excel)\n"
    "                annual --year 2026 [--language fi|sv|en] -o report.pdf\n"
    "  expert        export ID [-o F.json]; erase ID [--force]    --exchange EX\n"
    "  notify        list [--state pending|sent|dead] [--kind K] [--about ORDER[/ASSIGNMENT]]\n"
    "                show|resend MESSAGE; settings [--task-reminder-hours 168,24]\n"
    "                [--offer-reminder-hours H] [--key-warning-days D] [--quiet-hours 21-8]\n"
    "                [--sender-address kokemus@example.fi]\n"
    "                events [--after CURSOR] [--follow]\n"
    "  webhook       create --url https://... [--organization O]; list; delete ID\n"
    "  feed          create|list --expert E | --organization O; revoke NAME\n"
    "  message-template  list [--language fi]; show|reset offer-made-expert-fi;\n"
    "                set ID [--subject S] [--file BODY] [--validate-only true]\n"
    "  key           create --role R --display-name N [--expires-in 90d] [--organization O]\n"
    "                       [--expert E]  (--exchange - : a national key); list; revoke ID;\n"
    "                whoami\n"
    "  audit         list [--resource NAME] [--key ID] [--from T] [--to T] [--limit N];\n"
    "                verify [--checkpoint FILE [--every-chain true]] (- : national)\n"
    "                checkpoint [-o FILE]   (the chains' heads, sealed: keep it elsewhere)\n"
    "  health        check [SERVICE]\n"
    "  agenda        [--week]   (today's or the week's orders: places unfilled, contracts\n"
    "                missing, offers lapsing within a day)          --exchange EX\n"
    "  KOKEMUS_SERVER, KOKEMUS_EXCHANGE and KOKEMUS_API_KEY set --server, --exchange and\n"
    "  --api-key; KOKEMUS_PLAINTEXT=true sets --plaintext, KOKEMUS_TLS_CA sets --tls-ca.\n"
    "  list: [--filter EXPR] [--page-size N] [--all]; update/delete/transitions: [--etag E]\n"
    "  create/offer: [--request-id UUID]; fields are the API's names with '-' for '_'\n"
    "  kokemusctl NOUN --help, kokemusctl NOUN VERB --help: a command's flags and an example;\n"
    "  kokemusctl completion bash|zsh: shell completion (source <(kokemusctl completion bash))\n";

Command Parse(const std::vector<std::string>& args) {
  Command c;
  if (const char* env = std::getenv("KOKEMUS_SERVER"); env && *env) c.server = env;
  if (const char* env = std::getenv("KOKEMUS_EXCHANGE"); env && *env) c.exchange = env;
  if (const char* env = std::getenv("KOKEMUS_API_KEY"); env && *env) c.api_key = env;
  if (const char* env = std::getenv("KOKEMUS_TLS_CA"); env && *env) c.tls_ca = env;
  if (const char* env = std::getenv("KOKEMUS_PLAINTEXT"); env && *env) {
    c.plaintext = absl::string_view(env) == "true" || absl::string_view(env) == "1";
  }
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      c.help = true;
      continue;
    }
    if (arg == "--all") {
      c.all_pages = true;
      continue;
    }
    if (arg == "--plaintext") {
      c.plaintext = true;
      continue;
    }
    if (arg == "--follow") {
      c.follow = true;
      continue;
    }
    if (arg == "--week") {
      c.week = true;
      continue;
    }
    if (arg == "--force") {
      c.force = true;
      continue;
    }
    if (arg == "--replace") {
      c.replace = true;
      continue;
    }
    if (arg == "-o") {
      if (i + 1 >= args.size()) throw UsageError{"-o needs a file name"};
      c.output_file = args[++i];
      continue;
    }
    if (!absl::ConsumePrefix(&arg, "--")) {
      positional.emplace_back(arg);
      continue;
    }
    std::string name;
    std::string value;
    if (const size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 >= args.size()) throw UsageError{absl::StrCat("--", name, " needs a value")};
      value = args[++i];
    }
    absl::StrReplaceAll({{"_", "-"}}, &name);
    if (name == "server") {
      c.server = value;
    } else if (name == "output") {
      if (value != "table" && value != "json") {
        throw UsageError{"--output must be table or json"};
      }
      c.output = value;
    } else if (name == "timeout") {
      if (!absl::ParseDuration(value, &c.timeout) || c.timeout <= absl::ZeroDuration()) {
        throw UsageError{"--timeout must be a duration such as 30s"};
      }
    } else if (name == "exchange") {
      c.exchange = value;
    } else if (name == "filter") {
      c.filter = value;
    } else if (name == "page-size") {
      if (!absl::SimpleAtoi(value, &c.page_size)) throw UsageError{"--page-size must be a number"};
    } else if (name == "etag") {
      c.etag = value;
    } else if (name == "request-id") {
      c.request_id = value;
    } else if (name == "api-key") {
      c.api_key = value;
    } else if (name == "tls-ca") {
      c.tls_ca = value;
    } else if (name == "tls-cert") {
      c.tls_cert = value;
    } else if (name == "tls-key") {
      c.tls_key = value;
    } else {
      c.fields.emplace_back(name, value);
    }
  }
  if (c.help) {  // help for what is named so far
    if (!positional.empty()) c.noun = positional[0];
    if (positional.size() > 1) c.verb = positional[1];
    return c;
  }
  if (positional.size() == 1 && positional[0] == "agenda") positional.push_back("show");
  if (positional.size() < 2) throw UsageError{"NOUN and VERB are required"};
  c.noun = positional[0];
  c.verb = positional[1];
  if (positional.size() > 3) throw UsageError{"too many arguments"};
  if (positional.size() == 3) c.id = positional[2];
  // A switch another command would silently ignore is a mistake to point out.
  struct Switch {
    bool given;
    absl::string_view name, noun, verb;
  };
  for (const Switch& s :
       {Switch{c.force, "--force", "expert", "erase"},
        Switch{c.replace, "--replace", "fees", "set"},
        Switch{c.follow, "--follow", "notify", "events"},
        Switch{c.week, "--week", "agenda", "show"}}) {
    if (s.given && (c.noun != s.noun || c.verb != s.verb)) {
      throw UsageError{absl::StrCat(s.name, " is only for ", s.noun, " ", s.verb)};
    }
  }
  if (c.plaintext && (!c.tls_ca.empty() || !c.tls_cert.empty())) {
    throw UsageError{"--plaintext and --tls-* contradict each other"};
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    throw UsageError{"--tls-cert and --tls-key go together"};
  }
  return c;
}

absl::Time ParseTimestamp(absl::string_view text, absl::string_view flag) {
  auto written = reference::ParseWrittenTime(text);
  if (!written) {
    throw UsageError{absl::StrCat(
        "--", flag,
        ": not a time such as 2026-12-01T09:00 or \"1.12.2026 klo 9.00\" (Helsinki time), "
        "or 2026-12-01T09:00:00+02:00")};
  }
  if (written->foreign_offset) {
    // The summer mistake: +02:00 in June is 11:00 in Helsinki, not 10:00.
    const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
    std::cerr << "warning: --" << flag << ": the offset given is not Helsinki's on that day ("
              << reference::HelsinkiOffset(written->time) << "); the time is "
              << absl::FormatTime("%d.%m.%Y %H:%M", written->time, helsinki)
              << " Helsinki time. Leave the offset out to give Helsinki time.\n";
  }
  return written->time;
}

int IntFlag(absl::string_view flag, const std::string& value) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n))
    throw UsageError{absl::StrCat("--", flag, " must be a whole number")};
  return n;
}

bool BoolFlag(absl::string_view flag, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw UsageError{absl::StrCat("--", flag, " must be true or false")};
}

std::string ReadFlagFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (path.empty() || !in || text.str().empty()) {
    throw UsageError{absl::StrCat("--", flag, ": cannot read ", path)};
  }
  return text.str();
}

// A day (midnight in Helsinki) or an RFC 3339 time.
absl::Time ParseDayOrTime(const std::string& text, absl::string_view flag) {
  absl::CivilDay day;
  if (text.size() == 10 && absl::ParseCivilTime(text, &day)) {
    return absl::FromCivil(day, reference::HelsinkiTimeZone());
  }
  return ParseTimestamp(text, flag);
}

}  // namespace kokemus::cli
