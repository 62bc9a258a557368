// Storage of each exchange's fee schedule: one JSON document per exchange,
// replaced whole with its revision checked.
//
//   FeeScheduleStore fees(db);
//   auto schedule = fees.GetFeeSchedule("ph");   // empty, revision 0, until one is set
//   schedule->role_rules.push_back(rule);
//   fees.UpdateFeeSchedule(*schedule, schedule->meta.revision);
#ifndef KOKEMUS_SERVICES_STORAGE_FEE_SCHEDULE_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_FEE_SCHEDULE_STORE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "services/domain/fees.h"
#include "services/storage/database.h"

namespace kokemus::storage {

class FeeScheduleStore final {
 public:
  explicit FeeScheduleStore(Database& db) : db_(db) {}

  // An exchange without a stored schedule has an empty one (revision 0).
  absl::StatusOr<domain::FeeSchedule> GetFeeSchedule(const std::string& exchange_id);
  // ABORTED unless the stored revision is still `expected_revision` (0: any).
  absl::StatusOr<domain::FeeSchedule> UpdateFeeSchedule(
      domain::FeeSchedule schedule, int64_t expected_revision);
  // The same with the new schedule made from the stored one in the writing
  // transaction (domain::MergeFeeSchedule): no change is lost in between.
  absl::StatusOr<domain::FeeSchedule> UpdateFeeSchedule(
      const std::string& exchange_id, int64_t expected_revision,
      const std::function<absl::StatusOr<domain::FeeSchedule>(const domain::FeeSchedule&)>& change);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_FEE_SCHEDULE_STORE_H_
