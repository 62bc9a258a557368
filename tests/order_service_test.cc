// OrderService over real gRPC on both databases: bad input is refused with a
// clear status and changes nothing.
#include <atomic>
#include <limits>
#include <thread>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/domain/fees.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using testing_support::Backend;

using testing_support::Violations;

class OrderServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    orders_ = v1::OrderService::NewStub(server_.channel());
    auto& registry = server_.registry();
    testing_support::CreateExchange(registry, "ph");
    testing_support::CreateExchange(registry, "hel");
    for (const auto& [exchange, id] :
         std::vector<std::pair<std::string, std::string>>{{"ph", "kaisa"}, {"hel", "outsider"}}) {
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/" + exchange);
      req.set_expert_id(id);
      *req.mutable_expert() = testing_support::SampleExpert();
      v1::CreateExpertResponse resp;
      ASSERT_TRUE(registry.CreateExpert(&ctx, req, &resp).ok());
    }
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest org;
    org.set_parent("exchanges/ph");
    org.set_organization_id("lyseo");
    *org.mutable_organization() = testing_support::SampleOrganization();
    v1::CreateOrganizationResponse org_resp;
    ASSERT_TRUE(registry.CreateOrganization(&ctx, org, &org_resp).ok());

    grpc::ClientContext fee_ctx;
    v1::UpdateFeeScheduleRequest fees;
    fees.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    auto* rule = fees.mutable_fee_schedule()->add_role_rules();
    rule->set_role(v1::ROLE_LECTURER);
    rule->set_valid_from("2020-01-01");
    rule->set_kind(v1::FEE_KIND_FIXED);
    rule->set_amount_cents(15000);
    auto* travel = fees.mutable_fee_schedule()->add_travel_rates();
    travel->set_valid_from("2020-01-01");
    travel->set_cents_per_km(25);
    v1::UpdateFeeScheduleResponse fee_resp;
    ASSERT_TRUE(orders_->UpdateFeeSchedule(&fee_ctx, fees, &fee_resp).ok());
    EXPECT_EQ(fee_resp.fee_schedule().etag(), "\"1\"");
  }

  v1::Order SampleOrder(absl::Time start) {
    v1::Order o;
    o.set_organization("exchanges/ph/organizations/lyseo");
    o.set_role(v1::ROLE_LECTURER);
    o.set_topic("Toipumistarina lukiolaisille");
    o.set_audience(v1::AUDIENCE_STUDENTS);
    o.set_audience_size(60);
    *o.mutable_start_time() = rpc::ToProto(start);
    o.set_duration_minutes(75);
    o.set_address("Kirkkokatu 1, Lahti");
    o.set_municipality("398");
    o.set_language("fi");
    return o;
  }

  grpc::Status CreateOrder(
      const std::string& id, const v1::Order& order, v1::Order* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_parent("exchanges/ph");
    req.set_order_id(id);
    *req.mutable_order() = order;
    v1::CreateOrderResponse resp;
    grpc::Status s = orders_->CreateOrder(&ctx, req, &resp);
    if (out) *out = resp.order();
    return s;
  }

  grpc::Status Offer(
      const std::string& order, const std::string& expert_name, absl::Time deadline,
      v1::Assignment* out = nullptr) {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent("exchanges/ph/orders/" + order);
    req.set_assignment_id("a1");
    req.mutable_assignment()->set_expert(expert_name);
    *req.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(deadline);
    v1::OfferAssignmentResponse resp;
    grpc::Status s = orders_->OfferAssignment(&ctx, req, &resp);
    if (out) *out = resp.assignment();
    return s;
  }

  int OrderCount() {
    grpc::ClientContext ctx;
    v1::ListOrdersRequest req;
    req.set_parent("exchanges/ph");
    v1::ListOrdersResponse resp;
    EXPECT_TRUE(orders_->ListOrders(&ctx, req, &resp).ok());
    return resp.orders_size();
  }

  // The server's clock: it stands still until a test moves it.
  domain::FakeClock clock_{absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()))};
  testing_support::TestServer server_{
      GetParam(), [this](ServerOptions& options) { options.clock = &clock_; }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  const absl::Time week_ = clock_.Now() + absl::Hours(24 * 7);
};

