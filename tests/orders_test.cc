#include "services/domain/orders.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/fees.h"
#include "services/domain/travel.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

absl::Time Helsinki(int y, int m, int d, int hh, int mm) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Helsinki", &tz));
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), tz);
}

FeeSchedule Schedule() {
  FeeSchedule s;
  s.role_rules = {
      {Role::kLecturer, "2026-01-01", FeeKind::kFixed, 15000, 0, false},
      {Role::kLecturer, "2027-01-01", FeeKind::kFixed, 17500, 0, false},
      {Role::kPeerSupport, "2026-01-01", FeeKind::kHourly, 2500, 5000, true},
  };
  s.travel_rates = {{"2026-01-01", 25}, {"2027-01-01", 30}};
  s.cancellation_rules = {{"2026-01-01", 14, 50, 0, 100}};
  return s;
}

Order MakeOrder(Role role, absl::Time start, int minutes) {
  Order o;
  o.role = role;
  o.start_time = start;
  o.duration_minutes = minutes;
  o.municipality = "398";
  return o;
}

TEST(Fees, FixedFeeFollowsTheRuleValidOnTheTaskDateInHelsinkiTime) {
  const FeeSchedule s = Schedule();
  auto in_2026 = QuoteFee(
      s, MakeOrder(Role::kLecturer, Helsinki(2026, 12, 31, 23, 30), 90), 90,
      PaymentMethod::kInvoice, 0);
  ASSERT_TRUE(in_2026.ok());
  EXPECT_EQ(in_2026->fee_cents, 15000);
  // 00:30 on 1 January in Helsinki is still 31 December in UTC.
  auto in_2027 = QuoteFee(
      s, MakeOrder(Role::kLecturer, Helsinki(2027, 1, 1, 0, 30), 90), 90, PaymentMethod::kInvoice,
      0);
  EXPECT_EQ(in_2027->fee_cents, 17500);
}

TEST(Fees, HourlyFeeRoundsUpToTheHalfHourIncludingPaidPreparationWithAMinimum) {
  const FeeSchedule s = Schedule();
  Order o = MakeOrder(Role::kPeerSupport, Helsinki(2026, 12, 1, 10, 0), 100);
  o.preparation_minutes = 25;
  // 100 + 25 = 125 min -> 5 half hours -> 2.5 h * 25 € = 62.50 €
  EXPECT_EQ(QuoteFee(s, o, 100, PaymentMethod::kSalaryTaxCard, 0)->fee_cents, 6250);
  // 30 min -> 1 h -> 25 € but the minimum is 50 €.
  o.preparation_minutes = 0;
  EXPECT_EQ(QuoteFee(s, o, 30, PaymentMethod::kSalaryTaxCard, 0)->fee_cents, 5000);
  // 31 + 0 min -> 2 half hours... 1 h -> 25 €, still the minimum.
  EXPECT_EQ(QuoteFee(s, o, 31, PaymentMethod::kSalaryTaxCard, 0)->fee_cents, 5000);
  // 181 min -> 7 half hours -> 87.50 €
  EXPECT_EQ(QuoteFee(s, o, 181, PaymentMethod::kSalaryTaxCard, 0)->fee_cents, 8750);
}

TEST(Fees, TravelIsPaidBothWaysAndAlsoToExpertsWhoDeclineTheFee) {
  const FeeSchedule s = Schedule();
  const Order o = MakeOrder(Role::kLecturer, Helsinki(2026, 12, 1, 10, 0), 60);
  auto declined = QuoteFee(s, o, 60, PaymentMethod::kFeeDeclined, 40);
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->fee_cents, 0);
  EXPECT_EQ(declined->travel_km, 40);
  EXPECT_EQ(declined->travel_cents, 40 * 2 * 25);
  // The 2027 rate applies to a 2027 task.
  const Order next_year = MakeOrder(Role::kLecturer, Helsinki(2027, 3, 1, 10, 0), 60);
  EXPECT_EQ(QuoteFee(s, next_year, 60, PaymentMethod::kInvoice, 40)->travel_cents, 40 * 2 * 30);
  Order remote = o;
  remote.remote = true;
  EXPECT_EQ(QuoteFee(s, remote, 60, PaymentMethod::kInvoice, 40)->travel_cents, 0);
}

