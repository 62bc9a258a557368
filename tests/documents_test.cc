// Documents: locale formatting, the markup, templates, and real PDFs read back
// with poppler's pdftotext and checked with qpdf.
#include "services/domain/documents.h"

#include <fstream>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kainjow/mustache.hpp"
#include "services/domain/contract.h"
#include "services/domain/fees.h"
#include "services/domain/validation.h"
#include "services/render/pdf.h"
#include "tests/test_support.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Spaces(std::string s) { return absl::StrReplaceAll(s, {{"\u00a0", " "}}); }

absl::Time Helsinki(int y, int m, int d, int hh, int mm) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Helsinki", &tz));
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), tz);
}

TEST(Format, MoneyByLanguage) {
  EXPECT_EQ(Spaces(FormatMoney(123450, "fi")), "1 234,50 €");
  EXPECT_EQ(Spaces(FormatMoney(123450, "sv")), "1 234,50 €");
  EXPECT_EQ(FormatMoney(123450, "en"), "€1,234.50");
  EXPECT_EQ(Spaces(FormatMoney(5, "fi")), "0,05 €");
  EXPECT_EQ(Spaces(FormatMoney(123456789, "fi")), "1 234 567,89 €");
  EXPECT_EQ(FormatMoney(0, "en"), "€0.00");
}

TEST(Format, DatesInHelsinkiTime) {
  const absl::Time t = Helsinki(2026, 12, 24, 9, 0);
  EXPECT_EQ(FormatDateTime(t, "fi"), "24.12.2026 klo 9.00");
  EXPECT_EQ(FormatDateTime(t, "sv"), "24.12.2026 kl. 9.00");
  EXPECT_EQ(FormatDateTime(t, "en"), "24 December 2026 at 9:00");
  // Summer time: 12:30 in Helsinki is 09:30 UTC.
  EXPECT_EQ(FormatDateTime(absl::FromUnixSeconds(1782984600), "fi"), "2.7.2026 klo 12.30");
  EXPECT_EQ(FormatDate(t, "fi"), "24.12.2026");
}

TEST(Markup, ParsesTitleHeadingsParagraphsAndTables) {
  Document doc = ParseDocument(
      "# Title\n\n## Part\nLine one\nline two.\n\n| Fee | 10 € |\n| Total | 12 € |\nAfter.\n");
  ASSERT_EQ(doc.blocks.size(), 5u);
  EXPECT_EQ(doc.blocks[0], (Block{Block::Kind::kTitle, "Title", {}}));
  EXPECT_EQ(doc.blocks[1], (Block{Block::Kind::kHeading, "Part", {}}));
  EXPECT_EQ(doc.blocks[2], (Block{Block::Kind::kParagraph, "Line one line two.", {}}));
  EXPECT_EQ(doc.blocks[3].kind, Block::Kind::kTable);
  EXPECT_THAT(
      doc.blocks[3].rows, ElementsAre(ElementsAre("Fee", "10 €"), ElementsAre("Total", "12 €")));
  EXPECT_EQ(
      PlainText(doc),
      "Title\n=====\n\nPart\n----\n\nLine one line two.\n\nFee     10 €\nTotal   12 €\n"
      "\nAfter.\n");
  EXPECT_EQ(DocumentTitle(doc), "Title");
  EXPECT_EQ(DocumentTitle(ParseDocument("No title")), "");
}

// Issue 17: the annual report printed every table's last row in bold like a
// total ("Tilaajaorganisaatioita 1"). Only a row marked as the total is one.
TEST(Markup, OnlyAMarkedRowIsATotal) {
  Document doc = ParseDocument(
      "| Palkkio | 10 € |\n| **Yhteensä** | 12 € |\n\n| Tilaaja | Lyseo |\n| Aika | 9.00 |\n");
  ASSERT_EQ(doc.blocks.size(), 2u);
  EXPECT_TRUE(doc.blocks[0].total_row);
  EXPECT_THAT(doc.blocks[0].rows.back(), ElementsAre("Yhteensä", "12 €"));
  EXPECT_FALSE(doc.blocks[1].total_row);
  EXPECT_FALSE(ParseDocument("| **Yhteensä** | 12 € |\n| Muu | 1 € |\n").blocks[0].total_row);
  EXPECT_THAT(ParseDocument("| **** | 1 |\n").blocks[0].rows[0], ElementsAre("****", "1"));
}

