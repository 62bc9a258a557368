#include "services/rpc/contract_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "kainjow/mustache.hpp"
#include "services/domain/contract.h"
#include "services/domain/digest.h"
#include "services/domain/documents.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/validation.h"
#include "services/render/pdf.h"
#include "services/rpc/convert.h"
#include "services/rpc/handler.h"
#include "services/rpc/ownership.h"

namespace kokemus::rpc {
namespace {

// A contract as the template `body` makes it of `facts`: the marked-up text,
// its plain text and that text's SHA-256, and the PDF, every page of which
// shows the contract's id and the start of that SHA-256.
struct ContractDocument {
  std::string marked;
  std::string plain;
  std::string text_sha256;
  std::string pdf;
};

absl::StatusOr<ContractDocument> MakeContract(
    absl::string_view body, const domain::ContractFacts& facts, absl::string_view language,
    absl::string_view contract_id) {
  ContractDocument c;
  auto marked = domain::RenderTemplate(body, domain::ContractTemplateData(facts, language));
  if (!marked.ok()) return marked.status();
  c.marked = *std::move(marked);
  domain::Document document = domain::ParseDocument(c.marked);
  c.plain = domain::PlainText(document);
  c.text_sha256 = domain::Sha256Hex(c.plain);
  document.footer = domain::ContractFooter(contract_id, c.text_sha256, language);
  auto pdf = render::RenderPdf(document, "", facts.created);
  if (!pdf.ok()) return pdf.status();
  c.pdf = *std::move(pdf);
  return c;
}

constexpr char kPdf[] = "application/pdf";
constexpr char kText[] = "text/plain; charset=utf-8";
constexpr size_t kMaxTemplateLength = 100'000;

std::string ContractName(const std::string& exchange_id, const std::string& id) {
  return domain::ChildResourceName(exchange_id, "contracts", id);
}

std::string TemplateName(const std::string& exchange_id, const std::string& language, int version) {
  return absl::StrCat(
      domain::ExchangeName(exchange_id), "/contractTemplates/", language, "-", version);
}

v1::Contract ToProto(const storage::StoredContract& c) {
  v1::Contract p;
  p.set_name(ContractName(c.exchange_id, c.id));
  p.set_assignment(absl::StrCat(
      domain::ChildResourceName(c.exchange_id, "orders", c.order_id), "/assignments/",
      c.assignment_id));
  p.set_language(c.language);
  p.set_template_version(c.template_version);
  p.set_version(c.version);
  p.set_sha256(c.sha256);
  p.set_text_sha256(c.text_sha256);
  p.set_accepted_sha256(c.accepted_sha256);
  *p.mutable_create_time() = rpc::ToProto(c.create_time);
  if (c.accepted_time != absl::UnixEpoch()) {
    *p.mutable_accepted_time() = rpc::ToProto(c.accepted_time);
    p.set_accepted_name(c.accepted_name);
    if (!c.accepted_by.empty()) {
      p.set_accepted_by(domain::ChildResourceName(c.exchange_id, "experts", c.accepted_by));
    }
    v1::AcceptanceChannel via = v1::ACCEPTANCE_CHANNEL_UNSPECIFIED;
    if (v1::AcceptanceChannel_Parse(absl::StrCat("ACCEPTANCE_CHANNEL_", c.accepted_via), &via)) {
      p.set_accepted_via(via);
    }
  }
  if (!c.superseded_by.empty()) p.set_superseded_by(ContractName(c.exchange_id, c.superseded_by));
  return p;
}

v1::ContractTemplate ToProto(const storage::StoredTemplate& t) {
  v1::ContractTemplate p;
  p.set_name(TemplateName(t.exchange_id, t.language, t.version));
  p.set_language(t.language);
  p.set_version(t.version);
  p.set_text(t.body);
  p.set_active(t.active);
  if (t.create_time != absl::UnixEpoch()) *p.mutable_create_time() = rpc::ToProto(t.create_time);
  return p;
}

// "exchanges/{e}/contractTemplates/{language}-{version}".
struct TemplateKey {
  std::string exchange_id;
  std::string language;
  int version = 0;
};

absl::StatusOr<TemplateKey> ParseTemplateName(absl::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  TemplateKey key;
  if (parts.size() == 4 && parts[0] == "exchanges" && domain::IsValidId(parts[1]) &&
      parts[2] == "contractTemplates") {
    std::pair<std::string, std::string> lv = absl::StrSplit(parts[3], absl::MaxSplits('-', 1));
    key.exchange_id = parts[1];
    key.language = lv.first;
    if (domain::IsDocumentLanguage(key.language) && absl::SimpleAtoi(lv.second, &key.version) &&
        key.version >= 0) {
      return key;
    }
  }
  return domain::InvalidField(
      "name", "must be exchanges/{exchange}/contractTemplates/{fi|sv|en}-{version}");
}

absl::Status CheckLanguage(const std::string& language) {
  if (domain::IsDocumentLanguage(language)) return absl::OkStatus();
  return domain::InvalidField("language", "not offered: documents are written in fi, sv or en");
}

}  // namespace

grpc::Status ContractService::GenerateContract(
    grpc::ServerContext* context, const v1::GenerateContractRequest* request,
    v1::GenerateContractResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/GenerateContract", "assignment", request->assignment(),
      [&](Caller& caller) -> absl::
                              Status {
    const absl::Time started = absl::Now();
    auto key = domain::ParseAssignmentName(request->assignment(), "assignment");
    if (!key.ok()) return key.status();
    auto assignment =
        assignments_.GetAssignment({key->exchange_id, key->order_id, key->id}, started);
    if (!assignment.ok()) return assignment.status();
    if (absl::Status s = domain::CheckContractable(assignment->state); !s.ok()) return s;
    domain::ContractFacts facts;
    facts.assignment = *assignment;
    auto exchange = registry_.Get<domain::Exchange>({"", key->exchange_id});
    if (!exchange.ok()) return exchange.status();
    facts.exchange = *exchange;
    const std::string language =
        request->language().empty() ? facts.exchange.default_language : request->language();
    if (absl::Status s = CheckLanguage(language); !s.ok()) return s;
    auto order = orders_.GetOrder({key->exchange_id, key->order_id});
    if (!order.ok()) return order.status();
    facts.order = *order;
    auto orderer = registry_.Get<domain::Organization>({key->exchange_id, order->organization_id});
    if (!orderer.ok()) return orderer.status();
    facts.orderer = *orderer;
    auto expert = registry_.Get<domain::Expert>({key->exchange_id, assignment->expert_id});
    if (!expert.ok()) return expert.status();
    facts.expert = *expert;
    auto schedule = fees_.GetFeeSchedule(key->exchange_id);
    if (!schedule.ok()) return schedule.status();
    facts.schedule = *schedule;
    auto active = contracts_.ActiveTemplate(key->exchange_id, language);
    if (!active.ok()) return active.status();
    const std::string body = active->has_value()
                                 ? (*active)->body
                                 : std::string(domain::DefaultContractTemplate(language));
    facts.created = domain::ContractDate(
        facts, active->has_value() ? (*active)->create_time : absl::UnixEpoch());
    storage::StoredContract contract;
    contract.exchange_id = key->exchange_id;
    contract.id = domain::GenerateId();
    auto made = MakeContract(body, facts, language, contract.id);
    if (!made.ok()) return made.status();
    caller.set_audit_resource(
        domain::ChildResourceName(key->exchange_id, "contracts", contract.id));
    contract.order_id = key->order_id;
    contract.assignment_id = key->id;
    contract.language = language;
    contract.template_version = active->has_value() ? (*active)->version : 0;
    contract.sha256 = domain::Sha256Hex(made->pdf);
    contract.text_sha256 = made->text_sha256;
    contract.create_time = caller.now();
    auto stored = contracts_.SaveContract(contract, made->pdf, made->plain, made->marked);
    if (!stored.ok()) return stored.status();
    if (metrics_ != nullptr) {
      metrics_->RecordOperation(
          "contract_generation", absl::ToDoubleSeconds(absl::Now() - started));
    }
    *response->mutable_contract() = ToProto(*stored);
    return absl::OkStatus();
      });
}