TEST_P(OrderServiceTest, EveryRuleFollowsTheServersClock) {
  v1::Order order;
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_), &order).ok());
  EXPECT_EQ(rpc::FromProto(order.create_time()), clock_.Now());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", clock_.Now() + absl::Hours(1), &offered).ok());
  EXPECT_EQ(rpc::FromProto(offered.create_time()), clock_.Now());

  // Two hours later on the server's clock (no real time passes): the offer
  // has lapsed and can't be accepted.
  clock_.Advance(absl::Hours(2));
  grpc::ClientContext get_ctx;
  v1::GetAssignmentRequest get;
  get.set_name(offered.name());
  v1::GetAssignmentResponse got;
  ASSERT_TRUE(orders_->GetAssignment(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.assignment().state(), v1::Assignment::STATE_LAPSED);
  grpc::ClientContext accept_ctx;
  v1::AcceptAssignmentRequest accept;
  accept.set_name(offered.name());
  v1::AcceptAssignmentResponse accepted;
  grpc::Status late = orders_->AcceptAssignment(&accept_ctx, accept, &accepted);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(late.error_message(), "the assignment is LAPSED and can't become ACCEPTED");

  // A new offer, accepted and confirmed; the task is held a week later and
  // can then be completed.
  grpc::ClientContext offer_ctx;
  v1::OfferAssignmentRequest again;
  again.set_parent("exchanges/ph/orders/o1");
  again.set_assignment_id("a2");
  again.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
  *again.mutable_assignment()->mutable_offer_deadline() =
      rpc::ToProto(clock_.Now() + absl::Hours(1));
  v1::OfferAssignmentResponse second;
  ASSERT_TRUE(orders_->OfferAssignment(&offer_ctx, again, &second).ok());
  grpc::ClientContext accept2_ctx;
  accept.set_name(second.assignment().name());
  ASSERT_TRUE(orders_->AcceptAssignment(&accept2_ctx, accept, &accepted).ok());
  grpc::ClientContext confirm_ctx;
  v1::ConfirmAssignmentRequest confirm;
  confirm.set_name(second.assignment().name());
  v1::ConfirmAssignmentResponse confirmed;
  ASSERT_TRUE(orders_->ConfirmAssignment(&confirm_ctx, confirm, &confirmed).ok());
  v1::CompleteAssignmentRequest complete;
  complete.set_name(second.assignment().name());
  v1::CompleteAssignmentResponse completed;
  grpc::ClientContext early_ctx;
  EXPECT_EQ(
      orders_->CompleteAssignment(&early_ctx, complete, &completed).error_message(),
      "the task has not started yet");
  clock_.Set(week_ + absl::Minutes(75));
  grpc::ClientContext done_ctx;
  ASSERT_TRUE(orders_->CompleteAssignment(&done_ctx, complete, &completed).ok());
  EXPECT_EQ(completed.assignment().state(), v1::Assignment::STATE_COMPLETED);
  EXPECT_EQ(rpc::FromProto(completed.assignment().update_time()), week_ + absl::Minutes(75));
}

TEST_P(OrderServiceTest, AnOrderInThePastOrWithBadFieldsIsRefused) {
  v1::Order past = SampleOrder(absl::Now() - absl::Hours(1));
  past.set_duration_minutes(800);
  past.set_experts_needed(11);
  grpc::Status s = CreateOrder("o1", past);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s), ElementsAre(
                         Pair("order.start_time", "must be in the future"),
                         Pair("order.duration_minutes", "must be between 15 and 720"),
                         Pair("order.experts_needed", "must be between 1 and 10")));
  EXPECT_EQ(OrderCount(), 0);
}

TEST_P(OrderServiceTest, AnUnknownOrForeignOrganizationIsNotFound) {
  v1::Order o = SampleOrder(week_);
  o.set_organization("exchanges/ph/organizations/nowhere");
  EXPECT_EQ(CreateOrder("o1", o).error_code(), grpc::StatusCode::NOT_FOUND);
  o.set_organization("exchanges/hel/organizations/lyseo");
  grpc::Status s = CreateOrder("o1", o);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "exchanges/hel/organizations/lyseo not found");
  EXPECT_EQ(OrderCount(), 0);
}

TEST_P(OrderServiceTest, OffersToUnknownOrForeignExpertsAreNotFound) {
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_)).ok());
  grpc::Status unknown = Offer("o1", "exchanges/ph/experts/nobody", absl::Now() + absl::Hours(1));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(), "exchanges/ph/experts/nobody not found");
  grpc::Status foreign =
      Offer("o1", "exchanges/hel/experts/outsider", absl::Now() + absl::Hours(1));
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(foreign.error_message(), "exchanges/hel/experts/outsider not found");
}

