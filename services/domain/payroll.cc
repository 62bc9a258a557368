#include "services/domain/payroll.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/earnings.h"
#include "services/domain/enum_names.h"
#include "services/domain/identity_code.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr std::array<absl::string_view, 6> kPayKinds = {
    "WAGES",        "WORK_COMPENSATION",   "INVOICE",
    "DECLINED_FEE", "KILOMETRE_ALLOWANCE", "DAILY_ALLOWANCE"};
constexpr std::array<absl::string_view, 4> kReporting = {"", "COMING", "DUE", "PAST"};

constexpr int kMaxWithholdingPermille = 1000;
constexpr char kWithholdingRule[] =
    "must be a percentage from 0 to 100 with at most one decimal (17.5)";

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The kind of a task's fee by how she is paid.
PayKind KindOfFee(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kWorkCompensation:
      return PayKind::kWorkCompensation;
    case PaymentMethod::kInvoice:
      return PayKind::kInvoice;
    case PaymentMethod::kFeeDeclined:
      return PayKind::kDeclinedFee;
    default:
      return PayKind::kWages;
  }
}

bool Taxed(PayKind kind) { return kind == PayKind::kWages || kind == PayKind::kWorkCompensation; }

// Whether the exchange reports a line of this kind for an expert paid so.
bool Reported(PayKind kind, PaymentMethod method) {
  return kind != PayKind::kDeclinedFee && method != PaymentMethod::kInvoice;
}

}  // namespace

bool KeepsPayrollDetails(PaymentMethod method) {
  return method == PaymentMethod::kSalaryTaxCard || method == PaymentMethod::kWorkCompensation;
}

absl::StatusOr<int> ParseWithholdingPercent(absl::string_view text, absl::string_view field) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return -1;
  const auto invalid = [&] { return InvalidField(std::string(field), kWithholdingRule); };
  std::string digits(text);
  std::replace(digits.begin(), digits.end(), ',', '.');
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  std::string tenth = dot == std::string::npos ? "0" : digits.substr(dot + 1);
  if (whole.empty() || whole.size() > 3 || tenth.size() != 1 ||
      !std::all_of(whole.begin(), whole.end(), absl::ascii_isdigit) ||
      !absl::ascii_isdigit(tenth[0])) {
    return invalid();
  }
  int w = 0;
  if (!absl::SimpleAtoi(whole, &w)) return invalid();
  const int permille = w * 10 + (tenth[0] - '0');
  if (permille > kMaxWithholdingPermille) return invalid();
  return permille;
}

std::string WithholdingPercentText(int permille) {
  if (permille < 0) return "";
  if (permille % 10 == 0) return absl::StrCat(permille / 10);
  return absl::StrCat(permille / 10, ".", permille % 10);
}

int64_t Withholding(int64_t cents, int permille) {
  if (permille <= 0 || cents <= 0) return 0;
  return (cents * permille + 500) / 1000;
}

void NormalizePayrollDetails(Expert& expert) {
  if (!KeepsPayrollDetails(expert.payment_method)) {
    // What is kept goes; a new code stays for ValidatePayrollDetails to refuse.
    expert.payroll.identity_code_sealed.clear();
    if (expert.payroll.withholding_permille != kUnreadableWithholding) {
      expert.payroll.withholding_permille = -1;
    }
  }
  if (!expert.payroll.identity_code.empty()) {
    expert.payroll.identity_code = NormalizeIdentityCode(expert.payroll.identity_code);
  }
}

void ValidatePayrollDetails(
    const Expert& expert, absl::string_view prefix, FieldViolations& violations) {
  const PayrollDetails& p = expert.payroll;
  const std::string code_field = absl::StrCat(prefix, ".identity_code");
  if (!p.identity_code.empty()) {
    if (!KeepsPayrollDetails(expert.payment_method)) {
      violations.Add(
          code_field,
          "is kept only for an expert paid wages or work compensation (payment_method "
          "SALARY_TAX_CARD or WORK_COMPENSATION)");
    } else if (absl::Status s = CheckIdentityCode(p.identity_code, code_field); !s.ok()) {
      violations.Add(s);
    }
  }
  if (p.withholding_permille < -1 || p.withholding_permille > kMaxWithholdingPermille) {
    violations.Add(absl::StrCat(prefix, ".withholding_percent"), kWithholdingRule);
  }
}

absl::string_view PayKindName(PayKind kind) { return kPayKinds[static_cast<size_t>(kind)]; }

absl::string_view ReportingName(Reporting r) { return kReporting[static_cast<size_t>(r)]; }

Reporting ReportingOn(absl::CivilDay payment_date, absl::CivilDay today) {
  if (today < payment_date) return Reporting::kComing;
  if (today <= IncomesRegisterDeadline(payment_date)) return Reporting::kDue;
  return Reporting::kPast;
}

