#include "services/domain/notifications.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "kainjow/mustache.hpp"
#include "services/domain/contract.h"
#include "services/domain/credentials.h"
#include "services/domain/documents.h"
#include "services/domain/sign_in.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {

// A message is a layout per language (greeting, the kind's opening, the
// task's facts, the kind's closing lines, the sender) with a subject, an
// opening and closing lines per kind, recipient and language. Triple braces:
// plain text, no HTML escaping.
struct Layout {
  absl::string_view language;
  absl::string_view greeting;
  absl::string_view task;  // the task's facts, one per line
  absl::string_view footer;
};

constexpr Layout kLayouts[] = {
    {"fi", "Hei,\n\n",
     "Tehtävä: {{{role}}}\n"
     "Aihe: {{{topic}}}\n"
     "Tilaaja: {{{orderer}}}\n"
     "{{#expert_name}}Kokemusasiantuntija: {{{expert_name}}}\n{{/expert_name}}"
     "Aika: {{{time}}}, {{{duration}}} min\n"
     "Paikka: {{{place}}}\n",
     "\n{{#link}}Avaa: {{{link}}}\n\n{{/link}}{{{exchange_name}}}\n"
     "{{#reply_to}}Kysyttävää? {{{reply_to}}}\n{{/reply_to}}"},
    {"sv", "Hej,\n\n",
     "Uppdrag: {{{role}}}\n"
     "Ämne: {{{topic}}}\n"
     "Beställare: {{{orderer}}}\n"
     "{{#expert_name}}Erfarenhetsexpert: {{{expert_name}}}\n{{/expert_name}}"
     "Tid: {{{time}}}, {{{duration}}} min\n"
     "Plats: {{{place}}}\n",
     "\n{{#link}}Öppna: {{{link}}}\n\n{{/link}}{{{exchange_name}}}\n"
     "{{#reply_to}}Frågor? {{{reply_to}}}\n{{/reply_to}}"},
    {"en", "Hello,\n\n",
     "Task: {{{role}}}\n"
     "Topic: {{{topic}}}\n"
     "Orderer: {{{orderer}}}\n"
     "{{#expert_name}}Expert by experience: {{{expert_name}}}\n{{/expert_name}}"
     "Time: {{{time}}}, {{{duration}}} min\n"
     "Place: {{{place}}}\n",
     "\n{{#link}}Open: {{{link}}}\n\n{{/link}}{{{exchange_name}}}\n"
     "{{#reply_to}}Questions? {{{reply_to}}}\n{{/reply_to}}"},
};

struct Template {
  MessageKind kind;
  Recipient to;
  absl::string_view language;
  absl::string_view subject;
  absl::string_view opening;  // a paragraph before the facts
  absl::string_view closing;  // lines after the facts ("" : none)
  bool task = true;           // whether the task's facts are shown
};

using K = MessageKind;
using R = Recipient;

