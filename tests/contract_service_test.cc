// ContractService over real gRPC on both databases: generated PDFs read back,
// byte-identical regeneration, versions, acceptance, templates, bad input.
#include <fstream>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/domain/digest.h"
#include "services/domain/documents.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using testing_support::Backend;
using testing_support::Violations;

std::string PdfText(const std::string& pdf) {
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/d.pdf", std::ios::binary) << pdf; }
  EXPECT_EQ(testing_support::RunProcess({"/usr/bin/qpdf", "--check", dir + "/d.pdf"}).exit_code, 0);
  auto r = testing_support::RunProcess({"/usr/bin/pdftotext", dir + "/d.pdf", "-"});
  std::string out;
  for (char c : absl::StrReplaceAll(r.out, {{"\u00a0", " "}})) {
    if (c != ' ' && c != '\n' && c != '\f') out.push_back(c);
  }
  return out;
}

// pdftotext's text of each page, and pdfinfo's Title.
std::vector<std::string> PdfPages(const std::string& pdf, std::string* title = nullptr) {
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/p.pdf", std::ios::binary) << pdf; }
  auto r = testing_support::RunProcess({"/usr/bin/pdftotext", dir + "/p.pdf", "-"});
  std::vector<std::string> pages = absl::StrSplit(r.out, '\f');
  if (!pages.empty() && pages.back().empty()) pages.pop_back();
  if (title != nullptr) {
    auto info = testing_support::RunProcess({"/usr/bin/pdfinfo", dir + "/p.pdf"});
    for (absl::string_view line : absl::StrSplit(info.out, '\n')) {
      if (absl::ConsumePrefix(&line, "Title:"))
        *title = std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return pages;
}

std::string Squeeze(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' '; }), s.end());
  return s;
}

class ContractServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto channel = server_.channel();
    orders_ = v1::OrderService::NewStub(channel);
    contracts_ = v1::ContractService::NewStub(channel);
    auto& registry = server_.registry();
    testing_support::CreateExchange(registry, "ph");
    testing_support::CreateExpert(registry, "ph", "kaisa", testing_support::SampleExpert());
    testing_support::CreateOrganization(registry, "ph", "lyseo");
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 123450);
    testing_support::CreateOrder(
        *orders_, "ph", "o1",
        testing_support::SampleOrder("ph", "lyseo", absl::Now() + absl::Hours(24 * 10)));
    {
      grpc::ClientContext ctx;
      v1::OfferAssignmentRequest req;
      req.set_parent("exchanges/ph/orders/o1");
      req.set_assignment_id("a1");
      req.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
      *req.mutable_assignment()->mutable_offer_deadline() =
          rpc::ToProto(absl::Now() + absl::Hours(24));
      v1::OfferAssignmentResponse resp;
      ASSERT_TRUE(orders_->OfferAssignment(&ctx, req, &resp).ok());
    }
  }

  grpc::Status Move(const char* verb) {
    grpc::ClientContext ctx;
    if (std::string(verb) == "accept") {
      v1::AcceptAssignmentRequest req;
      req.set_name(kAssignment);
      v1::AcceptAssignmentResponse resp;
      return orders_->AcceptAssignment(&ctx, req, &resp);
    }
    v1::ConfirmAssignmentRequest req;
    req.set_name(kAssignment);
    v1::ConfirmAssignmentResponse resp;
    return orders_->ConfirmAssignment(&ctx, req, &resp);
  }

  grpc::Status Generate(const std::string& language, v1::Contract* out = nullptr) {
    grpc::ClientContext ctx;
    v1::GenerateContractRequest req;
    req.set_assignment(kAssignment);
    req.set_language(language);
    v1::GenerateContractResponse resp;
    grpc::Status s = contracts_->GenerateContract(&ctx, req, &resp);
    if (out) *out = resp.contract();
    return s;
  }

  v1::GetContractDocumentResponse Document(
      const std::string& name, v1::DocumentFormat format = v1::DOCUMENT_FORMAT_PDF) {
    grpc::ClientContext ctx;
    v1::GetContractDocumentRequest req;
    req.set_name(name);
    req.set_format(format);
    v1::GetContractDocumentResponse resp;
    EXPECT_TRUE(contracts_->GetContractDocument(&ctx, req, &resp).ok());
    return resp;
  }

  int ContractCount() {
    grpc::ClientContext ctx;
    v1::ListContractsRequest req;
    req.set_parent("exchanges/ph");
    v1::ListContractsResponse resp;
    EXPECT_TRUE(contracts_->ListContracts(&ctx, req, &resp).ok());
    return resp.contracts_size();
  }

  static constexpr char kAssignment[] = "exchanges/ph/orders/o1/assignments/a1";
  testing_support::TestServer server_{GetParam()};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::ContractService::Stub> contracts_;
};