// Issue 17: "(Y-\ntunnus" was split at its hyphen in a contract.
TEST(Render, ShortHyphenatedWordsAreKeptWholeAndFiguresAreToldFromWords) {
  EXPECT_EQ(
      render::KeepShortHyphenatedWordsWhole(
          "Y-tunnus 1234567-1, FO-nummer, kokemus-asiantuntija, Päijät-Häme, -5, a - b"),
      "Y-\u2060tunnus 1234567-\u20601, FO-\u2060nummer, kokemus-asiantuntija, Päijät-Häme, -5, "
      "a - b");
  EXPECT_EQ(render::KeepShortHyphenatedWordsWhole("Åö-ä"), "Åö-\u2060ä");
  for (const char* figure :
       {"1 277,00 €", "€1,234.50", "42", "12,5 %", "–", "1\u00a0234,50\u00a0€", "1\u202f234",
        "\u22125", "15 (75,0\u00a0%)", "3 / 1 / 0"}) {
    EXPECT_TRUE(render::LooksNumeric(figure)) << figure;
  }
  for (const char* words :
       {"", "Lahti", "24.12.2026 klo 9.00", "90 minuuttia", "etänä", "0112038-9 Oy", "%"}) {
    EXPECT_FALSE(render::LooksNumeric(words)) << words;
  }
}

// Issue 17: the contract's id and the start of its text's SHA-256 on every
// page, and an acceptance block saying who accepted, when and how.
TEST(ContractMarks, FooterAndAcceptanceBlockInEachLanguage) {
  const std::string sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  EXPECT_EQ(ContractFooter("k3x9", sha, "fi"), "Sopimus k3x9  \u00b7  SHA-256 0123456789abcdef");
  EXPECT_EQ(ContractFooter("k3x9", sha, "sv"), "Avtal k3x9  \u00b7  SHA-256 0123456789abcdef");
  EXPECT_EQ(ContractFooter("k3x9", sha, "en"), "Contract k3x9  \u00b7  SHA-256 0123456789abcdef");
  const absl::Time at = Helsinki(2026, 12, 1, 14, 5);
  EXPECT_EQ(
      AcceptanceBlock("Kaisa | Kokemus\n", at, AcceptedVia::kSelfServicePage, "fi"),
      "\n## Hyväksyntä\n| Hyväksynyt | Kaisa   Kokemus  (kirjoitti nimensä) |\n"
      "| Aika | 1.12.2026 klo 14.05 |\n"
      "| Tapa | Kokemuksen itsepalvelusivulla, kirjautuneena hänelle lähetetyllä linkillä |\n");
  EXPECT_EQ(
      AcceptanceBlock("Kaisa Kokemus", at, AcceptedVia::kApiKey, "en"),
      "\n## Acceptance\n| Accepted by | Kaisa Kokemus (typed their name) |\n"
      "| Time | 1 December 2026 at 14:05 |\n| How | with their own API key |\n");
}

ContractFacts Facts();

