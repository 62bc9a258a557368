// The usage examples at the top of the domain, render and observability
// headers, compiled and run as written there (with the variables they assume
// set up first), so an example that no longer matches its header fails here.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kainjow/mustache.hpp"
#include "services/domain/access.h"
#include "services/domain/annual_report.h"
#include "services/domain/clock.h"
#include "services/domain/contract.h"
#include "services/domain/digest.h"
#include "services/domain/documents.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/field_checks.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/model.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/orders.h"
#include "services/domain/planner.h"
#include "services/domain/rate_limit.h"
#include "services/domain/statistics.h"
#include "services/domain/travel.h"
#include "services/domain/validation.h"
#include "services/observability/metrics.h"
#include "services/render/pdf.h"

namespace kokemus::domain {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);  // 2026-11-30

Order AnOrder() {
  Order o;
  o.exchange_id = "ph";
  o.id = "lyseo-dec";
  o.organization_id = "lyseo";
  o.role = Role::kLecturer;
  o.topic = "Toipumistarina";
  o.audience = Audience::kStudents;
  o.start_time = kNow + absl::Hours(24 * 14);
  o.duration_minutes = 90;
  o.municipality = "398";
  o.language = "fi";
  o.experts_needed = 1;
  o.state = OrderState::kOpen;
  return o;
}

FeeSchedule ASchedule() {
  FeeSchedule schedule;
  schedule.exchange_id = "ph";
  schedule.role_rules.push_back({Role::kLecturer, "2026-01-01", FeeKind::kFixed, 15000, 0, false});
  schedule.travel_rates.push_back({"2026-01-01", 25});
  schedule.cancellation_rules.push_back({"2026-01-01", 14, 50, 0, 100});
  return schedule;
}

Expert AnExpert() {
  Expert e;
  e.exchange_id = "ph";
  e.id = "kaisa";
  e.display_name = "Kaisa K.";
  e.email = "kaisa@example.fi";
  e.home_municipality = "398";
  e.languages = {"fi"};
  e.roles = {Role::kLecturer};
  e.experience_areas = {ExperienceArea::kMentalHealth};
  e.payment_method = PaymentMethod::kInvoice;
  e.state = ExpertState::kActive;
  e.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2024-05-31"}};
  return e;
}

TEST(HeaderExamples, Access) {
  Principal principal;
  principal.key_id = "k1";
  principal.role = AccessRole::kCoordinator;
  principal.exchange_id = "ph";
  const MethodRule* rule = RuleFor("kokemus.v1.RegistryService/GetExpert");
  ASSERT_NE(rule, nullptr);
  absl::Status s = Decide(*rule, principal, "ph", "exchanges/ph/experts/kaisa");
  EXPECT_TRUE(s.ok()) << s;
}

TEST(HeaderExamples, ClockAndDigestAndEnumNames) {
  FakeClock clock(absl::FromUnixSeconds(1796000000));
  clock.Advance(absl::Hours(25));  // every offer due tomorrow has lapsed
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1796000000) + absl::Hours(25));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(EnumName(Role::kLecturer), "LECTURER");
  EXPECT_EQ(ParseEnum<Role>("lecturer"), Role::kLecturer);
}

TEST(HeaderExamples, FeesAndTravelAndOrders) {
  const FeeSchedule schedule = ASchedule();
  const Order order = AnOrder();
  const Expert expert = AnExpert();
  const int minutes = order.duration_minutes;
  const int km = TravelKm("091", "398");  // Helsinki to Lahti, about 130 km
  EXPECT_GT(km, 90);
  EXPECT_LT(km, 150);
  absl::StatusOr<FeeQuote> q = QuoteFee(schedule, order, minutes, expert.payment_method, km);
  ASSERT_TRUE(q.ok()) << q.status();
  const absl::Time now = order.start_time - absl::Hours(24);
  int64_t due = CancellationFee(schedule, order, q->fee_cents, CancelledBy::kOrderer, now);
  EXPECT_EQ(due, 7500);  // within the 14 days' notice: half of the fee
  Assignment a;
  a.state = AssignmentState::kOffered;
  std::vector<Assignment> assignments = {a};
  absl::Status s = CheckAssignmentTransition(a.state, AssignmentState::kAccepted);
  EXPECT_TRUE(s.ok()) << s;
  OrderState next = OrderStateAfter(order, assignments);
  EXPECT_EQ(next, OrderState::kOpen);
}

TEST(HeaderExamples, ValidationAndFieldChecks) {
  Expert expert = AnExpert();
  expert.languages = {"FI"};
  {
    // model.h
    Expert e;
    e.display_name = "Kaisa K.";
    e.languages = {"fi"};
    FieldViolations v;
    ValidateExpert(e, absl::Now(), "expert", v);
    EXPECT_FALSE(v.empty());  // no email, roles, municipality ...
  }
  FieldViolations v;
  NormalizeExpert(expert);
  ValidateExpert(expert, absl::Now(), "expert", v);
  EXPECT_TRUE(v.empty()) << v.ToStatus();
  EXPECT_EQ(expert.languages, std::vector<std::string>{"fi"});
  Order o = AnOrder();
  o.topic = "";
  o.duration_minutes = 10;
  CheckText(o.topic, Text::kLine, 500, /*required=*/true, FieldPath("order", "topic"), v);
  CheckRange(o.duration_minutes, 15, 720, FieldPath("order", "duration_minutes"), v);
  EXPECT_THAT(v.ToStatus().message(), HasSubstr("order.topic"));
  EXPECT_THAT(v.ToStatus().message(), HasSubstr("order.duration_minutes"));
  EXPECT_THAT(
      WithFieldPrefix(InvalidField("offer_deadline", "must be in the future"), "assignment")
          .message(),
      HasSubstr("assignment.offer_deadline: must be in the future"));
}

