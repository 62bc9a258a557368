// How orders were filled, for GetStatistics and the annual report: the share
// of places held by a trained expert, the time from an order to its last
// place taken, the offer rounds needed, and the declines and cancellations
// by reason. Pure functions over what storage reads for the orders starting
// in a period.
//
//   FillingFigures f = ComputeFilling(records, threshold);
//   f.fill_rate; f.median_hours_to_fill; f.decline_reasons[DeclineReason::kTime]
#ifndef KOKEMUS_SERVICES_DOMAIN_FILLING_H_
#define KOKEMUS_SERVICES_DOMAIN_FILLING_H_

#include <map>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// One assignment of an order, as the figures need it.
struct FillOffer {
  AssignmentState state = AssignmentState::kUnspecified;  // as of now (lapsed included)
  DeclineReason decline_reason = DeclineReason::kUnspecified;
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
  CancelReason cancel_reason = CancelReason::kUnspecified;
  // Whether the offer was made only by overriding NOT_TRAINED.
  bool untrained = false;
  // When she accepted (the epoch: never, or not known).
  absl::Time accept_time = absl::UnixEpoch();
};

// One order of the period.
struct FillRecord {
  OrderState state = OrderState::kUnspecified;
  int experts_needed = 0;
  absl::Time create_time = absl::UnixEpoch();
  int rounds = 0;  // offer rounds run on it
  std::vector<FillOffer> offers;
};

struct FillingFigures {
  int orders = 0;         // not cancelled as a whole
  int places = 0;         // their places
  int places_filled = 0;  // held by a trained expert (accepted, confirmed, completed)
  double fill_rate = 0;   // places_filled / places; 0 without places
  int orders_filled = 0;  // every place held
  // Median hours from an order to its last place taken, over the filled
  // orders whose acceptance times are known; 0 if none.
  double median_hours_to_fill = 0;
  int orders_with_rounds = 0;
  double mean_rounds = 0;  // over the orders with rounds
  int offers = 0;          // every assignment made
  int declined = 0;
  int lapsed = 0;
  int withdrawn = 0;
  // Counts by reason (UNSPECIFIED: none given); a count from 1 to
  // threshold - 1 is left out and counted in `suppressed_reasons`.
  std::map<DeclineReason, int> decline_reasons;
  std::map<CancelReason, int> expert_cancel_reasons;
  int cancelled_by_orderer = 0;
  int cancelled_by_expert = 0;
  int cancelled_by_exchange = 0;
  int suppressed_reasons = 0;
};

// The figures of `orders`; `threshold` as for statistics across exchanges
// (0: none), applied to the counts by reason, which may be health-related.
FillingFigures ComputeFilling(const std::vector<FillRecord>& orders, int threshold);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_FILLING_H_
