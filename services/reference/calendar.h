// The calendar Kokemus counts in: Europe/Helsinki. Every "which day, which
// month" rule (fee rules by date, monthly caps and earnings limits, report
// months) and every time shown to people uses it; the wire carries UTC.
//
//   HelsinkiDate(absl::FromCivil(absl::CivilMinute(2026, 12, 31, 23, 30),
//                                absl::UTCTimeZone()))  == "2027-01-01"
//   HelsinkiMonth(t) == 2026 * 12 + 11   // December 2026
#ifndef KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_
#define KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kokemus::reference {

// Europe/Helsinki (a fixed UTC+2 if the system has no tzdata).
const absl::TimeZone& HelsinkiTimeZone();

// The Helsinki calendar day of a time, "YYYY-MM-DD": fee rules apply by it.
std::string HelsinkiDate(absl::Time t);

// The Helsinki calendar month of a time as year * 12 + month - 1: caps and
// earnings limits count per such month.
int HelsinkiMonth(absl::Time t);

// The same day of the month `months` later, or that month's last day when it
// has no such day (31.8. + 6 months = 28.2. or 29.2.): when "N months from a
// day" ends.
absl::CivilDay MonthsLater(absl::CivilDay day, int months);

// A time as people in Finland write it. Without an offset it is Helsinki
// time: "2026-12-02T09:00", "2026-12-02 09:00", "2.12.2026 klo 9.00",
// "2.12.2026 9:00" (seconds allowed after the minutes). With one it is RFC
// 3339 ("2026-12-02T09:00:00+02:00", "...Z"), and `foreign_offset` says
// whether a numeric offset is not Helsinki's at that time (+02:00 in summer:
// the time is an hour later in Helsinki than the writer may think); UTC
// ("Z" or "+00:00", what programs write) is not foreign.
// nullopt for anything else.
struct WrittenTime {
  absl::Time time;
  bool offset_given = false;
  bool foreign_offset = false;
};
std::optional<WrittenTime> ParseWrittenTime(absl::string_view text);

// "+03:00": Helsinki's offset from UTC at `t`.
std::string HelsinkiOffset(absl::Time t);

}  // namespace kokemus::reference

#endif  // KOKEMUS_SERVICES_REFERENCE_CALENDAR_H_
