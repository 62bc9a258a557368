// kokemusctl, the admin CLI for coordinators and operators:
//
//   kokemusctl [--server HOST:PORT] [--output table|json] [--timeout 30s]
//              NOUN VERB [ID] [--FIELD VALUE]...
//
// Nouns: exchange, expert, organization. Verbs: create, get, list, update,
// delete (not for exchanges). Experts and organizations need
// `--exchange ID` (or KOKEMUS_EXCHANGE). Fields are the API's field names
// with '-' for '_' (--display-name, --home-municipality); lists take
// comma-separated values or repeated flags; enums take their short names
// (--roles lecturer,co_teacher); municipalities take a code or a name
// (--home-municipality Lahti). On update only the given fields change.
//
//   kokemusctl exchange create ph --display-name "Päijät-Häme" --wellbeing-region PH
//   kokemusctl expert list --exchange ph --filter "state = ACTIVE"
//
// Exit codes: 0 success; 2 usage; 3 invalid argument; 4 not found; 5 already
// exists; 6 conflict (etag, state); 7 unavailable or timed out (retry);
// 8 not authorised; 1 anything else. Errors are one line on stderr.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_CLI_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace kokemus::cli {

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_CLI_H_
