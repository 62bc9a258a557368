#include "services/domain/earnings_letter.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/contract.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

const Words kTitle = {
    {"Selvitys kokemusasiantuntijan palkkioista", "Intyg om erfarenhetsexpertens arvoden",
     "Statement of an expert by experience's fees"}};
const Words kDate = {{"Päiväys", "Datum", "Date"}};
const Words kExpert = {{"Kokemusasiantuntija", "Erfarenhetsexpert", "Expert by experience"}};
const Words kPayer = {{"Maksaja", "Betalare", "Payer"}};
const Words kBusinessId = {{"Y-tunnus", "FO-nummer", "Business ID"}};
const Words kHowPaid = {{"Maksutapa", "Betalningssätt", "How she is paid"}};
const Words kPurpose = {
    {"Selvitys on annettu kokemusasiantuntijan pyynnöstä hänen etuutensa maksajalle (esimerkiksi "
     "Kela tai eläkelaitos) esitettäväksi.",
     "Intyget ges på erfarenhetsexpertens begäran för att visas för den som betalar hennes "
     "förmån (till exempel FPA eller en pensionsanstalt).",
     "This statement is given at the expert's request, for her to show to the payer of her "
     "benefit (for example Kela or a pension provider)."}};
const Words kWorkHeading = {{"Työ", "Arbetet", "The work"}};
const Words kWork = {
    {"Kokemusasiantuntija kertoo omasta kokemuksestaan esimerkiksi oppilaitoksissa sekä sosiaali- "
     "ja terveyspalveluissa, tukee asiakkaita ja osallistuu palvelujen kehittämiseen. Työ on "
     "keikkaluonteista: jokainen tehtävä sovitaan erikseen, säännöllistä työaikaa ei ole eikä "
     "tehtäviä ole velvollisuutta ottaa vastaan.",
     "En erfarenhetsexpert berättar om sina egna erfarenheter till exempel vid läroanstalter och "
     "inom social- och hälsovården, stöder klienter och deltar i utvecklingen av tjänster. "
     "Arbetet är tillfälligt: varje uppdrag avtalas för sig, det finns ingen regelbunden "
     "arbetstid och ingen skyldighet att ta emot uppdrag.",
     "An expert by experience speaks of her own experience, for example in schools and in social "
     "and health services, supports clients and takes part in developing services. The work is "
     "occasional: each task is agreed separately, there are no regular working hours and no "
     "duty to take tasks."}};
const Words kPayDay = {
    {"Palkkio maksetaan tehtävää seuraavan kuukauden %d. päivänä (viikonloppuna sitä edeltävänä "
     "perjantaina).",
     "Arvodet betalas den %d i månaden efter uppdraget (på en helg fredagen före).",
     "Fees are paid on day %d of the month after the task (on the Friday before when that falls "
     "on a weekend)."}};
const Words kPayAfter = {
    {"Palkkio maksetaan %d päivän kuluttua tehtävästä (viikonloppuna sitä edeltävänä "
     "perjantaina).",
     "Arvodet betalas %d dagar efter uppdraget (på en helg fredagen före).",
     "Fees are paid %d days after the task (on the Friday before when that falls on a weekend)."}};
const Words kSalary = {
    {"Palkka, ennakonpidätys verokortin mukaan", "Lön, förskottsinnehållning enligt skattekortet",
     "Wages, tax withheld by her tax card"}};
const Words kWorkCompensation = {
    {"Työkorvaus, ennakonpidätys verokortin mukaan",
     "Arbetsersättning, förskottsinnehållning enligt skattekortet",
     "Work compensation, tax withheld by her tax card"}};
const Words kInvoice = {
    {"Laskua vastaan (oma yritys tai laskutuspalvelu)",
     "Mot faktura (eget företag eller faktureringstjänst)",
     "Against her invoice (own business or invoicing service)"}};
const Words kDeclined = {
    {"Hän on kieltäytynyt palkkiosta; vain matkakulut korvataan",
     "Hon har avstått från arvodet; endast resekostnader ersätts",
     "She has declined her fee; only travel costs are reimbursed"}};
const Words kPaidHeading = {
    {"Palkkiot vuonna %d maksupäivän mukaan", "Arvoden år %d enligt betalningsdag",
     "Fees in %d by payment date"}};
const Words kMonth = {{"Maksukuukausi", "Betalningsmånad", "Payment month"}};
const Words kTasks = {{"Tehtäviä", "Uppdrag", "Tasks"}};
const Words kPaid = {{"Maksettu", "Betalt", "Paid"}};
const Words kComing = {{"Tulossa", "Kommande", "Still to be paid"}};
const Words kTotal = {{"Yhteensä", "Totalt", "Total"}};
const Words kNoPay = {
    {"Vuonna %d ei ole maksettu eikä sovittu maksettavaksi palkkioita.",
     "År %d har inga arvoden betalats eller avtalats.",
     "No fees have been paid or agreed to be paid in %d."}};
const Words kAmounts = {
    {"Summat ovat palkkioita ennen veroja sinä kuukautena, jona ne maksetaan, kuten ne näkyvät "
     "tulorekisterissä. Verottomat matka- ja päivärahakorvaukset eivät sisälly niihin.",
     "Beloppen är arvoden före skatt i den månad de betalas, så som de syns i "
     "inkomstregistret. Skattefria rese- och dagtraktamentsersättningar ingår inte.",
     "The amounts are fees before tax in the month they are paid, as the Incomes Register shows "
     "them. Tax-free travel and daily allowances are not included."}};