// Issue 17: GDPR art. 13(1)(a): the controller's identity and contact
// details; the notice's date is when its content changed, not today.
TEST(PrivacyNotice, NeedsTheControllersContactDetailsAndIsDatedByItsContent) {
  Exchange e = Facts().exchange;
  EXPECT_EQ(
      std::string(CheckPrivacyNoticeFacts(e).message()),
      "the privacy notice must name the controller and how to reach them (GDPR art. 13(1)(a)): "
      "set the exchange's postal_address first (kokemusctl exchange update ph "
      "--postal-address ...)");
  EXPECT_EQ(CheckPrivacyNoticeFacts(e).code(), absl::StatusCode::kFailedPrecondition);
  e.contact_email.clear();
  EXPECT_THAT(
      std::string(CheckPrivacyNoticeFacts(e).message()),
      HasSubstr("set the exchange's postal_address and contact_email first"));
  e.contact_email = "pankki@example.fi";
  e.postal_address = "Vesijärvenkatu 11, 15140 Lahti";
  EXPECT_TRUE(CheckPrivacyNoticeFacts(e).ok());

  Exchange changed = e;
  changed.travel_buffer_minutes = 30;
  changed.retention_months = 24;
  EXPECT_FALSE(ChangesPrivacyNotice(e, changed));
  for (std::string Exchange::*field :
       {&Exchange::display_name, &Exchange::business_id, &Exchange::postal_address,
        &Exchange::contact_email, &Exchange::data_protection_officer}) {
    changed = e;
    changed.*field += "x";
    EXPECT_TRUE(ChangesPrivacyNotice(e, changed));
  }
  // Never before the built-in text's own date.
  e.privacy_notice_time = absl::InfinitePast();
  EXPECT_EQ(PrivacyNoticeDate(e), PrivacyTextDate());
  e.privacy_notice_time = PrivacyTextDate() + absl::Hours(24 * 40);
  EXPECT_EQ(PrivacyNoticeDate(e), e.privacy_notice_time);
  e.data_protection_officer = "Tietosuojavastaava Liisa Lahtinen, tietosuoja@example.fi";
  auto text = RenderTemplate(DefaultPrivacyTemplate("fi"), PrivacyNoticeData(e, "fi"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("| Osoite | Vesijärvenkatu 11, 15140 Lahti |\n"));
  EXPECT_THAT(*text, HasSubstr("| Sähköposti | pankki@example.fi |\n"));
  EXPECT_THAT(
      *text,
      HasSubstr(
          "| Tietosuojavastaava | Tietosuojavastaava Liisa Lahtinen, tietosuoja@example.fi |"));
  EXPECT_THAT(*text, HasSubstr("Seloste päivitetty " + FormatDate(e.privacy_notice_time, "fi")));
}

TEST(Templates, SyntaxErrorsNameTheLine) {
  absl::Status s = CheckTemplate("# T\n\nHello {{#name}}\nno end\n", "template.text");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ViolationsOf(s).size(), 1u);
  EXPECT_EQ(ViolationsOf(s)[0].field, "template.text");
  EXPECT_THAT(ViolationsOf(s)[0].description, HasSubstr("template error"));
  EXPECT_TRUE(CheckTemplate("{{#a}}x{{/a}}", "t").ok());
  // The names a template uses, once each, in order; comments are none.
  auto names = TemplateNames("{{! note }}{{{a}}} {{#b}}{{ c }}{{/b}}{{^b}}{{&d}}{{/b}}{{a}}", "t");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(
      std::string(CheckTemplateNames("{{a}}{{b}}", "t.text", {"a"}, {}).message()),
      "invalid request: t.text: {{b}} is not a variable of this template; it may use a");
  EXPECT_EQ(
      std::string(CheckTemplateNames("{{a}}", "t.text", {"a", "b"}, {"b"}).message()),
      "invalid request: t.text: must use {{b}}");
  EXPECT_TRUE(CheckTemplateNames("{{a}}{{#b}}{{/b}}", "t.text", {"a", "b"}, {"b"}).ok());
  kainjow::mustache::data data;
  data.set("name", "A & B <c>");
  EXPECT_EQ(*RenderTemplate("Hi {{name}}", data), "Hi A & B <c>");  // text, not HTML
}

