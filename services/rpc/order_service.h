// kokemus.v1.OrderService: orders, assignments, feedback and the fee schedule
// over gRPC. Handlers check the request's shape with the domain rules and
// leave the lifecycle rules to domain/order_lifecycle.h, applied by the stores.
//
//   OrderService service(store);
//   builder.RegisterService(&service);
#ifndef KOKEMUS_SERVICES_RPC_ORDER_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_ORDER_SERVICE_H_

#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/domain/fees.h"
#include "services/rpc/access_guard.h"
#include "services/storage/assignment_store.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/matching_store.h"
#include "services/storage/offer_round_store.h"
#include "services/storage/order_store.h"

namespace kokemus::rpc {

class OrderService final : public v1::OrderService::Service {
 public:
  OrderService(
      storage::OrderStore& orders, storage::AssignmentStore& assignments,
      storage::FeeScheduleStore& fees, storage::MatchingStore& matching,
      storage::OfferRoundStore& rounds, AccessGuard& guard)
      : store_(orders),
        assignments_(assignments),
        fees_(fees),
        matching_(matching),
        rounds_(rounds),
        guard_(guard) {}

  grpc::Status CreateOrder(
      grpc::ServerContext*, const v1::CreateOrderRequest*, v1::CreateOrderResponse*) override;
  grpc::Status GetOrder(
      grpc::ServerContext*, const v1::GetOrderRequest*, v1::GetOrderResponse*) override;
  grpc::Status ListOrders(
      grpc::ServerContext*, const v1::ListOrdersRequest*, v1::ListOrdersResponse*) override;
  grpc::Status UpdateOrder(
      grpc::ServerContext*, const v1::UpdateOrderRequest*, v1::UpdateOrderResponse*) override;
  grpc::Status CancelOrder(
      grpc::ServerContext*, const v1::CancelOrderRequest*, v1::CancelOrderResponse*) override;
  grpc::Status OfferAssignment(
      grpc::ServerContext*, const v1::OfferAssignmentRequest*,
      v1::OfferAssignmentResponse*) override;
  grpc::Status AcceptAssignment(
      grpc::ServerContext*, const v1::AcceptAssignmentRequest*,
      v1::AcceptAssignmentResponse*) override;
  grpc::Status WithdrawAssignment(
      grpc::ServerContext*, const v1::WithdrawAssignmentRequest*,
      v1::WithdrawAssignmentResponse*) override;
  grpc::Status StartOfferRounds(
      grpc::ServerContext*, const v1::StartOfferRoundsRequest*,
      v1::StartOfferRoundsResponse*) override;
  grpc::Status GetOfferRounds(
      grpc::ServerContext*, const v1::GetOfferRoundsRequest*, v1::GetOfferRoundsResponse*) override;
  grpc::Status StopOfferRounds(
      grpc::ServerContext*, const v1::StopOfferRoundsRequest*,
      v1::StopOfferRoundsResponse*) override;
  grpc::Status DeclineAssignment(
      grpc::ServerContext*, const v1::DeclineAssignmentRequest*,
      v1::DeclineAssignmentResponse*) override;
  grpc::Status ConfirmAssignment(
      grpc::ServerContext*, const v1::ConfirmAssignmentRequest*,
      v1::ConfirmAssignmentResponse*) override;
  grpc::Status CompleteAssignment(
      grpc::ServerContext*, const v1::CompleteAssignmentRequest*,
      v1::CompleteAssignmentResponse*) override;
  grpc::Status CancelAssignment(
      grpc::ServerContext*, const v1::CancelAssignmentRequest*,
      v1::CancelAssignmentResponse*) override;
  grpc::Status GetAssignment(
      grpc::ServerContext*, const v1::GetAssignmentRequest*, v1::GetAssignmentResponse*) override;
  grpc::Status ListAssignments(
      grpc::ServerContext*, const v1::ListAssignmentsRequest*,
      v1::ListAssignmentsResponse*) override;
  grpc::Status SubmitFeedback(
      grpc::ServerContext*, const v1::SubmitFeedbackRequest*, v1::SubmitFeedbackResponse*) override;
  grpc::Status GetFeeSchedule(
      grpc::ServerContext*, const v1::GetFeeScheduleRequest*, v1::GetFeeScheduleResponse*) override;
  grpc::Status UpdateFeeSchedule(
      grpc::ServerContext*, const v1::UpdateFeeScheduleRequest*,
      v1::UpdateFeeScheduleResponse*) override;

 private:
  // The matching rules an offer by hand to `expert_id` breaks, each of which
  // `overrides` must name (domain::CheckOverrides); none when the order or
  // the expert is missing or the order takes no offers (the offer refuses).
  absl::StatusOr<std::vector<domain::ExclusionRule>> RulesOverridden(
      const domain::AssignmentName& offer, const std::string& expert_id,
      const std::vector<domain::ExclusionRule>& overrides, absl::Time now);
  storage::OrderStore& store_;
  storage::AssignmentStore& assignments_;
  storage::FeeScheduleStore& fees_;
  storage::MatchingStore& matching_;
  storage::OfferRoundStore& rounds_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_ORDER_SERVICE_H_
