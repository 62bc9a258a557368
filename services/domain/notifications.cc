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

// The offer message per language. Triple braces: plain text, no HTML escaping.
struct OfferTemplate {
  absl::string_view language;
  absl::string_view subject;
  absl::string_view body;
  absl::string_view remote;  // the place of a remote task
};

constexpr OfferTemplate kOfferTemplates[] = {
    {"fi", "Tarjous: {{{role}}} {{{date}}}",
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
     "{{#reply_to}}Kysyttävää? {{{reply_to}}}\n{{/reply_to}}",
     "etänä"},
    {"sv", "Erbjudande: {{{role}}} {{{date}}}",
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
     "{{#reply_to}}Frågor? {{{reply_to}}}\n{{/reply_to}}",
     "på distans"},
    {"en", "Offer: {{{role}}} on {{{date}}}",
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
     "{{#reply_to}}Questions? {{{reply_to}}}\n{{/reply_to}}",
     "remote"},
};

const OfferTemplate& OfferTemplateFor(absl::string_view language) {
  for (const OfferTemplate& t : kOfferTemplates) {
    if (t.language == language) return t;
  }
  return kOfferTemplates[0];
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
    case MessageKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

std::string MessageLanguage(const Expert& expert, const Exchange& exchange) {
  for (const std::string& language : expert.languages) {
    if (Written(language)) return language;
  }
  return Written(exchange.default_language) ? exchange.default_language : "fi";
}

absl::StatusOr<MessageText> ComposeOfferMade(const OfferNotice& n) {
  const OfferTemplate& t = OfferTemplateFor(n.language);
  const std::string language(t.language);
  TemplateData data;
  data.set("exchange_name", n.exchange_name);
  data.set("role", RoleLabel(n.role, language));
  data.set("topic", n.topic);
  data.set("orderer", n.orderer_name);
  data.set("date", FormatDate(n.start_time, language));
  data.set("time", FormatDateTime(n.start_time, language));
  data.set("duration", absl::StrCat(n.duration_minutes));
  data.set(
      "place", n.remote ? std::string(t.remote)
                        : absl::StrCat(
                              n.address, n.address.empty() ? "" : ", ",
                              MunicipalityName(n.municipality, language)));
  data.set("total", FormatMoney(n.total_cents, language));
  data.set("deadline", FormatDateTime(n.offer_deadline, language));
  if (n.reply_to.empty()) {
    data.set("reply_to", false);
  } else {
    data.set("reply_to", n.reply_to);
  }
  auto subject = RenderTemplate(t.subject, data);
  if (!subject.ok()) return subject.status();
  auto body = RenderTemplate(t.body, data);
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

std::string MessageIdFor(absl::string_view outbox_id) {
  return absl::StrCat("<", outbox_id, "@kokemus.invalid>");
}

}  // namespace kokemus::domain
