// Sessions of the self-service pages: a spent sign-in link becomes a
// session, which is a short-lived API key of the person's role (an expert's,
// or the orderer organization's) kept in an HttpOnly cookie. The pages call
// the API with it, so every access rule, audit record and limit holds for
// them as for any other client; an idle session ends after 30 minutes, any
// session after 12 hours, and signing out revokes the key. Forms carry a
// CSRF token derived from the session's key, so no state is kept for it and
// any replica checks it.
//
//   headers.push_back({"Set-Cookie", SessionCookieHeader(key, /*secure=*/true)});
//   if (!CsrfTokenMatches(key, form["csrf"])) { /* 403 */ }
//
// An OpenID Connect sign-in (Suomi.fi e-Identification) would end the same
// way: a verified person becomes a session key; nothing after that changes.
#ifndef KOKEMUS_SERVICES_DOMAIN_SESSION_H_
#define KOKEMUS_SERVICES_DOMAIN_SESSION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kokemus::domain {

inline constexpr absl::Duration kSessionIdleTimeout = absl::Minutes(30);
inline constexpr absl::Duration kSessionLifetime = absl::Hours(12);
// A session's last use is written at most this often (not on every call).
inline constexpr absl::Duration kSessionTouchInterval = absl::Minutes(1);
inline constexpr char kSessionCookie[] = "kokemus_session";
inline constexpr char kLanguageCookie[] = "kokemus_lang";

// Whether a session last used at `last_used` has been idle too long at `now`.
bool SessionIdle(absl::Time last_used, absl::Duration idle_timeout, absl::Time now);
// Whether its last use should be written again at `now`.
bool SessionTouchDue(absl::Time last_used, absl::Time now);

// "kokemus_session=VALUE; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure".
std::string SessionCookieHeader(absl::string_view value, bool secure);
// The same cookie emptied and expired (signing out).
std::string ClearedSessionCookieHeader(bool secure);
// "kokemus_lang=sv; Path=/; Max-Age=31536000; SameSite=Strict[; Secure]".
std::string LanguageCookieHeader(absl::string_view language, bool secure);
// That this browser answered one task's survey (issue 19): a cookie
// "kokemus_answered=1" on the survey's own path /k/CODE, until the survey
// closes; HttpOnly, SameSite=Lax. Nothing else about the browser is kept.
inline constexpr char kSurveyAnsweredCookie[] = "kokemus_answered";
std::string SurveyAnsweredCookieHeader(absl::string_view code, absl::Duration max_age, bool secure);
// The value of the cookie `name` in a Cookie header ("" : none).
std::string CookieValue(absl::string_view cookie_header, absl::string_view name);
// Cookies are Secure unless the pages are served in plaintext on this
// machine (`base_url` http://127.0.0.1..., http://localhost...).
bool CookiesMustBeSecure(absl::string_view base_url);

// The CSRF token of a session: hex HMAC-SHA256 keyed with the session's key.
std::string CsrfToken(absl::string_view session_key);
// Whether `token` is the session's, compared in constant time.
bool CsrfTokenMatches(absl::string_view session_key, absl::string_view token);

// The pages' language: the person's choice (a link's ?lang=, the language
// cookie) if it is one Kokemus writes (fi, sv, en), else the first such in
// the browser's Accept-Language, else `fallback`.
std::string PageLanguage(
    absl::string_view chosen, absl::string_view accept_language, absl::string_view fallback);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_SESSION_H_