constexpr Template kTemplates[] = {
    // An offer, its reminder, its end.
    {K::kOfferMade, R::kExpert, "fi", "Tarjous: {{{role}}} {{{date}}}",
     "{{{exchange_name}}} tarjoaa sinulle tehtävää.",
     "Palkkio ja matkat yhteensä: {{{total}}}\n\nVastaathan viimeistään {{{deadline}}}.\n"},
    {K::kOfferMade, R::kExpert, "sv", "Erbjudande: {{{role}}} {{{date}}}",
     "{{{exchange_name}}} erbjuder dig ett uppdrag.",
     "Arvode och resor sammanlagt: {{{total}}}\n\nSvara senast {{{deadline}}}.\n"},
    {K::kOfferMade, R::kExpert, "en", "Offer: {{{role}}} on {{{date}}}",
     "{{{exchange_name}}} offers you a task.",
     "Fee and travel in total: {{{total}}}\n\nPlease answer by {{{deadline}}}.\n"},
    {K::kOfferReminder, R::kExpert, "fi", "Muistutus: tarjous raukeaa {{{deadline}}}",
     "Et ole vielä vastannut tarjoukseen. Se raukeaa {{{deadline}}}.",
     "Palkkio ja matkat yhteensä: {{{total}}}\n"},
    {K::kOfferReminder, R::kExpert, "sv", "Påminnelse: erbjudandet upphör {{{deadline}}}",
     "Du har inte svarat på erbjudandet än. Det upphör {{{deadline}}}.",
     "Arvode och resor sammanlagt: {{{total}}}\n"},
    {K::kOfferReminder, R::kExpert, "en", "Reminder: the offer lapses on {{{deadline}}}",
     "You have not answered the offer yet. It lapses on {{{deadline}}}.",
     "Fee and travel in total: {{{total}}}\n"},
    {K::kOfferLapsed, R::kExpert, "fi", "Tarjous raukesi: {{{role}}} {{{date}}}",
     "Tarjous raukesi, koska siihen ei vastattu määräaikaan mennessä. Sinun ei tarvitse tehdä "
     "mitään.",
     ""},
    {K::kOfferLapsed, R::kExpert, "sv", "Erbjudandet upphörde: {{{role}}} {{{date}}}",
     "Erbjudandet upphörde eftersom det inte besvarades i tid. Du behöver inte göra något.", ""},
    {K::kOfferLapsed, R::kExpert, "en", "Offer lapsed: {{{role}}} on {{{date}}}",
     "The offer lapsed because it was not answered in time. You need not do anything.", ""},
    {K::kOfferWithdrawn, R::kExpert, "fi", "Tarjous ei ole enää voimassa: {{{role}}} {{{date}}}",
     "Tarjous ei ole enää voimassa: tehtävän paikat on täytetty tai tilaus on peruttu.\n"
     "Sinun ei tarvitse tehdä mitään.",
     ""},
    {K::kOfferWithdrawn, R::kExpert, "sv", "Erbjudandet gäller inte längre: {{{role}}} {{{date}}}",
     "Erbjudandet gäller inte längre: platserna är tillsatta eller beställningen är "
     "annullerad.\nDu behöver inte göra något.",
     ""},
    {K::kOfferWithdrawn, R::kExpert, "en", "Offer no longer open: {{{role}}} on {{{date}}}",
     "The offer is no longer open: the places were filled or the order was cancelled.\n"
     "You need not do anything.",
     ""},
    // The expert's answer, to the coordinator.
    {K::kOfferAccepted, R::kCoordinator, "fi", "Tarjous hyväksytty: {{{role}}} {{{date}}}",
     "{{{expert_name}}} hyväksyi tarjouksen. Vahvista tehtävä.", ""},
    {K::kOfferAccepted, R::kCoordinator, "sv", "Erbjudandet godkänt: {{{role}}} {{{date}}}",
     "{{{expert_name}}} godkände erbjudandet. Bekräfta uppdraget.", ""},
    {K::kOfferAccepted, R::kCoordinator, "en", "Offer accepted: {{{role}}} on {{{date}}}",
     "{{{expert_name}}} accepted the offer. Please confirm the task.", ""},
    {K::kOfferDeclined, R::kCoordinator, "fi", "Tarjous hylätty: {{{role}}} {{{date}}}",
     "{{{expert_name}}} ei voi ottaa tehtävää. Paikka on yhä vapaa.", ""},
    {K::kOfferDeclined, R::kCoordinator, "sv", "Erbjudandet avböjt: {{{role}}} {{{date}}}",
     "{{{expert_name}}} kan inte ta uppdraget. Platsen är fortfarande ledig.", ""},
    {K::kOfferDeclined, R::kCoordinator, "en", "Offer declined: {{{role}}} on {{{date}}}",
     "{{{expert_name}}} cannot take the task. The place is still free.", ""},
    // A confirmed task.
    {K::kAssignmentConfirmed, R::kExpert, "fi", "Tehtävä vahvistettu: {{{role}}} {{{date}}}",
     "Tehtäväsi on vahvistettu. Kalenterimerkintä on liitteenä.",
     "Palkkio ja matkat yhteensä: {{{total}}}\n"},
    {K::kAssignmentConfirmed, R::kExpert, "sv", "Uppdraget bekräftat: {{{role}}} {{{date}}}",
     "Ditt uppdrag är bekräftat. En kalenderpost finns som bilaga.",
     "Arvode och resor sammanlagt: {{{total}}}\n"},
    {K::kAssignmentConfirmed, R::kExpert, "en", "Task confirmed: {{{role}}} on {{{date}}}",
     "Your task is confirmed. A calendar entry is attached.",
     "Fee and travel in total: {{{total}}}\n"},
    {K::kAssignmentConfirmed, R::kOrderer, "fi", "Kokemusasiantuntija tulee: {{{date}}}",
     "Tilauksenne kokemusasiantuntija on vahvistettu.", ""},
    {K::kAssignmentConfirmed, R::kOrderer, "sv", "Erfarenhetsexperten kommer: {{{date}}}",
     "Erfarenhetsexperten för er beställning är bekräftad.", ""},
    {K::kAssignmentConfirmed, R::kOrderer, "en",
     "Your expert by experience is confirmed: {{{date}}}",
     "The expert by experience for your order is confirmed.", ""},
    // A cancelled task: the expert, the orderer, the coordinator.
    {K::kAssignmentCancelled, R::kExpert, "fi", "Tehtävä peruttu: {{{role}}} {{{date}}}",
     "Tehtäväsi on peruttu ({{{cancelled_by}}}).",
     "{{#paid}}Sinulle maksetaan peruutuksesta: {{{total}}}{{/paid}}{{^paid}}Peruutuksesta ei "
     "makseta palkkiota.{{/paid}}\n"},
    {K::kAssignmentCancelled, R::kExpert, "sv", "Uppdraget är inställt: {{{role}}} {{{date}}}",
     "Ditt uppdrag är inställt ({{{cancelled_by}}}).",
     "{{#paid}}Du får för inställningen: {{{total}}}{{/paid}}{{^paid}}Inget arvode betalas för "
     "inställningen.{{/paid}}\n"},
    {K::kAssignmentCancelled, R::kExpert, "en", "Task cancelled: {{{role}}} on {{{date}}}",
     "Your task has been cancelled ({{{cancelled_by}}}).",
     "{{#paid}}You are paid for the cancellation: {{{total}}}{{/paid}}{{^paid}}No fee is paid "
     "for the cancellation.{{/paid}}\n"},
    {K::kAssignmentCancelled, R::kOrderer, "fi", "Kokemusasiantuntijan käynti peruttu: {{{date}}}",
     "Kokemusasiantuntijan käynti on peruttu ({{{cancelled_by}}}). Välityspalvelu etsii "
     "korvaajaa, jos aikaa on.",
     ""},
    {K::kAssignmentCancelled, R::kOrderer, "sv", "Erfarenhetsexpertens besök inställt: {{{date}}}",
     "Erfarenhetsexpertens besök är inställt ({{{cancelled_by}}}). Förmedlingen söker en "
     "ersättare om tiden räcker.",
     ""},
    {K::kAssignmentCancelled, R::kOrderer, "en", "Expert's visit cancelled: {{{date}}}",
     "The expert by experience's visit has been cancelled ({{{cancelled_by}}}). The exchange "
     "looks for someone else if there is time.",
     ""},
    {K::kAssignmentCancelled, R::kCoordinator, "fi", "Tehtävä peruttu: {{{role}}} {{{date}}}",
     "Tehtävä on peruttu ({{{cancelled_by}}}).", "Peruutuksesta maksetaan: {{{total}}}\n"},
    {K::kAssignmentCancelled, R::kCoordinator, "sv", "Uppdraget är inställt: {{{role}}} {{{date}}}",
     "Uppdraget är inställt ({{{cancelled_by}}}).", "För inställningen betalas: {{{total}}}\n"},
    {K::kAssignmentCancelled, R::kCoordinator, "en", "Task cancelled: {{{role}}} on {{{date}}}",
     "The task has been cancelled ({{{cancelled_by}}}).",
     "Paid for the cancellation: {{{total}}}\n"},
    // The contract, reminders, feedback.
    {K::kContractReady, R::kExpert, "fi", "Sopimus hyväksyttäväksi: {{{role}}} {{{date}}}",
     "Tehtävän sopimus on valmis. Lue ja hyväksy se ennen tehtävää.", ""},
    {K::kContractReady, R::kExpert, "sv", "Avtal att godkänna: {{{role}}} {{{date}}}",
     "Avtalet för uppdraget är klart. Läs och godkänn det före uppdraget.", ""},
    {K::kContractReady, R::kExpert, "en", "Contract to accept: {{{role}}} on {{{date}}}",
     "The task's contract is ready. Please read and accept it before the task.", ""},
    {K::kTaskReminder, R::kExpert, "fi", "Muistutus: {{{role}}} {{{date}}}",
     "Muistutus tulevasta tehtävästäsi.", ""},
    {K::kTaskReminder, R::kExpert, "sv", "Påminnelse: {{{role}}} {{{date}}}",
     "En påminnelse om ditt kommande uppdrag.", ""},
    {K::kTaskReminder, R::kExpert, "en", "Reminder: {{{role}}} on {{{date}}}",
     "A reminder of your coming task.", ""},
    {K::kFeedbackRequest, R::kExpert, "fi", "Miten tehtävä meni? {{{date}}}",
     "Kiitos tehtävästä! Kerro lyhyesti, miten se meni: palautteesi auttaa seuraavia "
     "tehtäviä.",
     ""},
    {K::kFeedbackRequest, R::kExpert, "sv", "Hur gick uppdraget? {{{date}}}",
     "Tack för uppdraget! Berätta kort hur det gick: din respons hjälper kommande uppdrag.", ""},
    {K::kFeedbackRequest, R::kExpert, "en", "How did the task go? {{{date}}}",
     "Thank you for the task! Tell us briefly how it went: your feedback helps the next ones.", ""},
    {K::kFeedbackRequest, R::kOrderer, "fi", "Palautetta kokemusasiantuntijan käynnistä {{{date}}}",
     "Kiitos tilauksesta! Kertokaa lyhyesti, miten käynti onnistui.", ""},
    {K::kFeedbackRequest, R::kOrderer, "sv", "Respons om erfarenhetsexpertens besök {{{date}}}",
     "Tack för beställningen! Berätta kort hur besöket lyckades.", ""},
    {K::kFeedbackRequest, R::kOrderer, "en", "Feedback on the expert's visit on {{{date}}}",
     "Thank you for your order! Please tell us briefly how the visit went.", ""},
    // Keys.
    {K::kKeyExpiring, R::kCoordinator, "fi", "API-avain vanhenee {{{key_date}}}",
     "API-avain \"{{{key_name}}}\" vanhenee {{{key_date}}}. Luo uusi avain ja vaihda se "
     "käyttöön ennen sitä.",
     "", false},
    {K::kKeyExpiring, R::kCoordinator, "sv", "API-nyckeln går ut {{{key_date}}}",
     "API-nyckeln \"{{{key_name}}}\" går ut {{{key_date}}}. Skapa en ny nyckel och byt till "
     "den före det.",
     "", false},
    {K::kKeyExpiring, R::kCoordinator, "en", "API key expires on {{{key_date}}}",
     "The API key \"{{{key_name}}}\" expires on {{{key_date}}}. Create a new key and switch to "
     "it before then.",
     "", false},
    // Offer rounds that ended with places open: the coordinator takes over.
    {K::kOfferRoundsEnded, R::kCoordinator, "fi",
     "Tarjouskierrokset päättyivät: {{{role}}} {{{date}}}",
     "Tarjouskierrokset päättyivät, ja tilauksella on yhä vapaita paikkoja: sopivia "
     "tekijöitä ei ole enää tai vastausaika loppui. Tarjoa tehtävää käsin tai sovi tilaajan "
     "kanssa.",
     ""},
    {K::kOfferRoundsEnded, R::kCoordinator, "sv",
     "Erbjudanderundorna har avslutats: {{{role}}} {{{date}}}",
     "Erbjudanderundorna har avslutats och beställningen har fortfarande lediga platser: det "
     "finns inga fler lämpliga experter eller svarstiden tog slut. Erbjud uppdraget manuellt "
     "eller kom överens med beställaren.",
     ""},
    {K::kOfferRoundsEnded, R::kCoordinator, "en", "Offer rounds ended: {{{role}}} on {{{date}}}",
     "The offer rounds have ended and the order still has open places: no suitable expert is "
     "left or the time to answer ran out. Offer the task by hand or agree with the orderer.",
     ""},
    // Pools and backups (domain/offer_rounds.h, order_lifecycle.h).
    {K::kExpertAvailable, R::kCoordinator, "fi", "Käytettävissä: {{{role}}} {{{date}}}",
     "{{{expert_name}}} on käytettävissä tehtävään, mutta paikkaa ei ole vielä annettu. Jos "
     "paikka on vapaana ja valitset hänet, vahvista hänet; muuten hän on varahenkilö, jolle "
     "vapautuva paikka tarjotaan ensin.",
     ""},
    {K::kExpertAvailable, R::kCoordinator, "sv", "Tillgänglig: {{{role}}} {{{date}}}",
     "{{{expert_name}}} är tillgänglig för uppdraget men har ännu ingen plats. Om en plats är "
     "ledig och du väljer hen, bekräfta hen; annars är hen reserv och får en plats som blir "
     "ledig först.",
     ""},
    {K::kExpertAvailable, R::kCoordinator, "en", "Available: {{{role}}} on {{{date}}}",
     "{{{expert_name}}} is available for the task but holds no place yet. If a place is free "
     "and you choose her, confirm her; otherwise she is a backup, offered first a place that "
     "frees.",
     ""},
    {K::kStandingBy, R::kExpert, "fi", "Olet varahenkilö: {{{role}}} {{{date}}}",
     "Tehtävän paikat on täytetty. Olet varahenkilö: jos paikka vapautuu, saat tarjouksen "
     "ensimmäisenä. Aikaasi ei ole varattu. Voit luopua varahenkilön paikasta milloin vain.",
     ""},
    {K::kStandingBy, R::kExpert, "sv", "Du är reserv: {{{role}}} {{{date}}}",
     "Platserna är tillsatta. Du är reserv: om en plats blir ledig får du erbjudandet först. "
     "Din tid är inte reserverad. Du kan när som helst avstå.",
     ""},
    {K::kStandingBy, R::kExpert, "en", "You are a backup: {{{role}}} on {{{date}}}",
     "The places are filled. You stand by as a backup: if a place frees, you get the offer "
     "first. Your time is not reserved. You may step back at any time.",
     ""},
    {K::kPoolClosed, R::kCoordinator, "fi", "Poolin vastausaika päättyi: {{{role}}} {{{date}}}",
     "Poolin vastausaika on päättynyt. Valitse tehtävään käytettävissä olevista "
     "asiantuntijoista ja vahvista valitsemasi.",
     ""},
    {K::kPoolClosed, R::kCoordinator, "sv", "Poolens svarstid slutade: {{{role}}} {{{date}}}",
     "Poolens svarstid har tagit slut. Välj bland de tillgängliga experterna och bekräfta "
     "dem du väljer.",
     ""},
    {K::kPoolClosed, R::kCoordinator, "en", "Pool closed: {{{role}}} on {{{date}}}",
     "The pool's time to answer has ended. Choose among the available experts and confirm "
     "the ones you pick.",
     ""},
    // Her pay by payment date nears her benefit's earnings limit (domain/earnings.h):
    // no figures and never the benefit, which her page shows her.
    {K::kEarningsNearLimit, R::kExpert, "fi", "Palkkiosi lähestyy ansaintarajaasi: {{{pay_month}}}",
     "Hyväksymäsi tehtävä nostaa palkkiosi {{{pay_month}}} (maksupäivän mukaan) yli 80 "
     "prosenttiin ansaintarajastasi. Näet summat ja tulevat maksut sivultasi. Tehtäviä, jotka "
     "ylittäisivät rajan, ei tarjota sinulle.",
     ""},
    {K::kEarningsNearLimit, R::kExpert, "sv",
     "Ditt arvode närmar sig din inkomstgräns: {{{pay_month}}}",
     "Uppdraget du tackade ja till höjer ditt arvode {{{pay_month}}} (enligt utbetalningsdag) "
     "till över 80 procent av din inkomstgräns. Du ser beloppen och kommande utbetalningar på "
     "din sida. Uppdrag som skulle överskrida gränsen erbjuds dig inte.",
     ""},
    {K::kEarningsNearLimit, R::kExpert, "en", "Your pay nears your earnings limit: {{{pay_month}}}",
     "The task you accepted brings your pay in {{{pay_month}}} (by payment date) over 80 per "
     "cent of your earnings limit. Your page shows the amounts and the payments to come. Tasks "
     "that would take you over the limit are not offered to you.",
     ""},
    {K::kEarningsNearLimit, R::kCoordinator, "fi",
     "Ansaintaraja lähellä: {{{expert_name}}} {{{pay_month}}}",
     "Hyväksytty tehtävä nostaa asiantuntijan palkkiot {{{pay_month}}} (maksupäivän mukaan) yli "
     "80 prosenttiin hänen ansaintarajastaan. Rajan ylittäviä tehtäviä ei tarjota hänelle.",
     ""},
    {K::kEarningsNearLimit, R::kCoordinator, "sv",
     "Inkomstgränsen nära: {{{expert_name}}} {{{pay_month}}}",
     "Det godkända uppdraget höjer expertens arvoden {{{pay_month}}} (enligt utbetalningsdag) "
     "till över 80 procent av hens inkomstgräns. Uppdrag över gränsen erbjuds inte hen.",
     ""},
    {K::kEarningsNearLimit, R::kCoordinator, "en",
     "Earnings limit near: {{{expert_name}}} {{{pay_month}}}",
     "The accepted task brings the expert's pay in {{{pay_month}}} (by payment date) over 80 per "
     "cent of her earnings limit. Tasks over the limit are not offered to her.",
     ""},
    // A credential some tasks require stops counting (domain/credentials.h):
    // which one and its last day; nothing else about her.
    {K::kCredentialLapsing, R::kExpert, "fi", "Pätevyytesi vanhenee: {{{credential}}}",
     "{{{credential}}} on voimassa {{{credential_date}}} asti. Sen jälkeen sinulle ei tarjota "
     "tehtäviä, jotka sitä edellyttävät, ennen kuin se on uusittu. Sovi uusimisesta "
     "koordinaattorin kanssa.",
     "", false},
    {K::kCredentialLapsing, R::kExpert, "sv", "Din behörighet går ut: {{{credential}}}",
     "{{{credential}}} gäller till och med {{{credential_date}}}. Därefter erbjuds du inte "
     "uppdrag som kräver den förrän den har förnyats. Kom överens med koordinatorn om "
     "förnyelsen.",
     "", false},
    {K::kCredentialLapsing, R::kExpert, "en", "Your credential lapses: {{{credential}}}",
     "{{{credential}}} counts until {{{credential_date}}}. After that you are not offered tasks "
     "that require it until it is renewed. Agree on renewing it with the coordinator.",
     "", false},
    {K::kCredentialLapsing, R::kCoordinator, "fi",
     "Pätevyys vanhenee: {{{expert_name}}}, {{{credential}}}",
     "{{{expert_name}}}: {{{credential}}} on voimassa {{{credential_date}}} asti. Sen jälkeen "
     "häntä ei tarjota tehtäviin, jotka sitä edellyttävät, ennen kuin se on uusittu.",
     "", false},
    {K::kCredentialLapsing, R::kCoordinator, "sv",
     "Behörighet går ut: {{{expert_name}}}, {{{credential}}}",
     "{{{expert_name}}}: {{{credential}}} gäller till och med {{{credential_date}}}. Därefter "
     "erbjuds hen inte uppdrag som kräver den förrän den har förnyats.",
     "", false},
    {K::kCredentialLapsing, R::kCoordinator, "en",
     "Credential lapses: {{{expert_name}}}, {{{credential}}}",
     "{{{expert_name}}}: {{{credential}}} counts until {{{credential_date}}}. After that she is "
     "not offered tasks that require it until it is renewed.",
     "", false},
    // A sign-in link asked for on the sign-in page (the link is the footer's).
    {K::kSignInLink, R::kExpert, "fi", "Kirjautumislinkki: {{{exchange_name}}}",
     "Pyysit linkkiä, jolla kirjaudut palveluun {{{exchange_name}}}. Linkki toimii kerran ja "
     "30 minuutin ajan. Jos et pyytänyt linkkiä, voit jättää viestin huomiotta.",
     "", false},
    {K::kSignInLink, R::kExpert, "sv", "Inloggningslänk: {{{exchange_name}}}",
     "Du bad om en länk för att logga in i {{{exchange_name}}}. Länken fungerar en gång och i "
     "30 minuter. Om du inte bad om länken kan du bortse från meddelandet.",
     "", false},
    {K::kSignInLink, R::kExpert, "en", "Sign-in link: {{{exchange_name}}}",
     "You asked for a link to sign in to {{{exchange_name}}}. The link works once and for 30 "
     "minutes. If you did not ask for it, you can ignore this message.",
     "", false},
    {K::kSignInLink, R::kOrderer, "fi", "Kirjautumislinkki: {{{exchange_name}}}",
     "Pyysit linkkiä, jolla kirjaudut palveluun {{{exchange_name}}}. Linkki toimii kerran ja "
     "30 minuutin ajan. Jos et pyytänyt linkkiä, voit jättää viestin huomiotta.",
     "", false},
    {K::kSignInLink, R::kOrderer, "sv", "Inloggningslänk: {{{exchange_name}}}",
     "Du bad om en länk för att logga in i {{{exchange_name}}}. Länken fungerar en gång och i "
     "30 minuter. Om du inte bad om länken kan du bortse från meddelandet.",
     "", false},
    {K::kSignInLink, R::kOrderer, "en", "Sign-in link: {{{exchange_name}}}",
     "You asked for a link to sign in to {{{exchange_name}}}. The link works once and for 30 "
     "minutes. If you did not ask for it, you can ignore this message.",
     "", false},
};

