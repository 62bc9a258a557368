// iCalendar text (RFC 5545) of tasks with libical (Debian's libical-dev),
// rather than by hand: its property model, escaping and line folding. Times
// are Europe/Helsinki wall-clock times with the zone's VTIMEZONE.
//
//   std::string ics = IcsText({event}, IcsMethod::kRequest);   // a confirmation's attachment
//   std::string feed = IcsText(events, IcsMethod::kPublish, "Kokemuspankki");  // a feed
#ifndef KOKEMUS_SERVICES_CALENDAR_ICS_H_
#define KOKEMUS_SERVICES_CALENDAR_ICS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/domain/notifications.h"

namespace kokemus::calendar {

// REQUEST: an entry sent to its attendee (a confirmation); CANCEL: its
// cancellation (same UID, a higher SEQUENCE); PUBLISH: a feed.
enum class IcsMethod { kRequest, kCancel, kPublish };
absl::string_view IcsMethodName(IcsMethod method);  // "REQUEST"

// A VCALENDAR with the events, times in Europe/Helsinki, CRLF line ends.
// A feed's `calendar_name` is what calendar programs show for the
// subscription (X-WR-CALNAME), and they are asked to refresh it hourly.
std::string IcsText(
    const std::vector<domain::CalendarEvent>& events, IcsMethod method,
    absl::string_view calendar_name = "");

}  // namespace kokemus::calendar

#endif  // KOKEMUS_SERVICES_CALENDAR_ICS_H_
