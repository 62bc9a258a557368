#include "services/domain/sign_in.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kokemus::domain {
namespace {

// Letters and digits, and `extra` characters.
bool Only(absl::string_view text, absl::string_view extra) {
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && !absl::StrContains(extra, c)) {
      return false;
    }
  }
  return !text.empty();
}

}  // namespace

bool CarriesLink(MessageKind kind, Recipient to) {
  using K = MessageKind;
  switch (to) {
    case Recipient::kExpert:
      switch (kind) {
        case K::kOfferMade:
        case K::kOfferReminder:
        case K::kAssignmentConfirmed:
        case K::kAssignmentCancelled:
        case K::kContractReady:
        case K::kTaskReminder:
        case K::kFeedbackRequest:
        case K::kSignInLink:
        case K::kStandingBy:         // her page, where she may step back
        case K::kEarningsNearLimit:  // her page, with her pay by month
          return true;
        default:
          return false;
      }
    case Recipient::kOrderer:
      switch (kind) {
        case K::kAssignmentConfirmed:
        case K::kAssignmentCancelled:
        case K::kFeedbackRequest:
        case K::kSignInLink:
          return true;
        default:
          return false;
      }
    case Recipient::kCoordinator:
      return false;
  }
  return false;
}

std::string WithLink(absl::string_view body, absl::string_view url) {
  if (!url.empty()) return absl::StrReplaceAll(body, {{kLinkPlaceholder, url}});
  std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  std::vector<absl::string_view> kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!absl::StrContains(lines[i], kLinkPlaceholder)) {
      kept.push_back(lines[i]);
      continue;
    }
    // Between two blank lines: one of them goes too.
    if (!kept.empty() && kept.back().empty() && i + 1 < lines.size() && lines[i + 1].empty()) ++i;
  }
  return absl::StrJoin(kept, "\n");
}

std::string SignInUrl(absl::string_view base, absl::string_view token) {
  absl::ConsumeSuffix(&base, "/");
  return absl::StrCat(base, "/s/", token);
}

std::string CalendarFeedUrl(absl::string_view base, absl::string_view token) {
  absl::ConsumeSuffix(&base, "/");
  return absl::StrCat(base, "/calendar/", token, ".ics");
}

std::optional<LinkToken> ParseLinkToken(absl::string_view token) {
  if (token.size() > 128) return std::nullopt;
  const size_t cut = token.find('_');
  if (cut == absl::string_view::npos) return std::nullopt;
  LinkToken parts{std::string(token.substr(0, cut)), std::string(token.substr(cut + 1))};
  // The secret is base64url, whose alphabet has "-" and "_" too.
  if (!Only(parts.id, "") || !Only(parts.secret, "-_")) return std::nullopt;
  return parts;
}

absl::Status CheckLinkUsable(absl::Time expire_time, absl::Time used_time, absl::Time now) {
  if (used_time != absl::UnixEpoch()) {
    return absl::FailedPreconditionError("this sign-in link has been used");
  }
  if (now >= expire_time) return absl::FailedPreconditionError("this sign-in link has expired");
  return absl::OkStatus();
}

bool LinkRequestAllowed(int sent_last_hour) {
  return sent_last_hour < kLinkRequestsPerAddressPerHour;
}

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

}  // namespace kokemus::domain