const Layout& LayoutFor(absl::string_view language) {
  for (const Layout& l : kLayouts) {
    if (l.language == language) return l;
  }
  return kLayouts[0];
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

constexpr std::pair<MessageKind, absl::string_view> kKindNames[] = {
    {K::kOfferMade, "OFFER_MADE"},
    {K::kOfferWithdrawn, "OFFER_WITHDRAWN"},
    {K::kAssignmentCancelled, "ASSIGNMENT_CANCELLED"},
    {K::kOfferReminder, "OFFER_REMINDER"},
    {K::kOfferLapsed, "OFFER_LAPSED"},
    {K::kOfferAccepted, "OFFER_ACCEPTED"},
    {K::kOfferDeclined, "OFFER_DECLINED"},
    {K::kAssignmentConfirmed, "ASSIGNMENT_CONFIRMED"},
    {K::kContractReady, "CONTRACT_READY"},
    {K::kTaskReminder, "TASK_REMINDER"},
    {K::kFeedbackRequest, "FEEDBACK_REQUEST"},
    {K::kKeyExpiring, "KEY_EXPIRING"},
    {K::kSignInLink, "SIGN_IN_LINK"},
    {K::kOfferRoundsEnded, "OFFER_ROUNDS_ENDED"},
    {K::kExpertAvailable, "EXPERT_AVAILABLE"},
    {K::kStandingBy, "STANDING_BY"},
    {K::kPoolClosed, "POOL_CLOSED"},
    {K::kEarningsNearLimit, "EARNINGS_NEAR_LIMIT"},
    {K::kCredentialLapsing, "CREDENTIAL_LAPSING"},
};

}  // namespace

