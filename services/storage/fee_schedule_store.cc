#include "services/storage/fee_schedule_store.h"

#include "services/storage/order_rows.h"

namespace kokemus::storage {

// The rows, SQL and domain names shared by the order, assignment and fee
// schedule stores.
using namespace order_rows;  // NOLINT

absl::StatusOr<FeeSchedule> FeeScheduleStore::GetFeeSchedule(const std::string& exchange_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<FeeSchedule> {
    return OrderTx(sql, db_.dialect()).GetFeeSchedule(exchange_id);
  });
}

absl::StatusOr<FeeSchedule> FeeScheduleStore::UpdateFeeSchedule(
    FeeSchedule schedule, int64_t expected_revision) {
  const std::string exchange_id = schedule.exchange_id;
  return UpdateFeeSchedule(
      exchange_id, expected_revision,
      [&](const FeeSchedule&) -> absl::StatusOr<FeeSchedule> { return schedule; });
}

absl::StatusOr<FeeSchedule> FeeScheduleStore::UpdateFeeSchedule(
    const std::string& exchange_id, int64_t expected_revision,
    const std::function<absl::StatusOr<FeeSchedule>(const FeeSchedule&)>& change) {
  FeeSchedule schedule;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    auto current = tx.GetFeeSchedule(exchange_id);
    if (!current.ok()) return current.status();
    if (expected_revision != 0 && current->meta.revision != expected_revision) {
      return absl::AbortedError("the fee schedule was changed by another request; retry");
    }
    auto changed = change(*current);
    if (!changed.ok()) return changed.status();
    schedule = *std::move(changed);
    schedule.exchange_id = exchange_id;
    const absl::Time now = db_.Now();
    schedule.meta.revision = current->meta.revision + 1;
    schedule.meta.update_time = now;
    const std::string document = ScheduleDocument(schedule).dump();
    if (current->meta.revision == 0) {
      Execute(
          sql, kInsertFeeSchedule,
          {schedule.exchange_id, document, schedule.meta.revision, Micros(now)});
    } else if (
        Execute(
            sql, kUpdateFeeSchedule,
            {document, schedule.meta.revision, Micros(now), schedule.exchange_id,
             current->meta.revision}) != 1) {
      return absl::AbortedError("the fee schedule was changed by another request; retry");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return schedule;
}

}  // namespace kokemus::storage
