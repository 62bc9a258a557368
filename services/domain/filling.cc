#include "services/domain/filling.h"

#include <algorithm>

namespace kokemus::domain {
namespace {

bool Held(AssignmentState s) {
  return s == AssignmentState::kAccepted || s == AssignmentState::kConfirmed ||
         s == AssignmentState::kCompleted;
}

template <typename K>
void Suppress(std::map<K, int>& counts, int threshold, int& suppressed) {
  for (auto it = counts.begin(); it != counts.end();) {
    if (it->second < threshold) {
      ++suppressed;
      it = counts.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

FillingFigures ComputeFilling(const std::vector<FillRecord>& orders, int threshold) {
  FillingFigures f;
  std::vector<double> hours;
  int rounds = 0;
  for (const FillRecord& o : orders) {
    if (o.rounds > 0) {
      ++f.orders_with_rounds;
      rounds += o.rounds;
    }
    int held = 0, trained = 0;
    absl::Time last_taken = absl::UnixEpoch();
    bool times_known = true;
    for (const FillOffer& a : o.offers) {
      ++f.offers;
      switch (a.state) {
        case AssignmentState::kDeclined:
          ++f.declined;
          ++f.decline_reasons[a.decline_reason];
          break;
        case AssignmentState::kLapsed:
          ++f.lapsed;
          break;
        case AssignmentState::kWithdrawn:
          ++f.withdrawn;
          break;
        case AssignmentState::kCancelled:
          if (a.cancelled_by == CancelledBy::kOrderer) ++f.cancelled_by_orderer;
          if (a.cancelled_by == CancelledBy::kExchange) ++f.cancelled_by_exchange;
          if (a.cancelled_by == CancelledBy::kExpert) {
            ++f.cancelled_by_expert;
            ++f.expert_cancel_reasons[a.cancel_reason];
          }
          break;
        default:
          break;
      }
      if (!Held(a.state)) continue;
      ++held;
      if (!a.untrained) ++trained;
      if (a.accept_time == absl::UnixEpoch()) times_known = false;
      last_taken = std::max(last_taken, a.accept_time);
    }
    if (o.state == OrderState::kCancelled) continue;
    ++f.orders;
    f.places += o.experts_needed;
    f.places_filled += std::min(trained, o.experts_needed);
    if (held >= o.experts_needed && o.experts_needed > 0) {
      ++f.orders_filled;
      if (times_known) hours.push_back(absl::ToDoubleHours(last_taken - o.create_time));
    }
  }
  if (f.places > 0) f.fill_rate = static_cast<double>(f.places_filled) / f.places;
  if (f.orders_with_rounds > 0) f.mean_rounds = static_cast<double>(rounds) / f.orders_with_rounds;
  if (!hours.empty()) {
    std::sort(hours.begin(), hours.end());
    const size_t n = hours.size();
    f.median_hours_to_fill = n % 2 == 1 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
  }
  Suppress(f.decline_reasons, threshold, f.suppressed_reasons);
  Suppress(f.expert_cancel_reasons, threshold, f.suppressed_reasons);
  return f;
}

}  // namespace kokemus::domain
