// kokemus.v1.RegistryService: exchanges, experts and organizations over gRPC.
// Handlers convert, validate with the domain rules, call the RegistryStore and
// map the result with ToGrpcStatus; no exception leaves a handler.
//
//   RegistryService service(store, subjects, earnings, guard);
//   builder.RegisterService(&service);
#ifndef KOKEMUS_SERVICES_RPC_REGISTRY_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_REGISTRY_SERVICE_H_

#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/data_subject_store.h"
#include "services/storage/earnings_store.h"
#include "services/storage/registry_store.h"

namespace kokemus::rpc {

class RegistryService final : public v1::RegistryService::Service {
 public:
  RegistryService(
      storage::RegistryStore& store, storage::DataSubjectStore& subjects,
      storage::EarningsStore& earnings, AccessGuard& guard)
      : store_(store), subjects_(subjects), earnings_(earnings), guard_(guard) {}

  grpc::Status CreateExchange(
      grpc::ServerContext*, const v1::CreateExchangeRequest*, v1::CreateExchangeResponse*) override;
  grpc::Status GetExchange(
      grpc::ServerContext*, const v1::GetExchangeRequest*, v1::GetExchangeResponse*) override;
  grpc::Status ListExchanges(
      grpc::ServerContext*, const v1::ListExchangesRequest*, v1::ListExchangesResponse*) override;
  grpc::Status UpdateExchange(
      grpc::ServerContext*, const v1::UpdateExchangeRequest*, v1::UpdateExchangeResponse*) override;

  grpc::Status CreateExpert(
      grpc::ServerContext*, const v1::CreateExpertRequest*, v1::CreateExpertResponse*) override;
  grpc::Status GetExpert(
      grpc::ServerContext*, const v1::GetExpertRequest*, v1::GetExpertResponse*) override;
  grpc::Status ListExperts(
      grpc::ServerContext*, const v1::ListExpertsRequest*, v1::ListExpertsResponse*) override;
  grpc::Status UpdateExpert(
      grpc::ServerContext*, const v1::UpdateExpertRequest*, v1::UpdateExpertResponse*) override;
  grpc::Status DeleteExpert(
      grpc::ServerContext*, const v1::DeleteExpertRequest*, v1::DeleteExpertResponse*) override;
  grpc::Status ExportExpertData(
      grpc::ServerContext*, const v1::ExportExpertDataRequest*,
      v1::ExportExpertDataResponse*) override;
  grpc::Status EraseExpert(
      grpc::ServerContext*, const v1::EraseExpertRequest*, v1::EraseExpertResponse*) override;
  grpc::Status ApplyRetention(
      grpc::ServerContext*, const v1::ApplyRetentionRequest*, v1::ApplyRetentionResponse*) override;

  grpc::Status GetEarningsFloors(
      grpc::ServerContext*, const v1::GetEarningsFloorsRequest*,
      v1::GetEarningsFloorsResponse*) override;
  grpc::Status UpdateEarningsFloors(
      grpc::ServerContext*, const v1::UpdateEarningsFloorsRequest*,
      v1::UpdateEarningsFloorsResponse*) override;
  grpc::Status GetExpertEarnings(
      grpc::ServerContext*, const v1::GetExpertEarningsRequest*,
      v1::GetExpertEarningsResponse*) override;
  grpc::Status RenderEarningsLetter(
      grpc::ServerContext*, const v1::RenderEarningsLetterRequest*,
      v1::RenderEarningsLetterResponse*) override;

  grpc::Status CreateOrganization(
      grpc::ServerContext*, const v1::CreateOrganizationRequest*,
      v1::CreateOrganizationResponse*) override;
  grpc::Status GetOrganization(
      grpc::ServerContext*, const v1::GetOrganizationRequest*,
      v1::GetOrganizationResponse*) override;
  grpc::Status ListOrganizations(
      grpc::ServerContext*, const v1::ListOrganizationsRequest*,
      v1::ListOrganizationsResponse*) override;
  grpc::Status UpdateOrganization(
      grpc::ServerContext*, const v1::UpdateOrganizationRequest*,
      v1::UpdateOrganizationResponse*) override;
  grpc::Status DeleteOrganization(
      grpc::ServerContext*, const v1::DeleteOrganizationRequest*,
      v1::DeleteOrganizationResponse*) override;

 private:
  storage::RegistryStore& store_;
  storage::DataSubjectStore& subjects_;
  storage::EarningsStore& earnings_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REGISTRY_SERVICE_H_
