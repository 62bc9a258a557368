// What matching reads, kept in memory per exchange: every expert with their
// held and completed work, the fee schedule and the matching settings. The
// copy is reused while the exchange's counter in matching_versions (kept by
// triggers in the same transaction as every change) stays the same, so any
// number of server replicas rank from data as fresh as a read of one row.
//
// Checking the counter costs a query, so a server reuses its copy without one
// for up to kMatchingRecheck after the last check unless it has committed a
// write itself since: what this server wrote is seen at once, what another
// replica wrote within kMatchingRecheck. Ranking is advice; every offer and
// accept checks the rules again in its own transaction.
//
//   MatchingStore store(db, registry, orders, fees);
//   auto data = store.Data("ph");            // shared, immutable
//   domain::RankExperts(order, (*data)->experts, (*data)->settings, ...);
#ifndef KOKEMUS_SERVICES_STORAGE_MATCHING_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_MATCHING_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "services/domain/fees.h"
#include "services/domain/matching.h"
#include "services/storage/database.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/order_store.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

inline constexpr absl::Duration kMatchingRecheck = absl::Milliseconds(500);

// An OPEN order with its places not yet held or offered, and the experts who
// already have an offer or hold a place on it.
struct OpenOrder {
  domain::Order order;
  int open_places = 0;
  std::vector<std::string> engaged_experts;
};

struct MatchingData {
  int64_t version = 0;
  domain::MatchingSettings settings;  // with the exchange's travel buffer
  domain::FeeSchedule schedule;
  std::vector<domain::ExpertRecord> experts;  // every expert of the exchange, by id
  domain::ExpertIndex index;                  // of `experts`
  // Orders starting from a day before the load on, by id: ranked without a read.
  std::unordered_map<std::string, domain::Order> upcoming_orders;
};

// Inside a session: the exchange's matching settings (the defaults when it
// stored none) with its travel buffer; NOT_FOUND without the exchange.
absl::StatusOr<domain::MatchingSettings> MatchingSettingsIn(
    soci::session& sql, const std::string& exchange_id);

class MatchingStore final {
 public:
  MatchingStore(Database& db, RegistryStore& registry, OrderStore& orders, FeeScheduleStore& fees)
      : db_(db), registry_(registry), orders_(orders), fees_(fees) {}

  // The stored settings, or the defaults (revision 0); NOT_FOUND without
  // the exchange.
  absl::StatusOr<domain::MatchingSettings> GetSettings(const std::string& exchange_id);
  // Replaces the settings if their revision is still `expected_revision`
  // (0: the defaults, never stored; -1: any); ABORTED if they changed.
  absl::StatusOr<domain::MatchingSettings> UpdateSettings(
      const std::string& exchange_id, domain::MatchingSettings settings, int64_t expected_revision);
  // The same with the new settings made from the stored ones in the writing
  // transaction (domain::ApplyMatchingSettingsMask).
  absl::StatusOr<domain::MatchingSettings> UpdateSettings(
      const std::string& exchange_id, int64_t expected_revision,
      const std::function<
          absl::StatusOr<domain::MatchingSettings>(const domain::MatchingSettings&)>& change);

  // The exchange's matching data as of this call (one read of the counter
  // when nothing changed). Concurrent callers share one reload.
  absl::StatusOr<std::shared_ptr<const MatchingData>> Data(const std::string& exchange_id);
  // The exchange's data, checked against the counter only when the last check
  // is older than kMatchingRecheck or this process wrote since.
  absl::StatusOr<std::shared_ptr<const MatchingData>> RecentData(const std::string& exchange_id);
  // The same with the counter as just read (OrderStore::GetOrderForMatching).
  absl::StatusOr<std::shared_ptr<const MatchingData>> Data(
      const std::string& exchange_id, int64_t version);

  // OPEN orders starting in [from, to), by start time, with their free places.
  absl::StatusOr<std::vector<OpenOrder>> OpenOrders(
      const std::string& exchange_id, absl::Time from, absl::Time to, absl::Time now);
  // What matching needs of each expert's work in the exchange: accepted,
  // confirmed and completed assignments with their role, fee, organization
  // and the orderer's rating. Filled into `experts` by expert id.
  absl::Status FillActivity(
      const std::string& exchange_id, std::vector<domain::ExpertRecord>& experts);

 private:
  struct Entry {
    std::mutex loading;
    std::shared_ptr<const MatchingData> data;
    absl::Time checked = absl::InfinitePast();  // when the counter was last read
    uint64_t writes_at_check = 0;               // Database::committed_writes() then
  };
  std::shared_ptr<Entry> EntryOf(const std::string& exchange_id);
  absl::StatusOr<int64_t> Version(const std::string& exchange_id);
  absl::StatusOr<std::shared_ptr<const MatchingData>> Load(
      const std::string& exchange_id, int64_t version);

  Database& db_;
  RegistryStore& registry_;
  OrderStore& orders_;
  FeeScheduleStore& fees_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> cache_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_MATCHING_STORE_H_