std::vector<PayrollLine> PayrollLines(
    const std::vector<TaskRecord>& tasks, const Payer& payer,
    const std::map<std::string, Payee>& payees, absl::CivilDay today,
    std::optional<std::pair<absl::CivilDay, absl::CivilDay>> paid_between) {
  std::map<std::tuple<std::string, absl::CivilDay, PayKind>, PayrollLine> by_key;
  const auto add = [&](const TaskRecord& t, absl::CivilDay paid, PayKind kind, int64_t cents) {
    if (cents <= 0) return;
    PayrollLine& line = by_key[{t.expert_id, paid, kind}];
    const absl::CivilDay day = absl::ToCivilDay(t.start_time, reference::HelsinkiTimeZone());
    if (line.tasks == 0) {
      line.expert_id = t.expert_id;
      line.kind = kind;
      line.payment_date = paid;
      line.period_start = line.period_end = day;
    }
    line.period_start = std::min(line.period_start, day);
    line.period_end = std::max(line.period_end, day);
    ++line.tasks;
    line.amount_cents += cents;
  };
  for (const TaskRecord& t : tasks) {
    const bool completed = t.state == AssignmentState::kCompleted;
    const bool cancelled = t.state == AssignmentState::kCancelled;
    if (!completed && !cancelled) continue;
    const absl::CivilDay paid = PaymentDate(payer.pay_rule, t.start_time);
    if (paid_between && (paid < paid_between->first || paid >= paid_between->second)) continue;
    auto it = payees.find(t.expert_id);
    const PaymentMethod method =
        it == payees.end() ? PaymentMethod::kUnspecified : it->second.payment_method;
    const PayKind fee_kind = KindOfFee(method);
    add(t, paid, fee_kind, fee_kind == PayKind::kDeclinedFee ? t.declined_fee_cents : t.fee_cents);
    add(t, paid, PayKind::kKilometreAllowance, t.travel_cents);
    add(t, paid, PayKind::kDailyAllowance, t.daily_allowance_cents);
  }
  std::vector<PayrollLine> lines;
  lines.reserve(by_key.size());
  for (auto& [key, line] : by_key) {
    auto it = payees.find(line.expert_id);
    const Payee payee = it == payees.end() ? Payee{} : it->second;
    line.deadline = IncomesRegisterDeadline(line.payment_date);
    line.reporting = Reported(line.kind, payee.payment_method)
                         ? ReportingOn(line.payment_date, today)
                         : Reporting::kNotReported;
    if (Taxed(line.kind) && payee.withholding_permille >= 0) {
      line.withholding_permille = payee.withholding_permille;
      line.withholding_cents = Withholding(line.amount_cents, payee.withholding_permille);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> PayrollCsv(
    PayrollView view, const std::vector<PayrollLine>& lines, const Payer& payer,
    const std::map<std::string, Payee>& payees) {
  const std::string payer_fields = absl::StrCat(
      CsvField(payer.exchange_id), ",", CsvField(payer.name), ",", CsvField(payer.business_id));
  std::vector<std::string> rows;
  if (view == PayrollView::kSummary) {
    rows.push_back(
        "payer,payer_name,payer_business_id,payment_month,kind,experts,lines,amount_cents,"
        "withholding_cents,due_lines,past_lines");
    struct Sum {
      std::set<std::string> experts;
      int lines = 0;
      int64_t amount_cents = 0;
      int64_t withholding_cents = 0;
      int due = 0;
      int past = 0;
    };
    std::map<std::pair<absl::CivilMonth, PayKind>, Sum> sums;
    for (const PayrollLine& line : lines) {
      Sum& s = sums[{absl::CivilMonth(line.payment_date), line.kind}];
      s.experts.insert(line.expert_id);
      ++s.lines;
      s.amount_cents += line.amount_cents;
      s.withholding_cents += line.withholding_cents;
      s.due += line.reporting == Reporting::kDue;
      s.past += line.reporting == Reporting::kPast;
    }
    for (const auto& [key, s] : sums) {
      rows.push_back(absl::StrCat(
          payer_fields, ",", absl::FormatCivilTime(key.first), ",", PayKindName(key.second), ",",
          s.experts.size(), ",", s.lines, ",", s.amount_cents, ",", s.withholding_cents, ",", s.due,
          ",", s.past));
    }
    return rows;
  }
  rows.push_back(
      "payer,payer_name,payer_business_id,expert,display_name,identity_code,payment_method,kind,"
      "payment_date,incomes_register_deadline,incomes_register,period_start,period_end,tasks,"
      "amount_cents,withholding_percent,withholding_cents");
  std::vector<const PayrollLine*> shown;
  for (const PayrollLine& line : lines) {
    if (view == PayrollView::kDue && line.reporting != Reporting::kDue &&
        line.reporting != Reporting::kPast) {
      continue;
    }
    shown.push_back(&line);
  }
  if (view == PayrollView::kDue) {
    std::stable_sort(shown.begin(), shown.end(), [](const PayrollLine* a, const PayrollLine* b) {
      return a->deadline < b->deadline;
    });
  }
  for (const PayrollLine* line : shown) {
    auto it = payees.find(line->expert_id);
    const Payee payee = it == payees.end() ? Payee{} : it->second;
    rows.push_back(absl::StrCat(
        payer_fields, ",", CsvField(line->expert_id), ",", CsvField(payee.display_name), ",",
        CsvField(payee.identity_code), ",", EnumName(payee.payment_method), ",",
        PayKindName(line->kind), ",", Day(line->payment_date), ",", Day(line->deadline), ",",
        ReportingName(line->reporting), ",", Day(line->period_start), ",", Day(line->period_end),
        ",", line->tasks, ",", line->amount_cents, ",",
        WithholdingPercentText(line->withholding_permille), ",", line->withholding_cents));
  }
  return rows;
}

}  // namespace kokemus::domain
