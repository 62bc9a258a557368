// Travel between municipalities, estimated from their centroids in the
// reference data: what the fee schedule's travel rate pays and what matching
// compares with an expert's max_travel_km.
//
//   TravelKm("091", "398")  // Helsinki to Lahti, about 130 km
#ifndef KOKEMUS_SERVICES_DOMAIN_TRAVEL_H_
#define KOKEMUS_SERVICES_DOMAIN_TRAVEL_H_

#include "absl/strings/string_view.h"

namespace kokemus::domain {

// Estimated one-way road distance between two municipalities' centroids in
// whole kilometres (great circle times a road factor of 1.3); 0 for the same
// municipality or an unknown code.
int TravelKm(absl::string_view from_municipality, absl::string_view to_municipality);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_TRAVEL_H_