ContractFacts Facts() {
  ContractFacts f;
  f.exchange = {
      .id = "ph",
      .display_name = "Päijät-Hämeen kokemusasiantuntijapankki",
      .wellbeing_region = "PH",
      .default_language = "fi",
      .business_id = "0112038-9",
      .contact_email = "pankki@example.fi"};
  f.orderer = {
      .exchange_id = "ph",
      .id = "lyseo",
      .display_name = "Lahden lyseon lukio",
      .business_id = "1234567-1",
      .sector = Sector::kEducation,
      .kind = OrganizationKind::kEducationalInstitution,
      .municipality = "398"};
  f.expert.display_name = "Åsa Öhman";
  f.expert.payment_method = PaymentMethod::kSalaryTaxCard;
  f.expert.consent = {absl::FromUnixSeconds(1790000000), "2026-1"};
  f.order.role = Role::kLecturer;
  f.order.topic = "Toipuminen ja toivo";
  f.order.audience = Audience::kStudents;
  f.order.audience_size = 60;
  f.order.start_time = Helsinki(2026, 12, 24, 9, 0);
  f.order.duration_minutes = 90;
  f.order.preparation_minutes = 30;
  f.order.address = "Kirkkokatu 1";
  f.order.municipality = "398";
  f.assignment.fee_cents = 123450;
  f.assignment.travel_cents = 4250;
  f.assignment.travel_km = 85;
  f.schedule.role_rules = {{Role::kLecturer, "2026-01-01", FeeKind::kHourly, 5000, 0, true}};
  f.schedule.cancellation_rules = {{"2026-01-01", 14, 50, 0, 100}};
  f.created = Helsinki(2026, 11, 22, 12, 0);
  return f;
}

std::string PdfToText(const std::string& pdf) {
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/c.pdf", std::ios::binary) << pdf; }
  auto qpdf = testing_support::RunProcess({"/usr/bin/qpdf", "--check", dir + "/c.pdf"});
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.out << qpdf.err;
  auto text = testing_support::RunProcess({"/usr/bin/pdftotext", dir + "/c.pdf", "-"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  // Pages are looked at with `pdftoppm -png` on the kept file (KOKEMUS_KEEP_PDF).
  if (const char* keep = std::getenv("KOKEMUS_KEEP_PDF")) {
    std::ofstream(keep, std::ios::binary) << pdf;
  }
  return text.out;
}

// Whitespace removed: pdftotext breaks lines where the layout wraps them.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : Spaces(text)) {
    if (c != ' ' && c != '\n' && c != '\f') out.push_back(c);
  }
  return out;
}

struct Expected {
  const char* language;
  std::vector<std::string> texts;
};

class DefaultContract : public ::testing::TestWithParam<Expected> {};

TEST_P(DefaultContract, RendersEveryFieldIntoARealPdf) {
  const Expected& e = GetParam();
  auto marked = RenderTemplate(
      DefaultContractTemplate(e.language), ContractTemplateData(Facts(), e.language));
  ASSERT_TRUE(marked.ok()) << marked.status();
  const Document doc = ParseDocument(*marked);
  auto pdf = render::RenderPdf(doc, "contract", Facts().created);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  ASSERT_THAT(*pdf, ::testing::StartsWith("%PDF-1.5"));
  const std::string text = Squeezed(PdfToText(*pdf));
  for (const std::string& want : e.texts) {
    EXPECT_THAT(text, HasSubstr(Squeezed(want))) << e.language;
  }
  const std::string plain = Spaces(PlainText(doc));
  for (const std::string& want : e.texts) {
    if (want.find(" / ") == std::string::npos) {  // page numbers are the PDF's own
      EXPECT_THAT(plain, HasSubstr(want)) << e.language;
    }
  }
  // The same inputs give the same bytes.
  EXPECT_EQ(*render::RenderPdf(doc, "contract", Facts().created), *pdf);
}

