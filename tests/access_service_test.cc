// Access control over real gRPC on both databases: every RPC called with no
// key, a bad, a revoked and an expired key, and with each role's key from
// another exchange, against real objects; the narrowing of orderer systems and
// experts; keys through the API; the audit log and its tamper detection;
// export and erasure through the API; the per-key rate limit under a burst.
#include <atomic>
#include <functional>
#include <set>
#include <thread>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "kokemus/v1/training_service.grpc.pb.h"
#include "services/domain/fees.h"
#include "services/rpc/convert.h"
#include "soci/soci.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using domain::AccessRole;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing_support::Backend;
using Channel = std::shared_ptr<grpc::Channel>;
using CallFn = std::function<grpc::StatusCode(const Channel&)>;

constexpr char kExpert[] = "exchanges/ph/experts/kaisa";
constexpr char kOrganization[] = "exchanges/ph/organizations/lyseo";
constexpr char kOrder[] = "exchanges/ph/orders/o1";
constexpr char kAssignment[] = "exchanges/ph/orders/o1/assignments/a1";
constexpr char kRounds[] = "exchanges/ph/orders/o2/offerRounds";

grpc::ClientContext* WithDeadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return &ctx;
}

// One unary RPC with a request made by `fill`.
template <typename Service, typename Req, typename Resp>
CallFn Unary(
    grpc::Status (Service::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
    std::type_identity_t<std::function<void(Req&)>> fill) {
  return [rpc, fill](const Channel& channel) {
    auto stub = Service::NewStub(channel);
    Req req;
    fill(req);
    Resp resp;
    grpc::ClientContext ctx;
    return ((*stub).*rpc)(WithDeadline(ctx), req, &resp).error_code();
  };
}

// One server-streaming RPC, read to the end.
template <typename Service, typename Req, typename Resp>
CallFn Streaming(
    std::unique_ptr<grpc::ClientReader<Resp>> (Service::Stub::*rpc)(
        grpc::ClientContext*, const Req&),
    std::type_identity_t<std::function<void(Req&)>> fill) {
  return [rpc, fill](const Channel& channel) {
    auto stub = Service::NewStub(channel);
    Req req;
    fill(req);
    grpc::ClientContext ctx;
    auto reader = ((*stub).*rpc)(WithDeadline(ctx), req);
    Resp resp;
    while (reader->Read(&resp)) {
    }
    return reader->Finish().error_code();
  };
}

#define RPC(svc, m, expect, ...)                                                   \
  {                                                                                \
    "kokemus.v1." #svc "/" #m, expect,                                             \
        Unary<v1::svc>(&v1::svc::Stub::m, [=](v1::m##Request& r) { __VA_ARGS__; }) \
  }
#define STREAM(svc, m, expect, ...)                                                    \
  {                                                                                    \
    "kokemus.v1." #svc "/" #m, expect,                                                 \
        Streaming<v1::svc>(&v1::svc::Stub::m, [=](v1::m##Request& r) { __VA_ARGS__; }) \
  }

// What a key of another exchange gets, per role: coordinator, orderer system,
// expert, reporter. N = NOT_FOUND, P = PERMISSION_DENIED, K = OK.
struct Rpc {
  std::string method;
  std::string cross_exchange;
  CallFn call;
};

grpc::StatusCode CodeOf(char c) {
  switch (c) {
    case 'N':
      return grpc::StatusCode::NOT_FOUND;
    case 'P':
      return grpc::StatusCode::PERMISSION_DENIED;
    case 'K':
      return grpc::StatusCode::OK;
  }
  return grpc::StatusCode::UNKNOWN;
}

class AccessServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto channel = server_.channel();
    orders_ = v1::OrderService::NewStub(channel);
    auto& registry = server_.registry();
    for (const char* exchange : {"ph", "hel"}) {
      testing_support::CreateExchange(registry, exchange);
      testing_support::SetFixedFee(*orders_, exchange, v1::ROLE_LECTURER, 15000);
    }
    testing_support::CreateExpert(registry, "ph", "kaisa", testing_support::SampleExpert());
    testing_support::CreateExpert(registry, "ph", "eeva", testing_support::SampleExpert());
    testing_support::CreateOrganization(registry, "ph", "lyseo");
    testing_support::CreateOrganization(registry, "ph", "kirjasto");
    testing_support::CreateExpert(registry, "hel", "helga", testing_support::SampleExpert());
    testing_support::CreateOrganization(registry, "hel", "stadi");
    {
      // A course with a trainee (issue 21).
      auto training = v1::TrainingService::NewStub(channel);
      grpc::ClientContext ctx;
      v1::CreateCourseRequest req;
      req.set_parent("exchanges/ph");
      req.set_course_id("c1");
      req.mutable_course()->set_kind(v1::COURSE_KIND_BASIC);
      req.mutable_course()->set_title("Kokemusasiantuntijakoulutus");
      req.mutable_course()->set_provider("Lahden Klubitalo");
      req.mutable_course()->set_capacity(20);
      v1::CourseSession* session = req.mutable_course()->add_sessions();
      *session->mutable_start_time() = rpc::ToProto(absl::Now() - absl::Hours(24));
      session->set_duration_minutes(180);
      v1::CreateCourseResponse resp;
      grpc::Status s = training->CreateCourse(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    testing_support::CreateOrder(
        *orders_, "ph", "o1",
        testing_support::SampleOrder("ph", "lyseo", absl::Now() + absl::Hours(24 * 10)));
    testing_support::CreateOrder(
        *orders_, "ph", "o2",
        testing_support::SampleOrder("ph", "kirjasto", absl::Now() + absl::Hours(24 * 12)));
    Offer("o1", "a1", "kaisa");
    Offer("o2", "a2", "eeva");
    for (const char* verb : {"accept", "confirm"}) {
      grpc::ClientContext ctx;
      if (std::string(verb) == "accept") {
        v1::AcceptAssignmentRequest req;
        req.set_name(kAssignment);
        v1::AcceptAssignmentResponse resp;
        ASSERT_TRUE(orders_->AcceptAssignment(&ctx, req, &resp).ok());
      } else {
        v1::ConfirmAssignmentRequest req;
        req.set_name(kAssignment);
        v1::ConfirmAssignmentResponse resp;
        ASSERT_TRUE(orders_->ConfirmAssignment(&ctx, req, &resp).ok());
      }
    }
    // o2 is offered in rounds too (to maija: kaisa rests after o1, eeva has a2).
    testing_support::CreateExpert(registry, "ph", "maija", testing_support::SampleExpert());
    {
      grpc::ClientContext ctx;
      v1::StartOfferRoundsRequest req;
      req.set_parent("exchanges/ph/orders/o2");
      req.mutable_offer_rounds()->set_strategy(v1::OFFER_STRATEGY_BROADCAST);
      req.mutable_offer_rounds()->set_round_size(1);
      *req.mutable_offer_rounds()->mutable_offer_deadline() =
          rpc::ToProto(absl::Now() + absl::Hours(24 * 5));
      v1::StartOfferRoundsResponse resp;
      grpc::Status s = orders_->StartOfferRounds(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    auto contracts = v1::ContractService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::GenerateContractRequest req;
    req.set_assignment(kAssignment);
    v1::GenerateContractResponse resp;
    ASSERT_TRUE(contracts->GenerateContract(&ctx, req, &resp).ok());
    contract_ = resp.contract().name();
    // A message the offers made (what GetMessage and ResendMessage name).
    auto notifications = v1::NotificationService::NewStub(channel);
    grpc::ClientContext list_ctx;
    v1::ListMessagesRequest list;
    list.set_parent("exchanges/ph");
    v1::ListMessagesResponse messages;
    ASSERT_TRUE(notifications->ListMessages(&list_ctx, list, &messages).ok());
    ASSERT_GT(messages.messages_size(), 0);
    message_ = messages.messages(0).name();
  }

  void Offer(const std::string& order, const std::string& id, const std::string& expert) {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent("exchanges/ph/orders/" + order);
    req.set_assignment_id(id);
    req.mutable_assignment()->set_expert("exchanges/ph/experts/" + expert);
    *req.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(absl::Now() + absl::Hours(24));
    v1::OfferAssignmentResponse resp;
    ASSERT_TRUE(orders_->OfferAssignment(&ctx, req, &resp).ok());
  }

  Channel As(const std::string& key) { return testing_support::KeyChannel(server_.address(), key); }

  std::string Key(
      AccessRole role, const std::string& exchange, const std::string& org = "",
      const std::string& expert = "") {
    return server_.keys().Make(role, exchange, org, expert);
  }

  // Every RPC of the API, each with a request naming the real objects of ph.
  std::vector<Rpc> Rpcs() {
    const std::string contract = contract_;
    const std::string message = message_;
    const std::string key_name = "exchanges/ph/apiKeys/" + ph_key_id_;
    return {
      RPC(RegistryService, CreateExchange, "PPPP", r.set_exchange_id("new");
          *r.mutable_exchange() = testing_support::SampleExchange()),
          RPC(RegistryService, GetExchange, "NNNN", r.set_name("exchanges/ph")),
          RPC(RegistryService, ListExchanges, "PPPP", ),
          RPC(RegistryService, UpdateExchange, "NPPP",
              r.mutable_exchange()->set_name("exchanges/ph")),
          RPC(RegistryService, CreateExpert, "NPPP", r.set_parent("exchanges/ph");
              *r.mutable_expert() = testing_support::SampleExpert()),
          RPC(RegistryService, GetExpert, "NNNP", r.set_name(kExpert)),
          RPC(RegistryService, ListExperts, "NPPP", r.set_parent("exchanges/ph")),
          RPC(RegistryService, UpdateExpert, "NPNP", r.mutable_expert()->set_name(kExpert)),
          RPC(RegistryService, DeleteExpert, "NPPP", r.set_name(kExpert)),
          RPC(RegistryService, ExportExpertData, "NPNP", r.set_name(kExpert)),
          RPC(RegistryService, EraseExpert, "NPPP", r.set_name(kExpert)),
          RPC(RegistryService, ApplyRetention, "NPPP", r.set_name("exchanges/ph")),
          RPC(RegistryService, CreateOrganization, "NPPP", r.set_parent("exchanges/ph")),
          RPC(RegistryService, GetOrganization, "NNNP", r.set_name(kOrganization)),
          RPC(RegistryService, ListOrganizations, "NPPP", r.set_parent("exchanges/ph")),
          RPC(RegistryService, UpdateOrganization, "NNPP",
              r.mutable_organization()->set_name(kOrganization)),
          RPC(RegistryService, DeleteOrganization, "NPPP", r.set_name(kOrganization)),
          RPC(RegistryService, GetEarningsFloors, "KPKK", r.set_name("earningsFloors")),
          RPC(RegistryService, UpdateEarningsFloors, "PPPP",
              r.mutable_earnings_floors()->set_name("earningsFloors")),
          RPC(RegistryService, GetExpertEarnings, "NPNP", r.set_name(kExpert)),
          RPC(RegistryService, RenderEarningsLetter, "NPNP", r.set_name(kExpert)),
          RPC(OrderService, CreateOrder, "NNPP", r.set_parent("exchanges/ph");
              r.mutable_order()->set_organization(kOrganization)),
          RPC(OrderService, GetOrder, "NNNP", r.set_name(kOrder)),
          RPC(OrderService, ListOrders, "NNPP", r.set_parent("exchanges/ph")),
          RPC(OrderService, UpdateOrder, "NNPP", r.mutable_order()->set_name(kOrder)),
          RPC(OrderService, CancelOrder, "NNPP", r.set_name(kOrder);
              r.set_cancelled_by(v1::CANCELLED_BY_ORDERER)),
          RPC(OrderService, OfferAssignment, "NPPP", r.set_parent(kOrder)),
          RPC(OrderService, AcceptAssignment, "NPNP", r.set_name(kAssignment)),
          RPC(OrderService, DeclineAssignment, "NPNP", r.set_name(kAssignment)),
          RPC(OrderService, WithdrawAssignment, "NPPP", r.set_name(kAssignment)),
          RPC(OrderService, StartOfferRounds, "NPPP", r.set_parent(kOrder)),
          RPC(OrderService, GetOfferRounds, "NPPP", r.set_name(kRounds)),
          RPC(OrderService, StopOfferRounds, "NPPP", r.set_name(kRounds)),
          RPC(OrderService, ConfirmAssignment, "NPPP", r.set_name(kAssignment)),
          RPC(OrderService, CompleteAssignment, "NNPP", r.set_name(kAssignment)),
          RPC(OrderService, CancelAssignment, "NNNP", r.set_name(kAssignment);
              r.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
              r.set_place(v1::CancelAssignmentRequest::PLACE_KEEP)),
          RPC(OrderService, GetAssignment, "NNNP", r.set_name(kAssignment)),
          RPC(OrderService, ListAssignments, "NNNP", r.set_parent(kOrder)),
          RPC(OrderService, SubmitFeedback, "NNNP", r.set_parent(kAssignment)),
          RPC(OrderService, GetFeeSchedule, "NNNP", r.set_name("exchanges/ph/feeSchedule")),
          RPC(OrderService, UpdateFeeSchedule, "NPPP",
              r.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule")),
          RPC(ContractService, GenerateContract, "NPPP", r.set_assignment(kAssignment)),
          RPC(ContractService, GetContract, "NNNP", r.set_name(contract)),
          RPC(ContractService, ListContracts, "NPNP", r.set_parent("exchanges/ph")),
          RPC(ContractService, GetContractDocument, "NNNP", r.set_name(contract)),
          RPC(ContractService, AcceptContract, "PPNP", r.set_name(contract);
              r.set_full_name("Kaisa Kokemus")),
          RPC(ContractService, CreateContractTemplate, "NPPP", r.set_parent("exchanges/ph")),
          RPC(ContractService, GetContractTemplate, "NPPP",
              r.set_name("exchanges/ph/contractTemplates/fi-0")),
          RPC(ContractService, ListContractTemplates, "NPPP", r.set_parent("exchanges/ph")),
          RPC(ContractService, ActivateContractTemplate, "NPPP",
              r.set_name("exchanges/ph/contractTemplates/fi-0")),
          RPC(ContractService, RenderPrivacyNotice, "NNNN", r.set_name("exchanges/ph")),
          RPC(MatchingService, RankExperts, "NPPP", r.set_order(kOrder)),
          RPC(MatchingService, PlanAssignments, "NPPP", r.set_parent("exchanges/ph")),
          RPC(MatchingService, OfferPlan, "NPPP", r.set_parent("exchanges/ph")),
          RPC(MatchingService, GetMatchingSettings, "NPPP",
              r.set_name("exchanges/ph/matchingSettings")),
          RPC(MatchingService, UpdateMatchingSettings, "NPPP",
              r.mutable_matching_settings()->set_name("exchanges/ph/matchingSettings")),
          RPC(ReportService, GetStatistics, "NPPN", r.set_parent("exchanges/ph")),
          RPC(ReportService, GetFeedbackSummary, "NPPN", r.set_parent("exchanges/ph")),
          STREAM(ReportService, ExportAssignments, "NPPP", r.set_parent("exchanges/ph")),
          STREAM(ReportService, ExportPayroll, "NPPP", r.set_parent("exchanges/ph")),
          RPC(ReportService, RenderAnnualReport, "NPPN", r.set_parent("exchanges/ph")),
          RPC(AccessService, CreateApiKey, "NPPP", r.set_parent("exchanges/ph")),
          RPC(AccessService, ListApiKeys, "NPPP", r.set_parent("exchanges/ph")),
          RPC(AccessService, RevokeApiKey, "NPPP", r.set_name(key_name)),
          RPC(AccessService, GetCaller, "KKKK", ),
          RPC(AccessService, ListAuditRecords, "NPPP", r.set_parent("exchanges/ph")),
          RPC(AccessService, VerifyAuditLog, "NPPP", r.set_parent("exchanges/ph")),
          RPC(AccessService, CreateAuditCheckpoint, "PPPP", ),
          RPC(NotificationService, ListMessages, "NPPP", r.set_parent("exchanges/ph")),
          RPC(NotificationService, GetMessage, "NPPP", r.set_name(message)),
          RPC(NotificationService, ResendMessage, "NPPP", r.set_name(message)),
          RPC(NotificationService, GetNotificationSettings, "NPPP",
              r.set_name("exchanges/ph/notificationSettings")),
          RPC(NotificationService, UpdateNotificationSettings, "NPPP",
              r.mutable_notification_settings()->set_name("exchanges/ph/notificationSettings")),
          STREAM(NotificationService, WatchEvents, "NNNP", r.set_parent("exchanges/ph")),
          RPC(NotificationService, CreateWebhook, "NNPP", r.set_parent("exchanges/ph")),
          RPC(NotificationService, ListWebhooks, "NNPP", r.set_parent("exchanges/ph")),
          RPC(NotificationService, DeleteWebhook, "NNPP", r.set_name("exchanges/ph/webhooks/w1")),
          RPC(NotificationService, CreateCalendarFeed, "NNNP",
              r.set_parent("exchanges/ph/experts/kaisa")),
          RPC(NotificationService, ListCalendarFeeds, "NNNP",
              r.set_parent("exchanges/ph/experts/kaisa")),
          RPC(NotificationService, RevokeCalendarFeed, "NNNP",
              r.set_name("exchanges/ph/experts/kaisa/calendarFeeds/f1")),
          RPC(NotificationService, ListMessageTemplates, "NPPP", r.set_parent("exchanges/ph")),
          RPC(NotificationService, GetMessageTemplate, "NPPP",
              r.set_name("exchanges/ph/messageTemplates/offer-made-expert-fi")),
          RPC(NotificationService, UpdateMessageTemplate, "NPPP",
              r.mutable_message_template()->set_name(
                  "exchanges/ph/messageTemplates/offer-made-expert-fi")),
          RPC(NotificationService, ResetMessageTemplate, "NPPP",
              r.set_name("exchanges/ph/messageTemplates/offer-made-expert-fi")),
          RPC(TrainingService, CreateCourse, "NPPP", r.set_parent("exchanges/ph")),
          RPC(TrainingService, GetCourse, "NPPP", r.set_name("exchanges/ph/courses/c1")),
          RPC(TrainingService, ListCourses, "NPPP", r.set_parent("exchanges/ph")),
          RPC(TrainingService, EnrolTrainee, "NPPP", r.set_parent("exchanges/ph/courses/c1")),
          RPC(TrainingService, RecordAttendance, "NPPP", r.set_course("exchanges/ph/courses/c1")),
          RPC(TrainingService, SetTraineeState, "NPPP",
              r.set_name("exchanges/ph/courses/c1/trainees/t1")),
          RPC(TrainingService, GraduateTrainee, "NPPP",
              r.set_name("exchanges/ph/courses/c1/trainees/t1")),
          RPC(SurveyService, GetSurveyTemplate, "NPPP", r.set_name("exchanges/ph/surveyTemplate")),
          RPC(SurveyService, UpdateSurveyTemplate, "NPPP",
              r.mutable_template_()->set_name("exchanges/ph/surveyTemplate")),
          RPC(SurveyService, GetTaskSurvey, "NNNP", r.set_name("exchanges/ph/orders/o1/survey")),
          RPC(SurveyService, GetSurveyResults, "NNNN", r.set_scope("exchanges/ph")),
          RPC(SurveyService, ListSurveyComments, "NPPP", r.set_parent("exchanges/ph")),
          RPC(SurveyService, ReviewSurveyComment, "NPPP",
              r.set_name("exchanges/ph/surveyComments/c1")),
    };
  }

  // The id of a ph key (what RevokeApiKey names).
  std::string KeyId(const std::string& key) {
    return key.substr(4, key.find('_', 4) - 4);  // the secret may hold '_' too
  }

  // A public address for the pages: what a task survey's link needs.
  testing_support::TestServer server_{GetParam(), [](ServerOptions& options) {
                                        options.outbox.web_base_url = "https://kokemus.example.fi/";
                                      }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::string contract_;
  std::string message_;
  std::string ph_key_id_ = "none";
};

TEST_P(AccessServiceTest, EveryRpcRefusesMissingBadRevokedAndExpiredKeysAndOtherExchanges) {
  // A ph coordinator key to revoke, one to expire, and one whose id the
  // revocation RPC names.
  const std::string revoked = Key(AccessRole::kCoordinator, "ph");
  const std::string expired = Key(AccessRole::kCoordinator, "ph");
  ph_key_id_ = KeyId(Key(AccessRole::kOrdererSystem, "ph", "lyseo"));
  {
    auto access = v1::AccessService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    v1::RevokeApiKeyRequest req;
    req.set_name("exchanges/ph/apiKeys/" + KeyId(revoked));
    v1::RevokeApiKeyResponse resp;
    grpc::Status s = access->RevokeApiKey(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(resp.api_key().has_revoke_time());
  }
  ASSERT_TRUE(server_.keys()
                  .database()
                  .Write([&](soci::session& sql) {
                    const std::string id = KeyId(expired);
                    sql << "UPDATE api_keys SET expire_time = 1 WHERE id = :id", soci::use(id);
                    return absl::OkStatus();
                  })
                  .ok());
  const std::vector<std::pair<std::string, Channel>> refused = {
      {"no key", As("")},
      {"unknown key", As("kok_nobody_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
      {"malformed key", As("not-a-key")},
      {"revoked key", As(revoked)},
      {"expired key", As(expired)},
  };
  const std::vector<std::pair<std::string, Channel>> elsewhere = {
      {"coordinator of hel", As(Key(AccessRole::kCoordinator, "hel"))},
      {"orderer system of hel", As(Key(AccessRole::kOrdererSystem, "hel", "stadi"))},
      {"expert of hel", As(Key(AccessRole::kExpert, "hel", "", "helga"))},
      {"reporter of hel", As(Key(AccessRole::kReporter, "hel"))},
  };

  const std::vector<Rpc> rpcs = Rpcs();
  std::set<std::string> covered;
  for (const Rpc& rpc : rpcs) {
    covered.insert(rpc.method);
    for (const auto& [who, channel] : refused) {
      EXPECT_EQ(rpc.call(channel), grpc::StatusCode::UNAUTHENTICATED) << rpc.method << ", " << who;
    }
    ASSERT_EQ(rpc.cross_exchange.size(), elsewhere.size()) << rpc.method;
    for (size_t i = 0; i < elsewhere.size(); ++i) {
      EXPECT_EQ(rpc.call(elsewhere[i].second), CodeOf(rpc.cross_exchange[i]))
          << rpc.method << ", " << elsewhere[i].first;
    }
  }
  // Every RPC the server offers is in the table: a new one can't skip it.
  std::set<std::string> served;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : testing_support::ServiceNames(server_.address())) {
    const auto* service = pool->FindServiceByName(name);
    if (service == nullptr || service->file()->package() != "kokemus.v1") continue;
    for (int i = 0; i < service->method_count(); ++i) {
      served.insert(name + "/" + service->method(i)->name());
    }
  }
  EXPECT_EQ(covered, served);
  EXPECT_EQ(covered.size(), 97u);

  // The objects are real: ph's coordinator reads them.
  const Channel ph = As(Key(AccessRole::kCoordinator, "ph"));
  for (const Rpc& rpc : rpcs) {
    if (rpc.method.find("/Get") == std::string::npos ||
        rpc.method.find("ReportService") != std::string::npos ||
        rpc.method.find("GetSurveyResults") != std::string::npos) {
      continue;  // reads of objects (statistics and results need a period)
    }
    EXPECT_EQ(rpc.call(ph), grpc::StatusCode::OK) << rpc.method;
  }
  // Nothing the refused calls did changed ph: the expert is still there.
  auto registry = v1::RegistryService::NewStub(ph);
  grpc::ClientContext ctx;
  v1::GetExpertRequest req;
  req.set_name(kExpert);
  v1::GetExpertResponse resp;
  ASSERT_TRUE(registry->GetExpert(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.expert().email(), testing_support::SampleExpert().email());
}

// The fields an expert message has set.
std::vector<std::string> SetFields(const google::protobuf::Message& message) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  std::vector<std::string> names;
  for (const auto* f : fields) names.push_back(f->name());
  return names;
}

TEST_P(AccessServiceTest, AnOrdererSystemSeesItsOwnOrdersAndOnlyTheNamesOfItsExperts) {
  auto registry = v1::RegistryService::NewStub(As(Key(AccessRole::kOrdererSystem, "ph", "lyseo")));
  auto orders = v1::OrderService::NewStub(As(Key(AccessRole::kOrdererSystem, "ph", "lyseo")));
  {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name(kExpert);
    v1::GetExpertResponse resp;
    ASSERT_TRUE(registry->GetExpert(&ctx, req, &resp).ok());
    EXPECT_THAT(
        SetFields(resp.expert()), ElementsAre("name", "display_name", "languages", "roles"));
    EXPECT_EQ(resp.expert().name(), kExpert);
    EXPECT_EQ(resp.expert().display_name(), testing_support::SampleExpert().display_name());
    EXPECT_EQ(resp.expert().email(), "");
    EXPECT_EQ(resp.expert().phone(), "");
    EXPECT_EQ(resp.expert().experience_areas_size(), 0);
    EXPECT_EQ(resp.expert().monthly_earnings_limit_cents(), 0);
  }
  {
    // eeva works for another organization's order: not found.
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/eeva");
    v1::GetExpertResponse resp;
    EXPECT_EQ(registry->GetExpert(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::ListOrdersRequest req;
    req.set_parent("exchanges/ph");
    v1::ListOrdersResponse resp;
    ASSERT_TRUE(orders->ListOrders(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.orders_size(), 1);
    EXPECT_EQ(resp.orders(0).name(), kOrder);
  }
  for (const char* name : {"exchanges/ph/orders/o2"}) {
    grpc::ClientContext ctx;
    v1::GetOrderRequest req;
    req.set_name(name);
    v1::GetOrderResponse resp;
    EXPECT_EQ(orders->GetOrder(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name("exchanges/ph/orders/o2/assignments/a2");
    v1::GetAssignmentResponse resp;
    EXPECT_EQ(orders->GetAssignment(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    // It orders for itself only.
    grpc::ClientContext ctx;
    v1::CreateOrderRequest req;
    req.set_parent("exchanges/ph");
    *req.mutable_order() =
        testing_support::SampleOrder("ph", "kirjasto", absl::Now() + absl::Hours(300));
    v1::CreateOrderResponse resp;
    EXPECT_EQ(orders->CreateOrder(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::ListExpertsRequest req;
    req.set_parent("exchanges/ph");
    v1::ListExpertsResponse resp;
    EXPECT_EQ(
        registry->ListExperts(&ctx, req, &resp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_P(AccessServiceTest, AnExpertSeesThemselvesAndKeepsToTheirOwnRecord) {
  const Channel kaisa = As(Key(AccessRole::kExpert, "ph", "", "kaisa"));
  auto registry = v1::RegistryService::NewStub(kaisa);
  auto orders = v1::OrderService::NewStub(kaisa);
  {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name(kExpert);
    v1::GetExpertResponse resp;
    ASSERT_TRUE(registry->GetExpert(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.expert().email(), testing_support::SampleExpert().email());
    grpc::ClientContext other;
    req.set_name("exchanges/ph/experts/eeva");
    EXPECT_EQ(registry->GetExpert(&other, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    // Their contact details yes, their roles no.
    grpc::ClientContext ctx;
    v1::UpdateExpertRequest req;
    req.mutable_expert()->set_name(kExpert);
    req.mutable_expert()->set_phone("040 765 4321");
    req.mutable_update_mask()->add_paths("phone");
    v1::UpdateExpertResponse resp;
    ASSERT_TRUE(registry->UpdateExpert(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.expert().phone(), "+358407654321");
    grpc::ClientContext roles;
    req.mutable_expert()->add_roles(v1::ROLE_EVALUATOR);
    req.mutable_update_mask()->set_paths(0, "roles");
    grpc::Status denied = registry->UpdateExpert(&roles, req, &resp);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(
        denied.error_message(),
        "an EXPERT key may not change expert.roles, expert.trainings or "
        "expert.criminal_record_extract_seen");
  }
  {
    grpc::ClientContext ctx;
    v1::ListAssignmentsRequest req;
    req.set_parent("exchanges/ph/orders/-");
    v1::ListAssignmentsResponse resp;
    ASSERT_TRUE(orders->ListAssignments(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.assignments_size(), 1);
    EXPECT_EQ(resp.assignments(0).name(), kAssignment);
  }
  {
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name("exchanges/ph/orders/o2/assignments/a2");
    v1::AcceptAssignmentResponse resp;
    EXPECT_EQ(orders->AcceptAssignment(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::ExportExpertDataRequest req;
    req.set_name(kExpert);
    v1::ExportExpertDataResponse resp;
    ASSERT_TRUE(registry->ExportExpertData(&ctx, req, &resp).ok());
    EXPECT_THAT(resp.json(), ::testing::HasSubstr(testing_support::SampleExpert().email()));
  }
}

TEST_P(AccessServiceTest, KeysAreMadeShownOnceListedWithoutSecretsAndRevokedAtOnce) {
  auto access = v1::AccessService::NewStub(As(Key(AccessRole::kCoordinator, "ph")));
  v1::CreateApiKeyRequest create;
  create.set_parent("exchanges/ph");
  create.mutable_api_key()->set_display_name("Lyseon järjestelmä");
  create.mutable_api_key()->set_role(v1::ACCESS_ROLE_ORDERER_SYSTEM);
  create.mutable_api_key()->set_organization(kOrganization);
  {
    // No expiry: refused, naming the field, nothing stored.
    grpc::ClientContext ctx;
    v1::CreateApiKeyResponse resp;
    grpc::Status s = access->CreateApiKey(&ctx, create, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        testing_support::Violations(s), ElementsAre(Pair("api_key.expire_time", "is required")));
  }
  *create.mutable_api_key()->mutable_expire_time() = rpc::ToProto(absl::Now() + absl::Hours(48));
  v1::CreateApiKeyResponse made;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(access->CreateApiKey(&ctx, create, &made).ok());
  }
  EXPECT_THAT(made.key(), ::testing::MatchesRegex("kok_[a-z0-9-]+_[A-Za-z0-9_-]{43}"));
  EXPECT_EQ(made.api_key().organization(), kOrganization);
  EXPECT_EQ(made.api_key().role(), v1::ACCESS_ROLE_ORDERER_SYSTEM);
  // It works, as what it is.
  auto as_orderer = v1::AccessService::NewStub(As(made.key()));
  {
    grpc::ClientContext ctx;
    v1::GetCallerResponse who;
    ASSERT_TRUE(as_orderer->GetCaller(&ctx, v1::GetCallerRequest(), &who).ok());
    EXPECT_EQ(who.api_key().name(), made.api_key().name());
    EXPECT_EQ(who.api_key().display_name(), "Lyseon järjestelmä");
  }
  {
    grpc::ClientContext ctx;
    v1::ListApiKeysRequest req;
    req.set_parent("exchanges/ph");
    v1::ListApiKeysResponse resp;
    ASSERT_TRUE(access->ListApiKeys(&ctx, req, &resp).ok());
    const std::string secret = made.key().substr(made.key().find('_', 4) + 1);
    bool listed = false;
    for (const auto& k : resp.api_keys()) {
      listed = listed || k.name() == made.api_key().name();
      EXPECT_THAT(k.DebugString(), ::testing::Not(::testing::HasSubstr(secret)));
    }
    EXPECT_TRUE(listed);
  }
  {
    // A coordinator makes no national keys and can't reach another exchange's.
    grpc::ClientContext ctx;
    v1::CreateApiKeyRequest national = create;
    national.set_parent("");
    national.mutable_api_key()->set_role(v1::ACCESS_ROLE_NATIONAL_ADMIN);
    v1::CreateApiKeyResponse resp;
    EXPECT_EQ(
        access->CreateApiKey(&ctx, national, &resp).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext other;
    v1::RevokeApiKeyRequest revoke;
    revoke.set_name("exchanges/hel/apiKeys/" + KeyId(Key(AccessRole::kCoordinator, "hel")));
    v1::RevokeApiKeyResponse revoked;
    EXPECT_EQ(
        access->RevokeApiKey(&other, revoke, &revoked).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::RevokeApiKeyRequest req;
    req.set_name(made.api_key().name());
    v1::RevokeApiKeyResponse resp;
    ASSERT_TRUE(access->RevokeApiKey(&ctx, req, &resp).ok());
    grpc::ClientContext after;
    v1::GetCallerResponse who;
    grpc::Status s = as_orderer->GetCaller(&after, v1::GetCallerRequest(), &who);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(s.error_message(), "invalid API key");
  }
}

TEST_P(AccessServiceTest, NationalKeysLiveInTheTopLevelCollectionAndKeyListsPage) {
  const std::string admin = Key(AccessRole::kNationalAdmin, "");
  const std::string admin_name = "apiKeys/" + KeyId(admin);
  auto access = v1::AccessService::NewStub(As(admin));
  auto create = [&](const std::string& parent, v1::AccessRole role, v1::CreateApiKeyResponse* out) {
    grpc::ClientContext ctx;
    v1::CreateApiKeyRequest req;
    req.set_parent(parent);
    req.mutable_api_key()->set_display_name("Tilastot");
    req.mutable_api_key()->set_role(role);
    *req.mutable_api_key()->mutable_expire_time() = rpc::ToProto(absl::Now() + absl::Hours(48));
    return access->CreateApiKey(&ctx, req, out);
  };
  v1::CreateApiKeyResponse reporter;
  ASSERT_TRUE(create("", v1::ACCESS_ROLE_REPORTER, &reporter).ok());
  EXPECT_THAT(reporter.api_key().name(), ::testing::MatchesRegex("apiKeys/[a-z0-9-]+"));
  EXPECT_EQ(reporter.api_key().creator(), admin_name);
  v1::CreateApiKeyResponse coordinator;
  ASSERT_TRUE(create("exchanges/ph", v1::ACCESS_ROLE_COORDINATOR, &coordinator).ok());
  EXPECT_THAT(coordinator.api_key().name(), ::testing::StartsWith("exchanges/ph/apiKeys/"));
  EXPECT_EQ(coordinator.api_key().creator(), admin_name);
  // `exchanges/-` reads across exchanges; nothing is written through it.
  v1::CreateApiKeyResponse refused;
  grpc::Status wildcard = create("exchanges/-", v1::ACCESS_ROLE_REPORTER, &refused);
  EXPECT_EQ(wildcard.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(wildcard),
      ElementsAre(
          Pair("parent", "must be empty for a national key (the top-level apiKeys collection)")));

  auto list = [&](const std::string& parent, int page_size) {
    std::vector<std::string> names;
    std::string token;
    int pages = 0;
    do {
      grpc::ClientContext ctx;
      v1::ListApiKeysRequest req;
      req.set_parent(parent);
      req.set_page_size(page_size);
      req.set_page_token(token);
      v1::ListApiKeysResponse resp;
      grpc::Status s = access->ListApiKeys(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      EXPECT_LE(resp.api_keys_size(), page_size);
      for (const auto& k : resp.api_keys()) names.push_back(k.name());
      token = resp.next_page_token();
      ++pages;
    } while (!token.empty());
    return std::make_pair(names, pages);
  };
  // The national keys only (the fixture's administrator's too), a key a page.
  const auto national = list("", 1);
  EXPECT_THAT(national.first, ::testing::IsSupersetOf({admin_name, reporter.api_key().name()}));
  EXPECT_THAT(national.first, ::testing::Each(::testing::StartsWith("apiKeys/")));
  EXPECT_EQ(national.second, static_cast<int>(national.first.size()));
  const auto every = list("exchanges/-", 2);
  EXPECT_THAT(every.first, ::testing::Contains(coordinator.api_key().name()));
  EXPECT_THAT(every.first, ::testing::Contains(admin_name));
  EXPECT_TRUE(std::is_sorted(every.first.begin(), every.first.end(), [](auto& a, auto& b) {
    return a.substr(a.rfind('/')) < b.substr(b.rfind('/'));
  }));
  {
    // A token belongs to its parent.
    grpc::ClientContext first;
    v1::ListApiKeysRequest req;
    req.set_page_size(1);
    v1::ListApiKeysResponse resp;
    ASSERT_TRUE(access->ListApiKeys(&first, req, &resp).ok());
    grpc::ClientContext second;
    req.set_parent("exchanges/-");
    req.set_page_token(resp.next_page_token());
    grpc::Status s = access->ListApiKeys(&second, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        testing_support::Violations(s),
        ElementsAre(Pair("page_token", "belongs to a request with another parent or filter")));
  }
  {
    // A key is revoked by its own name only.
    const std::string id = reporter.api_key().name().substr(strlen("apiKeys/"));
    grpc::ClientContext wrong;
    v1::RevokeApiKeyRequest req;
    req.set_name("exchanges/ph/apiKeys/" + id);
    v1::RevokeApiKeyResponse resp;
    EXPECT_EQ(access->RevokeApiKey(&wrong, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
    grpc::ClientContext right;
    req.set_name(reporter.api_key().name());
    ASSERT_TRUE(access->RevokeApiKey(&right, req, &resp).ok());
    EXPECT_TRUE(resp.api_key().has_revoke_time());
  }
  // The national chain names the administrator's key; pages follow tokens.
  std::vector<std::string> methods;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListAuditRecordsRequest req;
    req.set_parent("exchanges/-");
    req.set_api_key(admin_name);
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListAuditRecordsResponse resp;
    grpc::Status s = access->ListAuditRecords(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& r : resp.audit_records()) {
      EXPECT_EQ(r.api_key(), admin_name);
      methods.push_back(r.method());
    }
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_THAT(
      methods, ElementsAre(
                   "kokemus.v1.AccessService/RevokeApiKey", "kokemus.v1.AccessService/RevokeApiKey",
                   "kokemus.v1.AccessService/CreateApiKey", "kokemus.v1.AccessService/CreateApiKey",
                   "kokemus.v1.AccessService/CreateApiKey"));
  EXPECT_EQ(pages, 3);
  grpc::ClientContext bad;
  v1::ListAuditRecordsRequest req;
  req.set_parent("exchanges/-");
  req.set_api_key("kaisa");
  v1::ListAuditRecordsResponse resp;
  grpc::Status s = access->ListAuditRecords(&bad, req, &resp);
  EXPECT_THAT(
      testing_support::Violations(s),
      ElementsAre(Pair("api_key", "must be apiKeys/{key} or exchanges/{exchange}/apiKeys/{key}")));
}

TEST_P(AccessServiceTest, AccessesToPersonalDataAreAuditedAndTamperingIsFound) {
  const std::string coordinator = Key(AccessRole::kCoordinator, "ph");
  const std::string intruder = Key(AccessRole::kCoordinator, "hel");
  auto registry = v1::RegistryService::NewStub(As(coordinator));
  auto hel_registry = v1::RegistryService::NewStub(As(intruder));
  auto access = v1::AccessService::NewStub(As(coordinator));
  v1::GetExpertRequest get;
  get.set_name(kExpert);
  v1::GetExpertResponse got;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(registry->GetExpert(&ctx, get, &got).ok());
    grpc::ClientContext other;
    EXPECT_EQ(hel_registry->GetExpert(&other, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
    // A write that fails leaves its outcome, and no record of success.
    grpc::ClientContext taken;
    v1::CreateExpertRequest create;
    create.set_parent("exchanges/ph");
    create.set_expert_id("kaisa");
    *create.mutable_expert() = testing_support::SampleExpert();
    v1::CreateExpertResponse created;
    EXPECT_EQ(
        registry->CreateExpert(&taken, create, &created).error_code(),
        grpc::StatusCode::ALREADY_EXISTS);
  }
  const std::string coordinator_name = "exchanges/ph/apiKeys/" + KeyId(coordinator);
  const std::string intruder_name = "exchanges/hel/apiKeys/" + KeyId(intruder);
  auto list = [&](const std::string& resource, const std::string& key_name) {
    grpc::ClientContext ctx;
    v1::ListAuditRecordsRequest req;
    req.set_parent("exchanges/ph");
    req.set_resource(resource);
    req.set_api_key(key_name);
    v1::ListAuditRecordsResponse resp;
    grpc::Status s = access->ListAuditRecords(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> lines;
    for (const auto& r : resp.audit_records()) {
      lines.push_back(absl::StrCat(r.method(), " ", r.role(), " ", r.outcome(), " ", r.resource()));
      // The key by name, in its own exchange (the intruder's is hel's).
      EXPECT_THAT(
          r.api_key(),
          ::testing::AnyOf(
              coordinator_name, intruder_name, ::testing::StartsWith("exchanges/ph/apiKeys/")));
    }
    return lines;
  };
  // Who accessed kaisa (newest first): the failed create, the intruder, the
  // coordinator's read.
  EXPECT_THAT(
      list(kExpert, coordinator_name),
      ElementsAre(
          "kokemus.v1.RegistryService/CreateExpert COORDINATOR ALREADY_EXISTS "
          "exchanges/ph/experts/kaisa",
          "kokemus.v1.RegistryService/GetExpert COORDINATOR OK "
          "exchanges/ph/experts/kaisa"));
  EXPECT_THAT(
      list("", intruder_name),
      ElementsAre("kokemus.v1.RegistryService/GetExpert COORDINATOR NOT_FOUND "
                  "exchanges/ph/experts/kaisa"));
  // Every key: the set-up's creation too.
  EXPECT_THAT(
      list(kExpert, ""), ElementsAre(
                             ::testing::HasSubstr("CreateExpert COORDINATOR ALREADY_EXISTS"),
                             ::testing::HasSubstr("GetExpert COORDINATOR NOT_FOUND"),
                             ::testing::HasSubstr("GetExpert COORDINATOR OK"),
                             ::testing::HasSubstr("CreateExpert COORDINATOR OK")));
  auto verify = [&] {
    grpc::ClientContext ctx;
    v1::VerifyAuditLogRequest req;
    req.set_parent("exchanges/ph");
    v1::VerifyAuditLogResponse resp;
    EXPECT_TRUE(access->VerifyAuditLog(&ctx, req, &resp).ok());
    return resp;
  };
  EXPECT_TRUE(verify().intact());
  // Someone with database access turns the intruder's failure into success.
  ASSERT_TRUE(server_.keys()
                  .database()
                  .Write([&](soci::session& sql) {
                    const std::string id = KeyId(intruder);
                    sql << "UPDATE audit_log SET outcome = 'OK' WHERE key_id = :id", soci::use(id);
                    return absl::OkStatus();
                  })
                  .ok());
  const v1::VerifyAuditLogResponse tampered = verify();
  EXPECT_FALSE(tampered.intact());
  ASSERT_FALSE(tampered.problems().empty());
  EXPECT_THAT(tampered.problems(0), ::testing::MatchesRegex("record [0-9]+ was changed"));
}

// Issue 18, defect 8: a checkpoint sealed by the server is kept elsewhere and
// given back to VerifyAuditLog; a changed one is refused.
TEST_P(AccessServiceTest, AnAuditCheckpointIsSealedAndChecked) {
  auto admin = v1::AccessService::NewStub(As(server_.keys().Admin()));
  auto coordinator = v1::AccessService::NewStub(As(Key(AccessRole::kCoordinator, "ph")));
  {
    auto registry = v1::RegistryService::NewStub(As(Key(AccessRole::kCoordinator, "ph")));
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name(kExpert);
    v1::GetExpertResponse resp;
    ASSERT_TRUE(registry->GetExpert(&ctx, req, &resp).ok());  // an audited read
  }
  grpc::ClientContext ctx;
  v1::CreateAuditCheckpointResponse made;
  ASSERT_TRUE(admin->CreateAuditCheckpoint(&ctx, v1::CreateAuditCheckpointRequest(), &made).ok());
  const v1::AuditCheckpoint& checkpoint = made.checkpoint();
  ASSERT_GE(checkpoint.heads_size(), 1);
  auto ph = std::find_if(checkpoint.heads().begin(), checkpoint.heads().end(), [](const auto& h) {
    return h.chain() == "exchanges/ph";
  });
  ASSERT_NE(ph, checkpoint.heads().end());
  EXPECT_GE(ph->seq(), 1);
  EXPECT_THAT(ph->hash(), ::testing::MatchesRegex("m1:[0-9a-f]{64}"));
  EXPECT_THAT(checkpoint.seal(), ::testing::MatchesRegex("[0-9a-f]{64}"));

  auto verify = [&](const v1::AuditCheckpoint& given, v1::VerifyAuditLogResponse* resp) {
    grpc::ClientContext c;
    v1::VerifyAuditLogRequest req;
    req.set_parent("exchanges/ph");
    *req.mutable_checkpoint() = given;
    return coordinator->VerifyAuditLog(&c, req, resp);
  };
  v1::VerifyAuditLogResponse resp;
  ASSERT_TRUE(verify(checkpoint, &resp).ok());
  EXPECT_TRUE(resp.intact());
  EXPECT_THAT(resp.problems(), ElementsAre());

  v1::AuditCheckpoint rewound = checkpoint;
  for (auto& head : *rewound.mutable_heads()) head.set_seq(head.seq() + 5);
  EXPECT_THAT(
      testing_support::Violations(verify(rewound, &resp)),
      ElementsAre(Pair(
          "checkpoint.seal",
          "was not made with this server's audit key, or the checkpoint was changed")));
}

// Issue 18: a refused call naming a huge resource stopped every audited read
// on PostgreSQL (its index entry passed the btree limit) and filled SQLite.
// Names are bounded and exchange ids checked before anything is audited.
TEST_P(AccessServiceTest, AHugeResourceNameIsRefusedBeforeItIsAudited) {
  const std::string expert = Key(AccessRole::kExpert, "ph", "", "kaisa");
  auto registry = v1::RegistryService::NewStub(As(expert));
  const std::string long_id(3000, 'q');
  for (const std::string& parent :
       {absl::StrCat("exchanges/", long_id), absl::StrCat("exchanges/ph/", long_id)}) {
    for (int i = 0; i < 3; ++i) {
      grpc::ClientContext ctx;
      v1::ListExpertsRequest req;
      req.set_parent(parent);
      v1::ListExpertsResponse resp;
      grpc::Status s = registry->ListExperts(&ctx, req, &resp);
      EXPECT_THAT(
          s.error_code(),
          ::testing::AnyOf(
              grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::PERMISSION_DENIED));
      EXPECT_LT(s.error_message().size(), 200u);
    }
  }
  {
    grpc::ClientContext ctx;
    v1::GetExpertRequest get;
    get.set_name(absl::StrCat("exchanges/ph/experts/", long_id));
    v1::GetExpertResponse got;
    grpc::Status s = registry->GetExpert(&ctx, get, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_LT(s.error_message().size(), 200u);
  }
  // Audited reads go on, and no record holds the long name.
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    v1::GetExpertRequest get;
    get.set_name(kExpert);
    v1::GetExpertResponse got;
    grpc::Status s = registry->GetExpert(&ctx, get, &got);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  auto access = v1::AccessService::NewStub(As(Key(AccessRole::kCoordinator, "ph")));
  grpc::ClientContext ctx;
  v1::ListAuditRecordsRequest req;
  req.set_parent("exchanges/ph");
  req.set_page_size(1000);
  v1::ListAuditRecordsResponse resp;
  ASSERT_TRUE(access->ListAuditRecords(&ctx, req, &resp).ok());
  int reads = 0;
  for (const auto& r : resp.audit_records()) {
    EXPECT_LE(r.resource().size(), 512u) << r.method();
    reads += r.method() == "kokemus.v1.RegistryService/GetExpert" && r.outcome() == "OK";
  }
  EXPECT_EQ(reads, 3);
}

TEST_P(AccessServiceTest, ExportThenErasureThroughTheApiKeepsTheFees) {
  const Channel coordinator = As(Key(AccessRole::kCoordinator, "ph"));
  const std::string kaisa_key = Key(AccessRole::kExpert, "ph", "", "kaisa");
  auto registry = v1::RegistryService::NewStub(coordinator);
  {
    grpc::ClientContext ctx;
    v1::ExportExpertDataRequest req;
    req.set_name(kExpert);
    v1::ExportExpertDataResponse resp;
    ASSERT_TRUE(registry->ExportExpertData(&ctx, req, &resp).ok());
    EXPECT_THAT(resp.json(), ::testing::HasSubstr(testing_support::SampleExpert().email()));
    EXPECT_THAT(resp.json(), ::testing::HasSubstr("\"exchanges/ph/orders/o1/assignments/a1\""));
  }
  std::string pseudonym;
  {
    // Her confirmed task is still to come: refused, naming it, nothing erased.
    grpc::ClientContext ctx;
    v1::EraseExpertRequest req;
    req.set_name(kExpert);
    v1::EraseExpertResponse resp;
    grpc::Status refused = registry->EraseExpert(&ctx, req, &resp);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(
        refused.error_message(),
        "the expert holds 1 task still to come: exchanges/ph/orders/o1/assignments/a1; cancel "
        "or withdraw them first, or erase with force (recorded in the audit log)");
    grpc::ClientContext get_ctx;
    v1::GetExpertRequest get;
    get.set_name(kExpert);
    v1::GetExpertResponse got;
    EXPECT_TRUE(registry->GetExpert(&get_ctx, get, &got).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::EraseExpertRequest req;
    req.set_name(kExpert);
    req.set_force(true);
    v1::EraseExpertResponse resp;
    ASSERT_TRUE(registry->EraseExpert(&ctx, req, &resp).ok());
    pseudonym = resp.pseudonym();
    EXPECT_THAT(pseudonym, ::testing::StartsWith("exchanges/ph/experts/erased-"));
  }
  {
    // The forcing is on record.
    auto access = v1::AccessService::NewStub(coordinator);
    grpc::ClientContext ctx;
    v1::ListAuditRecordsRequest req;
    req.set_parent("exchanges/ph");
    req.set_resource(kExpert);
    v1::ListAuditRecordsResponse resp;
    ASSERT_TRUE(access->ListAuditRecords(&ctx, req, &resp).ok());
    std::vector<std::string> erasures;
    for (const auto& r : resp.audit_records()) {
      if (r.method() == "kokemus.v1.RegistryService/EraseExpert") erasures.push_back(r.outcome());
    }
    EXPECT_THAT(erasures, ElementsAre("OK forced", "FAILED_PRECONDITION"));
  }
  {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name(kExpert);
    v1::GetExpertResponse resp;
    EXPECT_EQ(registry->GetExpert(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    // The assignment and its fee stay, under the pseudonym.
    auto orders = v1::OrderService::NewStub(coordinator);
    grpc::ClientContext ctx;
    v1::GetAssignmentRequest req;
    req.set_name(kAssignment);
    v1::GetAssignmentResponse resp;
    ASSERT_TRUE(orders->GetAssignment(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.assignment().expert(), pseudonym);
    EXPECT_EQ(resp.assignment().fee_cents(), 15000);
  }
  // The expert's own key ended with them.
  auto access = v1::AccessService::NewStub(As(kaisa_key));
  grpc::ClientContext ctx;
  v1::GetCallerResponse who;
  EXPECT_EQ(
      access->GetCaller(&ctx, v1::GetCallerRequest(), &who).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

TEST_P(AccessServiceTest, TheRetentionRuleErasesLongInactiveExpertsOnly) {
  const Channel coordinator = As(Key(AccessRole::kCoordinator, "ph"));
  auto registry = v1::RegistryService::NewStub(coordinator);
  for (const char* id : {"old", "recent", "busy"}) {
    v1::Expert expert = testing_support::SampleExpert();
    expert.set_state(
        std::string(id) == "busy" ? v1::Expert::STATE_ACTIVE : v1::Expert::STATE_INACTIVE);
    testing_support::CreateExpert(server_.registry(), "ph", id, expert);
  }
  // "old" and "busy" last changed three years ago; "busy" is still active.
  ASSERT_TRUE(server_.keys()
                  .database()
                  .Write([&](soci::session& sql) {
                    const long long then =
                        absl::ToUnixMicros(absl::Now() - absl::Hours(24 * 365 * 3));
                    sql << "UPDATE experts SET update_time = :t WHERE id IN ('old', 'busy')",
                        soci::use(then);
                    return absl::OkStatus();
                  })
                  .ok());
  auto apply = [&](int32_t* erased) {
    grpc::ClientContext ctx;
    v1::ApplyRetentionRequest req;
    req.set_name("exchanges/ph");
    v1::ApplyRetentionResponse resp;
    grpc::Status s = registry->ApplyRetention(&ctx, req, &resp);
    *erased = resp.erased_experts();
    return s;
  };
  int32_t erased = -1;
  ASSERT_TRUE(apply(&erased).ok());
  EXPECT_EQ(erased, 0);  // no rule yet: nothing is erased
  {
    grpc::ClientContext ctx;
    v1::UpdateExchangeRequest req;
    req.mutable_exchange()->set_name("exchanges/ph");
    req.mutable_exchange()->set_retention_months(121);
    req.mutable_update_mask()->add_paths("retention_months");
    v1::UpdateExchangeResponse resp;
    grpc::Status s = registry->UpdateExchange(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        testing_support::Violations(s),
        ElementsAre(Pair("exchange.retention_months", "must be between 0 and 120")));
    grpc::ClientContext again;
    req.mutable_exchange()->set_retention_months(24);
    ASSERT_TRUE(registry->UpdateExchange(&again, req, &resp).ok());
    EXPECT_EQ(resp.exchange().retention_months(), 24);
  }
  ASSERT_TRUE(apply(&erased).ok());
  EXPECT_EQ(erased, 1);
  for (const auto& [id, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"old", grpc::StatusCode::NOT_FOUND},
           {"recent", grpc::StatusCode::OK},
           {"busy", grpc::StatusCode::OK},
           {"kaisa", grpc::StatusCode::OK}}) {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/" + id);
    v1::GetExpertResponse resp;
    EXPECT_EQ(registry->GetExpert(&ctx, req, &resp).error_code(), code) << id;
  }
  // The erasure is in the audit log under the expert's name.
  auto access = v1::AccessService::NewStub(coordinator);
  grpc::ClientContext ctx;
  v1::ListAuditRecordsRequest req;
  req.set_parent("exchanges/ph");
  req.set_resource("exchanges/ph/experts/old");
  v1::ListAuditRecordsResponse resp;
  ASSERT_TRUE(access->ListAuditRecords(&ctx, req, &resp).ok());
  std::vector<std::string> trail;
  for (const auto& r : resp.audit_records()) trail.push_back(r.method() + " " + r.outcome());
  EXPECT_THAT(
      trail, ElementsAre(
                 "kokemus.v1.RegistryService/GetExpert NOT_FOUND",
                 "kokemus.v1.RegistryService/ApplyRetention OK",
                 "kokemus.v1.RegistryService/CreateExpert OK"));
  // Across exchanges only for the national administrator.
  grpc::ClientContext national;
  v1::ApplyRetentionRequest all;
  all.set_name("exchanges/-");
  v1::ApplyRetentionResponse none;
  EXPECT_EQ(
      registry->ApplyRetention(&national, all, &none).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

INSTANTIATE_TEST_SUITE_P(
    Db, AccessServiceTest, testing_support::kAllBackends, testing_support::BackendName);

TEST(RateLimit, ABurstFromOneKeyIsRefusedWhileAnotherKeyIsServed) {
  testing_support::TestServer server(Backend::kSqlite, [](ServerOptions& options) {
    options.access.rate_limit = {.per_second = 5, .burst = 20};
  });
  testing_support::CreateExchange(server.registry(), "ph");
  const std::string noisy = server.keys().Make(AccessRole::kCoordinator, "ph");
  const std::string calm = server.keys().Make(AccessRole::kCoordinator, "ph");
  // One channel per client thread, as a real client keeps one. gRPC 1.51's
  // client now and then fails a loopback connect (errno 2 from connect,
  // about 1 run in 50 here) and backs off for a second: a client waits for
  // the connection rather than counting that as the server's answer.
  auto call = [&](v1::RegistryService::Stub& stub) {
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetExchangeRequest req;
    req.set_name("exchanges/ph");
    v1::GetExchangeResponse resp;
    return stub.GetExchange(&ctx, req, &resp);
  };
  auto stub_for = [&](const std::string& key) {
    return v1::RegistryService::NewStub(testing_support::KeyChannel(server.address(), key));
  };
  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto stub = stub_for(noisy);
      for (int i = 0; i < 25; ++i) {
        grpc::Status s = call(*stub);
        if (s.ok()) {
          ++ok;
        } else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          ++exhausted;
          EXPECT_EQ(s.error_message(), "too many calls with this API key; retry after a moment");
        } else {
          ++other;
          ADD_FAILURE() << "unexpected " << s.error_code() << ": " << s.error_message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  // 200 calls in well under a second: the burst of 20 and a few refills.
  EXPECT_GE(ok.load(), 20);
  EXPECT_LE(ok.load(), 40);
  EXPECT_EQ(ok.load() + exhausted.load(), 200);
  EXPECT_EQ(other.load(), 0);
  // Another key is served at once, and so are the probes.
  EXPECT_TRUE(call(*stub_for(calm)).ok());
  auto health =
      grpc::health::v1::Health::NewStub(testing_support::KeyChannel(server.address(), ""));
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(RateLimit, FailedAuthenticationsFromOneAddressAreThrottled) {
  testing_support::TestServer server(Backend::kSqlite, [](ServerOptions& options) {
    options.access.failed_authentications = {.per_second = 0.1, .burst = 5};
    // No cached principal: every call verifies its key again, as after the
    // cache's time (issue 18: a valid key was locked out then).
    options.access.key_cache_ttl = absl::ZeroDuration();
  });
  testing_support::CreateExchange(server.registry(), "ph");
  auto call = [&](const std::string& key) {
    auto stub = v1::RegistryService::NewStub(testing_support::KeyChannel(server.address(), key));
    grpc::ClientContext ctx;
    v1::GetExchangeRequest req;
    req.set_name("exchanges/ph");
    v1::GetExchangeResponse resp;
    return stub->GetExchange(&ctx, req, &resp);
  };
  const std::string checked = server.keys().Make(AccessRole::kCoordinator, "ph");
  ASSERT_TRUE(call(checked).ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        call(absl::StrCat("kok_guess", i, "_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  grpc::Status throttled = call("kok_guess5_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(throttled.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(
      throttled.error_message(), "too many failed authentications from this address; retry later");
  // A key this server has verified still works, again and again, whatever the
  // neighbours send; one it hasn't waits like a guess.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(call(checked).ok()) << i;
  EXPECT_EQ(
      call(server.keys().Make(AccessRole::kCoordinator, "ph")).error_code(),
      grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace kokemus