grpc::Status ContractService::GetContract(
    grpc::ServerContext* context, const v1::GetContractRequest* request,
    v1::GetContractResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/GetContract", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "contracts", "name");
        if (!name.ok()) return name.status();
        auto contract = contracts_.GetContract({name->exchange_id, name->id});
        if (!contract.ok()) return contract.status();
        if (absl::Status s = MaySeeContract(caller, *contract, request->name()); !s.ok()) return s;
        *response->mutable_contract() = ToProto(*contract);
        return absl::OkStatus();
      });
}

grpc::Status ContractService::ListContracts(
    grpc::ServerContext* context, const v1::ListContractsRequest* request,
    v1::ListContractsResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/ListContracts", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        std::vector<domain::FilterField> fields = {
            {"assignment", [](absl::string_view v) -> std::optional<std::string> {
               auto a = domain::ParseAssignmentName(v, "filter");
               if (!a.ok()) return std::nullopt;
               return absl::StrCat(a->order_id, "/", a->id);
             }}};
        auto query = domain::ParseListQuery(
            request->parent(), "contracts", request->page_size(), request->page_token(),
            request->filter(), fields);
        if (!query.ok()) return query.status();
        // An expert lists her own contracts only.
        if (caller.self_only()) query->terms.push_back({"expert", caller.principal().expert_id});
        auto page = contracts_.ListContracts(*exchange_id, *query);
        if (!page.ok()) return page.status();
        for (const auto& c : page->items) *response->add_contracts() = ToProto(c);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status ContractService::GetContractDocument(
    grpc::ServerContext* context, const v1::GetContractDocumentRequest* request,
    v1::GetContractDocumentResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/GetContractDocument", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "contracts", "name");
        if (!name.ok()) return name.status();
        if (caller.organization_only() || caller.self_only()) {
          auto contract = contracts_.GetContract({name->exchange_id, name->id});
          if (!contract.ok()) return contract.status();
          if (absl::Status s = MaySeeContract(caller, *contract, request->name()); !s.ok())
            return s;
        }
        const bool pdf = request->format() != v1::DOCUMENT_FORMAT_TEXT;
        auto content = contracts_.GetDocument({name->exchange_id, name->id}, pdf);
        if (!content.ok()) return content.status();
        response->set_sha256(domain::Sha256Hex(*content));
        response->set_content(*std::move(content));
        response->set_mime_type(pdf ? kPdf : kText);
        return absl::OkStatus();
      });
}