absl::string_view MessageKindName(MessageKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "UNSPECIFIED";
}

MessageKind MessageKindFromName(absl::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return MessageKind::kUnspecified;
}

absl::string_view RecipientName(Recipient recipient) {
  switch (recipient) {
    case Recipient::kExpert:
      return "EXPERT";
    case Recipient::kOrderer:
      return "ORDERER";
    case Recipient::kCoordinator:
      return "COORDINATOR";
  }
  return "EXPERT";
}

// A cancellation, and a link the person is waiting for at the screen.
bool IsUrgent(MessageKind kind) {
  return kind == MessageKind::kAssignmentCancelled || kind == MessageKind::kSignInLink;
}

bool IsEssential(MessageKind kind) {
  return kind != MessageKind::kOfferReminder && kind != MessageKind::kTaskReminder &&
         kind != MessageKind::kFeedbackRequest;
}

std::vector<Addressed> MessagesForChange(
    AssignmentState from, AssignmentState to, CancelledBy by, OfferKind kind) {
  using S = AssignmentState;
  if (from == S::kAvailable && to == S::kAvailable && kind == OfferKind::kBackup) {
    return {{K::kStandingBy, R::kExpert}};
  }
  if (from == to) return {};
  if ((from == S::kUnspecified || from == S::kAvailable) && to == S::kOffered) {
    return {{K::kOfferMade, R::kExpert}};
  }
  if (from == S::kAvailable) {
    if (to == S::kWithdrawn) return {{K::kOfferWithdrawn, R::kExpert}};
    if (to == S::kConfirmed) {
      return {{K::kAssignmentConfirmed, R::kExpert}, {K::kAssignmentConfirmed, R::kOrderer}};
    }
    return {};
  }
  if (from == S::kOffered) {
    switch (to) {
      case S::kAvailable:
        return {{K::kExpertAvailable, R::kCoordinator}};
      case S::kWithdrawn:
        return {{K::kOfferWithdrawn, R::kExpert}};
      case S::kLapsed:
        return {{K::kOfferLapsed, R::kExpert}};
      case S::kAccepted:
        return {{K::kOfferAccepted, R::kCoordinator}};
      case S::kDeclined:
        return {{K::kOfferDeclined, R::kCoordinator}};
      default:
        return {};
    }
  }
  if (from == S::kAccepted && to == S::kConfirmed) {
    return {{K::kAssignmentConfirmed, R::kExpert}, {K::kAssignmentConfirmed, R::kOrderer}};
  }
  if (from == S::kConfirmed && to == S::kCompleted) {
    return {{K::kFeedbackRequest, R::kExpert}, {K::kFeedbackRequest, R::kOrderer}};
  }
  if (to == S::kCancelled && HoldsTime(from)) {
    // The expert always hears (with her fee); the orderer of a confirmed visit
    // unless it cancelled itself; the coordinator unless the exchange did.
    std::vector<Addressed> out = {{K::kAssignmentCancelled, R::kExpert}};
    if (from == S::kConfirmed && by != CancelledBy::kOrderer) {
      out.push_back({K::kAssignmentCancelled, R::kOrderer});
    }
    if (by != CancelledBy::kExchange) out.push_back({K::kAssignmentCancelled, R::kCoordinator});
    return out;
  }
  return {};
}

