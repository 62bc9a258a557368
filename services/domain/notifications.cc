#include "services/domain/notifications.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "kainjow/mustache.hpp"
#include "services/domain/contract.h"
#include "services/domain/documents.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {

// The messages per kind and language. Triple braces: plain text, no HTML
// escaping.
struct Template {
  MessageKind kind;
  absl::string_view language;
  absl::string_view subject;
  absl::string_view body;
};

constexpr Template kTemplates[] = {
    {MessageKind::kOfferMade, "fi", "Tarjous: {{{role}}} {{{date}}}",
     "Hei,\n"
     "\n"
     "{{{exchange_name}}} tarjoaa sinulle tehtävää.\n"
     "\n"
     "Tehtävä: {{{role}}}\n"
     "Aihe: {{{topic}}}\n"
     "Tilaaja: {{{orderer}}}\n"
     "Aika: {{{time}}}, {{{duration}}} min\n"
     "Paikka: {{{place}}}\n"
     "Palkkio ja matkat yhteensä: {{{total}}}\n"
     "\n"
     "Vastaathan viimeistään {{{deadline}}}.\n"
     "{{#reply_to}}Kysyttävää? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kOfferMade, "sv", "Erbjudande: {{{role}}} {{{date}}}",
     "Hej,\n"
     "\n"
     "{{{exchange_name}}} erbjuder dig ett uppdrag.\n"
     "\n"
     "Uppdrag: {{{role}}}\n"
     "Ämne: {{{topic}}}\n"
     "Beställare: {{{orderer}}}\n"
     "Tid: {{{time}}}, {{{duration}}} min\n"
     "Plats: {{{place}}}\n"
     "Arvode och resor sammanlagt: {{{total}}}\n"
     "\n"
     "Svara senast {{{deadline}}}.\n"
     "{{#reply_to}}Frågor? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kOfferMade, "en", "Offer: {{{role}}} on {{{date}}}",
     "Hello,\n"
     "\n"
     "{{{exchange_name}}} offers you a task.\n"
     "\n"
     "Task: {{{role}}}\n"
     "Topic: {{{topic}}}\n"
     "Orderer: {{{orderer}}}\n"
     "Time: {{{time}}}, {{{duration}}} min\n"
     "Place: {{{place}}}\n"
     "Fee and travel in total: {{{total}}}\n"
     "\n"
     "Please answer by {{{deadline}}}.\n"
     "{{#reply_to}}Questions? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kOfferWithdrawn, "fi", "Tarjous ei ole enää voimassa: {{{role}}} {{{date}}}",
     "Hei,\n"
     "\n"
     "Tarjous ei ole enää voimassa: tehtävän paikat on täytetty tai tilaus on peruttu.\n"
     "Sinun ei tarvitse tehdä mitään.\n"
     "\n"
     "Tehtävä: {{{role}}}\n"
     "Tilaaja: {{{orderer}}}\n"
     "Aika: {{{time}}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Kysyttävää? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kOfferWithdrawn, "sv", "Erbjudandet gäller inte längre: {{{role}}} {{{date}}}",
     "Hej,\n"
     "\n"
     "Erbjudandet gäller inte längre: platserna är tillsatta eller beställningen är annullerad.\n"
     "Du behöver inte göra något.\n"
     "\n"
     "Uppdrag: {{{role}}}\n"
     "Beställare: {{{orderer}}}\n"
     "Tid: {{{time}}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Frågor? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kOfferWithdrawn, "en", "Offer no longer open: {{{role}}} on {{{date}}}",
     "Hello,\n"
     "\n"
     "The offer is no longer open: the places were filled or the order was cancelled.\n"
     "You need not do anything.\n"
     "\n"
     "Task: {{{role}}}\n"
     "Orderer: {{{orderer}}}\n"
     "Time: {{{time}}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Questions? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kAssignmentCancelled, "fi", "Tehtävä peruttu: {{{role}}} {{{date}}}",
     "Hei,\n"
     "\n"
     "Tehtäväsi on peruttu ({{{cancelled_by}}}).\n"
     "\n"
     "Tehtävä: {{{role}}}\n"
     "Tilaaja: {{{orderer}}}\n"
     "Aika: {{{time}}}\n"
     "Paikka: {{{place}}}\n"
     "{{#paid}}Sinulle maksetaan peruutuksesta: {{{total}}}{{/paid}}{{^paid}}Peruutuksesta ei "
     "makseta palkkiota.{{/paid}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Kysyttävää? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kAssignmentCancelled, "sv", "Uppdraget är inställt: {{{role}}} {{{date}}}",
     "Hej,\n"
     "\n"
     "Ditt uppdrag är inställt ({{{cancelled_by}}}).\n"
     "\n"
     "Uppdrag: {{{role}}}\n"
     "Beställare: {{{orderer}}}\n"
     "Tid: {{{time}}}\n"
     "Plats: {{{place}}}\n"
     "{{#paid}}Du får för inställningen: {{{total}}}{{/paid}}{{^paid}}Inget arvode betalas för "
     "inställningen.{{/paid}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Frågor? {{{reply_to}}}\n{{/reply_to}}"},
    {MessageKind::kAssignmentCancelled, "en", "Task cancelled: {{{role}}} on {{{date}}}",
     "Hello,\n"
     "\n"
     "Your task has been cancelled ({{{cancelled_by}}}).\n"
     "\n"
     "Task: {{{role}}}\n"
     "Orderer: {{{orderer}}}\n"
     "Time: {{{time}}}\n"
     "Place: {{{place}}}\n"
     "{{#paid}}You are paid for the cancellation: {{{total}}}{{/paid}}{{^paid}}No fee is paid for "
     "the cancellation.{{/paid}}\n"
     "\n"
     "{{{exchange_name}}}\n"
     "{{#reply_to}}Questions? {{{reply_to}}}\n{{/reply_to}}"},
};

