// Sign-in links: the one way a person (an expert, an orderer's contact
// person) reaches the self-service pages from a message or from the page
// that asks for a link. A link is single-use, expires, and is bound to one
// person and one matter; the database keeps only its hash. The text a
// message stores holds a placeholder where the link goes: the link is made
// when the message is sent, so no stored message body (which a coordinator
// may read through ListMessages) ever holds a credential.
//
//   const std::string body = WithLink(stored_body, SignInUrl(base, token));
//   absl::Status usable = CheckLinkUsable(link.expire_time, link.used_time, now);
//
// A link is opened with GET (mail scanners open links too) and only a POST
// from the page it shows spends it. Rules here; storage mints and redeems.
#ifndef KOKEMUS_SERVICES_DOMAIN_SIGN_IN_H_
#define KOKEMUS_SERVICES_DOMAIN_SIGN_IN_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/notifications.h"

namespace kokemus::domain {

// Where a message's link goes in its stored text.
inline constexpr char kLinkPlaceholder[] = "[[sign-in-link]]";

// How long a link lives: asked for on the sign-in page, the person is at the
// screen (30 minutes); in a message about a matter, long enough to answer
// the next day (72 hours). An expired link's page offers a new one.
inline constexpr absl::Duration kRequestedLinkLifetime = absl::Minutes(30);
inline constexpr absl::Duration kMessageLinkLifetime = absl::Hours(72);

// Asking for a link sends nothing once this many sign-in messages went to
// the address within the hour (a person asking again is normal; a script
// asking again and again is not).
inline constexpr int kLinkRequestsPerAddressPerHour = 5;

// Whether a message of `kind` to `to` links to the matter: the expert's
// offers, tasks and contracts, and the orderer's order. Messages to the
// coordinator (who works with the CLI) and key warnings have no link.
bool CarriesLink(MessageKind kind, Recipient to);

// The stored body with the link in place of the placeholder; with no link
// (the pages are not served) the placeholder's line and the blank line
// after it are left out.
std::string WithLink(absl::string_view body, absl::string_view url);

// "https://kokemus.example.fi/s/TOKEN": `base` with or without a final "/".
std::string SignInUrl(absl::string_view base, absl::string_view token);

// "https://kokemus.example.fi/calendar/TOKEN.ics": a calendar feed's address.
std::string CalendarFeedUrl(absl::string_view base, absl::string_view token);

// A link token: "{id}_{secret}", both URL-safe. The parts, or nullopt for
// text that is not one (too long, other characters, no "_").
struct LinkToken {
  std::string id;
  std::string secret;
};
std::optional<LinkToken> ParseLinkToken(absl::string_view token);

// OK while the link may be spent; FAILED_PRECONDITION "used" or "expired"
// (the page says which and offers a new link). `used_time` is the epoch
// for a link never used.
absl::Status CheckLinkUsable(absl::Time expire_time, absl::Time used_time, absl::Time now);

// Whether a link may be sent to an address that was sent `sent_last_hour`.
bool LinkRequestAllowed(int sent_last_hour);

// An e-mail address as links are looked up by it: trimmed, lower case.
std::string NormalizeEmail(absl::string_view email);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_SIGN_IN_H_