absl::Status ValidateNotificationSettings(
    const NotificationSettings& settings, absl::string_view prefix) {
  auto fail = [&](absl::string_view field, absl::string_view reason) {
    return InvalidField(absl::StrCat(prefix, field), std::string(reason));
  };
  if (settings.task_reminder_hours.size() > 5) {
    return fail("task_reminder_hours", "at most 5 reminders");
  }
  for (size_t i = 0; i < settings.task_reminder_hours.size(); ++i) {
    const int h = settings.task_reminder_hours[i];
    if (h < 1 || h > 1440) {
      return fail(
          absl::StrCat("task_reminder_hours[", i, "]"), "must be 1 to 1440 hours (60 days)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (settings.task_reminder_hours[j] == h) {
        return fail(absl::StrCat("task_reminder_hours[", i, "]"), "repeats an earlier value");
      }
    }
  }
  if (settings.offer_reminder_hours < 0 || settings.offer_reminder_hours > 336) {
    return fail("offer_reminder_hours", "must be 0 (none) to 336 hours (14 days)");
  }
  if (settings.key_warning_days < 0 || settings.key_warning_days > 90) {
    return fail("key_warning_days", "must be 0 (none) to 90 days");
  }
  if (!settings.sender_address.empty() && !IsValidEmail(settings.sender_address)) {
    return fail("sender_address", "must be an e-mail address");
  }
  for (const auto& [field, hour] :
       {std::pair<absl::string_view, int>{"quiet_from_hour", settings.quiet_hours.from_hour},
        {"quiet_until_hour", settings.quiet_hours.until_hour}}) {
    if (hour < 0 || hour > 23) return fail(field, "must be an hour from 0 to 23");
  }
  return absl::OkStatus();
}

