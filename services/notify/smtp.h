// E-mail over SMTP with libcurl (Debian's libcurl4-openssl-dev): its SMTP
// client with STARTTLS, authentication and its MIME API, rather than SMTP by
// hand. One message per call; the caller retries (the outbox).
//
//   SmtpSender smtp({.url = "smtp://mail.example.fi:587", .from = "kokemus@example.fi"});
//   absl::Status s = smtp.Send(mail);   // UNAVAILABLE with the server's reply on failure
#ifndef KOKEMUS_SERVICES_NOTIFY_SMTP_H_
#define KOKEMUS_SERVICES_NOTIFY_SMTP_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kokemus::notify {

struct SmtpOptions {
  std::string url;       // smtp://host:port (STARTTLS when offered or required) or smtps://
  std::string from;      // the envelope and header sender address
  std::string username;  // empty: no authentication
  std::string password;
  bool require_tls = false;  // refuse to send without STARTTLS (or smtps)
  absl::Duration timeout = absl::Seconds(30);
};

struct Mail {
  std::string to;               // one address
  std::string sender_name;      // shown before the From address ("Päijät-Hämeen pankki")
  std::string reply_to;         // empty: none
  std::string subject;          // UTF-8
  std::string body;             // UTF-8 plain text
  std::string message_id;       // "<id@host>": stable across repeats
  std::string language;         // Content-Language
  std::string calendar;         // an .ics attached as text/calendar ("" : none)
  std::string calendar_method;  // its METHOD (REQUEST, CANCEL), for the part's content type
  absl::Time date = absl::UnixEpoch();
};

// The header value of a UTF-8 text: as is when it is ASCII without line
// breaks, else RFC 2047 encoded words (=?UTF-8?B?...?=) of at most
// `chunk_bytes` (up to 45) of text each. A display name should fit one word:
// readers join a phrase's words with a space.
std::string EncodeHeaderText(const std::string& text, size_t chunk_bytes);

class SmtpSender final {
 public:
  explicit SmtpSender(SmtpOptions options) : options_(std::move(options)) {}
  bool enabled() const { return !options_.url.empty(); }
  // OK once the server accepted the message; UNAVAILABLE (with curl's
  // description and the server's last reply) otherwise.
  absl::Status Send(const Mail& mail) const;

 private:
  SmtpOptions options_;
};

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_SMTP_H_
