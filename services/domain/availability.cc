#include "services/domain/availability.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kokemus::domain {
namespace {

// "9", "9.30", "09:30", "24" → minutes after midnight; -1 if it is none.
int Minutes(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(text, '.');
  int hours = 0, minutes = 0;
  if (parts.first.empty() || parts.first.size() > 2 || !absl::SimpleAtoi(parts.first, &hours)) {
    return -1;
  }
  if (text.find('.') != absl::string_view::npos &&
      (parts.second.size() != 2 || !absl::SimpleAtoi(parts.second, &minutes))) {
    return -1;
  }
  if (hours < 0 || minutes < 0 || minutes > 59 || hours > 24 || (hours == 24 && minutes > 0)) {
    return -1;
  }
  return hours * 60 + minutes;
}

}  // namespace

absl::StatusOr<DayTimes> ParseDayTimes(absl::string_view text) {
  const std::string plain =
      absl::StrReplaceAll(text, {{"\u2013", "-"}, {"\u2014", "-"}, {":", "."}, {";", ","}});
  DayTimes out;
  for (absl::string_view window : absl::StrSplit(plain, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> ends = absl::StrSplit(window, '-');
    const int start = ends.size() == 2 ? Minutes(ends[0]) : -1;
    const int end = ends.size() == 2 ? Minutes(ends[1]) : -1;
    if (start < 0 || end < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", absl::StripAsciiWhitespace(window), "\" is not a time span like 9.00-16.00"));
    }
    if (end <= start) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", absl::StripAsciiWhitespace(window), "\" ends before it starts"));
    }
    out.emplace_back(start, end);
  }
  return out;
}

std::string FormatDayTimes(const DayTimes& times) {
  std::string out;
  for (const auto& [start, end] : times) {
    absl::StrAppendFormat(
        &out, "%s%d.%02d\u2013%d.%02d", out.empty() ? "" : ", ", start / 60, start % 60, end / 60,
        end % 60);
  }
  return out;
}

}  // namespace kokemus::domain