TEST(Fees, NoRuleForTheRoleIsFailedPrecondition) {
  auto quote = QuoteFee(
      Schedule(), MakeOrder(Role::kEvaluator, Helsinki(2026, 12, 1, 10, 0), 60), 60,
      PaymentMethod::kInvoice, 0);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      quote.status().message(),
      "the fee schedule has no rule for EVALUATOR on 2026-12-01; set one with "
      "UpdateFeeSchedule");
  auto before = QuoteFee(
      Schedule(), MakeOrder(Role::kLecturer, Helsinki(2025, 6, 1, 10, 0), 60), 60,
      PaymentMethod::kInvoice, 0);
  EXPECT_EQ(before.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Fees, CancellationByTheOrdererCostsHalfOnlyWhenLate) {
  const FeeSchedule s = Schedule();
  const Order o = MakeOrder(Role::kLecturer, Helsinki(2026, 12, 20, 10, 0), 60);
  EXPECT_EQ(
      CancellationFee(s, o, 15000, CancelledBy::kOrderer, Helsinki(2026, 12, 10, 10, 0)), 7500);
  EXPECT_EQ(CancellationFee(s, o, 15000, CancelledBy::kOrderer, Helsinki(2026, 12, 6, 9, 0)), 0);
  EXPECT_EQ(CancellationFee(s, o, 15000, CancelledBy::kExpert, Helsinki(2026, 12, 19, 10, 0)), 0);
  EXPECT_EQ(
      CancellationFee(s, o, 15000, CancelledBy::kExchange, Helsinki(2026, 12, 19, 10, 0)), 15000);
}

TEST(Fees, CancellationByTheOrdererFollowsTheStepOfItsNotice) {
  FeeSchedule s = Schedule();
  // 50 % under 14 days (the rule's own step), 100 % under 2 days, 25 % under 30.
  s.cancellation_rules[0].orderer_tiers = {{2, 100}, {30, 25}};
  const Order o = MakeOrder(Role::kLecturer, Helsinki(2026, 12, 31, 10, 0), 60);
  auto fee = [&](absl::Time at) { return CancellationFee(s, o, 15000, CancelledBy::kOrderer, at); };
  EXPECT_EQ(fee(Helsinki(2026, 11, 30, 10, 0)), 0);      // 31 days
  EXPECT_EQ(fee(Helsinki(2026, 12, 1, 10, 1)), 3750);    // under 30 days: 25 %
  EXPECT_EQ(fee(Helsinki(2026, 12, 17, 10, 0)), 3750);   // 14 days exactly: still 25 %
  EXPECT_EQ(fee(Helsinki(2026, 12, 17, 10, 1)), 7500);   // under 14: 50 %
  EXPECT_EQ(fee(Helsinki(2026, 12, 29, 10, 1)), 15000);  // under 2 days: all of it
  // The expert's own cancellation, illness or not, is never charged by notice.
  EXPECT_EQ(CancellationFee(s, o, 15000, CancelledBy::kExpert, Helsinki(2026, 12, 31, 9, 0)), 0);
  EXPECT_THAT(
      OrdererTiers(s.cancellation_rules[0]),
      ElementsAre(NoticeTier{30, 25}, NoticeTier{14, 50}, NoticeTier{2, 100}));
  // Without the rule's own step, only the tiers count.
  CancellationRule only_tiers{"2026-01-01", 0, 0, 0, 100, {{7, 40}}};
  EXPECT_EQ(OrdererLatePercent(only_tiers, absl::Hours(24 * 7)), 0);
  EXPECT_EQ(OrdererLatePercent(only_tiers, absl::Hours(24 * 7 - 1)), 40);
}

