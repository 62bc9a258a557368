// kokemus.v1.ContractService: assignment contracts generated from the
// exchange's templates as PDF and text, stored immutably; template versions;
// privacy notices.
//
//   ContractService service(registry, orders, contracts, &metrics);
#ifndef KOKEMUS_SERVICES_RPC_CONTRACT_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_CONTRACT_SERVICE_H_

#include "kokemus/v1/contract_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/observability/metrics.h"
#include "services/rpc/access_guard.h"
#include "services/storage/assignment_store.h"
#include "services/storage/contract_store.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/order_store.h"
#include "services/storage/registry_store.h"

namespace kokemus::rpc {

class ContractService final : public v1::ContractService::Service {
 public:
  ContractService(
      storage::RegistryStore& registry, storage::OrderStore& orders,
      storage::AssignmentStore& assignments, storage::FeeScheduleStore& fees,
      storage::ContractStore& contracts, AccessGuard& guard, observability::Metrics* metrics)
      : registry_(registry),
        orders_(orders),
        assignments_(assignments),
        fees_(fees),
        contracts_(contracts),
        guard_(guard),
        metrics_(metrics) {}

  grpc::Status GenerateContract(
      grpc::ServerContext*, const v1::GenerateContractRequest*,
      v1::GenerateContractResponse*) override;
  grpc::Status GetContract(
      grpc::ServerContext*, const v1::GetContractRequest*, v1::GetContractResponse*) override;
  grpc::Status ListContracts(
      grpc::ServerContext*, const v1::ListContractsRequest*, v1::ListContractsResponse*) override;
  grpc::Status GetContractDocument(
      grpc::ServerContext*, const v1::GetContractDocumentRequest*,
      v1::GetContractDocumentResponse*) override;
  grpc::Status AcceptContract(
      grpc::ServerContext*, const v1::AcceptContractRequest*, v1::AcceptContractResponse*) override;
  grpc::Status CreateContractTemplate(
      grpc::ServerContext*, const v1::CreateContractTemplateRequest*,
      v1::CreateContractTemplateResponse*) override;
  grpc::Status GetContractTemplate(
      grpc::ServerContext*, const v1::GetContractTemplateRequest*,
      v1::GetContractTemplateResponse*) override;
  grpc::Status ListContractTemplates(
      grpc::ServerContext*, const v1::ListContractTemplatesRequest*,
      v1::ListContractTemplatesResponse*) override;
  grpc::Status ActivateContractTemplate(
      grpc::ServerContext*, const v1::ActivateContractTemplateRequest*,
      v1::ActivateContractTemplateResponse*) override;
  grpc::Status RenderPrivacyNotice(
      grpc::ServerContext*, const v1::RenderPrivacyNoticeRequest*,
      v1::RenderPrivacyNoticeResponse*) override;

 private:
  // NOT_FOUND naming `name` unless a narrowed caller may see the contract's
  // assignment.
  absl::Status MaySeeContract(
      const Caller& caller, const storage::StoredContract& contract, const std::string& name);
  // A template version as the API shows it; version 0 is the built-in one.
  absl::StatusOr<v1::ContractTemplate> LoadTemplate(
      const std::string& exchange_id, const std::string& language, int version);
  // The accepted document: the contract's marked-up text with the acceptance
  // block, as a PDF ("" for a contract made before that text was kept);
  // NOT_FOUND when `expert_id` does not hold the contract.
  absl::StatusOr<std::string> AcceptedDocument(
      const storage::Key& key, const std::string& expert_id, const std::string& typed_name,
      absl::Time now, domain::AcceptedVia via);

  storage::RegistryStore& registry_;
  storage::OrderStore& orders_;
  storage::AssignmentStore& assignments_;
  storage::FeeScheduleStore& fees_;
  storage::ContractStore& contracts_;
  AccessGuard& guard_;
  observability::Metrics* metrics_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_CONTRACT_SERVICE_H_
