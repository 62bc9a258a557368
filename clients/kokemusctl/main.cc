// kokemusctl: the Kokemus admin CLI. See cli.h for the commands.
#include <iostream>
#include <string>
#include <vector>

#include "clients/kokemusctl/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return kokemus::cli::Run(args, std::cout, std::cerr);
}
