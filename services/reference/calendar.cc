#include "services/reference/calendar.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

absl::CivilDay MonthsLater(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay month_end = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month) + (day.day() - 1), month_end);
}

namespace {

// "9.00", "09:00", "9:00:30", "09.00.30": hours and minutes (and seconds).
std::optional<absl::CivilSecond> ClockOn(absl::CivilDay day, absl::string_view clock) {
  std::vector<absl::string_view> parts = absl::StrSplit(clock, absl::ByAnyChar(":."));
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  int values[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 2 || (i > 0 && parts[i].size() != 2) ||
        !absl::SimpleAtoi(parts[i], &values[i])) {
      return std::nullopt;
    }
  }
  if (values[0] > 23 || values[1] > 59 || values[2] > 59) return std::nullopt;
  return absl::CivilSecond(day.year(), day.month(), day.day(), values[0], values[1], values[2]);
}

// "2026-12-02" or "2.12.2026".
std::optional<absl::CivilDay> DayOf(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() == 10 && text[4] == '-' && absl::ParseCivilTime(text, &day)) return day;
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  int d = 0, m = 0, y = 0;
  if (parts.size() != 3 || parts[2].size() != 4 || parts[0].size() > 2 || parts[1].size() > 2 ||
      !absl::SimpleAtoi(parts[0], &d) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &y)) {
    return std::nullopt;
  }
  day = absl::CivilDay(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;  // 31.2.
  return day;
}

}  // namespace

std::optional<WrittenTime> ParseWrittenTime(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  WrittenTime out;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &out.time, &error)) {
    out.offset_given = true;
    // The offset written: the tail after the seconds ("+02:00"). UTC ("Z",
    // "+00:00") is what programs write, on purpose: not taken for a slip.
    const absl::string_view tail = text.substr(text.find_last_of("Zz+-"));
    const bool utc = tail == "Z" || tail == "z" || tail == "+00:00" || tail == "-00:00";
    out.foreign_offset = !utc && tail != HelsinkiOffset(out.time);
    return out;
  }
  // Local: DAY, then "T", " " or " klo ", then the clock.
  absl::string_view day_text, clock;
  if (size_t t = text.find('T'); t != absl::string_view::npos) {
    day_text = text.substr(0, t);
    clock = text.substr(t + 1);
  } else if (size_t k = text.find(" klo "); k != absl::string_view::npos) {
    day_text = text.substr(0, k);
    clock = absl::StripLeadingAsciiWhitespace(text.substr(k + 5));
  } else if (size_t sp = text.find(' '); sp != absl::string_view::npos) {
    day_text = text.substr(0, sp);
    clock = absl::StripLeadingAsciiWhitespace(text.substr(sp + 1));
  } else {
    return std::nullopt;
  }
  auto day = DayOf(day_text);
  if (!day) return std::nullopt;
  auto second = ClockOn(*day, clock);
  if (!second) return std::nullopt;
  // A time the spring change skips is taken as the instant after it; one the
  // autumn change repeats as the first (summer) one.
  const absl::TimeZone::TimeInfo info = HelsinkiTimeZone().At(*second);
  out.time = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
  return out;
}

std::string HelsinkiOffset(absl::Time t) {
  const int seconds = HelsinkiTimeZone().At(t).offset;
  const int minutes = (seconds < 0 ? -seconds : seconds) / 60;
  return absl::StrCat(
      seconds < 0 ? "-" : "+", absl::Dec(minutes / 60, absl::kZeroPad2), ":",
      absl::Dec(minutes % 60, absl::kZeroPad2));
}

}  // namespace kokemus::reference
