// The nouns' handlers, one file each; cli.cc routes NOUN VERB to them. A
// handler reads its flags from the session, calls, prints and returns the
// exit code; it throws UsageError for a command line it cannot run and
// RpcFailed (through Session::Call) for a call the server refused.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_COMMANDS_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_COMMANDS_H_

#include "clients/kokemusctl/session.h"

namespace kokemus::cli {

// resources.cc: create|get|list|update|delete of the registry's resources.
int ExchangeCommand(Session& s);
int ExpertCommand(Session& s);
int OrganizationCommand(Session& s);
int OrderCommand(Session& s);

// assignments.cc: offers and their lifecycle, feedback, the fee schedule.
int CancelOrderCommand(Session& s);
int AssignmentCommand(Session& s);
int RoundsCommand(Session& s);
int FeedbackCommand(Session& s);
int FeesCommand(Session& s);
int EarningsCommand(Session& s);

// contracts.cc: contracts, their templates, the privacy notice.
int ContractCommand(Session& s);
int TemplateCommand(Session& s);
int PrivacyNoticeCommand(Session& s);

// data_rights.cc: an expert's export and erasure, the retention rule.
int ExpertRightsCommand(Session& s);
int ApplyRetentionCommand(Session& s);

// matching.cc: rank, plan and offer, settings.
int MatchCommand(Session& s);

// reports.cc: statistics, feedback summaries, CSV exports, the annual report.
int ReportCommand(Session& s);

// notify.cc: what was sent to whom, resending, the reminder settings.
int NotifyCommand(Session& s);
int WebhookCommand(Session& s);
int FeedCommand(Session& s);
int MessageTemplateCommand(Session& s);

// agenda.cc: the coordinator's day or week.
int AgendaCommand(Session& s);

// training.cc: courses, their trainees, attendance, completion, graduation.
int CourseCommand(Session& s);
int SurveyCommand(Session& s);

// access.cc: API keys, the audit log, health.
int KeyCommand(Session& s);
int AuditCommand(Session& s);
int HealthCommand(Session& s);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_COMMANDS_H_
