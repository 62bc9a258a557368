#include "services/domain/contract.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "kainjow/mustache.hpp"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus {
// Defined in the file cmake/Embed.cmake generates from services/data/templates.
const std::vector<std::pair<absl::string_view, absl::string_view>>& EmbeddedTemplates();
}  // namespace kokemus

namespace kokemus::domain {
namespace {

using Data = kainjow::mustache::data;

// fi, sv, en per value, indexed by the enum's number.
constexpr std::array<std::array<const char*, 3>, 12> kRoles = {{
    {"", "", ""},
    {"luennoitsija tai kouluttaja", "föreläsare eller utbildare", "lecturer or trainer"},
    {"yhteisopettaja", "medlärare", "co-teacher"},
    {"vertaistukija", "stödperson", "peer support person"},
    {"vertaisryhmän ohjaaja", "gruppledare", "peer group facilitator"},
    {"kehittäjä", "utvecklare", "co-developer"},
    {"arvioija", "utvärderare", "evaluator"},
    {"haastattelija", "intervjuare", "interviewer"},
    {"tiimin jäsen", "teammedlem", "team member"},
    {"työparina toimiminen", "arbetspar", "working pair"},
    {"vuoro matalan kynnyksen paikassa", "pass på lågtröskelställe", "low-threshold shift"},
    {"viestintä", "kommunikation", "communications"},
}};
constexpr std::array<std::array<const char*, 3>, 10> kExperienceAreas = {{
    {"", "", ""},
    {"mielenterveys", "psykisk hälsa", "mental health"},
    {"päihteet", "missbruk", "substance use"},
    {"rahapelaaminen", "penningspel", "gambling"},
    {"läheisenä", "som anhörig", "as a family member or close one"},
    {"somaattinen sairaus", "somatisk sjukdom", "somatic illness"},
    {"lastensuojelu", "barnskydd", "child protection"},
    {"rikosseuraamukset", "brottspåföljder", "criminal sanctions"},
    {"asunnottomuus", "hemlöshet", "homelessness"},
    {"muu elämänkriisi", "annan livskris", "another life crisis"},
}};
constexpr std::array<std::array<const char*, 3>, 5> kAudiences = {{
    {"", "", ""},
    {"opiskelijat", "studerande", "students"},
    {"ammattilaiset", "yrkesverksamma", "professionals"},
    {"asiakkaat", "klienter", "clients"},
    {"sekayleisö", "blandad publik", "mixed audience"},
}};

template <size_t N>
std::string Label(
    const std::array<std::array<const char*, 3>, N>& table, int value, absl::string_view language) {
  if (value <= 0 || static_cast<size_t>(value) >= N) return "";
  return table[value][LanguageIndex(language)];
}

// A section key that shows when `text` is not empty.
void Optional(Data& data, const std::string& key, const std::string& text) {
  data.set(key, text.empty() ? Data(false) : Data(text));
}

// "Maija Meikäläinen, +358 40 123 4567": the parts given, with commas.
std::string JoinNonEmpty(std::initializer_list<std::string> parts) {
  std::vector<std::string> given;
  for (const std::string& p : parts) {
    if (!p.empty()) given.push_back(p);
  }
  return absl::StrJoin(given, ", ");
}

}  // namespace

std::string RoleLabel(Role role, absl::string_view language) {
  return Label(kRoles, static_cast<int>(role), language);
}

std::string AudienceLabel(Audience audience, absl::string_view language) {
  return Label(kAudiences, static_cast<int>(audience), language);
}

std::string ExperienceAreaLabel(ExperienceArea area, absl::string_view language) {
  return Label(kExperienceAreas, static_cast<int>(area), language);
}

absl::Status CheckContractable(AssignmentState state) {
  if (state == AssignmentState::kConfirmed || state == AssignmentState::kCompleted) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the assignment is ", EnumName(state),
      "; contracts are made for CONFIRMED or COMPLETED assignments"));
}

absl::Time ContractDate(const ContractFacts& f, absl::Time template_time) {
  return std::max(
      {f.exchange.meta.update_time, f.orderer.meta.update_time, f.expert.meta.update_time,
       f.order.meta.update_time, f.assignment.meta.update_time, f.schedule.meta.update_time,
       template_time});
}

