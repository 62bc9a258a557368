// What reports read: completed and cancelled assignments (or all of them for
// exports) with their order, orderer and feedback, the active trained experts,
// and the payees of an exchange. Read-only.
//
//   ReportStore store(db);
//   auto tasks = store.Tasks("ph", from, to, /*all_states=*/false);
#ifndef KOKEMUS_SERVICES_STORAGE_REPORT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_REPORT_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/cohorts.h"
#include "services/domain/filling.h"
#include "services/domain/payroll.h"
#include "services/domain/statistics.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct PayrollParties {
  domain::Payer payer;
  std::map<std::string, domain::Payee> payees;  // by expert id
};

class ReportStore final {
 public:
  explicit ReportStore(Database& db) : db_(db) {}

  // Assignments starting in [from, to) of `exchange_id` ("" for every
  // exchange), by start time: COMPLETED and CANCELLED ones, or every state
  // with `all_states`. NOT_FOUND for an exchange that does not exist.
  absl::StatusOr<std::vector<domain::TaskRecord>> Tasks(
      const std::string& exchange_id, absl::Time from, absl::Time to, bool all_states);
  // The exchange's tasks (as Tasks) from the first completion among
  // `trainees` (domain/cohorts.h) to `to`: what their cohorts' outcomes
  // count. None when none completed.
  absl::StatusOr<std::vector<domain::TaskRecord>> CohortTasks(
      const std::string& exchange_id, const std::vector<domain::Trainee>& trainees, absl::Time to);
  // The orders starting in [from, to) of `exchange_id` ("" for every
  // exchange) with their assignments as of `now`, the acceptance times (from
  // the events) and the offer rounds run on each: what domain::ComputeFilling
  // needs. NOT_FOUND for an exchange that does not exist.
  absl::StatusOr<std::vector<domain::FillRecord>> FillRecords(
      const std::string& exchange_id, absl::Time from, absl::Time to, absl::Time now);
  // "exchange/expert" of every ACTIVE expert with a recorded training.
  absl::StatusOr<std::vector<std::string>> ActiveTrainedExperts(const std::string& exchange_id);
  // The exchange's display name and default language; NOT_FOUND without it.
  absl::StatusOr<std::pair<std::string, std::string>> ExchangeNameAndLanguage(
      const std::string& exchange_id);
  // The exchange as the payer (name, business id, pay rule) and each of its
  // experts as the payroll knows her, identity codes opened (only the payroll
  // export reads this); NOT_FOUND without the exchange, INTERNAL if a code
  // does not open.
  absl::StatusOr<PayrollParties> Payroll(const std::string& exchange_id);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_REPORT_STORE_H_
