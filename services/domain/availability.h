// A day's working times as a person writes them on a phone ("9–16",
// "9.00-12.00, 13.30-16"), read into minutes after midnight and written
// back the one same way ("9.00–12.00, 13.30–16.00"), for the expert's
// weekly availability on the self-service pages.
//
//   auto windows = ParseDayTimes("9-12, 13.30-16");  // {{540, 720}, {810, 960}}
//   std::string text = FormatDayTimes(*windows);     // "9.00–12.00, 13.30–16.00"
#ifndef KOKEMUS_SERVICES_DOMAIN_AVAILABILITY_H_
#define KOKEMUS_SERVICES_DOMAIN_AVAILABILITY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kokemus::domain {

// [start, end) in minutes after midnight, 0 to 1440.
using DayTimes = std::vector<std::pair<int, int>>;

// Times separated by commas or semicolons, each "H[.MM]-H[.MM]" (also ":"
// for the minutes and an en or em dash); "24" is the end of the day. Empty
// text is no times. INVALID_ARGUMENT saying what is wrong otherwise,
// including an end not after its start.
absl::StatusOr<DayTimes> ParseDayTimes(absl::string_view text);

// "9.00–12.00, 13.30–16.00", in the order given.
std::string FormatDayTimes(const DayTimes& times);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_AVAILABILITY_H_