TEST_P(ContractServiceTest, AnUnconfirmedAssignmentGetsNoContract) {
  grpc::Status s = Generate("fi");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      s.error_message(),
      "the assignment is OFFERED; contracts are made for CONFIRMED or COMPLETED "
      "assignments");
  ASSERT_TRUE(Move("accept").ok());
  EXPECT_EQ(Generate("fi").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ContractCount(), 0);
}

TEST_P(ContractServiceTest, GeneratesStoresAndReturnsTheExactDocument) {
  ASSERT_TRUE(Move("accept").ok());
  ASSERT_TRUE(Move("confirm").ok());
  v1::Contract contract;
  ASSERT_TRUE(Generate("fi", &contract).ok());
  EXPECT_EQ(contract.assignment(), kAssignment);
  EXPECT_EQ(contract.language(), "fi");
  EXPECT_EQ(contract.version(), 1);
  EXPECT_EQ(contract.template_version(), 0);
  auto pdf = Document(contract.name());
  EXPECT_EQ(pdf.mime_type(), "application/pdf");
  EXPECT_EQ(domain::Sha256Hex(pdf.content()), contract.sha256());
  EXPECT_EQ(pdf.sha256(), contract.sha256());
  const std::string text = PdfText(pdf.content());
  for (const char* want :
       {"Toimeksiantosopimus", "KaisaKokemus", "Lahdenlyseonlukio", "Toipumistarina", "1234,50€",
        "Kirkkokatu1,Lahti", "Päijät-Hämeenkokemusasiantuntijapankki", "0112038-9"}) {
    EXPECT_THAT(text, HasSubstr(want));
  }
  auto plain = Document(contract.name(), v1::DOCUMENT_FORMAT_TEXT);
  EXPECT_EQ(plain.mime_type(), "text/plain; charset=utf-8");
  EXPECT_THAT(plain.content(), HasSubstr("Kaisa Kokemus"));

  // The same inputs: the same bytes, the same stored contract.
  v1::Contract again;
  ASSERT_TRUE(Generate("fi", &again).ok());
  EXPECT_EQ(again.name(), contract.name());
  EXPECT_EQ(again.sha256(), contract.sha256());
  EXPECT_EQ(ContractCount(), 1);
  grpc::ClientContext assignment_ctx;
  v1::GetAssignmentRequest get_assignment;
  get_assignment.set_name(kAssignment);
  v1::GetAssignmentResponse assignment;
  ASSERT_TRUE(orders_->GetAssignment(&assignment_ctx, get_assignment, &assignment).ok());
  EXPECT_EQ(assignment.assignment().contract(), contract.name());

  // Swedish and English are separate documents.
  v1::Contract swedish;
  ASSERT_TRUE(Generate("sv", &swedish).ok());
  EXPECT_THAT(PdfText(Document(swedish.name()).content()), HasSubstr("Uppdragsavtal"));
  EXPECT_EQ(ContractCount(), 2);
}