const Template* TemplateFor(MessageKind kind, absl::string_view language) {
  const Template* finnish = nullptr;
  for (const Template& t : kTemplates) {
    if (t.kind != kind) continue;
    if (t.language == language) return &t;
    if (t.language == "fi") finnish = &t;
  }
  return finnish;
}

std::string RemoteLabel(absl::string_view language) {
  return language == "sv" ? "på distans" : language == "en" ? "remote" : "etänä";
}

std::string CancelledByLabel(CancelledBy by, absl::string_view language) {
  const bool sv = language == "sv";
  const bool en = language == "en";
  switch (by) {
    case CancelledBy::kOrderer:
      return sv ? "beställaren ställde in" : en ? "by the orderer" : "tilaaja perui";
    case CancelledBy::kExpert:
      return sv ? "du ställde in" : en ? "by you" : "peruit itse";
    case CancelledBy::kExchange:
      return sv ? "förmedlingen ställde in" : en ? "by the exchange" : "välityspalvelu perui";
    case CancelledBy::kUnspecified:
      break;
  }
  return sv ? "inställt" : en ? "cancelled" : "peruttu";
}

bool Written(absl::string_view language) {
  return language == "fi" || language == "sv" || language == "en";
}

std::string MunicipalityName(absl::string_view code, absl::string_view language) {
  const reference::Municipality* m = reference::ReferenceData::Get().FindMunicipality(code);
  if (m == nullptr) return std::string(code);
  return language == "sv" && !m->name_sv.empty() ? m->name_sv : m->name_fi;
}

}  // namespace

absl::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kOfferMade:
      return "OFFER_MADE";
    case MessageKind::kOfferWithdrawn:
      return "OFFER_WITHDRAWN";
    case MessageKind::kAssignmentCancelled:
      return "ASSIGNMENT_CANCELLED";
    case MessageKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

bool IsUrgent(MessageKind kind) { return kind == MessageKind::kAssignmentCancelled; }

std::optional<MessageKind> MessageForChange(AssignmentState from, AssignmentState to) {
  if (from == to) return std::nullopt;
  if (from == AssignmentState::kUnspecified && to == AssignmentState::kOffered) {
    return MessageKind::kOfferMade;
  }
  if (to == AssignmentState::kWithdrawn) return MessageKind::kOfferWithdrawn;
  if (to == AssignmentState::kCancelled &&
      (from == AssignmentState::kAccepted || from == AssignmentState::kConfirmed)) {
    return MessageKind::kAssignmentCancelled;
  }
  return std::nullopt;
}

std::string MessageLanguage(const Expert& expert, const Exchange& exchange) {
  for (const std::string& language : expert.languages) {
    if (Written(language)) return language;
  }
  return Written(exchange.default_language) ? exchange.default_language : "fi";
}

absl::StatusOr<MessageText> ComposeMessage(MessageKind kind, const OfferNotice& n) {
  const Template* t = TemplateFor(kind, n.language);
  if (t == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no message for ", MessageKindName(kind)));
  }
  const std::string language(t->language);
  TemplateData data;
  data.set("exchange_name", n.exchange_name);
  data.set("role", RoleLabel(n.role, language));
  data.set("topic", n.topic);
  data.set("orderer", n.orderer_name);
  data.set("date", FormatDate(n.start_time, language));
  data.set("time", FormatDateTime(n.start_time, language));
  data.set("duration", absl::StrCat(n.duration_minutes));
  data.set(
      "place", n.remote ? RemoteLabel(language)
                        : absl::StrCat(
                              n.address, n.address.empty() ? "" : ", ",
                              MunicipalityName(n.municipality, language)));
  data.set("total", FormatMoney(n.total_cents, language));
  data.set("paid", n.total_cents > 0);
  data.set("deadline", FormatDateTime(n.offer_deadline, language));
  data.set("cancelled_by", CancelledByLabel(n.cancelled_by, language));
  if (n.reply_to.empty()) {
    data.set("reply_to", false);
  } else {
    data.set("reply_to", n.reply_to);
  }
  auto subject = RenderTemplate(t->subject, data);
  if (!subject.ok()) return subject.status();
  auto body = RenderTemplate(t->body, data);
  if (!body.ok()) return body.status();
  return MessageText{*std::move(subject), *std::move(body)};
}

absl::Time NextSendTime(absl::Time now, bool urgent) {
  if (urgent) return now;
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const absl::CivilSecond local = absl::ToCivilSecond(now, helsinki);
  if (local.hour() >= kQuietUntilHour && local.hour() < kQuietFromHour) return now;
  absl::CivilDay day = absl::CivilDay(local);
  if (local.hour() >= kQuietFromHour) day += 1;
  return absl::FromCivil(absl::CivilHour(day) + kQuietUntilHour, helsinki);
}

absl::Duration RetryDelay(int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 6);
  return std::min(absl::Minutes(1) * (1 << doublings), absl::Hours(1));
}

std::optional<absl::Time> NextTryAfterFailure(int attempts, absl::Time now) {
  if (attempts >= kMaxDeliveryAttempts) return std::nullopt;
  return now + RetryDelay(attempts);
}

std::string MessageIdFor(absl::string_view outbox_id) {
  return absl::StrCat("<", outbox_id, "@kokemus.invalid>");
}

}  // namespace kokemus::domain