TEST(Transitions, FollowTheLifecycle) {
  using S = AssignmentState;
  EXPECT_TRUE(CheckAssignmentTransition(S::kOffered, S::kAccepted).ok());
  EXPECT_TRUE(CheckAssignmentTransition(S::kOffered, S::kDeclined).ok());
  EXPECT_TRUE(CheckAssignmentTransition(S::kAccepted, S::kConfirmed).ok());
  EXPECT_TRUE(CheckAssignmentTransition(S::kConfirmed, S::kCompleted).ok());
  EXPECT_TRUE(CheckAssignmentTransition(S::kAccepted, S::kCancelled).ok());
  EXPECT_TRUE(CheckAssignmentTransition(S::kConfirmed, S::kCancelled).ok());
  absl::Status s = CheckAssignmentTransition(S::kWithdrawn, S::kAccepted);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "the assignment is WITHDRAWN and can't become ACCEPTED");
  EXPECT_FALSE(CheckAssignmentTransition(S::kAccepted, S::kCompleted).ok());
  EXPECT_FALSE(CheckAssignmentTransition(S::kCompleted, S::kCancelled).ok());
  EXPECT_FALSE(CheckAssignmentTransition(S::kLapsed, S::kAccepted).ok());
  EXPECT_FALSE(CheckAssignmentTransition(S::kOffered, S::kConfirmed).ok());
}

TEST(Transitions, AnOfferPastItsDeadlineHasLapsed) {
  Assignment a;
  a.state = AssignmentState::kOffered;
  a.offer_deadline = absl::FromUnixSeconds(1000);
  EXPECT_EQ(EffectiveState(a, absl::FromUnixSeconds(999)), AssignmentState::kOffered);
  EXPECT_EQ(EffectiveState(a, absl::FromUnixSeconds(1000)), AssignmentState::kLapsed);
  a.state = AssignmentState::kAccepted;
  EXPECT_EQ(EffectiveState(a, absl::FromUnixSeconds(5000)), AssignmentState::kAccepted);
}

TEST(OrderState, FollowsTheAssignments) {
  Order o;
  o.experts_needed = 2;
  o.state = OrderState::kOpen;
  auto with = [](std::vector<AssignmentState> states) {
    std::vector<Assignment> out;
    for (auto s : states) out.push_back(Assignment{.state = s});
    return out;
  };
  using S = AssignmentState;
  EXPECT_EQ(OrderStateAfter(o, with({S::kAccepted, S::kConfirmed})), OrderState::kOpen);
  EXPECT_EQ(
      OrderStateAfter(o, with({S::kConfirmed, S::kConfirmed, S::kDeclined})),
      OrderState::kAssigned);
  EXPECT_EQ(OrderStateAfter(o, with({S::kCompleted, S::kConfirmed})), OrderState::kAssigned);
  EXPECT_EQ(OrderStateAfter(o, with({S::kCompleted, S::kCancelled})), OrderState::kCompleted);
  EXPECT_EQ(OrderStateAfter(o, with({S::kCancelled})), OrderState::kOpen);
  o.state = OrderState::kCancelled;
  EXPECT_EQ(OrderStateAfter(o, with({S::kConfirmed, S::kConfirmed})), OrderState::kCancelled);
  EXPECT_TRUE(PlacesFilled(o, 2));
  EXPECT_FALSE(PlacesFilled(o, 1));
}

TEST(Conflicts, CountTheTravelBufferOnBothSides) {
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  const absl::Duration buffer = absl::Minutes(30);
  // 10:00-11:00 and 11:20-12:00 are too close with a 30 min buffer.
  EXPECT_TRUE(Conflicts(t, t + absl::Hours(1), t + absl::Minutes(80), t + absl::Hours(2), buffer));
  EXPECT_TRUE(Conflicts(t + absl::Minutes(80), t + absl::Hours(2), t, t + absl::Hours(1), buffer));
  // 11:30 is just enough.
  EXPECT_FALSE(Conflicts(t, t + absl::Hours(1), t + absl::Minutes(90), t + absl::Hours(2), buffer));
  EXPECT_FALSE(Conflicts(
      t, t + absl::Hours(1), t + absl::Hours(1), t + absl::Hours(2), absl::ZeroDuration()));
}