TEST_P(OrderServiceTest, OfferAcceptConfirmShowsTheMoney) {
  v1::Order order;
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_), &order).ok());
  EXPECT_EQ(order.state(), v1::Order::STATE_OPEN);
  EXPECT_EQ(order.experts_needed(), 1);
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", absl::Now() + absl::Hours(1), &offered).ok());
  EXPECT_EQ(offered.name(), "exchanges/ph/orders/o1/assignments/a1");
  EXPECT_EQ(offered.state(), v1::Assignment::STATE_OFFERED);
  EXPECT_EQ(offered.fee_cents(), 15000);
  EXPECT_EQ(offered.travel_cents(), 0);  // Lahti to Lahti
  EXPECT_EQ(offered.total_cents(), 15000);

  grpc::ClientContext accept_ctx;
  v1::AcceptAssignmentRequest accept;
  accept.set_name(offered.name());
  accept.set_etag(offered.etag());
  v1::AcceptAssignmentResponse accepted;
  ASSERT_TRUE(orders_->AcceptAssignment(&accept_ctx, accept, &accepted).ok());
  EXPECT_EQ(accepted.assignment().state(), v1::Assignment::STATE_ACCEPTED);

  grpc::ClientContext again_ctx;  // accepting twice is a wrong state
  v1::AcceptAssignmentResponse again;
  accept.clear_etag();
  grpc::Status s = orders_->AcceptAssignment(&again_ctx, accept, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "the assignment is ACCEPTED and can't become ACCEPTED");

  grpc::ClientContext confirm_ctx;
  v1::ConfirmAssignmentRequest confirm;
  confirm.set_name(offered.name());
  v1::ConfirmAssignmentResponse confirmed;
  ASSERT_TRUE(orders_->ConfirmAssignment(&confirm_ctx, confirm, &confirmed).ok());
  grpc::ClientContext get_ctx;
  v1::GetOrderRequest get;
  get.set_name("exchanges/ph/orders/o1");
  v1::GetOrderResponse got;
  ASSERT_TRUE(orders_->GetOrder(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.order().state(), v1::Order::STATE_ASSIGNED);

  grpc::ClientContext feedback_ctx;  // not completed yet
  v1::SubmitFeedbackRequest fb;
  fb.set_parent(offered.name());
  fb.mutable_feedback()->set_source(v1::Feedback::SOURCE_ORDERER);
  fb.mutable_feedback()->set_overall_rating(5);
  v1::SubmitFeedbackResponse fb_resp;
  EXPECT_EQ(
      orders_->SubmitFeedback(&feedback_ctx, fb, &fb_resp).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(OrderServiceTest, AnExpertSeesWhomToContactAtTheOrganizationsOfHerOffersOnly) {
  v1::Organization library = testing_support::SampleOrganization();
  library.set_display_name("Lahden kaupunginkirjasto");
  library.set_business_id("1234567-1");
  library.set_contact_name("Kirsi Kirjastonhoitaja");
  library.set_contact_phone("+358 44 123 4567");
  testing_support::CreateOrganization(server_.registry(), "ph", "kirjasto", library);
  testing_support::CreateOrganization(server_.registry(), "ph", "muu", library);
  v1::Order o = SampleOrder(week_);
  o.set_organization("exchanges/ph/organizations/kirjasto");
  ASSERT_TRUE(CreateOrder("o1", o).ok());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", absl::Now() + absl::Hours(1), &offered).ok());
  auto kaisa = v1::RegistryService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
  grpc::ClientContext ctx;
  v1::GetOrganizationRequest get;
  get.set_name("exchanges/ph/organizations/kirjasto");
  v1::GetOrganizationResponse got;
  grpc::Status s = kaisa->GetOrganization(&ctx, get, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.organization().display_name(), "Lahden kaupunginkirjasto");
  EXPECT_EQ(got.organization().contact_name(), "Kirsi Kirjastonhoitaja");
  EXPECT_EQ(got.organization().contact_phone(), "+358441234567");
  EXPECT_EQ(got.organization().contact_email(), "rehtori@example.fi");
  EXPECT_EQ(got.organization().municipality(), "398");
  // Not what she needs: the business id, the etag, the times.
  EXPECT_EQ(got.organization().business_id(), "");
  EXPECT_EQ(got.organization().etag(), "");
  EXPECT_FALSE(got.organization().has_create_time());
  // An organization she has no offer or task from is as missing as none.
  for (const char* other : {"exchanges/ph/organizations/muu", "exchanges/ph/organizations/lyseo"}) {
    grpc::ClientContext other_ctx;
    get.set_name(other);
    EXPECT_EQ(
        kaisa->GetOrganization(&other_ctx, get, &got).error_code(), grpc::StatusCode::NOT_FOUND)
        << other;
  }
}

// Notes on the clientele are the coordinator's: the expert and the orderer's
// system get the order without them, and an orderer sending back what it
// read does not wipe them.
TEST_P(OrderServiceTest, AnOrdersNotesReachTheCoordinatorOnly) {
  v1::Order o = SampleOrder(week_);
  o.set_notes("Ryhmä on päihdekuntoutuksessa.");
  ASSERT_TRUE(CreateOrder("o1", o).ok());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", absl::Now() + absl::Hours(1), &offered).ok());
  auto kaisa = v1::OrderService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
  auto lyseo = v1::OrderService::NewStub(testing_support::KeyChannel(
      server_.address(),
      server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "lyseo", "")));
  v1::GetOrderRequest get;
  get.set_name("exchanges/ph/orders/o1");
  for (auto* stub : {kaisa.get(), lyseo.get()}) {
    grpc::ClientContext ctx;
    v1::GetOrderResponse got;
    ASSERT_TRUE(stub->GetOrder(&ctx, get, &got).ok());
    EXPECT_EQ(got.order().topic(), "Toipumistarina lukiolaisille");
    EXPECT_EQ(got.order().notes(), "");
  }
  {
    grpc::ClientContext ctx;
    v1::ListOrdersRequest list;
    list.set_parent("exchanges/ph");
    v1::ListOrdersResponse listed;
    ASSERT_TRUE(lyseo->ListOrders(&ctx, list, &listed).ok());
    ASSERT_EQ(listed.orders_size(), 1);
    EXPECT_EQ(listed.orders(0).notes(), "");
  }
  // The orderer changes the topic, sending the whole order it read.
  v1::Order read;
  {
    grpc::ClientContext ctx;
    v1::GetOrderResponse got;
    ASSERT_TRUE(lyseo->GetOrder(&ctx, get, &got).ok());
    read = got.order();
  }
  read.set_topic("Toipumistarina ja vertaistuki");
  {
    grpc::ClientContext ctx;
    v1::UpdateOrderRequest update;
    *update.mutable_order() = read;
    v1::UpdateOrderResponse updated;
    grpc::Status s = lyseo->UpdateOrder(&ctx, update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(updated.order().notes(), "");
  }
  grpc::ClientContext ctx;
  v1::GetOrderResponse got;
  ASSERT_TRUE(orders_->GetOrder(&ctx, get, &got).ok());
  EXPECT_EQ(got.order().topic(), "Toipumistarina ja vertaistuki");
  EXPECT_EQ(got.order().notes(), "Ryhmä on päihdekuntoutuksessa.");
}

TEST_P(OrderServiceTest, AnExpertsReasonForCancellingIsHersAndTheCoordinatorsOnly) {
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_)).ok());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", absl::Now() + absl::Hours(1), &offered).ok());
  grpc::ClientContext accept_ctx;
  v1::AcceptAssignmentRequest accept;
  accept.set_name(offered.name());
  v1::AcceptAssignmentResponse accepted;
  ASSERT_TRUE(orders_->AcceptAssignment(&accept_ctx, accept, &accepted).ok());
  auto as = [&](domain::AccessRole role, const std::string& org, const std::string& expert) {
    return v1::OrderService::NewStub(testing_support::KeyChannel(
        server_.address(), server_.keys().Make(role, "ph", org, expert)));
  };
  auto kaisa = as(domain::AccessRole::kExpert, "", "kaisa");
  auto lyseo = as(domain::AccessRole::kOrdererSystem, "lyseo", "");

  // The orderer gives no reason; the expert may.
  v1::CancelAssignmentRequest cancel;
  cancel.set_name(offered.name());
  cancel.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
  cancel.set_reason(v1::CANCEL_REASON_ILLNESS);
  v1::CancelAssignmentResponse cancelled;
  grpc::ClientContext orderer_ctx;
  EXPECT_THAT(
      Violations(lyseo->CancelAssignment(&orderer_ctx, cancel, &cancelled)),
      ElementsAre(Pair("reason", "only an expert's cancellation gives a reason")));
  cancel.set_cancelled_by(v1::CANCELLED_BY_EXPERT);
  grpc::ClientContext expert_ctx;
  grpc::Status s = kaisa->CancelAssignment(&expert_ctx, cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cancelled.assignment().state(), v1::Assignment::STATE_CANCELLED);
  EXPECT_EQ(cancelled.assignment().cancel_reason(), v1::CANCEL_REASON_ILLNESS);

  v1::GetAssignmentRequest get;
  get.set_name(offered.name());
  v1::GetAssignmentResponse got;
  grpc::ClientContext coordinator_ctx;
  ASSERT_TRUE(orders_->GetAssignment(&coordinator_ctx, get, &got).ok());
  EXPECT_EQ(got.assignment().cancel_reason(), v1::CANCEL_REASON_ILLNESS);
  // The orderer learns that she cancelled, never why.
  grpc::ClientContext orderer_get_ctx;
  ASSERT_TRUE(lyseo->GetAssignment(&orderer_get_ctx, get, &got).ok());
  EXPECT_EQ(got.assignment().cancelled_by(), v1::CANCELLED_BY_EXPERT);
  EXPECT_EQ(got.assignment().cancel_reason(), v1::CANCEL_REASON_UNSPECIFIED);
  v1::ListAssignmentsRequest list;
  list.set_parent("exchanges/ph/orders/o1");
  v1::ListAssignmentsResponse listed;
  grpc::ClientContext orderer_list_ctx;
  ASSERT_TRUE(lyseo->ListAssignments(&orderer_list_ctx, list, &listed).ok());
  ASSERT_EQ(listed.assignments_size(), 1);
  EXPECT_EQ(listed.assignments(0).cancel_reason(), v1::CANCEL_REASON_UNSPECIFIED);
}

