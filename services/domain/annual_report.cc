#include "services/domain/annual_report.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/domain/contract.h"
#include "services/domain/enum_names.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

const Words kTitle = {{"Vuosiraportti", "Årsrapport", "Annual report"}};
const Words kIntro = {
    {"Kokemusasiantuntijoiden tehtävät vuonna %d. Tehtävä on toteutunut keikka; "
     "luvut on laskettu välityksen omista tiedoista.",
     "Erfarenhetsexperternas uppdrag år %d. Ett uppdrag är ett genomfört "
     "uppdrag; siffrorna kommer ur förmedlingens egna uppgifter.",
     "Tasks of experts by experience in %d. A task is a completed assignment; "
     "the figures come from the exchange's own records."}};
const Words kKeyFigures = {{"Tunnusluvut", "Nyckeltal", "Key figures"}};
const Words kTasks = {{"Tehtäviä", "Uppdrag", "Tasks"}};
const Words kEducation = {{"oppilaitoksissa", "vid läroanstalter", "in educational institutions"}};
const Words kBasic = {{"peruspalveluissa", "inom basservicen", "in basic services"}};
const Words kHours = {{"Tunteja", "Timmar", "Hours"}};
const Words kFees = {{"Palkkiot", "Arvoden", "Fees paid"}};
const Words kTravel = {{"Matkakulut", "Resekostnader", "Travel paid"}};
const Words kWorked = {
    {"Työskennelleitä kokemusasiantuntijoita", "Erfarenhetsexperter som arbetat",
     "Experts who worked"}};
const Words kActive = {
    {"Aktiivisia koulutettuja asiantuntijoita", "Aktiva utbildade experter",
     "Active trained experts"}};
const Words kShare = {{"Heistä tehtävän saaneita", "Av dem fick uppdrag", "Of them with a task"}};
const Words kOrderers = {
    {"Tilaajaorganisaatioita", "Beställarorganisationer", "Orderer organizations"}};
const Words kCancelled = {
    {"Peruttuja (tilaaja/asiantuntija/välitys)", "Inställda (beställare/expert/förmedling)",
     "Cancelled (orderer/expert/exchange)"}};
const Words kPerMonth = {{"Tehtävät kuukausittain", "Uppdrag per månad", "Tasks per month"}};
const Words kMonth = {{"Kuukausi", "Månad", "Month"}};
const Words kTotal = {{"Yhteensä", "Totalt", "Total"}};
const Words kEducationShort = {{"Oppilaitokset", "Läroanstalter", "Education"}};
const Words kBasicShort = {{"Peruspalvelut", "Basservice", "Basic services"}};
const Words kRoles = {{"Tehtävätyypit", "Uppdragstyper", "Roles"}};
const Words kRole = {{"Tehtävä", "Uppdrag", "Role"}};
const Words kKinds = {{"Tilaajat", "Beställare", "Orderers"}};
const Words kKind = {{"Tilaajan tyyppi", "Typ av beställare", "Kind of orderer"}};
const Words kFeedback = {{"Palaute", "Respons", "Feedback"}};
const Words kOverall = {
    {"Tilaajien kokonaisarvio (1–5)", "Beställarnas helhetsbedömning (1–5)",
     "Orderers' overall rating (1–5)"}};
const Words kSafe = {
    {"Kokemusasiantuntija koki tilanteen turvalliseksi",
     "Erfarenhetsexperten upplevde situationen som trygg", "The expert felt the setting was safe"}};
const Words kHeaviness = {
    {"Kokemusasiantuntijan kuormittuneisuus (1–5)", "Erfarenhetsexpertens belastning (1–5)",
     "The expert's load (1–5)"}};
const Words kAnswer = {{"Vastaus", "Svar", "Answer"}};
const Words kAnswers = {{"Vastauksia", "Svar", "Answers"}};
const Words kYes = {{"kyllä", "ja", "yes"}};
const Words kNotNeeded = {{"ei tarvetta", "inget behov", "not needed"}};
const Words kSupport = {
    {"Kokemusasiantuntija sai tukea tehtävän jälkeen",
     "Erfarenhetsexperten fick stöd efter "
     "uppdraget",
     "The expert got support after the task"}};
