#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

struct Text {
  absl::string_view key;
  absl::string_view fi;
  absl::string_view sv;
  absl::string_view en;
};

constexpr Text kTexts[] = {
    {"skip", "Siirry sisältöön", "Gå till innehållet", "Skip to content"},
    {"languages", "Kieli", "Språk", "Language"},
    {"menu", "Valikko", "Meny", "Menu"},
    {"sign_out", "Kirjaudu ulos", "Logga ut", "Sign out"},
    {"accessibility", "Saavutettavuusseloste", "Tillgänglighetsutlåtande",
     "Accessibility statement"},
    {"signin_title", "Kirjaudu sisään", "Logga in", "Sign in"},
    {"signin_intro",
     "Anna sähköpostiosoitteesi, niin lähetämme sinulle kirjautumislinkin. Linkki toimii kerran "
     "ja 30 minuutin ajan.",
     "Ange din e-postadress så skickar vi en inloggningslänk. Länken fungerar en gång och i 30 "
     "minuter.",
     "Give your e-mail address and we will send you a sign-in link. The link works once and for "
     "30 minutes."},
    {"email", "Sähköpostiosoite", "E-postadress", "E-mail address"},
    {"email_missing", "Anna sähköpostiosoite, esimerkiksi nimi@example.fi.",
     "Ange en e-postadress, till exempel namn@example.fi.",
     "Give an e-mail address, for example name@example.fi."},
    {"send_link", "Lähetä linkki", "Skicka länken", "Send the link"},
    {"sent_title", "Tarkista sähköpostisi", "Kontrollera din e-post", "Check your e-mail"},
    {"sent_text",
     "Jos osoite on rekisterissämme, lähetimme siihen kirjautumislinkin. Linkki toimii kerran ja "
     "30 minuutin ajan.",
     "Om adressen finns i vårt register har vi skickat en inloggningslänk till den. Länken "
     "fungerar en gång och i 30 minuter.",
     "If the address is in our register, we sent a sign-in link to it. The link works once and "
     "for 30 minutes."},
    {"link_title", "Kirjaudu sisään", "Logga in", "Sign in"},
    {"link_intro", "Kirjaudu sisään painamalla painiketta.",
     "Logga in genom att trycka på knappen.", "Press the button to sign in."},
    {"sign_in", "Kirjaudu sisään", "Logga in", "Sign in"},
    {"link_used", "Tämä kirjautumislinkki on jo käytetty.",
     "Den här inloggningslänken har redan använts.", "This sign-in link has been used."},
    {"link_expired", "Tämä kirjautumislinkki on vanhentunut.",
     "Den här inloggningslänken har gått ut.", "This sign-in link has expired."},
    {"link_invalid", "Tämä kirjautumislinkki ei kelpaa.",
     "Den här inloggningslänken är inte giltig.", "This sign-in link is not valid."},
    {"new_link", "Pyydä uusi linkki", "Be om en ny länk", "Ask for a new link"},
    {"signed_out", "Olet kirjautunut ulos.", "Du har loggat ut.", "You have signed out."},
    {"session_ended", "Istuntosi päättyi. Kirjaudu uudelleen.",
     "Din session har upphört. Logga in igen.", "Your session ended. Please sign in again."},
    {"offers_title", "Tarjoukseni", "Mina erbjudanden", "My offers"},
    {"offers_menu", "Tarjoukset", "Erbjudanden", "Offers"},
    {"tasks_menu", "Tehtäväni", "Mina uppdrag", "My tasks"},
    {"tasks_title", "Tehtäväni", "Mina uppdrag", "My tasks"},
    {"see_tasks", "Katso tulevat ja tehdyt tehtäväsi", "Se dina kommande och utförda uppdrag",
     "See your coming and done tasks"},
    {"done_heading", "Tehdyt tehtävät (viimeinen vuosi)", "Utförda uppdrag (senaste året)",
     "Done tasks (the last year)"},
    {"no_coming_tasks", "Sinulla ei ole tulevia tehtäviä.", "Du har inga kommande uppdrag.",
     "You have no coming tasks."},
    {"no_done_tasks", "Et ole vielä tehnyt tehtäviä.", "Du har inte utfört några uppdrag ännu.",
     "You have not done any tasks yet."},
    {"give_feedback", "Anna palaute", "Ge respons", "Give feedback"},
    {"feedback_given", "Palaute annettu, kiitos.", "Respons given, tack.",
     "Feedback given, thank you."},
    {"feedback_title", "Palaute tehtävästä", "Respons på uppdraget", "Feedback on the task"},
    {"feedback_intro_expert",
     "Kerro, miltä tehtävä sinusta tuntui. Vastauksesi näkee vain välityksen koordinaattori, ei "
     "tilaaja; sen avulla tehtävät sovitetaan jaksamiseesi.",
     "Berätta hur uppdraget kändes för dig. Bara förmedlingens koordinator ser ditt svar, inte "
     "beställaren; det hjälper att anpassa uppdragen efter hur du orkar.",
     "Tell us how the task felt to you. Only the exchange's coordinator sees your answer, not the "
     "orderer; it helps fit the tasks to how you are doing."},
    {"feedback_intro_orderer",
     "Miten käynti onnistui? Välitys käyttää palautetta toiminnan kehittämiseen ja raportoi sen "
     "vain koosteina.",
     "Hur lyckades besöket? Förmedlingen använder responsen för att utveckla verksamheten och "
     "rapporterar den bara sammanställd.",
     "How did the visit go? The exchange uses the feedback to improve its work and reports it "
     "only in summaries."},
    {"feedback_not_yet", "Palautetta voi antaa, kun tehtävä on merkitty pidetyksi.",
     "Respons kan ges när uppdraget har markerats som genomfört.",
     "Feedback can be given once the task is marked as held."},
    {"feedback_already", "Palaute tästä tehtävästä on jo annettu. Kiitos!",
     "Respons på det här uppdraget är redan given. Tack!",
     "Feedback on this task has already been given. Thank you!"},
    {"feedback_thanks", "Kiitos palautteesta!", "Tack för responsen!",
     "Thank you for the feedback!"},
    {"fb_heaviness", "Kuinka raskaalta tehtävä tuntui? *", "Hur tungt kändes uppdraget? *",
     "How heavy did the task feel? *"},
    {"fb_heaviness_hint", "1 = kevyt, 5 = hyvin raskas", "1 = lätt, 5 = mycket tungt",
     "1 = light, 5 = very heavy"},
    {"fb_expert_overall", "Miten tehtävä mielestäsi onnistui?",
     "Hur lyckades uppdraget enligt dig?", "How did the task go, in your view?"},
    {"fb_rating_hint", "1 = heikosti, 5 = erinomaisesti", "1 = svagt, 5 = utmärkt",
     "1 = poorly, 5 = excellently"},
    {"fb_overall", "Kokonaisarvio käynnistä *", "Helhetsbedömning av besöket *",
     "Overall rating of the visit *"},
    {"fb_content", "Miten sisältö vastasi tarvettanne?", "Hur motsvarade innehållet ert behov?",
     "How well did the content meet your need?"},
    {"fb_safe", "Oliko tilanne turvallinen ja kunnioittava? *",
     "Var situationen trygg och respektfull? *", "Did the setting feel safe and respectful? *"},
    {"yes", "Kyllä", "Ja", "Yes"},
    {"no", "Ei", "Nej", "No"},
    {"fb_comment", "Vapaa sana", "Fritt ord", "Anything else"},
    {"send_feedback", "Lähetä palaute", "Skicka responsen", "Send the feedback"},
    {"err_choose", "Valitse yksi vaihtoehto.", "Välj ett alternativ.", "Choose one option."},
    {"err_comment", "Kirjoita enintään 4000 merkkiä.", "Skriv högst 4000 tecken.",
     "Write at most 4,000 characters."},
    {"no_offers", "Sinulle ei ole nyt avoimia tarjouksia.",
     "Du har inga öppna erbjudanden just nu.", "You have no open offers now."},
    {"orders_title", "Organisaatiomme tilaukset", "Vår organisations beställningar",
     "Our organization's orders"},
    {"tasks_heading", "Tulevat tehtäväni", "Mina kommande uppdrag", "My coming tasks"},
    {"time", "Aika", "Tid", "Time"},
    {"place", "Paikka", "Plats", "Place"},
    {"audience", "Yleisö", "Publik", "Audience"},
    {"language", "Kieli", "Språk", "Language"},
    {"fee", "Palkkio", "Arvode", "Fee"},
    {"travel", "Matkakulut", "Resekostnader", "Travel"},
    {"total", "Yhteensä", "Sammanlagt", "Total"},
    {"answer_by", "Vastaa viimeistään", "Svara senast", "Answer by"},
    {"accept", "Otan tehtävän", "Jag tar uppdraget", "I take the task"},
    {"decline", "En voi ottaa", "Jag kan inte", "I cannot take it"},
    {"accepted", "Kiitos! Hyväksyit tarjouksen. Välitys vahvistaa tehtävän.",
     "Tack! Du godkände erbjudandet. Förmedlingen bekräftar uppdraget.",
     "Thank you! You accepted the offer. The exchange will confirm the task."},
    {"declined", "Kiitos vastauksesta. Tarjous on hylätty.",
     "Tack för svaret. Erbjudandet är avböjt.", "Thank you for answering. The offer is declined."},
    {"not_possible", "Tätä ei voi enää tehdä: tarjous on jo vastattu, vanhentunut tai peruttu.",
     "Det går inte längre: erbjudandet är redan besvarat, har gått ut eller är inställt.",
     "This can no longer be done: the offer was answered, lapsed or was cancelled."},
    {"state_accepted", "Hyväksytty, odottaa vahvistusta", "Godkänt, väntar på bekräftelse",
     "Accepted, waiting for confirmation"},
    {"state_confirmed", "Vahvistettu", "Bekräftat", "Confirmed"},
    {"contracts_menu", "Sopimukset", "Avtal", "Contracts"},
    {"contracts_title", "Sopimukseni", "Mina avtal", "My contracts"},
    {"no_contracts", "Sinulla ei ole sopimuksia.", "Du har inga avtal.", "You have no contracts."},
    {"contracts_intro",
     "Lue sopimus ja hyväksy se kirjoittamalla koko nimesi. Vain sinä voit hyväksyä oman "
     "sopimuksesi.",
     "Läs avtalet och godkänn det genom att skriva ditt fullständiga namn. Bara du kan godkänna "
     "ditt eget avtal.",
     "Read the contract and accept it by typing your full name. Only you can accept your own "
     "contract."},
    {"accepted_contracts", "Hyväksytyt sopimukset", "Godkända avtal", "Accepted contracts"},
    {"task", "Tehtävä", "Uppdrag", "Task"},
    {"version", "Versio", "Version", "Version"},
    {"read_contract", "Lue sopimus (PDF)", "Läs avtalet (PDF)", "Read the contract (PDF)"},
    {"full_name", "Koko nimesi", "Ditt fullständiga namn", "Your full name"},
    {"accept_contract", "Hyväksyn sopimuksen", "Jag godkänner avtalet", "I accept the contract"},
    {"full_name_missing", "Kirjoita koko nimesi (enintään 200 merkkiä).",
     "Skriv ditt fullständiga namn (högst 200 tecken).",
     "Type your full name (at most 200 characters)."},
    {"contract_accepted", "Kiitos! Hyväksyit sopimuksen.", "Tack! Du godkände avtalet.",
     "Thank you! You accepted the contract."},
    {"contract_not_possible",
     "Tätä sopimusta ei voi hyväksyä: se on jo hyväksytty tai siitä on uudempi versio.",
     "Det här avtalet kan inte godkännas: det är redan godkänt eller har en nyare version.",
     "This contract cannot be accepted: it is already accepted or has a newer version."},
    {"accepted_on", "Hyväksytty", "Godkänt", "Accepted"},
    {"accepted_as", "Hyväksyjän nimi", "Godkänt med namnet", "Accepted as"},
    {"orders_menu", "Tilaukset", "Beställningar", "Orders"},
    {"new_order_menu", "Uusi tilaus", "Ny beställning", "New order"},
    {"no_orders", "Organisaatiollanne ei ole tilauksia edelliskuun alusta alkaen.",
     "Er organisation har inga beställningar sedan början av förra månaden.",
     "Your organization has no orders since the start of last month."},
    {"new_order_title", "Uusi tilaus", "Ny beställning", "New order"},
    {"new_order_intro",
     "Kerro, millaista kokemusasiantuntijaa tarvitsette. Välitys etsii sopivan asiantuntijan ja "
     "kertoo, kun paikka on täytetty. Pakolliset kentät on merkitty tähdellä (*).",
     "Berätta vilken sorts erfarenhetsexpert ni behöver. Förmedlingen söker en lämplig expert och "
     "meddelar när platsen är tillsatt. Obligatoriska fält är märkta med en asterisk (*).",
     "Tell us what kind of expert by experience you need. The exchange finds a suitable expert "
     "and tells you when the place is filled. Required fields are marked with an asterisk (*)."},
    {"order_title", "Tilaus", "Beställning", "Order"},
    {"state", "Tila", "Status", "State"},
    {"order_open", "Avoin: asiantuntijaa etsitään", "Öppen: en expert söks",
     "Open: an expert is being sought"},
    {"order_assigned", "Täytetty", "Tillsatt", "Filled"},
    {"order_completed", "Pidetty", "Genomförd", "Held"},
    {"state_cancelled", "Peruttu", "Inställd", "Cancelled"},
    {"assignment_offered", "Tarjottu", "Erbjuden", "Offered"},
    {"expert", "Kokemusasiantuntija", "Erfarenhetsexpert", "Expert by experience"},
    {"experts_heading", "Kokemusasiantuntijat", "Erfarenhetsexperter", "Experts by experience"},
    {"no_experts", "Kukaan ei ole vielä ottanut tehtävää.", "Ingen har tagit uppdraget än.",
     "Nobody has taken the task yet."},
    {"experts_needed", "Asiantuntijoita tarvitaan", "Experter behövs", "Experts needed"},
    {"notes", "Lisätiedot", "Tilläggsuppgifter", "Further details"},
    {"cancel_order", "Peru tilaus", "Ställ in beställningen", "Cancel the order"},
    {"cancel_question", "Haluatko perua tilauksen?", "Vill du ställa in beställningen?",
     "Do you want to cancel the order?"},
    {"cancel_fee", "Jos perut nyt, välitys laskuttaa peruutuksesta",
     "Om du ställer in nu fakturerar förmedlingen för inställningen",
     "If you cancel now, the exchange charges for the cancellation"},
    {"cancel_free", "Peruutus on nyt maksuton.", "Inställningen är nu avgiftsfri.",
     "Cancelling is free of charge now."},
    {"confirm_cancel", "Kyllä, peru tilaus", "Ja, ställ in beställningen", "Yes, cancel the order"},
    {"keep_order", "Älä peru", "Ställ inte in", "Do not cancel"},
    {"order_created", "Kiitos! Tilaus on vastaanotettu.", "Tack! Beställningen har tagits emot.",
     "Thank you! The order has been received."},
    {"order_cancelled", "Tilaus on peruttu.", "Beställningen är inställd.",
     "The order is cancelled."},
    {"order_changed", "Tilaus muuttui sillä välin. Tarkista peruutuksen hinta uudelleen.",
     "Beställningen ändrades under tiden. Kontrollera avgiften för inställningen igen.",
     "The order changed meanwhile. Please check the cancellation fee again."},
    {"cancel_not_possible", "Tilausta ei voi enää perua.",
     "Beställningen kan inte längre ställas in.", "The order can no longer be cancelled."},
    {"errors_heading",
     "Tarkista nämä kentät:", "Kontrollera de här fälten:", "Please check these fields:"},
    {"f_role", "Tehtävän tyyppi *", "Typ av uppdrag *", "Kind of task *"},
    {"f_role_hint",
     "Esimerkiksi luento oppitunnilla (luennoitsija), opetus yhdessä opettajan kanssa "
     "(yhteisopettaja) tai palvelun kehittäminen (kehittäjä).",
     "Till exempel en föreläsning på en lektion (föreläsare), undervisning tillsammans med en "
     "lärare (medlärare) eller utveckling av en tjänst (utvecklare).",
     "For example a talk in a lesson (lecturer), teaching together with a teacher (co-teacher) or "
     "developing a service (co-developer)."},
    {"f_topic", "Aihe *", "Ämne *", "Topic *"},
    {"f_topic_hint", "Muutama sana, esimerkiksi \"Toipumistarina 9.-luokkalaisille\".",
     "Några ord, till exempel \"Återhämtningsberättelse för niondeklassare\".",
     "A few words, for example \"A recovery story for 9th graders\"."},
    {"f_audience", "Yleisö *", "Publik *", "Audience *"},
    {"f_audience_size", "Yleisön koko (henkeä)", "Publikens storlek (personer)",
     "Audience size (people)"},
    {"f_date", "Päivä *", "Dag *", "Date *"},
    {"f_time", "Alkamisaika (Suomen aikaa) *", "Starttid (finsk tid) *",
     "Start time (Finnish time) *"},
    {"f_duration", "Kesto minuutteina *", "Längd i minuter *", "Duration in minutes *"},
    {"f_preparation", "Valmisteluaika minuutteina", "Förberedelsetid i minuter",
     "Preparation time in minutes"},
    {"f_preparation_hint", "Jos tehtävä vaatii erillistä valmistelua, esimerkiksi tapaamisen.",
     "Om uppdraget kräver separat förberedelse, till exempel ett möte.",
     "If the task needs separate preparation, for example a meeting."},
    {"f_remote", "Etäyhteydellä (ei osoitetta)", "På distans (ingen adress)",
     "Remote (no address)"},
    {"f_address", "Osoite", "Adress", "Address"},
    {"f_address_hint", "Katuosoite, jos tehtävä ei ole etänä.",
     "Gatuadress om uppdraget inte är på distans.", "Street address, unless the task is remote."},
    {"f_municipality", "Kunta *", "Kommun *", "Municipality *"},
    {"f_municipality_hint", "Kunnan nimi, esimerkiksi Lahti.",
     "Kommunens namn, till exempel Lahtis.", "The municipality's name, for example Lahti."},
    {"f_language", "Kieli *", "Språk *", "Language *"},
    {"f_areas", "Kokemuksen aihe", "Erfarenhetens område", "Area of experience"},
    {"f_areas_hint", "Valitse yksi tai useampi, tai jätä tyhjäksi, jos aihe on vapaa.",
     "Välj ett eller flera, eller lämna tomt om ämnet är fritt.",
     "Choose one or more, or leave empty if any will do."},
    {"f_experts_needed", "Montako asiantuntijaa *", "Hur många experter *", "How many experts *"},
    {"f_notes", "Lisätiedot", "Tilläggsuppgifter", "Further details"},
    {"f_notes_hint",
     "Esimerkiksi yhteyshenkilö paikan päällä tai kulkuohje. Älä kirjoita tähän kenenkään "
     "terveystietoja.",
     "Till exempel en kontaktperson på plats eller vägbeskrivning. Skriv inte någons "
     "hälsouppgifter här.",
     "For example a contact person on site or directions. Do not write anyone's health details "
     "here."},
    {"send_order", "Lähetä tilaus", "Skicka beställningen", "Send the order"},
    {"err_number", "Anna luku numeroin.", "Ange ett tal med siffror.", "Give a number in digits."},
    {"err_date", "Anna päivä, esimerkiksi 2027-01-15.", "Ange en dag, till exempel 2027-01-15.",
     "Give a date, for example 2027-01-15."},
    {"err_time", "Anna kellonaika, esimerkiksi 10:00.", "Ange en tid, till exempel 10:00.",
     "Give a time, for example 10:00."},
    {"err_topic", "Kirjoita aihe (enintään 200 merkkiä).", "Skriv ämnet (högst 200 tecken).",
     "Write the topic (at most 200 characters)."},
    {"err_start_time", "Valitse tuleva päivä ja kellonaika.", "Välj en kommande dag och tid.",
     "Choose a date and time in the future."},
    {"err_municipality", "Kuntaa ei löydy. Kirjoita kunnan nimi, esimerkiksi Lahti.",
     "Kommunen hittas inte. Skriv kommunens namn, till exempel Lahtis.",
     "No such municipality. Write its name, for example Lahti."},
    {"err_municipality_missing", "Kirjoita kunnan nimi, esimerkiksi Lahti.",
     "Skriv kommunens namn, till exempel Lahtis.",
     "Write the municipality's name, for example Lahti."},
    {"err_address", "Anna osoite tai valitse etäyhteys.", "Ange en adress eller välj distans.",
     "Give an address or choose remote."},
    {"err_field", "Tarkista tämä kenttä.", "Kontrollera det här fältet.",
     "Please check this field."},
    {"cancel_task", "Peru tehtävä", "Avboka uppdraget", "Cancel the task"},
    {"cancel_task_title", "Tehtävän peruminen", "Avboka ett uppdrag", "Cancelling a task"},
    {"cancel_task_intro",
     "Välitys ja tilaaja saavat tiedon, että tehtävä on peruttu, ja välitys etsii tilalle toisen "
     "asiantuntijan. Syyn näkee vain välitys; tilaaja ei näe sitä.",
     "Förmedlingen och beställaren får veta att uppdraget är avbokat, och förmedlingen söker en "
     "annan expert. Orsaken ser bara förmedlingen; beställaren ser den inte.",
     "The exchange and the orderer are told that the task is cancelled, and the exchange finds "
     "another expert. Only the exchange sees the reason; the orderer does not."},
    {"reason_legend", "Syy (vapaaehtoinen)", "Orsak (frivillig)", "Reason (optional)"},
    {"reason_illness", "Sairastuin", "Jag blev sjuk", "I fell ill"},
    {"reason_personal", "Henkilökohtainen syy", "Personligt skäl", "A personal reason"},
    {"reason_other", "Muu syy", "Annat skäl", "Another reason"},
    {"reason_none", "En halua kertoa", "Jag vill inte säga", "I prefer not to say"},
    {"illness_no_blame",
     "Sairastuminen ei ole kenenkään vika: se ei vaikuta tuleviin tarjouksiisi.",
     "Att bli sjuk är ingens fel: det påverkar inte dina kommande erbjudanden.",
     "Falling ill is nobody's fault: it does not affect your future offers."},
    {"confirm_cancel_task", "Kyllä, peru tehtävä", "Ja, avboka uppdraget", "Yes, cancel the task"},
    {"keep_task", "Älä peru", "Avboka inte", "Do not cancel"},
    {"task_cancelled", "Tehtävä on peruttu. Kiitos, että kerroit.",
     "Uppdraget är avbokat. Tack för att du meddelade.",
     "The task is cancelled. Thank you for letting us know."},
    {"task_not_cancellable", "Tätä tehtävää ei voi enää perua täällä. Ota yhteyttä välitykseen.",
     "Det här uppdraget kan inte längre avbokas här. Kontakta förmedlingen.",
     "This task can no longer be cancelled here. Please contact the exchange."},
    {"forbidden_title", "Pyyntöä ei voitu käsitellä", "Begäran kunde inte behandlas",
     "The request could not be handled"},
    {"forbidden_text",
     "Lomake oli vanhentunut tai tuli toiselta sivulta. Palaa sivulle ja yritä uudelleen.",
     "Formuläret var för gammalt eller kom från en annan sida. Gå tillbaka och försök igen.",
     "The form was out of date or came from another page. Go back and try again."},
    {"back", "Takaisin", "Tillbaka", "Back"},
    {"not_found_title", "Sivua ei löydy", "Sidan hittas inte", "Page not found"},
    {"unavailable_title", "Palvelu ei juuri nyt vastaa", "Tjänsten svarar inte just nu",
     "The service is not answering right now"},
    {"unavailable_text", "Yritä hetken päästä uudelleen.", "Försök igen om en stund.",
     "Please try again in a moment."},
    {"a11y_title", "Saavutettavuusseloste", "Tillgänglighetsutlåtande", "Accessibility statement"},
    {"a11y_1",
     "Kokemuksen asiointisivut on tehty täyttämään WCAG 2.1 -ohjeiden AA-tason vaatimukset, kuten "
     "digipalvelulaki (306/2019) edellyttää. Sivut toimivat puhelimella ja ilman JavaScriptiä.",
     "Kokemus självbetjäningssidor är gjorda för att uppfylla kraven på nivå AA i WCAG 2.1, så som "
     "lagen om digitala tjänster (306/2019) kräver. Sidorna fungerar på telefon och utan "
     "JavaScript.",
     "Kokemus's self-service pages are made to meet the requirements of WCAG 2.1 level AA, as the "
     "Finnish act on digital services (306/2019) requires. They work on a phone and without "
     "JavaScript."},
    {"a11y_2",
     "Jokainen sivu tarkistetaan automaattisesti (axe) jokaisella kielellä ennen julkaisua. Emme "
     "tiedä puutteista; jos huomaat sellaisen, kerro siitä meille.",
     "Varje sida kontrolleras automatiskt (axe) på varje språk före publicering. Vi känner inte "
     "till några brister; om du hittar en, berätta för oss.",
     "Every page is checked automatically (axe) in every language before release. We know of no "
     "shortcomings; if you find one, please tell us."},
    {"a11y_3",
     "Palautetta saavutettavuudesta voit lähettää välityspalvelusi yhteyshenkilölle. Jos et saa "
     "vastausta kahden viikon kuluessa, voit tehdä ilmoituksen Etelä-Suomen "
     "aluehallintovirastoon (saavutettavuusvaatimukset.fi).",
     "Respons om tillgängligheten kan du skicka till din förmedlings kontaktperson. Om du inte får "
     "svar inom två veckor kan du anmäla saken till Regionförvaltningsverket i Södra Finland "
     "(tillganglighetskrav.fi).",
     "You can send feedback on accessibility to your exchange's contact person. If you get no "
     "answer within two weeks, you can notify the Regional State Administrative Agency for "
     "Southern Finland (webbtillganglighet.fi)."},
};

absl::string_view In(const Text& t, absl::string_view language) {
  if (language == "sv") return t.sv;
  if (language == "en") return t.en;
  return t.fi;
}

}  // namespace

std::string PageText(absl::string_view key, absl::string_view language) {
  for (const Text& t : kTexts) {
    if (t.key == key) return std::string(In(t, language));
  }
  return std::string(key);
}

std::vector<std::pair<std::string, std::string>> PageTexts(absl::string_view language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Text& t : kTexts) out.emplace_back(std::string(t.key), std::string(In(t, language)));
  return out;
}

}  // namespace kokemus::web
