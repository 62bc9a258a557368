// The calendar Kokemus counts in: Europe/Helsinki. Every "which day, which
// month" rule (fee rules by date, monthly caps and earnings limits, report
// months) and every time shown to people uses it; the wire carries UTC.
//
//   HelsinkiDate(absl::FromCivil(absl::CivilMinute(2026, 12, 31, 23, 30),
//                                absl::UTCTimeZone()))  == "2027-01-01"
//   HelsinkiMonth(t) == 2026 * 12 + 11   // December 2026
#ifndef KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_
#define KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_

#include <string>

#include "absl/time/time.h"

namespace kokemus::reference {

// Europe/Helsinki (a fixed UTC+2 if the system has no tzdata).
const absl::TimeZone& HelsinkiTimeZone();

// The Helsinki calendar day of a time, "YYYY-MM-DD": fee rules apply by it.
std::string HelsinkiDate(absl::Time t);

// The Helsinki calendar month of a time as year * 12 + month - 1: caps and
// earnings limits count per such month.
int HelsinkiMonth(absl::Time t);

}  // namespace kokemus::reference

#endif  // KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_
