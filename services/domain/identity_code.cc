#include "services/domain/identity_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/domain/validation.h"

namespace kokemus::domain {
namespace {

constexpr absl::string_view kCheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";

// The century of a sign, or 0 for none.
int CenturyOf(char sign) {
  if (sign == '+') return 1800;
  if (sign == '-' || (sign >= 'U' && sign <= 'Y')) return 1900;
  if (sign >= 'A' && sign <= 'F') return 2000;
  return 0;
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string NormalizeIdentityCode(absl::string_view code) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
}

absl::Status CheckIdentityCode(absl::string_view code, absl::string_view field) {
  const std::string f(field);
  if (code.size() != 11 || !AllDigits(code.substr(0, 6)) || !AllDigits(code.substr(7, 3))) {
    return InvalidField(f, "must be a personal identity code DDMMYYCZZZQ (11 characters)");
  }
  const int century = CenturyOf(code[6]);
  if (century == 0)
    return InvalidField(f, "has no century sign (+, -, U-Y or A-F) at its 7th character");
  int day = 0, month = 0, year = 0, individual = 0;
  (void)absl::SimpleAtoi(code.substr(0, 2), &day);
  (void)absl::SimpleAtoi(code.substr(2, 2), &month);
  (void)absl::SimpleAtoi(code.substr(4, 2), &year);
  (void)absl::SimpleAtoi(code.substr(7, 3), &individual);
  const absl::CivilDay date(century + year, month, day);
  if (date.day() != day || date.month() != month || date.year() != century + year) {
    return InvalidField(f, "does not begin with a date that exists");
  }
  if (individual < 2) return InvalidField(f, "has an individual number below 002");
  int64_t number = 0;
  (void)absl::SimpleAtoi(absl::StrCat(code.substr(0, 6), code.substr(7, 3)), &number);
  if (code[10] != kCheckCharacters[number % 31]) {
    return InvalidField(f, "has a wrong check character");
  }
  return absl::OkStatus();
}

}  // namespace kokemus::domain
