#include "services/domain/travel.h"

#include <cmath>

#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {

constexpr double kRoadFactor = 1.3;
constexpr double kEarthRadiusKm = 6371.0;

}  // namespace

int TravelKm(absl::string_view from, absl::string_view to) {
  const reference::ReferenceData& ref = reference::ReferenceData::Get();
  const reference::Municipality* a = ref.FindMunicipality(from);
  const reference::Municipality* b = ref.FindMunicipality(to);
  if (a == nullptr || b == nullptr || a == b) return 0;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (b->lat - a->lat) * kRad;
  const double dlon = (b->lon - a->lon) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a->lat * kRad) * std::cos(b->lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  const double km = 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
  return static_cast<int>(std::lround(km * kRoadFactor));
}

}  // namespace kokemus::domain