TEST(HeaderExamples, Listing) {
  const std::string parent = "exchanges/ph";
  const int page_size = 1;
  const std::string page_token;
  const std::string filter = "state = ACTIVE";
  auto query =
      ParseListQuery(parent, "experts", page_size, page_token, filter, ExpertFilterFields());
  ASSERT_TRUE(query.ok()) << query.status();
  const std::string last_id_of_page = "kaisa";
  std::string token = NextPageToken(*query, last_id_of_page);
  auto next = ParseListQuery(parent, "experts", page_size, token, filter, ExpertFilterFields());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->after_id, "kaisa");
}

TEST(HeaderExamples, LifecycleMatchingAndPlanning) {
  const Order order = AnOrder();
  const FeeSchedule schedule = ASchedule();
  Assignment assignment;
  assignment.exchange_id = "ph";
  assignment.order_id = order.id;
  assignment.id = "kaisa";
  assignment.expert_id = "kaisa";
  assignment.state = AssignmentState::kOffered;
  assignment.start_time = order.start_time;
  assignment.end_time = order.end_time();
  assignment.offer_deadline = kNow + absl::Hours(24);
  const std::vector<Assignment> siblings = {assignment};
  const ExpertFacts expert{ExpertState::kActive, PaymentMethod::kInvoice, "398"};
  const int overlapping = 0;
  const absl::Duration buffer = absl::Minutes(30);
  const absl::Time now = kNow;
  absl::StatusOr<TransitionPlan> plan = PlanTransition(
      {order, assignment, siblings, &expert, schedule, overlapping, buffer},
      {AssignmentState::kAccepted}, now);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->assignment.state, AssignmentState::kAccepted);
  EXPECT_TRUE(plan->withdrawn.empty());

  const std::vector<ExpertRecord> candidates = {{AnExpert(), {}}};
  const MatchingSettings settings;
  Ranking r = RankExperts(order, candidates, settings, schedule, now);
  for (const auto& x : r.excluded) ADD_FAILURE() << x.reason;
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_GT(r.candidates[0].parts.fairness, 0);

  std::vector<PlanOrder> orders = {{order, 1, r.candidates}};
  Plan planned = PlanAssignments(orders, candidates, settings, absl::Seconds(20));
  ASSERT_EQ(planned.proposals.size(), 1u);
  EXPECT_EQ(planned.proposals[0].expert_id, "kaisa");
  EXPECT_EQ(planned.greedy.places_filled, 1);
}

TEST(HeaderExamples, RateLimitAndStatistics) {
  RateLimiter limits({.per_second = 50, .burst = 100});
  Principal principal;
  principal.key_id = "k1";
  EXPECT_TRUE(limits.Allow(principal.key_id, absl::Now()));
  TaskRecord task;
  task.exchange_id = "ph";
  task.expert_id = "kaisa";
  task.organization_id = "lyseo";
  task.kind = OrganizationKind::kEducationalInstitution;
  task.state = AssignmentState::kCompleted;
  task.start_time = kNow;
  task.minutes = 90;
  task.fee_cents = 15000;
  const std::vector<TaskRecord> tasks = {task};
  const std::vector<std::string> active_trained = {"kaisa"};
  Statistics s = ComputeStatistics(tasks, active_trained, {Grouping::kCategory}, 0);
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0].key[0], "EDUCATIONAL_INSTITUTIONS");
  EXPECT_EQ(s.total.figures.tasks, 1);
}

TEST(HeaderExamples, DocumentsContractsAndTheAnnualReport) {
  const Exchange exchange;
  const Organization orderer;
  const Expert expert = AnExpert();
  const Order order = AnOrder();
  const Assignment assignment;
  const FeeSchedule schedule = ASchedule();
  ContractFacts facts{exchange, orderer, expert, order, assignment, schedule};
  auto text = RenderTemplate(DefaultContractTemplate("fi"), ContractTemplateData(facts, "fi"));
  ASSERT_TRUE(text.ok()) << text.status();
  Document doc = ParseDocument(*text);
  std::string plain = PlainText(doc);
  EXPECT_THAT(plain, HasSubstr("Kaisa K."));
  const absl::Time created = kNow;
  absl::StatusOr<std::string> pdf = render::RenderPdf(doc, "Kokemus contract", created);
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");

  const std::vector<TaskRecord> tasks;
  const std::vector<std::string> active_trained = {"kaisa"};
  Document report = AnnualReportDocument({"Päijät-Häme", 2021, "fi"}, tasks, active_trained);
  EXPECT_THAT(PlainText(report), HasSubstr("Päijät-Häme"));
}

TEST(HeaderExamples, Metrics) {
  observability::Metrics metrics;
  metrics.RecordRequest("/kokemus.v1.OrderService/GetOrder", "OK", 0.0012);
  metrics.AddGauge("kokemus_db_pool_in_use", "Sessions in use", [&] { return 2.0; });
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kokemus_db_pool_in_use 2"));
}

}  // namespace
}  // namespace kokemus::domain