absl::StatusOr<std::string> ContractService::AcceptedDocument(
    const storage::Key& key, const std::string& expert_id, const std::string& typed_name,
    absl::Time now, domain::AcceptedVia via) {
  // Nothing is rendered for a contract the caller does not hold.
  auto contract = contracts_.GetHeldContract(key, expert_id);
  if (!contract.ok()) return contract.status();
  auto marked = contracts_.GetMarkedText(key);
  if (!marked.ok()) return marked.status();
  // Contracts made before the marked text was kept stay as they were.
  if (marked->empty() || contract->accepted_time != absl::UnixEpoch()) return std::string();
  domain::Document document = domain::ParseDocument(
      absl::StrCat(*marked, domain::AcceptanceBlock(typed_name, now, via, contract->language)));
  document.footer = domain::ContractFooter(contract->id, contract->text_sha256, contract->language);
  return render::RenderPdf(document, "", now);
}

grpc::Status ContractService::AcceptContract(
    grpc::ServerContext* context, const v1::AcceptContractRequest* request,
    v1::AcceptContractResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/AcceptContract", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "contracts", "name");
        if (!name.ok()) return name.status();
        std::string full_name(absl::StripAsciiWhitespace(request->full_name()));
        if (full_name.empty() || full_name.size() > 800) {
          return domain::InvalidField("full_name", "the expert's full name, 1 to 200 characters");
        }
        // Only the expert herself accepts (the access rule lets no other role
        // call this); the record keeps who and through which channel, and so
        // does the accepted document: the contract with its acceptance block.
        const domain::Principal& who = caller.principal();
        const storage::Key key{name->exchange_id, name->id};
        const auto via =
            who.web_session ? domain::AcceptedVia::kSelfServicePage : domain::AcceptedVia::kApiKey;
        auto accepted_pdf = AcceptedDocument(key, who.expert_id, full_name, caller.now(), via);
        if (!accepted_pdf.ok()) return accepted_pdf.status();
        auto contract = contracts_.Accept(
            key, full_name, who.expert_id, who.web_session ? "SELF_SERVICE_PAGE" : "API_KEY",
            caller.now(), *accepted_pdf);
        if (contract.ok()) *response->mutable_contract() = ToProto(*contract);
        return contract.status();
      });
}

grpc::Status ContractService::CreateContractTemplate(
    grpc::ServerContext* context, const v1::CreateContractTemplateRequest* request,
    v1::CreateContractTemplateResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/CreateContractTemplate", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        const v1::ContractTemplate& t = request->contract_template();
        domain::FieldViolations v;
        if (!domain::IsDocumentLanguage(t.language())) {
          v.Add("contract_template.language", "not offered: fi, sv or en");
        }
        if (t.text().empty() || t.text().size() > kMaxTemplateLength) {
          v.Add("contract_template.text", "is required, at most 100000 characters");
        } else if (absl::Status s =
                       domain::CheckContractTemplate(t.text(), "contract_template.text");
                   !s.ok()) {
          v.Add(s);
        }
        if (!v.empty()) return v.ToStatus();
        auto preview =
            MakeContract(t.text(), domain::SampleContractFacts(), t.language(), "sample");
        if (!preview.ok()) return preview.status();
        response->set_preview_pdf(std::move(preview->pdf));
        if (request->validate_only()) {
          response->mutable_contract_template()->set_language(t.language());
          response->mutable_contract_template()->set_text(t.text());
          return absl::OkStatus();
        }
        auto stored = contracts_.CreateTemplate(*exchange_id, t.language(), t.text(), caller.now());
        if (stored.ok()) *response->mutable_contract_template() = ToProto(*stored);
        return stored.status();
      });
}