const Words kNo = {{"ei", "nej", "no"}};
const Words kFairness = {
    {"Työn jakautuminen", "Arbetets fördelning", "How evenly work was spread"}};
const Words kFairnessText = {
    {"%d / %d aktiivisesta koulutetusta kokemusasiantuntijasta sai vähintään yhden tehtävän "
     "(%s\u00a0%%). Tehtävien Gini-kerroin on %s (0 = täysin tasainen, 1 = kaikki yhdelle).",
     "%d av %d aktiva utbildade erfarenhetsexperter fick minst ett uppdrag (%s\u00a0%%). "
     "Uppdragens Gini-koefficient är %s (0 = helt jämnt, 1 = allt till en).",
     "%d of %d active trained experts got at least one task (%s\u00a0%%). The Gini coefficient of "
     "tasks is %s (0 = perfectly even, 1 = all to one)."}};
const Words kTasksPerExpert = {
    {"Tehtäviä kokemusasiantuntijaa kohden", "Uppdrag per erfarenhetsexpert", "Tasks per expert"}};
const Words kExperts = {{"Kokemusasiantuntijoita", "Erfarenhetsexperter", "Experts"}};

const Words kTraining = {{"Koulutus", "Utbildning", "Training"}};
const Words kTrainingText = {
    {"%d / %d kursseiltamme rekisteriin tulleesta kokemusasiantuntijasta teki vuonna %d "
     "vähintään yhden tehtävän (%s\u00a0%%).",
     "%d av %d erfarenhetsexperter som kom in i registret från våra kurser hade minst ett "
     "uppdrag år %d (%s\u00a0%%).",
     "%d of %d experts who joined the registry from our courses had at least one task in %d "
     "(%s\u00a0%%)."}};
const Words kEnrolled = {{"Aloittaneita", "Började", "Enrolled"}};
const Words kDropped = {{"Keskeyttäneitä", "Avbröt", "Dropped out"}};
const Words kCompleted = {{"Suorittaneita", "Slutförde", "Completed"}};
const Words kInRegistry = {
    {"Tulleita asiantuntijarekisteriin", "Kom in i expertregistret", "Joined the registry"}};
const Words kWorked6 = {
    {"Tehtävän tehneitä 6 kuukauden sisällä", "Hade ett uppdrag inom 6 månader",
     "Had a task within 6 months"}};
const Words kWorked12 = {
    {"Tehtävän tehneitä 12 kuukauden sisällä", "Hade ett uppdrag inom 12 månader",
     "Had a task within 12 months"}};

const Words kFilling = {
    {"Tilausten täyttyminen", "Hur beställningarna tillsattes", "How orders were filled"}};
const Words kPlaces = {{"Tilattuja paikkoja", "Beställda platser", "Places ordered"}};
const Words kFilled = {
    {"Koulutetun asiantuntijan saaneita", "Tillsatta med en utbildad expert",
     "Filled by a trained expert"}};
const Words kTimeToFill = {
    {"Tilauksesta viimeisen paikan täyttymiseen (mediaani, tuntia)",
     "Från beställning till sista tillsatta plats (median, timmar)",
     "From order to its last place taken (median, hours)"}};
const Words kRoundsUsed = {
    {"Tarjouskierroksin täytettyjä tilauksia (kierroksia keskimäärin)",
     "Beställningar med erbjudanderundor (rundor i medeltal)",
     "Orders offered in rounds (rounds on average)"}};
const Words kOffersAnswered = {
    {"Tarjouksia (hylättyjä / rauenneita)", "Erbjudanden (avböjda / förfallna)",
     "Offers (declined / lapsed)"}};
const Words kDeclineReasons = {
    {"Kieltäytymisen syyt", "Orsaker till att avböja", "Why offers were declined"}};
