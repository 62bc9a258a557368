#include "services/domain/session.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/domain/digest.h"
#include "services/domain/documents.h"

namespace kokemus::domain {
bool SessionIdle(absl::Time last_used, absl::Duration idle_timeout, absl::Time now) {
  return now - last_used >= idle_timeout;
}

bool SessionTouchDue(absl::Time last_used, absl::Time now) {
  return now - last_used >= kSessionTouchInterval;
}

std::string SessionCookieHeader(absl::string_view value, bool secure) {
  return absl::StrCat(
      kSessionCookie, "=", value, "; Path=/; Max-Age=", absl::ToInt64Seconds(kSessionLifetime),
      "; HttpOnly; SameSite=Strict", secure ? "; Secure" : "");
}

std::string ClearedSessionCookieHeader(bool secure) {
  return absl::StrCat(
      kSessionCookie, "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", secure ? "; Secure" : "");
}

std::string LanguageCookieHeader(absl::string_view language, bool secure) {
  return absl::StrCat(
      kLanguageCookie, "=", language, "; Path=/; Max-Age=31536000; SameSite=Strict",
      secure ? "; Secure" : "");
}

std::string SurveyAnsweredCookieHeader(
    absl::string_view code, absl::Duration max_age, bool secure) {
  return absl::StrCat(
      kSurveyAnsweredCookie, "=1; Path=/k/", code,
      "; Max-Age=", std::max<int64_t>(absl::ToInt64Seconds(max_age), 60),
      "; HttpOnly; SameSite=Lax", secure ? "; Secure" : "");
}

std::string CookieValue(absl::string_view cookie_header, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(cookie_header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return "";
}

bool CookiesMustBeSecure(absl::string_view base_url) {
  for (absl::string_view local : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (absl::StartsWith(base_url, local)) {
      const absl::string_view rest = base_url.substr(local.size());
      if (rest.empty() || rest[0] == ':' || rest[0] == '/') return false;
    }
  }
  return true;
}

std::string CsrfToken(absl::string_view session_key) {
  return HmacSha256Hex(session_key, "kokemus-csrf-v1");
}

bool CsrfTokenMatches(absl::string_view session_key, absl::string_view token) {
  const std::string want = CsrfToken(session_key);
  return token.size() == want.size() && CRYPTO_memcmp(want.data(), token.data(), want.size()) == 0;
}

std::string PageLanguage(
    absl::string_view chosen, absl::string_view accept_language, absl::string_view fallback) {
  if (IsDocumentLanguage(chosen)) return std::string(chosen);
  // "sv-FI,sv;q=0.9,en;q=0.8": the first written language, in the order given
  // (browsers list them by preference).
  for (absl::string_view item : absl::StrSplit(accept_language, ',')) {
    item = absl::StripAsciiWhitespace(item.substr(0, item.find(';')));
    const std::string primary = absl::AsciiStrToLower(item.substr(0, item.find('-')));
    if (IsDocumentLanguage(primary)) return primary;
  }
  return IsDocumentLanguage(fallback) ? std::string(fallback) : "fi";
}

}  // namespace kokemus::domain
