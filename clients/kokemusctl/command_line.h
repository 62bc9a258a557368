// The command line: global options, NOUN VERB [ID], and the --FIELD VALUE
// flags that the nouns read, in the order given.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_COMMAND_LINE_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_COMMAND_LINE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kokemus::cli {

// Exit code of a command line that cannot be run (usage on stderr).
inline constexpr int kExitUsage = 2;

// A command line that cannot be run: one line on stderr naming the reason.
struct UsageError {
  std::string message;
};

using Flags = std::vector<std::pair<std::string, std::string>>;

// Parsed command line.
struct Command {
  std::string server = "localhost:50051";
  std::string output = "table";
  absl::Duration timeout = absl::Seconds(30);
  std::string noun;
  std::string verb;
  std::string id;  // positional: an id or a full resource name
  std::string exchange;
  std::string filter;
  int page_size = 0;
  bool all_pages = false;
  bool help = false;     // --help: the command's help instead of running it
  bool follow = false;   // --follow: keep watching (notify events)
  bool week = false;     // --week: agenda for seven days
  bool force = false;    // --force: expert erase past tasks still to come
  bool replace = false;  // --replace: fees set replaces the lists given whole
  std::string etag;
  std::string request_id;
  std::string output_file;  // -o: where a document goes
  std::string api_key;      // sent as "authorization: Bearer KEY"
  bool plaintext = false;   // no TLS (local development)
  std::string tls_ca;       // PEM roots that sign the server's certificate; "": the system's
  std::string tls_cert;     // PEM client certificate and key, for mutual TLS
  std::string tls_key;
  Flags fields;  // the other --FIELD VALUE flags, '_' as '-', in given order
};

extern const absl::string_view kUsage;

// Parses the arguments after the program name, with KOKEMUS_* from the
// environment as defaults. Throws UsageError.
Command Parse(const std::vector<std::string>& args);

// One flag's value as a whole number, true/false, an RFC 3339 time, or a day
// (midnight in Helsinki) or time. Throw UsageError naming --flag.
int IntFlag(absl::string_view flag, const std::string& value);
bool BoolFlag(absl::string_view flag, const std::string& value);
absl::Time ParseTimestamp(absl::string_view text, absl::string_view flag);
absl::Time ParseDayOrTime(const std::string& text, absl::string_view flag);
// The whole file a flag names; a usage error "--flag: cannot read PATH"
// when it cannot be read (or is empty).
std::string ReadFlagFile(const std::string& path, absl::string_view flag);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_COMMAND_LINE_H_
