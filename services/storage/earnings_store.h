// Storage of what earnings are counted by (domain/earnings.h): the national
// table of earnings floors (the figures Kokemus ships until the national
// administrator first changes it), the JSON forms of an exchange's pay rule
// and an expert's benefit limit, and an expert's held tasks for her pay over
// a year.
//
//   EarningsStore earnings(db);
//   auto table = earnings.GetFloors();                 // revision 0: the shipped figures
//   auto rules = db.Read([&](soci::session& sql) { return EarningsRulesIn(sql, "ph"); });
//   auto year = earnings.PayOfYear({"ph", "kaisa"}, 2027);
#ifndef KOKEMUS_SERVICES_STORAGE_EARNINGS_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_EARNINGS_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/domain/earnings.h"
#include "services/domain/earnings_letter.h"
#include "services/storage/database.h"
#include "services/storage/sql.h"

namespace kokemus::storage {

Json PayRuleJson(const domain::PayRule& rule);
domain::PayRule PayRuleFrom(const Json& json);
Json BenefitLimitJson(const domain::BenefitLimit& limit);
domain::BenefitLimit BenefitLimitFrom(const Json& json);

// The national table as stored: the figures, its revision (0: never
// changed, the shipped figures) and when it last changed.
struct EarningsFloorTable {
  std::vector<domain::EarningsFloor> floors;
  int64_t revision = 0;
  absl::Time update_time = absl::UnixEpoch();
};
EarningsFloorTable EarningsFloorsIn(soci::session& sql);

// An exchange's pay rule and the national floors; NOT_FOUND for an unknown
// exchange.
absl::StatusOr<domain::EarningsRules> EarningsRulesIn(
    soci::session& sql, const std::string& exchange_id);

// An expert's accepted, confirmed and completed tasks starting in [from, to).
std::vector<domain::PaidTask> PaidTasksIn(
    soci::session& sql, const std::string& exchange_id, const std::string& expert_id,
    absl::Time from, absl::Time to);

class EarningsStore final {
 public:
  explicit EarningsStore(Database& db) : db_(db) {}

  absl::StatusOr<EarningsFloorTable> GetFloors();
  // The table made from the stored one by `change` in the writing
  // transaction; ABORTED unless the stored revision is `expected_revision`
  // (-1: any).
  absl::StatusOr<EarningsFloorTable> UpdateFloors(
      int64_t expected_revision,
      const std::function<absl::StatusOr<std::vector<domain::EarningsFloor>>(
          const std::vector<domain::EarningsFloor>&)>& change);

  // An expert's pay over `year` by payment date (domain::PayOfYear), as of
  // today in Helsinki; NOT_FOUND for an unknown expert.
  absl::StatusOr<domain::YearPay> PayOfYear(
      const std::string& exchange_id, const std::string& expert_id, int year);
  // Her accepted and confirmed tasks starting at or after `from`, by start
  // (for the benefit payer's letter).
  absl::StatusOr<std::vector<domain::PlannedTask>> PlannedTasks(
      const std::string& exchange_id, const std::string& expert_id, absl::Time from);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_EARNINGS_STORE_H_
