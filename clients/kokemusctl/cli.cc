#include "clients/kokemusctl/cli.h"

#include "absl/strings/str_cat.h"
#include "clients/kokemusctl/command_line.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/exit_codes.h"
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
};

int Dispatch(Session& session) {
  for (const Route& route : kRoutes) {
    if (route.noun == session.noun() && (route.verb.empty() || route.verb == session.verb())) {
      return route.run(session);
    }
  }
  throw UsageError{absl::StrCat("unknown noun ", session.noun())};
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    const Command command = Parse(args);
    Session session(command, out, err);
    return Dispatch(session);
  } catch (const UsageError& e) {
    if (e.message.empty()) {
      out << kUsage;
      return 0;
    }
    err << "kokemusctl: " << e.message << "\n" << kUsage;
    return kExitUsage;
  } catch (const RpcFailed& failed) {
    return ReportError(failed.status, err);
  }
}

}  // namespace kokemus::cli