// A template is checked against the contract's variables before it is
// stored: issue 17 found {{expert_nmae}} accepted and active at once.
TEST_P(DefaultContract, TheTemplateIsCheckedAndItsPreviewRendersSampleData) {
  const Expected& e = GetParam();
  EXPECT_TRUE(CheckContractTemplate(DefaultContractTemplate(e.language), "text").ok());
  const ContractFacts sample = SampleContractFacts();
  auto marked =
      RenderTemplate(DefaultContractTemplate(e.language), ContractTemplateData(sample, e.language));
  ASSERT_TRUE(marked.ok()) << marked.status();
  auto pdf = render::RenderPdf(ParseDocument(*marked), "contract", sample.created);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  const std::string text = Squeezed(PdfToText(*pdf));
  EXPECT_THAT(text, HasSubstr("MaijaEsimerkki"));
  EXPECT_THAT(text, HasSubstr("Esimerkkikoulu"));
  EXPECT_THAT(text, HasSubstr(std::string(e.language) == "en" ? "€150.00" : "150,00€"));
}

TEST(ContractTemplate, UnknownAndMissingVariablesAreRefusedByName) {
  std::string typo(DefaultContractTemplate("fi"));
  absl::StrReplaceAll({{"{{expert_name}}", "{{expert_nmae}}"}}, &typo);
  absl::Status s = CheckContractTemplate(typo, "contract_template.text");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ViolationsOf(s).size(), 1u);
  EXPECT_EQ(ViolationsOf(s)[0].field, "contract_template.text");
  EXPECT_THAT(
      ViolationsOf(s)[0].description,
      ::testing::StartsWith("{{expert_nmae}} is not a variable of this template; it may use "
                            "exchange_name, exchange_business_id, expert_name,"));
  EXPECT_THAT(
      ViolationsOf(CheckContractTemplate(
          "{{exchange_name}} {{expert_name}} {{orderer_name}} "
          "{{date_time}}",
          "text")),
      ElementsAre(FieldViolation{"text", "must use {{fee}}"}));
  EXPECT_TRUE(CheckContractTemplate(
                  "# Sopimus\n{{exchange_name}} {{expert_name}} "
                  "{{orderer_name}} {{date_time}} {{fee}}\n"
                  "{{#cancel_rule}}{{#cancel_tiers}}{{days}} {{percent}}"
                  "{{/cancel_tiers}}{{/cancel_rule}}",
                  "text")
                  .ok());
  EXPECT_THAT(
      ViolationsOf(CheckContractTemplate("{{#fee}}", "text"))[0].description,
      ::testing::StartsWith("template error"));
}

INSTANTIATE_TEST_SUITE_P(
    Languages, DefaultContract,
    ::testing::Values(
        Expected{
            "fi",
            {"Toimeksiantosopimus",
             "Päijät-Hämeen kokemusasiantuntijapankki",
             "0112038-9",
             "Åsa Öhman",
             "Lahden lyseon lukio",
             "luennoitsija tai kouluttaja",
             "Toipuminen ja toivo",
             "noin 60 henkeä",
             "24.12.2026 klo 9.00",
             "Kirkkokatu 1, Lahti",
             "sisältyy palkkioon",
             "1 234,50 €",
             "42,50 €",
             "1 277,00 €",
             "85 km",
             "verokortin",
             "alle 14 päivää",
             "50 %",
             "versio 2026-1",
             "pankki@example.fi",
             "22.11.2026",
             "1 / 2",
             "2 / 2"}},
        Expected{
            "sv",
            {"Uppdragsavtal", "Åsa Öhman", "föreläsare eller utbildare", "24.12.2026 kl. 9.00",
             "Kirkkokatu 1, Lahtis", "1 234,50 €", "1 277,00 €", "skattekortet",
             "mindre än 14 dagar", "Beställarens FO-nummer", "1234567-1"}},
        Expected{
            "en",
            {"Assignment contract", "Åsa Öhman", "lecturer or trainer", "24 December 2026 at 9:00",
             "€1,234.50", "€42.50", "€1,277.00", "tax card", "less than 14 days",
             "22 November 2026"}}),
    [](const auto& info) { return std::string(info.param.language); });

