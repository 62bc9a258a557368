// An exchange's fee schedule (role fees, travel rates, cancellation rules,
// each with the date it is valid from) and the fees worked out from it for a
// task, by the task's Helsinki date.
//
//   absl::StatusOr<FeeQuote> q = QuoteFee(schedule, order, minutes, expert.payment_method, km);
//   int64_t due = CancellationFee(schedule, order, q->fee_cents, CancelledBy::kOrderer, now);
#ifndef KOKEMUS_SERVICES_DOMAIN_FEES_H_
#define KOKEMUS_SERVICES_DOMAIN_FEES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

enum class FeeKind { kUnspecified = 0, kFixed, kHourly };

struct RoleFeeRule {
  Role role = Role::kUnspecified;
  std::string valid_from;  // YYYY-MM-DD
  FeeKind kind = FeeKind::kUnspecified;
  int64_t amount_cents = 0;
  int64_t minimum_cents = 0;
  bool preparation_paid = false;
  bool operator==(const RoleFeeRule&) const = default;
};

struct TravelRate {
  std::string valid_from;
  int64_t cents_per_km = 0;
  bool operator==(const TravelRate&) const = default;
};

// A step of the orderer's late fee: `percent` of the fee when cancelled
// fewer than `notice_days` days before the task.
struct NoticeTier {
  int notice_days = 0;
  int percent = 0;
  bool operator==(const NoticeTier&) const = default;
};
inline constexpr int kMaxNoticeTiers = 5;
// The most entries a schedule's list may hold (a role's rule per year for
// decades; more is a mistake or an attack).
inline constexpr size_t kMaxScheduleEntries = 200;

struct CancellationRule {
  std::string valid_from;
  int orderer_notice_days = 0;
  int orderer_late_percent = 0;
  int expert_percent = 0;
  int exchange_percent = 0;
  std::vector<NoticeTier> orderer_tiers;  // further steps (OrdererLatePercent)
  bool operator==(const CancellationRule&) const = default;
};

// Every step of the orderer's late fee in `rule` (`orderer_notice_days` with
// `orderer_late_percent` when its days are set, then the tiers), the longest
// notice first.
std::vector<NoticeTier> OrdererTiers(const CancellationRule& rule);
// The percentage of the fee the orderer pays for cancelling `notice` before
// the task: the step with the fewest days the notice falls under, 0 if none.
int OrdererLatePercent(const CancellationRule& rule, absl::Duration notice);

struct FeeSchedule {
  std::string exchange_id;
  std::vector<RoleFeeRule> role_rules;
  std::vector<TravelRate> travel_rates;
  std::vector<CancellationRule> cancellation_rules;
  Meta meta;
};

void ValidateFeeSchedule(
    const FeeSchedule& schedule, absl::string_view prefix, FieldViolations& violations);

// An update of the schedule (AIP-134, rule by rule). No paths: each list
// `patch` sets is merged into `current` one rule at a time: a rule with the
// same role and valid_from (a rate or cancellation rule with the same
// valid_from) is replaced where it stands, a new one is added at the end, the
// others stay. A path ("role_rules", "travel_rates", "cancellation_rules")
// replaces that list whole, so an empty list given with its path clears it;
// "*" alone replaces the schedule. An unknown path is refused by name.
absl::StatusOr<FeeSchedule> MergeFeeSchedule(
    const FeeSchedule& current, const FeeSchedule& patch, const std::vector<std::string>& paths);

// Selects the entry valid on `date`: the latest valid_from on or before it.
const RoleFeeRule* RuleFor(const FeeSchedule& s, Role role, absl::string_view date);
const TravelRate* TravelRateFor(const FeeSchedule& s, absl::string_view date);
const CancellationRule* CancellationRuleFor(const FeeSchedule& s, absl::string_view date);

struct FeeQuote {
  int64_t fee_cents = 0;
  int64_t declined_fee_cents = 0;  // the fee of an expert who declines it (fee_cents 0)
  int64_t travel_cents = 0;
  int travel_km = 0;
};

// The fee of a task of `minutes` (the ordered or the actual duration) for the
// role of `order`, and travel both ways unless remote. An expert who declines
// the fee still gets travel. FAILED_PRECONDITION if the schedule has no rule
// for the role on the task's date.
absl::StatusOr<FeeQuote> QuoteFee(
    const FeeSchedule& schedule, const Order& order, int minutes, PaymentMethod payment_method,
    int travel_km);

// The fee due when an accepted or confirmed assignment is cancelled at
// `cancel_time` by `by`: a percentage of `full_fee_cents` by the schedule's
// cancellation rule (orderer: only when fewer than the notice days remain).
int64_t CancellationFee(
    const FeeSchedule& schedule, const Order& order, int64_t full_fee_cents, CancelledBy by,
    absl::Time cancel_time);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_FEES_H_
