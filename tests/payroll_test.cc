// The payroll as the payer reports it (issue 20): each kind of pay on its own
// line with exact amounts, payment dates by the pay rule, the Incomes Register
// deadline and where a line stands with it, the tax card's withholding, and
// which experts' payroll details are kept at all.
#include "services/domain/payroll.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

absl::Time Helsinki(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), reference::HelsinkiTimeZone());
}

TaskRecord Task(const std::string& expert, absl::Time start, int64_t fee, int64_t travel = 0) {
  TaskRecord t;
  t.expert_id = expert;
  t.state = AssignmentState::kCompleted;
  t.start_time = start;
  t.minutes = 90;
  t.fee_cents = fee;
  t.travel_cents = travel;
  return t;
}

Payer Exchange() { return {"ph", "Klubitalo Päijät-Häme", "1234567-1", PayRule{}}; }

std::map<std::string, Payee> Payees() {
  return {
      {"aino", {"Aino", PaymentMethod::kSalaryTaxCard, "131052-308T", 175}},
      {"bert", {"Bert", PaymentMethod::kInvoice, "", -1}},
      {"cilla", {"Cilla", PaymentMethod::kFeeDeclined, "", -1}},
      {"dan", {"Dan, Jr.", PaymentMethod::kWorkCompensation, "010594Y9021", 600}},
  };
}

// December's tasks, paid on Friday 15.1.2027 (the pay rule's 15th); January's
// on Monday 15.2.2027.
std::vector<TaskRecord> Tasks() {
  std::vector<TaskRecord> tasks;
  tasks.push_back(Task("aino", Helsinki(2026, 12, 3), 15000, 1650));
  TaskRecord far = Task("aino", Helsinki(2026, 12, 17), 20000, 3300);
  far.daily_allowance_cents = 2500;
  tasks.push_back(far);
  TaskRecord late_cancel = Task("aino", Helsinki(2026, 12, 22), 7500);
  late_cancel.state = AssignmentState::kCancelled;
  tasks.push_back(late_cancel);
  TaskRecord early_cancel = Task("aino", Helsinki(2026, 12, 23), 0);
  early_cancel.state = AssignmentState::kCancelled;
  tasks.push_back(early_cancel);  // pays nothing: no line
  tasks.push_back(Task("aino", Helsinki(2027, 1, 12), 15000));
  tasks.push_back(Task("bert", Helsinki(2026, 12, 9), 12000, 800));
  TaskRecord declined = Task("cilla", Helsinki(2026, 12, 10), 0, 1200);
  declined.declined_fee_cents = 15000;
  tasks.push_back(declined);
  tasks.push_back(Task("dan", Helsinki(2026, 12, 14), 10001));
  TaskRecord offered = Task("dan", Helsinki(2026, 12, 15), 10000);
  offered.state = AssignmentState::kConfirmed;  // not held yet: no line
  tasks.push_back(offered);
  return tasks;
}

TEST(PayrollDetails, KeptOnlyForWagesAndWorkCompensation) {
  EXPECT_TRUE(KeepsPayrollDetails(PaymentMethod::kSalaryTaxCard));
  EXPECT_TRUE(KeepsPayrollDetails(PaymentMethod::kWorkCompensation));
  EXPECT_FALSE(KeepsPayrollDetails(PaymentMethod::kInvoice));
  EXPECT_FALSE(KeepsPayrollDetails(PaymentMethod::kFeeDeclined));
  EXPECT_FALSE(KeepsPayrollDetails(PaymentMethod::kUnspecified));

  Expert e;
  e.payment_method = PaymentMethod::kInvoice;
  e.payroll.identity_code = "131052-308T";
  e.payroll.identity_code_sealed = "v1.sealed";
  e.payroll.withholding_permille = 175;
  NormalizePayrollDetails(e);
  EXPECT_EQ(e.payroll.identity_code_sealed, "");
  EXPECT_EQ(e.payroll.withholding_permille, -1);
  FieldViolations v;
  ValidatePayrollDetails(e, "expert.payroll", v);
  EXPECT_EQ(
      std::string(v.ToStatus().message()),
      "invalid request: expert.payroll.identity_code: is kept only for an expert paid wages or "
      "work compensation "
      "(payment_method SALARY_TAX_CARD or WORK_COMPENSATION)");

  e.payment_method = PaymentMethod::kSalaryTaxCard;
  e.payroll.identity_code = " 131052-308t ";
  NormalizePayrollDetails(e);
  EXPECT_EQ(e.payroll.identity_code, "131052-308T");
  FieldViolations ok;
  ValidatePayrollDetails(e, "expert.payroll", ok);
  EXPECT_TRUE(ok.empty());

  e.payroll.identity_code = "131052-308U";  // wrong check character
  e.payroll.withholding_permille = kUnreadableWithholding;
  FieldViolations bad;
  ValidatePayrollDetails(e, "expert.payroll", bad);
  ASSERT_EQ(bad.list().size(), 2u);
  EXPECT_EQ(bad.list()[0].field, "expert.payroll.identity_code");
  EXPECT_THAT(bad.ToStatus().message(), Not(HasSubstr("131052")));
  EXPECT_EQ(bad.list()[1].field, "expert.payroll.withholding_percent");
  EXPECT_EQ(
      bad.list()[1].description,
      "must be a percentage from 0 to 100 with at most one decimal (17.5)");
}

