#include "clients/kokemusctl/cli.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/kokemusctl/command_line.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/exit_codes.h"
#include "clients/kokemusctl/help.h"
#include "clients/kokemusctl/session.h"

namespace kokemus::cli {
namespace {

// NOUN VERB to its handler; the first match wins, an empty verb matches any.
struct Route {
  absl::string_view noun;
  absl::string_view verb;
  int (*run)(Session&);
};

constexpr Route kRoutes[] = {
    {"exchange", "privacy-notice", PrivacyNoticeCommand},
    {"exchange", "apply-retention", ApplyRetentionCommand},
    {"exchange", "", ExchangeCommand},
    {"expert", "export", ExpertRightsCommand},
    {"expert", "erase", ExpertRightsCommand},
    {"expert", "", ExpertCommand},
    {"organization", "", OrganizationCommand},
    {"order", "cancel", CancelOrderCommand},
    {"order", "", OrderCommand},
    {"assignment", "", AssignmentCommand},
    {"rounds", "", RoundsCommand},
    {"feedback", "", FeedbackCommand},
    {"fees", "", FeesCommand},
    {"earnings", "", EarningsCommand},
    {"course", "", CourseCommand},
    {"survey", "", SurveyCommand},
    {"contract", "", ContractCommand},
    {"template", "", TemplateCommand},
    {"match", "", MatchCommand},
    {"report", "", ReportCommand},
    {"notify", "", NotifyCommand},
    {"webhook", "", WebhookCommand},
    {"feed", "", FeedCommand},
    {"message-template", "", MessageTemplateCommand},
    {"key", "", KeyCommand},
    {"audit", "", AuditCommand},
    {"health", "", HealthCommand},
    {"agenda", "", AgendaCommand},
};

int Dispatch(Session& session) {
  for (const Route& route : kRoutes) {
    if (route.noun == session.noun() && (route.verb.empty() || route.verb == session.verb())) {
      return route.run(session);
    }
  }
  throw UsageError{absl::StrCat("unknown noun ", session.noun())};
}

// A noun or verb not in the table, named with what was probably meant.
void CheckCommand(const Command& c) {
  const std::vector<std::string> nouns = Nouns();
  if (std::find(nouns.begin(), nouns.end(), c.noun) == nouns.end()) {
    throw UsageError{absl::StrCat("unknown command ", c.noun, DidYouMean(c.noun, nouns))};
  }
  if (FindCommand(c.noun, c.verb) == nullptr) {
    const std::vector<std::string> verbs = VerbsOf(c.noun);
    throw UsageError{absl::StrCat(
        c.noun, " has no verb ", c.verb, DidYouMean(c.verb, verbs), " (", c.noun, " takes ",
        absl::StrJoin(verbs, ", "), ")")};
  }
}

// --help: the command's, the noun's, or the whole usage.
std::string HelpFor(const Command& c) {
  if (const CommandHelp* command = FindCommand(c.noun, c.verb)) return CommandHelpText(*command);
  if (!VerbsOf(c.noun).empty()) return NounHelpText(c.noun);
  return std::string(kUsage);
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    out << "kokemusctl " << KOKEMUS_VERSION << " (API kokemus.v1)\n";
    return 0;
  }
  Command command;
  try {
    command = Parse(args);
    if (command.help) {
      out << HelpFor(command);
      return 0;
    }
    CheckCommand(command);
    if (command.noun == "completion") {
      out << *CompletionScript(command.verb);
      return 0;
    }
    Session session(command, out, err);
    return Dispatch(session);
  } catch (const UsageError& e) {
    // One line: the whole usage buried the reason (issue 17); it points at the narrowest help
    // that exists: the command's, the noun's, or the whole usage.
    std::string help = "kokemusctl --help";
    if (FindCommand(command.noun, command.verb) != nullptr) {
      help = absl::StrCat("kokemusctl ", command.noun, " ", command.verb, " --help");
    } else if (!VerbsOf(command.noun).empty()) {
      help = absl::StrCat("kokemusctl ", command.noun, " --help");
    }
    err << "kokemusctl: " << e.message << " (see " << help << ")\n";
    return kExitUsage;
  } catch (const RpcFailed& failed) {
    const grpc::Status& s = failed.status;
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED && command.api_key.empty()) {
      err << "kokemusctl: not authenticated: no API key given: set KOKEMUS_API_KEY or "
             "--api-key\n";
      return ExitCode(s.error_code());
    }
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE && !command.plaintext &&
        (absl::StrContains(s.error_message(), "Ssl handshake failed") ||
         absl::StrContains(s.error_message(), "SSL_ERROR"))) {
      // Retrying would not help: the two ends disagree on TLS.
      err << "kokemusctl: no TLS connection to " << command.server
          << ": a local development server without TLS needs --plaintext (or "
             "KOKEMUS_PLAINTEXT=true); otherwise check --server and --tls-ca\n";
      return kExitUsage;
    }
    return ReportError(s, err);
  }
}

}  // namespace kokemus::cli