TemplateData ContractTemplateData(const ContractFacts& f, absl::string_view language) {
  Data data;
  data.set("exchange_name", f.exchange.display_name);
  Optional(data, "exchange_business_id", f.exchange.business_id);
  data.set("expert_name", f.expert.display_name);
  data.set("orderer_name", f.orderer.display_name);
  Optional(data, "orderer_business_id", f.orderer.business_id);
  Optional(
      data, "orderer_contact",
      JoinNonEmpty({f.orderer.contact_name, f.orderer.contact_phone, f.orderer.contact_email}));
  Optional(data, "coordinator_name", f.exchange.contact_name);
  Optional(
      data, "coordinator_contact",
      JoinNonEmpty({f.exchange.contact_email, f.exchange.contact_phone}));
  data.set("role", RoleLabel(f.order.role, language));
  data.set("topic", f.order.topic);
  data.set("audience", AudienceLabel(f.order.audience, language));
  Optional(
      data, "audience_size", f.order.audience_size > 0 ? absl::StrCat(f.order.audience_size) : "");
  data.set("date_time", FormatDateTime(f.order.start_time, language));
  data.set("duration_minutes", absl::StrCat(f.order.duration_minutes));
  data.set("remote", Data(f.order.remote));
  Optional(data, "address", f.order.address);
  std::string municipality = f.order.municipality;
  if (const reference::Municipality* m =
          reference::ReferenceData::Get().FindMunicipality(f.order.municipality)) {
    municipality = language == "sv" ? m->name_sv : m->name_fi;
  }
  data.set("municipality", municipality);
  Optional(
      data, "preparation_minutes",
      f.order.preparation_minutes > 0 ? absl::StrCat(f.order.preparation_minutes) : "");
  const RoleFeeRule* rule =
      RuleFor(f.schedule, f.order.role, reference::HelsinkiDate(f.order.start_time));
  data.set("preparation_paid", Data(rule != nullptr && rule->preparation_paid));
  Optional(
      data, "hourly_rate",
      rule != nullptr && rule->kind == FeeKind::kHourly ? FormatMoney(rule->amount_cents, language)
                                                        : "");
  data.set("fee", FormatMoney(f.assignment.fee_cents, language));
  // A remote task has no travel line unless travel was paid all the same.
  data.set("travel_line", Data(!f.order.remote || f.assignment.travel_cents > 0));
  data.set("travel", FormatMoney(f.assignment.travel_cents, language));
  data.set("total", FormatMoney(f.assignment.total_cents(), language));
  Optional(
      data, "travel_km",
      f.assignment.travel_km > 0 && !f.order.remote ? absl::StrCat(f.assignment.travel_km) : "");
  data.set("payment_salary", Data(f.expert.payment_method == PaymentMethod::kSalaryTaxCard));
  data.set("payment_invoice", Data(f.expert.payment_method == PaymentMethod::kInvoice));
  data.set("payment_declined", Data(f.expert.payment_method == PaymentMethod::kFeeDeclined));
  if (const CancellationRule* c =
          CancellationRuleFor(f.schedule, reference::HelsinkiDate(f.order.start_time))) {
    Data cancel;
    cancel.set("cancel_notice_days", absl::StrCat(c->orderer_notice_days));
    cancel.set("cancel_late_percent", absl::StrCat(c->orderer_late_percent));
    cancel.set("cancel_expert_percent", absl::StrCat(c->expert_percent));
    // Every step of the orderer's late fee, the longest notice first.
    Data tiers{Data::type::list};
    for (const NoticeTier& t : OrdererTiers(*c)) {
      Data tier;
      tier.set("days", absl::StrCat(t.notice_days));
      tier.set("percent", absl::StrCat(t.percent));
      tiers.push_back(tier);
    }
    cancel.set("cancel_tiers", tiers);
    data.set("cancel_rule", cancel);
  } else {
    data.set("cancel_rule", Data(false));
  }
  Optional(data, "notice_version", f.expert.consent.notice_version);
  data.set("contract_date", FormatDate(f.created, language));
  return data;
}