std::optional<int> DueTaskReminder(
    absl::Time start, absl::Time changed, const std::vector<int>& lead_hours, absl::Time now) {
  if (now >= start) return std::nullopt;
  std::optional<int> nearest;
  for (int lead : lead_hours) {
    if (start - absl::Hours(lead) <= now && (!nearest || lead < *nearest)) nearest = lead;
  }
  if (!nearest || changed > start - absl::Hours(*nearest)) return std::nullopt;
  return nearest;
}

bool OfferReminderDue(absl::Time offered, absl::Time deadline, int lead_hours, absl::Time now) {
  if (lead_hours <= 0) return false;
  const absl::Time from = deadline - absl::Hours(lead_hours);
  return offered < from && from <= now && now < deadline;
}

bool KeyWarningDue(absl::Time expires, int warning_days, absl::Time now) {
  return warning_days > 0 && now < expires && expires - absl::Hours(24 * warning_days) <= now;
}

std::string DedupeKey(MessageKind kind, absl::string_view resource, int lead) {
  return absl::StrCat(
      MessageKindName(kind), ":", resource, lead > 0 ? ":" : "",
      lead > 0 ? absl::StrCat(lead) : "");
}

std::string MessageLanguage(const Expert& expert, const Exchange& exchange) {
  if (Written(expert.preferred_language)) return expert.preferred_language;
  for (const std::string& language : expert.languages) {
    if (Written(language)) return language;
  }
  return Written(exchange.default_language) ? exchange.default_language : "fi";
}

const std::vector<MessageTemplate>& BuiltInMessageTemplates() {
  static const std::vector<MessageTemplate>* all = [] {
    auto* out = new std::vector<MessageTemplate>;
    for (const Template& t : kTemplates) {
      const Layout& layout = LayoutFor(t.language);
      // Without the task's facts or closing lines, one blank line before the sender.
      const bool facts = t.task || !t.closing.empty();
      // Only messages that carry a link have its line.
      std::string footer(layout.footer);
      if (!CarriesLink(t.kind, t.to)) {
        const size_t from = footer.find("{{#link}}");
        const size_t to = footer.find("{{/link}}");
        footer.erase(from, to + std::strlen("{{/link}}") - from);
      }
      out->push_back(
          {t.kind, t.to, std::string(t.language), std::string(t.subject),
           absl::StrCat(
               layout.greeting, t.opening, facts ? "\n\n" : "\n", t.task ? layout.task : "",
               t.closing, footer)});
    }
    return out;
  }();
  return *all;
}

