// The payroll as the payer reports it (issue 20): every paid task becomes
// lines by kind of pay, with its payment date (the exchange's pay rule), the
// Incomes Register deadline, the tax card's withholding and, where the
// exchange pays wages or work compensation, the expert's identity code.
//
//   std::vector<PayrollLine> lines = PayrollLines(tasks, payer, payees, today, {});
//   for (const std::string& row : PayrollCsv(PayrollView::kDue, lines, payer, payees)) ...
//
// Kinds of pay: a fee is WAGES (salary with a tax card), WORK_COMPENSATION
// (tyokorvaus: not employed, not in the prepayment register), INVOICE (paid
// against her invoice; her business or invoicing service reports it) or a
// DECLINED_FEE (kept for the record, not paid); travel is a tax-free
// KILOMETRE_ALLOWANCE and a recorded DAILY_ALLOWANCE a tax-free daily
// allowance. The exchange reports everything it pays but invoices.
#ifndef KOKEMUS_SERVICES_DOMAIN_PAYROLL_H_
#define KOKEMUS_SERVICES_DOMAIN_PAYROLL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/domain/model.h"
#include "services/domain/statistics.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

// Whether the exchange keeps an expert's payroll details (identity code, tax
// card): only while it pays her wages or work compensation.
bool KeepsPayrollDetails(PaymentMethod method);

// "17.5" -> 175 (tenths of a percent), "0" to "100" with at most one
// decimal; INVALID_ARGUMENT naming `field` otherwise. "" -> -1 (not recorded).
absl::StatusOr<int> ParseWithholdingPercent(absl::string_view text, absl::string_view field);
// What a withholding that could not be read holds until ValidatePayrollDetails
// refuses it (the API's text is turned into tenths before validation).
inline constexpr int kUnreadableWithholding = -2;
// 175 -> "17.5", 200 -> "20", -1 -> "".
std::string WithholdingPercentText(int permille);
// The tax withheld from `cents` at `permille` tenths of a percent, to the
// nearest cent (half a cent up).
int64_t Withholding(int64_t cents, int permille);

// Drops the kept details (the sealed code, the withholding) when the payment
// method keeps none: an expert who now invoices or declines her fee leaves no
// identity code behind. A new code stays, for ValidatePayrollDetails to refuse.
void NormalizePayrollDetails(Expert& expert);
// OK, or under `prefix` ("expert.payroll"): an identity code that is not one
// (CheckIdentityCode, the code never repeated) or kept for a payment method
// that keeps none; a withholding outside 0-100 %.
void ValidatePayrollDetails(
    const Expert& expert, absl::string_view prefix, FieldViolations& violations);

enum class PayKind {
  kWages = 0,
  kWorkCompensation,
  kInvoice,
  kDeclinedFee,
  kKilometreAllowance,
  kDailyAllowance,
};
absl::string_view PayKindName(PayKind kind);  // "WAGES", "KILOMETRE_ALLOWANCE", ...

// Where a line stands with the Incomes Register on a given day.
enum class Reporting {
  kNotReported = 0,  // not the exchange's to report (invoiced, declined)
  kComing,           // not paid yet
  kDue,              // paid, to be reported by the deadline
  kPast,             // the deadline has passed
};
absl::string_view ReportingName(Reporting r);  // "", "COMING", "DUE", "PAST"
Reporting ReportingOn(absl::CivilDay payment_date, absl::CivilDay today);

// The exchange as the payer.
struct Payer {
  std::string exchange_id;
  std::string name;
  std::string business_id;
  PayRule pay_rule;
};

// An expert as the payroll knows her.
struct Payee {
  std::string display_name;
  PaymentMethod payment_method = PaymentMethod::kUnspecified;
  std::string identity_code;      // opened for the export; "" when none
  int withholding_permille = -1;  // -1: not recorded
};

struct PayrollLine {
  std::string expert_id;
  PayKind kind = PayKind::kWages;
  absl::CivilDay payment_date;
  absl::CivilDay deadline;  // the Incomes Register's
  Reporting reporting = Reporting::kNotReported;
  absl::CivilDay period_start;  // the first and last task day of the line
  absl::CivilDay period_end;
  int tasks = 0;
  int64_t amount_cents = 0;
  int withholding_permille = -1;  // WAGES and WORK_COMPENSATION with a recorded tax card
  int64_t withholding_cents = 0;
};

// Lines of the completed tasks and the cancellations that pay something, one
// per expert, payment date and kind, by expert, payment date and kind. With
// `paid_between` only lines paid from its first day to the day before its
// second.
std::vector<PayrollLine> PayrollLines(
    const std::vector<TaskRecord>& tasks, const Payer& payer,
    const std::map<std::string, Payee>& payees, absl::CivilDay today,
    std::optional<std::pair<absl::CivilDay, absl::CivilDay>> paid_between);

enum class PayrollView { kLines = 0, kSummary, kDue };

// The CSV rows (RFC 4180 fields, header first) of a view: the lines; a
// summary per payment month and kind; or the lines DUE or PAST, the earliest
// deadline first. Only the lines carry identity codes.
std::vector<std::string> PayrollCsv(
    PayrollView view, const std::vector<PayrollLine>& lines, const Payer& payer,
    const std::map<std::string, Payee>& payees);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_PAYROLL_H_