namespace {
absl::string_view EmbeddedTemplate(absl::string_view kind, absl::string_view language) {
  const std::string name = absl::StrCat(kind, ".", language, ".mustache");
  for (const auto& [file, contents] : EmbeddedTemplates()) {
    if (file == name) return contents;
  }
  return "";
}
}  // namespace

absl::string_view DefaultContractTemplate(absl::string_view language) {
  return EmbeddedTemplate("contract", language);
}

absl::Status CheckContractTemplate(absl::string_view text, absl::string_view field) {
  static const std::vector<std::string> kAllowed = {
      "exchange_name",
      "exchange_business_id",
      "expert_name",
      "orderer_name",
      "orderer_business_id",
      "orderer_contact",
      "coordinator_name",
      "role",
      "topic",
      "audience",
      "audience_size",
      "date_time",
      "duration_minutes",
      "remote",
      "address",
      "municipality",
      "preparation_minutes",
      "preparation_paid",
      "hourly_rate",
      "fee",
      "travel_line",
      "travel",
      "total",
      "travel_km",
      "payment_salary",
      "payment_invoice",
      "payment_declined",
      "cancel_rule",
      "cancel_notice_days",
      "cancel_late_percent",
      "cancel_expert_percent",
      "cancel_tiers",
      "days",
      "percent",
      "notice_version",
      "coordinator_contact",
      "contract_date"};
  static const std::vector<std::string> kRequired = {
      "exchange_name", "expert_name", "orderer_name", "date_time", "fee"};
  return CheckTemplateNames(text, field, kAllowed, kRequired);
}

std::string ContractFooter(
    absl::string_view contract_id, absl::string_view text_sha256, absl::string_view language) {
  static constexpr std::array<const char*, 3> kWord = {"Sopimus", "Avtal", "Contract"};
  return absl::StrCat(
      kWord[LanguageIndex(language)], " ", contract_id, "  \u00b7  SHA-256 ",
      text_sha256.substr(0, 16));
}

std::string AcceptanceBlock(
    absl::string_view typed_name, absl::Time accepted, AcceptedVia via,
    absl::string_view language) {
  struct Words {
    const char* heading;
    const char* who;
    const char* typed;
    const char* when;
    const char* how;
    const char* page;
    const char* key;
  };
  static constexpr std::array<Words, 3> kWords = {{
      {"Hyväksyntä", "Hyväksynyt", "kirjoitti nimensä", "Aika", "Tapa",
       "Kokemuksen itsepalvelusivulla, kirjautuneena hänelle lähetetyllä linkillä",
       "omalla API-avaimellaan"},
      {"Godkännande", "Godkänt av", "skrev sitt namn", "Tid", "Sätt",
       "på Kokemus självbetjäningssida, inloggad med en länk som skickats till hen",
       "med sin egen API-nyckel"},
      {"Acceptance", "Accepted by", "typed their name", "Time", "How",
       "on the Kokemus self-service page, signed in with a link sent to them",
       "with their own API key"},
  }};
  const Words& w = kWords[LanguageIndex(language)];
  // The typed name is the expert's own text: one line, no table markup.
  std::string name(typed_name);
  for (char& c : name) {
    if (c == '|' || c == '\n' || c == '\r') c = ' ';
  }
  return absl::StrCat(
      "\n## ", w.heading, "\n| ", w.who, " | ", name, " (", w.typed, ") |\n| ", w.when, " | ",
      FormatDateTime(accepted, language), " |\n| ", w.how, " | ",
      via == AcceptedVia::kSelfServicePage ? w.page : w.key, " |\n");
}