const MessageTemplate* BuiltInMessageTemplate(
    MessageKind kind, Recipient to, absl::string_view language) {
  for (const MessageTemplate& t : BuiltInMessageTemplates()) {
    if (t.kind == kind && t.to == to && t.language == language) return &t;
  }
  return nullptr;
}

std::string MessageTemplateId(MessageKind kind, Recipient to, absl::string_view language) {
  std::string id = absl::StrCat(MessageKindName(kind), "-", RecipientName(to), "-", language);
  absl::AsciiStrToLower(&id);
  absl::StrReplaceAll({{"_", "-"}}, &id);
  return id;
}

absl::StatusOr<const MessageTemplate*> ParseMessageTemplateId(
    absl::string_view id, absl::string_view field) {
  for (const MessageTemplate& t : BuiltInMessageTemplates()) {
    if (MessageTemplateId(t.kind, t.to, t.language) == id) return &t;
  }
  return InvalidField(
      std::string(field),
      "must name a message, its recipient and language, such as offer-made-expert-fi "
      "(ListMessageTemplates lists them)");
}

namespace {

bool AboutATask(MessageKind kind) {
  return kind != MessageKind::kKeyExpiring && kind != MessageKind::kSignInLink &&
         kind != MessageKind::kCredentialLapsing;
}

}  // namespace

std::vector<std::string> MessageVariables(MessageKind kind, Recipient to) {
  std::vector<std::string> names = {"exchange_name", "reply_to"};
  if (AboutATask(kind)) {
    for (const char* name :
         {"role", "topic", "orderer", "expert_name", "date", "time", "duration", "place", "total",
          "paid", "deadline", "cancelled_by"}) {
      names.emplace_back(name);
    }
  }
  if (kind == MessageKind::kKeyExpiring) {
    names.emplace_back("key_name");
    names.emplace_back("key_date");
  }
  if (kind == MessageKind::kEarningsNearLimit) names.emplace_back("pay_month");
  if (kind == MessageKind::kCredentialLapsing) {
    if (to == Recipient::kCoordinator) names.emplace_back("expert_name");
    names.emplace_back("credential");
    names.emplace_back("credential_date");
  }
  if (CarriesLink(kind, to)) names.emplace_back("link");
  return names;
}

std::vector<std::string> RequiredMessageVariables(MessageKind kind, Recipient to) {
  std::vector<std::string> names;
  if (kind == MessageKind::kOfferMade || kind == MessageKind::kOfferReminder) {
    names.emplace_back("deadline");
  }
  if (kind == MessageKind::kKeyExpiring) {
    names.emplace_back("key_name");
    names.emplace_back("key_date");
  }
  if (kind == MessageKind::kEarningsNearLimit) names.emplace_back("pay_month");
  if (kind == MessageKind::kCredentialLapsing) {
    names.emplace_back("credential");
    names.emplace_back("credential_date");
  }
  if (CarriesLink(kind, to)) names.emplace_back("link");
  return names;
}