TEST(Withholding, PercentagesWithOneDecimalAndCentsRoundedHalfUp) {
  EXPECT_EQ(*ParseWithholdingPercent("17.5", "p"), 175);
  EXPECT_EQ(*ParseWithholdingPercent("17,5", "p"), 175);
  EXPECT_EQ(*ParseWithholdingPercent(" 20 ", "p"), 200);
  EXPECT_EQ(*ParseWithholdingPercent("0", "p"), 0);
  EXPECT_EQ(*ParseWithholdingPercent("100", "p"), 1000);
  EXPECT_EQ(*ParseWithholdingPercent("", "p"), -1);
  for (const char* bad : {"100.1", "-1", "abc", "17.55", "1000", ".5", "17.", "1e1"}) {
    auto parsed = ParseWithholdingPercent(bad, "payroll.withholding_percent");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(
        std::string(parsed.status().message()),
        "invalid request: payroll.withholding_percent: must be a percentage from 0 to 100 with at "
        "most one "
        "decimal (17.5)")
        << bad;
  }
  EXPECT_EQ(WithholdingPercentText(175), "17.5");
  EXPECT_EQ(WithholdingPercentText(200), "20");
  EXPECT_EQ(WithholdingPercentText(0), "0");
  EXPECT_EQ(WithholdingPercentText(-1), "");
  EXPECT_EQ(Withholding(15000, 175), 2625);
  EXPECT_EQ(Withholding(333, 175), 58);      // 58.275
  EXPECT_EQ(Withholding(100, 5), 1);         // 0.5 up
  EXPECT_EQ(Withholding(10001, 600), 6001);  // 6000.6
  EXPECT_EQ(Withholding(15000, -1), 0);
}

TEST(Reporting, DueFromThePaymentDayForFiveDaysThenPast) {
  const absl::CivilDay paid(2027, 1, 15);
  EXPECT_EQ(ReportingOn(paid, absl::CivilDay(2027, 1, 14)), Reporting::kComing);
  EXPECT_EQ(ReportingOn(paid, paid), Reporting::kDue);
  EXPECT_EQ(ReportingOn(paid, absl::CivilDay(2027, 1, 20)), Reporting::kDue);
  EXPECT_EQ(ReportingOn(paid, absl::CivilDay(2027, 1, 21)), Reporting::kPast);
}

