// kokemusctl: the Kokemus admin CLI. See cli.h for the commands.
#include <iostream>
#include <string>
#include <vector>

#include "clients/kokemusctl/cli.h"
#include "grpc/support/log.h"

namespace {
// gRPC's own log lines (a failed TLS handshake, ...) are not for a person at
// a terminal: the CLI says what failed and what to do in its own words.
void Quiet(gpr_log_func_args*) {}
}  // namespace

int main(int argc, char** argv) {
  gpr_set_log_function(Quiet);
  std::vector<std::string> args(argv + 1, argv + argc);
  return kokemus::cli::Run(args, std::cout, std::cerr);
}