absl::Status ValidateMessageTemplate(const MessageTemplate& t, absl::string_view prefix) {
  const std::string subject_field = absl::StrCat(prefix, "subject");
  const std::string body_field = absl::StrCat(prefix, "body");
  if (absl::StripAsciiWhitespace(t.subject).empty()) {
    return InvalidField(subject_field, "is required");
  }
  if (t.subject.find('\n') != std::string::npos || t.subject.find('\r') != std::string::npos) {
    return InvalidField(subject_field, "must be one line");
  }
  if (t.subject.size() > 200) return InvalidField(subject_field, "must be at most 200 characters");
  if (absl::StripAsciiWhitespace(t.body).empty()) return InvalidField(body_field, "is required");
  if (t.body.size() > 4000) return InvalidField(body_field, "must be at most 4000 characters");
  const std::vector<std::string> allowed = MessageVariables(t.kind, t.to);
  auto in_subject = TemplateNames(t.subject, subject_field);
  if (!in_subject.ok()) return in_subject.status();
  if (absl::Status s = CheckTemplateNames(t.subject, subject_field, allowed, {}); !s.ok()) return s;
  std::vector<std::string> required;
  for (const std::string& name : RequiredMessageVariables(t.kind, t.to)) {
    // The link goes in the body (a subject is not clicked).
    if (name == "link" ||
        std::find(in_subject->begin(), in_subject->end(), name) == in_subject->end()) {
      required.push_back(name);
    }
  }
  if (absl::Status s = CheckTemplateNames(t.body, body_field, allowed, required); !s.ok()) {
    return s;
  }
  if (AboutATask(t.kind)) {
    auto in_body = TemplateNames(t.body, body_field);
    if (!in_body.ok()) return in_body.status();
    auto uses = [&](absl::string_view name) {
      return std::find(in_subject->begin(), in_subject->end(), name) != in_subject->end() ||
             std::find(in_body->begin(), in_body->end(), name) != in_body->end();
    };
    if (!uses("date") && !uses("time")) {
      return InvalidField(body_field, "must use {{date}} or {{time}}: say when the task is");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MessageText> ComposeMessage(
    MessageKind kind, Recipient to, const Notice& n, const MessageTemplate* custom) {
  const MessageTemplate* t = custom;
  if (t == nullptr) t = BuiltInMessageTemplate(kind, to, n.language);
  if (t == nullptr) t = BuiltInMessageTemplate(kind, to, "fi");
  if (t == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no message ", MessageKindName(kind), " for ", RecipientName(to)));
  }
  const std::string& language = t->language;
  TemplateData data;
  data.set("exchange_name", n.exchange_name);
  data.set("role", RoleLabel(n.role, language));
  data.set("topic", n.topic);
  data.set("orderer", n.orderer_name);
  data.set("date", FormatDate(n.start_time, language));
  data.set("time", FormatDateTime(n.start_time, language));
  data.set("duration", absl::StrCat(n.duration_minutes));
  data.set("place", PlaceLabel(n.remote, n.address, n.municipality, language));
  data.set("total", FormatMoney(n.total_cents, language));
  data.set("paid", n.total_cents > 0);
  data.set("deadline", FormatDateTime(n.offer_deadline, language));
  data.set("cancelled_by", CancelledByLabel(n.cancelled_by, language));
  data.set("key_name", n.key_name);
  data.set("key_date", FormatDate(n.key_expire_time, language));
  data.set("pay_month", n.pay_period);
  data.set("credential", CredentialLabel(n.credential_kind, n.credential_course, language));
  data.set(
      "credential_date",
      FormatDate(absl::FromCivil(n.credential_last_day, reference::HelsinkiTimeZone()), language));
  auto optional = [&](const std::string& name, const std::string& value) {
    if (value.empty()) {
      data.set(name, false);
    } else {
      data.set(name, value);
    }
  };
  optional("expert_name", n.expert_name);
  optional("reply_to", n.reply_to);
  optional("link", n.link);
  auto subject = RenderTemplate(t->subject, data);
  if (!subject.ok()) return subject.status();
  auto body = RenderTemplate(t->body, data);
  if (!body.ok()) return body.status();
  // One line of subject; the body ends with a newline.
  std::string one_line = absl::StrReplaceAll(*subject, {{"\r", " "}, {"\n", " "}});
  if (!body->empty() && body->back() != '\n') body->push_back('\n');
  return MessageText{std::move(one_line), *std::move(body)};
}

absl::StatusOr<MessageText> PreviewMessage(const MessageTemplate& t) {
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const bool sv = t.language == "sv";
  const bool en = t.language == "en";
  Notice n;
  n.language = t.language;
  n.exchange_name = sv   ? "Förmedlingen (exempel)"
                    : en ? "The exchange (example)"
                         : "Välitys (esimerkki)";
  n.reply_to = "valitys@example.fi";
  n.orderer_name = sv ? "Exempelskolan" : en ? "Example School" : "Esimerkkikoulu";
  if (t.to != Recipient::kExpert) n.expert_name = "Maija Esimerkki";
  n.role = Role::kLecturer;
  n.topic = sv ? "Välmående i skolan" : en ? "Wellbeing at school" : "Hyvinvointi koulussa";
  n.start_time = absl::FromCivil(absl::CivilMinute(2027, 3, 15, 10, 0), helsinki);
  n.duration_minutes = 90;
  n.address = "Esimerkkikatu 1";
  n.municipality = "091";
  n.offer_deadline = absl::FromCivil(absl::CivilMinute(2027, 3, 1, 16, 0), helsinki);
  n.total_cents = 15000;
  n.cancelled_by = CancelledBy::kOrderer;
  n.key_name = sv ? "Regionens system" : en ? "The region's system" : "Alueen järjestelmä";
  n.key_expire_time = absl::FromCivil(absl::CivilDay(2027, 3, 31), helsinki);
  n.pay_period = "4/2027";
  n.credential_kind = CredentialKind::kCriminalRecordExtractSeen;
  n.credential_last_day = absl::CivilDay(2027, 3, 31);
  if (CarriesLink(t.kind, t.to)) n.link = "https://kokemus.example.fi/s/esimerkki";
  return ComposeMessage(t.kind, t.to, n, &t);
}

std::string PlaceLabel(
    bool remote, absl::string_view address, absl::string_view municipality,
    absl::string_view language) {
  if (remote) return RemoteLabel(language);
  return absl::StrCat(
      address, address.empty() ? "" : ", ", MunicipalityName(municipality, language));
}

std::string SmsText(const MessageText& text, const Notice& n) {
  return absl::StrCat(
      text.subject, "\n", n.link.empty() ? "" : absl::StrCat(n.link, "\n"), n.exchange_name,
      n.reply_to.empty() ? "" : absl::StrCat(" ", n.reply_to));
}

std::string CalendarUid(absl::string_view assignment_name) {
  return absl::StrCat(absl::StrReplaceAll(assignment_name, {{"/", "."}}), "@kokemus.invalid");
}

CalendarEvent CalendarEventFor(
    const Notice& n, absl::string_view assignment_name, int sequence, bool cancelled,
    absl::Time now) {
  const std::string& language = n.language;
  CalendarEvent e;
  e.uid = CalendarUid(assignment_name);
  e.sequence = sequence;
  e.cancelled = cancelled;
  e.summary = absl::StrCat(RoleLabel(n.role, language), ": ", n.topic);
  e.location = PlaceLabel(n.remote, n.address, n.municipality, language);
  const bool sv = language == "sv";
  const bool en = language == "en";
  e.description = absl::StrCat(
      sv   ? "Beställare: "
      : en ? "Orderer: "
           : "Tilaaja: ",
      n.orderer_name, "\n", n.exchange_name,
      n.reply_to.empty() ? "" : absl::StrCat(", ", n.reply_to));
  e.start = n.start_time;
  e.end = n.start_time + absl::Minutes(n.duration_minutes);
  e.stamp = now;
  e.organizer_name = n.exchange_name;
  e.organizer_email = n.reply_to;
  return e;
}

absl::Time NextSendTime(absl::Time now, bool urgent, const QuietHours& quiet) {
  if (urgent || quiet.from_hour == quiet.until_hour) return now;
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const absl::CivilSecond local = absl::ToCivilSecond(now, helsinki);
  const int hour = local.hour();
  // Quiet from `from_hour` to `until_hour`, over midnight when from > until.
  const bool in_quiet = quiet.from_hour < quiet.until_hour
                            ? quiet.from_hour <= hour && hour < quiet.until_hour
                            : hour >= quiet.from_hour || hour < quiet.until_hour;
  if (!in_quiet) return now;
  absl::CivilDay day = absl::CivilDay(local);
  if (hour >= quiet.until_hour) day += 1;
  return absl::FromCivil(absl::CivilHour(day) + quiet.until_hour, helsinki);
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