TEST(PayrollLines, EachKindOfPayWithExactAmountsDatesAndWithholding) {
  const auto lines = PayrollLines(Tasks(), Exchange(), Payees(), absl::CivilDay(2027, 1, 18), {});
  EXPECT_THAT(
      PayrollCsv(PayrollView::kLines, lines, Exchange(), Payees()),
      ElementsAre(
          "payer,payer_name,payer_business_id,expert,display_name,identity_code,payment_method,"
          "kind,payment_date,incomes_register_deadline,incomes_register,period_start,period_end,"
          "tasks,amount_cents,withholding_percent,withholding_cents",
          "ph,Klubitalo Päijät-Häme,1234567-1,aino,Aino,131052-308T,SALARY_TAX_CARD,WAGES,"
          "2027-01-15,2027-01-20,DUE,2026-12-03,2026-12-22,3,42500,17.5,7438",
          "ph,Klubitalo Päijät-Häme,1234567-1,aino,Aino,131052-308T,SALARY_TAX_CARD,"
          "KILOMETRE_ALLOWANCE,2027-01-15,2027-01-20,DUE,2026-12-03,2026-12-17,2,4950,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,aino,Aino,131052-308T,SALARY_TAX_CARD,"
          "DAILY_ALLOWANCE,2027-01-15,2027-01-20,DUE,2026-12-17,2026-12-17,1,2500,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,aino,Aino,131052-308T,SALARY_TAX_CARD,WAGES,"
          "2027-02-15,2027-02-20,COMING,2027-01-12,2027-01-12,1,15000,17.5,2625",
          "ph,Klubitalo Päijät-Häme,1234567-1,bert,Bert,,INVOICE,INVOICE,2027-01-15,2027-01-20,,"
          "2026-12-09,2026-12-09,1,12000,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,bert,Bert,,INVOICE,KILOMETRE_ALLOWANCE,2027-01-15,"
          "2027-01-20,,2026-12-09,2026-12-09,1,800,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,cilla,Cilla,,FEE_DECLINED,DECLINED_FEE,2027-01-15,"
          "2027-01-20,,2026-12-10,2026-12-10,1,15000,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,cilla,Cilla,,FEE_DECLINED,KILOMETRE_ALLOWANCE,"
          "2027-01-15,2027-01-20,DUE,2026-12-10,2026-12-10,1,1200,,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,dan,\"Dan, Jr.\",010594Y9021,WORK_COMPENSATION,"
          "WORK_COMPENSATION,2027-01-15,2027-01-20,DUE,2026-12-14,2026-12-14,1,10001,60,6001"));
}

TEST(PayrollLines, SelectedByPaymentDate) {
  const auto february = PayrollLines(
      Tasks(), Exchange(), Payees(), absl::CivilDay(2027, 1, 18),
      std::make_pair(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 3, 1)));
  ASSERT_EQ(february.size(), 1u);
  EXPECT_EQ(february[0].expert_id, "aino");
  EXPECT_EQ(february[0].payment_date, absl::CivilDay(2027, 2, 15));
  EXPECT_EQ(february[0].amount_cents, 15000);
}

TEST(PayrollCsv, ASummaryPerPayerPaymentMonthAndKind) {
  const auto lines = PayrollLines(Tasks(), Exchange(), Payees(), absl::CivilDay(2027, 1, 21), {});
  EXPECT_THAT(
      PayrollCsv(PayrollView::kSummary, lines, Exchange(), Payees()),
      ElementsAre(
          "payer,payer_name,payer_business_id,payment_month,kind,experts,lines,amount_cents,"
          "withholding_cents,due_lines,past_lines",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,WAGES,1,1,42500,7438,0,1",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,WORK_COMPENSATION,1,1,10001,6001,0,1",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,INVOICE,1,1,12000,0,0,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,DECLINED_FEE,1,1,15000,0,0,0",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,KILOMETRE_ALLOWANCE,3,3,6950,0,0,2",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-01,DAILY_ALLOWANCE,1,1,2500,0,0,1",
          "ph,Klubitalo Päijät-Häme,1234567-1,2027-02,WAGES,1,1,15000,2625,0,0"));
}

TEST(PayrollCsv, TheLinesDueOrPastTheirDeadlineTheEarliestFirst) {
  std::vector<TaskRecord> tasks = Tasks();
  tasks.push_back(Task("aino", Helsinki(2026, 11, 5), 15000));  // paid 15.12.2026
  const auto lines = PayrollLines(tasks, Exchange(), Payees(), absl::CivilDay(2027, 1, 19), {});
  const auto due = PayrollCsv(PayrollView::kDue, lines, Exchange(), Payees());
  ASSERT_EQ(due.size(), 7u);
  EXPECT_THAT(
      due[1], HasSubstr(",aino,Aino,131052-308T,SALARY_TAX_CARD,WAGES,2026-12-15,"
                        "2026-12-20,PAST,2026-11-05,2026-11-05,1,15000,17.5,2625"));
  for (size_t i = 2; i < due.size(); ++i) {
    EXPECT_THAT(due[i], HasSubstr(",2027-01-15,2027-01-20,DUE,")) << due[i];
  }
  EXPECT_THAT(due[6], HasSubstr(",dan,"));
}

}  // namespace
}  // namespace kokemus::domain
