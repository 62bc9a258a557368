#include "services/calendar/ics.h"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/reference/calendar.h"

namespace kokemus::calendar {
namespace {

constexpr char kZone[] = "Europe/Helsinki";
// Finland's rules since 1996 (the EU's): summer time from the last Sunday of
// March 03:00 to the last Sunday of October 04:00. Written out in the short
// form calendars use, rather than libical's zone history back to 1878.
constexpr char kHelsinkiVtimezone[] =
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Helsinki\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0300\r\n"
    "TZNAME:EEST\r\n"
    "DTSTART:19960331T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0300\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:EET\r\n"
    "DTSTART:19961027T040000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

icaltimetype Utc(absl::Time t) {
  return icaltime_from_timet_with_zone(absl::ToTimeT(t), 0, icaltimezone_get_utc_timezone());
}

// The Helsinki wall-clock time of `t` (absl's tzdata), for a TZID property.
icaltimetype Local(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, reference::HelsinkiTimeZone());
  icaltimetype out = icaltime_null_time();
  out.year = static_cast<int>(c.year());
  out.month = c.month();
  out.day = c.day();
  out.hour = c.hour();
  out.minute = c.minute();
  out.second = c.second();
  return out;
}

icalproperty* WithTzid(icalproperty* p) {
  icalproperty_add_parameter(p, icalparameter_new_tzid(kZone));
  return p;
}

icalproperty* Person(icalproperty* p, const std::string& name) {
  if (!name.empty()) icalproperty_add_parameter(p, icalparameter_new_cn(name.c_str()));
  return p;
}

icalcomponent* Event(const domain::CalendarEvent& e) {
  icalcomponent* event = icalcomponent_new_vevent();
  icalcomponent_add_property(event, icalproperty_new_uid(e.uid.c_str()));
  icalcomponent_add_property(event, icalproperty_new_sequence(e.sequence));
  icalcomponent_add_property(event, icalproperty_new_dtstamp(Utc(e.stamp)));
  icalcomponent_add_property(event, WithTzid(icalproperty_new_dtstart(Local(e.start))));
  icalcomponent_add_property(event, WithTzid(icalproperty_new_dtend(Local(e.end))));
  icalcomponent_add_property(event, icalproperty_new_summary(e.summary.c_str()));
  if (!e.location.empty()) {
    icalcomponent_add_property(event, icalproperty_new_location(e.location.c_str()));
  }
  icalcomponent_add_property(event, icalproperty_new_description(e.description.c_str()));
  icalcomponent_add_property(
      event, icalproperty_new_status(
                 e.cancelled   ? ICAL_STATUS_CANCELLED
                 : e.tentative ? ICAL_STATUS_TENTATIVE
                               : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
  if (!e.organizer_email.empty()) {
    icalcomponent_add_property(
        event, Person(
                   icalproperty_new_organizer(absl::StrCat("mailto:", e.organizer_email).c_str()),
                   e.organizer_name));
  }
  if (!e.attendee_email.empty()) {
    icalproperty* attendee =
        icalproperty_new_attendee(absl::StrCat("mailto:", e.attendee_email).c_str());
    icalproperty_add_parameter(attendee, icalparameter_new_partstat(ICAL_PARTSTAT_ACCEPTED));
    icalproperty_add_parameter(attendee, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
    icalcomponent_add_property(event, attendee);
  }
  return event;
}

}  // namespace

absl::string_view IcsMethodName(IcsMethod method) {
  switch (method) {
    case IcsMethod::kRequest:
      return "REQUEST";
    case IcsMethod::kCancel:
      return "CANCEL";
    case IcsMethod::kPublish:
      return "PUBLISH";
  }
  return "PUBLISH";
}

std::string IcsText(
    const std::vector<domain::CalendarEvent>& events, IcsMethod method,
    absl::string_view calendar_name) {
  Component cal(icalcomponent_new_vcalendar());
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid("-//Kokemus//Kokemus 1//FI"));
  icalcomponent_add_property(
      cal.get(), icalproperty_new_method(
                     method == IcsMethod::kRequest  ? ICAL_METHOD_REQUEST
                     : method == IcsMethod::kCancel ? ICAL_METHOD_CANCEL
                                                    : ICAL_METHOD_PUBLISH));
  if (!calendar_name.empty()) {
    const std::string name(calendar_name);
    for (const auto& [x_name, value] :
         {std::pair<const char*, const char*>{"X-WR-CALNAME", name.c_str()},
          {"X-WR-TIMEZONE", kZone},
          {"X-PUBLISHED-TTL", "PT1H"}}) {
      icalproperty* p = icalproperty_new_x(value);
      icalproperty_set_x_name(p, x_name);
      icalcomponent_add_property(cal.get(), p);
    }
    icalproperty* refresh = icalproperty_new_from_string("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    if (refresh != nullptr) icalcomponent_add_property(cal.get(), refresh);
  }
  icalcomponent_add_component(cal.get(), icalparser_parse_string(kHelsinkiVtimezone));
  for (const domain::CalendarEvent& e : events) icalcomponent_add_component(cal.get(), Event(e));
  char* text = icalcomponent_as_ical_string_r(cal.get());
  std::string out(text);
  std::free(text);
  return out;
}

}  // namespace kokemus::calendar