const Words kCancelReasons = {
    {"Asiantuntijan perumisen syyt (sairastuminen ei ole moite)",
     "Orsaker till expertens avbokning (sjukdom är ingen anmärkning)",
     "Why experts cancelled (illness carries no blame)"}};
const Words kReason = {{"Syy", "Orsak", "Reason"}};
const Words kSuppressedReasons = {
    {"Syitä, joita on niin vähän, että ne voisivat kertoa kenestä on kyse, jätettiin pois: %d.",
     "Orsaker som är så få att de kunde avslöja vem det gäller lämnades bort: %d.",
     "Reasons so few that they could point at someone were left out: %d."}};
const Words kCount = {{"Lukumäärä", "Antal", "Count"}};
const Words kAudience = {{"Yleisön palaute", "Publikens respons", "The audiences' feedback"}};
const Words kAudienceText = {
    {"Kuulijat vastasivat nimettömään kyselyyn %d kertaa %d tehtävän jälkeen.",
     "Åhörarna svarade på den anonyma enkäten %d gånger efter %d uppdrag.",
     "The audiences answered the anonymous survey %d times after %d tasks."}};
const Words kRespondents = {{"Vastaajien määrä", "Antal svarande", "Respondents"}};
const Words kSelections = {
    {"valittujen vastausten lukumäärä", "antal valda svar", "options chosen"}};
const Words kOption = {{"Vaihtoehto", "Alternativ", "Option"}};
const Words kPercent = {{"Prosentti", "Procent", "Per cent"}};
const Words kFreeWord = {
    {"Vapaa sana – palautteita vierailuista", "Fritt ord – respons på besöken",
     "In their own words – feedback on the visits"}};
const Words kTooFewAnswers = {
    {"Jakaumaa ei näytetä alle %d vastauksesta, ettei vastaajaa voi tunnistaa.",
     "Fördelningen visas inte för färre än %d svar, så att ingen kan kännas igen.",
     "The distribution is not shown for fewer than %d answers, so that no one can be "
     "recognised."}};
const Words kDeclineLabels[] = {
    {{"Ei syytä", "Ingen orsak", "No reason given"}},
    {{"Aika ei sovi", "Tiden passar inte", "The time"}},
    {{"Matka", "Avståndet", "The distance"}},
    {{"Tehtävä ei sovi", "Uppdraget passar inte", "The task"}},
    {{"Oma jaksaminen", "Eget välbefinnande", "Own wellbeing"}},
    {{"Muu syy", "Annan orsak", "Another reason"}},
};
const Words kCancelLabels[] = {
    {{"Ei syytä", "Ingen orsak", "No reason given"}},
    {{"Sairastuminen", "Sjukdom", "Illness"}},
    {{"Henkilökohtainen syy", "Personlig orsak", "A personal reason"}},
    {{"Muu syy", "Annan orsak", "Another reason"}},
};

const Words kKindLabels[] = {
    {{"", "", ""}},
    {{"Aikuissosiaalityö", "Socialt arbete för vuxna", "Adult social work"}},
    {{"Lastensuojelu", "Barnskydd", "Child protection"}},
    {{"Perhekeskus", "Familjecenter", "Family centre"}},
    {{"Päivätoiminta", "Dagverksamhet", "Day activity"}},
    {{"Matalan kynnyksen kohtaamispaikka", "Lågtröskelmötesplats", "Low-threshold meeting place"}},
    {{"Kuntouttava työtoiminta", "Arbetsverksamhet i rehabiliteringssyfte", "Rehabilitative work"}},
    {{"Mielenterveys- ja päihdepalvelut", "Mentalvårds- och missbrukartjänster",
      "Mental health and substance services"}},
    {{"Asumispalvelut", "Boendeservice", "Housing services"}},
    {{"Sairaala", "Sjukhus", "Hospital"}},
    {{"Oppilaitos", "Läroanstalt", "Educational institution"}},
    {{"Kehittämisryhmä", "Utvecklingsgrupp", "Development group"}},
    {{"Muu", "Annan", "Other"}},
};

