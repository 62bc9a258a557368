// contract generate|get|accept|document|list, template list|get|activate|upload,
// exchange privacy-notice.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/kokemusctl/commands.h"

namespace kokemus::cli {
namespace {

using C = v1::ContractService::Stub;

v1::DocumentFormat Format(Session& s) {
  const std::string format = s.TakeFlag("format").value_or("pdf");
  if (format == "pdf") return v1::DOCUMENT_FORMAT_PDF;
  if (format == "text") return v1::DOCUMENT_FORMAT_TEXT;
  throw UsageError{"--format: pdf or text"};
}

int FetchDocument(Session& s, const std::string& name, v1::DocumentFormat format) {
  v1::GetContractDocumentRequest req;
  req.set_name(name);
  req.set_format(format);
  return s.WriteDocument(s.Call(&C::GetContractDocument, req).content());
}

}  // namespace

// contract generate ORDER/ASSIGNMENT [--language fi] [-o contract.pdf];
// get|accept|document NAME; list.
int ContractCommand(Session& s) {
  if (s.verb() == "generate") {
    v1::GenerateContractRequest req;
    req.set_assignment(s.AssignmentName());
    req.set_language(s.TakeFlag("language").value_or(""));
    const v1::DocumentFormat format = Format(s);
    s.RequireNoMoreFlags();
    const v1::GenerateContractResponse resp = s.Call(&C::GenerateContract, req);
    if (!s.command().output_file.empty()) {
      if (int code = FetchDocument(s, resp.contract().name(), format); code != 0) return code;
    }
    return s.ShowResource(resp);
  }
  if (s.verb() == "list") {
    s.RequireNoMoreFlags();
    return s.List(
        &C::ListContracts, s.Parent(), "contracts",
        {"name", "assignment", "language", "version", "accepted_name"});
  }
  const std::string name = s.NameIn("contracts");
  if (s.verb() == "get") {
    s.RequireNoMoreFlags();
    v1::GetContractRequest req;
    req.set_name(name);
    return s.Show(&C::GetContract, req);
  }
  if (s.verb() == "document") {
    const v1::DocumentFormat format = Format(s);
    s.RequireNoMoreFlags();
    return FetchDocument(s, name, format);
  }
  if (s.verb() == "accept") {
    v1::AcceptContractRequest req;
    req.set_name(name);
    req.set_full_name(s.TakeFlag("full-name").value_or(""));
    s.RequireNoMoreFlags();
    return s.Show(&C::AcceptContract, req);
  }
  throw UsageError{absl::StrCat("unknown verb ", s.verb(), " for contract")};
}

// template list; get|activate LANGUAGE-VERSION; preview --language fi --file F
// -o F.pdf (checked and rendered with sample data, nothing stored); upload
// --language fi --file F (stored and active).
int TemplateCommand(Session& s) {
  if (s.verb() == "list") {
    s.RequireNoMoreFlags();
    return s.List(
        &C::ListContractTemplates, s.Parent(), "contract_templates",
        {"name", "language", "version", "active"});
  }
  if (s.verb() == "upload" || s.verb() == "preview") {
    v1::CreateContractTemplateRequest req;
    req.set_validate_only(s.verb() == "preview");
    req.set_parent(s.Parent());
    req.mutable_contract_template()->set_language(s.TakeFlag("language").value_or(""));
    const std::string file = s.TakeFlag("file").value_or("");
    s.RequireNoMoreFlags();
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (file.empty() || !in) {
      throw UsageError{absl::StrCat("template ", s.verb(), " needs --file TEMPLATE")};
    }
    req.mutable_contract_template()->set_text(text.str());
    if (req.validate_only() && s.command().output_file.empty()) {
      throw UsageError{"template preview needs -o PREVIEW.pdf"};
    }
    v1::CreateContractTemplateResponse resp = s.Call(&C::CreateContractTemplate, req);
    if (req.validate_only()) return s.WriteDocument(resp.preview_pdf());
    resp.clear_preview_pdf();
    return s.ShowResource(resp);
  }
  const std::string name = s.NameIn("contractTemplates");
  s.RequireNoMoreFlags();
  if (s.verb() == "get") {
    v1::GetContractTemplateRequest req;
    req.set_name(name);
    return s.Show(&C::GetContractTemplate, req);
  }
  if (s.verb() == "activate") {
    v1::ActivateContractTemplateRequest req;
    req.set_name(name);
    return s.Show(&C::ActivateContractTemplate, req);
  }
  throw UsageError{absl::StrCat("unknown verb ", s.verb(), " for template")};
}

// exchange privacy-notice ID [--language fi] [--format pdf|text] [-o notice.pdf].
int PrivacyNoticeCommand(Session& s) {
  v1::RenderPrivacyNoticeRequest req;
  req.set_name(s.ExchangeName(s.RequireId()));
  req.set_language(s.TakeFlag("language").value_or(""));
  req.set_format(Format(s));
  s.RequireNoMoreFlags();
  return s.WriteDocument(s.Call(&C::RenderPrivacyNotice, req).content());
}

}  // namespace kokemus::cli