TEST_P(OrderServiceTest, AnExpertsReasonForDecliningReachesTheCoordinatorNotTheOrderer) {
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_)).ok());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", absl::Now() + absl::Hours(1), &offered).ok());
  auto as = [&](domain::AccessRole role, const std::string& org, const std::string& expert) {
    return v1::OrderService::NewStub(testing_support::KeyChannel(
        server_.address(), server_.keys().Make(role, "ph", org, expert)));
  };
  auto kaisa = as(domain::AccessRole::kExpert, "", "kaisa");
  auto lyseo = as(domain::AccessRole::kOrdererSystem, "lyseo", "");

  v1::DeclineAssignmentRequest decline;
  decline.set_name(offered.name());
  decline.set_reason(static_cast<v1::DeclineReason>(9));
  v1::DeclineAssignmentResponse declined;
  grpc::ClientContext bad_ctx;
  EXPECT_THAT(
      Violations(kaisa->DeclineAssignment(&bad_ctx, decline, &declined)),
      ElementsAre(Pair("reason", "unknown enum value")));
  decline.set_reason(v1::DECLINE_REASON_WELLBEING);
  grpc::ClientContext expert_ctx;
  grpc::Status s = kaisa->DeclineAssignment(&expert_ctx, decline, &declined);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(declined.assignment().state(), v1::Assignment::STATE_DECLINED);
  EXPECT_EQ(declined.assignment().decline_reason(), v1::DECLINE_REASON_WELLBEING);

  v1::GetAssignmentRequest get;
  get.set_name(offered.name());
  v1::GetAssignmentResponse got;
  grpc::ClientContext coordinator_ctx;
  ASSERT_TRUE(orders_->GetAssignment(&coordinator_ctx, get, &got).ok());
  EXPECT_EQ(got.assignment().decline_reason(), v1::DECLINE_REASON_WELLBEING);
  grpc::ClientContext orderer_ctx;
  ASSERT_TRUE(lyseo->GetAssignment(&orderer_ctx, get, &got).ok());
  EXPECT_EQ(got.assignment().state(), v1::Assignment::STATE_DECLINED);
  EXPECT_EQ(got.assignment().decline_reason(), v1::DECLINE_REASON_UNSPECIFIED);
}

