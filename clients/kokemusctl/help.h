// What each command takes, in one table: `kokemusctl NOUN VERB --help`
// prints it, a mistyped noun, verb or flag gets "did you mean", and
// `kokemusctl completion bash|zsh` writes shell completion from it.
//
//   const CommandHelp* c = FindCommand("order", "create");
//   std::cout << CommandHelpText(*c);
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_HELP_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_HELP_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kokemus::cli {

struct FlagHelp {
  std::string flag;   // "--strategy"
  std::string value;  // "broadcast|tiered|pool", "" for a switch
  std::string text;   // what it does, its default
};

struct CommandHelp {
  std::string noun;
  std::string verb;
  std::string args;     // "ID", "ORDER/ASSIGNMENT", "" for none
  std::string summary;  // one line
  std::vector<FlagHelp> flags;
  // The API message whose fields are flags too ("kokemus.v1.Order"), "" for none.
  std::string fields;
  std::string example;
};

// Every command, nouns in the order of the global usage.
const std::vector<CommandHelp>& Commands();
const CommandHelp* FindCommand(absl::string_view noun, absl::string_view verb);
std::vector<std::string> Nouns();
std::vector<std::string> VerbsOf(absl::string_view noun);
// The flags a command takes: its own, its message's fields and the global ones.
std::vector<std::string> FlagsOf(const CommandHelp& command);

// `kokemusctl NOUN VERB --help`: usage line, summary, flags with their
// values and defaults, the global flags in one line, an example.
std::string CommandHelpText(const CommandHelp& command);
// `kokemusctl NOUN --help`: the noun's verbs, one line each.
std::string NounHelpText(absl::string_view noun);

// The closest of `known` to `typed` (edit distance at most 2, or a unique
// prefix), for "did you mean".
std::optional<std::string> Suggest(absl::string_view typed, const std::vector<std::string>& known);
// "; did you mean --strategy?" or "".
std::string DidYouMean(absl::string_view typed, const std::vector<std::string>& known);

// "kokemusctl match rank" for "RankExperts" or
// "kokemus.v1.MatchingService/RankExperts"; nullopt for another word.
std::optional<std::string> CommandForMethod(absl::string_view method);
// `text` (a server's error message) with each API method it names replaced
// by the command that calls it: "(RankExperts shows why)" ->
// "(kokemusctl match rank shows why)".
std::string NameCommands(absl::string_view text);

// A shell completion script ("bash" or "zsh"); nullopt for another shell.
std::optional<std::string> CompletionScript(absl::string_view shell);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_HELP_H_