// document_fuzz: a character cut in half (or a stray byte, or a NUL) made
// Cairo refuse the whole PDF. Each bad byte is now shown as U+FFFD and the
// rest of the document is all there.
TEST(Render, InvalidUtf8IsShownAsReplacementCharacters) {
  constexpr char kMarked[] =
      "# Sopimus \xc3\n\nKaisa\xff Esimerkki\n\n| Tehtävä | Paikka\x00 |\n| Luento | Lahti |\n";
  const std::string marked(kMarked, sizeof(kMarked) - 1);  // with its NUL
  const Document doc = ParseDocument(marked);
  auto pdf = render::RenderPdf(doc, "contract \xe2\x82", Facts().created);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  const std::string text = Squeezed(PdfToText(*pdf));
  // (Squeezed drops the spaces.)
  EXPECT_THAT(text, HasSubstr("Sopimus\xef\xbf\xbd"));
  EXPECT_THAT(
      text, HasSubstr("Kaisa\xef\xbf\xbd"
                      "Esimerkki"));
  EXPECT_THAT(text, HasSubstr("PaikkaLuentoLahti"));
}

TEST(DefaultContract, ShowsOnlyTheSectionsThatApply) {
  ContractFacts f = Facts();
  f.order.remote = true;
  f.order.address = "";
  f.order.preparation_minutes = 0;
  f.expert.payment_method = PaymentMethod::kFeeDeclined;
  f.schedule.cancellation_rules.clear();
  f.assignment.travel_km = 0;
  f.assignment.travel_cents = 0;
  auto text = RenderTemplate(DefaultContractTemplate("fi"), ContractTemplateData(f, "fi"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("| Paikka | etänä |\n"));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("| Yhteys |")));
  // A remote task has no travel line (issue 17), a link no full stop after it.
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("Matkakorvaus")));
  f.order.address = "https://meet.example.fi/abc";
  text = RenderTemplate(DefaultContractTemplate("fi"), ContractTemplateData(f, "fi"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("| Yhteys | https://meet.example.fi/abc |\n"));
  EXPECT_THAT(Spaces(*text), HasSubstr("| Palkkio (50,00 € tunnilta) | 1 234,50 € |\n"));
  f.schedule.role_rules[0].kind = FeeKind::kFixed;
  text = RenderTemplate(DefaultContractTemplate("fi"), ContractTemplateData(f, "fi"));
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(Spaces(*text), HasSubstr("| Palkkio | 1 234,50 € |\n"));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("Valmistautumiseen")));
  EXPECT_THAT(*text, HasSubstr("kieltäytynyt palkkiosta"));
  EXPECT_THAT(*text, HasSubstr("Peruutuksesta sovitaan erikseen."));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr(" km suuntaansa")));
}

TEST(Labels, RolesAudiencesAndExperienceAreasInEachLanguage) {
  EXPECT_EQ(RoleLabel(Role::kCoTeacher, "fi"), "yhteisopettaja");
  EXPECT_EQ(AudienceLabel(Audience::kProfessionals, "sv"), "yrkesverksamma");
  EXPECT_EQ(ExperienceAreaLabel(ExperienceArea::kMentalHealth, "fi"), "mielenterveys");
  EXPECT_EQ(ExperienceAreaLabel(ExperienceArea::kGambling, "sv"), "penningspel");
  EXPECT_EQ(ExperienceAreaLabel(ExperienceArea::kOtherLifeCrisis, "en"), "another life crisis");
  EXPECT_EQ(ExperienceAreaLabel(ExperienceArea::kUnspecified, "fi"), "");
  for (int area = 1; area <= 9; ++area) {
    for (const char* language : {"fi", "sv", "en"}) {
      EXPECT_FALSE(ExperienceAreaLabel(static_cast<ExperienceArea>(area), language).empty())
          << area << " " << language;
    }
  }
}

}  // namespace
}  // namespace kokemus::domain
