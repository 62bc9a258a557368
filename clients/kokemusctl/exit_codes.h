// How a failed call ends: one line on stderr ("kokemusctl: not found: ...",
// the field violations named when the server gives them) and an exit code a
// script can act on: 3 invalid argument; 4 not found; 5 already exists;
// 6 conflict (etag, state); 7 unavailable or timed out (retry); 8 not
// authorised; 1 anything else.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_EXIT_CODES_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_EXIT_CODES_H_

#include <ostream>

#include "grpcpp/support/status.h"

namespace kokemus::cli {

int ExitCode(grpc::StatusCode code);

// Writes the error line; returns the exit code.
int ReportError(const grpc::Status& status, std::ostream& err);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_EXIT_CODES_H_