ContractFacts SampleContractFacts() {
  ContractFacts f;
  f.exchange.id = "sample";
  f.exchange.display_name = "Esimerkkiyhdistys ry";
  f.exchange.business_id = "1234567-1";
  f.exchange.contact_email = "kokemus@example.fi";
  f.exchange.contact_name = "Kaija Koordinaattori";
  f.exchange.contact_phone = "+358 40 000 0000";
  f.orderer.id = "school";
  f.orderer.display_name = "Esimerkkikoulu";
  f.orderer.business_id = "7654321-8";
  f.orderer.contact_name = "Olli Opettaja";
  f.orderer.contact_phone = "+358 50 000 0000";
  f.expert.id = "expert";
  f.expert.display_name = "Maija Esimerkki";
  f.expert.payment_method = PaymentMethod::kSalaryTaxCard;
  f.order.role = Role::kLecturer;
  f.order.topic = "Oma tarina ja toipuminen";
  f.order.audience = Audience::kStudents;
  f.order.audience_size = 25;
  f.order.start_time =
      absl::FromCivil(absl::CivilMinute(2027, 3, 10, 10, 0), reference::HelsinkiTimeZone());
  f.order.duration_minutes = 90;
  f.order.preparation_minutes = 30;
  f.order.municipality = "398";
  f.order.address = "Koulukatu 1";
  f.assignment.state = AssignmentState::kConfirmed;
  f.assignment.start_time = f.order.start_time;
  f.assignment.end_time = f.order.start_time + absl::Minutes(f.order.duration_minutes);
  f.assignment.fee_cents = 15000;
  f.assignment.travel_cents = 1650;
  f.assignment.travel_km = 30;
  f.schedule.role_rules.push_back(
      {Role::kLecturer, "2027-01-01", FeeKind::kFixed, 15000, 0, false});
  CancellationRule cancel;
  cancel.valid_from = "2027-01-01";
  cancel.orderer_notice_days = 7;
  cancel.orderer_late_percent = 50;
  cancel.expert_percent = 0;
  cancel.exchange_percent = 100;
  cancel.orderer_tiers = {{2, 100}};
  f.schedule.cancellation_rules.push_back(cancel);
  f.created = absl::FromCivil(absl::CivilMinute(2027, 2, 20, 12, 0), reference::HelsinkiTimeZone());
  return f;
}

absl::string_view DefaultPrivacyTemplate(absl::string_view language) {
  return EmbeddedTemplate("privacy", language);
}

absl::Status CheckPrivacyNoticeFacts(const Exchange& exchange) {
  std::vector<std::string> missing;
  if (exchange.postal_address.empty()) missing.push_back("postal_address");
  if (exchange.contact_email.empty()) missing.push_back("contact_email");
  if (missing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the privacy notice must name the controller and how to reach them (GDPR art. 13(1)(a)): "
      "set the exchange's ",
      absl::StrJoin(missing, " and "), " first (kokemusctl exchange update ", exchange.id, " --",
      absl::StrReplaceAll(missing.front(), {{"_", "-"}}), " ...)"));
}

bool ChangesPrivacyNotice(const Exchange& before, const Exchange& after) {
  return before.display_name != after.display_name || before.business_id != after.business_id ||
         before.postal_address != after.postal_address ||
         before.contact_email != after.contact_email ||
         before.data_protection_officer != after.data_protection_officer ||
         before.wellbeing_region != after.wellbeing_region;
}

absl::Time PrivacyTextDate() {
  // The day the built-in texts (services/data/templates/privacy.*) last
  // changed: move it with them.
  static const absl::Time kDate =
      absl::FromCivil(absl::CivilDay(2026, 11, 28), reference::HelsinkiTimeZone());
  return kDate;
}

absl::Time PrivacyNoticeDate(const Exchange& exchange) {
  return std::max(exchange.privacy_notice_time, PrivacyTextDate());
}

TemplateData PrivacyNoticeData(const Exchange& exchange, absl::string_view language) {
  Data data;
  data.set("exchange_name", exchange.display_name);
  Optional(data, "business_id", exchange.business_id);
  Optional(data, "contact_email", exchange.contact_email);
  Optional(data, "postal_address", exchange.postal_address);
  Optional(data, "data_protection_officer", exchange.data_protection_officer);
  std::string region = exchange.wellbeing_region;
  if (const reference::WellbeingRegion* r =
          reference::ReferenceData::Get().FindRegion(exchange.wellbeing_region)) {
    region = language == "sv" ? r->name_sv : r->name_fi;
  }
  data.set("region", region);
  data.set("notice_date", FormatDate(PrivacyNoticeDate(exchange), language));
  return data;
}

}  // namespace kokemus::domain