TEST_P(OrderServiceTest, ACoordinatorWithdrawsAnUnansweredOfferAndTheExpertIsTold) {
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_)).ok());
  v1::Assignment offered;
  ASSERT_TRUE(
      Offer("o1", "exchanges/ph/experts/kaisa", clock_.Now() + absl::Hours(1), &offered).ok());
  auto kaisa = v1::OrderService::NewStub(testing_support::KeyChannel(
      server_.address(), server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa")));
  v1::WithdrawAssignmentRequest withdraw;
  withdraw.set_name(offered.name());
  v1::WithdrawAssignmentResponse withdrawn;
  // Not hers to withdraw (she declines); a stale etag is refused.
  grpc::ClientContext expert_ctx;
  EXPECT_EQ(
      kaisa->WithdrawAssignment(&expert_ctx, withdraw, &withdrawn).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  withdraw.set_etag("\"7\"");
  grpc::ClientContext stale_ctx;
  EXPECT_EQ(
      orders_->WithdrawAssignment(&stale_ctx, withdraw, &withdrawn).error_code(),
      grpc::StatusCode::ABORTED);
  withdraw.set_etag(offered.etag());
  grpc::ClientContext ctx;
  grpc::Status s = orders_->WithdrawAssignment(&ctx, withdraw, &withdrawn);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(withdrawn.assignment().state(), v1::Assignment::STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn.assignment().decline_reason(), v1::DECLINE_REASON_UNSPECIFIED);
  // Once: a withdrawn offer can't be withdrawn, accepted or declined.
  withdraw.clear_etag();
  grpc::ClientContext again_ctx;
  grpc::Status again = orders_->WithdrawAssignment(&again_ctx, withdraw, &withdrawn);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(again.error_message(), "the assignment is WITHDRAWN and can't become WITHDRAWN");
  v1::AcceptAssignmentRequest accept;
  accept.set_name(offered.name());
  v1::AcceptAssignmentResponse accepted;
  grpc::ClientContext accept_ctx;
  EXPECT_EQ(
      kaisa->AcceptAssignment(&accept_ctx, accept, &accepted).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  // She is told of the offer and of its withdrawal.
  auto notify = v1::NotificationService::NewStub(server_.channel());
  v1::ListMessagesRequest list;
  list.set_parent("exchanges/ph");
  list.set_filter("resource=" + offered.name());
  v1::ListMessagesResponse messages;
  grpc::ClientContext list_ctx;
  ASSERT_TRUE(notify->ListMessages(&list_ctx, list, &messages).ok());
  // (The server's clock stands still here: both have one time, in either order.)
  std::vector<std::pair<v1::Message::Kind, v1::Message::RecipientKind>> told;
  for (const v1::Message& m : messages.messages()) told.emplace_back(m.kind(), m.recipient_kind());
  EXPECT_THAT(
      told, ::testing::UnorderedElementsAre(
                Pair(v1::Message::KIND_OFFER_MADE, v1::Message::RECIPIENT_KIND_EXPERT),
                Pair(v1::Message::KIND_OFFER_WITHDRAWN, v1::Message::RECIPIENT_KIND_EXPERT)));
}

TEST_P(OrderServiceTest, AnOfferByHandThatBreaksARuleNeedsThatRuleOverriddenAndKeepsIt) {
  v1::Order english = SampleOrder(week_);
  english.set_language("en");  // she works in Finnish and Swedish
  ASSERT_TRUE(CreateOrder("o1", english).ok());
  const std::string request_id = "0b7e9d1c-3a4f-4e2b-9c8d-1f2e3a4b5c6d";
  auto offer = [&](const std::string& id, std::vector<v1::ExclusionRule> overrides,
                   v1::Assignment* out, bool once = false) {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent("exchanges/ph/orders/o1");
    req.set_assignment_id(id);
    if (once) req.set_request_id(request_id);
    req.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *req.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(1));
    for (v1::ExclusionRule r : overrides) req.add_override_rules(r);
    v1::OfferAssignmentResponse resp;
    grpc::Status s = orders_->OfferAssignment(&ctx, req, &resp);
    *out = resp.assignment();
    return s;
  };
  v1::Assignment made;
  grpc::Status refused = offer("a1", {}, &made);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      refused.error_message(),
      "the expert breaks matching rules: LACKS_LANGUAGE (does not work in the language en); to "
      "offer anyway, name each in override_rules");
  EXPECT_THAT(
      Violations(offer("a1", {static_cast<v1::ExclusionRule>(99)}, &made)),
      ElementsAre(Pair("override_rules[0]", "unknown enum value")));
  {
    grpc::ClientContext ctx;
    v1::ListAssignmentsRequest list;
    list.set_parent("exchanges/ph/orders/o1");
    v1::ListAssignmentsResponse listed;
    ASSERT_TRUE(orders_->ListAssignments(&ctx, list, &listed).ok());
    EXPECT_EQ(listed.assignments_size(), 0);  // nothing stored
  }
  grpc::Status s = offer("a1", {v1::EXCLUSION_RULE_LACKS_LANGUAGE}, &made, true);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(made.overridden_rules(), ElementsAre(v1::EXCLUSION_RULE_LACKS_LANGUAGE));

  // She declines; offering the order to her again needs SAID_NO overridden too.
  grpc::ClientContext decline_ctx;
  v1::DeclineAssignmentRequest decline;
  decline.set_name(made.name());
  v1::DeclineAssignmentResponse declined;
  ASSERT_TRUE(orders_->DeclineAssignment(&decline_ctx, decline, &declined).ok());
  // A retry of the first offer (its answer was lost) gets that offer back, as
  // it stands now, not a refusal for the rule her answer broke since.
  v1::Assignment replayed;
  s = offer("a1", {v1::EXCLUSION_RULE_LACKS_LANGUAGE}, &replayed, true);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(replayed.name(), "exchanges/ph/orders/o1/assignments/a1");
  EXPECT_EQ(replayed.state(), v1::Assignment::STATE_DECLINED);
  EXPECT_EQ(
      offer("a1", {}, &replayed, true).error_code(),  // the same id asking something else
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      offer("a2", {v1::EXCLUSION_RULE_LACKS_LANGUAGE}, &made).error_message(),
      "the expert breaks matching rules: SAID_NO (declined this order or cancelled her place on "
      "it); to offer anyway, name each in override_rules");
  s = offer("a2", {v1::EXCLUSION_RULE_LACKS_LANGUAGE, v1::EXCLUSION_RULE_SAID_NO}, &made);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(
      made.overridden_rules(),
      ElementsAre(v1::EXCLUSION_RULE_SAID_NO, v1::EXCLUSION_RULE_LACKS_LANGUAGE));
  // Kept with the assignment.
  grpc::ClientContext get_ctx;
  v1::GetAssignmentRequest get;
  get.set_name(made.name());
  v1::GetAssignmentResponse got;
  ASSERT_TRUE(orders_->GetAssignment(&get_ctx, get, &got).ok());
  EXPECT_THAT(
      got.assignment().overridden_rules(),
      ElementsAre(v1::EXCLUSION_RULE_SAID_NO, v1::EXCLUSION_RULE_LACKS_LANGUAGE));
}

TEST_P(OrderServiceTest, AnOrdererGivingUpOnePlaceShrinksTheOrderInsteadOfReopeningIt) {
  testing_support::CreateExpert(server_.registry(), "ph", "pekka", testing_support::SampleExpert());
  v1::Order two = SampleOrder(week_);
  two.set_experts_needed(2);
  ASSERT_TRUE(CreateOrder("o1", two).ok());
  for (const char* expert : {"kaisa", "pekka"}) {
    grpc::ClientContext offer_ctx;
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/o1");
    offer.set_assignment_id(expert);
    offer.mutable_assignment()->set_expert(absl::StrCat("exchanges/ph/experts/", expert));
    *offer.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(1));
    v1::OfferAssignmentResponse offered;
    ASSERT_TRUE(orders_->OfferAssignment(&offer_ctx, offer, &offered).ok());
    grpc::ClientContext accept_ctx;
    v1::AcceptAssignmentRequest accept;
    accept.set_name(offered.assignment().name());
    v1::AcceptAssignmentResponse accepted;
    ASSERT_TRUE(orders_->AcceptAssignment(&accept_ctx, accept, &accepted).ok());
    grpc::ClientContext confirm_ctx;
    v1::ConfirmAssignmentRequest confirm;
    confirm.set_name(offered.assignment().name());
    v1::ConfirmAssignmentResponse confirmed;
    ASSERT_TRUE(orders_->ConfirmAssignment(&confirm_ctx, confirm, &confirmed).ok());
  }
  auto lyseo = v1::OrderService::NewStub(testing_support::KeyChannel(
      server_.address(),
      server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "lyseo", "")));
  v1::CancelAssignmentRequest cancel;
  cancel.set_name("exchanges/ph/orders/o1/assignments/pekka");
  cancel.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
  v1::CancelAssignmentResponse cancelled;
  grpc::ClientContext unsaid_ctx;
  EXPECT_THAT(
      Violations(lyseo->CancelAssignment(&unsaid_ctx, cancel, &cancelled)),
      ElementsAre(Pair(
          "place",
          "is required when the orderer cancels: KEEP to have another expert, DROP for one "
          "fewer")));
  cancel.set_place(v1::CancelAssignmentRequest::PLACE_DROP);
  grpc::ClientContext ctx;
  grpc::Status s = lyseo->CancelAssignment(&ctx, cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cancelled.assignment().state(), v1::Assignment::STATE_CANCELLED);
  grpc::ClientContext get_ctx;
  v1::GetOrderRequest get;
  get.set_name("exchanges/ph/orders/o1");
  v1::GetOrderResponse got;
  ASSERT_TRUE(orders_->GetOrder(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.order().experts_needed(), 1);
  EXPECT_EQ(got.order().state(), v1::Order::STATE_ASSIGNED);  // not silently OPEN again
  // The last place can't be dropped: that is cancelling the order.
  cancel.set_name("exchanges/ph/orders/o1/assignments/kaisa");
  grpc::ClientContext last_ctx;
  grpc::Status last = lyseo->CancelAssignment(&last_ctx, cancel, &cancelled);
  EXPECT_EQ(last.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      last.error_message(),
      "the order has one place; cancel the order instead of dropping its place");
}