grpc::Status ContractService::GetContractTemplate(
    grpc::ServerContext* context, const v1::GetContractTemplateRequest* request,
    v1::GetContractTemplateResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/GetContractTemplate", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto key = ParseTemplateName(request->name());
        if (!key.ok()) return key.status();
        auto t = LoadTemplate(key->exchange_id, key->language, key->version);
        if (t.ok()) *response->mutable_contract_template() = *std::move(t);
        return t.status();
      });
}

absl::Status ContractService::MaySeeContract(
    const Caller& caller, const storage::StoredContract& contract, const std::string& name) {
  if (!caller.organization_only() && !caller.self_only()) return absl::OkStatus();
  absl::Status s = MaySeeAssignment(
      orders_, assignments_, caller,
      absl::StrCat(
          "exchanges/", contract.exchange_id, "/orders/", contract.order_id, "/assignments/",
          contract.assignment_id));
  if (s.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat(name, " not found"));
  }
  return s;
}

absl::StatusOr<v1::ContractTemplate> ContractService::LoadTemplate(
    const std::string& exchange_id, const std::string& language, int version) {
  if (version > 0) {
    auto t = contracts_.GetTemplate(exchange_id, language, version);
    if (!t.ok()) return t.status();
    return ToProto(*t);
  }
  // Version 0: the built-in template, active when no uploaded one is.
  auto active = contracts_.ActiveTemplate(exchange_id, language);
  if (!active.ok()) return active.status();
  return ToProto(storage::StoredTemplate{
      exchange_id, language, 0, std::string(domain::DefaultContractTemplate(language)),
      !active->has_value(), absl::UnixEpoch()});
}

grpc::Status ContractService::ListContractTemplates(
    grpc::ServerContext* context, const v1::ListContractTemplatesRequest* request,
    v1::ListContractTemplatesResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/ListContractTemplates", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto query = domain::ParseListQuery(
            request->parent(), "contractTemplates", request->page_size(), request->page_token(), "",
            {});
        if (!query.ok()) return query.status();
        auto page = contracts_.ListTemplates(*exchange_id, *query);
        if (!page.ok()) return page.status();
        for (const auto& t : page->items) *response->add_contract_templates() = ToProto(t);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status ContractService::ActivateContractTemplate(
    grpc::ServerContext* context, const v1::ActivateContractTemplateRequest* request,
    v1::ActivateContractTemplateResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/ActivateContractTemplate", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto key = ParseTemplateName(request->name());
        if (!key.ok()) return key.status();
        if (absl::Status s =
                contracts_.ActivateTemplate(key->exchange_id, key->language, key->version);
            !s.ok()) {
          return s;
        }
        auto t = LoadTemplate(key->exchange_id, key->language, key->version);
        if (t.ok()) *response->mutable_contract_template() = *std::move(t);
        return t.status();
      });
}

grpc::Status ContractService::RenderPrivacyNotice(
    grpc::ServerContext* context, const v1::RenderPrivacyNoticeRequest* request,
    v1::RenderPrivacyNoticeResponse* response) {
  return guard_.Run(
      context, *request, "ContractService/RenderPrivacyNotice", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->name(), "name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto exchange = registry_.Get<domain::Exchange>({"", *exchange_id});
        if (!exchange.ok()) return exchange.status();
        const std::string language =
            request->language().empty() ? exchange->default_language : request->language();
        if (absl::Status s = CheckLanguage(language); !s.ok()) return s;
        if (absl::Status s = domain::CheckPrivacyNoticeFacts(*exchange); !s.ok()) return s;
        auto marked = domain::RenderTemplate(
            domain::DefaultPrivacyTemplate(language),
            domain::PrivacyNoticeData(*exchange, language));
        if (!marked.ok()) return marked.status();
        const domain::Document document = domain::ParseDocument(*marked);
        if (request->format() == v1::DOCUMENT_FORMAT_TEXT) {
          response->set_content(domain::PlainText(document));
          response->set_mime_type(kText);
          return absl::OkStatus();
        }
        auto pdf = render::RenderPdf(document, "", domain::PrivacyNoticeDate(*exchange));
        if (!pdf.ok()) return pdf.status();
        response->set_content(*std::move(pdf));
        response->set_mime_type(kPdf);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
