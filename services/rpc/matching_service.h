// kokemus.v1.MatchingService: ranks experts for an order with
// domain::RankExperts over what the stores know.
#ifndef KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_

#include "kokemus/v1/matching_service.grpc.pb.h"
#include "services/observability/metrics.h"
#include "services/storage/order_store.h"
#include "services/storage/registry_store.h"

namespace kokemus::rpc {

class MatchingService final : public v1::MatchingService::Service {
 public:
  MatchingService(storage::RegistryStore& registry, storage::OrderStore& orders,
                  observability::Metrics* metrics)
      : registry_(registry), orders_(orders), metrics_(metrics) {}

  grpc::Status RankExperts(grpc::ServerContext*, const v1::RankExpertsRequest*,
                           v1::RankExpertsResponse*) override;

 private:
  storage::RegistryStore& registry_;
  storage::OrderStore& orders_;
  observability::Metrics* metrics_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_MATCHING_SERVICE_H_