TEST_P(ContractServiceTest, ANewTemplateMakesANewVersionAndAcceptanceIsFinal) {
  ASSERT_TRUE(Move("accept").ok());
  ASSERT_TRUE(Move("confirm").ok());
  v1::Contract first;
  ASSERT_TRUE(Generate("fi", &first).ok());

  v1::AcceptContractRequest accept;
  accept.set_name(first.name());
  accept.set_full_name("Kaisa Kokemus");
  v1::AcceptContractResponse accepted;
  // Only the expert herself accepts her contract: not the coordinator, not
  // another expert (who is told it does not exist), whatever name is typed.
  grpc::ClientContext coordinator_ctx;
  grpc::Status by_coordinator = contracts_->AcceptContract(&coordinator_ctx, accept, &accepted);
  EXPECT_EQ(by_coordinator.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  testing_support::CreateExpert(server_.registry(), "ph", "eeva", testing_support::SampleExpert());
  auto kaisa = v1::ContractService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
  auto eeva = v1::ContractService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "eeva")));
  grpc::ClientContext other_ctx;
  EXPECT_EQ(
      eeva->AcceptContract(&other_ctx, accept, &accepted).error_code(),
      grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext list_ctx;
  v1::ListContractsRequest list;
  list.set_parent("exchanges/ph");
  v1::ListContractsResponse eevas;
  ASSERT_TRUE(eeva->ListContracts(&list_ctx, list, &eevas).ok());
  EXPECT_EQ(eevas.contracts_size(), 0);
  grpc::ClientContext own_list_ctx;
  v1::ListContractsResponse kaisas;
  ASSERT_TRUE(kaisa->ListContracts(&own_list_ctx, list, &kaisas).ok());
  ASSERT_EQ(kaisas.contracts_size(), 1);
  EXPECT_EQ(kaisas.contracts(0).name(), first.name());

  grpc::ClientContext accept_ctx;
  grpc::Status by_herself = kaisa->AcceptContract(&accept_ctx, accept, &accepted);
  ASSERT_TRUE(by_herself.ok()) << by_herself.error_message();
  EXPECT_EQ(accepted.contract().accepted_name(), "Kaisa Kokemus");
  EXPECT_EQ(accepted.contract().accepted_by(), "exchanges/ph/experts/kaisa");
  EXPECT_EQ(accepted.contract().accepted_via(), v1::ACCEPTANCE_CHANNEL_API_KEY);
  EXPECT_TRUE(accepted.contract().has_accepted_time());
  grpc::ClientContext twice_ctx;
  EXPECT_EQ(
      kaisa->AcceptContract(&twice_ctx, accept, &accepted).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext upload_ctx;
  v1::CreateContractTemplateRequest upload;
  upload.set_parent("exchanges/ph");
  upload.mutable_contract_template()->set_language("fi");
  upload.mutable_contract_template()->set_text(
      "# Oma sopimus\n\n{{exchange_name}} ja {{orderer_name}}, {{date_time}}.\n\n"
      "Kokemusasiantuntija {{expert_name}} saa {{fee}}.\n");
  v1::CreateContractTemplateResponse uploaded;
  ASSERT_TRUE(contracts_->CreateContractTemplate(&upload_ctx, upload, &uploaded).ok());
  EXPECT_EQ(uploaded.contract_template().name(), "exchanges/ph/contractTemplates/fi-1");
  EXPECT_TRUE(uploaded.contract_template().active());

  v1::Contract second;
  ASSERT_TRUE(Generate("fi", &second).ok());
  EXPECT_EQ(second.version(), 2);
  EXPECT_EQ(second.template_version(), 1);
  EXPECT_THAT(PdfText(Document(second.name()).content()), HasSubstr("KaisaKokemussaa1234,50€"));
  grpc::ClientContext get_ctx;
  v1::GetContractRequest get;
  get.set_name(first.name());
  v1::GetContractResponse old;
  ASSERT_TRUE(contracts_->GetContract(&get_ctx, get, &old).ok());
  EXPECT_EQ(old.contract().superseded_by(), second.name());
  EXPECT_EQ(old.contract().accepted_name(), "Kaisa Kokemus");  // the old record stays
  // The accepted document, made when she accepted; the contract as made is unchanged.
  EXPECT_EQ(Document(first.name()).sha256(), old.contract().accepted_sha256());
  EXPECT_EQ(old.contract().sha256(), first.sha256());

  // Back to the built-in template.
  grpc::ClientContext activate_ctx;
  v1::ActivateContractTemplateRequest activate;
  activate.set_name("exchanges/ph/contractTemplates/fi-0");
  v1::ActivateContractTemplateResponse builtin;
  ASSERT_TRUE(contracts_->ActivateContractTemplate(&activate_ctx, activate, &builtin).ok());
  EXPECT_TRUE(builtin.contract_template().active());
  EXPECT_THAT(builtin.contract_template().text(), HasSubstr("# Toimeksiantosopimus"));
  grpc::ClientContext uploaded_ctx;
  v1::GetContractTemplateRequest get_uploaded;
  get_uploaded.set_name("exchanges/ph/contractTemplates/fi-1");
  v1::GetContractTemplateResponse uploaded_now;
  ASSERT_TRUE(contracts_->GetContractTemplate(&uploaded_ctx, get_uploaded, &uploaded_now).ok());
  EXPECT_FALSE(uploaded_now.contract_template().active());

  grpc::ClientContext superseded_ctx;
  accept.set_name(second.name());
  ASSERT_TRUE(Generate("fi", &second).ok());  // the built-in template again: version 3
  EXPECT_EQ(second.version(), 3);
  EXPECT_EQ(
      kaisa->AcceptContract(&superseded_ctx, accept, &accepted).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

// Issue 17: a printed page can be matched to its contract (the id and the
// start of the text's SHA-256 on every page), and the accepted document says
// who accepted it, when and how; the PDF's title is in its own language.
TEST_P(ContractServiceTest, EveryPageNamesTheContractAndTheAcceptedDocumentSaysWhoWhenHow) {
  ASSERT_TRUE(Move("accept").ok());
  ASSERT_TRUE(Move("confirm").ok());
  v1::Contract contract;
  ASSERT_TRUE(Generate("fi", &contract).ok());
  const std::string id = contract.name().substr(contract.name().rfind('/') + 1);
  auto text = Document(contract.name(), v1::DOCUMENT_FORMAT_TEXT);
  EXPECT_EQ(text.sha256(), contract.text_sha256());
  EXPECT_EQ(domain::Sha256Hex(text.content()), contract.text_sha256());
  EXPECT_EQ(contract.accepted_sha256(), "");
  // (pdftotext reads the footer's double spaces as one.)
  const std::string footer =
      absl::StrCat("Sopimus ", id, " \u00b7 SHA-256 ", contract.text_sha256().substr(0, 16));
  std::string title;
  std::vector<std::string> pages = PdfPages(Document(contract.name()).content(), &title);
  EXPECT_EQ(title, "Toimeksiantosopimus: kokemusasiantuntijatehtävä");
  ASSERT_GE(pages.size(), 2u);
  for (size_t p = 0; p < pages.size(); ++p) {
    EXPECT_THAT(pages[p], HasSubstr(absl::StrCat(footer, " \u00b7 ", p + 1, " / ", pages.size())))
        << p;
  }
  EXPECT_THAT(text.content(), ::testing::Not(HasSubstr("SHA-256")));  // not part of the text

  auto kaisa = v1::ContractService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
  grpc::ClientContext accept_ctx;
  v1::AcceptContractRequest accept;
  accept.set_name(contract.name());
  accept.set_full_name("Kaisa Kokemus");
  v1::AcceptContractResponse accepted;
  ASSERT_TRUE(kaisa->AcceptContract(&accept_ctx, accept, &accepted).ok());
  const v1::Contract& now = accepted.contract();
  EXPECT_EQ(now.sha256(), contract.sha256());  // the contract as made stays as it was
  EXPECT_EQ(now.text_sha256(), contract.text_sha256());
  ASSERT_EQ(now.accepted_sha256().size(), 64u);
  auto pdf = Document(contract.name());
  EXPECT_EQ(pdf.sha256(), now.accepted_sha256());
  EXPECT_EQ(domain::Sha256Hex(pdf.content()), now.accepted_sha256());
  const std::string when = domain::FormatDateTime(rpc::FromProto(now.accepted_time()), "fi");
  const std::string accepted_text = PdfText(pdf.content());
  EXPECT_THAT(
      accepted_text,
      HasSubstr(Squeeze(absl::StrCat(
          "Hyväksyntä", "Hyväksynyt", "Kaisa Kokemus (kirjoitti nimensä)", "Aika",
          absl::StrReplaceAll(when, {{"\u00a0", ""}}), "Tapa", "omalla API-avaimellaan"))));
  pages = PdfPages(pdf.content());
  for (size_t p = 0; p < pages.size(); ++p) {
    EXPECT_THAT(pages[p], HasSubstr(footer)) << p;
  }
  // The text is the contract as made; its SHA-256 is the one on the pages.
  EXPECT_EQ(Document(contract.name(), v1::DOCUMENT_FORMAT_TEXT).sha256(), contract.text_sha256());
  grpc::ClientContext get_ctx;
  v1::GetContractRequest get;
  get.set_name(contract.name());
  v1::GetContractResponse got;
  ASSERT_TRUE(contracts_->GetContract(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.contract().accepted_sha256(), now.accepted_sha256());
}

TEST_P(ContractServiceTest, BadInputIsRefusedAndNothingStored) {
  ASSERT_TRUE(Move("accept").ok());
  ASSERT_TRUE(Move("confirm").ok());
  grpc::Status language = Generate("de");
  EXPECT_THAT(
      Violations(language),
      ElementsAre(Pair("language", "not offered: documents are written in fi, sv or en")));
  grpc::ClientContext ctx;
  v1::GenerateContractRequest unknown;
  unknown.set_assignment("exchanges/ph/orders/o1/assignments/nope");
  v1::GenerateContractResponse resp;
  EXPECT_EQ(
      contracts_->GenerateContract(&ctx, unknown, &resp).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext bad_ctx;
  v1::CreateContractTemplateRequest bad;
  bad.set_parent("exchanges/ph");
  bad.mutable_contract_template()->set_language("fi");
  bad.mutable_contract_template()->set_text("# Sopimus\n\n{{#fee}}\nrivi\n");
  v1::CreateContractTemplateResponse bad_resp;
  grpc::Status syntax = contracts_->CreateContractTemplate(&bad_ctx, bad, &bad_resp);
  EXPECT_EQ(syntax.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(syntax).size(), 1u);
  EXPECT_EQ(Violations(syntax)[0].first, "contract_template.text");
  EXPECT_THAT(Violations(syntax)[0].second, HasSubstr("template error"));

  // A typo in a variable (issue 17: accepted and active at once before).
  grpc::ClientContext typo_ctx;
  bad.mutable_contract_template()->set_text(
      "# Sopimus\n\n{{exchange_name}}, {{orderer_name}}, {{date_time}}, {{fee}}: "
      "{{expert_nmae}}\n");
  grpc::Status typo = contracts_->CreateContractTemplate(&typo_ctx, bad, &bad_resp);
  ASSERT_EQ(Violations(typo).size(), 1u);
  EXPECT_EQ(Violations(typo)[0].first, "contract_template.text");
  EXPECT_THAT(
      Violations(typo)[0].second,
      ::testing::StartsWith("{{expert_nmae}} is not a variable of this template; it may use "));

  // A preview: checked and rendered with sample data, nothing stored.
  grpc::ClientContext preview_ctx;
  bad.set_validate_only(true);
  bad.mutable_contract_template()->set_text(
      "# Sopimus\n\n{{exchange_name}}, {{orderer_name}}, {{date_time}}: {{expert_name}} saa "
      "{{fee}}\n");
  v1::CreateContractTemplateResponse preview;
  grpc::Status previewed = contracts_->CreateContractTemplate(&preview_ctx, bad, &preview);
  ASSERT_TRUE(previewed.ok()) << previewed.error_message();
  EXPECT_EQ(preview.contract_template().name(), "");
  EXPECT_EQ(preview.contract_template().language(), "fi");
  EXPECT_THAT(
      PdfText(preview.preview_pdf()),
      HasSubstr("SopimusEsimerkkiyhdistysry,Esimerkkikoulu,10.3.2027klo10.00:MaijaEsimerkkisaa"
                "150,00€"));

  grpc::ClientContext missing_ctx;
  v1::ActivateContractTemplateRequest missing;
  missing.set_name("exchanges/ph/contractTemplates/fi-7");
  v1::ActivateContractTemplateResponse activated;
  EXPECT_EQ(
      contracts_->ActivateContractTemplate(&missing_ctx, missing, &activated).error_code(),
      grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext list_ctx;
  v1::ListContractTemplatesRequest list;
  list.set_parent("exchanges/ph");
  v1::ListContractTemplatesResponse templates;
  ASSERT_TRUE(contracts_->ListContractTemplates(&list_ctx, list, &templates).ok());
  EXPECT_EQ(templates.contract_templates_size(), 0);
  EXPECT_EQ(ContractCount(), 0);
}

TEST_P(ContractServiceTest, PrivacyNoticeInThreeLanguages) {
  for (const auto& [language, title, ombudsman] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"fi", "Tietosuojaseloste", "tietosuojavaltuutetun"},
           {"sv", "Dataskyddsbeskrivning", "dataombudsmannens"},
           {"en", "Privacy notice", "Data Protection Ombudsman"}}) {
    grpc::ClientContext ctx;
    v1::RenderPrivacyNoticeRequest req;
    req.set_name("exchanges/ph");
    req.set_language(language);
    v1::RenderPrivacyNoticeResponse resp;
    ASSERT_TRUE(contracts_->RenderPrivacyNotice(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.mime_type(), "application/pdf");
    const std::string text = PdfText(resp.content());
    EXPECT_THAT(text, HasSubstr(Squeeze(title))) << language;
    EXPECT_THAT(text, HasSubstr(Squeeze(ombudsman))) << language;
    EXPECT_THAT(text, HasSubstr("0112038-9")) << language;
    EXPECT_THAT(text, HasSubstr("pankki@example.fi")) << language;
    EXPECT_THAT(text, HasSubstr(Squeeze("Vesijärvenkatu 11, 15140 Lahti"))) << language;
  }
}

// Issue 17: no notice without the controller's contact details (GDPR art.
// 13(1)(a)); the notice is dated by its content's last change.
TEST_P(ContractServiceTest, PrivacyNoticeNeedsTheControllerAndIsDatedByItsContent) {
  auto& registry = server_.registry();
  auto update = [&](const std::string& path, auto set) {
    grpc::ClientContext ctx;
    v1::UpdateExchangeRequest req;
    req.mutable_exchange()->set_name("exchanges/ph");
    set(*req.mutable_exchange());
    req.mutable_update_mask()->add_paths(path);
    v1::UpdateExchangeResponse resp;
    grpc::Status s = registry.UpdateExchange(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.exchange();
  };
  auto notice = [&](grpc::Status* status) {
    grpc::ClientContext ctx;
    v1::RenderPrivacyNoticeRequest req;
    req.set_name("exchanges/ph");
    req.set_format(v1::DOCUMENT_FORMAT_TEXT);
    v1::RenderPrivacyNoticeResponse resp;
    *status = contracts_->RenderPrivacyNotice(&ctx, req, &resp);
    return resp.content();
  };
  const v1::Exchange before =
      update("postal_address", [](v1::Exchange& e) { e.set_postal_address(""); });
  grpc::Status status;
  EXPECT_EQ(notice(&status), "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      status.error_message(),
      "the privacy notice must name the controller and how to reach them (GDPR art. 13(1)(a)): "
      "set the exchange's postal_address first (kokemusctl exchange update ph --postal-address "
      "...)");
  // Settings the notice does not state leave its date alone.
  const v1::Exchange buffered =
      update("travel_buffer_minutes", [](v1::Exchange& e) { e.set_travel_buffer_minutes(30); });
  EXPECT_EQ(buffered.privacy_notice_time().seconds(), before.privacy_notice_time().seconds());
  EXPECT_EQ(buffered.privacy_notice_time().nanos(), before.privacy_notice_time().nanos());
  EXPECT_NE(
      buffered.update_time().seconds() * 1000000000LL + buffered.update_time().nanos(),
      before.privacy_notice_time().seconds() * 1000000000LL + before.privacy_notice_time().nanos());
  update("postal_address", [](v1::Exchange& e) {
    e.set_postal_address("Vesijärvenkatu 11, 15140 Lahti");
  });
  const v1::Exchange dpo = update("data_protection_officer", [](v1::Exchange& e) {
    e.set_data_protection_officer("Tietosuojavastaava Liisa Lahtinen, tietosuoja@example.fi");
  });
  EXPECT_EQ(dpo.privacy_notice_time().seconds(), dpo.update_time().seconds());
  EXPECT_EQ(dpo.privacy_notice_time().nanos(), dpo.update_time().nanos());
  const std::string text = notice(&status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(text, HasSubstr("Tietosuojavastaava   Tietosuojavastaava Liisa Lahtinen"));
  EXPECT_THAT(
      text,
      HasSubstr(absl::StrCat(
          "Seloste päivitetty ",
          domain::FormatDate(
              std::max(rpc::FromProto(dpo.privacy_notice_time()), domain::PrivacyTextDate()), "fi"),
          ".")));
}

INSTANTIATE_TEST_SUITE_P(
    Db, ContractServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
