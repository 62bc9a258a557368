// kokemus.v1.MatchingService: ranks experts for an order and plans many
// orders (domain/matching.h, domain/planner.h) over the exchange's matching
// data held in memory by storage::MatchingStore; turns a plan into offers.
#ifndef KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_

#include "kokemus/v1/matching_service.grpc.pb.h"
#include "services/observability/metrics.h"
#include "services/rpc/access_guard.h"
#include "services/storage/assignment_store.h"
#include "services/storage/matching_store.h"
#include "services/storage/order_store.h"

namespace kokemus::rpc {

class MatchingService final : public v1::MatchingService::Service {
 public:
  MatchingService(
      storage::MatchingStore& matching, storage::OrderStore& orders,
      storage::AssignmentStore& assignments, AccessGuard& guard, observability::Metrics* metrics)
      : matching_(matching),
        orders_(orders),
        assignments_(assignments),
        guard_(guard),
        metrics_(metrics) {}

  grpc::Status RankExperts(
      grpc::ServerContext*, const v1::RankExpertsRequest*, v1::RankExpertsResponse*) override;
  grpc::Status PlanAssignments(
      grpc::ServerContext*, const v1::PlanAssignmentsRequest*,
      v1::PlanAssignmentsResponse*) override;
  grpc::Status OfferPlan(
      grpc::ServerContext*, const v1::OfferPlanRequest*, v1::OfferPlanResponse*) override;
  grpc::Status GetMatchingSettings(
      grpc::ServerContext*, const v1::GetMatchingSettingsRequest*,
      v1::GetMatchingSettingsResponse*) override;
  grpc::Status UpdateMatchingSettings(
      grpc::ServerContext*, const v1::UpdateMatchingSettingsRequest*,
      v1::UpdateMatchingSettingsResponse*) override;

 private:
  storage::MatchingStore& matching_;
  storage::OrderStore& orders_;
  storage::AssignmentStore& assignments_;
  AccessGuard& guard_;
  observability::Metrics* metrics_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_