TEST(Travel, EstimatesRoadKilometresFromCentroids) {
  EXPECT_EQ(TravelKm("398", "398"), 0);
  const int lahti_helsinki = TravelKm("398", "091");
  EXPECT_GT(lahti_helsinki, 110);  // ~95 km great circle times 1.3
  EXPECT_LT(lahti_helsinki, 140);
  EXPECT_EQ(TravelKm("398", "091"), TravelKm("091", "398"));
  EXPECT_EQ(TravelKm("398", "999"), 0);
}

TEST(ValidateOrder, NamesEveryBadField) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  Order o;
  o.organization_id = "";
  o.topic = "";
  o.start_time = now - absl::Hours(1);
  o.duration_minutes = 5;
  o.municipality = "";
  o.language = "xx-yy-zz";
  o.experts_needed = 11;
  FieldViolations v;
  ValidateOrder(o, now, /*creating=*/true, "order", v);
  std::vector<std::string> fields;
  for (const auto& f : v.list()) fields.push_back(f.field);
  EXPECT_THAT(
      fields, ElementsAre(
                  "order.organization", "order.role", "order.topic", "order.audience",
                  "order.start_time", "order.duration_minutes", "order.address",
                  "order.municipality", "order.language", "order.experts_needed"));
  EXPECT_EQ(v.list()[4].description, "must be in the future");
  EXPECT_EQ(v.list()[5].description, "must be between 15 and 720");
}

TEST(ValidateOrder, TextFieldsAreJudgedLikeEveryOtherText) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  Order o;
  o.organization_id = "lyseo";
  o.role = Role::kLecturer;
  o.audience = Audience::kStudents;
  o.topic = "Toipumis\x01tarina";  // a control character in a one-line field
  o.start_time = now + absl::Hours(24);
  o.duration_minutes = 90;
  o.address = "Kirkkokatu 1\nLahti";  // an address is one line
  o.municipality = "398";
  o.language = "fi";
  o.experts_needed = 1;
  o.notes = "Ryhm\xc3\xa4 on pieni.\nTulkki paikalla.\t(1)";  // free text keeps its lines
  FieldViolations v;
  ValidateOrder(o, now, /*creating=*/true, "order", v);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& f : v.list()) got.emplace_back(f.field, f.description);
  EXPECT_THAT(
      got, ElementsAre(
               Pair("order.topic", "must be UTF-8 text without control characters"),
               Pair("order.address", "must be UTF-8 text without control characters")));
  o.topic = "Toipumistarina";
  o.address = "Kirkkokatu 1";
  o.notes = "bad \x07 bell";
  FieldViolations notes;
  ValidateOrder(o, now, /*creating=*/true, "order", notes);
  ASSERT_EQ(notes.list().size(), 1u);
  EXPECT_EQ(notes.list()[0].field, "order.notes");
  EXPECT_EQ(
      notes.list()[0].description,
      "must be UTF-8 text without control characters other than line breaks and tabs");
}

TEST(ValidateOrder, EnumsAreCheckedLikeEveryOtherEnum) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  Order o;
  o.organization_id = "lyseo";
  o.role = static_cast<Role>(99);
  o.audience = Audience::kStudents;
  o.topic = "Toipumistarina";
  o.start_time = now + absl::Hours(24);
  o.duration_minutes = 90;
  o.address = "Kirkkokatu 1";
  o.municipality = "398";
  o.language = "fi";
  o.experts_needed = 1;
  o.experience_areas = {
      ExperienceArea::kMentalHealth, ExperienceArea::kMentalHealth, ExperienceArea::kUnspecified};
  FieldViolations v;
  ValidateOrder(o, now, /*creating=*/true, "order", v);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& f : v.list()) got.emplace_back(f.field, f.description);
  EXPECT_THAT(
      got, ElementsAre(
               Pair("order.role", "unknown enum value"),
               Pair("order.experience_areas[1]", "duplicate value"),
               Pair("order.experience_areas[2]", "unknown or UNSPECIFIED enum value")));
}

