#include "services/reference/calendar.h"

#include "absl/time/civil_time.h"

namespace kokemus::reference {

const absl::TimeZone& HelsinkiTimeZone() {
  static const absl::TimeZone* tz = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Helsinki", zone)) {
      // Without tzdata: Finnish standard time (the packages install tzdata).
      *zone = absl::FixedTimeZone(2 * 60 * 60);
    }
    return zone;
  }();
  return *tz;
}

std::string HelsinkiDate(absl::Time t) {
  return absl::FormatCivilTime(absl::ToCivilDay(t, HelsinkiTimeZone()));
}

int HelsinkiMonth(absl::Time t) {
  const absl::CivilMonth m(absl::ToCivilDay(t, HelsinkiTimeZone()));
  return static_cast<int>(m.year()) * 12 + m.month() - 1;
}

}  // namespace kokemus::reference
