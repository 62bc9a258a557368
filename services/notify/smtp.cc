#include "services/notify/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/domain/utf8.h"
#include "services/notify/curl_init.h"

namespace kokemus::notify {
namespace {

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || c == '\r' || c == '\n') return false;
  }
  return true;
}

// A header value with no line breaks getting through.
std::string SingleLine(std::string value) {
  for (char& c : value) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return value;
}

std::string Header(absl::string_view name, const std::string& value) {
  return absl::StrCat(name, ": ", SingleLine(value));
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::string EncodeHeaderText(const std::string& text, size_t chunk_bytes) {
  if (IsAscii(text)) return text;
  // Encoded words of `chunk_bytes` of text (RFC 2047 allows 75 characters,
  // 45 bytes), cut between UTF-8 characters, separated by spaces. libcurl
  // folds a header at the spaces; a short first word stays on the header's
  // own line, so no reader sees a leading space.
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = domain::Utf8CharStart(text, start + chunk_bytes);
    absl::StrAppend(
        &out, out.empty() ? "" : " ", "=?UTF-8?B?",
        absl::Base64Escape(absl::string_view(text).substr(start, end - start)), "?=");
    start = end;
  }
  return out;
}

struct SmtpConnection::Handle {
  std::unique_ptr<CURL, CurlDeleter> curl;
};

SmtpConnection::SmtpConnection(const SmtpSender& sender)
    : sender_(sender), handle_(std::make_unique<Handle>()) {
  InitCurl();
}

SmtpConnection::~SmtpConnection() = default;

absl::Status SmtpSender::Send(const Mail& mail) const { return SmtpConnection(*this).Send(mail); }

absl::Status SmtpConnection::Send(const Mail& mail) {
  const SmtpOptions& options = sender_.options();
  if (!handle_->curl) handle_->curl.reset(curl_easy_init());
  if (!handle_->curl) return absl::UnavailableError("cannot start an SMTP client");
  CURL* c = handle_->curl.get();
  // Every option again, for this message; the open connection stays.
  curl_easy_reset(c);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_USE_SSL, options.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  curl_easy_setopt(
      c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options.timeout)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!options.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  const std::string& sender = mail.from.empty() ? options.from : mail.from;
  const std::string from = absl::StrCat("<", sender, ">");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  std::unique_ptr<curl_slist, ListDeleter> recipients(
      curl_slist_append(nullptr, absl::StrCat("<", mail.to, ">").c_str()));
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());

  std::vector<std::string> lines = {
      Header(
          "Date", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", mail.date, absl::UTCTimeZone())),
      // Encoded text holds no line breaks of its own.
      absl::StrCat("From: ", EncodeHeaderText(mail.sender_name, 45), " <", SingleLine(sender), ">"),
      Header("To", absl::StrCat("<", mail.to, ">")),
      absl::StrCat("Subject: ", EncodeHeaderText(mail.subject, 30)),
      Header("Message-ID", mail.message_id),
      Header("Content-Language", mail.language),
      Header("Auto-Submitted", "auto-generated"),
  };
  if (!mail.reply_to.empty())
    lines.push_back(Header("Reply-To", absl::StrCat("<", mail.reply_to, ">")));
  curl_slist* raw_headers = nullptr;
  for (const std::string& line : lines) raw_headers = curl_slist_append(raw_headers, line.c_str());
  std::unique_ptr<curl_slist, ListDeleter> headers(raw_headers);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(c));
  curl_mimepart* part = curl_mime_addpart(mime.get());
  curl_mime_data(part, mail.body.data(), mail.body.size());
  curl_mime_type(part, "text/plain; charset=UTF-8");
  curl_mime_encoder(part, "quoted-printable");
  if (!mail.calendar.empty()) {
    // Calendar programs read the method from the part's type (RFC 6047).
    curl_mimepart* ics = curl_mime_addpart(mime.get());
    curl_mime_data(ics, mail.calendar.data(), mail.calendar.size());
    const std::string type =
        absl::StrCat("text/calendar; charset=UTF-8; method=", SingleLine(mail.calendar_method));
    curl_mime_type(ics, type.c_str());
    curl_mime_filename(ics, mail.calendar_method == "CANCEL" ? "cancel.ics" : "invite.ics");
    curl_mime_encoder(ics, "base64");
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

  const CURLcode result = curl_easy_perform(c);
  // The handle outlives this message's buffers: no option may point at them.
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  if (result != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    return absl::UnavailableError(absl::StrCat(
        "SMTP: ", error[0] != '\0' ? error : curl_easy_strerror(result),
        reply != 0 ? absl::StrCat(" (reply ", reply, ")") : ""));
  }
  return absl::OkStatus();
}

}  // namespace kokemus::notify