TEST(ValidateOrder, RemoteNeedsNoPlace) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  Order o;
  o.organization_id = "lyseo";
  o.role = Role::kLecturer;
  o.topic = "Toipuminen";
  o.audience = Audience::kStudents;
  o.start_time = now + absl::Hours(48);
  o.duration_minutes = 90;
  o.remote = true;
  o.language = "fi";
  NormalizeOrder(o);
  FieldViolations v;
  ValidateOrder(o, now, true, "order", v);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(o.experts_needed, 1);
  EXPECT_EQ(o.state, OrderState::kOpen);
}

TEST(ValidateFeedback, EachSideGivesItsOwnRatings) {
  FieldViolations v;
  ValidateFeedback({FeedbackSource::kOrderer, 0, 3, 2, false, ""}, "feedback", v);
  EXPECT_THAT(
      v.list(), ElementsAre(
                    FieldViolation{"feedback.overall_rating", "must be between 1 and 5"},
                    FieldViolation{"feedback.heaviness", "is the expert's to give"}));
  FieldViolations ok;
  ValidateFeedback({FeedbackSource::kExpert, 0, 0, 4, true, "Raskas mutta hyvä"}, "f", ok);
  EXPECT_TRUE(ok.empty());
}

TEST(ValidateFeeSchedule, ChecksDatesRangesAndDuplicates) {
  FeeSchedule s = Schedule();
  s.role_rules.push_back({Role::kLecturer, "2026-01-01", FeeKind::kHourly, 1, 0, false});
  s.travel_rates.push_back({"2026-13-01", 5000});
  FieldViolations v;
  ValidateFeeSchedule(s, "fee_schedule", v);
  EXPECT_THAT(
      v.list(),
      ElementsAre(
          FieldViolation{
              "fee_schedule.role_rules[3]", "another rule has the same role and valid_from"},
          FieldViolation{"fee_schedule.travel_rates[2].valid_from", "must be a date YYYY-MM-DD"},
          FieldViolation{
              "fee_schedule.travel_rates[2].cents_per_km", "must be between 0 and 1000"}));
}

// Issue 18: 4,000 identical role rules took 36 s and 10 GB (a violation per
// pair). Lists are bounded, and each repeat is one violation, found at once.
TEST(ValidateFeeSchedule, ListsAreBoundedAndRepeatsFoundOnceEachInLinearTime) {
  FeeSchedule s = Schedule();
  s.role_rules.assign(4000, s.role_rules[0]);
  FieldViolations v;
  ValidateFeeSchedule(s, "fee_schedule", v);
  EXPECT_THAT(
      v.list(),
      ElementsAre(FieldViolation{"fee_schedule.role_rules", "must have at most 200 entries"}));
  s = Schedule();
  s.role_rules.assign(150, s.role_rules[0]);
  s.travel_rates = {{"2026-01-01", 20}, {"2026-01-01", 25}};
  s.cancellation_rules.push_back(s.cancellation_rules[0]);
  FieldViolations w;
  ValidateFeeSchedule(s, "fee_schedule", w);
  ASSERT_EQ(w.list().size(), kMaxViolations);  // 149 repeats and 2 more, listed up to the cap
  EXPECT_EQ(
      w.list()[0],
      (FieldViolation{
          "fee_schedule.role_rules[1]", "another rule has the same role and valid_from"}));
  const absl::Status status = w.ToStatus();
  const std::vector<FieldViolation> sent = ViolationsOf(status);
  ASSERT_EQ(sent.size(), kMaxViolations + 1);
  EXPECT_EQ(sent.back(), (FieldViolation{"request", "131 more violations not listed"}));
  EXPECT_LT(status.message().size(), 2500u);
  FeeSchedule dates = Schedule();
  dates.travel_rates = {{"2026-01-01", 20}, {"2026-01-01", 25}};
  dates.cancellation_rules.push_back(dates.cancellation_rules[0]);
  FieldViolations x;
  ValidateFeeSchedule(dates, "fee_schedule", x);
  EXPECT_THAT(
      x.list(),
      ElementsAre(
          FieldViolation{"fee_schedule.travel_rates[1]", "another rate has the same valid_from"},
          FieldViolation{
              "fee_schedule.cancellation_rules[1]", "another rule has the same valid_from"}));
}