TEST_P(OrderServiceTest, CancelNeedsAPartyAndAnUnknownOrderIsNotFound) {
  ASSERT_TRUE(CreateOrder("o1", SampleOrder(week_)).ok());
  grpc::ClientContext ctx;
  v1::CancelOrderRequest req;
  req.set_name("exchanges/ph/orders/o1");
  v1::CancelOrderResponse resp;
  grpc::Status s = orders_->CancelOrder(&ctx, req, &resp);
  EXPECT_THAT(
      Violations(s), ElementsAre(Pair("cancelled_by", "is required (must not be UNSPECIFIED)")));
  grpc::ClientContext ok_ctx;
  req.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
  ASSERT_TRUE(orders_->CancelOrder(&ok_ctx, req, &resp).ok());
  EXPECT_EQ(resp.order().state(), v1::Order::STATE_CANCELLED);
  grpc::ClientContext missing_ctx;
  req.set_name("exchanges/ph/orders/nope");
  EXPECT_EQ(
      orders_->CancelOrder(&missing_ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(OrderServiceTest, FeeScheduleValidationNamesTheFieldAndKeepsTheOldOne) {
  grpc::ClientContext ctx;
  v1::UpdateFeeScheduleRequest req;
  req.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
  auto* rule = req.mutable_fee_schedule()->add_role_rules();
  rule->set_role(v1::ROLE_LECTURER);
  rule->set_valid_from("1.1.2026");
  rule->set_kind(v1::FEE_KIND_HOURLY);
  v1::UpdateFeeScheduleResponse resp;
  grpc::Status s = orders_->UpdateFeeSchedule(&ctx, req, &resp);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("fee_schedule.role_rules[0].valid_from", "must be a date YYYY-MM-DD")));
  grpc::ClientContext get_ctx;
  v1::GetFeeScheduleRequest get;
  get.set_name("exchanges/ph/feeSchedule");
  v1::GetFeeScheduleResponse got;
  ASSERT_TRUE(orders_->GetFeeSchedule(&get_ctx, get, &got).ok());
  ASSERT_EQ(got.fee_schedule().role_rules_size(), 1);
  EXPECT_EQ(got.fee_schedule().role_rules(0).amount_cents(), 15000);
  EXPECT_EQ(got.fee_schedule().etag(), "\"1\"");
}

// Issue 17: `fees set --role-rules "group_facilitator|..."` deleted the
// other rules. Without a mask the rules given are merged one by one; a path
// replaces its list; "*" the schedule.
TEST_P(OrderServiceTest, FeeScheduleUpdatesMergeRuleByRuleUnlessAListIsNamed) {
  auto update = [&](const std::string& text, const std::vector<std::string>& paths) {
    grpc::ClientContext ctx;
    v1::UpdateFeeScheduleRequest req;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, req.mutable_fee_schedule()));
    req.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    v1::UpdateFeeScheduleResponse resp;
    grpc::Status s = orders_->UpdateFeeSchedule(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> rules;
    for (const auto& r : resp.fee_schedule().role_rules()) {
      rules.push_back(
          absl::StrCat(v1::Role_Name(r.role()), " ", r.valid_from(), " ", r.amount_cents()));
    }
    for (const auto& r : resp.fee_schedule().travel_rates()) {
      rules.push_back(absl::StrCat("travel ", r.valid_from(), " ", r.cents_per_km()));
    }
    return rules;
  };
  EXPECT_THAT(
      update(
          "role_rules { role: ROLE_PEER_SUPPORT valid_from: '2020-01-01' kind: FEE_KIND_HOURLY "
          "amount_cents: 2500 }",
          {}),
      ElementsAre(
          "ROLE_LECTURER 2020-01-01 15000", "ROLE_PEER_SUPPORT 2020-01-01 2500",
          "travel 2020-01-01 25"));
  EXPECT_THAT(
      update(
          "role_rules { role: ROLE_GROUP_FACILITATOR valid_from: '2020-01-01' kind: "
          "FEE_KIND_FIXED amount_cents: 9000 } role_rules { role: ROLE_LECTURER valid_from: "
          "'2020-01-01' kind: FEE_KIND_FIXED amount_cents: 16000 }",
          {}),
      ElementsAre(
          "ROLE_LECTURER 2020-01-01 16000", "ROLE_PEER_SUPPORT 2020-01-01 2500",
          "ROLE_GROUP_FACILITATOR 2020-01-01 9000", "travel 2020-01-01 25"));
  // Named: the list as given (here the peer-support rule goes).
  EXPECT_THAT(
      update(
          "role_rules { role: ROLE_LECTURER valid_from: '2020-01-01' kind: FEE_KIND_FIXED "
          "amount_cents: 16000 }",
          {"role_rules"}),
      ElementsAre("ROLE_LECTURER 2020-01-01 16000", "travel 2020-01-01 25"));
  EXPECT_THAT(
      update("travel_rates { valid_from: '2021-01-01' cents_per_km: 30 }", {"*"}),
      ElementsAre("travel 2021-01-01 30"));
  // A bad path is named and nothing changes.
  grpc::ClientContext ctx;
  v1::UpdateFeeScheduleRequest req;
  req.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
  req.mutable_update_mask()->add_paths("role_rules");
  req.mutable_update_mask()->add_paths("rates");
  v1::UpdateFeeScheduleResponse resp;
  EXPECT_THAT(
      Violations(orders_->UpdateFeeSchedule(&ctx, req, &resp)),
      ElementsAre(Pair("update_mask.paths[1]", "not an updatable field")));
  EXPECT_THAT(update("", {}), ElementsAre("travel 2021-01-01 30"));
}