// A plain number with the language's digit grouping: "1 119" / "1,119".
std::string Number(double value, int decimals, absl::string_view language) {
  std::string text = absl::StrFormat("%.*f", decimals, value);
  const size_t dot = text.find('.');
  std::string whole = text.substr(0, dot == std::string::npos ? text.size() : dot);
  std::string grouped;
  const std::string separator = language == "en" ? "," : "\u202f";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += separator;
    grouped += whole[i];
  }
  if (dot != std::string::npos) {
    grouped += language == "en" ? "." : ",";
    grouped += text.substr(dot + 1);
  }
  return grouped;
}

std::vector<std::string> MonthLabels(absl::string_view language) {
  static const char* kFi[] = {"tammi", "helmi", "maalis", "huhti", "touko",  "kesä",
                              "heinä", "elo",   "syys",   "loka",  "marras", "joulu"};
  static const char* kSv[] = {"jan", "feb", "mar", "apr", "maj", "jun",
                              "jul", "aug", "sep", "okt", "nov", "dec"};
  static const char* kEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const char** names = language == "sv" ? kSv : language == "en" ? kEn : kFi;
  return std::vector<std::string>(names, names + 12);
}

Block ChartBlock(Chart chart) { return {Block::Kind::kChart, "", {}, std::move(chart)}; }

}  // namespace

std::string AnnualReportTitle(const AnnualReportHeader& h) {
  return absl::StrCat(kTitle.text[LanguageIndex(h.language)], " ", h.year, ": ", h.exchange_name);
}