TEST(ValidateFeeSchedule, EachNoticeStepHasItsOwnDaysAndAtMostFive) {
  FeeSchedule s = Schedule();
  s.cancellation_rules[0].orderer_tiers = {{14, 60}, {0, 101}, {2, 100}, {2, 90}};
  FieldViolations v;
  ValidateFeeSchedule(s, "fee_schedule", v);
  EXPECT_THAT(
      v.list(), ElementsAre(
                    FieldViolation{
                        "fee_schedule.cancellation_rules[0].orderer_tiers[0].notice_days",
                        "is given twice: each step needs its own number of days"},
                    FieldViolation{
                        "fee_schedule.cancellation_rules[0].orderer_tiers[1].notice_days",
                        "must be between 1 and 365"},
                    FieldViolation{
                        "fee_schedule.cancellation_rules[0].orderer_tiers[1].percent",
                        "must be between 0 and 100"},
                    FieldViolation{
                        "fee_schedule.cancellation_rules[0].orderer_tiers[3].notice_days",
                        "is given twice: each step needs its own number of days"}));
  s.cancellation_rules[0].orderer_tiers = {{1, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
  FieldViolations w;
  ValidateFeeSchedule(s, "fee_schedule", w);
  EXPECT_THAT(
      w.list(),
      ElementsAre(FieldViolation{
          "fee_schedule.cancellation_rules[0].orderer_tiers", "must have at most 5 entries"}));
}

// Issue 17: `fees set --role-rules "group_facilitator|..."` deleted the
// lecturer and peer-support rules. Without a mask a rule is merged by its
// role and date; the other rules and lists stay.
TEST(MergeFeeSchedule, AnEmptyMaskMergesRuleByRule) {
  FeeSchedule patch;
  patch.role_rules = {
      {Role::kGroupFacilitator, "2026-01-01", FeeKind::kFixed, 9000, 0, false},
      {Role::kLecturer, "2027-01-01", FeeKind::kFixed, 18000, 0, false}};
  auto merged = MergeFeeSchedule(Schedule(), patch, {});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(
      merged->role_rules,
      ElementsAre(
          RoleFeeRule{Role::kLecturer, "2026-01-01", FeeKind::kFixed, 15000, 0, false},
          RoleFeeRule{Role::kLecturer, "2027-01-01", FeeKind::kFixed, 18000, 0, false},
          RoleFeeRule{Role::kPeerSupport, "2026-01-01", FeeKind::kHourly, 2500, 5000, true},
          RoleFeeRule{Role::kGroupFacilitator, "2026-01-01", FeeKind::kFixed, 9000, 0, false}));
  EXPECT_EQ(merged->travel_rates, Schedule().travel_rates);
  EXPECT_EQ(merged->cancellation_rules, Schedule().cancellation_rules);
  patch = {};
  patch.travel_rates = {{"2027-01-01", 35}};
  merged = MergeFeeSchedule(Schedule(), patch, {});
  ASSERT_TRUE(merged.ok());
  EXPECT_THAT(
      merged->travel_rates,
      ElementsAre(TravelRate{"2026-01-01", 25}, TravelRate{"2027-01-01", 35}));
  EXPECT_EQ(merged->role_rules, Schedule().role_rules);
}

TEST(MergeFeeSchedule, APathReplacesItsListWholeAndStarTheSchedule) {
  FeeSchedule patch;
  patch.role_rules = {{Role::kLecturer, "2028-01-01", FeeKind::kFixed, 20000, 0, false}};
  auto merged = MergeFeeSchedule(Schedule(), patch, {"role_rules", "travel_rates"});
  ASSERT_TRUE(merged.ok());
  EXPECT_THAT(
      merged->role_rules,
      ElementsAre(RoleFeeRule{Role::kLecturer, "2028-01-01", FeeKind::kFixed, 20000, 0, false}));
  EXPECT_TRUE(merged->travel_rates.empty());  // named and given empty: cleared
  EXPECT_EQ(merged->cancellation_rules, Schedule().cancellation_rules);
  merged = MergeFeeSchedule(Schedule(), patch, {"*"});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->role_rules, patch.role_rules);
  EXPECT_TRUE(merged->travel_rates.empty());
  EXPECT_TRUE(merged->cancellation_rules.empty());
  auto bad = MergeFeeSchedule(Schedule(), patch, {"role_rules", "fees", "*"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ViolationsOf(bad.status()),
      ElementsAre(
          FieldViolation{"update_mask.paths[1]", "not an updatable field"},
          FieldViolation{"update_mask.paths[2]", "\"*\" must be the only path"}));
}

// Issue 17: `expert erase kaisa` went through while she had a confirmed task.
TEST(Erasure, TasksStillToComeHoldItUnlessForced) {
  const absl::Time now = Helsinki(2026, 12, 1, 12, 0);
  Assignment a;
  a.start_time = Helsinki(2026, 12, 10, 10, 0);
  a.offer_deadline = Helsinki(2026, 12, 3, 12, 0);
  for (auto [state, held] : std::vector<std::pair<AssignmentState, bool>>{
           {AssignmentState::kOffered, true},
           {AssignmentState::kAvailable, true},
           {AssignmentState::kAccepted, true},
           {AssignmentState::kConfirmed, true},
           {AssignmentState::kDeclined, false},
           {AssignmentState::kCancelled, false},
           {AssignmentState::kWithdrawn, false},
           {AssignmentState::kLapsed, false},
           {AssignmentState::kCompleted, false}}) {
    a.state = state;
    EXPECT_EQ(HeldAtErasure(a, now), held) << static_cast<int>(state);
  }
  a.state = AssignmentState::kOffered;
  EXPECT_FALSE(HeldAtErasure(a, a.offer_deadline));  // lapsed
  a.state = AssignmentState::kConfirmed;
  EXPECT_FALSE(HeldAtErasure(a, a.start_time));  // begun: history, kept under a pseudonym

  const std::vector<std::string> held = {"exchanges/ph/orders/o1/assignments/a1"};
  absl::Status refused = CheckErasure(held, /*force=*/false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      refused.message(),
      "the expert holds 1 task still to come: exchanges/ph/orders/o1/assignments/a1; cancel or "
      "withdraw them first, or erase with force (recorded in the audit log)");
  EXPECT_TRUE(CheckErasure(held, /*force=*/true).ok());
  EXPECT_TRUE(CheckErasure({}, /*force=*/false).ok());
  std::vector<std::string> many;
  for (int i = 1; i <= 12; ++i) many.push_back(absl::StrCat("t", i));
  EXPECT_EQ(
      CheckErasure(many, false).message(),
      "the expert holds 12 tasks still to come: t1, t2, t3, t4, t5, t6, t7, t8, t9, t10 and 2 "
      "more; cancel or withdraw them first, or erase with force (recorded in the audit log)");
}

}  // namespace
}  // namespace kokemus::domain