// AIP-134: an order update without a mask changes the fields it sets only.
TEST_P(OrderServiceTest, AnUpdateWithoutAMaskChangesOnlyTheFieldsItSets) {
  const absl::Time start = absl::Now() + absl::Hours(24 * 30);
  grpc::ClientContext ctx;
  v1::CreateOrderRequest create;
  create.set_parent("exchanges/ph");
  create.set_order_id("o1");
  *create.mutable_order() = SampleOrder(start);
  v1::CreateOrderResponse created;
  ASSERT_TRUE(orders_->CreateOrder(&ctx, create, &created).ok());
  grpc::ClientContext up_ctx;
  v1::UpdateOrderRequest up;
  up.mutable_order()->set_name("exchanges/ph/orders/o1");
  up.mutable_order()->set_topic("Uusi aihe");
  v1::UpdateOrderResponse updated;
  grpc::Status s = orders_->UpdateOrder(&up_ctx, up, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.order().topic(), "Uusi aihe");
  EXPECT_EQ(updated.order().organization(), "exchanges/ph/organizations/lyseo");
  EXPECT_EQ(updated.order().audience_size(), 60);
  EXPECT_EQ(updated.order().duration_minutes(), 75);
  EXPECT_EQ(updated.order().address(), "Kirkkokatu 1, Lahti");
  EXPECT_EQ(updated.order().start_time().seconds(), created.order().start_time().seconds());
  EXPECT_EQ(updated.order().etag(), "\"2\"");
}

