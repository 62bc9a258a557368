// E-mail over SMTP with libcurl (Debian's libcurl4-openssl-dev): its SMTP
// client with STARTTLS, authentication and its MIME API, rather than SMTP by
// hand. One message per call; the caller retries (the outbox).
//
//   SmtpSender smtp({.url = "smtp://mail.example.fi:587", .from = "kokemus@example.fi"});
//   absl::Status s = smtp.Send(mail);   // UNAVAILABLE with the server's reply on failure
//
//   SmtpConnection connection(smtp);    // one per thread: the connection stays open
//   s = connection.Send(mail);          // ... for the next message
#ifndef KOKEMUS_SERVICES_NOTIFY_SMTP_H_
#define KOKEMUS_SERVICES_NOTIFY_SMTP_H_

#include <cstddef>
#include <memory>
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
  std::string from;             // the From and envelope address ("" : the options')
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
  const SmtpOptions& options() const { return options_; }
  // OK once the server accepted the message; UNAVAILABLE (with curl's
  // description and the server's last reply) otherwise. Over a connection of
  // its own, closed afterwards.
  absl::Status Send(const Mail& mail) const;

 private:
  SmtpOptions options_;
};

// An SMTP client whose connection stays open between messages, so a batch
// pays for the connection, the greeting, STARTTLS and the login once:
// libcurl keeps a handle's connection (and curl_easy_reset leaves it), and
// opens a new one when the server has closed it. For one thread at a time.
class SmtpConnection final {
 public:
  explicit SmtpConnection(const SmtpSender& sender);
  ~SmtpConnection();  // QUIT
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  // As SmtpSender::Send.
  absl::Status Send(const Mail& mail);

 private:
  struct Handle;
  const SmtpSender& sender_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_SMTP_H_