Document AnnualReportDocument(
    const AnnualReportHeader& h, const std::vector<TaskRecord>& tasks,
    const std::vector<std::string>& active_trained, const FillingFigures* filling,
    const TrainingReport* training, const SurveyReport* survey) {
  const int li = LanguageIndex(h.language);
  const std::string& lang = h.language;
  auto w = [&](const Words& words) { return std::string(words.text[li]); };
  auto n = [&](double v) { return Number(v, 0, lang); };
  Document doc;
  doc.blocks.push_back({Block::Kind::kTitle, AnnualReportTitle(h), {}, {}});
  doc.blocks.push_back(Paragraph(FormatText(w(kIntro), h.year)));

  const Statistics total = ComputeStatistics(tasks, active_trained, {}, 0);
  const Statistics by_category = ComputeStatistics(tasks, active_trained, {Grouping::kCategory}, 0);
  int education = 0, basic = 0;
  for (const StatisticsRow& r : by_category.rows) {
    (r.key[0] == "EDUCATIONAL_INSTITUTIONS" ? education : basic) = r.figures.tasks;
  }
  const Figures& f = total.total.figures;
  doc.blocks.push_back(Heading(w(kKeyFigures)));
  doc.blocks.push_back(Table({
      {w(kTasks), n(f.tasks)},
      {absl::StrCat("– ", w(kEducation)), n(education)},
      {absl::StrCat("– ", w(kBasic)), n(basic)},
      {w(kHours), Number(f.hours, 1, lang)},
      {w(kFees), FormatMoney(f.fees_cents, lang)},
      {w(kTravel), FormatMoney(f.travel_cents, lang)},
      {w(kWorked), n(f.experts_worked)},
      {w(kActive), n(total.active_trained_experts)},
      {w(kShare), absl::StrCat(
                      n(total.active_trained_with_task), " (",
                      Number(100 * total.share_with_task, 1, lang), "\u00a0%)")},
      {w(kCancelled),
       absl::StrCat(
           f.cancelled_by_orderer, " / ", f.cancelled_by_expert, " / ", f.cancelled_by_exchange)},
      {w(kOrderers), n(f.organizations)},
  }));

  // Tasks per month by category.
  std::vector<double> edu_month(12, 0), basic_month(12, 0);
  for (const TaskRecord& t : tasks) {
    if (t.state != AssignmentState::kCompleted) continue;
    const int m = absl::ToCivilMonth(t.start_time, reference::HelsinkiTimeZone()).month() - 1;
    (CategoryOf(t) == "EDUCATIONAL_INSTITUTIONS" ? edu_month : basic_month)[m] += 1;
  }
  Chart months;
  months.categories = MonthLabels(lang);
  months.series = {w(kEducationShort), w(kBasicShort)};
  months.values = {edu_month, basic_month};
  months.value_label = w(kTasks);
  std::vector<std::vector<std::string>> month_rows = {
      {w(kMonth), w(kEducationShort), w(kBasicShort), w(kTotal)}};
  for (int m = 0; m < 12; ++m) {
    month_rows.push_back(
        {months.categories[m], n(edu_month[m]), n(basic_month[m]),
         n(edu_month[m] + basic_month[m])});
  }
  month_rows.push_back({w(kTotal), n(education), n(basic), n(f.tasks)});
  if (f.tasks > 0) {  // no tasks: no empty chart
    doc.blocks.push_back(Heading(w(kPerMonth)));
    doc.blocks.push_back(ChartBlock(months));
    doc.blocks.push_back(Table(month_rows, true));
  }

  // Roles and orderer kinds, most tasks first.
  auto ranked = [&](Grouping g, const Words& heading, const Words& column, auto label) {
    const Statistics s = ComputeStatistics(tasks, active_trained, {g}, 0);
    std::vector<std::pair<int, std::string>> rows;
    for (const StatisticsRow& r : s.rows) {
      if (r.figures.tasks > 0) rows.emplace_back(-r.figures.tasks, label(r.key[0]));
    }
    std::sort(rows.begin(), rows.end());
    if (rows.empty()) return;  // no tasks: no section
    doc.blocks.push_back(Heading(w(heading)));
    Chart chart;
    chart.horizontal = true;
    chart.series = {w(kTasks)};
    chart.value_label = w(kTasks);
    chart.values.resize(1);
    std::vector<std::vector<std::string>> table = {{w(column), w(kTasks)}};
    for (const auto& [neg, name] : rows) {
      chart.categories.push_back(name);
      chart.values[0].push_back(-neg);
      table.push_back({name, n(-neg)});
    }
    table.push_back({w(kTotal), n(f.tasks)});
    doc.blocks.push_back(ChartBlock(chart));
    doc.blocks.push_back(Table(table, true));
  };
  ranked(Grouping::kRole, kRoles, kRole, [&](const std::string& key) {
    return RoleLabel(ParseEnum<Role>(key).value_or(Role::kUnspecified), lang);
  });
  ranked(Grouping::kOrganizationKind, kKinds, kKind, [&](const std::string& key) {
    const int k =
        static_cast<int>(ParseEnum<OrganizationKind>(key).value_or(OrganizationKind::kUnspecified));
    return std::string(kKindLabels[k].text[li]);
  });

  // Feedback distributions.
  const std::vector<FeedbackGroup> feedback = SummarizeFeedback(tasks, std::nullopt, 0);
  std::vector<const QuestionSummary*> questions;
  if (!feedback.empty()) {
    for (const QuestionSummary& q : feedback[0].questions) {
      // The support question is newer than many years' feedback: shown when
      // answered.
      if (q.question == "orderer.content_rating" ||
          (q.question == "expert.support_afterwards" && q.answers == 0)) {
        continue;
      }
      questions.push_back(&q);
    }
  }
  if (!questions.empty()) {  // no feedback: no section
    doc.blocks.push_back(Heading(w(kFeedback)));
    for (const QuestionSummary* question : questions) {
      const QuestionSummary& q = *question;
      const Words& title = q.question == "orderer.overall_rating"      ? kOverall
                           : q.question == "expert.heaviness"          ? kHeaviness
                           : q.question == "expert.support_afterwards" ? kSupport
                                                                       : kSafe;
      doc.blocks.push_back(
          Paragraph(absl::StrCat(w(title), " (", w(kAnswers), " ", n(q.answers), ")")));
      doc.blocks.back().keep_with_next = true;
      // One answer drawn as a 100 % bar can say who gave it in a small
      // exchange: below the threshold only the count is shown.
      if (q.answers < kCrossExchangeSuppressionThreshold) {
        doc.blocks.push_back(
            Paragraph(FormatText(w(kTooFewAnswers), kCrossExchangeSuppressionThreshold)));
        continue;
      }
      Chart chart;
      chart.series = {w(kAnswers)};
      chart.value_label = "%";
      chart.values.resize(1);
      std::vector<std::vector<std::string>> table = {{w(kAnswer), "n", "%"}};
      for (const AnswerCount& a : q.options) {
        const std::string option = a.option == "yes"          ? w(kYes)
                                   : a.option == "no"         ? w(kNo)
                                   : a.option == "not_needed" ? w(kNotNeeded)
                                                              : a.option;
        chart.categories.push_back(option);
        chart.values[0].push_back(a.percent);
        table.push_back({option, n(a.n), Number(a.percent, 1, lang)});
      }
      doc.blocks.push_back(ChartBlock(chart));
      doc.blocks.push_back(Table(table));
    }
  }

  // How the orders were filled, and why offers were declined or tasks cancelled.
  if (filling != nullptr && filling->places > 0) {
    const FillingFigures& ff = *filling;
    doc.blocks.push_back(Heading(w(kFilling)));
    doc.blocks.push_back(Table({
        {w(kPlaces), n(ff.places)},
        {w(kFilled),
         absl::StrCat(n(ff.places_filled), " (", Number(100 * ff.fill_rate, 1, lang), "\u00a0%)")},
        {w(kTimeToFill), Number(ff.median_hours_to_fill, 1, lang)},
        {w(kRoundsUsed),
         absl::StrCat(n(ff.orders_with_rounds), " (", Number(ff.mean_rounds, 1, lang), ")")},
        {w(kOffersAnswered),
         absl::StrCat(n(ff.offers), " (", n(ff.declined), " / ", n(ff.lapsed), ")")},
    }));
    auto reasons = [&](const Words& heading, const auto& counts, const Words* labels) {
      if (counts.empty()) return;
      std::vector<std::vector<std::string>> table = {{w(kReason), w(kCount)}};
      for (const auto& [reason, count] : counts) {
        table.push_back({labels[static_cast<int>(reason)].text[li], n(count)});
      }
      doc.blocks.push_back(Paragraph(w(heading)));
      doc.blocks.push_back(Table(table));
    };
    reasons(kDeclineReasons, ff.decline_reasons, kDeclineLabels);
    reasons(kCancelReasons, ff.expert_cancel_reasons, kCancelLabels);
    if (ff.suppressed_reasons > 0) {
      doc.blocks.push_back(Paragraph(FormatText(w(kSuppressedReasons), ff.suppressed_reasons)));
    }
  }

  // How evenly work was spread: tasks per active trained expert in bands.
  doc.blocks.push_back(Heading(w(kFairness)));
  doc.blocks.push_back(Paragraph(FormatText(
      w(kFairnessText), total.active_trained_with_task, total.active_trained_experts,
      Number(100 * total.share_with_task, 1, lang), Number(total.gini, 3, lang))));
  std::map<std::string, int> per_expert;
  for (const std::string& key : active_trained) per_expert[key] = 0;
  for (const TaskRecord& t : tasks) {
    if (t.state != AssignmentState::kCompleted) continue;
    auto it = per_expert.find(absl::StrCat(t.exchange_id, "/", t.expert_id));
    if (it != per_expert.end()) ++it->second;
  }
  const std::vector<std::pair<std::string, std::pair<int, int>>> bands = {
      {"0", {0, 0}},
      {"1–5", {1, 5}},
      {"6–20", {6, 20}},
      {"21–50", {21, 50}},
      {"51–", {51, 1 << 30}}};
  Chart spread;
  spread.series = {w(kExperts)};
  spread.value_label = w(kExperts);
  spread.values.resize(1);
  std::vector<std::vector<std::string>> spread_rows = {{w(kTasksPerExpert), w(kExperts)}};
  for (const auto& [label, range] : bands) {
    int count = 0;
    for (const auto& [key, k] : per_expert) count += k >= range.first && k <= range.second;
    spread.categories.push_back(label);
    spread.values[0].push_back(count);
    spread_rows.push_back({label, n(count)});
  }
  spread_rows.push_back({w(kTotal), n(total.active_trained_experts)});
  doc.blocks.push_back(ChartBlock(spread));
  doc.blocks.push_back(Table(spread_rows, true));

  // From trainee to expert: the trained at work, and each cohort's outcome.
  if (training != nullptr && (training->period.graduates > 0 || !training->cohorts.empty())) {
    const TrainingFigures& tf = training->period;
    doc.blocks.push_back(Heading(w(kTraining)));
    doc.blocks.push_back(Paragraph(FormatText(
        w(kTrainingText), tf.graduates_with_task, tf.graduates, h.year,
        Number(tf.share_graduates_with_task, 1, lang))));
    // One small table per cohort headed by its course's title (a table with
    // a column per figure did not fit the page's width).
    for (const CohortRow& c : training->cohorts) {
      const CohortFigures& cf = c.figures;
      doc.blocks.push_back(Table({
          {c.title, ""},
          {w(kEnrolled), n(cf.enrolled)},
          {w(kDropped), n(cf.dropped)},
          {w(kCompleted), n(cf.completed)},
          {w(kInRegistry), n(cf.in_registry)},
          {w(kWorked6), n(cf.worked_within_6_months)},
          {w(kWorked12), absl::StrCat(
                             n(cf.worked_within_12_months), " (",
                             Number(cf.share_worked_12_months, 1, lang), "\u00a0%)")},
      }));
    }
  }
  // The audiences' survey, as the source project's report printed it: per
  // question the respondents, and n and per cent per option.
  if (survey != nullptr && survey->summary.answers > 0) {
    const SurveySummary& ss = survey->summary;
    doc.blocks.push_back(Heading(w(kAudience)));
    doc.blocks.push_back(Paragraph(FormatText(w(kAudienceText), ss.answers, survey->tasks)));
    for (const QuestionFigures& f : ss.questions) {
      const auto q = std::find_if(
          survey->questions.begin(), survey->questions.end(),
          [&](const SurveyQuestion& x) { return x.id == f.question; });
      if (q == survey->questions.end()) continue;
      std::string counts = absl::StrCat(w(kRespondents), ": ", n(f.respondents));
      if (f.kind == SurveyQuestionKind::kMultipleChoice) {
        absl::StrAppend(&counts, ", ", w(kSelections), ": ", n(f.selections));
      }
      doc.blocks.push_back(Paragraph(absl::StrCat(q->text.In(lang), " (", counts, ")")));
      doc.blocks.back().keep_with_next = true;
      if (f.suppressed) {
        doc.blocks.push_back(Paragraph(FormatText(w(kTooFewAnswers), ss.suppression_threshold)));
        continue;
      }
      Chart chart;
      chart.horizontal = true;
      chart.series = {w(kPercent)};
      chart.value_label = "%";
      chart.values.resize(1);
      std::vector<std::vector<std::string>> table = {{w(kOption), "n", w(kPercent)}};
      for (size_t i = 0; i < f.options.size(); ++i) {
        const std::string label = q->options[i].label.In(lang);
        chart.categories.push_back(label);
        chart.values[0].push_back(f.options[i].percent);
        table.push_back({label, n(f.options[i].n), FormatPercent(f.options[i].percent, lang)});
      }
      doc.blocks.push_back(ChartBlock(chart));
      doc.blocks.push_back(Table(table));
    }
    if (!survey->comments.empty()) {
      doc.blocks.push_back(Paragraph(w(kFreeWord)));
      doc.blocks.back().keep_with_next = true;
      for (const std::string& c : survey->comments) {
        doc.blocks.push_back(Paragraph(absl::StrCat("– ", c)));
      }
    }
  }
  return doc;
}

}  // namespace kokemus::domain