const Words kPlannedHeading = {
    {"Sovitut tulevat tehtävät", "Avtalade kommande uppdrag", "Agreed tasks to come"}};
const Words kDay = {{"Päivä", "Dag", "Day"}};
const Words kTask = {{"Tehtävä", "Uppdrag", "Task"}};
const Words kFee = {{"Palkkio", "Arvode", "Fee"}};
const Words kPaidOn = {{"Maksetaan", "Betalas", "Paid on"}};
const Words kNonePlanned = {
    {"Tulevia tehtäviä ei ole sovittu.", "Inga kommande uppdrag har avtalats.",
     "No tasks to come have been agreed."}};
const Words kPlannedNote = {
    {"Tulevien tehtävien palkkiot ovat arvioita: palkkio määräytyy toteutuneen keston mukaan, ja "
     "tehtävä voi peruuntua.",
     "Arvodena för kommande uppdrag är uppskattningar: arvodet bestäms av den faktiska längden, "
     "och uppdraget kan ställas in.",
     "The fees of tasks to come are estimates: the fee follows the actual length, and a task may "
     "be cancelled."}};
const Words kContact = {{"Lisätietoja", "Mer information", "More information"}};

constexpr const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

std::string MonthText(absl::CivilMonth m, absl::string_view language) {
  if (language == "en") return absl::StrCat(kEnglishMonths[m.month() - 1], " ", m.year());
  return absl::StrCat(m.month(), "/", m.year());
}

std::string DayText(absl::CivilDay d, absl::string_view language) {
  return FormatDate(absl::FromCivil(d, reference::HelsinkiTimeZone()), language);
}

const Words& HowPaid(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kWorkCompensation:
      return kWorkCompensation;
    case PaymentMethod::kInvoice:
      return kInvoice;
    case PaymentMethod::kFeeDeclined:
      return kDeclined;
    default:
      return kSalary;
  }
}

}  // namespace

Document EarningsLetterDocument(const EarningsLetterFacts& f) {
  const std::string& lang = f.language;
  const Exchange& x = f.exchange;
  Document doc;
  doc.blocks.push_back(Title(kTitle.In(lang)));
  std::string payer = x.display_name;
  if (!x.business_id.empty())
    absl::StrAppend(&payer, " (", kBusinessId.In(lang), " ", x.business_id, ")");
  doc.blocks.push_back(Table({
      {kDate.In(lang), DayText(f.today, lang)},
      {kExpert.In(lang), f.expert_name},
      {kPayer.In(lang), payer},
      {kHowPaid.In(lang), HowPaid(f.payment_method).In(lang)},
  }));
  std::vector<std::string> contact;
  for (const std::string* part : {&x.contact_name, &x.contact_email, &x.contact_phone}) {
    if (!part->empty()) contact.push_back(*part);
  }
  if (!contact.empty())
    doc.blocks.back().rows.push_back({kContact.In(lang), absl::StrJoin(contact, ", ")});
  doc.blocks.push_back(Paragraph(kPurpose.In(lang)));

  doc.blocks.push_back(Heading(kWorkHeading.In(lang)));
  doc.blocks.push_back(Paragraph(absl::StrCat(
      kWork.In(lang), " ",
      x.pay_rule.kind == PayRuleKind::kDaysAfterTask
          ? FormatText(kPayAfter.In(lang), x.pay_rule.days_after)
          : FormatText(kPayDay.In(lang), x.pay_rule.day_of_month))));

  doc.blocks.push_back(Heading(FormatText(kPaidHeading.In(lang), f.year.year)));
  std::vector<std::vector<std::string>> rows = {
      {kMonth.In(lang), kTasks.In(lang), kPaid.In(lang), kComing.In(lang)}};
  int tasks = 0;
  for (const MonthPay& m : f.year.months) {
    if (m.tasks == 0 && m.paid_cents == 0 && m.coming_cents == 0) continue;
    tasks += m.tasks;
    rows.push_back(
        {MonthText(m.month, lang), absl::StrCat(m.tasks), FormatMoney(m.paid_cents, lang),
         FormatMoney(m.coming_cents, lang)});
  }
  if (rows.size() == 1) {
    doc.blocks.push_back(Paragraph(FormatText(kNoPay.In(lang), f.year.year)));
  } else {
    rows.push_back(
        {kTotal.In(lang), absl::StrCat(tasks), FormatMoney(f.year.paid_cents, lang),
         FormatMoney(f.year.coming_cents, lang)});
    doc.blocks.push_back(Table(std::move(rows), true));
    doc.blocks.push_back(Paragraph(kAmounts.In(lang)));
  }

  doc.blocks.push_back(Heading(kPlannedHeading.In(lang)));
  if (f.planned.empty()) {
    doc.blocks.push_back(Paragraph(kNonePlanned.In(lang)));
  } else {
    std::vector<std::vector<std::string>> planned = {
        {kTask.In(lang), kDay.In(lang), kFee.In(lang), kPaidOn.In(lang)}};
    for (const PlannedTask& t : f.planned) {
      std::string task = RoleLabel(t.role, lang);
      if (!task.empty()) task[0] = absl::ascii_toupper(static_cast<unsigned char>(task[0]));
      planned.push_back(
          {absl::StrCat(task, ", ", t.minutes, " min"), FormatDate(t.start_time, lang),
           FormatMoney(t.fee_cents, lang), DayText(PaymentDate(x.pay_rule, t.start_time), lang)});
    }
    doc.blocks.push_back(Table(std::move(planned)));
    doc.blocks.push_back(Paragraph(kPlannedNote.In(lang)));
  }

  return doc;
}

}  // namespace kokemus::domain