// Defect 7 of issue 18: on PostgreSQL, of 100 concurrent repeats of one
// request_id some answered ABORTED, ALREADY_EXISTS or (offers)
// FAILED_PRECONDITION although the write succeeded. Every repeat must get the
// first call's result, on both databases.
TEST_P(OrderServiceTest, ConcurrentRepeatsOfOneRequestIdAllGetTheFirstResult) {
  constexpr int kRepeats = 50;
  // Runs `call` from kRepeats threads at once; the names they answered, or
  // the error of each failure.
  auto repeat = [](const std::function<grpc::Status(std::string*)>& call) {
    std::vector<std::string> answers(kRepeats);
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < kRepeats; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready < kRepeats) std::this_thread::yield();
        std::string name;
        grpc::Status s = call(&name);
        answers[i] =
            s.ok() ? name : absl::StrCat("error ", s.error_code(), ": ", s.error_message());
      });
    }
    for (auto& t : threads) t.join();
    return answers;
  };
  auto registry = v1::RegistryService::NewStub(server_.channel());
  const std::vector<std::string> experts = repeat([&](std::string* name) {
    grpc::ClientContext ctx;
    v1::CreateExpertRequest req;
    req.set_parent("exchanges/ph");
    req.set_request_id("7d0c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f");
    *req.mutable_expert() = testing_support::SampleExpert();
    v1::CreateExpertResponse resp;
    grpc::Status s = registry->CreateExpert(&ctx, req, &resp);
    *name = resp.expert().name();
    return s;
  });
  EXPECT_THAT(experts, ::testing::Each(experts.front()));
  EXPECT_THAT(experts.front(), ::testing::StartsWith("exchanges/ph/experts/"));

  const std::vector<std::string> orders = repeat([&](std::string* name) {
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_parent("exchanges/ph");
    req.set_order_id("o7");
    req.set_request_id("8e1d3f5a-2c4b-4d6e-9fa0-1b2c3d4e5f60");
    *req.mutable_order() = SampleOrder(week_);
    v1::CreateOrderResponse resp;
    grpc::Status s = orders_->CreateOrder(&ctx, req, &resp);
    *name = resp.order().name();
    return s;
  });
  EXPECT_THAT(orders, ::testing::Each("exchanges/ph/orders/o7"));

  const std::vector<std::string> offers = repeat([&](std::string* name) {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent("exchanges/ph/orders/o7");
    req.set_request_id("9f2e4a6b-3d5c-4e7f-a0b1-2c3d4e5f6071");
    req.mutable_assignment()->set_expert("exchanges/ph/experts/kaisa");
    *req.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(clock_.Now() + absl::Hours(1));
    v1::OfferAssignmentResponse resp;
    grpc::Status s = orders_->OfferAssignment(&ctx, req, &resp);
    *name = resp.assignment().name();
    return s;
  });
  EXPECT_THAT(offers, ::testing::Each(offers.front()));
  EXPECT_THAT(offers.front(), ::testing::StartsWith("exchanges/ph/orders/o7/assignments/"));
  EXPECT_EQ(OrderCount(), 1);
}

// Issue 18, defect 10: out-of-range times were stored changed (seconds =
// INT64_MAX as a year ~294,000, nanos = -1 read back as +0.999999 s) and an
// unknown DocumentFormat was taken. Checked in every request, from the
// descriptors.
TEST_P(OrderServiceTest, TimesOutOfTheProtobufRangeAndUnknownEnumValuesAreRefused) {
  v1::Order far = SampleOrder(week_);
  far.mutable_start_time()->set_seconds(std::numeric_limits<int64_t>::max());
  grpc::Status s = CreateOrder("o1", far);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair(
          "order.start_time", "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z")));
  v1::Order negative_nanos = SampleOrder(week_);
  negative_nanos.mutable_start_time()->set_nanos(-1);
  EXPECT_THAT(
      Violations(CreateOrder("o1", negative_nanos)),
      ElementsAre(Pair("order.start_time", "nanos must be 0 to 999999999")));
  EXPECT_EQ(OrderCount(), 0);

  auto contracts = v1::ContractService::NewStub(server_.channel());
  grpc::ClientContext ctx;
  v1::RenderPrivacyNoticeRequest req;
  req.set_name("exchanges/ph");
  req.set_format(static_cast<v1::DocumentFormat>(7));
  v1::RenderPrivacyNoticeResponse resp;
  EXPECT_THAT(
      Violations(contracts->RenderPrivacyNotice(&ctx, req, &resp)),
      ElementsAre(Pair("format", "unknown enum value")));
}

INSTANTIATE_TEST_SUITE_P(
    Db, OrderServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus
